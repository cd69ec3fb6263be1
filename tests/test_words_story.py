"""The story sections' records (issue 21): on tiny hand-made inputs, each builder of
compare.sections.{top, choice, short, posterior, sets, takeaways} chooses the variant its
numbers call for, and names the numbers it says. The facts are tested, not the English; every
fact built here is also rendered, so a variant without a template, or a template naming a value
its fact does not carry, fails too.

The runs are plain namespaces holding only what a builder reads; the expected variant follows
from the rule each builder documents (Kass & Raftery's scale, a quarter of a posterior sd, the
p-value bounds), not from running it.
"""

from types import SimpleNamespace as NS

import numpy as np
import pytest

from compare import facts, words
from compare.choice import evidence_grade, kass_raftery
from compare.records import Fact
from compare.words import render
from compare.sections import choice, posterior, sets, short, takeaways, top


def said(f: Fact) -> Fact:
    """The fact, after checking that the English catalogue can say it."""
    assert isinstance(f, Fact)
    assert isinstance(words.render(f), str)
    return f


# ---------------------------------------------------------------- how many coins

def run_with_choice(asked, best, fewer, more, two, by="Bayes factor", known=None, n_sets=5):
    step = {"fewer": fewer, "more": more, "by": by, "two_log_bf": two,
            "strength": kass_raftery(two)}
    verdict = {"components": best, "asked": asked, "fewer_than_asked": best < asked,
               "steps": [step]}
    return NS(choice={"verdict": verdict}, known=known, data=NS(n_sets=n_sets))


@pytest.mark.parametrize("asked,best,two,variant", [
    (2, 1, 1.2, "cannot_tell_leans_more"),     # leans to 2, but 2 ln BF < 2: the data cannot tell
    (2, 1, 0.0, "cannot_tell_leans_more"),
    (2, 1, -1.99, "cannot_tell_leans_fewer"),  # leans to 1, still below 2 in size
    (2, 1, -2.0, "favours_fewer"),             # 2 ln BF of 2 for one coin: positive evidence
    (2, 1, -7.0, "favours_fewer"),
    (2, 3, 12.0, "more"),
    (2, 2, 8.0, "supported"),
])
def test_choice_verdict_variant(asked, best, two, variant):
    fewer, more = (1, 2) if best <= asked and variant != "more" else (2, 3)
    f = said(choice.verdict(run_with_choice(asked, best, fewer, more, two)))
    assert (f.id, f.variant) == ("choice.verdict", variant)
    # the odds and 2 ln BF named are those of the side the verdict names
    if variant in ("cannot_tell_leans_fewer", "favours_fewer"):
        assert f["two"] == -two and f["odds"]["log_bf"] == -two / 2
    elif variant != "more":
        assert f["two"] == two and f["odds"]["log_bf"] == two / 2
    assert f["strength"].variant == evidence_grade(two)


def test_choice_verdict_without_a_step_or_a_comparison_of_the_asked_k():
    r = run_with_choice(2, 2, 1, 2, 8.0)
    r.choice["verdict"]["steps"] = []
    assert said(choice.verdict(r)).variant == "fitted"
    r = run_with_choice(2, 2, 2, 3, -8.0)        # 2 beats 3: supported, but no odds for 2 vs 1
    assert said(choice.verdict(r)).variant == "supported_plain"


def test_choice_verdict_bic_gives_rough_odds_and_names_bic():
    f = said(choice.verdict(run_with_choice(2, 1, 1, 2, 1.0, by="BIC")))
    assert f["by"].variant == "bic" and f["odds"].variant == "rough"
    f = said(choice.verdict(run_with_choice(2, 1, 1, 2, 1.0)))
    assert f["by"].variant == "bayes_factor" and f["odds"].variant == "exact"


def test_choice_verdict_known_labels_only_when_they_count_the_asked_coins():
    two = {"theta": [0.45, 0.8]}
    f = said(choice.verdict(run_with_choice(2, 1, 1, 2, 1.0, known=two, n_sets=5)))
    assert f["told"].values == {"coins": 2, "sets": 5}
    assert choice.verdict(run_with_choice(2, 1, 1, 2, 1.0))["told"] is None
    three = {"theta": [0.2, 0.5, 0.8]}
    assert choice.verdict(run_with_choice(2, 1, 1, 2, 1.0, known=three))["told"] is None


