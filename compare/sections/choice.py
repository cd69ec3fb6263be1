"""How many coins the data support: the verdict, the table of fits and evidences, each
comparison, and how the numbers were computed."""

from __future__ import annotations

import numpy as np

from .. import choice as model_choice
from ..figure_list import SHRINK_PAIRS, SHRINK_SETS, caption
from .methods import method
from ..records import Figure, Table, fact


def odds(log_bf: float, rough: bool):
    """exp(log_bf) as odds: three significant digits, or ``rough`` (a BIC approximation) two."""
    return fact("choice.odds", "rough" if rough else "exact", log_bf=log_bf)


def homogeneity(h: dict | None):
    """Pearson's test of homogeneity (compare.choice.homogeneity) in words: the sets differ no
    more than one coin makes sets of their length differ ("too_short"), or they do ("differ");
    None where it was not run (one set)."""
    if h is None:
        return None
    length = (fact("choice.set_length", "same", n=h["shortest"]) if h["shortest"] == h["longest"]
              else fact("choice.set_length", "range", shortest=h["shortest"],
                        longest=h["longest"]))
    how = fact("choice.homogeneity_method",
               {"chi-square": "chi_square", "conditional Monte Carlo": "monte_carlo",
                "no variation possible": "none"}[h["method"]], replicates=h["replicates"])
    p = (fact("choice.p", "small", bound=0.001) if h["p"] < 0.001
         else fact("choice.p", "value", p=h["p"]))
    variant = ("no_variation" if h["method"] == "no variation possible" else
               "differ" if h["p"] < P_DIFFER else "too_short")
    return fact("choice.homogeneity", variant,
                x2=h["statistic"], df=h["df"], p=p, how=how, length=length)


#: a homogeneity p-value below this says the sets differ more than one coin makes them
P_DIFFER = 0.05


def verdict(r, strong: bool = True):
    """The verdict on how many coins, in one or two sentences; where it is one coin, with the
    test of homogeneity, so that "one coin" does not read as "every set is the same"."""
    said = _verdict(r, strong)
    h = r.choice.get("homogeneity")
    if r.choice["verdict"]["components"] == 1 and h is not None:
        return fact("choice.one_coin", verdict=said, test=homogeneity(h))
    return said


def _verdict(r, strong: bool):
    """The verdict on how many coins, in one or two sentences. "Do not support" has two cases
    that read differently: the evidence leans to more coins but too weakly to count (the data
    cannot tell), or it leans to fewer (the data favour fewer). ``strong``: the headline of a
    "do not support" verdict in bold."""
    v = r.choice["verdict"]
    k, best = v["asked"], v["components"]
    step = model_choice.decisive_step(v)
    if step is None:
        return fact("choice.verdict", "fitted", k=k)
    by = {"Bayes factor": "bayes_factor", "LOO": "loo", "BIC": "bic"}[step["by"]]
    bic = by != "bayes_factor"
    two, fewer, more = step["two_log_bf"], step["fewer"], step["more"]
    se = step.get("two_log_bf_se") or 0.0
    common = dict(by=fact("choice.by", by),
                  strength=fact("choice.strength", model_choice.evidence_grade(two)),
                  fewer=fewer, more=more, k=k,
                  scale=fact("choice.scale", by),
                  pm=fact("choice.pm", se=se) if se > 0 else None)

    def headline(variant):
        h = fact("choice.headline", variant, k=k, fewer=fewer)
        return fact("choice.strong", text=h) if strong else h

    if best < k:
        if two > -2:            # either side, but too weakly to count (Kass & Raftery: < 2)
            known = r.known
            told = (fact("choice.told", coins=len(known["theta"]), sets=r.data.n_sets)
                    if known is not None and len(known["theta"]) == k else None)
            if two >= 0:
                return fact("choice.verdict", "cannot_tell_leans_more",
                            headline=headline("cannot_tell"), odds=odds(two / 2, bic), two=two,
                            told=told, **common)
            return fact("choice.verdict", "cannot_tell_leans_fewer",
                        headline=headline("cannot_tell"), odds=odds(-two / 2, bic), two=-two,
                        told=told, **common)
        return fact("choice.verdict", "favours_fewer", headline=headline("favours_fewer"),
                    odds=odds(-two / 2, bic), two=-two, **common)
    if best > k:
        return fact("choice.verdict", "more", best=best, two=two, **common)
    if more == k:
        return fact("choice.verdict", "supported", odds=odds(two / 2, bic), two=two, **common)
    return fact("choice.verdict", "supported_plain", k=k)


