"""Bad input, safe output, degenerate data.

The catalogue runs each command as a user would (a subprocess in a fresh folder holding a few
data files and a previous report) and demands: exit code 2, exactly one line on stderr that
names the problem (and file:line where there is one), no traceback, nothing created or changed.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_nan_free

ROOT = Path(__file__).resolve().parents[1]

FILES = {
    "good.csv": "heads,tosses\n5,10\n9,10\n",
    "over.csv": "heads,tosses\n5,10\n11,10\n",
    "negative.csv": "heads,tosses\n5,10\n-1,10\n",
    "fraction.csv": "heads,tosses\n5,10\n2.5,10\n",
    "zero.csv": "heads,tosses\n0,0\n",
    "missing.csv": "heads\n5\n",
    "extra.csv": "heads,tosses,colour\n5,10,red\n",
    "empty.csv": "",
    "seq.csv": "sequence\nHTHT\nHTXH\n",
    "badlabel.csv": "heads,tosses,coin\n5,10,A\n6,10,\n",
    "bad.txt": "HHTT\nHHQT\n",
    "blank.txt": "# only a comment\n\n",
}
BINARY = {"latin1.csv": b"heads,tosses\n5,10\n\xff\xfe,3\n"}

# (command, arguments, text the one stderr line must contain)
CASES = [
    # data files, through every command
    ("em", ["--data", "nosuchfile.csv"], "nosuchfile.csv"),
    ("em", ["--data", "over.csv"], "over.csv:3"),
    ("em", ["--data", "negative.csv"], "negative.csv:3"),
    ("em", ["--data", "fraction.csv"], "fraction.csv:3"),
    ("em", ["--data", "zero.csv"], "zero.csv:2"),
    ("em", ["--data", "missing.csv"], "missing.csv:1"),
    ("em", ["--data", "extra.csv"], "extra.csv:1"),
    ("em", ["--data", "empty.csv"], "empty.csv"),
    ("em", ["--data", "seq.csv"], "seq.csv:3"),
    ("em", ["--data", "badlabel.csv"], "badlabel.csv:3"),
    ("em", ["--data", "bad.txt"], "bad.txt:2"),
    ("em", ["--data", "blank.txt"], "blank.txt"),
    ("em", ["--data", "latin1.csv"], "latin1.csv"),
    ("em", ["--data", "subdir"], "subdir"),
    ("em", ["--data", "builtin:nope"], "nope"),
    ("bayes", ["--data", "over.csv"], "over.csv:3"),
    ("compare", ["--data", "bad.txt"], "bad.txt:2"),
    # flags and values
    ("em", ["--components", "0"], "--components"),
    ("em", ["--components", "two"], "--components"),
    ("em", ["--prior", "0,1"], "--prior"),
    ("em", ["--prior", "2"], "--prior"),
    ("em", ["--prior", "0.5,0.5"], "a >= 1"),
    ("em", ["--init", "0.5,0.5"], "identical"),
    ("em", ["--init", "0.2"], "init"),
    ("em", ["--init", "1.5,0.2"], "--init"),
    ("em", ["--max-iter", "-1"], "--max-iter"),
    ("em", ["--tol", "nan"], "--tol"),
    ("em", ["--bogus"], "--bogus"),
    ("bayes", ["--draws", "0"], "--draws"),
    ("bayes", ["--chains", "0"], "--chains"),
    ("bayes", ["--tune", "-5"], "--tune"),
    ("bayes", ["--target-accept", "1.5"], "--target-accept"),
    ("bayes", ["--sampler", "metropolis"], "--sampler"),
    ("bayes", ["--init", "0.3,0.3"], "differ"),
    ("bayes", ["--netcdf", "out.txt"], ".nc"),
    ("bayes", ["--netcdf", "nodir/post.nc"], "nodir"),
    ("compare", ["--prior", "0.5,0.5"], "a >= 1 and b >= 1"),
    ("compare", ["--weights", "learned", "--dirichlet", "0.5"], "ALPHA >= 1"),
    ("compare", ["--draws", "abc"], "--draws"),
    ("compare", ["--components", "11"], "components"),
    ("compare", ["--study", "foo"], "foo"),
    ("compare", ["--study", "size", "--truth", "0.5"], "--truth"),
    ("compare", ["--study", "size", "--sizes", "0,5"], "--sizes"),
    ("compare", ["--replicates", "0"], "--replicates"),
    # output paths
    ("compare", ["--out", "afile"], "not a folder"),
    ("compare", ["--out", "foreign"], "--force"),
    ("compare", ["--out", "no/such/parent/rep"], "does not exist"),
]


def _tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def _setup(folder: Path):
    for name, text in FILES.items():
        (folder / name).write_text(text)
    for name, raw in BINARY.items():
        (folder / name).write_bytes(raw)
    (folder / "subdir").mkdir()
    (folder / "afile").write_text("not a folder")
    (folder / "foreign").mkdir()
    (folder / "foreign" / "mine.txt").write_text("keep me")


def _run(case, base: Path):
    prog, args, expect = case
    folder = base / f"case{CASES.index(case):02d}"
    folder.mkdir()
    _setup(folder)
    before = _tree(folder)
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", prog, *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)
    return case, proc, time.perf_counter() - t0, before == _tree(folder)


def test_catalogue_of_bad_input(tmp_path):
    assert len(CASES) >= 30
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda c: _run(c, tmp_path), CASES))
    problems = []
    for (prog, args, expect), proc, seconds, unchanged in results:
        lines = proc.stderr.splitlines()
        where = f"python -m {prog} {' '.join(args)}"
        if proc.returncode != 2:
            problems.append(f"{where}: exit {proc.returncode}: {proc.stderr[-300:]}")
        elif len(lines) != 1 or "Traceback" in proc.stderr:
            problems.append(f"{where}: stderr is not one line: {proc.stderr[-300:]!r}")
        elif expect not in lines[0]:
            problems.append(f"{where}: {lines[0]!r} does not mention {expect!r}")
        if not unchanged:
            problems.append(f"{where}: files were created or changed")
        if proc.stdout:
            problems.append(f"{where}: printed to stdout: {proc.stdout[:100]!r}")
        if seconds > 20:
            problems.append(f"{where}: took {seconds:.1f} s to reject (PyMC imported?)")
    assert not problems, "\n".join(problems)


DEGENERATE = [
    ("one", "heads,tosses\n7,10\n", [], "only one set"),
    ("allheads", "heads,tosses\n10,10\n5,5\n8,8\n", [], "every toss is heads"),
    ("alltails", "heads,tosses\n0,10\n0,4\n0,7\n", [], "every toss is tails"),
    ("same", "heads,tosses\n6,10\n6,10\n6,10\n6,10\n", [], "identical"),
    ("three", "heads,tosses\n2,10\n8,10\n2,10\n", ["--components", "3"], "distinct"),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,text,extra,warning", DEGENERATE, ids=[d[0] for d in DEGENERATE])
def test_degenerate_data_gives_a_valid_report(tmp_path, name, text, extra, warning):
    from compare.__main__ import main

    src = tmp_path / f"{name}.csv"
    src.write_text(text)
    out = tmp_path / "rep"
    assert main(["--data", str(src), "--quick", "--draws", "300", "--tune", "300",
                 "--out", str(out), *extra]) == 0
    s = json.loads((out / "summary.json").read_text())
    assert_nan_free(s)
    assert any(warning in n for n in s["notes"] + s["warnings"])
    md = (out / "report.md").read_text()
    head = md.split("## In short")[0]
    assert "Read this first" in head and warning in head        # warnings at the top
    assert "nan" not in md.lower().replace("nans", "")


@pytest.mark.slow
def test_a_million_sets(tmp_path):
    from compare.__main__ import main
    from coindata import simulate

    d = simulate((0.3, 0.7), (0.5, 0.5), 10**6, 10, seed=1, name="million")
    src = tmp_path / "million.csv"
    src.write_text(d.to_csv())
    out = tmp_path / "rep"
    assert main(["--data", str(src), "--quick", "--draws", "300", "--tune", "300",
                 "--out", str(out)]) == 0
    s = json.loads((out / "summary.json").read_text())
    assert_nan_free(s)
    assert s["data"]["n_sets"] == 10**6
    assert sum(s["data"]["pairs"]["count"]) == 10**6
    assert (out / "summary.json").stat().st_size < 5_000_000
    np.testing.assert_allclose(s["em"]["ml"]["theta"], [0.3, 0.7], atol=0.002)


@pytest.mark.slow
def test_ctrl_c_during_sampling_leaves_the_previous_report(tmp_path):
    """SIGINT mid-run: exit 130, the old report byte for byte, no temporary folder left."""
    out = tmp_path / "rep"
    out.mkdir()
    (out / "summary.json").write_text(json.dumps({"files": ["summary.json", "report.md"]}))
    (out / "report.md").write_text("the previous report\n")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    proc = subprocess.Popen([sys.executable, "-m", "compare", "--out", str(out),
                             "--draws", "20000"], cwd=tmp_path, env=env,
                            stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:                   # wait until sampling has started
        if line.startswith("compile"):
            time.sleep(0.5)
            break
    proc.send_signal(signal.SIGINT)
    try:
        _, rest = proc.communicate(timeout=120)   # EOF only once every child has let go too
    finally:
        proc.kill()
    assert proc.returncode == 130, rest
    assert "interrupted" in rest and "Traceback" not in rest
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


@pytest.mark.slow
def test_sampler_trouble_is_at_the_top(tmp_path):
    """Too few draws: the failed diagnostics open the report, and summary.json says so too."""
    from compare.__main__ import main

    out = tmp_path / "rep"
    assert main(["--draws", "40", "--tune", "20", "--chains", "2", "--out", str(out)]) == 0
    s = json.loads((out / "summary.json").read_text())
    assert any(w.startswith("sampler: bulk ESS below 400") for w in s["warnings"])
    head = (out / "report.md").read_text().split("## In short")[0]
    assert "Read this first" in head and "bulk ESS below 400" in head
    check = next(c for c in s["agreement"] if c["check"] == "NUTS sampler diagnostics")
    assert check["agree"] is False
