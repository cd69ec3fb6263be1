"""The ladder from EM to the exact posterior: one registry entry per method (a "rung").

Each rung says its name, how it treats the hidden coins and the thetas, how to run it on
(data, options), and how to describe its result in one common form, a
:class:`compare.marginal.Marginal` per parameter component (centre, sd, interval and its kind,
quantiles, HDI, a density or draws where it has them, and its provenance). The ladder table, the
ladder figure, summary.json's ``ladder``, the checks against the exact posterior and the
warnings all loop over :data:`RUNGS`, so a new method is one new entry here
(tests/test_compare.py adds a Laplace rung and sees its rows, its curve and its findings).
Its words (label, the method table's cells, sentences of its own) are in the catalogue under
``rung.KEY`` where it has any.

Where each stage really runs (compare/run.py orchestrates it):

- "em" rungs (EM-ML, EM-MAP, VB): in the main process, first (milliseconds).
- "reference" rungs (Gibbs, the exact posterior): in the main process too, right after the EM
  rungs, while the PyMC process compiles and samples on the other core; they need no PyMC.
- "posterior" rungs (NUTS): in the PyMC process, which compare.posterior forks right after the
  input is validated (or in the main process with COINMIX_SERIAL=1, or where no fork is
  available); their results come back through a pipe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import bayes
import em

from .marginal import (BetaMarginal, DrawsMarginal, GaussianMarginal, GridMarginal, Marginal,
                       SummaryMarginal)
from .marginal import z_value  # noqa: F401  (re-exported: the report's modules read it here)
from .options import derived_seed

#: what a rung says about one parameter component (compare.marginal)
Estimate = Marginal


@dataclass(frozen=True)
class Rung:
    """One method of the ladder.

    run(data, options, r) -> the engine's result (or None where the rung does not apply; ``r`` is
    the run so far, for rungs built on earlier ones); estimates(result, options) ->
    {"theta": [Estimate per coin], "weights": [...]}; warnings(result) -> lines for the report.
    """

    key: str
    label: str                      # in the ladder table ("EM (ML)")
    short: str                      # in sentences and check names ("EM-ML")
    stage: str                      # "em", "reference" or "posterior"
    hidden_coins: str               # how it treats z, for the ladder's method table
    thetas: str                     # what it says about theta
    run: Callable
    estimates: Callable
    warnings: Callable = lambda result: ()
    warn_as: str = ""
    kind: str = "point"             # "point", "approximation", "sampler", "exact"
    role: str = ""                  # what the report asks it for (see ROLES), or none
    style: dict = field(default_factory=dict)   # colour and line style in the ladder figure
    text: dict = field(default_factory=dict)    # the rung's own sentences, by purpose


def _params(o) -> list[str]:
    return ["theta"] + (["weights"] if o.learned else [])


# ---------------------------------------------------------------- EM: points with curvature

def _em_estimates(kind):
    def estimates(fit, o):
        return {param: [GaussianMarginal(float(getattr(fit, param)[i]),
                                         fit.std_error[param][i], o.hdi_prob, interval=kind)
                        for i in range(o.components)] for param in _params(o)}
    return estimates


def _run_ml(data, o, r):
    return em.fit(data.heads, data.tosses, prior=None, **o.em_options())


def _run_map(data, o, r):
    return em.fit(data.heads, data.tosses, prior=o.prior, **o.em_options())


# ---------------------------------------------------------------- VB: Beta factors

def _run_vb(data, o, r):
    return em.vb(data.heads, data.tosses, prior=o.prior, **o.em_options())


def _vb_estimates(vb, o):
    out = {"theta": [BetaMarginal(vb.theta_alpha[i], vb.theta_beta[i], o.hdi_prob,
                                  centre=float(vb.theta_mean[i]), sd=float(vb.theta_sd[i]))
                     for i in range(o.components)]}
    if o.learned and vb.weights_concentration is not None:
        d = vb.weights_concentration
        out["weights"] = [BetaMarginal(d[i], d.sum() - d[i], o.hdi_prob,
                                       centre=float(vb.weights[i]), sd=float(vb.weights_sd[i]))
                          for i in range(o.components)]
    return out


# ---------------------------------------------------------------- samplers: draws

#: Gibbs runs until it passes the diagnostics NUTS must pass (R-hat, bulk ESS), multiplying its
#: sweeps (warm-up and draws, every thin-th kept) by the power of two its ESS says it needs, while
#: a run stays within MAX_GIBBS_SWEEPS sweeps per chain (QUICK_GIBBS_SWEEPS with --quick) and
#: MAX_GIBBS_WORK pair x coin x chain updates: a count, not a clock, so that the same seed gives
#: the same numbers on any machine (on Saxony, 224,000 sweeps, about 30 s here)
MAX_GIBBS_SWEEPS = 300_000
QUICK_GIBBS_SWEEPS = 20_000
MAX_GIBBS_WORK = 400_000_000


def _run_gibbs(data, o, r):
    """The Gibbs rung, run until it mixes within the sweep budget above: its settings record
    ``thin`` (the factor on the asked sweeps), ``sweeps`` (per chain, warm-up included) and
    ``mixed``, so that the report can set them against NUTS's draws: the number of sweeps Gibbs
    needs is the lesson about missing information."""
    import math

    from bayes.pairs import compress
    from bayes.thresholds import ESS_BULK_THRESHOLD, RHAT_THRESHOLD

    init = None if o.em_init is None else np.sort(o.em_init)
    per_sweep = len(compress(data.heads, data.tosses).count) * o.components * o.chains
    cap = min(QUICK_GIBBS_SWEEPS if o.quick else MAX_GIBBS_SWEEPS, MAX_GIBBS_WORK // per_sweep)
    thin = 1
    while True:
        res = bayes.fit(data.heads, data.tosses, components=o.components, weights=o.weights,
                        dirichlet=o.dirichlet, prior=o.prior, draws=o.draws,
                        tune=o.tune * thin, chains=o.chains, seed=derived_seed(o.seed, 1),
                        sampler="gibbs", init=init, hdi_prob=o.hdi_prob, thin=thin)
        d = res.diagnostics
        ess, rhat = d.get("ess_bulk_min"), d.get("r_hat_max")
        mixed = ((rhat is None or rhat <= RHAT_THRESHOLD)
                 and (ess is None or ess >= ESS_BULK_THRESHOLD))
        if mixed:
            break
        # ESS grows about linearly with the sweeps: ask for 1.25 x what it predicts
        need = 2.0 if ess is None or ess <= 0 else 1.25 * ESS_BULK_THRESHOLD / ess
        nxt = thin * 2 ** max(1, math.ceil(math.log2(max(need, 2.0))))
        while nxt > thin and (o.tune + o.draws) * nxt > cap:     # as far as the budget goes
            nxt //= 2
        if nxt <= thin:
            break
        thin = nxt
    res.settings["sweeps"] = (o.tune + o.draws) * thin
    res.settings["mixed"] = bool(mixed)
    return res


def _run_nuts(data, o, r):
    init = None if o.em_init is None else np.sort(o.em_init)
    return bayes.fit(data.heads, data.tosses, components=o.components, weights=o.weights,
                     dirichlet=o.dirichlet, prior=o.prior, draws=o.draws, tune=o.tune,
                     chains=o.chains, seed=o.seed, target_accept=o.target_accept, init=init,
                     hdi_prob=o.hdi_prob)


def _draws_estimates(res, o):
    out = {}
    for param in _params(o):
        p = res.posterior[param]
        draws = (res.theta_draws if param == "theta" else res.weight_draws).reshape(
            -1, o.components)
        out[param] = [DrawsMarginal(draws[:, i], p["mean"][i], p["sd"][i], p["hdi_low"][i],
                                    p["hdi_high"][i]) for i in range(o.components)]
    return out


# ---------------------------------------------------------------- the exact posterior

def _run_exact(data, o, r):
    """The grid for K = 2, the conjugate Beta for K = 1; None otherwise."""
    from . import reference

    return reference.exact_posterior(data, o)


def _exact_estimates(ex, o):
    out = {}
    for param in _params(o):
        if param not in ex.summary:
            continue
        e = ex.summary[param]
        dens = ex.densities.get(param, [None] * o.components)
        out[param] = [GridMarginal(*dens[i], e["mean"][i], e["sd"][i], e["hdi_low"][i],
                                   e["hdi_high"][i]) if dens[i] is not None else
                      SummaryMarginal(e["mean"][i], e["sd"][i], e["hdi_low"][i], e["hdi_high"][i])
                      for i in range(o.components)]
    return out


RUNGS: list[Rung] = [
    Rung("ml", "EM (ML)", "EM-ML", "em", "E-step: exact P(z) at the current theta",
         "a point: M-step theta_k = H_k / (H_k + T_k)", _run_ml, _em_estimates("Wald"),
         warnings=lambda fit: fit.warnings, warn_as="EM (ML)", kind="point", role="ml",
         style={"color": "#d62728"}),
    Rung("map", "EM (MAP)", "EM-MAP", "em", "E-step: exact P(z) at the current theta",
         "a point: M-step theta_k = (H_k + a - 1) / (H_k + T_k + a + b - 2), the mode of "
         "Beta(a + H_k, b + T_k)", _run_map, _em_estimates("Laplace (Wald at the mode)"),
         warnings=lambda fit: fit.warnings, warn_as="EM (MAP)", kind="point", role="map",
         style={"color": "#1f77b4"}),
    Rung("vb", "variational Bayes", "VB", "em", "same E-step, with E[log theta] under q(theta)",
         "q(theta_k) = Beta(a + H_k, b + T_k): the whole Beta, not its mode", _run_vb, _vb_estimates,
         warnings=lambda vb: vb.warnings, warn_as="VB", kind="approximation", role="approximation",
         style={"color": "#ff7f0e"},
         text={"located": "Mean-field VB locates the posterior well.",
               "misplaced": "VB's factorised q(z) q(theta) is narrow and sits near the posterior's "
                            "peak (the MAP), not at its mean: where the posterior is lopsided "
                            "the two are apart.",
               "astray": "VB's factorised q(z) q(theta) sits at neither the posterior mean nor "
                         "the MAP: its objective (the ELBO) has optima of its own, and VB climbs "
                         "to one of them.",
               "width": "Mean-field q(z) q(theta) cuts the dependence between which coin tossed "
                        "each set and how biased the coins are; the full posterior keeps it, "
                        "and that dependence is a source of uncertainty VB cannot see, so it "
                        "understates the sd."}),
    Rung("gibbs", "Gibbs", "Gibbs", "reference", "drawn from P(z), not averaged",
         "drawn from its Beta full conditional", _run_gibbs, _draws_estimates,
         warnings=lambda res: res.warnings, warn_as="Gibbs sampler", kind="sampler",
         role="augmented_sampler",
         style={"color": "#9467bd"}),
    Rung("nuts", "NUTS", "NUTS", "posterior", "summed out exactly", "the full posterior, by sampling",
         _run_nuts, _draws_estimates, warnings=lambda res: res.warnings, warn_as="sampler",
         kind="sampler", role="sampler", style={"color": "#7f7f7f", "ls": "--"}),
    Rung("exact", "exact", "exact", "reference", "summed out exactly",
         "the posterior by quadrature (the referee)", _run_exact, _exact_estimates,
         kind="exact", role="reference", style={"color": "#000000", "lw": 2, "alpha": 0.6}),
]


#: the roles the report's text, checks and figures ask for, and what each means
ROLES = {
    "ml": "the maximum-likelihood point estimate",
    "map": "the posterior mode under the run's prior (the MAP point)",
    "approximation": "a fitted approximation of the posterior (variational Bayes)",
    "augmented_sampler": "the sampler that draws the hidden coins (Gibbs)",
    "sampler": "the main posterior sampler, the hidden coins summed out (NUTS)",
    "reference": "the exact posterior, the referee (where one exists)",
}


def by_role(role: str) -> Rung:
    """The rung that plays ``role`` (one of ROLES)."""
    return next(x for x in RUNGS if x.role == role)


def rung(key: str) -> Rung:
    return next(x for x in RUNGS if x.key == key)


def by_kind(kind: str) -> list[Rung]:
    return [x for x in RUNGS if x.kind == kind]


def samplers() -> list[Rung]:
    """The sampling rungs, the main posterior (the "posterior" stage) first."""
    return sorted(by_kind("sampler"), key=lambda x: x.stage != "posterior")
