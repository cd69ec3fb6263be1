"""In short: the point estimates, the posterior, the software checks in one line, and how far
apart the estimates are on the scale of the posterior's spread."""

from __future__ import annotations

import numpy as np

from .. import facts
from .methods import method
from ..records import fact

#: facts.closeness names each pair of point estimates; the report says them from the catalogue
PAIRS = {"ML and MAP": "ml_map", "MAP and the posterior mean": "map_mean",
         "ML and the posterior mean": "ml_mean"}


def source(src: str):
    """Where a posterior's numbers come from: "exact" or "NUTS"."""
    return fact("short.source", src)


def pair(name: str):
    """One pair of point estimates, by facts.closeness's name for it."""
    return fact("short.pair", PAIRS[name])


def ml(r):
    k = r.options.components
    coincide = None
    if facts.ml_coins_coincide(r):
        coincide = fact("short.coincide", "learned" if r.options.learned else "fixed", k=k)
    return fact("short.ml", theta=list(r.ml.theta), coincide=coincide)


def shifts(ml_theta, map_theta, prior) -> list:
    """How the prior moves each coin from ML to MAP, and whether towards its mean."""
    a, b = prior
    shift = np.asarray(map_theta) - np.asarray(ml_theta)
    prior_mean = a / (a + b)
    toward = np.sign(shift) == np.sign(prior_mean - np.asarray(ml_theta))
    return [fact("short.move", "towards" if toward[i] else "away", coin=i,
                 shift=float(shift[i]), mean=prior_mean) for i in range(len(shift))]


def map_(r):
    o = r.options
    a, b = o.prior
    moves = shifts(r.ml.theta, r.map.theta, o.prior)
    empty = [fact("short.empty_coin", coin=j, mode=(a - 1) / (a + b - 2))
             for j in facts.empty_map_coins(r) if a + b > 2 and a >= 1 and b >= 1]
    away = (fact("short.away_explained")
            if o.components > 1 and any(m.variant == "away" for m in moves) else None)
    return fact("short.map", a=a, b=b, mean=a / (a + b), theta=list(r.map.theta), moves=moves,
                empty=empty, away=away)


def software(agreement):
    """The software checks in one sentence: how many pass, which are borderline, which fail,
    which cannot be assessed."""
    soft = [c for c in agreement if c["kind"] == "software"]
    ok = [c for c in soft if c["agree"]]
    from .checks import title

    border = [title(c) for c in ok if c["status"] == "borderline"]
    bad = [title(c) for c in soft if c["agree"] is False]
    unsure = [title(c) for c in soft if c["agree"] is None]
    return fact("short.software", passed=len(ok),
                of=fact("short.of", "assessable", n=len(soft) - len(unsure)) if unsure else
                fact("short.of", "all", n=len(soft)),
                borderline=fact("short.borderline", n=len(border), checks=border) if border
                else None,
                failing=fact("short.failing", checks=bad) if bad else None,
                unsure=fact("short.unsure", checks=unsure) if unsure else None)


def closeness(r, marg, post):
    close = facts.closeness(r, marg)
    hdi = r.exact["theta"] if r.exact is not None else post       # the referee's, where there is one
    width = np.asarray(hdi["hdi_high"]) - np.asarray(hdi["hdi_low"])
    if close["close"]:
        verdict = fact("short.close", "yes")
    else:
        verdict = fact("short.close", "no", over=[fact("short.over", pair=pair(p), coin=i, gap=g)
                                                  for p, i, g in close["over"]])
    return fact("short.closeness", verdict=verdict, ml_map=close["ml_map_sd"],
                map_mean=close["map_mean_sd"], ml_mean=close["ml_mean_sd"],
                source=source(marg[0]["source"]), width=width.tolist(), sets=r.data.n_sets)


def build(r, agreement) -> list:
    marg = facts.marginals(r)
    post = r.sampler.posterior["theta"]
    out = [fact("short.heading"), ml(r), map_(r),
           fact("short.posterior", mean=post["mean"], sd=post["sd"], prob=post["hdi_prob"],
                hdis=[fact("short.interval", low=lo, high=hi)
                      for lo, hi in zip(post["hdi_low"], post["hdi_high"])])]
    if r.exact is not None:
        out.append(fact("short.exact", method=method(r.exact["method"]), mean=r.exact["theta"]["mean"],
                        sd=r.exact["theta"]["sd"]))
    out += [software(agreement), closeness(r, marg, post)]
    return out
