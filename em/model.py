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
from scipy.special import betaln, gammaln, xlog1py, xlogy

from .pairs import Pairs

#: cap on the elements of one log_joint block when evaluating many points (memory ~ 8x this)
_BLOCK = 4_000_000
_LOWEST = np.finfo(float).min


def log_joint_from_logs(pairs: Pairs, log_w, log_theta, log_1m_theta) -> np.ndarray:
    """log w_k + log C(n_j, h_j) + h_j log theta_k + t_j log(1 - theta_k), shape (..., J, K).

    Takes the logs themselves, so that VB can pass E[log theta] and E[log(1 - theta)] where EM
    passes log theta and log(1 - theta); 0 x log 0 counts as 0 (theta on the boundary is exact).
    """
    lt, l1 = np.asarray(log_theta)[..., None, :], np.asarray(log_1m_theta)[..., None, :]
    if np.isinf(lt).any() or np.isinf(l1).any():        # theta at 0 or 1: 0 x (-inf) is 0
        with np.errstate(invalid="ignore"):
            heads_term = np.where(pairs.heads_col > 0, pairs.heads_col * lt, 0.0)
            tails_term = np.where(pairs.tails_col > 0, pairs.tails_col * l1, 0.0)
    else:
        heads_term, tails_term = pairs.heads_col * lt, pairs.tails_col * l1
    return np.asarray(log_w)[..., None, :] + pairs.log_binom_col + heads_term + tails_term


def log_joint(pairs: Pairs, theta, weights) -> np.ndarray:
    """:func:`log_joint_from_logs` at the point (theta, weights); shape (..., J, K)."""
    theta = np.asarray(theta, dtype=float)
    with np.errstate(divide="ignore"):
        return log_joint_from_logs(pairs, np.log(weights), np.log(theta), np.log1p(-theta))


def logsumexp(a) -> np.ndarray:
    """log(sum(exp(a))) over the last axis, shifted by the maximum; a row of -inf gives -inf."""
    top = np.maximum(a.max(axis=-1), _LOWEST)
    with np.errstate(divide="ignore"):
        return top + np.log(np.exp(a - top[..., None]).sum(axis=-1))


