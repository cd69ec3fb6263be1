"""Agreement checks between the methods, each with its numbers and a generated explanation.

Every check is a dict {check, quantities, difference, tolerance, agree, explanation}:
``difference`` is the largest absolute difference over components (or the statistic named in
the explanation), ``tolerance`` what it is held to, and ``explanation`` says, in numbers, why
the two sides agree or differ. Monte Carlo tolerances are 4 x MCSE: a correct sampler fails
one in about 16,000 such comparisons.
"""

from __future__ import annotations

import numpy as np

from .rungs import by_kind, marginal_peaks, samplers, skewness, z_value

OPT_TOL = 1e-4          # two optimisers of the same function
MC_SIGMAS = 4.0


def _fmt(values, digits=4):
    return ", ".join(f"{v:.{digits}f}" for v in values)


def _check(name, quantities, difference, tolerance, agree, explanation):
    return {"check": name, "quantities": quantities,
            "difference": None if difference is None else float(difference),
            "tolerance": None if tolerance is None else float(tolerance),
            "agree": bool(agree), "explanation": explanation}


def all_checks(r) -> list[dict]:
    ran = lambda rungs: [x for x in rungs if r.results.get(x.key) is not None]  # noqa: E731
    out = [map_vs_find_map(r), ml_vs_flat_mode(r)]
    if r.exact is not None:
        out += [mean_vs_exact(r, r.results[x.key], x.short) for x in ran(samplers())]
    out.append(gibbs_vs_nuts(r))
    out += [inside_hdi(r, r.results[x.key], x.short) for x in ran(by_kind("point"))]
    out += [wald_vs_hdi(r), responsibilities_vs_assignment(r), map_vs_mean(r)]
    if r.exact is not None:
        for x in ran(by_kind("approximation")):
            out += approximation_vs_exact(r, x)
    out.append(diagnostics(r))
    if r.known is not None and len(r.known["theta"]) == r.options.components:
        out.append(known_labels(r))
    return out


def map_vs_find_map(r):
    em_t, pm_t = np.asarray(r.map.theta), np.asarray(r.nuts.find_map["theta"])
    em_w, pm_w = np.asarray(r.map.weights), np.asarray(r.nuts.find_map["weights"])
    d = float(max(np.max(np.abs(em_t - pm_t)), np.max(np.abs(em_w - pm_w))))
    a, b = r.options.prior
    ok = d <= OPT_TOL
    why = (f"Both maximise the same posterior density Beta({a:g}, {b:g}) x likelihood in the "
           f"original parameters (find_MAP adds no Jacobian): EM-MAP theta = {_fmt(em_t, 6)}, "
           f"PyMC theta = {_fmt(pm_t, 6)}; they differ by {d:.1e}.")
    if not ok:
        why += (" They disagree by more than the optimisers' precision: one of them stopped at a "
                "different local maximum (compare their log-posteriors "
                f"{r.map.log_posterior:.6f} and {r.nuts.find_map['log_posterior']:.6f}).")
    return _check("EM-MAP = PyMC posterior mode (same prior)",
                  {"em_map_theta": em_t.tolist(), "find_map_theta": pm_t.tolist(),
                   "em_map_weights": em_w.tolist(), "find_map_weights": pm_w.tolist()},
                  d, OPT_TOL, ok, why)


def ml_vs_flat_mode(r):
    em_t, pm_t = np.asarray(r.ml.theta), np.asarray(r.flat_mode["theta"])
    d = float(np.max(np.abs(em_t - pm_t)))
    ok = d <= OPT_TOL
    why = (f"Under flat Beta(1, 1) priors the posterior density is the likelihood, so its mode "
           f"is the ML estimate: EM-ML {_fmt(em_t, 6)}, PyMC mode {_fmt(pm_t, 6)}, "
           f"difference {d:.1e}.")
    if not ok:
        why += (" The difference exceeds the optimisers' precision: the likelihood has more than "
                f"one maximum (log-likelihood at EM-ML {r.ml.log_likelihood:.6f}).")
    return _check("EM-ML = posterior mode under a flat prior",
                  {"em_ml_theta": em_t.tolist(), "flat_mode_theta": pm_t.tolist()}, d, OPT_TOL,
                  ok, why)


