"""A coin of its own for every set: the Beta-binomial (Gelman et al., *Bayesian Data Analysis*,
ch. 5), the alternative to a few coins when the sets are over-dispersed.

    theta_i ~ Beta(alpha, beta) independently,  h_i | theta_i ~ Binomial(n_i, theta_i)

so h_i ~ BetaBinomial(n_i, alpha, beta). Parametrised by the mean mu = alpha / (alpha + beta) and
the concentration kappa = alpha + beta; as kappa grows the sets share one coin of rate mu.

The hyperprior, chosen to be proper and to favour neither end: mu ~ Uniform(0, 1) and
u = kappa / (1 + kappa) ~ Uniform(0, 1), i.e. p(kappa) = 1 / (1 + kappa)^2 (median 1, a tail
P(kappa > K) = 1 / (1 + K) heavy enough to reach one coin). Everything is quadrature on a grid
in (logit mu, log kappa), no sampling:

- the log evidence log p(data), binomial coefficients included; beyond the grid's largest
  kappa (e^25) the Beta-binomial is the binomial to 1e-10, so that tail adds its prior mass
  times the one-coin evidence under mu ~ U(0, 1), in closed form;
- exact leave-one-set-out predictives: p(h_i | the other sets) = 1 / E[1 / BB(h_i) | data] on
  the same grid (an identity, not an importance-sampling estimate);
- each set's shrunken rate E[theta_i | data] = E[(alpha + h_i) / (kappa + n_i) | data];
- the maximum likelihood (alpha, beta) by direct optimisation (L-BFGS-B over logit mu and log
  kappa, kappa at most e^25: a maximum there means "one coin").

Runs over distinct (heads, tosses) pairs; NumPy and SciPy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, expit, logsumexp

from .pairs import compress

LOG_KAPPA_RANGE = (-10.0, 25.0)
LOGIT_MU_RANGE = (-30.0, 30.0)
POINTS = 240                 # per axis, on the zoomed box
LOG_MASS_CUTOFF = 30.0


@dataclass(frozen=True)
class BetaBinomialFit:
    """The Beta-binomial on one data set (see the module docstring)."""

    log_likelihood: float            # at the ML (alpha, beta)
    mu: float                        # ML mean
    kappa: float                     # ML concentration (e^25 at most: "one coin")
    log_evidence: float
    loo_pairs: np.ndarray            # exact log p(h_i | other sets), per distinct pair
    shrunk_pairs: np.ndarray         # E[theta_i | data], per distinct pair
    mu_mean: float                   # posterior mean of mu
    log_kappa_mean: float            # posterior mean of log kappa
    points: int
    inverse: np.ndarray              # set -> pair

    parameters = 2

    @property
    def shrunk(self) -> np.ndarray:
        """Each set's shrunken rate E[theta_i | data], shape (n_sets,)."""
        return self.shrunk_pairs[self.inverse]

    def bic(self, n_sets: int) -> float:
        return -2 * self.log_likelihood + self.parameters * np.log(n_sets)


def _log_bb(pairs, alpha, beta):
    """log BetaBinomial(h | n, alpha, beta) per pair; alpha, beta broadcast as (..., 1)."""
    h, t = pairs.heads.astype(float), pairs.tails.astype(float)
    return pairs.log_binom + betaln(alpha + h, beta + t) - betaln(alpha, beta)


def _log_prior(logit_mu, log_kappa):
    """Density of (logit mu, log kappa) under mu ~ U(0, 1), kappa / (1 + kappa) ~ U(0, 1)."""
    # d mu / d logit mu = mu (1 - mu); d u / d log kappa = kappa / (1 + kappa)^2
    return (-np.logaddexp(0, -logit_mu) - np.logaddexp(0, logit_mu)
            + log_kappa - 2 * np.logaddexp(0, log_kappa))


def _grid(pairs, lm, lk):
    mu, kappa = expit(lm)[:, None, None], np.exp(lk)[None, :, None]
    per_pair = _log_bb(pairs, mu * kappa, (1 - mu) * kappa)             # (M, K, J)
    log_post = _log_prior(lm[:, None], lk[None, :]) + per_pair @ pairs.count.astype(float)
    return per_pair, log_post


