"""One coin, a few coins, or a coin for every set (issue 22.2): the section's numbers and its
figure. The pooling sentence follows n / (n + kappa) at the Beta-binomial's ML; the mixture row
is EM-MAP's sum_j r_ij theta_j; the figure draws every set up to 200, else one point per distinct
pair (at most 300), coloured by the known coin where there is one."""

import warnings
from types import SimpleNamespace as NS

import numpy as np
import pytest

from bayes import betabinom
from compare import figure_list
from compare.sections import choice
from compare.words import render


@pytest.mark.parametrize("kappa, tosses, variant", [
    (1e9, [10, 20], "pooled"), (0.01, [10, 20], "barely"), (16.2, [10, 10], "one_length"),
    (16.2, [4, 81], "lengths")])
def test_pooling_follows_n_over_n_plus_kappa(kappa, tosses, variant):
    f = choice.pooling({"mu": 0.4, "kappa": kappa}, np.array(tosses))
    assert f.variant == variant
    if variant == "lengths":
        assert f["keep_short"] == pytest.approx(4 / (4 + kappa))
        assert f["keep_long"] == pytest.approx(81 / (81 + kappa))
        text = render(f)
        assert "20% for the shortest set (4 tosses), 83% for the longest (81 tosses)" in text
    if variant == "one_length":
        assert "every set, of 10 tosses, keeps n / (n + kappa) = 38%" in render(f)
    for lang in ("en", "ko"):
        assert render(f, lang)


def test_the_pooling_is_the_shrinkage_the_beta_binomial_computes():
    """At a kappa the data pin down, each set's E[theta_i | data] sits n / (n + kappa) of the
    way from mu to its raw rate, to within the spread of the hyperparameters' posterior."""
    rng = np.random.default_rng(11)
    n = rng.choice([40, 120], 400)
    h = rng.binomial(n, rng.beta(8, 32, n.size))        # mu = 0.2, kappa = 40
    bb = betabinom.fit(h, n)
    raw = h / n
    predicted = bb.mu + n / (n + bb.kappa) * (raw - bb.mu)
    assert np.max(np.abs(bb.shrunk - predicted)) < 0.01
    assert 25 < bb.kappa < 65


def test_best_kind_says_barely_below_two():
    assert choice.best_kind({"kind": "few", "two_log_bf": 1.0}).variant == "barely"
    assert choice.best_kind({"kind": "every", "two_log_bf": 18.1}).variant == "every"
    assert choice.best_kind({"kind": "one", "two_log_bf": None}).variant == "one"


def _run(h, n, labels=None, k=2, lang="en"):
    # the figure draws what it is given: shrunk rates by the ML formula (mu 0.5, kappa 20)
    bb = NS(mu=0.5, kappa=20.0, shrunk=0.5 + n / (n + 20.0) * (h / n - 0.5))
    theta = np.linspace(0.3, 0.7, k)
    logp = h[:, None] * np.log(theta) + (n - h)[:, None] * np.log1p(-theta)
    resp = np.exp(logp - logp.max(1, keepdims=True))
    resp /= resp.sum(1, keepdims=True)
    return NS(lang=lang, data=NS(heads=h, tosses=n, n_sets=h.size, labels=labels),
              choice={"beta_binomial": {"shrunk": bb.shrunk.tolist(), "mu": bb.mu,
                                        "kappa": bb.kappa}},
              map=NS(theta=theta, responsibilities=resp))


def test_shown_sets_every_one_or_one_per_pair():
    from compare.figures import _shrink_sets

    rng = np.random.default_rng(3)
    n = rng.integers(5, 12, 150)
    r = _run(rng.binomial(n, 0.5), n)
    assert np.array_equal(_shrink_sets(r), np.arange(150))
    n = rng.integers(5, 40, 5000)
    r = _run(rng.binomial(n, 0.5), n)
    idx = _shrink_sets(r)
    pairs = set(zip(r.data.heads[idx], r.data.tosses[idx]))
    assert len(pairs) == idx.size <= figure_list.SHRINK_PAIRS      # distinct, at most 300
    rates = r.data.heads[idx] / r.data.tosses[idx]
    every = r.data.heads / r.data.tosses
    assert np.all(np.diff(rates) >= 0)                             # spaced in raw rate,
    assert rates[0] == every.min() and rates[-1] == every.max()    # both ends kept


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("labelled", [False, True])
def test_the_figure_draws_on_many_sets_without_a_warning(tmp_path, lang, labelled):
    import matplotlib

    matplotlib.use("Agg")
    from compare import figures

    rng = np.random.default_rng(4)
    n = rng.integers(5, 40, 3000)
    labels = tuple(rng.choice(["A", "B"], n.size)) if labelled else None
    r = _run(rng.binomial(n, 0.5), n, labels=labels, lang=lang)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figures.draw(r, "shrinkage", tmp_path / "s.png")
    assert (tmp_path / "s.png").stat().st_size > 10_000
