"""How a number was computed, as a record: summary.json names the method in English
("exact grid (400 points per theta axis)"); the report says it from the catalogue (``method.*``)
in its own language. A method text not listed here is shown as it is."""

from __future__ import annotations

import re

from ..records import fact

#: summary.json's method texts -> (catalogue variant, the numbers they carry)
PATTERNS = (
    (r"closed form \(Beta-binomial\)", "closed_form", ()),
    (r"exact \(Beta-binomial\)", "exact_beta_binomial", ()),
    (r"exact grid \((\d+) points per theta axis\)", "exact_grid", ("points",)),
    (r"grid quadrature \((\d+) points per theta axis\)", "grid_quadrature", ("points",)),
    (r"PSIS-LOO on the NUTS draws", "psis_nuts", ()),
    (r"PSIS-LOO on (\d+) exact-grid draws", "psis_grid", ("draws",)),
    (r"conjugate Beta posterior \(closed form\)", "conjugate", ()),
    (r"importance sampling \((\d+) draws\)", "importance", ("draws",)),
    (r"sequential Monte Carlo \((\d+) particles in all\)", "smc", ("particles",)),
)


def method(text):
    """The record that says ``text`` (a method named in summary.json), or ``text`` itself."""
    if not isinstance(text, str):
        return text
    for pattern, variant, names in PATTERNS:
        m = re.fullmatch(pattern, text)
        if m:
            return fact("method", variant, **{n: int(v) for n, v in zip(names, m.groups())})
    return text
