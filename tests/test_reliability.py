"""Bad input, safe output, degenerate data.

The catalogue runs each command as a user would (a subprocess in a fresh folder holding a few
data files and a previous report) and demands: exit code 2, exactly one line on stderr that
names the problem (and file:line where there is one), no traceback, nothing created or changed.
"""

import contextlib
import json
import math
import re
import os
import signal
import subprocess
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_nan_free

ROOT = Path(__file__).resolve().parents[1]

FILES = {
    "good.csv": "heads,tosses\n5,10\n9,10\n",
    "ones.csv": "heads,tosses\n1,2\n0,2\n1,1\n2,2\n",
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
    "huge.csv": "heads,tosses\n5,10\n1,1000000000000\n",
    "quoted.csv": 'sequence\nHTHT\n""\nTTHH\n',
    "pairs.csv": "heads,tosses\n" + "".join(f"{i},10000\n" for i in range(5001)),
    "existing.nc": "the user's file",
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
    # issue 15: counts beyond the tested range, files that are not regular, quoted empty rows
    ("em", ["--data", "huge.csv"], "huge.csv:3: tosses 1000000000000 is above the limit of 10^9"),
    ("bayes", ["--data", "huge.csv"], "huge.csv:3"),
    ("compare", ["--data", "huge.csv"], "huge.csv:3"),
    ("em", ["--data", "fifo.csv"], "fifo.csv: is a FIFO, not a regular file"),
    ("em", ["--data", "devzero.csv"], "devzero.csv: is a character device"),
    ("em", ["--data", "quoted.csv"], "quoted.csv:3: empty sequence"),
    # issue 15: upper bounds on work and memory, one seed range, minimum draws, prior range
    ("em", ["--restarts", "1000000000000"], "--restarts: must be a whole number from 0 to 10000"),
    ("em", ["--max-iter", "10000000"], "--max-iter: must be a whole number from 0 to 1000000"),
    ("em", ["--restarts", "10000", "--data", "pairs.csv"], "above the limit of 10^8"),
    ("bayes", ["--chains", "1000000000"], "--chains: must be a whole number from 1 to 64"),
    ("bayes", ["--draws", "1000000000000"], "--draws: must be a whole number from 10 to 1000000"),
    ("bayes", ["--chains", "64", "--draws", "100000"], "above the limit of 4000000"),
    ("bayes", ["--draws", "1"], "--draws: must be a whole number from 10"),
    ("bayes", ["--tune", "0"], "--tune: must be a whole number from 10"),
    ("compare", ["--draws", "1"], "--draws: must be a whole number from 10"),
    ("compare", ["--chains", "1000000000"], "--chains"),
    ("em", ["--seed", "18446744073709551616"], "--seed: must be below 2^63"),
    ("bayes", ["--seed", "18446744073709551616"], "--seed: must be below 2^63"),
    ("compare", ["--seed", "18446744073709551616"], "--seed: must be below 2^63"),
    ("em", ["--prior", "1,1e300"], "10^-3 <= A, B <= 10^6"),
    ("em", ["--vb", "--prior", "1e-300,1"], "10^-3 <= A, B <= 10^6"),
    ("bayes", ["--prior", "1,1e300"], "10^-3 <= A, B <= 10^6"),
    ("compare", ["--prior", "1,1e300"], "10^-3 <= A, B <= 10^6"),
    ("em", ["--weights", "learned", "--dirichlet", "1e300"], "--dirichlet"),
    # issue 13: more coins than the longest set can tell apart (Teicher 1963: n >= 2K - 1)
    ("em", ["--data", "ones.csv", "--components", "2"], "2K - 1 = 3 tosses"),
    ("bayes", ["--data", "ones.csv", "--components", "2"], "2K - 1 = 3 tosses"),
    ("compare", ["--data", "ones.csv", "--components", "2"], "2K - 1 = 3 tosses"),
    ("compare", ["--components", "6"], "2K - 1 = 11 tosses"),
    # issue 15: an empty --out, an existing --netcdf file
    ("compare", ["--out", ""], "--out: expected a path, got an empty string"),
    ("bayes", ["--netcdf", "existing.nc"], "use --force to replace it"),
    # issue 15: upper bounds on the study and bootstrap options (with or without --study)
    ("compare", ["--bootstrap-lrt", "10001"],
     "--bootstrap-lrt: must be a whole number from 0 to 10000, got 10001"),
    ("compare", ["--replicates", "10001"],
     "--replicates: must be a whole number from 1 to 10000, got 10001"),
    ("compare", ["--study", "coverage", "--replicates", "1000000000000"], "--replicates"),
    ("compare", ["--sizes", "1,5"], "--sizes: each size must be a whole number from 2 to 1000000"),
    ("compare", ["--study", "size", "--sizes", "5,1000001"], "from 2 to 1000000, got '5,1000001'"),
    ("compare", ["--sizes", ",".join(["5"] * 11)], "--sizes: at most 10 sizes, got 11"),
    ("compare", ["--sizes", "5,,20"], "--sizes: expected whole numbers separated by commas"),
    # issue 15: an --out that cannot be written, paths that are not UTF-8 (one line, no
    # UnicodeEncodeError): refused before any work
    ("compare", ["--out", "/proc/foo"], "--out /proc/foo: cannot write in /proc"),
    ("compare", ["--out", "no\udcff/rep"], "does not exist"),
    ("em", ["--data", "nosuch\udcff.csv"], "no such file"),
]


