"""nutpie.compile_pymc_model (numba backend) with *disk-cacheable* C wrappers.

nutpie builds its two numba.cfunc wrappers (logp+grad, expand) as closures over the shared
data arrays and its own jitted helpers, so numba can never cache them ("uses dynamic
globals"); they are recompiled in every process (~10-12 s here). The pytensor inner functions
are already disk-cached by pytensor. This builds equivalent wrappers from generated source
that reads every data pointer/size/shape out of nutpie's user_data record (passed as an
argument), and registers that source with pytensor's numba cache locator under a key that
hashes the source and the inner pytensor function's own cache key, so numba caches them.
The result is nutpie's own CompiledPyMCModel: with_data, sample etc. are unchanged.
Relies on nutpie 0.16 private helpers (_make_functions, make_user_data, ...).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from uuid import uuid4

import numpy as np

_WRAPPER_VERSION = "2"


def _offsets(record_dtype, keys):
    """Word (8-byte) offsets of data pointer, size and shape entries of each key."""
    sh = record_dtype["shared"]
    base = record_dtype.fields["shared"][1]
    out = {}
    for key in keys:
        d = base + sh.fields["data"][1] + sh["data"].fields[key][1]
        s = base + sh.fields["size"][1] + sh["size"].fields[key][1]
        p = base + sh.fields["shape"][1] + sh["shape"].fields[key][1]
        out[key] = (d // 8, s // 8, p // 8)
    assert record_dtype.itemsize % 8 == 0
    return out, record_dtype.itemsize // 8


def _extract_src(keys, shared_data, offs):
    lines, names = [], []
    for i, key in enumerate(keys):
        arr = shared_data[key]
        d, s, p = offs[key]
        shape = "(" + "".join(f"ud[{p + j}], " for j in range(arr.ndim)) + ")"
        lines.append(f"        a{i} = numba.carray(as_ptr(ud[{d}]), {shape}, np.{arr.dtype.name})")
        names.append(f"a{i}")
    return "\n".join(lines), "".join(n + ", " for n in names)


def harden_numba_cache() -> None:
    """A damaged disk cache must cost a compile, never the run. numba already treats a missing
    cache file as a miss; here every entry it cannot load (a truncated ``.nbc``, a garbage
    ``.nbi``: unpickling or rebuilding fails) is a miss too, compiled afresh and written over,
    and a cache folder it cannot write (read-only, full) leaves that process uncached instead
    of failing. Idempotent; changes numba's ``Cache`` class for the process."""
    from numba.core import caching

    cls = caching.Cache
    if getattr(cls, "_coinmix_hardened", False):
        return
    load, save = cls.load_overload, cls.save_overload

    def load_overload(self, sig, target_context):
        try:
            return load(self, sig, target_context)
        except Exception:  # noqa: BLE001 - unreadable entry: compile afresh
            return None

    def save_overload(self, sig, data):
        try:
            save(self, sig, data)
        except Exception:  # noqa: BLE001 - unwritable or full folder: run uncached
            pass

    index = caching.IndexDataCacheFile._load_index

    def load_index(self):
        try:
            return index(self)
        except Exception:  # noqa: BLE001 - a garbage index is an empty one (then written over)
            return {}

    caching.IndexDataCacheFile._load_index = load_index
    cls.load_overload, cls.save_overload = load_overload, save_overload
    cls._coinmix_hardened = True


#: in numba's cache folder: the sha256 of every wrapper file this module had numba write
_MANIFEST = "coinmix-wrappers.json"


def _wrapper_files(folder: Path, cache_key: str) -> list[Path]:
    return sorted(folder.glob(f"*-{cache_key}.py*.nb[ci]"))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_manifest(folder: Path) -> dict:
    path = folder / _MANIFEST
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 2**20:
            return {}
        out = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return out if isinstance(out, dict) else {}


def _check_wrapper_cache(folder: Path, cache_key: str) -> None:
    """Before numba looks: the wrapper's cache files must be the very files recorded when they
    were written (a file of another model shape copied over one of them would be loaded and
    crash the process: the shapes are compiled into the wrapper). Otherwise they are removed,
    and numba compiles the wrapper afresh."""
    files = _wrapper_files(folder, cache_key)
    if not files:
        return
    known = _read_manifest(folder)
    try:
        ok = all(known.get(p.name) == _digest(p) for p in files)
    except OSError:
        ok = False
    if not ok:
        for p in files:
            with contextlib.suppress(OSError):
                p.unlink()


