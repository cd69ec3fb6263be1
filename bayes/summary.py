"""Posterior summaries and sampler diagnostics as plain, JSON-ready numbers.

Input is an ``xarray.DataTree`` as returned by ``nutpie.sample`` / ``pm.sample`` or built with
``arviz.from_dict``: a ``posterior`` group whose variables have dims ``(chain, draw, component)``
and, optionally, a ``sample_stats`` group with a boolean ``diverging``. Output is nested dicts of
Python floats and ints; a quantity that is undefined (R-hat from one chain, an SD from one
draw) is ``None``, never NaN, so ``json.dumps(..., allow_nan=False)`` always works.

Every statistic comes from ArviZ 1.3 (``arviz_stats``) called on ``DataArray`` objects, whose
interface reduces over ``(chain, draw)``; the NumPy-array interface reduces over the last axis
only, so it would give per-chain HDIs. ArviZ's ``mean``/``median``/``mode``/``summary`` round to
two significant digits unless told ``round_to="none"``; the functions used here do not round.
"""

from __future__ import annotations

import math

import arviz as az
import numpy as np

from .notes import Note
from .thresholds import ESS_BULK_THRESHOLD, RHAT_THRESHOLD

SAMPLE_DIMS = ("chain", "draw")

__all__ = ["summarize", "diagnostics", "marginal_peak", "RHAT_THRESHOLD", "ESS_BULK_THRESHOLD"]


def summarize(tree, var_names=("theta", "weights"), hdi_prob=0.94):
    """Per-component posterior summary of each named variable.

    Parameters
    ----------
    tree : xarray.DataTree with a ``posterior`` group, variables shaped (chain, draw, component)
    var_names : names to summarise; names absent from the posterior, and variables that are
        constant over all draws (e.g. fixed weights stored as a Deterministic), are skipped
    hdi_prob : probability mass of the highest-density interval

    Returns
    -------
    dict ``{name: {stat: [value per component], ..., "hdi_prob": float}}`` with stats
    ``mean``, ``sd``, ``median``, ``mode``, ``hdi_low``, ``hdi_high``, ``mcse_mean``, ``r_hat``,
    ``ess_bulk``, ``ess_tail``. ``mode`` is the argmax of ArviZ's boundary-corrected KDE of
    the marginal draws (see :func:`marginal_peak`).
    """
    out = {}
    for name, da in _variables(tree, var_names):
        values = da.values.reshape(da.sizes["chain"], da.sizes["draw"], -1)  # (chain, draw, k)
        flat = values.reshape(-1, values.shape[-1])  # (chain * draw, k)
        hdi = az.hdi(da, prob=hdi_prob).transpose(..., "ci_bound")  # (component..., 2)
        hdi = hdi.values.reshape(-1, 2)
        sd = np.std(flat, axis=0, ddof=1) if flat.shape[0] > 1 else np.full(flat.shape[1], np.nan)
        out[name] = {
            "mean": _floats(flat.mean(axis=0)),
            "sd": _floats(sd),
            "median": _floats(np.median(flat, axis=0)),
            "mode": [_float(marginal_peak(flat[:, k])) for k in range(flat.shape[1])],
            "hdi_low": _floats(hdi[:, 0]),
            "hdi_high": _floats(hdi[:, 1]),
            "hdi_prob": float(hdi_prob),
            "mcse_mean": _floats(az.mcse(da, method="mean").values),
            "r_hat": _floats(az.rhat(da).values),
            "ess_bulk": _floats(az.ess(da, method="bulk").values),
            "ess_tail": _floats(az.ess(da, method="tail").values),
        }
    return out


