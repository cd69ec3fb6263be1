"""report.md, written from the run's numbers: every sentence that states a fact computes it.

Phrases that depend on a comparison (agree or differ, wider or narrower, pulled up or down)
are chosen by that comparison; values the paper reports are quoted beside ours only when the
data and starting values are the paper's own.
"""

from __future__ import annotations

import numpy as np

from .markdown import embed, number_figures, table
from .rungs import RUNGS, marginal_peaks, skewness, z_value

PAPER = {"heads": [5, 9, 8, 4, 7], "tosses": [10] * 5, "init": (0.6, 0.5)}


def f4(x):
    return "n/a" if x is None else f"{x:.4f}"


def f2(x):
    return "n/a" if x is None else f"{x:.2f}"


def vec(xs, fmt=f4):
    return ", ".join(fmt(x) for x in xs)


def is_paper(r) -> bool:
    return (r.data.heads.tolist() == PAPER["heads"] and r.data.tosses.tolist() == PAPER["tosses"]
            and r.options.components == 2 and r.options.weights == "fixed"
            and tuple(r.options.em_init or ()) == PAPER["init"])


def report_markdown(r, agreement, rows, first, iters, three, figs, study_sections) -> str:
    parts = [header(r, agreement), in_short(r, agreement), worked_example(r, first, iters, figs),
             ladder_section(r, rows, three, figs), posterior_section(r, figs),
             sets_section(r, figs), checks_section(agreement), takeaways(r, agreement)]
    parts += [s.markdown for s in study_sections]
    parts.append(glossary(r.options.hdi_prob))
    parts.append(reproduce(r))
    return number_figures("\n".join(p for p in parts if p))


def _naming(r) -> str:
    """How the worked example's coin letters map onto the ordered coin numbers."""
    init = r.options.em_init
    if init is None:
        return ""
    from .worked import coin_names

    names = coin_names(len(init))
    final = {}
    path = r.plain["ml"].history
    # the coin started at init[j] ends as the component whose path starts there
    for j, v in enumerate(init):
        comp = int(np.argmin(np.abs(np.asarray(path[0].theta) - v)))
        final[names[j]] = comp
    return (" In the worked example the coins keep the paper's letters: "
            + ", ".join(f"coin {ltr} (started at {v:g}) is coin {final[ltr]}"
                        for ltr, v in zip(names, init)) + ".")


def header(r, agreement) -> str:
    d, o = r.data, r.options
    w = "equal, fixed" if o.weights == "fixed" else f"learned, Dirichlet({o.dirichlet:g})"
    out = [f"# Which coin? EM and the full posterior on `{d.name}`\n",
           f"{d.n_sets} set{'s' if d.n_sets != 1 else ''}, {int(d.tosses.sum())} tosses, {int(d.heads.sum())} heads "
           f"({d.heads.sum() / d.tosses.sum():.1%}); K = {o.components} coins with {w} weights; "
           f"Beta({o.prior[0]:g}, {o.prior[1]:g}) prior on every theta. Coins are numbered by "
           "their heads probability: coin 0 shows heads least often." + _naming(r) + "\n"]
    warns = r.warnings()
    diag = r.nuts.diagnostics
    if warns or diag["divergences"] or r.notes:
        out.append("> **Read this first.**")
        for x in warns + r.notes:
            out.append(f"> - {x}")
        out.append("")
    else:
        out.append(f"Sampler health: {diag['chains']} chains x {diag['draws']} draws, max R-hat "
                   f"{f4(diag['r_hat_max'])}, min bulk ESS {diag['ess_bulk_min']:.0f}, "
                   f"{diag['divergences']} divergences: nothing to warn about.\n")
    return "\n".join(out)


