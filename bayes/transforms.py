"""PyMC's transforms for this model, in NumPy: the free coordinates NUTS moves in.

    theta (K, ordered, in (0, 1))  <->  z (K):    y = logit(theta); z_0 = y_0, z_k = log(y_k - y_{k-1})
    weights (K, on the simplex)    <->  u (K - 1): u_j = log w_j - mean(log w)

as PyMC 6 composes them for ``pm.Beta(..., transform=ordered)`` (logodds, then ordered) and for
``pm.Dirichlet`` (the simplex transform). ``log_jacobian`` is log |d(theta, w) / d(z, u)|, the
term PyMC adds to the log-density in free coordinates: subtracting it gives the density of the
original parameters, whose maximum is the posterior mode that ``pm.find_MAP`` reports. Checked
against PyMC's own transforms in tests/test_bayes.py.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit, logsumexp, softmax


def split(x: np.ndarray, k: int, learned: bool):
    """The free vector x = (z, u) as nutpie orders it: theta's block, then the weights'."""
    return x[..., :k], (x[..., k:] if learned else None)


def theta_forward(theta) -> np.ndarray:
    y = logit(np.asarray(theta, dtype=float))
    return np.concatenate([y[..., :1], np.log(np.diff(y, axis=-1))], axis=-1)


def theta_backward(z) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    steps = np.concatenate([z[..., :1], np.exp(z[..., 1:])], axis=-1)
    return expit(np.cumsum(steps, axis=-1))


def weights_forward(w) -> np.ndarray:
    lw = np.log(np.asarray(w, dtype=float))
    return (lw - lw.mean(axis=-1, keepdims=True))[..., :-1]


def weights_backward(u) -> np.ndarray:
    u = np.asarray(u, dtype=float)
    return softmax(np.concatenate([u, -u.sum(axis=-1, keepdims=True)], axis=-1), axis=-1)


def forward(theta, weights, learned: bool) -> np.ndarray:
    z = theta_forward(theta)
    return np.concatenate([z, weights_forward(weights)], axis=-1) if learned else z


def log_jacobian(x, k: int, learned: bool) -> tuple[float, np.ndarray]:
    """log |d(theta, w) / d(z, u)| at the free point x, and its gradient in x."""
    z, u = split(np.asarray(x, dtype=float), k, learned)
    theta = theta_backward(z)
    with np.errstate(divide="ignore"):         # an optimiser's probe may reach theta = 0 or 1
        value = float(np.sum(z[1:]) + np.sum(np.log(theta) + np.log1p(-theta)))
    # d/dz_j: the ordered part gives 1 for j >= 1; the log-odds part sum_k (1 - 2 theta_k)
    # dy_k/dz_j, with dy_k/dz_0 = 1 and dy_k/dz_j = exp(z_j) for 1 <= j <= k
    tail = np.cumsum((1.0 - 2.0 * theta)[::-1])[::-1]        # sum over k >= j
    scale = np.concatenate([[1.0], np.exp(z[1:])])
    grad_z = tail * scale + np.concatenate([[0.0], np.ones(k - 1)])
    if u is None:
        return value, grad_z
    n = k
    s = u.sum()
    e = np.concatenate([u + s, [0.0]])
    lse = logsumexp(e)
    value += float(np.log(n) + n * s - n * lse)
    p = np.exp(e - lse)
    grad_u = n * (p[-1] - p[:-1])
    return value, np.concatenate([grad_z, grad_u])


def backward(x, k: int, learned: bool) -> tuple[np.ndarray, np.ndarray]:
    """(theta, weights) at the free point x; fixed weights are 1/K."""
    z, u = split(np.asarray(x, dtype=float), k, learned)
    return theta_backward(z), (weights_backward(u) if learned else np.full(k, 1.0 / k))
