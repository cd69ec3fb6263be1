"""report.md, written from the run's numbers: every sentence that states a fact computes it.

The quantities come from compare.facts (named, tested one by one) and compare.checks; this
module only phrases them. A sentence whose condition does not hold for these data changes or is
left out: "exact" only where an exact posterior exists, "symmetric" only with equal weights,
"see the size study" only when it ran, and so on. Values the paper reports are quoted beside
ours only when the data and starting values are the paper's own.

Notation, one for the whole report: coins are numbered by their heads probability, coin 0
the lowest, theta_0 < theta_1 < ...; the worked example keeps the paper's letters (theta_A is
the coin started at init[0]) and says once which number each letter becomes. Anything that comes
from the user (data name, path, labels, the command) passes through markdown.escape.
"""

from __future__ import annotations

import numpy as np

from . import facts
from .sections import checks as sections_checks
from .sections import terms
from .words import blocks
from .markdown import code_block, embed, escape, number_figures, plain, table
from .rungs import RUNGS, z_value


def f4(x):
    return "n/a" if x is None else f"{x:.4f}"


def f3(x):
    return "n/a" if x is None else f"{x:.3f}"


def f2(x):
    return "n/a" if x is None else f"{x:.2f}"


def vec(xs, fmt=f4):
    return ", ".join(fmt(x) for x in xs)


def plural(n, word, many=None):
    return f"{n} {word if n == 1 else (many or word + 's')}"


def report_markdown(r, agreement, rows, first, iters, three, figs, study_sections) -> str:
    parts = [header(r, agreement), model_choice_section(r), in_short(r, agreement),
             worked_example(r, first, iters, figs), ladder_section(r, rows, three, figs),
             posterior_section(r, figs), sets_section(r, figs), checks_section(agreement),
             takeaways(r)]
    parts += [s.markdown for s in study_sections]
    parts.append(glossary(r))
    parts.append(reproduce(r))
    return number_figures("\n".join(p for p in parts if p))


# ---------------------------------------------------------------- the top

def _naming(r) -> str:
    """How the worked example's coin letters map onto the ordered coin numbers (said once)."""
    from .worked import coin_names

    start = np.asarray(r.plain["ml"].history[0].theta)
    init = r.options.em_init
    given = init is not None
    init = np.asarray(init if given else start, float)
    names = coin_names(len(init))
    if len(init) < 2:
        return ""
    final = {names[j]: int(np.argmin(np.abs(start - v))) for j, v in enumerate(init)}
    return ((" The worked example keeps the paper's letters: " if given else
             " The worked example names the coins by letter from their starting values: ")
            + ", ".join(f"coin {ltr} (started at {v:.3g}) is coin {final[ltr]}"
                        for ltr, v in zip(names, init)) + ".")


def _about(d) -> str:
    """For a built-in data set: what it is, what a set, a toss and heads stand for, its source."""
    from coindata.builtins import BUILTINS

    b = BUILTINS.get(d.source.removeprefix("builtin:")) if d.source.startswith("builtin:") else None
    if b is None:
        return ""
    meaning = f" Here {b.meaning}." if b.meaning else ""
    return f"*About the data.* {escape(b.description)}{meaning} Source: {escape(b.source)}"


