"""What one run produced (:class:`Run`): every rung's result, the worked example's plain and
SQUAREM fits, the model choice, the checks, the figures, the studies and the timings; and the
running of one stage of the ladder.

compare.pipeline fills a Run stage by stage; everything else only reads it: the report writer
(compare.report), the notebook API (compare.api: a Run shows itself in Jupyter, gives
``.summary``, ``.posterior`` and ``.save(path)``) and the explorer. Kept apart from the pipeline
so that the forked PyMC process (compare.posterior) and the report's modules can use a run
without importing the orchestration.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field

from . import rungs as ladder
from .options import Options


@dataclass
class Run:
    data: object
    options: Options
    results: dict = field(default_factory=dict)       # rung key -> the engine's result
    # EM from the run's start alone, plain (as the paper shows it: worked example, paths) and
    # SQUAREM (for the count of iterations it saves): {"ml": EMResult, "map": EMResult}
    plain: dict = field(default_factory=dict)
    squarem: dict = field(default_factory=dict)
    flat_mode: dict | None = None     # PyMC posterior mode under Beta(1, 1) (and Dirichlet(1))
    known: dict | None = None
    timings: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    command: str = "python -m compare"
    lang: str = "en"                  # the report's words (compare.words.LANGUAGES)
    versions: dict = field(default_factory=dict)
    choice: dict | None = None        # compare.choice.model_choice: how many coins?
    studies_run: tuple = ()           # the studies that ran with this report (names)
    studies: dict = field(default_factory=dict)          # name -> its summary.json block
    study_sections: list = field(default_factory=list)   # compare.studies.StudyResult, in order
    records: list | None = None     # the report's sections as records (compare.text.records)
    # what the report shows, computed by the pipeline's last stage
    agreement: list = field(default_factory=list)        # compare.checks.all_checks
    ladder_rows: list = field(default_factory=list)      # compare.ladder.rows
    # the worked example's numbers (compare.worked): first_iteration, iterations,
    # first_step_three_ways (None unless two coins)
    worked: dict | None = None
    figures: dict = field(default_factory=dict)    # figure name -> file name in figures/
    pictures: dict = field(default_factory=dict)   # file name -> PNG bytes

    def role(self, role: str):
        """The result of the rung that plays ``role`` (compare.rungs.ROLES), or None."""
        return self.results.get(ladder.by_role(role).key)

    # the roles the checks, the text and the figures ask for (not rung names)
    ml = property(lambda self: self.role("ml"))
    map = property(lambda self: self.role("map"))
    vb = property(lambda self: self.role("approximation"))
    gibbs = property(lambda self: self.role("augmented_sampler"))
    sampler = property(lambda self: self.role("sampler"))
    nuts = sampler          # the main sampler is NUTS today; prefer ``sampler``

    @property
    def exact(self) -> dict | None:
        """The exact posterior's summary (grid for K = 2, closed form for K = 1) or None."""
        ex = self.results.get("exact")
        return None if ex is None else ex.summary

    @property
    def grid(self):
        ex = self.results.get("exact")
        return None if ex is None else ex.grid

    def estimates(self) -> dict:
        """{rung key: {param: [Estimate]}} for every rung that ran, in ladder order."""
        return {rung.key: rung.estimates(self.results[rung.key], self.options)
                for rung in ladder.RUNGS if self.results.get(rung.key) is not None}

    def warnings(self) -> list:
        """Every rung's warnings as facts (``engine.warning``: the rung's name, then the
        engine's warning, compare.records.note)."""
        from .records import Fact, note
        from .words import catalogue

        def who(rung):
            key = f"engine.who.{rung.key}"
            return Fact(key) if key in catalogue("en") else rung.warn_as

        return [Fact("engine.warning", None, {"who": who(rung), "note": note(w)})
                for rung in ladder.RUNGS if self.results.get(rung.key) is not None
                for w in rung.warnings(self.results[rung.key])]

    # ------------------------------------------------------------ for a notebook (compare.api)

    @property
    def summary(self) -> dict:
        """The summary.json dict (without ``files``: the report folder's hashes come with
        :meth:`save`)."""
        from .report import summary_of

        return summary_of(self)

    @property
    def posterior(self):
        """The NUTS draws as the ArviZ DataTree that posterior.nc holds."""
        return None if self.sampler is None else self.sampler.tree

    def save(self, path, force: bool = False):
        """Write the report folder at ``path`` under the command line's folder rules (an
        existing folder is replaced only when it holds exactly a previous report of ours;
        ``force`` moves anything else aside to a backup, never deletes it). Returns the
        folder's path; raises ValueError (compare.report.OutputError) with the command line's
        one-line message when the folder cannot be used."""
        from .report import save

        return save(self, path, force=force)

    def _repr_html_(self) -> str:
        from .report import notebook_html

        return notebook_html(self)

    def __repr__(self) -> str:
        o, d = self.options, self.data
        name = getattr(d, "name", "?")
        sets = getattr(d, "n_sets", "?")
        parts = [f"{name}: {sets} sets, K = {o.components} ({o.weights} weights), "
                 f"Beta({o.prior[0]:g}, {o.prior[1]:g})"]
        for label, fit in (("EM-ML", self.ml), ("EM-MAP", self.map)):
            if fit is not None:
                parts.append(f"{label} theta " + " / ".join(f"{t:.4f}" for t in fit.theta))
        if self.sampler is not None:
            mean = self.sampler.posterior["theta"]["mean"]
            parts.append("posterior mean theta " + " / ".join(f"{t:.4f}" for t in mean))
        software = [c for c in self.agreement if c.kind == "software"]
        if software:
            agree = sum(1 for c in software if c.agree is True)
            parts.append(f"{agree} of {len(software)} checks agree")
        return f"<compare.Run {'; '.join(parts)}>"


def versions() -> dict:
    """The installed versions of what made the numbers (read from the packages' metadata, so
    that nothing is imported for it)."""
    from importlib.metadata import version

    names = ("numpy", "scipy", "pymc", "pytensor", "arviz", "nutpie", "matplotlib")
    return {"python": platform.python_version(), **{n: version(n) for n in names}}


def run_stage(r: Run, stage: str) -> None:
    """Run every rung of ``stage`` ("em", "reference", "posterior") into ``r.results``."""
    for rung in ladder.RUNGS:
        if rung.stage == stage:
            r.results[rung.key] = rung.run(r.data, r.options, r)
