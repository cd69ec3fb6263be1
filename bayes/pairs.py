"""Sufficient statistics: collapse identical (heads, tosses) pairs into counts.

The mixture likelihood depends on the data only through the multiset of (heads, tosses)
pairs, so every computation in this package runs over the distinct pairs, each weighted by
how often it occurs. The cost then grows with the number of distinct pairs, not of sets.

The range of counts is limited to what has been shown correct (tests/test_em.py and
tests/test_reliability.py): at most ``MAX_TOSSES`` = 10^9 tosses in a set, so that the pair key
``heads * (max_tosses + 1) + tosses`` stays below 2^63, and at most ``MAX_TOTAL_TOSSES`` = 10^15
tosses in all, so that every count-weighted total (heads and tails credited to a coin, for
instance) is a whole number below 2^53, exact in a double. Larger counts are refused with a
ValueError naming the limit; beyond them results were silently wrong (10^12 tosses gave a
wrong theta that "converged").

The em package has its own twin of this module on purpose: the two engines share no code, so
that their agreement is an independent check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

import numpy as np

#: most tosses in one set
MAX_TOSSES = 10**9
#: most tosses in all the sets together
MAX_TOTAL_TOSSES = 10**15


@dataclass(frozen=True)
class Pairs:
    """Distinct (heads, tosses) pairs with their counts.

    heads, tosses, tails, count : int arrays, shape (n_pairs,)
    inverse : int array, shape (n_sets,); set i is pair ``inverse[i]``
    log_binom : float array, shape (n_pairs,); log C(tosses, heads)
    """

    heads: np.ndarray
    tosses: np.ndarray
    count: np.ndarray
    inverse: np.ndarray
    log_binom: np.ndarray

    @cached_property
    def tails(self) -> np.ndarray:
        return self.tosses - self.heads

    # float copies in the shapes the E- and M-steps broadcast with, made once
    @cached_property
    def heads_f(self) -> np.ndarray:
        return self.heads.astype(float)

    @cached_property
    def tails_f(self) -> np.ndarray:
        return self.tails.astype(float)

    @cached_property
    def heads_col(self) -> np.ndarray:
        return self.heads_f[:, None]

    @cached_property
    def tails_col(self) -> np.ndarray:
        return self.tails_f[:, None]

    @cached_property
    def count_f(self) -> np.ndarray:
        return self.count.astype(float)

    @cached_property
    def count_col(self) -> np.ndarray:
        return self.count_f[:, None]

    @cached_property
    def credit_matrix(self) -> np.ndarray:
        """Rows count x heads, count x tails, count: credited totals are one product with it."""
        return np.stack([self.count_f * self.heads_f, self.count_f * self.tails_f, self.count_f])

    @cached_property
    def log_binom_col(self) -> np.ndarray:
        return self.log_binom[:, None]

    @property
    def n_sets(self) -> int:
        return int(self.count.sum())


def validate_counts(heads, tosses) -> tuple[np.ndarray, np.ndarray]:
    """Return heads and tosses as int64 arrays, or raise ValueError naming the first bad set.

    Counts must be whole numbers (integer arrays, or floats with whole values; not booleans,
    complex numbers, strings or objects), ``0 <= heads <= tosses``, ``1 <= tosses <= MAX_TOSSES``
    and ``sum(tosses) <= MAX_TOTAL_TOSSES``.
    """
    for name, values in (("heads", heads), ("tosses", tosses)):
        if values is None:
            raise ValueError(f"{name} is None: expected a 1-D array of whole numbers")
        if isinstance(values, np.ma.MaskedArray):
            raise ValueError(f"{name} is a masked array: its masked sets would be counted as "
                             f"data; pass only the sets to use (e.g. {name}.compressed(), with "
                             "the same mask on both)")
    h = np.asarray(heads)
    n = np.asarray(tosses)
    if h.ndim != 1 or n.ndim != 1:
        raise ValueError(f"heads and tosses must be 1-D, got shapes {h.shape} and {n.shape}")
    if h.shape != n.shape:
        raise ValueError(f"heads and tosses differ in length: {h.size} and {n.size}")
    if h.size == 0:
        raise ValueError("no sets: heads and tosses are empty")
    if h.dtype.kind == "f" and h.dtype.itemsize < 8:
        h = h.astype(np.float64)        # float16 would overflow comparing with 10^9
    if n.dtype.kind == "f" and n.dtype.itemsize < 8:
        n = n.astype(np.float64)
    for name, arr in (("heads", h), ("tosses", n)):
        if arr.dtype.kind == "O":
            none = [i for i, x in enumerate(arr.tolist()) if x is None]
            where = f" (None at set {none[0] + 1})" if none else ""
            raise ValueError(f"{name} is an array of Python objects{where}; expected whole "
                             "numbers, e.g. np.asarray(values, dtype=np.int64)")
        if arr.dtype.kind == "f":
            bad = ~np.isfinite(arr) | (arr != np.round(arr))
            if bad.any():
                i = int(np.argmax(bad))
                raise ValueError(f"set {i + 1}: {name} {arr[i]} is not a whole number")
        elif arr.dtype.kind not in "iu":
            raise ValueError(f"{name} must be integers, got dtype {arr.dtype}")
        big = arr > MAX_TOSSES          # before the cast: a uint64 above 2^63 would turn negative
        if big.any():
            i = int(np.argmax(big))
            value = int(arr[i]) if arr.dtype.kind in "iu" else arr[i]
            raise ValueError(f"set {i + 1}: {name} {value} is above the limit of 10^9 tosses "
                             "per set")
    h = h.astype(np.int64, copy=False)
    n = n.astype(np.int64, copy=False)
    checks = ((n < 1, "tosses {n} < 1 (a set needs at least one toss)"),
              (h < 0, "heads {h} < 0"),
              (h > n, "heads {h} > tosses {n}"))
    for bad, msg in checks:
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"set {i + 1}: " + msg.format(h=h[i], n=n[i]))
    total = int(n.sum())    # <= 10^9 per set: no int64 overflow below 9 x 10^9 sets
    if total > MAX_TOTAL_TOSSES:
        raise ValueError(f"{total} tosses in all, above the limit of 10^15 (sums over the data "
                         "must stay exact in floating point)")
    return h, n


def _stirling_table(top: int) -> np.ndarray:
    """The remainder of Stirling's formula at x = 0..top, from exact factorials (28 digits)."""
    half_log_2pi = Decimal("0.9189385332046727417803297364")     # log(2 pi) / 2
    out = [0.0]
    for x in range(1, top + 1):
        d = Decimal(x)
        out.append(float(Decimal(math.factorial(x)).ln() - (d + Decimal("0.5")) * d.ln() + d
                         - half_log_2pi))
    return np.array(out)


