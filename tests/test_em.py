"""EM engine: the paper's numbers, closed forms, invariances, boundaries, restarts, errors."""

import json
import math
import warnings

import numpy as np
import pytest
from helpers import datasets
from hypothesis import example, given, settings, strategies as st
from scipy.special import logsumexp
from scipy.stats import binom

import em
from em.pairs import compress
from em.stderr import hessian

PAPER_HEADS = np.array([5, 9, 8, 4, 7])
PAPER_TOSSES = np.full(5, 10)


def paper_fit(**kw):
    """EM as the paper runs it: plain iterations (no acceleration) from 0.6 / 0.5."""
    opts = dict(init=[0.6, 0.5], restarts=0, weights="fixed", accelerate="none")
    opts.update(kw)
    return em.fit(PAPER_HEADS, PAPER_TOSSES, **opts)


# ---------------------------------------------------------------- the paper (Do & Batzoglou 2008)

def test_first_iteration_matches_paper():
    r = paper_fit(max_iter=1, tol=0)
    assert r.iterations == 1
    # canonical order: component 1 is coin A (started at 0.6), component 0 coin B
    np.testing.assert_allclose(r.history[0].theta, [0.5, 0.6])
    assert round(r.history[1].theta[1], 2) == 0.71
    assert round(r.history[1].theta[0], 2) == 0.58
    resp0 = em.responsibilities(PAPER_HEADS, PAPER_TOSSES, [0.6, 0.5])
    # P(set 1 is A) = 0.6^5 0.4^5 / (0.6^5 0.4^5 + 0.5^10) = 0.449...
    assert resp0[0, 0] == pytest.approx(0.0007962624 / (0.0007962624 + 0.0009765625), rel=1e-12)
    assert round(resp0[0, 0], 2) == 0.45
    assert round(resp0[0, 0] * 5, 1) == 2.2          # expected heads credited to A
    # the paper's totals: A 21.3 H / 8.6 T, B 11.7 H / 8.4 T
    heads_a = resp0[:, 0] @ PAPER_HEADS
    tails_a = resp0[:, 0] @ (PAPER_TOSSES - PAPER_HEADS)
    assert (round(heads_a, 1), round(tails_a, 1)) == (21.3, 8.6)
    assert (round(33 - heads_a, 1), round(17 - tails_a, 1)) == (11.7, 8.4)


def test_ten_iterations_match_paper():
    r = paper_fit(max_iter=10, tol=0)
    assert r.iterations == 10 and len(r.history) == 11
    assert np.round(r.theta, 2).tolist() == [0.52, 0.80]


def test_optimum_matches_paper_and_labels_known():
    r = paper_fit()
    assert r.converged
    assert np.round(r.theta, 4).tolist() == [0.5196, 0.7968]
    # labels known (B, A, A, B, A): ML is a ratio of counts
    known = em.fit(np.array([24]), np.array([30]), components=1, restarts=0)
    assert known.theta[0] == pytest.approx(0.80, abs=1e-12)
    known_b = em.fit(np.array([5, 4]), np.array([10, 10]), components=1, restarts=0)
    assert known_b.theta[0] == pytest.approx(0.45, abs=1e-12)


# ---------------------------------------------------------------- closed forms

@pytest.mark.parametrize("a,b", [(1, 1), (2, 2), (3.5, 1.5), (10, 30)])
def test_one_component_map_is_beta_mode(a, b):
    heads, tosses = np.array([3, 7, 0, 10]), np.array([10, 12, 5, 10])
    r = em.fit(heads, tosses, components=1, prior=(a, b), restarts=0)
    h, n = heads.sum(), tosses.sum()
    assert r.theta[0] == pytest.approx((h + a - 1) / (n + a + b - 2), abs=1e-12)


