"""The worked example and the ladder as records (issue 21, item 1): which variant each builder
chooses, and which numbers its facts name, tested on the facts rather than on English text.

The paper's worked example is built from its data with em.fit and compare.worked alone (no PyMC):
the textbook's arithmetic (0.6^5 x 0.4^5 = 0.0007962624 against 0.5^10 = 0.0009765625, P(A) =
0.45, theta 0.71 / 0.58 after one iteration and 0.80 / 0.52 after ten) must be numbers in its
records, and the numbers the report quotes from the paper must be what our computation gives at
the paper's rounding. The rest are the builders' pure choice functions on tiny hand-made inputs.
"""

from types import SimpleNamespace as NS

import numpy as np
import pytest

import em
from compare import checks, facts
from compare import worked as worked_numbers
from compare.records import Fact, Figure, Table, fact
from compare.rungs import RUNGS
from compare.sections import ladder, worked
from compare.words import blocks, catalogue, render, text


def walk(x):
    """Every fact in a list of records, nested values included."""
    if isinstance(x, Fact):
        yield x
        for v in x.values.values():
            yield from walk(v)
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from walk(v)
    elif isinstance(x, Table):
        yield from walk(x.header)
        yield from walk(x.rows)
    elif isinstance(x, Figure):
        yield from walk(x.caption)


def find(records, id_):
    return [f for f in walk(records) if f.id == id_]


# ---------------------------------------------------------------- the paper's run, without PyMC

@pytest.fixture(scope="module")
def paper_run():
    import coindata
    from compare.options import Options
    from compare.reference import known_label_fit
    from compare.pipeline import PLAIN_MAX_ITER

    data = coindata.load("builtin:do-batzoglou")
    o = Options()
    single = dict(o.em_options(), restarts=0)
    r = NS(data=data, options=o, known=known_label_fit(data),
           ml=em.fit(data.heads, data.tosses, prior=None, **o.em_options()),
           plain={"ml": em.fit(data.heads, data.tosses, prior=None,
                               **dict(single, accelerate="none",
                                      max_iter=max(o.max_iter, PLAIN_MAX_ITER)))})
    init = o.em_init
    first = worked_numbers.first_iteration(data.heads, data.tosses, init)
    iters = worked_numbers.iterations(r.plain["ml"], init)
    three = worked_numbers.first_step_three_ways(data.heads, data.tosses, init, o.prior,
                                                 set_index=first["example_set"])
    return r, first, iters, three


def test_the_paper_is_recognised(paper_run):
    r = paper_run[0]
    assert worked.is_paper(r)
    other = NS(data=r.data, options=NS(components=2, weights="fixed", em_init=(0.6, 0.55)))
    assert not worked.is_paper(other)


def test_paper_e_step_arithmetic_as_numbers(paper_run):
    r, first, iters, _ = paper_run
    records = worked.build(r, first, iters, {})
    (share,) = find(records, "worked.share")
    assert share.variant == "arithmetic"
    assert share["what"].variant == "sequence" and share["what"]["sequence"] == "HTTTHHTHTH"
    a, b = share["chance"], share["others"][0]["chance"]
    assert (a["theta"], a["heads"], a["tails"]) == (0.6, 5, 5)
    assert a["other"] == pytest.approx(0.4, abs=1e-15)
    assert a["chance"] == pytest.approx(0.0007962624, rel=1e-12)          # 0.6^5 x 0.4^5
    assert (b["theta"], b["other"]) == (0.5, 0.5)
    assert b["chance"] == pytest.approx(0.0009765625, rel=1e-12)          # 0.5^10
    assert [f["value"] for f in share["likes"]] == [a["chance"], b["chance"]]
    # P(A) = a / (a + b), as the E-step (in log space) computes it
    assert share["p"] == pytest.approx(a["chance"] / (a["chance"] + b["chance"]), rel=1e-12)
    assert round(share["p"], 3) == 0.449


