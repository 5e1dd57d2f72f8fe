"""Port autograd's examples to srcdiff by changing only their import lines, run each, and
check every derivative it makes against central differences: issue #13's "programs ported
from autograd's examples run after changing only the import lines".

    git clone https://github.com/HIPS/autograd /tmp/autograd
    python scripts/port_autograd_examples.py /tmp/autograd/examples [--timeout 150] [NAME ...]

Nothing of autograd is copied into this repository: the script copies the examples folder
into a temporary one, rewrites the import lines there (`import autograd.numpy as np` ->
`import numpy as np`, `from autograd import grad` -> srcdiff's, autograd.scipy -> scipy,
autograd.scipy.signal -> srcdiff.signal, whose convolve has autograd's signature),
and runs each example in a fresh process. Three stand-ins make them runnable offline and
headless, and are not part of the port: matplotlib (every call a no-op), MNIST (random
data of its shapes) and, for the check, srcdiff's transforms wrapped so that each derivative's
first two calls are compared with central differences of the function along a random
direction (the random number generators the function draws from are replayed, so stochastic
objectives are compared on the same draws). autograd's optimisers (`autograd.misc.optimizers`)
stay autograd's: plain Python that calls the gradient it is given.

Prints, per example: ran / refused (the first srcdiff error, located) / other error / ran
past the timeout (still running, its checks so far shown), and the number of derivative
checks that agreed and disagreed. Exit status 1 if any check disagreed.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

IMPORTS = [
    (r"^import autograd\.numpy\.random as (\w+)", r"import numpy.random as \1"),
    (r"^import autograd\.numpy as (\w+).*", r"import numpy as \1"),
    (r"^from autograd import elementwise_grad as (\w+)", r"from srcdiff_checked import grad as \1"),
    (r"^from autograd import (.*)", r"from srcdiff_checked import \1"),
    (r"^from autograd\.scipy\.stats import (.*)", r"from scipy.stats import \1"),
    (r"^import autograd\.scipy\.stats\.(\w+) as (\w+)", r"from scipy.stats import \1 as \2"),
    (r"^from autograd\.scipy\.special import (.*)", r"from scipy.special import \1"),
    (r"^from autograd\.scipy\.integrate import (.*)", r"from scipy.integrate import \1"),
    (r"^from autograd\.numpy\.linalg import (.*)", r"from numpy.linalg import \1"),
    (r"^from autograd\.builtins import tuple", r"pass"),
    # autograd's fixed_point(f, a, x0, distance, tol): srcdiff.misc's has the same signature
    (r"^from autograd\.misc\.fixed_points import fixed_point$",
     r"from srcdiff.misc import fixed_point"),
    # autograd's extension API: srcdiff.extend has the same names and signatures
    (r"^from autograd\.extend import (.*)", r"from srcdiff.extend import \1"),
    # autograd's check of a function's derivatives against differences: the stand-in's
    (r"^from autograd\.test_util import check_grads$", r"from srcdiff_checked import check_grads"),
    (r"^from autograd\.misc import flatten$", r"from srcdiff_checked import flatten"),
    (r"^from autograd\.misc\.flatten import flatten$", r"from srcdiff_checked import flatten"),
    (r"^from autograd\.misc\.flatten import flatten_func$",
     r"from srcdiff_checked import flatten_func"),
    # autograd's own convolve(A, B, axes, dot_axes, mode), which SciPy does not have
    (r"^import autograd\.scipy\.signal$",
     r"import srcdiff.signal, types; autograd = types.SimpleNamespace("
     r"scipy=types.SimpleNamespace(signal=srcdiff.signal))"),
    (r"^from autograd\.scipy\.signal import (.*)", r"from srcdiff.signal import \1"),
]

MATPLOTLIB = '''"""Stand-in for matplotlib: every attribute a no-op callable."""
import sys, types
class _Any:
    def __init__(self, *a, **k): pass
    def __call__(self, *a, **k): return _Any()
    def __getattr__(self, name): return _Any()
    def __iter__(self): return iter([_Any(), _Any()])
    def __getitem__(self, k): return _Any()
def __getattr__(name): return _Any()
def _imread(path):
    """An 8-bit, non-interlaced PNG as floats in [0, 1], as matplotlib reads it."""
    import struct, zlib
    import numpy as np
    with open(path, "rb") as fh:
        data = fh.read()
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            width, height, _, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
    raw, ch = zlib.decompress(idat), {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    stride, prev, rows, i = width * ch, [0] * (width * ch), [], 0
    for _ in range(height):
        kind, line, i = raw[i], raw[i + 1:i + 1 + stride], i + 1 + stride
        cur = [0] * stride
        for x in range(stride):
            a = cur[x - ch] if x >= ch else 0
            b, c = prev[x], (prev[x - ch] if x >= ch else 0)
            if kind == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            else:
                p = (0, a, b, (a + b) // 2)[kind]
            cur[x] = (line[x] + p) & 255
        rows.append(cur)
        prev = cur
    image = np.array(rows, dtype=np.float32).reshape(height, width, ch) / 255.0
    return image[:, :, 0] if ch == 1 else image
for _sub in ("pyplot", "image", "cm", "colors"):
    _m = types.ModuleType("matplotlib." + _sub)
    _m.__getattr__ = lambda name: _Any()
    _m.imread = _imread
    sys.modules["matplotlib." + _sub] = _m
pyplot = sys.modules["matplotlib.pyplot"]
'''

MNIST = '''"""Stand-in for the MNIST download: random data of MNIST's shapes."""
import numpy as np
def mnist():
    rng = np.random.RandomState(0)
    return (rng.randint(0, 256, size=(600, 28, 28)).astype(np.uint8), rng.randint(0, 10, 600),
            rng.randint(0, 256, size=(100, 28, 28)).astype(np.uint8), rng.randint(0, 10, 100))
