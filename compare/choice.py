"""How many coins do the data support? K - 1 against K, and K + 1 where it can be fitted.

For each number of coins, with the run's priors and weights:

    maximum log-likelihood    EM (SQUAREM, restarts)                  -> BIC, likelihood ratio
    log evidence log p(data)  K = 1: closed form (Beta-binomial);      -> Bayes factor
                              K = 2: the exact grid (bayes.grid);
                              K >= 3: importance sampling from EM's optimum, with its Monte
                              Carlo error (bayes.evidence; tempered SMC where its weights'
                              tail is too heavy)
    elpd (leave one set out)  K = 1: exact (Beta-binomial predictive);
                              the run's K: PSIS-LOO on its NUTS draws;
                              K = 2 otherwise: PSIS-LOO on exact-grid draws

Twice the log-likelihood ratio is reported with its caveat: the chi-square reference does not
hold for mixtures (the smaller model sits on the boundary of the larger: a weight at 0, or two
thetas equal), so its p-value comes from a parametric bootstrap when asked for
(``bootstrap_lrt``, as R's mixtools ``boot.comp``). Sets sharing a (heads, tosses) pair share
every per-set quantity, so all of this runs over distinct pairs.

The verdict uses the Bayes factor wherever both evidences exist (exact, or estimated with a
stated error), else twice the PSIS-LOO elpd difference, else BIC, and names which; strengths follow
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
    return finish(prepare(data, options, run, bootstrap_lrt), run)


def prepare(data, options, run=None, bootstrap_lrt: int = 0, nuts_later: bool = False) -> dict:
    """Everything in the model choice that needs no NUTS draws: every K's fit, evidence and
    exact or grid elpd, the bootstrap, the Beta-binomial, the test of homogeneity and, where
    every K has an evidence (so that the verdict cannot depend on an elpd), the verdict's step
    under the other weights setting. ``nuts_later``: the run's NUTS draws will come (its K's
    PSIS-LOO is left to :func:`finish`), so the pipeline can do this while NUTS still samples."""
    o = options
    pairs = compress(data.heads, data.tosses)
    count = pairs.count.astype(float)
    n_sets = data.n_sets
    a, b = o.prior
    rows, elpd_pairs, pending = [], {}, None
    nuts = run is not None and (nuts_later or run.sampler is not None)
    for k in candidates(o.components, int(pairs.tosses.max())):
        fit = em.fit(data.heads, data.tosses, components=k, weights=o.weights, restarts=10,
                     seed=o.seed, max_iter=5000, accelerate="squarem")
        p = k + (k - 1 if o.learned else 0)
        row = {"components": k, "parameters": p, "log_likelihood": fit.log_likelihood,
               "bic": -2 * fit.log_likelihood + p * np.log(n_sets), "theta": fit.theta.tolist(),
               "weights": fit.weights.tolist(), "log_evidence": None, "evidence_method": None,
               "log_evidence_se": None, "evidence": None, "loo": None}
        grid = None
        if k == 1:
            row["log_evidence"] = one_coin_evidence(pairs, a, b)
            row["log_evidence_se"] = 0.0
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
            row["log_evidence_se"] = 0.0
            row["evidence_method"] = f"exact grid ({grid.points} points per theta axis)"
        else:
            row.update(estimated_evidence(data, o, k, fit))
        if k > 1 and nuts and k == o.components:
            pending = k                                 # PSIS-LOO on the NUTS draws: finish()
        elif k == 2 and grid is not None:
            theta, weights = grid.sample(GRID_DRAWS, seed=o.seed)
            elpd_pairs[k], kmax = psis_loo(pairs, theta[None], weights[None])
            row["loo"] = {**_elpd(elpd_pairs[k], count),
                          "method": f"PSIS-LOO on {GRID_DRAWS} exact-grid draws",
                          "pareto_k_max": kmax}
        rows.append(row)
    boot = {}
    if bootstrap_lrt:
        for fewer, more in zip(rows, rows[1:]):
            lr = 2 * (more["log_likelihood"] - fewer["log_likelihood"])
            boot[more["components"]] = bootstrap(data, o, fewer, fewer["components"],
                                                 more["components"], lr, bootstrap_lrt)
    out = {"data": data, "options": o, "pairs": pairs, "count": count, "rows": rows,
           "elpd_pairs": elpd_pairs, "pending": pending, "bootstrap": boot,
           "beta_binomial": beta_binomial(data, pairs, count, rows),
           "homogeneity": homogeneity(data, o.seed), "other": None}
    if all(r["log_evidence"] is not None for r in rows):     # the verdict is known already
        v = verdict(rows, [], o.components)
        out["other"] = (v["steps"], other_weights(data, o, pairs, v))
    return out


def finish(prep: dict, run=None) -> dict:
    """The model choice from :func:`prepare`'s parts and, for the run's own K, the NUTS draws'
    PSIS-LOO: the comparisons, the verdict and the prior's weight in it."""
    data, o, pairs, count = prep["data"], prep["options"], prep["pairs"], prep["count"]
    rows, elpd_pairs = prep["rows"], dict(prep["elpd_pairs"])
    k = prep["pending"]
    if k is not None and run is not None and run.sampler is not None:
        nuts = run.sampler
        row = next(r for r in rows if r["components"] == k)
        elpd_pairs[k], kmax = psis_loo(pairs, nuts.theta_draws, nuts.weight_draws)
        row["loo"] = {**_elpd(elpd_pairs[k], count), "method": "PSIS-LOO on the NUTS draws",
                      "pareto_k_max": kmax}

    comparisons = []
    for fewer, more in zip(rows, rows[1:]):
        lr = 2 * (more["log_likelihood"] - fewer["log_likelihood"])
        c = {"fewer": fewer["components"], "more": more["components"], "two_log_lr": lr,
             "bic_difference": more["bic"] - fewer["bic"], "log_bayes_factor": None,
             "log_bayes_factor_se": None,
             "loo_difference": None, "loo_difference_se": None, "bootstrap": None}
        if fewer["log_evidence"] is not None and more["log_evidence"] is not None:
            c["log_bayes_factor"] = more["log_evidence"] - fewer["log_evidence"]
            c["log_bayes_factor_se"] = float(np.hypot(fewer["log_evidence_se"],
                                                      more["log_evidence_se"]))
        kf, km = fewer["components"], more["components"]
        if kf in elpd_pairs and km in elpd_pairs:
            c["loo_difference"] = float(count @ (elpd_pairs[km] - elpd_pairs[kf]))
            c["loo_difference_se"] = _diff_se(elpd_pairs[km], elpd_pairs[kf], count)
        c["bootstrap"] = prep["bootstrap"].get(km)
        comparisons.append(c)
    v = verdict(rows, comparisons, o.components)
    if prep["other"] is not None and prep["other"][0] == v["steps"]:
        v["other_weights"] = prep["other"][1]
    else:
        v["other_weights"] = other_weights(data, o, pairs, v)
    return {"components": rows, "comparisons": comparisons, "verdict": v,
            "beta_binomial": prep["beta_binomial"], "homogeneity": prep["homogeneity"]}


