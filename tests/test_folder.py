"""Issue 25, items 1, 3 and 7 and the tidy-up of killed runs: the report folder's rules
(compare.folder) on fake report folders, without PyMC.

A fake report is a folder with a few files and a summary.json of ours listing them with their
sha256, exactly as compare.report writes one; the swap is driven through ``folder.replace`` with
a hook standing in for what another program (or a signal) does at the worst moment.
"""

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from compare import folder

ROOT = Path(__file__).resolve().parents[1]


def fake_report(where: Path, files: dict, tmp_marker=False) -> Path:
    """A report of ours at ``where``: ``files`` {relative path: text} and summary.json."""
    where.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (where / rel).parent.mkdir(parents=True, exist_ok=True)
        (where / rel).write_text(text)
    listed = {rel: hashlib.sha256(text.encode()).hexdigest() for rel, text in files.items()}
    (where / "summary.json").write_text(json.dumps(
        {"generator": {"name": folder.GENERATOR}, "files": listed}))
    return where


def contents(where: Path) -> dict:
    return {p.relative_to(where).as_posix(): p.read_text() for p in sorted(where.rglob("*"))
            if p.is_file()}


OLD = {"report.md": "old report\n", "figures/a.png": "old figure"}
NEW = {"report.md": "new report\n", "figures/a.png": "new figure", "figures/b.png": "b"}


def new_report(out: Path) -> Path:
    tmp = folder.new_tmp(out)
    fake_report(tmp, NEW)
    assert (tmp / folder.MARKER).exists()
    return tmp


def _exchange_or_two_renames(tmp, out):
    return folder.exchange(tmp, out)


# ---------------------------------------------------------------- item 1: the refresh window

@pytest.mark.parametrize("swap", [folder.exchange, lambda a, b: False],
                         ids=["exchange", "two-renames"])
