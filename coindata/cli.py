"""Command-line plumbing shared by ``python -m em``, ``python -m bayes`` and ``python -m compare``.

Every command fails the same way: one line on stderr, exit code 2, no traceback. This module
imports only the standard library (and coindata.sources, which needs only NumPy), so that a bad
flag or file is rejected in a fraction of a second, before PyMC is ever imported.

The ranges checked here are the engines' tested ranges (em/options.py, bayes/options.py; the
engines check them again for the Python API, and tests/test_reliability.py checks that the
three places agree): seeds 0 <= S < 2^63, Beta A, B and Dirichlet ALPHA from 10^-3 to 10^6.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

EXIT_BAD_INPUT = 2
SEED_LIMIT = 2**63
PRIOR_MIN, PRIOR_MAX = 1e-3, 1e6


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (and exit 2), not usage + error; and no
    abbreviated flags (``--forc`` is an error, not ``--force``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message):  # noqa: D401 - argparse API
        write_stderr(f"{self.prog}: error: {message}\n")
        sys.exit(EXIT_BAD_INPUT)

    def _print_message(self, message, file=None):    # --help, --version: stdout may be gone
        if message:
            if file is None or file is sys.stdout:
                write_stdout(message, self.prog)
            else:
                write_stderr(message)


def fail(prog: str, message: str):
    write_stderr(f"{prog}: error: {' '.join(str(message).split())}\n")
    sys.exit(EXIT_BAD_INPUT)


def write_stderr(text: str) -> None:
    """A line on stderr, or nothing when stderr is closed or gone: the exit code still tells
    (a closed stderr used to turn exit 2 into a traceback and exit 1)."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass


#: exit code after stdout's reader went away (a pipe into ``head``): 128 + SIGPIPE, what the
#: shell reports for a filter ended by SIGPIPE
EXIT_BROKEN_PIPE = 141


