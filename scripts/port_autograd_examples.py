"""Port autograd's examples to srcdiff by changing only their import lines, run each, and
check every derivative it makes against central differences: issue #13's "programs ported
from autograd's examples run after changing only the import lines".

    git clone https://github.com/HIPS/autograd /tmp/autograd
    python scripts/port_autograd_examples.py /tmp/autograd/examples [--timeout 150] [NAME ...]

Nothing of autograd is copied into this repository: the script copies the examples folder
into a temporary one, rewrites the import lines there (`import autograd.numpy as np` ->
`import numpy as np`, `from autograd import grad` -> srcdiff's, autograd.extend and
`from autograd.util import func` -> srcdiff.extend, autograd.scipy -> scipy,
autograd.scipy.signal -> srcdiff.signal, whose convolve has autograd's signature),
and runs each example in a fresh process. Three stand-ins make them runnable offline and
headless, and are not part of the port: matplotlib (every call a no-op), MNIST (random
data of its shapes) and, for the check, srcdiff's transforms wrapped so that each derivative's
first two calls are compared with central differences of the function along a random
direction (the random number generators the function draws from are replayed, so stochastic
objectives are compared on the same draws). autograd's optimisers (`autograd.misc.optimizers`)
stay autograd's: plain Python that calls the gradient it is given.

How a derivative is checked (`_check`, each step printed under its example):

* the central differences' step goes down by tens from 1e-6 (relative) until two steps in a
  row give differences that agree to the check's tolerance: a step that crosses a kink
  (np.floor's in fluidsim, a max-pool's in convnet) disagrees with the smaller one; where no
  two agree, the check is undecided (neither agreed nor disagreed, and counted apart);
* where the one-sided differences disagree at the point itself (a kink there: fluidsim's first
  call has every velocity zero, every np.floor at an integer), the derivative has no one value
  to compare: srcdiff's derivative code is checked at a point moved 1e-3 off it instead;
* a function calling odeint is checked with every odeint solve (its own and srcdiff's
  derivative solves) at rtol = atol = 1e-10, since at ode_net's rtol=0.01 its output, and so
  any difference of it, is accurate to about 1e-2 only; one calling srcdiff.misc.fixed_point
  at 10 times the accuracy of the point it reaches (its last step over one minus the
  contraction measured at its end: fixed_points' tol=1e-4 leaves x within 4e-4);
* an argument of a user vector space (rkhs' RKHSFun: srcdiff.extend.VSpace.register), which
  has no array form, is checked along a random element v of its space (the example's own
  randn, drawn from the global generator seeded with 0 and put back): the space's inner
  product of the gradient with v against central differences of f(x + t v) in t; the
  autograd run projects its gradient on the same v;
* where autograd is installed (--no-autograd skips it), each example also runs unported under
  autograd, its gradients projected on the same directions: srcdiff's are compared with
  autograd's call by call where both were called at the same point (an example drawing its
  arguments unseeded is not compared), and an example failing under srcdiff with the same
  exception as under autograd is reported as such (bayesian_optimization).

Prints, per example: ran / refused (the first srcdiff error, located) / other error / ran
past the timeout (still running, its checks so far shown), the number of derivative checks
that agreed, disagreed and were undecided, how they were made, and autograd's run; last, how
many examples ran with every check agreeing. Exit status 1 if any check disagreed.
"""
import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

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
    # autograd.util.func (a method's function): srcdiff.extend's
    (r"^from autograd\.util import func$", r"from srcdiff.extend import func"),
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

SPACE_HELPERS = '''
def _space_direction(vs):
    """A random element of the user vector space vs (its own randn, drawn from the global
    generator seeded here and put back as it was: both runs draw the same one)."""
    state = np.random.get_state()
    np.random.seed(0)
    try:
        return vs.randn()
    finally:
        np.random.set_state(state)

def _space_digest(args, num, vs, v):
    """The call's point: the value of the user space as its inner products with v and
    itself, the other arguments flattened where they are arrays or containers of them."""
    x = args[num]
    every = [float(vs.inner_prod(x, v)), float(vs.inner_prod(x, x))]
    for i, a in enumerate(args):
        if i != num:
            try:
                every += [float(t) for t in np.ravel(np.asarray(srcdiff.flatten(a)[0], float))]
            except Exception:
                every += [float(t) for t in np.ravel(np.asarray(list(a), float))]
    return every
'''


