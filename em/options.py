"""Every option of ``em.fit`` and ``em.vb`` checked in one place, before any work is done.

A bad value raises ``ValueError`` with one line that names the option and the offending value;
the front end prints it as it is. The two methods differ only in what a prior may be: EM-MAP
needs a finite maximum (Beta a, b >= 1 and Dirichlet >= 1), VB accepts any prior in the range.

Every option has a tested range, so that no value runs out of memory or silently loses
precision (the bayes engine and the command line use the same limits):

- Beta a, b and the Dirichlet concentration: between 10^-3 and 10^6 (beyond, the densities'
  normalising constants lose their digits; below, VB's Dirichlet terms overflow);
- ``restarts`` <= 10,000: the starts climb side by side as the rows of one array, and
  ``(restarts + 1) x distinct pairs x K`` <= 10^8 numbers (about 4 GB at the peak);
- ``max_iter`` <= 10^6: every iteration of the winning start is kept in the history (about
  1 kB each);
- ``seed``: None, a whole number 0 <= seed < 2^63 (the range every command and the bayes engine
  accept), or a ``numpy.random.Generator``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Two starting thetas closer than this are treated as identical (a symmetric fixed point).
MIN_INIT_GAP = 1e-6
ACCELERATORS = ("squarem", "none")
#: the tested ranges (see the module docstring)
PRIOR_MIN, PRIOR_MAX = 1e-3, 1e6
MAX_RESTARTS = 10_000
MAX_ITER = 10**6
MAX_START_CELLS = 10**8          # (restarts + 1) x distinct pairs x K
SEED_LIMIT = 2**63


class OptionError(ValueError):
    """A bad option: ``option`` names it (as the keyword argument), the message says why."""

    def __init__(self, option: str, message: str):
        super().__init__(message)
        self.option = option


@dataclass(frozen=True)
class Settings:
    """Checked options. ``a``, ``b``: Beta prior per component, shape (K,), or None (ML)."""

    components: int
    learned: bool
    a: np.ndarray | None
    b: np.ndarray | None
    dirichlet: float
    init: np.ndarray | None
    max_iter: int
    tol: float
    restarts: int
    seed: int | np.random.Generator | None
    accelerate: str

    @property
    def weights(self) -> str:
        return "learned" if self.learned else "fixed"


def _whole(value, name: str, low: int, high: int | None = None, why: str = "") -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < low:
        what = "a positive whole number" if low == 1 else f"a whole number >= {low}"
        raise OptionError(name, f"{name} must be {what}, got {value!r}")
    if high is not None and value > high:
        raise OptionError(name, f"{name} must be at most {high}{why}, got {value!r}")
    return int(value)


def check_seed(seed):
    """None (fresh randomness), a whole number 0 <= seed < 2^63, or a numpy Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) \
            or not 0 <= seed < SEED_LIMIT:
        raise OptionError("seed", f"seed must be a whole number with 0 <= seed < 2^63, "
                          f"got {seed!r}")
    return int(seed)


