"""Run every rung of the ladder (compare.rungs) on one dataset.

``options.check(options, data)`` validates every option without importing PyMC; ``run`` does the
work, stage by stage, and returns a :class:`Run` holding every result and the time each stage
took. Two processes share the work from the start:

    forked child                                  this process
    compile  the PyMC model for this shape        em         EM-ML, EM-MAP, VB (milliseconds)
             (nutpie; cached on disk after        reference  Gibbs, the exact posterior
             the first run on a machine)          (figures   the EM figures, drawn meanwhile)
    sample   NUTS, PyMC's posterior modes         choice     how many coins, once NUTS is back
"""

from __future__ import annotations

import time

import numpy as np

import em
from bayes.pairs import compress

from .options import Options
from .processes import one_thread
from .reference import known_label_fit
from .results import Run, run_stage


#: iterations the plain EM of the worked example may take (its history is kept in memory)
PLAIN_MAX_ITER = 100_000


def data_warnings(data, o: Options) -> list[str]:
    """What makes this dataset degenerate for a K-coin mixture, one line each."""
    pairs = compress(data.heads, data.tosses)
    k, out = o.components, []
    share = data.heads / data.tosses
    if data.n_sets == 1:
        out.append("only one set: it came from one coin, so the data say almost nothing about "
                   "the other coin(s); their posteriors lean on the prior")
    elif pairs.heads.size == 1:
        out.append(f"all {data.n_sets} sets are identical ({data.heads[0]} heads of "
                   f"{data.tosses[0]}): nothing tells the coins apart")
    if k > pairs.heads.size and pairs.heads.size > 1:
        out.append(f"{k} coins but only {pairs.heads.size} distinct (heads, tosses) pairs: the "
                   "data cannot identify every coin")
    short = data.tosses < 2 * k - 1
    if k > 1 and short.any():
        sizes = sorted(set(data.tosses[short].tolist()))
        shown = ", ".join(map(str, sizes[:5])) + (", ..." if len(sizes) > 5 else "")
        out.append(f"{int(short.sum())} of the {data.n_sets} sets have fewer than 2K - 1 = "
                   f"{2 * k - 1} tosses ({shown}): a set of n tosses sees only the first n moments "
                   "of the coins' mix (one toss: only the average heads rate), so such sets cannot "
                   f"tell {k} coins apart (Teicher 1963); the coins are told apart by the longer "
                   "sets alone")
    if np.all(share == 1) or np.all(share == 0):
        side = "heads" if share[0] == 1 else "tails"
        out.append(f"every toss is {side}: maximum likelihood puts the coins at "
                   f"{1 if side == 'heads' else 0} (the boundary), where it has no standard error "
                   "and no Wald interval; only the prior keeps MAP and the posterior inside (0, 1)")
    return out


def run(data, options: Options, log=None, bootstrap_lrt: int = 0, say=None,
        while_sampling=None, posterior=None) -> Run:
    """Every rung on ``data``, then the model choice (K - 1, K, K + 1 coins; a parametric
    bootstrap of the likelihood ratio with ``bootstrap_lrt`` replicates).

    The PyMC part (compile, NUTS, the posterior modes) starts first, in a forked process, so
    that it overlaps everything else on a second core: the EM rungs, the reference rungs (Gibbs,
    the exact posterior) and ``while_sampling(run)`` (the report draws its EM figures there).
    ``log(stage, seconds)`` is called after each stage, ``say(stage, text)`` before one that
    can take more than a second.
    ``posterior``: the PyMC part already started (compare.posterior.start), else started here.
    """
    o = options
    r = Run(data=data, options=o)
    log = log or (lambda stage, seconds: None)
    say = say or (lambda stage, text: None)
    if posterior is None:
        from .posterior import start

        posterior = start(data, o, log, say)
    try:
        t0 = time.perf_counter()
        run_stage(r, "em")
        single = dict(o.em_options(), restarts=0)
        for key, prior in (("ml", None), ("map", o.prior)):
            # plain EM crawls on real data (Saxony: about 3,800 iterations, 0.3 s): let it
            # converge, so that the worked example ends where EM does
            r.plain[key] = em.fit(data.heads, data.tosses, prior=prior, accelerate="none",
                                  **dict(single, max_iter=max(o.max_iter, PLAIN_MAX_ITER)))
            r.squarem[key] = em.fit(data.heads, data.tosses, prior=prior, accelerate="squarem",
                                    **single)
        r.known = known_label_fit(data)
        r.notes.extend(data_warnings(data, o))
        _stage(r, log, "em", t0)

        say("reference", _reference_plan(o))
        t0 = time.perf_counter()
        with one_thread():
            run_stage(r, "reference")
        _stage(r, log, "reference", t0)
        if while_sampling is not None:
            while_sampling(r)

        t0 = time.perf_counter()
        found, flat_mode, timings, r.versions = posterior.result()
        r.timings["posterior_wait"] = time.perf_counter() - t0
    except BaseException:          # Ctrl-C or a failure: do not leave the worker behind
        posterior.kill()
        raise
    r.results.update(found)
    r.flat_mode = flat_mode
    r.timings.update(timings)
    if r.exact is None:
        r.notes.append(f"no exact posterior for K = {o.components} (the grid covers K = 2, the "
                       "closed form K = 1): NUTS and Gibbs are compared with each other only")

    if bootstrap_lrt:
        say("choice", f"how many coins: {bootstrap_lrt} bootstrap replicates of the likelihood "
                      "ratio, each fitted by EM")
    t0 = time.perf_counter()
    from .choice import model_choice

    r.choice = model_choice(data, o, r, bootstrap_lrt=bootstrap_lrt)
    _stage(r, log, "choice", t0)
    return r


def _reference_plan(o: Options) -> str:
    """What the reference stage runs, for the line announcing it."""
    parts = [f"Gibbs sampler, {o.chains} {'chain' if o.chains == 1 else 'chains'} x "
             f"({o.tune} warm-up + {o.draws} draws)"]
    if o.components == 2:
        parts.append("the exact posterior on a grid")
    elif o.components == 1:
        parts.append("the exact (conjugate) posterior")
    return ", ".join(parts)


def _stage(r, log, name, t0):
    r.timings[name] = time.perf_counter() - t0
    log(name, r.timings[name])