def in_short(r, agreement) -> str:
    o, k = r.options, r.options.components
    post = r.nuts.posterior["theta"]
    a, b = o.prior
    lines = ["## In short\n"]
    lines.append(
        f"- **Maximum likelihood** (EM, {r.ml.iterations} iterations): theta = "
        f"{vec(r.ml.theta)}, the values that make these tosses most probable.")
    shift = np.asarray(r.map.theta) - np.asarray(r.ml.theta)
    prior_mean = a / (a + b)
    toward = np.sign(shift) == np.sign(prior_mean - np.asarray(r.ml.theta))
    moves = []
    for i in range(k):
        moves.append(f"coin {i} by {shift[i]:+.4f} ({'towards' if toward[i] else 'away from'} "
                     f"{prior_mean:.2f})")
    lines.append(
        f"- **MAP** (EM with a Beta({a:g}, {b:g}) prior on each theta, mean {prior_mean:.2f}): "
        f"theta = {vec(r.map.theta)}. The prior moves " + ", ".join(moves) + "."
        + ("" if toward.all() else " A coin can move away from the prior mean because the coins "
           "share the sets: pulling one coin's bias changes which sets the other is credited with."))
    lines.append(
        f"- **The posterior** (PyMC, NUTS): mean {vec(post['mean'])}, sd {vec(post['sd'])}, "
        f"{post['hdi_prob']:.0%} HDI "
        + "; ".join(f"[{lo:.3f}, {hi:.3f}]" for lo, hi in zip(post["hdi_low"], post["hdi_high"]))
        + ".")
    if r.exact is not None:
        lines.append(f"- **Exact** ({r.exact['method']}): mean {vec(r.exact['theta']['mean'])}, "
                     f"sd {vec(r.exact['theta']['sd'])}.")
    n_ok = sum(c["agree"] for c in agreement)
    differ = [c["check"] for c in agreement if not c["agree"]]
    lines.append(f"\nOf {len(agreement)} agreement checks, {n_ok} agree"
                 + (". Where they differ: " + "; ".join(differ) + " (see below for why)."
                    if differ else "."))
    width = np.asarray(post["hdi_high"]) - np.asarray(post["hdi_low"])
    lines.append(f"\nThe point estimates are {'close' if np.max(np.abs(shift)) < 0.5 * min(post['sd']) else 'far apart'}"
                 f" compared with the posterior's spread: the HDIs are {vec(width, lambda x: f'{x:.2f}')} "
                 f"wide, so with {r.data.n_sets} sets the data leave each coin's bias uncertain by "
                 "that much, whatever single number one reports.\n")
    return "\n".join(lines)


def worked_example(r, first, iters, figs) -> str:
    coins = first["coins"]
    k = len(coins)
    out = ["## The worked example, step by step\n"]
    init_txt = ", ".join(f"theta_{c} = {v:g}" for c, v in zip(coins, first["init"]))
    out.append(f"Start from {init_txt}, with equal weights. **E-step**: for each set, how likely "
               "is each coin to have produced it? **M-step**: credit each coin with that share of "
               "the set's heads and tails, and re-estimate each theta as credited heads over "
               "credited tosses.\n")
    if r.data.n_sets <= 30:
        header = ["set", "heads", "tails"] + [f"P({c})" for c in coins]
        for c in coins:
            header += [f"{c} heads", f"{c} tails"]
        rows = []
        p, eh, et = (np.asarray(first[x]) for x in ("probability", "expected_heads", "expected_tails"))
        for i in range(len(first["heads"])):
            row = [i + 1, first["heads"][i], first["tails"][i]] + [f"{v:.2f}" for v in p[i]]
            for j in range(k):
                row += [f"{eh[i, j]:.1f}", f"{et[i, j]:.1f}"]
            rows.append(row)
        tot = ["**total**", "", ""] + [""] * k
        for j in range(k):
            tot += [f"**{first['total_heads'][j]:.1f}**", f"**{first['total_tails'][j]:.1f}**"]
        rows.append(tot)
        out.append(table(header, rows))
        out.append("(Entries are rounded; totals and new estimates use the unrounded values.)\n")
    h0, t0 = first["heads"][0], first["tails"][0]
    p0 = first["probability"][0]
    out.append(
        (f"Set 1 ({h0} heads, {t0} tails)" if first["rows"] == "sets" else
         f"Each of the {first['count'][0]} sets with {h0} heads and {t0} tails") + f": P({coins[0]}) = {p0[0]:.2f}, so coin {coins[0]} is credited "
        f"{p0[0]:.2f} x {h0} = {p0[0] * h0:.1f} heads and {p0[0] * t0:.1f} tails. After one "
        "iteration: " + ", ".join(f"theta_{c} = {first['total_heads'][j]:.1f} / "
                                  f"({first['total_heads'][j]:.1f} + {first['total_tails'][j]:.1f})"
                                  f" = {v:.2f}" for j, (c, v) in enumerate(zip(coins, first["new_theta"])))
        + (" — the paper's 0.71 and 0.58." if is_paper(r) else ".") + "\n")

    rows_it = iters["rows"]
    show = rows_it if len(rows_it) <= 25 else rows_it[:13] + [None] + rows_it[-3:]
    cells = []
    for row in show:
        if row is None:
            cells.append(["..."] + [""] * (k + 1))
        else:
            cells.append([row["iteration"]] + [f"{v:.4f}" for v in row["theta"]]
                         + [f"{row['objective']:.6f}"])
    out.append("Repeating the two steps (maximum likelihood):\n")
    out.append(table(["iteration"] + [f"theta_{c}" for c in coins] + ["log-likelihood"], cells))
    if len(rows_it) > 10:
        ten = rows_it[10]["theta"]
        out.append("After ten iterations: " + ", ".join(f"theta_{c} = {v:.2f}" for c, v in zip(coins, ten))
                   + (" (the paper: 0.80 and 0.52)" if is_paper(r) else "") + ". ")
    fin = rows_it[-1]["theta"]
    out.append(f"EM {'converged' if iters['converged'] else 'stopped without converging'} after "
               f"{iters['iterations']} iterations at " + ", ".join(f"theta_{c} = {v:.4f}" for c, v in zip(coins, fin))
               + ". The log-likelihood rose at every step, as EM guarantees (converged: the "
               f"change fell below {r.options.tol:g} x |log-likelihood|).\n")
    if r.known is not None:
        kn = r.known
        out.append("With the coins known, no EM is needed: " + ", ".join(
            f"coin {c}: {h} / {n} = {h / n:.2f}" for c, h, n in zip(kn["coins"], kn["heads"], kn["tosses"]))
            + ".\n")
    for name, caption in (("em_path", "EM's path on the log-likelihood surface, from the "
                           "start (square) to the maxima (stars); MAP climbs the log-posterior "
                           "instead, so it stops elsewhere. The surface is symmetric about the "
                           "diagonal: swapping the coins' names changes nothing, which is why the "
                           "models order the coins."),
                          ("objective", "The objective per iteration never decreases; "
                           "on the right, its distance to the final value shrinks geometrically "
                           "(a straight line on a log scale).")):
        if name in figs:
            out.append(embed(name, figs[name], caption))
    return "\n".join(out)


