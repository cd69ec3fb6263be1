"""The report's figures (matplotlib, Agg). Each function takes a Run and a path and saves one PNG.

    em_path          EM's ML and MAP paths on the log-likelihood contour (K = 2)
    objective        the objective per iteration, and its distance to the maximum
    marginals        marginal posteriors: MCMC and exact, with ML, MAP, mean and HDI
    joint            the joint posterior of (theta_0, theta_1) with the EM estimates (K = 2)
    assignment       per set: EM responsibility vs posterior assignment probability
    prior_posterior  prior vs posterior for each theta (the ordered prior's marginals)
    ladder           every rung of the ladder (compare.rungs) on one axis per theta
    bound            why EM never goes downhill: the likelihood and EM's lower bound (K = 2)
    shrinkage        one coin, a few, or one for every set: raw, Beta-binomial and mixture rates

The report numbers the figures in the order it shows them.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

import em.model
import em.pairs

from . import figure_list
from .style import COLORS, WIDTH, panels, plt, save

def _save(fig, path):
    save(fig, path)


def _words(r):
    """The figure's words in the run's language: ``t(key, **values)`` renders ``figure.KEY``."""
    from .words import text

    lang = getattr(r, "lang", "en")
    return lambda key, **values: text(f"figure.{key}", lang, **values)


def _plain_log_ticks(r, *axes):
    """Log-scale ticks as plain text: matplotlib writes them as mathtext ($10^{-2}$) in the first
    font of the family, and NanumGothic has no minus sign (U+2212) for the exponents."""
    from matplotlib.ticker import LogFormatter

    for ax in axes:
        # minor ticks too: a log axis spanning less than a decade labels them (2 x 10^-2 ...)
        if ax.get_yscale() == "log":
            ax.yaxis.set_major_formatter(LogFormatter())
            ax.yaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False,
                                                      minor_thresholds=(1, 0.4)))
        if ax.get_xscale() in ("log", "symlog"):
            ax.xaxis.set_major_formatter(LogFormatter())
            ax.xaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False,
                                                      minor_thresholds=(1, 0.4)))


def _rung_words(r):
    """A rung's name in the legends (``figure.rung.KEY``), and its band's kind."""
    from .words import catalogue

    t = _words(r)
    known = catalogue(getattr(r, "lang", "en"))
    # a rung with no words of its own in the catalogue (a new one) is named by its label
    return (lambda rung: t(f"rung.{rung.key}") if f"figure.rung.{rung.key}" in known
            else rung.label,
            lambda rung, e: t(f"band_kind.{e.interval.split(' ')[0]}"))


def _window(values, pad: float = 0.6, widest: float = 0.6) -> tuple[float, float]:
    """The x-range that shows ``values`` (the points, intervals and bulk of a posterior), padded
    by ``pad`` times their span: on a narrow posterior (thousands of sets) the whole (0, 1) would
    show a spike. The whole (0, 1) whenever the padded range would cover more than ``widest``."""
    v = np.asarray([x for x in np.ravel(values) if np.isfinite(x)], float)
    lo, hi = float(v.min()), float(v.max())
    margin = max(pad * (hi - lo), 0.005)
    lo, hi = max(0.0, lo - margin), min(1.0, hi + margin)
    return (0.0, 1.0) if hi - lo > widest else (lo, hi)


def _coin_window(r, i) -> tuple[float, float]:
    """Where coin i's posterior and point estimates lie (central 99.8% of its draws)."""
    draws = r.nuts.theta_draws.reshape(-1, r.options.components)[:, i]
    return _window([*np.quantile(draws, [0.001, 0.999]), r.ml.theta[i], r.map.theta[i]])


def _em_pairs(r):
    """The data as em sees them (distinct pairs with counts): a million sets cost what their few
    distinct pairs cost."""
    return em.pairs.compress(r.data.heads, r.data.tosses)


