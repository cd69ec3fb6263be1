"""Standard errors from the observed information of the marginal (incomplete-data) likelihood.

Free parameters phi = (theta_0, ..., theta_{K-1}, w_0, ..., w_{K-2}); with learned weights the
last weight is w_{K-1} = 1 - sum of the others. For one pair, with eta_k = log w_k + log
Binomial(h | n, theta_k) and r_k = softmax(eta)_k, the per-pair log-likelihood l = logsumexp(eta)
has the exact Hessian (Louis' identity written out)

    d2 l = sum_k r_k (d2 eta_k + g_k g_k^T) - (sum_k r_k g_k)(sum_k r_k g_k)^T,   g_k = d eta_k.

The observed information is minus the count-weighted sum over pairs (for MAP, minus the Hessian
of the log-posterior: the priors' curvature is added). Standard errors are the square roots of
the diagonal of its inverse; the last weight's comes from the delta method.
"""

from __future__ import annotations

import numpy as np

from .notes import Note

from .model import e_step
from .pairs import Pairs

BOUNDARY = 1e-9


def hessian(pairs: Pairs, theta, weights, learned: bool, prior=None, dirichlet: float = 1.0):
    """Hessian of the log-likelihood (or log-posterior if ``prior`` = (a[K], b[K])) in phi."""
    theta = np.asarray(theta, float)
    weights = np.asarray(weights, float)
    k = theta.size
    p = k + (k - 1 if learned else 0)
    h = pairs.heads[:, None].astype(float)
    t = (pairs.tosses - pairs.heads)[:, None].astype(float)
    th = np.clip(theta, BOUNDARY, 1 - BOUNDARY)
    score = h / th - t / (1 - th)                       # (J, K): d eta_k / d theta_k
    curv = -h / th**2 - t / (1 - th) ** 2               # (J, K): d2 eta_k / d theta_k2
    j = pairs.heads.size
    g = np.zeros((j, k, p))
    g[:, np.arange(k), np.arange(k)] = score
    d2 = np.zeros((j, k, p, p))
    d2[:, np.arange(k), np.arange(k), np.arange(k)] = curv
    if learned:
        idx = k + np.arange(k - 1)
        g[:, np.arange(k - 1), idx] = 1.0 / weights[:-1]
        g[:, k - 1, k:] = -1.0 / weights[-1]
        d2[:, np.arange(k - 1), idx, idx] = -1.0 / weights[:-1] ** 2
        d2[:, k - 1, k:, k:] = -1.0 / weights[-1] ** 2
    _, r = e_step(pairs, theta, weights)
    mean_g = np.einsum("jk,jkp->jp", r, g)
    per_pair = (np.einsum("jk,jkpq->jpq", r, d2 + g[..., :, None] * g[..., None, :])
                - mean_g[:, :, None] * mean_g[:, None, :])
    hess = np.einsum("j,jpq->pq", pairs.count.astype(float), per_pair)
    if prior is not None:
        a, b = (np.asarray(v, float) for v in prior)
        hess[np.arange(k), np.arange(k)] += -(a - 1) / th**2 - (b - 1) / (1 - th) ** 2
        if learned:
            idx = k + np.arange(k - 1)
            hess[idx, idx] += -(dirichlet - 1) / weights[:-1] ** 2
            hess[k:, k:] += -(dirichlet - 1) / weights[-1] ** 2
    return hess


def standard_errors(pairs: Pairs, theta, weights, learned: bool, prior=None, dirichlet=1.0):
    """({"theta": [K], "weights": [K]}, note, theta covariance (K, K) or None), with None where a
    standard error is undefined. The covariance of the thetas is the theta block of the inverse
    observed information: the Gaussian (Wald, or Laplace for MAP) approximation's covariance.

    Undefined: a theta or weight on the boundary (0 or 1; the likelihood's maximum is not a
    stationary point there, so the curvature says nothing), or a singular / indefinite observed
    information (e.g. more coins than distinct sets). Fixed weights are known: error 0.
    """
    theta = np.asarray(theta, float)
    weights = np.asarray(weights, float)
    k = theta.size
    se_theta = [None] * k
    se_w = [0.0] * k if not learned else [None] * k
    interior = np.concatenate([(theta > BOUNDARY) & (theta < 1 - BOUNDARY),
                               np.full(k - 1 if learned else 0, True)])
    if learned and np.any(weights <= BOUNDARY):
        return {"theta": se_theta, "weights": se_w}, \
            Note("se_empty_component", "standard errors undefined: a learned weight is 0 (an "
                 "empty component)"), None
    info = -hessian(pairs, theta, weights, learned, prior, dirichlet)
    free = np.flatnonzero(interior)
    note = ""
    if free.size < interior.size:
        note = Note("se_boundary", "no standard error for theta on the boundary (0 or 1)")
    sub = info[np.ix_(free, free)]
    try:
        chol = np.linalg.cholesky(sub)
    except np.linalg.LinAlgError:
        return {"theta": se_theta, "weights": se_w}, \
            Note("se_singular", "standard errors undefined: the observed information is "
                 "singular (the data cannot identify every parameter, e.g. more coins than "
                 "distinct sets)"), None
    inv = np.linalg.inv(chol)
    cov_sub = inv.T @ inv
    cov = np.full(info.shape, np.nan)
    cov[np.ix_(free, free)] = cov_sub
    for i in range(k):
        if interior[i]:
            se_theta[i] = float(np.sqrt(cov[i, i]))
    if learned:
        cw = cov[k:, k:]
        se = [float(np.sqrt(cw[i, i])) for i in range(k - 1)]
        se.append(float(np.sqrt(cw.sum())))
        se_w = se
    theta_cov = cov[:k, :k] if np.all(interior[:k]) else None
    return {"theta": se_theta, "weights": se_w}, note, theta_cov
