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

PAPER = {"heads": [5, 9, 8, 4, 7], "tosses": [10] * 5, "init": (0.6, 0.5)}


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


def symbol(parameter: str) -> str:
    """summary.json's "theta[0]" / "weights[1]" in the report's notation, theta_0 / w_1."""
    name, index = parameter.rstrip("]").split("[")
    return f"{'theta' if name == 'theta' else 'w'}_{index}"


def is_paper(r) -> bool:
    return (r.data.heads.tolist() == PAPER["heads"] and r.data.tosses.tolist() == PAPER["tosses"]
            and r.options.components == 2 and r.options.weights == "fixed"
            and tuple(r.options.em_init or ()) == PAPER["init"])


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

def header(r, agreement=()) -> str:
    from .sections import top as sec

    return blocks.section(sec.build(r, agreement))


def _e_step_arithmetic(r, first, ex, coins) -> str:
    """The E-step for one set, with its numbers, as the textbook writes it: the chance that each
    coin produces the set's tosses in their order (the number of orders is the same for every
    coin and cancels), then coin A's share of the total: "the chance that coin A tosses ... is
    0.6^5 × 0.4^5 = 0.0007962624, ...; with equal weights, P(A) = a / (a + b)". Empty where the
    chances underflow or there are more than three coins."""
    h, t = first["heads"][ex], first["tails"][ex]
    init = first["init"]
    like = [th ** h * (1 - th) ** t for th in init]
    if min(like) < 1e-300 or not 2 <= len(coins) <= 3:
        return ""
    fmt = lambda v: f"{v:.10f}".rstrip("0") if v >= 1e-4 else f"{v:.4e}"    # noqa: E731
    seq = r.data.sequences[first["example_set"]] if (r.data.sequences is not None
                                                       and first["rows"] == "sets") else None
    what = f"the sequence {seq}" if seq else "these heads and tails in a given order"
    chances = [f"{th:g}^{h} × {1 - th:g}^{t} = {fmt(v)}" for th, v in zip(init, like)]
    others = ", ".join(f"coin {c}'s {x}" for c, x in zip(coins[1:], chances[1:]))
    return (f"the chance that coin {coins[0]} tosses {what} is {chances[0]}, {others}; with "
            f"equal weights, P({coins[0]}) = {fmt(like[0])} / ("
            + " + ".join(fmt(v) for v in like) + ") = ")


def _moves(a: float, b: float, whose: str) -> str:
    """"moves from EM's 0.449 to 0.452", with as many decimals (3 to 6) as it takes to show the
    move, or "stays at EM's 0.0640 (to 6 decimals)"."""
    for d in range(3, 7):
        if f"{a:.{d}f}" != f"{b:.{d}f}":
            return f"moves from {whose} {a:.{d}f} to {b:.{d}f}"
    return f"stays at {whose} {a:.6f} (to 6 decimals)"


def _took(count: int, converged: bool, unit: str = "iteration") -> str:
    """"took 79 iterations to converge", or "had not converged after 1000 iterations"."""
    if converged:
        return f"took {plural(count, unit)} to converge"
    return f"had not converged after {plural(count, unit)}"


def gibbs_mixing_note(r, nuts_matches_exact: bool = True) -> str | None:
    """Why the Gibbs sampler mixes badly where NUTS does not (None when it mixes well)."""
    from .sections import top as sec

    note = sec.gibbs_note(r, nuts_matches_exact=nuts_matches_exact)
    return None if note is None else blocks.block(note)


def choice_sentence(r) -> str:
    """The verdict on how many coins, in one or two sentences."""
    from .sections import choice as sec

    return blocks.block(sec.verdict(r))


def model_choice_section(r) -> str:
    from .sections import choice as sec

    return blocks.section(sec.build(r))


def in_short(r, agreement) -> str:
    from .sections import short as sec

    return blocks.section(sec.build(r, agreement))


# ---------------------------------------------------------------- the worked example

