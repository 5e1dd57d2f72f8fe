"""srcdiff's benchmark suite: one command, `python benchmarks/run.py`.

For each workload in workloads.py it times the primal, two hand-written NumPy
adjoints -- handwritten.py (statement by statement, as srcdiff works: it computes the
loss and the max's zero adjoint too) and lean.py (what a careful person writes when
only the gradient is wanted: no unused output, no work for a zero derivative) --,
srcdiff's gradient and, when installed, autograd and PyTorch eager (peers.py). Every
gradient is checked against the hand-written one first (np.allclose); a wrong
gradient fails the run (exit 1). It also times srcdiff's first call (transform +
compile) and the peak memory (tracemalloc, one call) of every gradient.

Timing: process CPU time. Each implementation is called enough times in a row to
take at least --min-time seconds (after a warm-up call); that is one sample. Samples
are taken in paired, interleaved rounds, one per implementation per round, the order
rotating from round to round (so drift on a noisy machine hits all alike); a ratio is
the median over --repeat rounds of that round's ratio, printed with its spread (the
middle half of the rounds' ratios, q1-q3).

Allocator: glibc's malloc returns large blocks to the system when they are freed and
maps them afresh (page faults) when allocated again; the main run sets
MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ (as a long-running process tuned
for NumPy would) by re-executing itself with them, and then measures the ratios to the
hand-written adjoints once more in a child process under glibc's defaults
(--malloc glibc for the main run itself; --no-glibc skips the second measurement).

Output: a Markdown table printed and written to OUT/benchmarks.md with the
machine's description, and a bar chart OUT/benchmarks.png if matplotlib imports.

    python benchmarks/run.py                 # full run (a few minutes)
    python benchmarks/run.py --quick         # smoke run (seconds)
    python benchmarks/run.py --repeat 9 --out docs/ --only rnn,mlp
    python benchmarks/run.py --repeat 31    # the table in docs/benchmarks.md
"""
import os
import sys

# OpenBLAS picks its kernel from these when set (a forced core type or cache size
# can select a slower kernel than the CPU supports): time with the library's own
# choice by re-running this very command without them.
_BLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(v in os.environ for v in _BLAS_OVERRIDES):
    _env = {k: v for k, v in os.environ.items() if k not in _BLAS_OVERRIDES}
    print(f"run.py: re-running without {', '.join(v for v in _BLAS_OVERRIDES if v in os.environ)}",
          flush=True)
    os.execve(sys.executable, [sys.executable] + sys.argv, _env)

# glibc malloc tuned for NumPy's large temporaries (keep freed blocks for reuse): set
# before the process starts, so run.py re-executes itself with them (--malloc glibc
# keeps glibc's defaults).
_MALLOC_TUNED = {"MALLOC_MMAP_THRESHOLD_": str(32 * 2 ** 20),
                 "MALLOC_TRIM_THRESHOLD_": str(2 ** 30)}
MALLOC = "glibc" if ("--malloc=glibc" in sys.argv or
                     any(a == "--malloc" and b == "glibc" for a, b in zip(sys.argv, sys.argv[1:]))) \
    else "tuned"
if MALLOC == "tuned" and any(os.environ.get(k) != v for k, v in _MALLOC_TUNED.items()):
    os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, **_MALLOC_TUNED})
if MALLOC == "glibc" and any(k in os.environ for k in _MALLOC_TUNED):
    os.execve(sys.executable, [sys.executable] + sys.argv,
              {k: v for k, v in os.environ.items() if k not in _MALLOC_TUNED})

# BLAS threads (--threads N, default 1; 0 keeps the library default), fixed before NumPy
# loads: on a small shared machine a multi-threaded BLAS competing with other processes
# swings by orders of magnitude, and a one-thread run compares like with like.
def _threads_flag(argv):
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            return int(argv[i + 1])
        if a.startswith("--threads="):
            return int(a.split("=", 1)[1])
    return 1


