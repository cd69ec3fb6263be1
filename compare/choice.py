"""How many coins do the data support? K - 1 against K, and K + 1 where it can be fitted.

For each number of coins, with the run's priors and weights:

    maximum log-likelihood    EM (SQUAREM, restarts)                  -> BIC, likelihood ratio
    log evidence log p(data)  K = 1: closed form (Beta-binomial);      -> Bayes factor
                              K = 2: the exact grid (bayes.grid)
    elpd (leave one set out)  K = 1: exact (Beta-binomial predictive);
                              the run's K: PSIS-LOO on its NUTS draws;
                              K = 2 otherwise: PSIS-LOO on exact-grid draws

Twice the log-likelihood ratio is reported with its caveat: the chi-square reference does not
hold for mixtures (the smaller model sits on the boundary of the larger: a weight at 0, or two
thetas equal), so its p-value comes from a parametric bootstrap when asked for
(``bootstrap_lrt``, as R's mixtools ``boot.comp``). Sets sharing a (heads, tosses) pair share
every per-set quantity, so all of this runs over distinct pairs.

The verdict prefers the Bayes factor where both evidences are exact, else BIC; strengths follow
Kass & Raftery (1995, JASA 90:773) on the scale 2 ln(BF): below 2 "barely worth mentioning",
2-6 "positive", 6-10 "strong", above 10 "very strong".
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln

import em
from bayes.pairs import compress

from .options import MAX_COMPONENTS

#: draws from the exact grid posterior for PSIS-LOO where no NUTS run exists
GRID_DRAWS = 4000


def evidence_grade(two_log_bf: float) -> str:
    """The grade of evidence for the model favoured, from 2 ln(BF) (Kass & Raftery 1995): barely,
    positive, strong or very_strong (the report's words for them are in compare/words)."""
    x = abs(two_log_bf)
    return ("barely" if x < 2 else "positive" if x < 6 else
            "strong" if x < 10 else "very_strong")


#: the grades in summary.json's words
_GRADE_WORDS = {"barely": "barely worth mentioning", "positive": "positive", "strong": "strong",
                "very_strong": "very strong"}


def kass_raftery(two_log_bf: float) -> str:
    """The strength of evidence for the model favoured, from 2 ln(BF) (Kass & Raftery 1995)."""
    return _GRADE_WORDS[evidence_grade(two_log_bf)]


def candidates(k: int, longest: int) -> list[int]:
    """K - 1, K and K + 1, keeping those that exist and are identifiable (n >= 2K - 1)."""
    return [c for c in (k - 1, k, k + 1)
            if 1 <= c <= MAX_COMPONENTS and 2 * c - 1 <= longest]


def one_coin_evidence(pairs, a: float, b: float) -> float:
    """log p(data | one coin, Beta(a, b) prior) = sum log C(n, h) + log B(a + H, b + T) - log B(a, b)."""
    heads = float(pairs.count @ pairs.heads)
    tails = float(pairs.count @ pairs.tails)
    return float(pairs.count @ pairs.log_binom + betaln(a + heads, b + tails) - betaln(a, b))


def one_coin_loo(pairs, a: float, b: float) -> np.ndarray:
    """Exact leave-one-set-out log predictive of each pair's set under one coin: the
    Beta-binomial probability of h_i given the other sets' counts. Shape (J,)."""
    heads = float(pairs.count @ pairs.heads)
    tails = float(pairs.count @ pairs.tails)
    h, t = pairs.heads, pairs.tails
    return pairs.log_binom + betaln(a + heads, b + tails) - betaln(a + heads - h, b + tails - t)


def psis_loo(pairs, theta, weights) -> tuple[np.ndarray, float]:
    """PSIS-LOO (ArviZ) per distinct pair from posterior draws (chains, draws, K); returns the
    per-pair elpd (J,) and the largest Pareto k."""
    import arviz as az

    from bayes.posterior import pointwise_log_likelihood

    ll = pointwise_log_likelihood(pairs, theta, weights, per_pair=True)     # (chains, draws, J)
    import warnings

    tree = az.from_dict({"posterior": {"theta": np.asarray(theta)},
                         "log_likelihood": {"pairs": ll}})
    with warnings.catch_warnings():     # a large Pareto k is reported (pareto_k_max), not warned
        warnings.simplefilter("ignore")
        res = az.loo(tree, pointwise=True)
    return np.asarray(res.elpd_i, dtype=float).ravel(), float(np.max(np.asarray(res.pareto_k)))


def _elpd(elpd_pairs, count) -> dict:
    """Total elpd and its standard error from per-pair values (each pair counted count times)."""
    n = count.sum()
    total = float(count @ elpd_pairs)
    mean = total / n
    se = float(np.sqrt(n * (count @ (elpd_pairs - mean) ** 2) / n))
    return {"elpd": total, "se": se}


def _diff_se(a, b, count) -> float:
    d = a - b
    n = count.sum()
    mean = (count @ d) / n
    return float(np.sqrt(n * (count @ (d - mean) ** 2) / n))


def model_choice(data, options, run=None, bootstrap_lrt: int = 0) -> dict:
    """K - 1, K, K + 1 compared (see the module docstring); ``run`` (compare.results.Run) lends its
    NUTS draws and exact grid for the run's own K."""
    o = options
    pairs = compress(data.heads, data.tosses)
    count = pairs.count.astype(float)
    n_sets = data.n_sets
    a, b = o.prior
    rows, elpd_pairs = [], {}
    for k in candidates(o.components, int(pairs.tosses.max())):
        fit = em.fit(data.heads, data.tosses, components=k, weights=o.weights, restarts=10,
                     seed=o.seed, max_iter=5000, accelerate="squarem")
        p = k + (k - 1 if o.learned else 0)
        row = {"components": k, "parameters": p, "log_likelihood": fit.log_likelihood,
               "bic": -2 * fit.log_likelihood + p * np.log(n_sets), "theta": fit.theta.tolist(),
               "weights": fit.weights.tolist(), "log_evidence": None, "evidence_method": None,
               "loo": None}
        grid = None
        if k == 1:
            row["log_evidence"] = one_coin_evidence(pairs, a, b)
            row["evidence_method"] = "closed form (Beta-binomial)"
            elpd_pairs[k] = one_coin_loo(pairs, a, b)
            row["loo"] = {**_elpd(elpd_pairs[k], count), "method": "exact (Beta-binomial)",
                          "pareto_k_max": None}
        elif k == 2:
            grid = run.grid if (run is not None and o.components == 2) else None
            if grid is None:
                from bayes.grid import grid_posterior

                grid = grid_posterior(data.heads, data.tosses, weights=o.weights, prior=o.prior,
                                      dirichlet=o.dirichlet, hdi_prob=o.hdi_prob)
            row["log_evidence"] = grid.log_evidence
            row["evidence_method"] = f"exact grid ({grid.points} points per theta axis)"
        if k > 1 and run is not None and k == o.components and run.sampler is not None:
            nuts = run.sampler
            elpd_pairs[k], kmax = psis_loo(pairs, nuts.theta_draws, nuts.weight_draws)
            row["loo"] = {**_elpd(elpd_pairs[k], count), "method": "PSIS-LOO on the NUTS draws",
                          "pareto_k_max": kmax}
        elif k == 2 and grid is not None:
            theta, weights = grid.sample(GRID_DRAWS, seed=o.seed)
            elpd_pairs[k], kmax = psis_loo(pairs, theta[None], weights[None])
            row["loo"] = {**_elpd(elpd_pairs[k], count),
                          "method": f"PSIS-LOO on {GRID_DRAWS} exact-grid draws",
                          "pareto_k_max": kmax}
        rows.append(row)

    comparisons = []
    for fewer, more in zip(rows, rows[1:]):
        lr = 2 * (more["log_likelihood"] - fewer["log_likelihood"])
        c = {"fewer": fewer["components"], "more": more["components"], "two_log_lr": lr,
             "bic_difference": more["bic"] - fewer["bic"], "log_bayes_factor": None,
             "loo_difference": None, "loo_difference_se": None, "bootstrap": None}
        if fewer["log_evidence"] is not None and more["log_evidence"] is not None:
            c["log_bayes_factor"] = more["log_evidence"] - fewer["log_evidence"]
        kf, km = fewer["components"], more["components"]
        if kf in elpd_pairs and km in elpd_pairs:
            c["loo_difference"] = float(count @ (elpd_pairs[km] - elpd_pairs[kf]))
            c["loo_difference_se"] = _diff_se(elpd_pairs[km], elpd_pairs[kf], count)
        if bootstrap_lrt:
            c["bootstrap"] = bootstrap(data, o, fewer, kf, km, lr, bootstrap_lrt)
        comparisons.append(c)
    return {"components": rows, "comparisons": comparisons,
            "verdict": verdict(rows, comparisons, o.components),
            "beta_binomial": beta_binomial(data, pairs, count, rows)}


def beta_binomial(data, pairs, count, rows) -> dict:
    """A coin of its own for every set (bayes.betabinom: ML, BIC, exact LOO and the evidence by
    quadrature under its stated hyperprior), and which of the three kinds of model (one coin, a
    few coins, a coin for every set) has the highest log evidence among those that have one."""
    from bayes import betabinom

    bb = betabinom.fit(data.heads, data.tosses)
    loo = bb.loo_pairs
    row = {"model": "beta-binomial", "parameters": bb.parameters,
           "log_likelihood": bb.log_likelihood, "bic": bb.bic(data.n_sets),
           "mu": bb.mu, "kappa": bb.kappa, "log_evidence": bb.log_evidence,
           "evidence_method": f"quadrature over (mu, kappa), {bb.points} points per axis",
           "points": bb.points,
           "hyperprior": "mu ~ Uniform(0, 1), kappa / (1 + kappa) ~ Uniform(0, 1)",
           "loo": {**_elpd(loo, count), "method": "exact (quadrature)", "pareto_k_max": None},
           "shrunk": bb.shrunk.tolist()}
    scored = [(r["log_evidence"], "one" if r["components"] == 1 else "few", r["components"])
              for r in rows if r["log_evidence"] is not None]
    scored.append((bb.log_evidence, "every", None))
    scored.sort(key=lambda x: -x[0])
    best, runner = scored[0], (scored[1] if len(scored) > 1 else None)
    row["best_kind"] = {"kind": best[1], "components": best[2],
                        "two_log_bf": None if runner is None else 2 * (best[0] - runner[0]),
                        "runner_kind": None if runner is None else runner[1],
                        "runner_components": None if runner is None else runner[2]}
    return row


def bootstrap(data, o, fewer_row, kf: int, km: int, observed: float, replicates: int) -> dict:
    """Parametric bootstrap of 2 log LR: datasets drawn from the fitted K - 1 model (same
    tosses per set), each fitted with K - 1 and K coins; p = (1 + #{LR >= observed}) / (N + 1)."""
    from coindata import simulate

    stats = []
    for i in range(replicates):
        sim = simulate(fewer_row["theta"], fewer_row["weights"], data.n_sets, data.tosses,
                       seed=[o.seed, 7919, i])
        lo = em.fit(sim.heads, sim.tosses, components=kf, weights=o.weights, restarts=4,
                    seed=i, max_iter=5000, accelerate="squarem")
        hi = em.fit(sim.heads, sim.tosses, components=km, weights=o.weights, restarts=4,
                    seed=i, max_iter=5000, accelerate="squarem")
        stats.append(max(0.0, 2 * (hi.log_likelihood - lo.log_likelihood)))
    stats = np.asarray(stats)
    return {"replicates": replicates, "p": float((1 + np.sum(stats >= observed)) / (replicates + 1)),
            "quantile_95": float(np.quantile(stats, 0.95))}


def two_log_bf(more: dict, fewer: dict) -> tuple[float, str]:
    """2 ln(Bayes factor) of ``more`` coins over ``fewer``: from the exact evidences when both
    have one, else from BIC (whose difference approximates -2 ln BF, Kass & Raftery 1995)."""
    if more["log_evidence"] is not None and fewer["log_evidence"] is not None:
        return 2 * (more["log_evidence"] - fewer["log_evidence"]), "Bayes factor"
    return fewer["bic"] - more["bic"], "BIC"


def verdict(rows, comparisons, k: int) -> dict:
    """The number of coins the data support: walking up from the fewest coins compared, a coin
    more is accepted only on at least "positive" evidence (2 ln BF >= 2)."""
    best = rows[0]
    steps = []
    for row in rows[1:]:
        two, by = two_log_bf(row, best)
        steps.append({"fewer": best["components"], "more": row["components"], "by": by,
                      "two_log_bf": two, "strength": kass_raftery(two),
                      "favours": row["components"] if two > 0 else best["components"]})
        if two >= 2:
            best = row
    return {"components": best["components"], "asked": k,
            "fewer_than_asked": best["components"] < k, "steps": steps}
