"""Small Markdown builders shared by the report and the studies, and the escaping of anything
that comes from the user (data names, paths, coin labels, the command line)."""

from __future__ import annotations

import re

# what Markdown or HTML could read as syntax inside a line: emphasis, code, links and images,
# tables, HTML and entities, and our own {fig:NAME} markers (a line never starts with user text)
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>!|~&$])")
# what GitHub's Markdown (GFM) turns into a live link even in escaped text: "scheme://" and
# "www." (its extended autolinks); a backslash before the ":" or the "." stops it
_AUTOLINK = re.compile(r":(?=//)|(?<=www)\.", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*(\*\*)?[-+−]?(\d[\d,]*\.?\d*|\.\d+)(e[-+]?\d+)?%?(\*\*)?\s*$|^\s*n/a\s*$")


def plain(text) -> str:
    """Text that can be written as UTF-8: bytes that were not UTF-8 (a path's surrogate escapes)
    are shown as \\xNN."""
    return str(text).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def escape(text) -> str:
    """User text made inert in Markdown (and so in the HTML rendered from it): every character
    Markdown or HTML could read as syntax is backslash-escaped, and so are the ":" of "://" and
    the "." of "www." (GitHub would link them), line breaks become spaces."""
    flat = " ".join(plain(text).split())
    return _AUTOLINK.sub(lambda m: "\\" + m.group(), _SPECIAL.sub(r"\\\1", flat))


def code_block(text: str) -> str:
    """A fenced code block holding ``text`` literally, its fence longer than any run of
    backticks inside."""
    longest = max((len(m.group()) for m in re.finditer(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}\n"


def table(header, rows) -> str:
    """A pipe table; every cell is turned into text with ``str``. Columns whose cells are all
    numbers are right-aligned, the others left-aligned."""
    cells = [[str(c) for c in row] for row in rows]
    numeric = [bool(cells) and all(_NUMBER.match(row[j]) or not row[j].strip() for row in cells)
               for j in range(len(header))]
    align = ["---:" if num else ":---" for num in numeric]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines) + "\n"


def embed(name: str, file: str, caption: str, word: str = "Figure") -> str:
    """A figure with its caption; its number is given when the report is assembled (the order
    of first mention), and any sentence can refer to it as ``{fig:NAME}``. ``word``: "Figure"
    in the report's language (the catalogue's ``figure.word``)."""
    label = f"{word} {{fig:{name}}}. {caption}"
    return f"![{label}](figures/{file})\n\n*{label}*\n"


def number_figures(md: str) -> str:
    """Replace every ``{fig:NAME}`` by the figure's number, in order of first appearance."""
    import re

    order = {}
    for m in re.finditer(r"\{fig:([a-z_0-9]+)\}", md):
        order.setdefault(m.group(1), len(order) + 1)
    return re.sub(r"\{fig:([a-z_0-9]+)\}", lambda m: str(order[m.group(1)]), md)