THREADS = _threads_flag(sys.argv[1:])
if THREADS > 0:
    for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_v] = str(THREADS)

import argparse          # noqa: E402
import gc                # noqa: E402
import json              # noqa: E402
import math              # noqa: E402
import platform          # noqa: E402
import statistics        # noqa: E402
import subprocess        # noqa: E402
import time              # noqa: E402
import tracemalloc       # noqa: E402
import traceback         # noqa: E402
import types             # noqa: E402

import numpy as np       # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import srcdiff           # noqa: E402
import handwritten       # noqa: E402
import lean              # noqa: E402
import peers             # noqa: E402
import workloads         # noqa: E402
import compiled          # noqa: E402  srcdiff's Numba path and JAX, as peers

TARGETS = {
    "ratio_each": 1.10,       # srcdiff / lean hand-written, every workload
    "ratio_geomean": 1.0,     # geometric mean of those ratios
    "autograd_scalar": 50.0,  # autograd / srcdiff on the scalar loop
    "first_call_s": 0.050,    # transform + compile
    "memory": 1.25,           # srcdiff / lean hand-written peak memory, every workload
}


# ---- machine ---------------------------------------------------------------------------

def cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    out = []
    for pool in threadpool_info():
        if pool.get("user_api") != "blas":
            continue
        out.append(f"{pool.get('internal_api')} {pool.get('version')} "
                   f"(kernel {pool.get('architecture')}, {pool.get('num_threads')} threads)")
    return "; ".join(out) or None


def machine_info():
    info = {
        "CPU": cpu_model(),
        "cores": str(os.cpu_count()),
        "Python": platform.python_version(),
        "NumPy": np.__version__,
        "srcdiff": getattr(srcdiff, "__version__", "?"),
    }
    try:
        info["load average at start"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        pass
    blas = blas_info()
    info["BLAS"] = blas if blas else "(threadpoolctl not installed)"
    for name, version in {**peers.versions(), **compiled.versions()}.items():
        info[name] = version
    return info


# ---- timing ----------------------------------------------------------------------------

def _loop(fn, args, n):
    """Process CPU seconds for n back-to-back calls, the garbage collector off."""
    gc_was = gc.isenabled()
    gc.disable()
    try:
        start = time.process_time()
        for _ in range(n):
            fn(*args)
        return time.process_time() - start
    finally:
        if gc_was:
            gc.enable()


def calibrate(fn, args, min_time):
    """Inner iterations so that one sample takes at least min_time seconds."""
    fn(*args)                                # warm-up
    n = 1
    while True:
        t = _loop(fn, args, n)
        if t >= min_time:
            return n
        n = max(n + 1, int(n * min_time / max(t, 1e-9) * 1.1) + 1) if t > min_time / 20 \
            else n * 10


def time_paired(impls, repeat, min_time):
    """{name: (fn, args)} -> {name: [seconds per call, one per round]}.

    One sample of every implementation per round, the order rotating by one each
    round, so a round's samples ran close together and their ratio is a fair pair."""
    counts = {name: calibrate(fn, args, min_time) for name, (fn, args) in impls.items()}
    names = list(impls)
    samples = {name: [] for name in names}
    for r in range(repeat):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            fn, args = impls[name]
            samples[name].append(_loop(fn, args, counts[name]) / counts[name])
    return samples, counts


def quartiles(values):
    """(q1, median, q3) of a list (the median of each half around the median)."""
    v = sorted(values)
    n = len(v)
    if n < 4:
        return v[0], statistics.median(v), v[-1]
    q = statistics.quantiles(v, n=4, method="inclusive")
    return q[0], q[1], q[2]


def paired_ratio(samples, num, den):
    """The median over rounds of num's time / den's time in that round, with q1 and q3."""
    if num not in samples or den not in samples:
        return None
    per_round = [a / b for a, b in zip(samples[num], samples[den]) if b]
    return quartiles(per_round) if per_round else None


def fresh_copy(fn):
    """A new function object with the same code: srcdiff's cache has never seen it."""
    new = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__,
                             fn.__closure__)
    new.__kwdefaults__ = fn.__kwdefaults__
    new.__qualname__ = fn.__qualname__
    new.__module__ = fn.__module__
    return new


