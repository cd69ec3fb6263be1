"""The test of homogeneity that says what "the data support 1 coin" means (issue 22.5):
Pearson's X^2 against scipy's contingency test, its conditional Monte Carlo p-value against the
exact one by enumeration, its boundaries, and its words where the verdict is one coin."""

import itertools
from types import SimpleNamespace as NS

import numpy as np
import pytest
from scipy import stats
from scipy.special import comb

from compare.choice import HOMOGENEITY_REPLICATES, homogeneity
from compare.sections import choice as section
from compare.words import render


def data(h, n):
    return NS(heads=np.asarray(h), tosses=np.asarray(n))


def test_statistic_and_chi_square_p_match_scipy():
    rng = np.random.default_rng(5)
    n = rng.integers(20, 60, 40)
    h = rng.binomial(n, 0.4)
    got = homogeneity(data(h, n))
    x2, p, df, _ = stats.chi2_contingency(np.stack([h, n - h], 1), correction=False)
    assert got["method"] == "chi-square" and got["smallest_expected"] >= 5
    assert got["statistic"] == pytest.approx(x2, rel=1e-12)
    assert got["df"] == df == 39 and got["p"] == pytest.approx(p, rel=1e-10)


def exact_p(h, n):
    """The exact conditional p-value: every way to put the total heads on the sets, weighted by
    the multivariate hypergeometric, with X^2 at least the observed."""
    h, n = np.asarray(h), np.asarray(n)
    total, heads = n.sum(), h.sum()
    rate = heads / total

    def x2(x):
        return np.sum((x - n * rate) ** 2 / (n * rate * (1 - rate)))

    obs, p = x2(h), 0.0
    for x in itertools.product(*[range(k + 1) for k in n]):
        if sum(x) == heads:
            w = np.prod([comb(k, xi) for k, xi in zip(n, x)]) / comb(total, heads)
            p += w * (x2(np.array(x)) >= obs * (1 - 1e-12))
    return p


@pytest.mark.parametrize("h, n", [([5, 9, 8], [10, 10, 10]), ([0, 3, 1, 4], [4, 4, 5, 6]),
                                  ([1, 6], [3, 8])])
def test_monte_carlo_p_matches_the_exact_test(h, n):
    got = homogeneity(data(h, n), seed=1)
    assert got["method"] == "conditional Monte Carlo"
    p = exact_p(h, n)
    # binomial Monte Carlo error of a proportion of R + 1 replicates; 4 sigma
    se = np.sqrt(p * (1 - p) / (HOMOGENEITY_REPLICATES + 1))
    assert abs(got["p"] - p) <= 4 * se + 1 / (HOMOGENEITY_REPLICATES + 1), (got["p"], p)
    # and the same seed, the same p
    assert homogeneity(data(h, n), seed=1) == got


def test_boundaries():
    assert homogeneity(data([3], [10])) is None                       # one set: no test
    for h in ([0, 0, 0], [4, 7, 2]):                                   # all tails, all heads
        n = [4, 7, 2]
        got = homogeneity(data(h if h[0] == 0 else n, n))
        assert got["statistic"] == 0 and got["p"] == 1 and got["method"] == "no variation possible"
    got = homogeneity(data([3, 3, 3], [10, 10, 10]))                   # identical sets
    assert got["statistic"] == 0 and got["p"] == 1
    with np.errstate(all="raise"):
        homogeneity(data([0, 10], [10, 10]))


def run_of(h, n, components_chosen=1):
    d = data(h, n)
    return NS(data=d, choice={"verdict": {"components": components_chosen}, "homogeneity":
                              homogeneity(d)})


def test_one_coin_verdict_says_what_it_means():
    # near-homogeneous short sets: "too short to show a difference"
    rng = np.random.default_rng(2)
    n = np.full(12, 8)
    h = rng.binomial(n, 0.5)
    f = section.homogeneity(homogeneity(data(h, n)))
    assert f.variant == "too_short"
    text = render(f)
    assert "does not say the sets are alike" in text and "sets of 8 tosses" in text
    assert "on 11 degrees of freedom" in text
    # sets that do differ: said, and pointed to the Beta-binomial
    n = np.array([30, 30, 30, 30])
    f = section.homogeneity(homogeneity(data([2, 25, 15, 8], n)))
    assert f.variant == "differ" and "p < 0.001" in render(f)
    # one degree of freedom, singular
    n = np.array([40, 50])
    assert "on 1 degree of freedom" in render(section.homogeneity(homogeneity(data([20, 24], n))))