def mean_vs_exact(r, res, label):
    p = res.posterior["theta"]
    e = r.exact["theta"]
    mean, ref, mcse = (np.asarray(p["mean"]), np.asarray(e["mean"]), np.asarray(p["mcse_mean"]))
    z = np.abs(mean - ref) / mcse
    sd_ratio = np.asarray(p["sd"]) / np.asarray(e["sd"])
    ok = bool(np.all(z <= MC_SIGMAS) and np.all(np.abs(sd_ratio - 1) <= 0.10))
    why = (f"{label} posterior means {_fmt(mean)} vs exact {_fmt(ref)} ({r.exact['method']}): "
           f"off by {_fmt(z, 1)} Monte Carlo standard errors (MCSE {_fmt(mcse)}); "
           f"sd ratio {_fmt(sd_ratio, 3)}.")
    why += (" Within Monte Carlo error: the sampler explores the right posterior." if ok else
            " Outside Monte Carlo error: the chains have not explored the posterior correctly "
            "(see the diagnostics) or are too short.")
    return _check(f"{label} posterior mean = exact posterior mean",
                  {"mean": mean.tolist(), "exact_mean": ref.tolist(), "mcse": mcse.tolist(),
                   "sd_ratio": sd_ratio.tolist()},
                  np.max(np.abs(mean - ref)), MC_SIGMAS * np.max(mcse), ok, why)


def gibbs_vs_nuts(r):
    g, n = r.gibbs.posterior["theta"], r.nuts.posterior["theta"]
    d = np.abs(np.asarray(g["mean"]) - np.asarray(n["mean"]))
    se = np.hypot(g["mcse_mean"], n["mcse_mean"])
    ok = bool(np.all(d <= MC_SIGMAS * se))
    why = (f"Two samplers of the same posterior, one drawing the hidden coins (Gibbs), one with "
           f"them summed out (NUTS): means {_fmt(g['mean'])} vs {_fmt(n['mean'])}, apart by "
           f"{_fmt(d / se, 1)} combined MCSE.")
    why += " They agree within Monte Carlo error." if ok else \
        " They disagree beyond Monte Carlo error: one of the two has not mixed."
    return _check("Gibbs = NUTS", {"gibbs_mean": g["mean"], "nuts_mean": n["mean"],
                                   "combined_mcse": se.tolist()},
                  np.max(d), MC_SIGMAS * np.max(se), ok, why)


def inside_hdi(r, fit, label):
    p = r.nuts.posterior["theta"]
    lo, hi, t = np.asarray(p["hdi_low"]), np.asarray(p["hdi_high"]), np.asarray(fit.theta)
    inside = (t >= lo) & (t <= hi)
    outside = np.maximum(lo - t, t - hi).clip(min=0)
    prob = p["hdi_prob"]
    why = (f"{label} theta {_fmt(t)} against the {prob:.0%} HDI "
           + "; ".join(f"[{a:.4f}, {b:.4f}]" for a, b in zip(lo, hi)) + ". ")
    if inside.all():
        why += (f"Every estimate is a plausible value under the posterior. The intervals are "
                f"{_fmt(hi - lo, 3)} wide: with {r.data.n_sets} sets the data pin each coin down "
                "only that far.")
    else:
        why += (f"Outside for component(s) {np.flatnonzero(~inside).tolist()}: the posterior puts "
                f"less than {1 - prob:.0%} of its mass beyond this value"
                + (" — the prior pulls the posterior away from ML" if label == "EM-ML" else "")
                + ".")
    return _check(f"{label} inside the posterior HDI",
                  {"theta": t.tolist(), "hdi_low": lo.tolist(), "hdi_high": hi.tolist()},
                  np.max(outside), 0.0, inside.all(), why)


