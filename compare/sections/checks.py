"""The software checks and the findings, as tables and lists."""

from __future__ import annotations

from ..records import Table, fact


def title(c):
    """A check's title as its record (said in the report's language), or its text."""
    return getattr(c, "title", None) or c["check"]


def explanation(c) -> list:
    """A check's explanation as its records, said one after the other (``{explanation:cat}``)."""
    parts = getattr(c, "explanation", None)
    if parts is None:
        return [c["explanation"]]
    return [p for p in parts if p is not None]


def build(agreement) -> list:
    soft = [c for c in agreement if c["kind"] == "software"]
    find = [c for c in agreement if c["kind"] == "finding"]
    rows = [[title(c), c["difference"], c["tolerance"],
             fact("checks_section.status", c["status"].replace(" ", "_"))] for c in soft]
    header = [fact(f"checks_section.header.{h}")
              for h in ("check", "difference", "tolerance", "verdict")]
    out = [fact("checks_section.heading_software"), Table(header, rows, ["", ".2g", ".2g", ""])]
    out += [fact("checks_section.item", check=title(c), explanation=explanation(c))
            for c in soft]
    out += ["", fact("checks_section.heading_findings")]
    out += [fact("checks_section.item", check=title(c), explanation=explanation(c))
            for c in find]
    out.append("")
    return out
