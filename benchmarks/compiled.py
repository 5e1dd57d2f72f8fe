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
- first call of srcdiff-numba in a fresh process, with an empty disk cache and with the
  cache the previous process left (the median of --first-runs processes each).
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


# ---- the compiled path's own targets ------------------------------------------------------

FIRST_CALL = """
import sys, time
t0 = time.perf_counter()
import numpy as np
sys.path.insert(0, {benchmarks!r})
import srcdiff, workloads
t1 = time.perf_counter()
g = srcdiff.grad(workloads.{fn}, jit=True)
g(np.array(0.7))
t2 = time.perf_counter()
print(t2 - t1)
"""


def first_call(fn_name, runs):
    """Seconds from `srcdiff.grad(f, jit=True)` to its first value, in fresh processes:
    (median with an empty cache, median with the cache the process before left)."""
    cold, warm = [], []
    script = FIRST_CALL.format(benchmarks=HERE, fn=fn_name)
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, SRCDIFF_CACHE_DIR=tmp, PYTHONPATH=ROOT)
            for out in (cold, warm):
                done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT,
                                      capture_output=True, text=True, check=True)
                out.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(cold), statistics.median(warm)


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


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", action="store_true",
                    help="also write the table into docs/benchmarks.md (its own section)")
    ap.add_argument("--repeat", type=int, default=15, help="paired rounds (median taken)")
    ap.add_argument("--min-time", type=float, default=0.2, help="seconds per sample")
    ap.add_argument("--first-runs", type=int, default=5, help="fresh processes per first call")
    opts = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
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
    for fn_name in ("scalar_loop", "control_flow"):
        cold, warm = first_call(fn_name, opts.first_runs)
        lines.append(f"- first call of `srcdiff.grad({fn_name}, jit=True)` in a fresh process "
                     f"(after `import srcdiff`): {cold:.2f} s with an empty cache, "
                     f"{warm:.2f} s with the disk cache")
        print(lines[-1], flush=True)
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