def test_choice_headline_bold_only_where_asked():
    r = run_with_choice(2, 1, 1, 2, -5.0)
    assert said(choice.verdict(r))["headline"].id == "choice.strong"
    plain = said(choice.verdict(r, strong=False))["headline"]
    assert (plain.id, plain.variant) == ("choice.headline", "favours_fewer")


@pytest.mark.parametrize("two,grade", [(0.0, "barely"), (-1.99, "barely"), (2.0, "positive"),
                                       (-5.99, "positive"), (6.0, "strong"), (9.99, "strong"),
                                       (10.0, "very_strong"), (-40.0, "very_strong")])
def test_evidence_grade_is_kass_and_raftery(two, grade):
    assert evidence_grade(two) == grade
    assert kass_raftery(two) == words.render(Fact("choice.strength", grade))


def choice_run(comparisons, rows, weights="fixed", n_sets=5):
    return NS(choice={"comparisons": comparisons, "components": rows},
              options=NS(weights=weights, learned=weights == "learned"), data=NS(n_sets=n_sets))


def comparison(two_log_lr=1.0, bootstrap=None, log_bf=0.5, loo=0.3):
    return {"fewer": 1, "more": 2, "two_log_lr": two_log_lr, "bic_difference": 0.6,
            "log_bayes_factor": log_bf, "loo_difference": loo, "loo_difference_se": 0.7,
            "bootstrap": bootstrap}


def test_comparison_names_only_what_was_computed():
    full = said(choice.comparison(comparison(bootstrap={"p": 0.2, "replicates": 99,
                                                        "quantile_95": 3.1})))
    assert [p.id for p in full["parts"]] == ["choice.cmp.lr", "choice.cmp.bootstrap",
                                            "choice.cmp.bayes_factor", "choice.cmp.bic",
                                            "choice.cmp.loo"]
    assert full["parts"][2]["two_log_bf"] == 1.0          # twice the log Bayes factor
    bare = said(choice.comparison(comparison(log_bf=None, loo=None)))
    assert [p.id for p in bare["parts"]] == ["choice.cmp.lr", "choice.cmp.bic"]


def test_methods_variants():
    rows = [{"components": 1, "evidence_method": "closed form", "loo": {"method": "exact"}},
            {"components": 2, "evidence_method": None, "loo": None}]
    f = said(choice.methods(choice_run([comparison(two_log_lr=-0.1)], rows)))
    assert [m["coins"] for m in f["evidence"]] == [1] and [m["coins"] for m in f["loos"]] == [1]
    assert f["rough"]["sets"] == 5                     # under 20 sets the elpd's se is rough
    assert f["boundary"].variant == "fixed" and f["bootstrap"].variant == "not_run"
    assert f["negative"] is not None                   # fixed weights and a negative ratio
    f = said(choice.methods(choice_run([comparison(bootstrap={"p": 0.1, "replicates": 9,
                                                              "quantile_95": 2.0})],
                                       rows, weights="learned", n_sets=20)))
    assert f["rough"] is None and f["negative"] is None
    assert f["boundary"].variant == "learned" and f["bootstrap"].variant == "shown"


# ---------------------------------------------------------------- the top

def test_failed_sampler_checks_are_the_nuts_posterior_ones_that_fail():
    agreement = [{"check": "NUTS posterior mean = exact", "agree": False},
                 {"check": "NUTS posterior sd = exact", "agree": True},
                 {"check": "Gibbs = NUTS", "agree": False},
                 {"check": "NUTS posterior HDI = exact", "agree": None}]
    assert top._failed_sampler_checks(agreement) == ["NUTS posterior mean = exact"]


@pytest.mark.parametrize("k,weights,variant", [(1, "learned", "one_coin"), (2, "fixed", "fixed"),
                                               (3, "learned", "learned")])
def test_model_variant(k, weights, variant):
    assert said(top.model(NS(components=k, weights=weights, dirichlet=1.0))).variant == variant


def gibbs_run(r_hat, ess, nuts_warnings=(), converged=True):
    diag = {"r_hat_max": r_hat, "ess_bulk_min": ess, "chains": 4, "draws": 1000}
    fit = NS(iterations=59, converged=converged, e_steps=15, objective=-71.5)
    return NS(gibbs=NS(warnings=("Gibbs did not mix",), diagnostics=diag),
              sampler=NS(warnings=nuts_warnings), plain={"ml": fit, "map": fit},
              squarem={"ml": fit, "map": fit})


