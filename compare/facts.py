"""The named quantities behind every sentence of the report.

Each function returns plain numbers computed from a run (compare.results.Run); the report's text
(compare.text) and checks (compare.checks) only phrase them, choosing words by the same numbers,
so a sentence can be tested by testing the quantity it names. Where a quantity comes from the
exact posterior (the grid for K = 2, the conjugate Beta for K = 1) it says so ("exact"); where
it comes from NUTS draws it says "NUTS".
"""

from __future__ import annotations

import weakref

import numpy as np
from scipy import stats

#: Monte Carlo tolerance: this many Monte Carlo standard errors (a correct sampler exceeds it in
#: about one comparison in 16,000); the checks and the words both read it here
MC_SIGMAS = 4.0
#: a gap of at most this many Monte Carlo standard errors is what chance alone usually gives
#: (about 95% of comparisons of a correct sampler); between it and MC_SIGMAS a check still passes,
#: but the words say that the gap is larger than chance usually gives
CHANCE_SIGMAS = 2.0
#: |difference| below this many posterior sds counts as small (the MAP-vs-mean check's tolerance)
SMALL_SD = 0.25
#: how far (in posterior sds) the peak of a smoothed density of sampler draws can be trusted
PEAK_OF_DRAWS_SD = 0.5
#: a check whose difference exceeds this share of its tolerance passes only "borderline"
BORDERLINE = 0.8
#: draws from the Laplace Gaussian used to measure what the ordering cuts off
LAPLACE_DRAWS = 400_000


_STORE: dict[int, dict] = {}


def _store(r) -> dict:
    """The facts computed for run ``r`` (kept beside it, dropped when the run is)."""
    key = id(r)
    if key not in _STORE:
        weakref.finalize(r, _STORE.pop, key, None)     # TypeError where r cannot be watched
        _STORE[key] = {}
    return _STORE[key]


def cached(fn):
    """Compute a fact once per run and arguments, however many sentences use it."""
    def wrapper(r, *args, **kwargs):
        try:
            store = _store(r)
        except TypeError:           # an object that cannot be watched (a test's stand-in)
            return fn(r, *args, **kwargs)
        key = (fn.__name__, args, tuple(sorted(kwargs.items())))
        if key not in store:
            store[key] = fn(r, *args, **kwargs)
        return store[key]
    wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
    return wrapper


# ---------------------------------------------------------------- one coin's marginal posterior

def _exact_marginal(x, density) -> dict:
    """Median, peak, skewness of a density on a uniform midpoint grid; the peak refined by a
    parabola through the highest cell and its neighbours. Its resolution is then taken as a
    tenth of a cell (on Saxony's posterior, 120 cells per axis, the refined peaks are within a
    25th of a cell of those of a grid four times finer), else one cell."""
    h = x[1] - x[0]
    p = density * h
    p = p / p.sum()
    mean = float(p @ x)
    sd = float(np.sqrt(p @ (x - mean) ** 2))
    skew = float(p @ (x - mean) ** 3) / sd ** 3
    cdf = np.concatenate([[0.0], np.cumsum(p)])
    edges = np.concatenate([[x[0] - h / 2], x + h / 2])
    median = float(np.interp(0.5, cdf, edges))
    i = int(np.argmax(density))
    peak, resolution = float(x[i]), float(h)
    if 0 < i < x.size - 1:
        y0, y1, y2 = density[i - 1:i + 2]
        curv = y0 - 2 * y1 + y2
        if curv < 0:
            peak, resolution = float(x[i] + 0.5 * h * (y0 - y2) / curv), float(h) / 10
    return {"mean": mean, "sd": sd, "median": median, "peak": peak, "skewness": skew,
            "resolution": resolution, "bump": _bump(x, density, i)}


def _bump(x, density, top) -> float | None:
    """Where a second bump or a shoulder sits beside the peak (None if the curve is a single
    smooth hill): a second local maximum above 2% of the peak, or a stretch where the density
    almost stops falling (|slope| under 15% of its largest) away from the peak."""
    d = density / density.max()
    big = d > 0.02
    local_max = np.flatnonzero((d[1:-1] > d[:-2]) & (d[1:-1] >= d[2:]) & big[1:-1]) + 1
    others = [j for j in local_max if abs(j - top) > 2]
    if others:
        return float(x[max(others, key=lambda j: d[j])])
    slope = np.gradient(d, x)
    steep = np.max(np.abs(slope))
    width = np.sqrt(np.sum(d * (x - x[top]) ** 2) / np.sum(d))
    flat = np.flatnonzero((np.abs(slope) < 0.15 * steep) & (d > 0.1)
                          & (np.abs(x - x[top]) > 1.0 * width))
    interior = [j for j in flat if 0 < j < x.size - 1
                and abs(slope[j]) <= abs(slope[j - 1]) and abs(slope[j]) <= abs(slope[j + 1])]
    return float(x[interior[0]]) if interior else None


