"""Each agreement check's verdict on hand-built inputs just inside and just outside its tolerance
(issue 16: a tolerance made 10x looser, or a verdict inverted, must fail a test).

The runs here are plain namespaces holding only what a check reads; the numbers are chosen so
that the expected verdict follows from the check's documented rule, not from running it.
"""

from types import SimpleNamespace as NS

import numpy as np
import pytest

from compare import checks
from compare.facts import BORDERLINE, check_status


def posterior(mean, sd, mcse, low=None, high=None):
    mean = list(mean)
    return {"mean": mean, "sd": list(sd), "mcse_mean": list(mcse),
            "hdi_low": list(low or [m - 0.1 for m in mean]),
            "hdi_high": list(high or [m + 0.1 for m in mean]), "hdi_prob": 0.94}


def fit(theta, weights=(0.5, 0.5)):
    return NS(theta=np.array(theta), weights=np.array(weights), log_posterior=-12.0)


@pytest.mark.parametrize("fraction,status", [(0.5, "pass"), (0.79, "pass"), (0.81, "borderline"),
                                             (1.0, "borderline"), (1.01, "fail"), (10, "fail")])
def test_check_status(fraction, status):
    assert BORDERLINE == 0.8
    assert check_status(fraction * 2.5e-4, 2.5e-4) == status


@pytest.mark.parametrize("offset,agree", [(0.99e-4, True), (1.01e-4, False), (1e-3, False)])
def test_em_map_against_pymc_mode(offset, agree):
    """Two optimisers of one density agree to 1e-4 in every theta and weight."""
    r = NS(map=fit([0.52, 0.76]), options=NS(prior=(2.0, 2.0)),
           sampler=NS(find_map={"theta": [0.52, 0.76 + offset], "weights": [0.5, 0.5],
                             "log_posterior": -12.1}))
    c = checks.map_vs_find_map(r)
    assert c["agree"] is agree and c["kind"] == "software"
    assert c["status"] == ("fail" if not agree else "borderline")
    assert c["difference"] == pytest.approx(offset) and c["tolerance"] == 1e-4
    # the weights are held to the same tolerance
    r.sampler.find_map.update(theta=[0.52, 0.76], weights=[0.5 - offset, 0.5 + offset])
    assert checks.map_vs_find_map(r)["agree"] is agree


@pytest.mark.parametrize("offset,agree", [(0.5e-4, True), (1.01e-4, False)])
def test_em_ml_against_the_flat_mode(offset, agree):
    r = NS(ml=NS(theta=np.array([0.52, 0.80]), log_likelihood=-9.8),
           flat_mode={"theta": [0.52 - offset, 0.80]})
    c = checks.ml_vs_flat_mode(r)
    assert c["agree"] is agree and c["status"] == ("pass" if agree else "fail")
    assert ("more than one maximum" in c["explanation"]) is not agree


@pytest.mark.parametrize("z,sd_ratio,agree", [(3.99, 1.0, True), (4.01, 1.0, False),
                                              (1.99, 1.0, True), (3.1, 1.0, True),
                                              (0.0, 1.099, True), (0.0, 1.101, False),
                                              (0.0, 0.901, True), (0.0, 0.899, False)])
def test_sampler_mean_against_the_exact_posterior(z, sd_ratio, agree):
    """Means within 4 MCSE of the exact means, sds within 10%, for every coin (coin 1 moved)."""
    mcse = 0.002
    exact = {"theta": {"mean": [0.50, 0.75], "sd": [0.11, 0.085]}, "method": "grid"}
    res = NS(posterior={"theta": posterior([0.50, 0.75 + z * mcse], [0.11, 0.085 * sd_ratio],
                                           [mcse, mcse])}, warnings=())
    c = checks.mean_vs_exact(NS(exact=exact), res, "NUTS")
    assert c["agree"] is agree
    assert c["difference"] == pytest.approx(z) and c["tolerance"] == 4.0
    assert c["status"] == ("fail" if not agree else check_status(z, 4.0))
    # a failure says which part failed: a mean outside Monte Carlo error, or only the sds
    verdict = c.explanation[1].variant
    assert (verdict == "sds_off") is (not agree and z < 4)
    assert (verdict == "outside") is (not agree and z > 4)
    # the words follow the number: within what chance gives (2 MCSE), or only within tolerance
    if agree:
        assert verdict == ("within" if z <= 2 else "tolerated")
    res.warnings = ("R-hat above 1.01",)             # the sampler did not mix: no verdict
    c = checks.mean_vs_exact(NS(exact=exact), res, "Gibbs")
    assert c["agree"] is None and c["status"] == "not assessable"


@pytest.mark.parametrize("z,agree", [(3.9, True), (4.1, False)])
def test_gibbs_against_nuts(z, agree):
    """Two samplers: means within 4 combined MCSE (the MCSEs added in quadrature)."""
    g_mcse, n_mcse = 0.003, 0.004                 # combined: 0.005
    r = NS(gibbs=NS(posterior={"theta": posterior([0.50 + z * 0.005, 0.75], [0.1, 0.1],
                                                  [g_mcse, g_mcse])}, warnings=()),
           sampler=NS(posterior={"theta": posterior([0.50, 0.75], [0.1, 0.1], [n_mcse, n_mcse])},
                   warnings=()))
    c = checks.gibbs_vs_nuts(r)
    assert c["agree"] is agree and c["difference"] == pytest.approx(z)
    assert c["status"] != "not assessable"
    # Gibbs has not mixed: its MCSE proves nothing, so neither verdict is given
    r.gibbs.warnings = ("bulk ESS below 400",)
    c = checks.gibbs_vs_nuts(r)
    assert c["agree"] is None and c["status"] == "not assessable"
    assert "Not assessable: Gibbs did not mix" in c["explanation"]


