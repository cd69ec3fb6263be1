"""From EM to the full posterior: the methods table, the ladder table, one sentence per rung, the
formulas that link EM to Bayes, the ladder and bound figures, and the first step three ways.

The ladder's rows (compare.ladder.rows, also summary.json's ``ladder``) name their method by its
display label; here each row is found by its rung's key (``RUNGS``' label -> key), and the
method's words (label, how it treats z and theta, its interval's kind) come from the catalogue
by that key. Every choice of variant is a pure function of numbers, in the small functions below.
"""

from __future__ import annotations

import math

import numpy as np

from .. import facts
from ..figure_list import caption
from ..records import Figure, Table, fact
from ..rungs import RUNGS, rung

def key_of_label() -> dict:
    """Display label (as compare.ladder.rows and summary.json write it) -> rung key, for the
    rungs registered now (a test may add one)."""
    return {x.label: x.key for x in RUNGS}


def rung_words(key: str, part: str, own: str):
    """A rung's words (``label``, ``hidden``, ``thetas``, ``interval``) from the catalogue, or
    the rung's own English where the catalogue has none (a rung just added to the registry)."""
    from ..words import catalogue

    name = f"ladder.rung.{key}.{part}"
    return fact(name) if name in catalogue("en") else own


def by_rung(rows) -> dict:
    """The ladder's rows by (rung key, parameter), e.g. ("nuts", "theta[1]")."""
    keys = key_of_label()
    return {(keys[x["method"]], x["parameter"]): x for x in rows}


def build(r, rows, three, figs) -> list:
    o = r.options
    k = o.components
    a, b = o.prior
    out = [fact("ladder.heading"), fact("ladder.intro", a=a, b=b),
           Table([fact(f"ladder.methods_header.{h}") for h in ("method", "hidden", "thetas")],
                 [[rung_words(x.key, part, own) for part, own in
                   (("label", x.label), ("hidden", x.hidden_coins), ("thetas", x.thetas))]
                  for x in RUNGS if r.results.get(x.key) is not None])]
    header = [fact(f"ladder.header.{h}") for h in ("method", "parameter", "centre", "sd")]
    header += [fact("ladder.header.interval", prob=o.hdi_prob), fact("ladder.header.kind"),
               fact("ladder.header.sd_ratio", "exact" if r.exact is not None else "no_exact")]
    keys = key_of_label()
    cells = [[rung_words(keys[x["method"]], "label", x["method"]), symbol(x["parameter"]),
              x["mean"], x["sd"], (x["low"], x["high"]),
              rung_words(keys[x["method"]], "interval", x["interval"]), x["sd_ratio"]]
             for x in rows]
    out.append(Table(header, cells, ["", "", "f4", "f4", "interval3", "", "f2"]))
    leaves = outside_unit(rows, keys)
    if leaves is not None:
        out.append(leaves)

    got = by_rung(rows)

    def means(key):
        return [got[(key, f"theta[{i}]")]["mean"] for i in range(k)]

    sp = facts.speed(r)["ml"]
    out.append(fact("ladder.em", ml=means("ml"), map=means("map"),
                    plain=took("iterations", sp["plain_iterations"], sp["plain_converged"]),
                    squarem=took("cycles", sp["squarem_cycles"], sp["squarem_converged"]),
                    e_steps=sp["squarem_e_steps"],
                    saving=saving(sp["plain_iterations"], sp["squarem_e_steps"])))
    vbw = facts.vb_width(r)
    out.append(fact("ladder.vb", means=means("vb"),
                    width=vb_width(vbw["narrower"], fact("ladder.source", vbw["source"]), k,
                                   emptied(vbw["emptied"], rung("vb").short, r.options.learned))))
    gn = facts.gibbs_vs_nuts(r)
    out.append(fact("ladder.gibbs", gibbs=means("gibbs"), nuts=means("nuts"),
                    z=np.asarray(gn["z"]).tolist(),
                    verdict=fact("ladder.gibbs_verdict",
                                 gibbs_verdict(gn["unmixed"], gn["within"], gn["gap"]),
                                 chance=facts.CHANCE_SIGMAS, tol=facts.MC_SIGMAS),
                    sweeps=gibbs_sweeps(r)))
    if r.exact is not None:
        out.append(fact("ladder.nuts_exact", "grid" if r.grid is not None else "closed_form",
                         ratios=[got[("nuts", f"theta[{i}]")]["sd_ratio"] for i in range(k)]))
    out.append("")                  # the list ends its paragraph
    out += formulas(r)
    if "ladder" in figs:
        out.append(Figure("ladder", figs["ladder"],
                          fact(caption("ladder"), "exact" if r.exact is not None
                               else "no_exact")))
    if "bound" in figs:
        out.append(Figure("bound", figs["bound"], fact(caption("bound"))))
    if three is not None:
        out += three_ways(three, int(r.data.tosses.sum()))
    return out


