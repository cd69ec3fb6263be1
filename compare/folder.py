"""The report folder's rules: what counts as a previous report of ours, and how a new one takes
its place without losing a file of the user's.

- A report is built in a temporary folder ``.<out>.tmp-*`` beside ``--out``, holding a marker
  file (``.coinmix-partial``: our name, process id and start time) while it is being written.
- summary.json carries a generator marker and the sha256 of every other file of the report.
  Before it is read, it must be a regular file (no link, FIFO or device) of at most
  ``MAX_SUMMARY_BYTES``.
- An existing ``--out`` is replaced without asking only when it holds exactly such a report.
  Anything else is refused, naming what is not ours; with ``--force`` it is moved aside whole
  to ``<out>.backup-<time>``. A file (not a folder) at ``--out`` is refused even with ``--force``.
- The swap is one atomic step where the system allows it (Linux ``renameat2`` with
  ``RENAME_EXCHANGE``; else two renames), done under a lock on the parent folder with Ctrl-C,
  SIGTERM and SIGHUP held back until it is over.
- The previous report, once swapped out, is never removed wholesale: only the files its
  summary.json lists with a hash that still matches (and summary.json, unchanged since it was
  checked) are deleted, then the folders left empty. Anything else (a file written into the
  folder while the run worked) is moved to a backup folder, and the run says so.
- The next run tidies what a killed run left: a folder in ``.<out>.old-*`` is put back at
  ``--out`` when ``--out`` is missing; a temporary folder whose marker names a process that no
  longer runs is removed; a swapped-out previous report is treated as above.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import signal
import socket
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

GENERATOR = "coinmix compare"
#: summary.json of a million sets is under 5 MB; a larger one is not ours (and not read)
MAX_SUMMARY_BYTES = 64 * 2**20
#: inside a temporary report folder while it is being written (never part of a report)
MARKER = ".coinmix-partial"
_SIGNALS = tuple(s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP"))
                 if s is not None)


class OutputError(ValueError):
    """The output folder cannot be (re)placed; one-line message."""


# ---------------------------------------------------------------- reading files safely

def _open_regular(path: Path):
    """A file object for ``path`` if it is a regular file (no link followed, no FIFO opened
    for long: O_NONBLOCK), else OSError/ValueError."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("not a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with _open_regular(path) as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_small(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ValueError naming what it is
    otherwise (checked with lstat before it is opened, and again on the open file)."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise ValueError("is a symbolic link")
    if not stat.S_ISREG(st.st_mode):
        raise ValueError("is not a regular file")
    if st.st_size > limit:
        raise ValueError(f"is larger than {limit // 2**20} MB")
    with _open_regular(path) as f:
        if os.fstat(f.fileno()).st_size > limit:
            raise ValueError(f"is larger than {limit // 2**20} MB")
        raw = f.read(limit + 1)
    if len(raw) > limit:
        raise ValueError(f"is larger than {limit // 2**20} MB")
    return raw


@dataclass(frozen=True)
class Previous:
    """What summary.json of a report of ours says: the files it wrote, with their sha256, and
    the sha256 of summary.json itself as read."""
    files: dict
    summary_sha: str


def _safe_relative(rel) -> bool:
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel:
        return False
    p = PurePosixPath(rel)
    return (not p.is_absolute() and p.as_posix() == rel
            and all(part not in ("", ".", "..") for part in p.parts) and rel != "summary.json"
            and p.name != MARKER)


def read_summary(folder: Path) -> Previous:
    """The previous report's summary.json, checked before and while reading; ValueError with
    the reason in a few words when it is missing or not one of ours."""
    path = folder / "summary.json"
    try:
        raw = _read_small(path, MAX_SUMMARY_BYTES)
    except FileNotFoundError:
        raise ValueError("it has no summary.json of ours") from None
    except ValueError as exc:
        raise ValueError(f"its summary.json {exc}") from None
    except OSError:
        raise ValueError("its summary.json cannot be read") from None
    try:
        s = json.loads(raw.decode("utf-8"))
        marker, listed = s["generator"], s["files"]
    except (ValueError, KeyError, TypeError):
        raise ValueError("its summary.json is not one of ours") from None
    if not (isinstance(marker, dict) and marker.get("name") == GENERATOR
            and isinstance(listed, dict)
            and all(_safe_relative(k) and isinstance(v, str) and len(v) == 64
                    for k, v in listed.items())):
        raise ValueError("its summary.json is not one of ours")
    return Previous(dict(listed), hashlib.sha256(raw).hexdigest())


def inspect(folder: Path) -> Previous:
    """The summary of ``folder`` if it holds exactly a previous report of ours (marker, the
    listed files and no other, every hash matching, no link, FIFO or device anywhere); else
    ValueError saying what differs."""
    prev = read_summary(folder)
    listed = prev.files
    dirs = {str(PurePosixPath(rel).parent) for rel in listed}
    dirs = {d for rel in dirs for d in _ancestors(rel)}
    present = set()
    for root, subdirs, files in os.walk(folder, followlinks=False):
        for name in subdirs + files:
            p = Path(root) / name
            rel = p.relative_to(folder).as_posix()
            mode = os.lstat(p).st_mode
            if stat.S_ISLNK(mode):
                raise ValueError(f"{rel} is a symbolic link")
            if stat.S_ISDIR(mode):
                if rel not in dirs:
                    raise ValueError(f"folder {rel} is not ours")
            elif stat.S_ISREG(mode):
                present.add(rel)
            else:
                raise ValueError(f"{rel} is not a regular file")
    extra = sorted(present - set(listed) - {"summary.json"})
    if extra:
        raise ValueError(f"{extra[0]} is not ours"
                         + (f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""))
    missing = sorted(set(listed) - present)
    if missing:
        raise ValueError(f"{missing[0]} is missing")
    for rel, digest in listed.items():
        try:
            same = sha256(folder / rel) == digest
        except (OSError, ValueError):
            same = False
        if not same:
            raise ValueError(f"{rel} was changed after the report was written")
    return prev


def _ancestors(rel: str):
    p = PurePosixPath(rel)
    while str(p) not in ("", "."):
        yield str(p)
        p = p.parent


def not_ours(folder: Path) -> str | None:
    """None if ``folder`` holds exactly a previous report of ours; else what differs."""
    try:
        inspect(folder)
    except ValueError as exc:
        return str(exc)
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    return None


def report_files(folder: Path) -> set[str] | None:
    """The files of a previous report of ours at ``folder``, if it holds exactly that; else None."""
    if not_ours(folder) is not None:
        return None
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


# ---------------------------------------------------------------- checks before the work

def _is_here_or_above(out: Path) -> bool:
    """``out`` is the working folder or a folder above it (replacing it would pull the floor
    from under the shell that started the run)."""
    try:
        here = Path(os.path.abspath(os.getcwd()))
    except OSError:
        return False
    target = Path(os.path.abspath(out))
    return target == here or target in here.parents


def check_target(out: Path, force: bool) -> None:
    """Fail early (before any work) if the report could not be put at ``out``: the reasons are
    checked, and the parent folder is tried by creating (and removing) a temporary folder."""
    if out.name in ("", ".", "..") or _is_here_or_above(out):
        raise OutputError(f"--out {out}: is the current folder or one above it; name a folder "
                          f"for the report inside it (for example --out {out / 'report'})")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"--out {out}: exists and is not a folder; not touching it")
    try:
        nonempty = out.exists() and any(out.iterdir())
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot read the folder ({exc.strerror or exc})") from None
    if nonempty and not force:
        why = not_ours(out)
        if why is not None:
            raise OutputError(f"--out {out}: the folder is not exactly a previous report ({why}); "
                              "choose another --out, or --force to move it aside to a backup")
    parent = out.parent
    if not parent.exists():
        raise OutputError(f"--out {out}: parent folder {parent} does not exist")
    if not parent.is_dir():
        raise OutputError(f"--out {out}: {parent} is not a folder")
    try:
        probe = tempfile.mkdtemp(prefix=f".{out.name}.probe-", dir=parent)
        os.rmdir(probe)
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot write in {parent} "
                          f"({exc.strerror or exc})") from None