def test_flat_prior_map_equals_ml():
    for weights in ("fixed", "learned"):
        ml = paper_fit(weights=weights)
        flat = paper_fit(weights=weights, prior=(1, 1), dirichlet=1.0)
        np.testing.assert_allclose(flat.theta, ml.theta, atol=1e-10)
        np.testing.assert_allclose(flat.weights, ml.weights, atol=1e-10)
        # Beta(1, 1) and Dirichlet(1, 1) are uniform densities equal to 1: log-posterior = log-lik
        assert flat.log_posterior == pytest.approx(ml.log_likelihood, abs=1e-9)


def test_log_likelihood_is_the_binomial_mixture():
    r = paper_fit()
    direct = sum(math.log(0.5 * binom.pmf(h, 10, r.theta[0]) + 0.5 * binom.pmf(h, 10, r.theta[1]))
                 for h in PAPER_HEADS)
    assert r.log_likelihood == pytest.approx(direct, abs=1e-12)


# ---------------------------------------------------------------- invariances

def naive_em(heads, tosses, theta, weights, iters, learned):
    """Uncompressed EM, one set at a time, written independently of em.fit."""
    theta, weights = np.array(theta, float), np.array(weights, float)
    path = []
    for _ in range(iters):
        resp = []
        for h, n in zip(heads, tosses):
            logs = [math.log(w) + binom.logpmf(h, n, t) for w, t in zip(weights, theta)]
            m = logsumexp(logs)
            resp.append([math.exp(v - m) for v in logs])
        resp = np.array(resp)
        theta = (resp.T @ heads) / (resp.T @ tosses)
        if learned:
            weights = resp.sum(0) / len(heads)
        path.append(theta.copy())
    return np.array(path), weights


@pytest.mark.parametrize("learned", [False, True])
def test_compressed_equals_uncompressed(learned):
    rng = np.random.default_rng(3)
    tosses = rng.integers(3, 8, 60)
    heads = rng.binomial(tosses, np.where(rng.random(60) < 0.5, 0.3, 0.75))
    assert compress(heads, tosses).heads.size < 60          # compression really happened
    r = em.fit(heads, tosses, init=[0.4, 0.6], restarts=0, max_iter=15, tol=0,
               weights="learned" if learned else "fixed", accelerate="none")
    path, w = naive_em(heads, tosses, [0.4, 0.6], [0.5, 0.5], 15, learned)
    got = np.array([s.theta for s in r.history[1:]])
    np.testing.assert_allclose(got, path, rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.weights, w, atol=1e-12)


def test_permutation_of_sets_changes_nothing_but_row_order():
    rng = np.random.default_rng(5)
    perm = rng.permutation(5)
    a = paper_fit(weights="learned")
    b = em.fit(PAPER_HEADS[perm], PAPER_TOSSES[perm], init=[0.6, 0.5], restarts=0, weights="learned",
               accelerate="none")
    np.testing.assert_allclose(a.theta, b.theta, atol=1e-13)
    np.testing.assert_allclose(a.responsibilities[perm], b.responsibilities, atol=1e-13)


def test_init_order_does_not_matter():
    a = paper_fit()
    b = em.fit(PAPER_HEADS, PAPER_TOSSES, init=[0.5, 0.6], restarts=0, accelerate="none")
    np.testing.assert_allclose(a.theta, b.theta, atol=1e-13)


def test_history_is_relabelled_into_canonical_order():
    r = paper_fit(max_iter=30, tol=0)
    path = np.array([s.theta for s in r.history])
    assert np.all(path[:, 0] < path[:, 1])
    np.testing.assert_allclose(path[-1], r.theta)


# ---------------------------------------------------------------- boundaries and errors

BOUNDARY_CASES = {
    "all heads": ([10, 10, 10], [10, 10, 10]),
    "all tails": ([0, 0, 0], [10, 10, 10]),
    "one set": ([7], [10]),
    "identical sets": ([5, 5, 5, 5], [10, 10, 10, 10]),
    "heads and tails only": ([0, 10, 0, 10], [10, 10, 10, 10]),
    "one toss each, one longer set": ([0, 1, 1, 0, 1, 7], [1, 1, 1, 1, 1, 10]),
}


