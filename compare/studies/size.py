"""Study: more data. From 5 to 10,000 sets drawn from a known truth: the estimates converge, the
HDI width shrinks like 1/sqrt(sets), and the Wald interval meets the HDI (Bernstein-von Mises)."""

from __future__ import annotations

import numpy as np

import em
from bayes.grid import grid_posterior
from coindata import simulate

from ..options import derived_seed
from ..markdown import embed, table
from ..rungs import z_value
from ..style import panels, save
from . import threads

TITLE = "more data"
TWO_COINS = True


def compute(data, options, args) -> dict:
    truth = np.asarray(args.truth)
    prob = options.hdi_prob
    z = z_value(prob)

    def one(item):
        i, n_sets = item
        d = simulate(truth, args.weights, n_sets, args.tosses, seed=derived_seed(options.seed, 1000 + i))
        ml = em.fit(d.heads, d.tosses, init=tuple(truth), accelerate="squarem")
        mp = em.fit(d.heads, d.tosses, prior=options.prior, init=tuple(truth),
                    accelerate="squarem")
        # the exact posterior (no Monte Carlo noise in the widths and means it compares)
        g = grid_posterior(d.heads, d.tosses, prior=options.prior, hdi_prob=prob)
        se = [None if s is None else float(s) for s in ml.std_error["theta"]]
        return {"sets": n_sets, "ml": ml.theta.tolist(), "map": mp.theta.tolist(),
                "mean": [m.mean for m in g.theta], "sd": [m.sd for m in g.theta],
                "hdi_width": [m.hdi_high - m.hdi_low for m in g.theta],
                "wald_width": [None if s is None else 2 * z * s for s in se]}

    rows = threads(one, list(enumerate(args.sizes)))
    ns = np.array([row["sets"] for row in rows], float)
    big = ns >= 20
    slope = [float(np.polyfit(np.log(ns[big]), np.log([row["hdi_width"][k] for row in rows
                                                       if row["sets"] >= 20]), 1)[0])
             if np.sum(big) >= 2 else None for k in range(2)]
    ratios = [[None if row["wald_width"][k] is None else row["wald_width"][k] / row["hdi_width"][k]
               for k in range(2)] for row in rows]
    return {"truth": truth.tolist(), "weights": list(args.weights), "tosses": args.tosses,
            "hdi_prob": prob, "table": rows, "width_ratio": ratios, "hdi_slope": slope}


def figure(res, path) -> None:
    rows, truth = res["table"], res["truth"]
    fig, (a1, a2) = panels(2)
    ns = np.array([row["sets"] for row in rows], float)
    for k, c in ((0, "#1f77b4"), (1, "#d62728")):
        a1.axhline(truth[k], color=c, lw=0.8, ls=":")
        a1.plot(ns, [row["ml"][k] for row in rows], "o-", color=c, ms=4, label=f"ML theta[{k}]")
        a1.plot(ns, [row["map"][k] for row in rows], "s--", color=c, ms=4, mfc="none",
                label=f"MAP theta[{k}]")
        a1.plot(ns, [row["mean"][k] for row in rows], "^:", color=c, ms=4,
                label=f"posterior mean theta[{k}]")
        a2.loglog(ns, [row["hdi_width"][k] for row in rows], "o-", color=c, label=f"HDI theta[{k}]")
        wald = [row["wald_width"][k] for row in rows]
        ok = [w is not None for w in wald]
        a2.loglog(ns[ok], [w for w in wald if w is not None], "s--", color=c, mfc="none",
                  label=f"Wald theta[{k}]")
    ref = rows[-1]["hdi_width"][1] * np.sqrt(ns[-1] / ns)
    a2.loglog(ns, ref, color="0.6", lw=1, label=r"slope $-1/2$")
    a1.set(xscale="log", xlabel="sets", ylabel="estimate",
           title="Estimates converge to the truth (dotted)")
    a2.set(xlabel="sets", ylabel=f"{res['hdi_prob']:.0%} interval width",
           title="Widths shrink like 1/sqrt(sets)")
    a1.legend(fontsize=9, ncol=2)
    a2.legend(fontsize=9)
    save(fig, path)


def explain(res, options) -> str:
    rows, truth, slope, ratios = res["table"], res["truth"], res["hdi_slope"], res["width_ratio"]
    spread = [max(abs(row["ml"][k] - row["mean"][k]) for k in range(2)) for row in rows]
    near = [all(r is not None and abs(r - 1) <= 0.05 for r in rat) for rat in ratios]
    close_from = next((rows[i]["sets"] for i in range(len(rows)) if all(near[i:])), None)
    fmt = lambda vs: ", ".join("n/a" if v is None else f"{v:.2f}" for v in vs)  # noqa: E731
    return (f"Data simulated from theta = {truth[0]:.3f}, {truth[1]:.3f} (weights "
            f"{res['weights'][0]:.2f}, {res['weights'][1]:.2f}), {res['tosses']} tosses per set "
            f"(so even the {rows[0]['sets']}-set row is simulated, not the data of this report); "
            "posterior means and HDIs are exact (grid). "
            f"The largest gap between ML and the posterior mean falls from {spread[0]:.2g} at "
            f"{rows[0]['sets']} sets to {spread[-1]:.2g} at {rows[-1]['sets']}. "
            + (f"HDI width falls with slope {slope[0]:.2f} and {slope[1]:.2f} on log-log axes, "
               "fitted over the sizes from 20 sets up (1/sqrt(sets) is -0.5). "
               if slope[0] is not None else "")
            + f"The Wald/HDI width ratio goes from {fmt(ratios[0])} to {fmt(ratios[-1])}"
            + (f" (within 5% of 1 from {close_from} sets on)" if close_from is not None else "")
            + ": as the data grow, the posterior becomes the Gaussian centred at ML with the "
            "inverse information as variance (Bernstein-von Mises, for coins that really "
            "differ), so the two intervals meet and the prior stops mattering.")


def text(res, options) -> str:
    rows, ratios = res["table"], res["width_ratio"]
    header = ["sets"] + [f"{w} theta[{k}]" for w in ("ML", "MAP", "mean") for k in range(2)] + \
             [f"HDI width [{k}]" for k in range(2)] + [f"Wald / HDI [{k}]" for k in range(2)]
    cells = [[row["sets"]] + [f"{v:.4f}" for v in row["ml"] + row["map"] + row["mean"]]
             + [f"{v:.4f}" for v in row["hdi_width"]]
             + ["n/a" if v is None else f"{v:.2f}" for v in rat] for row, rat in zip(rows, ratios)]
    return (table(header, cells) + "\n" + res["explanation"] + "\n\n"
            + embed("study_size", "study_size.png", "Estimates and interval widths as the number "
                    "of sets grows."))
