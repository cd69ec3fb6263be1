"""The figure registry: which figures a run gets, which are drawn early, and their captions."""

import pytest

from compare import figure_list
from compare.words import catalogue


def test_figures_by_number_of_coins():
    assert figure_list.names(1) == ["shrinkage", "marginals", "prior_posterior", "ladder"]
    assert figure_list.names(2) == ["shrinkage", "em_path", "objective", "marginals", "joint",
                                    "assignment", "prior_posterior", "ladder", "bound"]
    assert figure_list.names(3) == ["shrinkage", "objective", "marginals", "assignment",
                                    "prior_posterior", "ladder"]


@pytest.mark.parametrize("k,exact,want", [
    (2, True, ["em_path", "objective", "prior_posterior", "bound"]),
    (2, False, ["em_path", "objective", "bound"]), (1, True, ["prior_posterior"]),
    (3, False, ["objective"])])
def test_early_figures_need_no_draws(k, exact, want):
    assert figure_list.early(k, exact) == want


def test_costliest_first_and_every_caption_in_the_catalogue():
    assert figure_list.costliest_first(["assignment", "ladder", "joint"]) == [
        "ladder", "joint", "assignment"]
    words = catalogue("en")
    for f in figure_list.FIGURES:
        assert any(k == f.caption or k.startswith(f.caption + ".") for k in words), f.name


def test_every_figure_has_its_draw_function():
    from compare import figures

    for f in figure_list.FIGURES:
        assert callable(getattr(figures, f.draw)), f.name