def _path_window(r, paths):
    """The EM path figure's axes: a square window (equal units) around the paths and the
    known-label point, or the whole unit square where that would cover most of it; (x, y, zoom)."""
    seen = np.concatenate(paths)                             # the paths (start to estimates)
    if r.known is not None and len(r.known["theta"]) == 2:
        seen = np.concatenate([seen, [r.known["theta"]]])
    (x_lo, x_hi), (y_lo, y_hi) = _window(seen[:, 0], pad=0.3), _window(seen[:, 1], pad=0.3)
    zoom = (x_lo, x_hi, y_lo, y_hi) != (0.0, 1.0, 0.0, 1.0)
    if zoom:
        # a square window (equal units, so the diagonal stays at 45°) around the path: its
        # side the larger of the two spans, centred on each, moved inside [0, 1]
        side = min(max(x_hi - x_lo, y_hi - y_lo), 0.998)

        def axis(lo, hi):
            lo = min(max((lo + hi - side) / 2, 0.001), 0.999 - side)
            return np.linspace(lo, lo + side, 160)

        x, y = axis(x_lo, x_hi), axis(y_lo, y_hi)
    else:
        x = y = np.linspace(0.005, 0.995, 160)
    return x, y, zoom


def em_path(r, path):
    t = _words(r)
    paths = [np.array([s.theta for s in r.plain[key].history]) for key in ("ml", "map")]
    x, y, zoom = _path_window(r, paths)
    grid = np.stack(np.meshgrid(x, y, indexing="ij"), axis=-1)          # (x0, x1, 2)
    ll = em.model.log_likelihood(_em_pairs(r), grid, np.asarray(r.ml.weights))
    fig, ax = plt.subplots(figsize=(WIDTH, WIDTH * 1.12))
    top = ll.max()
    # contours from a quarter nat below the maximum down to where the path starts (geometric
    # steps: thousands of sets put the start hundreds of nats down)
    depth = max(40.0, 0.9 * float(top - np.min(ll[np.isfinite(ll)])))
    drops = np.array([0.25, 0.5, 1, 2, 3, 5, 8, 12, 20, 40]) if depth <= 40 else \
        np.geomspace(0.25, depth, 11)
    levels = np.sort(top - drops)
    cs = ax.contour(x, y, ll.T, levels=levels, colors="0.45", linewidths=0.8)
    ax.clabel(cs, fmt=lambda v: f"{v - top:.3g}", fontsize=9)
    ax.plot([0, 1], [0, 1], color="0.7", lw=0.8, ls=":")
    for fit, key, label in ((r.plain["ml"], "ml", t("em_ml")),
                            (r.plain["map"], "map", t("em_map"))):
        p = np.array([s.theta for s in fit.history])
        ax.plot(p[:, 0], p[:, 1], "-o", color=COLORS[key], ms=3, lw=1.2, label=label)
        ax.plot(*p[-1], "*", color=COLORS[key], ms=13, mec="k", mew=0.5,
                label=t(f"estimate_{key}"))
    ax.plot(*r.plain["ml"].history[0].theta, "s", color="k", ms=6, label=t("start"))
    if x[0] <= r.ml.theta[1] <= x[-1] and y[0] <= r.ml.theta[0] <= y[-1]:   # where it shows
        ax.plot(r.ml.theta[1], r.ml.theta[0], "*", color="none", ms=13, mec=COLORS["ml"], mew=1,
                label=t("mirror"))
    if r.known is not None and len(r.known["theta"]) == 2:
        ax.plot(*r.known["theta"], "D", color=COLORS["known"], ms=7, label=t("known"))
    ax.set(xlim=(x[0], x[-1]) if zoom else (0, 1), ylim=(y[0], y[-1]) if zoom else (0, 1),
           aspect="equal",
           xlabel=t("em_path_x"), ylabel=t("em_path_y"), title=t("em_path_title"))
    # below the axes, never over the path
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=9, frameon=False)
    _save(fig, path)


