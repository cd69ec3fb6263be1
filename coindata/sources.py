"""Coin-toss data: built-in sets, CSV and text files, and simulation, all as CoinData.

A data set is a list of *sets*: for each, how many of its tosses came up heads. That pair
of integer arrays is all the engines see; names, labels and the sha256 travel with it.

Sources accepted by ``load(src)``:

``builtin:NAME``
    A data set shipped with the package (``coindata.builtins``); ``builtin:do-batzoglou`` is the
    worked example of Do & Batzoglou (2008), with its known coins B, A, A, B, A.

``PATH.csv``
    UTF-8 text (a byte-order mark is fine) whose first non-blank line is a header. Either
    ``heads,tosses`` columns (whole numbers, ``0 <= heads <= tosses``, ``tosses >= 1``) or
    one ``sequence`` column of H/T strings (any case). An optional ``coin`` column gives the
    known coin of every set. Column names ignore case and surrounding spaces; any other
    column is an error. Blank lines are skipped. For example::

        heads,tosses,coin          sequence
        5,10,B                     HTTTHHTHTH
        9,10,A                     hhhhthhhhh

``PATH.txt``
    One H/T sequence per line (any case, no spaces inside). Blank lines, lines starting
    with ``#`` and a trailing ``# comment`` after a sequence are ignored.

A file must be a regular file (a symbolic link to one is fine; a FIFO or a device such as
/dev/zero is refused before anything is read) of at most ``MAX_FILE_BYTES`` = 256 MiB: about
5 x 10^7 sets of counts, and parsing takes up to ~50 bytes of memory per byte of file. A quoted
empty field (``""``) is a value, not a blank line: an empty sequence is an error.

Counts are limited to the range the engines were shown correct on: at most ``MAX_TOSSES`` =
10^9 tosses in a set and ``MAX_TOTAL_TOSSES`` = 10^15 tosses in all (beyond, sums lose
precision in floating point and the engines' results were silently wrong).

The data set's name is NAME for built-ins and the file stem for files. In-memory data come
from ``from_counts`` and ``simulate``.

Bad input raises ``DataError``, a ``ValueError`` whose message is one line,
``<source>:<line>: <problem>`` (line numbers are 1-based file lines), naming the first
offending line and value.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import operator
import os
import re
import stat
from dataclasses import dataclass

import numpy as np

from .builtins import BUILTINS, builtin_names

__all__ = ["CoinData", "DataError", "from_counts", "load", "simulate"]

MAX_TOSSES = 10**9              # tosses in one set
MAX_TOTAL_TOSSES = 10**15       # tosses in all the sets together
MAX_FILE_BYTES = 256 * 2**20    # a data file (256 MiB)
_MAX_DIGITS = 18  # a field longer than this is too large anyway; shorter ones fit in int64
_TOO_LARGE = "is too large (the limit is 10^9 tosses per set)"
_COLUMNS = ("heads", "tosses", "sequence", "coin")
_UPPER_SEQ_RE = re.compile(r"[HT]+")
_NOT_HT = re.compile(r"[^HhTt]")
_LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_SHA256_RE = re.compile(r"[0-9a-f]{64}")


class DataError(ValueError):
    """Bad data or arguments. ``str(err)`` is one line: ``<source>[:<line>]: <problem>``.

    The parts are kept as ``source``, ``line`` (1-based, or None) and ``problem``.
    """

    def __init__(self, source: str, problem: str, line: int | None = None):
        self.source, self.problem, self.line = str(source), str(problem), line
        where = self.source if line is None else f"{self.source}:{line}"
        text = f"{where}: {self.problem}"
        super().__init__(_LINE_BREAKS.sub(lambda m: repr(m.group())[1:-1], text))

    def __reduce__(self):
        return type(self), (self.source, self.problem, self.line)


class _Bad(Exception):
    """Internal: one value is wrong; the caller adds where."""


def _show(text: str, limit: int = 40) -> str:
    """Quote a user's value for a message, shortened if long."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


# --------------------------------------------------------------------------- CoinData


