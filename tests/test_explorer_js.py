"""The explorer's JavaScript (compare/explorer/coinmix.js) held to the Python engines, in an
embedded V8 (mini-racer), so no browser is needed.

- ``em``: plain EM from the same start with the same stop rule as ``em.fit(..., accelerate="none",
  restarts=0)``: theta, weights, log-likelihood (and log-posterior) to 1e-9, the iteration count
  exactly; SQUAREM's count equal to ``em.fit(..., accelerate="squarem")``'s.
- ``exact``: K = 2 against ``bayes.grid`` on a fine grid (the reference: 800 points per theta
  axis with fixed weights, 200 x 200 x 100 with learned ones) to the accuracy the JS grid states
  (its cells ``cell``: means and sds within a tenth of a cell, HDI ends within 1.5 cells, the log
  evidence within 0.002 nats); K = 1 against the closed-form Beta posterior (mean and sd to
  1e-12, the HDI against a direct minimisation of its width to 1e-7).
- ``evidence1``: the Beta-binomial closed form (scipy's betaln, binomial coefficients included).
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import optimize, special, stats

import coindata
import em
from bayes.grid import grid_posterior

from helpers import datasets

py_mini_racer = pytest.importorskip("py_mini_racer", reason="mini-racer is not installed")

JS = Path(__file__).resolve().parents[1] / "compare" / "explorer" / "coinmix.js"
PAPER = ([5, 9, 8, 4, 7], [10] * 5)
SMALL_BUILTINS = ["do-batzoglou", "saxony", "three-coins", "unequal", "weldon-dice", "women-queue"]


@pytest.fixture(scope="module")
def js():
    ctx = py_mini_racer.MiniRacer()
    ctx.eval(JS.read_text(encoding="utf-8"))

    def call(fn, *args):
        text = ctx.eval(f"JSON.stringify(coinmix.{fn}({', '.join(json.dumps(a) for a in args)}))")
        return json.loads(text)

    def error(fn, *args):
        return ctx.eval(f"(function(){{try {{ coinmix.{fn}({', '.join(json.dumps(a) for a in args)}); "
                        f"return 'no error' }} catch (e) {{ return e.message }}}})()")
    call.error = error
    yield call
    # closed here, in this process: a V8 context left to the garbage collector may be collected in
    # a child that a later test forks (the figure pool), whose destructor then waits for V8
    # threads that do not exist there (the child hangs until the pool's 300 s bound)
    ctx.close()


def data_of(heads, tosses):
    return {"heads": [int(h) for h in heads], "tosses": [int(n) for n in tosses]}


def refit_of(heads, tosses, opts):
    """Python's plain EM run for exactly n iterations (tol 0) with these options."""
    return lambda n: python_fit(heads, tosses, dict(opts, max_iter=n, tol=0))


def python_fit(heads, tosses, opts, accelerate="none"):
    kw = dict(opts)
    if kw.get("prior") is not None:
        kw["prior"] = tuple(kw["prior"])
    return em.fit(np.asarray(heads), np.asarray(tosses), restarts=0, accelerate=accelerate, **kw)


EPS = np.finfo(float).eps


def python_stop(objectives, tol, max_iter):
    """em.driver's stop rule run on a given objective sequence: (iterations, converged)."""
    from em.driver import _Stop
    stop = _Stop(np.array([objectives[0]]), tol)
    for t in range(1, min(len(objectives), max_iter + 1)):
        if stop.update(np.array([0]), np.array([objectives[t]]))[0]:
            return t, True
    return min(len(objectives) - 1, max_iter), False


def noise_limited(objectives, tol):
    """True when some decision of the stop rule on this sequence is within rounding noise: a gain
    within a few ulps of the 16-ulp floor, a rate c within rounding of 1, or Aitken's estimate
    within ten times its rounding error of the threshold. Two engines whose objectives differ in
    the last bits (numpy's and V8's log and exp) can then stop at different iterations."""
    for t in range(2, len(objectives)):
        l0, l1, l2 = objectives[t - 2:t + 1]
        scale = max(1.0, abs(l2))
        u = EPS * scale
        d1, d2 = l1 - l0, l2 - l1
        if min(abs(d1 - 16 * u), abs(d2 - 16 * u)) < 8 * u:
            return True
        if d1 > 16 * u and d2 > 16 * u:
            c = d2 / d1
            rel = 8 * u * (1 / d1 + 1 / d2)
            if abs(c - 1) <= 10 * rel * c:
                return True
            if c < 1:
                gain = d2 * c / (1 - c)
                if abs(gain - tol * scale) <= 10 * rel / (1 - c) * gain:
                    return True
    return False


