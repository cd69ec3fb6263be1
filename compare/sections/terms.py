"""The glossary and how to reproduce the report."""

from __future__ import annotations

from ..markdown import plain
from ..records import Code, fact
from ..rungs import z_value


def glossary(r) -> list:
    prob = r.options.hdi_prob
    exact = fact("terms.exact", "exact" if r.exact is not None else "none",
                 **({} if r.exact is not None else {"components": r.options.components}))
    return [fact("terms.glossary", prob=prob, z=z_value(prob), exact=exact)]


def reproduce(r) -> list:
    """How to make this report again. Stage times are in summary.json (timings), not here: the
    same command, data and seed give a byte-identical report.md."""
    o = r.options
    versions = [fact("terms.version", name=k, version=val) for k, val in r.versions.items()]
    return [fact("terms.reproduce_heading"), Code(plain(r.command)),
            fact("terms.reproduce", seed=o.seed, chains=o.chains, draws=o.draws, tune=o.tune,
                 target_accept=o.target_accept, sha=r.data.sha256[:16], versions=versions)]