'''

CHECKED = '''"""srcdiff's transforms, each derivative's first two calls checked against central
differences (scripts/port_autograd_examples.py)."""
import json, os, numpy as np, srcdiff
LOG = os.environ["PORT_LOG"]
flatten = srcdiff.flatten

def flatten_func(func, example):
    """autograd.misc.flatten.flatten_func, over srcdiff.flatten: func of a flat vector."""
    _ex, unflatten = flatten(example)
    _func = lambda _x, *args: flatten(func(unflatten(_x), *args))[0]
    return _func, unflatten, _ex

def _log(**kw):
    with open(LOG, "a") as fh:
        fh.write(json.dumps(kw) + "\\n")

def _generators(f, depth=0, seen=None):
    """The RandomState objects f draws from (closures and globals, followed into functions)."""
    seen = set() if seen is None else seen
    if id(f) in seen or depth > 4 or not hasattr(f, "__code__"):
        return []
    seen.add(id(f))
    values = [c.cell_contents for c in (f.__closure__ or ()) if c.cell_contents is not None]
    values += [f.__globals__[n] for n in f.__code__.co_names if n in f.__globals__]
    found = []
    for v in values:
        if isinstance(v, np.random.RandomState):
            found.append(v)
        elif callable(v):
            found += _generators(v, depth + 1, seen)
    return found

def _check(f, args, argnum, g, replay):
    flat, unflatten = srcdiff.flatten(args[argnum])
    flat = np.asarray(flat, float)
    v = np.random.default_rng(0).standard_normal(flat.shape)
    finite = np.isfinite(flat)   # log(0) = -inf (hmm_em): no difference moves it, compare the rest
    v[~finite] = 0.0
    flat_norm = np.linalg.norm(np.where(finite, flat, 0.0))
    def at(t):
        replay()
        a = list(args)
        a[argnum] = unflatten(flat + t * v)
        return float(np.sum(f(*a)))
    eps = 1e-6 * max(1.0, flat_norm) / max(1.0, np.linalg.norm(v))
    fd = (at(eps) - at(-eps)) / (2 * eps)
    gflat = np.asarray(srcdiff.flatten(g)[0], float)
    an = float(np.where(finite, gflat, 0.0) @ v)
    return bool(abs(fd - an) <= 1e-4 * max(1.0, abs(fd), abs(an))), fd, an

