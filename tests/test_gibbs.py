"""The hand-written Gibbs sampler against closed forms, the exact grid and itself."""

import numpy as np
import pytest
from scipy import stats

import bayes
from bayes.gibbs import run
from bayes.pairs import compress


def test_one_coin_is_the_conjugate_beta():
    h, n = np.array([3, 7, 10, 0, 6]), np.array([10, 10, 12, 4, 9])
    r = bayes.fit(h, n, components=1, prior=(2, 3), sampler="gibbs", seed=2)
    exact = stats.beta(2 + h.sum(), 3 + (n - h).sum())
    post = r.posterior["theta"]
    assert abs(post["mean"][0] - exact.mean()) < 4 * post["mcse_mean"][0]
    assert abs(post["sd"][0] / exact.std() - 1) < 0.05


@pytest.mark.parametrize("weights", ["fixed", "learned"])
def test_paper_matches_the_exact_grid(paper, grid_fixed, grid_learned, weights):
    grid = grid_fixed if weights == "fixed" else grid_learned
    r = bayes.fit(*paper, weights=weights, sampler="gibbs", draws=2000, seed=5)
    assert r.diagnostics["warnings"] == []
    names = ("theta", "weights") if weights == "learned" else ("theta",)
    for name in names:
        for k in range(2):
            post, ref = r.posterior[name], getattr(grid, name)[k]
            assert abs(post["mean"][k] - ref.mean) < 4 * post["mcse_mean"][k]
            assert abs(post["sd"][k] / ref.sd - 1) < 0.10
    assert np.all(np.diff(r.theta_draws, axis=-1) > 0)


def test_compressed_and_uncompressed_agree():
    rng = np.random.default_rng(0)
    n = rng.integers(5, 9, 400)
    h = rng.binomial(n, np.where(rng.random(400) < 0.4, 0.3, 0.75))
    a = bayes.fit(h, n, sampler="gibbs", seed=1, draws=1500)
    # the same sets, each made distinct-pair by construction: run the sweep set by set
    pairs = compress(h, n)
    uncompressed = pairs.__class__(heads=h, tosses=n, count=np.ones_like(h),
                                   inverse=np.arange(h.size), log_binom=pairs.log_binom[pairs.inverse])
    th, *_ = run(uncompressed, components=2, learned=False, a=2.0, b=2.0, dirichlet=1.0,
                 draws=1500, tune=500, chains=4, seed=2)
    flat = th.reshape(-1, 2)
    for k in range(2):
        post = a.posterior["theta"]
        # two independent estimates: 4 x the MCSE of their difference (sqrt 2 x each)
        assert abs(flat[:, k].mean() - post["mean"][k]) < 4 * np.sqrt(2) * post["mcse_mean"][k] * 1.5


def test_unequal_priors_are_refused(paper):
    with pytest.raises(ValueError, match="same Beta prior"):
        bayes.fit(*paper, prior=[(2, 2), (3, 1)], sampler="gibbs")


def test_same_seed_same_draws(paper):
    a = bayes.fit(*paper, sampler="gibbs", seed=7, draws=200, tune=100)
    b = bayes.fit(*paper, sampler="gibbs", seed=7, draws=200, tune=100)
    c = bayes.fit(*paper, sampler="gibbs", seed=8, draws=200, tune=100)
    assert np.array_equal(a.theta_draws, b.theta_draws)
    assert not np.array_equal(a.theta_draws, c.theta_draws)


def test_learned_weights_with_repeated_sets_match_the_exact_grid(paper):
    """Every set counted: the paper's sets four times over (20 sets, 5 distinct pairs). The
    weights' Dirichlet update adds the number of *sets* drawn for each coin; counting distinct
    pairs instead would give a posterior of the weights as wide as for 5 sets (off by about 11
    MCSE here). Tolerance: 4 MCSE for the means, 10% for the sds (as for the paper's data)."""
    from bayes.grid import grid_posterior

    h, n = np.tile(paper[0], 4), np.tile(paper[1], 4)
    grid = grid_posterior(h, n, weights="learned", prior=(2, 2), dirichlet=1.0)
    r = bayes.fit(h, n, weights="learned", sampler="gibbs", draws=3000, seed=11)
    assert r.diagnostics["warnings"] == []
    for name in ("theta", "weights"):
        post = r.posterior[name]
        for k in range(2):
            ref = getattr(grid, name)[k]
            assert abs(post["mean"][k] - ref.mean) < 4 * post["mcse_mean"][k], (name, k)
            assert abs(post["sd"][k] / ref.sd - 1) < 0.10, (name, k)
