"""Study: label switching. The model without its ordering has K! mirror-image posteriors; its
chains swap labels while R-hat stays near 1. The ordered model keeps one image."""

from __future__ import annotations

import numpy as np

import bayes

from ..markdown import embed
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


def figure(res, path) -> None:
    th, od = res["_unordered"], res["_ordered"]
    fig, axes = panels(3)
    for c in range(th.shape[0]):
        axes[0].plot(th[c, :400, 0], lw=0.6, label=f"chain {c}")
    axes[0].set(xlabel="draw", ylabel=r"$\theta_0$ (unordered)", title="Traces: labels swap")
    axes[0].legend(fontsize=9)
    for ax, draws, title in ((axes[1], th, "Unordered: both marginals bimodal"),
                             (axes[2], od, "Ordered model: one coin each")):
        for k in range(2):
            ax.hist(draws[..., k].ravel(), bins=60, density=True, alpha=0.5,
                    label=rf"$\theta_{k}$")
        ax.set(xlabel="theta", title=title)
        ax.legend(fontsize=9)
    save(fig, path)


def explain(res, options) -> str:
    share = np.asarray(res["share_swapped_per_chain"])
    rhat_un, rhat_od = res["r_hat_unordered"], res["r_hat_ordered"]
    vec = lambda xs: ", ".join(f"{v:.3f}" for v in xs)  # noqa: E731
    both = bool(np.all(np.minimum(share, 1 - share) > 0.05))
    rmax = max(rhat_un)
    expl = (f"Without the ordering the coins' names are arbitrary: the posterior has two mirror "
            f"images. The chains switched labels "
            f"{', '.join(str(int(s)) for s in res['switches_per_chain'])} times; the share of "
            f"draws with theta_0 > theta_1 per chain is {', '.join(f'{v:.0%}' for v in share)}. ")
    if both:
        expl += (f"Every chain visits both images, so the chains agree with one another and R-hat "
                 f"reads {vec(rhat_un)}: " + ("no alarm, " if rmax <= 1.01 else "")
                 + f"yet the posterior means {vec(res['mean_unordered'])} average the two coins "
                 "into one and describe neither. ")
    else:
        expl += (f"Some chains stayed in one image; R-hat reads {vec(rhat_un)}"
                 + (" and flags it. " if rmax > 1.01 else ", and does not flag it. ")
                 + f"The pooled means {vec(res['mean_unordered'])} mix the two coins. ")
    return expl + (f"The ordered model (theta_0 < theta_1) keeps one image: means "
                   f"{vec(res['mean_ordered'])}, R-hat {vec(rhat_od)}.")


def text(res, options) -> str:
    return (res["explanation"] + "\n\n"
            + embed("study_labels", "study_labels.png", "The unordered model's chains swap "
                    "labels; the ordered model's do not."))
