"""What the posterior draws say about each set, computed with NumPy from the draws themselves.

The same E-step formula as EM, averaged over posterior draws instead of evaluated at a point:

    P(set i came from coin k | data) = E_posterior[ w_k f_k(h_i) / sum_m w_m f_m(h_i) ]
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from .likelihood import log_joint, log_weights
from .pairs import Pairs


def _flat(a):
    a = np.asarray(a, float)
    return a.reshape(-1, a.shape[-1])


def assignment_probability(pairs: Pairs, theta, weights, chunk: int = 4000) -> np.ndarray:
    """Posterior probability that set i came from coin k; (n_sets, K).

    theta, weights : draws, shape (..., K) (e.g. (chains, draws, K))
    """
    th, w = _flat(theta), _flat(weights)
    total = np.zeros((pairs.heads.size, th.shape[1]))
    for s in range(0, th.shape[0], chunk):
        lj = log_joint(pairs, th[s:s + chunk], log_weights(w[s:s + chunk]))
        total += np.exp(lj - logsumexp(lj, axis=2, keepdims=True)).sum(axis=0)
    return (total / th.shape[0])[pairs.inverse]


def pointwise_log_likelihood(pairs: Pairs, theta, weights, per_pair: bool = False) -> np.ndarray:
    """log p(set i | draw), shape (chains, draws, n_sets): logsumexp over coins (for PSIS-LOO).
    ``per_pair``: one column per distinct pair instead, shape (chains, draws, n_pairs)."""
    shape = np.shape(theta)[:-1]
    lj = log_joint(pairs, _flat(theta), log_weights(_flat(weights)))
    pair_ll = logsumexp(lj, axis=2)                       # (n_draws, n_pairs)
    if per_pair:
        return pair_ll.reshape(*shape, pairs.heads.size)
    return pair_ll[:, pairs.inverse].reshape(*shape, pairs.inverse.size)


def posterior_predictive_heads(pairs: Pairs, theta, weights, seed) -> np.ndarray:
    """Replicated heads per set, one per draw: (chains, draws, n_sets).

    For each draw, a coin is drawn for every set from the weights and its heads from
    Binomial(tosses, theta of that coin): data the model would produce if it were true.
    """
    rng = np.random.default_rng(seed)
    shape = np.shape(theta)[:-1]
    th, w = _flat(theta), _flat(weights)
    n_sets = pairs.inverse.size
    tosses = pairs.tosses[pairs.inverse]
    cum = np.cumsum(w, axis=1)
    u = rng.random((th.shape[0], n_sets))
    coin = np.minimum((u[:, :, None] > cum[:, None, :]).sum(axis=2), th.shape[1] - 1)
    p = np.take_along_axis(th, coin, axis=1)
    return rng.binomial(tosses[None, :], p).reshape(*shape, n_sets)