def test_paper_numbers_quoted_are_ours_at_the_papers_rounding(paper_run):
    r, first, iters, _ = paper_run
    records = worked.build(r, first, iters, {})
    (ex,) = find(records, "worked.example")
    assert ex["paper_share"]["value"] == 0.45 == round(ex["p"], 2)
    assert ex["paper_credit"]["value"] == 2.2 == round(ex["credited_heads"], 1)
    thetas = [u["theta"] for u in ex["updates"]]
    assert (ex["paper_first"]["a"], ex["paper_first"]["b"]) == (0.71, 0.58)
    assert [round(t, 2) for t in thetas] == [0.71, 0.58]
    assert [u["coin"] for u in ex["updates"]] == ["A", "B"]
    (ten,) = find(records, "worked.after_ten")
    assert (ten["paper"]["a"], ten["paper"]["b"]) == (0.80, 0.52)
    assert [t["digits"] for t in ten["thetas"]] == [2, 2]       # the paper's two decimals
    assert [round(t["value"], 2) for t in ten["thetas"]] == [0.80, 0.52]
    (stop,) = find(records, "worked.stop")
    assert stop.variant == "converged" and stop["iterations"] == r.plain["ml"].iterations
    # the known labels: coin B 9 / 20, coin A 24 / 30
    (known,) = find(records, "worked.known")
    assert [(c["coin"], c["heads"], c["tosses"]) for c in known["coins"]] == [
        ("B", 9, 20), ("A", 24, 30)]
    # no weights for fixed weights; the starts: the paper's maximum has the coins apart
    assert ex["weights"] is None
    assert find(records, "worked.starts")[0].variant == "trap"
    # every record says something in English (no template names a value its fact lacks)
    assert blocks.section(records).count("\n") > 40


def test_paper_numbers_only_on_the_papers_data(paper_run):
    _, first, iters, _ = paper_run
    ex = worked.example(first, None, 5, learned=False, paper=False)
    assert ex["paper_share"] is ex["paper_credit"] is ex["paper_first"] is None
    assert ex["share"]["what"].variant == "order"          # no sequence given
    ten = find(worked.iteration_blocks(iters, False, 1e-12, paper=False), "worked.after_ten")[0]
    assert ten["paper"] is None and [t["digits"] for t in ten["thetas"]] == [4, 4]


def test_paper_first_step_three_ways(paper_run):
    _, _, _, three = paper_run
    records = ladder.three_ways(three, 50)
    (start,) = find(records, "ladder.three.vb_start")
    assert (start["tosses"], start["coins"]) == (50, 2)
    assert start["moves"].variant == "moves" and start["moves"]["digits"] == 3
    p_em = find(records, "ladder.three.p")[0]["p"]
    assert p_em == pytest.approx(0.0007962624 / (0.0007962624 + 0.0009765625), rel=1e-12)


# ---------------------------------------------------------------- variant choice, tiny inputs

def test_e_step_arithmetic_only_where_it_can_be_written():
    assert worked.e_step_arithmetic([0.6, 0.5], 2000, 2000, ["A", "B"], 0.5) is None  # underflow
    assert worked.e_step_arithmetic([0.6, 0.5, 0.4, 0.3], 5, 5, list("ABCD"), 0.3) is None
    three = worked.e_step_arithmetic([0.6, 0.5, 0.4], 1, 2, list("ABC"), 0.3, "HTT")
    assert [o["coin"] for o in three["others"]] == ["B", "C"]
    assert three["chance"]["chance"] == pytest.approx(0.6 * 0.4 ** 2)


@pytest.mark.parametrize("objective,expected", [
    ([-12.0, -11.0, -10.5, -10.25], (None, None)),                  # changes to the last row
    ([-12.0, -11.0, -10.0, -10.0, -10.0], (2, "still")),
    ([-12.0, -11.0, -10.0, -10.0 + 1e-9, -10.0 + 2e-9], (2, "rising")),
    ([-12.0, -11.0, -10.0, -10.0], (2, "still")),                  # the last two rows equal
    ([-12.0], (None, None)),                                          # the start alone
])
def test_where_the_log_likelihood_stops_changing(objective, expected):
    assert worked.flat_from(objective) == expected


def test_one_coin_in_one_step():
    f = worked.one_coin(30, 50, (2.0, 2.0))
    assert f["ml"] == 0.6 and f["map"] == pytest.approx(31 / 52)
    assert (f["map_heads"], f["map_tosses"]) == (31, 52)


