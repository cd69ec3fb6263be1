"""``bayes.fit``: the full posterior of the coin mixture, by NUTS (PyMC + nutpie) or Gibbs.

Both samplers return the same thing: an ``xarray.DataTree`` with a ``posterior`` group
(``theta`` and, for learned weights, ``weights``, dims ``(chain, draw, component)``), a
``sample_stats`` group, a pointwise ``log_likelihood`` group (for PSIS-LOO) and a
``posterior_predictive`` group of replicated heads per set, plus the same summary numbers,
so a caller treats every sampler alike.

All input is checked here, before PyMC is imported: a bad prior or draw count fails in
microseconds with a ``ValueError`` that names the value.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np

from .options import check_options, sampler_init

#: values (chains x draws x sets) the pointwise log-likelihood and predictive groups may hold:
#: beyond it, draws are thinned, as long as every chain keeps _POINTWISE_MIN_DRAWS of them
_POINTWISE_BUDGET = 1_000_000
#: fewer draws per chain would make PSIS-LOO's Pareto k and the predictive intervals unreliable,
#: so with more sets than the budget allows the groups are left out (about 1,000 sets at 4 chains)
_POINTWISE_MIN_DRAWS = 250


@dataclass(frozen=True)
class BayesResult:
    """A posterior and what it says.

    tree : xarray.DataTree (posterior, sample_stats, log_likelihood, posterior_predictive)
    posterior : {"theta": stats, "weights": stats}; stats = {mean, sd, median, mode, hdi_low,
        hdi_high, hdi_prob, mcse_mean, r_hat, ess_bulk, ess_tail}, lists over components;
        fixed weights appear with ``"fixed": True`` and sd 0
    find_map : {"theta", "weights", "log_posterior", ...}: the posterior mode (no Jacobian)
    assignment_probability : (n_sets, K) P(set i came from coin k | data)
    diagnostics : {r_hat_max, ess_bulk_min, divergences, chains, draws, warnings}
    warnings : every failed diagnostic, one line each
    """

    sampler: str
    settings: dict
    tree: object
    posterior: dict
    find_map: dict | None
    assignment_probability: np.ndarray
    diagnostics: dict
    warnings: tuple[str, ...]
    timings: dict = field(default_factory=dict)

    @property
    def theta_draws(self) -> np.ndarray:
        """(chains, draws, K)"""
        return np.asarray(self.tree["posterior"]["theta"].values)

    @property
    def weight_draws(self) -> np.ndarray:
        """(chains, draws, K); the fixed weights repeated when they are not learned"""
        post = self.tree["posterior"]
        if "weights" in post.data_vars:
            return np.asarray(post["weights"].values)
        th = self.theta_draws
        return np.broadcast_to(np.asarray(self.settings["fixed_weights"]), th.shape)

    def _repr_html_(self) -> str:
        """A small table in Jupyter: each coin's posterior mean, sd and HDI, the diagnostics."""
        from ._html import number, table

        th, w = self.posterior["theta"], self.posterior["weights"]
        prob = th.get("hdi_prob", 0.94)
        rows = [(k, number(th["mean"][k]), number(th["sd"][k]),
                 f"{number(th['hdi_low'][k])} to {number(th['hdi_high'][k])}",
                 number(w["mean"][k])) for k in range(len(th["mean"]))]
        d = self.diagnostics
        notes = [f"{self.sampler}: {d.get('chains')} chains x {d.get('draws')} draws; "
                 f"R-hat max {number(d.get('r_hat_max'), 3)}, bulk ESS min "
                 f"{number(d.get('ess_bulk_min'), 0)}, {d.get('divergences')} divergences",
                 *self.warnings]
        return table("Posterior", ("coin", "mean theta", "sd", f"{prob:.0%} HDI", "weight"),
                     rows, notes)

    def to_dict(self) -> dict:
        return {"sampler": self.sampler, "settings": self.settings,
                "find_map": self.find_map, "posterior": self.posterior,
                "assignment_probability": self.assignment_probability.tolist(),
                "diagnostics": self.diagnostics, "warnings": list(self.warnings),
                "timings": self.timings}


