"""The coin mixture as a PyMC model, compiled once per shape and reused for any data and prior.

    theta_k ~ Beta(a_k, b_k), ordered (theta_0 < theta_1 < ...: no label switching)
    w ~ Dirichlet(alpha, ..., alpha)             (learned weights; fixed weights: 1/K each)
    log p(data | theta, w) = sum_j count_j * logsumexp_k [log w_k + log Binomial(h_j | n_j, theta_k)]
    log Binomial(h | n, theta) = log C(n, h) + h log theta + (n - h) log(1 - theta)

The binomial log-probability is written out, with log C(n, h) computed once as data: PyMC's
``pm.Binomial`` logp would add bound checks and log-gamma functions of the data to the graph,
and numba compiles every operation of it (a third of the first run's compile time).

The coin of each set is summed out (a Potential over the distinct (heads, tosses) pairs), so
NUTS samples only the continuous parameters, and a million sets cost what their few distinct
pairs cost. Data and prior hyperparameters are ``pm.Data``: one nutpie compile per
(K, weights) serves every dataset and prior of that shape through ``with_data``, and one
compiled optimiser serves every posterior-mode search.

Starting values: the ordered transform has no valid default start (PyMC's support point puts
every theta at 0.5, which is not strictly ordered), so every run passes ordered starting
thetas; nutpie's start function is swapped for one built from them (``initial_points`` would
fix them at compile time only).
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import threading
import time

import numpy as np

from scipy.special import logit

from . import transforms
from .pairs import Pairs

_CACHE: dict[tuple[int, bool, bool], "CompiledMixture"] = {}
_LOCK = threading.RLock()


def _vector(x, k) -> np.ndarray:
    return np.broadcast_to(np.asarray(x, dtype=np.float64), (k,)).copy()


def data_updates(pairs: Pairs, components: int, learned: bool, a, b, dirichlet) -> dict:
    """Values of every ``pm.Data`` of the model for these pairs and priors."""
    k = components
    upd = {"heads": pairs.heads.astype(np.float64), "tails": pairs.tails.astype(np.float64),
           "log_binom": pairs.log_binom.astype(np.float64),
           "count": pairs.count.astype(np.float64),
           "prior_a": _vector(a, k), "prior_b": _vector(b, k)}
    if learned:
        upd["dirichlet"] = _vector(dirichlet, k)
    return upd


def build_model(pairs: Pairs, components: int, learned: bool, a=2.0, b=2.0, dirichlet=1.0,
                ordered: bool = True):
    """The PyMC model for these pairs and priors (see the module docstring).

    ``ordered=False`` drops the ordering: the posterior then has K! mirror-image modes, which
    is what the ``labels`` study shows (label switching); every other use keeps the order.
    """
    import pymc as pm
    import pytensor.tensor as pt

    k = components
    data = data_updates(pairs, components, learned, a, b, dirichlet)
    # check_bounds=False: every prior and count is validated before the model sees it (bayes
    # .options), so the graph needs no parameter checks, which halves its numba compile
    with pm.Model(coords={"component": np.arange(k)}, check_bounds=False) as model:
        heads = pm.Data("heads", data["heads"])          # no dims: the length changes per dataset
        tails = pm.Data("tails", data["tails"])
        log_binom = pm.Data("log_binom", data["log_binom"])     # log C(n, h), computed once
        count = pm.Data("count", data["count"])
        prior_a = pm.Data("prior_a", data["prior_a"], dims="component")
        prior_b = pm.Data("prior_b", data["prior_b"], dims="component")
        order = {"transform": pm.distributions.transforms.ordered} if ordered else {}
        theta = pm.Beta("theta", alpha=prior_a, beta=prior_b, dims="component", **order)
        if learned:
            conc = pm.Data("dirichlet", data["dirichlet"], dims="component")
            log_w = pt.log(pm.Dirichlet("weights", a=conc, dims="component"))
        else:
            log_w = pt.constant(np.full(k, -np.log(k)))
        # log w_k + log Binomial(h_j | n_j, theta_k), the formula of bayes.likelihood, as a graph
        log_joint = (log_w[None, :] + log_binom[:, None] + heads[:, None] * pt.log(theta)[None, :]
                     + tails[:, None] * pt.log1p(-theta)[None, :])           # (pairs, K)
        per_pair = pm.math.logsumexp(log_joint, axis=1)                      # (pairs,)
        pm.Potential("log_likelihood", pt.sum(count * per_pair))
    return model


@dataclasses.dataclass
class CompiledMixture:
    """A PyMC model and its nutpie compilation for one (K, weights) shape."""

    components: int
    learned: bool
    ordered: bool
    model: object
    compiled: object
    compile_seconds: float

    def start_function(self, init):
        """nutpie's start for each chain: ``init`` (ordered thetas; equal weights) in the free
        coordinates, jittered there by U(-1, 1) as nutpie does by default (the jitter keeps the
        order, since the ordered transform works on log-gaps). NumPy only: nothing to compile."""
        k = self.components
        theta = np.sort(np.asarray(init, dtype=np.float64))
        if self.ordered:
            x0 = transforms.forward(theta, np.full(k, 1.0 / k), self.learned)
        else:
            x0 = np.concatenate([logit(np.asarray(init, dtype=np.float64))]
                                + ([np.zeros(k - 1)] if self.learned else []))

        def flat(seed=None):
            return x0 + np.random.default_rng(seed).uniform(-1.0, 1.0, x0.size)

        return flat

    def sample(self, pairs: Pairs, *, a, b, dirichlet, init, draws, tune, chains, seed,
               target_accept, progress, cores=None):
        """nutpie NUTS draws for these data and priors: an ``xarray.DataTree``."""
        import nutpie

        compiled = self.compiled.with_data(
            **data_updates(pairs, self.components, self.learned, a, b, dirichlet))
        compiled = dataclasses.replace(compiled, initial_point_func=self.start_function(init))
        with _interrupt_guard() as interrupted:
            tree = nutpie.sample(compiled, draws=draws, tune=tune, chains=chains,
                                 cores=cores or min(chains, 2), seed=seed,
                                 target_accept=target_accept, progress_bar=progress,
                                 save_warmup=False)
        if interrupted():
            raise KeyboardInterrupt
        return tree

    def find_map(self, pairs: Pairs, *, a, b, dirichlet, init) -> dict:
        """The posterior mode in the original parameter space (no Jacobian), as ``pm.find_MAP``
        computes it: L-BFGS-B on PyMC's log-density, here the very function nutpie compiled for
        sampling (log-density and gradient in free coordinates), minus the log-Jacobian of the
        transforms (bayes.transforms). No second compile: milliseconds, cold or warm.
        """
        from scipy.optimize import minimize

        k = self.components
        compiled = self.compiled.with_data(
            **data_updates(pairs, k, self.learned, a, b, dirichlet))
        logp_grad = _logp_and_gradient(compiled)

        def loss(x):
            lp, grad = logp_grad(x)
            lj, lj_grad = transforms.log_jacobian(x, k, self.learned)
            value = lp - lj
            if not np.isfinite(value):
                return np.inf, np.zeros_like(x)
            return -value, -(np.asarray(grad) - lj_grad)

        x0 = transforms.forward(np.sort(np.asarray(init, dtype=np.float64)),
                                np.full(k, 1.0 / k), self.learned)
        res = minimize(loss, x0, jac=True, method="L-BFGS-B",
                       options={"maxiter": 20000, "ftol": 1e-15, "gtol": 1e-10})
        theta, w = transforms.backward(res.x, k, self.learned)
        return {"theta": [float(v) for v in theta], "weights": [float(v) for v in w],
                "converged": bool(res.success), "iterations": int(res.nit),
                "log_posterior": float(-res.fun)}


def _logp_and_gradient(compiled):
    """x -> (log-density, gradient) of nutpie's compiled model, with its current data: the
    numba function behind nutpie's C callback, called from Python with the same data arrays
    (relies on nutpie 0.16's CompiledPyMCModel fields, like bayes._nutpie_cache)."""
    fn = compiled.logp_func.vm.jit_fn
    # writable copies: the same argument types as the compiled callback passes, so numba reuses
    # that compilation (read-only arrays would be a new signature, compiled afresh)
    data = [np.array(compiled.shared_data[compiled.shared_var_keys[v]])
            for v in compiled.logp_func.get_shared()]

    def logp_grad(x):
        lp, grad = fn(np.ascontiguousarray(x, dtype=np.float64), *data)
        return float(lp), grad

    return logp_grad


@contextlib.contextmanager
def _interrupt_guard():
    """nutpie answers Ctrl-C by stopping early and returning the partial trace (unfilled draws
    are NaN), so the interrupt would be lost. Record it, and let the caller raise it again."""
    seen = []
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        seen.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: bool(seen)
    finally:
        signal.signal(signal.SIGINT, previous)


def compiled_mixture(pairs: Pairs | None, components: int, learned: bool,
                     ordered: bool = True) -> CompiledMixture:
    """The cached compilation for (K, weights, ordered); compiles on first use in this process
    (``pairs`` only seeds the model's data; any data of the shape can follow)."""
    key = (int(components), bool(learned), bool(ordered))
    with _LOCK:
        if key not in _CACHE:
            from .pairs import compress

            t0 = time.perf_counter()
            seed_pairs = pairs if pairs is not None else compress([1, 2], [3, 3])
            model = build_model(seed_pairs, components, learned, ordered=ordered)
            compiled = _compile(model)
            _CACHE[key] = CompiledMixture(components, learned, ordered, model, compiled,
                                          time.perf_counter() - t0)
        return _CACHE[key]


@contextlib.contextmanager
def private_generated_source():
    """PyTensor writes the Python source it generates for numba to files it keeps
    (``NamedTemporaryFile(delete=False)`` in TMPDIR: 15 files a compile, never removed). For the
    block, it writes them into a private temporary folder instead, removed afterwards (the
    compiled functions no longer need them; numba's disk cache is keyed by content, not by
    these files). A ``generated_src_dir`` the user set in PyTensor's config is left as it is."""
    import shutil
    import tempfile

    import pytensor

    if pytensor.config.generated_src_dir:
        yield None
        return
    folder = tempfile.mkdtemp(prefix="coinmix-pytensor-src-")
    pytensor.config.generated_src_dir = folder
    try:
        yield folder
    finally:
        pytensor.config.generated_src_dir = ""
        shutil.rmtree(folder, ignore_errors=True)


def _compile(model):
    """nutpie's compile, with its C wrappers made disk-cacheable (bayes._nutpie_cache): 2.5-3 s
    in a new process instead of 12-16 s, identical draws. Falls back to plain nutpie if its
    private helpers change (set COINMIX_PLAIN_NUTPIE=1 to force the fallback). PyTensor's
    generated source goes to a private folder removed afterwards (private_generated_source)."""
    with private_generated_source():
        return _compile_here(model)


def _compile_here(model):
    import os

    import nutpie

    from ._nutpie_cache import harden_numba_cache

    harden_numba_cache()                # a damaged cache costs a compile, never the run

    if not os.environ.get("COINMIX_PLAIN_NUTPIE"):
        try:
            from ._nutpie_cache import compile_pymc_model_cached

            return compile_pymc_model_cached(model)
        except Exception:  # noqa: BLE001 - any failure of the fast path: use nutpie's own
            pass
    return nutpie.compile_pymc_model(model)


def compile_notice(components: int, weights: str) -> str:
    """What a front end says before the compile: what is compiled, how long it takes the first
    time on a machine, and where the cache that makes later runs fast lives."""
    import pytensor

    coins = "coin" if components == 1 else "coins"
    return (f"the PyMC model for K = {components} {coins}, {weights} weights: half a minute or "
            "more on a machine's first run, a few seconds later (numba's cache in "
            f"{pytensor.config.base_compiledir})")


def is_compiled(components: int, learned: bool, ordered: bool = True) -> bool:
    return (int(components), bool(learned), bool(ordered)) in _CACHE
