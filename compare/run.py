"""Run every method on one dataset: the rungs of the ladder from EM to the exact posterior.

    EM, maximum likelihood       em.fit(prior=None)          a point, Wald interval from the SE
    EM, MAP                      em.fit(prior=(a, b))        a point (the posterior mode)
    variational Bayes            em.vb(prior=(a, b))         Beta factors q(theta_k)
    Gibbs sampling               bayes.fit(sampler="gibbs")  draws
    NUTS (PyMC + nutpie)         bayes.fit(sampler="nuts")   draws, + PyMC's posterior mode
    exact grid (K = 2)           bayes.grid.grid_posterior   the referee
    conjugate Beta (K = 1)       closed form                 the referee

``check(options, data)`` validates every option without importing PyMC; ``run`` does the work
and returns a :class:`Run` holding every result and the time each stage took.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

import bayes
import em
from bayes.fit import default_init, posterior_mode
from bayes.grid import grid_posterior
from bayes.pairs import compress
from em.fit import check_init

PAPER_INIT = (0.6, 0.5)


@dataclass(frozen=True)
class Options:
    components: int = 2
    weights: str = "fixed"
    prior: tuple[float, float] = (2.0, 2.0)
    dirichlet: float = 1.0
    init: tuple[float, ...] | None = None     # EM start; None: (0.6, 0.5) for K = 2
    draws: int = 2500
    tune: int = 1000
    chains: int = 4
    target_accept: float = 0.98
    seed: int = 0
    max_iter: int = 1000
    tol: float = 1e-12
    restarts: int = 4
    hdi_prob: float = 0.94
    quick: bool = False

    @property
    def em_init(self):
        if self.init is not None:
            return tuple(self.init)
        return PAPER_INIT if self.components == 2 else None

    def to_dict(self) -> dict:
        return {"components": self.components, "weights": self.weights,
                "prior": list(self.prior), "dirichlet": self.dirichlet,
                "init": None if self.em_init is None else list(self.em_init),
                "draws": self.draws, "tune": self.tune, "chains": self.chains,
                "target_accept": self.target_accept, "seed": self.seed,
                "max_iter": self.max_iter, "tol": self.tol, "restarts": self.restarts,
                "hdi_prob": self.hdi_prob, "quick": self.quick, "sampler": "nutpie NUTS",
                "ml_prior": None, "flat_prior": [1.0, 1.0]}


def check(options: Options, data) -> None:
    """Raise ValueError (one line, naming the value) for any option the run would reject."""
    o = options
    if o.components > 10:
        raise ValueError(f"components must be at most 10, got {o.components}")
    if min(o.prior) < 1:
        raise ValueError(f"--prior {o.prior[0]:g},{o.prior[1]:g}: the comparison needs a, b >= 1, "
                         "because EM-MAP (the posterior mode) does not exist when a Beta density "
                         "is unbounded at 0 or 1")
    if o.weights == "learned" and o.dirichlet < 1:
        raise ValueError(f"--dirichlet {o.dirichlet:g}: the comparison needs ALPHA >= 1 (EM-MAP "
                         "has no finite maximum below 1)")
    init = o.em_init
    if init is not None:
        check_init(init, o.components)
    bayes.check_options(data.heads, data.tosses, components=o.components, weights=o.weights,
                        prior=o.prior, dirichlet=o.dirichlet, draws=o.draws, tune=o.tune,
                        chains=o.chains, target_accept=o.target_accept, sampler="nuts",
                        init=None if init is None else np.sort(init), hdi_prob=o.hdi_prob)


@dataclass
class Run:
    data: object
    options: Options
    ml: object = None
    map: object = None
    vb: object = None
    nuts: object = None
    gibbs: object = None
    grid: object = None               # GridPosterior (K = 2) or None
    exact: dict | None = None         # {"theta": {"mean", "sd", ...}, "method": ...} or None
    flat_mode: dict | None = None     # PyMC posterior mode under Beta(1, 1) (and Dirichlet(1))
    known: dict | None = None
    timings: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    command: str = "python -m compare"


def known_label_fit(data) -> dict | None:
    """ML with the coins known: heads / tosses per coin; coins ordered by that estimate."""
    if data.labels is None:
        return None
    labels = np.asarray(data.labels)
    names = sorted(set(labels.tolist()))
    est = {n: (int(data.heads[labels == n].sum()), int(data.tosses[labels == n].sum()))
           for n in names}
    order = sorted(names, key=lambda n: est[n][0] / est[n][1])
    return {"coins": order, "theta": [est[n][0] / est[n][1] for n in order],
            "heads": [est[n][0] for n in order], "tosses": [est[n][1] for n in order],
            "sets": [int((labels == n).sum()) for n in order],
            "component_of_set": [order.index(v) for v in labels.tolist()]}


def data_warnings(data, o: Options) -> list[str]:
    """What makes this dataset degenerate for a K-coin mixture, one line each."""
    from bayes.pairs import compress

    pairs = compress(data.heads, data.tosses)
    k, out = o.components, []
    share = data.heads / data.tosses
    if data.n_sets == 1:
        out.append("only one set: it came from one coin, so the data say almost nothing about "
                   "the other coin(s); their posteriors lean on the prior")
    elif pairs.heads.size == 1:
        out.append(f"all {data.n_sets} sets are identical ({data.heads[0]} heads of "
                   f"{data.tosses[0]}): nothing tells the coins apart")
    if k > pairs.heads.size and pairs.heads.size > 1:
        out.append(f"{k} coins but only {pairs.heads.size} distinct (heads, tosses) pairs: the "
                   "data cannot identify every coin")
    if np.all(share == 1) or np.all(share == 0):
        side = "heads" if share[0] == 1 else "tails"
        out.append(f"every toss is {side}: maximum likelihood puts the coins at "
                   f"{1 if side == 'heads' else 0} (the boundary), where it has no standard error "
                   "and no Wald interval; only the prior keeps MAP and the posterior inside (0, 1)")
    return out


def exact_reference(data, o: Options, grid) -> dict | None:
    """The exact posterior summary: the grid for K = 2, the conjugate Beta for K = 1."""
    if grid is not None:
        d = grid.to_dict()
        d["method"] = f"grid quadrature ({grid.points} points per theta axis)"
        return d
    if o.components == 1:
        from scipy import stats

        a, b = o.prior
        post = stats.beta(a + data.heads.sum(), b + (data.tosses - data.heads).sum())
        lo, hi = _beta_hdi(post, o.hdi_prob)
        mode = (post.args[0] - 1) / (post.args[0] + post.args[1] - 2)
        return {"theta": {"mean": [float(post.mean())], "sd": [float(post.std())],
                          "median": [float(post.median())], "mode": [float(mode)],
                          "hdi_low": [lo], "hdi_high": [hi], "hdi_prob": o.hdi_prob},
                "method": "conjugate Beta posterior (closed form)"}
    return None


def _beta_hdi(dist, prob):
    from scipy.optimize import minimize_scalar

    res = minimize_scalar(lambda lo: dist.ppf(lo + prob) - dist.ppf(lo),
                          bounds=(0, 1 - prob), method="bounded", options={"xatol": 1e-10})
    return float(dist.ppf(res.x)), float(dist.ppf(res.x + prob))


def run(data, options: Options, log=None) -> Run:
    """Every method on ``data``; ``log(stage, seconds)`` is called after each stage."""
    o = options
    r = Run(data=data, options=o)
    log = log or (lambda stage, seconds: None)
    h, n = data.heads, data.tosses
    common = dict(components=o.components, weights=o.weights, dirichlet=o.dirichlet)

    t0 = time.perf_counter()
    emopts = dict(common, init=o.em_init, max_iter=o.max_iter, tol=o.tol,
                  restarts=o.restarts, seed=o.seed)
    r.ml = em.fit(h, n, prior=None, **emopts)
    r.map = em.fit(h, n, prior=o.prior, **emopts)
    r.vb = em.vb(h, n, prior=o.prior, **emopts)
    r.known = known_label_fit(data)
    r.notes.extend(data_warnings(data, o))
    _stage(r, log, "em", t0)

    # The references (Gibbs, the grid) need no PyMC: a forked process computes them while this
    # one compiles and samples the PyMC model (two cores: ~1.5 s off the default run).
    pending = _start_reference(h, n, o)

    try:
        from bayes import model as mixture

        t0 = time.perf_counter()
        learned = o.weights == "learned"
        pairs = compress(h, n)
        mixture.compiled_mixture(pairs, o.components, learned)
        _stage(r, log, "compile", t0)

        t0 = time.perf_counter()
        init = None if o.em_init is None else np.sort(o.em_init)
        r.nuts = bayes.fit(h, n, prior=o.prior, draws=o.draws, tune=o.tune, chains=o.chains,
                           seed=o.seed, target_accept=o.target_accept, init=init,
                           hdi_prob=o.hdi_prob, **common)
        start = init if init is not None else default_init(pairs, o.components)
        r.flat_mode = posterior_mode(
            pairs, o.components, learned, np.ones(o.components), np.ones(o.components), 1.0, start)
        _stage(r, log, "sample", t0)

        t0 = time.perf_counter()
        r.gibbs, r.grid, seconds = _finish_reference(pending, h, n, o)
    except BaseException:          # Ctrl-C or a failure: do not leave the worker behind
        _abandon(pending)
        raise
    r.exact = exact_reference(data, o, r.grid)
    if r.exact is None:
        r.notes.append(f"no exact posterior for K = {o.components} (the grid covers K = 2, the "
                       "closed form K = 1): NUTS and Gibbs are compared with each other only")
    r.timings["reference"] = seconds
    r.timings["reference_wait"] = time.perf_counter() - t0
    log("reference", seconds)
    return r


def reference(h, n, o: Options):
    """(Gibbs BayesResult, GridPosterior or None, seconds): the PyMC-free rungs."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):     # one core each: this worker, and the compile beside it
        return _reference(h, n, o)


