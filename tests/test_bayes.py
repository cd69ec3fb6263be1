"""The PyMC/nutpie engine against closed forms, the exact grid and EM.

Tolerances: posterior means within 4 MCSE of the exact value (MCSE from ArviZ, so a correct
sampler fails this about once in 16,000 comparisons), sds within 10% (with ESS > 1,000 the
relative Monte Carlo error of an sd is about 1/sqrt(2 ESS) < 2.3%, so 10% is > 4 sigma).
"""

import time

import numpy as np
import pytest
from scipy import stats

import bayes
import em

pytestmark = pytest.mark.slow


def _check_against_grid(result, grid, names=("theta",)):
    for name in names:
        post = result.posterior[name]
        ref = getattr(grid, name)
        for k in range(2):
            assert abs(post["mean"][k] - ref[k].mean) < 4 * post["mcse_mean"][k], (name, k)
            assert abs(post["sd"][k] / ref[k].sd - 1) < 0.10, (name, k)


def test_fixed_weights_match_the_exact_grid(nuts_fixed, grid_fixed):
    assert nuts_fixed.diagnostics["warnings"] == []
    assert nuts_fixed.diagnostics["divergences"] == 0
    _check_against_grid(nuts_fixed, grid_fixed)


def test_learned_weights_match_the_exact_grid(nuts_learned, grid_learned):
    assert nuts_learned.diagnostics["divergences"] == 0
    _check_against_grid(nuts_learned, grid_learned, ("theta", "weights"))


def test_every_draw_is_ordered(nuts_fixed, nuts_learned):
    for r in (nuts_fixed, nuts_learned):
        th = r.theta_draws
        assert np.all(np.diff(th, axis=-1) > 0)


def test_find_map_equals_em(paper, nuts_fixed, nuts_learned):
    for weights in ("fixed", "learned"):
        for prior in ((1.0, 1.0), (2.0, 2.0)):
            r = bayes.fit(*paper, weights=weights, prior=prior, draws=50, tune=50, chains=2,
                          seed=1, progress=False)
            e = em.fit(*paper, weights=weights, prior=None if prior == (1.0, 1.0) else prior,
                       init=(0.6, 0.5))
            np.testing.assert_allclose(r.find_map["theta"], e.theta, atol=1e-4)
            np.testing.assert_allclose(r.find_map["weights"], e.weights, atol=1e-4)


def test_one_coin_is_the_conjugate_beta():
    h, n = np.array([3, 7, 10, 0, 6]), np.array([10, 10, 12, 4, 9])
    a, b = 2.0, 3.0
    r = bayes.fit(h, n, components=1, prior=(a, b), seed=3, progress=False)
    exact = stats.beta(a + h.sum(), b + (n - h).sum())
    post = r.posterior["theta"]
    assert abs(post["mean"][0] - exact.mean()) < 4 * post["mcse_mean"][0]
    assert abs(post["sd"][0] / exact.std() - 1) < 0.10
    # the posterior mode of one coin is the closed-form Beta mode
    mode = (a + h.sum() - 1) / (a + b + n.sum() - 2)
    assert r.find_map["theta"][0] == pytest.approx(mode, abs=1e-6)


def test_same_seed_same_draws_and_no_recompile(paper, nuts_fixed):
    from bayes import model

    assert model.is_compiled(2, False)
    cm = model.compiled_mixture(None, 2, False)
    cached = dict(model._CACHE)
    t0 = time.perf_counter()
    a = bayes.fit(*paper, seed=11, progress=False, find_map=False)
    fit_seconds = time.perf_counter() - t0
    assert np.array_equal(a.theta_draws, nuts_fixed.theta_draws)
    other = bayes.fit(np.array([1, 2, 9, 10, 3, 8]), np.array([10, 10, 10, 11, 12, 9]),
                      prior=(3, 1.5), seed=11, progress=False, find_map=False)
    # new data and a new prior: same compiled object, nothing added to the cache
    assert other.timings["compile"] == 0.0
    assert model.compiled_mixture(None, 2, False) is cm and model._CACHE == cached
    # the first fit of the shape paid the compile; a later one costs a fraction of that fit
    assert fit_seconds < 0.5 * (cm.compile_seconds + fit_seconds)
    assert not np.array_equal(other.theta_draws, a.theta_draws)


def test_assignment_probability_is_the_averaged_e_step(paper, nuts_fixed):
    p = nuts_fixed.assignment_probability
    assert p.shape == (5, 2)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    # set 2 (9 heads) belongs to the high coin, set 4 (4 heads) to the low one
    assert p[1, 1] > 0.8 and p[3, 0] > 0.8


def test_tree_has_pointwise_groups_and_saves(tmp_path, nuts_fixed):
    import arviz as az
    import xarray as xr

    tree = nuts_fixed.tree
    assert tree["log_likelihood"]["sets"].shape[-1] == 5
    rep = tree["posterior_predictive"]["heads"].values
    assert rep.min() >= 0 and rep.max() <= 10
    loo = az.loo(tree)
    assert np.isfinite(loo.elpd)
    path = tmp_path / "posterior.nc"
    tree.to_netcdf(path, engine="h5netcdf")
    back = xr.open_datatree(path, engine="h5netcdf").load()
    np.testing.assert_array_equal(back["posterior"]["theta"].values, nuts_fixed.theta_draws)
    back.close()


@pytest.mark.parametrize("n_sets,kept,step", [(800, True, 4), (2000, False, None)])
def test_pointwise_groups_are_thinned_or_left_out(n_sets, kept, step):
    """Within 10^6 values, every chain keeps at least 250 draws, or the groups are left out
    with a note (PSIS-LOO's Pareto k and the intervals would not be reliable from fewer)."""
    import bayes

    rng = np.random.default_rng(4)
    n = np.full(n_sets, 10)
    h = rng.binomial(n, np.where(rng.random(n_sets) < 0.5, 0.3, 0.7))
    tree = bayes.fit(h, n, draws=1000, tune=300, seed=2, progress=False).tree
    assert ("log_likelihood" in tree.children) is kept
    if kept:
        assert tree["log_likelihood"].attrs["thinned_every"] == step
        assert tree["log_likelihood"]["sets"].shape == (4, 1000 // step, n_sets)
    else:
        assert "PSIS-LOO needs at least 250" in tree["posterior"].attrs["pointwise_groups"]


def test_bad_options_fail_before_pymc():
    with pytest.raises(ValueError, match="prior"):
        bayes.fit([1, 2], [3, 3], prior=(0, 1))
    with pytest.raises(ValueError, match="draws"):
        bayes.fit([1, 2], [3, 3], draws=0)
    with pytest.raises(ValueError, match="differ"):
        bayes.fit([1, 2], [3, 3], init=(0.5, 0.5))
    with pytest.raises(ValueError, match="heads"):
        bayes.fit([4, 2], [3, 3])
