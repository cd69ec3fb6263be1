"""One comparison run, stage by stage: the only place that orders the stages and owns the
workers (the forked PyMC process, the figure pool, the studies) and the scratch folders.

``execute(request)`` returns one :class:`compare.results.Run` holding everything the report
says: every rung's result, the agreement checks, the ladder's rows, the worked example's
numbers, the figures drawn (PNG bytes), the studies' sections and the time of each stage. The
report writer (compare.report), the notebook API (compare.api) and the explorer only read it.

    forked child                                  this process
    compile  the PyMC model for this shape        em         EM-ML, EM-MAP, VB (milliseconds)
             (nutpie; cached on disk after        reference  Gibbs, the exact posterior
             the first run on a machine)          figures    the EM figures, drawn meanwhile
    sample   NUTS, PyMC's posterior modes         choice     how many coins (all but the
                                                             PSIS-LOO of the run's K, which
                                                             waits for the NUTS draws)
                                                  figures    the rest, by a pool of forked
                                                             workers, beside the studies
                                                             asked for and the checks

This module is light to import (the standard library and compare.posterior, which needs only
NumPy): ``execute`` starts the PyMC process first, then imports the rest, so that the two
processes share the two cores from the start. Every worker and scratch folder is registered
on one ``contextlib.ExitStack``: however the run ends (an error, Ctrl-C, SIGTERM raised as an
exception), they are ended and removed in reverse order.
"""

from __future__ import annotations

import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

#: iterations the plain EM of the worked example may take (its history is kept in memory)
PLAIN_MAX_ITER = 100_000


@dataclass(frozen=True)
class Request:
    """What to run: the data, the options (compare.options.Options, already checked), and what
    the command line asks beyond them."""

    data: object
    options: object
    bootstrap_lrt: int = 0
    studies: tuple[str, ...] = ()
    study_args: object = None            # compare.studies.StudyArgs when studies are asked for
    command: str = "python -m compare"   # the command line that makes this report again
    load_seconds: float | None = None    # reading the data (done before the request was made)
    lang: str = "en"                     # the report's language (summary.json stays English)


class Progress:
    """Where the stage lines go: ``say(stage, text)`` before a stage that can take more than a
    second, ``log(stage, seconds)`` when one is done. This one writes the command line's lines
    to stderr (the forked PyMC process writes its own, through the same methods)."""

    def say(self, stage: str, text: str) -> None:
        sys.stderr.write(f"{stage:<10} {text}\n")
        sys.stderr.flush()

    def log(self, stage: str, seconds: float) -> None:
        sys.stderr.write(f"{stage:<10} {seconds:6.2f} s\n")
        sys.stderr.flush()


class Silent(Progress):
    def say(self, stage, text):
        pass

    def log(self, stage, seconds):
        pass


def execute(request: Request, progress: Progress | None = None, *, serial: bool = False):
    """Run every stage of ``request``; returns the Run. ``serial``: no forked process at all
    (the posterior and the figures in this process, as under a notebook kernel)."""
    p = progress or Silent()
    data, o = request.data, request.options
    with ExitStack() as workers:
        from .posterior import start

        posterior = start(data, o, p.log, p.say, serial=serial)   # first: before heavy imports
        workers.callback(posterior.kill)
        scratch = _Scratch(workers)

        from .results import Run

        r = Run(data=data, options=o, command=request.command, lang=request.lang)
        if request.load_seconds is not None:
            r.timings["load"] = request.load_seconds
        _em_stage(r, p)
        _reference_stage(r, p)
        figures_folder = scratch.folder("figures")
        _early_figures(r, p, figures_folder)
        parts = _choice_stage(r, p, request.bootstrap_lrt)     # while NUTS samples
        _posterior_stage(r, posterior)
        # the figures that need the draws: drawn by forked workers while this process finishes
        # the model choice, runs the studies, the checks and the text, and draws the figures
        # of the model choice
        pool = _late_figures(r, p, figures_folder, workers, serial)
        _choice_finish(r, p, parts)
        if request.studies:
            _studies_stage(r, p, request, scratch.folder("studies"))
        _last_stage(r, p, figures_folder, pool)
    return r


class _Scratch:
    """Scratch folders for one run (figures drawn ahead, the studies' figures), each removed
    when the run ends: registered on the run's ExitStack."""

    def __init__(self, stack: ExitStack):
        self.stack = stack

    def folder(self, kind: str) -> Path:
        import tempfile

        return Path(self.stack.enter_context(tempfile.TemporaryDirectory(
            prefix=f"coinmix-{kind}-", ignore_cleanup_errors=True)))


def _timed(r, p, name, t0):
    r.timings[name] = time.perf_counter() - t0
    p.log(name, r.timings[name])


# ---------------------------------------------------------------- the stages, in order

