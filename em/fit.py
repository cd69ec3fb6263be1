"""EM for a mixture of K binomials ("which coin was tossed?"), maximum likelihood or MAP.

Model: set i picks coin z_i with probability weights[z_i] and shows heads_i ~ Binomial(tosses_i,
theta[z_i]); z_i is hidden. One EM iteration is

    E-step  r_ik = P(z_i = k | data, theta, weights)         (log space, logsumexp)
    M-step  theta_k = (H_k + a_k - 1) / (N_k + a_k + b_k - 2),  H_k = sum_i r_ik heads_i,
                                                               N_k = sum_i r_ik tosses_i
            weights_k = (S_k + alpha - 1) / (n_sets + K (alpha - 1)),  S_k = sum_i r_ik
            (learned weights only; fixed weights stay equal, 1/K, as in the paper)

With no prior it is maximum likelihood (a = b = alpha = 1 in the formulas above). The objective
-- the log-likelihood for ML, the log-posterior density (log-likelihood + log Beta priors + log
Dirichlet prior, all normalised) for MAP -- never decreases from one iteration to the next.

Canonical labelling: component 0 is the coin with the smallest theta. The whole history is
relabelled with the final permutation, so a path never jumps between labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import betaln, gammaln, logsumexp, xlog1py, xlogy

from .pairs import Pairs, compress

#: Two starting thetas closer than this are treated as identical (a symmetric fixed point).
MIN_INIT_GAP = 1e-6
_BELOW_ONE = np.nextafter(1.0, 0.0)
_TINY = np.finfo(float).tiny


@dataclass(frozen=True)
class Step:
    """The state after ``iteration`` EM iterations (iteration 0: the starting values)."""

    iteration: int
    theta: np.ndarray
    weights: np.ndarray
    objective: float


@dataclass(frozen=True)
class EMResult:
    """A fitted mixture. Arrays indexed by component follow the canonical order (ascending theta).

    theta, weights : array, shape (K,)
    responsibilities : array, shape (n_sets, K); P(set i came from coin k) at the returned values
    std_error : {"theta": [K], "weights": [K]}; None where undefined (parameter on the boundary,
        or the observed information is singular); fixed weights have standard error 0
    history : tuple of Step, history[i] the values after i iterations of the winning start
    start_objectives : final objective of every start (index 0 = the given or default init)
    """

    theta: np.ndarray
    weights: np.ndarray
    log_likelihood: float
    log_posterior: float | None
    iterations: int
    converged: bool
    responsibilities: np.ndarray
    std_error: dict
    history: tuple[Step, ...]
    method: str
    weights_mode: str
    prior: tuple[tuple[float, float], ...] | None
    dirichlet: float
    start_objectives: tuple[float, ...]
    best_start: int
    warnings: tuple[str, ...] = field(default=())

    @property
    def objective(self) -> float:
        return self.log_likelihood if self.log_posterior is None else self.log_posterior

    def to_dict(self) -> dict:
        """The fit object of DESIGN.md section 2, as plain JSON-ready Python values."""
        return {
            "method": self.method,
            "theta": _floats(self.theta),
            "weights": _floats(self.weights),
            "log_likelihood": float(self.log_likelihood),
            "log_posterior": None if self.log_posterior is None else float(self.log_posterior),
            "iterations": self.iterations,
            "converged": self.converged,
            "responsibilities": [_floats(row) for row in self.responsibilities],
            "std_error": {k: [None if v is None else float(v) for v in vals]
                          for k, vals in self.std_error.items()},
            "history": [{"iteration": s.iteration, "theta": _floats(s.theta),
                         "weights": _floats(s.weights), "objective": float(s.objective)}
                        for s in self.history],
            "settings": {"weights": self.weights_mode,
                         "prior": None if self.prior is None else [list(p) for p in self.prior],
                         "dirichlet": self.dirichlet},
            "starts": {"objectives": [float(v) for v in self.start_objectives],
                       "best": self.best_start},
            "warnings": list(self.warnings),
        }


def _floats(a) -> list[float]:
    return [float(v) for v in np.asarray(a, dtype=float)]


# ---------------------------------------------------------------- the two steps, on pairs

def log_joint(pairs: Pairs, theta: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """log weights_k + log Binomial(heads_j | tosses_j, theta_k); array, shape (n_pairs, K).

    xlogy/xlog1py make 0 * log 0 = 0, so theta on the boundary is exact, with no warning.
    """
    h = pairs.heads[:, None]
    t = (pairs.tosses - pairs.heads)[:, None]
    with np.errstate(divide="ignore"):
        log_w = np.log(weights)
    return log_w + pairs.log_binom[:, None] + xlogy(h, theta) + xlog1py(t, -theta)


def e_step(pairs: Pairs, theta: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-pair log-likelihood, shape (n_pairs,), and responsibilities, shape (n_pairs, K)."""
    lj = log_joint(pairs, theta, weights)
    ll = logsumexp(lj, axis=1)
    return ll, np.exp(lj - ll[:, None])


