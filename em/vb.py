"""Variational Bayes (VB-EM): EM whose M-step returns distributions instead of points.

Mean-field q(z) q(theta) q(w) for the K-coin mixture with Beta(a_k, b_k) priors on theta and,
for learned weights, a symmetric Dirichlet(alpha) on the weights. Side by side with EM:

    EM E-step   log r_ik = log w_k     + h_i log theta_k     + (n_i - h_i) log(1 - theta_k)
    VB E-step   log r_ik = E[log w_k]  + h_i E[log theta_k]  + (n_i - h_i) E[log(1 - theta_k)]
                (E[log theta_k] = digamma(A_k) - digamma(A_k + B_k), and so on)
    EM M-step   theta_k = the mode of Beta(a_k + H_k, b_k + T_k)   (a point)
    VB M-step   q(theta_k) = Beta(A_k, B_k) = Beta(a_k + H_k, b_k + T_k)   (the whole Beta)
                q(w) = Dirichlet(alpha + S_1, ..., alpha + S_K)   (learned weights)

with H_k, T_k, S_k the heads, tails and sets credited to coin k by the responsibilities.

The ELBO keeps every constant (binomial coefficients, Beta and Dirichlet normalisers):

    ELBO = sum_i logsumexp_k(log rho_ik) - sum_k KL(q(theta_k) || prior) - KL(q(w) || prior)

evaluated with the responsibilities that are optimal for the current q(theta), q(w). For K = 1
mean-field is exact and the ELBO equals the log evidence log C(n, h) + log B(a + H, b + T) -
log B(a, b). Each half-step is a coordinate ascent step, so the ELBO never decreases.

Starting factors: q(theta_k) = Beta(m_k c, (1 - m_k) c) with mean m_k = init_k and
concentration c = a_k + b_k + (total tosses) / K, i.e. as if every coin had already been credited
an equal share of the tosses at rate m_k; q(w) = Dirichlet(alpha + n_sets / K).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import betaln, digamma, gammaln

from . import driver
from .model import credited, data_starts, log_joint_from_logs, logsumexp
from .options import Settings, check, check_identifiable
from .pairs import Pairs, compress


@dataclass(frozen=True)
class VBStep:
    iteration: int
    theta_mean: np.ndarray
    elbo: float


@dataclass(frozen=True)
class VBResult:
    """q(theta_k) = Beta(theta_alpha[k], theta_beta[k]); q(w) = Dirichlet(weights_concentration).

    Components in ascending order of the posterior mean of theta. ``weights`` is E_q[w] for
    learned weights, the fixed 1/K otherwise (then ``weights_concentration`` is None).
    responsibilities : array, shape (n_sets, K)
    """

    theta_alpha: np.ndarray
    theta_beta: np.ndarray
    weights_concentration: np.ndarray | None
    weights: np.ndarray
    elbo: float
    iterations: int
    converged: bool
    responsibilities: np.ndarray
    history: tuple[VBStep, ...]
    prior: tuple[tuple[float, float], ...]
    dirichlet: float
    weights_mode: str
    start_elbos: tuple[float, ...]
    best_start: int
    warnings: tuple[str, ...] = field(default=())
    e_steps: int = 0
    accelerate: str = "none"

    @property
    def theta_mean(self) -> np.ndarray:
        return self.theta_alpha / (self.theta_alpha + self.theta_beta)

    @property
    def theta_sd(self) -> np.ndarray:
        a, b = self.theta_alpha, self.theta_beta
        return np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))

    @property
    def weights_sd(self) -> np.ndarray:
        if self.weights_concentration is None:
            return np.zeros_like(self.weights)
        d = self.weights_concentration
        s = d.sum()
        return np.sqrt(d * (s - d) / (s**2 * (s + 1)))

    def _repr_html_(self) -> str:
        """A small table in Jupyter: each coin's Beta factor, its mean and sd, and the weights."""
        from ._html import number, table

        rows = [(k, number(self.theta_mean[k]), number(self.theta_sd[k]),
                 f"Beta({number(self.theta_alpha[k], 2)}, {number(self.theta_beta[k], 2)})",
                 number(self.weights[k])) for k in range(len(self.theta_alpha))]
        notes = [f"ELBO {number(self.elbo)}",
                 f"{self.iterations} iteration{'' if self.iterations == 1 else 's'} "
                 f"({self.accelerate}), "
                 + ("converged" if self.converged else "not converged"), *self.warnings]
        return table(f"Variational Bayes ({self.weights_mode} weights)",
                     ("coin", "E[theta]", "sd", "q(theta)", "weight"), rows, notes)

    def theta_interval(self, prob: float = 0.94) -> tuple[np.ndarray, np.ndarray]:
        """Equal-tailed interval of each q(theta_k) (Beta quantiles)."""
        from scipy.stats import beta

        lo = (1 - prob) / 2
        return (beta.ppf(lo, self.theta_alpha, self.theta_beta),
                beta.ppf(1 - lo, self.theta_alpha, self.theta_beta))

    def to_dict(self) -> dict:
        fl = lambda a: [float(v) for v in np.asarray(a, float)]  # noqa: E731
        return {
            "theta_alpha": fl(self.theta_alpha),
            "theta_beta": fl(self.theta_beta),
            "weights_concentration": None if self.weights_concentration is None
            else fl(self.weights_concentration),
            "theta_mean": fl(self.theta_mean),
            "theta_sd": fl(self.theta_sd),
            "weights": fl(self.weights),
            "elbo": float(self.elbo),
            "iterations": self.iterations,
            "e_steps": self.e_steps,
            "accelerate": self.accelerate,
            "converged": self.converged,
            "responsibilities": [fl(r) for r in self.responsibilities],
            "history": [{"iteration": s.iteration, "theta_mean": fl(s.theta_mean),
                         "elbo": float(s.elbo)} for s in self.history],
            "settings": {"weights": self.weights_mode, "prior": [list(p) for p in self.prior],
                         "dirichlet": self.dirichlet},
            "starts": {"elbos": [float(v) for v in self.start_elbos], "best": self.best_start},
            "warnings": list(self.warnings),
        }