def header(r, agreement=()) -> str:
    d, o = r.data, r.options
    w = "equal, fixed" if o.weights == "fixed" else f"learned, Dirichlet({o.dirichlet:g})"
    model = (f"K = {o.components} coins with {w} weights" if o.components > 1 else
             "K = 1 coin (nothing hidden: the textbook binomial, a check of every method)")
    out = [f"# Which coin? EM and the full posterior on {escape(d.name)}\n",
           f"{plural(d.n_sets, 'set')}, {int(d.tosses.sum())} tosses, {int(d.heads.sum())} heads "
           f"({d.heads.sum() / d.tosses.sum():.1%}); {model}; "
           f"Beta({o.prior[0]:g}, {o.prior[1]:g}) prior on every theta. "
           + ("Coins are numbered by their heads probability: coin 0 shows heads least often, "
              "theta_0 < theta_1" + (" < ..." if o.components > 2 else ".")
              if o.components > 1 else "") + _naming(r) + "\n"]
    about = _about(d)
    if about:
        out.append(about + "\n")
    warns = r.warnings() + r.notes
    v = r.choice["verdict"] if r.choice else None
    fewer = v is not None and v["fewer_than_asked"]
    diag = r.sampler.diagnostics
    # NUTS's draws failing the comparison with the exact posterior (its diagnostics aside)
    off = [c["check"] for c in agreement
           if c["check"].startswith("NUTS posterior") and c["agree"] is False]
    if warns or diag["divergences"] or fewer:
        out.append("> **Read this first.**")
        if fewer:
            out.append(f"> - {choice_sentence(r)} Every comparison of coins below is between the "
                       f"{o.components} coins you asked for; the model orders them "
                       "(theta_0 < theta_1 ...) by construction, so they come out apart even when "
                       "the data do not tell them apart.")
        for x in warns:
            out.append(f"> - {escape(x)}")
        note = gibbs_mixing_note(r, nuts_matches_exact=not off)
        if note:
            out.append(f"> - {note}")
        out.append("")
    if not r.sampler.warnings:
        ess = "n/a" if diag["ess_bulk_min"] is None else f"{diag['ess_bulk_min']:.0f}"
        out.append(f"NUTS sampler health: {diag['chains']} chains × {diag['draws']} draws, max R-hat "
                   f"{f4(diag['r_hat_max'])}, min bulk ESS {ess}, "
                   f"{diag['divergences']} divergences: "
                   + ("nothing to warn about.\n" if not off else
                      "nothing in these diagnostics to warn about, but the draws fail the "
                      "comparison with the exact posterior (see the software checks): take "
                      "more draws (--draws) before trusting them.\n"))
    return "\n".join(out)


def _signed(x: float) -> str:
    """A signed shift: four decimals, or two significant digits when smaller than that shows."""
    return f"{x:+.4f}" if x == 0 or abs(x) >= 5e-5 else f"{x:+.1e}"


def _corr(x: float) -> str:
    """A signed number to two decimals (a correlation, a skewness), never "-0.00"."""
    return "0.00" if abs(x) < 0.005 else f"{x:+.2f}"


def _fixed2(x: float) -> str:
    """Two decimals, never "-0.00"."""
    return "0.00" if abs(x) < 0.005 else f"{x:.2f}"


def _sds(x: float) -> str:
    """A distance in posterior sds: two decimals, "< 0.01" below that."""
    return "< 0.01" if abs(x) < 0.005 else f"{x:.2f}"


def _took(count: int, converged: bool, unit: str = "iteration") -> str:
    """"took 79 iterations to converge", or "had not converged after 1000 iterations"."""
    if converged:
        return f"took {plural(count, unit)} to converge"
    return f"had not converged after {plural(count, unit)}"


def gibbs_mixing_note(r, nuts_matches_exact: bool = True) -> str | None:
    """Why the Gibbs sampler mixes badly where NUTS does not (None when it mixes well). With
    ``nuts_matches_exact`` False (NUTS's draws fail the comparison with the exact posterior),
    NUTS is not held up as the sampler that copes."""
    g = r.gibbs
    if g is None or not g.warnings or r.sampler.warnings:
        return None
    sp = facts.speed(r)["ml"]
    d = g.diagnostics
    failed = []                 # the diagnostics that failed, with their values
    if d["r_hat_max"] is not None and d["r_hat_max"] > 1.01:
        failed.append(f"max R-hat {d['r_hat_max']:.3f}")
    if d["ess_bulk_min"] is not None and d["ess_bulk_min"] < 400:
        failed.append(f"min bulk ESS {d['ess_bulk_min']:.0f} of {d['chains'] * d['draws']} draws")
    shown = f" ({', '.join(failed)})" if failed else ""
    return (f"Why the Gibbs sampler struggles here"
            + (" and NUTS does not" if nuts_matches_exact else "")
            + ": Gibbs alternates drawing "
            f"every set's coin given the thetas and the thetas given the coins, and when the "
            f"sets leave much doubt about which coin made them, each round moves the thetas only "
            f"a little{shown}. It is the same missing "
            f"information that makes plain EM crawl (it "
            f"{_took(sp['plain_iterations'], sp['plain_converged'])} here). "
            + ("NUTS sums the coins out and moves through the thetas directly. "
               if nuts_matches_exact else "")
            + "The Gibbs numbers below are shown, not trusted; far longer chains (--draws) would "
            "make them agree.")


