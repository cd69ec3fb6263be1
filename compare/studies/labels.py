"""Study: label switching. The model without its ordering has K! mirror-image posteriors; its
chains swap labels while R-hat stays near 1. The ordered model keeps one image."""

from __future__ import annotations

import numpy as np

import bayes

from ..records import Figure, fact
from ..style import panels, save

TITLE = "label switching"
TWO_COINS = True


def compute(data, options, args) -> dict:
    import arviz as az

    h, n = data.heads, data.tosses
    draws = 1000 if options.quick else 2500
    init = np.array([0.45, 0.55])
    common = dict(prior=options.prior, draws=draws, tune=1000, chains=4, seed=options.seed,
                  init=init, cores=2)
    un = bayes.sample_draws(h, n, ordered=False, **common)
    od = bayes.sample_draws(h, n, ordered=True, **common)
    th = un.theta
    swapped = (th[..., 0] > th[..., 1])                      # (chain, draw)
    switches = np.abs(np.diff(swapped.astype(int), axis=1)).sum(axis=1)
    return {"switches_per_chain": switches.tolist(), "share_swapped": float(swapped.mean()),
            "share_swapped_per_chain": swapped.mean(axis=1).tolist(),
            "r_hat_unordered": az.rhat(un.tree["posterior"]["theta"]).values.tolist(),
            "r_hat_ordered": az.rhat(od.tree["posterior"]["theta"]).values.tolist(),
            "mean_unordered": th.reshape(-1, 2).mean(0).tolist(),
            "mean_ordered": od.theta.reshape(-1, 2).mean(0).tolist(),
            "divergences": [un.divergences, od.divergences],
            "_unordered": th, "_ordered": od.theta}


def figure(res, path, t) -> None:
    th, od = res["_unordered"], res["_ordered"]
    fig, axes = panels(3)
    for c in range(th.shape[0]):
        axes[0].plot(th[c, :400, 0], lw=0.6, label=t("chain", c=c))
    axes[0].set(xlabel=t("draw"), ylabel=t("theta0_unordered"), title=t("traces"))
    axes[0].legend(fontsize=9)
    for ax, draws, title in ((axes[1], th, t("unordered")), (axes[2], od, t("ordered"))):
        for k in range(2):
            ax.hist(draws[..., k].ravel(), bins=60, density=True, alpha=0.5,
                    label=rf"$\theta_{k}$")
        ax.set(xlabel="theta", title=title)
        ax.legend(fontsize=9)
    save(fig, path)


def explain(res, options):
    share = np.asarray(res["share_swapped_per_chain"])
    rhat_un, rhat_od = res["r_hat_unordered"], res["r_hat_ordered"]
    both = bool(np.all(np.minimum(share, 1 - share) > 0.05))
    rmax = max(rhat_un)
    common = dict(switches=[int(x) for x in res["switches_per_chain"]],
                  shares=[fact("study.percent", x=float(v)) for v in share],
                  r_hat=rhat_un, means=res["mean_unordered"], ordered=res["mean_ordered"],
                  r_hat_ordered=rhat_od)
    if both:
        return fact("study.labels.explain", "both", alarm=fact("study.labels.alarm",
                    "none" if rmax <= 1.01 else "some"), **common)
    return fact("study.labels.explain", "stayed",
                flag=fact("study.labels.flag", "flags" if rmax > 1.01 else "misses"), **common)


def text(res, options) -> list:
    return [fact("study.paragraph", text=res["_said"]),
            Figure("study_labels", "study_labels.png", fact("study.labels.caption"))]