#: the homogeneity test's Monte Carlo replicates (where an expected count is below 5), and the
#: largest number of sets it is drawn for (beyond, the chi-square law holds for all but a few)
HOMOGENEITY_REPLICATES = 4999
HOMOGENEITY_MC_SETS = 500


def homogeneity(data, seed: int = 0) -> dict | None:
    """Do the sets differ more than one coin would make them? Pearson's chi-square test of
    homogeneity on the sets x (heads, tails) table, X^2 = sum_i (h_i - n_i p)^2 / (n_i p (1 - p))
    with p the pooled rate, against chi-square with n_sets - 1 degrees of freedom. Where an
    expected count n_i p or n_i (1 - p) is below 5 (the chi-square law is then rough) and there
    are at most HOMOGENEITY_MC_SETS sets, the p-value is the conditional Monte Carlo one instead:
    heads redistributed over the sets' tosses with the total fixed (the multivariate
    hypergeometric, the exact test's reference distribution), p = (1 + #{X^2_rep >= X^2}) / (R + 1).
    None for a single set; X^2 = 0 and p = 1 where every toss is heads or every toss tails."""
    from scipy import stats

    h, n = np.asarray(data.heads, np.int64), np.asarray(data.tosses, np.int64)
    sets = int(h.size)
    if sets < 2:
        return None
    total, heads = int(n.sum()), int(h.sum())
    df = sets - 1
    lengths = {"shortest": int(n.min()), "longest": int(n.max())}
    if heads in (0, total):
        return {"statistic": 0.0, "df": df, "p": 1.0, "method": "no variation possible",
                "replicates": None, "smallest_expected": 0.0, **lengths}
    rate = heads / total

    def x2(hh):
        return np.sum((hh - n * rate) ** 2 / (n * rate * (1 - rate)), axis=-1)

    stat = float(x2(h))
    smallest = float(min(n.min() * rate, n.min() * (1 - rate)))
    out = {"statistic": stat, "df": df, "p": float(stats.chi2.sf(stat, df)),
           "method": "chi-square", "replicates": None, "smallest_expected": smallest, **lengths}
    if smallest < 5 and sets <= HOMOGENEITY_MC_SETS:
        rng = np.random.default_rng([seed, 4999])
        # X^2 is the same counted in tails: draw the rarer side (the "count" method costs its
        # number; "marginals" costs the number of sets)
        fewer = min(heads, total - heads)
        rep = rng.multivariate_hypergeometric(n, fewer, size=HOMOGENEITY_REPLICATES,
                                              method="count" if fewer <= 20 * sets
                                              else "marginals")
        if fewer != heads:
            rep = n - rep
        hits = int(np.sum(x2(rep) >= stat * (1 - 1e-12)))
        out.update(p=(1 + hits) / (HOMOGENEITY_REPLICATES + 1), method="conditional Monte Carlo",
                   replicates=HOMOGENEITY_REPLICATES)
    return out


