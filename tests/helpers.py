"""Small assertions shared by several test modules."""

import math


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
