"""Study: more data. From 5 to 10,000 sets drawn from a known truth: the estimates converge, the
HDI width shrinks like 1/sqrt(sets), and the Wald interval meets the HDI (Bernstein-von Mises)."""

from __future__ import annotations

import numpy as np

import em
from bayes.grid import grid_posterior
from coindata import simulate

from ..options import derived_seed
from ..records import Figure, Table, fact
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


def figure(res, path, t) -> None:
    rows, truth = res["table"], res["truth"]
    fig, (a1, a2) = panels(2)
    ns = np.array([row["sets"] for row in rows], float)
    for k, c in ((0, "#1f77b4"), (1, "#d62728")):
        a1.axhline(truth[k], color=c, lw=0.8, ls=":")
        a1.plot(ns, [row["ml"][k] for row in rows], "o-", color=c, ms=4, label=t("ml", k=k))
        a1.plot(ns, [row["map"][k] for row in rows], "s--", color=c, ms=4, mfc="none",
                label=t("map", k=k))
        a1.plot(ns, [row["mean"][k] for row in rows], "^:", color=c, ms=4, label=t("mean", k=k))
        a2.loglog(ns, [row["hdi_width"][k] for row in rows], "o-", color=c, label=t("hdi", k=k))
        wald = [row["wald_width"][k] for row in rows]
        ok = [w is not None for w in wald]
        a2.loglog(ns[ok], [w for w in wald if w is not None], "s--", color=c, mfc="none",
                  label=t("wald", k=k))
    ref = rows[-1]["hdi_width"][1] * np.sqrt(ns[-1] / ns)
    a2.loglog(ns, ref, color="0.6", lw=1, label=t("slope"))
    a1.set(xscale="log", xlabel=t("sets"), ylabel=t("estimate"), title=t("title_estimates"))
    a2.set(xlabel=t("sets"), ylabel=t("width", prob=res["hdi_prob"]), title=t("title_widths"))
    a1.legend(fontsize=9, ncol=2)
    a2.legend(fontsize=9)
    from ..figures import _plain_log_ticks

    _plain_log_ticks(None, a1, a2)
    save(fig, path)


def explain(res, options):
    rows, truth, slope, ratios = res["table"], res["truth"], res["hdi_slope"], res["width_ratio"]
    spread = [max(abs(row["ml"][k] - row["mean"][k]) for k in range(2)) for row in rows]
    near = [all(r is not None and abs(r - 1) <= 0.05 for r in rat) for rat in ratios]
    close_from = next((rows[i]["sets"] for i in range(len(rows)) if all(near[i:])), None)
    ratio = lambda rat: [fact("study.value", "na") if v is None else  # noqa: E731
                         fact("study.value", "f2", x=v) for v in rat]
    return fact("study.size.explain", truth=truth, weights=res["weights"], tosses=res["tosses"],
                first=rows[0]["sets"], last=rows[-1]["sets"], gap_first=spread[0],
                gap_last=spread[-1],
                slope=None if slope[0] is None else fact("study.size.slope", s0=slope[0],
                                                         s1=slope[1]),
                ratio_first=ratio(ratios[0]), ratio_last=ratio(ratios[-1]),
                close=None if close_from is None else fact("study.size.close", sets=close_from))


def text(res, options) -> list:
    rows, ratios = res["table"], res["width_ratio"]
    h = lambda key, **v: fact(f"study.size.header.{key}", **v)  # noqa: E731
    header = ([h("sets")] + [h(w, k=k) for w in ("ml", "map", "mean") for k in range(2)]
              + [h("hdi", k=k) for k in range(2)] + [h("ratio", k=k) for k in range(2)])
    cells = [[row["sets"]] + row["ml"] + row["map"] + row["mean"] + row["hdi_width"]
             + [fact("study.value", "na") if v is None else fact("study.value", "f2", x=v)
                for v in rat] for row, rat in zip(rows, ratios)]
    return [Table(header, cells, [""] + [".4f"] * 8 + ["", ""]),
            fact("study.paragraph", text=res["_said"]),
            Figure("study_size", "study_size.png", fact("study.size.caption"))]