def _wrap(kind, transform, f, argnum, *targs, **tkw):
    f = getattr(f, "__srcdiff_made__", f)
    name = getattr(f, "__qualname__", repr(f))
    try:
        made = transform(f, argnum, *targs, **tkw)
    except Exception as exc:
        _log(fn=name, stage="transform", error=type(exc).__name__, message=str(exc)[:600])
        raise
    calls = [0]
    def checked(*args, **kw):
        rngs = _generators(f)
        states = [r.get_state() for r in rngs]
        global_state = np.random.get_state()
        def replay():
            for r, s in zip(rngs, states):
                r.set_state(s)
            np.random.set_state(global_state)
        try:
            out = made(*args, **kw)
        except Exception as exc:
            _log(fn=name, stage="call", error=type(exc).__name__, message=str(exc)[:600])
            raise
        if calls[0] < 2 and not kw:
            calls[0] += 1
            g = out[1] if kind == "value_and_grad" else out
            nums, gs = (argnum, g) if isinstance(argnum, tuple) else ((argnum,), (g,))
            for num, part in zip(nums, gs):
                try:
                    ok, fd, an = _check(f, args, num, part, replay)
                    _log(fn=name, stage="check", ok=ok, differences=fd, srcdiff=an)
                except Exception as exc:
                    _log(fn=name, stage="check skipped", error=type(exc).__name__,
                         message=str(exc)[:300])
        return out
    checked.__srcdiff_made__ = made
    return checked

def grad(f, argnum=0, *a, **k):
    return _wrap("grad", srcdiff.grad, f, argnum, *a, **k)

def value_and_grad(f, argnum=0, *a, **k):
    return _wrap("value_and_grad", srcdiff.value_and_grad, f, argnum, *a, **k)

def check_grads(f, argnum=0, modes=("fwd", "rev"), order=2):
    """autograd.test_util.check_grads(f, modes=..., order=...)(*args), over srcdiff: the
    gradient ("rev"), the tangent ("fwd") and, to order 2, the Hessian-vector product (forward
    over reverse, or with "rev" alone reverse over reverse as autograd checks it) checked
    against central differences along a random direction; a disagreement raises."""
    def checker(*args):
        def total(*a):
            return float(np.sum(f(*a)))
        flat, unflatten = srcdiff.flatten(args[argnum])
        v = np.random.default_rng(1).standard_normal(np.shape(flat))
        results = []
        if "rev" in modes:
            ok, fd, an = _check(total, args, argnum, srcdiff.grad(f, argnum)(*args), lambda: None)
            results.append(("grad", ok, fd, an))
        if "fwd" in modes:
            fd = _check(total, args, argnum, np.zeros_like(flat), lambda: None)[1]
            tangent = unflatten(np.random.default_rng(0).standard_normal(np.shape(flat)))
            an = float(np.sum(srcdiff.jvp(f, argnum)(*args, tangent)[1]))
            results.append(("jvp", bool(abs(fd - an) <= 1e-4 * max(1.0, abs(fd), abs(an))), fd, an))
        if order > 1 and ("rev" in modes or "fwd" in modes):
            g = srcdiff.grad(f, argnum)
            gv = lambda *a: float(np.asarray(srcdiff.flatten(g(*a))[0]) @ v)
            if "fwd" in modes:   # forward over reverse
                hv = srcdiff.hvp(f, argnum)(*args, unflatten(v))
            else:   # reverse over reverse, as autograd checks modes=["rev"]
                hv = srcdiff.vjp(g, argnum)(*args, unflatten(v))
            ok, fd, an = _check(gv, args, argnum, hv, lambda: None)
            results.append(("second order", ok, fd, an))
        for what, ok, fd, an in results:
            _log(fn=f"check_grads {what} of " + getattr(f, "__qualname__", "f"), stage="check",
                 ok=ok, differences=fd, srcdiff=an)
            assert ok, f"check_grads: {what} {an} disagrees with differences {fd}"
    return checker

def hessian_vector_product(f, argnum=0):
    return srcdiff.hvp(getattr(f, "__srcdiff_made__", f), argnum)