def m_step(pairs: Pairs, resp: np.ndarray, theta_old: np.ndarray, weights_old: np.ndarray,
           a: np.ndarray, b: np.ndarray, dirichlet: float, learned: bool):
    """Maximise the expected complete-data log-posterior given responsibilities.

    A component that receives no data keeps its old theta (every value maximises then).
    """
    cr = resp * pairs.count[:, None]
    heads_k = cr.T @ pairs.heads
    tails_k = cr.T @ (pairs.tosses - pairs.heads)
    # credited heads + (a - 1) over that plus credited tails + (b - 1): each prior term is added
    # to its own count, so a tiny a - 1 or b - 1 is not lost in the rounding of a + b - 2
    num = heads_k + (a - 1.0)
    den = num + (tails_k + (b - 1.0))
    theta = np.where(den > 0, num / np.where(den > 0, den, 1.0), theta_old)
    # with b > 1 the mode is below 1 even when 1 - theta underflows to 0 in floating point:
    # keep it one ulp inside, where the log-prior is finite (likewise at 0 with a > 1)
    theta = np.clip(theta, np.where(a > 1.0, _TINY, 0.0), np.where(b > 1.0, _BELOW_ONE, 1.0))
    if not learned:
        return theta, weights_old
    sets_k = cr.sum(axis=0) + dirichlet - 1.0
    weights = sets_k / sets_k.sum()
    return theta, weights


def log_prior(theta, weights, a, b, dirichlet, learned) -> float:
    """Normalised log density of the Beta priors (and the Dirichlet prior on learned weights)."""
    lp = float(np.sum(xlogy(a - 1.0, theta) + xlog1py(b - 1.0, -theta) - betaln(a, b)))
    if learned:
        k = len(weights)
        lp += float(np.sum(xlogy(dirichlet - 1.0, weights))
                    + gammaln(k * dirichlet) - k * gammaln(dirichlet))
    return lp


# ---------------------------------------------------------------- options

