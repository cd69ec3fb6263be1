"""The worked example, step by step: the first EM iteration set by set (with the E-step's
arithmetic for one set), the iterations until convergence, the starting points and the EM figures.

Every choice of what to say is made here; the helpers that choose (``e_step_arithmetic``,
``flat_from``, ``starting_points``'s variant) are pure functions of the numbers they are given, so
that a test can call them on hand-made inputs. The coins keep the paper's letters (compare.worked);
the paper's own numbers are quoted (as numbers, in ``PAPER_SAYS``) only on the paper's data.
"""

from __future__ import annotations

import numpy as np

from .. import facts
from ..figure_list import caption
from ..records import Figure, Table, fact

PAPER = {"heads": [5, 9, 8, 4, 7], "tosses": [10] * 5, "init": (0.6, 0.5)}
#: what Do & Batzoglou (2008) print for their example: P(A) for set 1, the heads it credits to
#: coin A, the thetas after one iteration and after ten
PAPER_SAYS = {"share": 0.45, "credited_heads": 2.2, "first": (0.71, 0.58), "tenth": (0.80, 0.52)}


def is_paper(r) -> bool:
    """The paper's data, model and starting values (so that the paper's numbers apply)."""
    return (r.data.heads.tolist() == PAPER["heads"] and r.data.tosses.tolist() == PAPER["tosses"]
            and r.options.components == 2 and r.options.weights == "fixed"
            and tuple(r.options.em_init or ()) == PAPER["init"])


def build(r, first, iters, figs) -> list:
    o = r.options
    coins = first["coins"]
    k = len(coins)
    out = [fact("worked.heading")]
    if k == 1:
        out.append(one_coin(int(r.data.heads.sum()), int(r.data.tosses.sum()), o.prior))
        return out
    out.append(fact("worked.intro", "learned" if o.learned else "fixed",
                    init=[fact("worked.init_value", coin=c, value=v)
                          for c, v in zip(coins, first["init"])]))
    if r.data.n_sets <= 30:
        out.append(first_table(first))
    paper = is_paper(r)
    seq = (r.data.sequences[first["example_set"]]
           if r.data.sequences is not None and first["rows"] == "sets" else None)
    out.append(example(first, seq, r.data.n_sets, o.learned, paper))
    out += iteration_blocks(iters, o.learned, o.tol, paper)
    if r.known is not None:
        kn = r.known
        out.append(fact("worked.known", coins=[
            fact("worked.known_coin", coin=c, heads=h, tosses=n, ratio=h / n)
            for c, h, n in zip(kn["coins"], kn["heads"], kn["tosses"])]))
    out += starting_points(r)
    if "em_path" in figs:
        w = np.asarray(r.ml.weights)
        symmetric = bool(np.allclose(w, w[0]))
        out.append(Figure("em_path", figs["em_path"],
                          fact(caption("em_path"), "symmetric" if symmetric else "weighted",
                               weights=w.tolist())))
    if "objective" in figs:
        out.append(Figure("objective", figs["objective"], fact(caption("objective"))))
    return out


def one_coin(heads: int, tosses: int, prior) -> object:
    """K = 1: nothing hidden, ML and MAP in one step."""
    a, b = prior
    return fact("worked.one_coin", heads=heads, tosses=tosses, ml=heads / tosses,
                map_heads=heads + a - 1, map_tosses=tosses + a + b - 2,
                map=(heads + a - 1) / (tosses + a + b - 2))


def first_table(first) -> Table:
    """The first iteration set by set (or pair by pair), with the credited counts' totals."""
    coins = first["coins"]
    k = len(coins)
    header = [fact("worked.table.set"), fact("worked.table.heads"), fact("worked.table.tails")]
    header += [fact("worked.table.share", coin=c) for c in coins]
    for c in coins:
        header += [fact("worked.table.coin_heads", coin=c), fact("worked.table.coin_tails", coin=c)]
    p, eh, et = (np.asarray(first[x]) for x in ("probability", "expected_heads", "expected_tails"))
    rows = []
    for i in range(len(first["heads"])):
        row = [i + 1, first["heads"][i], first["tails"][i]] + [float(v) for v in p[i]]
        for j in range(k):
            row += [float(eh[i, j]), float(et[i, j])]
        rows.append(row)
    blank = fact("worked.table.blank")
    total = [fact("worked.table.total"), blank, blank] + [blank] * k
    for j in range(k):
        total += [fact("worked.table.bold", value=first["total_heads"][j]),
                  fact("worked.table.bold", value=first["total_tails"][j])]
    rows.append(total)
    return Table(header, rows, ["", "", ""] + [".3f"] * k + [".2f"] * (2 * k))


def e_step_arithmetic(init, heads: int, tails: int, coins, p: float, sequence=None):
    """The E-step for one set as the textbook writes it: the chance that each coin produces the
    set's tosses in their order (the number of orders is the same for every coin and cancels),
    then coin A's share of the total, ``p`` (as the E-step computed it). None where the
    chances underflow or there are not two or three coins."""
    like = [th ** heads * (1 - th) ** tails for th in init]
    if min(like) < 1e-300 or not 2 <= len(coins) <= 3:
        return None
    chances = [fact("worked.chance", theta=th, heads=heads, other=1 - th, tails=tails, chance=v)
               for th, v in zip(init, like)]
    what = (fact("worked.what", "sequence", sequence=sequence) if sequence else
            fact("worked.what", "order"))
    return fact("worked.share", "arithmetic", coin=coins[0], what=what, chance=chances[0],
                others=[fact("worked.other_chance", coin=c, chance=x)
                        for c, x in zip(coins[1:], chances[1:])],
                like=like[0], likes=[fact("worked.like", value=v) for v in like], p=p)


