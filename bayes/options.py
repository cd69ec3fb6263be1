"""Every option of the bayes engine checked in one place, before PyMC is imported.

A bad value raises ``ValueError`` with one line naming the option and the value, in microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .pairs import Pairs, compress

SAMPLERS = ("nuts", "gibbs")


@dataclass(frozen=True)
class Checked:
    """Validated input: the data as pairs, the prior per component, ordered starting thetas."""

    pairs: Pairs
    a: np.ndarray
    b: np.ndarray
    init: np.ndarray


def parse_prior(prior, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) for every theta, or K pairs -> (a[K], b[K]); any finite a, b > 0."""
    try:
        p = np.asarray(prior, dtype=float)
    except (TypeError, ValueError):
        p = np.empty(0)
    if p.shape == (2,):
        p = np.tile(p, (k, 1))
    if p.shape != (k, 2) or not np.all(np.isfinite(p)) or not np.all(p > 0):
        raise ValueError(f"prior must be (a, b) with a, b > 0, or {k} such pairs; got {prior!r}")
    return p[:, 0].copy(), p[:, 1].copy()


def check_weights(weights) -> bool:
    """True for learned weights; ValueError unless 'fixed' or 'learned'."""
    if weights not in ("fixed", "learned"):
        raise ValueError(f"weights must be 'fixed' or 'learned', got {weights!r}")
    return weights == "learned"


def check_probability(name: str, value) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)) \
            or not 0 < value < 1:
        raise ValueError(f"{name} must lie in (0, 1), got {value!r}")
    return float(value)


def check_concentration(dirichlet) -> float:
    if isinstance(dirichlet, (bool, np.bool_)) or not isinstance(dirichlet, (int, float, np.number)) \
            or not (np.isfinite(dirichlet) and dirichlet > 0):
        raise ValueError(f"dirichlet must be > 0, got {dirichlet!r}")
    return float(dirichlet)


def sampler_init(pairs: Pairs, k: int) -> np.ndarray:
    """Ordered starting thetas for the samplers: quantiles of the observed head proportions,
    spread a little so that they are distinct."""
    share = pairs.heads / pairs.tosses
    q = np.quantile(np.repeat(share, np.minimum(pairs.count, 10**6)), (np.arange(k) + 0.5) / k)
    q = np.clip(q, 0.05, 0.95)
    return np.sort(np.clip(q + np.linspace(-0.05, 0.05, k) if k > 1 else q, 0.02, 0.98))


def check_identifiable(components: int, longest: int) -> None:
    """Teicher (1963, Ann. Math. Statist. 34:1265): K binomials with n tosses per set are
    identifiable only when n >= 2K - 1; the longest set must allow it."""
    if 2 * components - 1 > longest:
        raise ValueError(
            f"components = {components} coins cannot be told apart with sets of at most "
            f"{longest} toss{'es' if longest != 1 else ''}: a mixture of K binomials is "
            f"identifiable only when a set has at least 2K - 1 = {2 * components - 1} tosses "
            "(Teicher 1963); use fewer coins or longer sets")


def check_options(heads, tosses, *, components, weights, prior, dirichlet, draws, tune, chains,
                  target_accept, sampler, init, hdi_prob) -> Checked:
    """Validate every option of :func:`bayes.fit`; raises ValueError naming the value."""
    pairs = compress(heads, tosses)
    if isinstance(components, (bool, np.bool_)) or not isinstance(components, (int, np.integer)) \
            or components < 1:
        raise ValueError(f"components must be a whole number >= 1, got {components!r}")
    check_weights(weights)
    check_identifiable(int(components), int(pairs.tosses.max()))
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler must be 'nuts' or 'gibbs', got {sampler!r}")
    a, b = parse_prior(prior, components)
    check_concentration(dirichlet)
    for name, value, low in (("draws", draws, 1), ("tune", tune, 0), ("chains", chains, 1)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
                or value < low:
            raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
    check_probability("target_accept", target_accept)
    check_probability("hdi_prob", hdi_prob)
    if init is None:
        start = sampler_init(pairs, components)
    else:
        start = np.asarray(init, dtype=float)
        if start.shape != (components,) or not np.all((start > 0) & (start < 1)):
            raise ValueError(f"init must be {components} values in (0, 1), got "
                             f"{np.ravel(start).tolist()}")
        if np.unique(start).size != components:
            raise ValueError(f"init values must differ (the ordered model needs theta_0 < theta_1 "
                             f"< ...), got {start.tolist()}")
        start = np.sort(start)
    return Checked(pairs, a, b, start)
