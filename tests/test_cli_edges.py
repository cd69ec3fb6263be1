"""Issue 25, item 8 and the medium/low items of the command lines: stdout closed, full or
without a reader, stderr closed, one rule for whole numbers in flags and in data files, the
blame for a huge --components, CR-only line ends, the kernel's pseudo-files.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")


def _sh(command: str, cwd, **env) -> subprocess.CompletedProcess:
    """A command line through sh, so that its redirections (>&-, 2>&-, >/dev/full) apply."""
    return subprocess.run(["sh", "-c", command], cwd=cwd, env=dict(ENV, **env),
                          capture_output=True, text=True, timeout=120)


PY = f"'{sys.executable}' -m"


@pytest.mark.parametrize("prog", ["em", "bayes --sampler gibbs --draws 50 --tune 50"])
def test_a_reader_that_is_gone_ends_quietly(prog, tmp_path):
    """`python -m em --json | head -c 10` ended in a BrokenPipeError traceback. Here the pipe's
    reader is gone before anything is written (deterministic): exit 141, as for a filter ended
    by SIGPIPE, and nothing on stderr."""
    r, w = os.pipe()
    proc = subprocess.Popen([sys.executable, "-m", *prog.split(), "--json"], cwd=tmp_path,
                            env=ENV, stdout=w, stderr=subprocess.PIPE, text=True)
    os.close(w)
    os.close(r)
    err = proc.stderr.read()
    assert proc.wait(120) == 141 and err == ""


@pytest.mark.parametrize("redirect,words", [(">/dev/full", "No space left on device"),
                                            (">&-", "stdout is closed")])
def test_a_full_or_closed_stdout_is_one_line(tmp_path, redirect, words):
    proc = _sh(f"{PY} em --json {redirect}", tmp_path)
    lines = proc.stderr.splitlines()
    assert proc.returncode == 1 and len(lines) == 1, proc.stderr[-2000:]
    assert lines[0] == f"python -m em: error: cannot write the result to stdout ({words})"


@pytest.mark.parametrize("args", ["em --bogus", "bayes --draws 0", "compare --prior 0.5,0.5",
                                  "em --data nosuch.csv"])
def test_bad_input_is_exit_2_with_stderr_closed(tmp_path, args):
    """With stderr closed the one line cannot be written, but the exit code still says bad input
    (it was 1, from an AttributeError on sys.stderr = None)."""
    assert _sh(f"{PY} {args} 2>&-", tmp_path).returncode == 2


def test_help_into_a_closed_stdout(tmp_path):
    proc = _sh(f"{PY} em --help >&-", tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


# ---------------------------------------------------------------- one rule for whole numbers

@pytest.mark.parametrize("text", ["5", " 7 ", "007", "５", "1_000", "+3", "-2", "1e3", "0x10",
                                  "٣", "5.0", ""])
def test_whole_numbers_follow_one_rule(text):
    """The flags (--seed, --restarts, ...) and the data files accept the same whole numbers:
    ASCII digits, spaces around allowed; not ５ or ٣, not 1_000, not +3 (Python's int() takes all
    three). Negative numbers are whole numbers that both then refuse by range."""
    import argparse

    from coindata.cli import _int
    from coindata.sources import _Bad, _parse_count

    try:
        cli = _int(text, -10**9)
    except argparse.ArgumentTypeError:
        cli = None
    try:
        data = _parse_count("heads", text)
    except _Bad as exc:
        data = -2 if "negative" in str(exc) else None
    assert cli == data, (text, cli, data)


def test_seed_in_other_digits_is_refused(tmp_path):
    for text in ("５", "1_000"):
        proc = _sh(f"{PY} em --seed '{text}'", tmp_path)
        assert proc.returncode == 2 and "--seed: expected a whole number (digits 0-9 only)" \
            in proc.stderr


def test_huge_components_blames_components(tmp_path):
    """--components 10^23 was blamed on --restarts (the start budget was checked first)."""
    proc = _sh(f"{PY} em --components {10**23}", tmp_path)
    lines = proc.stderr.splitlines()
    assert proc.returncode == 2 and len(lines) == 1
    assert lines[0].startswith(f"python -m em: error: components = {10**23} coins cannot be told")


def test_cr_only_line_ends(tmp_path):
    """A .txt with old-Mac line ends (CR alone) was read as one line with 'space inside
    sequence'; it is three sequences, as with LF or CR LF."""
    from coindata import load

    rows = ["HHTTH", "HTHTT", "TTHHH"]
    loaded = []
    for end in ("\n", "\r\n", "\r"):
        path = tmp_path / f"seq{len(loaded)}.txt"
        path.write_bytes(end.join(rows).encode() + end.encode())
        loaded.append(load(str(path)))
    for d in loaded:
        assert d.heads.tolist() == [3, 2, 3] and d.tosses.tolist() == [5, 5, 5]


def test_kernel_files_are_refused_without_showing_them(tmp_path):
    """--data on a link to /proc/self/environ showed the environment in the error message."""
    (tmp_path / "env.txt").symlink_to("/proc/self/environ")
    (tmp_path / "env.csv").symlink_to("/proc/self/environ")
    for name in ("env.txt", "env.csv"):
        proc = _sh(f"{PY} em --data {name}", tmp_path, COINMIX_SECRET="hunter2")
        lines = proc.stderr.splitlines()
        assert proc.returncode == 2 and len(lines) == 1
        assert "hunter2" not in proc.stderr and "is a file of the kernel's /proc" in lines[0]


@pytest.mark.slow
def test_compare_with_stdout_and_stderr_closed(tmp_path):
    """A whole run with both streams closed: the report is written, exit 0 (it used to end in
    AttributeError on sys.stdout after all the work)."""
    proc = _sh(f"{PY} compare --quick --draws 300 --tune 300 --out rep >&- 2>&-", tmp_path)
    assert proc.returncode == 0
    from compare.folder import not_ours

    assert not_ours(tmp_path / "rep") is None


@pytest.mark.parametrize("weights", ["fixed", "learned"])
def test_tol_0_runs_without_numpy_warnings(weights):
    """--tol 0 (never stop early) kept SQUAREM's step growing past convergence until its
    extrapolation overflowed: 'RuntimeWarning: overflow encountered in multiply'. The step is
    rejected as before (the same numbers), silently."""
    import warnings

    import em
    from coindata import load

    d = load("builtin:saxony")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = em.fit(d.heads, d.tosses, weights=weights, tol=0, max_iter=3000, restarts=0)
    assert r.iterations == 3000