def _reference(h, n, o: Options):
    t0 = time.perf_counter()
    init = None if o.em_init is None else np.sort(o.em_init)
    gibbs = bayes.fit(h, n, components=o.components, weights=o.weights, dirichlet=o.dirichlet,
                      prior=o.prior, draws=o.draws, tune=o.tune, chains=o.chains,
                      seed=o.seed + 1, sampler="gibbs", init=init, hdi_prob=o.hdi_prob)
    grid = None
    if o.components == 2:
        grid = grid_posterior(h, n, weights=o.weights, prior=o.prior, dirichlet=o.dirichlet,
                              hdi_prob=o.hdi_prob)
    return gibbs, grid, time.perf_counter() - t0


def _start_reference(h, n, o):
    import multiprocessing as mp
    import os
    from concurrent.futures import ProcessPoolExecutor

    if ((os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods()
            or os.environ.get("COINMIX_SERIAL")):
        return None
    import warnings

    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)   # fork with idle BLAS threads
            return pool, pool.submit(reference, np.asarray(h), np.asarray(n), o)
    except OSError:
        return None


def _abandon(pending):
    if pending is not None:
        pool, _ = pending
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.kill()
        pool.shutdown(wait=False, cancel_futures=True)


def _finish_reference(pending, h, n, o):
    if pending is not None:
        pool, future = pending
        try:
            # forking a multi-threaded process can, rarely, deadlock the child: bounded wait
            return future.result(timeout=300)
        except Exception:  # noqa: BLE001 - a broken or stuck worker: compute here instead
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.kill()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
    return reference(h, n, o)


def _stage(r, log, name, t0):
    r.timings[name] = time.perf_counter() - t0
    log(name, r.timings[name])
