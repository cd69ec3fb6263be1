"""Engines' warnings carry a code and the values they name; the catalogue says each of them as the
engine's own English line, so a report in another language can say them too."""

import ast
from pathlib import Path

import numpy as np
import pytest

import em
from bayes.notes import Note as BayesNote
from compare import words
from compare.records import note
from em.notes import Note

ROOT = Path(__file__).resolve().parents[1]


def engine_codes():
    """Every Note("code", ...) written in em/ and bayes/ (conditional codes included)."""
    codes = set()
    for path in [*ROOT.glob("em/*.py"), *ROOT.glob("bayes/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Note":
                first = node.args[0]
                leaves = [first] if isinstance(first, ast.Constant) else (
                    [first.body, first.orelse] if isinstance(first, ast.IfExp) else [])
                codes |= {x.value for x in leaves if isinstance(x, ast.Constant)}
    return codes


def test_every_engine_code_has_its_words():
    codes = engine_codes()
    assert {"not_converged", "se_boundary", "se_singular", "se_empty_component", "rhat_high",
            "rhat_one_chain", "ess_low", "divergence", "divergences"} <= codes
    for code in codes:
        assert f"engine.{code}" in words.catalogue("en"), code


def test_a_note_is_its_line_and_survives_pickling():
    import pickle

    n = Note("not_converged", "EM did not converge", method="EM", max_iter=3, tol=0.1)
    assert n == "EM did not converge" and isinstance(n, str)
    back = pickle.loads(pickle.dumps(n))
    assert (back, back.code, back.params) == (n, "not_converged", n.params)
    b = pickle.loads(pickle.dumps(BayesNote("ess_low", "x", threshold=400, listing="theta[0] (9)")))
    assert b.code == "ess_low" and b.params["listing"] == "theta[0] (9)"


@pytest.mark.parametrize("heads,tosses,options", [
    ([5, 9, 8, 4, 7], [10] * 5, dict(max_iter=2, tol=1e-12, restarts=0, init=(0.6, 0.5))),
    ([10, 10, 10], [10] * 3, dict(prior=None)),                         # theta on the boundary
    ([3, 3, 3], [10] * 3, dict(components=3, weights="learned")),      # not identified
])
def test_the_catalogue_says_what_the_engine_says(heads, tosses, options):
    fit = em.fit(np.array(heads), np.array(tosses), accelerate="none", **options)
    assert fit.warnings, "the case should warn"
    for w in fit.warnings:
        assert isinstance(w, Note) and words.render(note(w)) == w


def test_bayes_diagnostics_say_their_codes():
    from bayes.summary import diagnostics

    import arviz as az

    rng = np.random.default_rng(0)
    bad = np.cumsum(rng.normal(size=(2, 50, 2)), axis=1)           # chains that wander apart
    tree = az.from_dict({"posterior": {"theta": bad},
                         "sample_stats": {"diverging": np.eye(2, 50, dtype=bool)}})
    d = diagnostics(tree, ["theta"])
    codes = {w.code for w in d["warnings"]}
    assert {"rhat_high", "ess_low", "divergences"} <= codes
    for w in d["warnings"]:
        assert words.render(note(w)) == w


def test_data_notes_are_facts_said_in_english():
    from types import SimpleNamespace as NS

    from compare.pipeline import data_warnings

    d = NS(heads=np.array([20, 20, 20]), tosses=np.array([20, 20, 20]), n_sets=3)
    said = [words.render(f) for f in data_warnings(d, NS(components=2))]
    assert said == ["all 3 sets are identical (20 heads of 20): nothing tells the coins apart",
                    "every toss is heads: maximum likelihood puts the coins at 1 (the boundary), "
                    "where it has no standard error and no Wald interval; only the prior keeps MAP "
                    "and the posterior inside (0, 1)"]
    tosses = np.array([1, 2, 3, 4, 1, 2, 6, 7, 8, 9])
    d = NS(heads=tosses // 2, tosses=tosses, n_sets=10)
    (f,) = [f for f in data_warnings(d, NS(components=5)) if f.id == "note.short_sets"]
    assert f.variant == "more" and f["sizes"] == [1, 2, 3, 4, 6] and f["short"] == 9
    assert words.render(f).startswith("9 of the 10 sets have fewer than 2K - 1 = 9 tosses "
                                      "(1, 2, 3, 4, 6, ...): a set of n tosses")