# grad(f)(x) written inside a function srcdiff differentiates (negative_binomial_maxlike) is
# srcdiff's own transform there, as srcdiff.grad(f)(x) is: checked where the outer one is
from srcdiff import compose_calls as _compose_calls
_compose_calls._MAKERS._fill()
_compose_calls._MAKERS[grad] = lambda f, argnum=0, *a, **k: srcdiff.grad(f, argnum, *a, **k)
_compose_calls._MAKERS[value_and_grad] = (
    lambda f, argnum=0, *a, **k: srcdiff.value_and_grad(f, argnum, *a, **k))
'''


def port(examples, folder):
    shutil.copytree(examples, folder, dirs_exist_ok=True)
    for dirpath, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                with open(path) as fh:
                    lines = fh.read().splitlines()
                for i, line in enumerate(lines):
                    for pattern, replacement in IMPORTS:
                        new = re.sub(pattern, replacement, line)
                        if new != line:
                            lines[i] = new
                            break
                with open(path, "w") as fh:
                    fh.write("\n".join(lines) + "\n")
    stand_ins = os.path.join(folder, "_stand_ins")
    os.makedirs(os.path.join(stand_ins, "matplotlib"), exist_ok=True)
    for path, text in [(os.path.join(stand_ins, "matplotlib", "__init__.py"), MATPLOTLIB),
                       (os.path.join(stand_ins, "srcdiff_checked.py"), CHECKED),
                       (os.path.join(folder, "data_mnist.py"), MNIST)]:
        with open(path, "w") as fh:
            fh.write(text)
    return stand_ins


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("examples", help="autograd's examples/ folder")
    parser.add_argument("names", nargs="*", help="examples to run (default: all)")
    parser.add_argument("--timeout", type=float, default=150.0)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="srcdiff-port-")
    stand_ins = port(args.examples, folder)
    scripts = sorted(os.path.relpath(os.path.join(d, n), folder)
                     for d, _, files in os.walk(folder) for n in files
                     if n.endswith(".py") and "_stand_ins" not in d
                     and n not in ("__init__.py", "data.py", "data_mnist.py"))
    if args.names:
        scripts = [s for s in scripts if os.path.splitext(os.path.basename(s))[0] in args.names]
    wrong = 0
    for script in scripts:
        log = os.path.join(folder, "log.jsonl")
        open(log, "w").close()
        env = dict(os.environ, PORT_LOG=log, MPLBACKEND="Agg", PYTHONPATH=os.pathsep.join(
            [stand_ins, folder, ROOT, os.environ.get("PYTHONPATH", "")]))
        where = os.path.join(folder, os.path.dirname(script))
        try:
            done = subprocess.run([sys.executable, os.path.basename(script)], cwd=where, env=env,
                                  capture_output=True, text=True, timeout=args.timeout)
            status = "ran" if done.returncode == 0 else "error"
            lines = done.stderr.strip().splitlines() or [""]
            raised = [ln for ln in lines if re.match(r"^[\w.]+(Error|Refusal|Exception)\b", ln)]
            tail = (raised or lines)[-1]   # the exception's own line, not a hint after it
        except subprocess.TimeoutExpired:
            status, tail = "ran past the timeout", ""
        with open(log) as fh:
            records = [json.loads(line) for line in fh if line.strip()]
        agreed = sum(1 for r in records if r.get("ok") is True)
        disagreed = [r for r in records if r.get("ok") is False]
        wrong += len(disagreed)
        refused = [r for r in records if r["stage"] in ("transform", "call")]
        if status == "error" and refused:
            status, tail = "refused", refused[0]["message"].splitlines()[0]
        print(f"{script}: {status}; derivative checks {agreed} agreed, {len(disagreed)} "
              f"disagreed" + (f"\n    {tail}" if status in ("error", "refused") else ""))
        for r in disagreed:
            print(f"    DISAGREED {r['fn']}: differences {r['differences']!r}, "
                  f"srcdiff {r['srcdiff']!r}")
    shutil.rmtree(folder, ignore_errors=True)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