@dataclass(frozen=True, eq=False)
class CoinData:
    """Validated coin-toss data: per set, ``heads`` out of ``tosses``.

    Attributes:
        name: data set name (file stem, built-in name, or given).
        heads: int64 array, shape (n_sets,), read-only.
        tosses: int64 array, shape (n_sets,), read-only; ``1 <= tosses``, ``heads <= tosses``.
        labels: known coin of each set, or None.
        sha256: hex sha256 of the source file's bytes, or of ``to_csv()`` for other data.
        source: where the data came from, e.g. ``builtin:do-batzoglou`` or a path as given.
        sequences: the upper-case H/T strings, when the input had them; else None.

    Construction validates everything (raising DataError), so a CoinData is always valid.
    """

    name: str
    heads: np.ndarray
    tosses: np.ndarray
    labels: tuple[str, ...] | None
    sha256: str
    source: str
    sequences: tuple[str, ...] | None = None

    def __post_init__(self):
        where = self.name if isinstance(self.name, str) and self.name else "CoinData"
        if not isinstance(self.name, str) or not self.name:
            raise DataError(where, f"name must be a non-empty string, got {self.name!r}")
        if not isinstance(self.source, str):
            raise DataError(where, f"source must be a string, got {self.source!r}")
        if not isinstance(self.sha256, str) or not _SHA256_RE.fullmatch(self.sha256):
            raise DataError(where, f"sha256 must be 64 lower-case hex digits, got {self.sha256!r}")
        heads, tosses = _validated_counts(self.heads, self.tosses, where)
        n = len(heads)
        labels = _validated_labels(self.labels, n, where)
        sequences = _validated_sequences(self.sequences, heads, tosses, where)
        for field, value in (("heads", heads), ("tosses", tosses)):
            value.flags.writeable = False
            object.__setattr__(self, field, value)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "sequences", sequences)

    @property
    def n_sets(self) -> int:
        """Number of sets."""
        return int(self.heads.shape[0])

    @property
    def tails(self) -> np.ndarray:
        """``tosses - heads``, int64, shape (n_sets,), read-only."""
        tails = self.tosses - self.heads
        tails.flags.writeable = False
        return tails

    def to_csv(self) -> str:
        """The data as CSV text (``sequence`` or ``heads,tosses``, plus ``coin`` if known).

        Loading a file holding exactly this text gives back equal data; for in-memory
        data its sha256 is ``self.sha256``.
        """
        return _canonical_csv(self.heads, self.tosses, self.labels, self.sequences)

    def __eq__(self, other):
        if not isinstance(other, CoinData):
            return NotImplemented
        return (
            (self.name, self.labels, self.sha256, self.source, self.sequences)
            == (other.name, other.labels, other.sha256, other.source, other.sequences)
            and np.array_equal(self.heads, other.heads)
            and np.array_equal(self.tosses, other.tosses)
        )

    def __hash__(self):
        return hash((self.name, self.sha256, self.source))

    def __repr__(self):
        return (
            f"CoinData(name={self.name!r}, n_sets={self.n_sets}, source={self.source!r}, "
            f"labels={'yes' if self.labels else 'no'}, sha256={self.sha256[:12]!r}...)"
        )


def _canonical_csv(heads, tosses, labels, sequences) -> str:
    """CSV text of the data: a header, then one line per set, "\\n" line ends."""
    if sequences is not None:
        header, columns = ["sequence"], [sequences]
    else:
        header, columns = ["heads", "tosses"], [heads.tolist(), tosses.tolist()]
    if labels is not None:  # a label may need quoting
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header + ["coin"])
        writer.writerows(zip(*columns, labels))
        return out.getvalue()
    rows = sequences if sequences is not None else [f"{h},{t}" for h, t in zip(*columns)]
    return "\n".join([",".join(header), *rows]) + "\n"


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- validation


def _pair_problem(h: int, t: int) -> str:
    if t < 1:
        return f"tosses {t}: need at least one toss"
    if t > MAX_TOSSES:
        return f"tosses {t} is above the limit of 10^9 tosses per set"
    return f"heads {h} > tosses {t}"


