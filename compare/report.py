"""The report folder: summary.json, report.md, report.html, figures/*.png, posterior.nc.

Everything is written into a fresh temporary folder beside the target and moved into place
only when complete. An existing target is replaced only when it holds exactly a previous report
of ours (every file in it listed in its summary.json ``files``), or with ``force``; the old
folder is first renamed aside, so a failure at any point leaves either the old or the new
report, never a mixture, and nothing outside the target is touched.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np

#: above this many sets, per-set arrays in summary.json are listed once per distinct pair
PER_SET_LIMIT = 10_000


class OutputError(ValueError):
    """The output folder cannot be (re)placed; one-line message."""


def report_files(folder: Path) -> set[str] | None:
    """The files a previous report of ours wrote, if ``folder`` holds exactly that; else None."""
    try:
        listed = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*")
               if p.is_file() or p.is_symlink()}
    dirs = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}
    if not isinstance(listed, list) or present != set(listed):
        return None
    allowed_dirs = {str(Path(f).parent.as_posix()) for f in listed} - {"."}
    return present if dirs <= allowed_dirs else None


def check_target(out: Path, force: bool) -> None:
    """Fail early (before any work) if the report could not be put at ``out``."""
    if out.exists() or out.is_symlink():
        if not out.is_dir() or out.is_symlink():
            raise OutputError(f"--out {out}: exists and is not a folder; not touching it")
        if not force and any(out.iterdir()) and report_files(out) is None:
            raise OutputError(f"--out {out}: folder exists and is not exactly a previous report "
                              "(it holds other files); use --force to replace it")
    parent = out.parent
    if not parent.exists():
        raise OutputError(f"--out {out}: parent folder {parent} does not exist")
    if not parent.is_dir():
        raise OutputError(f"--out {out}: {parent} is not a folder")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"--out {out}: cannot write in {parent}")


def _clean(obj):
    """JSON-safe: NumPy to Python, NaN/inf to None (summary.json never holds NaN)."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer, int)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        return float(obj) if np.isfinite(obj) else None
    return obj


def per_set(values, data):
    """A per-set array as a list, or, for more than PER_SET_LIMIT sets, once per distinct
    (heads, tosses) pair (sets with the same pair have the same value): {"by_pair": {heads,
    tosses, count, values}}."""
    values = np.asarray(values)
    if data.n_sets <= PER_SET_LIMIT:
        return values.tolist()
    from bayes.pairs import compress

    p = compress(data.heads, data.tosses)
    first = np.unique(p.inverse, return_index=True)[1]       # a set showing each pair
    return {"by_pair": {"heads": p.heads.tolist(), "tosses": p.tosses.tolist(),
                        "count": p.count.tolist(), "values": values[first].tolist()}}


def _fit_dict(fit, data):
    import dataclasses

    light = dataclasses.replace(fit, responsibilities=fit.responsibilities[:0])
    d = light.to_dict()
    d["responsibilities"] = per_set(fit.responsibilities, data)
    return d


def summary(r, agreement, ladder_rows, first, iters, three, figure_files, studies) -> dict:
    d = r.data
    nuts = r.nuts
    small = d.n_sets <= PER_SET_LIMIT
    for c in agreement:
        for key in ("em", "posterior", "max_per_set"):
            if key in c["quantities"] and not small:
                c["quantities"][key] = per_set(c["quantities"][key], d)
    out = {
        "data": {"name": d.name, "source": d.source, "n_sets": d.n_sets, "sha256": d.sha256,
                 "heads": d.heads.tolist() if small else None,
                 "tosses": d.tosses.tolist() if small else None,
                 "pairs": None if small else per_set(np.stack([d.heads, d.tosses], 1), d)["by_pair"],
                 "labels": None if d.labels is None or not small else list(d.labels)},
        "settings": r.options.to_dict(),
        "em": {"ml": _fit_dict(r.ml, d), "map": _fit_dict(r.map, d), "vb": _fit_dict(r.vb, d)},
        "bayes": {"find_map": {"theta": nuts.find_map["theta"],
                               "weights": nuts.find_map["weights"],
                               "log_posterior": nuts.find_map["log_posterior"]},
                  "flat_prior_mode": {"theta": r.flat_mode["theta"],
                                      "weights": r.flat_mode["weights"]},
                  "posterior": nuts.posterior,
                  "assignment_probability": per_set(nuts.assignment_probability, d),
                  "diagnostics": nuts.diagnostics,
                  "gibbs": {"posterior": r.gibbs.posterior, "diagnostics": r.gibbs.diagnostics},
                  "sampler_settings": nuts.settings},
        "reference": {"grid": None if r.grid is None else r.grid.to_dict(),
                      "exact": r.exact,
                      "known_labels": None if r.known is None else
                      {k: v for k, v in r.known.items() if small or k != "component_of_set"}},
        "agreement": agreement,
        "ladder": ladder_rows,
        "worked_example": {"first_iteration": first, "iterations": iters,
                           "first_step_three_ways": three},
        "warnings": r.warnings(),
        "notes": r.notes,
        "figures": {k: f"figures/{v}" for k, v in figure_files.items()},
        "versions": r.versions,
        "timings": {k: round(v, 3) for k, v in r.timings.items()},
    }
    if studies:
        out["studies"] = studies
    return _clean(out)