def wald_vs_hdi(r):
    p = r.nuts.posterior["theta"]
    prob = p["hdi_prob"]
    z = z_value(prob)
    se = r.ml.std_error["theta"]
    if any(s is None for s in se):
        return _check("EM Wald interval vs posterior HDI", {"std_error": se}, None, None, False,
                      "EM-ML has no standard error here (a theta on the boundary or a singular "
                      "information matrix), so there is no Wald interval: the curvature at the "
                      "maximum says nothing about the uncertainty. Use the posterior.")
    se = np.asarray(se)
    wald = 2 * z * se
    hdi = np.asarray(p["hdi_high"]) - np.asarray(p["hdi_low"])
    ratio = wald / hdi
    ok = bool(np.all(np.abs(np.log(ratio)) <= np.log(1.25)))
    lo = np.asarray(r.ml.theta) - z * se
    hi = np.asarray(r.ml.theta) + z * se
    why = (f"Wald {prob:.0%} interval (ML +/- {z:.2f} SE) widths {_fmt(wald, 3)} vs HDI widths "
           f"{_fmt(hdi, 3)}: ratio {_fmt(ratio, 2)}. Two things differ: ML has no prior while the "
           "posterior has one, and the Wald interval assumes a Gaussian shape. ")
    lap = r.map.std_error["theta"]
    if r.exact is not None and all(v is not None for v in lap):
        shape = np.asarray(lap) / np.asarray(r.exact["theta"]["sd"])
        why += (f"Separating them: with the same prior, the Laplace (Gaussian at the MAP) sds are "
                f"{_fmt(shape, 2)} times the exact sds, so the shape alone "
                + ("matters little here. " if np.all(np.abs(shape - 1) < 0.1) else
                   "already makes the Gaussian approximation "
                   + ("too wide" if np.all(shape > 1) else "too narrow" if np.all(shape < 1)
                      else "wrong in width") + ": the posterior is not Gaussian. "))
    if np.any(lo < 0) or np.any(hi > 1):
        why += f"The Wald interval even leaves [0, 1] ({_fmt(lo, 3)} to {_fmt(hi, 3)}). "
    why += ("They meet as the data grow (Bernstein-von Mises; the size study)." if not ok else
            "Within the tolerance of a 25% width difference.")
    return _check("EM Wald interval vs posterior HDI (width ratio)",
                  {"wald_width": wald.tolist(), "hdi_width": hdi.tolist(), "ratio": ratio.tolist()},
                  float(np.max(np.abs(np.log(ratio)))), float(np.log(1.25)), ok,
                  why + " (difference and tolerance are |log ratio|.)")


def responsibilities_vs_assignment(r):
    em_r = np.asarray(r.map.responsibilities)
    post = np.asarray(r.nuts.assignment_probability)
    diff = np.abs(em_r - post).max(axis=1)
    worst = int(np.argmax(diff))
    tol = 0.15
    ok = bool(diff.max() <= tol)
    hi = em_r.shape[1] - 1
    toward = int(np.sum(np.abs(post[:, hi] - 0.5) < np.abs(em_r[:, hi] - 0.5)))
    why = (f"Same prior on both sides: EM-MAP's responsibilities use one point (the posterior "
           f"mode); the posterior probabilities average the same formula over all plausible "
           f"thetas. Largest gap at set {worst + 1}: P(coin {hi}) {em_r[worst, hi]:.3f} (EM-MAP) "
           f"vs {post[worst, hi]:.3f} (posterior). For {toward} of {len(post)} sets the posterior "
           f"is less sure than EM-MAP (closer to 1/2): averaging over uncertain thetas usually "
           "blurs the assignment, but not always, since the average can also move towards the "
           "other coin.")
    return _check("EM-MAP responsibilities vs posterior assignment probabilities",
                  {"em": em_r.tolist(), "posterior": post.tolist(), "max_per_set": diff.tolist()},
                  diff.max(), tol, ok, why)


def map_vs_mean(r):
    mode = np.asarray(r.map.theta)
    mean = np.asarray(r.nuts.posterior["theta"]["mean"])
    sd = np.asarray(r.nuts.posterior["theta"]["sd"])
    skew = skewness(r.nuts)
    peak, src = marginal_peaks(r)
    gap = mean - mode
    ok = bool(np.all(np.abs(gap) <= 0.25 * sd))
    parts = []
    for i in range(mode.size):
        parts.append(f"theta[{i}]: MAP {mode[i]:.4f}, peak of its own marginal {peak[i]:.4f}, "
                     f"mean {mean[i]:.4f}; mean - MAP = {gap[i]:+.4f} ({gap[i] / sd[i]:+.2f} sd) = "
                     f"{mean[i] - peak[i]:+.4f} (mean vs marginal peak, skewness {skew[i]:+.2f}) "
                     f"{peak[i] - mode[i]:+.4f} (marginal peak vs joint peak)")
    why = ("; ".join(parts) + ". Two things separate them. MAP is the highest point of the joint "
           "posterior of all thetas, which need not sit at each marginal's own peak: the ordering "
           "theta_0 < theta_1 cuts the joint and the coins are correlated. And a skewed marginal "
           "puts its mean away from its peak, on the side of its longer tail. "
           + ("Together these move the mean by more than a quarter of a posterior sd here." if not ok
              else "Here both effects are small.")
           + f" (Marginal peaks from the {src} posterior; tolerance: a quarter of a posterior sd.)")
    return _check("MAP vs posterior mean",
                  {"map": mode.tolist(), "marginal_mode": peak.tolist(), "mean": mean.tolist(),
                   "sd": sd.tolist(), "skewness": skew.tolist()}, float(np.max(np.abs(gap))),
                  float(0.25 * np.max(sd)), ok, why)