def worked_example(r, first, iters, figs) -> str:
    o = r.options
    coins = first["coins"]
    k = len(coins)
    learned = o.learned
    out = ["## The worked example, step by step\n"]
    if k == 1:
        a, b = o.prior
        H, N = int(r.data.heads.sum()), int(r.data.tosses.sum())
        out.append(f"With one coin nothing is hidden: every set comes from it, so the E-step gives "
                   f"each set probability 1 and the M-step returns heads over tosses, {H} / {N} = "
                   f"{H / N:.4f}, the maximum likelihood estimate, in one step (MAP: (H + a - 1) "
                   f"/ (N + a + b - 2) = {H + a - 1:g} / {N + a + b - 2:g} = "
                   f"{(H + a - 1) / (N + a + b - 2):.4f}). The paper's example needs two coins "
                   "(`--components 2`).\n")
        return "\n".join(out)
    init_txt = ", ".join(f"theta_{c} = {v:g}" for c, v in zip(coins, first["init"]))
    out.append(f"Plain EM, the algorithm the paper runs. Start from {init_txt}, with equal weights"
               + (" (they are learned from here on)" if learned else "") + ". **E-step**: for "
               "each set, how likely is each coin to have produced it? **M-step**: credit each "
               "coin with that share of the set's heads and tails, and re-estimate each theta as "
               "credited heads over credited tosses"
               + ("; each weight becomes the coin's share of the sets" if learned else "") + ".\n")
    if r.data.n_sets <= 30:
        hdr = ["set", "heads", "tails"] + [f"P({c})" for c in coins]
        for c in coins:
            hdr += [f"{c} heads", f"{c} tails"]
        rows = []
        p, eh, et = (np.asarray(first[x]) for x in ("probability", "expected_heads",
                                                   "expected_tails"))
        for i in range(len(first["heads"])):
            row = [i + 1, first["heads"][i], first["tails"][i]] + [f"{v:.3f}" for v in p[i]]
            for j in range(k):
                row += [f"{eh[i, j]:.2f}", f"{et[i, j]:.2f}"]
            rows.append(row)
        tot = ["**total**", "", ""] + [""] * k
        for j in range(k):
            tot += [f"**{first['total_heads'][j]:.2f}**", f"**{first['total_tails'][j]:.2f}**"]
        rows.append(tot)
        out.append(table(hdr, rows))
    ex = first["example"]
    h0, t0 = first["heads"][ex], first["tails"][ex]
    p0 = first["probability"][ex]
    paper = is_paper(r)
    credited_h = p0[0] * h0
    out.append(
        (f"Set {ex + 1} ({plural(h0, 'head')}, {plural(t0, 'tail')})" if first["rows"] == "sets"
         else f"Each of the {first['count'][ex]} sets with {plural(h0, 'head')} and "
              f"{plural(t0, 'tail')}")
        + f": {_e_step_arithmetic(r, first, ex, coins) or f'P({coins[0]}) = '}{p0[0]:.3f}"
        + (" (the paper rounds it to 0.45)" if paper else "")
        + f", so coin {coins[0]} is credited {p0[0]:.3f} × {h0} = {credited_h:.2f} heads"
        + (" (the paper: 2.2)" if paper else "") + f" and {p0[0] * t0:.2f} tails. After one "
        "iteration: " + ", ".join(
            f"theta_{c} = {first['total_heads'][j]:.2f} / ({first['total_heads'][j]:.2f} + "
            f"{first['total_tails'][j]:.2f}) = {v:.3f}"
            for j, (c, v) in enumerate(zip(coins, first["new_theta"])))
        + (" — the paper's 0.71 and 0.58" if paper else "")
        + ("; weights " + ", ".join(f"w_{c} = {first['total_sets'][j]:.2f} / {r.data.n_sets} = "
                                    f"{w:.3f}" for j, (c, w) in
                                    enumerate(zip(coins, first["new_weights"])))
           if learned else "") + ".\n")

    rows_it = iters["rows"]
    show = rows_it if len(rows_it) <= 25 else rows_it[:13] + [None] + rows_it[-3:]
    cells = []
    for row in show:
        if row is None:
            cells.append(["..."] + [""] * (k * (2 if learned else 1) + 1))
        else:
            cells.append([row["iteration"]] + [f"{v:.4f}" for v in row["theta"]]
                         + ([f"{v:.4f}" for v in row["weights"]] if learned else [])
                         + [f"{row['objective']:.6f}"])
    out.append("Repeating the two steps (maximum likelihood):\n")
    out.append(table(["iteration"] + [f"theta_{c}" for c in coins]
                     + ([f"w_{c}" for c in coins] if learned else []) + ["log-likelihood"], cells))
    if len(rows_it) > 10:
        ten = rows_it[10]["theta"]
        # the paper's two decimals beside the paper's numbers; elsewhere the table's four
        out.append("After ten iterations: " + ", ".join(f"theta_{c} = {v:.{2 if paper else 4}f}"
                                                       for c, v in zip(coins, ten))
                   + (" (the paper: 0.80 and 0.52)" if paper else "") + ". ")
    fin = rows_it[-1]["theta"]
    obj = np.array([row["objective"] for row in rows_it])
    shown = np.round(obj, 6)
    flat_from = next((i for i in range(1, len(shown)) if np.all(shown[i:] == shown[i])), None)
    out.append(
        f"EM {'converged' if iters['converged'] else 'stopped without converging'} after "
        f"{iters['iterations']} iterations at "
        + ", ".join(f"theta_{c} = {v:.4f}" for c, v in zip(coins, fin))
        + ". EM never lowers the log-likelihood"
        + ((f"; from iteration {flat_from} on it still rises, but by less than the six decimals "
            "shown" if np.any(np.diff(obj[flat_from:]) > 0) else
            f"; from iteration {flat_from} on it no longer changes")
           if flat_from is not None and flat_from < len(shown) - 1 else "")
        + f". It stops when Aitken's estimate of what is still to gain falls below "
        f"{o.tol:g} × |log-likelihood| twice in a row.\n")
    if r.known is not None:
        kn = r.known
        out.append("With the coins known, no EM is needed: " + ", ".join(
            f"coin {escape(c)}: {h} / {n} = {h / n:.2f}"
            for c, h, n in zip(kn["coins"], kn["heads"], kn["tosses"])) + ".\n")
    out.append(starting_points(r))
    if "em_path" in figs:
        w = np.asarray(r.ml.weights)
        symmetric = bool(np.allclose(w, w[0]))
        cap = ("EM's path on the log-likelihood surface, from the start (square) to the maxima "
               "(stars); MAP climbs the log-posterior instead, so it stops elsewhere. "
               + ("The surface is symmetric about the diagonal: swapping the coins' names changes "
                  "nothing, which is why the models order the coins." if symmetric else
                  f"With the weights held at their ML values ({vec(w, f2)}) the surface is not "
                  "symmetric about the diagonal: swapping the coins' names would swap the weights "
                  "too."))
        out.append(embed("em_path", figs["em_path"], cap))
    if "objective" in figs:
        out.append(embed("objective", figs["objective"],
                         "Plain EM's objective per iteration never decreases (above); below, its "
                         "distance to the maximum on a log scale: a straight line is EM's linear "
                         "rate, a steep one fast convergence, a shallow one a crawl."))
    return "\n".join(out)