def html_page(markdown_text: str, folder: Path, title: str) -> str:
    """report.md rendered by markdown-it-py, images inlined as base64: one self-contained file."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown_text)

    def inline(m):
        src = m.group(1)
        data = base64.b64encode((folder / src).read_bytes()).decode("ascii")
        return f'src="data:image/png;base64,{data}"'

    body = re.sub(r'src="(figures/[^"]+\.png)"', inline, body)
    style = ("body{font-family:Georgia,serif;max-width:980px;margin:2em auto;padding:0 1em;"
             "line-height:1.5;color:#222}table{border-collapse:collapse;margin:1em 0;"
             "font-size:0.9em}th,td{border:1px solid #bbb;padding:3px 8px;text-align:right}"
             "th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}"
             "img{max-width:100%}code{background:#f4f4f4;padding:0 3px}"
             "blockquote{border-left:4px solid #c33;margin:1em 0;padding:0.2em 1em;"
             "background:#fff4f4}")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title><style>{style}</style></head><body>\n{body}</body></html>\n")


def write(r, out: Path, *, force: bool, studies=None, study_sections=(), log=None) -> Path:
    """Build the whole report in a temporary folder, then move it into place atomically."""
    import time

    from . import checks, figures, ladder, text, worked

    log = log or (lambda stage, seconds: None)
    check_target(out, force)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        t0 = time.perf_counter()
        (tmp / "figures").mkdir()
        figs = figures.all_figures(r, tmp / "figures")
        for section in study_sections:
            for name, fig in section.figures.items():
                shutil.copy(fig, tmp / "figures" / Path(fig).name)
                figs[name] = Path(fig).name
        r.timings["figures"] = time.perf_counter() - t0
        log("figures", r.timings["figures"])

        t0 = time.perf_counter()
        agreement = checks.all_checks(r)
        rows = ladder.rows(r)
        init = r.options.em_init or tuple(r.plain["ml"].history[0].theta)
        first = worked.first_iteration(r.data.heads, r.data.tosses, init)
        iters = worked.iterations(r.plain["ml"], init)
        three = (worked.first_step_three_ways(r.data.heads, r.data.tosses, init, r.options.prior)
                 if len(init) == 2 else None)
        r.nuts.tree.to_netcdf(tmp / "posterior.nc", engine="h5netcdf")
        md = text.report_markdown(r, agreement, rows, first, iters, three, figs, study_sections)
        (tmp / "report.md").write_text(md, encoding="utf-8")
        (tmp / "report.html").write_text(html_page(md, tmp, f"coinmix: {r.data.name}"),
                                         encoding="utf-8")
        r.timings["report"] = time.perf_counter() - t0
        log("report", r.timings["report"])
        s = summary(r, agreement, rows, first, iters, three, figs, studies)
        files = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
        s["files"] = sorted(files + ["summary.json"])
        (tmp / "summary.json").write_text(json.dumps(s, indent=1, allow_nan=False) + "\n",
                                          encoding="utf-8")
        _replace(tmp, out, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _replace(tmp: Path, out: Path, force: bool):
    check_target(out, force)       # again: the folder may have changed while we worked
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rmdir(old)
        os.rename(out, old)
    try:
        os.rename(tmp, out)
    except BaseException:
        if old is not None:
            os.rename(old, out)
        raise
    os.chmod(out, 0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
