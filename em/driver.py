"""The one loop behind EM (ML and MAP) and VB: starts, iterations, stop rule, history, best start.

A method gives the driver one function, ``evaluate(X) -> (objective(X), F(X))``: an E-step at
each row of X, a parameter vector per start (which yields the objective there), followed by an
M-step (which yields the next point F(x)); and, for the accelerator, maps to and from free
coordinates (log-odds of the thetas, logs of the weights), where every point is a parameter. The driver knows nothing else about the model, so ML, MAP and VB
share every line below, and the accelerator works for all three. All starts climb side by
side, as the rows of one array, so twenty restarts cost little more than one.

    for each start (the given or data-based start, then the random restarts), side by side:
        repeat up to max_iter times, until it stops (after 20 iterations, only the start then
        highest goes on: em-EM, below):
            plain:   x <- F(x)                                   one EM / VB iteration
            squarem: x1 = F(x), x2 = F(x1); extrapolate along them, then one more F (below)
            keep (x, objective) in the history
            stop when Aitken's estimate of the objective still to gain is below tol (below)
    keep the start whose final objective is highest (ties go to the earlier start)

SQUAREM (Varadhan & Roland 2008, Scand. J. Statist. 35:335, scheme S3): with r = y1 - y and
v = y2 - 2 y1 + y in free coordinates (y = log-odds of theta, log-ratios of the weights; logs of
VB's factor parameters), the step length is alpha = -|r| / |v| (never shorter than one plain
double step, alpha = -1, and at most ``step_max``), and the point y - 2 alpha r + alpha^2 v,
mapped back, is mapped once more by F (stabilisation). Working in free coordinates keeps every
extrapolated point a valid parameter (and straightens the narrow ridges of close coins).
Safeguards: if the result's objective is lower than at x (or not finite), alpha is halved towards
-1 (twice at most) and, failing that, the cycle falls back to the plain double step x2, which
EM's monotonicity guarantees is not lower. So the objective never decreases, with or without
acceleration. A point on the boundary (a theta at 0 or 1, a weight at 0) has no free coordinates
and takes plain steps. ``step_max`` starts at 1 and grows fourfold whenever it limited the step
(Varadhan & Roland's defaults), shrinking again when such a step is rejected.

Restarts (em-EM, Biernacki, Celeux & Govaert 2003, Comput. Stat. Data Anal. 41:561): every start
climbs a short run of ``SHORT_RUN`` iterations; then only the start that is highest at that point
climbs on to convergence, the others stay where they are (reported, unconverged). From random
starts the slow climbs are usually the ones that are behind after a short run (on the Saxony
data with three coins, the slowest of 21 starts needs 480 SQUAREM cycles, the one ahead after
20 cycles about 80-270), so this costs a fraction of climbing every start to the top, and the
winner climbs to the same tolerance. ``short=None`` climbs every start to convergence.

Stop rule (Aitken's acceleration of the objective sequence, Boehning et al. 1994, Ann. Inst.
Statist. Math. 46:373): with gains d_t = l_t - l_(t-1) and rate c = d_t / d_(t-1), the limit is
about l_t + d_t c / (1 - c). Stop when that remaining gain is below tol x max(1, |objective|) at
two successive iterations. Unlike "the last change was small", it does not stop early when EM
crawls (c near 1, as on real data with close coins), and because it is relative it means the
same for 5 sets and for a million. Gains within a few ulps of the objective count as zero (no
information left in doubles). ``tol = 0`` never stops early.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Evaluate = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]

#: gains below this many ulps of the objective carry no information
_NOISE_ULPS = 16
#: relative difference of final objectives below which two starts tie (the earlier one wins)
TIE = 1e-9

#: iterations every start climbs before only the highest climbs on (em-EM; None: all climb on)
SHORT_RUN = 20
#: SQUAREM: how many times a step that lowered the objective is halved before the plain step
_BACKTRACKS = 2


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
    climbs: tuple[Climb, ...] = ()


def remaining_gain(l0, l1, l2) -> np.ndarray:
    """Aitken's estimate of the objective still to gain after l2, from three successive values
    (arrays, one per start): 0 when the last gain is lost in rounding, inf when the gains are
    not shrinking (no linear regime to extrapolate)."""
    scale = np.maximum(1.0, np.abs(l2))
    floor = _NOISE_ULPS * np.finfo(float).eps * scale
    d1 = np.where(l1 - l0 > floor, l1 - l0, 0.0)
    d2 = np.where(l2 - l1 > floor, l2 - l1, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = d2 / d1
        gain = np.where((d1 > 0) & (c < 1), d2 * c / (1.0 - c), np.inf)
    return np.where(d2 == 0, 0.0, gain)


def search(evaluate: Evaluate, starts: np.ndarray, *, max_iter: int, tol: float,
           accelerate: str = "none", free: tuple | None = None,
           short: int | None = SHORT_RUN) -> Search:
    """Climb from every row of ``starts``; the highest final objective wins (ties go to the
    earlier start). With ``short`` = N, every start climbs N iterations, then only the start that
    is highest at that point climbs on to convergence (or ``max_iter``): the others are left
    where they are, unconverged. ``short`` = None climbs every start to convergence."""
    starts = np.atleast_2d(np.asarray(starts, dtype=float))
    history = _History(starts.shape[0])
    winnow = _Winnow(short if starts.shape[0] > 1 else None)
    if accelerate == "squarem":
        converged, evals = _squarem(evaluate, free, starts, max_iter, tol, history, winnow)
    else:
        converged, evals = _plain(evaluate, starts, max_iter, tol, history, winnow)
    climbs = tuple(Climb(p, bool(c), int(e))
                   for p, c, e in zip(history.paths(), converged, evals))
    best, best_i = None, 0
    for i, run in enumerate(climbs):
        if best is None or run.objective > best.objective + TIE * max(1.0, abs(best.objective)):
            best, best_i = run, i
    return Search(best=best, best_start=best_i, finals=tuple(c.objective for c in climbs),
                  climbs=climbs)


class _Winnow:
    """em-EM: after ``short`` iterations keep climbing only the highest start (Biernacki, Celeux
    & Govaert 2003, Comput. Stat. Data Anal. 41:561); starts that converged before keep their
    final values, and if one of them is already higher than every start still climbing, none
    climbs on."""

    def __init__(self, short):
        self.short, self.done_best = short, -np.inf

    def finished(self, objective) -> None:
        if objective.size:
            self.done_best = max(self.done_best, float(objective.max()))

    def keep(self, iteration: int, objective: np.ndarray) -> np.ndarray | None:
        """None (keep every row), or the mask of rows that climb on."""
        if self.short is None or iteration != self.short or objective.size < 2:
            return None
        # the highest climbs on, and so does every start level with it or with one that has
        # stopped (within the tie tolerance of ``search``): else such a start, if earlier,
        # would win the tie unconverged
        top = max(float(objective.max()), self.done_best)
        mask = objective >= top - TIE * max(1.0, abs(top))
        return mask


class _History:
    """The rows still climbing and their new points, one entry per iteration; unpacked into a
    path per start once at the end (cheaper than appending to every start's list each time)."""

    def __init__(self, n: int):
        self.n, self.steps = n, []

    def add(self, rows, x, objective) -> None:
        self.steps.append((rows, x, objective))

    def paths(self) -> list[list]:
        out = [[] for _ in range(self.n)]
        for rows, x, objective in self.steps:
            for j, i in enumerate(rows.tolist()):
                out[i].append((x[j], float(objective[j])))
        return out


class _Stop:
    """Per-start bookkeeping: the last three objectives and how often the rule has held."""

    def __init__(self, objective: np.ndarray, tol: float):
        self.tol = tol
        self.last = [objective.copy(), objective.copy(), objective.copy()]
        self.seen = np.zeros(objective.shape, dtype=int)
        self.quiet = np.zeros(objective.shape, dtype=int)

    def update(self, rows: np.ndarray, objective: np.ndarray) -> np.ndarray:
        """Record the new objectives of ``rows``; True where that start has stopped."""
        self.last[0][rows], self.last[1][rows] = self.last[1][rows], self.last[2][rows]
        self.last[2][rows] = objective
        self.seen[rows] += 1
        if self.tol <= 0:
            return np.zeros(rows.size, dtype=bool)
        gain = remaining_gain(self.last[0][rows], self.last[1][rows], objective)
        small = (gain < self.tol * np.maximum(1.0, np.abs(objective))) & (self.seen[rows] >= 2)
        self.quiet[rows] = np.where(small, self.quiet[rows] + 1, 0)
        return self.quiet[rows] >= 2


def _plain(evaluate, x0, max_iter, tol, history, winnow):
    s = x0.shape[0]
    objective, following = evaluate(x0)
    active = np.arange(s)
    history.add(active, x0, objective)
    stop = _Stop(objective, tol)
    converged = np.zeros(s, dtype=bool)
    evals = np.ones(s, dtype=int)
    for iteration in range(max_iter):
        keep = winnow.keep(iteration, objective)
        if keep is not None:
            active, objective, following = active[keep], objective[keep], following[keep]
        if active.size == 0:
            break
        x = following
        objective, following = evaluate(x)
        evals[active] += 1
        history.add(active, x, objective)
        done = stop.update(active, objective)
        converged[active[done]] = True
        winnow.finished(objective[done])
        active, objective, following = active[~done], objective[~done], following[~done]
    return converged, evals


def _squarem(evaluate, free, x0, max_iter, tol, history, winnow):
    """SQUAREM, scheme S3, every start side by side (see the module docstring). ``free`` is the
    pair (to_free, from_free) of maps between the parameters and unconstrained coordinates, in
    which the extrapolation is done."""
    to_free, from_free = free
    s = x0.shape[0]
    objective, x1 = evaluate(x0)
    active = np.arange(s)
    history.add(active, x0, objective)
    stop = _Stop(objective, tol)
    evals = np.ones(s, dtype=int)
    step_max = np.ones(s)
    converged = np.zeros(s, dtype=bool)
    for iteration in range(max_iter):
        keep = winnow.keep(iteration, objective)
        if keep is not None:
            active, x0, objective, x1 = active[keep], x0[keep], objective[keep], x1[keep]
        if active.size == 0:
            break
        _, x2 = evaluate(x1)
        evals[active] += 1
        y0, y1, y2 = to_free(x0), to_free(x1), to_free(x2)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r = y1 - y0
            v = (y2 - y1) - r
            sr, sv = np.sqrt(np.sum(r * r, axis=1)), np.sqrt(np.sum(v * v, axis=1))
            ratio = np.where(sv > 0, sr / sv, np.inf)
        alpha = -np.minimum(step_max[active], np.maximum(1.0, ratio))
        alpha[~np.isfinite(sr + sv)] = -1.0     # on the boundary (log 0): the plain step
        capped = alpha == -step_max[active]
        new, new_obj, following = x2.copy(), np.empty(active.size), np.empty_like(x2)
        accepted = np.zeros(active.size, dtype=bool)
        todo = np.flatnonzero(alpha < -1.0)
        for _try in range(_BACKTRACKS + 1):
            if todo.size == 0:
                break
            a = alpha[todo, None]
            # with --tol 0 the step length keeps growing past convergence until a * a * v
            # overflows: the point is then not finite, its objective neither, and the step is
            # rejected below like any other that does not climb
            with np.errstate(over="ignore", invalid="ignore"):
                point = from_free(y0[todo] - 2.0 * a * r[todo] + a * a * v[todo])
            _, stabilised = evaluate(point)     # stabilise: one plain step from the new point
            obj_t, follow_t = evaluate(stabilised)
            evals[active[todo]] += 2
            ok = np.isfinite(obj_t) & (obj_t >= objective[todo])
            good = todo[ok]
            accepted[good] = True
            new[good], new_obj[good], following[good] = stabilised[ok], obj_t[ok], follow_t[ok]
            bad = todo[~ok]                     # lower: halve the step towards the plain one
            step_max[active[bad[capped[bad]]]] = np.maximum(
                1.0, step_max[active[bad[capped[bad]]]] / 4.0)
            capped[bad] = False
            alpha[bad] = 0.5 * (alpha[bad] - 1.0)
            todo = bad[alpha[bad] < -1.0 - 1e-9]
        plain = np.flatnonzero(~accepted)       # the plain double step x2: never lower
        if plain.size:
            obj_p, follow_p = evaluate(x2[plain])
            evals[active[plain]] += 1
            new_obj[plain], following[plain] = obj_p, follow_p
        grow = capped & (accepted | (alpha == -1.0))
        step_max[active[grow]] *= 4.0
        history.add(active, new, new_obj)
        done = stop.update(active, new_obj)
        converged[active[done]] = True
        winnow.finished(new_obj[done])
        keep = ~done
        active, x0, objective, x1 = active[keep], new[keep], new_obj[keep], following[keep]
    return converged, evals


def random_starts(first: np.ndarray, restarts: int, seed) -> list[np.ndarray]:
    """``first``, then ``restarts`` sorted thetas uniform on (0.05, 0.95), from ``seed``."""
    rng = np.random.default_rng(seed)
    k = first.size
    return [first] + [np.sort(rng.uniform(0.05, 0.95, k)) for _ in range(restarts)]


def not_converged(what: str, max_iter: int, tol: float) -> str:
    from .notes import Note

    return Note("not_converged", f"{what} did not converge in {max_iter} iteration{'' if max_iter == 1 else 's'} (tol "
                f"{tol:g}); raise max_iter or tol", method=what, max_iter=max_iter, tol=tol)
