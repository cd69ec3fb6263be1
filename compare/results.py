"""What one run produced: every rung's result, the worked example's plain and SQUAREM fits,
the model choice, the timings (:class:`Run`), and the running of one stage of the ladder.

Kept apart from ``compare.run`` (which orchestrates the stages and the processes) so that the
forked PyMC process (``compare.posterior``) and the report's modules can use a run without
importing the orchestration.
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
    versions: dict = field(default_factory=dict)
    choice: dict | None = None        # compare.choice.model_choice: how many coins?
    studies_run: tuple = ()           # the studies that ran with this report (names)

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

    def warnings(self) -> list[str]:
        """Every rung's warnings, each line prefixed with the rung's name."""
        return [f"{rung.warn_as}: {w}" for rung in ladder.RUNGS
                if self.results.get(rung.key) is not None
                for w in rung.warnings(self.results[rung.key])]


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