def objective(r, path):
    """Plain EM's objective per iteration (ML and MAP, each from its start), and its distance to
    the maximum on a log scale. The maximum is the higher of the path's last value and SQUAREM's
    from the same start, so the line does not dive at the end, where the last value would be."""
    t = _words(r)
    fig, (a1, a2) = panels(2)
    for fit, key, label, ls in ((r.plain["ml"], "ml", t("objective_ml"), "-"),
                                (r.plain["map"], "map", t("objective_map"), "--")):
        obj = np.array([s.objective for s in fit.history])
        it = np.arange(obj.size)
        style = dict(color=COLORS[key], ls=ls, label=label, lw=1.6,
                     marker="o" if obj.size <= 60 else None, ms=3)
        a1.plot(it, obj - obj[0], **style)
        top = max(obj[-1], r.squarem[key].objective)
        gap = top - obj
        keep = gap > 16 * np.finfo(float).eps * max(1.0, abs(top))
        a2.semilogy(it[keep], gap[keep], **style)
    if len(r.plain["ml"].history) > 100:      # the climb is over early: stretch its start
        a1.set_xscale("symlog", linthresh=10)
    if getattr(r, "lang", "en") != "en":
        _plain_log_ticks(r, a1, a2)
    a1.set(xlabel=t("iteration"), ylabel=t("objective_y"), title=t("objective_title"))
    a2.set(xlabel=t("iteration"), ylabel=t("distance_y"), title=t("distance_title"))
    a1.legend()
    a2.legend()
    _save(fig, path)


def _density(draws, lo=0.0, hi=1.0, points=300):
    """A Gaussian kernel density of the draws (Scott's bandwidth), by binning them finely and
    smoothing the counts: the same curve as scipy's gaussian_kde to the eye, in linear time."""
    draws = np.asarray(draws, dtype=float)
    x = np.linspace(max(lo, draws.min() - 0.05), min(hi, draws.max() + 0.05), points)
    bw = max(draws.std() * draws.size ** (-1 / 5), 1e-12)
    step = x[1] - x[0]
    counts, _ = np.histogram(draws, bins=points, range=(x[0] - step / 2, x[-1] + step / 2))
    half = int(np.ceil(4 * bw / step))
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) * step / bw) ** 2)
    smooth = np.convolve(counts, kernel / kernel.sum(), mode="same")
    return x, smooth / (smooth.sum() * step)


def marginals(r, path):
    t = _words(r)
    k = r.options.components
    fig, axes = panels(k)
    th = r.nuts.theta_draws.reshape(-1, k)
    post = r.nuts.posterior["theta"]
    for i, ax in enumerate(axes):
        dens, edges = np.histogram(th[:, i], bins=60, density=True)
        ax.stairs(dens, edges, fill=True, color=COLORS["nuts"], alpha=0.35, label=t("nuts_draws"))
        if r.grid is not None:
            m = r.grid.theta[i]
            ax.plot(m.x, m.density, color=COLORS["exact"], lw=1.5, label=t("exact_grid"))
        lo, hi = post["hdi_low"][i], post["hdi_high"][i]
        ax.axvspan(lo, hi, color=COLORS["mean"], alpha=0.08,
                   label=t("hdi", prob=post["hdi_prob"]))
        ax.axvline(r.ml.theta[i], color=COLORS["ml"], lw=1.5, label=t("em_ml_short"))
        ax.axvline(r.map.theta[i], color=COLORS["map"], lw=1.5, ls="--", label=t("em_map_short"))
        ax.axvline(post["mean"][i], color=COLORS["mean"], lw=1.5, ls=":", label=t("posterior_mean"))
        ax.set(xlabel=rf"$\theta_{i}$", ylabel=t("density"), title=t("marginal_title", i=i),
               xlim=_coin_window(r, i))
        ax.legend(loc="upper left")
    _save(fig, path)