# ---------------------------------------------------------------- the two steps

def expected_logs(A, B, D, k):
    """E[log theta], E[log(1 - theta)] under Beta(A, B); E[log w] under Dirichlet(D) (or 1/K)."""
    psi_ab = digamma(A + B)
    e_log_w = (np.full(k, -np.log(k)) if D is None
               else digamma(D) - digamma(D.sum(axis=-1, keepdims=True)))
    return digamma(A) - psi_ab, digamma(B) - psi_ab, e_log_w


def vb_e_step(pairs: Pairs, A, B, D):
    """Per-pair logsumexp of log rho (..., n_pairs) and responsibilities (..., n_pairs, K).

    EM's log_joint with log theta, log(1 - theta), log w replaced by their expectations.
    """
    e_log_t, e_log_1mt, e_log_w = expected_logs(A, B, D, np.shape(A)[-1])
    log_rho = log_joint_from_logs(pairs, e_log_w, e_log_t, e_log_1mt)
    lse = logsumexp(log_rho)
    return lse, np.exp(log_rho - lse[..., None])


def vb_m_step(pairs: Pairs, resp, a, b, alpha, learned):
    """q(theta_k) = Beta(a_k + H_k, b_k + T_k); q(w) = Dirichlet(alpha + S_k)."""
    heads_k, tails_k, sets_k = credited(pairs, resp)
    D = alpha + sets_k if learned else None
    return a + heads_k, b + tails_k, D


def kl_beta(A, B, a, b) -> np.ndarray:
    """KL(Beta(A, B) || Beta(a, b)), elementwise."""
    return (betaln(a, b) - betaln(A, B) + (A - a) * digamma(A) + (B - b) * digamma(B)
            + (a - A + b - B) * digamma(A + B))


def kl_dirichlet(D, alpha: float):
    """KL(Dirichlet(D) || Dirichlet(alpha, ..., alpha)), over the last axis."""
    k, s = np.shape(D)[-1], D.sum(axis=-1)
    return (gammaln(s) - gammaln(D).sum(axis=-1) - gammaln(k * alpha) + k * gammaln(alpha)
            + np.sum((D - alpha) * (digamma(D) - digamma(s)[..., None]), axis=-1))


def elbo(pairs: Pairs, lse, A, B, D, a, b, alpha):
    """The ELBO at factors (A, B, D) with their optimal responsibilities; (...) over leading axes."""
    value = lse @ pairs.count.astype(float) - kl_beta(A, B, a, b).sum(axis=-1)
    if D is not None:
        value = value - kl_dirichlet(D, alpha)
    return value


# ---------------------------------------------------------------- VB as one function for the driver

