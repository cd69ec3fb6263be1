"""What the methods say about each other: software checks and statistical findings.

Every entry is a :class:`Check` record: a ``code`` (which check), its ``kind``, the quantities it
compares, the difference and tolerance, the verdict, and its title and explanation as facts
(compare.records) that the words layer renders in any language. ``to_dict()`` is the form
summary.json keeps, {check, kind, quantities, difference, tolerance, agree, status,
explanation}, with the English title and explanation.

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

Every number in an explanation is computed here or in compare.facts; every choice of wording
(which variant, which clause) is made here; the words are in the catalogue (``check.*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

import bayes

from . import facts
from .sections.methods import method
from .records import Fact, fact, note
from .rungs import by_kind, samplers, z_value

OPT_TOL = 1e-4          # two optimisers of the same function
MC_SIGMAS = facts.MC_SIGMAS
#: a sampler's sd against the exact one: within 10% (with an ESS of 400, the floor the diagnostics
#: ask for, an sd's Monte Carlo error is about 3.5%, so 10% is about three of them)
SD_TOL = 0.10
#: what the sampler diagnostics ask for (bayes.summary decides the warnings by them)
RHAT_MAX = bayes.RHAT_THRESHOLD
ESS_MIN = bayes.ESS_BULK_THRESHOLD


@dataclass(frozen=True)
class Check:
    """One check or finding, as a record."""

    code: str
    kind: str                       # "software" or "finding"
    title: Fact
    quantities: dict
    difference: float | None
    tolerance: float | None
    agree: bool | None
    status: str                     # pass, borderline, fail, not assessable, finding
    explanation: tuple              # facts, said one after the other

    def to_dict(self, lang: str = "en") -> dict:
        """summary.json's form (English there, whatever the report's language)."""
        if lang == "en":
            return self._en
        return self._dict(lang)

    @cached_property
    def _en(self) -> dict:
        return self._dict("en")

    def _dict(self, lang: str) -> dict:
        from .words import render

        return {"check": render(self.title, lang), "kind": self.kind,
                "quantities": self.quantities, "difference": self.difference,
                "tolerance": self.tolerance, "agree": self.agree, "status": self.status,
                "explanation": "".join(f if isinstance(f, str) else render(f, lang)
                                       for f in self.explanation if f is not None)}

    def __getitem__(self, key):
        """Dict-style reading of the English form (``c["check"]``, ``c["explanation"]``)."""
        return self._en[key]


def _num(x):
    return None if x is None else float(x)


def _software(code, title, quantities, difference, tolerance, agree, explanation, unmixed=()):
    """A software check; ``unmixed``: the samplers it rests on whose diagnostics fail."""
    explanation = tuple(explanation)
    if unmixed:
        return Check(code, "software", title, quantities, _num(difference), _num(tolerance),
                     None, "not assessable",
                     explanation + (fact("check.not_assessable", samplers=list(unmixed)),))
    status = "fail" if not agree else facts.check_status(difference, tolerance)
    if status == "borderline":
        explanation += (fact("check.borderline", share=difference / tolerance),)
    return Check(code, "software", title, quantities, _num(difference), _num(tolerance),
                 bool(agree), status, explanation)


def _finding(code, title, quantities, difference, explanation):
    return Check(code, "finding", title, quantities, _num(difference), None, None, "finding",
                 tuple(explanation))


def find(agreement, code: str) -> list[Check]:
    """The checks of ``agreement`` with this code (a check per sampler shares one code)."""
    return [c for c in agreement if c.code == code]


def all_checks(r) -> list[Check]:
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
    em_t, pm_t = np.asarray(r.map.theta), np.asarray(r.sampler.find_map["theta"])
    em_w, pm_w = np.asarray(r.map.weights), np.asarray(r.sampler.find_map["weights"])
    d = float(max(np.max(np.abs(em_t - pm_t)), np.max(np.abs(em_w - pm_w))))
    a, b = r.options.prior
    ok = d <= OPT_TOL
    why = [fact("check.map_vs_find_map.why", a=a, b=b, em=em_t, pymc=pm_t, difference=d)]
    if not ok:
        why.append(fact("check.map_vs_find_map.apart", em=r.map.log_posterior,
                        pymc=r.sampler.find_map["log_posterior"]))
    return _software("map_vs_find_map", fact("check.map_vs_find_map.title"),
                     {"em_map_theta": em_t.tolist(), "find_map_theta": pm_t.tolist(),
                      "em_map_weights": em_w.tolist(), "find_map_weights": pm_w.tolist()},
                     d, OPT_TOL, ok, why)


def ml_vs_flat_mode(r):
    em_t, pm_t = np.asarray(r.ml.theta), np.asarray(r.flat_mode["theta"])
    d = float(np.max(np.abs(em_t - pm_t)))
    ok = d <= OPT_TOL
    why = [fact("check.ml_vs_flat_mode.why", em=em_t, pymc=pm_t, difference=d)]
    if not ok:
        why.append(fact("check.ml_vs_flat_mode.apart", log_likelihood=r.ml.log_likelihood))
    return _software("ml_vs_flat_mode", fact("check.ml_vs_flat_mode.title"),
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
    why = [fact("check.mean_vs_exact.why", sampler=label, mean=mean, exact=ref,
                method=method(r.exact["method"]), z=z, mcse=mcse, sd_ratio=sd_ratio,
                low=1 - SD_TOL, high=1 + SD_TOL)]
    if not res.warnings:
        gap = facts.mc_gap(z)
        why.append(fact("check.mean_vs_exact.verdict",
                        ("within" if gap == "chance" else "tolerated") if ok else
                        "sds_off" if means_ok else "outside",
                        z_max=float(np.max(z)), chance=facts.CHANCE_SIGMAS, tol=MC_SIGMAS))
    # the statistic held to the tolerance: the mean's distance in MCSE (the sd ratio is checked
    # against 10% as well, and reported)
    why.append(fact("check.in_mcse"))
    return _software(f"{res_code(label)}_vs_exact",
                     fact("check.mean_vs_exact.title", sampler=label),
                     {"mean": mean.tolist(), "exact_mean": ref.tolist(), "mcse": mcse.tolist(),
                      "z": z.tolist(), "sd_ratio": sd_ratio.tolist()},
                     float(np.max(z)), MC_SIGMAS, ok, why,
                     unmixed=(label,) if res.warnings else ())


def res_code(label: str) -> str:
    """A sampler's short name as a code ("NUTS" -> "nuts")."""
    return label.lower().replace("-", "_").replace(" ", "_")


