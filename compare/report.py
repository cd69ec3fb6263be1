"""The report's contents: summary.json, report.md, report.html, figures/*.png, posterior.nc,
built in a temporary folder beside ``--out`` and moved into place only when complete, so a
failure or an interrupt at any point leaves either the old or the new report, never a mixture.
The folder's rules (what is a previous report of ours, the atomic swap, backups, what an
interrupted run left) are in ``compare.folder``.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np

from .folder import GENERATOR, MARKER, OutputError, check_target, new_tmp, not_ours, replace
from .folder import report_files, sha256 as _sha256

__all__ = ["GENERATOR", "OutputError", "check_target", "not_ours", "report_files", "summary",
           "write", "warm_up", "check_room"]

#: above this many sets, per-set arrays in summary.json are listed once per distinct pair
PER_SET_LIMIT = 10_000


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


def _choice_dict(choice, data):
    """Model choice for summary.json: the Beta-binomial's shrunken rates per set, or per pair
    beyond PER_SET_LIMIT sets (as every per-set quantity)."""
    bb = (choice or {}).get("beta_binomial")
    if not bb or data.n_sets <= PER_SET_LIMIT:
        return choice
    return {**choice, "beta_binomial": {**bb, "shrunk": per_set(bb["shrunk"], data)}}


def summary(r, agreement, ladder_rows, first, iters, three, figure_files, studies) -> dict:
    from . import words
    from .markdown import plain

    d = r.data
    nuts = r.sampler
    small = d.n_sets <= PER_SET_LIMIT
    for c in agreement:
        for key in ("em", "posterior", "max_per_set"):
            if key in c["quantities"] and not small:
                c["quantities"][key] = per_set(c["quantities"][key], d)
    out = {
        "data": {"name": plain(d.name), "source": plain(d.source), "n_sets": d.n_sets,
                 "sha256": d.sha256,
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
                  "gibbs": {"posterior": r.gibbs.posterior, "diagnostics": r.gibbs.diagnostics,
                            "thin": r.gibbs.settings.get("thin", 1),
                            "sweeps": r.gibbs.settings.get("sweeps"),
                            "mixed": r.gibbs.settings.get("mixed")},
                  "sampler_settings": nuts.settings},
        "reference": {"grid": None if r.grid is None else r.grid.to_dict(),
                      "exact": r.exact,
                      "known_labels": None if r.known is None else
                      {k: v for k, v in r.known.items() if small or k != "component_of_set"}},
        "model_choice": _choice_dict(r.choice, d),
        "agreement": agreement,
        "ladder": ladder_rows,
        "worked_example": {"first_iteration": first, "iterations": iters,
                           "first_step_three_ways": three},
        "warnings": [words.render(w) for w in r.warnings()],
        "notes": [n if isinstance(n, str) else words.render(n) for n in r.notes],
        "figures": {k: f"figures/{v}" for k, v in figure_files.items()},
        "versions": r.versions,
        "timings": {k: round(v, 3) for k, v in r.timings.items()},
    }
    if studies:
        out["studies"] = studies
    return _clean(out)


def write(r, out: Path, *, force: bool, log=None):
    """Write the report of run ``r`` (compare.pipeline: every number, check and figure is in it
    already) in a temporary folder, then move it into place (module docstring). Returns the
    swap's ``folder.Outcome`` (a backup made, files kept, signals that came meanwhile)."""
    log = log or (lambda stage, seconds: None)
    check_target(out, force)
    _check_space(r, out.parent)
    tmp = new_tmp(out)
    try:
        t0 = time.perf_counter()
        (tmp / "figures").mkdir()
        for file, png in r.pictures.items():
            (tmp / "figures" / file).write_bytes(png)
        _write_netcdf(r.sampler.tree, tmp / "posterior.nc")
        md = markdown_of(r)
        (tmp / "report.md").write_text(md, encoding="utf-8")
        (tmp / "explore.html").write_text(explorer_page(r), encoding="utf-8")
        (tmp / "report.html").write_text(page_of(r, md), encoding="utf-8")
        r.timings["report"] = time.perf_counter() - t0
        log("report", r.timings["report"])
        s = summary_of(r)
        s["files"] = {p.relative_to(tmp).as_posix(): _sha256(p)
                      for p in sorted(tmp.rglob("*")) if p.is_file() and p.name != MARKER}
        (tmp / "summary.json").write_text(json.dumps(s, indent=1, allow_nan=False) + "\n",
                                          encoding="utf-8")
        outcome = replace(tmp, out, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return outcome


def _copy(check: dict) -> dict:
    """A check's summary.json form with its own quantities dict (summary() rewrites it)."""
    return {**check, "quantities": dict(check["quantities"])}


def markdown_of(r) -> str:
    """report.md of run ``r``: its records (compare.pipeline made them) in words."""
    from . import text

    return text.render(r.records if r.records is not None else records_of(r), r.lang)


def records_of(r) -> list:
    """The report's records of run ``r`` (the pipeline keeps them on the run)."""
    from . import text

    w = r.worked
    return text.records(r, r.agreement, r.ladder_rows, w["first_iteration"], w["iterations"],
                        w["first_step_three_ways"], r.figures, r.study_sections)


def page_of(r, md: str | None = None) -> str:
    """report.html of run ``r`` (from its report.md, with the figures inline)."""
    from . import html
    from .markdown import plain

    md = markdown_of(r) if md is None else md
    pictures = {f"figures/{file}": png for file, png in r.pictures.items()}
    return html.render(md, pictures, f"coinmix: {plain(r.data.name)}", lang=r.lang,
                       extra=explorer_section(r))


def _explorer_start(r) -> tuple[dict, dict]:
    """The explorer's start: the run's data and settings (as summary.json has them)."""
    from .markdown import plain

    return ({"name": plain(r.data.name), "heads": r.data.heads.tolist(),
             "tosses": r.data.tosses.tolist()}, r.options.to_dict())


def explorer_section(r) -> str:
    """The explorer, as the last section of report.html (compare.explorer)."""
    from . import explorer

    return explorer.section(*_explorer_start(r), lang=r.lang)


def explorer_page(r) -> str:
    """explore.html: the explorer as a page of its own."""
    from . import explorer

    return explorer.page(*_explorer_start(r), lang=r.lang)


def summary_of(r) -> dict:
    """summary.json of run ``r``, but for ``files`` (the hashes of the folder written)."""
    w = r.worked
    # summary() lists the checks' per-set quantities by pair for large data in place: copies,
    # so that the run's own checks stay as the pipeline computed them
    agreement = [_copy(c.to_dict()) for c in r.agreement]
    s = summary(r, agreement, r.ladder_rows, w["first_iteration"],
                w["iterations"], w["first_step_three_ways"], r.figures, r.studies)
    s["generator"] = {"name": GENERATOR, "version": _version()}
    if r.lang != "en":
        s["lang"] = r.lang          # the only difference a language makes to summary.json
    return s


def save(r, out, *, force: bool = False) -> Path:
    """The notebook's ``Run.save``: the command line's checks of ``out`` before anything is
    written (OutputError, a ValueError, with the command line's line), then :func:`write`."""
    import warnings

    from . import folder

    out = Path(out)
    for line in folder.prepare(out, force):
        warnings.warn(line, stacklevel=3)
    check_room(out)
    for line in write(r, out, force=force).lines(out):
        warnings.warn(line, stacklevel=3)
    return out


def notebook_html(r) -> str:
    """What a Run shows in Jupyter: report.html's body, its figures inline and the explorer
    at its end."""
    body = page_of(r).split("<body>", 1)[-1].rsplit("</body>", 1)[0]
    return "\n".join(['<div class="coinmix-report" style="max-width: 46em">', body, "</div>"])



def warm_up() -> None:
    """Import what writing a report needs (netCDF, Markdown, MathML, the text and figure modules)
    ahead of time: ``python -m compare`` calls it while the PyMC process is still sampling and
    this core would otherwise wait."""
    import h5netcdf  # noqa: F401
    import latex2mathml.converter  # noqa: F401
    import markdown_it  # noqa: F401

    from . import checks, figures, html, text, worked  # noqa: F401

    # markdown-it's table rule imports what it needs on its first table (0.13 s): pay it here
    html.render("|a|\n|-|\n|1|\n", {}, "")


def _write_netcdf(tree, path: Path) -> None:
    """posterior.nc from the NUTS draws (bayes.netcdf: built in memory, no timestamps)."""
    from bayes.netcdf import to_bytes

    path.write_bytes(to_bytes(tree))


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("coinmix")
    except Exception:  # noqa: BLE001 - not installed as a package: still a report of ours
        return "unknown"


#: every report needs at least this much disk space beyond its draws (figures, HTML, JSON)
_BASE_SPACE = 8 * 2**20


def check_room(out: Path) -> None:
    """Before any work: refuse a disk that could not hold even the smallest report (the check
    after the computation, ``_check_space``, asks at least twice this)."""
    try:
        free = shutil.disk_usage(out.parent).free
    except OSError:
        return                          # cannot tell: the later check and the writes will
    if free < 2 * _BASE_SPACE:
        raise OutputError(f"--out {out}: not enough free space in {out.parent}: a report needs "
                          f"at least {2 * _BASE_SPACE / 2**20:.0f} MB free, "
                          f"{free / 2**20:.1f} MB are")


def _check_space(r, parent: Path) -> None:
    """Refuse when the disk cannot hold the report (before writing the first byte)."""
    tree = r.sampler.tree
    need = _BASE_SPACE + sum(int(ds.nbytes) for ds in
                             (tree[g].to_dataset() for g in tree.children)) * 1.2
    free = shutil.disk_usage(parent).free
    if free < 2 * need:
        raise OutputError(f"not enough free space in {parent}: the report needs about "
                          f"{need / 2**20:.0f} MB, {free / 2**20:.0f} MB are free")