def test_a_file_written_while_the_run_worked_is_kept(tmp_path, swap):
    """The user writes notes.txt into the old report after the last check and edits one of its
    files: the new report is in place, exactly; the old report's own files are gone, but the
    user's new file and the edited one are kept in a backup folder, and the outcome says so."""
    out = fake_report(tmp_path / "rep", OLD)
    tmp = new_report(out)

    def late_writer(a, b):
        (out / "notes.txt").write_text("mine")
        (out / "figures" / "a.png").write_text("edited by the user")
        return swap(a, b)

    outcome = folder.replace(tmp, out, force=False, swap=late_writer)
    assert folder.not_ours(out) is None and contents(out) == {
        **NEW, "summary.json": (out / "summary.json").read_text()}
    assert outcome.backup is None and outcome.kept is not None
    assert contents(outcome.kept) == {"notes.txt": "mine", "figures/a.png": "edited by the user"}
    assert any(str(outcome.kept) in line for line in outcome.lines(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep", outcome.kept.name]


def test_a_plain_refresh_leaves_nothing_beside(tmp_path):
    out = fake_report(tmp_path / "rep", OLD)
    outcome = folder.replace(new_report(out), out, force=False)
    assert outcome.lines(out) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]
    assert folder.MARKER not in os.listdir(out)
    assert folder.not_ours(out) is None


def test_force_moves_the_whole_foreign_folder_to_the_backup(tmp_path):
    out = tmp_path / "rep"
    fake_report(out, OLD)
    (out / "mine.txt").write_text("keep me")
    before = contents(out)
    outcome = folder.replace(new_report(out), out, force=True)
    assert outcome.backup is not None and contents(outcome.backup) == before
    assert folder.not_ours(out) is None


def test_removal_never_leaves_the_folder(tmp_path):
    """A summary.json listing ../victim (or an absolute path) is not one of ours: nothing
    outside the report folder is ever hashed or removed."""
    victim = tmp_path / "victim"
    victim.write_text("precious")
    out = tmp_path / "rep"
    out.mkdir()
    digest = hashlib.sha256(b"precious").hexdigest()
    for rel in ("../victim", str(victim), "a/../../victim", "./x"):
        (out / "summary.json").write_text(json.dumps(
            {"generator": {"name": folder.GENERATOR}, "files": {rel: digest}}))
        assert folder.not_ours(out) == "its summary.json is not one of ours", rel
    assert victim.read_text() == "precious"


# ---------------------------------------------------------------- item 3: the swap

def test_the_swap_is_one_step_and_holds_signals(tmp_path):
    """SIGTERM arriving in the middle of the swap is held until the report is in place (the
    run's handler is not run inside it), and --out exists at every moment: with
    renameat2(RENAME_EXCHANGE) there is no moment without it."""
    out = fake_report(tmp_path / "rep", OLD)
    tmp = new_report(out)
    seen = []

    def handler(signum, frame):
        seen.append(signum)
        raise RuntimeError("the run's SIGTERM handler ran inside the swap")

    def signalled_swap(a, b):
        os.kill(os.getpid(), signal.SIGTERM)
        done = folder.exchange(a, b)
        assert not done or out.exists()
        return done

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        outcome = folder.replace(tmp, out, force=False, swap=signalled_swap)
        assert signal.getsignal(signal.SIGTERM) is handler        # restored afterwards
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert seen == [] and outcome.late == ["SIGTERM"]
    assert folder.not_ours(out) is None and (out / "report.md").read_text() == NEW["report.md"]


def test_exchange_swaps_two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a"), (b / "y").write_text("b")
    if not folder.exchange(a, b):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available here")
    assert os.listdir(a) == ["y"] and os.listdir(b) == ["x"]


def test_a_folder_left_in_old_is_put_back(tmp_path):
    """Killed between the two renames of the fallback: --out is missing and the previous report
    sits in .rep.old-*; the next run puts it back before anything else, and says so."""
    out = tmp_path / "rep"
    fake_report(tmp_path / ".rep.old-k1ll3d", OLD)
    notes = folder.prepare(out, force=False)
    assert contents(out)["report.md"] == OLD["report.md"] and folder.not_ours(out) is None
    assert len(notes) == 1 and "recovered" in notes[0] and ".rep.old-k1ll3d" in notes[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


# ---------------------------------------------------------------- .out.tmp-* of killed runs

def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temporary_folders_of_killed_runs_are_removed(tmp_path):
    """A temporary folder whose marker names a process that has ended is removed by the next
    run; one of a run still working is left alone; one without our marker is not deleted (a
    folder holding a report of ours loses only its listed files, the rest goes to a backup)."""
    out = fake_report(tmp_path / "rep", OLD)
    dead = new_report(out)
    mark = json.loads((dead / folder.MARKER).read_text())
    (dead / folder.MARKER).write_text(json.dumps({**mark, "pid": _dead_pid()}))
    alive = new_report(out)                     # this process's own: still working
    swapped = fake_report(tmp_path / ".rep.tmp-swapped", OLD)   # a report swapped out, killed
    (swapped / "user.txt").write_text("mine")
    strange = tmp_path / ".rep.tmp-strange"        # no marker, no summary: not ours to delete
    strange.mkdir()
    (strange / "x.txt").write_text("x")
    notes = folder.prepare(out, force=False)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert dead.name not in left and alive.name in left
    assert not swapped.exists() and not strange.exists()
    backups = [tmp_path / n for n in left if n.startswith("rep.backup-")]
    assert sorted(contents(b).popitem()[1] for b in backups) == ["mine", "x"]
    assert sum("removed" in n for n in notes) == 1 and sum("kept" in n for n in notes) == 2
    assert contents(out)["report.md"] == OLD["report.md"]            # --out itself untouched


# ---------------------------------------------------------------- item 7: summary.json

_CHECK = """
import sys, time
from pathlib import Path
from compare.report import not_ours
t0 = time.perf_counter()
print(not_ours(Path(sys.argv[1])))
"""


@pytest.mark.parametrize("kind", ["fifo", "devzero", "sparse", "link"])
def test_summary_json_is_checked_before_it_is_read(tmp_path, kind):
    """A FIFO used to hang the run, a link to /dev/zero or a huge sparse file to read until
    memory ran out: each is refused at once, naming what it is."""
    out = tmp_path / "rep"
    out.mkdir()
    target = out / "summary.json"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "devzero":
        target.symlink_to("/dev/zero")
    elif kind == "sparse":
        with open(target, "wb") as f:
            f.truncate(50 * 2**30)
    else:
        fake_report(tmp_path / "elsewhere", OLD)
        target.symlink_to(tmp_path / "elsewhere" / "summary.json")
    proc = subprocess.run([sys.executable, "-c", _CHECK, str(out)], cwd=ROOT, timeout=30,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    words = {"fifo": "is not a regular file", "devzero": "is a symbolic link",
             "sparse": "is larger than 64 MB", "link": "is a symbolic link"}[kind]
    assert proc.stdout.strip() == f"its summary.json {words}"


def test_a_fifo_among_the_report_files_is_not_ours(tmp_path):
    out = fake_report(tmp_path / "rep", OLD)
    os.mkfifo(out / "pipe")
    assert folder.not_ours(out) == "pipe is not a regular file"


# ---------------------------------------------------------------- --out before the work

@pytest.mark.parametrize("arg", [".", "..", "./", "sub/.."])
def test_out_here_or_above_is_refused_up_front(tmp_path, arg, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    with pytest.raises(folder.OutputError, match="is the current folder or one above it"):
        folder.prepare(Path(arg), force=True)


def test_out_dot_force_is_one_line_before_the_work(tmp_path):
    """`--out . --force` used to fail after the whole run with ValueError: PosixPath('.') has an
    empty name; `--out .` in an empty folder likewise. Now: exit 2, one line, at once."""
    for args in (["--out", ".", "--force"], ["--out", "."]):
        proc = subprocess.run([sys.executable, "-m", "compare", *args], cwd=tmp_path,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True,
                              text=True, timeout=60)
        lines = proc.stderr.splitlines()
        assert proc.returncode == 2 and len(lines) == 1, proc.stderr[-2000:]
        assert "--out .: is the current folder" in lines[0]
        assert os.listdir(tmp_path) == []


def test_default_out_in_a_read_only_folder_is_one_line(tmp_path):
    """The default --out (reports/<name>) under a read-only working folder: exit 2, one line,
    no traceback (it was OSError: Read-only file system: 'reports')."""
    if os.geteuid() != 0:
        pytest.skip("mounting a read-only tmpfs needs root")
    ro = tmp_path / "ro"
    ro.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(ro)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        proc = subprocess.run([sys.executable, "-m", "compare"], cwd=ro, timeout=60,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True,
                              text=True)
    finally:
        subprocess.run(["umount", "-l", str(ro)], capture_output=True)
    lines = proc.stderr.splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr[-2000:]
    assert "cannot create reports" in lines[0] and "Read-only file system" in lines[0]


# ---------------------------------------------------------------- end to end (one PyMC run)

@pytest.mark.slow
def test_force_end_to_end_keeps_the_foreign_file_in_the_backup(tmp_path, capfd):
    """`python -m compare --force` onto a folder holding a file of the user's: the report is in
    place, and the backup folder the run names exists and holds the user's file unchanged."""
    from compare.__main__ import main

    out = tmp_path / "rep"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    assert main(["--quick", "--draws", "300", "--tune", "300", "--out", str(out),
                 "--force"]) == 0
    err = capfd.readouterr().err
    backups = [p for p in tmp_path.iterdir() if p.name.startswith("rep.backup-")]
    assert len(backups) == 1 and f"moved to {backups[0]}" in err
    assert contents(backups[0]) == {"mine.txt": "keep me"}
    assert folder.not_ours(out) is None and folder.MARKER not in os.listdir(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep", backups[0].name]