CHECKED = '''"""srcdiff's transforms, each derivative's first two calls checked against central
differences (scripts/port_autograd_examples.py)."""
import json, os, numpy as np, srcdiff, srcdiff.extend
LOG = os.environ["PORT_LOG"]
flatten = srcdiff.flatten
''' + SPACE_HELPERS + '''
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

def _direction(flat):
    """The random direction every check of an argument projects on (the autograd run's too)."""
    v = np.random.default_rng(0).standard_normal(flat.shape)
    v[~np.isfinite(flat)] = 0.0   # log(0) = -inf (hmm_em): no difference moves it
    return v

def _digest(flat):
    """A few numbers telling whether two runs called a gradient at the same point."""
    flat = np.where(np.isfinite(flat), flat, 0.0)
    return [int(flat.size), float(np.sum(flat)), float(flat @ (np.arange(flat.size) % 7))]

def _value(f, args, replay):
    replay()
    try:
        return float(np.sum(f(*args)))
    except Exception:
        return float("nan")

def _solvers(f, args, replay):
    """(what, relative accuracy) of each solver f calls with an accuracy target of its own:
    odeint (its rtol) and srcdiff.misc.fixed_point (the distance of its last step over one
    minus the contraction measured at its end, relative to the point reached)."""
    import sys
    codes = {}
    if "scipy.integrate" in sys.modules:
        import scipy.integrate
        codes[getattr(scipy.integrate.odeint, "__code__", None)] = "odeint"
    if "srcdiff.misc" in sys.modules:
        codes[sys.modules["srcdiff.misc"].fixed_point.__code__] = "fixed_point"
    codes.pop(None, None)
    if not codes:
        return []
    seen = []
    def profile(frame, event, arg):
        if event != "return" or frame.f_code not in codes:
            return
        loc = frame.f_locals
        if codes[frame.f_code] == "odeint":
            rtol = loc.get("rtol")
            seen.append((f"odeint(..., rtol={rtol})",
                         1.49012e-8 if rtol is None else float(np.max(rtol))))
            return
        x, previous, step, tol = loc["x"], loc["previous"], loc["step"], loc["tol"]
        last = float(np.max(np.abs(np.asarray(x) - previous)))
        rho = float(np.max(np.abs(np.asarray(step(x)) - x))) / last if last > 0 else 0.0
        size = max(float(np.max(np.abs(x))), 1e-300)
        accuracy = last * rho / (1.0 - rho) / size if rho < 1.0 else float("inf")
        seen.append((f"fixed_point(..., tol={tol}) (contracting by {rho:.2f} a step at its "
                     f"end: x within {accuracy:.1e} relative)", accuracy))
    replay()
    sys.setprofile(profile)
    try:
        f(*args)
    finally:
        sys.setprofile(None)
    return seen

class _TightODE:
    """Within it, every odeint solve (the function's, and srcdiff's derivative solves) runs at
    rtol = atol = 1e-10 and up to 10**6 steps: the derivative code is then checked where the
    solver is accurate, at the same point and with the same code."""

    def __enter__(self):
        import scipy.integrate._odepack_py as odepack
        self.module, real = odepack, odepack._odepack
        class Tight:
            def __getattr__(self, name):
                return getattr(real, name)
            def odeint(self, *a):
                a = list(a)
                a[9], a[10], a[16] = 1e-10, 1e-10, 10 ** 6
                return real.odeint(*a)
        self.real, odepack._odepack = real, Tight()
        return self

    def __exit__(self, *exc):
        self.module._odepack = self.real

def _check(f, args, argnum, g, replay, projected=None, moved=None, tight=False):
    """(ok, differences, srcdiff's, how): g projected on a random direction against central
    differences of f along it. The step goes down by tens from 1e-6 (relative) until two
    steps in a row give differences that agree (a step crossing a kink, np.floor's or a
    max-pool's, disagrees with the smaller one); none agreeing: ok None, undecided. A
    function calling a solver with its own accuracy target (odeint's rtol, fixed_point's
    tol) is only that accurate, and is compared at 10 times it (never below 1e-4).
    `projected`, where given, is srcdiff's derivative along the direction already (a jvp).
    Where one-sided differences disagree at the point itself (a kink there: fluidsim's first
    call, all velocities zero, puts every np.floor at an integer), `moved(args)` gives
    srcdiff's derivative at a point moved off it, where the check is made instead; without
    it the check is undecided."""
    flat, unflatten = srcdiff.flatten(args[argnum])
    flat = np.asarray(flat, float)
    v = _direction(flat)
    finite = np.isfinite(flat)
    flat_norm = np.linalg.norm(np.where(finite, flat, 0.0))
    def at(t):
        replay()
        a = list(args)
        a[argnum] = unflatten(flat + t * v)
        return float(np.sum(f(*a)))
    if projected is None:
        gflat = np.asarray(srcdiff.flatten(g)[0], float)
        an = float(np.where(finite, gflat, 0.0) @ v)
    else:
        an = projected
    solvers = [] if tight else _solvers(f, args, replay)
    rtol, how = 1e-4, []
    if moved is not None and any(what.startswith("odeint") for what, _ in solvers):
        with _TightODE():
            replay()
            again = _check(f, args, argnum, moved(args), replay, tight=True)
        worst = max(solvers, key=lambda s: s[1])[0]
        return again[0], again[1], again[2], "; ".join(
            [f"with every odeint solve at rtol = atol = 1e-10 (the function's {worst} "
             "leaves its output, and so any difference of it, accurate to about rtol)"]
            + ([again[3]] if again[3] else []))
    if solvers:
        worst = max(solvers, key=lambda s: s[1])
        rtol = max(1e-4, 10 * worst[1])
        how.append(f"at rtol {rtol:.1e}, 10 x the accuracy of its {worst[0]}")
    # a solver's output moves by its tolerance as its steps change: larger steps there
    base = (1e-2 if tight else 1e-6) * max(1.0, flat_norm) / max(1.0, np.linalg.norm(v))
    fds, sides = [], []
    for k in range(6):
        eps = base * 10.0 ** -k
        plus, minus = at(eps), at(-eps)
        fds.append((plus - minus) / (2 * eps))
        sides.append((eps, plus, minus))
        if k and abs(fds[-1] - fds[-2]) <= rtol * max(1.0, abs(fds[-1]), abs(fds[-2])):
            break
    else:
        how.append(f"undecided: no two steps down to {eps:.0e} gave differences that agree "
                   f"({', '.join(f'{d:.6g}' for d in fds)}; srcdiff {an:.6g})")
        return None, fds[-1], an, "; ".join(how)
    if k > 1:
        how.append(f"step {eps:.0e} (larger steps' differences disagreed: a kink within "
                   "their reach)")
    fd, middle = fds[-1], at(0.0)
    right, left = (plus - middle) / eps, (middle - minus) / eps
    # the one-sided differences part by eps * f'' where f is smooth (a tenth at a tenth of
    # the step), by the jump of the slope at a kink at the point (the same at every step)
    before = (sides[-2][1] - 2 * middle + sides[-2][2]) / sides[-2][0]
    if abs(right - left) > rtol * max(1.0, abs(right), abs(left)) and \
            abs(right - left) > 0.3 * abs(before):
        # a kink at the point itself (np.floor at an integer, max-pool ties): the derivative
        # there is one of several; the derivative code is checked at a point moved off it
        if moved is None:
            how.append("undecided: a kink at the point itself (one-sided differences "
                       f"{left:.6g} and {right:.6g})")
            return None, fd, an, "; ".join(how)
        offset = np.random.default_rng(2).standard_normal(flat.shape) * 1e-3 * \
            max(1.0, flat_norm) / np.sqrt(max(1, flat.size))
        offset[~finite] = 0.0
        a = list(args)
        a[argnum] = unflatten(flat + offset)
        replay()
        g_moved = moved(a)
        again = _check(f, a, argnum, g_moved, replay)
        return again[0], again[1], again[2], "; ".join(
            how + [f"at a point moved 1e-3 off a kink at the call's own point (one-sided "
                   f"differences {left:.6g} and {right:.6g} there)"] + ([again[3]] if again[3]
                                                                       else []))
    return bool(abs(fd - an) <= rtol * max(1.0, abs(fd), abs(an))), fd, an, "; ".join(how)

def _check_space(f, args, argnum, g, replay, vs):
    """(ok, differences, srcdiff's, how, projected, at) for an argument of a user vector
    space (srcdiff.extend.VSpace.register), which has no array form: vs.inner_prod(g, v) for a
    random v of the space (its randn) against central differences of f(x + t v) in t."""
    v = _space_direction(vs)
    def at(t):
        replay()
        a = list(args)
        a[argnum] = vs.add(args[argnum], vs.scalar_mul(v, t))
        return float(np.sum(f(*a)))
    an = float(vs.inner_prod(g, v))
    fds, eps, ok = [], 1e-3, None
    for k in range(6):
        fds.append((at(eps) - at(-eps)) / (2 * eps))
        if k and abs(fds[-1] - fds[-2]) <= 1e-4 * max(1.0, abs(fds[-1]), abs(fds[-2])):
            ok = bool(abs(fds[-1] - an) <= 1e-4 * max(1.0, abs(fds[-1]), abs(an)))
            break
        eps /= 10
    replay()
    point = _space_digest(args, argnum, vs, v) + [_value(f, args, replay)]
    flat = np.asarray(point, float)
    digest = [int(flat.size), float(np.sum(flat)), float(flat @ (np.arange(flat.size) % 7))]
    how = ("along a random element of the user vector space " + type(vs).__name__ +
           " (its randn), projected with its inner product")
    return ok, fds[-1], an, how, an, digest

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
                vs = srcdiff.extend.vspace(args[num])
                if vs is not None:   # a value of a user vector space: no array form
                    try:
                        ok, fd, an, how, projected, at = _check_space(f, args, num, part,
                                                                      replay, vs)
                        _log(fn=name, stage="check", ok=ok, differences=fd, srcdiff=an,
                             how=how, wrapper=True, at=at, projected=projected)
                    except Exception as exc:
                        _log(fn=name, stage="check skipped", error=type(exc).__name__,
                             message=str(exc)[:300])
                    continue
                try:
                    def moved(a, num=num):
                        out = made(*a)
                        out = out[1] if kind == "value_and_grad" else out
                        return out[nums.index(num)] if isinstance(argnum, tuple) else out
                    ok, fd, an, how = _check(f, args, num, part, replay, moved=moved)
                    flat = np.asarray(srcdiff.flatten(args[num])[0], float)
                    gflat = np.asarray(srcdiff.flatten(part)[0], float)
                    _log(fn=name, stage="check", ok=ok, differences=fd, srcdiff=an, how=how,
                         wrapper=True, at=_digest(np.concatenate(   # every argument, and
                             [np.ravel(np.asarray(srcdiff.flatten(list(args))[0], float)),
                              [_value(f, args, replay)]])),   # f's value there
                         projected=float(   # at the call
                             np.where(np.isfinite(flat), gflat, 0.0) @ _direction(flat)))
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
            ok, fd, an, how = _check(total, args, argnum, srcdiff.grad(f, argnum)(*args),
                                     lambda: None)
            results.append(("grad", ok, fd, an, how))
        if "fwd" in modes:
            tangent = unflatten(_direction(np.asarray(flat, float)))
            an = float(np.sum(srcdiff.jvp(f, argnum)(*args, tangent)[1]))
            results.append(("jvp", *_check(total, args, argnum, None, lambda: None, an)))
        if order > 1 and ("rev" in modes or "fwd" in modes):
            g = srcdiff.grad(f, argnum)
            gv = lambda *a: float(np.asarray(srcdiff.flatten(g(*a))[0]) @ v)
            if "fwd" in modes:   # forward over reverse
                hv = srcdiff.hvp(f, argnum)(*args, unflatten(v))
            else:   # reverse over reverse, as autograd checks modes=["rev"]
                hv = srcdiff.vjp(g, argnum)(*args, unflatten(v))
            ok, fd, an, how = _check(gv, args, argnum, hv, lambda: None)
            results.append(("second order", ok, fd, an, how))
        for what, ok, fd, an, how in results:
            _log(fn=f"check_grads {what} of " + getattr(f, "__qualname__", "f"), stage="check",
                 ok=ok, differences=fd, srcdiff=an, how=how)
            assert ok is not False, f"check_grads: {what} {an} disagrees with differences {fd}"
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


# The second, independent check: the example unported, run by autograd itself, its gradients
# logged as the srcdiff run's are (projected on the same random direction).
AUTOGRAD_IMPORTS = [(r"^from autograd import (.*)", r"from autograd_checked import \1")]

AUTOGRAD_CHECKED = '''"""autograd's transforms, each gradient's first two calls logged projected on the
direction srcdiff's run checks along (scripts/port_autograd_examples.py)."""
import json, os, numpy as np, autograd, srcdiff
LOG = os.environ["PORT_LOG"]