def gibbs_vs_nuts(r):
    f = facts.gibbs_vs_nuts(r)
    z, se, ok = f["z"], f["combined_mcse"], f["within"]
    why = [fact("check.gibbs_vs_nuts.why", gibbs=f["gibbs_mean"], nuts=f["nuts_mean"], z=z)]
    unmixed = tuple(f["unmixed"])
    if not unmixed:
        why.append(fact("check.gibbs_vs_nuts.verdict",
                        ("agree" if f["gap"] == "chance" else "tolerated") if ok else "disagree",
                        z_max=float(np.max(z)), chance=facts.CHANCE_SIGMAS, tol=MC_SIGMAS))
    why.append(fact("check.in_mcse"))
    return _software("gibbs_vs_nuts", fact("check.gibbs_vs_nuts.title"),
                     {"gibbs_mean": f["gibbs_mean"], "nuts_mean": f["nuts_mean"],
                      "combined_mcse": se.tolist(), "z": z.tolist()},
                     float(np.max(z)), MC_SIGMAS, ok, why, unmixed=unmixed)


def diagnostics(r):
    d = r.sampler.diagnostics
    ok = not d["warnings"]
    why = [fact("check.diagnostics.why", chains=d["chains"], draws=d["draws"],
                r_hat=d["r_hat_max"], ess=d["ess_bulk_min"], divergences=d["divergences"],
                r_hat_max=RHAT_MAX, ess_min=ESS_MIN)]
    why.append(fact("check.diagnostics.verdict", "ok") if ok else
               fact("check.diagnostics.verdict", "warn",
                    warnings=[note(w) for w in d["warnings"]]))
    return _software("diagnostics", fact("check.diagnostics.title"),
                     {"r_hat_max": d["r_hat_max"], "ess_bulk_min": d["ess_bulk_min"],
                      "divergences": d["divergences"]}, None, None, ok, why)


# ---------------------------------------------------------------- findings