def _first_problem(heads, tosses, fails, n):
    """Earliest problem as (index, message): a column's first bad value, a bad pair, or the set
    where the running total of tosses passes MAX_TOTAL_TOSSES.

    ``fails`` holds each column's first failure (index, message), in column order;
    ``heads``/``tosses`` are valid at least up to the earliest failure.
    """
    limit = min((i for i, _ in fails), default=n)
    h, t = heads[:limit], tosses[:limit]
    bad = (t < 1) | (h > t) | (t > MAX_TOSSES)
    first = int(bad.argmax()) if bad.any() else limit
    if first * MAX_TOSSES > MAX_TOTAL_TOSSES:       # else the total cannot pass the limit
        total = np.cumsum(t[:first])                # each <= 10^9: no overflow
        over = total > MAX_TOTAL_TOSSES
        if over.any():
            i = int(over.argmax())
            return i, (f"the tosses add up to {int(total[i])} here, above the limit of 10^15 "
                       "for all sets together")
    if first < limit:
        return first, _pair_problem(int(h[first]), int(t[first]))
    return min(fails, key=operator.itemgetter(0)) if fails else None


def _count_array(values, column: str, where: str):
    """In-memory counts -> (int64 array, first failure or None); bad entries become 0."""
    if values is None:
        raise DataError(where, f"{column} is None: expected a list or 1-D array of whole numbers")
    if isinstance(values, np.ma.MaskedArray):
        raise DataError(where, f"{column} is a masked array: its masked sets would be counted "
                               f"as data; pass only the sets to use (e.g. {column}.compressed(), "
                               "with the same mask on both)")
    try:
        a = np.asarray(values)
    except (TypeError, ValueError, OverflowError) as exc:
        raise DataError(where, f"{column} is not an array of whole numbers ({exc})") from None
    if a.ndim != 1:
        raise DataError(where, f"{column} must be one-dimensional, got shape {a.shape}")
    if a.dtype.kind == "f" and a.dtype.itemsize < 8:
        a = a.astype(np.float64)        # float16 would overflow comparing with 2^62
    kind = a.dtype.kind
    if kind == "b":
        raise DataError(where, f"{column} holds booleans; need whole-number counts")
    if kind in "iu":
        big = a > np.iinfo(np.int64).max if kind == "u" else np.zeros(a.shape, bool)
        checks = [(a < 0, "is negative"), (big, _TOO_LARGE)]
        out = np.where(big, 0, a).astype(np.int64)
    elif kind == "f":
        with np.errstate(invalid="ignore"):
            whole = np.isfinite(a) & (a == np.floor(a))
            checks = [(~whole, "is not a whole number"), (a < 0, "is negative"),
                      (whole & (np.abs(a) >= 2.0**62), _TOO_LARGE)]
            out = np.where(whole & (np.abs(a) < 2.0**62), a, 0).astype(np.int64)
    elif kind == "O":
        return _count_objects(a, column)
    else:
        raise DataError(where, f"{column} must hold numbers, got {a.dtype} values")
    fail = None
    for mask, what in checks:
        if mask.any():
            i = int(mask.argmax())
            if fail is None or i < fail[0]:
                value = repr(float(a[i])) if kind == "f" else int(a[i])
                fail = (i, f"{column} {value} {what}")
    if fail is not None:
        out[fail[0]:] = 0
    return out, fail


def _count_objects(a: np.ndarray, column: str):
    """Object arrays (huge Python ints, None, mixed types): check element by element."""
    out = np.zeros(a.shape, np.int64)
    for i, x in enumerate(a.tolist()):
        if isinstance(x, bool) or not isinstance(x, (int, float)) or (
            isinstance(x, float) and not x.is_integer()
        ):
            return out, (i, f"{column} {x!r} is not a whole number")
        if x < 0:
            return out, (i, f"{column} {x} is negative")
        if x >= 2**62:
            return out, (i, f"{column} {x} {_TOO_LARGE}")
        out[i] = int(x)
    return out, None


