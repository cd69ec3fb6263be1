"""Command-line plumbing shared by ``python -m em``, ``python -m bayes`` and ``python -m compare``.

Every command fails the same way: one line on stderr, exit code 2, no traceback. This module
imports only the standard library (and coindata.sources, which needs only NumPy), so that a bad
flag or file is rejected in a fraction of a second, before PyMC is ever imported.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

EXIT_BAD_INPUT = 2


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (and exit 2), not usage + error."""

    def error(self, message):  # noqa: D401 - argparse API
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(EXIT_BAD_INPUT)


def fail(prog: str, message: str):
    sys.stderr.write(f"{prog}: error: {' '.join(str(message).split())}\n")
    sys.exit(EXIT_BAD_INPUT)


# ---------------------------------------------------------------- value parsers (argparse types)

def _int(text: str, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"must be >= {low}, got {value}")
    return value


def positive_int(text: str) -> int:
    return _int(text, 1)


def nonneg_int(text: str) -> int:
    return _int(text, 0)


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
    return a, b


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
                   help="Beta(A, B) prior on every theta")
    p.add_argument("--dirichlet", type=positive_float, default=1.0, metavar="ALPHA",
                   help="symmetric Dirichlet prior on learned weights (default: %(default)s)")
    p.add_argument("--seed", type=nonneg_int, default=0, metavar="S",
                   help="random seed (default: %(default)s)")


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


def unit_interval(text: str) -> float:
    value = _float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"must lie strictly between 0 and 1, got {text}")
    return value
