"""Gibbs sampling by data augmentation: EM with both steps replaced by random draws.

    EM     E-step: r_jk = P(coin k | pair j, theta)    M-step: theta_k = argmax (a point)
    Gibbs  draw how many of pair j's c_j sets each coin gets, x_j ~ Multinomial(c_j, r_j)
           draw theta_k ~ Beta(a_k + sum_j x_jk h_j, b_k + sum_j x_jk (n_j - h_j))
           draw w ~ Dirichlet(alpha + sum_j x_jk)          (learned weights only)

The multinomial over a pair's c_j identical sets is exact (the sets are exchangeable), so one
sweep costs O(distinct pairs x K), whatever the number of sets. All chains advance together in
NumPy arrays; randomness comes only from the ``numpy.random.Generator`` built from ``seed``.

Labels: with the same Beta prior on every theta (and a symmetric Dirichlet) the posterior is
symmetric under relabelling, so sorting each draw by theta (weights permuted alike) yields
exactly the posterior of the ordered model that NUTS samples. With different priors per coin
the posterior is not symmetric and sorting would change it: :func:`run` refuses such priors.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from .likelihood import log_beta_pdf, log_dirichlet_pdf, log_joint, log_weights
from .pairs import Pairs


def _multinomial(rng, n, p):
    """Multinomial(n, p) along the last axis by sequential binomials; n (...,), p (..., K)."""
    out = np.zeros(p.shape, dtype=np.int64)
    left = n.astype(np.int64).copy()
    rest = np.ones(p.shape[:-1])
    for k in range(p.shape[-1] - 1):
        q = np.clip(np.divide(p[..., k], rest, out=np.zeros_like(rest), where=rest > 0), 0.0, 1.0)
        out[..., k] = rng.binomial(left, q)
        left -= out[..., k]
        rest = rest - p[..., k]
    out[..., -1] = left
    return out


def run(pairs: Pairs, *, components: int, learned: bool, a, b, dirichlet: float, draws: int,
        tune: int, chains: int, seed, init=None, thin: int = 1):
    """Run the sampler. Returns (theta, weights, log_likelihood, log_prior), shapes
    (chains, draws, K), (chains, draws, K), (chains, draws), (chains, draws); draws sorted by theta.

    Chains start from ``init`` (K ordered thetas) jittered per chain, or from dispersed uniform
    starts; ``tune`` sweeps are discarded, then every ``thin``-th of ``draws * thin`` sweeps is
    kept (so a slow chain can run long in the memory of ``draws`` draws).
    """
    thin = int(thin)
    if thin < 1:
        raise ValueError(f"thin must be a positive integer, got {thin}")
    a = np.broadcast_to(np.asarray(a, float), (components,)).copy()
    b = np.broadcast_to(np.asarray(b, float), (components,)).copy()
    if components > 1 and not (np.all(a == a[0]) and np.all(b == b[0])):
        raise ValueError("the Gibbs sampler sorts draws by theta, which is exact only when every "
                         f"coin has the same Beta prior; got a = {a.tolist()}, b = {b.tolist()}")
    rng = np.random.default_rng(seed)
    k, c = components, chains
    if init is None:
        theta = np.sort(rng.uniform(0.05, 0.95, (c, k)), axis=1)
    else:
        theta = np.sort(np.clip(np.asarray(init, float) + rng.normal(0, 0.02, (c, k)), 0.01, 0.99), axis=1)
    log_w = np.full((c, k), -np.log(k))
    count = pairs.count[None, :].repeat(c, axis=0)
    tails = pairs.tosses - pairs.heads

    out_theta = np.empty((c, draws, k))
    out_w = np.empty((c, draws, k))
    out_ll = np.empty((c, draws))
    w = np.exp(log_w)
    heads_f, tails_f, count_f = (pairs.heads.astype(float), tails.astype(float),
                                 pairs.count.astype(float))
    for s in range(tune + draws * thin):
        lj = log_joint(pairs, theta, log_w)                     # E-step, for every chain
        top = lj.max(axis=2, keepdims=True)
        e = np.exp(lj - top)
        total = e.sum(axis=2, keepdims=True)
        kept = s - tune - 1                                      # the previous sweep, if kept
        if kept >= 0 and kept % thin == thin - 1:                # log-lik of the previous draw
            out_ll[:, kept // thin] = (top + np.log(total))[..., 0] @ count_f
        x = _multinomial(rng, count, e / total)                  # sets per coin, (C, J, K)
        heads_k, tails_k = heads_f @ x, tails_f @ x              # (C, K)
        theta = rng.beta(a + heads_k, b + tails_k)                    # "M-step": a draw
        if learned:
            g = rng.gamma(dirichlet + x.sum(axis=1))
            w = g / g.sum(axis=1, keepdims=True)
        order = np.argsort(theta, axis=1)
        theta = np.take_along_axis(theta, order, axis=1)
        if learned:
            w = np.take_along_axis(w, order, axis=1)
            log_w = log_weights(w)
        if s >= tune and (s - tune) % thin == thin - 1:
            out_theta[:, (s - tune) // thin] = theta
            out_w[:, (s - tune) // thin] = w
    lse = logsumexp(log_joint(pairs, theta, log_w), axis=2)
    out_ll[:, -1] = lse @ pairs.count
    log_prior = np.sum(log_beta_pdf(out_theta, a, b), axis=2)
    if learned:
        log_prior += log_dirichlet_pdf(out_w, dirichlet)
    return out_theta, out_w, out_ll, log_prior
