"""Reference answers that need no sampler: the exact posterior and the known-label fit."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from bayes.grid import grid_posterior
from bayes.intervals import hdi_from_quantile


@dataclass(frozen=True)
class ExactPosterior:
    """The exact posterior: ``summary`` {"theta": {mean, sd, median, mode, hdi_low, hdi_high,
    hdi_prob}, ["weights": ...], "method": text}; ``densities`` {param: [(x, density)] per coin};
    ``grid``: the GridPosterior for K = 2 (None for the closed form)."""

    summary: dict
    densities: dict = field(default_factory=dict)
    grid: object = None


def exact_posterior(data, o) -> ExactPosterior | None:
    """The grid for K = 2, the conjugate Beta for K = 1, None for other K."""
    if o.components == 2:
        grid = grid_posterior(data.heads, data.tosses, weights=o.weights, prior=o.prior,
                              dirichlet=o.dirichlet, hdi_prob=o.hdi_prob)
        d = grid.to_dict()
        d["method"] = f"grid quadrature ({grid.points} points per theta axis)"
        dens = {"theta": [(m.x, m.density) for m in grid.theta]}
        if grid.weights is not None:
            dens["weights"] = [(m.x, m.density) for m in grid.weights]
        return ExactPosterior(d, dens, grid)
    if o.components == 1:
        a, b = o.prior
        post = stats.beta(a + data.heads.sum(), b + (data.tosses - data.heads).sum())
        lo, hi = hdi_from_quantile(post.ppf, o.hdi_prob)
        mode = (post.args[0] - 1) / (post.args[0] + post.args[1] - 2)
        x = np.linspace(*post.ppf([1e-6, 1 - 1e-6]), 400)
        return ExactPosterior(
            {"theta": {"mean": [float(post.mean())], "sd": [float(post.std())],
                       "median": [float(post.median())], "mode": [float(mode)],
                       "hdi_low": [lo], "hdi_high": [hi], "hdi_prob": o.hdi_prob},
             "method": "conjugate Beta posterior (closed form)"},
            {"theta": [(x, post.pdf(x))]})
    return None


def known_label_fit(data) -> dict | None:
    """ML with the coins known: heads / tosses per coin; coins ordered by that estimate."""
    if data.labels is None:
        return None
    labels = np.asarray(data.labels)
    names = sorted(set(labels.tolist()))
    est = {n: (int(data.heads[labels == n].sum()), int(data.tosses[labels == n].sum()))
           for n in names}
    order = sorted(names, key=lambda n: est[n][0] / est[n][1])
    return {"coins": order, "theta": [est[n][0] / est[n][1] for n in order],
            "heads": [est[n][0] for n in order], "tosses": [est[n][1] for n in order],
            "sets": [int((labels == n).sum()) for n in order],
            "component_of_set": [order.index(v) for v in labels.tolist()]}
