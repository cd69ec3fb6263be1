"""The EM path figure zooms to where the path is (issue 22.8): every point of both paths, and
the known-label point, inside a square window no larger than the padded path needs."""

from types import SimpleNamespace as NS

import numpy as np
import pytest

import em
from coindata import load
from compare.figures import _path_window


@pytest.mark.parametrize("name, widest", [("builtin:do-batzoglou", 0.45), ("builtin:saxony", 0.1)])
def test_the_window_holds_the_path_and_no_more(name, widest):
    d = load(name)
    weights = "learned" if name.endswith("saxony") else "fixed"
    fits = [em.fit(d.heads, d.tosses, weights=weights, init=(0.5, 0.6), restarts=0,
                   max_iter=10_000, prior=prior) for prior in (None, (2.0, 2.0))]
    paths = [np.array([s.theta for s in f.history]) for f in fits]
    known = {"theta": [0.45, 0.80]} if name.endswith("batzoglou") else None
    x, y, zoom = _path_window(NS(known=known), paths)
    assert zoom
    side = x[-1] - x[0]
    assert side == pytest.approx(y[-1] - y[0]) and side <= widest     # square, and tight
    assert 0 < x[0] and x[-1] < 1 and 0 < y[0] and y[-1] < 1
    every = np.concatenate(paths + ([np.array([known["theta"]])] if known else []))
    assert np.all((x[0] < every[:, 0]) & (every[:, 0] < x[-1]))
    assert np.all((y[0] < every[:, 1]) & (every[:, 1] < y[-1]))