@pytest.mark.parametrize("case", BOUNDARY_CASES)
@pytest.mark.parametrize("weights", ["fixed", "learned"])
@pytest.mark.parametrize("prior", [None, (2, 2)])
def test_boundary_data_no_nan_no_warning(case, weights, prior):
    heads, tosses = BOUNDARY_CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = em.fit(heads, tosses, weights=weights, prior=prior, components=2)
        v = em.vb(heads, tosses, weights=weights, prior=prior or (1, 1))
    for arr in (r.theta, r.weights, r.responsibilities, [r.log_likelihood],
                v.theta_mean, v.theta_sd, v.responsibilities, [v.elbo]):
        assert np.all(np.isfinite(arr))
    assert np.all((r.theta >= 0) & (r.theta <= 1))
    np.testing.assert_allclose(r.responsibilities.sum(1), 1.0)


def test_all_heads_ml_goes_to_one():
    r = em.fit([10, 10], [10, 10], components=1, restarts=0)
    assert r.theta[0] == 1.0 and r.log_likelihood == 0.0
    assert r.std_error["theta"] == [None]


@pytest.mark.parametrize("k,longest", [(2, 1), (2, 2), (3, 4), (4, 6)])
def test_unidentifiable_components_rejected(k, longest):
    """Teicher (1963): K binomials need sets of at least 2K - 1 tosses; one toss short is refused
    with the rule in the message, exactly enough is accepted."""
    heads, tosses = np.array([0, longest, 1]), np.array([longest, longest, 1])
    for fit in (em.fit, em.vb):
        with pytest.raises(ValueError, match=rf"2K - 1 = {2 * k - 1} tosses"):
            fit(heads, tosses, components=k)
    em.fit(np.r_[heads, 1], np.r_[tosses, 2 * k - 1], components=k)


@pytest.mark.parametrize("heads,tosses,words", [
    ([], [], "empty"),
    ([3, 4], [10], "length"),
    ([11], [10], "heads 11 > tosses 10"),
    ([-1], [10], "heads -1 < 0"),
    ([0], [0], "tosses 0 < 1"),
    ([2.5], [10], "not a whole number"),
])
def test_bad_counts_rejected_clearly(heads, tosses, words):
    with pytest.raises(ValueError, match=words):
        em.fit(np.array(heads), np.array(tosses))


@pytest.mark.parametrize("kw,words", [
    (dict(init=[0.5, 0.5]), "identical"),
    (dict(init=[0.5, 1.0]), "strictly between"),
    (dict(init=[0.2, 0.5, 0.6]), "3 values"),
    (dict(prior=(0.5, 2)), "a >= 1"),
    (dict(prior=(2, 2), weights="learned", dirichlet=0.5), "Dirichlet"),
    (dict(weights="free"), "fixed"),
    (dict(components=0), "positive"),
])
def test_bad_options_rejected_clearly(kw, words):
    with pytest.raises(ValueError, match=words):
        em.fit(PAPER_HEADS, PAPER_TOSSES, **kw)


# ---------------------------------------------------------------- monotone objective

@settings(max_examples=200, deadline=None)
@given(data=datasets(), k=st.integers(1, 3), learned=st.booleans(),
       prior=st.one_of(st.none(), st.tuples(st.floats(1, 20), st.floats(1, 20))),
       alpha=st.floats(1, 10), seed=st.integers(0, 2**16),
       accelerate=st.sampled_from(["none", "squarem"]))
# once failed: b - 1 = 2e-16 was lost in a + b - 2, MAP went to theta = 1.0 and log(1 - theta) = -inf
@example(data=(np.array([1]), np.array([1])), k=1, learned=False, prior=(1.0, 1.0000000000000002),
         alpha=1.0, seed=0, accelerate="none")
