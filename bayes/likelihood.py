"""The mixture's log-density, written once for the bayes package (NumPy; the PyMC model in
``model.py`` builds the same formula as a graph).

    log_joint[..., j, k] = log w_k + log C(n_j, h_j) + h_j log theta_k + t_j log(1 - theta_k)

the log-probability that pair j's set came from coin k and shows what it shows. Parameters may
carry any leading shape (draws, chains, grid points): theta shape (..., K) gives (..., J, K).
The em package writes its own copy on purpose, so that the engines' agreement is a real check.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, gammaln, xlog1py, xlogy

from .pairs import Pairs


def log_joint(pairs: Pairs, theta, log_weights) -> np.ndarray:
    """log w_k + log Binomial(h_j | n_j, theta_k); theta and log_weights (..., K) -> (..., J, K).

    xlogy/xlog1py make 0 x log 0 = 0, so theta on the boundary is exact, with no warning.
    """
    th = np.asarray(theta, dtype=float)[..., None, :]
    h = pairs.heads[:, None]
    t = pairs.tails[:, None]
    return (np.asarray(log_weights)[..., None, :] + pairs.log_binom[:, None] + xlogy(h, th)
            + xlog1py(t, -th))


def log_weights(weights) -> np.ndarray:
    """log w, with log 0 = -inf and no warning."""
    with np.errstate(divide="ignore"):
        return np.log(weights)


def log_beta_pdf(x, a, b) -> np.ndarray:
    """log Beta(x | a, b), elementwise (normalised)."""
    return xlogy(a - 1, x) + xlog1py(b - 1, -x) - betaln(a, b)


def log_dirichlet_pdf(w, alpha: float) -> np.ndarray:
    """log Dirichlet(w | alpha, ..., alpha) over the last axis (normalised)."""
    k = np.shape(w)[-1]
    return np.sum(xlogy(alpha - 1, w), axis=-1) + gammaln(k * alpha) - k * gammaln(alpha)
