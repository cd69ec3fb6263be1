"""Study: how many coins? K = 1, 2, 3, each sampled by NUTS: BIC from EM and PSIS-LOO from the
posterior draws. (Every report also has a cheaper model-choice section; this study samples
K = 3 too.)"""

from __future__ import annotations

import numpy as np

import bayes
import em

from ..records import Table, fact

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


def explain(res, options):
    rows, k_bic, k_loo = res["table"], res["k_bic"], res["k_loo"]
    best = max(row["elpd_loo"] for row in rows)
    close = [row["components"] for row in rows if best - row["elpd_loo"] <= 2 * row["elpd_loo_se"]]
    return fact("study.components.explain", "agree" if k_bic == k_loo else "disagree",
                k_bic=k_bic, k_loo=k_loo, close=close,
                tell=fact("study.components.tell", "many" if len(close) > 1 else "one",
                          sets=res["sets"]),
                pareto=fact("study.components.pareto")
                if any(row["max_pareto_k"] > 0.7 for row in rows) else None)


def text(res, options) -> list:
    h = lambda key: fact(f"study.components.header.{key}")  # noqa: E731
    return [Table(["K", h("parameters"), h("log_likelihood"), "BIC", "elpd LOO", "se", "p_loo",
                   h("pareto")],
                  [[row["components"], row["parameters"], row["log_likelihood"], row["bic"],
                    row["elpd_loo"], row["elpd_loo_se"], row["p_loo"], row["max_pareto_k"]]
                   for row in res["table"]],
                  ["", "", ".3f", ".2f", ".2f", ".2f", ".2f", ".2f"]),
            fact("study.paragraph", text=res["_said"])]
