"""Every option of the bayes engine checked in one place, before PyMC is imported.

A bad value raises ``ValueError`` (an :class:`OptionError` when an option alone is wrong) with
one line naming the option, the value and the limit, in microseconds.

Every option has a tested range, so that no value crashes later, runs out of memory or silently
loses precision (the em engine and the command line use the same limits):

- Beta a, b and the Dirichlet concentration: between 10^-3 and 10^6 (below, draws of an empty
  coin underflow to exactly 0 or 1; above, the normalising constants lose their digits);
- ``draws`` and ``tune``: between 10 and 10^6 per chain (R-hat and ESS need draws; nutpie's
  warm-up windows need tune >= 1, so 10 leaves a margin), ``chains`` between 1 and 64 (with one
  chain R-hat is not computed, and the diagnostics say so), and ``chains x draws`` <= 4 x 10^6
  kept draws;
- ``seed``: a whole number 0 <= seed < 2^63 (nutpie takes 64-bit seeds and derives more from it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .pairs import Pairs, compress

SAMPLERS = ("nuts", "gibbs")
#: the tested ranges (see the module docstring)
PRIOR_MIN, PRIOR_MAX = 1e-3, 1e6
MIN_DRAWS, MAX_DRAWS = 10, 10**6
MIN_TUNE, MAX_TUNE = 10, 10**6
MAX_CHAINS = 64
MAX_KEPT_DRAWS = 4 * 10**6       # chains x draws
SEED_LIMIT = 2**63


class OptionError(ValueError):
    """A bad option: ``option`` names it (as the keyword argument), the message says why."""

    def __init__(self, option: str, message: str):
        super().__init__(message)
        self.option = option


@dataclass(frozen=True)
class Checked:
    """Validated input: the data as pairs, the prior per component, ordered starting thetas."""

    pairs: Pairs
    a: np.ndarray
    b: np.ndarray
    init: np.ndarray


def parse_prior(prior, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) for every theta, or K pairs -> (a[K], b[K]); 10^-3 <= a, b <= 10^6."""
    try:
        p = np.asarray(prior, dtype=float)
    except (TypeError, ValueError):
        p = np.empty(0)
    if p.shape == (2,):
        p = np.tile(p, (k, 1))
    if p.shape != (k, 2) or not np.all(np.isfinite(p)) or not np.all(p > 0):
        raise OptionError("prior", f"prior must be (a, b) with a, b > 0, or {k} such pairs; "
                          f"got {prior!r}")
    if not np.all((p >= PRIOR_MIN) & (p <= PRIOR_MAX)):
        raise OptionError("prior", f"prior must have 10^-3 <= a, b <= 10^6 (the tested range), "
                          f"got {prior!r}")
    return p[:, 0].copy(), p[:, 1].copy()


def check_weights(weights) -> bool:
    """True for learned weights; ValueError unless 'fixed' or 'learned'."""
    if weights not in ("fixed", "learned"):
        raise OptionError("weights", f"weights must be 'fixed' or 'learned', got {weights!r}")
    return weights == "learned"


def check_probability(name: str, value) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)) \
            or not 0 < value < 1:
        raise OptionError(name, f"{name} must lie in (0, 1), got {value!r}")
    return float(value)


def check_concentration(dirichlet) -> float:
    if isinstance(dirichlet, (bool, np.bool_)) or not isinstance(dirichlet, (int, float, np.number)) \
            or not (np.isfinite(dirichlet) and dirichlet > 0):
        raise OptionError("dirichlet", f"dirichlet must be > 0, got {dirichlet!r}")
    if not PRIOR_MIN <= dirichlet <= PRIOR_MAX:
        raise OptionError("dirichlet", f"dirichlet must lie between 10^-3 and 10^6 (the tested "
                          f"range), got {dirichlet!r}")
    return float(dirichlet)


def check_seed(seed) -> int:
    """A whole number 0 <= seed < 2^63."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) \
            or not 0 <= seed < SEED_LIMIT:
        raise OptionError("seed", f"seed must be a whole number with 0 <= seed < 2^63, "
                          f"got {seed!r}")
    return int(seed)


def check_sampling(draws, tune, chains) -> None:
    """Draws and tune from 10 to 10^6 per chain, 1 to 64 chains, chains x draws <= 4 x 10^6."""
    for name, value, low, high in (("draws", draws, MIN_DRAWS, MAX_DRAWS),
                                   ("tune", tune, MIN_TUNE, MAX_TUNE),
                                   ("chains", chains, 1, MAX_CHAINS)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
                or not low <= value <= high:
            per = "" if name == "chains" else " per chain"
            raise OptionError(name, f"{name} must be a whole number from {low} to {high}{per}, "
                              f"got {value!r}")
    if chains * draws > MAX_KEPT_DRAWS:
        raise OptionError("draws", f"chains x draws = {chains} x {draws} = {chains * draws} kept "
                          f"draws, above the limit of {MAX_KEPT_DRAWS}")


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
                  target_accept, sampler, init, hdi_prob, seed=0) -> Checked:
    """Validate every option of :func:`bayes.fit`; raises ValueError naming the value."""
    pairs = compress(heads, tosses)
    if isinstance(components, (bool, np.bool_)) or not isinstance(components, (int, np.integer)) \
            or components < 1:
        raise OptionError("components", f"components must be a whole number >= 1, "
                          f"got {components!r}")
    check_weights(weights)
    check_identifiable(int(components), int(pairs.tosses.max()))
    if sampler not in SAMPLERS:
        raise OptionError("sampler", f"sampler must be 'nuts' or 'gibbs', got {sampler!r}")
    a, b = parse_prior(prior, components)
    check_concentration(dirichlet)
    check_sampling(draws, tune, chains)
    check_seed(seed)
    check_probability("target_accept", target_accept)
    check_probability("hdi_prob", hdi_prob)
    if init is None:
        start = sampler_init(pairs, components)
    else:
        start = np.asarray(init, dtype=float)
        if start.shape != (components,) or not np.all((start > 0) & (start < 1)):
            raise OptionError("init", f"init must be {components} values in (0, 1), got "
                              f"{np.ravel(start).tolist()}")
        if np.unique(start).size != components:
            raise OptionError("init", f"init values must differ (the ordered model needs "
                              f"theta_0 < theta_1 < ...), got {start.tolist()}")
        start = np.sort(start)
    return Checked(pairs, a, b, start)
