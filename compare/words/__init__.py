"""The words layer: every sentence, heading, table header and caption of the report, from one
catalogue of templates per language (``en.toml``, ``ko.toml``), keyed by the id of the fact they say.

Why a TOML table and not gettext or Fluent: our templates are keyed by what they say (the fact's
id and variant), not by their English text, so a sentence can change in one language without
breaking another; the variant is chosen by the facts (``compare.records``), so none of Fluent's
selectors is needed; and ``tomllib`` ships with Python, so the catalogue adds no dependency and
reads as plain text with comments. Placeholders are ``str.format`` fields by name, with the
formats of ``compare.words.fmt`` after the colon (``{theta:vec4}``), plus:

- ``{x:user}``: user text (a data name, a label), escaped for Markdown;
- ``{n:n:coin}``: a count with its noun, from the catalogue's ``noun.coin.one`` / ``.other``;
- ``{n:v:have}``: the verb that agrees with the count ``n`` ("has" / "have"), from the
  catalogue's ``verb.have.one`` / ``.other`` (a language without agreement leaves it empty);
- ``{facts:list}`` / ``{facts:list:SEP}`` / ``{facts:cat}``: a list of facts or values, each
  rendered and joined by ", " / SEP / nothing;
- a fact as a value renders itself; ``None`` with no format renders as nothing;
- in Korean, a particle after a placeholder is written as a marker, ``{k}(이)가``, and takes the
  form the rendered text before it needs (``compare.words.josa``).

A template that names a value the fact does not carry raises :class:`MissingValue`.
"""

from __future__ import annotations

import string
import tomllib
from functools import cache
from pathlib import Path

from ..records import Fact, Texts
from . import fmt, josa

LANGUAGES = ("en", "ko")
_HERE = Path(__file__).parent


class MissingValue(KeyError):
    """A template names a value its fact does not carry (a misspelt or forgotten placeholder)."""


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


@cache
def catalogue(lang: str = "en") -> dict[str, str]:
    """Every template of ``lang``, by dotted key."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    with open(_HERE / f"{lang}.toml", "rb") as f:
        table = tomllib.load(f)
    table.pop("meta", None)
    return _flatten(table)


def placeholders(template: str) -> set[str]:
    """The value names a template uses (nested fields in format specs included)."""
    names = set()
    for _, field, spec, _ in string.Formatter().parse(template):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
        if spec:
            names |= placeholders(spec)
    return names


class _Formatter(string.Formatter):
    def __init__(self, lang: str, key: str):
        self.lang, self.key = lang, key

    def get_value(self, name, args, kwargs):
        try:
            return kwargs[name]
        except KeyError:
            raise MissingValue(f"template {self.key!r} ({self.lang}) names {{{name}}}, which "
                               f"its fact does not carry (it has: {', '.join(kwargs) or 'none'})"
                               ) from None

    def format_field(self, value, spec):
        return show(value, spec, self.lang)


def show(value, spec: str = "", lang: str = "en") -> str:
    """One value as text in ``lang``: a fact is rendered, a list joined, a number formatted."""
    if isinstance(value, Texts):    # a text the data bring in several languages
        value = value.of(lang)
    if spec == "user":          # user text, or words that may hold Markdown syntax: escaped
        from ..markdown import escape

        return escape(render(value, lang) if isinstance(value, Fact) else value)
    if isinstance(value, Fact):
        return render(value, lang)
    if spec.startswith(("n:", "v:")):           # a noun with its count, or the verb it takes
        form = "one" if value == 1 and lang == "en" else "other"
        word = catalogue(lang)[f"{'noun' if spec[0] == 'n' else 'verb'}.{spec[2:]}.{form}"]
        return word.format(n=value)
    if spec == "cat" or spec == "list" or spec.startswith("list:"):
        sep = "" if spec == "cat" else (", " if spec == "list" else spec[5:])
        return sep.join(show(v, "", lang) for v in value)
    if value is None and not spec:
        return ""
    if isinstance(value, str) and not spec:    # a name the code passes (a rung's): in ``lang``
        return catalogue(lang).get(f"name.{value}", value)
    return fmt.value(value, spec)


def render(f: Fact, lang: str = "en") -> str:
    """The text of one fact in ``lang``."""
    try:
        template = catalogue(lang)[f.key]
    except KeyError:
        raise KeyError(f"no template {f.key!r} in the {lang} catalogue") from None
    out = _Formatter(lang, f.key).vformat(template, (), dict(f.values))
    return josa.resolve(out) if lang == "ko" else out


def text(key: str, lang: str = "en", **values) -> str:
    """A template rendered directly by key (headings, labels): ``text("heading.terms")``."""
    return render(Fact(key, None, values), lang)