def _tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): (p.lstat().st_size, p.lstat().st_mtime_ns)
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
    os.mkfifo(folder / "fifo.csv")                  # reading it would wait for a writer forever
    (folder / "devzero.csv").symlink_to("/dev/zero")     # reading it would never end


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
    ("short", "heads,tosses\n1,1\n0,1\n1,1\n2,10\n8,10\n7,9\n1,2\n", [],
     "4 of the 7 sets have fewer than 2K - 1 = 3 tosses (1, 2)"),
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


def _fake_previous_report(out: Path) -> dict:
    """A folder that holds exactly a previous report of ours (marker, files, hashes)."""
    import hashlib

    out.mkdir()
    (out / "report.md").write_text("the previous report\n")
    digest = hashlib.sha256(b"the previous report\n").hexdigest()
    (out / "summary.json").write_text(json.dumps(
        {"generator": {"name": "coinmix compare"}, "files": {"report.md": digest}}))
    return {p.name: p.read_bytes() for p in out.iterdir()}


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if text.encode() in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                pass
    return found


@contextlib.contextmanager
def _sigint_not_ignored():
    """A process inherits an ignored SIGINT across exec, and Python then leaves Ctrl-C ignored
    (POSIX: a non-interactive shell ignores SIGINT in the jobs it starts with '&', so a test
    suite run in the background would see the run finish instead of stop). Give the child the
    default disposition, whatever this process was started with."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.slow
@pytest.mark.parametrize("sig,code,word", [(signal.SIGINT, 130, "interrupted"),
                                           (signal.SIGTERM, 143, "terminated")])
def test_interrupt_during_sampling_leaves_the_previous_report(tmp_path, sig, code, word):
    """Ctrl-C or SIGTERM mid-run: the old report byte for byte, no temporary folder, one line on
    stderr, no traceback, and no worker process left behind."""
    out = tmp_path / "rep"
    before = _fake_previous_report(out)
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    with _sigint_not_ignored():
        proc = subprocess.Popen([sys.executable, "-m", "compare", "--out", str(out),
                                 "--draws", "20000"], cwd=tmp_path, env=env,
                                stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:                   # wait until sampling has started
        if line.startswith("compile"):
            time.sleep(0.5)
            break
    proc.send_signal(sig)
    try:
        _, rest = proc.communicate(timeout=120)   # EOF only once every child has let go too
    finally:
        proc.kill()
    assert proc.returncode == code, rest
    assert word in rest and "Traceback" not in rest
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]
    time.sleep(0.5)
    assert _processes_mentioning(str(out)) == []


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
    # each failed diagnostic is its own clause ("...check the model; bulk ESS below 400 ..."),
    # not one run-on sentence
    assert "; bulk ESS below 400" in check["explanation"] or "R-hat" not in check["explanation"]
    assert not re.search(r"[a-z] (bulk ESS below|R-hat above)", check["explanation"])


# ---------------------------------------------------------------- issue 15: one validation

PAPER_H, PAPER_N = np.array([5, 9, 8, 4, 7]), np.full(5, 10)
BAD_ARRAYS = {
    "bool": (PAPER_H > 0, PAPER_N > 0),
    "complex": (PAPER_H + 0j, PAPER_N + 0j),
    "fraction": (PAPER_H + 0.5, PAPER_N * 1.0),
    "nan": (PAPER_H * np.nan, PAPER_N * 1.0),
    "negative": (PAPER_H - 6, PAPER_N),
    "object-none": (np.array([5, None, 8, 4, 7], dtype=object), PAPER_N.astype(object)),
    "object-text": (np.array(["5", "9", "8", "4", "7"], dtype=object), PAPER_N.astype(object)),
    "2-D": (PAPER_H[None], PAPER_N[None]),
    "uint64-2^63": (np.array([5], np.uint64), np.array([2**63 + 5], np.uint64)),
    "10^12": (np.array([10**12, 1]), np.array([10**12, 2])),
}


def _every_entry_point():
    import bayes
    import em
    from bayes.grid import grid_posterior
    from coindata import from_counts

    def check_options(h, n):
        return bayes.check_options(h, n, components=2, weights="fixed", prior=(2, 2),
                                   dirichlet=1.0, draws=100, tune=100, chains=2,
                                   target_accept=0.9, sampler="nuts", init=None, hdi_prob=0.94)

    return {"em.fit": em.fit, "em.vb": lambda h, n: em.vb(h, n, prior=(1, 1)),
            "bayes.check_options": check_options, "grid_posterior": grid_posterior,
            "coindata.from_counts": from_counts}


@pytest.mark.parametrize("kind", BAD_ARRAYS)
def test_the_same_bad_arrays_are_refused_everywhere(kind):
    """The engines validate through their twin pairs modules and coindata through its own code:
    all five entry points refuse the same arrays, and no message shows a wrapped-around number."""
    heads, tosses = BAD_ARRAYS[kind]
    for name, entry in _every_entry_point().items():
        with pytest.raises(ValueError) as err:
            entry(heads, tosses)
        assert "-9223372036854775" not in str(err.value), (name, str(err.value))


def test_limits_agree_and_the_pairs_twins_are_identical():
    import bayes.options
    import bayes.pairs
    import coindata.cli
    import coindata.sources
    import em.options
    import em.pairs

    for name in ("PRIOR_MIN", "PRIOR_MAX", "SEED_LIMIT"):
        assert getattr(em.options, name) == getattr(bayes.options, name) \
            == getattr(coindata.cli, name), name
    for name in ("MAX_TOSSES", "MAX_TOTAL_TOSSES"):
        assert getattr(em.pairs, name) == getattr(bayes.pairs, name) \
            == getattr(coindata.sources, name), name
    ours = (ROOT / "em" / "pairs.py").read_text().splitlines()
    theirs = (ROOT / "bayes" / "pairs.py").read_text().splitlines()
    assert len(ours) == len(theirs)
    differ = [(a, b) for a, b in zip(ours, theirs) if a != b]
    assert len(differ) == 1 and differ[0][0].startswith("The bayes package has its own twin")


@pytest.mark.parametrize("kw,words", [
    (dict(draws=9), "draws must be a whole number from 10 to 1000000"),
    (dict(draws=10**6 + 1), "draws must be a whole number from 10 to 1000000"),
    (dict(tune=0), "tune must be a whole number from 10"),
    (dict(chains=65), "chains must be a whole number from 1 to 64"),
    (dict(chains=64, draws=10**5), "above the limit of 4000000"),
    (dict(seed=2**64), "0 <= seed < 2^63"),
    (dict(seed=-1), "0 <= seed < 2^63"),
    (dict(prior=(1, 1e300)), "10^-3 <= a, b <= 10^6"),
    (dict(prior=(1e-4, 1)), "10^-3 <= a, b <= 10^6"),
    (dict(weights="learned", dirichlet=1e7), "between 10^-3 and 10^6"),
])
def test_bayes_option_limits(kw, words):
    import re

    import bayes
    from bayes.fit import sample_draws

    opts = dict(components=2, weights="fixed", prior=(2, 2), dirichlet=1.0, draws=100, tune=100,
                chains=2, target_accept=0.9, sampler="nuts", init=None, hdi_prob=0.94) | kw
    with pytest.raises(ValueError, match=re.escape(words)):
        bayes.check_options(PAPER_H, PAPER_N, **opts)
    # bayes.fit and sample_draws check the same (and the seed) before any sampler starts
    fit_kw = {k: v for k, v in opts.items() if k not in ("hdi_prob",)} | {"sampler": "gibbs"}
    with pytest.raises(ValueError, match=re.escape(words)):
        bayes.fit(PAPER_H, PAPER_N, **fit_kw)
    with pytest.raises(ValueError, match=re.escape(words)):
        sample_draws(PAPER_H, PAPER_N, **fit_kw)


# ---------------------------------------------------------------- issue 15: extreme but valid

def _closed_form_one_set(a, b, h=7, n=10):
    """One set, two coins, equal fixed weights, Beta(a, b) on both: the evidence is the
    Beta-binomial, and the unordered posterior is Beta(a + h, b + n - h) x Beta(a, b) half the
    time and the mirror image otherwise, so the sums over the (ordered) coins of the means and of
    the second moments are those of the two Betas."""
    from scipy.special import betaln

    log_evidence = math.log(math.comb(n, h)) + betaln(a + h, b + n - h) - betaln(a, b)
    s = a + b
    mean = (a + h) / (s + n) + a / s
    second = (a + h) * (a + h + 1) / ((s + n) * (s + n + 1)) + a * (a + 1) / (s * (s + 1))
    return log_evidence, mean, second


@pytest.mark.parametrize("prior,tol", [((1000, 1000), 1e-9), ((10**6, 10**6), 1e-7),
                                       ((1, 10**6), 1e-3), ((10**6, 1), 1e-3)])
def test_grid_is_right_for_strong_priors(prior, tol):
    """Beta(1, 1e300) crashed the grid (IndexError); Beta(1, 10^6), whose posterior is ~10^-6
    wide, came out 4 times too far from 0: the grid now zooms in until it resolves it."""
    from bayes.grid import grid_posterior

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = grid_posterior([7], [10], prior=prior)
    log_evidence, mean, second = _closed_form_one_set(*prior)
    assert g.log_evidence == pytest.approx(log_evidence, abs=tol * 10)
    assert sum(m.mean for m in g.theta) == pytest.approx(mean, rel=tol)
    assert sum(m.sd**2 + m.mean**2 for m in g.theta) == pytest.approx(second, rel=tol * 10)
    for m in g.theta:
        assert np.all(np.isfinite(m.density)) and m.sd > 0
        assert m.density.sum() * (m.x[1] - m.x[0]) == pytest.approx(1.0, abs=1e-12)


def test_grid_resolves_a_billion_tosses():
    """10^9 heads of 10^9 beside 1 of 2: the high coin is Beta(10^9 + 2, 2) to within 10^-9 (the
    old grid gave it sd 0), the low coin Beta(3, 3) (the small set and the prior)."""
    from bayes.grid import grid_posterior

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = grid_posterior([10**9, 1], [10**9, 2], prior=(2, 2))
    low, high = g.theta
    a, b = 10**9 + 2, 2
    assert high.mean == pytest.approx(a / (a + b), abs=1e-12)
    assert high.sd == pytest.approx(math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1))), rel=0.01)
    assert low.mean == pytest.approx(0.5, abs=1e-6)
    assert low.sd == pytest.approx(math.sqrt(9 / (36 * 7)), rel=1e-4)


def test_the_grid_refuses_unbounded_prior_densities():
    from bayes.grid import grid_posterior

    with pytest.raises(ValueError, match="a, b >= 1"):
        grid_posterior(PAPER_H, PAPER_N, prior=(0.5, 0.5))
    with pytest.raises(ValueError, match="Dirichlet concentration >= 1"):
        grid_posterior(PAPER_H, PAPER_N, weights="learned", dirichlet=0.5)


@pytest.mark.parametrize("prior", [(1e-3, 1e-3), (1e-3, 1e6), (1e6, 1e6), (1, 1e6)])
def test_extreme_priors_and_huge_counts_warn_nothing(prior):
    """RuntimeWarnings reached stderr for extreme priors and huge counts: with warnings as
    errors, every engine runs clean at the edges of the ranges."""
    import bayes
    import em

    data = [(PAPER_H, PAPER_N), (np.array([10**9, 0, 1]), np.array([10**9, 10**9, 2]))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for h, n in data:
            for weights in ("fixed", "learned"):
                v = em.vb(h, n, prior=prior, weights=weights, dirichlet=1e-3)
                assert np.all(np.isfinite(v.theta_mean))
                if min(prior) >= 1:
                    r = em.fit(h, n, prior=prior, weights=weights, dirichlet=1e6)
                    assert np.isfinite(r.log_posterior)
                r = em.fit(h, n, weights=weights)
                assert np.isfinite(r.log_likelihood)
        g = bayes.fit(PAPER_H, PAPER_N, prior=prior, weights="learned", dirichlet=1e-3,
                      sampler="gibbs", draws=200, tune=50, chains=2, seed=1)
        assert np.all(np.isfinite(g.posterior["theta"]["mean"]))
        # beyond the range: refused, where 10^16 tosses used to warn "invalid value" (and -inf)
        with pytest.raises(ValueError, match=r"limit of 10\^9"):
            em.fit([10**16, 1], [10**16, 2], weights="learned")


def test_describe_survives_undefined_diagnostics():
    """`python -m bayes --draws 1` died in describe() on a None ESS: undefined numbers print as
    n/a (and such short runs are now refused up front)."""
    from types import SimpleNamespace

    from bayes.__main__ import describe

    none2 = [None, None]
    r = SimpleNamespace(
        settings={"components": 2, "weights": "fixed", "prior": [[2.0, 2.0]] * 2,
                  "sampler": "gibbs", "chains": 1, "draws": 10},
        posterior={"theta": {"mean": [0.4, 0.8], "sd": none2, "hdi_low": none2,
                             "hdi_high": none2, "hdi_prob": 0.94, "mcse_mean": none2}},
        find_map=None, warnings=("R-hat needs at least 2 chains, got 1: convergence unchecked",),
        diagnostics={"r_hat_max": None, "ess_bulk_min": None, "divergences": 0})
    text = describe(SimpleNamespace(name="d", n_sets=5), r)
    assert "min bulk ESS n/a" in text and "max R-hat n/a" in text and "sd n/a" in text


# ---------------------------------------------------------------- issue 15: injection, paths,
# a full disk, two runs at once

def _report_files(out: Path) -> dict:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def _assert_complete_report(out: Path):
    """out holds one whole report: every file listed in summary.json with its hash, no other."""
    import hashlib

    s = json.loads((out / "summary.json").read_text())
    files = _report_files(out)
    assert sorted(files) == sorted([*s["files"], "summary.json"])
    for name, digest in s["files"].items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    return s


def _error_lines(stderr: str) -> list[str]:
    """The error lines among the stage lines a run prints on stderr."""
    return [line for line in stderr.splitlines() if line.startswith("python -m compare:")]


INJECTIONS = ["![t](https://example.org/t.png)", "[x](https://example.org)", "a|b",
              "<img src=x onerror=alert(1)>"]


@pytest.mark.slow
def test_user_text_cannot_inject_into_the_report(tmp_path, capfd):
    """Issue 15, item 4: coin labels and a data file name carrying Markdown images, links, URLs,
    HTML and a table's "|": the report embeds no file but its own figures (not the secret the
    label points at), links nowhere, holds no URL even as text in the HTML, shows the labels
    escaped in report.md (no live image or link there, none that GitHub would autolink), and
    every table row keeps its header's number of cells. One report for all of them."""
    import base64
    import re

    from markdown_it import MarkdownIt

    from compare.__main__ import main

    out = tmp_path / "rep"
    secret = tmp_path / "secret.png"          # what a label points at, from inside the report
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + b"COINMIX-SECRET-" * 64)
    labels = [f"![p](figures/{os.path.relpath(secret, out / 'figures')})", *INJECTIONS]
    rows = [(5, labels[0]), (9, labels[1]), (8, labels[2]), (4, labels[3]), (7, labels[4]),
            (6, labels[3])]
    src = tmp_path / "coins![p](x.png).csv"
    src.write_text("heads,tosses,coin\n" + "".join(f"{h},10,{c}\n" for h, c in rows))
    assert main(["--data", str(src), "--quick", "--draws", "300", "--tune", "300",
                 "--out", str(out)]) == 0
    assert "Traceback" not in capfd.readouterr().err
    s = _assert_complete_report(out)
    figures = {p.read_bytes() for p in (out / "figures").iterdir()}
    assert len(figures) == len(s["figures"])

    page = (out / "report.html").read_text()
    assert "http://" not in page and "https://" not in page
    assert "COINMIX-SECRET" not in page
    images = re.findall(r"<img\b[^>]*>", page)
    assert len(images) == len(figures)
    for tag in images:
        src_attr = re.search(r'\bsrc="data:image/png;base64,([A-Za-z0-9+/=]+)"', tag)
        assert src_attr, tag[:100]
        assert base64.b64decode(src_attr.group(1)) in figures       # one of ours, not the secret
    assert all(h.startswith("#") for h in re.findall(r"<a\b[^>]*\bhref=\"([^\"]*)\"", page))
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "coins![p](x.png)" in page                                 # the name, as text

    md = (out / "report.md").read_text()
    assert r"coin \!\[t\](https\://example.org/t.png)" in md
    assert r"\[x\](https\://example.org)" in md and r"| a\|b |" in md
    assert r"on coins\!\[p\](x.png)" in md
    ours = {f"figures/{Path(f).name}" for f in s["figures"].values()}
    for tok in MarkdownIt("commonmark").enable("table").parse(md):
        for child in tok.children or ():
            if child.type == "image":
                assert child.attrGet("src") in ours, child.attrGet("src")
            assert child.type != "link_open", child.attrGet("href")
    prose = re.sub(r"(?ms)^```.*?^```$", "", md)         # code blocks show the command as typed
    assert not re.search(r"(?<!\\)://|(?<!\\)www\.", prose)   # GitHub would autolink these
    table = []
    for line in md.splitlines() + [""]:
        if line.startswith("|"):
            table.append(len(re.findall(r"(?<!\\)\|", line)))
        elif table:
            assert len(set(table)) == 1, table
            table = []


