"""Transform time against function length: `python benchmarks/transform_time.py`.

Writes a straight-line function of N lines to a temporary module (each line one
elementwise or reduction step on the running values, so the adjoint has the usual
mix of copies, accumulations and saved values), and times srcdiff's transform
(`srcdiff.grad` first call minus one steady-state call) for each N, in wall-clock
and in CPU seconds (the CPU time is the steadier figure on a shared machine). The transform
should grow linearly with N (issue #20: a 3,000-line function in <= 5 s).

    python benchmarks/transform_time.py                  # 400, 1200, 3000 lines
    python benchmarks/transform_time.py --lines 400,800 --mode fwd
    python benchmarks/transform_time.py --profile 1200   # cProfile top 25 by own time
"""
import argparse
import importlib.util
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

np.seterr(all="ignore")  # the values only need to exist, not to stay tame

import srcdiff  # noqa: E402

_STEPS = (
    "a = np.sin(a) * 0.5 + b",
    "b = b * 0.5 - 0.25 * c",
    "c = np.tanh(c + a) * b",
    "s = s + np.sum(a * c)",
    "t = a + b",
    "a = t * 0.5",
    "c = c - np.mean(b) * t",
    "b = np.exp(-b * b) + t",
)


def source(n):
    lines = ["import numpy as np", "", "", "def f(x, y):",
             "    a = x", "    b = y", "    c = x * y", "    s = 0.0"]
    for k in range(n):
        lines.append("    " + _STEPS[k % len(_STEPS)])
    lines.append("    return s + np.sum(a * b * c)")
    return "\n".join(lines) + "\n"


def load(n, folder):
    path = os.path.join(folder, f"straight_{n}.py")
    with open(path, "w") as fh:
        fh.write(source(n))
    spec = importlib.util.spec_from_file_location(f"straight_{n}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def transform_seconds(n, mode, folder):
    f = load(n, folder)
    x = np.linspace(0.1, 0.9, 5)
    y = np.linspace(-0.5, 0.5, 5)
    d = srcdiff.grad(f) if mode == "rev" else srcdiff.jvp(f)
    args = (x, y) if mode == "rev" else (x, y, np.ones_like(x))
    t0, c0 = time.perf_counter(), time.process_time()
    d(*args)
    first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    d(*args)
    return first - (time.perf_counter() - t0), first_cpu - (time.process_time() - c0)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lines", default="400,1200,3000")
    p.add_argument("--mode", choices=("rev", "fwd"), default="rev")
    p.add_argument("--profile", type=int, default=0, help="profile one length instead")
    a = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
        if a.profile:
            import cProfile
            import pstats
            pr = cProfile.Profile()
            pr.enable()
            transform_seconds(a.profile, a.mode, folder)
            pr.disable()
            pstats.Stats(pr).sort_stats("tottime").print_stats(25)
            return 0
        print(f"{'lines':>6}  {'transform s':>11}  {'CPU s':>7}  {'CPU s per 1000 lines':>20}")
        for n in (int(v) for v in a.lines.split(",")):
            s, cpu = transform_seconds(n, a.mode, folder)
            print(f"{n:>6}  {s:>11.2f}  {cpu:>7.2f}  {1000 * cpu / n:>20.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
