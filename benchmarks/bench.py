"""Speed of coinmix on this machine: prints a markdown table (paste it into the README).

    .venv/bin/python benchmarks/bench.py            # everything (~3 min, most of it the cold compile)
    .venv/bin/python benchmarks/bench.py --no-cold  # skip the cold-compile measurement

Each figure is the best of a few repeats (wall time), except the compile (one run in a fresh
process) and ``python -m compare`` end to end (the median of --runs warm runs, and one cold run
with empty PyTensor and numba caches). Not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.special import logsumexp, xlog1py, xlogy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bayes  # noqa: E402
import em  # noqa: E402
from coindata import load  # noqa: E402


def best(fn, repeats=3):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def data(n_sets, k, seed=0):
    rng = np.random.default_rng(seed)
    theta = np.linspace(0.3, 0.75, k)
    z = rng.integers(0, k, n_sets)
    tosses = rng.integers(5, 16, n_sets)
    return rng.binomial(tosses, theta[z]), tosses


def naive_em(h, n, k, iterations=50):
    """Plain per-set NumPy EM (no compression): the baseline the compressed engine beats."""
    theta = np.linspace(0.3, 0.7, k)
    t = n - h
    for _ in range(iterations):
        lj = xlogy(h[:, None], theta) + xlog1py(t[:, None], -theta)
        r = np.exp(lj - logsumexp(lj, axis=1, keepdims=True))
        theta = (r * h[:, None]).sum(0) / (r * n[:, None]).sum(0)
    return theta


def subprocess_seconds(code, env=None):
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True)
    return time.perf_counter() - t0, out.stdout.strip()


def end_to_end(out, extra=(), env=None):
    """One ``python -m compare`` run: its wall time and the (stage, seconds) lines of stderr (a
    stage can appear twice, as figures does: the sum is kept)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "compare", "--out", out, *extra], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    found = {}
    for line in proc.stderr.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "s":
            found[parts[0]] = found.get(parts[0], 0.0) + float(parts[1])
    return wall, list(found.items())


