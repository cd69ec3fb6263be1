"""python -m compare end to end: every promised file and key; same inputs, same summary."""

import json
from types import SimpleNamespace
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_nan_free

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
FILES = {"summary.json", "report.md", "report.html", "posterior.nc"}
FIGURES = {"em_path", "objective", "marginals", "joint", "assignment", "prior_posterior",
           "ladder", "bound", "shrinkage"}


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "do-batzoglou"
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, "-m", "compare", "--quick", "--out", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_every_promised_file_and_key(quick_report):
    out, proc = quick_report
    names = {p.name for p in out.iterdir()}
    assert FILES <= names and "figures" in names
    assert {p.stem for p in (out / "figures").glob("*.png")} == FIGURES
    for stage in ("load", "em", "compile", "sample", "reference", "figures", "report"):
        assert any(line.startswith(stage) for line in proc.stderr.splitlines()), stage
    # stderr is not a terminal here: nothing but stage lines, announced before they start
    # ("sample     NUTS, 4 chains ...") and timed when done ("sample       0.31 s")
    import re

    assert "\x1b[" not in proc.stderr and "\r" not in proc.stderr        # no progress bars
    stage_line = re.compile(r"^[a-z]+ {1,}(\S.*)$")
    assert all(stage_line.match(line) for line in proc.stderr.splitlines()), proc.stderr
    announced = [line.split()[0] for line in proc.stderr.splitlines() if not line.endswith(" s")]
    assert {"reference", "sample", "figures"} <= set(announced)
    assert proc.stdout.strip().endswith("report.html")

    s = json.loads((out / "summary.json").read_text())
    assert_nan_free(s)
    assert {"name", "heads", "tosses", "sha256"} <= set(s["data"])
    assert s["data"]["heads"] == [5, 9, 8, 4, 7]
    assert {"seed", "prior", "components", "weights", "draws", "chains"} <= set(s["settings"])
    fit_keys = {"theta", "weights", "log_likelihood", "log_posterior", "iterations", "converged",
                "responsibilities", "std_error", "history"}
    for m in ("ml", "map"):
        assert fit_keys <= set(s["em"][m])
        h = s["em"][m]["history"][0]
        assert {"iteration", "theta", "weights", "objective"} <= set(h)
    assert {"theta_alpha", "theta_beta", "elbo", "history"} <= set(s["em"]["vb"])
    b = s["bayes"]
    assert {"theta", "weights"} <= set(b["find_map"])
    for var in ("theta", "weights"):
        assert {"mean", "sd", "median", "mode", "hdi_low", "hdi_high", "hdi_prob",
                "mcse_mean"} <= set(b["posterior"][var])
    assert np.shape(b["assignment_probability"]) == (5, 2)
    assert {"r_hat_max", "ess_bulk_min", "divergences", "chains", "draws"} <= set(b["diagnostics"])
    assert s["reference"]["grid"]["theta"]["mean"]
    assert s["reference"]["known_labels"]["theta"] == [0.45, 0.8]
    for c in s["agreement"]:
        assert {"check", "quantities", "difference", "tolerance", "agree", "explanation"} <= set(c)
    assert len(s["agreement"]) >= 10
    methods = {row["method"] for row in s["ladder"]}
    assert {"EM (ML)", "EM (MAP)", "variational Bayes", "Gibbs", "NUTS", "exact"} <= methods
    assert set(s["versions"]) >= {"python", "numpy", "scipy", "pymc", "pytensor", "arviz"}
    assert set(s["timings"]) >= {"em", "compile", "sample", "reference", "figures", "report"}
    # every file but summary.json itself is listed with its sha256, under the generator marker
    assert set(s["files"]) | {"summary.json"} == {p.relative_to(out).as_posix()
                                                 for p in out.rglob("*") if p.is_file()}
    assert s["generator"]["name"] == "coinmix compare"
    import hashlib
    for rel, digest in s["files"].items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest

    # the paper's numbers, computed in the worked example
    first = s["worked_example"]["first_iteration"]
    assert round(first["probability"][0][0], 2) == 0.45
    assert [round(v, 2) for v in first["new_theta"]] == [0.71, 0.58]
    three = s["worked_example"]["first_step_three_ways"]
    assert round(three["em"]["credited_heads"][0], 1) == 2.2


def test_html_is_self_contained(quick_report):
    out, _ = quick_report
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == len(FIGURES)
    assert "http://" not in html and "https://" not in html
    assert "<table>" in html


def test_report_text_is_built_from_the_numbers(quick_report):
    out, _ = quick_report
    s = json.loads((out / "summary.json").read_text())
    md = (out / "report.md").read_text()
    assert f"{s['em']['ml']['theta'][1]:.4f}" in md
    assert f"{s['bayes']['posterior']['theta']['mean'][0]:.4f}" in md
    assert "the paper's 0.71 and 0.58" in md
    for c in s["agreement"]:
        assert c["explanation"] in md


def test_same_inputs_same_summary(quick_report, tmp_path):
    """Reproducibility: a second run (in this process) gives the same summary.json but timings."""
    from compare.__main__ import main

    out, _ = quick_report
    again = tmp_path / "again"
    assert main(["--quick", "--out", str(again)]) == 0
    a = json.loads((out / "summary.json").read_text())
    b = json.loads((again / "summary.json").read_text())
    a.pop("timings"), b.pop("timings")
    assert a == b


