"""The suite in a notebook: ``compare.run(...)`` mirrors ``python -m compare``.

    import compare
    r = compare.run(data="builtin:do-batzoglou", components=2, weights="fixed", prior=(2, 2))
    r                       # in Jupyter: the report, its figures inline
    r.summary               # the summary.json dict
    r.posterior             # the ArviZ DataTree that posterior.nc holds
    r.save("reports/mine")  # the report folder, under the command line's folder rules

The keywords are the command line's flags with underscores; each value is turned into the flag's
text and read by the command line's own parser and checks, so a bad value raises ValueError with
the command line's one line (naming the flag), before PyMC is imported.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager, nullcontext

from coindata.cli import Parser

from .pipeline import Progress

#: keyword -> flag, in the order ``python -m compare --help`` lists them (--out, --force: save)
FLAGS = ("data", "components", "weights", "prior", "dirichlet", "seed", "init", "draws", "tune",
         "chains", "target_accept", "quick", "bootstrap_lrt", "study", "truth", "replicates",
         "sizes", "lang")
SWITCHES = ("quick",)


def run(data: str | None = None, *, components: int | None = None,
        weights: str | None = None, prior=None, dirichlet: float | None = None,
        seed: int | None = None, init=None, draws: int | None = None, tune: int | None = None,
        chains: int | None = None, target_accept: float | None = None, quick: bool = False,
        bootstrap_lrt: int | None = None, study=None, truth=None, replicates: int | None = None,
        sizes=None, lang: str | None = None, progress: bool | None = None):
    """Run both engines, the checks and the figures on one dataset, as ``python -m compare``
    does; returns the run (compare.results.Run) the report is written from.

    A keyword left at None takes the command line's default (``data``: the paper's
    builtin:do-batzoglou; ``prior``: Beta(2, 2)). ``prior``, ``init``, ``truth``,
    ``sizes``: a sequence of numbers (or the flag's text, "2,2"); ``study``: names, or "all".
    ``lang``: the report's language, "en" (the default) or "ko" (Korean); summary.json is the
    same apart from its ``lang`` field.
    ``progress``: None shows it as the command line does (stage lines on stderr), or as one
    updating line under a notebook kernel; False shows nothing.
    """
    values = dict(data=data, components=components, weights=weights, prior=prior,
                  dirichlet=dirichlet, seed=seed, init=init, draws=draws, tune=tune,
                  chains=chains, target_accept=target_accept, quick=quick,
                  bootstrap_lrt=bootstrap_lrt, study=study, truth=truth,
                  replicates=replicates, sizes=sizes, lang=lang)
    request = prepare(**values)
    kernel = in_kernel()
    if progress is False:
        from .pipeline import Silent

        shown = Silent()
    else:
        shown = NotebookProgress() if kernel else Progress()
    from .pipeline import execute

    t0 = time.perf_counter()
    shown.log("load", request.load_seconds)
    with _kernel_backend() if kernel else nullcontext():
        r = execute(request, shown, serial=kernel)   # under a kernel: no fork of the kernel
    shown.log("total", time.perf_counter() - t0 + request.load_seconds)
    return r


def argv(**values) -> list[str]:
    """The command line that the keywords stand for (``--out`` and ``--force`` excepted)."""
    out = []
    for key in FLAGS:
        value = values.get(key)
        if value is None or value is False:
            continue
        flag = "--" + key.replace("_", "-")
        if key in SWITCHES:
            if value is not True:
                raise ValueError(f"argument {flag}: expected True or False, got {value!r}")
            out.append(flag)
            continue
        out += [flag, _text(flag, value)]
    return out


def prepare(**values):
    """The checked request (compare.pipeline.Request) for these keywords, by the command line's
    parser and checks; ValueError with the command line's one line for anything it rejects."""
    from .__main__ import build_parser, prepare as from_args

    unknown = set(values) - set(FLAGS)
    if unknown:
        raise TypeError(f"unexpected keyword argument {sorted(unknown)[0]!r}")
    words = argv(**values)
    args = build_parser(_RaisingParser).parse_args(words)
    try:
        return from_args(args, words)
    except ValueError as exc:
        raise ValueError(" ".join(str(exc).split())) from None


def _text(flag: str, value) -> str:
    if isinstance(value, bool):
        raise ValueError(f"argument {flag}: expected a value, got {value!r}")
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return ",".join(_text(flag, v) for v in value)
    if hasattr(value, "tolist"):                      # NumPy arrays and scalars
        return _text(flag, value.tolist())
    if isinstance(value, (int, float)):
        return repr(value)
    raise ValueError(f"argument {flag}: expected a number, text or a sequence of them, "
                     f"got {type(value).__name__}")


class _RaisingParser(Parser):
    """The command line's parser, but a bad flag raises ValueError (the same one line, without
    the program's name) instead of exiting."""

    def error(self, message):  # noqa: D401 - argparse API
        raise ValueError(" ".join(str(message).split()))

    def exit(self, status=0, message=None):    # --help and the like have no place here
        raise ValueError(" ".join(str(message or "").split()) or "no run")


@contextmanager
def _kernel_backend():
    """compare's figures switch matplotlib to Agg (compare.style): give a notebook its own
    backend back afterwards, so that the reader's own plots still show."""
    mpl = sys.modules.get("matplotlib")
    before = mpl.rcParams["backend"] if mpl is not None else os.environ.get("MPLBACKEND")
    try:
        yield
    finally:
        mpl = sys.modules.get("matplotlib")
        if before and mpl is not None and mpl.rcParams["backend"] != before:
            mpl.use(before)


def in_kernel() -> bool:
    """Running under a Jupyter (IPython) kernel?"""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # noqa: BLE001 - no shell at all
        return False
    return shell is not None and getattr(shell, "kernel", None) is not None


class NotebookProgress(Progress):
    """The stages as one line that updates in place (IPython.display), not a pile of stderr
    lines. Silent in a forked child, which has no display of its own."""

    def __init__(self):
        self.pid = os.getpid()
        self.handle = None
        self.done = []

    def _show(self, text: str) -> None:
        if os.getpid() != self.pid:
            return
        from IPython.display import display

        line = {"text/plain": f"coinmix: {text}"}
        if self.handle is None:
            self.handle = display(line, raw=True, display_id=True)
        else:
            self.handle.update(line, raw=True)

    def say(self, stage, text):
        self._show(f"{stage} … {text}")

    def log(self, stage, seconds):
        if stage == "total":
            self._show(f"done in {seconds:.1f} s (" + ", ".join(self.done) + ")")
            return
        self.done.append(f"{stage} {seconds:.2f} s")
        self._show(f"{stage} done, {seconds:.2f} s")
