"""One look for every figure: a single column that stays legible from a phone to a desktop.

Figures are at most WIDTH inches wide (616 px at DPI 110, shown at that size on a desktop page
and at about 60% on a 400 px phone screen), with 12-point text; several panels stack vertically
instead of side by side, so a phone shrinks nothing more than a single panel.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

WIDTH = 5.6
PANEL = 3.3           # height of one panel, inches
DPI = 110
#: colours of what is not a rung of the ladder (a rung's colour is its own: compare.rungs)
OTHER_COLORS = {"mean": "#2ca02c", "known": "#8c564b"}


def _colors() -> dict:
    from .rungs import RUNGS

    return {**{x.key: x.style["color"] for x in RUNGS if "color" in x.style}, **OTHER_COLORS}


#: every figure's colours by what they show: each rung's from its registry entry, then the rest
COLORS = _colors()

plt.rcParams.update({"font.size": 12, "axes.titlesize": 12, "axes.labelsize": 12,
                     "xtick.labelsize": 11, "ytick.labelsize": 11, "axes.grid": True,
                     "grid.alpha": 0.25, "legend.fontsize": 10, "figure.dpi": DPI})


#: the font family that writes each language's words, before the default one (None: the default)
_FONTS = {"ko": "NanumGothic"}


def _font_file(lang: str):
    """The font file for ``lang``: NanumGothic (SIL Open Font License) as koreanize-matplotlib
    ships it, for Korean."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or spec.origin is None:
        raise RuntimeError("the Korean figures need the koreanize-matplotlib package "
                           "(pip install koreanize-matplotlib): its NanumGothic font")
    return Path(spec.origin).parent / "fonts" / "NanumGothic.ttf"


_registered: dict[str, str] = {}


def font(lang: str = "en"):
    """A context in which figures write ``lang``'s words: for Korean, NanumGothic first (its font
    file registered with matplotlib once, by path), then the default family for what it lacks.
    English keeps matplotlib's own settings: nothing global is changed."""
    from contextlib import nullcontext

    if lang not in _FONTS:
        return nullcontext()
    if lang not in _registered:
        from matplotlib import font_manager

        path = _font_file(lang)
        font_manager.fontManager.addfont(str(path))
        _registered[lang] = font_manager.FontProperties(fname=str(path)).get_name()
    family = [_registered[lang], *plt.rcParams["font.family"]]
    if "DejaVu Sans" not in family:
        family.append("DejaVu Sans")
    # NanumGothic has no U+2212 MINUS SIGN, and mathtext (log-scale ticks) takes it from the
    # first family: an ASCII hyphen-minus instead, as many Korean textbooks print
    return plt.rc_context({"font.family": family, "axes.unicode_minus": False})


def panels(n: int, height: float = PANEL, **kwargs):
    """A figure of ``n`` panels stacked vertically; returns (fig, list of axes)."""
    fig, axes = plt.subplots(n, 1, figsize=(WIDTH, height * n), squeeze=False, **kwargs)
    return fig, list(axes[:, 0])


def save(fig, path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(fig)
