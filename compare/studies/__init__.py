"""Studies: how ML, MAP and the posterior relate beyond one dataset, one module per study.

Every study module exposes

    TITLE                                   its name in English (progress lines); the heading
                                            is the catalogue's study.NAME.title
    compute(data, options, args) -> dict    the numbers (JSON-ready), for summary.json; keys
                                            starting with "_" (e.g. draws for the figure) are
                                            dropped before it is stored
    figure(result, path, t)                 draws its PNG (optional); t(key, **values) says
                                            figure words (study.NAME.fig.KEY) in the language
    explain(result, options) -> Fact        what the numbers say (a fact, variants chosen there)
    text(result, options) -> list           the section's records: tables, the explanation, figure

Their words are the catalogue's ``study.*`` templates (compare/words/en.toml, ko.toml), so a
study's section is in the report's language; summary.json keeps the English explanation.

and is listed once in :data:`STUDIES`; the command line's ``--study`` choices come from it.
Studies reuse one compiled PyMC model per shape (data and prior are ``pm.Data``) and run their
NUTS fits in threads (nutpie samples outside the GIL).
"""

from __future__ import annotations

import importlib
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: name -> module (compare.studies.NAME), in the order the report shows them
STUDIES = {name: f"compare.studies.{name}" for name in
           ("prior", "size", "coverage", "labels", "components")}
DEFAULT_SIZES = (5, 20, 100, 1000, 10000)
DEFAULT_REPLICATES = 200
#: the command line's limits (compare/__main__.py): a coverage replicate costs about 0.2 s of a
#: core; a size of 10^6 sets about 2 s; one set cannot tell two coins apart
MAX_REPLICATES = 10_000
MAX_SIZES = 10
SIZE_RANGE = (2, 10**6)


@dataclass(frozen=True)
class StudyArgs:
    """What the studies are asked beyond the run's options (``--truth``, ``--replicates``,
    ``--sizes``); ``weights`` are the true coin weights that go with ``truth``."""

    truth: tuple[float, ...] = (0.3, 0.75)
    weights: tuple[float, ...] = (0.5, 0.5)
    tosses: int = 10
    replicates: int = DEFAULT_REPLICATES
    sizes: tuple[int, ...] = DEFAULT_SIZES
    coverage_sets: int | None = None        # sets per replicate (default 200; 50 with --quick)


@dataclass(frozen=True)
class StudyResult:
    summary: dict                   # for summary.json under studies.NAME
    markdown: str                   # the report's section
    figures: dict = field(default_factory=dict)    # figure name -> PNG path (a scratch folder)
    seconds: float = 0.0            # its run time (summary.json's timings, not the report's text)
    records: tuple = ()             # the section's records (markdown is them in the run's language)


def names() -> tuple[str, ...]:
    return tuple(STUDIES)


def module(name: str):
    return importlib.import_module(STUDIES[name])


def parse_study_args(args, data, options) -> StudyArgs:
    """Validate the study flags (no PyMC import). Raises ValueError with one line."""
    import em

    chosen = tuple(args.study)
    two_coin = [n for n in chosen if getattr(module(n), "TWO_COINS", False)]
    if options.components != 2 and two_coin:
        raise ValueError(f"--study {','.join(two_coin)}: these study two coins; got --components "
                         f"{options.components}")
    if args.truth is not None:
        if len(args.truth) != 2:
            raise ValueError(f"--truth needs 2 values (two coins), got {len(args.truth)}")
        if len(set(args.truth)) != 2:
            raise ValueError(f"--truth values must differ, got {list(args.truth)}")
        truth, weights = tuple(sorted(args.truth)), (0.5, 0.5)
    else:
        ml = em.fit(data.heads, data.tosses, components=2, weights=options.weights,
                    init=options.em_init, accelerate="squarem")
        truth, weights = tuple(float(t) for t in ml.theta), tuple(float(w) for w in ml.weights)
        if min(truth) <= 0.01 or max(truth) >= 0.99 or truth[1] - truth[0] < 0.02:
            raise ValueError(f"the data's ML fit {list(np.round(truth, 4))} is too close to 0, 1 "
                             "or itself to serve as a truth; give --truth P1,P2")
    sizes = DEFAULT_SIZES if args.sizes is None else tuple(args.sizes)
    low, high = SIZE_RANGE
    if not sizes or len(sizes) > MAX_SIZES or not low <= min(sizes) <= max(sizes) <= high:
        raise ValueError(f"--sizes: at most {MAX_SIZES} sizes, each from {low} to {high}, got "
                         f"{','.join(map(str, sizes))}")
    replicates = args.replicates or (40 if options.quick else DEFAULT_REPLICATES)
    if not 1 <= replicates <= MAX_REPLICATES:
        raise ValueError(f"--replicates must be a whole number from 1 to {MAX_REPLICATES}, got "
                         f"{replicates}")
    tosses = int(np.median(data.tosses))
    return StudyArgs(truth, weights, max(tosses, 2), replicates, sizes)


class FigureWords:
    """A study figure's words in ``lang``: ``t(key, **values)`` says study.NAME.fig.KEY."""

    def __init__(self, name: str, lang: str):
        self.name, self.lang = name, lang

    def __call__(self, key: str, **values) -> str:
        from ..words import text

        return text(f"study.{self.name}.fig.{key}", self.lang, **values)


def run_study(name: str, data, options, args: StudyArgs, folder: Path,
              lang: str = "en") -> StudyResult:
    """compute, figure and text of one study, in ``lang``; the figure goes to ``folder``."""
    from ..records import fact
    from ..style import font
    from ..words import blocks, render

    mod = module(name)
    t0 = time.perf_counter()
    result = mod.compute(data, options, args)
    figures = {}
    if hasattr(mod, "figure"):
        path = folder / f"study_{name}.png"
        with font(lang):
            mod.figure(result, path, FigureWords(name, lang))
        figures[f"study_{name}"] = str(path)
        result["figure"] = f"figures/{path.name}"
    seconds = time.perf_counter() - t0
    said = mod.explain(result, options)
    result["explanation"] = render(said, "en")          # summary.json: the same in every language
    result["_said"] = said
    records = (fact("study.heading", title=fact(f"study.{name}.title")),
               *mod.text(result, options))
    return StudyResult({k: v for k, v in result.items() if not k.startswith("_")},
                       blocks.section(records, lang), figures, seconds, records)


def run_studies(chosen, data, options, args: StudyArgs, log=None, say=None, folder=None,
                lang: str = "en"):
    """Run the chosen studies; returns ({name: summary}, [StudyResult]). Figures go to
    ``folder``, the caller's scratch folder (compare.pipeline removes it when the run ends);
    without one, to a new temporary folder (``coinmix-studies-*``) that the caller owns."""
    log = log or (lambda stage, seconds: None)
    say = say or (lambda stage, text: None)
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix="coinmix-studies-")) if own else Path(folder)
    out, results = {}, []
    try:
        for name in chosen:
            say("study", f"{name}: {module(name).TITLE}")
            res = run_study(name, data, options, args, folder, lang)
            log(f"study {name}", res.seconds)
            out[name] = res.summary
            results.append(res)
    except BaseException:
        if own:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
        raise
    return out, results


# ---------------------------------------------------------------- helpers for the study modules

def threads(fn, items):
    """fn over items in threads, one per core (nutpie samples outside the GIL)."""
    with ThreadPoolExecutor(max_workers=max(1, min(len(items), os.cpu_count() or 1))) as pool:
        return list(pool.map(fn, items))