def _validated_counts(heads, tosses, where: str):
    """Check in-memory heads/tosses; return fresh int64 arrays or raise DataError."""
    h, h_fail = _count_array(heads, "heads", where)
    t, t_fail = _count_array(tosses, "tosses", where)
    if len(h) != len(t):
        raise DataError(where, f"heads has {len(h)} sets but tosses has {len(t)}")
    if len(h) == 0:
        raise DataError(where, "no sets (heads and tosses are empty)")
    fails = [f for f in (h_fail, t_fail) if f is not None]
    problem = _first_problem(h, t, fails, len(h))
    if problem is not None:
        raise DataError(where, f"set {problem[0] + 1}: {problem[1]}")
    return h, t  # fresh arrays: _count_array never returns its input


def _validated_labels(labels, n: int, where: str):
    """None, or a tuple of n non-empty, unpadded strings (integers are turned into strings)."""
    if labels is None:
        return None
    if isinstance(labels, str):
        raise DataError(where, "labels must be a sequence of strings, not one string")
    labels = tuple(labels)
    if (len(labels) == n and set(map(type, labels)) <= {str} and all(labels)
            and labels == tuple(map(str.strip, labels))):
        return labels  # the common case, checked without a Python-level loop
    out = []
    for i, label in enumerate(labels):
        if isinstance(label, (int, np.integer)) and not isinstance(label, (bool, np.bool_)):
            label = str(label)
        if not isinstance(label, str):
            raise DataError(where, f"set {i + 1}: label {label!r} is not a string")
        if not label or label != label.strip():
            raise DataError(where, f"set {i + 1}: label {label!r} is empty or padded with spaces")
        out.append(label)
    if len(out) != n:
        raise DataError(where, f"{len(out)} labels for {n} sets")
    return tuple(out)


def _validated_sequences(sequences, heads, tosses, where: str):
    """None, or a tuple of upper-case H/T strings agreeing with heads and tosses."""
    if sequences is None:
        return None
    seqs = tuple(sequences)
    if len(seqs) != len(heads):
        raise DataError(where, f"{len(seqs)} sequences for {len(heads)} sets")
    if not set(map(type, seqs)) <= {str}:
        raise DataError(where, "sequences must be strings")
    if not _made_of(seqs, b"HT"):
        i = next(i for i, s in enumerate(seqs) if not _UPPER_SEQ_RE.fullmatch(s))
        raise DataError(where, f"set {i + 1}: sequence {_show(seqs[i])} is not upper-case H/T")
    n_heads, n_tosses = _counts_of(seqs)
    bad = (n_heads != heads) | (n_tosses != tosses)
    if bad.any():
        i = int(bad.argmax())
        raise DataError(
            where,
            f"set {i + 1}: sequence {_show(seqs[i])} has {n_heads[i]} heads in "
            f"{n_tosses[i]} tosses, but the counts say {heads[i]} of {tosses[i]}",
        )
    return seqs


# --------------------------------------------------------------------------- text fields


def _parse_count(column: str, field: str) -> int:
    s = field.strip()
    if not s:
        raise _Bad(f"{column} is empty")
    if s.isascii() and s.isdigit():
        if len(s.lstrip("0")) > _MAX_DIGITS:
            raise _Bad(f"{column} {_show(s)} {_TOO_LARGE}")
        return int(s)
    rest = s[1:]
    if s[0] == "-" and rest.isascii() and rest.isdigit() and rest.strip("0"):
        raise _Bad(f"{column} {s} is negative")
    raise _Bad(f"{column} {_show(s)} is not a whole number")


def _count_column(fields, column: str):
    """Text counts -> (int64 array, first failure or None); the array stops at the failure."""
    if _made_of(fields, b"0123456789") and max(map(len, fields)) <= _MAX_DIGITS:
        # plain digit strings only, so the fast text parser reads exactly one per field
        values = np.fromstring("\n".join(fields), dtype=np.int64, sep="\n")
        if len(values) == len(fields):
            return values, None
    values = []
    for i, field in enumerate(fields):
        try:
            values.append(_parse_count(column, field))
        except _Bad as exc:
            return np.array(values, np.int64), (i, str(exc))
    return np.array(values, np.int64), None


