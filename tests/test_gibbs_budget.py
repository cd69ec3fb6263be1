"""Issue 22.6: Gibbs runs until it mixes (doubling its sweeps within a stated budget) and the
report sets the sweeps it needed against NUTS's draws, instead of opening with its warning."""

import numpy as np

from bayes import gibbs
from bayes.pairs import compress
from coindata import load
from compare.options import Options
from compare.rungs import QUICK_GIBBS_SWEEPS, _run_gibbs


def test_thinning_keeps_every_thin_th_sweep_of_the_same_chain():
    p = compress(np.array([5, 9, 8, 4, 7]), np.full(5, 10))
    kw = dict(components=2, learned=True, a=2.0, b=2.0, dirichlet=1.0, tune=50, chains=2,
              seed=5, init=[0.45, 0.8])
    full = gibbs.run(p, draws=60, **kw)
    thin = gibbs.run(p, draws=20, thin=3, **kw)
    for f, t in zip(full, thin):
        np.testing.assert_array_equal(f[:, 2::3], t)


def test_gibbs_mixes_on_the_paper_data_in_the_sweeps_asked():
    g = _run_gibbs(load("builtin:do-batzoglou"), Options(), None)
    assert g.settings["thin"] == 1 and g.settings["mixed"]
    assert g.settings["sweeps"] == 1000 + 2500


def test_gibbs_runs_longer_on_saxony_until_it_mixes():
    """Saxony's families leave much doubt about their coin: 300 sweeps give an ESS near 1, so
    Gibbs multiplies its sweeps (the power of two its ESS asks for) and then passes."""
    o = Options(weights="learned", draws=200, tune=100, quick=True)
    g = _run_gibbs(load("builtin:saxony"), o, None)
    s, d = g.settings, g.diagnostics
    assert s["thin"] > 1 and s["sweeps"] == 300 * s["thin"] <= QUICK_GIBBS_SWEEPS
    assert d["draws"] == 200                        # memory of the draws asked, thinned
    assert s["mixed"] == (d["r_hat_max"] <= 1.01 and d["ess_bulk_min"] >= 400)