def choice_sentence(r) -> str:
    """The verdict on how many coins, in one or two sentences. "Do not support" has two cases
    that read differently: the evidence leans to more coins but too weakly to count (the data
    cannot tell), or it leans to fewer (the data favour fewer)."""
    v = r.choice["verdict"]
    k, best = v["asked"], v["components"]
    step = next((s for s in v["steps"] if s["more"] == k or s["fewer"] == k), None)
    if step is None:
        return f"The data are fitted with {plural(k, 'coin')}."
    bic = step["by"] != "Bayes factor"
    by = "BIC (the Bayes factor it approximates)" if bic else "the Bayes factor"
    two, fewer, more = step["two_log_bf"], step["fewer"], step["more"]
    if best < k:
        if two > -2:            # either side, but too weakly to count (Kass & Raftery: < 2)
            known = r.known
            told = (f" The known labels say that {plural(len(known['theta']), 'coin')} were "
                    f"tossed: {plural(r.data.n_sets, 'set')} are too few to show it."
                    if known is not None and len(known["theta"]) == k else "")
            lean = (f"{more} against {fewer} coins is {_odds(two / 2, bic)} to 1 "
                    f"(2 ln BF = {two:+.2f}" if two >= 0 else
                    f"{fewer} against {more} coins is {_odds(-two / 2, bic)} to 1 "
                    f"(2 ln BF = {-two:+.2f} for {plural(fewer, 'coin')}")
            return (f"**The data do not support {k} coins: they cannot tell "
                    f"{plural(fewer, 'coin')} from {k}.** By {by}, {lean}: {step['strength']}, "
                    f"too weak to count).{told}")
        return (f"**The data do not support {k} coins: they favour {plural(fewer, 'coin')}.** "
                f"By {by}, {fewer} against {more} coins is {_odds(-two / 2, bic)} to 1 "
                f"(2 ln BF = {-two:+.2f} for {plural(fewer, 'coin')}: {step['strength']}).")
    if best > k:
        return (f"The data support more than {k} coins: by {by}, {best} coins beat {k} "
                f"(2 ln BF = {two:+.2f}: {step['strength']}).")
    if more == k:
        return (f"The data support {k} coins: by {by}, {k} against {fewer} is "
                f"{_odds(two / 2, bic)} to 1 (2 ln BF = {two:+.2f}: {step['strength']}).")
    return f"The data support {plural(k, 'coin')}."


def _odds(log_bf: float, rough: bool = False) -> str:
    """exp(log_bf) as text: 1.59, or about 10^33 when it is too large to write out; ``rough``
    (a BIC approximation): two significant digits, "about 9.1"."""
    if abs(log_bf) >= 20:
        return f"about 10^{log_bf / np.log(10):.0f}"
    return f"about {np.exp(log_bf):.2g}" if rough else f"{np.exp(log_bf):.3g}"