def other_weights(r):
    """The same step with the other weights setting, said only where the two fall on different
    sides of a Kass-Raftery line (the prior's weight in the verdict)."""
    o = r.choice["verdict"].get("other_weights")
    if not o or not o["differs"]:
        return None
    se = o["two_log_bf_se"]
    return fact("choice.other_weights", o["weights"], two=o["two_log_bf"], fewer=o["fewer"],
                more=o["more"], pm=fact("choice.pm", se=se) if se > 0 else None,
                strength=fact("choice.strength", model_choice.evidence_grade(o["two_log_bf"])))


def evidence_cell(row):
    """A log evidence in the table: exact, estimated with its Monte Carlo error, or n/a."""
    if row["log_evidence"] is None:
        return fact("choice.loo", "na")
    if row.get("log_evidence_se"):
        return fact("choice.evidence", "estimated", value=row["log_evidence"],
                    se=row["log_evidence_se"])
    return fact("choice.evidence", "exact", value=row["log_evidence"])


def comparison(cmp):
    """One comparison of fewer against more coins: the likelihood ratio (and its bootstrap),
    the Bayes factor, BIC and the elpd, each where it exists."""
    m = cmp["more"]
    parts = [fact("choice.cmp.lr", two_log_lr=cmp["two_log_lr"])]
    if cmp["bootstrap"]:
        b = cmp["bootstrap"]
        parts.append(fact("choice.cmp.bootstrap", p=b["p"], replicates=b["replicates"],
                          quantile_95=b["quantile_95"]))
    if cmp["log_bayes_factor"] is not None:
        se = 2 * (cmp.get("log_bayes_factor_se") or 0.0)
        parts.append(fact("choice.cmp.bayes_factor", two_log_bf=2 * cmp["log_bayes_factor"],
                          pm=fact("choice.pm", se=se) if se > 0 else None))
    parts.append(fact("choice.cmp.bic", difference=cmp["bic_difference"], more=m))
    if cmp["loo_difference"] is not None:
        parts.append(fact("choice.cmp.loo", difference=cmp["loo_difference"],
                          se=cmp["loo_difference_se"]))
    return fact("choice.cmp.line", more=m, fewer=cmp["fewer"], parts=parts)


def methods(r):
    """How the evidences and elpds were computed, and how to read the likelihood ratio."""
    c = r.choice
    rows = sorted(c["components"], key=lambda row: row["components"])    # in the table's order
    evidence = [fact("choice.method", method=method(row["evidence_method"]), coins=row["components"])
                for row in rows if row["evidence_method"]]
    loos = [fact("choice.method", method=method(row["loo"]["method"]), coins=row["components"])
            for row in rows if row["loo"]]
    n = r.data.n_sets
    return fact("choice.methods", evidence=evidence, loos=loos,
                rough=fact("choice.rough_se", sets=n) if n < 20 else None,
                boundary=fact("choice.boundary", "learned" if r.options.learned else "fixed"),
                bootstrap=fact("choice.bootstrap",
                               "shown" if any(x["bootstrap"] for x in c["comparisons"])
                               else "not_run"),
                negative=fact("choice.negative_ratio") if r.options.weights == "fixed"
                and any(x["two_log_lr"] < 0 for x in c["comparisons"]) else None)


#: a set keeps n / (n + kappa) of its distance from mu: below KEEP_POOLED for every set the
#: Beta-binomial has become one coin, above KEEP_BARELY for every set it barely pools at all
KEEP_POOLED, KEEP_BARELY = 0.05, 0.95
#: a set is given to one coin where EM-MAP's largest responsibility is above this
SURE = 0.9


def pooling(bb, tosses):
    """How far the Beta-binomial pulls the sets toward mu, at its maximum-likelihood (mu, kappa):
    a set of n tosses keeps n / (n + kappa) of its distance from mu (the posterior mean of its
    rate given mu and kappa is (kappa mu + h) / (kappa + n))."""
    short, long_ = int(np.min(tosses)), int(np.max(tosses))
    kappa = float(bb["kappa"])
    keep_short, keep_long = short / (short + kappa), long_ / (long_ + kappa)
    common = dict(mu=bb["mu"], kappa=kappa)
    if keep_long < KEEP_POOLED:
        return fact("choice.pooling", "pooled", keep=keep_long, longest=long_, **common)
    if keep_short > KEEP_BARELY:
        return fact("choice.pooling", "barely", keep=keep_short, shortest=short, **common)
    if short == long_:
        return fact("choice.pooling", "one_length", keep=keep_short, n=short, **common)
    return fact("choice.pooling", "lengths", keep_short=keep_short, keep_long=keep_long,
                shortest=short, longest=long_, **common)


