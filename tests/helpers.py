"""Small assertions shared by several test modules."""

import math

import numpy as np
from hypothesis import strategies as st


def assert_nan_free(obj, path="summary"):
    """Every float in a JSON-like tree is finite (summary.json promises no NaN)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            assert_nan_free(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            assert_nan_free(v, f"{path}[{i}]")
    elif isinstance(obj, float):
        assert math.isfinite(obj), path


@st.composite
def datasets(draw):
    """Small random datasets: 1-8 sets of 1-15 tosses, any number of heads."""
    n_sets = draw(st.integers(1, 8))
    tosses = draw(st.lists(st.integers(1, 15), min_size=n_sets, max_size=n_sets))
    heads = [draw(st.integers(0, t)) for t in tosses]
    return np.array(heads), np.array(tosses)