@pytest.mark.parametrize("n_lower", [0, 2, 5])
def test_starting_points(monkeypatch, n_lower):
    ends = [{"start": [0.3, 0.7], "theta": [0.4, 0.8], "log_likelihood": -9.0, "best": True}]
    ends += [{"start": [0.1, 0.2], "theta": [0.1, 0.6], "log_likelihood": -10.0 - i,
              "best": False} for i in range(n_lower)]
    monkeypatch.setattr(facts, "starts", lambda r: {
        "symmetric_start": [0.6, 0.6], "symmetric_after_one_step": [0.66, 0.66], "pooled": 0.66,
        "ends": ends})
    for theta, variant in (([0.4, 0.8], "trap"), ([0.6, 0.6], "coincide")):
        r = NS(options=NS(components=2, restarts=n_lower), ml=NS(theta=np.array(theta)))
        (f,) = worked.starting_points(r)
        assert f.variant == variant and f["best"] == 1 and f["starts"] == 1 + n_lower
        lower = f["lower"]
        if n_lower == 0:
            assert lower is None
        else:
            assert len(lower["ends"]) == min(n_lower, 4)
            assert (lower["more"] is not None) is (n_lower > 4)
    assert worked.starting_points(NS(options=NS(components=1))) == []


@pytest.mark.parametrize("plain,e_steps,variant", [(100, 50, "fewer"), (100, 51, "none"),
                                                   (17, 15, "none")])
def test_squarem_saving_said_only_where_there_is_one(plain, e_steps, variant):
    f = ladder.saving(plain, e_steps)
    assert f.variant == variant
    if variant == "fewer":
        assert f["ratio"] == plain / e_steps


def test_took():
    assert ladder.took("iterations", 17, True).key == "ladder.took_iterations.converged"
    assert ladder.took("cycles", 1000, False).key == "ladder.took_cycles.unconverged"


@pytest.mark.parametrize("narrower,k,variant", [
    ([0.005, -0.009], 2, "same"), ([0.005], 1, "same_one_coin"), ([0.17, 0.09], 2, "narrower"),
    ([0.17, -0.05], 2, "mixed"), ([0.17, 0.005], 2, "mixed")])
def test_vb_width(narrower, k, variant):
    f = ladder.vb_width(narrower, "exact", k)
    assert f.variant == variant
    if variant in ("narrower", "mixed"):
        assert [d.variant for d in f["diffs"]] == ["smaller" if s > 0 else "larger"
                                                    for s in narrower]
        assert [d["percent"] for d in f["diffs"]] == pytest.approx([100 * abs(s)
                                                                     for s in narrower])


def _samplers(z, gibbs_warn=(), nuts_warn=()):
    """Gibbs and NUTS posteriors z combined MCSE apart in coin 0 (combined MCSE 0.005)."""
    def post(mean, mcse):
        return {"theta": {"mean": mean, "mcse_mean": [mcse, mcse]}}
    return NS(gibbs=NS(posterior=post([0.50 + z * 0.005, 0.75], 0.003), warnings=gibbs_warn),
              sampler=NS(posterior=post([0.50, 0.75], 0.004), warnings=nuts_warn))


@pytest.mark.parametrize("z", [0.5, 1.9, 3.1, 3.9, 4.1, 12.0])
@pytest.mark.parametrize("gibbs_warn,nuts_warn", [((), ()), (("ESS",), ()), ((), ("R-hat",)),
                                                  (("ESS",), ("R-hat",))])
def test_gibbs_sentence_agrees_with_the_check(z, gibbs_warn, nuts_warn):
    """The ladder's Gibbs sentence says what the Gibbs = NUTS check says: not assessable when a
    sampler has not mixed (whatever z is), else apart beyond MC_SIGMAS, else the same."""
    r = _samplers(z, gibbs_warn, nuts_warn)
    f = facts.gibbs_vs_nuts(r)
    assert f["z"][0] == pytest.approx(z) and f["z"][1] == 0
    verdict = ladder.gibbs_verdict(f["unmixed"], f["within"], f["gap"])
    c = checks.gibbs_vs_nuts(r)
    assert verdict.startswith("unmixed") is (c["status"] == "not assessable")
    if c["agree"] is not None:
        # the words follow the number: "the same" only within what chance gives (2 MCSE);
        # between that and the check's tolerance the check passes but says the gap is large
        said = c.explanation[1]
        if not c["agree"]:
            assert verdict == "apart" and said.variant == "disagree"
        elif z <= facts.CHANCE_SIGMAS:
            assert verdict == "same" and said.variant == "agree"
        else:
            assert verdict == "tolerated" and said.variant == "tolerated"
            assert "usually gives" in render(said) and "within the check" in render(said)
        assert c["agree"] is (z <= checks.MC_SIGMAS)
    expected = {((), ()): None, (("ESS",), ()): "unmixed_gibbs", ((), ("R-hat",)): "unmixed_nuts",
                (("ESS",), ("R-hat",)): "unmixed_both"}[(gibbs_warn, nuts_warn)]
    if expected:
        assert verdict == expected