def ladder_section(r, rows, three, figs) -> str:
    o = r.options
    out = ["## From EM to the full posterior, one step at a time\n",
           table(["method", "hidden coins z", "theta (and weights)"],
                  [[x.label, x.hidden_coins, x.thetas] for x in RUNGS])]
    header = ["method", "parameter", "mean or point", "sd", f"{o.hdi_prob:.0%} interval", "kind",
              "sd / exact sd"]
    cells = [[x["method"], x["parameter"], f4(x["mean"]), f4(x["sd"]),
              "n/a" if x["low"] is None else f"[{x['low']:.3f}, {x['high']:.3f}]", x["interval"],
              f2(x["sd_ratio"])] for x in rows]
    out.append(table(header, cells))
    # text per rung, from the numbers
    def get(method, param="theta[0]"):
        return next((x for x in rows if x["method"] == method and x["parameter"] == param), None)

    k = o.components
    lines = []
    ml0 = [get("EM (ML)", f"theta[{i}]") for i in range(k)]
    lines.append("- **EM, ML → MAP.** Adding the prior moves the point from "
                 f"{vec([x['mean'] for x in ml0])} to {vec([get('EM (MAP)', f'theta[{i}]')['mean'] for i in range(k)])}; "
                 "ML ignores the prior altogether. Both are single points; their sds are only the "
                 "curvature at the peak (Wald/Laplace).")
    vb_r = [get("variational Bayes", f"theta[{i}]") for i in range(k)]
    if r.exact is not None:
        short = [100 * (1 - x["sd_ratio"]) for x in vb_r]
        lines.append("- **VB.** Keep the E-step, but let theta be a distribution: q(theta_k) = "
                     "Beta. The means land at " + vec([x["mean"] for x in vb_r])
                     + ", but the sds are " + ", ".join(f"{s:.0f}% {'smaller' if s > 0 else 'larger'}" for s in short)
                     + " than the exact ones: mean-field VB treats the coins' identities and "
                     "their biases as independent, and so misses part of the uncertainty.")
    g = [get("Gibbs", f"theta[{i}]") for i in range(k)]
    nu = [get("NUTS", f"theta[{i}]") for i in range(k)]
    gm = r.gibbs.posterior["theta"]["mcse_mean"]
    nm = r.nuts.posterior["theta"]["mcse_mean"]
    z = [abs(a["mean"] - b["mean"]) / np.hypot(x, y) for a, b, x, y in zip(g, nu, gm, nm)]
    lines.append("- **Gibbs.** Replace both averages by draws: each sweep gives every set wholly "
                 "to one coin, then draws each theta from its Beta. Means "
                 f"{vec([x['mean'] for x in g])} vs NUTS {vec([x['mean'] for x in nu])}: "
                 f"{vec(z, lambda v: f'{v:.1f}')} combined Monte Carlo errors apart, "
                 + ("i.e. the same posterior." if max(z) <= 4 else "more than Monte Carlo error explains."))
    if r.exact is not None:
        lines.append("- **NUTS and the exact grid.** Summing the coins out leaves a smooth "
                     "posterior in theta alone; NUTS samples it, the grid integrates it: sd ratios "
                     f"{vec([x['sd_ratio'] for x in nu], f2)}.")
    out.append("\n".join(lines) + "\n")
    if "ladder" in figs:
        cap = ("Every rung on one axis: the ML point with its Wald band, the MAP "
               "point, VB's Beta, the Gibbs and NUTS densities and the exact posterior.")
        out.append(embed("ladder", figs["ladder"], cap))
    if "bound" in figs:
        cap = ("Why EM never goes downhill. With the other coin held at its current "
               "value, the E-step builds a lower bound on the log-likelihood (dashed) that touches "
               "it at the current value; the M-step jumps to the bound's maximum, which can only "
               "be at least as high on the log-likelihood.")
        out.append(embed("bound", figs["bound"], cap))
    if three is not None:
        c = three["coins"]
        h = three["heads"]
        e, vb = three["em"], three["vb"]
        out.append(f"### The first step, three ways (set {three['set']}: {h} heads, {three['tails']} tails)\n")
        out.append(table(
            ["method", f"weight for coin {c[0]}", f"heads credited to {c[0]}", f"heads credited to {c[1]}"],
            [["EM", f"P = {e['probability'][0]:.3f}", f"{e['probability'][0]:.3f} x {h} = {e['credited_heads'][0]:.2f}",
              f"{e['credited_heads'][1]:.2f}"],
             ["Gibbs (one sweep)", f"P = {three['gibbs']['probability'][0]:.3f}",
              f"all {h} with probability {three['gibbs']['probability'][0]:.3f}, else 0",
              f"all {h} with probability {three['gibbs']['probability'][1]:.3f}, else 0"],
             ["VB", f"{vb['probability'][0]:.3f}", f"{vb['probability'][0]:.3f} x {h} = {vb['credited_heads'][0]:.2f}",
              f"{vb['credited_heads'][1]:.2f}"]]))
        out.append(
            f"VB starts from Beta factors with means {vec(three['init'], lambda v: f'{v:g}')}: "
            + ", ".join(f"q(theta_{ci}) = Beta({a:.1f}, {b:.1f})" for ci, a, b in zip(c, vb["alpha"], vb["beta"]))
            + f" (strength a + b + the tosses per coin, {r.data.tosses.sum()} / {len(c)}). Its weights "
            "use exp(h E[log theta] + t E[log(1 - theta)]) in place of theta^h (1 - theta)^t; by "
            "Jensen's inequality E[log theta] < log E[theta], by an amount set by each Beta factor, "
            f"so the weight for coin {c[0]} moves from EM's {e['probability'][0]:.3f} to "
            f"{vb['probability'][0]:.3f}.\n")
    return "\n".join(out)


