"""The suite in a notebook: compare.run mirrors the command line (same checks, same messages,
same report), and examples/lesson.ipynb runs on a kernel of this interpreter and shows the
paper's numbers."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))

#: bad keywords, and the same input on the command line
BAD = [
    (dict(prior=(0, 2)), ["--prior", "0,2"]),
    (dict(components=0), ["--components", "0"]),
    (dict(weights="sometimes"), ["--weights", "sometimes"]),
    (dict(data="builtin:nope"), ["--data", "builtin:nope"]),
    (dict(init=(0.6,)), ["--init", "0.6"]),
    (dict(draws=5), ["--draws", "5"]),
    (dict(study="bogus"), ["--study", "bogus"]),
]

_API = """
import json, sys
import compare
light = not any(m in sys.modules for m in ("numpy", "pymc", "matplotlib"))
out = []
for kw in json.loads(sys.argv[1]):
    try:
        compare.run(**kw)
        out.append(None)
    except ValueError as exc:
        out.append(str(exc))
print(json.dumps({"light": light, "messages": out, "pymc": "pymc" in sys.modules}))
"""


def _env():
    return dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")


def test_api_raises_the_command_lines_line_before_pymc(tmp_path):
    """Each bad keyword raises ValueError with exactly the line the command line prints (after
    its "python -m compare: error: "), naming the flag; PyMC is never imported, and importing
    compare imports nothing heavy."""
    proc = subprocess.run([sys.executable, "-c", _API, json.dumps([kw for kw, _ in BAD])],
                          cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got["light"] and not got["pymc"]
    prefix = "python -m compare: error: "
    for (kw, flags), message in zip(BAD, got["messages"]):
        cli = subprocess.run([sys.executable, "-m", "compare", *flags], cwd=tmp_path,
                             env=_env(), capture_output=True, text=True, timeout=120)
        assert cli.returncode == 2
        line = cli.stderr.strip()
        assert line.startswith(prefix) and message == line[len(prefix):], (kw, message, line)
        assert f"--{next(iter(kw))}" in message or "builtin:nope" in message


def test_keywords_are_the_flags():
    from compare.api import argv

    assert argv(data="builtin:saxony", prior=(2, 2), init=np.array([0.6, 0.5]), quick=True,
                target_accept=0.95, bootstrap_lrt=0, study=("prior", "size")) == [
        "--data", "builtin:saxony", "--prior", "2,2", "--init", "0.6,0.5",
        "--target-accept", "0.95", "--quick", "--bootstrap-lrt", "0", "--study", "prior,size"]
    with pytest.raises(TypeError, match="colour"):
        from compare.api import prepare

        prepare(colour="red")


@pytest.mark.slow
def test_the_api_run_is_the_command_lines_report(tmp_path):
    """compare.run then .save writes the report python -m compare writes (same report.md, same
    summary.json but for timings and hashes); .summary is that summary, .posterior the draws
    in posterior.nc; .save keeps the command line's folder rules; the run shows itself."""
    import compare
    from compare.__main__ import main
    from compare.report import OutputError

    r = compare.run(quick=True, progress=False)
    saved = r.save(tmp_path / "api")
    assert main(["--quick", "--out", str(tmp_path / "cli")]) == 0
    md = {k: (tmp_path / k / "report.md").read_text() for k in ("api", "cli")}
    assert md["api"] == md["cli"]
    s = {k: json.loads((tmp_path / k / "summary.json").read_text()) for k in ("api", "cli")}
    for d in s.values():
        d.pop("timings"), d.pop("files")
    assert s["api"] == s["cli"]
    summary = r.summary
    summary.pop("timings")
    assert summary == s["api"]
    import xarray as xr

    nc = xr.open_datatree(saved / "posterior.nc", engine="h5netcdf")
    np.testing.assert_array_equal(nc["posterior"]["theta"].values,
                                  r.posterior["posterior"]["theta"].values)
    # the folder rules: a folder that is not a report of ours is refused, then moved aside
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="not exactly a previous report"):
        r.save(theirs)
    assert (theirs / "notes.txt").read_text() == "mine"
    with pytest.warns(UserWarning, match="moved to"):
        r.save(theirs, force=True)
    backups = [p for p in tmp_path.iterdir() if p.name.startswith("theirs.backup-")]
    assert len(backups) == 1 and (backups[0] / "notes.txt").read_text() == "mine"
    # a previous report of ours is simply replaced
    r.save(saved)
    page = r._repr_html_()
    assert page.count("data:image/png;base64,") == len(r.figures) == 9
    assert "<table>" in page and "<html" not in page
    assert repr(r).startswith("<compare.Run do-batzoglou: 5 sets") and len(repr(r)) < 400


@pytest.mark.slow
def test_lesson_notebook_runs_and_shows_the_papers_numbers(tmp_path):
    """examples/lesson.ipynb, executed afresh on a kernel of this interpreter (nbclient): no cell
    fails, and its outputs show one EM step's 0.71 / 0.58 and ten steps' 0.80 / 0.52. Its cells
    are those of its pair, examples/lesson.py."""
    import nbformat
    from make_lesson import NOTEBOOK, execute, notebook, output_text

    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert [(c.cell_type, c.source) for c in nb.cells] == \
        [(c.cell_type, c.source) for c in notebook().cells]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    execute(nb, tmp_path)                      # raises CellExecutionError on a failing cell
    text = output_text(nb)
    assert "theta_A / theta_B = 0.71 / 0.58" in text
    assert "theta_A / theta_B = 0.80 / 0.52" in text
    assert "data:image/png;base64," in text    # the run showed its report, figures inline
    assert "Traceback" not in text