def decisive_step(v: dict) -> dict | None:
    """The verdict's step that decides about the asked number of coins (its first comparison
    with K on either side), or None."""
    k = v["asked"]
    return next((s for s in v["steps"] if s["more"] == k or s["fewer"] == k), None)


def other_weights(data, o, pairs, v: dict) -> dict | None:
    """The prior's weight in the verdict: the decisive step's 2 ln BF with the other weights
    setting (fixed equal weights against learned ones with their Dirichlet prior), so the
    report can say when the two fall on different sides of a Kass-Raftery line. None where the
    step was not decided by evidences."""
    step = decisive_step(v)
    if step is None or step["by"] != "Bayes factor":
        return None
    other = "fixed" if o.learned else "learned"
    a, b = o.prior
    logs, ses = [], []
    for k in (step["fewer"], step["more"]):
        if k == 1:
            logs.append(one_coin_evidence(pairs, a, b))
            ses.append(0.0)
        elif k == 2:
            from bayes.grid import grid_posterior

            logs.append(grid_posterior(data.heads, data.tosses, weights=other, prior=o.prior,
                                       dirichlet=o.dirichlet).log_evidence)
            ses.append(0.0)
        else:
            from bayes.evidence import log_evidence

            fit = em.fit(data.heads, data.tosses, components=k, weights=other, restarts=10,
                         seed=o.seed, max_iter=5000, accelerate="squarem")
            e = log_evidence(data.heads, data.tosses, k, weights=other, prior=o.prior,
                             dirichlet=o.dirichlet, init_theta=fit.theta,
                             init_weights=fit.weights, seed=o.seed)
            if not np.isfinite(e.log_evidence):
                return None
            logs.append(e.log_evidence)
            ses.append(e.se)
    two = 2 * (logs[1] - logs[0])
    return {"weights": other, "fewer": step["fewer"], "more": step["more"], "two_log_bf": two,
            "two_log_bf_se": 2 * float(np.hypot(*ses)), "strength": kass_raftery(two),
            "differs": (evidence_grade(two) != evidence_grade(step["two_log_bf"])
                        or (two >= 2) != (step["two_log_bf"] >= 2)
                        or (two <= -2) != (step["two_log_bf"] <= -2))}


