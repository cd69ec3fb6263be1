"""How every number in the report is written: decimals, signs, "n/a", lists, distances in sds.

One module for every language: a template names a format after the colon of a placeholder
(``{theta:vec4}``, ``{shift:signed}``, ``{sd:f4}``); anything not named here is Python's own
format spec (``{share:.1%}``). Where a format must not print "-0.00" or "0.00" for a value that is
not zero, the rule is written here once.
"""

from __future__ import annotations

import math


def na(fn):
    """A formatter that writes None as "n/a"."""
    def wrapped(x):
        return "n/a" if x is None else fn(x)
    return wrapped


def signed(x: float) -> str:
    """A signed shift: four decimals, or two significant digits when smaller than that shows."""
    return f"{x:+.4f}" if x == 0 or abs(x) >= 5e-5 else f"{x:+.1e}"


def signed_digits(x: float, digits: int = 4) -> str:
    """+0.0123; a value that rounds to zero in ``digits`` decimals in two significant digits
    (+3.2e-06), and never "-0.00"."""
    if x == 0:
        return f"{0:.{digits}f}"
    return f"{x:+.{digits}f}" if abs(x) >= 0.5 * 10 ** -digits else f"{x:+.1e}"


def corr(x: float) -> str:
    """A signed number to two decimals (a correlation, a skewness), never "-0.00"."""
    return "0.00" if abs(x) < 0.005 else f"{x:+.2f}"


def fixed2(x: float) -> str:
    """Two decimals, never "-0.00"."""
    return "0.00" if abs(x) < 0.005 else f"{x:.2f}"


def sds(x: float) -> str:
    """A distance in posterior sds: two decimals, "< 0.01" below that."""
    return "< 0.01" if abs(x) < 0.005 else f"{x:.2f}"


def skew1(x: float) -> str:
    """A skewness from draws, to one decimal (uncertain by about sqrt(6 / ESS) ~ 0.1)."""
    return "0.0" if abs(x) < 0.05 else f"{x:+.1f}"


def odds(log_bf: float) -> str:
    """exp(log_bf) to three significant digits, or "about 10^33" when too large to write out."""
    if abs(log_bf) >= 20:
        return f"about 10^{log_bf / math.log(10):.0f}"
    return f"{math.exp(log_bf):.3g}"


def rough_odds(log_bf: float) -> str:
    """The same for a BIC approximation: two significant digits, "about 9.1"."""
    if abs(log_bf) >= 20:
        return f"about 10^{log_bf / math.log(10):.0f}"
    return f"about {math.exp(log_bf):.2g}"


def odds_ko(log_bf: float) -> str:
    """:func:`odds` in Korean: "약 10^33" when too large to write out."""
    if abs(log_bf) >= 20:
        return f"약 10^{log_bf / math.log(10):.0f}"
    return f"{math.exp(log_bf):.3g}"


def rough_odds_ko(log_bf: float) -> str:
    """:func:`rough_odds` in Korean: "약 9.1"."""
    if abs(log_bf) >= 20:
        return f"약 10^{log_bf / math.log(10):.0f}"
    return f"약 {math.exp(log_bf):.2g}"


def short(v: float) -> str:
    """A probability in the E-step's arithmetic: up to ten decimals, or four significant digits
    in scientific notation when smaller than 10^-4."""
    return f"{v:.10f}".rstrip("0") if v >= 1e-4 else f"{v:.4e}"


def interval3(pair) -> str:
    """[low, high] to three decimals, or "n/a"."""
    low, high = pair
    return "n/a" if low is None else f"[{low:.3f}, {high:.3f}]"


#: the named formats; "vecX" joins a list with ", " in format X
FORMATS = {
    "f2": na(lambda x: f"{x:.2f}"), "f3": na(lambda x: f"{x:.3f}"),
    "f4": na(lambda x: f"{x:.4f}"), "f6": na(lambda x: f"{x:.6f}"),
    "signed": signed, "signed4": signed_digits, "corr": corr, "fixed2": fixed2, "sds": sds,
    "skew1": skew1, "odds": odds, "rough_odds": rough_odds,
    "odds_ko": odds_ko, "rough_odds_ko": rough_odds_ko, "short": short,
    "interval3": interval3, "g": lambda x: f"{x:g}", "int": lambda x: f"{int(x)}",
    "f0": na(lambda x: f"{x:.0f}"), "signed2": lambda x: signed_digits(x, 2),
}


def value(x, spec: str) -> str:
    """``x`` written in the format ``spec``: a named format, "vec:SPEC" / "vecN" for a list, or a
    Python format spec."""
    if spec in FORMATS:
        return FORMATS[spec](x)
    if spec.startswith("vec"):
        digits = spec[3:] or "4"
        inner = spec[4:] if spec.startswith("vec:") else (
            f"f{digits}" if f"f{digits}" in FORMATS else f".{digits}f")
        return ", ".join(value(v, inner) for v in x)
    if x is None:
        return "n/a"
    return format(x, spec)