def joint(r, path):
    t = _words(r)
    th = r.nuts.theta_draws.reshape(-1, 2)
    fig, ax = plt.subplots(figsize=(WIDTH, WIDTH * 0.92))
    sel = th[:: max(1, th.shape[0] // 3000)]
    ax.scatter(sel[:, 0], sel[:, 1], s=2, alpha=0.25, color=COLORS["nuts"], label=t("nuts_draws"))
    if r.grid is not None:
        g = r.grid
        z = g.joint.T
        flat = np.sort(z.ravel())[::-1]
        cum = np.cumsum(flat) / flat.sum()
        prob = r.options.hdi_prob
        lv = sorted({flat[np.searchsorted(cum, p)] for p in (prob, 0.5)})
        ax.contour(g.joint_x0, g.joint_x1, z, levels=lv, colors="k", linewidths=1)
        ax.plot([], [], color="k", label=t("regions", prob=prob))
    ax.plot([0, 1], [0, 1], color="0.7", lw=0.8, ls=":")
    ax.plot(*r.ml.theta, "*", color=COLORS["ml"], ms=14, mec="k", mew=0.5, label=t("em_ml_short"))
    ax.plot(*r.map.theta, "*", color=COLORS["map"], ms=14, mec="k", mew=0.5, label=t("em_map_short"))
    ax.plot(*r.nuts.posterior["theta"]["mean"], "o", color=COLORS["mean"], ms=8, mec="k",
            label=t("posterior_mean"))
    if r.known is not None and len(r.known["theta"]) == 2:
        ax.plot(*r.known["theta"], "D", color=COLORS["known"], ms=7, label=t("known"))
    xw, yw = _coin_window(r, 0), _coin_window(r, 1)
    ax.set(xlim=xw, ylim=yw, xlabel=r"$\theta_0$", ylabel=r"$\theta_1$",
           title=t("joint_title"))
    if (xw, yw) == ((0.0, 1.0), (0.0, 1.0)):
        ax.set_aspect("equal")
    ax.legend(loc="lower right")
    _save(fig, path)


def assignment(r, path):
    """Per set, the probability of each coin: EM-MAP's responsibilities (left bar) beside the
    posterior's (right bar), stacked over every coin; beyond 40 sets, one point per set and coin."""
    t = _words(r)
    em_p = np.asarray(r.map.responsibilities)
    post = np.asarray(r.nuts.assignment_probability)
    n, k = em_p.shape
    colors = plt.get_cmap("viridis")(np.linspace(0.15, 0.85, k))
    fig, ax = plt.subplots(figsize=(WIDTH, 3.9))
    if n <= 40:
        idx = np.arange(n)
        for side, probs, hatch in ((-0.21, em_p, None), (0.21, post, "//")):
            bottom = np.zeros(n)
            for j in range(k):
                ax.bar(idx + side, probs[:, j], 0.4, bottom=bottom, color=colors[j],
                       hatch=hatch, edgecolor="white", lw=0.5,
                       label=t("coin", j=j) if side < 0 else None)
                bottom += probs[:, j]
        step = 1 if n <= 8 else 2 if n <= 20 else 5
        ax.set_xticks(idx[::step], [f"{i + 1}\n{h}/{t}" for i, (h, t) in
                                    enumerate(zip(r.data.heads, r.data.tosses))][::step])
        ax.set(xlabel=t("assignment_x"),
               ylim=(0, 1.25), yticks=np.linspace(0, 1, 6))
        ax.legend(loc="upper center", ncol=min(k, 4))
    else:
        keep = np.unique(np.linspace(0, n - 1, min(n, 3000)).astype(int))
        for j in range(k):
            ax.scatter(em_p[keep, j], post[keep, j], s=6, alpha=0.5, color=colors[j],
                       label=t("coin", j=j))
        ax.plot([0, 1], [0, 1], color="0.6", ls=":")
        ax.set(xlabel=t("responsibility"), ylim=(0, 1))
        ax.legend(loc="upper left")
    ax.set(ylabel=t("assignment_y"), title=t("assignment_title"))
    _save(fig, path)


SHRINK_SETS, SHRINK_PAIRS = figure_list.SHRINK_SETS, figure_list.SHRINK_PAIRS


def _shrink_sets(r):
    """The sets the shrinkage figure draws (indices into the data): every set up to SHRINK_SETS,
    else one per distinct pair, at most SHRINK_PAIRS, evenly spaced in raw rate."""
    d = r.data
    if d.n_sets <= SHRINK_SETS:
        return np.arange(d.n_sets)
    _, first = np.unique(np.stack([d.heads, d.tosses], 1), axis=0, return_index=True)
    first = first[np.argsort(d.heads[first] / d.tosses[first], kind="stable")]
    if first.size > SHRINK_PAIRS:
        first = first[np.unique(np.linspace(0, first.size - 1, SHRINK_PAIRS).round().astype(int))]
    return first


def shrinkage(r, path):
    """One coin, a few coins, or a coin for every set: each set's raw rate h/n (middle row), its
    shrunken rate under the Beta-binomial, E[theta_i | data] (top row), and its rate under the
    K-coin mixture, sum_j r_ij theta_j with EM-MAP's responsibilities (bottom row), joined by a
    line per set (the Efron-Morris picture beside EM's "which coin?"). Coloured by the known
    coin where the data name one, else by EM-MAP's most probable coin; marker area grows with
    the set's tosses (long sets move least)."""
    t = _words(r)
    d = r.data
    bb = r.choice["beta_binomial"]
    idx = _shrink_sets(r)
    raw = d.heads[idx] / d.tosses[idx]
    shrunk = np.asarray(bb["shrunk"], float)[idx]
    resp = np.asarray(r.map.responsibilities)[idx]
    theta = np.asarray(r.map.theta, float)
    mixed = resp @ theta
    k = theta.size
    if d.labels is not None:
        labels = np.asarray(d.labels, dtype=object)[idx]
        names = sorted(set(labels), key=str)
        palette = plt.get_cmap("tab10")(np.arange(len(names)) % 10)
        colour = {n: palette[i] for i, n in enumerate(names)}
        groups = [(t("known_coin", label=str(n)), labels == n, colour[n]) for n in names]
    else:
        best = resp.argmax(axis=1)
        palette = plt.get_cmap("viridis")(np.linspace(0.15, 0.85, k))
        groups = [(t("coin", j=j), best == j, palette[j]) for j in range(k)]
    size = 12 + 60 * np.sqrt(d.tosses[idx] / d.tosses.max())
    fig, ax = plt.subplots(figsize=(WIDTH, 4.8))
    rows = {"every": 2.0, "raw": 1.0, "few": 0.0}
    alpha = 0.5 if idx.size > 40 else 0.8
    for label, keep, c in groups:
        if not np.any(keep):
            continue
        for other, y in ((shrunk, rows["every"]), (mixed, rows["few"])):
            ax.plot(np.stack([raw[keep], other[keep]]), [[rows["raw"]] * keep.sum(),
                                                        [y] * keep.sum()],
                    color=c, lw=0.8, alpha=alpha * 0.7)
        for x, y in ((raw, rows["raw"]), (shrunk, rows["every"]), (mixed, rows["few"])):
            ax.scatter(x[keep], np.full(keep.sum(), y), s=size[keep], color=c, alpha=alpha,
                       edgecolors="white", linewidths=0.4, zorder=3,
                       label=label if y == rows["raw"] else None)
    mu = float(bb["mu"])
    ax.plot([mu, mu], [rows["every"] - 0.25, rows["every"] + 0.25], color="k", lw=1.2, ls="--",
            label=t("shrink_mu", mu=mu))
    for j, th in enumerate(theta):
        ax.plot([th, th], [rows["few"] - 0.25, rows["few"] + 0.25], color="k", lw=1.2,
                label=t("shrink_theta") if j == 0 else None)
    lo, hi = _window([*raw, *shrunk, *mixed, mu, *theta], pad=0.08, widest=0.7)
    ax.set(xlim=(lo, hi), ylim=(-0.5, 2.5), xlabel=t("shrink_x"), title=t("shrink_title"))
    ax.set_yticks([rows["few"], rows["raw"], rows["every"]],
                  [t("shrink_few", k=k), t("shrink_raw"), t("shrink_every")], fontsize=10)
    # below the axes: never over a point
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=9, frameon=False)
    _save(fig, path)


def ordered_prior_density(x, a, b, k, i):
    """Marginal prior density of the i-th smallest of K iid Beta(a, b) thetas (what the ordered
    model puts on theta_i): an order statistic, not Beta(a, b) itself."""
    from math import comb

    f, cdf = stats.beta.pdf(x, a, b), stats.beta.cdf(x, a, b)
    return k * comb(k - 1, i) * f * cdf ** i * (1 - cdf) ** (k - 1 - i)


def prior_posterior(r, path):
    t = _words(r)
    k = r.options.components
    a, b = r.options.prior
    fig, axes = panels(k)
    x = np.linspace(0.001, 0.999, 400)
    for i, ax in enumerate(axes):
        ax.plot(x, stats.beta.pdf(x, a, b), color="0.6", ls="--", label=f"Beta({a:g}, {b:g})")
        ax.plot(x, ordered_prior_density(x, a, b, k, i), color=COLORS["map"], lw=1.5,
                label=t("ordered_prior", i=i))
        exact = r.results.get("exact")
        if exact is not None:
            ax.plot(*exact.densities["theta"][i], color=COLORS["exact"], lw=1.5,
                    label=t("posterior_exact"))
        else:
            xs, ds = _density(r.nuts.theta_draws.reshape(-1, k)[:, i])
            ax.plot(xs, ds, color=COLORS["exact"], lw=1.5, label=t("posterior_nuts"))
        ax.set(xlabel=rf"$\theta_{i}$", ylabel=t("density"), xlim=(0, 1),
               title=t("prior_title", i=i))
        ax.legend(loc="upper left")
    _save(fig, path)


def ladder(r, path):
    """Every rung of the ladder (compare.rungs) on one axis per theta: draws as a density,
    densities as they are, points as markers with their interval."""
    t = _words(r)
    short, kind = _rung_words(r)
    from .rungs import RUNGS

    k = r.options.components
    est = r.estimates()
    fig, axes = panels(k)
    for i, ax in enumerate(axes):
        window = _coin_window(r, i)
        points = []
        for rung in RUNGS:
            if rung.key not in est:
                continue
            e = est[rung.key]["theta"][i]
            style = dict(color=rung.style.get("color", "k"), lw=rung.style.get("lw", 1.3),
                         ls=rung.style.get("ls", "-"), alpha=rung.style.get("alpha", 1.0))
            if e.draws is not None:
                xs, ds = _density(e.draws, *window)
                ax.plot(xs, ds, label=short(rung), **style)
            elif e.density is not None:
                ax.plot(*e.density, label=short(rung), **style)
            else:
                points.append((rung, e))
        top = ax.get_ylim()[1]
        for j, (rung, e) in enumerate(points):
            y = (0.06 + 0.06 * j) * top
            color = rung.style.get("color", "k")
            if e.low is not None:
                ax.errorbar(e.centre, y, xerr=[[e.centre - e.low], [e.high - e.centre]],
                            fmt="o", color=color, capsize=3,
                            label=t("band", rung=short(rung), kind=kind(rung, e)))
            else:
                ax.plot(e.centre, y, "o", color=color, label=short(rung))
        ax.set(xlabel=rf"$\theta_{i}$", ylabel=t("density"), xlim=window,
               title=t("ladder_title", i=i))
        ax.legend(loc="upper left")
    _save(fig, path)


def bound(r, path, coin=1, iterations=(0, 1, 2)):
    """The log-likelihood in theta_coin with the other theta held at its current value, and EM's
    lower bound sum_i sum_k r_ik log(p(x_i, k | theta) / r_ik), which touches it at the current
    value; the bound's maximum is the M-step's new theta_coin. Each panel shows the stretch of
    theta_coin from the current value to the M-step and the likelihood's peak (on thousands of
    sets the whole (0, 1) would show a spike)."""
    t = _words(r)
    pairs = _em_pairs(r)
    cnt = pairs.count.astype(float)
    climb = r.plain["ml"].history
    fig, axes = panels(len(iterations))
    other = 1 - coin
    for ax, it in zip(axes, iterations):
        step = climb[min(it, len(climb) - 1)]
        th, w = np.array(step.theta, float), np.asarray(step.weights, float)
        cur_ll, resp = em.model.e_step(pairs, th, w)               # responsibilities now
        new = em.model.m_step(pairs, resp, th, w, em.model.Prior.flat(2, False))[0][coin]

        def curves(x):
            tt = np.broadcast_to(th, (x.size, 2)).copy()
            tt[:, coin] = x
            lj = em.model.log_joint(pairs, tt, w)                  # (x, pairs, 2)
            with np.errstate(divide="ignore", invalid="ignore"):
                ent = -np.sum(cnt[:, None] * np.where(resp > 0, resp * np.log(resp), 0.0))
            return em.model.log_likelihood(pairs, tt, w), np.sum(resp[None] * lj, axis=2) @ cnt + ent

        # show where the log-likelihood lies within the panel's height of its peak (12 nats,
        # or more where the current value lies further down)
        cur = cur_ll @ cnt
        coarse = np.linspace(0.001, 0.999, 999)
        ll_coarse = curves(coarse)[0]
        depth = max(12.0, 1.3 * (ll_coarse.max() - cur))
        inside = coarse[ll_coarse >= ll_coarse.max() - depth]
        lo, hi = _window([inside.min(), inside.max(), th[coin], new], pad=0.1, widest=1.0)
        x = np.linspace(max(lo, 0.001), min(hi, 0.999), 400)
        ll, lb = curves(x)
        ax.plot(x, ll, color="k", lw=1.6, label=t("bound_ll"))
        ax.plot(x, lb, color=COLORS["vb"], lw=1.4, ls="--", label=t("bound_lb"))
        ax.plot(th[coin], cur, "o", color="k", ms=6, label=t("bound_current"))
        lb_new = np.interp(new, x, lb)
        ax.annotate("", xy=(new, lb_new), xytext=(th[coin], cur),
                    arrowprops=dict(arrowstyle="->", color=COLORS["map"], lw=1.4))
        ax.plot(new, lb_new, "^", color=COLORS["map"], ms=8, label=t("bound_mstep"))
        ymax = ll.max()
        low = min(ymax - 12, cur - 0.15 * (ymax - cur))      # the current value always shows
        ax.set(xlim=(x[0], x[-1]), ylim=(low, ymax + 0.12 * (ymax - low)),
               xlabel=rf"$\theta_{coin}$", ylabel=t("log_likelihood"),
               title=t("bound_title", it=it, other=other, value=th[other]))
    axes[0].legend(loc="lower center", fontsize=9)
    _save(fig, path)


def names(r) -> list[str]:
    """Every figure that applies to this run, in report order (compare.figure_list)."""
    return figure_list.names(r.options.components)


def early(r) -> list[str]:
    """The figures that need no posterior draws: drawn while NUTS runs (compare.figure_list)."""
    return figure_list.early(r.options.components, r.exact is not None)


def draw(r, name: str, path) -> None:
    """Draw figure ``name`` of run ``r`` into the PNG file ``path`` (the pool that draws several
    at once is compare.pipeline.FigurePool)."""
    from .style import font

    with font(getattr(r, "lang", "en")):
        globals()[figure_list.spec(name).draw](r, path)