def check_budget(restarts: int, components: int, n_pairs: int) -> None:
    """The starts climb side by side: (restarts + 1) x distinct pairs x K numbers must fit."""
    cells = (restarts + 1) * n_pairs * components
    if cells > MAX_START_CELLS:
        most = max(0, MAX_START_CELLS // (n_pairs * components) - 1)
        raise OptionError(
            "restarts", f"restarts = {restarts} is too many for these data: (restarts + 1) x "
            f"{n_pairs} distinct pairs x {components} coins = {cells} numbers, above the limit "
            f"of 10^8 (at most {most} restarts here)")


def _prior_pairs(prior, components: int) -> np.ndarray:
    """(a, b) for every component, or K pairs -> array, shape (K, 2); ValueError if malformed."""
    try:
        arr = np.asarray(prior, dtype=float)
    except (TypeError, ValueError):
        raise OptionError("prior", f"prior must be (a, b) or {components} pairs (a, b), "
                          f"got {prior!r}") from None
    if arr.shape == (2,):
        arr = np.tile(arr, (components, 1))
    if arr.shape != (components, 2):
        raise OptionError("prior", f"prior must be (a, b) or {components} pairs (a, b), "
                          f"got shape {arr.shape}")
    if not np.all(np.isfinite(arr) & (arr > 0)):
        raise OptionError("prior", f"prior must have a, b > 0 and finite, got {arr.tolist()}")
    if not np.all((arr >= PRIOR_MIN) & (arr <= PRIOR_MAX)):
        shown = arr[0].tolist() if np.all(arr == arr[0]) else arr.tolist()
        raise OptionError("prior", f"prior must have 10^-3 <= a, b <= 10^6 (the tested range), "
                          f"got {shown}")
    return arr


def _concentration(dirichlet) -> float:
    if isinstance(dirichlet, (bool, np.bool_)) or not isinstance(dirichlet, (int, float, np.number)) \
            or not (np.isfinite(dirichlet) and dirichlet > 0):
        raise OptionError("dirichlet", f"dirichlet must be a number > 0, got {dirichlet!r}")
    if not PRIOR_MIN <= dirichlet <= PRIOR_MAX:
        raise OptionError("dirichlet", f"dirichlet must lie between 10^-3 and 10^6 (the tested "
                          f"range), got {dirichlet!r}")
    return float(dirichlet)


def check_init(init, components: int) -> np.ndarray:
    """K distinct starting thetas strictly inside (0, 1)."""
    arr = np.asarray(init, dtype=float).reshape(-1)
    if arr.size != components:
        raise OptionError("init", f"init has {arr.size} values but components = {components}")
    if not np.all((arr > 0.0) & (arr < 1.0)):
        raise OptionError("init", f"init values must lie strictly between 0 and 1, got {arr.tolist()}")
    if components > 1 and np.min(np.diff(np.sort(arr))) < MIN_INIT_GAP:
        raise OptionError("init", 
            f"init has identical values {arr.tolist()}: from identical thetas every coin gets the "
            "same responsibilities, so EM can never separate them; give distinct values")
    return arr


def check(*, components, weights, prior, dirichlet, init, max_iter, tol, restarts, seed,
          accelerate, method: str) -> Settings:
    """Validate the options of ``method`` ("em" or "vb"); returns :class:`Settings`.

    EM: ``prior`` None is maximum likelihood; a prior makes it MAP, which needs Beta a, b >= 1
    and, for learned weights, a Dirichlet concentration >= 1 (below 1 a density is unbounded at
    the boundary, so there is no finite maximum). VB: ``prior`` is required, any a, b in the
    tested range [10^-3, 10^6].
    """
    k = _whole(components, "components", 1)
    if weights not in ("fixed", "learned"):
        raise OptionError("weights", f"weights must be 'fixed' or 'learned', got {weights!r}")
    max_iter = _whole(max_iter, "max_iter", 0, MAX_ITER,
                      " (10^6: every iteration is kept in the history)")
    if isinstance(tol, (bool, np.bool_)) or not isinstance(tol, (int, float, np.number)) \
            or not (np.isfinite(tol) and tol >= 0):
        raise OptionError("tol", f"tol must be a number >= 0, got {tol!r}")
    restarts = _whole(restarts, "restarts", 0, MAX_RESTARTS,
                      " (the starts climb side by side in memory)")
    seed = check_seed(seed)
    if accelerate not in ACCELERATORS:
        raise OptionError("accelerate", f"accelerate must be one of {', '.join(ACCELERATORS)}, "
                          f"got {accelerate!r}")
    learned = weights == "learned"
    alpha = _concentration(dirichlet)
    a = b = None
    if prior is not None:
        arr = _prior_pairs(prior, k)
        if method == "em" and np.any(arr < 1.0):
            got = (f"Beta({arr[0, 0]:g}, {arr[0, 1]:g})" if np.all(arr == arr[0]) else
                   str(arr.tolist()))
            raise OptionError(
                "prior", f"MAP needs Beta(a, b) priors with a >= 1 and b >= 1, got {got}: with a "
                "or b below 1 the density is unbounded at 0 or 1, so there is no finite maximum")
        a, b = arr[:, 0].copy(), arr[:, 1].copy()
        if method == "em" and learned and alpha < 1.0:
            raise OptionError("dirichlet", f"MAP needs a Dirichlet concentration ALPHA >= 1 on "
                              f"learned weights, got {alpha!r}: below 1 its density is unbounded "
                              "where a weight is 0")
    elif method == "vb":
        raise OptionError("prior", "variational Bayes needs a prior (a, b)")
    theta0 = None if init is None else check_init(init, k)
    return Settings(components=k, learned=learned, a=a, b=b, dirichlet=alpha, init=theta0,
                    max_iter=max_iter, tol=float(tol), restarts=restarts, seed=seed,
                    accelerate=accelerate)


def check_identifiable(components: int, longest: int) -> None:
    """K binomials with n tosses per set can be told apart only when n >= 2K - 1 (Teicher 1963,
    Ann. Math. Statist. 34:1265); with sets of several lengths the longest one must allow it."""
    if 2 * components - 1 > longest:
        raise OptionError(
            "components", f"components = {components} coins cannot be told apart with sets of at "
            f"most {longest} toss{'es' if longest != 1 else ''}: a mixture of K binomials is "
            f"identifiable only when a set has at least 2K - 1 = {2 * components - 1} tosses "
            "(Teicher 1963); use fewer coins or longer sets")