def _compare_env(**extra) -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg", **extra)


QUICK = ["--quick", "--draws", "300", "--tune", "300"]


@pytest.mark.slow
def test_paths_that_are_not_utf8(tmp_path):
    """Issue 15, item 13: a byte that is not UTF-8 in the --data and the --out path (and their
    folder) used to fail when writing report.md after the whole run. It works: the report is
    written where asked, its text shows the byte as \\xNN, and the path on stdout is the exact
    bytes, even where stdout refuses what is not UTF-8."""
    folder = os.fsencode(tmp_path) + b"/d\xff"
    os.mkdir(folder)
    data, out = folder + b"/coins\xfe.csv", folder + b"/rep\xff"
    with open(data, "w") as f:
        f.write("heads,tosses\n5,10\n9,10\n8,10\n4,10\n7,10\n")
    proc = subprocess.run([sys.executable, "-m", "compare", *QUICK, "--data", data, "--out", out],
                          cwd=tmp_path, env=_compare_env(PYTHONIOENCODING="utf-8:strict"),
                          capture_output=True, timeout=300)
    err = proc.stderr.decode()
    assert proc.returncode == 0 and "Traceback" not in err, err[-2000:]
    assert proc.stdout == out + b"/report.html\n"
    rep = Path(os.fsdecode(out))
    s = _assert_complete_report(rep)
    assert s["data"]["name"] == "coins\\xfe"
    assert "coins\\xfe" in (rep / "report.html").read_bytes().decode("utf-8")
    (rep / "report.md").read_bytes().decode("utf-8")
    assert sorted(os.listdir(folder)) == [b"coins\xfe.csv", b"rep\xff"]


