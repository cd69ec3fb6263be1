"""``python -m bayes``: the posterior of the coin mixture, by NUTS (PyMC + nutpie) or Gibbs.

Every flag and the data are checked before PyMC is imported, so bad input fails at once. Like
``python -m em``, this front end uses coindata (the data formats and the one-line error
convention the three front ends share); the engine itself imports nothing of ours.
"""

from __future__ import annotations

import sys

from coindata.cli import (Parser, add_model_args, dumps, fail, finite_json, int_between,
                          load_data, nonempty, probabilities, unit_interval, write_stdout)


def build_parser() -> Parser:
    p = Parser(prog="python -m bayes",
               description="Posterior of a mixture of K coins (Beta priors, ordered thetas), by "
                           "NUTS on the marginalised PyMC model or by Gibbs sampling. "
                           "Exit 0 on success, 2 on bad input.")
    add_model_args(p, default_prior=(2.0, 2.0))
    p.add_argument("--draws", type=int_between(10, 10**6), default=2500, metavar="N",
                   help="draws per chain after warm-up, 10 to 10^6 (R-hat and ESS need draws), "
                        "and chains x draws at most 4 x 10^6 (default: %(default)s)")
    p.add_argument("--tune", type=int_between(10, 10**6), default=1000, metavar="N",
                   help="warm-up draws per chain, 10 to 10^6 (default: %(default)s)")
    p.add_argument("--chains", type=int_between(1, 64), default=4, metavar="N",
                   help="chains, 1 to 64 (with one chain R-hat is not computed) "
                        "(default: %(default)s)")
    p.add_argument("--target-accept", type=unit_interval, default=0.98, metavar="P",
                   help="NUTS target acceptance rate (default: %(default)s)")
    p.add_argument("--sampler", choices=("nuts", "gibbs"), default="nuts",
                   help="nuts: PyMC model sampled by nutpie; gibbs: data augmentation "
                        "(default: %(default)s)")
    p.add_argument("--init", type=probabilities, metavar="P1,...,PK",
                   help="starting thetas, distinct, in (0, 1) (default: spread over the data)")
    p.add_argument("--netcdf", type=nonempty, metavar="FILE",
                   help="also save the posterior DataTree here (a new .nc file; an existing "
                        "file only with --force)")
    p.add_argument("--force", action="store_true", help="let --netcdf replace an existing file")
    p.add_argument("--json", action="store_true", help="print the posterior summary as JSON")
    return p


def main(argv=None) -> int:
    prog = "python -m bayes"
    args = build_parser().parse_args(argv)
    data = load_data(prog, args.data)
    from pathlib import Path

    from .fit import check_options, fit

    options = dict(components=args.components, weights=args.weights, prior=args.prior,
                   dirichlet=args.dirichlet, draws=args.draws, tune=args.tune,
                   chains=args.chains, target_accept=args.target_accept, sampler=args.sampler,
                   init=args.init)
    from .options import OptionError

    try:
        check_options(data.heads, data.tosses, hdi_prob=0.94, seed=args.seed, **options)
    except OptionError as exc:
        fail(prog, str(exc))
    except ValueError as exc:
        fail(prog, f"{data.source}: {exc}")
    if args.netcdf:
        target = Path(args.netcdf)
        if target.suffix != ".nc":
            fail(prog, f"--netcdf {target}: the file name must end in .nc")
        if target.exists() and not target.is_file():
            fail(prog, f"--netcdf {target}: exists and is not a file")
        if target.exists() and not args.force:
            fail(prog, f"--netcdf {target}: the file exists; use --force to replace it")
        if not target.parent.is_dir():
            fail(prog, f"--netcdf {target}: folder {target.parent} does not exist")
    if args.sampler == "nuts":
        from .model import compile_notice

        sys.stderr.write(f"compile    {compile_notice(args.components, args.weights)}\n")
    result = fit(data.heads, data.tosses, seed=args.seed, **options)
    if args.netcdf:
        try:
            _save(result.tree, Path(args.netcdf))
        except OSError as exc:          # a full disk, a vanished folder: one line, no traceback
            sys.stderr.write(f"{prog}: error: cannot write --netcdf {args.netcdf} "
                             f"({exc.strerror or exc}); nothing written\n")
            return 1
    if args.json:
        out, non_finite = finite_json(result.to_dict())
        out["data"] = {"name": data.name, "sha256": data.sha256, "n_sets": data.n_sets}
        if non_finite:
            out["non_finite"] = non_finite
        write_stdout(dumps(out) + "\n", prog)
        return 0
    write_stdout(describe(data, result) + "\n", prog)
    return 0


def _save(tree, target):
    """Write next to the target, then rename: a failed write leaves no half file."""
    import os
    import tempfile

    from .netcdf import to_bytes

    data = to_bytes(tree)
    fd, tmp = tempfile.mkstemp(suffix=".nc", dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def describe(data, r) -> str:
    s = r.settings
    th = r.posterior["theta"]
    lines = [f"{data.name}: {data.n_sets} sets, K = {s['components']}, {s['weights']} weights, "
             f"prior Beta{tuple(s['prior'][0])}, {s['sampler']} {s['chains']} x {s['draws']} draws"]
    for i in range(s["components"]):
        lines.append(f"  theta[{i}]: mean {_num(th['mean'][i])}, sd {_num(th['sd'][i])}, "
                     f"{th['hdi_prob']:.0%} HDI [{_num(th['hdi_low'][i])}, "
                     f"{_num(th['hdi_high'][i])}], MCSE {_num(th['mcse_mean'][i])}")
    if r.find_map:
        lines.append("  posterior mode (find_MAP): theta "
                     + ", ".join(_num(v) for v in r.find_map["theta"]))
    d = r.diagnostics
    lines.append(f"  diagnostics: max R-hat {_num(d['r_hat_max'])}, min bulk ESS "
                 f"{_num(d['ess_bulk_min'], '.0f')}, {d['divergences']} divergences")
    lines += [f"warning: {w}" for w in r.warnings]
    return "\n".join(lines)


def _num(value, spec: str = ".4f") -> str:
    """A summary number, or "n/a" where it is undefined (None, e.g. R-hat of one chain)."""
    return "n/a" if value is None else format(value, spec)


if __name__ == "__main__":
    sys.exit(main())