def model_choice_section(r) -> str:
    c = r.choice
    if not c:
        return ""
    out = ["## How many coins do the data support?\n", choice_sentence(r) + "\n"]
    header_ = ["coins", "parameters", "max log-likelihood", "BIC", "log evidence", "elpd (LOO)"]
    cells = []
    for row in c["components"]:
        loo = row["loo"]
        cells.append([row["components"], row["parameters"], f"{row['log_likelihood']:.3f}",
                      f"{row['bic']:.2f}",
                      "n/a" if row["log_evidence"] is None else f"{row['log_evidence']:.3f}",
                      "n/a" if loo is None else f"{loo['elpd']:.2f} ± {loo['se']:.2f}"])
    out.append(table(header_, cells))
    lines = []
    for cmp in c["comparisons"]:
        f, m = cmp["fewer"], cmp["more"]
        parts = [f"twice the log-likelihood ratio {_fixed2(cmp['two_log_lr'])}"]
        if cmp["bootstrap"]:
            b = cmp["bootstrap"]
            parts.append(f"parametric bootstrap p = {b['p']:.3f} ({b['replicates']} replicates; "
                         f"its 95% point {b['quantile_95']:.2f})")
        if cmp["log_bayes_factor"] is not None:
            parts.append(f"2 ln BF = {2 * cmp['log_bayes_factor']:+.2f}")
        parts.append(f"BIC difference {cmp['bic_difference']:+.2f} (negative favours {m})")
        if cmp["loo_difference"] is not None:
            parts.append(f"elpd difference {cmp['loo_difference']:+.2f} ± "
                         f"{cmp['loo_difference_se']:.2f}")
        lines.append(f"- {m} against {f} coins: " + "; ".join(parts) + ".")
    out.append("\n".join(lines) + "\n")
    rows = sorted(c["components"], key=lambda row: row["components"])    # in the table's order
    methods = [f"{row['evidence_method']} for {plural(row['components'], 'coin')}"
               for row in rows if row["evidence_method"]]
    loos = [f"{row['loo']['method']} for {plural(row['components'], 'coin')}"
            for row in rows if row["loo"]]
    out.append(
        "The log evidence log p(data) integrates the likelihood over the prior: "
        + "; ".join(methods) + "; n/a where no exact computation exists. The elpd asks how well "
        "each set is predicted from the others: " + "; ".join(loos)
        + (f"; with only {plural(r.data.n_sets, 'set')} its standard errors are themselves rough"
           if r.data.n_sets < 20 else "") + ". Twice the log-likelihood "
        "ratio does not follow its textbook chi-square law here: the smaller model sits on the "
        "boundary of the larger one ("
        + ("a weight at 0, or two thetas equal" if r.options.learned else "two thetas equal")
        + "), so only a parametric "
        "bootstrap gives it a p-value"
        + (" (above)." if any(x["bootstrap"] for x in c["comparisons"]) else
           " (`--bootstrap-lrt N`).")
        + (" With fixed equal weights, K coins contain K - 1 only through equal thetas, not "
           "all of them: the ratio can even be negative." if r.options.weights == "fixed"
           and any(x["two_log_lr"] < 0 for x in c["comparisons"]) else "")
        + " Strength of evidence (Kass & Raftery 1995, on 2 ln BF): below 2 barely worth "
        "mentioning, 2 to 6 positive, 6 to 10 strong, above 10 very strong.\n")
    return "\n".join(out)


