"""The Beta-binomial (a coin for every set, bayes.betabinom) against independent computations:
its log evidence and a leave-one-set-out predictive by adaptive 2-D quadrature (scipy dblquad
over (mu, u = kappa / (1 + kappa)), the hyperprior's own coordinates), its maximum likelihood
against a direct search, and its limits."""

import numpy as np
from scipy import integrate
from scipy.special import betaln, gammaln

from bayes import betabinom

H = np.array([5, 9, 8, 4, 7])
N = np.full(5, 10)


def _likelihood(h, n):
    logc = gammaln(n + 1) - gammaln(h + 1) - gammaln(n - h + 1)

    def f(u, mu):
        k = u / (1 - u)
        return np.exp(np.sum(logc + betaln(mu * k + h, (1 - mu) * k + n - h)
                             - betaln(mu * k, (1 - mu) * k)))
    return f


def _quad(h, n):
    v, err = integrate.dblquad(_likelihood(h, n), 0, 1, 0, 1 - 1e-13, epsabs=0, epsrel=1e-10)
    return np.log(v)


def test_evidence_and_loo_match_quadrature():
    fit = betabinom.fit(H, N)
    assert abs(fit.log_evidence - _quad(H, N)) < 1e-8
    # p(h_0 | the others) = p(all) / p(others); pair order is sorted by heads: 4, 5, 7, 8, 9
    others = _quad(H[1:], N[1:])
    loo_5 = _quad(H, N) - others
    assert abs(fit.loo_pairs[1] - loo_5) < 1e-8


def test_unequal_sets_and_over_dispersed_data():
    h, n = np.array([0, 1, 12, 30, 2, 19]), np.array([4, 9, 20, 31, 15, 40])
    fit = betabinom.fit(h, n)
    assert abs(fit.log_evidence - _quad(h, n)) < 1e-7
    # the ML against a brute-force grid search over (logit mu, log kappa)
    from scipy.special import expit
    lm, lk = np.meshgrid(np.linspace(-3, 3, 601), np.linspace(-4, 8, 601))
    mu, k = expit(lm)[..., None], np.exp(lk)[..., None]
    ll = (gammaln(n + 1) - gammaln(h + 1) - gammaln(n - h + 1)
          + betaln(mu * k + h, (1 - mu) * k + n - h) - betaln(mu * k, (1 - mu) * k)).sum(-1)
    assert fit.log_likelihood >= ll.max() - 1e-9
    assert fit.log_likelihood - ll.max() < 1e-3
    # shrinkage: every set's estimate lies between its raw rate and the pooled mean
    raw, pooled = h / n, h.sum() / n.sum()
    lo, hi = np.minimum(raw, pooled) - 0.05, np.maximum(raw, pooled) + 0.05
    assert np.all((fit.shrunk >= lo) & (fit.shrunk <= hi))


def test_boundary_data_without_nan_or_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for h, n in (([10, 10, 10], [10] * 3), ([0], [10]), ([3, 3, 3, 3], [7] * 4)):
            fit = betabinom.fit(h, n)
            assert np.isfinite(fit.log_evidence) and np.isfinite(fit.log_likelihood)
            assert np.all(np.isfinite(fit.loo_pairs)) and np.all(np.isfinite(fit.shrunk))
    # identical sets: no over-dispersion, so the ML concentration runs off towards one coin
    # (the likelihood is flat there to 1e-6, so the optimiser stops somewhere large)
    assert betabinom.fit([3, 3, 3, 3], [7] * 4).kappa > 1e4
