"""What the methods say about each other: software checks and statistical findings.

Every entry is a dict {check, kind, quantities, difference, tolerance, agree, status,
explanation}.

- ``kind: "software"``: two computations of the same quantity that must agree if the code is
  right (EM-MAP vs PyMC's optimiser, EM-ML vs the flat-prior mode, each sampler vs the exact
  posterior, Gibbs vs NUTS, the sampler's diagnostics). ``agree`` is the verdict, ``status``
  "pass", "borderline" (above 80% of the tolerance) or "fail". Monte Carlo tolerances are
  4 x MCSE: a correct sampler fails one in about 16,000 such comparisons. A comparison that rests
  on a sampler whose own diagnostics fail (R-hat, ESS) is "not assessable" (``agree`` None): its
  MCSE comes from too few effective draws to hold anything to.
- ``kind: "finding"``: two different quantities compared to learn something (MAP vs mean, the
  Wald interval vs the HDI, VB's width, responsibilities vs posterior probabilities, point
  estimates inside the HDI, the known labels). These are not pass/fail facts: ``agree`` and
  ``tolerance`` are None, ``status`` is "finding"; ``difference`` is the size measured.

Every number in an explanation is computed here or in compare.facts.
"""

from __future__ import annotations

import numpy as np

from . import facts
from .markdown import escape
from .rungs import by_kind, samplers, z_value

OPT_TOL = 1e-4          # two optimisers of the same function
MC_SIGMAS = 4.0
#: a sampler's sd against the exact one: within 10% (with an ESS of 400, the floor the diagnostics
#: ask for, an sd's Monte Carlo error is about 3.5%, so 10% is about three of them)
SD_TOL = 0.10


def _fmt(values, digits=4):
    return ", ".join(f"{v:.{digits}f}" for v in values)


def _signed(x: float, digits: int = 4) -> str:
    """+0.0123; a value that rounds to zero in ``digits`` decimals in two significant digits
    (+3.2e-06), and never "-0.00"."""
    if x == 0:
        return f"{0:.{digits}f}"
    return f"{x:+.{digits}f}" if abs(x) >= 0.5 * 10 ** -digits else f"{x:+.1e}"


def _sds(values) -> str:
    """Distances in sds: two decimals, "< 0.01" below that."""
    return ", ".join("< 0.01" if abs(v) < 0.005 else f"{v:.2f}" for v in values)


def _software(name, quantities, difference, tolerance, agree, explanation, unmixed=()):
    """A software check; ``unmixed``: the samplers it rests on whose diagnostics fail."""
    if unmixed:
        explanation += (f" Not assessable: {' and '.join(unmixed)} did not mix (its R-hat or "
                        "ESS fails, see the top of the report), so its Monte Carlo error is "
                        "itself unreliable and agreement within it proves nothing.")
        return {"check": name, "kind": "software", "quantities": quantities,
                "difference": None if difference is None else float(difference),
                "tolerance": None if tolerance is None else float(tolerance),
                "agree": None, "status": "not assessable", "explanation": explanation}
    status = "fail" if not agree else facts.check_status(difference, tolerance)
    if status == "borderline":
        explanation += (f" Borderline: the difference is {difference / tolerance:.0%} of the "
                        "tolerance.")
    return {"check": name, "kind": "software", "quantities": quantities,
            "difference": None if difference is None else float(difference),
            "tolerance": None if tolerance is None else float(tolerance),
            "agree": bool(agree), "status": status, "explanation": explanation}


def _finding(name, quantities, difference, explanation):
    return {"check": name, "kind": "finding", "quantities": quantities,
            "difference": None if difference is None else float(difference), "tolerance": None,
            "agree": None, "status": "finding", "explanation": explanation}


def all_checks(r) -> list[dict]:
    ran = lambda rungs: [x for x in rungs if r.results.get(x.key) is not None]  # noqa: E731
    marg = facts.marginals(r)
    out = [map_vs_find_map(r), ml_vs_flat_mode(r)]
    if r.exact is not None:
        out += [mean_vs_exact(r, r.results[x.key], x.short) for x in ran(samplers())]
    out.append(gibbs_vs_nuts(r))
    out.append(diagnostics(r))
    # findings
    out += [inside_hdi(r, r.results[x.key], x.short) for x in ran(by_kind("point"))]
    out += [wald_vs_hdi(r, marg), responsibilities_vs_assignment(r), map_vs_mean(r, marg)]
    for x in ran(by_kind("approximation")):
        out += approximation_vs_reference(r, x, marg)
    if r.known is not None and len(r.known["theta"]) == r.options.components:
        out.append(known_labels(r))
    return out