@pytest.mark.parametrize("r_hat,ess,failed", [(1.02, 1522, ["r_hat"]), (1.005, 150, ["ess"]),
                                              (1.03, 90, ["r_hat", "ess"]),
                                              (1.01, 400, [])])     # at the thresholds: passes
def test_gibbs_note_names_the_diagnostics_that_failed(r_hat, ess, failed):
    f = said(top.gibbs_note(gibbs_run(r_hat, ess)))
    named = [] if f["failed"] is None else f["failed"]["diagnostics"]
    assert [x.key.rsplit(".", 1)[1] for x in named] == failed
    if "ess" in failed:
        assert named[-1].values == {"ess": ess, "draws": 4000}
    assert f.variant == "nuts_copes"
    assert said(top.gibbs_note(gibbs_run(r_hat, ess), nuts_matches_exact=False)).variant == \
        "nuts_fails"


def test_gibbs_note_only_when_gibbs_struggles_and_nuts_does_not():
    r = gibbs_run(1.02, 90)
    assert said(top.gibbs_note(r))["took"].values == {"n": 59}
    r.plain["ml"] = NS(iterations=1000, converged=False, e_steps=1, objective=0.0)
    assert said(top.gibbs_note(r))["took"].variant == "not_converged"
    assert top.gibbs_note(gibbs_run(1.02, 90, nuts_warnings=("NUTS: diverged",))) is None
    r = gibbs_run(1.02, 90)
    r.gibbs = NS(warnings=(), diagnostics={})
    assert top.gibbs_note(r) is None


# ---------------------------------------------------------------- in short

def test_prior_moves_each_coin_towards_or_away_from_its_mean():
    moves = [said(m) for m in short.shifts([0.3, 0.6, 0.8], [0.32, 0.62, 0.79], (2, 2))]
    # the prior mean is 0.5: coin 0 moves up towards it, coin 1 up away, coin 2 down towards
    assert [m.variant for m in moves] == ["towards", "away", "towards"]
    assert moves[1]["shift"] == pytest.approx(0.02) and moves[1]["mean"] == 0.5


def test_software_checks_counted():
    agreement = [{"kind": "software", "check": "a", "agree": True, "status": "pass"},
                 {"kind": "software", "check": "b", "agree": True, "status": "borderline"},
                 {"kind": "software", "check": "c", "agree": False, "status": "fail"},
                 {"kind": "software", "check": "d", "agree": None, "status": "not assessable"},
                 {"kind": "finding", "check": "e", "agree": False, "status": "fail"}]
    f = said(short.software(agreement))
    assert f["passed"] == 2
    assert (f["of"].variant, f["of"]["n"]) == ("assessable", 3)
    assert f["borderline"].values == {"n": 1, "checks": ["b"]}
    assert f["failing"]["checks"] == ["c"] and f["unsure"]["checks"] == ["d"]
    f = said(short.software(agreement[:1]))
    assert (f["of"].variant, f["of"]["n"]) == ("all", 1)
    assert f["borderline"] is None and f["failing"] is None and f["unsure"] is None


# ---------------------------------------------------------------- the posterior

def marginal(mean=0.5, peak=0.5, sd=0.1, skewness=0.0, bump=None, resolution=1e-4,
             source="exact", digits=4):
    return {"mean": mean, "peak": peak, "sd": sd, "skewness": skewness, "bump": bump,
            "resolution": resolution, "source": source, "peak_digits": digits, "median": mean}


@pytest.mark.parametrize("m,variant,why", [
    (marginal(peak=0.5 + 1e-5), "agree", None),                      # below the resolution
    (marginal(peak=0.52, bump=0.3), "below", "bump"),
    (marginal(peak=0.52, skewness=0.05), "below", "symmetric"),
    (marginal(peak=0.52, skewness=-0.4), "below", "leans_left"),     # leans left, mean below
    (marginal(peak=0.48, skewness=0.4), "above", "leans_right"),
    (marginal(peak=0.48, skewness=-0.4), "above", "lopsided"),       # mean on the short side
    (marginal(peak=0.5 - 5e-5, resolution=1e-5), "above", None),     # within 1e-3 sd: no why
])
def test_where_the_mean_lies_and_why(m, variant, why):
    f = said(posterior.where(m))
    assert f.variant == variant
    if variant != "agree":
        assert f["gap"] == pytest.approx(abs(m["mean"] - m["peak"])) and f["digits"] == 4
        assert (f["why"] and f["why"].variant) == why