def wrt_arg(w):
    return w.wrt if len(w.wrt) > 1 else w.wrt[0]


def first_call(w, args, repeat):
    """srcdiff's one-time cost per function: median over `repeat` fresh function objects.

    Each sample takes a function object srcdiff has never seen (so nothing is
    cached) and times `srcdiff.grad(f)` plus compiling its derivative (reading
    `__wrapped__` compiles it, exactly as the first call does: parse, lower,
    reverse mode, emit, compile, load). The run itself is left out, so a slow,
    noisy workload doesn't drown the number; the first call that follows must
    then hit the cache and give the right gradient.
    """
    values = []
    for _ in range(repeat):
        f = fresh_copy(w.fn)
        start = time.perf_counter()
        g = srcdiff.grad(f, wrt=wrt_arg(w))
        g.__wrapped__
        values.append(time.perf_counter() - start)
        g(*args)
    return statistics.median(values)


def peak_memory(fn, args):
    """Peak bytes tracemalloc sees allocated during one call, above what was live before."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = fn(*args)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak - base


# ---- checking --------------------------------------------------------------------------

def as_tuple(g):
    return tuple(g) if isinstance(g, (tuple, list)) else (g,)


def mismatch(got, want):
    """None if the gradients agree (np.allclose, element by element), else a description."""
    got, want = as_tuple(got), as_tuple(want)
    if len(got) != len(want):
        return f"{len(got)} gradients, expected {len(want)}"
    for i, (g, h) in enumerate(zip(got, want)):
        g = np.asarray(g)
        h = np.asarray(h)
        if g.shape != h.shape:
            return f"gradient {i}: shape {g.shape}, expected {h.shape}"
        if not np.allclose(g, h, rtol=1e-6, atol=1e-9):
            err = np.max(np.abs(g - h))
            return f"gradient {i}: max abs error {err:.3g} (|expected| max {np.max(np.abs(h)):.3g})"
    return None


# ---- formatting ------------------------------------------------------------------------

def fmt_time(s):
    if s is None:
        return "—"
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def fmt_ratio(r):
    return "—" if r is None else (f"{r:.2f}×" if r < 100 else f"{r:.0f}×")


def fmt_bytes(b):
    return f"{b / 2 ** 20:.2f} MiB" if b >= 2 ** 20 else f"{b / 2 ** 10:.1f} KiB"


def geomean(values):
    values = [v for v in values if v]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


# ---- the run ---------------------------------------------------------------------------

def bench_workload(w, opts, log, failures):
    rng = np.random.default_rng(0)
    args = w.make_inputs(rng)
    res = {"key": w.key, "title": w.title, "times": {}, "ratios": {}, "errors": {},
           "first_call": None, "memory": {}}
    hand = handwritten.HANDWRITTEN[w.key]
    reference = hand(*args)
    wrong = mismatch(lean.LEAN[w.key](*args), reference)
    if wrong:
        raise AssertionError(f"{w.key}: the lean hand-written adjoint is WRONG: {wrong}")

    impls = {"primal": (w.fn, args), "hand": (hand, args), "lean": (lean.LEAN[w.key], args)}
    try:
        g = srcdiff.grad(w.fn, wrt=wrt_arg(w))
        wrong = mismatch(g(*args), reference)
        if wrong:
            raise AssertionError(f"srcdiff's gradient is WRONG: {wrong}")
        impls["srcdiff"] = (g, args)
    except Exception as exc:                      # report, don't crash
        msg = f"{type(exc).__name__}: {exc}".splitlines()[0]
        res["errors"]["srcdiff"] = msg
        failures.append(f"{w.key}: srcdiff: {msg}")
        log(f"    srcdiff FAILED: {msg}")
        if opts.verbose:
            traceback.print_exc()
    peer_runs = peers.peer_gradients(w.key, args, w.wrt)
    if any(p in opts.peers for p in compiled.available()):
        peer_runs.update(compiled.peer_gradients(w.key, args, w.wrt))
    for name, run in peer_runs.items():
        if name not in opts.peers:
            continue
        try:
            wrong = mismatch(run(), reference)
            if wrong:
                raise AssertionError(f"{name}'s gradient is WRONG: {wrong}")
            impls[name] = (run, ())
        except Exception as exc:
            msg = f"{type(exc).__name__}: {exc}".splitlines()[0]
            res["errors"][name] = msg
            failures.append(f"{w.key}: {name}: {msg}")
            log(f"    {name} FAILED: {msg}")

    samples, counts = time_paired(impls, opts.repeat, opts.min_time)
    for name, values in samples.items():
        res["times"][name] = statistics.median(values)
        log(f"    {name:<10} {fmt_time(res['times'][name]):>10}  (x{counts[name]} per sample)")
    for name in impls:
        if name in ("primal", "hand", "lean"):
            continue
        for base in ("hand", "lean"):
            q = paired_ratio(samples, name, base)
            res["ratios"][(name, base)] = q
            log(f"    {name} / {base:<5} {fmt_spread(q)}")
    if opts.ratios_only:
        return res
    for name in ("hand", "lean", "srcdiff"):
        if name in impls:
            res["memory"][name] = peak_memory(impls[name][0], args)
    log("    peak memory: " + ", ".join(f"{k} {fmt_bytes(v)}" for k, v in res["memory"].items()))
    if "srcdiff" in impls:
        res["first_call"] = first_call(w, args, opts.first_repeat)
        log(f"    first call {fmt_time(res['first_call'])}")
    return res


def ratio(res, name, base="lean"):
    """The median of the per-round ratios name / base, or None."""
    q = res["ratios"].get((name, base))
    return q[1] if q else None


def fmt_spread(q):
    return "—" if q is None else f"{q[1]:.2f}× ({q[0]:.2f}–{q[2]:.2f})"


def verdict(ok):
    return "met" if ok else "**missed**"


def glibc_ratios(opts, keys, log):
    """The srcdiff / hand-written ratios measured again in a child process under glibc's
    default malloc: {workload key: {"hand": (q1, median, q3), "lean": ...}}, or None."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "ratios.json")
        cmd = [sys.executable, os.path.abspath(__file__), "--malloc", "glibc", "--ratios-only",
               "--json", out, "--no-peers", "--only", ",".join(keys), "--repeat",
               str(opts.repeat), "--min-time", str(opts.min_time), "--threads", str(opts.threads)]
        log("\nthe ratios again under glibc's default malloc (a child process)")
        done = subprocess.run(cmd)
        if done.returncode != 0 or not os.path.exists(out):
            return None
        with open(out) as fh:
            return json.load(fh)