# ---------------------------------------------------------------- software checks

def map_vs_find_map(r):
    em_t, pm_t = np.asarray(r.map.theta), np.asarray(r.nuts.find_map["theta"])
    em_w, pm_w = np.asarray(r.map.weights), np.asarray(r.nuts.find_map["weights"])
    d = float(max(np.max(np.abs(em_t - pm_t)), np.max(np.abs(em_w - pm_w))))
    a, b = r.options.prior
    ok = d <= OPT_TOL
    why = (f"Both maximise the same posterior density Beta({a:g}, {b:g}) × likelihood in the "
           f"original parameters (no Jacobian): EM-MAP theta = {_fmt(em_t, 6)}, PyMC theta = "
           f"{_fmt(pm_t, 6)}; they differ by {d:.1e}.")
    if not ok:
        why += (" They disagree by more than the optimisers' precision: one of them stopped at a "
                "different local maximum (compare their log-posteriors "
                f"{r.map.log_posterior:.6f} and {r.nuts.find_map['log_posterior']:.6f}).")
    return _software("EM-MAP = PyMC posterior mode (same prior)",
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
    return _software("EM-ML = posterior mode under a flat prior",
                     {"em_ml_theta": em_t.tolist(), "flat_mode_theta": pm_t.tolist()}, d, OPT_TOL,
                     ok, why)


def mean_vs_exact(r, res, label):
    p = res.posterior["theta"]
    e = r.exact["theta"]
    mean, ref, mcse = (np.asarray(p["mean"]), np.asarray(e["mean"]), np.asarray(p["mcse_mean"]))
    z = np.abs(mean - ref) / mcse
    sd_ratio = np.asarray(p["sd"]) / np.asarray(e["sd"])
    means_ok = bool(np.all(z <= MC_SIGMAS))
    sds_ok = bool(np.all(np.abs(sd_ratio - 1) <= SD_TOL))
    ok = means_ok and sds_ok
    why = (f"{label} posterior means {_fmt(mean)} vs exact {_fmt(ref)} ({r.exact['method']}): "
           f"off by {_fmt(z, 1)} Monte Carlo standard errors (MCSE {_fmt(mcse)}); "
           f"sd ratio {_fmt(sd_ratio, 3)} (held to {1 - SD_TOL:.2f}-{1 + SD_TOL:.2f}).")
    if not res.warnings:
        if ok:
            why += " Within Monte Carlo error: the sampler explores the right posterior."
        elif means_ok:
            why += (" The means agree within Monte Carlo error, but the sds do not: the chains "
                    "have not explored the posterior's tails fully (its diagnostics cannot see "
                    "this) or are too short.")
        else:
            why += (" Outside Monte Carlo error: the chains have not explored the posterior "
                    "correctly (see the diagnostics) or are too short.")
    # the statistic held to the tolerance: the mean's distance in MCSE (the sd ratio is checked
    # against 10% as well, and reported)
    return _software(f"{label} posterior mean = exact posterior mean",
                     {"mean": mean.tolist(), "exact_mean": ref.tolist(), "mcse": mcse.tolist(),
                      "z": z.tolist(), "sd_ratio": sd_ratio.tolist()},
                     float(np.max(z)), MC_SIGMAS, ok, why + " (difference and tolerance in MCSE.)",
                     unmixed=(label,) if res.warnings else ())


def gibbs_vs_nuts(r):
    g, n = r.gibbs.posterior["theta"], r.nuts.posterior["theta"]
    d = np.abs(np.asarray(g["mean"]) - np.asarray(n["mean"]))
    se = np.hypot(g["mcse_mean"], n["mcse_mean"])
    z = d / se
    ok = bool(np.all(z <= MC_SIGMAS))
    why = (f"Two samplers of the same posterior, one drawing the hidden coins (Gibbs), one with "
           f"them summed out (NUTS): means {_fmt(g['mean'])} vs {_fmt(n['mean'])}, apart by "
           f"{_fmt(z, 1)} combined MCSE.")
    unmixed = tuple(name for name, res in (("Gibbs", r.gibbs), ("NUTS", r.nuts)) if res.warnings)
    if not unmixed:
        why += " They agree within Monte Carlo error." if ok else \
            " They disagree beyond Monte Carlo error: one of the two has not mixed."
    return _software("Gibbs = NUTS", {"gibbs_mean": g["mean"], "nuts_mean": n["mean"],
                                      "combined_mcse": se.tolist(), "z": z.tolist()},
                     float(np.max(z)), MC_SIGMAS, ok, why + " (difference and tolerance in MCSE.)",
                     unmixed=unmixed)


def diagnostics(r):
    d = r.nuts.diagnostics
    ok = not d["warnings"]
    ess = "n/a" if d["ess_bulk_min"] is None else f"{d['ess_bulk_min']:.0f}"
    why = (f"{d['chains']} chains × {d['draws']} draws: max R-hat "
           f"{'n/a' if d['r_hat_max'] is None else format(d['r_hat_max'], '.4f')} (needs <= 1.01), "
           f"min bulk ESS {ess} (needs >= 400), {d['divergences']} divergences (needs 0). ")
    why += ("Nothing in these diagnostics casts doubt on the draws." if ok else
            "; ".join(w.rstrip(".") for w in d["warnings"]) + ".")
    return _software("NUTS sampler diagnostics",
                     {"r_hat_max": d["r_hat_max"], "ess_bulk_min": d["ess_bulk_min"],
                      "divergences": d["divergences"]}, None, None, ok, why)


# ---------------------------------------------------------------- findings

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
        coins = ", ".join(f"coin {i}" for i in np.flatnonzero(~inside))
        why += (f"Outside for {coins}: the posterior puts less than {1 - prob:.0%} of its mass "
                "beyond this value"
                + (" — the prior pulls the posterior away from ML" if label == "EM-ML" else "")
                + ".")
    return _finding(f"{label} inside the posterior HDI",
                    {"theta": t.tolist(), "hdi_low": lo.tolist(), "hdi_high": hi.tolist(),
                     "inside": inside.tolist()}, float(np.max(outside)), why)


def wald_vs_hdi(r, marg):
    p = r.nuts.posterior["theta"]
    prob = p["hdi_prob"]
    z = z_value(prob)
    se = r.ml.std_error["theta"]
    if any(s is None for s in se):
        return _finding("EM Wald interval vs posterior HDI", {"std_error": se}, None,
                        "EM-ML has no standard error here (a theta on the boundary or a singular "
                        "information matrix), so there is no Wald interval: the curvature at the "
                        "maximum says nothing about the uncertainty. Use the posterior.")
    se = np.asarray(se)
    wald = 2 * z * se
    hdi = np.asarray(p["hdi_high"]) - np.asarray(p["hdi_low"])
    ratio = wald / hdi
    lo, hi = np.asarray(r.ml.theta) - z * se, np.asarray(r.ml.theta) + z * se
    why = (f"Wald {prob:.0%} interval (ML +/- {z:.2f} SE) widths {_fmt(wald, 3)} vs HDI widths "
           f"{_fmt(hdi, 3)}: ratio {_fmt(ratio, 2)}. Two things differ: ML has no prior while the "
           "posterior has one, and the Wald interval assumes a Gaussian shape. ")
    lap = facts.laplace(r, seed=r.options.seed)
    if lap is not None:
        src = lap["reference"]
        why += (f"Separating them with the same prior: the Laplace Gaussian (at the MAP, with the "
                f"curvature there) has sds {_fmt(lap['sd_ratio'], 2)} times the {src} ones. ")
        if r.options.components > 1:
            why += (f"It puts {lap['swapped']:.1%} of its mass where the coins' order is reversed "
                    f"and {lap['outside']:.1%} outside [0, 1], regions the posterior does not "
                    f"have; cut to the ordered unit {'square' if r.options.components == 2 else 'cube'}, "
                    f"its sds are {_fmt(lap['sd_ratio_cut'], 2)} times the {src} ones. ")
        else:
            why += f"It puts {lap['outside']:.1%} of its mass outside [0, 1]. "
        from . import words

        why += words.render(facts.laplace_verdict(lap)) + " "
        c = lap["correlation"]
        if c is not None:
            why += (f"Its correlation between the coins is {_signed(c['laplace'], 2)} "
                    f"({_signed(c['laplace_cut'], 2)} after the cut) where the {src} posterior's is "
                    f"{c['posterior']:+.2f}. ")
    if np.any(lo < 0) or np.any(hi > 1):
        why += f"The Wald interval even leaves [0, 1] ({_fmt(lo, 3)} to {_fmt(hi, 3)}). "
    if r.choice and r.choice["verdict"]["fewer_than_asked"]:
        why += ("With more data they meet only if the coins really differ (Bernstein-von Mises "
                "needs a model whose parameters the data can tell apart): where one coin fits, "
                "as here, the posterior runs into the diagonal theta_0 = theta_1 and stays "
                "non-Gaussian. ")
    else:
        why += ("They meet as the data grow (Bernstein-von Mises"
                + ("; see the size study). " if "size" in r.studies_run else "). "))
    why += "(difference: the largest |log ratio| of the widths.)"
    return _finding("EM Wald interval vs posterior HDI (width ratio)",
                    {"wald_width": wald.tolist(), "hdi_width": hdi.tolist(),
                     "ratio": ratio.tolist(), "laplace": lap},
                    float(np.max(np.abs(np.log(ratio)))), why)


def responsibilities_vs_assignment(r):
    f = facts.assignment(r)
    why = (f"Same prior on both sides: EM-MAP's responsibilities use one point (the posterior "
           f"mode); the posterior probabilities average the same formula over all plausible "
           f"thetas. Largest gap, over every set and coin: set {f['set'] + 1}, P(coin "
           f"{f['coin']}) {f['em']:.3f} (EM-MAP) vs {f['posterior']:.3f} (posterior). For "
           f"{f['less_sure']} of {f['sets']} sets the posterior is less sure than EM-MAP (a "
           "lower probability for the most likely coin): averaging over uncertain thetas usually "
           "blurs the assignment, but not always, since the average can also move towards "
           "another coin.")
    return _finding("EM-MAP responsibilities vs posterior assignment probabilities",
                    {"em": np.asarray(r.map.responsibilities).tolist(),
                     "posterior": np.asarray(r.nuts.assignment_probability).tolist(),
                     "max_per_set": f["max_per_set"], "largest": {
                         k: f[k] for k in ("set", "coin", "em", "posterior", "gap")},
                     "less_sure": f["less_sure"]}, f["gap"], why)


def map_vs_mean(r, marg):
    rows = facts.map_vs_mean(r, marg)
    sampled = marg[0]["source"] != "exact"      # peaks of a smoothed density of draws: 2 decimals
    parts = []
    for i, m in enumerate(rows):
        d = 2 if sampled else 4
        split = (f" = {_signed(m['shape'], d)} (mean vs marginal peak) {_signed(m['joint'], d)} "
                 "(marginal peak vs joint peak)" if len(rows) > 1 else
                 " (one coin: its marginal is the whole posterior, whose peak is the MAP)")
        parts.append(f"coin {i}: MAP {m['map']:.4f}, peak of its own marginal "
                     f"{m['peak']:.{marg[i]['peak_digits']}f}, mean {m['mean']:.4f}; mean - MAP = "
                     f"{_signed(m['gap'])} ({_signed(m['gap_sd'], 2)} sd){split}")
    big = [f"coin {i}'s {term}" for i, m in enumerate(rows)
           for term, small in (("whole gap", m["gap_small"]),
                               ("mean-vs-peak term", m["shape_small"]),
                               ("peak-vs-MAP term", m["joint_small"]))
           if not small and (term != "peak-vs-MAP term" or len(rows) > 1)]
    if len(rows) > 1:
        why = ("; ".join(parts) + ". Two things separate them. MAP is the highest point of the "
               "joint posterior of all thetas, which need not sit at each marginal's own peak: the "
               "ordering cuts the joint and the coins are correlated. And a lopsided marginal puts "
               "its mean away from its peak. ")
    else:
        why = ("; ".join(parts).replace("coin 0: ", "") + ". With one coin the MAP is the peak of "
               "theta's own posterior, so only its shape separates MAP and mean: a lopsided "
               "curve puts its mean away from its peak. ")
    why += (("Larger than a quarter of a posterior sd: " + ", ".join(big) + ".") if big else
            "Here each term is within a quarter of a posterior sd.")
    why += (f" (Marginal peaks and means from the {marg[0]['source']} posterior"
            + ("; a peak of a smoothed density of draws is resolved only to about half an sd, "
               "so the split is rough and a term is called large only beyond that)."
               if sampled else ".)"))
    return _finding("MAP vs posterior mean",
                    {"map": [m["map"] for m in rows], "marginal_peak": [m["peak"] for m in rows],
                     "mean": [m["mean"] for m in rows], "sd": [m["sd"] for m in rows],
                     "gap_sd": [m["gap_sd"] for m in rows], "shape_sd": [m["shape_sd"] for m in rows],
                     "joint_sd": [m["joint_sd"] for m in rows],
                     "skewness": [mm["skewness"] for mm in marg], "source": marg[0]["source"]},
                    float(np.max(np.abs([m["gap_sd"] for m in rows]))), why)


def _placement(m, ref_m, ref_sd, r) -> str:
    """Where an approximation's means sit: "located" (within a quarter sd of the posterior
    means), "misplaced" (nearer the MAP than the means, coin by coin), else "astray"."""
    if np.all(np.abs(m - ref_m) <= facts.SMALL_SD * ref_sd):
        return "located"
    if np.all(np.abs(m - np.asarray(r.map.theta)) < np.abs(m - ref_m)):
        return "misplaced"
    return "astray"


def approximation_vs_reference(r, rung, marg):
    """An approximate posterior (e.g. VB) against the exact one (or NUTS without it)."""
    est = rung.estimates(r.results[rung.key], r.options)["theta"]
    m, sd = np.array([x.centre for x in est]), np.array([x.sd for x in est])
    ref_m, ref_sd = np.array([x["mean"] for x in marg]), np.array([x["sd"] for x in marg])
    src = marg[0]["source"]
    dmean = np.abs(m - ref_m)
    short = 1 - sd / ref_sd
    name = rung.short
    c1 = _finding(f"{name} mean vs {src} posterior mean",
                  {f"{rung.key}_mean": m.tolist(), f"{src.lower()}_mean": ref_m.tolist()},
                  float(np.max(dmean / ref_sd)),
                  f"{name} means {_fmt(m)} vs {src} {_fmt(ref_m)}: off by {_sds(dmean / ref_sd)} "
                  "posterior sd. " + rung.text.get(_placement(m, ref_m, ref_sd, r), ""))
    if np.all(np.abs(short) < 0.01):
        width = (f"{name} sd {_fmt(sd)} vs {src} {_fmt(ref_sd)}: the same to within 1%."
                 + (" With one coin there is no hidden coin to factorise out, so mean-field VB is "
                    "exact." if r.options.components == 1 else ""))
    else:
        width = (f"{name} sd {_fmt(sd)} vs {src} {_fmt(ref_sd)}: {name} is "
                 + ", ".join(f"{100 * abs(s):.0f}% {'narrower' if s > 0 else 'wider'}"
                             for s in short) + ". "
                 + (rung.text.get("width", "") if np.all(short > 0.01) else ""))
    c2 = _finding(f"{name} sd vs {src} posterior sd",
                  {f"{rung.key}_sd": sd.tolist(), f"{src.lower()}_sd": ref_sd.tolist(),
                   "shortfall": short.tolist()}, float(np.max(np.abs(short))), width)
    return [c1, c2]


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
    why = (f"With the coins known ({', '.join(escape(c) for c in k['coins'])}), ML is a ratio "
           f"of counts: "
           f"{_fmt(truth, 3)}. Labels hidden: EM-ML {_fmt(ml)}, posterior mean {_fmt(mean)} "
           f"(sd {_fmt(sd, 3)}). EM's most likely coin matches the known coin for "
           f"{hits:.0%} of the sets. The known-label estimates are "
           + ("inside" if inside.all() else "not all inside") + " the HDI"
           + ("." if inside.all() else ": the hidden-label model has drawn the coins differently."))
    return _finding("known labels vs EM and the posterior",
                    {"known_label_ml": truth.tolist(), "em_ml": ml.tolist(),
                     "posterior_mean": mean.tolist(), "hdi_contains_known": inside.tolist(),
                     "em_assignment_accuracy": hits}, d, why)