def __getattr__(name):
    return getattr(autograd, name)
''' + SPACE_HELPERS + '''
def _user_space(x):
    """autograd's vector space of x where it is one of the example's own (not autograd's
    arrays, numbers and containers), else None."""
    from autograd.extend import VSpace
    maker = VSpace.mappings.get(type(x))
    if maker is None or getattr(maker, "__module__", "").startswith("autograd"):
        return None
    return maker(x)

def _value_at(f, args):
    """f's summed value at args (nan where it raises), NumPy's random state left as it was."""
    state = np.random.get_state()
    try:
        return float(np.sum(f(*args)))
    except Exception:
        return float("nan")
    finally:
        np.random.set_state(state)

def _wrap(kind, transform, f, argnum, *targs, **tkw):
    made = transform(f, argnum, *targs, **tkw)
    calls = [0]
    def logged(*args, **kw):
        out = made(*args, **kw)
        vs = _user_space(args[argnum]) if calls[0] < 2 and not kw and \
            isinstance(argnum, int) else None
        if vs is not None:   # a value of a user vector space: the same projection
            calls[0] += 1
            v = _space_direction(vs)
            g = out[1] if kind == "value_and_grad" else out
            value = _value_at(f, args)
            flat = np.asarray(_space_digest(args, argnum, vs, v) + [value], float)
            with open(LOG, "a") as fh:
                fh.write(json.dumps({"stage": "autograd", "fn": getattr(f, "__qualname__", "f"),
                                     "autograd": float(vs.inner_prod(g, v)),
                                     "at": [int(flat.size), float(np.sum(flat)),
                                            float(flat @ (np.arange(flat.size) % 7))]}) + "\\n")
            return out
        if calls[0] < 2 and not kw:
            try:   # args autograd is tracing (a gradient of this gradient) are not logged
                flat = np.asarray(srcdiff.flatten(args[argnum])[0], float)
                g = np.asarray(srcdiff.flatten(out[1] if kind == "value_and_grad" else out)[0],
                               float)
            except Exception:
                return out
            calls[0] += 1
            v = np.random.default_rng(0).standard_normal(flat.shape)
            v[~np.isfinite(flat)] = 0.0
            with open(LOG, "a") as fh:
                every = np.ravel(np.asarray(srcdiff.flatten(list(args))[0], float))
                value = _value_at(f, args)
                every = np.concatenate([every, [value]])
                every = np.where(np.isfinite(every), every, 0.0)
                at = [int(every.size), float(np.sum(every)),
                      float(every @ (np.arange(every.size) % 7))]
                fh.write(json.dumps({"stage": "autograd", "fn": getattr(f, "__qualname__", "f"),
                                     "autograd": float(np.where(np.isfinite(flat), g, 0.0) @ v),
                                     "at": at})
                         + "\\n")
        return out
    return logged

