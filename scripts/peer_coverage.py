"""Write what a peer AD library differentiates, as the small data file the coverage table reads.

    python scripts/peer_coverage.py autograd   # writes srcdiff/peers/autograd.txt
    python scripts/peer_coverage.py jax        # writes srcdiff/peers/jax.txt

Run it with a Python where the peer is installed (autograd is in the dev venv; JAX can go
into a throwaway venv: python -m venv /tmp/jax && /tmp/jax/bin/pip install jax scipy). The
peers are not needed anywhere else: `python -m srcdiff --coverage` and its test read the
checked-in files. This script does not import srcdiff, so it runs in any venv.

Each line is `NAME<TAB>KIND`, NAME the function as NumPy, SciPy, math, operator or builtins
name it (aliases such as numpy.abs and numpy.absolute both listed; the table folds them),
KIND `rule` (the peer differentiates it) or `nondiff` (the peer runs it but passes no
derivative through, autograd's non-differentiable primitives). What is introspected:

* autograd: autograd.numpy (and .linalg, .fft), autograd.scipy.*: a wrapped primitive with
  a VJP is `rule`, one registered as non-differentiable is `nondiff`, a function autograd
  writes in Python on top of its primitives is `rule`; a primitive without a VJP (grad
  through it fails) is left out. ndarray methods: the ones ArrayBox defines, each the kind
  of the NumPy function of the same name.
* jax: jax.numpy (and .linalg, .fft), jax.scipy.*: every function present is `rule`
  (JAX differentiates its whole NumPy namespace; integer-valued functions pass a zero
  derivative). ndarray methods: the ones jax.Array defines.
* both: math functions, builtins and operator functions, by trying them: the peer's grad of
  the function at a float (or two) that returns a finite number counts as `rule`.
"""
import argparse
import importlib
import importlib.metadata
import inspect
import math
import operator
import os
import sys
import types
import warnings

import numpy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "srcdiff", "peers")

SCIPY_MODULES = ("special", "linalg", "signal", "stats", "integrate", "fft", "ndimage",
                 "optimize", "sparse")
BUILTINS = {  # builtins tried with a float x: how each is called
    "abs": lambda f, x: f(x), "max": lambda f, x: f(x, 0.1), "min": lambda f, x: f(x, 5.0),
    "sum": lambda f, x: f([x, x * x]), "pow": lambda f, x: f(x, 2.0),
    "float": lambda f, x: f(x), "round": lambda f, x: f(x, 2) * x,
}


def _real(path):
    """The object NumPy or SciPy has at a dotted path, or None."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:
            continue
        for p in parts[i:]:
            obj = getattr(obj, p, None)
            if obj is None:
                return None
        return obj
    return None


def _namespace(module, real_prefix, kind_of, out):
    for name in sorted(dir(module)):
        if name.startswith("_"):
            continue
        obj = getattr(module, name, None)
        if not callable(obj) or isinstance(obj, types.ModuleType):
            continue
        path = f"{real_prefix}.{name}"
        real = _real(path)
        if real is None or not callable(real) or inspect.isclass(real):
            continue
        kind = kind_of(obj)
        if kind:
            out[path] = kind


def _tried(grad, out):
    """math, operator and builtins functions, by trying the peer's grad on them."""
    candidates = {f"math.{n}": getattr(math, n) for n in dir(math)
                  if not n.startswith("_") and callable(getattr(math, n))}
    candidates.update({f"operator.{n}": getattr(operator, n) for n in dir(operator)
                       if not n.startswith("_") and callable(getattr(operator, n))
                       and not inspect.isclass(getattr(operator, n))})
    import builtins
    for name, call in sorted(BUILTINS.items()):
        fn = getattr(builtins, name)
        if _works(grad, lambda x, fn=fn, call=call: call(fn, x)):
            out[f"builtins.{name}"] = "rule"
    for path, fn in sorted(candidates.items()):
        tries = [lambda x, a=a: fn(*(x,) + a) for a in ((), (0.7,), (2,))]
        tries.append(lambda x: fn(x * numpy.ones(2), numpy.ones(2)))  # matmul
        if any(_works(grad, f) for f in tries):
            out[path] = "rule"


def _works(grad, f):
    for x in (0.3, 1.3):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                g = float(grad(f)(x))
        except Exception:
            continue
        if math.isfinite(g):
            return True
    return False


def autograd_lists():
    import autograd
    import autograd.numpy as anp
    from autograd.core import primitive_vjps, VJPNode
    from autograd.tracer import notrace_primitives
    from autograd.numpy.numpy_boxes import ArrayBox
    nograd = notrace_primitives[VJPNode]

    def kind_of(obj):
        if obj in primitive_vjps:
            return "rule"
        if obj in nograd or getattr(obj, "_is_primitive", False):
            return "nondiff"
        if getattr(obj, "_is_autograd_primitive", False):
            return None  # wrapped, but grad through it fails
        if (getattr(obj, "__module__", "") or "").startswith("autograd"):
            return "rule"  # written in Python on autograd's primitives
        return None
    out = {}
    _namespace(anp, "numpy", kind_of, out)
    for sub in ("linalg", "fft"):
        _namespace(importlib.import_module(f"autograd.numpy.{sub}"), f"numpy.{sub}", kind_of,
                   out)
    for sub in SCIPY_MODULES:
        try:
            module = importlib.import_module(f"autograd.scipy.{sub}")
        except Exception:
            continue
        _namespace(module, f"scipy.{sub}", kind_of, out)
    for name in sorted(dir(ArrayBox)):
        if not name.startswith("_") and hasattr(numpy.ndarray, name):
            # a method means the function of the same name (x.argmax() is numpy.argmax(x))
            out[f"numpy.ndarray.{name}"] = out.get(f"numpy.{name}", "rule")
    _tried(autograd.grad, out)
    return importlib.metadata.version("autograd"), out


def jax_lists():
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    out = {}
    _namespace(jnp, "numpy", lambda obj: "rule", out)
    for sub in ("linalg", "fft"):
        _namespace(getattr(jnp, sub), f"numpy.{sub}", lambda obj: "rule", out)
    for sub in SCIPY_MODULES:
        try:
            module = importlib.import_module(f"jax.scipy.{sub}")
        except Exception:
            continue
        _namespace(module, f"scipy.{sub}", lambda obj: "rule", out)
    for name in sorted(dir(jax.Array)):
        if not name.startswith("_") and hasattr(numpy.ndarray, name):
            out[f"numpy.ndarray.{name}"] = "rule"
    _tried(jax.grad, out)
    return jax.__version__, out


def write(peer, version, table):
    os.makedirs(OUT, exist_ok=True)
    lines = [f"# {peer} {version}: the functions it differentiates (rule) or runs without a "
             "derivative (nondiff).",
             f"# Generated by scripts/peer_coverage.py {peer}; do not edit."]
    lines += [f"{name}\t{kind}" for name, kind in sorted(table.items())]
    path = os.path.join(OUT, f"{peer}.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("peer", choices=("autograd", "jax"))
    args = p.parse_args(argv)
    version, table = (autograd_lists if args.peer == "autograd" else jax_lists)()
    path = write(args.peer, version, table)
    print(f"{path}: {len(table)} functions from {args.peer} {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
