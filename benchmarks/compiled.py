"""Compiled peers of the benchmark suite: srcdiff's Numba path and JAX, when installed.

* srcdiff-numba: `srcdiff.grad(f, jit=True)` on the workload functions themselves (the
  emitted gradient compiled by Numba; `pip install srcdiff[numba]`). A workload Numba
  cannot compile has no entry (its column shows a dash).
* jax: `jax.jit(jax.grad(...))` of a line-for-line jax.numpy translation, float64
  (`jax_enable_x64`); the scalar loop as `lax.fori_loop`, the RNN as `lax.scan`. The
  control-flow function has none: its while loop depends on the data, which
  `jax.grad` cannot reverse through `lax.while_loop` (and `jax.jit` cannot trace as a
  Python loop).

run.py adds both to its peers (`available()`, `peer_gradients(key, inputs, wrt)`, the
interface of peers.py). Run on its own, this file measures the compiled path's targets
of issue #16 and prints a Markdown table:

    python benchmarks/compiled.py [--repeat 15] [--docs]

- scalar loop: srcdiff-numba against jax.jit(grad) with lax.fori_loop, same run;
- control-flow function: srcdiff-numba against srcdiff's NumPy path;
- item-write loops (benchmarks/item_writes.py: a recurrence, a stencil, a cumulative sum,
  T = 1000) against the NumPy path and lean hand-written NumPy adjoints (`--item-writes`
  measures only them and, with --docs, rewrites only their lines of the section);
- first call of srcdiff-numba in a fresh process, with an empty disk cache and with the
  cache a previous process left (the median of --first-runs processes each), wall and CPU
  time, beside Numba's own floor: `import numba` and the first call of a one-line
  `@numba.njit(cache=True)` function, with and without srcdiff's deferred BLAS check.
"""
import os
import sys

for _v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # the library's own kernel choice
    os.environ.pop(_v, None)

import argparse     # noqa: E402
import importlib.util  # noqa: E402
import statistics   # noqa: E402
import subprocess   # noqa: E402
import tempfile     # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import workloads    # noqa: E402

HAS_NUMBA = importlib.util.find_spec("numba") is not None
HAS_JAX = importlib.util.find_spec("jax") is not None


def available():
    return (["srcdiff-numba"] if HAS_NUMBA else []) + (["jax"] if HAS_JAX else [])


def versions():
    out = {}
    from importlib.metadata import version
    for name, ok in (("numba", HAS_NUMBA), ("jax", HAS_JAX)):
        if ok:
            try:
                out[name] = version(name)
            except Exception:
                out[name] = "?"
    return out


# ---- srcdiff's Numba path ------------------------------------------------------------------

def _numba_gradient(key, inputs, wrt):
    import srcdiff
    from srcdiff.numba_backend import NumbaUnsupported
    fn = {w.key: w.fn for w in workloads.WORKLOADS}[key]
    g = srcdiff.grad(fn, wrt=wrt if len(wrt) > 1 else wrt[0], jit=True)
    try:
        g(*inputs)  # compiles (or refuses) here, not in the timed calls
    except NumbaUnsupported:
        return None
    return lambda: g(*inputs)


# ---- JAX -----------------------------------------------------------------------------------

def _jax_functions():
    import jax
    import jax.numpy as jnp
    from jax import lax

    def mlp_loss(w1, b1, w2, b2, x, labels):
        h = jnp.tanh(x @ w1 + b1)
        logits = h @ w2 + b2
        shifted = logits - jnp.max(logits, axis=1, keepdims=True)
        log_probs = shifted - jnp.log(jnp.sum(jnp.exp(shifted), axis=1, keepdims=True))
        return -jnp.mean(jnp.sum(log_probs * labels, axis=1))

    def rnn_loss(wx, wh, b, xs, h0):
        def step(carry, x):
            h, loss = carry
            h = jnp.tanh(x @ wx + h @ wh + b)
            return (h, loss + jnp.sum(h * h)), None
        (h, loss), _ = lax.scan(step, (h0, 0.0), xs)
        return loss

    def scalar_loop(x):
        def body(i, carry):
            x, acc = carry
            x = jnp.sin(x) * x + 0.1
            return x, acc + x
        return lax.fori_loop(0, 1000, body, (x, 0.0))[1]

    def logsumexp(a):
        m = jnp.max(a, axis=1, keepdims=True)
        return jnp.sum(m + jnp.log(jnp.sum(jnp.exp(a - m), axis=1, keepdims=True)))

    return jax, {"mlp": mlp_loss, "rnn": rnn_loss, "scalar_loop": scalar_loop,
                 "logsumexp": logsumexp}