def _em_stage(r, p) -> None:
    """The EM rungs (ML, MAP, VB), plain EM and SQUAREM from the run's start alone (the worked
    example and the paths), the labels-known fit, the data's warnings."""
    import em

    from .reference import known_label_fit
    from .results import run_stage

    data, o = r.data, r.options
    t0 = time.perf_counter()
    run_stage(r, "em")
    single = dict(o.em_options(), restarts=0)
    for key, prior in (("ml", None), ("map", o.prior)):
        # plain EM crawls on real data (Saxony: about 3,800 iterations, 0.3 s): let it
        # converge, so that the worked example ends where EM does
        r.plain[key] = em.fit(data.heads, data.tosses, prior=prior,
                              **dict(single, accelerate="none",
                                     max_iter=max(o.max_iter, PLAIN_MAX_ITER)))
        r.squarem[key] = em.fit(data.heads, data.tosses, prior=prior, **single)
    r.known = known_label_fit(data)
    r.notes.extend(data_warnings(data, o))
    _timed(r, p, "em", t0)


def _reference_stage(r, p) -> None:
    """Gibbs and the exact posterior (no PyMC), on one thread: the PyMC process has the other."""
    from .processes import one_thread
    from .results import run_stage

    p.say("reference", _reference_plan(r.options))
    t0 = time.perf_counter()
    with one_thread():
        run_stage(r, "reference")
    _timed(r, p, "reference", t0)


def _early_figures(r, p, folder: Path) -> None:
    """While NUTS runs in its process: draw the figures that need no posterior draws, then
    import what writing the report needs (netCDF, Markdown, MathML)."""
    from . import figures, report

    p.say("figures", "EM's figures, drawn while NUTS samples")
    t0 = time.perf_counter()
    for name in figures.early(r):
        figures.draw(r, name, folder / f"{name}.png")
    p.log("figures", time.perf_counter() - t0)
    report.warm_up()


def _posterior_stage(r, posterior) -> None:
    """Wait for the PyMC process: NUTS, PyMC's posterior modes, its timings and versions."""
    t0 = time.perf_counter()
    found, flat_mode, timings, r.versions = posterior.result()
    r.timings["posterior_wait"] = time.perf_counter() - t0
    r.results.update(found)
    r.flat_mode = flat_mode
    r.timings.update(timings)
    if r.exact is None:
        from .records import fact

        r.notes.append(fact("note.no_exact", k=r.options.components))


def _choice_stage(r, p, bootstrap_lrt: int) -> dict:
    """How many coins: K - 1, K, K + 1 (and a parametric bootstrap of the likelihood ratio),
    all that needs no NUTS draws (compare.choice.prepare), done while NUTS samples."""
    if bootstrap_lrt:
        p.say("choice", f"how many coins: {bootstrap_lrt} bootstrap replicates of the likelihood "
                        "ratio, each fitted by EM")
    t0 = time.perf_counter()
    from .choice import prepare

    parts = prepare(r.data, r.options, r, bootstrap_lrt=bootstrap_lrt, nuts_later=True)
    r.timings["choice"] = time.perf_counter() - t0
    return parts


def _choice_finish(r, p, parts: dict) -> None:
    """The model choice's last part, once NUTS is back: its K's PSIS-LOO and the verdict."""
    from .choice import finish

    t0 = time.perf_counter()
    r.choice = finish(parts, r)
    r.timings["choice"] += time.perf_counter() - t0
    p.log("choice", r.timings["choice"])


def _studies_stage(r, p, request: Request, folder: Path) -> None:
    from .studies import run_studies

    r.studies, r.study_sections = run_studies(request.studies, r.data, r.options,
                                              request.study_args, log=p.log, say=p.say,
                                              folder=folder, lang=r.lang)
    r.studies_run = tuple(request.studies)
    r.timings.update({f"study {name}": sec.seconds
                      for name, sec in zip(request.studies, r.study_sections)})


def _late_figures(r, p, folder: Path, workers: ExitStack, serial: bool) -> "FigurePool":
    """Start the pool that draws the figures needing the posterior draws (not those that need
    the model choice: this process draws them once it has it)."""
    from . import figure_list, figures

    drawn = set(figures.early(r)) | set(figure_list.after_choice(r.options.components))
    later = [n for n in figures.names(r) if n not in drawn]
    p.say("figures", f"{len(later)} more figures, drawn beside the checks, the text and "
                     "posterior.nc")
    pool = FigurePool(r, folder, later, workers=1 if serial else None)
    workers.callback(pool.close)
    return pool


