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

from . import driver
from .model import Prior, data_starts, e_step, m_step
from .options import Settings, check, check_identifiable
from .pairs import Pairs, compress
from .stderr import standard_errors


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
    theta_covariance : array, shape (K, K), the thetas' block of the inverse observed
        information (None where undefined): the Wald / Laplace Gaussian's covariance
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
    e_steps: int = 0
    accelerate: str = "none"
    theta_covariance: np.ndarray | None = None

    @property
    def objective(self) -> float:
        return self.log_likelihood if self.log_posterior is None else self.log_posterior

    def _repr_html_(self) -> str:
        """A small table in Jupyter: theta and weights with their standard errors."""
        from ._html import number, table

        se = self.std_error
        rows = [(k, number(self.theta[k]), number(se["theta"][k]), number(self.weights[k]),
                 number(se["weights"][k])) for k in range(len(self.theta))]
        kind = "ML" if self.log_posterior is None else "MAP"
        notes = [f"log-likelihood {number(self.log_likelihood)}"
                 + ("" if self.log_posterior is None
                    else f", log-posterior {number(self.log_posterior)}"),
                 f"{self.iterations} iteration{'' if self.iterations == 1 else 's'} "
                 f"({self.accelerate}), "
                 + ("converged" if self.converged else "not converged"), *self.warnings]
        return table(f"EM fit ({kind}, {self.weights_mode} weights)",
                     ("coin", "theta", "SE", "weight", "SE"), rows, notes)

    def to_dict(self) -> dict:
        """The fit object of DESIGN.md section 2, as plain JSON-ready Python values."""
        return {
            "method": self.method,
            "theta": _floats(self.theta),
            "weights": _floats(self.weights),
            "log_likelihood": float(self.log_likelihood),
            "log_posterior": None if self.log_posterior is None else float(self.log_posterior),
            "iterations": self.iterations,
            "e_steps": self.e_steps,
            "accelerate": self.accelerate,
            "converged": self.converged,
            "responsibilities": [_floats(row) for row in self.responsibilities],
            "std_error": {k: [None if v is None else float(v) for v in vals]
                          for k, vals in self.std_error.items()},
            "theta_covariance": None if self.theta_covariance is None
            else [_floats(row) for row in self.theta_covariance],
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


# ---------------------------------------------------------------- EM as one function for the driver

class _EM:
    """EM's x <- F(x) on rows x = theta (fixed weights) or (theta, weights) (learned), one row
    per start; shapes (S, K) or (S, 2K)."""

    def __init__(self, pairs: Pairs, s: Settings):
        self.pairs, self.s = pairs, s
        k = s.components
        self.fixed_w = np.full(k, 1.0 / k)
        self.map = s.a is not None
        self.prior = (Prior(s.a, s.b, s.dirichlet, s.learned) if self.map
                      else Prior.flat(k, s.learned))

    def unpack(self, x):
        k = self.s.components
        if self.s.learned:
            return x[..., :k], x[..., k:]
        return x, np.broadcast_to(self.fixed_w, x.shape)

    def pack(self, theta, weights):
        return np.concatenate([theta, weights], axis=-1) if self.s.learned else theta

    def objective(self, ll_pairs, theta, weights):
        obj = ll_pairs @ self.pairs.count_f
        if self.map:
            obj = obj + self.prior.log_density(theta, weights)
        return obj

    def to_free(self, x):
        """Free coordinates: log-odds of theta, log-ratios of the weights (to their mean)."""
        theta, weights = self.unpack(x)
        with np.errstate(divide="ignore", invalid="ignore"):     # boundary: inf or nan
            y = np.log(theta) - np.log1p(-theta)
            if self.s.learned:
                lw = np.log(weights)
                y = np.concatenate([y, lw - lw.mean(axis=-1, keepdims=True)], axis=-1)
        return y

    def from_free(self, y):
        k = self.s.components
        with np.errstate(over="ignore"):
            theta = 1.0 / (1.0 + np.exp(-y[..., :k]))
        if not self.s.learned:
            return theta
        w = np.exp(y[..., k:] - y[..., k:].max(axis=-1, keepdims=True))
        return self.pack(theta, w / w.sum(axis=-1, keepdims=True))

    def evaluate(self, x):
        theta, weights = self.unpack(x)
        ll_pairs, resp = e_step(self.pairs, theta, weights)
        new = m_step(self.pairs, resp, theta, weights, self.prior)
        return self.objective(ll_pairs, theta, weights), self.pack(*new)


def fit(heads, tosses, *, components: int = 2, weights: str = "fixed", prior=None,
        dirichlet: float = 1.0, init=None, max_iter: int = 10_000, tol: float = 1e-12,
        restarts: int = 4, seed: int | None = 0, accelerate: str = "none") -> EMResult:
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
    max_iter : cap on iterations per start (SQUAREM cycles when accelerated); 10,000 by default,
        so that plain EM converges on real data too (Saxony, K = 2, learned weights: about 3,800)
    tol : stop when Aitken's estimate of the objective still to gain is below
        tol * max(1, |objective|) at two successive iterations (relative, so it means the same for
        5 sets and for a million; see em.driver); 0 never stops early
    restarts : extra random starts (thetas uniform on (0.05, 0.95)) besides ``init``; the best
        final objective wins, ties going to ``init``
    seed : seed for the random starts
    accelerate : "none" (default: plain EM, one E-step and one M-step per iteration, as in the
        paper, so ``history[i]`` holds the values after i iterations) or "squarem" (SQUAREM
        extrapolation with its safeguards, em.driver: the same optimum in far fewer E-steps)
    """
    s = check(components=components, weights=weights, prior=prior, dirichlet=dirichlet,
              init=init, max_iter=max_iter, tol=tol, restarts=restarts, seed=seed,
              accelerate=accelerate, method="em")
    pairs = compress(heads, tosses)
    check_identifiable(s.components, int(pairs.tosses.max()))
    k = s.components
    method = _EM(pairs, s)
    theta0 = data_starts(pairs, k) if s.init is None else s.init
    starts = np.array([method.pack(t.astype(float), method.fixed_w)
                       for t in driver.random_starts(theta0, s.restarts, s.seed)])
    found = driver.search(method.evaluate, starts, max_iter=s.max_iter, tol=s.tol,
                          accelerate=s.accelerate, free=(method.to_free, method.from_free))
    run = found.best

    theta, w = method.unpack(run.x)
    order = np.argsort(theta, kind="stable")
    theta, w = theta[order], w[order]
    history = tuple(Step(i, t[order], ww[order], float(o)) for i, (t, ww, o) in
                    enumerate((*method.unpack(x), obj) for x, obj in run.path))
    ll_pairs, resp = e_step(pairs, theta, w)
    log_lik = float(pairs.count @ ll_pairs)
    a = b = None
    if method.map:
        a, b = s.a[order], s.b[order]
    log_post = (None if a is None else
                log_lik + float(Prior(a, b, s.dirichlet, s.learned).log_density(theta, w)))
    warnings = []
    if not run.converged and s.tol > 0:
        warnings.append(driver.not_converged("EM", s.max_iter, s.tol))
    se, se_note, theta_cov = standard_errors(pairs, theta, w, s.learned,
                                             None if a is None else (a, b), s.dirichlet)
    if se_note:
        warnings.append(se_note)
    return EMResult(
        theta=theta, weights=w, log_likelihood=log_lik, log_posterior=log_post,
        iterations=run.iterations, converged=run.converged, e_steps=run.evaluations,
        accelerate=s.accelerate, theta_covariance=theta_cov,
        responsibilities=resp[pairs.inverse], std_error=se, history=history,
        method="ml" if a is None else "map", weights_mode=s.weights,
        prior=None if a is None else tuple((float(x), float(y)) for x, y in zip(a, b)),
        dirichlet=float(s.dirichlet), start_objectives=tuple(float(v) for v in found.finals),
        best_start=found.best_start,
        warnings=tuple(warnings))


def responsibilities(heads, tosses, theta, weights=None) -> np.ndarray:
    """P(set i came from coin k) for given parameters; array, shape (n_sets, K). Not reordered."""
    theta = np.asarray(theta, dtype=float)
    w = np.full(theta.size, 1.0 / theta.size) if weights is None else np.asarray(weights, float)
    pairs = compress(heads, tosses)
    return e_step(pairs, theta, w)[1][pairs.inverse]