def in_short(r, agreement) -> str:
    o, k = r.options, r.options.components
    marg = facts.marginals(r)
    src = marg[0]["source"]
    post = r.sampler.posterior["theta"]
    a, b = o.prior
    lines = ["## In short\n"]
    equal = facts.ml_coins_coincide(r)
    lines.append(f"- **Maximum likelihood** (EM): theta = {vec(r.ml.theta)}, the values that make "
                 "these tosses most probable."
                 + (f" The coins coincide: one coin fits as well as {k}"
                    + (", and the weights (any split of the sets between equal coins) are not "
                       "determined by the data" if o.learned else "") + "." if equal else ""))
    shift = np.asarray(r.map.theta) - np.asarray(r.ml.theta)
    prior_mean = a / (a + b)
    toward = np.sign(shift) == np.sign(prior_mean - np.asarray(r.ml.theta))
    moves = [f"coin {i} by {_signed(shift[i])} ({'towards' if toward[i] else 'away from'} "
             f"{prior_mean:.2f})" for i in range(k)]
    lines.append(
        f"- **MAP** (EM with a Beta({a:g}, {b:g}) prior on each theta, mean {prior_mean:.2f}): "
        f"theta = {vec(r.map.theta)}. The prior moves " + ", ".join(moves) + "."
        + "".join(f" Coin {j} is empty at the MAP (weight 0): no set is credited to it, so its "
                  f"theta is the prior's own mode, {(a - 1) / (a + b - 2):.4f}."
                  for j in facts.empty_map_coins(r) if a + b > 2 and a >= 1 and b >= 1)
        + ("" if toward.all() or k == 1 else " A coin can move away from the prior mean because "
           "the coins share the sets: pulling one coin's bias changes which sets the other is "
           "credited with."))
    lines.append(
        f"- **The posterior** (PyMC, NUTS): mean {vec(post['mean'])}, sd {vec(post['sd'])}, "
        f"{post['hdi_prob']:.0%} HDI "
        + "; ".join(f"[{lo:.3f}, {hi:.3f}]" for lo, hi in zip(post["hdi_low"], post["hdi_high"]))
        + ".")
    if r.exact is not None:
        lines.append(f"- **Exact** ({r.exact['method']}): mean {vec(r.exact['theta']['mean'])}, "
                     f"sd {vec(r.exact['theta']['sd'])}.")
    soft = [c for c in agreement if c["kind"] == "software"]
    ok = [c for c in soft if c["agree"]]
    border = [c["check"] for c in ok if c["status"] == "borderline"]
    bad = [c["check"] for c in soft if c["agree"] is False]
    unsure = [c["check"] for c in soft if c["agree"] is None]
    lines.append(f"\nSoftware checks (two computations of one quantity): {len(ok)} of "
                 + (f"the {len(soft) - len(unsure)} that can be assessed" if unsure else
                    f"{len(soft)}") + " pass"
                 + (f", {len(border)} of them borderline ({'; '.join(border)})" if border
                    else "")
                 + (f"; failing: {'; '.join(bad)} (see below)" if bad else "")
                 + (f"; not assessable, because a sampler did not mix: {'; '.join(unsure)}"
                    if unsure else "")
                 + ". The findings below compare different quantities, to learn from them.")
    close = facts.closeness(r, marg)
    hdi = r.exact["theta"] if r.exact is not None else post       # the referee's, where there is one
    width = np.asarray(hdi["hdi_high"]) - np.asarray(hdi["hdi_low"])
    over = "; ".join(f"{pair} for coin {i} ({g:.2f} sd)" for pair, i, g in close["over"])
    lines.append(
        "\nThe point estimates are "
        + (f"close on the scale of the posterior's spread (within a quarter of a posterior sd): "
           if close["close"] else
           f"not all close on the scale of the posterior's spread: {over} differ by more than a "
           "quarter of a posterior sd. In all, ")
        + f"ML and MAP differ by {vec(close['ml_map_sd'], _sds)} posterior sd, MAP and the "
        f"posterior mean by {vec(close['map_mean_sd'], _sds)}, ML and the posterior mean by "
        f"{vec(close['ml_mean_sd'], _sds)} ({src} sd). The {src} HDIs "
        f"are {vec(width, f2)} wide: with {plural(r.data.n_sets, 'set')} the data leave each "
        "coin's bias uncertain by that much, whatever single number one reports.\n")
    return "\n".join(lines)


# ---------------------------------------------------------------- the worked example

def worked_example(r, first, iters, figs) -> str:
    from .sections import worked as sec

    return blocks.section(sec.build(r, first, iters, figs))


def starting_points(r) -> str:
    from .sections import worked as sec

    return blocks.section(sec.starting_points(r))


# ---------------------------------------------------------------- the ladder

def ladder_section(r, rows, three, figs) -> str:
    from .sections import ladder as sec

    return blocks.section(sec.build(r, rows, three, figs))


def formulas_section(r) -> str:
    """The formulas that link EM to Bayes, with this data's numbers."""
    from .sections import ladder as sec

    return blocks.section(sec.formulas(r))


# ---------------------------------------------------------------- the posterior