def posterior_section(r, figs) -> str:
    post = r.nuts.posterior["theta"]
    skew = skewness(r.nuts)
    out = ["## The posterior\n"]
    peak, src = marginal_peaks(r)
    for i in range(r.options.components):
        gap = post["mean"][i] - peak[i]
        out.append(f"- theta[{i}]: posterior mean {post['mean'][i]:.4f}, median {post['median'][i]:.4f}, "
                   f"peak of its own curve {peak[i]:.4f} ({src}); skewness {skew[i]:+.2f}, so the "
                   f"mean lies {abs(gap):.4f} {'below' if gap < 0 else 'above'} that peak. MAP "
                   f"({r.map.theta[i]:.4f}) is the peak of the joint posterior of all thetas, "
                   "which need not coincide with the peaks of the single-coin curves.")
    th = r.nuts.theta_draws
    ordered = int(np.sum(np.all(np.diff(th, axis=-1) > 0, axis=-1)))
    chain = " < ".join(f"theta_{i}" for i in range(th.shape[-1])) if th.shape[-1] <= 3 else \
        f"theta_0 < ... < theta_{th.shape[-1] - 1}"
    out.append(f"- Ordering: {chain} holds in {ordered:,} of "
               f"{th.shape[0] * th.shape[1]:,} draws, so no draw has swapped labels.")
    out.append("")
    caps = {"marginals": "Marginal posteriors: NUTS draws (histogram), the exact density "
                         "(line), EM-ML, EM-MAP, the posterior mean and the HDI.",
            "joint": _joint_caption(r),
            "prior_posterior": "Prior and posterior. Ordering the coins turns the same "
                               "Beta prior into different priors per coin (the smallest and the "
                               "largest of the draws), which is what the ordered model uses."}
    for name, cap in caps.items():
        if name in figs:
            out.append(embed(name, figs[name], cap))
    return "\n".join(out)


