"""Build examples/lesson.ipynb from its paired script examples/lesson.py (jupytext's percent
format: ``# %%`` starts a code cell, ``# %% [markdown]`` a text cell) and execute it.

    flock /tmp/coinmix-pymc.lock .venv/bin/python examples/make_lesson.py

The notebook runs on a kernel of this interpreter (its own kernel spec in a temporary folder, so
nothing needs registering by hand), in a temporary working folder (the report it saves goes
there), with this checkout first on the kernel's path. tests/test_notebook.py uses the same
functions to execute the committed notebook.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCRIPT, NOTEBOOK = HERE / "lesson.py", HERE / "lesson.ipynb"
KERNEL = "coinmix-lesson"


def cells_of(script: Path) -> list[tuple[str, str]]:
    """[(kind, source)] of a percent-format script: its header (the ``# ---`` block) skipped,
    a markdown cell's ``# `` prefixes removed."""
    lines = script.read_text(encoding="utf-8").splitlines()
    cells, kind, body, header = [], None, [], bool(lines) and lines[0] == "# ---"
    for i, line in enumerate(lines):
        if header:
            header = not (line == "# ---" and i > 0)
            continue
        if line.startswith("# %%"):
            if kind is not None:
                cells.append((kind, body))
            kind, body = ("markdown" if "[markdown]" in line else "code"), []
            continue
        if kind == "markdown":
            line = line[2:] if line.startswith("# ") else line.lstrip("#")
        body.append(line)
    if kind is not None:
        cells.append((kind, body))
    return [(k, "\n".join(b).strip("\n")) for k, b in cells]


def notebook(script: Path = SCRIPT):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    new = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    nb.cells = [new[kind](source) for kind, source in cells_of(script)]
    return nb


def kernel_spec(folder: Path) -> Path:
    """A kernel spec for this interpreter under ``folder`` (point JUPYTER_PATH at it), with this
    checkout first on the kernel's import path."""
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "coinmix (this interpreter)", "language": "python",
        "env": {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                             os.environ.get("PYTHONPATH")])),
                "MPLBACKEND": "Agg"}}))
    return folder


def execute(nb, workdir: Path, timeout: int = 900):
    """Run every cell of ``nb`` in ``workdir`` on this interpreter's kernel; raises
    nbclient.exceptions.CellExecutionError on the first cell that fails."""
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="coinmix-kernel-") as specs:
        previous = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = str(kernel_spec(Path(specs)))
        try:
            NotebookClient(nb, kernel_name=KERNEL, timeout=timeout,
                           resources={"metadata": {"path": str(workdir)}}).execute()
        finally:
            if previous is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = previous
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def output_text(nb) -> str:
    """Every text an executed notebook shows (streams, plain text and HTML of its results)."""
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", ()):
            if "text" in o:
                out.append(o["text"])
            for kind in ("text/plain", "text/html"):
                if kind in o.get("data", {}):
                    out.append(o["data"][kind])
    return "\n".join(out)


def main() -> int:
    import nbformat

    nb = notebook()
    with tempfile.TemporaryDirectory(prefix="coinmix-lesson-") as work:
        execute(nb, Path(work))
    nbformat.write(nb, NOTEBOOK)
    print(NOTEBOOK)
    return 0


if __name__ == "__main__":
    sys.exit(main())