def render(results, info, opts, peer_names, rules_load_s, wall_s, glibc):
    lines = ["# srcdiff benchmarks", ""]
    lines.append(
        "Generated by `python benchmarks/run.py` "
        f"({'--quick, ' if opts.quick else ''}{opts.repeat} paired, interleaved rounds, each "
        f"sample ≥ {opts.min_time:g} s of process CPU time of back-to-back calls after a "
        f"warm-up; whole run {wall_s:.0f} s). Times are per gradient call (per call of the "
        "function for *primal*), the median of the rounds. Two hand-written NumPy adjoints: "
        "*hand* (`benchmarks/handwritten.py`, statement by statement, computing the loss and "
        "the max's zero adjoint as srcdiff's statement-by-statement adjoint does) and *lean* "
        "(`benchmarks/lean.py`, what a careful person writes when only the gradient is wanted: "
        "no unused output, no work for a zero derivative). A ratio is the median over the "
        "rounds of that round's ratio, the middle half of the rounds in brackets; lower is "
        "better. Every gradient was checked against the hand-written one (`np.allclose`) "
        "before timing.")
    lines.append("")
    cols = ["workload", "primal", "hand", "lean", "srcdiff", "srcdiff / hand",
            "srcdiff / lean"]
    for p in peer_names:
        cols += [f"{p} / lean"]
    cols.append("srcdiff first call")
    lines.append("| " + " | ".join(cols) + " |")
    lines.append("|" + "|".join([" --- "] + [" ---: "] * (len(cols) - 1)) + "|")
    for res in results:
        t = res["times"]
        row = [res["title"], fmt_time(t.get("primal")), fmt_time(t.get("hand")),
               fmt_time(t.get("lean"))]
        if "srcdiff" in res["errors"]:
            row += ["FAILED", "—", "—"]
        else:
            row += [fmt_time(t.get("srcdiff")),
                    fmt_spread(res["ratios"].get(("srcdiff", "hand"))),
                    fmt_spread(res["ratios"].get(("srcdiff", "lean")))]
        for p in peer_names:
            row += ["FAILED" if p in res["errors"] else fmt_ratio(ratio(res, p))]
        row.append(fmt_time(res["first_call"]))
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    gms = {}
    for base in ("hand", "lean"):
        rs = [ratio(r, "srcdiff", base) for r in results]
        gms[base] = geomean(rs) if all(rs) else None
    lines.append(f"Geometric mean of srcdiff / lean: "
                 f"{fmt_ratio(gms['lean']) if gms['lean'] else 'n/a (a workload failed)'}; "
                 f"of srcdiff / hand: {fmt_ratio(gms['hand']) if gms['hand'] else 'n/a'}.")
    lines.append("")

    if glibc:
        lines.append("## Under glibc's default malloc")
        lines.append("")
        lines.append("The same ratios measured again in a child process "
                     "(`--malloc glibc`) without the MALLOC_MMAP_THRESHOLD_ and "
                     "MALLOC_TRIM_THRESHOLD_ the main run sets: there every large temporary "
                     "freed goes back to the system and the next one is mapped afresh.")
        lines.append("")
        lines.append("| workload | srcdiff / hand | srcdiff / lean |")
        lines.append("| --- | ---: | ---: |")
        rs = []
        for res in results:
            q = glibc.get(res["key"], {})
            lines.append(f"| {res['title']} | {fmt_spread(q.get('hand'))} | "
                         f"{fmt_spread(q.get('lean'))} |")
            rs.append(q["lean"][1] if q.get("lean") else None)
        gm = geomean(rs) if all(rs) else None
        lines.append("")
        lines.append(f"Geometric mean of srcdiff / lean: {fmt_ratio(gm) if gm else 'n/a'}.")
        lines.append("")

    errors = [(r["title"], who, msg) for r in results for who, msg in r["errors"].items()]
    if errors:
        lines.append("## Failures")
        lines.append("")
        for title, who, msg in errors:
            lines.append(f"- {title}, {who}: `{msg}`")
        lines.append("")

    lines.append("## Peak memory")
    lines.append("")
    lines.append("tracemalloc peak of one gradient call above what was live before it "
                 "(NumPy's allocations are traced):")
    lines.append("")
    lines.append("| workload | hand | lean | srcdiff | srcdiff / lean |")
    lines.append("| --- | ---: | ---: | ---: | ---: |")
    mem_ratios = {}
    for res in results:
        m = res["memory"]
        if "srcdiff" in m and m.get("lean"):
            mem_ratios[res["key"]] = m["srcdiff"] / m["lean"]
        lines.append(f"| {res['title']} | {fmt_bytes(m['hand']) if 'hand' in m else '—'} | "
                     f"{fmt_bytes(m['lean']) if 'lean' in m else '—'} | "
                     f"{fmt_bytes(m['srcdiff']) if 'srcdiff' in m else '—'} | "
                     f"{fmt_ratio(mem_ratios.get(res['key']))} |")
    lines.append("")

    lines.append("## Targets")
    lines.append("")
    lines.append("| target | measured | |")
    lines.append("| --- | ---: | --- |")
    for r in results:
        x = ratio(r, "srcdiff")
        lines.append(f"| {r['title']}: srcdiff ≤ {TARGETS['ratio_each']}× lean | "
                     f"{fmt_ratio(x) if x else 'failed'} | "
                     f"{verdict(x is not None and x <= TARGETS['ratio_each'])} |")
    gm = gms["lean"]
    lines.append(f"| geometric mean ≤ {TARGETS['ratio_geomean']}× lean | "
                 f"{fmt_ratio(gm) if gm else 'n/a'} | "
                 f"{verdict(gm is not None and gm <= TARGETS['ratio_geomean'])} |")
    for r in results:
        mr = mem_ratios.get(r["key"])
        lines.append(f"| {r['title']}: peak memory ≤ {TARGETS['memory']}× lean | "
                     f"{fmt_ratio(mr)} | {verdict(mr is not None and mr <= TARGETS['memory'])} |")
    scalar = next((r for r in results if r["key"] == "scalar_loop"), None)
    if scalar and "autograd" in peer_names:
        t = scalar["times"]
        speedup = t["autograd"] / t["srcdiff"] if "autograd" in t and "srcdiff" in t else None
        lines.append(f"| scalar loop: srcdiff ≥ {TARGETS['autograd_scalar']:g}× faster than "
                     f"autograd | {fmt_ratio(speedup) if speedup else 'n/a'} | "
                     f"{verdict(speedup is not None and speedup >= TARGETS['autograd_scalar'])} |")
    firsts = [r["first_call"] for r in results if r["first_call"] is not None]
    worst = max(firsts) if firsts else None
    lines.append(f"| first call ≤ {TARGETS['first_call_s'] * 1e3:g} ms (worst workload) | "
                 f"{fmt_time(worst)} | "
                 f"{verdict(worst is not None and worst <= TARGETS['first_call_s'])} |")
    lines.append("")
    lines.append("*First call* is the one-time cost of srcdiff's first call on a function: "
                 "`srcdiff.grad(f)` on a function object srcdiff has not seen plus compiling its "
                 "derivative (parse, lower, reverse mode, emit, compile; the run itself is not "
                 "counted), median of "
                 f"{opts.first_repeat} functions. Loading the rule table, once per process, is not "
                 f"included: it took {fmt_time(rules_load_s)} here.")
    lines.append("")
    lines.append("## Machine")
    lines.append("")
    for k, v in info.items():
        lines.append(f"- {k}: {v}")
    lines.append("")
    lines.append((f"BLAS and PyTorch ran on {opts.threads} thread(s) (`--threads`). "
                  if opts.threads > 0 else "Threads are left at the libraries' defaults. ")
                 + "OPENBLAS_CORETYPE and "
                 "OPENBLAS_L2_SIZE are removed from the environment before NumPy loads "
                 "(run.py re-executes itself without them). Main run's malloc: "
                 + ("glibc's defaults." if MALLOC == "glibc" else
                    ", ".join(f"{k}={v}" for k, v in _MALLOC_TUNED.items()) + "."))
    if os.path.exists(os.path.join(opts.out, "benchmarks.png")):
        lines.append("")
        lines.append("![srcdiff, autograd and PyTorch time relative to the lean hand-written "
                     "adjoint](benchmarks.png)")
    lines.append("")
    return "\n".join(lines)


