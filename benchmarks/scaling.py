"""Scaling: time and peak memory of a gradient against the loop length.

Two loops: the scalar recurrence of workloads.scalar_loop with the step count as an
argument (10^2 ... 10^6 steps), and the tanh RNN of workloads.rnn_loss with T = 10 ...
10^4 steps (batch 16, 32 inputs, 64 hidden units, so that T = 10^4 holds its inputs and
tape in about 130 MB). For each length: srcdiff's gradient, the lean hand-written adjoint
(benchmarks/lean.py, as a careful person writes it) and autograd's, when it is installed
(the scalar loop only up to --autograd-max steps: it is two orders of magnitude slower).

Time is process CPU time per call, the median of --repeat samples, each sample at least
--min-time seconds of back-to-back calls (one BLAS thread, run.py's malloc settings);
peak memory is what tracemalloc sees allocated during one call above what was live
before it. Printed per length and per step (time / steps, bytes / steps), with the slope
of log(time) and log(peak) against log(steps) between the two longest loops: 1.0 is
linear growth.

    python benchmarks/scaling.py                # the tables (a few minutes)
    python benchmarks/scaling.py --quick        # smoke run: short loops
    python benchmarks/scaling.py --write docs/benchmarks.md   # also (re)write its section

With --write and matplotlib installed, a log-log chart of time and peak memory per call
against the steps (docs/scaling.png beside the Markdown file) is drawn and linked from
the section: straight lines of slope 1 are linear growth.

Importing run.py gives the same process settings (re-executing this command without
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, with the tuned malloc, BLAS on one thread).
"""
import argparse
import math
import os
import statistics
import sys
import time

import run  # noqa: F401  (process settings first: see the docstring)
import numpy as np

import lean
import peers
import srcdiff
import workloads

START = "<!-- scaling:start (benchmarks/scaling.py) -->"
END = "<!-- scaling:end -->"


def scalar_loop(x, n):
    """workloads.scalar_loop with the number of steps as an argument."""
    acc = 0.0
    for i in range(n):
        x = np.sin(x) * x + 0.1
        acc = acc + x
    return acc


def scalar_loop_grad(x, n):
    """lean.scalar_loop_grad with the number of steps as an argument."""
    saved = []
    for i in range(n):
        s = np.sin(x)
        saved.append((x, s))
        x = s * x + 0.1
    d_x = 0.0
    for i in reversed(range(n)):
        x, s = saved[i]
        d_x = (d_x + 1.0) * (s + np.cos(x) * x)
    return d_x


RNN_SIZES = dict(batch=16, n_in=32, n_hidden=64)


def scalar_case(n):
    args = (np.array(0.7), n)
    impls = {"srcdiff": (srcdiff.grad(scalar_loop, wrt=0), args),
             "lean": (scalar_loop_grad, args)}
    if "autograd" in peers.available():
        import autograd
        impls["autograd"] = (autograd.grad(peers._with_autograd_numpy(scalar_loop), 0), args)
    return impls


def rnn_case(n):
    w = next(w for w in workloads.WORKLOADS if w.key == "rnn")
    args = workloads.rnn_inputs(np.random.default_rng(0), steps=n, **RNN_SIZES)
    impls = {"srcdiff": (srcdiff.grad(w.fn, wrt=w.wrt), args), "lean": (lean.rnn_grad, args)}
    if "autograd" in peers.available():
        import autograd
        impls["autograd"] = (autograd.grad(peers._with_autograd_numpy(w.fn), w.wrt), args)
    return impls


def cpu_time(fn, args, min_time, repeat):
    """Median over `repeat` samples of the CPU time per call (each sample >= min_time)."""
    fn(*args)  # warm-up (and srcdiff's transform)
    start = time.process_time()
    fn(*args)
    once = max(time.process_time() - start, 1e-7)
    calls = max(1, int(min_time / once))
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(calls):
            fn(*args)
        samples.append((time.process_time() - start) / calls)
    return statistics.median(samples)


def agree(got, want):
    got = got if isinstance(got, (tuple, list)) else (got,)
    want = want if isinstance(want, (tuple, list)) else (want,)
    return all(np.allclose(np.asarray(g), np.asarray(h), rtol=1e-6, atol=1e-9)
               for g, h in zip(got, want))


def measure(name, case, sizes, opts, log):
    rows = []
    for n in sizes:
        impls = case(n)
        if "autograd" in impls and name == "scalar" and n > opts.autograd_max:
            del impls["autograd"]
        want = impls["lean"][0](*impls["lean"][1])
        row = {"n": n}
        for impl, (fn, args) in impls.items():
            if not agree(fn(*args), want):
                raise SystemExit(f"{name}, {n} steps: {impl}'s gradient differs from lean's")
            row[impl] = (cpu_time(fn, args, opts.min_time, opts.repeat),
                         run.peak_memory(fn, args))
        del want, impls
        log(f"  {name} {n:>8} steps: " + "  ".join(
            f"{impl} {run.fmt_time(t)} ({t / n * 1e6:.2f} µs/step, {run.fmt_bytes(p)}, "
            f"{p / n:.0f} B/step)" for impl, (t, p) in
            [(i, v) for i, v in row.items() if i != "n"]))
        rows.append(row)
    return rows


def slope(rows, impl, k):
    """d log(value) / d log(steps) between the two longest loops that ran `impl`."""
    have = [r for r in rows if impl in r]
    if len(have) < 2:
        return None
    a, b = have[-2], have[-1]
    return math.log(b[impl][k] / a[impl][k]) / math.log(b["n"] / a["n"])


