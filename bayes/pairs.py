"""Distinct (heads, tosses) pairs with counts: the sufficient statistics of the mixture.

The bayes package keeps its own copy of this small step (it must not import em): the model's
likelihood, the grid and the Gibbs sampler all run over distinct pairs weighted by their counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln


@dataclass(frozen=True)
class Pairs:
    heads: np.ndarray       # (n_pairs,)
    tosses: np.ndarray      # (n_pairs,)
    count: np.ndarray       # (n_pairs,) how many sets show this pair
    inverse: np.ndarray     # (n_sets,) set i is pair inverse[i]
    log_binom: np.ndarray   # (n_pairs,) log C(tosses, heads)

    @property
    def n_sets(self) -> int:
        return int(self.count.sum())


def compress(heads, tosses) -> Pairs:
    """Validate counts (ValueError naming the first bad set) and collapse identical pairs."""
    h, n = np.asarray(heads), np.asarray(tosses)
    if h.ndim != 1 or h.shape != n.shape or h.size == 0:
        raise ValueError(f"heads and tosses must be non-empty 1-D arrays of one length, "
                         f"got shapes {h.shape} and {n.shape}")
    if h.dtype.kind not in "iu" or n.dtype.kind not in "iu":
        if not (np.all(np.isfinite(h)) and np.all(h == np.round(h))
                and np.all(np.isfinite(n)) and np.all(n == np.round(n))):
            raise ValueError("heads and tosses must be whole numbers")
    h, n = h.astype(np.int64), n.astype(np.int64)
    bad = (n < 1) | (h < 0) | (h > n)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"set {i + 1}: heads {h[i]}, tosses {n[i]} (need 0 <= heads <= tosses, "
                         "tosses >= 1)")
    base = int(n.max()) + 1
    uniq, inverse, count = np.unique(h * base + n, return_inverse=True, return_counts=True)
    uh, un = np.divmod(uniq, base)
    log_binom = gammaln(un + 1.0) - gammaln(uh + 1.0) - gammaln(un - uh + 1.0)
    return Pairs(uh, un, count, inverse.reshape(-1), log_binom)
