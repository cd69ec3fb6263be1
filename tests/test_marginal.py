"""Every Marginal answers the same questions, each checked against a closed form or an
independent computation (scipy's distributions, numerical integration of the density)."""

import numpy as np
import pytest
from scipy import integrate, stats

from compare.marginal import (BetaMarginal, DrawsMarginal, GaussianMarginal, GridMarginal,
                              z_value)


def test_beta_marginal_against_scipy():
    m = BetaMarginal(7.0, 4.0, 0.94)
    d = stats.beta(7, 4)
    assert m.centre == pytest.approx(d.mean(), rel=1e-14) and m.sd == pytest.approx(d.std())
    assert (m.low, m.high) == pytest.approx(tuple(d.ppf([0.03, 0.97])), rel=1e-12)
    lo, hi = m.hdi(0.94)
    assert d.cdf(hi) - d.cdf(lo) == pytest.approx(0.94, abs=1e-6)
    assert d.pdf(lo) == pytest.approx(d.pdf(hi), rel=2e-3)      # equal density at both ends
    x, y = m.density
    assert integrate.trapezoid(y, x) == pytest.approx(1, abs=2e-3)
    assert m.provenance == "approximate" and m.draws is None


def test_gaussian_point_and_approximation():
    p = GaussianMarginal(0.4, 0.05, 0.94, interval="Wald")
    z = z_value(0.94)
    assert z == pytest.approx(stats.norm.ppf(0.97), rel=1e-12)
    assert (p.low, p.high) == pytest.approx((0.4 - z * 0.05, 0.4 + z * 0.05))
    assert p.density is None and p.provenance == "point"     # drawn as a point with its band
    a = GaussianMarginal(0.4, 0.05, 0.94, provenance="approximate")
    x, y = a.density
    assert integrate.trapezoid(y, x) == pytest.approx(1, abs=1e-4)
    assert a.quantile(0.5) == pytest.approx(0.4)
    none = GaussianMarginal(1.0, None, 0.94)               # a boundary estimate: no interval
    assert none.low is None and none.high is None and none.density is None


def test_grid_marginal_quantiles_and_hdi_against_the_density():
    d = stats.beta(30, 12)
    h = 1 / 2000
    x = np.arange(h / 2, 1, h)
    y = d.pdf(x)
    y /= y.sum() * h
    mean = float(np.sum(x * y) * h)
    g = GridMarginal(x, y, mean, 0.0, 0.0, 1.0)
    assert g.quantile(0.5) == pytest.approx(d.median(), abs=1e-5)
    lo, hi = g.hdi(0.94)
    assert d.cdf(hi) - d.cdf(lo) == pytest.approx(0.94, abs=1e-4)
    assert g.pdf(lo) == pytest.approx(g.pdf(hi), rel=0.02)
    assert g.provenance == "exact" and g.draws is None and g.density[0] is x


def test_draws_marginal_quantiles():
    rng = np.random.default_rng(0)
    draws = rng.beta(5, 5, 200_000)
    m = DrawsMarginal(draws, float(draws.mean()), float(draws.std()), 0.0, 1.0)
    assert m.quantile(0.25) == pytest.approx(stats.beta(5, 5).ppf(0.25), abs=3e-3)
    assert m.provenance == "sampled" and m.density is None and m.draws is draws