def posterior_section(r, figs) -> str:
    k = r.options.components
    marg = facts.marginals(r)
    mvm = facts.map_vs_mean(r, marg)
    out = ["## The posterior\n"]
    for i, (m, g) in enumerate(zip(marg, mvm)):
        src = m["source"]
        d = m["peak_digits"]
        # a skewness from a few thousand draws is uncertain by about sqrt(6 / ESS) ~ 0.1
        skew = _corr(m["skewness"]) if src == "exact" else (
            "0.0" if abs(m["skewness"]) < 0.05 else f"{m['skewness']:+.1f}")
        gap = m["mean"] - m["peak"]
        why = ""
        if abs(gap) > 1e-3 * m["sd"]:
            if m["bump"] is not None:
                why = (f": a second bump or a shoulder near {m['bump']:.2f} pulls the mean "
                       "away from the peak")
            elif abs(m["skewness"]) < 0.1:
                why = (f": the curve is nearly symmetric (skewness {skew}), so the "
                       "two are close")
            elif np.sign(m["skewness"]) == np.sign(gap):
                why = (f": the curve leans {'left' if gap < 0 else 'right'} (skewness "
                       f"{skew}), and a mean sits on the side of the longer tail")
            else:
                why = ": the curve is lopsided around its peak"
        res = m["resolution"]
        where = (f"the mean lies {abs(gap):.{d}f} {'below' if gap < 0 else 'above'} the "
                 f"peak{why}" if abs(gap) >= res else
                 f"the mean and the peak agree to the peak's resolution ({res:.1g})")
        joint = (f"{abs(g['joint']):.{d}f} {'below' if g['joint'] > 0 else 'above'} this coin's "
                 "own peak" if abs(g["joint"]) >= res else
                 f"within {res:.1g} of this coin's own peak")
        out.append(f"- theta_{i} ({src}): mean {m['mean']:.4f}, median {m['median']:.4f}, peak of "
                   f"its own curve {m['peak']:.{d}f}, skewness {skew}; {where}."
                   + (f" MAP ({g['map']:.4f}) is the peak of the joint posterior of all thetas, "
                      f"{joint}." if k > 1 else ""))
    if k > 1:
        study = "labels" in r.studies_run
        out.append(f"- Ordering: every draw has theta_0 < theta_1{' < ...' if k > 2 else ''} by "
                   "construction (the model orders the coins), so the draws cannot swap labels "
                   "and counting them proves nothing. Without the ordering the posterior has "
                   f"{int(np.prod(np.arange(1, k + 1)))} mirror images and chains do swap labels "
                   + ("(the label-switching study below)." if study else
                      "(`--study labels` shows it)."))
    out.append("")
    big = [f"coin {i} ({g['gap_sd']:+.{3 if abs(abs(g['gap_sd']) - 0.25) < 0.005 else 2}f} sd)"
           for i, g in enumerate(mvm) if not g["gap_small"]]
    out.append("**MAP or mean?** " + (
        "For every coin MAP and the posterior mean are within a quarter of a posterior sd, so "
        "here the choice matters little." if not big else
        f"MAP and the posterior mean differ by more than a quarter of a posterior sd for "
        f"{', '.join(big)} (how, in the findings below): report the posterior, not a single "
        "point.") + "\n")
    lap = facts.laplace(r, seed=r.options.seed)
    if lap is not None and k > 1:
        c = lap["correlation"]
        out.append(
            f"**Is the posterior Gaussian?** The Laplace approximation (a Gaussian at the MAP with "
            f"the curvature there) puts {lap['swapped']:.1%} of its mass where the order of the "
            f"coins is reversed and {lap['outside']:.1%} outside [0, 1]. Its sds are "
            f"{vec(lap['sd_ratio'], f2)} times the {lap['reference']} ones; cut to the ordered "
            f"region, {vec(lap['sd_ratio_cut'], f2)}"
            + (f"; its correlation is {_corr(c['laplace'])} ({_corr(c['laplace_cut'])} after the "
               f"cut) where the {lap['reference']} posterior's is {_corr(c['posterior'])}"
               if c is not None else "") + ". " + facts.laplace_verdict(lap) + "\n")
    grid = r.grid is not None
    caps = {"marginals": "Marginal posteriors: NUTS draws (histogram), "
                         + ("the exact density (line), " if r.exact is not None else "")
                         + "EM-ML, EM-MAP, the posterior mean and the HDI.",
            "joint": _joint_caption(r),
            "prior_posterior": _prior_caption(r, grid)}
    for name, cap in caps.items():
        if name in figs:
            out.append(embed(name, figs[name], cap))
    return "\n".join(out)