class _VB:
    """VB's q <- F(q) on rows x = (A, B) or (A, B, D) of the factors' parameters, one per start."""

    def __init__(self, pairs: Pairs, s: Settings):
        self.pairs, self.s, self.k = pairs, s, s.components

    def unpack(self, x):
        k = self.k
        return x[..., :k], x[..., k:2 * k], (x[..., 2 * k:] if self.s.learned else None)

    def pack(self, A, B, D):
        return np.concatenate([A, B] + ([D] if self.s.learned else []), axis=-1)

    def start(self, m0):
        """Beta factors with means m0, as if each coin had been credited an equal share."""
        conc = self.s.a + self.s.b + self.pairs.tosses @ self.pairs.count / self.k
        D = np.full(self.k, self.s.dirichlet + self.pairs.n_sets / self.k) if self.s.learned else None
        return self.pack(m0 * conc, (1 - m0) * conc, D)

    @staticmethod
    def to_free(x):
        """Free coordinates: logs of the factors' parameters (all positive)."""
        return np.log(x)

    @staticmethod
    def from_free(y):
        with np.errstate(over="ignore", under="ignore"):
            return np.exp(y)

    def evaluate(self, x):
        s = self.s
        A, B, D = self.unpack(x)
        lse, resp = vb_e_step(self.pairs, A, B, D)
        value = elbo(self.pairs, lse, A, B, D, s.a, s.b, s.dirichlet)
        return value, self.pack(*vb_m_step(self.pairs, resp, s.a, s.b, s.dirichlet, s.learned))


def vb(heads, tosses, *, components: int = 2, weights: str = "fixed", prior=(1.0, 1.0),
       dirichlet: float = 1.0, init=None, max_iter: int = 10_000, tol: float = 1e-12,
       restarts: int = 4, seed: int | None = 0, accelerate: str = "none") -> VBResult:
    """Mean-field variational Bayes for the K-coin mixture (see the module docstring).

    Same options as :func:`em.fit`; ``prior`` is (a, b) for every theta or K pairs, any a, b > 0
    (default Beta(1, 1)); ``dirichlet`` > 0 is the symmetric Dirichlet on learned weights;
    ``init`` gives the means of the starting Beta factors. Restarts keep the best ELBO.
    Plain VB updates by default (``accelerate="none"``); ``"squarem"`` extrapolates the
    factors' parameters (A, B, D) as em.driver describes; every cycle's ELBO is at least the previous one.
    """
    s = check(components=components, weights=weights, prior=prior, dirichlet=dirichlet,
              init=init, max_iter=max_iter, tol=tol, restarts=restarts, seed=seed,
              accelerate=accelerate, method="vb")
    pairs = compress(heads, tosses)
    check_identifiable(s.components, int(pairs.tosses.max()))
    method = _VB(pairs, s)
    m0 = data_starts(pairs, s.components) if s.init is None else s.init
    starts = np.array([method.start(m.astype(float))
                       for m in driver.random_starts(m0, s.restarts, s.seed)])
    found = driver.search(method.evaluate, starts, max_iter=s.max_iter, tol=s.tol,
                          accelerate=s.accelerate, free=(method.to_free, method.from_free))
    run = found.best

    A, B, D = method.unpack(run.x)
    order = np.argsort(A / (A + B), kind="stable")
    A, B = A[order], B[order]
    D = None if D is None else D[order]
    a, b = s.a[order], s.b[order]
    lse, resp = vb_e_step(pairs, A, B, D)
    value = float(elbo(pairs, lse, A, B, D, a, b, s.dirichlet))
    warnings = []
    if not run.converged and s.tol > 0:
        warnings.append(driver.not_converged("VB", s.max_iter, s.tol))
    history = []
    for i, (x, e) in enumerate(run.path):
        hA, hB, _ = method.unpack(x)
        history.append(VBStep(i, (hA / (hA + hB))[order], float(e)))
    k = s.components
    return VBResult(
        theta_alpha=A, theta_beta=B, weights_concentration=D,
        weights=np.full(k, 1.0 / k) if D is None else D / D.sum(),
        elbo=value, iterations=run.iterations, converged=run.converged,
        e_steps=run.evaluations, accelerate=s.accelerate,
        responsibilities=resp[pairs.inverse], history=tuple(history),
        prior=tuple((float(x), float(y)) for x, y in zip(a, b)),
        dirichlet=float(s.dirichlet), weights_mode=s.weights,
        start_elbos=tuple(float(v) for v in found.finals),
        best_start=found.best_start, warnings=tuple(warnings))


def start_factors(pairs_or_counts, init, prior=(1.0, 1.0)):
    """The starting Beta factors (A, B) that :func:`vb` uses for means ``init`` (for teaching)."""
    pairs = pairs_or_counts if isinstance(pairs_or_counts, Pairs) else compress(*pairs_or_counts)
    m0 = np.asarray(init, float)
    a, b = (np.broadcast_to(np.asarray(v, float), m0.shape) for v in prior)
    conc = a + b + pairs.tosses @ pairs.count / m0.size
    return m0 * conc, (1 - m0) * conc
