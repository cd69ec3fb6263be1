"""report.md, assembled from the report's sections.

Each section's records (what is true for these data: facts with the variant that holds, tables,
figures) are built in compare.sections, one module per section, from the run's numbers
(compare.facts, compare.checks); compare.words says them in a language from its catalogue
(compare/words/en.toml). Nothing here decides what to say: this module only puts the sections
in the report's order and numbers the figures.

Notation, one for the whole report: coins are numbered by their heads probability, coin 0
the lowest, theta_0 < theta_1 < ...; the worked example keeps the paper's letters (theta_A is
the coin started at init[0]) and says once which number each letter becomes. Anything that comes
from the user (data name, path, labels, the command) is escaped by the words layer ({x:user}).
"""

from __future__ import annotations

from .markdown import number_figures
from .sections import checks as sections_checks
from .sections import choice, ladder, posterior, sets, short, takeaways as sec_takeaways, terms
from .sections import top, worked
from .words import blocks


def records(r, agreement, rows, first, iters, three, figs, study_sections) -> list:
    """Every section of the report as records (facts and blocks), in the report's order: what
    is true for these data, in no language yet. A study's section comes as its Markdown."""
    return [top.build(r, agreement), choice.build(r, figs), short.build(r, agreement),
            worked.build(r, first, iters, figs), ladder.build(r, rows, three, figs),
            posterior.build(r, figs), sets.build(r, figs), sections_checks.build(agreement),
            sec_takeaways.build(r), *[s.markdown for s in study_sections],
            terms.glossary(r), terms.reproduce(r)]


def render(sections, lang: str = "en") -> str:
    """report.md from the sections' records, in ``lang``; figures numbered in order."""
    parts = [s if isinstance(s, str) else blocks.section(s, lang) for s in sections]
    return number_figures("\n".join(p for p in parts if p))


def report_markdown(r, agreement, rows, first, iters, three, figs, study_sections) -> str:
    return render(records(r, agreement, rows, first, iters, three, figs, study_sections))


def header(r, agreement=()) -> str:
    return blocks.section(top.build(r, agreement))


def gibbs_mixing_note(r, nuts_matches_exact: bool = True) -> str | None:
    """Why the Gibbs sampler mixes badly where NUTS does not (None when it mixes well)."""
    note = top.gibbs_note(r, nuts_matches_exact=nuts_matches_exact)
    return None if note is None else blocks.block(note)


def choice_sentence(r) -> str:
    """The verdict on how many coins, in one or two sentences."""
    return blocks.block(choice.verdict(r))


def model_choice_section(r) -> str:
    return blocks.section(choice.build(r))


def in_short(r, agreement) -> str:
    return blocks.section(short.build(r, agreement))


def worked_example(r, first, iters, figs) -> str:
    return blocks.section(worked.build(r, first, iters, figs))


def starting_points(r) -> str:
    return blocks.section(worked.starting_points(r))


def ladder_section(r, rows, three, figs) -> str:
    return blocks.section(ladder.build(r, rows, three, figs))


def formulas_section(r) -> str:
    """The formulas that link EM to Bayes, with this data's numbers."""
    return blocks.section(ladder.formulas(r))


def posterior_section(r, figs) -> str:
    return blocks.section(posterior.build(r, figs))


def sets_section(r, figs) -> str:
    return blocks.section(sets.build(r, figs))


def checks_section(agreement) -> str:
    return blocks.section(sections_checks.build(agreement))


def takeaways(r) -> str:
    return blocks.section(sec_takeaways.build(r))


def reproduce(r) -> str:
    return blocks.section(terms.reproduce(r))


def glossary(r) -> str:
    return blocks.section(terms.glossary(r))