def diagnostics(
    tree,
    var_names=("theta", "weights"),
    rhat_threshold=RHAT_THRESHOLD,
    ess_threshold=ESS_BULK_THRESHOLD,
):
    """Sampler health in a few numbers, with one-line warnings.

    Returns
    -------
    dict with ``r_hat_max`` (float or None when undefined, e.g. one chain), ``ess_bulk_min``
    (float or None), ``divergences`` (int: sum of ``sample_stats.diverging`` after warm-up, 0 if
    absent), ``chains``, ``draws`` (per chain) and ``warnings``: a list of one-line strings,
    one for each failed check among R-hat > ``rhat_threshold``, bulk ESS < ``ess_threshold``,
    any divergence, and R-hat not computable (fewer than two chains).
    """
    posterior = tree["posterior"]
    chains = int(posterior.sizes.get("chain", 0))
    draws = int(posterior.sizes.get("draw", 0))

    rhats, esss = {}, {}
    for name, da in _variables(tree, var_names):
        labels = _labels(name, da)
        rhats.update(zip(labels, np.ravel(az.rhat(da).values)))
        esss.update(zip(labels, np.ravel(az.ess(da, method="bulk").values)))
    finite_rhat = {k: float(v) for k, v in rhats.items() if np.isfinite(v)}
    finite_ess = {k: float(v) for k, v in esss.items() if np.isfinite(v)}

    divergences = 0
    if "sample_stats" in tree.children and "diverging" in tree["sample_stats"].data_vars:
        divergences = int(np.asarray(tree["sample_stats"]["diverging"].values).sum())

    warnings = []
    high = {k: v for k, v in finite_rhat.items() if v > rhat_threshold}
    if high:
        warnings.append(Note(
            "rhat_high", f"R-hat above {rhat_threshold} for {_listing(high, '.3f')}: the chains "
            "disagree; draw longer chains or check the model",
            threshold=rhat_threshold, listing=_listing(high, '.3f')))
    if rhats and chains < 2:
        warnings.append(Note("rhat_one_chain", f"R-hat needs at least 2 chains, got {chains}: "
                             "convergence unchecked", chains=chains))
    low = {k: v for k, v in finite_ess.items() if v < ess_threshold}
    if low:
        warnings.append(Note(
            "ess_low", f"bulk ESS below {ess_threshold} for {_listing(low, '.0f')}: "
            "too few effective draws; draw more", threshold=ess_threshold,
            listing=_listing(low, '.0f')))
    if divergences:
        warnings.append(Note(
            "divergences" if divergences != 1 else "divergence", f"{divergences} divergent transition{'s' if divergences != 1 else ''} "
            f"after warm-up (of {chains * draws} draws): raise target_accept",
            divergences=divergences, draws=chains * draws))

    return {
        "r_hat_max": max(finite_rhat.values()) if finite_rhat else None,
        "ess_bulk_min": min(finite_ess.values()) if finite_ess else None,
        "divergences": divergences,
        "chains": chains,
        "draws": draws,
        "warnings": warnings,
    }


def marginal_peak(samples, grid_len=1024):
    """Peak (mode) of one marginal from its draws: argmax of ArviZ's KDE. Not the joint mode:
    for that, see ``bayes.fit.joint_mode``.

    ``az.kde`` (default "experimental" bandwidth, boundary correction, grid spanning the
    draws) evaluated on ``grid_len`` points; the grid argmax is refined by a parabola through
    it and its two neighbours. ArviZ 1.3's own ``az.mode`` is the half-sample mode, which on
    8,000 Beta draws scattered about twice as much (RMSE 0.028 vs 0.014 for Beta(7, 5)).
    Returns NaN for no draws, the value itself when all draws are equal.
    """
    x = np.asarray(samples, dtype=float).ravel()
    x = x[np.isfinite(x)]
    if x.size == 0:
        return math.nan
    if x.size < 2 or np.ptp(x) == 0:
        return float(np.median(x))
    grid, pdf, _ = az.kde(x, grid_len=grid_len)
    i = int(np.argmax(pdf))
    if 0 < i < len(grid) - 1:
        y0, y1, y2 = pdf[i - 1], pdf[i], pdf[i + 1]
        curvature = y0 - 2 * y1 + y2
        if curvature < 0:
            step = grid[1] - grid[0]
            return float(grid[i] + 0.5 * step * (y0 - y2) / curvature)
    return float(grid[i])


def _variables(tree, var_names):
    """(name, DataArray) for each requested, present, non-constant posterior variable."""
    posterior = tree["posterior"]
    if isinstance(var_names, str):
        var_names = (var_names,)
    for name in var_names:
        if name not in posterior.data_vars:
            continue
        da = posterior[name]
        if not set(SAMPLE_DIMS) <= set(da.dims):
            continue
        values = da.values
        if values.size == 0 or np.all(values == values.flat[0]):
            continue
        yield name, da.transpose(*SAMPLE_DIMS, ...)


def _labels(name, da):
    """'theta[0]', 'theta[1]', ... in the row-major order of the non-sample dims."""
    shape = [da.sizes[d] for d in da.dims if d not in SAMPLE_DIMS]
    if not shape:
        return [name]
    return [f"{name}[{','.join(map(str, idx))}]" for idx in np.ndindex(*shape)]


def _listing(values, fmt):
    return ", ".join(f"{k} ({v:{fmt}})" for k, v in values.items())


def _float(x):
    x = float(x)
    return x if math.isfinite(x) else None


def _floats(a):
    return [_float(x) for x in np.ravel(a)]