def _parse_sequence(field: str) -> str:
    s = field.strip()
    if not s:
        raise _Bad("empty sequence (need at least one toss)")
    bad = _NOT_HT.search(s)
    if bad:
        c = bad.group()
        if c.isspace():
            raise _Bad(f"space inside sequence {_show(s)} (write the tosses without spaces)")
        raise _Bad(f"unknown character {c!r} in {_show(s)} (only H and T are allowed)")
    return s.upper()


def _sequence_column(fields):
    """Text sequences -> (upper-case list, first failure or None); the list stops at it."""
    if _made_of(fields, b"HhTt"):
        return "\n".join(fields).upper().split("\n"), None
    values = []
    for i, field in enumerate(fields):
        try:
            values.append(_parse_sequence(field))
        except _Bad as exc:
            return values, (i, str(exc))
    return values, None


def _label_column(fields):
    labels = [f.strip() for f in fields]
    if all(labels):
        return labels, None
    i = labels.index("")
    return labels[:i], (i, "coin label is empty (with a coin column, every row needs one)")


def _made_of(fields, allowed: bytes) -> bool:
    """Whether every field is a non-empty string of ``allowed`` ASCII characters."""
    joined = "\n".join(fields)
    return (
        joined.isascii()
        and all(fields)
        # nothing but the separators may remain: no other character, no newline in a field
        and joined.encode("ascii").translate(None, allowed) == b"\n" * (len(fields) - 1)
    )


def _counts_of(seqs):
    """Heads and tosses (int64 arrays) of upper-case H/T strings."""
    n = len(seqs)
    return (
        np.fromiter(map(str.count, seqs, itertools.repeat("H", n)), np.int64, n),
        np.fromiter(map(len, seqs), np.int64, n),
    )


# --------------------------------------------------------------------------- files


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _regular_file(mode: int, shown: str) -> None:
    """DataError unless ``mode`` is a regular file's (reading a FIFO would wait for a writer
    forever, /dev/zero never ends)."""
    if stat.S_ISDIR(mode):
        raise DataError(shown, "is a directory, not a file")
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise DataError(shown, f"is {kind}, not a regular file (give a .csv or .txt file)")


def _not_a_kernel_file(info, shown: str) -> None:
    """Refuse the kernel's pseudo-files (/proc, /sys: /proc/self/environ would have its
    contents, the environment, shown in the error message)."""
    for root in ("/proc", "/sys"):
        try:
            same = os.stat(root).st_dev == info.st_dev
        except OSError:
            continue
        if same:
            raise DataError(shown, f"is a file of the kernel's {root}, not a data file")