@pytest.mark.parametrize("a,b,variant,digits", [(0.449, 0.445, "moves", 3),
                                                (0.4490, 0.4494, "moves", 4),
                                                (0.0640001, 0.0640002, "stays", None)])
def test_moves_with_the_digits_that_show_it(a, b, variant, digits):
    f = ladder.moves(a, b)
    assert f.variant == variant
    if digits:
        assert f["digits"] == digits


@pytest.mark.parametrize("k,orders", [(1, None), (2, 2), (3, 6)])
def test_elbo_gap(k, orders):
    assert ladder.elbo_gap(-12.4, None, None, k).variant == "unknown"
    f = ladder.elbo_gap(-12.4, -11.3, 1.1, k)
    assert f.variant == "known" and f["kl"] == 1.1
    if orders is None:
        assert f["symmetry"] is None
    else:
        assert f["symmetry"]["orders"] == orders
        assert f["symmetry"]["log_orders"] == pytest.approx(np.log(orders))


# ---------------------------------------------------------------- the ladder's rows by rung key

def test_rows_found_by_rung_key():
    rows = [{"method": x.label, "parameter": f"theta[{i}]", "mean": 10 * j + i}
            for j, x in enumerate(RUNGS) for i in range(2)]
    got = ladder.by_rung(rows)
    for j, x in enumerate(RUNGS):
        assert got[(x.key, "theta[1]")]["mean"] == 10 * j + 1
    assert ladder.symbol("weights[1]").key == "ladder.symbol.weights"
    assert ladder.symbol("theta[0]")["index"] == 0


def test_every_rung_has_its_words():
    """The English catalogue says each rung as compare.rungs does (summary.json keeps the code's
    label, the report the catalogue's), and names the interval kind its estimates give."""
    from compare.options import Options

    words = catalogue("en")
    for x in RUNGS:
        assert words[f"ladder.rung.{x.key}.label"] == x.label
        assert words[f"ladder.rung.{x.key}.hidden"] == x.hidden_coins
        assert words[f"ladder.rung.{x.key}.thetas"] == x.thetas
    o = Options()
    h, n = np.array([5, 9, 8, 4, 7]), np.full(5, 10)
    results = {"ml": em.fit(h, n, prior=None, **o.em_options()),
               "map": em.fit(h, n, prior=o.prior, **o.em_options()),
               "vb": em.vb(h, n, prior=o.prior, **o.em_options())}
    draws = NS(posterior={"theta": {"mean": [0.5, 0.7], "sd": [0.1, 0.1], "hdi_low": [0.3, 0.5],
                                    "hdi_high": [0.7, 0.9]}},
               theta_draws=np.full((1, 4, 2), 0.5))
    results.update(gibbs=draws, nuts=draws,
                   exact=NS(summary={"theta": draws.posterior["theta"]}, densities={}))
    for x in RUNGS:
        kinds = {e.interval for e in x.estimates(results[x.key], o)["theta"]}
        assert kinds == {words[f"ladder.rung.{x.key}.interval"]}, x.key


# ---------------------------------------------------------------- display formulas in the HTML

def test_display_formulas_found_by_fact_id():
    from compare import html

    math = html.display_math("en")
    assert set(math) == {text("ladder.formula_mstep").strip(), text("ladder.formula_elbo").strip()}
    page = html.render("\n".join(blocks.block(f) for f in [
        fact("ladder.mstep_lead"), fact("ladder.formula_mstep"),
        fact("ladder.elbo_lead"), fact("ladder.formula_elbo")]), {}, "t")
    assert page.count('<math display="block"') == 2
