"""Small Markdown builders shared by the report and the studies."""

from __future__ import annotations


def table(header, rows) -> str:
    """A pipe table; every cell is turned into text with ``str``."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def embed(name: str, file: str, caption: str) -> str:
    """A figure with its caption; its number is given when the report is assembled (the order
    of first mention), and any sentence can refer to it as ``{fig:NAME}``."""
    label = f"Figure {{fig:{name}}}. {caption}"
    return f"![{label}](figures/{file})\n\n*{label}*\n"


def number_figures(md: str) -> str:
    """Replace every ``{fig:NAME}`` by the figure's number, in order of first appearance."""
    import re

    order = {}
    for m in re.finditer(r"\{fig:([a-z_0-9]+)\}", md):
        order.setdefault(m.group(1), len(order) + 1)
    return re.sub(r"\{fig:([a-z_0-9]+)\}", lambda m: str(order[m.group(1)]), md)
