"""Highest-density intervals, one function per way a distribution is known.

- from draws: ArviZ's ``hdi`` (the shortest interval holding ``prob`` of the draws);
- from a quantile function (the exact grid's marginals, a Beta posterior): the shortest interval
  [Q(p), Q(p + prob)] over lower-tail masses p, searched on a fine grid of p.
"""

from __future__ import annotations

import numpy as np

#: lower-tail masses tried by :func:`hdi_from_quantile` (resolution (1 - prob) / 4000)
_TAIL_STEPS = 4001


def hdi_from_quantile(quantile, prob: float) -> tuple[float, float]:
    """Shortest [Q(p), Q(p + prob)] for p in [0, 1 - prob]; ``quantile`` maps arrays of
    probabilities to values (vectorised)."""
    lows = np.linspace(0.0, 1.0 - prob, _TAIL_STEPS)
    lo, hi = np.asarray(quantile(lows)), np.asarray(quantile(lows + prob))
    best = int(np.argmin(hi - lo))
    return float(lo[best]), float(hi[best])


def hdi_of_draws(draws, prob: float) -> tuple[float, float]:
    """ArviZ's HDI of one-dimensional draws (all chains pooled)."""
    import arviz as az

    lo, hi = np.asarray(az.hdi(np.ravel(np.asarray(draws, dtype=float)), prob=prob))
    return float(lo), float(hi)