def _record_wrapper_cache(folder: Path, cache_key: str) -> None:
    """After the compile: record the wrapper's cache files (best effort: an unwritable folder
    only means the next run recompiles the wrappers)."""
    try:
        known = _read_manifest(folder)
        prefix = f"-{cache_key}."
        known = {k: v for k, v in known.items() if prefix not in k}
        known.update({p.name: _digest(p) for p in _wrapper_files(folder, cache_key)})
        fd, tmp = tempfile.mkstemp(prefix=".coinmix-wrappers-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(known, f, indent=0, sort_keys=True)
        os.replace(tmp, folder / _MANIFEST)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


def _cached_cfunc(src, name, inner, sig, extra_key):
    import numba
    from nutpie.compile_pymc import address_as_void_pointer
    from pytensor.link.numba import cache as pytensor_cache

    key = hashlib.sha256((_WRAPPER_VERSION + src + extra_key).encode()).hexdigest()
    cache_key = f"nutpie_wrapper_{key}"
    folder = Path(pytensor_cache.NUMBA_CACHE_PATH)
    _check_wrapper_cache(folder, cache_key)
    fn = pytensor_cache.compile_numba_function_src(
        src, name,
        # __name__ must name an importable module: numba rebuilds the cached env from it
        global_env=globals() | {"numba": numba, "inner": inner, "as_ptr": address_as_void_pointer},
        cache_key=cache_key)
    compiled = numba.cfunc(sig, cache=True)(fn)
    _record_wrapper_cache(folder, cache_key)
    return compiled


def _no_start(seed):
    raise RuntimeError("bayes.model replaces nutpie's initial point function before sampling")


def _shapes(model) -> dict:
    """The shape of every value and random variable of the mixture model, without compiling:
    K per component, K - 1 for the simplex coordinates of learned weights."""
    k = len(model.coords["component"])
    out = {}
    for var in [*model.value_vars, *model.free_RVs]:
        out[var.name] = np.array([k - 1 if var.name.endswith("_simplex__") else k])
    return out


def compile_pymc_model_cached(model):
    import numba
    import nutpie.compile_pymc as ncp
    from pytensor.link.numba.cache import CACHED_SRC_FUNCTIONS

    # nutpie would compile two PyTensor functions here that this project never uses: an initial
    # point function (bayes.model builds the chains' starts in NumPy) and a shape function (the
    # shapes are known: K thetas, K weights, K - 1 free weight coordinates)
    shapes = _shapes(model)
    original = ncp._compute_shapes
    ncp._compute_shapes = lambda model: shapes
    try:
        (n_dim, n_expanded, logp_pt, expand_pt, init_fn, shape_info,
         reparam) = ncp._make_functions(model, mode="NUMBA", compute_grad=True,
                                        join_expanded=True, pymc_initial_point_fn=_no_start)
    finally:
        ncp._compute_shapes = original
    logp_fn, expand_fn = logp_pt.vm.jit_fn, expand_pt.vm.jit_fn
    inner_keys = [CACHED_SRC_FUNCTIONS.get(f.py_func) for f in (logp_fn, expand_fn)]
    if None in inner_keys:          # pytensor could not cache the inner function: no point
        return ncp.compile_pymc_model(model)

    shared_data, shared_var_keys = {}, {}
    for val in [*logp_pt.get_shared(), *expand_pt.get_shared()]:
        if val in shared_var_keys:
            continue
        key = uuid4().hex
        shared_data[key] = np.array(val.get_value(), order="C", copy=True)
        shared_var_keys[val] = key
    for val in shared_data.values():
        val.flags.writeable = False
    user_data = ncp.make_user_data(shared_var_keys, shared_data)
    offs, nwords = _offsets(user_data.dtype, list(shared_var_keys.values()))

    lkeys = [shared_var_keys[v] for v in logp_pt.get_shared()]
    ext, args = _extract_src(lkeys, shared_data, offs)
    logp_src = f"""
def logp_wrapper(dim, x_, out_, logp_, user_data_):
    if dim != {n_dim}:
        return -1
    try:
        ud = numba.carray(user_data_, ({nwords},), np.uint64)
{ext}
        x = numba.carray(x_, ({n_dim},))
        out = numba.carray(out_, ({n_dim},))
        logp = numba.carray(logp_, ())
        logp_val, grad = inner(x, {args})
        logp[()] = logp_val
        out[...] = grad
        if not np.all(np.isfinite(out)):
            return 3
        if not np.isfinite(logp_val):
            return 4
    except Exception:  # noqa: BLE001
        return 1
    return 0
"""
    ekeys = [shared_var_keys[v] for v in expand_pt.get_shared()]
    ext, args = _extract_src(ekeys, shared_data, offs)
    expand_src = f"""
def expand_wrapper(dim, expanded, x_, out_, user_data_):
    if dim != {n_dim}:
        return -1
    if expanded != {n_expanded}:
        return -1
    try:
        ud = numba.carray(user_data_, ({nwords},), np.uint64)
{ext}
        x = numba.carray(x_, ({n_dim},))
        out = numba.carray(out_, ({n_expanded},))
        (values,) = inner(x, {args})
        out[...] = values
    except Exception:  # noqa: BLE001
        return -2
    return 0
"""
    t = numba.types
    logp_sig = t.int64(t.uint64, t.CPointer(t.double), t.CPointer(t.double),
                       t.CPointer(t.double), t.voidptr)
    expand_sig = t.int64(t.uint64, t.uint64, t.CPointer(t.double), t.CPointer(t.double),
                         t.voidptr)
    logp_c = _cached_cfunc(logp_src, "logp_wrapper", logp_fn, logp_sig, inner_keys[0])
    expand_c = _cached_cfunc(expand_src, "expand_wrapper", expand_fn, expand_sig, inner_keys[1])
    dims, coords = ncp._prepare_dims_and_coords(model, shape_info, reparam)
    return ncp.CompiledPyMCModel(
        _n_dim=n_dim, dims=dims, _coords=coords,
        _shapes={name: tuple(shape) for name, _, shape in zip(*shape_info)},
        compiled_logp_func=logp_c, compiled_expand_func=expand_c,
        initial_point_func=init_fn, shared_data=shared_data, shared_var_keys=shared_var_keys,
        user_data=user_data, n_expanded=n_expanded, shape_info=shape_info,
        logp_func=logp_pt, expand_func=expand_pt, reparameterized_names=reparam)
