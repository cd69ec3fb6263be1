"""``python -m compare``: both engines on one dataset, the agreement checks and the report.

Every flag, the data and the output folder are checked before PyMC is imported, so bad input
fails in a fraction of a second with one line on stderr and exit code 2, and nothing is written.
"""

from __future__ import annotations

import os
import shlex
import signal
import sys
import time
from pathlib import Path

from coindata.cli import (Parser, add_model_args, fail, int_between, nonempty, probabilities,
                          unit_interval)

from .studies import MAX_REPLICATES, MAX_SIZES, SIZE_RANGE
from .studies import names as study_names

#: --bootstrap-lrt: at most this many replicates (about 4 ms each on the paper's data)
MAX_BOOTSTRAP = 10_000


EPILOG = """output folder: the report is built in a temporary folder beside --out and moved into
place only when complete; Ctrl-C or SIGTERM leaves the previous report as it was. An existing
--out is replaced without asking only if it holds exactly a previous report of ours (every file
listed in its summary.json with a matching sha256, nothing added). Anything else is refused;
with --force it is moved aside to OUT.backup-TIME (the path is printed), never deleted. Of a
previous report only the files it lists, unchanged, are deleted; a file written into --out
while the run worked is kept in OUT.backup-TIME (printed). The next run puts back a report that
an interrupted run left in .OUT.old-* and removes its own .OUT.tmp-* folders. --out may not be
the current folder or one above it."""


def study_list(text: str) -> tuple[str, ...]:
    import argparse

    from .studies import names as study_names

    known = study_names()
    names = tuple(dict.fromkeys(t.strip() for t in text.split(",")))
    bad = [n for n in names if n not in known + ("all",)]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"unknown study {', '.join(map(repr, bad)) or repr(text)}; "
                                         f"choose from {', '.join(known)}, all")
    return known if "all" in names else names


def size_list(text: str) -> tuple[int, ...]:
    """--sizes: at most MAX_SIZES whole numbers of sets, each within SIZE_RANGE (one set cannot
    tell two coins apart; 10^6 sets take about 2 s each)."""
    import argparse

    low, high = SIZE_RANGE
    try:
        sizes = tuple(int(s) for s in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas, got "
                                         f"{text!r}") from None
    if not low <= min(sizes) <= max(sizes) <= high:
        raise argparse.ArgumentTypeError(f"each size must be a whole number from {low} to "
                                         f"{high}, got {text!r}")
    if len(sizes) > MAX_SIZES:
        raise argparse.ArgumentTypeError(f"at most {MAX_SIZES} sizes, got {len(sizes)}")
    return sizes


def build_parser(parser_class=Parser) -> Parser:
    """The command line's flags (compare.api reuses them, with a parser that raises
    ValueError instead of exiting)."""
    from .words import LANGUAGES

    p = parser_class(prog="python -m compare",
               description="Run EM (ML, MAP, VB), the PyMC posterior (NUTS), a Gibbs sampler and "
                           "the exact grid on one dataset; write summary.json, report.md, "
                           "report.html, figures/ and posterior.nc. Exit 0 on success, 2 on bad "
                           "input.", epilog=EPILOG)
    add_model_args(p, default_prior=(2.0, 2.0))
    p.add_argument("--init", type=probabilities, metavar="P1,...,PK",
                   help="EM's starting thetas (default for K = 2: the paper's 0.6,0.5)")
    p.add_argument("--draws", type=int_between(10, 10**6), default=None, metavar="N",
                   help="posterior draws per chain, 10 to 10^6, and chains x draws at most "
                        "4 x 10^6 (default: 2500; 1000 with --quick)")
    p.add_argument("--tune", type=int_between(10, 10**6), default=None, metavar="N",
                   help="warm-up draws per chain, 10 to 10^6 (default: 1000; 500 with --quick)")
    p.add_argument("--chains", type=int_between(1, 64), default=4, metavar="N",
                   help="chains, 1 to 64 (default: %(default)s)")
    p.add_argument("--target-accept", type=unit_interval, default=0.98, metavar="P",
                   help="NUTS target acceptance rate (default: %(default)s)")
    p.add_argument("--out", type=nonempty, metavar="DIR",
                   help="report folder (default: reports/<dataset name>)")
    p.add_argument("--force", action="store_true",
                   help="replace --out even if it is not exactly a previous report")
    p.add_argument("--quick", action="store_true", help="fewer draws (for tests)")
    p.add_argument("--lang", choices=LANGUAGES, default="en",
                   help="the report's language: en (English) or ko (Korean, 한국어); numbers, "
                        "formulas, code, data and summary.json stay as they are, and "
                        "summary.json says the language in its \"lang\" field "
                        "(default: %(default)s)")
    p.add_argument("--bootstrap-lrt", type=int_between(0, MAX_BOOTSTRAP), default=0, metavar="N",
                   help="how many coins: also a parametric bootstrap of the likelihood-ratio "
                        f"statistic with N replicates, 0 to {MAX_BOOTSTRAP} (each refits the "
                        "data twice; default: %(default)s, none)")
    p.add_argument("--study", type=study_list, metavar="NAME[,NAME...]",
                   help="also run studies: " + ", ".join(study_names())
                        + " (comma-separated; all = every one)")
    p.add_argument("--truth", type=probabilities, metavar="P1,P2",
                   help="studies: true thetas (default: the data's ML fit)")
    p.add_argument("--replicates", type=int_between(1, MAX_REPLICATES), default=None,
                   metavar="N",
                   help=f"studies: replicate datasets for coverage, 1 to {MAX_REPLICATES} "
                        "(default: 200; 40 with --quick)")
    p.add_argument("--sizes", type=size_list, metavar="N1,N2,...",
                   help=f"studies: numbers of sets for the size study, at most {MAX_SIZES} "
                        f"sizes, each from {SIZE_RANGE[0]} to {SIZE_RANGE[1]} "
                        "(default: 5,20,100,1000,10000)")
    return p


