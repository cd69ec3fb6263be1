"""Run every rung of the ladder (compare.rungs) on one dataset.

``options.check(options, data)`` validates every option without importing PyMC; ``run`` does the
work, stage by stage, and returns a :class:`Run` holding every result and the time each stage
took:

    em          the "em" rungs (EM-ML, EM-MAP, VB), here, in milliseconds
    reference   the "reference" rungs (Gibbs, the exact posterior) in a forked worker, meanwhile
    compile     the PyMC model for this shape (nutpie; cached on disk after the first run)
    sample      the "posterior" rungs (NUTS) and PyMC's posterior mode under a flat prior
"""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field

import numpy as np

import em
from bayes.fit import joint_mode
from bayes.options import sampler_init
from bayes.pairs import compress

from . import rungs as ladder
from .options import Options
from .reference import known_label_fit


@dataclass
class Run:
    data: object
    options: Options
    results: dict = field(default_factory=dict)       # rung key -> the engine's result
    # EM from the run's start alone, plain (as the paper shows it: worked example, paths) and
    # SQUAREM (for the count of iterations it saves): {"ml": EMResult, "map": EMResult}
    plain: dict = field(default_factory=dict)
    squarem: dict = field(default_factory=dict)
    flat_mode: dict | None = None     # PyMC posterior mode under Beta(1, 1) (and Dirichlet(1))
    known: dict | None = None
    timings: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    command: str = "python -m compare"
    versions: dict = field(default_factory=dict)
    choice: dict | None = None        # compare.choice.model_choice: how many coins?
    studies_run: tuple = ()           # the studies that ran with this report (names)

    # the rungs the checks and the text name one by one
    ml = property(lambda self: self.results.get("ml"))
    map = property(lambda self: self.results.get("map"))
    vb = property(lambda self: self.results.get("vb"))
    gibbs = property(lambda self: self.results.get("gibbs"))
    nuts = property(lambda self: self.results.get("nuts"))

    @property
    def exact(self) -> dict | None:
        """The exact posterior's summary (grid for K = 2, closed form for K = 1) or None."""
        ex = self.results.get("exact")
        return None if ex is None else ex.summary

    @property
    def grid(self):
        ex = self.results.get("exact")
        return None if ex is None else ex.grid

    def estimates(self) -> dict:
        """{rung key: {param: [Estimate]}} for every rung that ran, in ladder order."""
        return {rung.key: rung.estimates(self.results[rung.key], self.options)
                for rung in ladder.RUNGS if self.results.get(rung.key) is not None}

    def warnings(self) -> list[str]:
        """Every rung's warnings, each line prefixed with the rung's name."""
        return [f"{rung.warn_as}: {w}" for rung in ladder.RUNGS
                if self.results.get(rung.key) is not None
                for w in rung.warnings(self.results[rung.key])]


def versions() -> dict:
    import arviz
    import matplotlib
    import nutpie
    import pymc
    import pytensor
    import scipy

    return {"python": platform.python_version(), "numpy": np.__version__,
            "scipy": scipy.__version__, "pymc": pymc.__version__, "pytensor": pytensor.__version__,
            "arviz": arviz.__version__, "nutpie": nutpie.__version__,
            "matplotlib": matplotlib.__version__}


def data_warnings(data, o: Options) -> list[str]:
    """What makes this dataset degenerate for a K-coin mixture, one line each."""
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


def _run_stage(r: Run, stage: str) -> None:
    for rung in ladder.RUNGS:
        if rung.stage == stage:
            r.results[rung.key] = rung.run(r.data, r.options, r)


def run(data, options: Options, log=None, bootstrap_lrt: int = 0) -> Run:
    """Every rung on ``data``, then the model choice (K - 1, K, K + 1 coins; a parametric
    bootstrap of the likelihood ratio with ``bootstrap_lrt`` replicates); ``log(stage,
    seconds)`` is called after each stage."""
    o = options
    r = Run(data=data, options=o)
    log = log or (lambda stage, seconds: None)

    t0 = time.perf_counter()
    _run_stage(r, "em")
    single = dict(o.em_options(), restarts=0)
    for key, prior in (("ml", None), ("map", o.prior)):
        r.plain[key] = em.fit(data.heads, data.tosses, prior=prior, accelerate="none", **single)
        r.squarem[key] = em.fit(data.heads, data.tosses, prior=prior, accelerate="squarem",
                                **single)
    r.known = known_label_fit(data)
    r.notes.extend(data_warnings(data, o))
    _stage(r, log, "em", t0)

    # The reference rungs need no PyMC: a forked process computes them while this one compiles
    # and samples the PyMC model (two cores: ~1.5 s off the default run).
    pending = _start_reference(data, o)

    try:
        from bayes import model as mixture

        t0 = time.perf_counter()
        pairs = compress(data.heads, data.tosses)
        mixture.compiled_mixture(pairs, o.components, o.learned)
        _stage(r, log, "compile", t0)

        t0 = time.perf_counter()
        _run_stage(r, "posterior")
        init = None if o.em_init is None else np.sort(o.em_init)
        start = init if init is not None else sampler_init(pairs, o.components)
        ones = np.ones(o.components)
        r.flat_mode = joint_mode(pairs, o.components, o.learned, ones, ones, 1.0, start)
        _stage(r, log, "sample", t0)

        t0 = time.perf_counter()
        found, seconds = _finish_reference(pending, data, o)
    except BaseException:          # Ctrl-C or a failure: do not leave the worker behind
        _abandon(pending)
        raise
    r.results.update(found)
    if r.exact is None:
        r.notes.append(f"no exact posterior for K = {o.components} (the grid covers K = 2, the "
                       "closed form K = 1): NUTS and Gibbs are compared with each other only")
    r.timings["reference"] = seconds
    r.timings["reference_wait"] = time.perf_counter() - t0
    log("reference", seconds)

    t0 = time.perf_counter()
    from .choice import model_choice

    r.choice = model_choice(data, o, r, bootstrap_lrt=bootstrap_lrt)
    _stage(r, log, "choice", t0)
    r.versions = versions()
    return r


def reference(data, o: Options):
    """({rung key: result}, seconds) for the PyMC-free "reference" rungs."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):     # one core each: this worker, and the compile beside it
        t0 = time.perf_counter()
        r = Run(data=data, options=o)
        _run_stage(r, "reference")
        return r.results, time.perf_counter() - t0


def _start_reference(data, o):
    import multiprocessing as mp
    import os
    from concurrent.futures import ProcessPoolExecutor

    if ((os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods()
            or os.environ.get("COINMIX_SERIAL")):
        return None
    import warnings

    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"),
                                   initializer=child_signals)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)   # fork with idle BLAS threads
            return pool, pool.submit(reference, data, o)
    except OSError:
        return None


def child_signals() -> None:
    """In a forked worker: the parent alone answers Ctrl-C and SIGTERM (it ends its workers)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _abandon(pending):
    if pending is not None:
        pool, _ = pending
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.kill()
        pool.shutdown(wait=False, cancel_futures=True)


def _finish_reference(pending, data, o):
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
    return reference(data, o)


def _stage(r, log, name, t0):
    r.timings[name] = time.perf_counter() - t0
    log(name, r.timings[name])