README_START = "<!-- benchmarks: written by python benchmarks/run.py --readme -->"
README_END = "<!-- /benchmarks -->"


def readme_table(results, peer_names, glibc, opts):
    """The README's performance table (between README_START and README_END)."""
    lines = [README_START, "",
             f"{opts.repeat} paired rounds; ratios are medians of per-round ratios to the "
             "*lean* hand-written adjoint (`benchmarks/lean.py`), the middle half of the "
             "rounds in brackets; *hand* is the statement-by-statement one "
             "(`benchmarks/handwritten.py`).", ""]
    cols = ["workload", "srcdiff / lean", "srcdiff / hand", "srcdiff / lean, glibc malloc",
            "peak memory, srcdiff / lean"] + [f"{p} / lean" for p in peer_names]
    lines.append("| " + " | ".join(cols) + " |")
    lines.append("|" + "|".join([" --- "] + [" ---: "] * (len(cols) - 1)) + "|")
    for r in results:
        q = (glibc or {}).get(r["key"], {})
        m = r["memory"]
        mem = m["srcdiff"] / m["lean"] if m.get("lean") and "srcdiff" in m else None
        row = [r["title"], fmt_spread(r["ratios"].get(("srcdiff", "lean"))),
               fmt_spread(r["ratios"].get(("srcdiff", "hand"))), fmt_spread(q.get("lean")),
               fmt_ratio(mem)] + [fmt_ratio(ratio(r, p)) for p in peer_names]
        lines.append("| " + " | ".join(row) + " |")
    rs = [ratio(r, "srcdiff") for r in results]
    gm = geomean(rs) if all(rs) else None
    gl = [((glibc or {}).get(r["key"], {}).get("lean") or (None, None))[1] for r in results]
    gmg = geomean(gl) if all(gl) else None
    lines += ["", f"Geometric mean of srcdiff / lean: {fmt_ratio(gm)} "
              f"({fmt_ratio(gmg)} under glibc's default malloc).", "", README_END]
    return "\n".join(lines)