def _joint_caption(r) -> str:
    th = r.nuts.theta_draws.reshape(-1, r.nuts.theta_draws.shape[-1])
    if th.shape[1] != 2:
        return "The joint posterior."
    corr = float(np.corrcoef(th[:, 0], th[:, 1])[0, 1])
    return (f"The joint posterior of the two coins: all of it lies above the diagonal "
            f"(the ordering theta_0 < theta_1), and the coins' correlation is {corr:+.2f}.")


def sets_section(r, figs) -> str:
    em_r = np.asarray(r.map.responsibilities)
    post = np.asarray(r.nuts.assignment_probability)
    k = r.options.components
    out = ["## Which coin tossed each set?\n",
           "EM-MAP's responsibilities (at the posterior mode) beside the posterior probabilities "
           "(the same formula averaged over the posterior draws); both use the same prior.\n"]
    if r.data.n_sets <= 30:
        header = ["set", "heads / tosses"] + [f"EM-MAP P(coin {j})" for j in range(k)] + \
                 [f"posterior P(coin {j})" for j in range(k)]
        if r.data.labels is not None:
            header.append("known coin")
        rows = []
        for i in range(r.data.n_sets):
            row = [i + 1, f"{r.data.heads[i]} / {r.data.tosses[i]}"] + [f"{v:.3f}" for v in em_r[i]] + \
                  [f"{v:.3f}" for v in post[i]]
            if r.data.labels is not None:
                row.append(r.data.labels[i])
            rows.append(row)
        out.append(table(header, rows))
    sharp_em = np.mean(np.max(em_r, axis=1))
    sharp_post = np.mean(np.max(post, axis=1))
    out.append(f"On average EM-MAP gives the most likely coin probability {sharp_em:.2f}, the "
               f"posterior {sharp_post:.2f}: " + ("the posterior is less certain, because it also "
                                                  "averages over its doubt about the coins' biases."
                                                  if sharp_post < sharp_em else
                                                  "the posterior is at least as certain here.") + "\n")
    out.append(predictive_check(r))
    if "assignment" in figs:
        cap = "EM-MAP responsibilities vs posterior assignment probabilities."
        out.append(embed("assignment", figs["assignment"], cap))
    return "\n".join(out)


def predictive_check(r) -> str:
    """Posterior predictive check: would the model produce data like these?"""
    tree = r.nuts.tree
    if "posterior_predictive" not in tree.children:
        return ("Posterior predictive check: skipped (too many sets to keep replicated data for "
                "each).\n")
    rep = np.asarray(tree["posterior_predictive"]["heads"].values, float)
    rep = rep.reshape(-1, rep.shape[-1])                          # (draws, sets)
    h, n = r.data.heads.astype(float), r.data.tosses.astype(float)
    prob = r.options.hdi_prob
    lo, hi = np.quantile(rep, [0.5 - prob / 2, 0.5 + prob / 2], axis=0)
    inside = int(np.sum((h >= lo) & (h <= hi)))
    spread_obs = np.var(h / n)
    spread_rep = np.var(rep / n, axis=1)
    p = float(np.mean(spread_rep >= spread_obs))
    return (f"**Posterior predictive check.** Replicating the data from posterior draws, "
            f"{inside} of {r.data.n_sets} sets fall inside their {prob:.0%} predictive interval of heads. "
            f"The spread of the heads proportions across sets (variance {spread_obs:.4f}) is "
            f"exceeded by {p:.0%} of the replicates (posterior predictive p-value "
            f"{p:.2f}); " + ("values near 0 or 1 would say the model cannot produce data like "
                             "these; this one does not." if 0.05 <= p <= 0.95 else
                             "this extreme value says the model rarely produces data this "
                             + ("spread out" if p < 0.05 else "uniform") + ".") + "\n")