def _box(pairs):
    """The (logit mu, log kappa) box holding the posterior: a coarse pass, then every cell
    within LOG_MASS_CUTOFF of the maximum, widened by a cell."""
    lm = np.linspace(*LOGIT_MU_RANGE, 241)
    lk = np.linspace(*LOG_KAPPA_RANGE, 141)
    for _ in range(3):
        _, lp = _grid(pairs, lm, lk)
        keep = lp >= lp.max() - LOG_MASS_CUTOFF
        i, j = np.nonzero(keep)
        dm, dk = lm[1] - lm[0], lk[1] - lk[0]
        lo_m, hi_m = max(lm[0], lm[i.min()] - dm), min(lm[-1], lm[i.max()] + dm)
        lo_k, hi_k = max(LOG_KAPPA_RANGE[0], lk[j.min()] - dk), min(LOG_KAPPA_RANGE[1],
                                                                    lk[j.max()] + dk)
        lm, lk = np.linspace(lo_m, hi_m, 81), np.linspace(lo_k, hi_k, 81)
    return (lo_m, hi_m), (lo_k, hi_k)


def fit(heads, tosses, points: int = POINTS) -> BetaBinomialFit:
    """The Beta-binomial's ML, evidence, exact LOO and shrunken rates (module docstring)."""
    pairs = compress(np.asarray(heads), np.asarray(tosses))
    count = pairs.count.astype(float)
    (m0, m1), (k0, k1) = _box(pairs)
    # midpoints of a uniform grid on the box: the midpoint rule
    em_, ek = np.linspace(m0, m1, points + 1), np.linspace(k0, k1, points + 1)
    lm, lk = (em_[:-1] + em_[1:]) / 2, (ek[:-1] + ek[1:]) / 2
    cell = (em_[1] - em_[0]) * (ek[1] - ek[0])
    per_pair, log_post = _grid(pairs, lm, lk)
    log_z = logsumexp(log_post) + np.log(cell)
    # kappa beyond the grid's top: the binomial, times the prior mass there, mu ~ U(0, 1)
    top = LOG_KAPPA_RANGE[1]
    if k1 >= top - 1e-9:
        heads_all, tails_all = float(count @ pairs.heads), float(count @ pairs.tails)
        one_coin = float(count @ pairs.log_binom) + betaln(1 + heads_all, 1 + tails_all)
        log_z = np.logaddexp(log_z, -np.logaddexp(0, top) + one_coin)
    w = np.exp(log_post - logsumexp(log_post))                           # (M, K)
    # exact LOO: p(h_i | rest) = 1 / E[1 / BB(h_i) | data]
    loo = -logsumexp(-per_pair, b=w[..., None], axis=(0, 1))
    mu, kappa = expit(lm)[:, None, None], np.exp(lk)[None, :, None]
    rate = (mu * kappa + pairs.heads) / (kappa + pairs.tosses)
    shrunk = np.tensordot(w, rate, axes=([0, 1], [0, 1]))
    mu_mean = float(np.sum(w * expit(lm)[:, None]))
    lk_mean = float(np.sum(w * lk[None, :]))

    def nll(x):
        m, k = expit(x[0]), np.exp(x[1])
        return -float(count @ _log_bb(pairs, m * k, (1 - m) * k))

    i, j = np.unravel_index(np.argmax(log_post), log_post.shape)
    best = None
    for x0 in ((lm[i], lk[j]), (lm[i], top - 1)):
        r = minimize(nll, np.array(x0), method="L-BFGS-B",
                     bounds=[LOGIT_MU_RANGE, LOG_KAPPA_RANGE])
        if best is None or r.fun < best.fun:
            best = r
    return BetaBinomialFit(
        log_likelihood=-float(best.fun), mu=float(expit(best.x[0])),
        kappa=float(np.exp(best.x[1])), log_evidence=float(log_z), loo_pairs=loo,
        shrunk_pairs=shrunk, mu_mean=mu_mean, log_kappa_mean=lk_mean, points=points,
        inverse=pairs.inverse)