def _jax_gradient(key, inputs, wrt):
    jax, fns = _jax_functions()
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    if key not in fns:
        return None
    g = jax.jit(jax.grad(fns[key], argnums=wrt if len(wrt) > 1 else wrt[0]))
    args = [jax.numpy.asarray(a) for a in inputs]

    def run():
        out = g(*args)
        if isinstance(out, tuple):
            return tuple(np.asarray(o) for o in out)
        return np.asarray(out)
    run()  # traces and compiles here
    return run


def peer_gradients(key, inputs, wrt):
    """{peer name: zero-argument callable returning the gradient(s)}, as peers.py."""
    out = {}
    for name, make, ok in (("srcdiff-numba", _numba_gradient, HAS_NUMBA),
                           ("jax", _jax_gradient, HAS_JAX)):
        if not ok:
            continue
        run = make(key, inputs, wrt)
        if run is not None:
            out[name] = run
    return out


# ---- item-write loops (benchmarks/item_writes.py) ------------------------------------------

from item_writes import WRITES_END, WRITES_START, item_write_lines  # noqa: E402


# ---- the compiled path's own targets ------------------------------------------------------

FIRST_CALL = """
import sys, time
import numpy as np
sys.path.insert(0, {benchmarks!r})
import srcdiff, workloads
t0, c0 = time.perf_counter(), time.process_time()
g = srcdiff.grad(workloads.{fn}, jit=True)
g(np.array(0.7))
print(time.perf_counter() - t0, time.process_time() - c0)
"""

# Numba's own fixed cost, the floor under any first call of a compiled derivative: `import
# numba` and the first call of a one-line function compiled with cache=True (from its disk
# cache when warm). Numba's set-up at that call imports scipy.linalg to find BLAS; srcdiff
# defers that (runtime_numba.defer_blas_check), which FLOOR_DEFERRED measures as well.
FLOOR = """
import sys, time
import numpy as np
sys.path.insert(0, {cache!r})
t0, c0 = time.perf_counter(), time.process_time()
{defer}import numba
import one_line
one_line.f(0.5)
print(time.perf_counter() - t0, time.process_time() - c0)
"""
ONE_LINE = """import numba


@numba.njit(cache=True)
def f(x):
    return x + 1.0
"""
DEFER = "import srcdiff.runtime_numba; srcdiff.runtime_numba.defer_blas_check()\n"


def _fresh(script, env, runs, keep_cache):
    """(median wall, median CPU) seconds the script prints, over fresh processes; the
    cache directory emptied before each run unless keep_cache (then warmed once first)."""
    wall, cpu = [], []
    for k in range(runs + keep_cache):
        with tempfile.TemporaryDirectory() as tmp:
            cache = env.get("SRCDIFF_CACHE_DIR") if keep_cache else tmp
            run_env = dict(env, SRCDIFF_CACHE_DIR=cache)
            text = script.replace("@CACHE@", cache)
            if "one_line" in text:
                with open(os.path.join(cache, "one_line.py"), "w") as fh:
                    fh.write(ONE_LINE)
            done = subprocess.run([sys.executable, "-c", text], env=run_env, cwd=ROOT,
                                  capture_output=True, text=True, check=True)
        if keep_cache and k == 0:
            continue  # the run that fills the cache
        w, c = done.stdout.strip().splitlines()[-1].split()
        wall.append(float(w))
        cpu.append(float(c))
    return statistics.median(wall), statistics.median(cpu)


def first_call(fn_name, runs):
    """{"empty": (wall, cpu), "warm": (wall, cpu)}: seconds from `srcdiff.grad(f,
    jit=True)` to its first value in fresh processes, medians over `runs` processes each,
    with an empty disk cache and with the cache a previous process left."""
    script = FIRST_CALL.format(benchmarks=HERE, fn=fn_name)
    return _first_calls(script, runs)


def numba_floor(runs, deferred=False):
    """The same for a bare `@numba.njit(cache=True)` one-line function (import numba
    included): Numba's own fixed cost; deferred: with srcdiff's deferred BLAS check."""
    script = FLOOR.format(cache="@CACHE@", defer=DEFER if deferred else "")
    return _first_calls(script, runs)