def e_step(pairs: Pairs, theta, weights) -> tuple[np.ndarray, np.ndarray]:
    """Per-pair log-likelihood, shape (..., J), and responsibilities, shape (..., J, K)."""
    theta = np.asarray(theta, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if theta.min() > 0.0 and theta.max() < 1.0 and weights.min() > 0.0:     # the usual case
        lj = (np.log(weights)[..., None, :] + pairs.log_binom_col
              + pairs.heads_col * np.log(theta)[..., None, :]
              + pairs.tails_col * np.log1p(-theta)[..., None, :])
    else:
        lj = log_joint(pairs, theta, weights)
    top = np.maximum(lj.max(axis=-1, keepdims=True), _LOWEST)
    e = np.exp(lj - top)
    total = e.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (top + np.log(total))[..., 0], e / total


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
    """Heads, tails and sets credited to each coin by the responsibilities (..., J, K): three
    arrays (..., K): sum_j count_j r_jk (h_j, t_j, 1), one matrix product."""
    out = pairs.credit_matrix @ resp            # (..., 3, K)
    return out[..., 0, :], out[..., 1, :], out[..., 2, :]


class Prior:
    """Beta(a_k, b_k) on each theta_k and, for learned weights, a symmetric Dirichlet(alpha) on
    the weights. Maximum likelihood is ``Prior.flat(K, learned)``: a = b = alpha = 1, every
    density constant, so the M-step below is then the ML update."""

    def __init__(self, a, b, alpha: float, learned: bool):
        self.a, self.b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        self.alpha, self.learned = float(alpha), learned
        # each prior term is added to its own count, so a tiny a - 1 or b - 1 is not lost in
        # the rounding of a + b - 2
        self.am1, self.bm1 = self.a - 1.0, self.b - 1.0
        # with b > 1 the mode is below 1 even when 1 - theta underflows to 0 in floating point:
        # keep it one ulp inside, where the log-prior is finite (likewise at 0 with a > 1)
        self.lo = np.where(self.a > 1.0, _TINY, 0.0)
        self.hi = np.where(self.b > 1.0, _BELOW_ONE, 1.0)
        self._beta_norm = betaln(self.a, self.b)

    @classmethod
    def flat(cls, components: int, learned: bool) -> "Prior":
        return cls(np.ones(components), np.ones(components), 1.0, learned)

    def mode(self, heads_k, tails_k, sets_k, theta_old, weights_old):
        """The M-step: the mode of Beta(a_k + H_k, b_k + T_k) for each theta, and weights
        proportional to S_k + alpha - 1 (learned weights only). A coin credited with no data
        and no prior keeps its old theta (every value maximises then)."""
        num = heads_k + self.am1
        den = num + (tails_k + self.bm1)
        theta = np.divide(num, den, out=np.array(theta_old, dtype=float), where=den > 0)
        theta = np.clip(theta, self.lo, self.hi)
        if not self.learned:
            return theta, weights_old
        mass = sets_k + (self.alpha - 1.0)
        return theta, mass / mass.sum(axis=-1, keepdims=True)

    def log_density(self, theta, weights):
        """Normalised log density at (theta, weights), summed over the coins: (..., K) -> (...)."""
        lp = np.sum(xlogy(self.am1, theta) + xlog1py(self.bm1, -theta) - self._beta_norm, axis=-1)
        if self.learned:
            k = np.shape(weights)[-1]
            lp = lp + (np.sum(xlogy(self.alpha - 1.0, weights), axis=-1)
                       + gammaln(k * self.alpha) - k * gammaln(self.alpha))
        return lp


def m_step(pairs: Pairs, resp, theta_old, weights_old, prior: Prior):
    """Maximise the expected complete-data log-posterior given responsibilities: the prior's
    mode with the credited heads, tails and sets (:meth:`Prior.mode`)."""
    return prior.mode(*credited(pairs, resp), theta_old, weights_old)


_BELOW_ONE = np.nextafter(1.0, 0.0)
_TINY = np.finfo(float).tiny


def data_starts(pairs: Pairs, components: int) -> np.ndarray:
    """Starting thetas spread over the observed proportions (quantiles), kept off 0 and 1.

    If the data cannot separate K starts (e.g. identical sets), the starts are spread evenly
    around the pooled proportion instead: identical starting thetas would be a symmetric fixed
    point from which EM never moves.
    """
    q = _quantiles(pairs.heads / pairs.tosses, pairs.count, (np.arange(components) + 0.5) / components)
    init = np.clip(0.05 + 0.9 * q, 0.05, 0.95)
    if components > 1 and np.min(np.diff(np.sort(init))) < 0.02:
        pooled = pairs.heads @ pairs.count / (pairs.tosses @ pairs.count)
        centre = float(np.clip(pooled, 0.2, 0.8))
        init = centre + np.linspace(-0.15, 0.15, components)
    return init


def _quantiles(values, counts, probs) -> np.ndarray:
    """np.quantile(np.repeat(values, counts), probs) (linear interpolation, numpy's own formula),
    without building the repeated array: a million sets cost what their distinct pairs cost."""
    order = np.argsort(values, kind="stable")
    x, ends = values[order], np.cumsum(counts[order])      # sorted x[i] fills [ends[i-1], ends[i])
    index = np.asarray(probs, dtype=float) * (ends[-1] - 1)
    lower = np.floor(index)
    t = index - lower
    a = x[np.searchsorted(ends, lower, side="right")]
    b = x[np.searchsorted(ends, np.minimum(lower + 1, ends[-1] - 1), side="right")]
    diff = b - a
    return np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)
