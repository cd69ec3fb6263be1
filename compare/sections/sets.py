"""Which coin tossed each set (EM-MAP's responsibilities beside the posterior's assignment
probabilities), and whether the model reproduces the data (posterior predictive checks)."""

from __future__ import annotations

import numpy as np

from .. import facts
from ..figure_list import caption
from ..records import Figure, Table, fact

#: a predictive p-value below P_SMALL (or above P_LARGE) says the model rarely produces the data
P_SMALL, P_LARGE = 0.05, 0.95


def p_value(x: float, replicates: int):
    """A Monte Carlo p-value: never "0.00" (none of the replicates reached the data)."""
    if x == 0:
        return fact("sets.p_value", "none", bound=1 / replicates, replicates=replicates)
    return fact("sets.p_value", "value", p=x)


def power(p: dict):
    """What the per-set check can detect: almost nothing, little, or (None) enough to say
    nothing more."""
    if p["low_power"]:
        return fact("sets.power", "none", covers_min=p["covers_min"])
    if p["covers_median"] >= 0.5:
        return fact("sets.power", "limited", covers_median=p["covers_median"])
    return None


def spread(p: dict, k: int):
    """The spread of heads proportions across sets against data replicated from the K-coin
    posterior and from one coin (None where it could not be replicated)."""
    if p["p_value"] is None:
        return None
    n_rep = p["replicates"]
    one = fact("sets.one_coin", "over_dispersed" if p["p_value_one_coin"] < P_SMALL else "fits")
    p_one = p_value(p["p_value_one_coin"], n_rep)
    if k == 1:
        return fact("sets.spread", "one_coin", spread=p["spread"], p_one=p_one, one=one)
    pk = p["p_value"]
    model = fact("sets.k_coins", "spread_out" if pk < P_SMALL else
                 "uniform" if pk > P_LARGE else "fits", k=k)
    return fact("sets.spread", "k_coins", spread=p["spread"], k=k, p_k=p_value(pk, n_rep),
                model=model, p_one=p_one, one=one)


def predictive(r):
    """Posterior predictive checks, with what they can and cannot detect."""
    p = facts.predictive(r, seed=r.options.seed)
    return fact("sets.predictive", inside=p["inside"], sets=p["sets"], prob=p["prob"],
                power=power(p), spread=spread(p, r.options.components))


def sharpness(r):
    """How sure EM-MAP and the posterior are of each set's coin, on average."""
    a = facts.assignment(r)
    return sharpness_of(a["sharpness_em"], a["sharpness_posterior"], facts.empty_map_coins(r))


def sharpness_of(em: float, posterior: float, empty) -> object:
    """The sharpness fact from its numbers: EM-MAP's and the posterior's average probability of
    the most likely coin, and the coins EM-MAP has emptied."""
    em_s, post_s = round(em, 2), round(posterior, 2)
    if empty:
        return fact("sets.sharpness", "emptied_one" if len(empty) == 1 else "emptied_many",
                    coins=[fact("sets.coin", coin=j) for j in empty], em=em_s, posterior=post_s)
    return fact("sets.sharpness", "less_sure" if post_s < em_s else
                "as_sure" if post_s == em_s else "more_sure", em=em_s, posterior=post_s)


def table(r):
    em_r = np.asarray(r.map.responsibilities)
    post = np.asarray(r.sampler.assignment_probability)
    k = r.options.components
    d = r.data
    header = ([fact("sets.header.set"), fact("sets.header.counts")]
              + [fact("sets.header.em", coin=j) for j in range(k)]
              + [fact("sets.header.posterior", coin=j) for j in range(k)])
    labels = d.labels is not None
    if labels:
        header.append(fact("sets.header.known"))
    rows = []
    for i in range(d.n_sets):
        row = ([i + 1, fact("sets.counts", heads=d.heads[i], tosses=d.tosses[i])]
               + list(em_r[i]) + list(post[i]))
        if labels:
            row.append(fact("sets.label", label=d.labels[i]))
        rows.append(row)
    return Table(header, rows, ["", ""] + [".3f"] * (2 * k) + ([""] if labels else []))


def build(r, figs) -> list:
    if r.options.components == 1:   # every set is the one coin's: only the predictive check
        return [fact("sets.heading_one_coin"), predictive(r)]
    out = [fact("sets.heading"), fact("sets.intro")]
    if r.data.n_sets <= 30:
        out.append(table(r))
    out += [sharpness(r), predictive(r)]
    if "assignment" in figs:
        out.append(Figure("assignment", figs["assignment"], fact(caption("assignment"))))
    return out
