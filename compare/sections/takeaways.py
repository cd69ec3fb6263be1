"""What to take away: the model choice where it says fewer coins, how much the choice of point
estimate matters, what EM's mode leaves out, and VB's width."""

from __future__ import annotations

import numpy as np

from .. import facts
from ..records import fact
from .short import pair, source

#: VB's sd is said to be too small when it is below every reference sd by more than this share
VB_NARROWER = 0.01


def point_estimates(close: dict, sd) -> object:
    """The largest gap between point estimates, against the posterior sds."""
    name, coin, gap = close["largest"]
    return fact("takeaways.points", "matters_little" if close["close"] else
                "ml_apart" if close["map_mean_close"] else "matters",
                gap=gap, pair=pair(name), coin=coin, sd=list(sd))


def mode(fewer: bool, size_study_ran: bool):
    """EM's mode and the posterior: they meet with more data, unless the coins are one."""
    if fewer:
        return fact("takeaways.mode", "one_coin_may_fit")
    return fact("takeaways.mode", "meet", study=fact("takeaways.size_study",
                                                     "ran" if size_study_ran else "not_run"))


def vb(vbw: dict):
    """VB's sds, where every one is narrower than the reference's (None otherwise)."""
    short = np.asarray(vbw["narrower"])
    if not np.all(short > VB_NARROWER) or vbw.get("emptied"):   # an emptied coin's sd is its prior's
        return None
    return fact("takeaways.vb", percents=[fact("takeaways.percent", x=100 * s) for s in short],
                source=source(vbw["source"]))


#: a predictive p-value of the spread below this says the fitted model itself is wrong for the data
P_WRONG = 0.01


def model_fails(r):
    """The lead where the model fails its own predictive check of the spread of heads
    proportions (p < P_WRONG): the lesson is then that the model is wrong, not which single
    number to report (None where it passes or could not be replicated)."""
    from .sets import p_value

    p = facts.predictive(r, seed=r.options.seed)
    k = r.options.components
    pk = p["p_value_one_coin"] if k == 1 else p["p_value"]
    if pk is None or pk >= P_WRONG:
        return None
    return fact("takeaways.model_fails", k=k, spread=p["spread"],
                p=p_value(pk, p["replicates"]))


def build(r) -> list:
    from . import choice

    marg = facts.marginals(r)
    close = facts.closeness(r, marg)
    sd = np.array([m["sd"] for m in marg])
    fewer = bool(r.choice and r.choice["verdict"]["fewer_than_asked"])
    out = [fact("takeaways.heading")]
    wrong = model_fails(r)
    if wrong is not None:
        out.append(wrong)
    if fewer:
        out.append(fact("takeaways.fewer", verdict=choice.verdict(r, strong=False)))
    out += [point_estimates(close, sd), mode(fewer, "size" in r.studies_run)]
    note = vb(facts.vb_width(r, marg))
    if note is not None:
        out.append(note)
    out.append("")
    return out
