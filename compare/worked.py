"""The textbook's worked example, computed: the first EM iteration set by set, the iterations
until convergence, and the first step three ways (EM, Gibbs, VB).

The coins keep the paper's names here: coin A is the one started at init[0] (0.6 on the
defaults), coin B at init[1] (0.5). Everywhere else components are ordered by theta.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, logsumexp, xlog1py, xlogy

from em.vb import start_factors


def coin_names(k: int) -> list[str]:
    return [chr(ord("A") + i) for i in range(k)]


def first_iteration(heads, tosses, init, per_set_limit: int = 10_000) -> dict:
    """Per set: P(coin) under the starting thetas (equal weights), expected heads and tails
    credited to each coin; totals; the new estimates. Beyond ``per_set_limit`` sets the rows are
    the distinct (heads, tosses) pairs, with a ``count`` of sets each (totals are over all sets).
    """
    heads, tosses = np.asarray(heads), np.asarray(tosses)
    count = np.ones(heads.size)
    if heads.size > per_set_limit:
        from bayes.pairs import compress

        p = compress(heads, tosses)
        heads, tosses, count = p.heads, p.tosses, p.count.astype(float)
    h = heads.astype(float)
    t = tosses.astype(float) - h
    th = np.asarray(init, float)
    lj = xlogy(h[:, None], th[None, :]) + xlog1py(t[:, None], -th[None, :])  # equal weights
    p = np.exp(lj - logsumexp(lj, axis=1, keepdims=True))                    # (rows, K)
    eh, et = p * h[:, None], p * t[:, None]
    total_h, total_t = count @ eh, count @ et
    return {"coins": coin_names(th.size), "init": th.tolist(), "rows": "sets" if
            count.max() == 1 and heads.size <= per_set_limit else "distinct pairs",
            "heads": h.astype(int).tolist(), "tails": t.astype(int).tolist(),
            "count": count.astype(int).tolist(), "probability": p.tolist(),
            "expected_heads": eh.tolist(), "expected_tails": et.tolist(),
            "total_heads": total_h.tolist(), "total_tails": total_t.tolist(),
            "new_theta": (total_h / (total_h + total_t)).tolist()}


def iterations(ml, init) -> dict:
    """EM's path in the paper's coin names: history is ordered by theta, so map back."""
    th0 = np.asarray(init, float)
    order = np.argsort(th0, kind="stable")        # canonical component of each paper coin
    rows = []
    for s in ml.history:
        rows.append({"iteration": s.iteration,
                     "theta": [float(s.theta[np.where(order == i)[0][0]]) for i in range(th0.size)],
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
    h = int(heads[set_index])
    t = int(tosses[set_index]) - h
    th = np.asarray(init, float)
    lj = h * np.log(th) + t * np.log1p(-th)
    p_em = np.exp(lj - logsumexp(lj))
    A, B = start_factors((np.asarray(heads), np.asarray(tosses)), th, prior)
    e_log = digamma(A) - digamma(A + B)
    e_log1m = digamma(B) - digamma(A + B)
    lv = h * e_log + t * e_log1m
    p_vb = np.exp(lv - logsumexp(lv))
    return {"set": set_index + 1, "heads": h, "tails": t, "coins": coin_names(th.size),
            "init": th.tolist(),
            "em": {"probability": p_em.tolist(), "credited_heads": (p_em * h).tolist()},
            "gibbs": {"probability": p_em.tolist(), "credited_heads_if_chosen": h},
            "vb": {"alpha": A.tolist(), "beta": B.tolist(), "e_log_theta": e_log.tolist(),
                   "e_log_1m_theta": e_log1m.tolist(), "probability": p_vb.tolist(),
                   "credited_heads": (p_vb * h).tolist()}}