@contextlib.contextmanager
def _tmpfs(path: Path, options: str):
    """A tmpfs mounted at ``path`` for the block; skips the test where mounting is not allowed
    (not root, or a container without CAP_SYS_ADMIN, as in some CI)."""
    import shutil

    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    path.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield path
    finally:
        for _ in range(40):       # a worker that is just ending may hold it for a moment
            if subprocess.run(["umount", str(path)], capture_output=True).returncode == 0:
                break
            time.sleep(0.25)
        else:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_full_or_read_only_disk_is_refused_up_front(tmp_path):
    """Issue 15, items 9 and 13: a disk too small for any report (1 MB), with or without a
    previous report on it, and a read-only one: exit 2 and one line before any work (PyMC is
    never imported), nothing created or changed."""
    with _tmpfs(tmp_path / "disk", "size=1m") as disk, \
            _tmpfs(tmp_path / "ro", "ro,size=64k") as ro:
        before = _fake_previous_report(disk / "old")
        for out, words in ((disk / "new", "not enough free space"),
                           (disk / "old", "not enough free space"),
                           (ro / "rep", "Read-only file system")):
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "compare", "--quick", "--out", str(out)],
                                  cwd=tmp_path, env=_compare_env(), capture_output=True,
                                  text=True, timeout=120)
            lines = proc.stderr.splitlines()
            assert proc.returncode == 2 and len(lines) == 1, proc.stderr[-1000:]
            assert lines[0].startswith(f"python -m compare: error: --out {out}") and words in lines[0]
            assert time.perf_counter() - t0 < 20
        assert _report_files(disk / "old") == before
        assert sorted(p.name for p in disk.iterdir()) == ["old"]
        assert list(ro.iterdir()) == []