@cached
def marginals(r) -> list[dict]:
    """Per coin: mean, sd, median, peak, skewness of theta's own marginal, each with its source,
    and the digits the peak is resolved to."""
    post = r.sampler.posterior["theta"]
    draws = r.sampler.theta_draws.reshape(-1, r.options.components)
    out = []
    for i in range(r.options.components):
        if r.grid is not None:
            m = r.grid.theta[i]
            row = _exact_marginal(m.x, m.density)
            source = "exact"
        elif r.exact is not None:                     # K = 1: the conjugate Beta
            e = r.exact["theta"]
            ex = r.results["exact"]
            x, dens = ex.densities["theta"][i]
            row = _exact_marginal(x, dens)
            row.update(mean=e["mean"][i], sd=e["sd"][i], median=e["median"][i],
                       peak=e["mode"][i], resolution=0.0)
            source = "exact"
        else:
            xs = draws[:, i]
            # the peak of a smoothed density of a few thousand draws is off by up to about the
            # smoothing bandwidth (Scott's: a fifth of an sd; 0.2 sd was seen against a K = 3
            # grid): claims about it are made only beyond half an sd
            row = {"mean": post["mean"][i], "sd": post["sd"][i], "median": post["median"][i],
                   "peak": post["mode"][i], "skewness": float(stats.skew(xs)),
                   "resolution": PEAK_OF_DRAWS_SD * float(post["sd"][i]), "bump": None}
            source = "NUTS"
        digits = 4 if row["resolution"] < 1e-4 else 3 if row["resolution"] < 5e-3 else 2
        row.update(source=source, peak_digits=digits if source == "exact" else 2)
        out.append(row)
    return out


def map_mean_small(mode: float, mean: float, sd: float) -> bool:
    """MAP and the posterior mean within a quarter of a posterior sd: the one rule for "does the
    choice between them matter?" (map_vs_mean per coin, closeness for every coin)."""
    return bool(abs(mean - mode) <= SMALL_SD * sd)


def map_vs_mean(r, marg=None) -> list[dict]:
    """Per coin: mean - MAP, split into mean - peak (the marginal's shape) and peak - MAP (the
    joint mode is not the marginal peaks), in posterior sds; which terms are not small."""
    marg = marg or marginals(r)
    out = []
    for i, m in enumerate(marg):
        mode = float(r.map.theta[i])
        sd = m["sd"]
        shape, joint = m["mean"] - m["peak"], m["peak"] - mode
        small = max(SMALL_SD * sd, m["resolution"])     # a term below the peak's resolution is small
        out.append({"map": mode, "mean": m["mean"], "peak": m["peak"], "sd": sd,
                    "gap": m["mean"] - mode, "gap_sd": (m["mean"] - mode) / sd,
                    "gap_small": map_mean_small(mode, m["mean"], sd),
                    "shape": shape, "shape_sd": shape / sd, "joint": joint, "joint_sd": joint / sd,
                    "shape_small": abs(shape) <= small,
                    "joint_small": abs(joint) <= small, "source": m["source"]})
    return out


# ---------------------------------------------------------------- the Gaussian approximation

@cached
def laplace(r, seed: int = 0) -> dict | None:
    """The Laplace approximation (Gaussian at the MAP, covariance from the curvature there)
    against the exact posterior: how much of its mass violates the ordering or leaves [0, 1],
    and its sds and correlation before and after cutting it to where the posterior lives."""
    cov = r.map.theta_covariance
    if cov is None:
        return None
    k = r.options.components
    rng = np.random.default_rng(seed)
    g = rng.multivariate_normal(np.asarray(r.map.theta), np.asarray(cov), LAPLACE_DRAWS,
                                method="cholesky")
    ordered = np.all(np.diff(g, axis=1) > 0, axis=1) if k > 1 else np.ones(len(g), bool)
    inside = np.all((g > 0) & (g < 1), axis=1)
    cut = g[ordered & inside]
    ref = marginals(r)
    ref_sd = np.array([m["sd"] for m in ref])
    full_sd = np.sqrt(np.diag(cov))
    out = {"swapped": float(1 - ordered.mean()), "outside": float(1 - inside.mean()),
           "sd_ratio": (full_sd / ref_sd).tolist(),
           "sd_ratio_cut": (cut.std(axis=0) / ref_sd).tolist(),
           "reference": ref[0]["source"], "correlation": None}
    if k == 2:
        out["correlation"] = {"laplace": float(cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1])),
                              "laplace_cut": float(np.corrcoef(cut.T)[0, 1]),
                              "posterior": posterior_correlation(r)}
    return out


