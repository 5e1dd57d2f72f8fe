"""Item-write loops: srcdiff's NumPy path and srcdiff-numba against lean hand adjoints.

Three loops that write an array item by item, T = 1000 items each, differentiated with
respect to the array and the scalar coefficient (a 0-d array) where there is one:

* the recurrence `y[t] = a * y[t - 1] + x[t]`;
* a stencil sweep `u_new[i] = u[i] + c * (u[i - 1] - 2 * u[i] + u[i + 1])`;
* a cumulative sum `s[t] = s[t - 1] + x[t]`.

Each has a *lean* hand-written NumPy adjoint in the same loop form (a forward loop, then
one backward loop over the items, nothing saved but the array itself): what a careful
person writes for this loop when only the gradient is wanted. Every gradient is checked
against srcdiff's NumPy path before timing. compiled.py's `--item-writes` runs
`item_write_lines` (paired, interleaved rounds of run.py; a ratio is the median of the
rounds' ratios, the middle half in brackets) and writes its lines into docs/benchmarks.md.
"""
import os
import statistics

import numpy as np

STEPS = 1000


def recurrence(x, a):
    """A linear recurrence written item by item."""
    y = np.zeros_like(x)
    y[0] = x[0]
    for t in range(1, x.shape[0]):
        y[t] = a * y[t - 1] + x[t]
    return np.sum(y ** 2)


def recurrence_lean(x, a):
    """Its gradient (x and a) as a lean hand-written NumPy adjoint: the forward loop, then
    one backward loop over the items, nothing saved but y."""
    n = x.shape[0]
    y = np.empty_like(x)
    y[0] = x[0]
    for t in range(1, n):
        y[t] = a * y[t - 1] + x[t]
    gy = 2.0 * y
    gx = np.empty_like(x)
    ga = 0.0
    for t in range(n - 1, 0, -1):
        g = gy[t]
        gx[t] = g
        ga += g * y[t - 1]
        gy[t - 1] += a * g
    gx[0] = gy[0]
    return gx, np.array(ga)


def stencil(u, c):
    """One explicit diffusion step written item by item (the ends kept)."""
    n = u.shape[0]
    u_new = u.copy()
    for i in range(1, n - 1):
        u_new[i] = u[i] + c * (u[i - 1] - 2.0 * u[i] + u[i + 1])
    return np.sum(u_new ** 2)


def stencil_lean(u, c):
    """Its gradient (u and c), lean: the forward sweep, then one backward sweep that
    computes each item's Laplacian again instead of keeping it."""
    n = u.shape[0]
    u_new = u.copy()
    for i in range(1, n - 1):
        u_new[i] = u[i] + c * (u[i - 1] - 2.0 * u[i] + u[i + 1])
    g = 2.0 * u_new
    gu = np.zeros_like(u)
    gu[0], gu[n - 1] = g[0], g[n - 1]   # the ends pass through
    gc = 0.0
    for i in range(n - 2, 0, -1):
        gi = g[i]
        gc += gi * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        cg = c * gi
        gu[i] += gi - 2.0 * cg
        gu[i - 1] += cg
        gu[i + 1] += cg
    return gu, np.array(gc)


def cumulative(x):
    """A cumulative sum written item by item."""
    s = np.zeros_like(x)
    s[0] = x[0]
    for t in range(1, x.shape[0]):
        s[t] = s[t - 1] + x[t]
    return np.sum(s ** 2)


def cumulative_lean(x):
    """Its gradient, lean: the forward loop, then the adjoint carried back item by item."""
    n = x.shape[0]
    s = np.empty_like(x)
    s[0] = x[0]
    for t in range(1, n):
        s[t] = s[t - 1] + x[t]
    gs = 2.0 * s
    gx = np.empty_like(x)
    for t in range(n - 1, 0, -1):
        gx[t] = gs[t]
        gs[t - 1] += gs[t]
    gx[0] = gs[0]
    return gx


def _vector_and_scalar(value):
    def make(rng):
        return rng.normal(size=STEPS), np.array(value)
    return make


# (key, row title, function, lean adjoint, inputs, wrt)
WORKLOADS = [
    ("recurrence", f"recurrence `y[t] = a * y[t - 1] + x[t]`, T = {STEPS}", recurrence,
     recurrence_lean, _vector_and_scalar(0.9), (0, 1)),
    ("stencil", f"stencil `u_new[i] = u[i] + c * (u[i-1] - 2 u[i] + u[i+1])`, T = {STEPS}",
     stencil, stencil_lean, _vector_and_scalar(0.1), (0, 1)),
    ("cumsum", f"cumulative sum `s[t] = s[t - 1] + x[t]`, T = {STEPS}", cumulative,
     cumulative_lean, lambda rng: (rng.normal(size=STEPS),), (0,)),
]

WRITES_START = "<!-- item writes: python benchmarks/compiled.py --item-writes --docs -->"
WRITES_END = "<!-- /item writes -->"


def _load():
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def gradients(key):
    """(srcdiff NumPy path, lean, srcdiff-numba or None, args) for one workload."""
    import srcdiff
    _, _, fn, lean, make, wrt = next(w for w in WORKLOADS if w[0] == key)
    args = make(np.random.default_rng(0))
    numpy_path = srcdiff.grad(fn, wrt=wrt if len(wrt) > 1 else wrt[0])
    try:
        compiled = srcdiff.grad(fn, wrt=wrt if len(wrt) > 1 else wrt[0], jit=True)
        compiled(*args)
    except ImportError:
        compiled = None
    return numpy_path, lean, compiled, args


def item_write_lines(repeat, min_time):
    """The item-write table: each loop's gradient on the NumPy path, by the lean hand
    adjoint and by srcdiff-numba (each checked against the NumPy path first)."""
    import run
    lines = [WRITES_START, "",
             "| item-write loop | srcdiff NumPy path | lean hand NumPy adjoint | srcdiff-numba "
             "| NumPy path / lean | NumPy path / numba | lean / numba |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for key, title, *_ in WORKLOADS:
        numpy_path, lean, compiled, args = gradients(key)
        want = numpy_path(*args)
        impls = {"numpy": (numpy_path, args), "lean": (lean, args)}
        if compiled is not None:
            impls["srcdiff-numba"] = (compiled, args)
        for name, (fn, _) in impls.items():
            wrong = run.mismatch(fn(*args), want)
            if wrong:
                raise SystemExit(f"{key}: {name}'s gradient is WRONG: {wrong}")
        samples, _ = run.time_paired(impls, repeat, min_time)
        med = {k: statistics.median(v) for k, v in samples.items()}
        lines.append(
            f"| {title} | {run.fmt_time(med['numpy'])} | {run.fmt_time(med['lean'])} | "
            f"{run.fmt_time(med.get('srcdiff-numba'))} | "
            f"{run.fmt_spread(run.paired_ratio(samples, 'numpy', 'lean'))} | "
            f"{run.fmt_spread(run.paired_ratio(samples, 'numpy', 'srcdiff-numba'))} | "
            f"{run.fmt_spread(run.paired_ratio(samples, 'lean', 'srcdiff-numba'))} |")
        print(lines[-1], flush=True)
    lines += ["", f"- gradients with respect to the array and the coefficient (a 0-d array); "
              f"{repeat} paired rounds, {os.cpu_count()} cores, load average at the end "
              f"{_load()}. The lean adjoints (benchmarks/item_writes.py) are loops of the "
              "same form: a forward loop, then one backward loop over the items, nothing "
              "saved but the array", "", WRITES_END]
    return lines