def mixing(r):
    """Where the mixture puts the sets: one coin for all (K = 1), or each set at a blend of the
    coins' rates, with how many sets EM-MAP gives to one coin (largest responsibility > SURE)."""
    theta = np.asarray(r.map.theta, float)
    if theta.size == 1:
        return fact("choice.mixing", "one", theta=float(theta[0]))
    sure = int(np.sum(np.asarray(r.map.responsibilities).max(axis=1) > SURE))
    return fact("choice.mixing", "few", k=theta.size, theta=theta, sure=sure, sets=r.data.n_sets,
                cut=SURE)


def best_kind(b: dict):
    """Which row of the shrinkage figure summarises the sets best: the kind the evidence prefers,
    or none where the best two are within 2 ln BF < 2 (barely worth mentioning)."""
    if b["two_log_bf"] is not None and b["two_log_bf"] < 2:
        return fact("choice.shrink.best", "barely", two=b["two_log_bf"])
    return fact("choice.shrink.best", b["kind"])


def shrinkage(r, figs) -> list:
    """"One coin, a few coins, or a coin for every set?": the three kinds of model side by side
    on every set (the shrinkage figure), how far the Beta-binomial pools, where the mixture
    puts the sets, and which kind the evidence prefers."""
    bb = r.choice.get("beta_binomial")
    if not bb:
        return []
    out = [fact("choice.shrink.heading"), fact("choice.shrink.intro"),
           fact("choice.paragraph", text=fact("choice.shrink.numbers",
                                              pooling=pooling(bb, r.data.tosses),
                                              mixing=mixing(r),
                                              best=best_kind(bb["best_kind"])))]
    if "shrinkage" in figs:
        n = r.data.n_sets
        shown = (fact("choice.shrink.shown", "every") if n <= SHRINK_SETS else
                 fact("choice.shrink.shown", "pairs", most=SHRINK_PAIRS))
        out.append(Figure("shrinkage", figs["shrinkage"], fact(
            caption("shrinkage"), "known" if r.data.labels is not None else "coin",
            shown=shown)))
    return out


def build(r, figs=None) -> list:
    figs = figs or {}
    c = r.choice
    if not c:
        return []
    header = [fact(f"choice.header.{h}") for h in
              ("coins", "parameters", "log_likelihood", "bic", "log_evidence", "loo")]
    rows = [[row["components"], row["parameters"], row["log_likelihood"], row["bic"],
             evidence_cell(row),
             fact("choice.loo", "na") if row["loo"] is None else
             fact("choice.loo", "value", elpd=row["loo"]["elpd"], se=row["loo"]["se"])]
            for row in c["components"]]
    bb = c.get("beta_binomial")
    if bb:
        rows.append([fact("choice.every_set"), bb["parameters"], bb["log_likelihood"], bb["bic"],
                     evidence_cell({**bb, "log_evidence_se": 0.0}), fact("choice.loo", "value", elpd=bb["loo"]["elpd"],
                                              se=bb["loo"]["se"])])
    out = [fact("choice.heading"), fact("choice.paragraph", text=verdict(r))]
    prior_weight = other_weights(r)
    if prior_weight is not None:
        out.append(fact("choice.paragraph", text=prior_weight))
    if bb:
        out.insert(1, fact("choice.paragraph", text=kinds(bb)))
    out += [
           Table(header, rows, ["", "", ".3f", ".2f", "", ""])]
    lines = [comparison(cmp) for cmp in c["comparisons"]]
    out += lines + [""] if lines else ["\n"]
    out.append(methods(r))
    if bb:
        out.append(fact("choice.every_set_method", points=bb["points"],
                        mu=bb["mu"], kappa=bb["kappa"]))
    return out + shrinkage(r, figs)


def kinds(bb):
    """Which of the three kinds of model the evidence favours: one coin, a few coins, or a coin
    for every set (the Beta-binomial); said first, before the number of coins."""
    b = bb["best_kind"]
    name = fact("choice.kind", b["kind"], k=b["components"])
    if b["two_log_bf"] is None:
        return fact("choice.kinds", "alone", best=name)
    runner = fact("choice.kind", b["runner_kind"], k=b["runner_components"])
    return fact("choice.kinds", "ranked", best=name, runner=runner, two=b["two_log_bf"],
                strength=fact("choice.strength", model_choice.evidence_grade(b["two_log_bf"])))