def parse_prior(prior, components: int):
    """None (ML), (a, b) for every component, or a list of K (a, b) pairs -> (a[K], b[K]) or None."""
    if prior is None:
        return None
    arr = np.asarray(prior, dtype=float)
    if arr.shape == (2,):
        arr = np.tile(arr, (components, 1))
    if arr.shape != (components, 2):
        raise ValueError(f"prior must be (a, b) or {components} pairs (a, b), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 1.0):
        raise ValueError(
            f"MAP needs Beta(a, b) priors with a >= 1 and b >= 1, got {arr.tolist()}: "
            "with a or b below 1 the density is unbounded at 0 or 1, so there is no finite maximum")
    return arr[:, 0].copy(), arr[:, 1].copy()


def default_init(pairs: Pairs, components: int) -> np.ndarray:
    """Spread starting thetas over the observed proportions (quantiles), kept off 0 and 1.

    If the data cannot separate K starts (e.g. identical sets), the starts are spread evenly
    around the pooled proportion instead: identical starting thetas would be a symmetric fixed
    point from which EM never moves.
    """
    prop = np.repeat(pairs.heads / pairs.tosses, pairs.count)
    q = np.quantile(prop, (np.arange(components) + 0.5) / components)
    init = np.clip(0.05 + 0.9 * q, 0.05, 0.95)
    if components > 1 and np.min(np.diff(np.sort(init))) < 0.02:
        pooled = pairs.heads @ pairs.count / (pairs.tosses @ pairs.count)
        centre = float(np.clip(pooled, 0.2, 0.8))
        init = centre + np.linspace(-0.15, 0.15, components)
    return init


def check_init(init, components: int) -> np.ndarray:
    arr = np.asarray(init, dtype=float).reshape(-1)
    if arr.size != components:
        raise ValueError(f"init has {arr.size} values but components = {components}")
    if not np.all((arr > 0.0) & (arr < 1.0)):
        raise ValueError(f"init values must lie strictly between 0 and 1, got {arr.tolist()}")
    srt = np.sort(arr)
    if components > 1 and np.min(np.diff(srt)) < MIN_INIT_GAP:
        raise ValueError(
            f"init has identical values {arr.tolist()}: from identical thetas every coin gets the "
            "same responsibilities, so EM can never separate them; give distinct values")
    return arr


# ---------------------------------------------------------------- the driver

def _run_one(pairs, theta, weights, a, b, dirichlet, learned, max_iter, tol):
    """EM from one start. Returns (theta, weights, history list, converged)."""
    ll_pairs, resp = e_step(pairs, theta, weights)

    def objective(ll_pairs, theta, weights):
        obj = float(pairs.count @ ll_pairs)
        if a is not None:
            obj += log_prior(theta, weights, a, b, dirichlet, learned)
        return obj

    obj = objective(ll_pairs, theta, weights)
    history = [(theta, weights, obj)]
    converged = False
    for _ in range(max_iter):
        theta, weights = m_step(pairs, resp, theta, weights,
                                a if a is not None else 1.0, b if b is not None else 1.0,
                                dirichlet if a is not None else 1.0, learned)
        ll_pairs, resp = e_step(pairs, theta, weights)
        new = objective(ll_pairs, theta, weights)
        history.append((theta, weights, new))
        change, obj = new - obj, new
        if abs(change) < tol * max(1.0, abs(obj)):
            converged = True
            break
    return theta, weights, history, converged


def check_loop_options(components, weights, max_iter, tol, restarts) -> None:
    """The options EM and VB share; ValueError naming the offending value."""
    if not isinstance(components, (int, np.integer)) or components < 1:
        raise ValueError(f"components must be a positive integer, got {components!r}")
    if weights not in ("fixed", "learned"):
        raise ValueError(f"weights must be 'fixed' or 'learned', got {weights!r}")
    if not (isinstance(max_iter, (int, np.integer)) and max_iter >= 0):
        raise ValueError(f"max_iter must be a non-negative integer, got {max_iter!r}")
    if not (np.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    if not (isinstance(restarts, (int, np.integer)) and restarts >= 0):
        raise ValueError(f"restarts must be a non-negative integer, got {restarts!r}")


def fit(heads, tosses, *, components: int = 2, weights: str = "fixed", prior=None,
        dirichlet: float = 1.0, init=None, max_iter: int = 1000, tol: float = 1e-12,
        restarts: int = 4, seed: int | None = 0) -> EMResult:
    """Fit a K-coin binomial mixture by EM.

    Parameters
    ----------
    heads, tosses : int arrays, shape (n_sets,)
    components : K, the number of coins
    weights : "fixed" (equal, 1/K, as in the paper) or "learned"
    prior : None for maximum likelihood; (a, b) for a Beta(a, b) prior on every theta (MAP), or a
        list of K pairs. MAP needs a, b >= 1 (otherwise there is no finite maximum).
    dirichlet : symmetric Dirichlet concentration on learned weights (MAP only; needs >= 1)
    init : K starting thetas in (0, 1), distinct; None picks them from the data
    max_iter : cap on iterations per start
    tol : stop when |change of the objective| < tol * max(1, |objective|) (relative, so it means
        the same for 5 sets and for a million); 0 never stops early
    restarts : extra random starts (thetas uniform on (0.05, 0.95)) besides ``init``; the best
        final objective wins, ties going to ``init``
    seed : seed for the random starts
    """
    check_loop_options(components, weights, max_iter, tol, restarts)
    learned = weights == "learned"
    ab = parse_prior(prior, components)
    a, b = ab if ab is not None else (None, None)
    if ab is not None and learned and not (np.isfinite(dirichlet) and dirichlet >= 1.0):
        raise ValueError(f"MAP needs a Dirichlet concentration >= 1, got {dirichlet!r}")
    if not (np.isfinite(dirichlet) and dirichlet > 0):
        raise ValueError(f"dirichlet must be > 0, got {dirichlet!r}")
    pairs = compress(heads, tosses)
    warnings = []
    if init is None:
        theta0 = default_init(pairs, components)
    else:
        theta0 = check_init(init, components)
    rng = np.random.default_rng(seed)
    starts = [theta0] + [np.sort(rng.uniform(0.05, 0.95, components)) for _ in range(restarts)]
    w0 = np.full(components, 1.0 / components)

    best = None
    finals = []
    for i, start in enumerate(starts):
        run = _run_one(pairs, start.astype(float), w0, a, b, dirichlet, learned, max_iter, tol)
        final = run[2][-1][2]
        finals.append(final)
        if best is None or final > best[1] + 1e-9 * max(1.0, abs(best[1])):
            best = (i, final, run)
    best_start, _, (theta, w, hist, converged) = best

    order = np.argsort(theta, kind="stable")
    theta, w = theta[order], w[order]
    history = tuple(Step(i, t[order], ww[order], o) for i, (t, ww, o) in enumerate(hist))
    ll_pairs, resp = e_step(pairs, theta, w)
    log_lik = float(pairs.count @ ll_pairs)
    log_post = None if a is None else log_lik + log_prior(theta, w, a[order], b[order], dirichlet, learned)
    if not converged and tol > 0:
        warnings.append(f"EM did not converge in {max_iter} iterations (tol {tol:g}); "
                        "raise max_iter or tol")

    from .stderr import standard_errors  # local: keeps the driver readable top to bottom
    se, se_note = standard_errors(pairs, theta, w, learned,
                                  None if a is None else (a[order], b[order]), dirichlet)
    if se_note:
        warnings.append(se_note)
    return EMResult(
        theta=theta, weights=w, log_likelihood=log_lik, log_posterior=log_post,
        iterations=len(history) - 1, converged=converged,
        responsibilities=resp[pairs.inverse], std_error=se, history=history,
        method="ml" if a is None else "map", weights_mode=weights,
        prior=None if a is None else tuple((float(x), float(y)) for x, y in zip(a[order], b[order])),
        dirichlet=float(dirichlet), start_objectives=tuple(finals), best_start=best_start,
        warnings=tuple(warnings))


def responsibilities(heads, tosses, theta, weights=None) -> np.ndarray:
    """P(set i came from coin k) for given parameters; array, shape (n_sets, K). Not reordered."""
    theta = np.asarray(theta, dtype=float)
    w = np.full(theta.size, 1.0 / theta.size) if weights is None else np.asarray(weights, float)
    pairs = compress(heads, tosses)
    return e_step(pairs, theta, w)[1][pairs.inverse]
