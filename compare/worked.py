"""The textbook's worked example, computed: the first EM iteration set by set, the iterations
until convergence, and the first step three ways (EM, Gibbs, VB).

The coins keep the paper's names here: coin A is the one started at init[0] (0.6 on the
defaults), coin B at init[1] (0.5). Everywhere else components are ordered by theta.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma

from em.model import credited, e_step
from em.pairs import compress
from em.vb import start_factors, vb_e_step


def coin_names(k: int) -> list[str]:
    return [chr(ord("A") + i) for i in range(k)]


def first_iteration(heads, tosses, init, per_set_limit: int = 10_000) -> dict:
    """Per set: P(coin) under the starting thetas (equal weights), expected heads and tails
    credited to each coin; totals; the new estimates. Beyond ``per_set_limit`` sets the rows are
    the distinct (heads, tosses) pairs, with a ``count`` of sets each (totals are over all sets).
    """
    heads, tosses = np.asarray(heads), np.asarray(tosses)
    pairs = compress(heads, tosses)
    th = np.asarray(init, float)
    _, p_pairs = e_step(pairs, th, np.full(th.size, 1.0 / th.size))    # (pairs, K)
    total_h, total_t, _ = credited(pairs, p_pairs)
    by_set = heads.size <= per_set_limit
    p = p_pairs
    if by_set:                                                          # one row per set
        p, h, t, count = p_pairs[pairs.inverse], heads, tosses - heads, np.ones(heads.size, int)
    else:
        h, t, count = pairs.heads, pairs.tails, pairs.count
    eh, et = p * h[:, None], p * t[:, None]
    sets_k = np.asarray(p_pairs).T @ pairs.count.astype(float)
    # the set the text walks through: the first with both heads and tails (set 1 in the paper),
    # so that crediting its heads and its tails both show something
    mixed = np.flatnonzero((heads > 0) & (heads < tosses))
    example_set = int(mixed[0]) if mixed.size else 0
    return {"coins": coin_names(th.size), "init": th.tolist(), "example_set": example_set,
            "example": example_set if by_set else int(pairs.inverse[example_set]),
            "rows": "sets" if by_set
            else "distinct pairs", "total_sets": sets_k.tolist(),
            "new_weights": (sets_k / sets_k.sum()).tolist(),
            "heads": np.asarray(h).astype(int).tolist(), "tails": np.asarray(t).astype(int).tolist(),
            "count": np.asarray(count).astype(int).tolist(), "probability": p.tolist(),
            "expected_heads": eh.tolist(), "expected_tails": et.tolist(),
            "total_heads": total_h.tolist(), "total_tails": total_t.tolist(),
            "new_theta": (total_h / (total_h + total_t)).tolist()}


def iterations(ml, init) -> dict:
    """EM's path in the paper's coin names: history is ordered by theta, so map back."""
    th0 = np.asarray(init, float)
    order = np.argsort(th0, kind="stable")        # canonical component of each paper coin
    rows = []
    for s in ml.history:
        pick = [int(np.where(order == i)[0][0]) for i in range(th0.size)]
        rows.append({"iteration": s.iteration, "theta": [float(s.theta[j]) for j in pick],
                     "weights": [float(s.weights[j]) for j in pick],
                     "objective": float(s.objective)})
    return {"coins": coin_names(th0.size), "rows": rows, "converged": bool(ml.converged),
            "iterations": int(ml.iterations)}


def first_step_three_ways(heads, tosses, init, prior, set_index: int = 0) -> dict:
    """How set ``set_index`` is credited in the first step by EM, a Gibbs sweep and VB.

    EM: P(coin k | data, theta = init) * heads. Gibbs: all heads to one coin drawn with those
    probabilities (expected credit the same, but each sweep gives all or nothing). VB: weights
    from E[log theta_k] and E[log(1 - theta_k)] under the starting Beta factors, whose means are
    init and whose strength is a + b + (tosses per coin) (em.vb.start_factors).
    """
    pairs = compress(heads, tosses)
    j = pairs.inverse[set_index]
    h, t = int(pairs.heads[j]), int(pairs.tails[j])
    th = np.asarray(init, float)
    p_em = e_step(pairs, th, np.full(th.size, 1.0 / th.size))[1][j]
    A, B = start_factors(pairs, th, prior)
    e_log = digamma(A) - digamma(A + B)
    e_log1m = digamma(B) - digamma(A + B)
    p_vb = vb_e_step(pairs, A, B, None)[1][j]
    return {"set": set_index + 1, "heads": h, "tails": t, "coins": coin_names(th.size),
            "init": th.tolist(),
            "em": {"probability": p_em.tolist(), "credited_heads": (p_em * h).tolist()},
            "gibbs": {"probability": p_em.tolist(), "credited_heads_if_chosen": h},
            "vb": {"alpha": A.tolist(), "beta": B.tolist(), "e_log_theta": e_log.tolist(),
                   "e_log_1m_theta": e_log1m.tolist(), "probability": p_vb.tolist(),
                   "credited_heads": (p_vb * h).tolist()}}