def _open_nonblocking(path, flags):
    """Open without blocking: a FIFO that appeared after the check must not hang the open."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _read_text(path: str, shown: str) -> tuple[bytes, str]:
    """The file's bytes and their UTF-8 text (BOM dropped), or DataError.

    Only a regular file (or a symbolic link to one) of at most MAX_FILE_BYTES is read, with a
    bounded read: nothing larger than MAX_FILE_BYTES + 1 bytes is ever allocated.
    """
    too_big = (f"is larger than the limit of {MAX_FILE_BYTES} bytes "
               f"({MAX_FILE_BYTES / 2**20:g} MiB) for a data file")
    try:
        _regular_file(os.stat(path).st_mode, shown)     # follows symbolic links
        with open(path, "rb", opener=_open_nonblocking) as f:
            info = os.fstat(f.fileno())
            _regular_file(info.st_mode, shown)          # the file opened is the one checked
            _not_a_kernel_file(info, shown)
            if info.st_size > MAX_FILE_BYTES:
                raise DataError(shown, too_big)
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise DataError(shown, "no such file") from None
    except IsADirectoryError:
        raise DataError(shown, "is a directory, not a file") from None
    except PermissionError:
        raise DataError(shown, "not readable (permission denied)") from None
    except OSError as exc:
        raise DataError(shown, f"cannot read ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:                       # it grew while being read
        raise DataError(shown, too_big)
    skip = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = raw[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = skip + exc.start
        line = raw.count(b"\n", 0, at) + 1
        column = at - (raw.rfind(b"\n", 0, at) + 1) + 1
        problem = f"not valid UTF-8 (byte 0x{raw[at]:02x} at column {column}; save as UTF-8)"
        raise DataError(shown, problem, line) from None
    return raw, text


def _read_header(row, shown: str, line: int) -> dict[str, int]:
    names = [c.strip().lower() for c in row]
    for i, name in enumerate(names):
        if not name:
            raise DataError(shown, f"column {i + 1} of the header has no name", line)
    unknown = [n for n in names if n not in _COLUMNS]
    if unknown:
        which = ", ".join(map(_show, unknown))
        hint = "" if len(unknown) < len(names) else "; the first line must be the header"
        raise DataError(
            shown,
            f"unknown column{'s' if len(unknown) > 1 else ''} {which} "
            f"(allowed: heads, tosses, sequence, coin{hint})",
            line,
        )
    for i, name in enumerate(names):
        if name in names[:i]:
            raise DataError(shown, f"column {name!r} appears twice", line)
    if "sequence" in names and ("heads" in names or "tosses" in names):
        raise DataError(shown, "both heads/tosses and sequence columns given (use one form)", line)
    if "sequence" not in names:
        missing = [c for c in ("heads", "tosses") if c not in names]
        if missing:
            which = ", ".join(map(repr, missing))
            raise DataError(
                shown,
                f"missing column{'s' if len(missing) > 1 else ''} {which} "
                "(need heads,tosses or sequence)",
                line,
            )
    return {name: i for i, name in enumerate(names)}


def _blank(row) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


def _csv_rows(text: str, shown: str):
    """The header's columns, data rows, their line numbers, and a pending (line, problem).

    Reading stops at the first broken row (wrong number of fields, bad quoting), which is
    left pending so that a bad value on an earlier line is reported first.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    if '"' not in text:  # no quoting, so no field spans lines: row k is line k + 1
        try:
            rows = list(reader)
        except csv.Error:
            reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        else:
            return _split_rows(rows, range(1, len(rows) + 1), shown, None)
    rows, lines, pending, prev = [], [], None, 0
    quoted, raw_lines = set(), None     # rows that look blank but were quoted, such as ""
    try:
        for row in reader:
            if _blank(row):
                if raw_lines is None:
                    raw_lines = io.StringIO(text, newline="").readlines()
                if any('"' in raw for raw in raw_lines[prev:reader.line_num]):
                    quoted.add(len(rows))
            rows.append(row)
            lines.append(prev + 1)
            prev = reader.line_num
    except csv.Error as exc:
        problem = f"malformed CSV ({exc})"
        if "field limit" in str(exc):
            problem = (f"field longer than {csv.field_size_limit()} characters "
                       "(put long sequences in a .txt file)")
        pending = (reader.line_num, problem)
    return _split_rows(rows, lines, shown, pending, quoted)


def _split_rows(rows, lines, shown: str, pending, quoted=frozenset()):
    """Find the header, drop blank rows, stop at the first row of the wrong width.

    Rows whose indices are in ``quoted`` look blank but held a quoted field (``""``): they are
    values, kept (an empty sequence, or a row with too few fields, is then reported)."""
    header = next((k for k, row in enumerate(rows) if not _blank(row) or k in quoted), None)
    if header is None:
        if pending is not None:
            raise DataError(shown, pending[1], pending[0])
        raise DataError(shown, "no data rows (the file is empty)")
    columns = _read_header(rows[header], shown, lines[header])
    width = len(rows[header])
    body, body_lines = rows[header + 1:], lines[header + 1:]
    if set(map(len, body)) <= {width} and (
        width > 1 or all(map(str.strip, map(operator.itemgetter(0), body)))
    ):
        return columns, body, body_lines, pending
    names = ",".join(c.strip().lower() for c in rows[header])
    drop, cut = [], len(body)
    for k in [k for k, row in enumerate(body) if len(row) != width or _blank(row)]:
        if _blank(body[k]) and k + header + 1 not in quoted:
            drop.append(k)
        elif len(body[k]) != width:
            pending = (body_lines[k], f"{len(body[k])} fields, expected {width} ({names})")
            cut = k
            break
    kept_rows, kept_lines, start = [], [], 0
    for k in drop + [cut]:
        kept_rows += body[start:k]
        kept_lines += body_lines[start:k]
        start = k + 1
    return columns, kept_rows, kept_lines, pending