def checks_section(agreement) -> str:
    rows = []
    for c in agreement:
        rows.append([c["check"], "n/a" if c["difference"] is None else f"{c['difference']:.2g}",
                     "n/a" if c["tolerance"] is None else f"{c['tolerance']:.2g}",
                     "agree" if c["agree"] else "**differ**"])
    out = ["## Where the methods agree, and why they differ\n",
           table(["check", "difference", "tolerance", "verdict"], rows)]
    for c in agreement:
        out.append(f"- **{c['check']}** — {c['explanation']}")
    return "\n".join(out) + "\n"


def takeaways(r, agreement) -> str:
    post = r.nuts.posterior["theta"]
    ml, mp = np.asarray(r.ml.theta), np.asarray(r.map.theta)
    mean, sd = np.asarray(post["mean"]), np.asarray(post["sd"])
    out = ["## What to take away\n"]
    out.append(f"- ML and MAP differ by at most {np.max(np.abs(ml - mp)):.3f}, MAP and the posterior "
               f"mean by at most {np.max(np.abs(mp - mean)):.3f}, while the posterior sd is "
               f"{vec(sd, lambda v: f'{v:.3f}')}: "
               + ("the choice of point estimate matters less than the uncertainty around it."
                  if np.max(np.abs(ml - mp)) < np.min(sd) else
                  "the prior matters here, because the data are few."))
    out.append("- EM finds a mode; the posterior also says how wide the plausible region is. The "
               "two meet when the data grow (see the `size` study).")
    if r.exact is not None:
        vb_short = 1 - np.asarray(r.vb.theta_sd) / np.asarray(r.exact["theta"]["sd"])
        out.append(f"- VB is as cheap as EM and gives distributions, but here its sds are "
                   f"{vec(100 * vb_short, lambda v: f'{v:.0f}%')} too small.")
    bad = [c for c in agreement if not c["agree"]]
    if bad:
        out.append("- Differences, each explained above: " + "; ".join(c["check"] for c in bad) + ".")
    return "\n".join(out) + "\n"


def reproduce(r) -> str:
    o = r.options
    v = r.versions
    cmd = r.command
    t = ", ".join(f"{k} {s:.1f} s" for k, s in r.timings.items())
    return ("## Reproduce\n\n"
            f"`{cmd}` (seed {o.seed}; {o.chains} chains x {o.draws} draws after {o.tune} warm-up, "
            f"target_accept {o.target_accept}). Data sha256 `{r.data.sha256[:16]}…`. "
            + ", ".join(f"{k} {val}" for k, val in v.items()) + f". Stage times: {t}.\n")


def glossary(prob: float) -> str:
    return GLOSSARY.replace("94%", f"{prob:.0%}").replace("1.88", f"{z_value(prob):.2f}")


GLOSSARY = """## Terms

- **ML / MAP**: the parameter values that maximise the likelihood / the posterior density. MAP is
  computed in the coins' own probabilities (no Jacobian), so it is the same number EM-MAP gives.
- **HDI**: highest-density interval, the narrowest interval holding 94% of the posterior (94% is
  ArviZ's convention, chosen to avoid suggesting a 95% test).
- **Wald / Laplace interval**: estimate +/- 1.88 standard errors, from the curvature of the
  log-likelihood at ML (Wald) or of the log-posterior at MAP (Laplace): a Gaussian approximation.
- **MCSE**: Monte Carlo standard error of a posterior mean, the error due to using finitely many
  draws. **ESS**: effective sample size, how many independent draws the correlated chain is worth.
  **R-hat**: compares chains; above 1.01 they have not settled on the same distribution.
- **Divergence**: a NUTS step that failed numerically; any divergence casts doubt on the draws.
- **Exact**: the posterior computed by quadrature on a fine grid (error below 1e-5 on the
  paper's data, checked against adaptive quadrature), the referee for the samplers.
- **Prior strength** (prior study): s = a + b - 2 for Beta(a, b) = Beta(1 + s m, 1 + s (1 - m)),
  m the prior mean; s = 0 is flat.
- **Gibbs labels**: the sampler draws unordered coins and sorts each draw by theta, which gives
  the ordered model's posterior exactly because the prior is the same for every coin.
- **Checks with tolerance 0 or n/a** (inside an HDI, diagnostics, known labels) test a condition,
  not a difference.
"""