def test_skewness_from_draws_to_one_decimal():
    assert said(posterior.skewness(marginal(skewness=0.3))).variant == "exact"
    assert said(posterior.skewness(marginal(skewness=0.3, source="NUTS"))).variant == "draws"


@pytest.mark.parametrize("gaps,variant", [([0.1, -0.25], "little"), ([0.1, 0.3], "differ"),
                                          ([-0.26, 0.3], "differ")])
def test_map_or_mean(gaps, variant):
    mvm = [{"gap_sd": g, "gap_small": abs(g) <= facts.SMALL_SD} for g in gaps]
    f = said(posterior.map_or_mean(mvm))
    assert f.variant == variant
    if variant == "differ":
        big = [i for i, g in enumerate(gaps) if abs(g) > facts.SMALL_SD]
        assert [c["coin"] for c in f["coins"]] == big
        # three decimals where two would show 0.25 for a gap just beyond it
        assert [c["digits"] for c in f["coins"]] == [3 if abs(abs(gaps[i]) - 0.25) < 0.005
                                                     else 2 for i in big]


@pytest.mark.parametrize("full,cut,variant", [
    ([1.05, 0.95], [1.0, 1.0], "shape_costs_little"),
    ([1.5, 1.3], [1.05, 0.92], "cut_off"),
    ([1.5, 1.3], [1.2, 1.15], "too_wide"),
    ([1.15, 0.9], [1.2, 1.15], "too_wide"),        # 15% too wide is not "little"
    ([0.5, 0.6], [0.5, 0.6], "too_narrow"),
    ([1.5, 0.6], [1.3, 0.8], "wrong_width"),
])
def test_laplace_verdict(full, cut, variant):
    f = said(facts.laplace_verdict({"sd_ratio": full, "sd_ratio_cut": cut}))
    assert (f.id, f.variant) == ("laplace_verdict", variant)


def test_gaussian_correlation_only_where_there_is_one():
    lap = {"swapped": 0.01, "outside": 0.0, "sd_ratio": [1.0, 1.0], "sd_ratio_cut": [1.0, 1.0],
           "reference": "exact", "correlation": None}
    assert said(posterior.gaussian(lap))["correlation"] is None
    lap["correlation"] = {"laplace": 0.1, "laplace_cut": 0.2, "posterior": 0.3}
    f = said(posterior.gaussian(lap))
    assert f["correlation"]["posterior"] == 0.3 and f["reference"].variant == "exact"


# ---------------------------------------------------------------- sets and the predictive check

def predictive(p_value=0.5, p_one=0.5, low_power=False, covers_median=0.3):
    return {"inside": 5, "sets": 5, "prob": 0.94, "low_power": low_power, "covers_min": 0.8,
            "covers_median": covers_median, "p_value": p_value, "p_value_one_coin": p_one,
            "spread": 0.01, "replicates": 400}


@pytest.mark.parametrize("low,median,variant", [(True, 0.9, "none"), (False, 0.5, "limited"),
                                                (False, 0.49, None)])
def test_predictive_power(low, median, variant):
    f = sets.power(predictive(low_power=low, covers_median=median))
    assert (f and said(f).variant) == variant


@pytest.mark.parametrize("pk,model", [(0.049, "spread_out"), (0.05, "fits"), (0.95, "fits"),
                                      (0.951, "uniform")])
def test_predictive_spread_under_k_coins(pk, model):
    f = said(sets.spread(predictive(p_value=pk), 2))
    assert f.variant == "k_coins" and f["model"].variant == model and f["k"] == 2


@pytest.mark.parametrize("p1,one", [(0.049, "over_dispersed"), (0.05, "fits")])
def test_predictive_spread_under_one_coin(p1, one):
    f = said(sets.spread(predictive(p_one=p1), 1))
    assert f.variant == "one_coin" and f["one"].variant == one