def _parse_csv(text: str, shown: str):
    """CSV text -> (heads, tosses, labels, sequences), or DataError at the first bad line."""
    columns, rows, lines, pending = _csv_rows(text, shown)
    if not rows:
        if pending is not None:
            raise DataError(shown, pending[1], pending[0])
        raise DataError(shown, "no data rows (only a header)")

    cells = list(zip(*rows))
    fails = []
    if "sequence" in columns:
        seqs, fail = _sequence_column(cells[columns["sequence"]])
        fails.append(fail)
        heads, tosses = _counts_of(seqs)
    else:
        seqs = None
        heads, fail = _count_column(cells[columns["heads"]], "heads")
        fails.append(fail)
        tosses, fail = _count_column(cells[columns["tosses"]], "tosses")
        fails.append(fail)
    labels = None
    if "coin" in columns:
        labels, fail = _label_column(cells[columns["coin"]])
        fails.append(fail)
    fails = [f for f in fails if f is not None]
    problem = _first_problem(heads, tosses, fails, len(rows))
    if problem is not None:
        raise DataError(shown, problem[1], lines[problem[0]])
    if pending is not None:
        raise DataError(shown, pending[1], pending[0])
    return heads, tosses, labels, seqs


def _parse_txt(text: str, shown: str):
    """Text with one sequence per line -> (heads, tosses, None, sequences)."""
    if "\r" in text:                   # Windows (CR LF) and old Mac (CR alone) line ends
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    stripped = list(map(str.strip, text.split("\n")))
    if "#" in text:
        stripped = [s.partition("#")[0].rstrip() for s in stripped]
    while stripped and not stripped[-1]:
        stripped.pop()
    if all(stripped):
        fields, lines = stripped, range(1, len(stripped) + 1)
    else:
        keep = [k for k, s in enumerate(stripped) if s]
        fields, lines = [stripped[k] for k in keep], [k + 1 for k in keep]
    if not fields:
        raise DataError(shown, "no data rows (no sequences, only blank lines or comments)")
    seqs, fail = _sequence_column(fields)
    if fail is not None:
        raise DataError(shown, fail[1], lines[fail[0]])
    heads, tosses = _counts_of(seqs)
    return heads, tosses, None, seqs


def _stem(path: str) -> str:
    base = os.path.basename(path)
    return os.path.splitext(base)[0] or base


# --------------------------------------------------------------------------- public API


def load(src: str) -> CoinData:
    """Load ``builtin:NAME``, a ``.csv`` file or a ``.txt`` file (see the module docstring).

    Raises DataError, one line naming the source, the line and the offending value.
    """
    src = os.fspath(src)
    shown = src or "''"
    if src.startswith("builtin:"):
        return _load_builtin(src[len("builtin:"):], shown)
    lower = src.lower()
    if lower.endswith(".csv"):
        parse = _parse_csv
    elif lower.endswith(".txt"):
        parse = _parse_txt
    else:
        raise DataError(
            shown,
            "unsupported data source (use builtin:NAME, a .csv file or a .txt file; "
            f"built-ins: {', '.join(builtin_names())})",
        )
    raw, text = _read_text(src, shown)
    heads, tosses, labels, seqs = parse(text, shown)
    return CoinData(
        _stem(src), heads, tosses, labels, hashlib.sha256(raw).hexdigest(), src, seqs
    )


def _load_builtin(name: str, shown: str) -> CoinData:
    spec = BUILTINS.get(name)
    if spec is None:
        known = ", ".join(builtin_names())
        raise DataError(shown, f"unknown built-in data set {name!r} (known: {known})")
    heads, tosses = spec.arrays()
    text = _canonical_csv(heads, tosses, spec.labels, spec.sequences)
    return CoinData(name, heads, tosses, spec.labels, _sha256_text(text), shown, spec.sequences)