def starting_points(r) -> str:
    s = facts.starts(r)
    k = r.options.components
    if k < 2:
        return ""
    ends = s["ends"]
    best = [e for e in ends if e["best"]]
    others = [e for e in ends if not e["best"]]
    ml = np.asarray(r.ml.theta)
    equal = facts.ml_coins_coincide(r)      # the maximum itself has the coins equal
    text = (f"**Starting points.** A symmetric start is "
            + ("a fixed point" if equal else "a trap") + f": from theta = "
            f"{vec(s['symmetric_start'], lambda v: f'{v:g}')} every coin gets the same share of "
            f"every set, and one EM step gives {vec(s['symmetric_after_one_step'])} (the pooled "
            f"rate {s['pooled']:.4f} for each): the coins stay equal forever, a fixed point EM "
            "never leaves (so the command line refuses equal starting values)."
            + (f" Here that is no trap: the maximum itself has the coins equal (ML theta = "
               f"{vec(ml)}; one coin fits as well as {k})." if equal else "")
            + " From "
            f"{plural(len(ends), 'start')} (the given one and {r.options.restarts} random), "
            f"{len(best)} reached the highest log-likelihood {max(e['log_likelihood'] for e in ends):.6f}")
    if others:
        text += ("; the others stopped at lower maxima: " + "; ".join(
            f"from {vec(e['start'], f3)} to theta {vec(e['theta'], f3)} (log-likelihood "
            f"{e['log_likelihood']:.4f})" for e in others[:4])
            + ("; ..." if len(others) > 4 else ""))
    return text + ". EM finds a local maximum; restarts are how it looks for the global one.\n"


