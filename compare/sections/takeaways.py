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
    return fact("takeaways.points", "matters_little" if close["close"] else "matters",
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
    if not np.all(short > VB_NARROWER):
        return None
    return fact("takeaways.vb", percents=[fact("takeaways.percent", x=100 * s) for s in short],
                source=source(vbw["source"]))


def build(r) -> list:
    from . import choice

    marg = facts.marginals(r)
    close = facts.closeness(r, marg)
    sd = np.array([m["sd"] for m in marg])
    fewer = bool(r.choice and r.choice["verdict"]["fewer_than_asked"])
    out = [fact("takeaways.heading")]
    if fewer:
        out.append(fact("takeaways.fewer", verdict=choice.verdict(r, strong=False)))
    out += [point_estimates(close, sd), mode(fewer, "size" in r.studies_run)]
    note = vb(facts.vb_width(r, marg))
    if note is not None:
        out.append(note)
    out.append("")
    return out