def flat(objectives):
    """Some gain within 64 ulps of zero (SQUAREM's acceptance test then compares equals)."""
    return any(abs(b - a) < 64 * EPS * max(1.0, abs(b)) for a, b in zip(objectives, objectives[1:]))


def assert_same_fit(r, py, tol=1e-9, stop_tol=1e-12, max_iter=10_000, refit=None):
    objectives = [h["objective"] for h in r["history"]]
    # the JS count is exactly what em.driver's rule gives on the JS objectives ...
    assert (r["iterations"], r["converged"]) == python_stop(objectives, stop_tol, max_iter)
    # ... and the same as Python's, unless a decision is within rounding noise
    if r["iterations"] != py.iterations:
        assert noise_limited([s.objective for s in py.history], stop_tol), \
            (r["iterations"], py.iterations)
        assert py.converged and r["converged"]
        # then the JS point is Python's point after as many iterations
        assert refit is not None
        py = refit(r["iterations"])
    else:
        assert r["converged"] == py.converged
    assert abs(r["log_likelihood"] - py.log_likelihood) <= tol * max(1.0, abs(py.log_likelihood))
    if py.log_posterior is None:
        assert r["log_posterior"] is None
    else:
        assert abs(r["log_posterior"] - py.log_posterior) <= tol * max(1.0, abs(py.log_posterior))
    # everything is labelled by the final order; when the final thetas tie (to rounding, as on a
    # single set), either labelling is the canonical one
    tie = len(py.theta) > 1 and np.min(np.diff(py.theta)) < 1e-9
    k = len(py.theta)
    perms = [list(range(k)), list(range(k))[::-1]] if tie else [list(range(k))]

    def same(perm):
        pairs = [(r["theta"], py.theta), (r["weights"], py.weights)]
        n = min(len(r["history"]), len(py.history))
        for mine, theirs in zip(r["history"][:3] + r["history"][n - 2:n], py.history[:3] + py.history[n - 2:n]):
            pairs += [(mine["theta"], theirs.theta), (mine["weights"], theirs.weights)]
            if abs(mine["objective"] - theirs.objective) > tol * max(1.0, abs(theirs.objective)):
                return False
        return all(np.allclose(np.asarray(a)[perm], b, rtol=0, atol=tol) for a, b in pairs)
    assert any(same(p) for p in perms), (r["theta"], py.theta)
    if r["iterations"] == py.iterations:
        assert len(r["history"]) == len(py.history)


# ------------------------------------------------------------------------------ the paper

def test_paper_one_step_and_ten(js):
    one = js("em", data_of(*PAPER), {"init": [0.6, 0.5], "max_iter": 1, "tol": 0})
    assert one["iterations"] == 1
    # canonical order (ascending theta): coin B (started at 0.5) first
    assert [round(v, 2) for v in one["theta"]] == [0.58, 0.71]
    ten = js("em", data_of(*PAPER), {"init": [0.6, 0.5], "max_iter": 10, "tol": 0})
    assert ten["iterations"] == 10 and len(ten["history"]) == 11
    assert [round(v, 2) for v in ten["theta"]] == [0.52, 0.80]
    step = js("step", data_of(*PAPER), {"theta": [0.6, 0.5]}, {"components": 2})
    assert [round(v, 2) for v in step["theta"]] == [0.71, 0.58]      # the start's order
    table = step["table"]
    # the paper's Figure 1, first set (5 H, 5 T): 0.45 to coin A, about 2.2 H and 2.2 T
    assert round(table["rows"][0]["probability"][0], 2) == 0.45
    assert round(table["rows"][0]["credited_heads"][0], 1) == 2.2
    assert [round(v, 1) for v in table["total_heads"]] == [21.3, 11.7]
    assert [round(v, 1) for v in table["total_tails"]] == [8.6, 8.4]


def test_tol_zero_runs_every_iteration(js):
    r = js("em", data_of(*PAPER), {"init": [0.6, 0.5], "max_iter": 250, "tol": 0})
    assert r["iterations"] == 250 and not r["converged"]
    assert_same_fit(r, python_fit(*PAPER, {"init": (0.6, 0.5), "max_iter": 250, "tol": 0}),
                    stop_tol=0, max_iter=250)


# ------------------------------------------------------------------------------ EM, random data