def _first_calls(script, runs):
    env = dict(os.environ, PYTHONPATH=ROOT)
    with tempfile.TemporaryDirectory() as warm_dir:
        env["SRCDIFF_CACHE_DIR"] = warm_dir
        return {"empty": _fresh(script, env, runs, False),
                "warm": _fresh(script, env, runs, True)}


DOCS_START = "<!-- compiled: written by python benchmarks/compiled.py --docs -->"
DOCS_END = "<!-- /compiled -->"
DOCS = os.path.join(ROOT, "docs", "benchmarks.md")


def section(table_lines):
    return "\n".join([DOCS_START, "## The compiled path (Numba)", "",
                      "`srcdiff.grad(f, jit=True)` compiles the emitted gradient with Numba "
                      "(srcdiff/numba_backend.py). Measured by `python benchmarks/compiled.py` "
                      "(paired, interleaved rounds of process CPU time as run.py; a ratio is "
                      "the median of the rounds' ratios, the middle half in brackets):", ""]
                     + table_lines + ["", DOCS_END])


def write_section(text, path=DOCS):
    """Put the section into docs/benchmarks.md (replacing the one there)."""
    with open(path) as fh:
        old = fh.read()
    start, end = old.find(DOCS_START), old.find(DOCS_END)
    if start >= 0 and end > start:
        new = old[:start] + text + old[end + len(DOCS_END):]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    with open(path, "w") as fh:
        fh.write(new)


def write_item_lines(lines, path=DOCS):
    """Replace the item-write lines of the section (or put them before its end)."""
    with open(path) as fh:
        old = fh.read()
    text = "\n".join(lines)
    start, end = old.find(WRITES_START), old.find(WRITES_END)
    if start >= 0 and end > start:
        new = old[:start] + text + old[end + len(WRITES_END):]
    elif old.find(DOCS_END) >= 0:
        at = old.find(DOCS_END)
        new = old[:at] + text + "\n\n" + old[at:]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    with open(path, "w") as fh:
        fh.write(new)


def keep_section(path, text):
    """run.py rewrites docs/benchmarks.md: the compiled path's section, measured by this
    file, stays (appended to the new text)."""
    try:
        with open(path) as fh:
            old = fh.read()
    except OSError:
        return text
    start, end = old.find(DOCS_START), old.find(DOCS_END)
    if start < 0 or end < start:
        return text
    return text.rstrip("\n") + "\n\n" + old[start:end + len(DOCS_END)] + "\n"


def tanh_gap_line(steps=50, shape=(32, 128)):
    """Why the RNN row is below 1: one np.tanh of a step's state, in Numba and in NumPy
    (the matrix products of a step call the same BLAS on both paths)."""
    import timeit
    import numba
    x = np.random.default_rng(0).normal(size=shape)
    compiled = numba.njit(lambda v: np.tanh(v))
    compiled(x)

    def best(fn):
        return min(timeit.repeat(lambda: fn(x), number=200, repeat=7)) / 200

    numba_t, numpy_t = best(compiled), best(np.tanh)
    return (f"- the RNN row: the matrix products of a step call the same BLAS on both paths; "
            f"np.tanh of a step's {shape[0]}x{shape[1]} state takes {numba_t * 1e6:.1f} µs "
            f"compiled by Numba (the C library's tanh, one element at a time) and "
            f"{numpy_t * 1e6:.1f} µs in NumPy (vectorised), so {steps} steps spend "
            f"{steps * numba_t * 1e3:.2f} ms in tanh on the Numba path against "
            f"{steps * numpy_t * 1e3:.2f} ms on NumPy's: the whole gap (Numba has no "
            f"vectorised tanh without Intel's SVML; a formula through exp would change the "
            f"values in their last bits and gained only 1.3x)")