def inside_hdi(r, fit, label):
    p = r.sampler.posterior["theta"]
    lo, hi, t = np.asarray(p["hdi_low"]), np.asarray(p["hdi_high"]), np.asarray(fit.theta)
    inside = (t >= lo) & (t <= hi)
    outside = np.maximum(lo - t, t - hi).clip(min=0)
    prob = p["hdi_prob"]
    intervals = [fact("check.interval4", low=a, high=b) for a, b in zip(lo, hi)]
    why = [fact("check.inside_hdi.why", estimate=label, theta=t, prob=prob, intervals=intervals)]
    if inside.all():
        why.append(fact("check.inside_hdi.inside", widths=hi - lo, sets=r.data.n_sets))
    else:
        why.append(fact("check.inside_hdi.outside", "ml" if label == "EM-ML" else "other",
                        coins=[fact("check.coin", i=int(i)) for i in np.flatnonzero(~inside)], tail=1 - prob))
    return _finding(f"{res_code(label)}_inside_hdi",
                    fact("check.inside_hdi.title", estimate=label),
                    {"theta": t.tolist(), "hdi_low": lo.tolist(), "hdi_high": hi.tolist(),
                     "inside": inside.tolist()}, float(np.max(outside)), why)


def wald_vs_hdi(r, marg):
    p = r.sampler.posterior["theta"]
    prob = p["hdi_prob"]
    z = z_value(prob)
    se = r.ml.std_error["theta"]
    if any(s is None for s in se):
        return _finding("wald_vs_hdi", fact("check.wald_vs_hdi.title_none"), {"std_error": se},
                        None, [fact("check.wald_vs_hdi.none")])
    se = np.asarray(se)
    wald = 2 * z * se
    hdi = np.asarray(p["hdi_high"]) - np.asarray(p["hdi_low"])
    ratio = wald / hdi
    lo, hi = np.asarray(r.ml.theta) - z * se, np.asarray(r.ml.theta) + z * se
    why = [fact("check.wald_vs_hdi.why", prob=prob, z=z, wald=wald, hdi=hdi, ratio=ratio)]
    lap = facts.laplace(r, seed=r.options.seed)
    if lap is not None:
        src = lap["reference"]
        why.append(fact("check.wald_vs_hdi.laplace", sd_ratio=lap["sd_ratio"], source=src))
        if r.options.components > 1:
            why.append(fact("check.wald_vs_hdi.cut", "square" if r.options.components == 2
                            else "cube", swapped=lap["swapped"], outside=lap["outside"],
                            sd_ratio_cut=lap["sd_ratio_cut"], source=src))
        else:
            why.append(fact("check.wald_vs_hdi.outside", outside=lap["outside"]))
        why += [facts.laplace_verdict(lap), fact("check.space")]
        c = lap["correlation"]
        if c is not None:
            why.append(fact("check.wald_vs_hdi.correlation", laplace=c["laplace"],
                            cut=c["laplace_cut"], posterior=c["posterior"], source=src))
    if np.any(lo < 0) or np.any(hi > 1):
        why.append(fact("check.wald_vs_hdi.leaves", low=lo, high=hi))
    if r.choice and r.choice["verdict"]["fewer_than_asked"]:
        why.append(fact("check.wald_vs_hdi.meet", "not_if_one"))
    else:
        why.append(fact("check.wald_vs_hdi.meet", "size_study" if "size" in r.studies_run
                        else "grow"))
    why.append(fact("check.wald_vs_hdi.difference"))
    return _finding("wald_vs_hdi", fact("check.wald_vs_hdi.title"),
                    {"wald_width": wald.tolist(), "hdi_width": hdi.tolist(),
                     "ratio": ratio.tolist(), "laplace": lap},
                    float(np.max(np.abs(np.log(ratio)))), why)


def responsibilities_vs_assignment(r):
    f = facts.assignment(r)
    why = [fact("check.responsibilities.why", set=f["set"] + 1, coin=f["coin"], em=f["em"],
                posterior=f["posterior"], less_sure=f["less_sure"], sets=f["sets"])]
    return _finding("responsibilities_vs_assignment", fact("check.responsibilities.title"),
                    {"em": np.asarray(r.map.responsibilities).tolist(),
                     "posterior": np.asarray(r.sampler.assignment_probability).tolist(),
                     "max_per_set": f["max_per_set"], "largest": {
                         k: f[k] for k in ("set", "coin", "em", "posterior", "gap")},
                     "less_sure": f["less_sure"]}, f["gap"], why)


