"""The top of the report: the title, what the data and the model are, how the worked example
names the coins, what to read first (a weak model choice, engine warnings, why Gibbs struggles)
and the sampler's health."""

from __future__ import annotations

import numpy as np

from .. import facts
from ..records import fact

#: the thresholds a Gibbs diagnostic fails beyond (bayes.summary.RHAT_THRESHOLD and
#: ESS_BULK_THRESHOLD; not imported from there, which would import ArviZ with the text)
R_HAT_MAX, ESS_MIN = 1.01, 400


def _failed_sampler_checks(agreement) -> list[str]:
    """The titles of the checks NUTS's draws fail against the exact posterior (its diagnostics
    aside). One place to change once every check carries a code."""
    return [c["check"] for c in agreement
            if c["check"].startswith("NUTS posterior") and c["agree"] is False]


def naming(r):
    """How the worked example's coin letters map onto the ordered coin numbers (said once), or
    None with fewer than two coins."""
    from ..worked import coin_names

    start = np.asarray(r.plain["ml"].history[0].theta)
    init = r.options.em_init
    given = init is not None
    init = np.asarray(init if given else start, float)
    if len(init) < 2:
        return None
    names = coin_names(len(init))
    coins = [fact("top.naming_coin", letter=ltr, start=float(v),
                  number=int(np.argmin(np.abs(start - v)))) for ltr, v in zip(names, init)]
    return fact("top.naming", "paper_letters" if given else "start_letters", coins=coins)


def about(d):
    """For a built-in data set: what it is, what a set, a toss and heads stand for, its source
    (None for any other data)."""
    from coindata.builtins import BUILTINS

    b = BUILTINS.get(d.source.removeprefix("builtin:")) if d.source.startswith("builtin:") else None
    if b is None:
        return None
    from ..records import Texts

    def texts(field: str):
        return Texts({"en": getattr(b, field), **{lang: t[field] for lang, t in b.texts.items()
                                                  if field in t}})

    meaning = fact("top.meaning", meaning=texts("meaning")) if b.meaning else None
    return fact("top.about", description=texts("description"), meaning=meaning,
                source=texts("source"))


def took(count: int, converged: bool):
    """"took 79 iterations to converge", or "had not converged after 1000 iterations"."""
    return fact("top.took", "converged" if converged else "not_converged", n=count)


def gibbs_note(r, nuts_matches_exact: bool = True):
    """Why the Gibbs sampler mixes badly where NUTS does not (None when it mixes well). With
    ``nuts_matches_exact`` False (NUTS's draws fail the comparison with the exact posterior),
    NUTS is not held up as the sampler that copes."""
    g = r.gibbs
    if g is None or not g.warnings or r.sampler.warnings:
        return None
    sp = facts.speed(r)["ml"]
    d = g.diagnostics
    failed = []                 # the diagnostics that failed, with their values
    if d["r_hat_max"] is not None and d["r_hat_max"] > R_HAT_MAX:
        failed.append(fact("top.gibbs_failed.r_hat", r_hat=d["r_hat_max"]))
    if d["ess_bulk_min"] is not None and d["ess_bulk_min"] < ESS_MIN:
        failed.append(fact("top.gibbs_failed.ess", ess=d["ess_bulk_min"],
                           draws=d["chains"] * d["draws"]))
    return fact("top.gibbs_note", "nuts_copes" if nuts_matches_exact else "nuts_fails",
                failed=fact("top.gibbs_failed.shown", diagnostics=failed) if failed else None,
                took=took(sp["plain_iterations"], sp["plain_converged"]),
                sweeps=getattr(g, "settings", {}).get("sweeps", d["draws"]))


def model(o):
    """The model in a phrase: K coins with fixed or learned weights, or the one coin."""
    if o.components == 1:
        return fact("top.model", "one_coin")
    if o.weights == "fixed":
        return fact("top.model", "fixed", k=o.components)
    return fact("top.model", "learned", k=o.components, dirichlet=o.dirichlet)


def build(r, agreement=()) -> list:
    from . import choice

    d, o = r.data, r.options
    k = o.components
    numbering = None if k == 1 else fact("top.numbering", "two" if k == 2 else "more")
    out = [fact("top.title", name=d.name),
           fact("top.data", sets=d.n_sets, tosses=int(d.tosses.sum()), heads=int(d.heads.sum()),
                share=d.heads.sum() / d.tosses.sum(), model=model(o), a=o.prior[0], b=o.prior[1],
                numbering=numbering, naming=naming(r))]
    info = about(d)
    if info is not None:
        out.append(info)
    warns = r.warnings() + r.notes
    v = r.choice["verdict"] if r.choice else None
    fewer = v is not None and v["fewer_than_asked"]
    diag = r.sampler.diagnostics
    off = _failed_sampler_checks(agreement)
    if warns or diag["divergences"] or fewer:
        out.append(fact("top.read_first.heading"))
        if fewer:
            out.append(fact("top.read_first.fewer", verdict=choice.verdict(r), k=k))
        out += [fact("top.read_first.warning", warning=x) for x in warns]
        note = gibbs_note(r, nuts_matches_exact=not off)
        if note is not None:
            out.append(fact("top.read_first.note", note=note))
        out.append("")
    if not r.sampler.warnings:
        out.append(fact("top.health", "clean" if not off else "draws_fail",
                        chains=diag["chains"], draws=diag["draws"], r_hat=diag["r_hat_max"],
                        ess=diag["ess_bulk_min"], divergences=diag["divergences"]))
    return out