# ---------------------------------------------------------------- the ladder

def ladder_section(r, rows, three, figs) -> str:
    o = r.options
    k = o.components
    a, b = o.prior
    out = ["## From EM to the full posterior, one step at a time\n",
           f"Each method treats the hidden coins and the thetas in its own way. H_k and T_k are "
           f"the heads and tails credited to coin k (each set's counts times its probability of "
           f"coming from coin k); a = {a:g}, b = {b:g} are the Beta prior's parameters.\n",
           table(["method", "hidden coins z", "theta (and weights)"],
                 [[x.label, x.hidden_coins, x.thetas] for x in RUNGS
                  if r.results.get(x.key) is not None])]
    header_ = ["method", "parameter", "mean or point", "sd", f"{o.hdi_prob:.0%} interval", "kind",
               "sd / exact sd" if r.exact is not None else "sd / exact sd (no exact here)"]
    cells = [[x["method"], symbol(x["parameter"]), f4(x["mean"]), f4(x["sd"]),
              "n/a" if x["low"] is None else f"[{x['low']:.3f}, {x['high']:.3f}]", x["interval"],
              f2(x["sd_ratio"])] for x in rows]
    out.append(table(header_, cells))

    def get(method, i):
        return next((x for x in rows if x["method"] == method and x["parameter"] == f"theta[{i}]"),
                    None)

    lines = []
    sp = facts.speed(r)["ml"]
    lines.append(
        "- **EM, ML → MAP.** Adding the prior moves the point from "
        f"{vec([get('EM (ML)', i)['mean'] for i in range(k)])} to "
        f"{vec([get('EM (MAP)', i)['mean'] for i in range(k)])}; ML ignores the prior altogether. "
        "Both are single points; their sds are only the curvature at the peak (Wald/Laplace). "
        f"From the same start, plain EM {_took(sp['plain_iterations'], sp['plain_converged'])} "
        f"(one E-step each), SQUAREM {_took(sp['squarem_cycles'], sp['squarem_converged'], 'cycle')}"
        f" ({sp['squarem_e_steps']} E-steps), extrapolating along two EM steps without ever "
        "letting the log-likelihood fall: "
        + (f"{sp['plain_iterations'] / sp['squarem_e_steps']:.2g} times fewer E-steps."
           if sp["squarem_e_steps"] * 2 <= sp["plain_iterations"] else
           "no saving where plain EM is this quick; SQUAREM pays where EM crawls (close coins, "
           "real data)."))
    vbw = facts.vb_width(r)
    vb_r = [get("variational Bayes", i) for i in range(k)]
    narrower = np.asarray(vbw["narrower"])
    lines.append(
        "- **VB.** Keep the E-step, but let theta be a distribution: q(theta_k) = Beta. The means "
        f"land at {vec([x['mean'] for x in vb_r])}, and the sds are "
        + (f"the {vbw['source']} ones to within 1%"
           + (": with one coin there is nothing to factorise, and VB is exact." if k == 1 else ".")
           if np.all(np.abs(narrower) < 0.01) else
           ", ".join(f"{100 * abs(s):.0f}% {'smaller' if s > 0 else 'larger'}" for s in narrower)
           + f" than the {vbw['source']} ones"
           + (": mean-field VB treats the coins' identities and their biases as independent, and "
              "so misses part of the uncertainty." if np.all(narrower > 0.01) else ".")))
    g = [get("Gibbs", i) for i in range(k)]
    nu = [get("NUTS", i) for i in range(k)]
    gm = r.gibbs.posterior["theta"]["mcse_mean"]
    nm = r.nuts.posterior["theta"]["mcse_mean"]
    z = [abs(x["mean"] - y["mean"]) / np.hypot(u, v) for x, y, u, v in zip(g, nu, gm, nm)]
    lines.append(
        "- **Gibbs.** Replace both averages by draws: each sweep gives every set wholly to one "
        f"coin, then draws each theta from its Beta. Means {vec([x['mean'] for x in g])} vs NUTS "
        f"{vec([x['mean'] for x in nu])}: {vec(z, lambda v: f'{v:.1f}')} combined Monte Carlo "
        "errors apart, " + ("more than Monte Carlo error explains." if max(z) > 4 else
                            "but Gibbs has not mixed (top of the report), so its Monte Carlo "
                            "errors are large and this agreement says little." if r.gibbs.warnings
                            else "i.e. the same posterior."))
    if r.exact is not None:
        lines.append("- **NUTS and the exact posterior.** Summing the coins out leaves a smooth "
                     "posterior in theta alone; NUTS samples it, "
                     + ("the grid integrates it" if r.grid is not None else
                        "the conjugate Beta gives it in closed form")
                     + f": sd ratios {vec([x['sd_ratio'] for x in nu], f2)}.")
    out.append("\n".join(lines) + "\n")
    out.append(formulas_section(r))
    if "ladder" in figs:
        cap = ("Every rung on one axis per coin: EM's points with their Wald and Laplace bands, "
               "VB's Beta, the Gibbs and NUTS densities"
               + (" and the exact posterior." if r.exact is not None else "."))
        out.append(embed("ladder", figs["ladder"], cap))
    if "bound" in figs:
        cap = ("Why EM never goes downhill. With the other coin held at its current value, the "
               "E-step builds a lower bound on the log-likelihood (dashed) that touches it at the "
               "current value; the M-step jumps to the bound's maximum, which can only be at "
               "least as high on the log-likelihood.")
        out.append(embed("bound", figs["bound"], cap))
    if three is not None:
        c = three["coins"]
        h = three["heads"]
        e, vb = three["em"], three["vb"]
        out.append(f"### The first step, three ways (set {three['set']}: {plural(h, 'head')}, "
                   f"{plural(three['tails'], 'tail')})\n")
        out.append(table(
            ["method", f"weight for coin {c[0]}", f"heads credited to {c[0]}",
             f"heads credited to {c[1]}"],
            [["EM", f"P = {e['probability'][0]:.3f}",
              f"{e['probability'][0]:.3f} × {h} = {e['credited_heads'][0]:.2f}",
              f"{e['credited_heads'][1]:.2f}"],
             ["Gibbs (one sweep)", f"P = {three['gibbs']['probability'][0]:.3f}",
              f"all {h} with probability {three['gibbs']['probability'][0]:.3f}, else 0",
              f"all {h} with probability {three['gibbs']['probability'][1]:.3f}, else 0"],
             ["VB", f"{vb['probability'][0]:.3f}",
              f"{vb['probability'][0]:.3f} × {h} = {vb['credited_heads'][0]:.2f}",
              f"{vb['credited_heads'][1]:.2f}"]]))
        out.append(
            f"VB starts from Beta factors with means {vec(three['init'], lambda v: f'{v:g}')}: "
            + ", ".join(f"q(theta_{ci}) = Beta({a:.1f}, {b:.1f})"
                        for ci, a, b in zip(c, vb["alpha"], vb["beta"]))
            + f" (strength a + b + the tosses per coin, {r.data.tosses.sum()} / {len(c)}). Its "
            "weights use exp(h E[log theta] + t E[log(1 - theta)]) in place of theta^h "
            "(1 - theta)^t; by Jensen's inequality E[log theta] < log E[theta], by an amount set "
            f"by each Beta factor, so the weight for coin {c[0]} "
            + _moves(e["probability"][0], vb["probability"][0], "EM's") + ".\n")
    return "\n".join(out)