@st.composite
def em_cases(draw):
    heads, tosses = draw(datasets())
    k = draw(st.sampled_from([1, 2]))
    assume(tosses.max() >= 2 * k - 1)
    opts = {"components": k, "weights": draw(st.sampled_from(["fixed", "learned"]))}
    if draw(st.booleans()):
        opts["prior"] = [draw(st.sampled_from([1.0, 1.5, 2.0, 5.0])),
                         draw(st.sampled_from([1.0, 2.0, 3.5, 10.0]))]
        if opts["weights"] == "learned":
            opts["dirichlet"] = draw(st.sampled_from([1.0, 2.0, 4.0]))
    if draw(st.booleans()):
        init = draw(st.lists(st.floats(0.02, 0.98), min_size=k, max_size=k))
        assume(k == 1 or abs(init[0] - init[1]) > 0.01)
        opts["init"] = init
    opts["max_iter"] = draw(st.sampled_from([1, 5, 1000]))
    return heads, tosses, opts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(em_cases())
def test_em_matches_python_on_random_data(js, case):
    heads, tosses, opts = case
    r = js("em", data_of(heads, tosses), opts)
    assert_same_fit(r, python_fit(heads, tosses, opts), max_iter=opts["max_iter"],
                    refit=refit_of(heads, tosses, opts))
    assert all(math.isfinite(v) for v in r["theta"] + r["weights"] + [r["log_likelihood"]])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(em_cases())
def test_squarem_count_matches_python(js, case):
    heads, tosses, opts = case
    assert_same_count(js, data_of(heads, tosses), opts,
                      python_fit(heads, tosses, opts, accelerate="squarem"))


def assert_same_count(js, data, opts, py):
    """SQUAREM: when the JS count is stable to a one-ulp nudge of the start (the only counts the
    explorer shows), it is Python's count; either way both reach the same optimum."""
    opts = dict(opts, accelerate="squarem")
    r = js("em", data, opts)
    check = js("stableCount", data, opts)
    assert check["iterations"] == r["iterations"]
    if check["stable"]:
        assert r["iterations"] == py.iterations, (check, py.iterations)
    if r["converged"] and py.converged:
        scale = max(1.0, abs(py.objective))
        mine = r["log_likelihood"] if r["log_posterior"] is None else r["log_posterior"]
        assert abs(mine - py.objective) <= (1e-10 if check["stable"] else 1e-9) * scale
    return check["stable"]


@pytest.mark.parametrize("heads,tosses", [
    ([10, 10, 10], [10, 10, 10]),           # all heads
    ([0, 0, 0, 0], [7, 7, 12, 3]),          # all tails
    ([4], [9]),                             # one set
    ([0, 12, 0, 12], [12, 12, 12, 12]),     # coins at 0 and 1
    ([1, 250, 3, 77], [3, 400, 5, 90]),     # unequal sizes
])
@pytest.mark.parametrize("opts", [
    {"init": [0.3, 0.6]}, {"init": [0.3, 0.6], "prior": [2, 2]},
    {"init": [0.3, 0.6], "weights": "learned"},
    {"init": [0.3, 0.6], "weights": "learned", "prior": [1, 3], "dirichlet": 2},
    {"components": 1}, {},
])
def test_em_boundary_data(js, heads, tosses, opts):
    r = js("em", data_of(heads, tosses), opts)
    assert_same_fit(r, python_fit(heads, tosses, opts), refit=refit_of(heads, tosses, opts))
    assert all(math.isfinite(v) for v in r["theta"] + r["weights"] + [r["log_likelihood"]])
    assert_same_count(js, data_of(heads, tosses), opts, python_fit(heads, tosses, opts, "squarem"))


@pytest.mark.parametrize("name", SMALL_BUILTINS + ["geissler"])
@pytest.mark.parametrize("weights", ["fixed", "learned"])
def test_em_matches_python_on_builtins(js, name, weights):
    d = coindata.load(f"builtin:{name}")
    for opts in ({"weights": weights, "init": [0.6, 0.5]},
                 {"weights": weights, "init": [0.6, 0.5], "prior": [2, 2]}):
        r = js("em", data_of(d.heads, d.tosses), opts)
        assert_same_fit(r, python_fit(d.heads, d.tosses, opts), refit=refit_of(d.heads, d.tosses, opts))
        assert_same_count(js, data_of(d.heads, d.tosses), opts,
                          python_fit(d.heads, d.tosses, opts, "squarem"))