def fit(heads, tosses, *, components: int = 2, weights: str = "fixed", prior=(2.0, 2.0),
        dirichlet: float = 1.0, draws: int = 2500, tune: int = 1000, chains: int = 4,
        seed: int = 0, target_accept: float = 0.98, sampler: str = "nuts", init=None,
        hdi_prob: float = 0.94, find_map: bool = True, progress: bool | None = None,
        cores: int | None = None, thin: int = 1) -> BayesResult:
    """Sample the posterior of the K-coin mixture and summarise it.

    heads, tosses : integer arrays, shape (n_sets,)
    prior : Beta (a, b) for every theta, or K pairs; dirichlet : symmetric concentration on
        learned weights; init : K distinct starting thetas (default: quantiles of the data)
    draws, tune, chains, target_accept : sampler settings (defaults pass the diagnostics on the
        paper's data: 0 divergences, R-hat < 1.01, bulk ESS > 400)
    sampler : "nuts" (PyMC model, nutpie, compiled once per (K, weights) shape in a process) or
        "gibbs" (hand-written data augmentation, NumPy only)
    find_map : also locate the posterior mode with PyMC's optimiser (NUTS sampler only)
    progress : show the sampler's progress bar; default: only when stderr is a terminal
    thin : Gibbs only: keep every thin-th of draws x thin sweeps (settings say so)
    """
    c = check_options(
        heads, tosses, components=components, weights=weights, prior=prior, dirichlet=dirichlet,
        draws=draws, tune=tune, chains=chains, target_accept=target_accept, sampler=sampler,
        init=init, hdi_prob=hdi_prob, seed=seed)
    pairs, a, b, init = c.pairs, c.a, c.b, c.init
    k, learned = int(components), weights == "learned"
    if progress is None:
        progress = sys.stderr.isatty()
    settings = {"sampler": sampler, "components": k, "weights": weights,
                "prior": [[float(x), float(y)] for x, y in zip(a, b)],
                "dirichlet": float(dirichlet) if learned else None, "draws": int(draws),
                "tune": int(tune), "chains": int(chains), "seed": int(seed),
                "target_accept": float(target_accept) if sampler == "nuts" else None,
                "init": [float(v) for v in init], "hdi_prob": float(hdi_prob),
                "fixed_weights": None if learned else [1.0 / k] * k}
    timings = {}
    mode = None
    if sampler == "nuts":
        from . import model as mixture

        t0 = time.perf_counter()
        fresh = not mixture.is_compiled(k, learned)
        cm = mixture.compiled_mixture(pairs, k, learned)
        timings["compile"] = cm.compile_seconds if fresh else 0.0
        t0 = time.perf_counter()
        tree = cm.sample(pairs, a=a, b=b, dirichlet=dirichlet, init=init, draws=draws, tune=tune,
                         chains=chains, seed=seed, target_accept=target_accept,
                         progress=progress, cores=cores)
        timings["sample"] = time.perf_counter() - t0
        if not np.all(np.isfinite(tree["posterior"]["theta"].values)):
            raise RuntimeError("the sampler returned incomplete draws (NaN): it was stopped early")
        if find_map:
            t0 = time.perf_counter()
            mode = joint_mode(pairs, k, learned, a, b, dirichlet, init)
            timings["find_map"] = time.perf_counter() - t0
    else:
        from . import gibbs

        t0 = time.perf_counter()
        th, w, ll, lprior = gibbs.run(pairs, components=k, learned=learned, a=a, b=b,
                                      dirichlet=dirichlet, draws=draws, tune=tune, chains=chains,
                                      seed=seed, init=init, thin=thin)
        settings["thin"] = int(thin)
        timings["sample"] = time.perf_counter() - t0
        tree = _gibbs_tree(th, w if learned else None, ll, lprior)

    t0 = time.perf_counter()
    result = _finish(tree, pairs, sampler, settings, mode, learned, k, hdi_prob, seed)
    timings["summary"] = time.perf_counter() - t0
    return BayesResult(**result, timings=timings)


def joint_mode(pairs, k, learned, a, b, dirichlet, init) -> dict:
    """The highest point of the joint posterior density of (theta, weights), in the original
    parameters (no Jacobian, as ``pm.find_MAP``), by PyMC's optimiser from several ordered
    starts; the highest density wins. Not the peak of each marginal (see ``summary``)."""
    from . import model as mixture

    cm = mixture.compiled_mixture(pairs, k, learned)
    starts = [np.asarray(init, float), sampler_init(pairs, k),
              np.linspace(0.1, 0.9, k) if k > 1 else np.array([0.5])]
    best = None
    for s in starts:
        r = cm.find_map(pairs, a=a, b=b, dirichlet=dirichlet, init=s)
        if best is None or r["log_posterior"] > best["log_posterior"] + 1e-9:
            best = r
    return best


def _gibbs_tree(theta, weights, loglik, logprior):
    import arviz as az

    k = theta.shape[-1]
    post = {"theta": theta}
    dims = {"theta": ["component"]}
    if weights is not None:
        post["weights"] = weights
        dims["weights"] = ["component"]
    tree = az.from_dict({"posterior": post,
                         "sample_stats": {"lp": loglik + logprior, "log_likelihood": loglik}},
                        dims=dims, coords={"component": np.arange(k)})
    for group in ("posterior", "sample_stats"):
        tree[group].attrs["inference_library"] = "coinmix.bayes.gibbs"
    return tree