def update_readme(path, table):
    with open(path) as fh:
        text = fh.read()
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise SystemExit(f"{path}: no {README_START} ... {README_END} block to replace")
    with open(path, "w") as fh:
        fh.write(text[:start] + table + text[end + len(README_END):])


def plot(results, peer_names, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    names = ["srcdiff"] + list(peer_names)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        xs, ys = [], []
        for j, r in enumerate(results):
            x = ratio(r, name)
            if x:
                xs.append(j + (i - (len(names) - 1) / 2) * width)
                ys.append(x)
        bars = ax.bar(xs, ys, width, label=name)
        for b, y in zip(bars, ys):
            ax.annotate(f"{y:.2f}" if y < 10 else f"{y:.0f}", (b.get_x() + b.get_width() / 2, y),
                        ha="center", va="bottom", fontsize=7)
    ax.axhline(1.0, color="black", lw=0.8)
    ax.axhline(TARGETS["ratio_each"], color="grey", lw=0.8, ls="--",
               label=f"target {TARGETS['ratio_each']}×")
    ax.set_yscale("log")
    ax.set_xticks(range(len(results)))
    ax.set_xticklabels([r["title"] for r in results], fontsize=8)
    ax.set_ylabel("time / lean hand-written NumPy adjoint")
    ax.set_title("Gradient time relative to a lean hand-written adjoint (lower is better)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def kept_scaling_section(path, start="<!-- scaling:start", end="<!-- scaling:end -->"):
    """The section benchmarks/scaling.py wrote into `path` (kept when the rest is
    rewritten), or ''; with `start` and `end`, another kept section (first_call.py's)."""
    text = open(path).read() if os.path.exists(path) else ""
    if start not in text or end not in text:
        return ""
    return "\n" + start + text.split(start, 1)[1].split(end, 1)[0] + end + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: few, short samples")
    ap.add_argument("--repeat", type=int, help="rounds per measurement (median taken)")
    ap.add_argument("--min-time", type=float, help="seconds per sample (default 0.2)")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs"),
                    help="folder for benchmarks.md and benchmarks.png (default docs/)")
    ap.add_argument("--only", help="comma-separated workload keys: "
                    + ",".join(w.key for w in workloads.WORKLOADS))
    ap.add_argument("--no-peers", action="store_true", help="skip autograd and PyTorch")
    ap.add_argument("--threads", type=int, default=1,
                    help="BLAS (and PyTorch) threads; 0 = the libraries' defaults (default 1)")
    ap.add_argument("--verbose", action="store_true", help="print tracebacks of failures")
    ap.add_argument("--malloc", choices=("tuned", "glibc"), default="tuned",
                    help="the main run's malloc settings (default tuned; see the top of the file)")
    ap.add_argument("--no-glibc", action="store_true",
                    help="skip measuring the ratios again under glibc's default malloc")
    ap.add_argument("--ratios-only", action="store_true",
                    help="time and print the ratios only (no memory, first call or files)")
    ap.add_argument("--json", help="with --ratios-only: write the ratios to this JSON file")
    ap.add_argument("--readme", nargs="?", const=os.path.join(ROOT, "README.md"),
                    help="also rewrite the performance table of this README (default ./README.md)")
    opts = ap.parse_args(argv)
    opts.repeat = opts.repeat or (3 if opts.quick else 7)
    opts.min_time = opts.min_time or (0.02 if opts.quick else 0.2)
    opts.first_repeat = 2 if opts.quick else 5
    opts.peers = [] if opts.no_peers else peers.available() + compiled.available()
    if opts.threads > 0:
        peers.set_threads(opts.threads)
    chosen = workloads.WORKLOADS
    if opts.only:
        keys = opts.only.split(",")
        unknown = set(keys) - {w.key for w in chosen}
        if unknown:
            ap.error(f"unknown workload(s): {', '.join(sorted(unknown))}")
        chosen = [w for w in chosen if w.key in keys]

    def log(msg):
        print(msg, flush=True)

    wall = time.perf_counter()
    info = machine_info()
    log("srcdiff benchmarks")
    for k, v in info.items():
        log(f"  {k}: {v}")
    log(f"  peers: {', '.join(opts.peers) or ('none (--no-peers)' if opts.no_peers else 'none installed')}")

    # Load the rule table once (a per-process cost), so first calls measure the transform.
    start = time.perf_counter()
    from srcdiff import rules
    rules.load_templates(every=True)   # every rule module, not only those a first call asks for
    rules_load_s = time.perf_counter() - start

    results, failures = [], []
    for w in chosen:
        log(f"\n{w.key}: {w.title}")
        results.append(bench_workload(w, opts, log, failures))

    try:  # the doc says how busy the machine was, at the start and at the end
        info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        pass
    wrong = [f for f in failures if "WRONG" in f]
    if opts.ratios_only:
        if opts.json:
            with open(opts.json, "w") as fh:
                json.dump({r["key"]: {base: r["ratios"].get(("srcdiff", base))
                                      for base in ("hand", "lean")} for r in results}, fh)
        return 1 if wrong else 0
    glibc = None if opts.no_glibc or MALLOC == "glibc" else \
        glibc_ratios(opts, [w.key for w in chosen], log)

    os.makedirs(opts.out, exist_ok=True)
    png = os.path.join(opts.out, "benchmarks.png")
    if plot(results, opts.peers, png):
        log(f"\nwrote {png}")
    elif os.path.exists(png):
        os.remove(png)               # a stale chart would not match the table
    text = render(results, info, opts, opts.peers, rules_load_s, time.perf_counter() - wall,
                  glibc)
    md = os.path.join(opts.out, "benchmarks.md")
    scaling = kept_scaling_section(md)   # benchmarks/scaling.py's section
    scaling += kept_scaling_section(md, "<!-- first_call:start", "<!-- first_call:end -->")
    text = compiled.keep_section(md, text) + scaling  # and compiled.py --docs's
    with open(md, "w") as fh:
        fh.write(text)
    log(f"wrote {md}\n")
    print(text)
    if opts.readme:
        update_readme(opts.readme, readme_table(results, opts.peers, glibc, opts))
        log(f"updated the table in {opts.readme}")
    if failures:
        print("\n" + "!" * 72, file=sys.stderr)
        for f in failures:
            print(f"!! {f}", file=sys.stderr)
        print("!" * 72, file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