def _detach_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so that the interpreter's last flush of what is
    still buffered cannot fail again ("Exception ignored ... BrokenPipeError")."""
    import os

    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.close(fd)
    except OSError:
        pass


def write_stdout(text, prog: str, *, required: bool = True) -> bool:
    """Write ``text`` (str, or bytes written as they are) to stdout and flush. When stdout's
    reader is gone (EPIPE): nothing more is said, exit EXIT_BROKEN_PIPE. When stdout is closed,
    missing or full: one line on stderr and exit 1 if the output is the result (``required``),
    else False (the caller has said it elsewhere)."""
    stream = sys.stdout
    try:
        if stream is None:
            raise OSError("stdout is closed")
        if isinstance(text, bytes):
            stream.flush()
            raw = getattr(stream, "buffer", None)
            if raw is None:
                stream.write(text.decode("utf-8", "backslashreplace"))
            else:
                raw.write(text)
                raw.flush()
        else:
            stream.write(text)
        stream.flush()
        return True
    except BrokenPipeError:
        _detach_stdout()
        if required:
            sys.exit(EXIT_BROKEN_PIPE)
        return False
    except (OSError, ValueError) as exc:    # ValueError: I/O operation on closed file
        _detach_stdout()
        if not required:
            return False
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        write_stderr(f"{prog}: error: cannot write the result to stdout ({why})\n")
        sys.exit(1)


# ---------------------------------------------------------------- value parsers (argparse types)

#: a whole number has at most this many digits (the data files' rule too)
_MAX_INT_DIGITS = 40


def _int(text: str, low: int) -> int:
    """A whole number by the data files' rule (coindata.sources): ASCII digits, optionally after
    a minus sign, spaces around allowed; no underscores, no other digits (``５``), no plus sign."""
    s = text.strip()
    digits = s[1:] if s.startswith("-") else s
    if not (digits.isascii() and digits.isdigit()):
        raise argparse.ArgumentTypeError(f"expected a whole number (digits 0-9 only), "
                                         f"got {text!r}")
    if len(digits.lstrip("0")) > _MAX_INT_DIGITS:
        raise argparse.ArgumentTypeError(f"expected a whole number of at most "
                                         f"{_MAX_INT_DIGITS} digits, got {len(digits)}")
    value = int(s)
    if value < low:
        raise argparse.ArgumentTypeError(f"must be >= {low}, got {value}")
    return value


def positive_int(text: str) -> int:
    return _int(text, 1)


def nonneg_int(text: str) -> int:
    return _int(text, 0)


def int_between(low: int, high: int):
    """An argparse type: a whole number from ``low`` to ``high``."""
    def parse(text: str) -> int:
        value = _int(text, -math.inf)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}, "
                                             f"got {value}")
        return value
    return parse


def random_seed(text: str) -> int:
    """A random seed: a whole number 0 <= S < 2^63."""
    value = _int(text, 0)
    if value >= SEED_LIMIT:
        raise argparse.ArgumentTypeError(f"must be below 2^63 = {SEED_LIMIT}, got {value}")
    return value


def nonempty(text: str) -> str:
    """A path that is not the empty string (which would silently mean a default)."""
    if not text:
        raise argparse.ArgumentTypeError("expected a path, got an empty string")
    return text


def _float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def positive_float(text: str) -> float:
    value = _float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def nonneg_float(text: str) -> float:
    value = _float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def prior_pair(text: str) -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"expected A,B (two numbers), got {text!r}")
    a, b = (_float(p) for p in parts)
    if a <= 0 or b <= 0:
        raise argparse.ArgumentTypeError(f"Beta(A, B) needs A > 0 and B > 0, got {text!r}")
    if not (PRIOR_MIN <= a <= PRIOR_MAX and PRIOR_MIN <= b <= PRIOR_MAX):
        raise argparse.ArgumentTypeError(f"Beta(A, B) needs 10^-3 <= A, B <= 10^6 (the tested "
                                         f"range), got {text!r}")
    return a, b


def concentration(text: str) -> float:
    """A Dirichlet concentration, from 10^-3 to 10^6."""
    value = positive_float(text)
    if not PRIOR_MIN <= value <= PRIOR_MAX:
        raise argparse.ArgumentTypeError(f"must lie between 10^-3 and 10^6 (the tested range), "
                                         f"got {text}")
    return value


def probabilities(text: str) -> tuple[float, ...]:
    values = tuple(_float(p) for p in text.split(","))
    if not all(0.0 < v < 1.0 for v in values):
        raise argparse.ArgumentTypeError(f"values must lie strictly between 0 and 1, got {text!r}")
    return values


# ---------------------------------------------------------------- shared flags

DEFAULT_DATA = "builtin:do-batzoglou"


def add_model_args(p: argparse.ArgumentParser, *, default_prior=None):
    p.add_argument("--data", default=DEFAULT_DATA, metavar="SRC",
                   help="builtin:NAME, a .csv (heads,tosses or sequence[,coin]) or a .txt file of "
                        "H/T lines (default: %(default)s)")
    p.add_argument("--components", type=positive_int, default=2, metavar="K",
                   help="number of coins (default: %(default)s)")
    p.add_argument("--weights", choices=("fixed", "learned"), default="fixed",
                   help="coin weights: fixed and equal as in the paper, or learned "
                        "(default: %(default)s)")
    p.add_argument("--prior", type=prior_pair, default=default_prior, metavar="A,B",
                   help="Beta(A, B) prior on every theta, 10^-3 <= A, B <= 10^6")
    p.add_argument("--dirichlet", type=concentration, default=1.0, metavar="ALPHA",
                   help="symmetric Dirichlet prior on learned weights, 10^-3 to 10^6 "
                        "(default: %(default)s)")
    p.add_argument("--seed", type=random_seed, default=0, metavar="S",
                   help="random seed, 0 <= S < 2^63 (default: %(default)s)")


def load_data(prog: str, src: str):
    """coindata.load, with a bad source turned into the one-line exit-2 failure."""
    from .sources import DataError, load

    try:
        return load(src)
    except DataError as exc:
        fail(prog, str(exc))


def dumps(obj) -> str:
    """JSON with NaN/inf refused (they would not be valid JSON)."""
    return json.dumps(obj, indent=2, allow_nan=False)


def finite_json(obj, path: str = ""):
    """``obj`` with every NaN or infinite float replaced by None (JSON has no such numbers), and
    the list of what was replaced, as ``"path: value"`` strings (``"log_likelihood: -inf"``)."""
    found = []

    def clean(x, where):
        if isinstance(x, float) and not math.isfinite(x):
            found.append(f"{where}: {x}")
            return None
        if isinstance(x, dict):
            return {k: clean(v, f"{where}.{k}" if where else str(k)) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v, f"{where}[{i}]") for i, v in enumerate(x)]
        return x

    return clean(obj, path), found


def unit_interval(text: str) -> float:
    value = _float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"must lie strictly between 0 and 1, got {text}")
    return value
