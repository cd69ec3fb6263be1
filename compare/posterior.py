"""The PyMC part of a run, in a process of its own started first: compile, NUTS, the posterior
modes. Light to import (NumPy and the standard library), so that ``python -m compare`` can fork
it right after checking its input, before the heavy imports of the rest of the run: the two
processes then share the two cores from the start.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from .processes import child_signals, one_thread


def posterior(data, o, log=None, say=None):
    """The "posterior" rungs (NUTS) and PyMC's posterior mode under flat priors, with the
    compile they need: ({rung key: result}, flat mode, {"compile": s, "sample": s}, versions)
    (the versions are read here, where PyMC is imported anyway). ``say(stage, text)`` announces
    a stage before it starts, ``log(stage, seconds)`` reports it when done."""
    from bayes import model as mixture
    from bayes.fit import joint_mode
    from bayes.options import sampler_init
    from bayes.pairs import compress

    from .results import Run, run_stage, versions

    log = log or (lambda stage, seconds: None)
    say = say or (lambda stage, text: None)
    timings = {}
    t0 = time.perf_counter()
    pairs = compress(data.heads, data.tosses)
    if not mixture.is_compiled(o.components, o.learned):
        say("compile", mixture.compile_notice(o.components, o.weights))
    mixture.compiled_mixture(pairs, o.components, o.learned)
    timings["compile"] = time.perf_counter() - t0
    log("compile", timings["compile"])

    say("sample", f"NUTS, {o.chains} {'chain' if o.chains == 1 else 'chains'} x ({o.tune} warm-up + "
                  f"{o.draws} draws), then PyMC's posterior mode under flat priors")
    t0 = time.perf_counter()
    r = Run(data=data, options=o)
    run_stage(r, "posterior")
    if sys.stderr.isatty():             # nutpie's progress table leaves the cursor on its line
        sys.stderr.write("\n")
    init = None if o.em_init is None else np.sort(o.em_init)
    start = init if init is not None else sampler_init(pairs, o.components)
    ones = np.ones(o.components)
    flat = joint_mode(pairs, o.components, o.learned, ones, ones, 1.0, start)
    timings["sample"] = time.perf_counter() - t0
    log("sample", timings["sample"])
    return r.results, flat, timings, versions()


class _Here:
    """The posterior computed in this process (no fork available, COINMIX_SERIAL, or the model
    already compiled here, as in a test session)."""

    def __init__(self, data, o, log, say):
        self.args = (data, o, log, say)

    def result(self):
        return posterior(*self.args)

    def kill(self):
        pass


class _Forked:
    """The posterior computed in a forked child, started at once; its result comes back
    pickled through a pipe. The child ignores Ctrl-C: the parent answers it and kills it."""

    def __init__(self, data, o, log, say):
        import multiprocessing as mp
        import os

        ctx = mp.get_context("fork")
        self.receive, send = ctx.Pipe(duplex=False)
        parent = os.getpid()

        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)   # fork with idle BLAS threads
            # fork: the arguments reach the child as they are, never pickled
            self.process = ctx.Process(target=_child,
                                       args=(send, data, o, log, say, self.receive, parent),
                                       daemon=True)
            self.process.start()
        send.close()

    def result(self):
        try:
            status, value = self.receive.recv()
        except EOFError:
            self.process.join(5)
            raise RuntimeError(f"the sampling process died (exit code {self.process.exitcode})")
        self.process.join(30)
        if status == "error":
            name, message, trace = value
            if name == "KeyboardInterrupt":
                raise KeyboardInterrupt
            raise RuntimeError(f"sampling failed: {name}: {message}\n{trace}")
        return value

    def kill(self):
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


def _child(send, data, o, log, say, receive=None, parent=None) -> None:
    """The body of the forked PyMC process: the posterior, sent back through ``send``."""
    if receive is not None:
        receive.close()             # only the parent reads: EOF there if this one dies
    child_signals(parent)           # and this one ends when the parent does
    _no_plotting()
    try:
        with one_thread():
            send.send(("ok", posterior(data, o, log, say)))
    except BaseException as exc:  # noqa: BLE001 - report it to the parent, whatever it is
        import traceback

        send.send(("error", (type(exc).__name__, str(exc), traceback.format_exc())))


def start(data, o, log=None, say=None, *, serial: bool = False):
    """The PyMC part, started now: in a forked child, or (``serial``, COINMIX_SERIAL, one core,
    no fork, or the model already compiled in this process) here, when its result is asked."""
    import multiprocessing as mp
    import os

    from bayes import model as mixture

    if (serial or mixture.is_compiled(o.components, o.learned) or os.environ.get("COINMIX_SERIAL")
            or (os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods()):
        return _Here(data, o, log, say)
    return _Forked(data, o, log, say)


def _no_plotting() -> None:
    """In the sampling process: ArviZ 1 imports its plotting package (and with it
    matplotlib.pyplot) as soon as nutpie is imported, half a second on the run's critical path.
    This process draws nothing, so it gets an empty stand-in for ``arviz_plots``; the figures
    are drawn by the parent, which imports the real one."""
    import sys
    import types

    if "arviz" in sys.modules or "arviz_plots" in sys.modules:
        return
    stand_in = types.ModuleType("arviz_plots", "empty stand-in: the sampling process draws nothing")
    stand_in.__version__ = "not loaded"
    stand_in.__all__ = []
    sys.modules["arviz_plots"] = stand_in
