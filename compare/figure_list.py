"""The report's figures, one registry entry each: name, what it needs, which numbers of coins it
applies to, its caption's fact id, its draw function (in compare.figures) and its drawing cost.

Light to import (no matplotlib): the pipeline plans with it, the sections take their captions'
ids from it, and compare.figures draws. A new figure is one entry here and one function there
(and its caption's words in the catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FigureSpec:
    name: str
    needs: str              # "em": EM alone (drawn while NUTS samples); "draws": the posterior
                            # draws; "reference": the exact posterior, or the draws without one;
                            # "choice": the model choice (computed once NUTS is back)
    caption: str            # the caption's fact id (its variant chosen where it is embedded)
    min_k: int = 1
    max_k: int | None = None
    cost: int = 1           # relative drawing time: workers take the costliest first

    @property
    def draw(self) -> str:
        """The name of its draw function in compare.figures: draw(run, path)."""
        return self.name

    def applies(self, k: int) -> bool:
        return self.min_k <= k and (self.max_k is None or k <= self.max_k)


#: beyond this many sets, the shrinkage figure draws each distinct (heads, tosses) pair once,
#: and at most SHRINK_PAIRS of them (evenly spaced in raw rate)
SHRINK_SETS, SHRINK_PAIRS = 200, 300

#: in report order
FIGURES = [
    FigureSpec("shrinkage", "choice", "choice.caption_shrinkage", cost=2),
    FigureSpec("em_path", "em", "worked.caption_em_path", min_k=2, max_k=2, cost=6),
    FigureSpec("objective", "em", "worked.caption_objective", min_k=2, cost=5),
    FigureSpec("marginals", "draws", "posterior.caption.marginals", cost=4),
    FigureSpec("joint", "draws", "posterior.caption.joint", min_k=2, max_k=2, cost=2),
    FigureSpec("assignment", "draws", "sets.caption.assignment", min_k=2, cost=1),
    FigureSpec("prior_posterior", "reference", "posterior.caption.prior", cost=3),
    FigureSpec("ladder", "draws", "ladder.caption_ladder", cost=8),
    FigureSpec("bound", "em", "ladder.caption_bound", min_k=2, max_k=2, cost=7),
]


def spec(name: str) -> FigureSpec:
    return next(f for f in FIGURES if f.name == name)


def caption(name: str) -> str:
    """The fact id of figure ``name``'s caption."""
    return spec(name).caption


def names(k: int) -> list[str]:
    """Every figure that applies to K coins, in report order."""
    return [f.name for f in FIGURES if f.applies(k)]


def early(k: int, exact: bool) -> list[str]:
    """The figures that need no posterior draws (drawn while NUTS runs): those drawn from EM,
    and those drawn from the exact posterior where there is one."""
    return [f.name for f in FIGURES if f.applies(k)
            and (f.needs == "em" or (f.needs == "reference" and exact))]


def after_choice(k: int) -> list[str]:
    """The figures that need the model choice: the main process draws them once it has it,
    beside the pool that draws those needing the posterior draws."""
    return [f.name for f in FIGURES if f.applies(k) and f.needs == "choice"]


def costliest_first(chosen) -> list[str]:
    """``chosen`` in the order workers should take them, so that two workers finish together."""
    return sorted(chosen, key=lambda n: -spec(n).cost)