def make_parent(out: Path) -> None:
    """Create the parent of the default ``--out`` (reports/), or one line saying why not."""
    if out.parent.exists():
        return
    try:
        out.parent.mkdir(parents=True)
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot create {out.parent} "
                          f"({exc.strerror or exc}); choose another --out") from None


def prepare(out: Path, force: bool) -> list[str]:
    """Before any work: tidy what an interrupted run left beside ``out`` (module docstring),
    then check that the report can be put there. Returns lines saying what was tidied."""
    notes = []
    if out.name not in ("", ".", "..") and out.parent.is_dir():
        with _locked(out.parent):
            try:
                notes = _tidy(out)
            except OSError as exc:
                notes = [f"note       could not tidy what an earlier run left beside {out} "
                         f"({exc.strerror or exc})"]
    check_target(out, force)
    return notes


# ---------------------------------------------------------------- the temporary folder

def _start_time(pid: int) -> str | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    return raw.rsplit(b")", 1)[-1].split()[19].decode()


def new_tmp(out: Path) -> Path:
    """A fresh temporary folder beside ``out`` for the report, with our marker in it."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    mark = {"generator": GENERATOR, "pid": os.getpid(), "start": _start_time(os.getpid()),
            "host": socket.gethostname()}
    try:
        (tmp / MARKER).write_text(json.dumps(mark), encoding="utf-8")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


def _marker_owner_gone(folder: Path) -> bool | None:
    """None if ``folder`` carries no marker of ours; else whether the run that wrote it has
    ended (a process id that now belongs to another process counts as ended)."""
    try:
        mark = json.loads(_read_small(folder / MARKER, 4096).decode("utf-8"))
        pid = mark["pid"]
        if mark.get("generator") != GENERATOR or not isinstance(pid, int) or pid <= 0:
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if mark.get("host") != socket.gethostname():
        return False                    # another machine's run: cannot tell, leave it
    if mark.get("start") is not None:
        return _start_time(pid) != mark["start"]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


# ---------------------------------------------------------------- the swap

@dataclass
class Outcome:
    """What the swap did besides putting the report in place."""
    backup: Path | None = None          # the folder that was not ours (--force), moved here
    kept: Path | None = None            # files added to the previous report meanwhile, here
    late: list = field(default_factory=list)   # signals that came during the swap

    def lines(self, out: Path) -> list[str]:
        lines = []
        if self.backup is not None:
            lines.append(f"backup     {out} was not a report of ours: moved to {self.backup}")
        if self.kept is not None:
            lines.append(f"kept       files that were not the previous report's (written into "
                         f"{out} while this run worked) are in {self.kept}")
        for name in self.late:
            lines.append(f"signal     {name} came while the report was being moved into place; "
                         "the report is complete")
        return lines


@contextlib.contextmanager
def _locked(parent: Path):
    """An exclusive lock on the parent folder (flock on its descriptor) for the block: runs on
    the same parent swap and tidy one at a time. Without a lock where none can be taken."""
    try:
        import fcntl

        fd = os.open(parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except (ImportError, OSError):
        yield
        return
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break               # a stuck holder: go on without it
                time.sleep(0.02)
            except OSError:
                break
        yield
    finally:
        os.close(fd)                    # releases the lock


@contextlib.contextmanager
def _signals_held():
    """Ctrl-C, SIGTERM and SIGHUP held back for the block: each one that comes is recorded in
    the list the block gets (its name), not acted on. In the main thread the handlers are
    swapped for a recorder; elsewhere the signals are blocked and then collected."""
    import threading

    came = []
    if threading.current_thread() is threading.main_thread():
        previous = {}
        for s in _SIGNALS:
            previous[s] = signal.signal(s, lambda signum, frame: came.append(
                signal.Signals(signum).name))
        try:
            yield came
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield came
    finally:
        for s in sorted(set(signal.sigpending()) & set(_SIGNALS)):
            if signal.sigtimedwait([s], 0) is not None:
                came.append(signal.Signals(s).name)
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux renameat2 with RENAME_EXCHANGE, through
    ctypes). False where the system or the file system cannot (then nothing moved)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _two_renames(tmp: Path, out: Path) -> Path:
    """The fallback swap: ``out`` to ``.<out>.old-*``, then ``tmp`` to ``out``. Returns where
    the old folder went (put back if the second rename fails)."""
    old = _free_name(out, "old")
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except BaseException:
        os.rename(old, out)
        raise
    return old


def replace(tmp: Path, out: Path, force: bool, *, swap=exchange) -> Outcome:
    """Move the finished report at ``tmp`` into place (module docstring). Returns what else
    happened: a backup of a folder that was not ours, files kept from the previous report's
    folder, signals that came during the swap."""
    for _attempt in range(5):
        with _locked(out.parent), _signals_held() as came:
            check_target(out, force)    # again: the folder may have changed while we worked
            prev, foreign = None, False
            if os.path.lexists(out) and any(out.iterdir()):
                try:
                    prev = inspect(out)
                except (ValueError, OSError):
                    foreign = True      # only with force: check_target refused it otherwise
            with contextlib.suppress(FileNotFoundError):
                (tmp / MARKER).unlink()
            displaced = None
            try:
                if os.path.lexists(out):
                    displaced = tmp if swap(tmp, out) else _two_renames(tmp, out)
                else:
                    os.rename(tmp, out)
            except OSError:             # another program put something there: try again
                new_marker = tmp / MARKER
                if tmp.is_dir() and not new_marker.exists():
                    new_marker.write_text(json.dumps({"generator": GENERATOR,
                                                      "pid": os.getpid(),
                                                      "start": _start_time(os.getpid()),
                                                      "host": socket.gethostname()}))
                continue
            os.chmod(out, 0o755)
            outcome = Outcome(late=came)
            if displaced is not None:
                if foreign:
                    outcome.backup = _backup_name(out)
                    os.rename(displaced, outcome.backup)
                else:
                    outcome.kept = dispose(displaced, prev, out)
            return outcome
    raise OutputError(f"--out {out}: other runs keep writing there; the report was not moved in")


def dispose(folder: Path, prev: Previous | None, out: Path) -> Path | None:
    """Remove a swapped-out previous report: only the files ``prev`` lists whose hash still
    matches, summary.json if unchanged, then the folders left empty. Whatever remains is moved
    to a backup folder beside ``out``, whose path is returned (None when nothing remained)."""
    if prev is not None:
        for rel, digest in prev.files.items():
            _remove_if(folder, rel, digest)
        _remove_if(folder, "summary.json", prev.summary_sha)
    for root, _dirs, _files in sorted(os.walk(folder, followlinks=False), reverse=True):
        with contextlib.suppress(OSError):
            os.rmdir(root)
    if not os.path.lexists(folder):
        return None
    backup = _backup_name(out)
    os.rename(folder, backup)
    return backup


def _remove_if(folder: Path, rel: str, digest: str) -> None:
    path = folder
    for part in PurePosixPath(rel).parts[:-1]:
        path = path / part
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                return                  # a link or a file where a folder should be: keep
        except OSError:
            return
    path = path / PurePosixPath(rel).name
    try:
        if sha256(path) == digest:
            os.unlink(path)
    except (OSError, ValueError):
        pass                            # gone, changed or not a regular file: keep it


def _tidy(out: Path) -> list[str]:
    """What a killed run left beside ``out`` (module docstring); lines saying what was done."""
    prefixes = (f".{out.name}.tmp-", f".{out.name}.old-")
    try:
        entries = [p for p in out.parent.iterdir() if p.name.startswith(prefixes)]
    except OSError:
        return []
    mine = []
    for p in entries:
        try:
            st = os.lstat(p)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid():
            mine.append((st.st_mtime, p))
    notes = []
    olds = sorted((m, p) for m, p in mine if p.name.startswith(prefixes[1]))
    if olds and not os.path.lexists(out):
        _, back = olds[-1]
        os.rename(back, out)
        mine.remove(olds[-1])
        notes.append(f"recovered  {out}, which an interrupted run had left in {back.name}")
    for _, p in sorted(mine):
        gone = _marker_owner_gone(p)
        if gone is False:
            continue                    # a run that is still working
        if gone:
            shutil.rmtree(p, ignore_errors=True)
            notes.append(f"removed    {p}, the temporary folder of an interrupted run")
            continue
        try:
            prev = read_summary(p)
        except ValueError:
            prev = None
        kept = dispose(p, prev, out)
        if kept is not None:
            notes.append(f"kept       {p.name}, left by an interrupted run, holds files that "
                         f"are not a report of ours: moved to {kept}")
    return notes


def _free_name(out: Path, kind: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=f".{out.name}.{kind}-", dir=out.parent))
    os.rmdir(path)
    return path


def _backup_name(out: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for i in range(1000):
        path = out.with_name(f"{out.name}.backup-{stamp}" + (f"-{i}" if i else ""))
        if not os.path.lexists(path):
            return path
    raise OutputError(f"--out {out}: cannot find a free name for the backup folder")