def estimated_evidence(data, o, k: int, fit) -> dict:
    """The log evidence of ``k`` coins where no grid reaches, started from EM's optimum ``fit``
    (bayes.evidence): the row's log_evidence, its Monte Carlo error and the estimate's
    diagnostics; an estimate that is not finite leaves the evidence missing."""
    from bayes.evidence import log_evidence

    e = log_evidence(data.heads, data.tosses, k, weights=o.weights, prior=o.prior,
                     dirichlet=o.dirichlet, init_theta=fit.theta, init_weights=fit.weights,
                     seed=o.seed)
    if not (np.isfinite(e.log_evidence) and np.isfinite(e.se)):
        return {"evidence": e.to_dict()}
    return {"log_evidence": e.log_evidence, "log_evidence_se": e.se,
            "evidence_method": e.method, "evidence": e.to_dict()}


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
           "shrunk": bb.shrunk.tolist()}      # per set (summary.json: by pair beyond PER_SET_LIMIT)
    # the best of each kind (one coin; a few: the best K > 1; a coin for every set), ranked
    scored = {}
    for r in rows:
        if r["log_evidence"] is None:
            continue
        kind = "one" if r["components"] == 1 else "few"
        if kind not in scored or r["log_evidence"] > scored[kind][0]:
            scored[kind] = (r["log_evidence"], kind, r["components"])
    scored["every"] = (bb.log_evidence, "every", None)
    scored = sorted(scored.values(), key=lambda x: -x[0])
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


def two_log_bf(more: dict, fewer: dict) -> tuple[float, str, float]:
    """2 ln(Bayes factor) of ``more`` coins over ``fewer``, how it was found and its Monte Carlo
    error: from the evidences when both have one (exact, or estimated with an error); else twice
    the elpd difference (PSIS-LOO: the same deviance scale, a pseudo-Bayes factor, Geisser &
    Eddy 1979); else from BIC (whose difference approximates -2 ln BF, Kass & Raftery 1995)."""
    if more["log_evidence"] is not None and fewer["log_evidence"] is not None:
        se = 2 * float(np.hypot(more.get("log_evidence_se") or 0.0,
                                fewer.get("log_evidence_se") or 0.0))
        return 2 * (more["log_evidence"] - fewer["log_evidence"]), "Bayes factor", se
    if more["loo"] is not None and fewer["loo"] is not None:
        return 2 * (more["loo"]["elpd"] - fewer["loo"]["elpd"]), "LOO", 0.0
    return fewer["bic"] - more["bic"], "BIC", 0.0


def verdict(rows, comparisons, k: int) -> dict:
    """The number of coins the data support: walking up from the fewest coins compared, a coin
    more is accepted only on at least "positive" evidence (2 ln BF >= 2)."""
    best = rows[0]
    steps = []
    for row in rows[1:]:
        two, by, se = two_log_bf(row, best)
        steps.append({"fewer": best["components"], "more": row["components"], "by": by,
                      "two_log_bf": two, "two_log_bf_se": se, "strength": kass_raftery(two),
                      "favours": row["components"] if two > 0 else best["components"]})
        if two >= 2:
            best = row
    return {"components": best["components"], "asked": k,
            "fewer_than_asked": best["components"] < k, "steps": steps}
