"""The software checks and the findings, as tables and lists."""

from __future__ import annotations

from ..records import Table, fact


def build(agreement) -> list:
    soft = [c for c in agreement if c["kind"] == "software"]
    find = [c for c in agreement if c["kind"] == "finding"]
    rows = [[c["check"], c["difference"], c["tolerance"],
             fact("checks_section.status", c["status"].replace(" ", "_"))] for c in soft]
    header = [fact(f"checks_section.header.{h}")
              for h in ("check", "difference", "tolerance", "verdict")]
    out = [fact("checks_section.heading_software"), Table(header, rows, ["", ".2g", ".2g", ""])]
    out += [fact("checks_section.item", check=c["check"], explanation=c["explanation"])
            for c in soft]
    out += ["", fact("checks_section.heading_findings")]
    out += [fact("checks_section.item", check=c["check"], explanation=c["explanation"])
            for c in find]
    out.append("")
    return out