def _prior_caption(r, grid) -> str:
    k = r.options.components
    if k == 1:
        return "Prior and posterior of theta."
    order = ("the smaller and the larger of two draws from it" if k == 2 else
             "the 1st, 2nd, ... smallest of K draws from it")
    return ("Prior and posterior. Ordering the coins turns the same Beta prior into a different "
            f"prior for each coin ({order}), which is what the ordered model uses; the posterior "
            + ("is exact." if grid or r.exact is not None else "is from the NUTS draws."))


def _joint_caption(r) -> str:
    if r.options.components != 2:
        return "The joint posterior."
    corr = facts.posterior_correlation(r)
    return ("The joint posterior of the two coins: all of it lies above the diagonal (the "
            f"ordering theta_0 < theta_1), and the coins' correlation is {corr:+.2f} "
            f"({'exact' if r.grid is not None else 'NUTS'}).")


# ---------------------------------------------------------------- sets

def sets_section(r, figs) -> str:
    em_r = np.asarray(r.map.responsibilities)
    post = np.asarray(r.sampler.assignment_probability)
    k = r.options.components
    if k == 1:          # every set is the one coin's: only the predictive check has something
        return "## Does the model reproduce the data?\n\n" + predictive_check(r)
    out = ["## Which coin tossed each set?\n",
           "EM-MAP's responsibilities (at the posterior mode) beside the posterior probabilities "
           "(the same formula averaged over the posterior draws); both use the same prior.\n"]
    if r.data.n_sets <= 30:
        hdr = ["set", "heads / tosses"] + [f"EM-MAP P(coin {j})" for j in range(k)] + \
              [f"posterior P(coin {j})" for j in range(k)]
        if r.data.labels is not None:
            hdr.append("known coin")
        rows = []
        for i in range(r.data.n_sets):
            row = [i + 1, f"{r.data.heads[i]} / {r.data.tosses[i]}"] + \
                  [f"{v:.3f}" for v in em_r[i]] + [f"{v:.3f}" for v in post[i]]
            if r.data.labels is not None:
                row.append(escape(r.data.labels[i]))
            rows.append(row)
        out.append(table(hdr, rows))
    a = facts.assignment(r)
    em_s, post_s = round(a["sharpness_em"], 2), round(a["sharpness_posterior"], 2)
    empty = facts.empty_map_coins(r)
    if empty:
        out.append(f"EM-MAP has emptied {', '.join(f'coin {j}' for j in empty)} (weight 0 at the "
                   f"mode), so it is sure of every set's coin only because it leaves "
                   f"{'it' if len(empty) == 1 else 'them'} out: on average it gives the most "
                   f"likely coin probability {em_s:.2f}, the posterior, which keeps every coin in "
                   f"play, {post_s:.2f}.\n")
    else:
        out.append(f"On average EM-MAP gives the most likely coin probability {em_s:.2f}, the "
                   f"posterior {post_s:.2f}: "
                   + ("the posterior is less certain, because it also averages over its doubt "
                      "about the coins' biases." if post_s < em_s else
                      "about as certain, to two decimals." if post_s == em_s else
                      "the posterior is more certain here.") + "\n")
    out.append(predictive_check(r))
    if "assignment" in figs:
        out.append(embed("assignment", figs["assignment"],
                         "EM-MAP responsibilities vs posterior assignment probabilities, every "
                         "coin."))
    return "\n".join(out)


