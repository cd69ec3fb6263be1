"""Study: how many coins? K = 1, 2, 3, each sampled by NUTS: BIC from EM and PSIS-LOO from the
posterior draws. (Every report also has a cheaper model-choice section; this study samples
K = 3 too.)"""

from __future__ import annotations

import numpy as np

import bayes
import em

from ..markdown import table

TITLE = "how many coins?"


def compute(data, options, args) -> dict:
    import arviz as az
    import xarray as xr

    from bayes.pairs import compress
    from bayes.posterior import pointwise_log_likelihood

    h, n = data.heads, data.tosses
    rows = []
    for k in (1, 2, 3):
        ml = em.fit(h, n, components=k, weights=options.weights, restarts=8, seed=options.seed,
                    accelerate="squarem")
        p = k + (k - 1 if options.learned else 0)
        bic = -2 * ml.log_likelihood + p * np.log(data.n_sets)
        d = bayes.sample_draws(h, n, components=k, weights=options.weights, prior=options.prior,
                               draws=1000, tune=1000, chains=4, seed=options.seed, cores=2)
        ll = pointwise_log_likelihood(compress(h, n), d.theta, d.weights)
        tree = d.tree.copy()
        tree["log_likelihood"] = xr.Dataset({"sets": (("chain", "draw", "set"), ll)})
        loo = az.loo(tree)
        pk = np.asarray(loo.pareto_k).ravel()
        rows.append({"components": k, "parameters": p, "log_likelihood": float(ml.log_likelihood),
                     "bic": float(bic), "elpd_loo": float(loo.elpd), "elpd_loo_se": float(loo.se),
                     "p_loo": float(loo.p), "max_pareto_k": float(np.max(pk)),
                     "divergences": d.divergences})
    k_bic = min(rows, key=lambda row: row["bic"])["components"]
    k_loo = max(rows, key=lambda row: row["elpd_loo"])["components"]
    return {"table": rows, "k_bic": k_bic, "k_loo": k_loo, "agree": k_bic == k_loo,
            "sets": data.n_sets}


def explain(res, options) -> str:
    rows, k_bic, k_loo = res["table"], res["k_bic"], res["k_loo"]
    best = max(row["elpd_loo"] for row in rows)
    close = [row["components"] for row in rows if best - row["elpd_loo"] <= 2 * row["elpd_loo_se"]]
    expl = (f"BIC (lower is better) picks K = {k_bic}; PSIS-LOO (higher elpd is better) picks "
            f"K = {k_loo}" + (" — they agree." if k_bic == k_loo else " — they disagree.")
            + f" Within two standard errors of the best elpd: K = {', '.join(map(str, close))}"
            + (f": with {res['sets']} sets the data cannot tell these apart." if len(close) > 1
               else ".") + " BIC charges log(sets) per parameter; LOO asks how well each set is "
            "predicted by the others, averaging over the posterior instead of plugging in ML.")
    if any(row["max_pareto_k"] > 0.7 for row in rows):
        expl += " Some Pareto k exceed 0.7: the LOO estimate is unreliable for those K."
    return expl


def text(res, options) -> str:
    return (table(["K", "parameters", "log-likelihood (ML)", "BIC", "elpd LOO", "se", "p_loo",
                   "max Pareto k"],
                  [[row["components"], row["parameters"], f"{row['log_likelihood']:.3f}",
                    f"{row['bic']:.2f}", f"{row['elpd_loo']:.2f}", f"{row['elpd_loo_se']:.2f}",
                    f"{row['p_loo']:.2f}", f"{row['max_pareto_k']:.2f}"] for row in res["table"]])
            + "\n" + res["explanation"] + "\n")
