"""Study: MAP versus ML as a Beta prior grows stronger, and what the mode owes to coordinates.

For strengths s = a + b - 2 of Beta(1 + s m, 1 + s (1 - m)) around the prior mean m: EM-ML,
EM-MAP, the mode in log-odds (the theta-space MAP under Beta(a + 1, b + 1): the Jacobian
theta (1 - theta) is part of the density in log-odds), and the exact posterior mean and median
(the grid: no Monte Carlo error). When the prior is strong enough, the two-coin mode merges into
the pooled one-coin estimate (H + K s m) / (N + K s).
"""

from __future__ import annotations

import numpy as np

import em
from bayes.grid import grid_posterior

from ..records import Figure, Table, fact
from ..style import panels, save
from . import threads

TITLE = "MAP versus ML as the prior grows"
TWO_COINS = True
#: two MAP coins closer than this are one coin (EM stops within ~1e-8 of a merged mode)
MERGED = 1e-5


def compute(data, options, args) -> dict:
    h, n = data.heads, data.tosses
    a0, b0 = options.prior
    m = a0 / (a0 + b0)
    strengths = (0, 2, 5, 10, 20, 50, 100, 300) if not options.quick else (0, 5, 50)
    init = options.em_init
    fit = dict(init=init, weights=options.weights, dirichlet=max(1.0, options.dirichlet),
               accelerate="squarem")
    ml = em.fit(h, n, **fit)
    k, big_h, big_n = 2, int(h.sum()), int(n.sum())

    def one(s):
        a, b = 1 + s * m, 1 + s * (1 - m)
        mp = em.fit(h, n, prior=(a, b), **fit)
        logit_mode = em.fit(h, n, prior=(a + 1, b + 1), **fit)
        grid = grid_posterior(h, n, weights=options.weights, prior=(a, b),
                              dirichlet=options.dirichlet, hdi_prob=options.hdi_prob)
        draws, _ = grid.sample(20_001, seed=options.seed)       # an odd count: one middle draw
        logit = np.log(draws / (1 - draws))
        return {"strength": s, "prior": [a, b], "map": mp.theta.tolist(),
                "map_logit": logit_mode.theta.tolist(),
                "mean": [g.mean for g in grid.theta], "median": [g.median for g in grid.theta],
                "sd": [g.sd for g in grid.theta],
                "draws_median": np.median(draws, 0).tolist(),
                "median_via_logit": (1 / (1 + np.exp(-np.median(logit, 0)))).tolist(),
                "pooled": (big_h + k * s * m) / (big_n + k * s)}

    rows = threads(one, list(strengths))
    merged = [row["strength"] for row in rows if abs(row["map"][0] - row["map"][1]) < MERGED]
    return {"table": rows, "prior_mean": m, "ml": ml.theta.tolist(),
            "merged_from": merged[0] if merged else None, "sets": data.n_sets,
            "heads": big_h, "tosses": big_n}


def figure(res, path, t) -> None:
    rows, m = res["table"], res["prior_mean"]
    fig, axes = panels(2)
    xs = np.array([row["strength"] for row in rows], float)
    xplot = np.where(xs == 0, 0.5, xs)
    for k, ax in enumerate(axes):
        ax.axhline(res["ml"][k], color="#d62728", lw=1, ls=":", label=t("ml"))
        ax.axhline(m, color="0.5", lw=1, ls="--", label=t("prior_mean", m=m))
        ax.plot(xplot, [row["map"][k] for row in rows], "-o", color="#1f77b4", ms=4,
                label=t("map"))
        ax.plot(xplot, [row["map_logit"][k] for row in rows], "-^", color="#17becf", ms=4,
                label=t("logit_mode"))
        ax.plot(xplot, [row["mean"][k] for row in rows], "-s", color="#2ca02c", ms=4,
                label=t("mean"))
        ax.plot(xplot, [row["pooled"] for row in rows], color="0.3", lw=0.8, ls="-.",
                label=t("pooled"))
        ax.set(xscale="log", xlabel=t("strength"), ylabel=rf"$\theta_{k}$",
               title=t("title", k=k))
        ax.legend(fontsize=9, loc="best")
    from ..figures import _plain_log_ticks

    _plain_log_ticks(None, *axes)
    save(fig, path)


def explain(res, options):
    rows, m = res["table"], res["prior_mean"]
    last = rows[-1]
    gap0 = [abs(rows[0]["map"][k] - rows[0]["map_logit"][k]) for k in range(2)]
    med_gap = max(abs(row["draws_median"][k] - row["median_via_logit"][k])
                  for row in rows for k in range(2))
    parts = [fact("study.prior.start", ml=rows[0]["map"], m=m, strength=last["strength"],
                  map=last["map"], mean=last["mean"])]
    merged = res["merged_from"]
    before = [row for row in rows if merged is None or row["strength"] < merged]
    for k in range(2):
        track = np.array([row["map"][k] for row in before])
        if track.size > 1 and np.all(np.diff(np.abs(track - m)) <= 1e-9):
            parts.append(fact("study.prior.track", "steady", k=k, m=m))
        elif track.size > 1:
            j = int(np.argmax(np.abs(track - m)))
            if j > 0:                   # it got further from the prior mean before coming back
                parts.append(fact("study.prior.track", "away", k=k, m=m, first=track[0],
                                  far=track[j], at=before[j]["strength"],
                                  back=fact("study.prior.back", value=track[-1])
                                  if j < track.size - 1 else None))
            else:
                parts.append(fact("study.prior.track", "overall", k=k, m=m, first=track[0],
                                  last=track[-1]))
    if merged is not None:
        row = next(x for x in rows if x["strength"] == merged)
        prev = [x["strength"] for x in rows if x["strength"] < merged]
        parts.append(fact("study.prior.merged", merged=merged, prev=prev[-1], heads=res["heads"],
                          tosses=res["tosses"], two_m=2 * m, pooled=row["pooled"],
                          later=_later([x for x in rows if x["strength"] > merged])))
    parts.append(fact("study.prior.coordinates", gap=gap0, med_gap=med_gap))
    return fact("study.join", parts=parts)


def _later(rows):
    """The pooled estimate at the strengths beyond the merge, or None where there are none."""
    if not rows:
        return None
    return fact("study.prior.later", items=[fact("study.prior.pooled_at", value=x["pooled"],
                                                 strength=x["strength"]) for x in rows])


def text(res, options) -> list:
    rows = res["table"]
    h = lambda key, **v: fact(f"study.prior.header.{key}", **v)  # noqa: E731
    header = [h("strength"), h("prior")] + [h(w, k=k) for w in ("map", "logit", "mean")
                                            for k in range(2)]
    cells = [[fact("study.value", "g", x=row["strength"]),
              fact("study.beta", a=row["prior"][0], b=row["prior"][1])]
             + row["map"] + row["map_logit"] + row["mean"] for row in rows]
    return [Table(header, cells, ["", ""] + [".4f"] * 6),
            fact("study.paragraph", text=res["_said"]),
            Figure("study_prior", "study_prior.png", fact("study.prior.caption"))]