def example(first, sequence, n_sets: int, learned: bool, paper: bool):
    """One set through the first iteration, then the new thetas (and weights)."""
    coins = first["coins"]
    ex = first["example"]
    h, t = first["heads"][ex], first["tails"][ex]
    p = first["probability"][ex][0]
    which = (fact("worked.which", "set", set=ex + 1, heads=h, tails=t) if first["rows"] == "sets"
             else fact("worked.which", "pairs", count=first["count"][ex], heads=h, tails=t))
    share = (e_step_arithmetic(first["init"], h, t, coins, p, sequence)
             or fact("worked.share", "plain", coin=coins[0], p=p))
    updates = [fact("worked.update", coin=c, heads=first["total_heads"][j],
                    tails=first["total_tails"][j], theta=v)
               for j, (c, v) in enumerate(zip(coins, first["new_theta"]))]
    weights = (fact("worked.new_weights", weights=[
        fact("worked.weight_update", coin=c, sets=first["total_sets"][j], n=n_sets, weight=w)
        for j, (c, w) in enumerate(zip(coins, first["new_weights"]))]) if learned else None)
    return fact("worked.example", which=which, share=share, p=p, coin=coins[0], heads=h,
                credited_heads=p * h, credited_tails=p * t,
                paper_share=(fact("worked.paper_share", value=PAPER_SAYS["share"])
                             if paper else None),
                paper_credit=(fact("worked.paper_credit", value=PAPER_SAYS["credited_heads"])
                              if paper else None),
                updates=updates,
                paper_first=(fact("worked.paper_first", a=PAPER_SAYS["first"][0],
                                  b=PAPER_SAYS["first"][1]) if paper else None),
                weights=weights)


def flat_from(objective) -> tuple[int | None, str | None]:
    """From which iteration on the log-likelihood shows no change in six decimals, and whether
    it still rises beyond them ("rising") or not at all ("still"); (None, None) where it changes
    in the shown decimals up to the last row."""
    obj = np.asarray(objective, float)
    shown = np.round(obj, 6)
    start = next((i for i in range(1, len(shown)) if np.all(shown[i:] == shown[i])), None)
    if start is None or start >= len(shown) - 1:
        return None, None
    return start, "rising" if np.any(np.diff(obj[start:]) > 0) else "still"


def iteration_blocks(iters, learned: bool, tol: float, paper: bool) -> list:
    """The iterations table (the first 13 and last 3 rows of a long run), the thetas after ten
    iterations, and where EM stopped."""
    coins = iters["coins"]
    k = len(coins)
    rows_it = iters["rows"]
    show = rows_it if len(rows_it) <= 25 else rows_it[:13] + [None] + rows_it[-3:]
    blank = fact("worked.table.blank")
    cells = []
    for row in show:
        if row is None:
            cells.append([fact("worked.table.ellipsis")]
                         + [blank] * (k * (2 if learned else 1) + 1))
        else:
            cells.append([row["iteration"]] + list(row["theta"])
                         + (list(row["weights"]) if learned else []) + [row["objective"]])
    header = ([fact("worked.table.iteration")] + [fact("worked.table.theta", coin=c) for c in coins]
              + ([fact("worked.table.weight", coin=c) for c in coins] if learned else [])
              + [fact("worked.table.log_likelihood")])
    formats = [""] + [".4f"] * k + ([".4f"] * k if learned else []) + [".6f"]
    out = [fact("worked.repeating"), Table(header, cells, formats)]
    if len(rows_it) > 10:
        # the paper's two decimals beside the paper's numbers; elsewhere the table's four
        out.append(fact("worked.after_ten", thetas=[
            fact("worked.theta_at", coin=c, value=v, digits=2 if paper else 4)
            for c, v in zip(coins, rows_it[10]["theta"])],
            paper=(fact("worked.paper_tenth", a=PAPER_SAYS["tenth"][0], b=PAPER_SAYS["tenth"][1])
                   if paper else None)))
    start, how = flat_from([row["objective"] for row in rows_it])
    out.append(fact("worked.stop", "converged" if iters["converged"] else "stopped",
                    iterations=iters["iterations"],
                    thetas=[fact("worked.theta_at", coin=c, value=v, digits=4)
                            for c, v in zip(coins, rows_it[-1]["theta"])],
                    flat=None if start is None else fact("worked.flat", how, iteration=start),
                    tol=tol))
    return out


def starting_points(r) -> list:
    """A symmetric start, and where the run's starts ended (empty for one coin)."""
    k = r.options.components
    if k < 2:
        return []
    s = facts.starts(r)
    ends = s["ends"]
    best = [e for e in ends if e["best"]]
    others = [e for e in ends if not e["best"]]
    lower = None
    if others:
        lower = fact("worked.starts_lower", ends=[
            fact("worked.start_end", start=e["start"], theta=e["theta"],
                 log_likelihood=e["log_likelihood"]) for e in others[:4]],
            more=fact("worked.starts_more") if len(others) > 4 else None)
    equal = facts.ml_coins_coincide(r)      # the maximum itself has the coins equal
    return [fact("worked.starts", "coincide" if equal else "trap",
                 start=s["symmetric_start"], after=s["symmetric_after_one_step"],
                 pooled=s["pooled"], ml=list(map(float, r.ml.theta)), components=k,
                 starts=len(ends), restarts=r.options.restarts, best=len(best),
                 top=max(e["log_likelihood"] for e in ends), lower=lower)]