def laplace_verdict(lap: dict):
    """What the Laplace comparison says, as a fact chosen by its numbers (``laplace_verdict``):
    the Gaussian shape costs little (``shape_costs_little``: every sd within 10% of the
    reference's), or the excess width is mass the ordering and [0, 1] cut off
    (``cut_off``: within 10% after the cut), or the posterior's shape is not Gaussian
    (``too_wide`` / ``too_narrow`` / ``wrong_width`` even after the cut)."""
    from .records import fact

    full, cut = np.asarray(lap["sd_ratio"]), np.asarray(lap["sd_ratio_cut"])
    if np.all(np.abs(full - 1) < 0.1):
        variant = "shape_costs_little"
    elif np.all(np.abs(cut - 1) < 0.1):
        variant = "cut_off"
    else:
        variant = ("too_wide" if np.all(cut > 1) else "too_narrow" if np.all(cut < 1) else
                   "wrong_width")
    return fact("laplace_verdict", variant, sd_ratio=full.tolist(), sd_ratio_cut=cut.tolist())


def posterior_correlation(r) -> float:
    """Correlation of theta_0 and theta_1: from the exact joint (K = 2 grid) or NUTS."""
    if r.grid is not None:
        g = r.grid
        x0, x1, p = g.joint_x0, g.joint_x1, g.joint / g.joint.sum()
        m0, m1 = p.sum(1) @ x0, p.sum(0) @ x1
        c = (x0 - m0) @ p @ (x1 - m1)
        return float(c / np.sqrt((p.sum(1) @ (x0 - m0) ** 2) * (p.sum(0) @ (x1 - m1) ** 2)))
    th = r.sampler.theta_draws.reshape(-1, r.options.components)
    return float(np.corrcoef(th[:, 0], th[:, 1])[0, 1])


# ---------------------------------------------------------------- sets and coins

@cached
def assignment(r) -> dict:
    """EM-MAP responsibilities against posterior assignment probabilities, over every coin:
    the largest gap (set, coin), and how many sets the posterior is less sure about (a lower
    top probability)."""
    em_r = np.asarray(r.map.responsibilities)
    post = np.asarray(r.sampler.assignment_probability)
    gap = np.abs(em_r - post)
    s, c = np.unravel_index(int(np.argmax(gap)), gap.shape)
    return {"set": int(s), "coin": int(c), "em": float(em_r[s, c]), "posterior": float(post[s, c]),
            "gap": float(gap[s, c]), "max_per_set": gap.max(axis=1).tolist(),
            "less_sure": int(np.sum(post.max(axis=1) < em_r.max(axis=1))),
            "sets": int(em_r.shape[0]),
            "sharpness_em": float(np.mean(em_r.max(axis=1))),
            "sharpness_posterior": float(np.mean(post.max(axis=1)))}


#: posterior draws behind each set's predictive interval (one replicate per draw)
PREDICTIVE_DRAWS = 4000