def outside_unit(rows, keys):
    """The intervals in the ladder's table that leave [0, 1], where every theta and weight lives
    (a Wald or Laplace interval where the curvature at the peak says little), or None."""
    bad = [x for x in rows if x["low"] is not None and x["high"] is not None
           and (x["low"] < 0 or x["high"] > 1)]
    if not bad:
        return None
    return fact("ladder.outside_unit",
                intervals=[fact("ladder.outside_one",
                                method=rung_words(keys[x["method"]], "label", x["method"]),
                                symbol=symbol(x["parameter"]), low=x["low"], high=x["high"])
                           for x in bad])


def symbol(parameter: str):
    """summary.json's "theta[0]" / "weights[1]" in the report's notation, theta_0 / w_1."""
    name, index = parameter.rstrip("]").split("[")
    return fact("ladder.symbol", "theta" if name == "theta" else "weights", index=int(index))


def took(unit: str, count: int, converged: bool):
    """"took 79 iterations to converge", or "had not converged after 1000 iterations"
    (``unit``: "iterations" or "cycles")."""
    return fact(f"ladder.took_{unit}", "converged" if converged else "unconverged", count=count)


def saving(plain_iterations: int, squarem_e_steps: int):
    """SQUAREM's saving in E-steps, said only where it needs at most half of plain EM's."""
    if squarem_e_steps * 2 <= plain_iterations:
        return fact("ladder.saving", "fewer", ratio=plain_iterations / squarem_e_steps)
    return fact("ladder.saving", "none")


def emptied(coins: list, name: str, learned: bool):
    """The coins an approximation has emptied (compare.facts.emptied_factors) and why, or None:
    its sd there is the prior's, so the width comparison says nothing on them."""
    if not coins:
        return None
    return fact("check.approximation.emptied", "learned" if learned else "fixed", rung=name,
                coins=[fact("check.approximation.emptied_coin", coin=c["coin"],
                            credited=c["credited"], a=c["a"], b=c["b"], sd=c["sd"])
                       for c in coins])


def vb_width(narrower, source, k: int, empty=None):
    """VB's sds against the reference's: the same to within 1% (exact for one coin), all
    narrower (mean-field's missing dependence), some narrower and some wider, or (``empty``: the
    fact that VB emptied a coin) compared with a coin whose factor is the prior."""
    narrower = np.asarray(narrower, float)
    if np.all(np.abs(narrower) < 0.01) and empty is None:
        return fact("ladder.vb_width", "same_one_coin" if k == 1 else "same", source=source)
    diffs = [fact("ladder.vb_diff", "smaller" if s > 0 else "larger", percent=100 * abs(s))
             for s in narrower]
    if empty is not None:
        return fact("ladder.vb_width", "emptied", diffs=diffs, source=source, emptied=empty)
    return fact("ladder.vb_width", "narrower" if np.all(narrower > 0.01) else "mixed",
                diffs=diffs, source=source)


def gibbs_sweeps(r):
    """How many sweeps Gibbs needed to mix against NUTS's draws (compare.rungs._run_gibbs), or
    None where it mixed in the sweeps asked or did not mix at all (the top says so)."""
    g = r.gibbs
    s = g.settings
    if s.get("thin", 1) == 1 or not s.get("mixed"):
        return None
    d, nd = g.diagnostics, r.sampler.diagnostics
    return fact("ladder.gibbs_sweeps", sweeps=s["sweeps"], thin=s["thin"],
                asked=s["sweeps"] // s["thin"], ess=d["ess_bulk_min"],
                nuts_ess=nd["ess_bulk_min"], nuts_draws=nd["draws"])


def gibbs_verdict(unmixed, within: bool, gap: str = "chance") -> str:
    """What Gibbs vs NUTS says, as the check (compare.checks.gibbs_vs_nuts) judges it: not
    assessable where a sampler has not mixed, whatever z is; else apart, the same within what
    chance gives, or the same within the check's tolerance but beyond chance (``gap``:
    compare.facts.mc_gap)."""
    if unmixed:
        return ("unmixed_both" if len(unmixed) > 1 else
                "unmixed_gibbs" if unmixed[0] == "Gibbs" else "unmixed_nuts")
    if not within:
        return "apart"
    return "same" if gap == "chance" else "tolerated"


