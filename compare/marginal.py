"""One parameter's distribution under one rung, asked the same questions whatever it is.

Every rung of the ladder describes each parameter (theta[i], weights[i]) by a :class:`Marginal`:
its centre (posterior mean, or the point of a point estimate), its sd, an interval at the run's
probability and the kind of that interval, quantiles and an HDI, a density on a grid where it has
one, draws where it has them, and its ``provenance``: "exact" (quadrature or closed form),
"sampled" (draws), "approximate" (a distribution fitted to the posterior: VB's Beta, Laplace's
Gaussian) or "point" (an estimate with its curvature: EM's Wald and Laplace bands). Tables,
figures and findings read these attributes and never ask where the numbers came from; a new
rung is one registry entry that returns Marginals (tests/test_marginal.py adds a Laplace rung).

Implementations: :class:`GridMarginal` (a density on a uniform grid: the exact posterior),
:class:`DrawsMarginal` (sampler draws), :class:`BetaMarginal` (VB's factors, the conjugate
posterior) and :class:`GaussianMarginal` (a centre and an sd).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

PROVENANCES = ("exact", "sampled", "approximate", "point")


def z_value(prob: float) -> float:
    """The normal quantile of a central interval of probability ``prob`` (1.88 for 94%)."""
    return float(NormalDist().inv_cdf(0.5 + prob / 2))


class Marginal:
    """The questions every marginal answers. Every implementation has ``centre``, ``sd``,
    ``low``, ``high``, ``interval`` (the kind of [low, high]), ``provenance``, ``draws`` and
    ``density`` ((x, y)), the last two None where a marginal has none."""

    @property
    def mean(self):
        return self.centre

    def quantile(self, q):
        raise NotImplementedError

    def hdi(self, prob: float) -> tuple[float, float]:
        """The shortest interval holding ``prob`` (from the quantile function)."""
        from bayes.intervals import hdi_from_quantile

        return hdi_from_quantile(self.quantile, prob)

    def pdf(self, x):
        """The density at ``x`` (None where the marginal has no density)."""
        return None


@dataclass(frozen=True, eq=False)
class GridMarginal(Marginal):
    """A density on a uniform midpoint grid (the exact posterior): piecewise constant, so the
    CDF is linear inside each cell."""

    x: np.ndarray
    y: np.ndarray
    centre: float
    sd: float
    low: float
    high: float
    interval: str = "HDI"
    provenance: str = "exact"
    draws: None = None

    @property
    def density(self):
        return (self.x, self.y)

    def quantile(self, q):
        h = self.x[1] - self.x[0]
        p = self.y * h
        cdf = np.concatenate([[0.0], np.cumsum(p / p.sum())])
        cdf[-1] = 1.0
        edges = np.concatenate([[self.x[0] - h / 2], self.x + h / 2])
        return np.interp(q, cdf, edges)

    def pdf(self, x):
        return np.interp(x, self.x, self.y, left=0.0, right=0.0)


@dataclass(frozen=True, eq=False)
class SummaryMarginal(Marginal):
    """Numbers alone (a summary whose density was not kept): centre, sd and interval."""

    centre: float
    sd: float
    low: float
    high: float
    interval: str = "HDI"
    provenance: str = "exact"
    draws: None = None
    density: None = None


@dataclass(frozen=True, eq=False)
class DrawsMarginal(Marginal):
    """Sampler draws (all chains pooled), with the sampler's own summary numbers."""

    draws: np.ndarray
    centre: float
    sd: float
    low: float
    high: float
    interval: str = "HDI"
    provenance: str = "sampled"
    density: None = None

    def quantile(self, q):
        return np.quantile(self.draws, q)

    def hdi(self, prob: float) -> tuple[float, float]:
        from bayes.intervals import hdi_of_draws

        return hdi_of_draws(self.draws, prob)


@dataclass(frozen=True, eq=False)
class BetaMarginal(Marginal):
    """A Beta(a, b) distribution: VB's factor q(theta_k), or the conjugate posterior. Its
    interval is the equal-tailed one (Beta quantiles); ``grid`` is where its density is drawn."""

    a: float
    b: float
    prob: float
    centre: float | None = None
    sd: float | None = None
    provenance: str = "approximate"
    interval: str = "Beta quantiles"
    grid: tuple = (0.001, 0.999, 500)
    draws: None = None

    def __post_init__(self):
        from scipy import stats

        dist = stats.beta(self.a, self.b)
        lo, hi = dist.ppf([0.5 - self.prob / 2, 0.5 + self.prob / 2])
        object.__setattr__(self, "low", float(lo))
        object.__setattr__(self, "high", float(hi))
        if self.centre is None:
            object.__setattr__(self, "centre", float(dist.mean()))
        if self.sd is None:
            object.__setattr__(self, "sd", float(dist.std()))

    @property
    def density(self):
        x = np.linspace(*self.grid)
        return (x, self.pdf(x))

    def quantile(self, q):
        from scipy import stats

        return stats.beta.ppf(q, self.a, self.b)

    def pdf(self, x):
        from scipy import stats

        return stats.beta.pdf(x, self.a, self.b)


@dataclass(frozen=True, eq=False)
class GaussianMarginal(Marginal):
    """A centre and an sd read as a Gaussian: EM's point with its Wald or Laplace band
    (``provenance`` "point": drawn as a point with its band), or a Gaussian approximation of the
    posterior ("approximate": drawn as a curve). No sd (a boundary estimate): no interval."""

    centre: float
    sd: float | None
    prob: float
    interval: str = "Wald"
    provenance: str = "point"
    draws: None = None

    def __post_init__(self):
        z = z_value(self.prob)
        band = (None, None) if self.sd is None else (self.centre - z * self.sd,
                                                     self.centre + z * self.sd)
        object.__setattr__(self, "low", band[0])
        object.__setattr__(self, "high", band[1])

    @property
    def density(self):
        if self.provenance == "point" or not self.sd:
            return None
        x = np.linspace(max(0.0, self.centre - 5 * self.sd), min(1.0, self.centre + 5 * self.sd),
                        400)
        return (x, self.pdf(x))

    def quantile(self, q):
        from scipy import stats

        return stats.norm.ppf(q, self.centre, self.sd)

    def pdf(self, x):
        from scipy import stats

        return None if not self.sd else stats.norm.pdf(x, self.centre, self.sd)
