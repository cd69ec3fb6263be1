"""The one loop behind EM (ML and MAP) and VB: starts, iterations, stop rule, history, best start.

A method gives the driver one function, ``evaluate(x) -> (objective(x), F(x))``: an E-step at the
parameter vector x (which yields the objective there) followed by an M-step (which yields the
next point F(x)). The driver knows nothing else about the model, so ML, MAP and VB share every
line below, and an accelerator plugs in here once for all three.

    for each start:                                  (the given or data-based start, then restarts)
        objective, next = evaluate(start)
        repeat up to max_iter times:
            x = next; objective, next = evaluate(x)  (one EM / VB iteration)
            keep (x, objective) in the history
            stop when the objective has stopped rising (``tol``)
    keep the start whose final objective is highest (ties go to the earlier start)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Evaluate = Callable[[np.ndarray], tuple[float, np.ndarray]]


@dataclass(frozen=True)
class Climb:
    """One start's run. path[i] = (x, objective) after i iterations (path[0]: the start)."""

    path: list
    converged: bool
    evaluations: int

    @property
    def x(self) -> np.ndarray:
        return self.path[-1][0]

    @property
    def objective(self) -> float:
        return self.path[-1][1]

    @property
    def iterations(self) -> int:
        return len(self.path) - 1


@dataclass(frozen=True)
class Search:
    """The best of several starts."""

    best: Climb
    best_start: int
    finals: tuple[float, ...]


def stopped(previous: float, current: float, tol: float) -> bool:
    """The stop rule: the objective changed by less than ``tol`` x max(1, |objective|)
    (relative, so ``tol`` means the same for 5 sets and for a million; 0 never stops)."""
    return abs(current - previous) < tol * max(1.0, abs(current))


def climb(evaluate: Evaluate, x0: np.ndarray, *, max_iter: int, tol: float) -> Climb:
    """Iterate x <- F(x) from x0 until the stop rule holds or ``max_iter`` iterations."""
    objective, following = evaluate(x0)
    path = [(x0, objective)]
    converged = False
    for _ in range(max_iter):
        x = following
        new, following = evaluate(x)
        path.append((x, new))
        done = stopped(objective, new, tol)
        objective = new
        if done:
            converged = True
            break
    return Climb(path=path, converged=converged, evaluations=len(path))


def search(evaluate: Evaluate, starts: list[np.ndarray], *, max_iter: int, tol: float) -> Search:
    """Climb from every start; the highest final objective wins (ties go to the earlier start)."""
    best, best_i, finals = None, 0, []
    for i, x0 in enumerate(starts):
        run = climb(evaluate, x0, max_iter=max_iter, tol=tol)
        finals.append(run.objective)
        if best is None or run.objective > best.objective + 1e-9 * max(1.0, abs(best.objective)):
            best, best_i = run, i
    return Search(best=best, best_start=best_i, finals=tuple(finals))


def random_starts(first: np.ndarray, restarts: int, seed) -> list[np.ndarray]:
    """``first``, then ``restarts`` sorted thetas uniform on (0.05, 0.95), from ``seed``."""
    rng = np.random.default_rng(seed)
    k = first.size
    return [first] + [np.sort(rng.uniform(0.05, 0.95, k)) for _ in range(restarts)]


def not_converged(what: str, max_iter: int, tol: float) -> str:
    return f"{what} did not converge in {max_iter} iterations (tol {tol:g}); raise max_iter or tol"