def _finish(tree, pairs, sampler, settings, mode, learned, k, hdi_prob, seed):
    import xarray as xr

    from .posterior import (assignment_probability, pointwise_log_likelihood,
                            posterior_predictive_heads)
    from .summary import diagnostics, summarize

    theta = np.asarray(tree["posterior"]["theta"].values)
    w = (np.asarray(tree["posterior"]["weights"].values) if learned
         else np.full(theta.shape, 1.0 / k))
    summary = summarize(tree, ("theta", "weights") if learned else ("theta",), hdi_prob)
    if not learned:
        fixed = [1.0 / k] * k
        summary["weights"] = {"mean": fixed, "sd": [0.0] * k, "median": fixed, "mode": fixed,
                              "hdi_low": fixed, "hdi_high": fixed, "hdi_prob": float(hdi_prob),
                              "mcse_mean": [0.0] * k, "r_hat": [None] * k,
                              "ess_bulk": [None] * k, "ess_tail": [None] * k, "fixed": True}
    diag = diagnostics(tree, ("theta", "weights") if learned else ("theta",))
    prob = assignment_probability(pairs, theta, w)

    # pointwise groups (PSIS-LOO, predictive checks), thinned so that draws x sets stays
    # within budget, and left out where too few draws would remain (a note says so)
    n_sets = pairs.inverse.size
    chains, draws = theta.shape[:2]
    keep = min(draws, _POINTWISE_BUDGET // max(1, chains * n_sets))
    if keep >= min(draws, _POINTWISE_MIN_DRAWS):
        step = int(np.ceil(draws / keep))
        sel = slice(None, None, step)
        coords = {"chain": np.arange(chains), "draw": np.arange(draws)[sel],
                  "set": np.arange(n_sets)}
        ll = pointwise_log_likelihood(pairs, theta[:, sel], w[:, sel])
        rep = posterior_predictive_heads(pairs, theta[:, sel], w[:, sel], seed=seed)
        tree["log_likelihood"] = xr.Dataset({"sets": (("chain", "draw", "set"), ll)},
                                            coords=coords)
        tree["posterior_predictive"] = xr.Dataset(
            {"heads": (("chain", "draw", "set"), rep.astype(np.int32))}, coords=coords)
        tree["observed_data"] = xr.Dataset({"heads": (("set",), pairs.heads[pairs.inverse])},
                                           coords={"set": np.arange(n_sets)})
        if step > 1:
            tree["log_likelihood"].attrs["thinned_every"] = int(step)
            tree["posterior_predictive"].attrs["thinned_every"] = int(step)
    else:
        tree["posterior"].attrs["pointwise_groups"] = (
            f"left out: {chains} chains x {n_sets} sets would keep only {keep} draws per chain "
            f"within {_POINTWISE_BUDGET:.0e} values (PSIS-LOO needs at least "
            f"{_POINTWISE_MIN_DRAWS}); bayes.posterior.pointwise_log_likelihood(pairs, theta, "
            "weights, per_pair=True) computes them per distinct pair from the draws")
    return {"sampler": sampler, "settings": settings, "tree": tree, "posterior": summary,
            "find_map": mode, "assignment_probability": prob, "diagnostics": diag,
            "warnings": tuple(diag["warnings"])}


@dataclass(frozen=True)
class Draws:
    """Bare posterior draws, for studies that fit many datasets: no summary, no extra groups.

    theta, weights : (chains, draws, K); divergences : count after warm-up; seconds : wall time
    tree : the sampler's DataTree (for R-hat and the like), or None for Gibbs
    """

    theta: np.ndarray
    weights: np.ndarray
    divergences: int
    seconds: float
    tree: object = None


def sample_draws(heads, tosses, *, components: int = 2, weights: str = "fixed",
                 prior=(2.0, 2.0), dirichlet: float = 1.0, draws: int = 1000, tune: int = 500,
                 chains: int = 2, seed: int = 0, target_accept: float = 0.98, init=None,
                 sampler: str = "nuts", ordered: bool = True, cores: int | None = 1) -> Draws:
    """Draws only, as cheaply as possible (same model and options as :func:`fit`).

    ``ordered=False`` samples the model without the ordering of theta (NUTS only), whose
    posterior has mirror-image modes: for showing label switching, not for inference.
    Safe to call from several threads at once: nutpie samples outside the GIL.
    """
    c = check_options(
        heads, tosses, components=components, weights=weights, prior=prior, dirichlet=dirichlet,
        draws=draws, tune=tune, chains=chains, target_accept=target_accept, sampler=sampler,
        init=init, hdi_prob=0.5, seed=seed)
    pairs, a, b, start = c.pairs, c.a, c.b, c.init
    if not ordered and init is not None:
        start = np.asarray(init, dtype=float)
    k, learned = int(components), weights == "learned"
    t0 = time.perf_counter()
    if sampler == "gibbs":
        from . import gibbs

        th, w, _, _ = gibbs.run(pairs, components=k, learned=learned, a=a, b=b,
                                dirichlet=dirichlet, draws=draws, tune=tune, chains=chains,
                                seed=seed, init=start)
        return Draws(th, w, 0, time.perf_counter() - t0)
    from . import model as mixture

    cm = mixture.compiled_mixture(pairs, k, learned, ordered)
    tree = cm.sample(pairs, a=a, b=b, dirichlet=dirichlet, init=start, draws=draws, tune=tune,
                     chains=chains, seed=seed, target_accept=target_accept, progress=False,
                     cores=cores)
    th = np.asarray(tree["posterior"]["theta"].values)
    w = (np.asarray(tree["posterior"]["weights"].values) if learned
         else np.full(th.shape, 1.0 / k))
    div = int(np.asarray(tree["sample_stats"]["diverging"].values).sum())
    return Draws(th, w, div, time.perf_counter() - t0, tree)