_NETCDF_ON = """
import sys
from pathlib import Path
import numpy as np, xarray as xr
from compare.report import _write_netcdf
draws = xr.Dataset({"theta": (("chain", "draw"), np.zeros((4, 50000)))})
try:
    _write_netcdf(xr.DataTree.from_dict({"posterior": draws}), Path(sys.argv[1]))
except OSError as exc:
    print("OSError", exc.errno)
"""


def test_posterior_nc_on_a_full_disk_is_an_oserror(tmp_path):
    """Issue 15, item 9: HDF5 writing posterior.nc onto a full disk raised, then crashed the
    process with a segmentation fault while h5py freed its objects (exit -11, h5py tracebacks).
    The file is now built in memory and written as plain bytes: an OSError, nothing else."""
    import errno

    with _tmpfs(tmp_path / "disk", "size=64k") as disk:
        proc = subprocess.run([sys.executable, "-c", _NETCDF_ON, str(disk / "posterior.nc")],
                              cwd=tmp_path, env=_compare_env(), capture_output=True, text=True,
                              timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]                 # not -11 (SIGSEGV)
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert proc.stdout == f"OSError {errno.ENOSPC}\n"


def test_bayes_netcdf_on_a_full_disk_is_one_line(tmp_path):
    """python -m bayes --netcdf shares the in-memory writer (bayes.netcdf): on a full disk it
    says so in one line (exit 1) and leaves no file, not even a temporary one."""
    with _tmpfs(tmp_path / "disk", "size=64k") as disk:
        proc = subprocess.run([sys.executable, "-m", "bayes", "--sampler", "gibbs",
                               "--draws", "2000", "--netcdf", str(disk / "x.nc")],
                              cwd=tmp_path, env=_compare_env(), capture_output=True, text=True,
                              timeout=120)
        left = list(disk.iterdir())
    lines = proc.stderr.splitlines()
    assert proc.returncode == 1 and len(lines) == 1, proc.stderr[-2000:]
    assert "cannot write --netcdf" in lines[0] and "No space left" in lines[0]
    assert left == []


