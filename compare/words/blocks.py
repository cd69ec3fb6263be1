"""A section's records (facts and blocks) as Markdown, in one language."""

from __future__ import annotations

from ..markdown import code_block, embed, table
from ..records import Code, Fact, Figure, Table
from . import render as say
from . import show, text


def block(b, lang: str = "en") -> str:
    """One fact or block as Markdown."""
    if isinstance(b, Fact):
        return say(b, lang)
    if isinstance(b, Table):
        formats = b.formats or [""] * len(b.header)
        header = [show(h, "", lang) for h in b.header]
        rows = [[show(c, "", lang) if isinstance(c, Fact) else
                 show(c, formats[j], lang) if formats[j] else str(c)
                 for j, c in enumerate(row)] for row in b.rows]
        return table(header, rows)
    if isinstance(b, Figure):
        return embed(b.name, b.file, say(b.caption, lang), text("figure.word", lang))
    if isinstance(b, Code):
        return code_block(b.text)
    if isinstance(b, str):
        return b
    raise TypeError(f"not a record: {b!r}")


def section(blocks, lang: str = "en") -> str:
    """A section: its blocks, one after the other, joined by newlines (empty facts left out)."""
    return "\n".join(x for x in (block(b, lang) for b in blocks if b is not None))