_SMALL = 16
_STIRLING_SMALL = _stirling_table(_SMALL - 1)
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def _stirling_error(x: np.ndarray) -> np.ndarray:
    """log(x!) - ((x + 1/2) log x - x + log(2 pi) / 2) for whole x >= 1: a table below 16,
    then the asymptotic series (its first omitted term is below 2e-16 there)."""
    small = x < _SMALL
    table = _STIRLING_SMALL[np.where(small, x, 0).astype(np.intp)]
    big = np.where(small, _SMALL, x)
    r = 1.0 / (big * big)
    series = (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r / 1188)))) / big
    return np.where(small, table, series)


def log_binomial(n, h) -> np.ndarray:
    """log C(n, h) for whole numbers 0 <= h <= n, to a few ulps up to n = 10^9 and beyond.

    ``gammaln(n + 1) - gammaln(h + 1) - gammaln(n - h + 1)`` subtracts numbers of size n log n,
    which keeps only about 7 digits of log C(10^9, 1). Here, with k = min(h, n - h) and
    m = n - k, Stirling's formula with its remainder s (Loader 2000) leaves only terms that are
    positive or small:

        log C(n, k) = k log(n / k) - m log(1 - k / n) + log(n / (2 pi k m)) / 2
                      + s(n) - s(k) - s(m)
    """
    n = np.asarray(n, dtype=float)
    h = np.asarray(h, dtype=float)
    k = np.minimum(h, n - h)
    some = k > 0                                 # C(n, 0) = C(n, n) = 1
    k = np.where(some, k, 1.0)
    n = np.where(some, n, 2.0)
    m = n - k
    log_ratio = np.log(n / k)
    value = (k * log_ratio - m * np.log1p(-k / n) + 0.5 * (log_ratio - np.log(m)) - _HALF_LOG_2PI
             + _stirling_error(n) - _stirling_error(k) - _stirling_error(m))
    return np.where(some, value, 0.0)


def compress(heads, tosses) -> Pairs:
    """Collapse identical (heads, tosses) pairs; validates the counts first.

    Each pair becomes one integer key ``heads * (max_tosses + 1) + tosses`` (below 2^63 since
    tosses <= 10^9). When the keys are few enough to count directly (as for any data of up to a
    few thousand tosses per set), np.bincount and a lookup table find the pairs in linear time
    (4 ms for a million sets); otherwise np.unique sorts the keys.
    """
    h, n = validate_counts(heads, tosses)
    base = int(n.max()) + 1
    key = h * base + n
    top = int(key.max())
    if top < max(1 << 22, 4 * key.size):
        counts = np.bincount(key, minlength=top + 1)
        uniq = np.flatnonzero(counts)
        lookup = np.zeros(top + 1, dtype=np.intp)
        lookup[uniq] = np.arange(uniq.size)
        inverse, count = lookup[key], counts[uniq]
    else:
        uniq, inverse, count = np.unique(key, return_inverse=True, return_counts=True)
    uh, un = np.divmod(uniq, base)
    return Pairs(uh, un, count, inverse.reshape(-1), log_binomial(un, uh))