# The disk fills up after the checks (another program writes to it): the checks of free space
# are switched off so that the writing itself meets the full disk.
_FILLED_LATER = """
import os, sys
import compare.report as report
report.check_room = report._check_space = lambda *args: None
from compare.__main__ import main
code = main(sys.argv[1:])
sys.stdout.flush(); sys.stderr.flush()
os._exit(code)
"""


@pytest.mark.slow
def test_disk_full_while_writing_keeps_the_previous_report(tmp_path):
    """Issue 15, item 9: posterior.nc, the figures or the text meet a full disk (HDF5 used to
    crash with a segmentation fault there): exit 1, one error line, no traceback, the previous
    report byte for byte, no temporary folder left, no worker left behind."""
    with _tmpfs(tmp_path / "disk", "size=1m") as disk:
        before = _fake_previous_report(disk / "r")
        proc = subprocess.run([sys.executable, "-c", _FILLED_LATER, *QUICK,
                               "--out", str(disk / "r")], cwd=tmp_path, env=_compare_env(),
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 1, proc.stderr[-2000:]            # not -11 (SIGSEGV)
        assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
        assert _error_lines(proc.stderr) == [
            ("python -m compare: error: cannot write the report (No space left on device); "
             f"{disk / 'r'} left as it was")]
        assert _report_files(disk / "r") == before
        assert sorted(p.name for p in disk.iterdir()) == ["r"]
        time.sleep(0.5)
        assert _processes_mentioning(str(disk)) == []


@pytest.mark.slow
def test_two_runs_on_the_same_folder(tmp_path):
    """Issue 15, item 14: two runs started together on one --out holding a previous report
    (no --force): each ends with 0 or one clean error line, and the folder then holds one whole
    report, with no temporary, .old-* or backup folder beside it."""
    out = tmp_path / "SAME"
    _fake_previous_report(out)
    procs = [subprocess.Popen([sys.executable, "-m", "compare", *QUICK, "--out", str(out)],
                              cwd=tmp_path, env=_compare_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        results = [(p, *p.communicate(timeout=300)) for p in procs]
    finally:
        for p in procs:
            p.kill()
    assert any(p.returncode == 0 for p, _, _ in results)
    for p, stdout, stderr in results:
        assert "Traceback" not in stderr, stderr[-2000:]
        if p.returncode == 0:
            assert stdout == f"{out / 'report.html'}\n" and not _error_lines(stderr)
        else:
            assert p.returncode in (1, 2) and len(_error_lines(stderr)) == 1, stderr[-2000:]
    s = _assert_complete_report(out)
    assert s["generator"]["name"] == "coinmix compare" and "report.html" in s["files"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["SAME"]
