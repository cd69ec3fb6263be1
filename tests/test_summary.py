"""bayes.summary on known iid draws: summaries against exact Beta values, and diagnostics.

No PyMC: trees are built with ``arviz.from_dict`` from NumPy draws.
"""

import json
import math

import arviz as az
import numpy as np
import pytest
from scipy import optimize, stats

from bayes.summary import diagnostics, marginal_peak, summarize

CHAINS, DRAWS = 4, 2000
N = CHAINS * DRAWS
BETAS = [(7.0, 5.0), (20.0, 4.0)]  # component 0, component 1
HDI_PROB = 0.94


def make_tree(theta, diverging=None, extra=None):
    """DataTree with posterior theta (chain, draw, component) and optional sample_stats."""
    groups = {"posterior": {"theta": theta, **(extra or {})}}
    if diverging is not None:
        groups["sample_stats"] = {"diverging": diverging}
    dims = {name: ["component"] for name in groups["posterior"]}
    return az.from_dict(groups, dims=dims)


def iid_beta_draws(seed=0):
    rng = np.random.default_rng(seed)
    return np.stack([rng.beta(a, b, size=(CHAINS, DRAWS)) for a, b in BETAS], axis=-1)


def exact_hdi(dist, prob):
    """Shortest interval of mass `prob` of a unimodal distribution: minimise over the lower tail."""
    width = lambda lo: dist.ppf(lo + prob) - dist.ppf(lo)  # noqa: E731
    lo = optimize.minimize_scalar(width, bounds=(0.0, 1.0 - prob), method="bounded",
                                  options={"xatol": 1e-10}).x
    return dist.ppf(lo), dist.ppf(lo + prob)


@pytest.fixture(scope="module")
def iid_summary():
    theta = iid_beta_draws()
    tree = make_tree(theta, diverging=np.zeros((CHAINS, DRAWS), dtype=bool))
    return summarize(tree, hdi_prob=HDI_PROB), diagnostics(tree)


def test_summary_matches_exact_beta_values(iid_summary):
    summary, _ = iid_summary
    assert set(summary) == {"theta"}  # weights absent: skipped, not an error
    s = summary["theta"]
    assert s["hdi_prob"] == HDI_PROB
    for k, (a, b) in enumerate(BETAS):
        dist = stats.beta(a, b)
        sd = dist.std()
        # Monte Carlo standard errors for N iid draws; 4 standard errors is a tolerance that
        # a correct implementation fails with probability ~6e-5 per check.
        se_mean = sd / math.sqrt(N)  # 0.0015 and 0.0008
        se_sd = sd * math.sqrt((dist.stats(moments="k") + 2) / (4 * N))  # delta method on the variance
        se_median = 1 / (2 * dist.pdf(dist.median()) * math.sqrt(N))
        assert abs(s["mean"][k] - dist.mean()) < 4 * se_mean
        assert abs(s["sd"][k] - sd) < 4 * se_sd
        assert abs(s["median"][k] - dist.median()) < 4 * se_median
        # mcse_mean estimates exactly se_mean for iid draws (to within its own ~2% noise)
        assert s["mcse_mean"][k] == pytest.approx(se_mean, rel=0.1)

        # A quantile near the 3% / 97% tails has standard error sqrt(p (1 - p) / N) / pdf,
        # 0.0032 and 0.0019 here. A sample HDI endpoint scatters about twice as much (the
        # interval is picked as the shortest of many): over 300 seeds its sd was 0.0067 and
        # 0.0038, bias < 0.001. Allow 4 of those: 8 quantile standard errors.
        lo, hi = exact_hdi(dist, HDI_PROB)
        se_end = math.sqrt(0.03 * 0.97 / N) / dist.pdf(lo)  # pdf is equal at both HDI ends
        assert abs(s["hdi_low"][k] - lo) < 8 * se_end
        assert abs(s["hdi_high"][k] - hi) < 8 * se_end

        # KDE mode: its spread over 20 seeds of 8,000 draws was 0.014 (Beta(7,5)) and 0.009
        # (Beta(20,4)) RMSE; 0.04 is about 3 of the larger.
        assert abs(s["mode"][k] - (a - 1) / (a + b - 2)) < 0.04

        # iid draws: R-hat ~ 1 and bulk/tail ESS ~ N (the estimators' own noise is a few %)
        assert abs(s["r_hat"][k] - 1) < 0.01
        assert 0.85 * N < s["ess_bulk"][k] < 1.15 * N
        assert 0.85 * N < s["ess_tail"][k] < 1.15 * N


def test_diagnostics_clean_for_iid_draws(iid_summary):
    _, diag = iid_summary
    assert diag["chains"] == CHAINS and diag["draws"] == DRAWS
    assert diag["divergences"] == 0
    assert diag["r_hat_max"] < 1.01
    assert diag["ess_bulk_min"] > 0.85 * N
    assert diag["warnings"] == []


def test_outputs_are_plain_json(iid_summary):
    summary, diag = iid_summary
    json.dumps({"summary": summary, "diagnostics": diag}, allow_nan=False)
    assert all(type(v) is float for v in summary["theta"]["mean"])
    assert type(diag["divergences"]) is int and type(diag["chains"]) is int


def test_shifted_chain_gives_rhat_warning():
    theta = iid_beta_draws()
    theta[0, :, 0] += 0.1  # one chain sits elsewhere: chains disagree
    diag = diagnostics(make_tree(theta))
    assert diag["r_hat_max"] > 1.01
    assert any(w.startswith("R-hat above 1.01 for theta[0]") for w in diag["warnings"])
    assert not any("theta[1]" in w for w in diag["warnings"])  # the unshifted component is fine
    assert all("\n" not in w for w in diag["warnings"])


def test_divergences_and_low_ess_are_reported():
    theta = iid_beta_draws()[:, :60]  # 240 draws: bulk ESS below 400
    diverging = np.zeros((CHAINS, 60), dtype=bool)
    diverging[1, [3, 7]] = True
    diag = diagnostics(make_tree(theta, diverging=diverging))
    assert diag["divergences"] == 2
    assert any(w.startswith("bulk ESS below 400") for w in diag["warnings"])
    assert any(w.startswith("2 divergent transitions") for w in diag["warnings"])


def test_single_chain_gives_none_not_nan():
    theta = iid_beta_draws()[:1]
    tree = make_tree(theta)
    s = summarize(tree)["theta"]
    assert s["r_hat"] == [None, None]
    assert all(v is not None for v in s["ess_bulk"])
    diag = diagnostics(tree)
    assert diag["r_hat_max"] is None and diag["chains"] == 1
    assert any("at least 2 chains" in w for w in diag["warnings"])
    json.dumps({"s": s, "d": diag}, allow_nan=False)


def test_constant_and_missing_variables_are_skipped():
    theta = iid_beta_draws()
    fixed = np.full((CHAINS, DRAWS, 2), 0.5)  # fixed weights stored as a Deterministic
    tree = make_tree(theta, extra={"weights": fixed})
    assert set(summarize(tree, var_names=("theta", "weights", "nope"))) == {"theta"}
    assert diagnostics(tree)["warnings"] == []


def test_marginal_peak_edge_cases():
    assert marginal_peak(np.full(10, 0.3)) == 0.3
    assert math.isnan(marginal_peak(np.array([])))
    x = np.random.default_rng(1).normal(0.2, 0.05, 20_000)
    assert marginal_peak(x) == pytest.approx(0.2, abs=0.01)