def table(title, rows, impls):
    out = []
    for k, what in ((0, "time per call"), (1, "peak memory")):
        out += [f"### {title}: {what}", ""]
        per = "per step" if k == 0 else "bytes per step"
        out.append("| steps | " + " | ".join(impls) + " | "
                   + " | ".join(f"{i}, {per}" for i in impls) + " |")
        out.append("| ---: " * (1 + 2 * len(impls)) + "|")
        for r in rows:
            cells = [f"{r['n']:,}"]
            cells += [(run.fmt_time if k == 0 else run.fmt_bytes)(r[i][k]) if i in r else "—"
                      for i in impls]
            cells += [(f"{r[i][0] / r['n'] * 1e6:.2f} µs" if k == 0 else
                       f"{r[i][1] / r['n']:,.0f} B") if i in r else "—" for i in impls]
            out.append("| " + " | ".join(cells) + " |")
        out.append("| growth exponent | " + " | ".join(_fmt_slope(slope(rows, i, k))
                                                     for i in impls)
                   + " |" + " |" * len(impls))
        out.append("")
    return out


def _fmt_slope(s):
    return "—" if s is None else f"{s:.2f}"


def plot(scalar, rnn, impls, path):
    """A 2 x 2 log-log chart (scalar loop, RNN) x (time, peak memory) per call against the
    steps, written to `path`; False when matplotlib is not installed."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(2, 2, figsize=(9, 6.5))
    for col, (title, rows) in enumerate((("scalar loop", scalar), ("RNN", rnn))):
        for row, (k, what) in enumerate(((0, "CPU time per call (s)"),
                                         (1, "peak memory per call (bytes)"))):
            ax = axes[row][col]
            for impl in impls:
                have = [r for r in rows if impl in r]
                ax.plot([r["n"] for r in have], [r[impl][k] for r in have], marker="o",
                        label=impl)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("steps")
            ax.set_ylabel(what)
            ax.set_title(title, fontsize=10)
            ax.grid(True, which="major", lw=0.4)
            ax.legend(fontsize=8)
    fig.suptitle("Gradient cost against the loop length (log-log: slope 1 is linear)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def render(scalar, rnn, impls, opts, wall, chart=None):
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    lines = [START, "## Scaling with the loop length", "",
             f"Generated by `python benchmarks/scaling.py` (whole run {wall:.0f} s; load "
             f"average at the end {' '.join(f'{v:.2f}' for v in load) if load else '?'} on "
             f"{os.cpu_count()} cores). Time: CPU time per gradient call, the median of "
             f"{opts.repeat} samples of at least {opts.min_time} s; peak: tracemalloc's peak "
             "during one call above what was live before it. *Growth exponent*: the slope of "
             "log(time) or log(peak) against log(steps) between the two longest loops run "
             "(1.00 is linear). srcdiff's tape holds, per step, what the adjoint reads "
             "back; the lean adjoint keeps the same values (a list of tuples in the scalar "
             "loop, of states in the RNN).", ""]
    if chart:
        lines += [f"![time and peak memory against the loop length]({chart})", ""]
    lines += table("Scalar loop (`x = sin(x) * x + 0.1`, 0-d)", scalar, impls)
    if "autograd" in impls:
        lines.append(f"autograd ran the scalar loop up to {opts.autograd_max:,} steps.")
        lines.append("")
    lines += table("RNN (batch {batch}, {n_in} inputs, {n_hidden} hidden units)".format(
        **RNN_SIZES), rnn, impls)
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_section(path, section):
    text = open(path).read() if os.path.exists(path) else ""
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section.rstrip("\n") + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as fh:
        fh.write(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: short loops")
    ap.add_argument("--repeat", type=int, default=3, help="samples per measurement")
    ap.add_argument("--min-time", type=float, default=0.2, help="seconds per sample")
    ap.add_argument("--autograd-max", type=int, default=10 ** 4,
                    help="longest scalar loop autograd runs (default 10^4)")
    ap.add_argument("--threads", type=int, default=1, help="(read by run.py's settings)")
    ap.add_argument("--malloc", default="tuned", help="(read by run.py's settings)")
    ap.add_argument("--write", help="Markdown file whose scaling section to (re)write")
    opts = ap.parse_args(argv)
    if opts.quick:
        opts.repeat, opts.min_time, opts.autograd_max = 1, 0.01, 10 ** 3
    scalar_sizes = [10 ** k for k in range(2, 5 if opts.quick else 7)]
    rnn_sizes = [10 ** k for k in range(1, 3 if opts.quick else 5)]
    wall = time.perf_counter()
    impls = ["srcdiff", "lean"] + (["autograd"] if "autograd" in peers.available() else [])
    print("scaling: " + ", ".join(impls), flush=True)
    log = lambda msg: print(msg, flush=True)  # noqa: E731
    scalar = measure("scalar", scalar_case, scalar_sizes, opts, log)
    rnn = measure("rnn", rnn_case, rnn_sizes, opts, log)
    chart = None
    if opts.write:
        png = os.path.join(os.path.dirname(os.path.abspath(opts.write)), "scaling.png")
        if plot(scalar, rnn, impls, png):
            chart = os.path.basename(png)
            print(f"wrote {png}")
    text = render(scalar, rnn, impls, opts, time.perf_counter() - wall, chart)
    print()
    print(text)
    if opts.write:
        write_section(opts.write, text)
        print(f"wrote the scaling section of {opts.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