def test_default_start_is_pythons(js):
    d = coindata.load("builtin:three-coins")
    for k in (1, 2, 3):
        r = js("em", data_of(d.heads, d.tosses), {"components": k, "max_iter": 0})
        py = python_fit(d.heads, d.tosses, {"components": k, "max_iter": 0})
        np.testing.assert_allclose(r["history"][0]["theta"], py.history[0].theta, atol=1e-15)


def test_refusals_name_the_field(js):
    paper = data_of(*PAPER)
    assert js.error("em", paper, {"restarts": 3}).startswith("restarts")
    assert js.error("em", paper, {"init": [0.5, 0.5]}).startswith("init")
    assert js.error("em", paper, {"prior": [0.5, 2]}).startswith("prior")
    assert js.error("em", {"heads": [11], "tosses": [10]}, {}).startswith("heads")
    assert js.error("em", {"heads": [], "tosses": []}, {}).startswith("data")
    assert js.error("em", {"heads": [1], "tosses": [2]}, {"components": 2}).startswith("components")
    assert js.error("exact", paper, {"components": 3}).startswith("components")
    many = data_of(range(300), [400] * 300)
    assert "at most 200 distinct" in js.error("exact", many, {})


# ------------------------------------------------------------------------------ exact posterior

def reference_grid(heads, tosses, weights, prior, dirichlet=1.0):
    return grid_posterior(np.asarray(heads), np.asarray(tosses), weights=weights, prior=prior,
                          dirichlet=dirichlet, points=800 if weights == "fixed" else 200)


def assert_exact_close(e, ref):
    """The JS grid to its stated accuracy, in units of its own cells."""
    d = ref.to_dict()
    blocks = [("theta", e["cell"]["theta"])]
    if ref.weights is not None:
        blocks.append(("weights", [e["cell"]["weights"]] * 2))
    for name, cells in blocks:
        for i, h in enumerate(cells):
            for key, within in (("mean", 0.1), ("sd", 0.1), ("hdi_low", 1.5), ("hdi_high", 1.5)):
                assert abs(e[name][key][i] - d[name][key][i]) <= within * h + 1e-12, (name, key, i)
    assert abs(e["log_evidence"] - ref.log_evidence) <= 2e-3