def approximation_vs_exact(r, rung):
    """An approximate posterior (e.g. VB) against the exact one: where it is, and how wide."""
    e = r.exact["theta"]
    est = rung.estimates(r.results[rung.key], r.options)["theta"]
    m, sd = np.array([x.centre for x in est]), np.array([x.sd for x in est])
    em_, esd = np.asarray(e["mean"]), np.asarray(e["sd"])
    dmean = np.abs(m - em_)
    mean_ok = bool(np.all(dmean <= 0.25 * esd))
    short = 1 - sd / esd
    sd_ok = bool(np.all(np.abs(short) <= 0.10))
    name = rung.short
    c1 = _check(f"{name} mean vs exact posterior mean",
                {f"{rung.key}_mean": m.tolist(), "exact_mean": em_.tolist()}, dmean.max(),
                0.25 * esd.max(), mean_ok,
                f"{name} means {_fmt(m)} vs exact {_fmt(em_)}: off by {_fmt(dmean / esd, 2)} exact "
                "sd. " + rung.text.get("located" if mean_ok else "misplaced", ""))
    c2 = _check(f"{name} sd vs exact posterior sd",
                {f"{rung.key}_sd": sd.tolist(), "exact_sd": esd.tolist(), "shortfall": short.tolist()},
                float(np.max(np.abs(short))), 0.10, sd_ok,
                f"{name} sd {_fmt(sd)} vs exact {_fmt(esd)}: {name} is "
                + ", ".join(f"{100 * s:.0f}% {'narrower' if s > 0 else 'wider'}" for s in short)
                + ". " + rung.text.get("width", ""))
    return [c1, c2]


def diagnostics(r):
    d = r.nuts.diagnostics
    ok = not d["warnings"]
    why = (f"{d['chains']} chains x {d['draws']} draws: max R-hat "
           f"{'n/a' if d['r_hat_max'] is None else format(d['r_hat_max'], '.4f')} (needs <= 1.01), "
           f"min bulk ESS {d['ess_bulk_min']:.0f} (needs >= 400), {d['divergences']} divergences "
           "(needs 0). ")
    why += "The sampler's numbers can be trusted." if ok else " ".join(d["warnings"])
    return _check("NUTS sampler diagnostics",
                  {"r_hat_max": d["r_hat_max"], "ess_bulk_min": d["ess_bulk_min"],
                   "divergences": d["divergences"]},
                  None, None, ok, why)


def known_labels(r):
    k = r.known
    truth = np.asarray(k["theta"])
    ml, mean = np.asarray(r.ml.theta), np.asarray(r.nuts.posterior["theta"]["mean"])
    sd = np.asarray(r.nuts.posterior["theta"]["sd"])
    p = r.nuts.posterior["theta"]
    inside = (truth >= np.asarray(p["hdi_low"])) & (truth <= np.asarray(p["hdi_high"]))
    comp = np.asarray(k["component_of_set"])
    hits = float(np.mean(np.argmax(r.ml.responsibilities, axis=1) == comp))
    d = float(max(np.max(np.abs(ml - truth)), np.max(np.abs(mean - truth))))
    ok = bool(inside.all())
    why = (f"With the coins known ({', '.join(k['coins'])}), ML is a ratio of counts: "
           f"{_fmt(truth, 3)}. Labels hidden: EM-ML {_fmt(ml)}, posterior mean {_fmt(mean)} "
           f"(sd {_fmt(sd, 3)}). EM's most likely coin matches the known coin for "
           f"{hits:.0%} of the sets. The known-label estimates are "
           + ("inside" if ok else "not all inside") + " the HDI"
           + ("." if ok else ": the hidden-label model has drawn the coins differently."))
    return _check("known labels vs EM and the posterior",
                  {"known_label_ml": truth.tolist(), "em_ml": ml.tolist(),
                   "posterior_mean": mean.tolist(), "hdi_contains_known": inside.tolist(),
                   "em_assignment_accuracy": hits},
                  d, None, ok, why + " (agree = every known-label estimate inside the HDI.)")
