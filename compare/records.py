"""The report's findings as records: what is true, apart from how it is said.

A :class:`Fact` names one finding (``id``), the variant of it that holds for these data
(``variant``, chosen by the code that builds the record, never by the words layer) and the
values it names (numbers, user text, other facts). The words layer (``compare.words``) turns a
fact into text by looking up the template ``id.variant`` (or ``id``) in a language's catalogue and
filling its named placeholders; it holds no condition about the data.

Blocks give a section its shape: a :class:`Table` (header facts, rows of values with a format
per column), a :class:`Figure` (an embedded figure and its caption fact), :class:`Code` (a
literal code block). A section is a list of facts and blocks, rendered one line each and joined
by newlines (a template ends with a newline where a paragraph ends).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Fact:
    """One finding: its catalogue id, the variant that holds, and the values it names."""

    id: str
    variant: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The catalogue key of the template that says it."""
        return self.id if self.variant is None else f"{self.id}.{self.variant}"

    def __getitem__(self, name):
        return self.values[name]


def fact(id: str, variant: str | None = None, **values) -> Fact:
    """``Fact(id, variant, values)`` written as keywords: ``fact("in_short.ml", "apart", theta=t)``."""
    return Fact(id, variant, values)


def note(w):
    """An engine's warning (em.notes.Note / bayes.notes.Note: its English line with a code and
    the values it names) as a fact ``engine.CODE``; a warning without a code stays its line."""
    code = getattr(w, "code", None)
    return str(w) if code is None else Fact(f"engine.{code}", None, dict(w.params))


@dataclass(frozen=True)
class Table:
    """A pipe table: header cells (facts or values), rows of values, and the format of each
    column (a compare.words.fmt spec, applied to cells that are not facts)."""

    header: list
    rows: list
    formats: list | None = None


@dataclass(frozen=True)
class Figure:
    """An embedded figure: its name (for {fig:NAME} numbering), its file and its caption."""

    name: str
    file: str
    caption: Fact


@dataclass(frozen=True)
class Code:
    """A literal code block (user text, shown as it is)."""

    text: str


@dataclass(frozen=True)
class Texts:
    """One text in several languages, as data brings it (a built-in data set's description):
    ``Texts({"en": ..., "ko": ...})``. The words layer says the one of the report's language,
    English where there is none."""

    by_lang: dict

    def __str__(self) -> str:
        return self.by_lang["en"]

    def of(self, lang: str) -> str:
        return self.by_lang.get(lang) or self.by_lang["en"]