COMPILE = ("import time; t=time.perf_counter(); from bayes.pairs import compress; "
           "from bayes.model import compiled_mixture; "
           "compiled_mixture(compress([5,9,8,4,7],[10]*5), 2, False); "
           "print(round(time.perf_counter()-t, 2))")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-cold", action="store_true")
    ap.add_argument("--runs", type=int, default=5, help="warm end-to-end runs (median)")
    args = ap.parse_args()
    rows = []

    def row(what, seconds, note=""):
        rows.append((what, f"{seconds:.3f} s" if isinstance(seconds, float) else seconds, note))
        print(f"{what:<60} {rows[-1][1]:>10} {note}", file=sys.stderr)

    for k in (2, 3):
        for exp in (3, 4, 5, 6, 7):
            h, n = data(10**exp, k)
            row(f"EM (ML) fit, K = {k}, 10^{exp} sets, compressed",
                best(lambda: em.fit(h, n, components=k, restarts=0, accelerate="squarem"), 1 if exp == 7 else 3),
                "to convergence (tol 1e-12)")
            if exp <= 5:
                row(f"EM (ML), K = {k}, 10^{exp} sets, uncompressed NumPy, 50 iterations",
                    best(lambda: naive_em(h, n, k), 1))
    h, n = data(10**6, 2)
    row("VB, K = 2, 10^6 sets", best(lambda: em.vb(h, n, restarts=0, accelerate="squarem")))
    row("EM (ML), K = 2, 10^6 sets, defaults (SQUAREM, 20 restarts, standard errors)",
        best(lambda: em.fit(h, n, accelerate="squarem")))

    sax = load("builtin:saxony")
    for k in (2, 3):
        fit = em.fit(sax.heads, sax.tosses, components=k, weights="learned", restarts=20,
                     accelerate="squarem")
        row(f"EM (ML), Saxony (6,115 families), K = {k}, learned weights, 20 restarts",
            best(lambda: em.fit(sax.heads, sax.tosses, components=k, weights="learned",
                                restarts=20, accelerate="squarem")),
            f"log-likelihood {fit.log_likelihood:.6f}")
    kw = dict(components=2, weights="learned", init=[0.45, 0.65], restarts=0, max_iter=100000)
    t0 = time.perf_counter()
    plain = em.fit(sax.heads, sax.tosses, accelerate="none", **kw)
    t_plain = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast = em.fit(sax.heads, sax.tosses, accelerate="squarem", **kw)
    t_fast = time.perf_counter() - t0
    row("Saxony K = 2 from one start: plain EM vs SQUAREM",
        f"{t_plain:.3f} s vs {t_fast:.3f} s",
        f"{plain.iterations} vs {fast.iterations} iterations")

    paper = (np.array([5, 9, 8, 4, 7]), np.full(5, 10))
    hb, nb = data(10**5, 2)
    opts = dict(draws=2000, tune=1000, chains=4, seed=1)
    row("Gibbs, 4 chains x (1000 + 2000), paper's 5 sets",
        best(lambda: bayes.sample_draws(*paper, sampler="gibbs", **opts)))
    row("Gibbs, 4 chains x (1000 + 2000), 10^5 sets",
        best(lambda: bayes.sample_draws(hb, nb, sampler="gibbs", **opts)))

    t0 = time.perf_counter()
    bayes.sample_draws(*paper, draws=10, tune=10)
    row("nutpie compile in this process (cache warm) + first tiny fit", time.perf_counter() - t0)
    nuts = dict(draws=2500, tune=1000, chains=4, seed=1, cores=2)
    row("NUTS, 4 chains x (1000 + 2500), paper's 5 sets (compiled)",
        best(lambda: bayes.sample_draws(*paper, **nuts)))
    row("NUTS, 4 chains x (1000 + 2500), 10^5 sets, 5-15 tosses (compiled)",
        best(lambda: bayes.sample_draws(hb, nb, **nuts)), f"{len(set(zip(hb, nb)))} distinct pairs")
    rng = np.random.default_rng(3)
    n10 = np.full(10**5, 10)
    h10 = rng.binomial(n10, np.where(rng.random(10**5) < 0.5, 0.52, 0.80))
    row("NUTS, 4 chains x (1000 + 2500), 10^5 sets of 10 tosses (compiled)",
        best(lambda: bayes.sample_draws(h10, n10, **nuts)), f"{len(set(zip(h10, n10)))} distinct pairs")

    warm, out = subprocess_seconds(COMPILE)
    row("compile in a new process, warm disk cache", float(out), f"(process {warm:.1f} s)")
    if not args.no_cold:
        with tempfile.TemporaryDirectory() as cold:
            env = dict(os.environ, PYTENSOR_FLAGS=f"base_compiledir={cold}/pt",
                       NUMBA_CACHE_DIR=f"{cold}/nb")
            seconds, out = subprocess_seconds(COMPILE, env)
        row("compile in a new process, cold (empty caches)", float(out), f"(process {seconds:.1f} s)")

    # the whole command, as a user runs it: median of several warm runs, with the stage lines
    # it prints on stderr; then one cold run (empty PyTensor and numba caches)
    walls, stages = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            wall, lines = end_to_end(f"{tmp}/rep", ["--force"] if i else [])
            walls.append(wall)
            for stage, seconds in lines:
                stages.setdefault(stage, []).append(seconds)
        row(f"python -m compare, defaults, end to end, warm (median of {args.runs})",
            float(np.median(walls)), f"min {min(walls):.2f} s, max {max(walls):.2f} s")
        row("  its stages (median; compile and sample run beside em, reference and figures)",
            "; ".join(f"{k} {np.median(v):.2f} s" for k, v in stages.items() if k != "total"))
        if not args.no_cold:
            with tempfile.TemporaryDirectory() as cold:
                env = dict(os.environ, PYTENSOR_FLAGS=f"base_compiledir={cold}/pt",
                           NUMBA_CACHE_DIR=f"{cold}/nb")
                wall, lines = end_to_end(f"{tmp}/rep", ["--force"], env)
            row("python -m compare, defaults, end to end, cold (empty caches)", wall,
                "; ".join(f"{k} {v:.1f} s" for k, v in lines if k in ("compile", "sample")))

    print("| what | time | note |\n| --- | --- | --- |")
    for what, t, note in rows:
        print(f"| {what} | {t} | {note} |")


if __name__ == "__main__":
    main()