def test_predictive_p_value_never_zero():
    f = said(sets.spread(predictive(p_value=0.0, p_one=0.0), 2))
    for p in (f["p_k"], f["p_one"]):
        assert p.variant == "none" and p.values == {"bound": 1 / 400, "replicates": 400}
    assert said(sets.spread(predictive(p_value=0.3), 2))["p_k"].values == {"p": 0.3}
    assert sets.spread(predictive(p_value=None), 2) is None


@pytest.mark.parametrize("em,post,variant", [(0.9, 0.8, "less_sure"), (0.901, 0.899, "as_sure"),
                                             (0.8, 0.9, "more_sure")])
def test_sharpness(em, post, variant):
    f = said(sets.sharpness_of(em, post, []))
    assert f.variant == variant and (f["em"], f["posterior"]) == (round(em, 2), round(post, 2))


def test_sharpness_of_an_emptied_map():
    f = said(sets.sharpness_of(1.0, 0.8, [0]))
    assert f.variant == "emptied_one" and [c["coin"] for c in f["coins"]] == [0]
    f = said(sets.sharpness_of(1.0, 0.8, [0, 1]))
    assert f.variant == "emptied_many" and [c["coin"] for c in f["coins"]] == [0, 1]


def test_emptied_coins_are_those_at_weight_zero():
    r = NS(options=NS(learned=True), map=NS(weights=[0.0, 0.3, 0.7]))
    assert facts.empty_map_coins(r) == [0]
    r = NS(options=NS(learned=False), map=NS(weights=[0.0, 1.0]))
    assert facts.empty_map_coins(r) == []


# ---------------------------------------------------------------- take-aways

def test_point_estimates_matter_beyond_a_quarter_sd():
    close = {"close": True, "largest": ("ML and MAP", 1, 0.2), "map_mean_close": True}
    f = said(takeaways.point_estimates(close, [0.1, 0.2]))
    assert f.variant == "matters_little" and f["pair"].variant == "ml_map" and f["coin"] == 1
    close = {"close": False, "largest": ("ML and the posterior mean", 0, 0.6),
             "map_mean_close": False}
    f = said(takeaways.point_estimates(close, [0.1, 0.2]))
    assert f.variant == "matters" and f["pair"].variant == "ml_mean" and f["gap"] == 0.6
    # MAP and the mean agree, ML does not: the take-away says so, and so does "MAP or mean?"
    # (one rule, one message: not "matters little" beside "matters here")
    close["map_mean_close"] = True
    f = said(takeaways.point_estimates(close, [0.1, 0.2]))
    assert f.variant == "ml_apart" and "matters little" in render(f)
    mvm = [{"gap_sd": 0.1, "gap_small": True}, {"gap_sd": -0.2, "gap_small": True}]
    g = said(posterior.map_or_mean(mvm, close))
    assert g.variant == "ml_apart" and g["gap"] == 0.6 and g["coin"] == 0
    assert said(posterior.map_or_mean(mvm, {**close, "close": True})).variant == "little"


def test_mode_and_posterior_meet_unless_fewer_coins_fit():
    assert said(takeaways.mode(True, True)).variant == "one_coin_may_fit"
    f = said(takeaways.mode(False, True))
    assert f.variant == "meet" and f["study"].variant == "ran"
    assert said(takeaways.mode(False, False))["study"].variant == "not_run"


def test_vb_said_too_narrow_only_when_every_sd_is():
    assert takeaways.vb({"narrower": [0.2, 0.005], "source": "exact"}) is None
    f = said(takeaways.vb({"narrower": [0.2, 0.011], "source": "NUTS"}))
    assert [p["x"] for p in f["percents"]] == pytest.approx([20.0, 1.1])
    assert f["source"].variant == "NUTS"


def test_every_pair_of_point_estimates_has_a_name():
    """facts.closeness names its pairs in English; each must map to a catalogue variant."""
    r = NS(ml=NS(theta=[0.3, 0.7]), map=NS(theta=[0.31, 0.69]))
    marg = [{"sd": 0.1, "mean": 0.32, "source": "exact"}, {"sd": 0.1, "mean": 0.68,
                                                           "source": "exact"}]
    close = facts.closeness(r, marg)
    for name, _, _ in [close["largest"]] + [(p, 0, 0) for p in short.PAIRS]:
        said(short.pair(name))
    assert {e[0] for e in close["over"]} <= set(short.PAIRS)
