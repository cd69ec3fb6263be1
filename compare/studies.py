"""Studies: how ML, MAP and the posterior relate beyond one dataset.

    prior       MAP vs ML as a Beta prior grows stronger; MAP is not invariant to
                reparameterisation (the mode in log-odds space differs), the posterior is
    size        from 5 to 10,000 sets drawn from a known truth: the estimates converge, HDI width
                shrinks like 1/sqrt(sets), the Wald interval meets the HDI (Bernstein-von Mises)
    coverage    many replicate datasets: bias and RMSE of ML, MAP and the posterior mean, and
                the coverage of the 94% Wald interval and of the 94% HDI
    labels      the model without its ordering: chains swap labels while R-hat stays near 1
    components  K = 1, 2, 3: BIC from EM and PSIS-LOO from the posteriors

Every study reuses one compiled PyMC model per shape (data and prior are ``pm.Data``) and runs
its NUTS fits in threads (nutpie samples outside the GIL), one per core. Each returns a dict
for summary.json and a markdown section with its figures.
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

import bayes
import em
from bayes.grid import grid_posterior

from .data import simulate

NAMES = ("prior", "size", "coverage", "labels", "components")
DEFAULT_SIZES = (5, 20, 100, 1000, 10000)
DEFAULT_REPLICATES = 200
COVERAGE_SETS = 200


@dataclass(frozen=True)
class StudyArgs:
    names: tuple[str, ...]
    truth: tuple[float, ...]
    weights: tuple[float, ...]
    tosses: int
    replicates: int
    sizes: tuple[int, ...]
    seed: int
    prior: tuple[float, float]
    quick: bool


def parse_study_args(args, data, options) -> StudyArgs:
    """Validate the study flags (no PyMC import). Raises ValueError with one line."""
    names = tuple(args.study)
    if options.components != 2 and set(names) & {"prior", "size", "coverage", "labels"}:
        raise ValueError(f"--study {','.join(names)}: these study two coins; got --components "
                         f"{options.components}")
    if args.truth is not None:
        if len(args.truth) != 2:
            raise ValueError(f"--truth needs 2 values (two coins), got {len(args.truth)}")
        if len(set(args.truth)) != 2:
            raise ValueError(f"--truth values must differ, got {list(args.truth)}")
        truth = tuple(sorted(args.truth))
        weights = (0.5, 0.5)
    else:
        ml = em.fit(data.heads, data.tosses, components=2, weights=options.weights,
                    init=options.em_init)
        truth, weights = tuple(float(t) for t in ml.theta), tuple(float(w) for w in ml.weights)
        if min(truth) <= 0.01 or max(truth) >= 0.99 or truth[1] - truth[0] < 0.02:
            raise ValueError(f"the data's ML fit {list(np.round(truth, 4))} is too close to 0, 1 "
                             "or itself to serve as a truth; give --truth P1,P2")
    sizes = DEFAULT_SIZES
    if args.sizes is not None:
        try:
            sizes = tuple(int(s) for s in args.sizes.split(","))
        except ValueError:
            raise ValueError(f"--sizes: expected whole numbers separated by commas, got "
                             f"{args.sizes!r}") from None
        if not sizes or min(sizes) < 1 or max(sizes) > 10**6:
            raise ValueError(f"--sizes must lie between 1 and 1000000, got {args.sizes!r}")
    replicates = args.replicates or (40 if options.quick else DEFAULT_REPLICATES)
    if replicates > 10000:
        raise ValueError(f"--replicates must be at most 10000, got {replicates}")
    tosses = int(np.median(data.tosses))
    return StudyArgs(names, truth, weights, max(tosses, 2), replicates, sizes, options.seed,
                     tuple(options.prior), options.quick)


def run_studies(sa: StudyArgs, r, log=None):
    """Run the named studies; returns ({name: summary dict}, [markdown sections])."""
    log = log or (lambda stage, seconds: None)
    folder = Path(tempfile.mkdtemp(prefix="coinmix-studies-"))
    out, sections = {}, []
    try:
        for name in sa.names:
            t0 = time.perf_counter()
            result = STUDIES[name](sa, r, folder)
            result["seconds"] = time.perf_counter() - t0
            log(f"study {name}", result["seconds"])
            md = result.pop("markdown").replace("{seconds}", f"{result['seconds']:.1f}")
            sections.append({"markdown": md, "figures": result.pop("figure_paths")})
            out[name] = result
    except BaseException:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        raise
    return out, sections


# ---------------------------------------------------------------- helpers

def hdi(x, prob=0.94):
    """Shortest interval holding ``prob`` of the draws in x (1-D)."""
    s = np.sort(np.ravel(x))
    m = int(np.ceil(prob * s.size))
    widths = s[m - 1:] - s[:s.size - m + 1]
    i = int(np.argmin(widths))
    return float(s[i]), float(s[i + m - 1])


def _threads(fn, items):
    with ThreadPoolExecutor(max_workers=max(1, min(len(items), os.cpu_count() or 1))) as pool:
        return list(pool.map(fn, items))


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]) + "\n"


def _fig(name, folder):
    return folder / f"study_{name}.png"


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _embed(name, path, caption):
    return f"![{caption}](figures/{path.name})\n\n*{caption}*\n"


# ---------------------------------------------------------------- prior

def prior_study(sa, r, folder):
    """Beta(1 + s m, 1 + s (1 - m)) for growing strength s around the prior mean m."""
    h, n = r.data.heads, r.data.tosses
    a0, b0 = sa.prior
    m = a0 / (a0 + b0)
    strengths = (0, 2, 5, 10, 20, 50, 100, 300) if not sa.quick else (0, 5, 50)
    draws = 1000 if not sa.quick else 300
    init = r.options.em_init
    ml = em.fit(h, n, init=init)

    def one(item):
        i, s = item
        a, b = 1 + s * m, 1 + s * (1 - m)
        mp = em.fit(h, n, prior=(a, b), init=init)
        # the mode of the density of phi = logit(theta): p(theta) theta (1 - theta), i.e. MAP
        # in theta-space under Beta(a + 1, b + 1)
        logit_mode = em.fit(h, n, prior=(a + 1, b + 1), init=init)
        d = bayes.sample_draws(h, n, prior=(a, b), draws=draws, tune=500, chains=2,
                               seed=sa.seed + i, init=None if init is None else np.sort(init))
        th = d.theta.reshape(-1, 2)
        return {"strength": s, "prior": [a, b], "map": mp.theta.tolist(),
                "map_logit": logit_mode.theta.tolist(), "mean": th.mean(0).tolist(),
                "median": np.median(th, 0).tolist(),
                "median_via_logit": (1 / (1 + np.exp(-np.median(np.log(th / (1 - th)), 0)))).tolist(),
                "divergences": d.divergences}

    rows = _threads(one, list(enumerate(strengths)))
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    xs = np.array([row["strength"] for row in rows], float)
    xplot = np.where(xs == 0, 0.5, xs)
    for k, ax in enumerate(axes):
        ax.axhline(ml.theta[k], color="#d62728", lw=1, ls=":", label="ML (strength 0)")
        ax.axhline(m, color="0.5", lw=1, ls="--", label=f"prior mean {m:.2f}")
        ax.plot(xplot, [row["map"][k] for row in rows], "-o", color="#1f77b4", ms=4,
                label="EM-MAP (mode in theta)")
        ax.plot(xplot, [row["map_logit"][k] for row in rows], "-^", color="#17becf", ms=4,
                label="mode in log-odds")
        ax.plot(xplot, [row["mean"][k] for row in rows], "-s", color="#2ca02c", ms=4,
                label="posterior mean")
        ax.set(xscale="log", xlabel="prior strength s (a + b - 2; 0 plotted at 0.5)",
               ylabel=rf"$\theta_{k}$", title=rf"$\theta_{k}$ as the prior grows stronger")
        ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    path = _fig("prior", folder)
    fig.savefig(path, dpi=110)
    plt.close(fig)

    last = rows[-1]
    gap0 = [abs(rows[0]["map"][k] - rows[0]["map_logit"][k]) for k in range(2)]
    med_gap = max(abs(row["median"][k] - row["median_via_logit"][k]) for row in rows for k in range(2))
    merged = [row["strength"] for row in rows if abs(row["map"][0] - row["map"][1]) < 1e-3]
    expl = (f"At strength 0 the prior is flat and MAP is ML "
            f"({', '.join(f'{v:.4f}' for v in rows[0]['map'])}). As the prior grows, the estimates "
            f"end nearer the prior mean {m:.2f}: at strength {last['strength']:g} they reach "
            f"{', '.join(f'{v:.3f}' for v in last['map'])} (MAP) and "
            f"{', '.join(f'{v:.3f}' for v in last['mean'])} (posterior mean). ")
    for k in range(2):
        track = np.array([row["map"][k] for row in rows])
        dist = np.abs(track - m)
        if np.all(np.diff(dist) <= 1e-9):
            expl += f"MAP theta[{k}] moves steadily towards {m:.2f}. "
        else:
            j = int(np.argmax(dist))
            expl += (f"MAP theta[{k}] does not move steadily: it goes from {track[0]:.3f} to "
                     f"{track[j]:.3f} at strength {rows[j]['strength']:g} before ending at "
                     f"{track[-1]:.3f}, because the coins share the sets: as the prior pulls the "
                     "other coin in, this one is credited with different sets. ")
    if merged:
        expl += (f"From strength {merged[0]:g} on, the two MAP coins coincide: the prior pulls both "
                 "towards one value and the highest point of the posterior no longer tells the coins "
                 "apart, while the ordered posterior mean still keeps them apart. ")
    expl += (f"The mode depends on the coordinates: maximising the same posterior over log-odds "
             f"instead of probabilities moves it, even under the flat prior, by "
             f"{', '.join(f'{g:.4f}' for g in gap0)} (the Jacobian theta (1 - theta) is part of the "
             f"density in log-odds, so the log-odds mode is the theta-space MAP under Beta(a + 1, "
             f"b + 1)). The posterior itself does not depend on the coordinates: its median read in "
             f"log-odds and mapped back equals the median in probabilities (largest difference "
             f"{med_gap:.1e}), and the posterior mean of theta is one number, whichever coordinates "
             f"the sampler used. (Posterior means: NUTS, 2 chains x {draws} draws, Monte Carlo "
            f"error about 0.005; with equal priors the ordered model keeps theta_0 < theta_1 by "
            f"construction, so two means that stay apart do not by themselves show two coins.)")
    header = ["strength", "prior"] + [f"{w} theta[{k}]" for w in ("ML/MAP", "log-odds mode", "mean")
                                      for k in range(2)]
    table = [[f"{row['strength']:g}", f"Beta({row['prior'][0]:.3g}, {row['prior'][1]:.3g})"]
             + [f"{v:.4f}" for v in row["map"] + row["map_logit"] + row["mean"]] for row in rows]
    md = ("## Study: MAP versus ML as the prior grows ({seconds} s)\n\n"
          + _table(header, table) + "\n" + expl + "\n\n"
          + _embed("prior", path, "Study figure: EM-MAP, the log-odds mode and the posterior mean "
                   "as the prior grows stronger."))
    return {"table": rows, "explanation": expl, "prior_mean": m,
            "figure": f"figures/{path.name}", "figure_paths": {"study_prior": str(path)},
            "markdown": md}


# ---------------------------------------------------------------- size

def size_study(sa, r, folder):
    truth = np.asarray(sa.truth)
    z = stats.norm.ppf(0.97)

    def one(item):
        i, n_sets = item
        d = simulate(truth, sa.weights, n_sets, sa.tosses, seed=sa.seed + 1000 + i)
        ml = em.fit(d.heads, d.tosses, init=tuple(truth))
        mp = em.fit(d.heads, d.tosses, prior=sa.prior, init=tuple(truth))
        dr = bayes.sample_draws(d.heads, d.tosses, prior=sa.prior, draws=1000, tune=500,
                                chains=2, seed=sa.seed + i, init=truth)
        th = dr.theta.reshape(-1, 2)
        se = [None if s is None else float(s) for s in ml.std_error["theta"]]
        h = [hdi(th[:, k]) for k in range(2)]
        return {"sets": n_sets, "ml": ml.theta.tolist(), "map": mp.theta.tolist(),
                "mean": th.mean(0).tolist(), "sd": th.std(0, ddof=1).tolist(),
                "hdi_width": [hi - lo for lo, hi in h],
                "wald_width": [None if s is None else 2 * z * s for s in se],
                "divergences": dr.divergences}

    rows = _threads(one, list(enumerate(sa.sizes)))
    plt = _plt()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.8))
    ns = np.array([row["sets"] for row in rows], float)
    for k, c in ((0, "#1f77b4"), (1, "#d62728")):
        a1.axhline(truth[k], color=c, lw=0.8, ls=":")
        a1.plot(ns, [row["ml"][k] for row in rows], "o-", color=c, ms=4, label=f"ML theta[{k}]")
        a1.plot(ns, [row["map"][k] for row in rows], "s--", color=c, ms=4, mfc="none",
                label=f"MAP theta[{k}]")
        a1.plot(ns, [row["mean"][k] for row in rows], "^:", color=c, ms=4,
                label=f"posterior mean theta[{k}]")
        a2.loglog(ns, [row["hdi_width"][k] for row in rows], "o-", color=c, label=f"HDI theta[{k}]")
        wald = [row["wald_width"][k] for row in rows]
        ok = [w is not None for w in wald]
        a2.loglog(ns[ok], [w for w in wald if w is not None], "s--", color=c, mfc="none",
                  label=f"Wald theta[{k}]")
    ref = rows[-1]["hdi_width"][1] * np.sqrt(ns[-1] / ns)
    a2.loglog(ns, ref, color="0.6", lw=1, label=r"slope $-1/2$")
    a1.set(xscale="log", xlabel="sets", ylabel="estimate", title="Estimates converge to the truth (dotted)")
    a2.set(xlabel="sets", ylabel="94% interval width", title="Widths shrink like 1/sqrt(sets)")
    a1.legend(fontsize=6, ncol=2)
    a2.legend(fontsize=7)
    fig.tight_layout()
    path = _fig("size", folder)
    fig.savefig(path, dpi=110)
    plt.close(fig)

    slope = [float(np.polyfit(np.log(ns[ns >= 20]), np.log([row["hdi_width"][k] for row in rows
                                                             if row["sets"] >= 20]), 1)[0])
             if np.sum(ns >= 20) >= 2 else None for k in range(2)]
    ratios = [[None if row["wald_width"][k] is None else row["wald_width"][k] / row["hdi_width"][k]
               for k in range(2)] for row in rows]
    spread = [max(abs(row["ml"][k] - row["mean"][k]) for k in range(2)) for row in rows]
    expl = (f"Data drawn from theta = {truth[0]:.3f}, {truth[1]:.3f} (weights "
            f"{sa.weights[0]:.2f}, {sa.weights[1]:.2f}), {sa.tosses} tosses per set. "
            f"The largest gap between ML and the posterior mean falls from {spread[0]:.3f} at "
            f"{rows[0]['sets']} sets to {spread[-1]:.4f} at {rows[-1]['sets']}. "
            + (f"HDI width falls with slope {slope[0]:.2f} and {slope[1]:.2f} on log-log axes, "
               "fitted over the sizes from 20 sets up (1/sqrt(sets) is -0.5). "
               if slope[0] is not None else "")
            + f"The Wald/HDI width ratio goes from "
            f"{', '.join('n/a' if v is None else f'{v:.2f}' for v in ratios[0])} to "
            f"{', '.join('n/a' if v is None else f'{v:.2f}' for v in ratios[-1])}: as the data "
            "grow, the posterior becomes the Gaussian centred at ML with the inverse "
            "information as variance (Bernstein-von Mises), so the two intervals meet and the "
            "prior stops mattering.")
    header = ["sets"] + [f"{w} theta[{k}]" for w in ("ML", "MAP", "mean") for k in range(2)] + \
             [f"HDI width [{k}]" for k in range(2)] + [f"Wald / HDI [{k}]" for k in range(2)]
    table = [[row["sets"]] + [f"{v:.4f}" for v in row["ml"] + row["map"] + row["mean"]]
             + [f"{v:.4f}" for v in row["hdi_width"]]
             + ["n/a" if v is None else f"{v:.2f}" for v in rat] for row, rat in zip(rows, ratios)]
    md = ("## Study: more data ({seconds} s)\n\n" + _table(header, table) + "\n" + expl + "\n\n"
          + _embed("size", path, "Study figure: estimates and interval widths as the number of "
                   "sets grows."))
    return {"truth": truth.tolist(), "weights": list(sa.weights), "tosses": sa.tosses,
            "table": rows, "width_ratio": ratios, "hdi_slope": slope, "explanation": expl,
            "figure": f"figures/{path.name}", "figure_paths": {"study_size": str(path)},
            "markdown": md}


# ---------------------------------------------------------------- coverage

def coverage_study(sa, r, folder, n_sets=None):
    truth = np.asarray(sa.truth)
    n_sets = n_sets or (50 if sa.quick else COVERAGE_SETS)
    z = stats.norm.ppf(0.97)

    def one(i):
        d = simulate(truth, sa.weights, n_sets, sa.tosses, seed=sa.seed + 50_000 + i)
        ml = em.fit(d.heads, d.tosses, init=tuple(truth), restarts=2)
        mp = em.fit(d.heads, d.tosses, prior=sa.prior, init=tuple(truth), restarts=2)
        dr = bayes.sample_draws(d.heads, d.tosses, prior=sa.prior, draws=1000, tune=500,
                                chains=2, seed=sa.seed + i, init=truth)
        th = dr.theta.reshape(-1, 2)
        se = ml.std_error["theta"]
        wald = [None if s is None else bool(abs(ml.theta[k] - truth[k]) <= z * s)
                for k, s in enumerate(se)]
        hd = [hdi(th[:, k]) for k in range(2)]
        return {"ml": ml.theta.tolist(), "map": mp.theta.tolist(), "mean": th.mean(0).tolist(),
                "wald_covers": wald, "hdi_covers": [lo <= t <= hi for (lo, hi), t in zip(hd, truth)],
                "divergences": dr.divergences}

    reps = _threads(one, list(range(sa.replicates)))
    R = len(reps)
    stats_rows = []
    for k in range(2):
        for est in ("ml", "map", "mean"):
            e = np.array([rep[est][k] for rep in reps]) - truth[k]
            bias, rmse = e.mean(), np.sqrt(np.mean(e ** 2))
            stats_rows.append({"parameter": f"theta[{k}]", "estimator": est, "bias": float(bias),
                               "bias_se": float(e.std(ddof=1) / np.sqrt(R)), "rmse": float(rmse),
                               "rmse_se": float(np.std(e ** 2, ddof=1) / np.sqrt(R) / (2 * rmse))})
    cover = []
    for k in range(2):
        for kind in ("wald", "hdi"):
            vals = [rep[f"{kind}_covers"][k] for rep in reps if rep[f"{kind}_covers"][k] is not None]
            p = float(np.mean(vals)) if vals else None
            cover.append({"parameter": f"theta[{k}]", "interval": kind, "coverage": p,
                          "mc_se": None if p is None else float(np.sqrt(0.94 * 0.06 / len(vals))),
                          "replicates": len(vals)})
    plt = _plt()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.6))
    labels = [f"{row['estimator']}\n{row['parameter']}" for row in stats_rows]
    x = np.arange(len(stats_rows))
    a1.errorbar(x - 0.1, [row["bias"] for row in stats_rows], yerr=[2 * row["bias_se"] for row in stats_rows],
                fmt="o", label="bias ± 2 MC se")
    a1.errorbar(x + 0.1, [row["rmse"] for row in stats_rows], yerr=[2 * row["rmse_se"] for row in stats_rows],
                fmt="s", label="RMSE ± 2 MC se")
    a1.axhline(0, color="0.5", lw=0.8)
    a1.set_xticks(x, labels, fontsize=7)
    a1.set(title=f"{R} datasets of {n_sets} sets", ylabel="error")
    a1.legend(fontsize=7)
    xc = np.arange(len(cover))
    a2.errorbar(xc, [c["coverage"] if c["coverage"] is not None else np.nan for c in cover],
                yerr=[2 * (c["mc_se"] or 0) for c in cover], fmt="o")
    a2.axhline(0.94, color="#2ca02c", lw=1, ls="--", label="nominal 94%")
    a2.set_xticks(xc, [f"{c['interval']}\n{c['parameter']}" for c in cover], fontsize=7)
    a2.set(ylim=(0.6, 1.0), ylabel="coverage", title="Coverage of 94% intervals (± 2 MC se)")
    a2.legend(fontsize=7)
    fig.tight_layout()
    path = _fig("coverage", folder)
    fig.savefig(path, dpi=110)
    plt.close(fig)

    far = [c for c in cover if c["coverage"] is not None and abs(c["coverage"] - 0.94) > 3 * c["mc_se"]]
    best = min(stats_rows, key=lambda row: row["rmse"])
    expl = (f"{R} datasets of {n_sets} sets from theta = {truth[0]:.3f}, {truth[1]:.3f}. Lowest RMSE: "
            f"{best['estimator']} for {best['parameter']} ({best['rmse']:.4f}). Coverage of the "
            "94% intervals: " + ", ".join(
                f"{c['interval']} {c['parameter']} {c['coverage']:.3f} ± {c['mc_se']:.3f}"
                for c in cover if c["coverage"] is not None) + ". "
            + ("All lie within 3 Monte Carlo standard errors of 94%." if not far else
               "Outside 3 Monte Carlo errors of 94%: " + ", ".join(f"{c['interval']} {c['parameter']}"
                                                                  for c in far)
               + " — with this few sets per dataset the Wald interval's Gaussian shape (or the "
               "prior's pull on the HDI) misses the truth more or less often than promised."))
    md = ("## Study: bias, error and coverage over replicate datasets ({seconds} s)\n\n"
          + _table(["parameter", "estimator", "bias", "RMSE"],
                   [[row["parameter"], row["estimator"], f"{row['bias']:+.4f} ± {row['bias_se']:.4f}",
                     f"{row['rmse']:.4f} ± {row['rmse_se']:.4f}"] for row in stats_rows]) + "\n"
          + _table(["parameter", "interval", "coverage", "MC se"],
                   [[c["parameter"], c["interval"], "n/a" if c["coverage"] is None else f"{c['coverage']:.3f}",
                     "n/a" if c["mc_se"] is None else f"{c['mc_se']:.3f}"] for c in cover])
          + "\n" + expl + "\n\n" + _embed("coverage", path, "Study figure: bias, RMSE and "
                                          "coverage over replicate datasets."))
    return {"truth": truth.tolist(), "sets": n_sets, "replicates": R, "estimators": stats_rows,
            "coverage": cover, "divergences": int(sum(rep["divergences"] for rep in reps)),
            "explanation": expl, "figure": f"figures/{path.name}",
            "figure_paths": {"study_coverage": str(path)}, "markdown": md}


# ---------------------------------------------------------------- labels

def labels_study(sa, r, folder):
    import arviz as az

    h, n = r.data.heads, r.data.tosses
    draws = 1000 if sa.quick else 2500
    init = np.array([0.45, 0.55])
    un = bayes.sample_draws(h, n, prior=sa.prior, draws=draws, tune=1000, chains=4,
                            seed=sa.seed, init=init, ordered=False, cores=2)
    od = bayes.sample_draws(h, n, prior=sa.prior, draws=draws, tune=1000, chains=4,
                            seed=sa.seed, init=init, ordered=True, cores=2)
    th = un.theta
    swapped = (th[..., 0] > th[..., 1])                      # (chain, draw)
    switches = np.abs(np.diff(swapped.astype(int), axis=1)).sum(axis=1)
    rhat_un = az.rhat(un.tree["posterior"]["theta"]).values.tolist()
    rhat_od = az.rhat(od.tree["posterior"]["theta"]).values.tolist()
    mean_un = th.reshape(-1, 2).mean(0)
    mean_od = od.theta.reshape(-1, 2).mean(0)
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    for c in range(th.shape[0]):
        axes[0].plot(th[c, :400, 0], lw=0.6, label=f"chain {c}")
    axes[0].set(xlabel="draw", ylabel=r"$\theta_0$ (unordered)", title="Traces: labels swap")
    axes[0].legend(fontsize=7)
    axes[1].hist(th[..., 0].ravel(), bins=60, density=True, alpha=0.5, label=r"$\theta_0$")
    axes[1].hist(th[..., 1].ravel(), bins=60, density=True, alpha=0.5, label=r"$\theta_1$")
    axes[1].set(xlabel="theta", title="Unordered: both marginals bimodal")
    axes[1].legend(fontsize=7)
    axes[2].hist(od.theta[..., 0].ravel(), bins=60, density=True, alpha=0.5, label=r"$\theta_0$")
    axes[2].hist(od.theta[..., 1].ravel(), bins=60, density=True, alpha=0.5, label=r"$\theta_1$")
    axes[2].set(xlabel="theta", title="Ordered model: one coin each")
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    path = _fig("labels", folder)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    share = swapped.mean(axis=1)
    both = bool(np.all(np.minimum(share, 1 - share) > 0.05))
    rmax = max(rhat_un)
    expl = (f"Without the ordering the coins' names are arbitrary: the posterior has two mirror "
            f"images. The chains switched labels {', '.join(str(int(s)) for s in switches)} times; "
            f"the share of draws with theta_0 > theta_1 per chain is "
            f"{', '.join(f'{v:.0%}' for v in share)}. ")
    if both:
        expl += (f"Every chain visits both images, so the chains agree with one another and R-hat "
                 f"reads {', '.join(f'{v:.3f}' for v in rhat_un)}: "
                 + ("no alarm, " if rmax <= 1.01 else "")
                 + f"yet the posterior means {', '.join(f'{v:.3f}' for v in mean_un)} average the "
                 "two coins into one and describe neither. ")
    else:
        expl += (f"Some chains stayed in one image; R-hat reads "
                 f"{', '.join(f'{v:.3f}' for v in rhat_un)}"
                 + (" and flags it. " if rmax > 1.01 else ", and does not flag it. ")
                 + f"The pooled means {', '.join(f'{v:.3f}' for v in mean_un)} mix the two coins. ")
    expl += (f"The ordered model (theta_0 < theta_1) keeps one image: means "
             f"{', '.join(f'{v:.3f}' for v in mean_od)}, R-hat {', '.join(f'{v:.3f}' for v in rhat_od)}.")
    md = ("## Study: label switching ({seconds} s)\n\n" + expl + "\n\n"
          + _embed("labels", path, "Study figure: the unordered model's chains swap labels; the "
                   "ordered model's do not."))
    return {"switches_per_chain": switches.tolist(), "share_swapped": float(swapped.mean()),
            "r_hat_unordered": rhat_un, "r_hat_ordered": rhat_od, "mean_unordered": mean_un.tolist(),
            "mean_ordered": mean_od.tolist(), "divergences": [un.divergences, od.divergences],
            "explanation": expl, "figure": f"figures/{path.name}",
            "figure_paths": {"study_labels": str(path)}, "markdown": md}


# ---------------------------------------------------------------- components

def components_study(sa, r, folder):
    import arviz as az
    import xarray as xr

    from bayes.pairs import compress
    from bayes.posterior import pointwise_log_likelihood

    h, n = r.data.heads, r.data.tosses
    weights = r.options.weights
    rows = []
    for k in (1, 2, 3):
        ml = em.fit(h, n, components=k, weights=weights, restarts=8, seed=sa.seed)
        p = k + (k - 1 if weights == "learned" else 0)
        bic = -2 * ml.log_likelihood + p * np.log(r.data.n_sets)
        d = bayes.sample_draws(h, n, components=k, weights=weights, prior=sa.prior,
                               draws=1000, tune=1000, chains=4, seed=sa.seed, cores=2)
        pairs = compress(h, n)
        ll = pointwise_log_likelihood(pairs, d.theta, d.weights)
        tree = d.tree.copy()
        tree["log_likelihood"] = xr.Dataset({"sets": (("chain", "draw", "set"), ll)})
        loo = az.loo(tree)
        pk = np.asarray(loo.pareto_k).ravel()
        rows.append({"components": k, "parameters": p, "log_likelihood": float(ml.log_likelihood),
                     "bic": float(bic), "elpd_loo": float(loo.elpd), "elpd_loo_se": float(loo.se),
                     "p_loo": float(loo.p), "max_pareto_k": float(np.max(pk)),
                     "divergences": d.divergences})
    k_bic = min(rows, key=lambda row: row["bic"])["components"]
    k_loo = max(rows, key=lambda row: row["elpd_loo"])["components"]
    best = max(row["elpd_loo"] for row in rows)
    close = [row["components"] for row in rows if best - row["elpd_loo"] <= 2 * row["elpd_loo_se"]]
    expl = (f"BIC (lower is better) picks K = {k_bic}; PSIS-LOO (higher elpd is better) picks "
            f"K = {k_loo}" + (" — they agree." if k_bic == k_loo else " — they disagree.")
            + f" Within two standard errors of the best elpd: K = {', '.join(map(str, close))}"
            + (f": with {r.data.n_sets} sets the data cannot tell these apart." if len(close) > 1
               else ".") + " BIC charges log(sets) per parameter; LOO asks how well each set is "
            "predicted by the others, averaging over the posterior instead of plugging in ML.")
    if any(row["max_pareto_k"] > 0.7 for row in rows):
        expl += " Some Pareto k exceed 0.7: the LOO estimate is unreliable for those K."
    md = ("## Study: how many coins? ({seconds} s)\n\n"
          + _table(["K", "parameters", "log-likelihood (ML)", "BIC", "elpd LOO", "se", "p_loo",
                    "max Pareto k"],
                   [[row["components"], row["parameters"], f"{row['log_likelihood']:.3f}",
                     f"{row['bic']:.2f}", f"{row['elpd_loo']:.2f}", f"{row['elpd_loo_se']:.2f}",
                     f"{row['p_loo']:.2f}", f"{row['max_pareto_k']:.2f}"] for row in rows])
          + "\n" + expl + "\n")
    return {"table": rows, "k_bic": k_bic, "k_loo": k_loo, "agree": k_bic == k_loo,
            "explanation": expl, "figure_paths": {}, "markdown": md}


STUDIES = {"prior": prior_study, "size": size_study, "coverage": coverage_study,
           "labels": labels_study, "components": components_study}