def map_vs_mean(r, marg):
    rows = facts.map_vs_mean(r, marg)
    sampled = marg[0]["source"] != "exact"      # peaks of a smoothed density of draws: 2 decimals
    many = len(rows) > 1
    d = 2 if sampled else 4
    parts = []
    for i, m in enumerate(rows):
        split = (fact("check.map_vs_mean.split", "terms", d=d, shape=m["shape"],
                      joint=m["joint"]) if many else fact("check.map_vs_mean.split", "one"))
        parts.append(fact("check.map_vs_mean.coin", "many" if many else "one", coin=i,
                          map=m["map"], peak=m["peak"], digits=marg[i]["peak_digits"],
                          mean=m["mean"], gap=m["gap"], gap_sd=m["gap_sd"], split=split))
    big = [fact("check.map_vs_mean.big", term, coin=i) for i, m in enumerate(rows)
           for term, small in (("whole", m["gap_small"]), ("shape", m["shape_small"]),
                               ("joint", m["joint_small"]))
           if not small and (term != "joint" or many)]
    why = [fact("check.map_vs_mean.why", "many" if many else "one", parts=parts)]
    why.append(fact("check.map_vs_mean.large", terms=big) if big else
               fact("check.map_vs_mean.small"))
    why.append(fact("check.map_vs_mean.source", "sampled" if sampled else "exact",
                    source=marg[0]["source"]))
    return _finding("map_vs_mean", fact("check.map_vs_mean.title"),
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


def _rung_says(rung, purpose: str):
    """The rung's own sentence for ``purpose`` (a catalogue key ``rung.KEY.PURPOSE``), or None."""
    from .words import catalogue

    key = f"rung.{rung.key}.{purpose}"
    return fact(key) if key in catalogue("en") else None


def approximation_vs_reference(r, rung, marg):
    """An approximate posterior (e.g. VB) against the exact one (or NUTS without it)."""
    est = rung.estimates(r.results[rung.key], r.options)["theta"]
    m, sd = np.array([x.centre for x in est]), np.array([x.sd for x in est])
    ref_m, ref_sd = np.array([x["mean"] for x in marg]), np.array([x["sd"] for x in marg])
    src = marg[0]["source"]
    dmean = np.abs(m - ref_m)
    short = 1 - sd / ref_sd
    name = rung.short
    c1 = _finding(f"{rung.key}_mean", fact("check.approximation.mean_title", rung=name,
                                           source=src),
                  {f"{rung.key}_mean": m.tolist(), f"{src.lower()}_mean": ref_m.tolist()},
                  float(np.max(dmean / ref_sd)),
                  [fact("check.approximation.mean", rung=name, mean=m, source=src, ref=ref_m,
                        off=dmean / ref_sd), _rung_says(rung, _placement(m, ref_m, ref_sd, r))])
    if np.all(np.abs(short) < 0.01):
        width = [fact("check.approximation.same_sd", "one" if r.options.components == 1
                      else "many", rung=name, sd=sd, source=src, ref=ref_sd)]
    else:
        width = [fact("check.approximation.sd", rung=name, sd=sd, source=src, ref=ref_sd,
                      by=[fact("check.approximation.by", "narrower" if s > 0 else "wider",
                               percent=100 * abs(s)) for s in short]),
                 _rung_says(rung, "width") if np.all(short > 0.01) else None]
    empty = facts.emptied_factors(r.results[rung.key])
    if empty:
        from .sections.ladder import emptied

        width = [w for w in width if w is not None and w.key != f"rung.{rung.key}.width"]
        width.append(emptied(empty, name, r.options.learned))
    c2 = _finding(f"{rung.key}_sd", fact("check.approximation.sd_title", rung=name, source=src),
                  {f"{rung.key}_sd": sd.tolist(), f"{src.lower()}_sd": ref_sd.tolist(),
                   "shortfall": short.tolist()}, float(np.max(np.abs(short))), width)
    return [c1, c2]


def known_labels(r):
    k = r.known
    truth = np.asarray(k["theta"])
    ml, mean = np.asarray(r.ml.theta), np.asarray(r.sampler.posterior["theta"]["mean"])
    sd = np.asarray(r.sampler.posterior["theta"]["sd"])
    p = r.sampler.posterior["theta"]
    inside = (truth >= np.asarray(p["hdi_low"])) & (truth <= np.asarray(p["hdi_high"]))
    comp = np.asarray(k["component_of_set"])
    hits = float(np.mean(np.argmax(r.ml.responsibilities, axis=1) == comp))
    d = float(max(np.max(np.abs(ml - truth)), np.max(np.abs(mean - truth))))
    why = [fact("check.known_labels.why", "inside" if inside.all() else "outside",
                coins=[fact("check.user", text=c) for c in k["coins"]], truth=truth, ml=ml,
                mean=mean, sd=sd, hits=hits)]
    return _finding("known_labels", fact("check.known_labels.title"),
                    {"known_label_ml": truth.tolist(), "em_ml": ml.tolist(),
                     "posterior_mean": mean.tolist(), "hdi_contains_known": inside.tolist(),
                     "em_assignment_accuracy": hits}, d, why)
