"""A small HTML table for a fit shown in Jupyter (``_repr_html_`` of EMResult and VBResult;
bayes has its own: the engines share no code)."""

from __future__ import annotations

import html
import math


def number(x, digits: int = 4) -> str:
    """``x`` to ``digits`` decimals; "n/a" where it is undefined (None, NaN, infinite)."""
    if x is None or not math.isfinite(float(x)):
        return "n/a"
    return f"{float(x):.{digits}f}"


def table(title: str, columns, rows, notes=()) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(str(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    foot = "".join(f"<div>{esc(n)}</div>" for n in notes)
    return (f"<div><strong>{esc(title)}</strong><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{foot}</div>")
