"""Costs of the model-choice pieces added in issue 22 (wall time, best of 3): the evidence for
K >= 3 (importance sampling; SMC where its weights' tail is too heavy), the Beta-binomial, and
Gibbs run until it mixes. Run: python benchmarks/bench_choice.py"""

import time

from bayes import betabinom
from bayes.evidence import log_evidence, smc_log_evidence
from coindata import load
from compare.options import Options
from compare.rungs import _run_gibbs


def best(f, n=3):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


paper, saxony = load("builtin:do-batzoglou"), load("builtin:saxony")
rows = [
    ("log evidence, K = 3, paper data, fixed weights (importance sampling)",
     lambda: log_evidence(paper.heads, paper.tosses, 3, prior=(2, 2), seed=0)),
    ("log evidence, K = 4, paper data, learned weights (importance sampling)",
     lambda: log_evidence(paper.heads, paper.tosses, 4, weights="learned", prior=(2, 2), seed=0)),
    ("log evidence, K = 3, Saxony, learned weights (falls back to SMC)",
     lambda: log_evidence(saxony.heads, saxony.tosses, 3, weights="learned", prior=(2, 2), seed=0)),
    ("Beta-binomial (ML, evidence, exact LOO), paper data / Saxony",
     lambda: (betabinom.fit(paper.heads, paper.tosses), betabinom.fit(saxony.heads, saxony.tosses))),
    ("Gibbs until it mixes, paper data (mixes in the sweeps asked)",
     lambda: _run_gibbs(paper, Options(), None)),
]
for name, f in rows:
    t, _ = best(f, 1 if "SMC" in name else 3)
    print(f"{name:75s} {t:7.3f} s")
t, g = best(lambda: _run_gibbs(saxony, Options(weights="learned"), None), 1)
print(f"{'Gibbs until it mixes, Saxony (' + str(g.settings['sweeps']) + ' sweeps per chain)':75s} {t:7.3f} s")
