"""``python -m em``: fit the coin mixture by EM (ML, or MAP with --prior) or by VB (--vb).

The engine (em.fit, em.vb) imports nothing of ours; this front end uses coindata, the data
formats and the one-line error convention that the three front ends share.
"""

from __future__ import annotations

import sys

from coindata.cli import (Parser, add_model_args, dumps, fail, finite_json, int_between,
                          load_data, nonneg_float, probabilities, write_stdout)

#: plain EM taking more iterations than this is "slow": the output says what SQUAREM needs
SLOW_PLAIN = 300


def build_parser() -> Parser:
    p = Parser(prog="python -m em",
               description="EM for a mixture of K coins: maximum likelihood, or MAP with --prior; "
                           "--vb for variational Bayes. Exit 0 on success, 2 on bad input.")
    add_model_args(p)
    p.add_argument("--init", type=probabilities, metavar="P1,...,PK",
                   help="starting thetas, distinct, in (0, 1) (default: spread over the data)")
    p.add_argument("--max-iter", type=int_between(0, 10**6), default=10_000, metavar="N",
                   help="iteration cap per start, at most 10^6 (every iteration is kept in the "
                        "history) (default: %(default)s)")
    p.add_argument("--tol", type=nonneg_float, default=1e-12, metavar="T",
                   help="stop when Aitken's estimate of the objective still to gain is below "
                        "T x max(1, |objective|) twice in a row; 0 never stops early "
                        "(default: %(default)s)")
    p.add_argument("--restarts", type=int_between(0, 10_000), default=4, metavar="R",
                   help="extra random starts besides --init; every start climbs 20 iterations, "
                        "then the highest climbs on to convergence; 0 uses only --init; at most "
                        "10000, and (R + 1) x distinct (heads, tosses) pairs x K at most 10^8 "
                        "(the starts climb side by side in memory) (default: %(default)s)")
    p.add_argument("--accelerate", choices=("squarem", "none"), default="none",
                   help="none: plain EM, one E- and M-step per iteration, as in the paper "
                        "(--init 0.6,0.5 --restarts 0 --max-iter 1 shows its 0.71 / 0.58); "
                        "squarem: SQUAREM extrapolation, monotone, the same optimum in far fewer "
                        "E-steps (an iteration is then one SQUAREM cycle); when plain EM takes "
                        f"more than {SLOW_PLAIN} iterations, the output says how many SQUAREM "
                        "cycles the same fit needs (default: %(default)s)")
    p.add_argument("--vb", action="store_true", help="variational Bayes instead of EM "
                   "(prior default Beta(1, 1))")
    p.add_argument("--json", action="store_true",
                   help="print the fit object as JSON; a number that is not finite (such as a "
                        "log-likelihood of -inf) is written as null and listed, with its value, "
                        "under \"non_finite\"")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    prog = "python -m em"
    data = load_data(prog, args.data)
    import em
    from em.options import MAX_START_CELLS, OptionError, check_budget, check_identifiable

    options = dict(components=args.components, weights=args.weights, dirichlet=args.dirichlet,
                   init=args.init, max_iter=args.max_iter, tol=args.tol,
                   restarts=args.restarts, seed=args.seed, accelerate=args.accelerate)
    try:
        # the coins first: a --components too large for the data is not --restarts' fault
        check_identifiable(args.components, int(data.tosses.max()))
        if (args.restarts + 1) * data.n_sets * args.components > MAX_START_CELLS:
            from em.pairs import compress       # only then can the distinct pairs be too many

            check_budget(args.restarts, args.components,
                         compress(data.heads, data.tosses).heads.size)
        if args.vb:
            result = em.vb(data.heads, data.tosses, prior=args.prior or (1.0, 1.0), **options)
        else:
            result = em.fit(data.heads, data.tosses, prior=args.prior, **options)
        squarem = None
        if args.accelerate == "none" and getattr(result, "iterations", 0) > SLOW_PLAIN:
            fit = em.vb if args.vb else em.fit
            prior = (args.prior or (1.0, 1.0)) if args.vb else args.prior
            fast = fit(data.heads, data.tosses, prior=prior, **dict(options, accelerate="squarem"))
            squarem = {"iterations": fast.iterations, "e_steps": fast.e_steps,
                       "converged": fast.converged}
    except OptionError as exc:
        fail(prog, str(exc))
    except ValueError as exc:
        fail(prog, f"{data.source}: {exc}")
    if squarem is not None:
        print(f"{prog}: note: plain EM took {result.iterations} iterations; SQUAREM reaches the "
              f"same fit in {squarem['iterations']} cycles ({squarem['e_steps']} E-steps): "
              "--accelerate squarem", file=sys.stderr)
    if args.json:
        out, non_finite = finite_json(result.to_dict())
        if non_finite:
            out["non_finite"] = non_finite
        if squarem is not None:
            out["squarem"] = squarem
        write_stdout(dumps(out) + "\n", prog)
        return 0
    write_stdout(describe(data, result, args.vb) + "\n", prog)
    return 0


def describe(data, r, vb: bool) -> str:
    k = len(r.weights)
    lines = [f"{data.name}: {data.n_sets} sets, {int(data.tosses.sum())} tosses, K = {k}"]
    if vb:
        lines.append(f"variational Bayes, ELBO {r.elbo:.6f}, {_steps(r)}, "
                     f"{'converged' if r.converged else 'NOT converged'}")
        for i in range(k):
            lines.append(f"  coin {i}: q(theta) = Beta({r.theta_alpha[i]:.4f}, {r.theta_beta[i]:.4f}),"
                         f" mean {r.theta_mean[i]:.4f}, sd {r.theta_sd[i]:.4f}, weight {r.weights[i]:.4f}")
    else:
        kind = "maximum likelihood" if r.method == "ml" else "MAP"
        obj = "log-likelihood" if r.method == "ml" else "log-posterior"
        lines.append(f"EM, {kind}: {obj} {r.objective:.6f}, {_steps(r)}, "
                     f"{'converged' if r.converged else 'NOT converged'}")
        for i in range(k):
            se = r.std_error["theta"][i]
            se_txt = "n/a" if se is None else f"{se:.4f}"
            lines.append(f"  coin {i}: theta {r.theta[i]:.4f} (se {se_txt}), weight {r.weights[i]:.4f}")
    lines += [f"warning: {w}" for w in r.warnings]
    return "\n".join(lines)


def _steps(r) -> str:
    if r.accelerate == "squarem":
        return f"{r.iterations} SQUAREM cycles ({r.e_steps} E-steps)"
    return f"{r.iterations} iteration{'' if r.iterations == 1 else 's'}"


if __name__ == "__main__":
    sys.exit(main())