def prepare(args, argv) -> "Request":
    """The checked request from parsed flags: the data loaded, every option and study flag
    checked (no PyMC import). Raises ValueError with the one line the command line prints."""
    from coindata.sources import DataError, load

    from .options import Options, check
    from .pipeline import Request

    t_start = time.perf_counter()
    try:
        data = load(args.data)
    except DataError as exc:
        raise ValueError(str(exc)) from None
    t_load = time.perf_counter() - t_start
    draws = args.draws or (1000 if args.quick else 2500)
    tune = args.tune if args.tune is not None else (500 if args.quick else 1000)
    options = Options(components=args.components, weights=args.weights, prior=args.prior,
                      dirichlet=args.dirichlet, init=args.init, draws=draws, tune=tune,
                      chains=args.chains, target_accept=args.target_accept, seed=args.seed,
                      quick=args.quick)
    try:
        check(options, data)
    except ValueError as exc:
        raise ValueError(f"{data.source}: {exc}") from None
    study_args = None
    if args.study:
        from .studies import parse_study_args

        study_args = parse_study_args(args, data, options)
    command = shlex.join(["python", "-m", "compare", *_content_args(argv)])
    return Request(data=data, options=options, bootstrap_lrt=args.bootstrap_lrt,
                   studies=tuple(args.study or ()), study_args=study_args, command=command,
                   load_seconds=t_load, lang=getattr(args, "lang", None) or "en")


def main(argv=None) -> int:
    prog = "python -m compare"
    if sys.stderr is None:              # started with stderr closed: the stage lines go nowhere
        sys.stderr = open(os.devnull, "w")
    argv = list(argv) if argv is not None else sys.argv[1:]
    args = build_parser().parse_args(argv)
    t_start = time.perf_counter()
    try:
        request = prepare(args, argv)
    except ValueError as exc:
        fail(prog, str(exc))

    from . import folder
    from .pipeline import Progress, execute
    from .report import OutputError, check_room, write

    out = Path(args.out) if args.out else Path("reports") / request.data.name
    try:
        if not args.out:
            folder.make_parent(out)
        tidied = folder.prepare(out, args.force)
        check_room(out)
    except OutputError as exc:
        fail(prog, str(exc))
    for line in tidied:
        sys.stderr.write(line + "\n")

    progress = Progress()
    progress.log("load", request.load_seconds)
    previous = _catch_sigterm()         # like Ctrl-C: workers and temporary folders go
    try:
        r = execute(request, progress)  # forks the PyMC process first, then the rest
        outcome = write(r, out, force=args.force, log=progress.log)
    except OutputError as exc:
        fail(prog, str(exc))
    except KeyboardInterrupt:
        sys.stderr.write(f"{prog}: interrupted; {out} left as it was\n")
        return 130
    except _Terminated:
        sys.stderr.write(f"{prog}: terminated; {out} left as it was\n")
        return 143
    except OSError as exc:              # a full disk, a vanished folder: one line, no traceback
        sys.stderr.write(f"{prog}: error: cannot write the report "
                         f"({exc.strerror or exc}); {out} left as it was\n")
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    progress.log("total", time.perf_counter() - t_start)
    for line in outcome.lines(out):
        sys.stderr.write(line + "\n")
    sys.stderr.write(f"output     {out / 'report.html'}\n")
    _print_path(out / "report.html")
    return 0


def _print_path(path: Path) -> None:
    """The path on stdout as its exact bytes (a name that is not UTF-8 would make a strict
    stdout raise UnicodeEncodeError after all the work was done). A closed or full stdout, or
    one whose reader is gone, costs nothing: the report is written and stderr named it."""
    from coindata.cli import write_stdout

    write_stdout(os.fsencode(path) + b"\n", "python -m compare", required=False)


def _content_args(argv) -> list[str]:
    """The arguments that shape the report's content: without --out and --force, so that the
    same command, data and seed give the same report wherever it is written."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--out":
            skip = True
        elif not (arg.startswith("--out=") or arg == "--force"):
            out.append(arg)
    return out


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every clean-up runs (workers, temp folders)."""


def _terminate(signum, frame):
    raise _Terminated


def _catch_sigterm():
    """Install the SIGTERM handler (main thread only); returns the previous one."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _terminate)


if __name__ == "__main__":
    code = main()
    # Every file is written, closed and renamed by now. Interpreter teardown (numba, LLVM and
    # PyTensor finalisers) would take another 1.5 s, so leave at once.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):    # closed or gone: nothing to flush
            pass
    os._exit(code)
