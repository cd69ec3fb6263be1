"""Sufficient statistics: collapse identical (heads, tosses) pairs into counts.

The mixture likelihood depends on the data only through the multiset of (heads, tosses)
pairs, so every computation in this package runs over the distinct pairs, each weighted by
how often it occurs. The cost then grows with the number of distinct pairs, not of sets.

The bayes package has its own twin of this module on purpose: the two engines share no code, so
that their agreement is an independent check.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.special import gammaln


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
    """Return heads and tosses as int64 arrays, or raise ValueError naming the first bad set."""
    h = np.asarray(heads)
    n = np.asarray(tosses)
    if h.ndim != 1 or n.ndim != 1:
        raise ValueError(f"heads and tosses must be 1-D, got shapes {h.shape} and {n.shape}")
    if h.shape != n.shape:
        raise ValueError(f"heads and tosses differ in length: {h.size} and {n.size}")
    if h.size == 0:
        raise ValueError("no sets: heads and tosses are empty")
    for name, arr in (("heads", h), ("tosses", n)):
        if arr.dtype.kind == "f":
            bad = ~np.isfinite(arr) | (arr != np.round(arr))
            if bad.any():
                i = int(np.argmax(bad))
                raise ValueError(f"set {i + 1}: {name} {arr[i]} is not a whole number")
        elif arr.dtype.kind not in "iu":
            raise ValueError(f"{name} must be integers, got dtype {arr.dtype}")
    h = h.astype(np.int64, copy=False)
    n = n.astype(np.int64, copy=False)
    checks = ((n < 1, "tosses {n} < 1 (a set needs at least one toss)"),
              (h < 0, "heads {h} < 0"),
              (h > n, "heads {h} > tosses {n}"))
    for bad, msg in checks:
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"set {i + 1}: " + msg.format(h=h[i], n=n[i]))
    return h, n


def compress(heads, tosses) -> Pairs:
    """Collapse identical (heads, tosses) pairs; validates the counts first.

    Each pair becomes one integer key ``heads * (max_tosses + 1) + tosses``. When the keys are few
    enough to count directly (as for any data of up to a few thousand tosses per set), np.bincount
    and a lookup table find the pairs in linear time (4 ms for a million sets); otherwise
    np.unique sorts the keys.
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
    log_binom = gammaln(un + 1.0) - gammaln(uh + 1.0) - gammaln(un - uh + 1.0)
    return Pairs(uh, un, count, inverse.reshape(-1), log_binom)