def test_refresh_rules(quick_report, tmp_path):
    """A previous report is refreshed; a folder with a foreign file is left alone."""
    import shutil

    from compare.report import OutputError, check_target, report_files

    out, _ = quick_report
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    assert report_files(copy) is not None
    check_target(copy, force=False)               # exactly a previous report: allowed
    from compare.__main__ import main

    old_html = (copy / "report.html").stat().st_mtime_ns
    assert main(["--quick", "--out", str(copy)]) == 0   # refreshed in place, no --force
    assert (copy / "report.html").stat().st_mtime_ns != old_html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy"]   # no leftovers beside it
    (copy / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="--force"):
        check_target(copy, force=False)
    check_target(copy, force=True)
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        check_target(tmp_path / "file", force=True)


def test_a_new_rung_is_one_registry_entry(tmp_path):
    """Two toy methods added through the registry, each one entry and nothing else: EM-ML with
    its Wald sd doubled (a point rung) shows up in the ladder table of report.md and in
    summary.json's ladder, for every theta; a Laplace rung (a Gaussian at the MAP with the
    curvature there, an approximation) also gets its curve in the ladder figure and its
    "vs exact" findings, with no empty sentence."""
    from compare import rungs
    from compare.__main__ import main
    from compare.marginal import GaussianMarginal

    def doubled(fit, options):
        base = rungs.rung("ml").estimates(fit, options)
        return {param: [GaussianMarginal(e.centre, 2 * e.sd, options.hdi_prob,
                                         interval="Wald x 2") for e in rows]
                for param, rows in base.items()}

    def laplace(fit, options):
        return {"theta": [GaussianMarginal(float(fit.theta[i]), fit.std_error["theta"][i],
                                           options.hdi_prob, interval="Laplace",
                                           provenance="approximate")
                          for i in range(options.components)]}

    toy = rungs.Rung("ml2", "EM (ML), doubled sd", "EM-ML x 2", "em", "as EM", "a point",
                     run=lambda data, o, r: r.results["ml"], estimates=doubled)
    lap = rungs.Rung("laplace", "Laplace", "Laplace", "em", "as EM-MAP",
                     "a Gaussian at the MAP", run=lambda data, o, r: r.results["map"],
                     estimates=laplace, kind="approximation", style={"color": "#17becf"})
    rungs.RUNGS.extend([toy, lap])
    try:
        assert main(["--quick", "--out", str(tmp_path / "toy")]) == 0
    finally:
        rungs.RUNGS.remove(toy)
        rungs.RUNGS.remove(lap)
    s = json.loads((tmp_path / "toy" / "summary.json").read_text())
    ml = {row["parameter"]: row for row in s["ladder"] if row["method"] == "EM (ML)"}
    toys = {row["parameter"]: row for row in s["ladder"] if row["method"] == "EM (ML), doubled sd"}
    assert set(toys) == set(ml) == {"theta[0]", "theta[1]"}
    for p, row in toys.items():
        assert row["sd"] == pytest.approx(2 * ml[p]["sd"], rel=1e-12)
        assert row["interval"] == "Wald x 2"
    md = (tmp_path / "toy" / "report.md").read_text()
    assert md.count("| EM (ML), doubled sd |") == 3      # the method table and one row per theta
    # the Laplace rung: its rows, its findings, and a curve for the ladder figure (which draws
    # every rung's density where it has one)
    laps = [row for row in s["ladder"] if row["method"] == "Laplace"]
    assert [row["parameter"] for row in laps] == ["theta[0]", "theta[1]"]
    assert sum(line.startswith("| Laplace |") for line in md.splitlines()) == 3
    found = {c["check"]: c for c in s["agreement"] if c["check"].startswith("Laplace ")}
    assert set(found) == {"Laplace mean vs exact posterior mean", "Laplace sd vs exact posterior sd"}
    for c in found.values():
        assert c["explanation"] and ".." not in c["explanation"] and "  " not in c["explanation"]
        assert f"**{c['check']}** — {c['explanation']}" in md
    e = laplace(SimpleNamespace(theta=[0.4, 0.7], std_error={"theta": [0.1, 0.1]}),
                SimpleNamespace(hdi_prob=0.94, components=2))["theta"][0]
    x, y = e.density
    assert e.provenance == "approximate" and np.trapezoid(y, x) == pytest.approx(1, abs=1e-3)


def test_sampling_progress_on_a_terminal(tmp_path):
    """On a terminal (a pseudo-terminal here) nutpie's own progress table shows while NUTS
    samples, and the stage lines still start on lines of their own."""
    import pty

    master, slave = pty.openpty()
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.Popen([sys.executable, "-m", "compare", "--quick", "--out",
                             str(tmp_path / "r")], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:                 # the terminal's other end closed: the run is over
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=600) == 0
    err = b"".join(chunks).decode("utf-8", "replace")
    assert "Draws" in err and "Divergences" in err                 # nutpie's progress table
    lines = err.replace("\r\n", "\n").split("\n")
    assert any(line.startswith("sample ") and line.endswith(" s") for line in lines)
    assert any(line.startswith("report ") for line in lines)