def grad(f, argnum=0, *a, **k):
    return _wrap("grad", autograd.grad, f, argnum, *a, **k)

def value_and_grad(f, argnum=0, *a, **k):
    return _wrap("value_and_grad", autograd.value_and_grad, f, argnum, *a, **k)
'''


def port(examples, folder, imports=None, checked=("srcdiff_checked.py", None)):
    imports = IMPORTS if imports is None else imports
    shutil.copytree(examples, folder, dirs_exist_ok=True)
    for dirpath, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                with open(path) as fh:
                    lines = fh.read().splitlines()
                for i, line in enumerate(lines):
                    for pattern, replacement in imports:
                        new = re.sub(pattern, replacement, line)
                        if new != line:
                            lines[i] = new
                            break
                with open(path, "w") as fh:
                    fh.write("\n".join(lines) + "\n")
    stand_ins = os.path.join(folder, "_stand_ins")
    os.makedirs(os.path.join(stand_ins, "matplotlib"), exist_ok=True)
    for path, text in [(os.path.join(stand_ins, "matplotlib", "__init__.py"), MATPLOTLIB),
                       (os.path.join(stand_ins, checked[0]), checked[1] or CHECKED),
                       (os.path.join(folder, "data_mnist.py"), MNIST)]:
        with open(path, "w") as fh:
            fh.write(text)
    return stand_ins


SRCDIFF_ERRORS = ("SrcdiffError", "UnsupportedCodeError", "NoRuleError", "RuleError",
                  "ArgumentError", "RuntimeRefusal")


def run(script, folder, stand_ins, timeout):
    """(status, the exception's line, the log's records) of one example run in `folder`."""
    log = os.path.join(folder, "log.jsonl")
    open(log, "w").close()
    env = dict(os.environ, PORT_LOG=log, MPLBACKEND="Agg", PYTHONPATH=os.pathsep.join(
        [stand_ins, folder, ROOT, os.environ.get("PYTHONPATH", "")]))
    where = os.path.join(folder, os.path.dirname(script))
    try:
        done = subprocess.run([sys.executable, os.path.basename(script)], cwd=where, env=env,
                              capture_output=True, text=True, timeout=timeout)
        status = "ran" if done.returncode == 0 else "error"
        lines = done.stderr.strip().splitlines() or [""]
        raised = [ln for ln in lines if re.match(r"^[\w.]+(Error|Refusal|Exception)\b", ln)]
        tail = (raised or lines)[-1]   # the exception's own line, not a hint after it
    except subprocess.TimeoutExpired:
        status, tail = "ran past the timeout", ""
    with open(log) as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    return status, tail, records


def _exception(tail):
    """'Type: message' of an exception line, without module paths and file names."""
    kind, _, message = tail.partition(": ")
    return kind.rpartition(".")[2], re.sub(r"/\S+:\d+(:\d+)?: ", "", message)


def compare_with_autograd(records, theirs):
    """(agreed, disagreed, not compared) of srcdiff's gradients against autograd's, call by
    call (the wrapped grad and value_and_grad calls, in order), at each check's tolerance;
    a call with other arguments, or where the function's value differs (an example drawing
    its data unseeded), is not compared."""
    ours = [r for r in records if r.get("wrapper") and r.get("stage") == "check"]
    theirs = [r for r in theirs if r.get("stage") == "autograd"]
    agreed, disagreed, apart = 0, [], 0
    for mine, other in zip(ours, theirs):
        if not np.allclose(mine.get("at"), other.get("at"), rtol=1e-9, atol=1e-12):
            apart += 1
            continue
        rtol = 1e-4
        match = re.search(r"at rtol ([0-9.e+-]+)", mine.get("how", ""))
        if match:
            rtol = float(match.group(1))
        a, b = mine["projected"], other["autograd"]
        if abs(a - b) <= rtol * max(1.0, abs(a), abs(b)):
            agreed += 1
        else:
            disagreed.append((mine["fn"], a, b))
    return agreed, disagreed, apart


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("examples", help="autograd's examples/ folder")
    parser.add_argument("names", nargs="*", help="examples to run (default: all)")
    parser.add_argument("--timeout", type=float, default=150.0)
    parser.add_argument("--no-autograd", action="store_true",
                        help="skip the second check (each example run by autograd itself)")
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="srcdiff-port-")
    stand_ins = port(args.examples, folder)
    theirs_folder = None
    if not args.no_autograd and importlib.util.find_spec("autograd") is not None:
        theirs_folder = tempfile.mkdtemp(prefix="srcdiff-port-autograd-")
        theirs_stand_ins = port(args.examples, theirs_folder, AUTOGRAD_IMPORTS,
                                ("autograd_checked.py", AUTOGRAD_CHECKED))
    scripts = sorted(os.path.relpath(os.path.join(d, n), folder)
                     for d, _, files in os.walk(folder) for n in files
                     if n.endswith(".py") and "_stand_ins" not in d
                     and n not in ("__init__.py", "data.py", "data_mnist.py"))
    if args.names:
        scripts = [s for s in scripts if os.path.splitext(os.path.basename(s))[0] in args.names]
    wrong, passing = 0, 0
    for script in scripts:
        status, tail, records = run(script, folder, stand_ins, args.timeout)
        agreed = sum(1 for r in records if r.get("ok") is True)
        disagreed = [r for r in records if r.get("ok") is False]
        undecided = [r for r in records if r.get("stage") == "check" and r.get("ok") is None]
        wrong += len(disagreed)
        refused = [r for r in records if r["stage"] in ("transform", "call")
                   and r.get("error") in SRCDIFF_ERRORS]
        if status == "error" and refused:
            status, tail = "refused", refused[0]["message"].splitlines()[0]
        elif status == "error" and _exception(tail)[0] in SRCDIFF_ERRORS:
            status = "refused"   # before any derivative was asked for
        print(f"{script}: {status}; derivative checks {agreed} agreed, {len(disagreed)} "
              f"disagreed" + (f", {len(undecided)} undecided" if undecided else "")
              + (f"\n    {tail}" if status in ("error", "refused") else ""))
        for note in sorted({r["how"] for r in records if r.get("how")}):
            print(f"    checked {note}")
        for r in disagreed:
            print(f"    DISAGREED {r['fn']}: differences {r['differences']!r}, "
                  f"srcdiff {r['srcdiff']!r}")
        theirs_fail = False
        if theirs_folder is not None:
            their_status, their_tail, theirs = run(script, theirs_folder, theirs_stand_ins,
                                                   args.timeout)
            same, other, apart = compare_with_autograd(records, theirs)
            wrong += len(other)
            line = f"    autograd itself: {their_status}"
            if their_status == "error":
                line += f" ({their_tail})"
                if status == "error" and _exception(their_tail) == _exception(tail):
                    line += ": the example fails under autograd the same way"
                    theirs_fail = True
            print(line + (f"; srcdiff's gradients against autograd's: {same} agreed, "
                          f"{len(other)} disagreed" if same or other else "")
                  + (f"; {apart} not compared (called with other arguments or data: drawn "
                     "unseeded, or read from the example's own, ported, file)" if apart else ""))
            for fn, a, b in other:
                print(f"    DISAGREED WITH AUTOGRAD {fn}: srcdiff {a!r}, autograd {b!r}")
        if status in ("ran", "ran past the timeout") and not disagreed and not undecided \
                and not (theirs_folder is not None and other):
            passing += 1   # (a training loop past the timeout: its checks so far)
        elif theirs_fail:
            print("    (not counted against srcdiff: autograd fails it too)")
    print(f"{passing} of {len(scripts)} ran (some until the timeout) with no check disagreeing "
          "or undecided")
    shutil.rmtree(folder, ignore_errors=True)
    if theirs_folder is not None:
        shutil.rmtree(theirs_folder, ignore_errors=True)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