@pytest.mark.parametrize("warnings,agree", [([], True), (["R-hat above 1.01"], False)])
def test_sampler_diagnostics(warnings, agree):
    d = {"warnings": warnings, "chains": 4, "draws": 1000, "r_hat_max": 1.02 if warnings else 1.001,
         "ess_bulk_min": 800, "divergences": 0}
    c = checks.diagnostics(NS(sampler=NS(diagnostics=d)))
    assert c["agree"] is agree and c["status"] == ("pass" if agree else "fail")


@pytest.mark.parametrize("theta,outside", [([0.45, 0.80], 0.0), ([0.45, 0.91], 0.01),
                                           ([0.28, 0.80], 0.02)])
def test_a_point_estimate_against_the_hdi(theta, outside):
    """A finding, not a verdict: its difference is how far the estimate lies outside the HDI,
    for whichever coin is outside."""
    p = posterior([0.45, 0.80], [0.1, 0.05], [0.002, 0.002], low=[0.30, 0.70], high=[0.60, 0.90])
    r = NS(sampler=NS(posterior={"theta": p}), data=NS(n_sets=5))
    c = checks.inside_hdi(r, fit(theta), "EM-MAP")
    assert c["kind"] == "finding" and c["agree"] is None and c["tolerance"] is None
    assert c["difference"] == pytest.approx(outside)
    assert c["quantities"]["inside"] == [0.30 <= theta[0] <= 0.60, 0.70 <= theta[1] <= 0.90]


@pytest.mark.parametrize("vb_mean,where", [([0.51, 0.75], "located"),
                                           ([0.54, 0.78], "misplaced"),
                                           ([0.62, 0.62], "astray")])
def test_an_approximation_is_placed_where_it_is(vb_mean, where):
    """VB's means: within a quarter sd of the posterior means ("located"), nearer the MAP than
    the means for every coin ("misplaced": the text says it sits near the MAP), or neither
    ("astray": the text must not say it sits near the MAP)."""
    r = NS(map=NS(theta=np.array([0.55, 0.79])))
    ref_mean, ref_sd = np.array([0.50, 0.75]), np.array([0.10, 0.08])
    assert checks._placement(np.array(vb_mean), ref_mean, ref_sd, r) == where


def test_the_gibbs_sweep_in_the_formulas_is_a_draw_not_an_argmax():
    """The sweep that illustrates Gibbs draws each set's coin from its posterior probabilities:
    with every set at 50:50, about half the sets go to each coin (an argmax would give all of
    them to one), and the credited heads are those of the sets drawn."""
    from compare import facts

    n = 1000
    heads, tosses = np.arange(n) % 11, np.full(n, 10)
    r = NS(data=NS(heads=heads, tosses=tosses),
           options=NS(prior=(2.0, 2.0), components=2, seed=0),
           map=NS(theta=np.array([0.4, 0.6]), weights=np.array([0.5, 0.5])),
           sampler=NS(assignment_probability=np.full((n, 2), 0.5)),
           vb=NS(theta_alpha=np.array([1.0, 1.0]), theta_beta=np.array([1.0, 1.0]), elbo=-1.0),
           choice=None)
    f = facts.formulas(r)
    assert sum(f["gibbs_sets"]) == n
    assert 400 < f["gibbs_sets"][0] < 600           # 50% +- 6 binomial sds
    assert sum(f["gibbs_heads"]) == heads.sum() and sum(f["gibbs_tails"]) == (tosses - heads).sum()


@pytest.mark.parametrize("r_hat,ess,shown", [(1.02, 1522, ["max R-hat 1.020"]),
                                             (1.005, 150, ["min bulk ESS 150 of 4000 draws"]),
                                             (1.03, 90, ["max R-hat 1.030", "min bulk ESS 90"])])
def test_the_gibbs_note_cites_the_diagnostics_that_failed(r_hat, ess, shown):
    from compare import text

    diag = {"r_hat_max": r_hat, "ess_bulk_min": ess, "chains": 4, "draws": 1000}
    fit = NS(iterations=59, converged=True, e_steps=15, objective=-71.5)
    r = NS(gibbs=NS(warnings=("Gibbs did not mix",), diagnostics=diag), sampler=NS(warnings=()),
           plain={"ml": fit, "map": fit}, squarem={"ml": fit, "map": fit})
    note = text.gibbs_mixing_note(r)
    for x in shown:
        assert x in note
    assert ("ESS" in note) is (ess < 400) and ("R-hat" in note) is (r_hat > 1.01)
    assert "and NUTS does not" in note
    # NUTS's own draws failing the exact comparison: it is not held up as the one that copes
    assert "NUTS" not in text.gibbs_mixing_note(r, nuts_matches_exact=False)
