"""The K-coin binomial mixture, written once for the em package.

Set j shows h_j heads in n_j tosses (t_j = n_j - h_j tails) and came from coin k with
probability w_k. Every formula of EM, its standard errors and VB starts from one quantity,

    log_joint[..., j, k] = log w_k + log C(n_j, h_j) + h_j log theta_k + t_j log(1 - theta_k)

(the log-probability that set j came from coin k and shows what it shows). Its logsumexp over
k is set j's log-likelihood; its softmax over k is the E-step's responsibilities. Every function
here takes parameters with any leading shape (..., K), so one call evaluates many points (a
grid of thetas, a path of iterations) at once.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, gammaln, logsumexp, xlog1py, xlogy

from .pairs import Pairs

#: cap on the elements of one log_joint block when evaluating many points (memory ~ 8x this)
_BLOCK = 4_000_000


def log_joint_from_logs(pairs: Pairs, log_w, log_theta, log_1m_theta) -> np.ndarray:
    """log w_k + log C(n_j, h_j) + h_j log theta_k + t_j log(1 - theta_k), shape (..., J, K).

    Takes the logs themselves, so that VB can pass E[log theta] and E[log(1 - theta)] where EM
    passes log theta and log(1 - theta); 0 x log 0 counts as 0 (theta on the boundary is exact).
    """
    h = pairs.heads[:, None]
    t = pairs.tails[:, None]
    lt, l1 = np.asarray(log_theta)[..., None, :], np.asarray(log_1m_theta)[..., None, :]
    with np.errstate(invalid="ignore"):
        heads_term = np.where(h > 0, h * lt, 0.0)
        tails_term = np.where(t > 0, t * l1, 0.0)
    return np.asarray(log_w)[..., None, :] + pairs.log_binom[:, None] + heads_term + tails_term


def log_joint(pairs: Pairs, theta, weights) -> np.ndarray:
    """:func:`log_joint_from_logs` at the point (theta, weights); shape (..., J, K)."""
    theta = np.asarray(theta, dtype=float)
    with np.errstate(divide="ignore"):
        return log_joint_from_logs(pairs, np.log(weights), np.log(theta), np.log1p(-theta))


def e_step(pairs: Pairs, theta, weights) -> tuple[np.ndarray, np.ndarray]:
    """Per-pair log-likelihood, shape (..., J), and responsibilities, shape (..., J, K)."""
    lj = log_joint(pairs, theta, weights)
    ll = logsumexp(lj, axis=-1)
    return ll, np.exp(lj - ll[..., None])


def log_likelihood(pairs: Pairs, theta, weights) -> np.ndarray:
    """Total log-likelihood at every point; theta and weights shape (..., K) -> shape (...).

    Evaluated in blocks of points, so a fine grid over a million sets stays within memory.
    """
    theta = np.asarray(theta, dtype=float)
    weights = np.broadcast_to(np.asarray(weights, dtype=float), theta.shape)
    lead = theta.shape[:-1]
    flat_t = theta.reshape(-1, theta.shape[-1])
    flat_w = weights.reshape(-1, theta.shape[-1])
    step = max(1, _BLOCK // max(1, pairs.heads.size * theta.shape[-1]))
    out = np.empty(flat_t.shape[0])
    count = pairs.count.astype(float)
    for s in range(0, flat_t.shape[0], step):
        ll, _ = e_step(pairs, flat_t[s:s + step], flat_w[s:s + step])
        out[s:s + step] = ll @ count
    return out.reshape(lead)


def credited(pairs: Pairs, resp) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Heads, tails and sets credited to each coin by the responsibilities: three arrays (K,)."""
    cr = resp * pairs.count[:, None]
    return cr.T @ pairs.heads, cr.T @ pairs.tails, cr.sum(axis=0)


def m_step(pairs: Pairs, resp, theta_old, weights_old, a, b, dirichlet: float, learned: bool):
    """Maximise the expected complete-data log-posterior given responsibilities.

    theta_k = (H_k + a_k - 1) / (H_k + T_k + a_k + b_k - 2); weights_k proportional to
    S_k + alpha - 1 (learned weights only). ML is a = b = alpha = 1. A coin credited with no
    data and no prior keeps its old theta (every value maximises then).
    """
    heads_k, tails_k, sets_k = credited(pairs, resp)
    # each prior term is added to its own count, so a tiny a - 1 or b - 1 is not lost in the
    # rounding of a + b - 2
    num = heads_k + (a - 1.0)
    den = num + (tails_k + (b - 1.0))
    theta = np.where(den > 0, num / np.where(den > 0, den, 1.0), theta_old)
    # with b > 1 the mode is below 1 even when 1 - theta underflows to 0 in floating point:
    # keep it one ulp inside, where the log-prior is finite (likewise at 0 with a > 1)
    theta = np.clip(theta, np.where(a > 1.0, _TINY, 0.0), np.where(b > 1.0, _BELOW_ONE, 1.0))
    if not learned:
        return theta, weights_old
    mass = sets_k + dirichlet - 1.0
    return theta, mass / mass.sum()


_BELOW_ONE = np.nextafter(1.0, 0.0)
_TINY = np.finfo(float).tiny


def log_prior(theta, weights, a, b, dirichlet: float, learned: bool) -> float:
    """Normalised log density of the Beta priors (and the Dirichlet prior on learned weights)."""
    lp = float(np.sum(xlogy(a - 1.0, theta) + xlog1py(b - 1.0, -theta) - betaln(a, b)))
    if learned:
        k = len(weights)
        lp += float(np.sum(xlogy(dirichlet - 1.0, weights))
                    + gammaln(k * dirichlet) - k * gammaln(dirichlet))
    return lp


def data_starts(pairs: Pairs, components: int) -> np.ndarray:
    """Starting thetas spread over the observed proportions (quantiles), kept off 0 and 1.

    If the data cannot separate K starts (e.g. identical sets), the starts are spread evenly
    around the pooled proportion instead: identical starting thetas would be a symmetric fixed
    point from which EM never moves.
    """
    prop = np.repeat(pairs.heads / pairs.tosses, pairs.count)
    q = np.quantile(prop, (np.arange(components) + 0.5) / components)
    init = np.clip(0.05 + 0.9 * q, 0.05, 0.95)
    if components > 1 and np.min(np.diff(np.sort(init))) < 0.02:
        pooled = pairs.heads @ pairs.count / (pairs.tosses @ pairs.count)
        centre = float(np.clip(pooled, 0.2, 0.8))
        init = centre + np.linspace(-0.15, 0.15, components)
    return init