def _last_stage(r, p, folder: Path, pool: "FigurePool") -> None:
    """While the pool draws: the checks, the ladder's rows, the worked example, every fact the
    words say and the figures of the model choice; then every figure's PNG is read into the
    run."""
    from . import checks, figure_list, figures, ladder, worked

    t0 = time.perf_counter()
    r.figures = {n: f"{n}.png" for n in figures.names(r)}
    paths = {f"{n}.png": folder / f"{n}.png" for n in figures.names(r)}
    for section in r.study_sections:
        for name, fig in section.figures.items():
            r.figures[name] = Path(fig).name
            paths[Path(fig).name] = Path(fig)

    r.agreement = checks.all_checks(r)
    r.ladder_rows = ladder.rows(r)
    init = r.options.em_init or tuple(r.plain["ml"].history[0].theta)
    first = worked.first_iteration(r.data.heads, r.data.tosses, init)
    r.worked = {"first_iteration": first,
                "iterations": worked.iterations(r.plain["ml"], init),
                "first_step_three_ways":
                    worked.first_step_three_ways(r.data.heads, r.data.tosses, init,
                                                 r.options.prior, set_index=first["example_set"])
                    if len(init) == 2 else None}
    from .report import records_of

    r.records = records_of(r)       # every fact the words say, chosen here, beside the figures
    for name in figure_list.after_choice(r.options.components):
        figures.draw(r, name, folder / f"{name}.png")
    pool.finish()
    r.pictures = {file: paths[file].read_bytes() for file in r.figures.values()}
    _timed(r, p, "figures", t0)


def _reference_plan(o) -> str:
    """What the reference stage runs, for the line announcing it."""
    parts = [f"Gibbs sampler, {o.chains} {'chain' if o.chains == 1 else 'chains'} x "
             f"({o.tune} warm-up + {o.draws} draws)"]
    if o.components == 2:
        parts.append("the exact posterior on a grid")
    elif o.components == 1:
        parts.append("the exact (conjugate) posterior")
    return ", ".join(parts)


def data_warnings(data, o) -> list:
    """What makes this dataset degenerate for a K-coin mixture, one fact each (``note.*``)."""
    import numpy as np

    from bayes.pairs import compress

    from .records import fact

    pairs = compress(data.heads, data.tosses)
    k, out = o.components, []
    share = data.heads / data.tosses
    if data.n_sets == 1:
        out.append(fact("note.one_set"))
    elif pairs.heads.size == 1:
        out.append(fact("note.identical", sets=data.n_sets, heads=int(data.heads[0]),
                        tosses=int(data.tosses[0])))
    if k > pairs.heads.size and pairs.heads.size > 1:
        out.append(fact("note.few_pairs", k=k, pairs=int(pairs.heads.size)))
    short = data.tosses < 2 * k - 1
    if k > 1 and short.any():
        sizes = sorted(set(data.tosses[short].tolist()))
        out.append(fact("note.short_sets", "more" if len(sizes) > 5 else "all",
                        short=int(short.sum()), sets=data.n_sets, least=2 * k - 1,
                        sizes=sizes[:5], k=k))
    if np.all(share == 1) or np.all(share == 0):
        out.append(fact("note.all_same", "heads" if share[0] == 1 else "tails"))
    return out


# ---------------------------------------------------------------- the figure pool

#: a pool worker's job, set in the worker by the pool's initializer (the run reaches the worker
#: through fork, never pickled); the parent never sets it
_WORKER_JOB = None


def _worker_start(r, folder) -> None:
    global _WORKER_JOB
    from .processes import child_signals

    child_signals()
    _WORKER_JOB = (r, folder)


def _worker_draw(name: str) -> str:
    from . import figures

    r, folder = _WORKER_JOB
    figures.draw(r, name, folder / f"{name}.png")
    return name


class FigurePool:
    """Figures drawn by forked workers (one per core) while the caller goes on; ``finish()``
    waits (bounded) and checks every file is there. Serial where fork is unavailable, fails,
    ``workers=1`` or COINMIX_SERIAL is set."""

    def __init__(self, r, folder: Path, chosen, workers=None):
        import multiprocessing as mp
        import os
        import warnings

        from . import figure_list

        self.r, self.folder, self.chosen, self.pool, self.job = r, folder, list(chosen), None, None
        workers = workers or (1 if os.environ.get("COINMIX_SERIAL")
                              else min(len(self.chosen), os.cpu_count() or 1))
        if workers > 1 and "fork" in mp.get_all_start_methods():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)   # fork with threads
                    self.pool = mp.get_context("fork").Pool(workers, initializer=_worker_start,
                                                            initargs=(r, folder))
                order = figure_list.costliest_first(self.chosen)
                self.job = self.pool.map_async(_worker_draw, order, chunksize=1)
            except OSError:
                self.close()

    def _here(self) -> None:
        from . import figures

        for name in self.chosen:
            figures.draw(self.r, name, self.folder / f"{name}.png")

    def finish(self) -> None:
        import multiprocessing as mp

        try:
            if self.job is not None:
                # bounded: a child stuck on a lock inherited through fork is abandoned
                self.job.get(timeout=300)
                self.pool.close()           # done: let the workers exit on their own
                self.pool.join()
                self.pool = None
            else:
                self._here()
        except (mp.ProcessError, mp.TimeoutError):
            self.close()
            self._here()
        finally:
            self.close()
        missing = [n for n in self.chosen if not (self.folder / f"{n}.png").is_file()]
        if missing:
            raise RuntimeError(f"figures not written: {', '.join(missing)}")

    def close(self) -> None:
        """Abandon the workers (an error or an interrupt elsewhere)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