def formulas_section(r) -> str:
    """The formulas that link EM to Bayes, with this data's numbers."""
    f = facts.formulas(r)
    o = r.options
    a, b = o.prior
    k = o.components
    hi = k - 1
    H, T = f["map_credited_heads"][hi], f["map_credited_tails"][hi]
    out = ["### The formulas that link EM to Bayes\n",
           "With H_k and T_k the heads and tails credited to coin k (each set's counts times its "
           "probability of coming from coin k):\n",
           "**EM's M-step is a posterior mode.** For MAP,\n",
           "theta_k = (H_k + a - 1) / (H_k + T_k + a + b - 2)\n",
           f"the mode of Beta(a + H_k, b + T_k). At the MAP it reproduces itself: for coin {hi}, "
           f"H = {H:.3f}, T = {T:.3f}, and ({H:.3f} + {a - 1:g}) / ({H:.3f} + {T:.3f} + "
           f"{a + b - 2:g}) = {f['map_mstep'][hi]:.4f}, the MAP theta_{hi} = "
           f"{f['map_theta'][hi]:.4f}. With a = b = 1 it is ML's heads over tosses.\n",
           "**Gibbs and VB keep the whole Beta.** Gibbs draws theta_k from Beta(a + H_k, b + T_k) "
           "with the counts of one draw of the hidden coins: in a sweep that draws each set's "
           "coin from its posterior probabilities, " + ", ".join(
               f"theta_{j} ~ Beta({a + f['gibbs_heads'][j]:g}, {b + f['gibbs_tails'][j]:g}) "
               f"({plural(f['gibbs_sets'][j], 'set')})" for j in range(k))
           + ". VB uses the expected counts instead: q(theta_k) = Beta(a + H_k, b + T_k) = "
           + ", ".join(f"Beta({A:.2f}, {B:.2f})" for A, B in zip(f["vb_alpha"], f["vb_beta"]))
           + ".\n",
           "**EM is VB with a point for theta.** Restrict q(theta) to a point mass and VB's "
           "E-step, which uses E[log theta] under q, becomes EM's, which uses log theta at the "
           "point; its M-step then returns the mode instead of the whole Beta.\n",
           "**What VB gives up.** For any q,\n",
           "log p(data) = ELBO(q) + KL(q || posterior)\n"]
    if f["log_evidence"] is not None:
        out.append(f"Here the ELBO is {f['elbo']:.4f} and the exact log evidence "
                   f"{f['log_evidence']:.4f}, so KL(q || posterior) = {f['kl']:.4f} nats: how far "
                   "the factorised q is from the posterior."
                   + (f" Part of it, up to log {int(np.prod(np.arange(1, k + 1)))} = "
                      f"{np.log(np.prod(np.arange(1, k + 1))):.3f}, is label symmetry: q sits on one "
                      "ordering of the coins, the unordered posterior on all of them."
                      if k > 1 else "") + "\n")
    else:
        out.append(f"Here the ELBO is {f['elbo']:.4f}; without an exact log evidence for "
                   f"K = {k} the gap is not known, only that it is not negative.\n")
    return "\n".join(out)


# ---------------------------------------------------------------- the posterior

def posterior_section(r, figs) -> str:
    from .sections import posterior as sec

    return blocks.section(sec.build(r, figs))


# ---------------------------------------------------------------- sets

def sets_section(r, figs) -> str:
    from .sections import sets as sec

    return blocks.section(sec.build(r, figs))


# ---------------------------------------------------------------- checks and take-aways

def checks_section(agreement) -> str:
    return blocks.section(sections_checks.build(agreement))


def takeaways(r) -> str:
    from .sections import takeaways as sec

    return blocks.section(sec.build(r))


def reproduce(r) -> str:
    return blocks.section(terms.reproduce(r))


def glossary(r) -> str:
    return blocks.section(terms.glossary(r))