# once warned: a weight at 0 has no log-ratio coordinate (-inf - -inf) for SQUAREM's extrapolation
@example(data=(np.zeros(8, dtype=int), np.array([1] * 7 + [3])), k=2, learned=True,
         prior=(2.0, 1.0), alpha=1.0, seed=0, accelerate="squarem")
def test_objective_never_decreases(data, k, learned, prior, alpha, seed, accelerate):
    """EM never lowers its objective, plain or accelerated (SQUAREM's safeguards)."""
    heads, tosses = data
    k = min(k, (int(tosses.max()) + 1) // 2)          # identifiable: a set of >= 2K - 1 tosses
    init = np.sort(np.random.default_rng(seed).uniform(0.05, 0.95, k))
    if k > 1 and np.min(np.diff(init)) < 1e-3:
        init = np.linspace(0.2, 0.8, k)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = em.fit(heads, tosses, components=k, weights="learned" if learned else "fixed",
                   prior=prior, dirichlet=alpha, init=init, restarts=0, max_iter=40, tol=0,
                   accelerate=accelerate)
    obj = np.array([s.objective for s in r.history])
    assert np.all(np.isfinite(obj))
    assert np.all(np.diff(obj) >= -1e-9 * np.maximum(1.0, np.abs(obj[1:])))


# ---------------------------------------------------------------- restarts

def test_restarts_find_the_better_of_two_optima():
    # three clusters of sets (proportions ~0.05, ~0.5, ~0.95) and two coins with learned
    # weights: "low | middle+high" and "low+middle | high" are both local optima; the low
    # cluster is larger, so keeping it alone is better.
    heads = np.array([0] * 8 + [1] * 4 + [5] * 6 + [10] * 5)
    tosses = np.full(heads.size, 10)
    bad_start = em.fit(heads, tosses, weights="learned", init=[0.2, 0.97], restarts=0)
    good_start = em.fit(heads, tosses, weights="learned", init=[0.03, 0.7], restarts=0)
    assert good_start.log_likelihood > bad_start.log_likelihood + 0.5   # two different optima
    best = em.fit(heads, tosses, weights="learned", init=[0.2, 0.97], restarts=8, seed=1)
    assert best.log_likelihood == pytest.approx(good_start.log_likelihood, abs=1e-8)
    assert best.best_start != 0
    assert max(best.start_objectives) == pytest.approx(best.log_likelihood, abs=1e-12)
    assert min(best.start_objectives) < best.log_likelihood - 0.5


def test_restarts_are_reproducible():
    a = em.fit(PAPER_HEADS, PAPER_TOSSES, weights="learned", restarts=6, seed=7)
    b = em.fit(PAPER_HEADS, PAPER_TOSSES, weights="learned", restarts=6, seed=7)
    assert a.to_dict() == b.to_dict()


# ---------------------------------------------------------------- standard errors

def loglik_phi(pairs, phi, k, learned, fixed_w, prior=None, alpha=1.0):
    theta = phi[:k]
    w = np.append(phi[k:], 1 - phi[k:].sum()) if learned else fixed_w
    lj = np.log(w) + binom.logpmf(pairs.heads[:, None], pairs.tosses[:, None], theta)
    value = pairs.count @ logsumexp(lj, axis=1)
    if prior is not None:
        a, b = prior
        value += np.sum((a - 1) * np.log(theta) + (b - 1) * np.log1p(-theta))
        if learned:
            value += (alpha - 1) * np.sum(np.log(w))
    return value


def numeric_hessian(f, x, h=1e-4):
    p = x.size
    out = np.zeros((p, p))
    for i in range(p):
        for j in range(p):
            e_i, e_j = np.eye(p)[i] * h, np.eye(p)[j] * h
            out[i, j] = (f(x + e_i + e_j) - f(x + e_i - e_j) - f(x - e_i + e_j)
                         + f(x - e_i - e_j)) / (4 * h * h)
    return out


@pytest.mark.parametrize("learned,k,prior", [(False, 2, None), (True, 2, None),
                                              (True, 3, None), (True, 2, (2.0, 3.0))])
def test_observed_information_matches_finite_differences(learned, k, prior):
    rng = np.random.default_rng(11)
    tosses = rng.integers(5, 20, 40)
    heads = rng.binomial(tosses, rng.choice([0.2, 0.5, 0.8][:k], 40))
    pairs = compress(heads, tosses)
    theta = np.linspace(0.25, 0.75, k)
    w = np.linspace(1, 2, k) / np.linspace(1, 2, k).sum()
    phi = np.concatenate([theta, w[:-1] if learned else []])
    ab = None if prior is None else (np.full(k, prior[0]), np.full(k, prior[1]))
    exact = hessian(pairs, theta, w, learned, ab, 2.5)
    numeric = numeric_hessian(lambda x: loglik_phi(pairs, x, k, learned, w, prior, 2.5), phi)
    # central differences with h = 1e-4 carry an O(h^2) error relative to the matrix's scale
    np.testing.assert_allclose(exact, numeric, rtol=1e-6, atol=1e-6 * np.abs(numeric).max())


def test_standard_errors_shrink_like_root_n():
    small = paper_fit()
    big = em.fit(np.tile(PAPER_HEADS, 100), np.tile(PAPER_TOSSES, 100), init=[0.6, 0.5], restarts=0)
    ratio = np.array(small.std_error["theta"]) / np.array(big.std_error["theta"])
    np.testing.assert_allclose(ratio, 10.0, rtol=1e-6)   # same MLE, information x 100


# ---------------------------------------------------------------- scale

def test_million_sets_fit_fast_and_right():
    import time
    rng = np.random.default_rng(2)
    n = 10**6
    tosses = rng.integers(5, 30, n)
    heads = rng.binomial(tosses, np.where(rng.random(n) < 0.4, 0.3, 0.7))
    t0 = time.perf_counter()
    r = em.fit(heads, tosses, weights="learned", init=[0.4, 0.6], restarts=0)
    elapsed = time.perf_counter() - t0
    assert r.converged
    np.testing.assert_allclose(r.theta, [0.3, 0.7], atol=5 * max(r.std_error["theta"]))
    np.testing.assert_allclose(r.weights, [0.4, 0.6], atol=5 * max(r.std_error["weights"]))
    assert elapsed < 2.0     # generous for a loaded CI machine; benchmarks/ measures properly


# ---------------------------------------------------------------- issue 15: the range of counts

def _log_factorial_exact(x: int):
    """log(x!) to 40 digits: from the integer x! when it is small, else Stirling's series with
    five terms (the first omitted one is below x^-11, far below 1e-40 for x >= 10^4)."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 50
        if x < 10_000:
            return Decimal(math.factorial(x)).ln()
        d = Decimal(x)
        half_log_2pi = (2 * Decimal("3.14159265358979323846264338327950288419716939937510")).ln() / 2
        return ((d + Decimal("0.5")) * d.ln() - d + half_log_2pi + 1 / (12 * d)
                - 1 / (360 * d**3) + 1 / (1260 * d**5) - 1 / (1680 * d**7) + 1 / (1188 * d**9))


def _log_comb_exact(n: int, h: int) -> float:
    if min(h, n - h) <= 1000 or n <= 10**5:
        return math.log(math.comb(n, h))     # an exact integer, then one correctly rounded log
    return float(_log_factorial_exact(n) - _log_factorial_exact(h) - _log_factorial_exact(n - h))


LOG_BINOMIAL_CASES = [(1, 0), (1, 1), (2, 1), (14, 1), (15, 7), (16, 8), (50, 25), (10**5, 5 * 10**4),
                      (10**6, 1), (10**6, 3 * 10**5), (10**9, 0), (10**9, 1), (10**9, 2), (10**9, 17),
                      (10**9, 1000), (10**9, 10**9 - 3), (10**9, 123_456_789), (10**9, 5 * 10**8),
                      (10**9, 10**9)]


def test_log_binomial_is_exact_to_a_few_ulps():
    """log C(n, h) against exact integer arithmetic: gammaln(n + 1) - gammaln(h + 1) -
    gammaln(n - h + 1) kept only ~7 digits of log C(10^9, 1) (3.7e-8 relative)."""
    from bayes.pairs import compress as bayes_compress

    # the reference itself: Stirling in 50-digit decimals equals the integer computation
    assert float(_log_factorial_exact(10**5) - _log_factorial_exact(5 * 10**4) * 2) == \
        pytest.approx(math.log(math.comb(10**5, 5 * 10**4)), rel=1e-15)
    n = np.array([c[0] for c in LOG_BINOMIAL_CASES])
    h = np.array([c[1] for c in LOG_BINOMIAL_CASES])
    exact = np.array([_log_comb_exact(int(a), int(b)) for a, b in LOG_BINOMIAL_CASES])
    for pairs in (compress(h, n), bayes_compress(h, n)):
        got = pairs.log_binom[pairs.inverse]
        ulps = np.abs(got - exact) / np.spacing(np.maximum(exact, 1.0))
        assert np.all(got[exact == 0] == 0)
        assert ulps.max() <= 4, list(zip(LOG_BINOMIAL_CASES, ulps.tolist()))


def test_counts_up_to_the_limit_are_exact():
    """10^9 heads in 10^9 tosses beside 1 in 2: theta exactly 1 and 1/2, the log-likelihood
    log(1/2) + log(1/4) (10^12 gave theta 9.8e-6 / 0.5 and -10.25, "converged")."""
    heads, tosses = np.array([10**9, 1]), np.array([10**9, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = em.fit(heads, tosses, components=2, weights="learned")
        v = em.vb(heads, tosses, prior=(1, 1), components=2, weights="learned")
    assert r.theta.tolist() == [0.5, 1.0] and r.weights.tolist() == [0.5, 0.5]
    assert r.log_likelihood == pytest.approx(math.log(0.5) + math.log(0.25), abs=1e-12)
    assert r.converged
    assert v.theta_mean[1] == pytest.approx(1.0, abs=1e-8) and np.isfinite(v.elbo)
    # a million sets of 10^9 tosses: 10^15 tosses in all, the largest total allowed
    big = np.full(10**6, 10**9)
    r = em.fit(big // 2, big, components=1)
    assert r.theta.tolist() == [0.5] and np.isfinite(r.log_likelihood)


@pytest.mark.parametrize("heads,tosses,words", [
    ([10**12, 1], [10**12, 2], "heads 1000000000000 is above the limit of 10^9 tosses per set"),
    ([1], [10**9 + 1], "tosses 1000000001 is above the limit of 10^9"),
    (np.array([5], np.uint64), np.array([2**63 + 5], np.uint64),
     "tosses 9223372036854775813 is above the limit of 10^9"),
    ([1.0], [1e20], "tosses 1e+20 is above the limit"),
    (np.ones(10**6 + 1, int), np.full(10**6 + 1, 10**9), "1000001000000000 tosses in all, "
     "above the limit of 10^15"),
])
def test_counts_beyond_the_limit_are_refused(heads, tosses, words):
    for fit in (em.fit, lambda h, n: em.vb(h, n, prior=(1, 1))):
        with pytest.raises(ValueError) as err:
            fit(heads, tosses)
        assert words in str(err.value)


@pytest.mark.parametrize("kw,words", [
    (dict(restarts=10_001), "restarts must be at most 10000"),
    (dict(max_iter=10**6 + 1), "max_iter must be at most 1000000"),
    (dict(seed=2**64), "0 <= seed < 2^63"),
    (dict(seed=-1), "0 <= seed < 2^63"),
    (dict(seed=1.5), "0 <= seed < 2^63"),
    (dict(prior=(1, 1e300)), "10^-3 <= a, b <= 10^6"),
    (dict(prior=(1, 1e6 + 1)), "10^-3 <= a, b <= 10^6"),
    (dict(weights="learned", dirichlet=1e300), "between 10^-3 and 10^6"),
])
def test_option_limits(kw, words):
    for fit in (em.fit, em.vb):
        opts = dict(kw)
        if fit is em.vb:
            opts.setdefault("prior", (1, 1))
        with pytest.raises(ValueError, match=words.replace("^", r"\^").replace("(", r"\(")):
            fit(PAPER_HEADS, PAPER_TOSSES, **opts)
    em.fit(PAPER_HEADS, PAPER_TOSSES, seed=2**63 - 1, restarts=2, prior=(1e6, 1e6))   # edges
    em.vb(PAPER_HEADS, PAPER_TOSSES, prior=(1e-3, 1e6), weights="learned", dirichlet=1e-3)


def test_restarts_budget_counts_distinct_pairs():
    from em.options import OptionError, check_budget

    check_budget(10_000, 2, 4999)                   # 10001 x 4999 x 2 < 10^8
    with pytest.raises(OptionError, match=r"above the limit of 10\^8 \(at most 9997 restarts"):
        check_budget(10_000, 2, 5001)


def test_json_never_fails_on_a_non_finite_number(monkeypatch, capsys):
    """`python -m em --json` printed nothing and failed with "Out of range float values" when a
    number was not finite: now such a number is null and listed under "non_finite"."""
    import json

    import em.__main__ as cli

    real = em.fit

    class Odd:
        def __init__(self, r):
            self.r = r

        def to_dict(self):
            return self.r.to_dict() | {"log_likelihood": -math.inf,
                                       "std_error": {"theta": [math.nan, 0.1]}}

    monkeypatch.setattr(em, "fit", lambda *a, **k: Odd(real(*a, **k)))
    assert cli.main(["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["log_likelihood"] is None and out["std_error"]["theta"] == [None, 0.1]
    assert out["non_finite"] == ["log_likelihood: -inf", "std_error.theta[0]: nan"]


# ---------------------------------------------------------------- issue 16: mutations no test caught

@pytest.mark.parametrize("accelerate", ["none", "squarem"])
def test_long_sets_do_not_underflow(accelerate):
    """Sets of 5,000 tosses: a coin's binomial probability of a set is far below the smallest
    double (e^-3466 for 5000 heads at theta 0.5), so only a log-space E-step (logsumexp) stays
    finite; the two coins are found at their known-label values."""
    h, n = np.array([0, 5000, 3, 4997]), np.full(4, 5000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = em.fit(h, n, weights="learned", accelerate=accelerate)
        vb = em.vb(h, n, accelerate=accelerate)
    assert fit.converged and np.isfinite(fit.log_likelihood)
    np.testing.assert_allclose(fit.theta, [3 / 10000, 9997 / 10000], rtol=1e-6)
    np.testing.assert_allclose(fit.responsibilities, [[1, 0], [0, 1], [1, 0], [0, 1]], atol=1e-12)
    vb_mean = vb.theta_alpha / (vb.theta_alpha + vb.theta_beta)
    assert np.all(np.isfinite(vb_mean)) and np.isfinite(vb.elbo)
    np.testing.assert_allclose(vb_mean, [3 / 10000, 9997 / 10000], atol=1e-3)


@pytest.mark.parametrize("accelerate", ["none", "squarem"])
def test_iterations_do_not_depend_on_how_often_the_data_repeat(accelerate):
    """The stop rule is relative: the paper's data and the same sets repeated 10^5 times take the
    same path (the same responsibilities, the same M-step ratios) and stop at the same iteration.
    An absolute tolerance would run the repeated data longer (their objective is 10^5 times
    larger)."""
    kw = dict(init=[0.6, 0.5], restarts=0, accelerate=accelerate)
    once = em.fit(PAPER_HEADS, PAPER_TOSSES, **kw)
    many = em.fit(np.tile(PAPER_HEADS, 10**5), np.tile(PAPER_TOSSES, 10**5), **kw)
    assert once.converged and many.converged
    assert once.iterations == many.iterations
    np.testing.assert_allclose(once.theta, many.theta, atol=1e-9)


def test_the_two_weights_of_two_coins_have_one_standard_error():
    """w_1 = 1 - w_0, so sd(w_1) = sd(w_0): the standard errors must be equal (a variance
    reported for one of them would not be)."""
    h = np.array([5, 9, 8, 4, 7, 2, 9, 1, 8, 6])
    fit = em.fit(h, np.full(10, 10), weights="learned")
    se = np.asarray(fit.std_error["weights"])
    assert se[0] > 0.01 and se[0] == pytest.approx(se[1], rel=1e-9)


# ---------------------------------------------------------------- plain EM is the engines' default

def test_the_first_command_prints_the_papers_first_iteration(capsys):
    """``python -m em --init 0.6,0.5 --restarts 0 --max-iter 1`` is one plain EM iteration:
    the paper's 0.71 / 0.58 (not a SQUAREM cycle's 0.745 / 0.569), and ``--max-iter 10 --tol 0``
    ten of them: 0.80 / 0.52."""
    from em.__main__ import main

    assert main(["--init", "0.6,0.5", "--restarts", "0", "--max-iter", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["accelerate"] == "none" and out["iterations"] == 1
    assert [round(t, 2) for t in out["theta"]] == [0.58, 0.71]
    assert main(["--init", "0.6,0.5", "--restarts", "0", "--max-iter", "10", "--tol", "0",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["history"]) == 11 and [round(t, 2) for t in out["theta"]] == [0.52, 0.80]
    fit = em.fit(PAPER_HEADS, PAPER_TOSSES, init=[0.6, 0.5], restarts=0, max_iter=1)
    assert fit.accelerate == "none" and [round(t, 2) for t in fit.theta] == [0.58, 0.71]
    assert em.vb(PAPER_HEADS, PAPER_TOSSES, restarts=0).accelerate == "none"


def test_slow_plain_em_says_what_squarem_needs(capsys):
    """Saxony (learned weights) takes plain EM thousands of iterations: it still converges under
    the default cap, and the command says, on stderr and in the JSON, SQUAREM's count."""
    from em.__main__ import main

    assert main(["--data", "builtin:saxony", "--weights", "learned", "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["converged"] and out["iterations"] > 1000
    assert out["squarem"]["converged"] and out["squarem"]["iterations"] < out["iterations"] / 10
    assert f"plain EM took {out['iterations']} iterations" in captured.err
    assert f"{out['squarem']['iterations']} cycles" in captured.err
    # fast fits say nothing
    assert main(["--json"]) == 0
    captured = capsys.readouterr()
    assert "squarem" not in json.loads(captured.out) and captured.err == ""


def test_a_start_level_with_a_stopped_one_climbs_to_convergence():
    """Restarts: when a later start has stopped at the optimum and the first start is level
    with it (within the tie tolerance) but still climbing after the short run, the first must
    climb on, not win the tie unconverged (the paper's data, VB and MAP, 4 restarts)."""
    for fit in (em.fit(PAPER_HEADS, PAPER_TOSSES, prior=(2, 2), init=[0.6, 0.5]),
                em.vb(PAPER_HEADS, PAPER_TOSSES, prior=(2, 2), init=[0.6, 0.5])):
        assert fit.converged, fit.warnings