def from_counts(heads, tosses, *, name: str = "data", labels=None) -> CoinData:
    """CoinData from in-memory counts (any integer-valued 1-D arrays or lists).

    Raises DataError such as ``data: set 3: heads 12 > tosses 10`` (sets count from 1).
    The sha256 is that of ``to_csv()``.
    """
    where = name if isinstance(name, str) and name else "data"
    h, t = _validated_counts(heads, tosses, where)
    labels = _validated_labels(labels, len(h), where)
    sha = _sha256_text(_canonical_csv(h, t, labels, None))
    return CoinData(name, h, t, labels, sha, where)


def simulate(theta, weights, n_sets, tosses, *, seed, name: str = "simulated") -> CoinData:
    """Draw a coin per set from ``weights``, then heads ~ Binomial(tosses, theta[coin]).

    Args:
        theta: heads probability of each coin, shape (K,), values in [0, 1].
        weights: probability of each coin, shape (K,), non-negative, summing to 1 (1e-9).
        n_sets: number of sets, >= 1.
        tosses: tosses per set: one int >= 1, or shape (n_sets,) array of them.
        seed: anything ``numpy.random.default_rng`` accepts; the only source of randomness.

    The labels are the drawn coin indices as strings ("0", "1", ...).
    """
    where = "simulate"
    theta = _float_vector(theta, "theta", where)
    weights = _float_vector(weights, "weights", where)
    if len(theta) != len(weights):
        raise DataError(where, f"theta has {len(theta)} coins but weights has {len(weights)}")
    for values, what in ((theta, "theta"), (weights, "weights")):
        bad = (values < 0) | (values > 1)
        if bad.any():
            i = int(bad.argmax())
            raise DataError(where, f"{what}[{i}] = {float(values[i])!r} is outside [0, 1]")
    if abs(weights.sum() - 1.0) > 1e-9:
        raise DataError(where, f"weights sum to {float(weights.sum())!r}, not 1 (within 1e-9)")
    if isinstance(n_sets, (bool, np.bool_)) or not isinstance(n_sets, (int, np.integer)):
        raise DataError(where, f"n_sets must be an integer, got {n_sets!r}")
    if n_sets < 1:
        raise DataError(where, f"n_sets {n_sets} must be at least 1")
    n_sets = int(n_sets)
    if np.ndim(tosses) == 0:
        sizes, fail = _count_array([tosses], "tosses", where)
        sizes = np.full(n_sets, sizes[0], np.int64)
    else:
        sizes, fail = _count_array(tosses, "tosses", where)
        if len(sizes) != n_sets:
            raise DataError(where, f"tosses has {len(sizes)} entries for {n_sets} sets")
    if fail is None and (sizes < 1).any():
        i = int((sizes < 1).argmax())
        fail = (i, f"tosses {sizes[i]}: need at least one toss")
    if fail is not None:
        scalar = np.ndim(tosses) == 0
        raise DataError(where, fail[1] if scalar else f"set {fail[0] + 1}: {fail[1]}")
    rng = np.random.default_rng(seed)
    coins = rng.choice(len(theta), size=n_sets, p=weights / weights.sum())
    heads = rng.binomial(sizes, theta[coins]).astype(np.int64)
    labels = tuple(map(str, coins.tolist()))
    sha = _sha256_text(_canonical_csv(heads, sizes, labels, None))
    source = f"simulate(seed={seed})" if isinstance(seed, (int, np.integer)) else "simulate"
    return CoinData(name, heads, sizes, labels, sha, source)


def _float_vector(values, what: str, where: str) -> np.ndarray:
    try:
        a = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(where, f"{what} must be numbers ({exc})") from None
    if a.ndim != 1 or a.size == 0:
        raise DataError(where, f"{what} must be a non-empty 1-D list, got shape {a.shape}")
    if not np.isfinite(a).all():
        i = int((~np.isfinite(a)).argmax())
        raise DataError(where, f"{what}[{i}] = {float(a[i])!r} is not finite")
    return a
