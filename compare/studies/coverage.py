"""Study: bias, error and coverage over replicate datasets from a known truth: ML, MAP and the
posterior mean as estimators, and how often the Wald interval and the HDI cover the truth."""

from __future__ import annotations

import numpy as np

import bayes
import em
from bayes.intervals import hdi_of_draws
from coindata import simulate

from ..options import derived_seed
from ..records import Figure, Table, fact
from ..rungs import z_value
from ..style import panels, save
from . import threads

TITLE = "bias, error and coverage over replicate datasets"
TWO_COINS = True
COVERAGE_SETS = 200


def compute(data, options, args) -> dict:
    truth = np.asarray(args.truth)
    n_sets = args.coverage_sets or (50 if options.quick else COVERAGE_SETS)
    prob = options.hdi_prob
    z = z_value(prob)

    def one(i):
        d = simulate(truth, args.weights, n_sets, args.tosses, seed=derived_seed(options.seed, 50_000 + i))
        ml = em.fit(d.heads, d.tosses, init=tuple(truth), restarts=2,
                    accelerate="squarem")
        mp = em.fit(d.heads, d.tosses, prior=options.prior, init=tuple(truth), restarts=2,
                    accelerate="squarem")
        dr = bayes.sample_draws(d.heads, d.tosses, prior=options.prior, draws=1000, tune=500,
                                chains=2, seed=derived_seed(options.seed, i), init=truth)
        th = dr.theta.reshape(-1, 2)
        se = ml.std_error["theta"]
        wald = [None if s is None else bool(abs(ml.theta[k] - truth[k]) <= z * s)
                for k, s in enumerate(se)]
        hd = [hdi_of_draws(th[:, k], prob) for k in range(2)]
        return {"ml": ml.theta.tolist(), "map": mp.theta.tolist(), "mean": th.mean(0).tolist(),
                "wald_covers": wald,
                "hdi_covers": [bool(lo <= t <= hi) for (lo, hi), t in zip(hd, truth)],
                "divergences": dr.divergences}

    reps = threads(one, list(range(args.replicates)))
    R = len(reps)
    rows = []
    for k in range(2):
        for est in ("ml", "map", "mean"):
            e = np.array([rep[est][k] for rep in reps]) - truth[k]
            bias, rmse = e.mean(), np.sqrt(np.mean(e ** 2))
            rows.append({"parameter": f"theta[{k}]", "estimator": est, "bias": float(bias),
                         "bias_se": float(e.std(ddof=1) / np.sqrt(R)), "rmse": float(rmse),
                         "rmse_se": float(np.std(e ** 2, ddof=1) / np.sqrt(R) / (2 * rmse))})
    cover = []
    for k in range(2):
        for kind in ("wald", "hdi"):
            vals = [rep[f"{kind}_covers"][k] for rep in reps if rep[f"{kind}_covers"][k] is not None]
            p = float(np.mean(vals)) if vals else None
            cover.append({"parameter": f"theta[{k}]", "interval": kind, "coverage": p,
                          "mc_se": None if p is None else float(np.sqrt(prob * (1 - prob) / len(vals))),
                          "replicates": len(vals)})
    return {"truth": truth.tolist(), "sets": n_sets, "replicates": R, "nominal": prob,
            "estimators": rows, "coverage": cover,
            "divergences": int(sum(rep["divergences"] for rep in reps))}


def _est(name):
    return fact("study.estimator", name)


def _interval(name):
    return fact("study.interval", name)


def figure(res, path, t) -> None:
    rows, cover, nominal = res["estimators"], res["coverage"], res["nominal"]
    fig, (a1, a2) = panels(2, height=3.6)
    from ..words import render

    labels = [f"{render(_est(row['estimator']), t.lang)}\n{row['parameter']}" for row in rows]
    x = np.arange(len(rows))
    a1.errorbar(x - 0.1, [row["bias"] for row in rows], yerr=[2 * row["bias_se"] for row in rows],
                fmt="o", label=t("bias"))
    a1.errorbar(x + 0.1, [row["rmse"] for row in rows], yerr=[2 * row["rmse_se"] for row in rows],
                fmt="s", label=t("rmse"))
    a1.axhline(0, color="0.5", lw=0.8)
    a1.set_xticks(x, labels, fontsize=9)
    a1.set(title=t("title_error", replicates=res["replicates"], sets=res["sets"]),
           ylabel=t("error"))
    a1.legend(fontsize=9)
    xc = np.arange(len(cover))
    a2.errorbar(xc, [c["coverage"] if c["coverage"] is not None else np.nan for c in cover],
                yerr=[2 * (c["mc_se"] or 0) for c in cover], fmt="o")
    a2.axhline(nominal, color="#2ca02c", lw=1, ls="--", label=t("nominal", prob=nominal))
    a2.set_xticks(xc, [f"{render(_interval(c['interval']), t.lang)}\n{c['parameter']}"
                       for c in cover], fontsize=9)
    a2.set(ylim=(0.6, 1.0), ylabel=t("coverage"), title=t("title_coverage", prob=nominal))
    a2.legend(fontsize=9)
    save(fig, path)


def explain(res, options):
    truth, rows, cover, nominal = res["truth"], res["estimators"], res["coverage"], res["nominal"]
    far = [c for c in cover if c["coverage"] is not None
           and abs(c["coverage"] - nominal) > 3 * c["mc_se"]]
    best = min(rows, key=lambda row: row["rmse"])
    items = [fact("study.coverage.item", interval=_interval(c["interval"]),
                  parameter=c["parameter"], coverage=c["coverage"], se=c["mc_se"])
             for c in cover if c["coverage"] is not None]
    verdict = (fact("study.coverage.verdict", "within", prob=nominal) if not far else
               fact("study.coverage.verdict", "outside", prob=nominal,
                    far=[fact("study.coverage.far", interval=_interval(c["interval"]),
                              parameter=c["parameter"]) for c in far]))
    return fact("study.coverage.explain", replicates=res["replicates"], sets=res["sets"],
                truth=truth, best=_est(best["estimator"]), parameter=best["parameter"],
                rmse=best["rmse"], prob=nominal, items=items, verdict=verdict)


def text(res, options) -> list:
    rows, cover = res["estimators"], res["coverage"]
    h = lambda key: fact(f"study.coverage.header.{key}")  # noqa: E731
    return [Table([h("parameter"), h("estimator"), h("bias"), "RMSE"],
                  [[row["parameter"], _est(row["estimator"]),
                    fact("study.pm", "signed", value=row["bias"], se=row["bias_se"]),
                    fact("study.pm", "plain", value=row["rmse"], se=row["rmse_se"])]
                   for row in rows]),
            Table([h("parameter"), h("interval"), h("coverage"), h("mc_se")],
                  [[c["parameter"], _interval(c["interval"]),
                    fact("study.value", "na") if c["coverage"] is None else
                    fact("study.value", "f3", x=c["coverage"]),
                    fact("study.value", "na") if c["mc_se"] is None else
                    fact("study.value", "f3", x=c["mc_se"])] for c in cover]),
            fact("study.paragraph", text=res["_said"]),
            Figure("study_coverage", "study_coverage.png", fact("study.coverage.caption"))]
