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


def panels(n: int, height: float = PANEL, **kwargs):
    """A figure of ``n`` panels stacked vertically; returns (fig, list of axes)."""
    fig, axes = plt.subplots(n, 1, figsize=(WIDTH, height * n), squeeze=False, **kwargs)
    return fig, list(axes[:, 0])


def save(fig, path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(fig)
