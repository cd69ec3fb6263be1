"""bayes.evidence: the log evidence beyond the grid (issue 22.1), checked where the answer is
known exactly: K = 1 (closed form), K = 2 (the grid, fixed and learned weights) and K = 3 by
Gauss-Legendre quadrature, which is exact here because likelihood x prior is a polynomial in
every theta (degree = all tosses + prior's) and, with learned weights, in the weights.

Tolerances: the stated Monte Carlo error times 4 (importance sampling: the delta-method se of
16,000 weights) or 5 (SMC: the se comes from six runs, so it is itself uncertain, t with 5
degrees of freedom), plus the grid's discretisation error (below 1e-4 for these data).
"""

import itertools
import warnings

import numpy as np
import pytest
from numpy.polynomial.legendre import leggauss
from scipy.special import betaln, gammaln, logsumexp

from bayes import evidence
from bayes.grid import grid_posterior

PAPER = ([5, 9, 8, 4, 7], [10] * 5)


def _nodes(m):
    x, w = leggauss(m)
    return (x + 1) / 2, w / 2


def _log_binom(h, n):
    return gammaln(n + 1) - gammaln(h + 1) - gammaln(n - h + 1)


def _mixture_loglik(heads, tosses, theta, logw):
    """log prod_j sum_k w_k Bin(h_j | n_j, theta_k) at every point: theta (P, K), logw (P, K)."""
    h, n = np.asarray(heads, float), np.asarray(tosses, float)
    lj = (logw[:, None, :] + _log_binom(h, n)[None, :, None]
          + h[None, :, None] * np.log(theta[:, None, :])
          + (n - h)[None, :, None] * np.log1p(-theta[:, None, :]))
    return logsumexp(lj, axis=2).sum(axis=1)


def quadrature_k3(heads, tosses, prior, learned, dirichlet=1.0):
    """log p(data | 3 coins) by Gauss-Legendre over the unordered cube (and the simplex, mapped
    to a square with w0 = s, w1 = (1 - s) r, w2 = (1 - s)(1 - r), Jacobian 1 - s)."""
    a, b = prior
    deg = sum(tosses) + a + b
    xt, wt = _nodes(int(deg // 2) + 2)
    th = np.array(list(itertools.product(xt, repeat=3)))
    lwt = np.log(np.array(list(itertools.product(wt, repeat=3)))).sum(1)
    lprior = ((a - 1) * np.log(th) + (b - 1) * np.log1p(-th)).sum(1) - 3 * betaln(a, b)
    if not learned:
        ll = _mixture_loglik(heads, tosses, th, np.full_like(th, -np.log(3)))
        return float(logsumexp(ll + lprior + lwt))
    xs, ws = _nodes(len(heads) + 4)
    out = []
    for (s, ps), (r, pr) in itertools.product(zip(xs, ws), zip(xs, ws)):
        w = np.array([s, (1 - s) * r, (1 - s) * (1 - r)])
        ldir = (gammaln(3 * dirichlet) - 3 * gammaln(dirichlet)
                + (dirichlet - 1) * np.log(w).sum())
        ll = _mixture_loglik(heads, tosses, th, np.tile(np.log(w), (len(th), 1)))
        out.append(logsumexp(ll + lprior + lwt) + ldir + np.log(1 - s) + np.log(ps * pr))
    return float(logsumexp(out))


def _near(est, exact, sigmas):
    assert est.se < 0.1, est
    assert abs(est.log_evidence - exact) <= sigmas * est.se + 1e-4, (est, exact)


def test_one_coin_matches_the_closed_form():
    h, n = PAPER
    exact = (sum(_log_binom(np.array(h), np.array(n))) + betaln(2 + sum(h), 2 + 50 - sum(h))
             - betaln(2, 2))
    e = evidence.log_evidence(h, n, 1, prior=(2, 2), seed=3)
    assert e.reliable and e.kind == "importance"
    _near(e, exact, 4)


@pytest.mark.parametrize("weights", ["fixed", "learned"])
@pytest.mark.parametrize("data", [PAPER, ([2, 17, 3, 15, 16, 1], [20] * 6),
                                  ([0, 12, 40, 3], [5, 12, 81, 30])])
def test_two_coins_match_the_grid(data, weights):
    h, n = data
    exact = grid_posterior(h, n, weights=weights, prior=(2, 2)).log_evidence
    e = evidence.log_evidence(h, n, 2, weights=weights, prior=(2, 2), seed=1)
    _near(e, exact, 5 if e.kind == "smc" else 4)


@pytest.mark.parametrize("prior", [(2, 2), (1, 1)])
def test_three_coins_fixed_match_quadrature(prior):
    h, n = [1, 4, 9, 6], [10] * 4
    exact = quadrature_k3(h, n, prior, learned=False)
    e = evidence.log_evidence(h, n, 3, prior=prior, seed=2)
    _near(e, exact, 5 if e.kind == "smc" else 4)


def test_three_coins_learned_match_quadrature():
    h, n = [0, 3, 4], [4] * 3
    exact = quadrature_k3(h, n, (2, 2), learned=True, dirichlet=1.0)
    e = evidence.log_evidence(h, n, 3, weights="learned", prior=(2, 2), seed=2)
    _near(e, exact, 5 if e.kind == "smc" else 4)


def test_the_quadrature_itself_reproduces_the_grid_for_two_coins():
    """The reference is trusted because it is exact: the same construction with K = 2 gives the
    grid's evidence (the grid's own discretisation error is below 1e-4 here)."""
    h, n = [1, 4, 9, 6], [10] * 4
    xt, wt = _nodes(30)
    th = np.array(list(itertools.product(xt, repeat=2)))
    lw = np.log(np.array(list(itertools.product(wt, repeat=2)))).sum(1)
    lp = (np.log(th) + np.log1p(-th)).sum(1) - 2 * betaln(2, 2)
    ll = _mixture_loglik(h, n, th, np.full_like(th, -np.log(2)))
    assert logsumexp(ll + lp + lw) == pytest.approx(
        grid_posterior(h, n, prior=(2, 2)).log_evidence, abs=1e-4)


@pytest.mark.parametrize("weights", ["fixed", "learned"])
def test_the_smc_fallback_matches_the_exact_answers(weights):
    h, n = PAPER
    exact = grid_posterior(h, n, weights=weights, prior=(2, 2)).log_evidence
    _near(evidence.smc_log_evidence(h, n, 2, weights=weights, prior=(2, 2), seed=4), exact, 5)
    if weights == "fixed":
        h3, n3 = [1, 4, 9, 6], [10] * 4
        _near(evidence.smc_log_evidence(h3, n3, 3, prior=(2, 2), seed=4),
              quadrature_k3(h3, n3, (2, 2), learned=False), 5)


def test_same_seed_same_number_and_boundary_data_without_warnings():
    h, n = PAPER
    a = evidence.log_evidence(h, n, 3, prior=(2, 2), seed=7)
    assert evidence.log_evidence(h, n, 3, prior=(2, 2), seed=7) == a
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for hh, nn in (([10, 10, 10], [10] * 3), ([0], [10]), ([4, 4, 4, 4], [9] * 4)):
            for w in ("fixed", "learned"):
                e = evidence.log_evidence(hh, nn, 3, weights=w, prior=(1, 1), seed=1)
                assert np.isfinite(e.log_evidence) and np.isfinite(e.se)