@cached
def predictive(r, seed: int = 0) -> dict:
    """Posterior predictive checks: each set against its central interval of replicated heads
    (and how many head counts that interval leaves out: the check's power), and the spread of
    the heads proportions across sets, under the K-coin posterior and under one coin."""
    o, d = r.options, r.data
    prob = o.hdi_prob
    rng = np.random.default_rng(seed)
    h, n = d.heads.astype(float), d.tosses.astype(float)
    out = {"prob": prob}
    th = r.sampler.theta_draws.reshape(-1, o.components)
    w = r.sampler.weight_draws.reshape(-1, o.components)
    # each set against the central interval of heads replicated for its number of tosses (the
    # interval depends on the set only through that number): one replicate per posterior draw,
    # up to PREDICTIVE_DRAWS of them, for every distinct number of tosses
    sizes, where = np.unique(d.tosses, return_inverse=True)
    use = rng.choice(th.shape[0], size=min(th.shape[0], PREDICTIVE_DRAWS), replace=False)
    coin = _draw_coins(rng, w[use], sizes.size)                      # (draws, sizes)
    rep = rng.binomial(sizes[None, :], np.take_along_axis(th[use], coin, axis=1))
    lo, hi = np.quantile(rep, [0.5 - prob / 2, 0.5 + prob / 2], axis=0)
    lo, hi = lo[where], hi[where]
    inside = (h >= lo) & (h <= hi)
    # head counts (of the n + 1 possible) that would fall outside each set's interval
    outside = (lo + (n - hi)).clip(min=0)
    share = 1 - outside / (n + 1)
    out.update(inside=int(inside.sum()), sets=int(h.size), covers_min=float(share.min()),
               covers_median=float(np.median(share)), interval_draws=int(use.size),
               low_power=bool(share.min() >= 0.7 or np.all(outside <= 2)))
    # dispersion of proportions: the statistic that over-dispersion (more than one coin) moves
    pick = rng.choice(th.shape[0], size=min(th.shape[0], max(40, int(4e6 // h.size))),
                      replace=False)
    a, b = o.prior
    one = stats.beta(a + h.sum(), b + (n - h).sum()).rvs(size=pick.size, random_state=rng)
    spread_k = _replicated_spread(rng, d, th[pick], w[pick])
    spread_1 = _replicated_spread(rng, d, one[:, None], np.ones((pick.size, 1)))
    obs = float(np.var(h / n))
    out.update(spread=obs, replicates=int(pick.size),
               p_value=None if spread_k is None else float(np.mean(spread_k >= obs)),
               p_value_one_coin=None if spread_1 is None else float(np.mean(spread_1 >= obs)))
    return out


def _replicated_spread(rng, d, theta, weights):
    """The variance of heads proportions across sets in data replicated from each draw:
    set by set (up to 200,000 sets), else pair by pair through the multinomial counts of each
    outcome (sets of one pair are exchangeable; up to 2,000 tosses per set); None beyond."""
    n_sets = d.n_sets
    if n_sets <= 200_000:
        coin = _draw_coins(rng, weights, n_sets)
        rep = rng.binomial(d.tosses, np.take_along_axis(theta, coin, axis=1))
        return np.var(rep / d.tosses, axis=1)
    if d.tosses.max() > 2000:
        return None
    from bayes.pairs import compress

    p = compress(d.heads, d.tosses)
    out = np.empty(theta.shape[0])
    for i in range(theta.shape[0]):
        s1 = s2 = 0.0
        for n, c in zip(np.unique(p.tosses), [p.count[p.tosses == m].sum() for m in np.unique(p.tosses)]):
            x = np.arange(n + 1)
            pmf = weights[i] @ stats.binom.pmf(x[None, :], n, theta[i][:, None])
            counts = rng.multinomial(c, pmf / pmf.sum())
            s1 += counts @ (x / n)
            s2 += counts @ (x / n) ** 2
        out[i] = s2 / n_sets - (s1 / n_sets) ** 2
    return out


def _draw_coins(rng, w, n_sets):
    u = rng.random((w.shape[0], n_sets))
    cum = np.cumsum(w, axis=1)
    return np.minimum((u[:, :, None] > cum[:, None, :]).sum(axis=2), w.shape[1] - 1)


# ---------------------------------------------------------------- how close are the answers?

def ml_coins_coincide(r) -> bool:
    """ML puts every coin at the same theta (to 1e-4): one coin fits as well as K."""
    return r.options.components > 1 and bool(np.ptp(r.ml.theta) <= 1e-4)


def empty_map_coins(r) -> list[int]:
    """The coins EM-MAP leaves empty (learned weight below 1e-6): no set is credited to them."""
    if not r.options.learned:
        return []
    return [j for j, w in enumerate(r.map.weights) if w < 1e-6]


def closeness(r, marg=None) -> dict:
    """How far apart the point estimates are, in posterior sds: ML vs MAP, MAP vs mean, ML vs
    mean (every pair, so that "at most" is the largest of them)."""
    marg = marg or marginals(r)
    sd = np.array([m["sd"] for m in marg])
    mean = np.array([m["mean"] for m in marg])
    ml, mp = np.asarray(r.ml.theta), np.asarray(r.map.theta)
    gaps = {"ML and MAP": np.abs(ml - mp) / sd, "MAP and the posterior mean": np.abs(mp - mean) / sd,
            "ML and the posterior mean": np.abs(ml - mean) / sd}
    every = [(pair, i, float(g[i])) for pair, g in gaps.items() for i in range(sd.size)]
    largest = max(every, key=lambda e: e[2])
    return {"ml_map_sd": gaps["ML and MAP"].tolist(),
            "map_mean_sd": gaps["MAP and the posterior mean"].tolist(),
            "ml_mean_sd": gaps["ML and the posterior mean"].tolist(),
            "close": bool(largest[2] <= SMALL_SD),
            # MAP and the mean within a quarter sd for every coin, by map_vs_mean's rule, so
            # that "MAP or mean?" and the take-away cannot disagree
            "map_mean_close": all(map_mean_small(m, x, d) for m, x, d in zip(mp, mean, sd)),
            # every gap above a quarter sd, and the largest: (pair, coin, gap in sds)
            "over": [e for e in every if e[2] > SMALL_SD], "largest": largest,
            "source": marg[0]["source"]}


#: a coin an approximation credits with fewer tosses than this is empty: its Beta factor is the prior
EMPTY_TOSSES = 1.0


def emptied_factors(result) -> list[dict]:
    """The coins an approximation with Beta factors q(theta_j) = Beta(A_j, B_j) (VB) has emptied:
    credited fewer than EMPTY_TOSSES tosses (A_j + B_j - a_j - b_j), so that its factor is the
    Beta(a_j, b_j) prior itself. Empty for a result without Beta factors."""
    A, B = getattr(result, "theta_alpha", None), getattr(result, "theta_beta", None)
    if A is None or B is None:
        return []
    out = []
    for j, (al, be, (a, b)) in enumerate(zip(np.asarray(A, float), np.asarray(B, float),
                                              result.prior)):
        credited = al + be - a - b
        if credited < EMPTY_TOSSES:
            sd = float(np.sqrt(al * be / ((al + be) ** 2 * (al + be + 1))))
            out.append({"coin": j, "credited": float(max(credited, 0.0)), "a": float(a),
                        "b": float(b), "sd": sd, "weight": float(np.asarray(result.weights)[j])})
    return out


def vb_width(r, marg=None) -> dict:
    """VB's sd against the exact posterior's (or, without an exact posterior, NUTS')."""
    marg = marg or marginals(r)
    ref = np.array([m["sd"] for m in marg])
    ratio = np.asarray(r.vb.theta_sd) / ref
    return {"ratio": ratio.tolist(), "narrower": (1 - ratio).tolist(), "source": marg[0]["source"],
            "emptied": emptied_factors(r.vb)}


def mc_gap(z) -> str:
    """How a distance in Monte Carlo standard errors reads: "chance" (every one within
    CHANCE_SIGMAS), "tolerated" (within the checks' MC_SIGMAS, but beyond what chance usually
    gives) or "beyond" (outside the tolerance)."""
    top = float(np.max(np.abs(np.asarray(z, float))))
    return "chance" if top <= CHANCE_SIGMAS else "tolerated" if top <= MC_SIGMAS else "beyond"


def gibbs_vs_nuts(r) -> dict:
    """Gibbs's posterior means against NUTS's (two samplers of one posterior), coin by coin, in
    combined Monte Carlo standard errors (the MCSEs added in quadrature): ``z``; ``within``: every
    z within MC_SIGMAS; ``unmixed``: the samplers whose own diagnostics fail, for
    which the comparison is not assessable whatever z is (the check and the ladder's sentence
    both read this)."""
    g, n = r.gibbs.posterior["theta"], r.sampler.posterior["theta"]
    se = np.hypot(g["mcse_mean"], n["mcse_mean"])
    z = np.abs(np.asarray(g["mean"]) - np.asarray(n["mean"])) / se
    return {"gibbs_mean": g["mean"], "nuts_mean": n["mean"], "combined_mcse": se, "z": z,
            "within": bool(np.all(z <= MC_SIGMAS)), "gap": mc_gap(z),
            "unmixed": [name for name, res in (("Gibbs", r.gibbs), ("NUTS", r.sampler))
                        if res.warnings]}


# ---------------------------------------------------------------- the formulas, with numbers

@cached
def formulas(r) -> dict:
    """The numbers in the formulas that link EM to Bayes: the MAP M-step at the MAP (a fixed
    point: credited counts give back the MAP), VB's Beta factors, one Gibbs draw's Beta, and
    log p(data) = ELBO + KL(q || posterior)."""
    import em.model
    import em.pairs

    d, o = r.data, r.options
    pairs = em.pairs.compress(d.heads, d.tosses)
    _, resp = em.model.e_step(pairs, np.asarray(r.map.theta), np.asarray(r.map.weights))
    heads_k, tails_k, sets_k = em.model.credited(pairs, resp)
    a, b = o.prior
    mstep = ((heads_k + a - 1) / (heads_k + tails_k + a + b - 2)).tolist()
    # one draw of the hidden coins, as a Gibbs sweep makes: each set's coin drawn from its
    # posterior probabilities (seeded by the run's seed, so the report is reproducible)
    from .options import derived_seed

    prob = np.asarray(r.sampler.assignment_probability)
    u = np.random.default_rng(derived_seed(o.seed, 7)).random(prob.shape[0])
    z = np.minimum((np.cumsum(prob, axis=1) < u[:, None]).sum(axis=1), o.components - 1)
    gh = np.array([d.heads[z == k].sum() for k in range(o.components)], float)
    gt = np.array([(d.tosses - d.heads)[z == k].sum() for k in range(o.components)], float)
    out = {"map_credited_heads": heads_k.tolist(), "map_credited_tails": tails_k.tolist(),
           "map_credited_sets": sets_k.tolist(), "map_mstep": mstep,
           "map_theta": list(map(float, r.map.theta)),
           "vb_alpha": list(map(float, r.vb.theta_alpha)), "vb_beta": list(map(float, r.vb.theta_beta)),
           "gibbs_heads": gh.tolist(), "gibbs_tails": gt.tolist(),
           "gibbs_sets": [int(np.sum(z == k)) for k in range(o.components)],
           "elbo": float(r.vb.elbo), "log_evidence": None, "kl": None}
    choice = r.choice or {}
    row = next((c for c in choice.get("components", ())
                if c["components"] == o.components), None)
    if row is not None and row["log_evidence"] is not None:
        out["log_evidence"] = row["log_evidence"]
        out["kl"] = row["log_evidence"] - out["elbo"]
    return out


def speed(r) -> dict:
    """Iterations of plain EM and of SQUAREM from the same start to the same tolerance."""
    out = {}
    for key in ("ml", "map"):
        p, s = r.plain[key], r.squarem[key]
        out[key] = {"plain_iterations": p.iterations, "plain_converged": p.converged,
                    "squarem_cycles": s.iterations, "squarem_e_steps": s.e_steps,
                    "squarem_converged": s.converged,
                    "objective_gap": float(s.objective - p.objective)}
    return out


@cached
def starts(r) -> dict:
    """Starting points: one EM step from a symmetric start (both coins equal) leaves them equal;
    and where each of the run's starts ends (every start climbed to convergence)."""
    import em
    import em.driver
    import em.model
    import em.pairs

    d, o = r.data, r.options
    k = o.components
    pairs = em.pairs.compress(d.heads, d.tosses)
    sym = np.full(k, 0.6)
    _, resp = em.model.e_step(pairs, sym, np.full(k, 1.0 / k))
    after = em.model.m_step(pairs, resp, sym, np.full(k, 1.0 / k), em.model.Prior.flat(k, False))[0]
    first = np.asarray(o.em_init if o.em_init is not None else r.plain["ml"].history[0].theta)
    ends = []
    for i, start in enumerate(em.driver.random_starts(np.sort(first), o.restarts, o.seed)):
        fit = em.fit(d.heads, d.tosses, components=k, weights=o.weights, init=start, restarts=0,
                     max_iter=o.max_iter, tol=o.tol)
        ends.append({"start": np.sort(start).tolist(), "theta": fit.theta.tolist(),
                     "log_likelihood": fit.log_likelihood, "converged": fit.converged})
    best = max(e["log_likelihood"] for e in ends)
    for e in ends:
        e["best"] = bool(e["log_likelihood"] >= best - 1e-6 * max(1.0, abs(best)))
    return {"symmetric_start": sym.tolist(), "symmetric_after_one_step": after.tolist(),
            "pooled": float(d.heads.sum() / d.tosses.sum()), "ends": ends}


def check_status(difference, tolerance) -> str:
    """pass, borderline (above 80% of the tolerance) or fail."""
    if difference is None or tolerance is None:
        return "pass"
    if difference > tolerance:
        return "fail"
    return "borderline" if difference > BORDERLINE * tolerance else "pass"