@pytest.mark.parametrize("weights", ["fixed", "learned"])
@pytest.mark.parametrize("name", ["do-batzoglou", "three-coins", "unequal", "women-queue", "saxony"])
def test_exact_matches_the_grid_on_builtins(js, name, weights):
    d = coindata.load(f"builtin:{name}")
    e = js("exact", data_of(d.heads, d.tosses), {"weights": weights, "prior": [2, 2]})
    assert_exact_close(e, reference_grid(d.heads, d.tosses, weights, (2, 2)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(datasets(), st.sampled_from(["fixed", "learned"]),
       st.sampled_from([(1.0, 1.0), (2.0, 2.0), (1.0, 4.0), (6.0, 2.5)]),
       st.sampled_from([1.0, 3.0]))
def test_exact_matches_the_grid_on_random_data(js, data, weights, prior, dirichlet):
    heads, tosses = data
    assume(tosses.max() >= 3)
    e = js("exact", data_of(heads, tosses), {"weights": weights, "prior": list(prior),
                                             "dirichlet": dirichlet})
    assert_exact_close(e, reference_grid(heads, tosses, weights, prior, dirichlet))


def test_exact_joint_is_a_density(js):
    e = js("exact", data_of(*PAPER), {"prior": [2, 2]})
    j = e["joint"]
    cell = (j["x0"][1] - j["x0"][0]) * (j["x1"][1] - j["x1"][0])
    assert abs(sum(j["density"]) * cell - 1) < 1e-12
    for dens in e["densities"]["theta"]:
        h = dens["x"][1] - dens["x"][0]
        assert abs(sum(dens["density"]) * h - 1) < 1e-12


def beta_hdi(a, b, prob):
    """The shortest interval of Beta(a, b) holding prob, by minimising its width directly."""
    post = stats.beta(a, b)
    res = optimize.minimize_scalar(lambda p: post.ppf(p + prob) - post.ppf(p),
                                   bounds=(0, 1 - prob), method="bounded",
                                   options={"xatol": 1e-13})
    return post.ppf(res.x), post.ppf(res.x + prob)


@pytest.mark.parametrize("heads,tosses,prior", [
    (PAPER[0], PAPER[1], (2, 2)), ([0, 0], [10, 5], (1, 1)), ([12], [12], (1, 3)),
    ([3], [4], (1, 1)), ([300, 512], [1000, 1000], (2, 2)), ([0], [1], (5, 1)),
])
def test_one_coin_exact_is_the_beta(js, heads, tosses, prior):
    e = js("exact", data_of(heads, tosses), {"components": 1, "prior": list(prior)})
    a, b = prior[0] + sum(heads), prior[1] + sum(tosses) - sum(heads)
    post = stats.beta(a, b)
    assert abs(e["theta"]["mean"][0] - post.mean()) < 1e-12
    assert abs(e["theta"]["sd"][0] - post.std()) < 1e-12
    lo, hi = beta_hdi(a, b, 0.94)
    if a == 1:
        lo, hi = 0.0, post.ppf(0.94)
    elif b == 1:
        lo, hi = post.ppf(0.06), 1.0
    assert abs(e["theta"]["hdi_low"][0] - lo) < 1e-7 and abs(e["theta"]["hdi_high"][0] - hi) < 1e-7
    assert abs(post.cdf(e["theta"]["hdi_high"][0]) - post.cdf(e["theta"]["hdi_low"][0]) - 0.94) < 1e-9
    assert e["log_evidence"] == js("evidence1", data_of(heads, tosses), prior[0], prior[1])


# ------------------------------------------------------------------------------ evidence, lgamma

def closed_form_evidence(heads, tosses, a, b):
    heads, tosses = np.asarray(heads, float), np.asarray(tosses, float)
    log_binom = special.gammaln(tosses + 1) - special.gammaln(heads + 1) - special.gammaln(tosses - heads + 1)
    return float(log_binom.sum() + special.betaln(a + heads.sum(), b + (tosses - heads).sum())
                 - special.betaln(a, b))


@settings(max_examples=60, deadline=None)
@given(datasets(), st.floats(0.01, 50), st.floats(0.01, 50))
def test_evidence1_is_the_beta_binomial(js, data, a, b):
    heads, tosses = data
    got = js("evidence1", data_of(heads, tosses), a, b)
    want = closed_form_evidence(heads, tosses, a, b)
    assert abs(got - want) <= 1e-11 * max(1.0, abs(want))


def test_evidence1_on_large_counts_and_builtins(js):
    from compare.choice import one_coin_evidence
    from bayes.pairs import compress
    for name in ["do-batzoglou", "saxony", "geissler"]:
        d = coindata.load(f"builtin:{name}")
        got = js("evidence1", data_of(d.heads, d.tosses), 2, 2)
        want = one_coin_evidence(compress(d.heads, d.tosses), 2.0, 2.0)
        assert abs(got - want) <= 1e-12 * abs(want)
    heads, tosses = [10**8 - 3, 5 * 10**8], [10**9, 10**9]
    got = js("evidence1", data_of(heads, tosses), 1.5, 3.0)
    from em.pairs import log_binomial
    want = float(sum(log_binomial(n, h) for h, n in zip(heads, tosses))
                 + special.betaln(1.5 + sum(heads), 3.0 + sum(tosses) - sum(heads))
                 - special.betaln(1.5, 3.0))
    assert abs(got - want) <= 1e-12 * abs(want)


def test_lgamma_and_betaln(js):
    xs = [1e-8, 1e-3, 0.1, 0.5, 1, 1.5, 2, 2.5, 3.7, 9.99, 10, 14.9, 15, 20.5, 123.4, 1e4, 1e7, 1e12]
    for x in xs:
        got = float(js("special.lgamma", x))
        want = math.lgamma(x)
        assert abs(got - want) <= 2e-14 * max(1.0, abs(want)), x
    from decimal import Decimal, getcontext
    getcontext().prec = 40
    # whole a: log B(a, b) = log (a - 1)! - sum_{i < a} log(b + i), in 40 digits (scipy's betaln
    # is off by 7e-10 at (3, 10^6))
    for a, b in [(1, 1), (2, 3), (3, 10**6), (7, 123456), (12, 40)]:
        got = float(js("special.betaln", a, b))
        want = float(Decimal(math.factorial(a - 1)).ln() - sum(Decimal(b + i).ln() for i in range(a)))
        assert abs(got - want) <= 1e-14 * max(1.0, abs(want)), (a, b)
    for a, b in [(0.5, 7), (1e6, 1e6), (12.5, 40), (9.9, 10.1), (1e-3, 1e3), (2.5, 3e7)]:
        got = float(js("special.betaln", a, b))
        size = abs(math.lgamma(a)) + abs(math.lgamma(b)) + abs(math.lgamma(a + b))
        want = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
        assert abs(got - want) <= 4e-16 * max(1.0, size), (a, b)
