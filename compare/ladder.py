"""The ladder table: every rung's centre, sd and interval for each parameter, and its sd
relative to the exact posterior sd. One row per (parameter, coin, rung), rungs in ladder order."""

from __future__ import annotations

import numpy as np

from .rungs import RUNGS


def rows(r) -> list[dict]:
    o = r.options
    est = r.estimates()
    params = ["theta"] + (["weights"] if o.learned else [])
    out = []
    for param in params:
        for i in range(o.components):
            exact_sd = None
            if r.exact is not None and param in r.exact:
                exact_sd = r.exact[param]["sd"][i]
            for rung in RUNGS:
                e = est.get(rung.key, {}).get(param)
                if e is None:
                    continue
                e = e[i]
                ratio = None if (e.sd is None or not exact_sd) else e.sd / exact_sd
                out.append({"method": rung.label, "parameter": f"{param}[{i}]",
                            "mean": _f(e.centre), "sd": _f(e.sd), "low": _f(e.low),
                            "high": _f(e.high), "interval": e.interval, "sd_ratio": _f(ratio)})
    return out


def _f(x):
    return None if x is None or not np.isfinite(x) else float(x)
