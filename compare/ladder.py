"""The ladder table: every method's mean (or point), sd and 94% interval for each parameter,
and its sd relative to the exact posterior sd."""

from __future__ import annotations

import numpy as np
from scipy import stats

Z94 = stats.norm.ppf(0.97)


def rows(r) -> list[dict]:
    """One row per (method, parameter, component)."""
    o = r.options
    k = o.components
    prob = o.hdi_prob
    z = stats.norm.ppf(0.5 + prob / 2)
    params = ["theta"] + (["weights"] if o.weights == "learned" else [])
    out = []

    def add(method, param, i, mean, sd, lo, hi, interval):
        exact_sd = None
        if r.exact is not None and param in r.exact:
            exact_sd = r.exact[param]["sd"][i]
        ratio = None if (sd is None or not exact_sd) else sd / exact_sd
        out.append({"method": method, "parameter": f"{param}[{i}]", "mean": _f(mean),
                    "sd": _f(sd), "low": _f(lo), "high": _f(hi), "interval": interval,
                    "sd_ratio": _f(ratio)})

    for param in params:
        for i in range(k):
            for label, fit in (("EM (ML)", r.ml), ("EM (MAP)", r.map)):
                point = getattr(fit, param)[i]
                se = fit.std_error[param][i]
                lo, hi = (None, None) if se is None else (point - z * se, point + z * se)
                kind = "Wald" if label == "EM (ML)" else "Laplace (Wald at the mode)"
                add(label, param, i, point, se, lo, hi, kind)
            vb = r.vb
            if param == "theta":
                qa, qb = vb.theta_alpha[i], vb.theta_beta[i]
                lo, hi = stats.beta.ppf([0.5 - prob / 2, 0.5 + prob / 2], qa, qb)
                add("variational Bayes", param, i, vb.theta_mean[i], vb.theta_sd[i], lo, hi,
                    "Beta quantiles")
            elif vb.weights_concentration is not None:
                d = vb.weights_concentration
                lo, hi = stats.beta.ppf([0.5 - prob / 2, 0.5 + prob / 2], d[i], d.sum() - d[i])
                add("variational Bayes", param, i, vb.weights[i], vb.weights_sd[i], lo, hi,
                    "Beta quantiles")
            for label, res in (("Gibbs", r.gibbs), ("NUTS", r.nuts)):
                p = res.posterior[param]
                add(label, param, i, p["mean"][i], p["sd"][i], p["hdi_low"][i], p["hdi_high"][i],
                    "HDI")
            if r.exact is not None and param in r.exact:
                e = r.exact[param]
                add("exact", param, i, e["mean"][i], e["sd"][i], e["hdi_low"][i], e["hdi_high"][i],
                    "HDI")
    return out


def _f(x):
    return None if x is None or not np.isfinite(x) else float(x)
