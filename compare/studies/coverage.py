"""Study: bias, error and coverage over replicate datasets from a known truth: ML, MAP and the
posterior mean as estimators, and how often the Wald interval and the HDI cover the truth."""

from __future__ import annotations

import numpy as np

import bayes
import em
from bayes.intervals import hdi_of_draws
from coindata import simulate

from ..options import derived_seed
from ..markdown import embed, table
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


def figure(res, path) -> None:
    rows, cover, nominal = res["estimators"], res["coverage"], res["nominal"]
    fig, (a1, a2) = panels(2, height=3.6)
    labels = [f"{row['estimator']}\n{row['parameter']}" for row in rows]
    x = np.arange(len(rows))
    a1.errorbar(x - 0.1, [row["bias"] for row in rows], yerr=[2 * row["bias_se"] for row in rows],
                fmt="o", label="bias ± 2 MC se")
    a1.errorbar(x + 0.1, [row["rmse"] for row in rows], yerr=[2 * row["rmse_se"] for row in rows],
                fmt="s", label="RMSE ± 2 MC se")
    a1.axhline(0, color="0.5", lw=0.8)
    a1.set_xticks(x, labels, fontsize=9)
    a1.set(title=f"{res['replicates']} datasets of {res['sets']} sets", ylabel="error")
    a1.legend(fontsize=9)
    xc = np.arange(len(cover))
    a2.errorbar(xc, [c["coverage"] if c["coverage"] is not None else np.nan for c in cover],
                yerr=[2 * (c["mc_se"] or 0) for c in cover], fmt="o")
    a2.axhline(nominal, color="#2ca02c", lw=1, ls="--", label=f"nominal {nominal:.0%}")
    a2.set_xticks(xc, [f"{c['interval']}\n{c['parameter']}" for c in cover], fontsize=9)
    a2.set(ylim=(0.6, 1.0), ylabel="coverage",
           title=f"Coverage of {nominal:.0%} intervals (± 2 MC se)")
    a2.legend(fontsize=9)
    save(fig, path)


def explain(res, options) -> str:
    truth, rows, cover, nominal = res["truth"], res["estimators"], res["coverage"], res["nominal"]
    far = [c for c in cover if c["coverage"] is not None
           and abs(c["coverage"] - nominal) > 3 * c["mc_se"]]
    best = min(rows, key=lambda row: row["rmse"])
    return (f"{res['replicates']} datasets of {res['sets']} sets from theta = {truth[0]:.3f}, "
            f"{truth[1]:.3f}. Lowest RMSE: {best['estimator']} for {best['parameter']} "
            f"({best['rmse']:.4f}). Coverage of the {nominal:.0%} intervals: " + ", ".join(
                f"{c['interval']} {c['parameter']} {c['coverage']:.3f} ± {c['mc_se']:.3f}"
                for c in cover if c["coverage"] is not None) + ". "
            + (f"All lie within 3 Monte Carlo standard errors of {nominal:.0%}." if not far else
               f"Outside 3 Monte Carlo errors of {nominal:.0%}: "
               + ", ".join(f"{c['interval']} {c['parameter']}" for c in far)
               + " — with this few sets per dataset the Wald interval's Gaussian shape (or the "
               "prior's pull on the HDI) misses the truth more or less often than promised."))


def text(res, options) -> str:
    rows, cover = res["estimators"], res["coverage"]
    return (table(["parameter", "estimator", "bias", "RMSE"],
                  [[row["parameter"], row["estimator"], f"{row['bias']:+.4f} ± {row['bias_se']:.4f}",
                    f"{row['rmse']:.4f} ± {row['rmse_se']:.4f}"] for row in rows]) + "\n"
            + table(["parameter", "interval", "coverage", "MC se"],
                    [[c["parameter"], c["interval"],
                      "n/a" if c["coverage"] is None else f"{c['coverage']:.3f}",
                      "n/a" if c["mc_se"] is None else f"{c['mc_se']:.3f}"] for c in cover])
            + "\n" + res["explanation"] + "\n\n"
            + embed("study_coverage", "study_coverage.png", "Bias, RMSE and coverage over "
                    "replicate datasets."))