def first_call_lines(runs):
    """The first-call lines of the docs: srcdiff's, and Numba's own floor under them."""
    def both(pair):
        return f"{pair[0]:.2f} s ({pair[1]:.2f} s CPU)"

    out = []
    floor = numba_floor(runs)
    deferred = numba_floor(runs, deferred=True)
    for fn_name in ("scalar_loop", "control_flow"):
        t = first_call(fn_name, runs)
        out.append(f"- first call of `srcdiff.grad({fn_name}, jit=True)` in a fresh process "
                   f"(after `import srcdiff`): {both(t['empty'])} with an empty cache, "
                   f"{both(t['warm'])} with the disk cache; over Numba's floor with the "
                   f"cache (below, BLAS check deferred as srcdiff does): "
                   f"+{t['warm'][0] - deferred['warm'][0]:.2f} s "
                   f"(+{t['warm'][1] - deferred['warm'][1]:.2f} s CPU)")
        print(out[-1], flush=True)
    out.append(f"- Numba's own floor, `import numba` and the first call of a one-line "
               f"`@numba.njit(cache=True)` function in a fresh process: {both(floor['empty'])} "
               f"with an empty cache, {both(floor['warm'])} with its disk cache; with the "
               f"BLAS check deferred (srcdiff's runtime_numba.defer_blas_check, which keeps "
               f"Numba's set-up from importing scipy.linalg): {both(deferred['empty'])} and "
               f"{both(deferred['warm'])}")
    print(out[-1], flush=True)
    out.append(f"- first calls: the median of {runs} fresh processes each; wall time counts "
               "the other jobs of a loaded machine, CPU time (the process's own) less so")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", action="store_true",
                    help="also write the table into docs/benchmarks.md (its own section)")
    ap.add_argument("--repeat", type=int, default=15, help="paired rounds (median taken)")
    ap.add_argument("--min-time", type=float, default=0.2, help="seconds per sample")
    ap.add_argument("--first-runs", type=int, default=5, help="fresh processes per first call")
    ap.add_argument("--first-only", action="store_true",
                    help="measure the first calls only (no table, no --docs)")
    ap.add_argument("--item-writes", action="store_true",
                    help="measure the item-write loop only (--docs: rewrite its lines only)")
    opts = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if opts.first_only:
        first_call_lines(opts.first_runs)
        return
    if opts.item_writes:
        writes = item_write_lines(opts.repeat, opts.min_time)
        print("\n".join(writes[2:-2]), flush=True)
        if opts.docs:
            write_item_lines(writes)
            print(f"wrote the item-write lines of {DOCS}")
        return
    import run                           # the suite's paired timing
    import srcdiff
    lines = ["| workload | srcdiff NumPy path | srcdiff-numba | jax.jit(grad) | "
             "NumPy path / numba | jax / numba |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for key in ("scalar_loop", "control_flow", "rnn"):
        w = {w.key: w for w in workloads.WORKLOADS}[key]
        args = w.make_inputs(np.random.default_rng(0))
        wrt = w.wrt if len(w.wrt) > 1 else w.wrt[0]
        numpy_path = srcdiff.grad(w.fn, wrt=wrt)
        want = numpy_path(*args)
        impls = {"numpy": (numpy_path, args)}
        for name, fn in peer_gradients(key, args, w.wrt).items():
            wrong = run.mismatch(fn(), want)
            if wrong:
                raise SystemExit(f"{key}: {name}'s gradient is WRONG: {wrong}")
            impls[name] = (fn, ())
        samples, _ = run.time_paired(impls, opts.repeat, opts.min_time)
        med = {k: statistics.median(v) for k, v in samples.items()}
        speed = run.paired_ratio(samples, "numpy", "srcdiff-numba")
        jax_ratio = run.paired_ratio(samples, "jax", "srcdiff-numba")
        lines.append(f"| {w.title} | {run.fmt_time(med['numpy'])} | "
                     f"{run.fmt_time(med.get('srcdiff-numba'))} | "
                     f"{run.fmt_time(med.get('jax'))} | {run.fmt_spread(speed)} | "
                     f"{run.fmt_spread(jax_ratio)} |")
        print(lines[-1], flush=True)
    lines.append("")
    lines += item_write_lines(opts.repeat, opts.min_time)
    lines.append("")
    lines.append(tanh_gap_line())
    print(lines[-1], flush=True)
    lines += first_call_lines(opts.first_runs)
    versions_line = ", ".join(f"{k} {v}" for k, v in versions().items())
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    lines.append(f"- {opts.repeat} paired rounds, one BLAS thread; {versions_line}; "
                 f"{os.cpu_count()} cores, load average at the end {load}")
    print("\n".join(lines))
    if opts.docs:
        write_section(section(lines))
        print(f"wrote the section of {DOCS}")


if __name__ == "__main__":
    main()