def formulas(r) -> list:
    """The formulas that link EM to Bayes, with this data's numbers."""
    f = facts.formulas(r)
    o = r.options
    a, b = o.prior
    k = o.components
    hi = k - 1
    H, T = f["map_credited_heads"][hi], f["map_credited_tails"][hi]
    out = [fact("ladder.formulas_heading"), fact("ladder.formulas_intro"),
           fact("ladder.mstep_lead"), fact("ladder.formula_mstep"),
           fact("ladder.mstep_check", coin=hi, heads=H, tails=T, a1=a - 1, ab2=a + b - 2,
                mstep=f["map_mstep"][hi], theta=f["map_theta"][hi]),
           fact("ladder.whole_beta",
                gibbs=[fact("ladder.gibbs_beta", coin=j, a=a + f["gibbs_heads"][j],
                            b=b + f["gibbs_tails"][j], sets=f["gibbs_sets"][j])
                       for j in range(k)],
                vb=[fact("ladder.vb_beta", a=A, b=B) for A, B in zip(f["vb_alpha"], f["vb_beta"])]),
           fact("ladder.point_mass"), fact("ladder.elbo_lead"), fact("ladder.formula_elbo")]
    out.append(elbo_gap(f["elbo"], f["log_evidence"], f["kl"], k))
    return out


def elbo_gap(elbo: float, log_evidence, kl, k: int):
    """log p(data) = ELBO + KL with the numbers, where the exact log evidence is known; the part
    of KL that label symmetry can account for (log K!) for more than one coin."""
    if log_evidence is None:
        return fact("ladder.elbo_gap", "unknown", elbo=elbo, components=k)
    orders = math.factorial(k)
    symmetry = (fact("ladder.label_symmetry", orders=orders, log_orders=math.log(orders))
                if k > 1 else None)
    return fact("ladder.elbo_gap", "known", elbo=elbo, log_evidence=log_evidence, kl=kl,
                symmetry=symmetry)


def three_ways(three, tosses: int) -> list:
    """How one set is credited in the first step by EM, a Gibbs sweep and VB."""
    c = three["coins"]
    h = three["heads"]
    e, vb, g = three["em"], three["vb"], three["gibbs"]
    table = Table(
        [fact("ladder.three.header.method"), fact("ladder.three.header.weight", coin=c[0]),
         fact("ladder.three.header.credited", coin=c[0]),
         fact("ladder.three.header.credited", coin=c[1])],
        [[fact("ladder.three.em"), fact("ladder.three.p", p=e["probability"][0]),
          fact("ladder.three.credit", p=e["probability"][0], heads=h,
               credited=e["credited_heads"][0]), e["credited_heads"][1]],
         [fact("ladder.three.gibbs"), fact("ladder.three.p", p=g["probability"][0]),
          fact("ladder.three.all_or_none", heads=h, p=g["probability"][0]),
          fact("ladder.three.all_or_none", heads=h, p=g["probability"][1])],
         [fact("ladder.three.vb"), vb["probability"][0],
          fact("ladder.three.credit", p=vb["probability"][0], heads=h,
               credited=vb["credited_heads"][0]), vb["credited_heads"][1]]],
        ["", ".3f", "", ".2f"])
    return [fact("ladder.three.heading", set=three["set"], heads=h, tails=three["tails"]), table,
            fact("ladder.three.vb_start", init=three["init"],
                 factors=[fact("ladder.three.factor", coin=ci, a=A, b=B)
                          for ci, A, B in zip(c, vb["alpha"], vb["beta"])],
                 tosses=tosses, coins=len(c), coin=c[0],
                 moves=moves(e["probability"][0], vb["probability"][0]))]


def moves(em_value: float, vb_value: float):
    """"moves from EM's 0.449 to 0.452", with as many decimals (3 to 6) as it takes to show the
    move, or "stays at EM's 0.0640 (to 6 decimals)"."""
    for d in range(3, 7):
        if f"{em_value:.{d}f}" != f"{vb_value:.{d}f}":
            return fact("ladder.moves", "moves", em=em_value, vb=vb_value, digits=d)
    return fact("ladder.moves", "stays", em=em_value)
