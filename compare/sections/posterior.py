"""The posterior: each coin's marginal (mean, median, peak, skewness and why the mean sits where
it does), the ordering, MAP or mean, whether the posterior is Gaussian, and the figures."""

from __future__ import annotations

import numpy as np

from .. import facts
from ..figure_list import caption
from ..records import Figure, fact
from .short import source


def skewness(m):
    """A skewness: two decimals from an exact density, one from draws (a skewness from a few
    thousand draws is uncertain by about sqrt(6 / ESS) ~ 0.1)."""
    return fact("posterior.skew", "exact" if m["source"] == "exact" else "draws",
                x=m["skewness"])


def why(m):
    """Why the mean sits away from the peak (None where they are within 1e-3 sd)."""
    gap = m["mean"] - m["peak"]
    if abs(gap) <= 1e-3 * m["sd"]:
        return None
    if m["bump"] is not None:
        return fact("posterior.why", "bump", bump=m["bump"])
    if abs(m["skewness"]) < 0.1:
        return fact("posterior.why", "symmetric", skew=skewness(m))
    if np.sign(m["skewness"]) == np.sign(gap):
        return fact("posterior.why", "leans_left" if gap < 0 else "leans_right",
                    skew=skewness(m))
    return fact("posterior.why", "lopsided")


def where(m):
    """Where the mean lies against the peak of the coin's own curve."""
    gap, res, d = m["mean"] - m["peak"], m["resolution"], m["peak_digits"]
    if abs(gap) < res:
        return fact("posterior.where", "agree", resolution=res)
    return fact("posterior.where", "below" if gap < 0 else "above", gap=abs(gap), digits=d,
                why=why(m))


def map_joint(m, g):
    """MAP against this coin's own peak (the MAP is the peak of the joint posterior)."""
    res, d = m["resolution"], m["peak_digits"]
    if abs(g["joint"]) >= res:
        joint = fact("posterior.joint", "below" if g["joint"] > 0 else "above",
                     gap=abs(g["joint"]), digits=d)
    else:
        joint = fact("posterior.joint", "within", resolution=res)
    return fact("posterior.map_joint", map=g["map"], joint=joint)


def coin(i, m, g, k):
    return fact("posterior.coin", coin=i, source=source(m["source"]), mean=m["mean"],
                median=m["median"], peak=m["peak"], digits=m["peak_digits"], skew=skewness(m),
                where=where(m), map=map_joint(m, g) if k > 1 else None)


def ordering(k, study_ran: bool):
    return fact("posterior.ordering", "two" if k == 2 else "more",
                mirrors=int(np.prod(np.arange(1, k + 1))),
                study=fact("posterior.labels_study", "ran" if study_ran else "not_run"))


def map_or_mean(mvm, close=None):
    """MAP or mean: does the choice matter (a gap above a quarter of a posterior sd)? One rule
    with the take-aways (``close``: compare.facts.closeness): where MAP and the mean agree but
    ML stands apart, both say so."""
    big = [fact("posterior.big_gap", coin=i, gap=g["gap_sd"],
                digits=3 if abs(abs(g["gap_sd"]) - 0.25) < 0.005 else 2)
           for i, g in enumerate(mvm) if not g["gap_small"]]
    if not big:
        if close is not None and not close["close"]:
            _, coin_, gap = close["largest"]
            return fact("posterior.map_or_mean", "ml_apart", coin=coin_, gap=gap)
        return fact("posterior.map_or_mean", "little")
    return fact("posterior.map_or_mean", "differ", coins=big)


def gaussian(lap):
    """Is the posterior Gaussian? What the Laplace approximation puts where, against the
    reference posterior."""
    c = lap["correlation"]
    ref = source(lap["reference"])
    corr = (fact("posterior.laplace_correlation", laplace=c["laplace"],
                 laplace_cut=c["laplace_cut"], posterior=c["posterior"], reference=ref)
            if c is not None else None)
    return fact("posterior.gaussian", swapped=lap["swapped"], outside=lap["outside"],
                sd_ratio=lap["sd_ratio"], sd_ratio_cut=lap["sd_ratio_cut"], reference=ref,
                correlation=corr, verdict=facts.laplace_verdict(lap))


def prior_caption(r, grid):
    k = r.options.components
    if k == 1:
        return fact(caption("prior_posterior"), "one")
    order = fact("posterior.caption.prior_order", "two" if k == 2 else "more")
    return fact(caption("prior_posterior"), "exact" if grid or r.exact is not None else "nuts",
                order=order)


def joint_caption(r):
    if r.options.components != 2:
        return fact(caption("joint"), "other")
    return fact(caption("joint"), "two", correlation=facts.posterior_correlation(r),
                source=source("exact" if r.grid is not None else "NUTS"))


def build(r, figs) -> list:
    k = r.options.components
    marg = facts.marginals(r)
    mvm = facts.map_vs_mean(r, marg)
    out = [fact("posterior.heading")]
    out += [coin(i, m, g, k) for i, (m, g) in enumerate(zip(marg, mvm))]
    if k > 1:
        out.append(ordering(k, "labels" in r.studies_run))
    out += ["", map_or_mean(mvm, facts.closeness(r, marg))]
    lap = facts.laplace(r, seed=r.options.seed)
    if lap is not None and k > 1:
        out.append(gaussian(lap))
    captions = {"marginals": lambda: fact(caption("marginals"),
                                          "exact" if r.exact is not None else "sampled"),
                "joint": lambda: joint_caption(r),
                "prior_posterior": lambda: prior_caption(r, r.grid is not None)}
    out += [Figure(name, figs[name], cap()) for name, cap in captions.items() if name in figs]
    return out