def predictive_check(r) -> str:
    """Posterior predictive checks, with what they can and cannot detect."""
    p = facts.predictive(r, seed=r.options.seed)
    prob = p["prob"]
    out = ["**Posterior predictive checks.** Data replicated from the posterior draws, compared "
           "with the data."]
    out.append(f"Per set: {p['inside']} of {p['sets']} sets fall inside their {prob:.0%} "
               "interval of replicated heads.")
    if p["low_power"]:
        out.append(f"That says little: the intervals are so wide (each covers at least "
                   f"{p['covers_min']:.0%} of the possible head counts) that only an extreme "
                   "set could fall outside, so this check has almost no power.")
    elif p["covers_median"] >= 0.5:
        out.append(f"Its power is limited: a typical interval covers {p['covers_median']:.0%} of "
                   "the possible head counts, so only a set far from every coin falls outside.")
    if p["p_value"] is not None:
        k, n_rep = r.options.components, p["replicates"]

        def pv(x):          # a Monte Carlo p-value: never "0.00"
            return f"< {1 / n_rep:.1g} (none of {n_rep} replicates)" if x == 0 else f"{x:.2g}"

        verdict1 = ("one coin cannot produce a spread this large: the data are over-dispersed "
                    "for a single binomial" if p["p_value_one_coin"] < 0.05 else
                    "one coin produces spreads like this")
        verdictk = ("the fitted model rarely produces data this "
                    + ("spread out" if p["p_value"] < 0.05 else "uniform")
                    if p["p_value"] < 0.05 or p["p_value"] > 0.95 else
                    f"the {k}-coin model produces spreads like this")
        head = (f"A statistic with power against too few coins is the spread of the heads "
                f"proportions across sets (variance {p['spread']:.3g}), compared with data "
                "replicated from the posterior: ")
        if k == 1:
            out.append(head + f"p-value {pv(p['p_value_one_coin'])}: {verdict1}.")
        else:
            out.append(head + f"under the {k}-coin posterior the p-value is {pv(p['p_value'])} "
                       f"({verdictk}); under one coin it is {pv(p['p_value_one_coin'])} "
                       f"({verdict1}).")
    return " ".join(out) + "\n"


# ---------------------------------------------------------------- checks and take-aways

def checks_section(agreement) -> str:
    return blocks.section(sections_checks.build(agreement))


def takeaways(r) -> str:
    marg = facts.marginals(r)
    close = facts.closeness(r, marg)
    sd = np.array([m["sd"] for m in marg])
    out = ["## What to take away\n"]
    if r.choice and r.choice["verdict"]["fewer_than_asked"]:
        out.append(f"- {choice_sentence(r).replace('**', '')} Two ordered coins always come out "
                   "apart; whether the data need them is the model-choice question above.")
    pair, coin, gap = close["largest"]
    out.append(f"- The point estimates differ by at most {gap:.2f} posterior sd ({pair}, coin "
               f"{coin}), while the posterior sds are {vec(sd, f3)}: "
               + ("which single number one reports matters less than the uncertainty around it."
                  if close["close"] else
                  "which single number one reports matters here: report the posterior."))
    fewer = bool(r.choice and r.choice["verdict"]["fewer_than_asked"])
    out.append("- EM finds a mode; the posterior also says how wide the plausible region is. "
               + ("With more data the two meet (Bernstein-von Mises)"
                  + (" (the size study above)." if "size" in r.studies_run else
                     " (`--study size` shows it).")
                  if not fewer else
                  "With more data the two meet only if the coins really differ "
                  "(Bernstein-von Mises needs it): if they are one coin, the posterior runs into "
                  "the diagonal theta_0 = theta_1 and stays lopsided however many sets there "
                  "are; if they differ, enough sets tell them apart."))
    vbw = facts.vb_width(r, marg)
    short = np.asarray(vbw["narrower"])
    if np.all(short > 0.01):
        out.append(f"- VB is as cheap as EM and gives distributions, but here its sds are "
                   f"{vec(100 * short, lambda v: f'{v:.0f}%')} smaller than the {vbw['source']} "
                   "ones.")
    return "\n".join(out) + "\n"


def reproduce(r) -> str:
    return blocks.section(terms.reproduce(r))


def glossary(r) -> str:
    return blocks.section(terms.glossary(r))
