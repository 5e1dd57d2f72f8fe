"""How long the first derivative takes: `python benchmarks/first_call.py [--runs N]`.

Each measurement runs in a fresh Python process (so nothing is cached in memory; the
bytecode of srcdiff and of its rules is on disk, as after `pip install`), after
`import numpy`, and reports the median and range over --runs processes:

- import srcdiff: `import srcdiff` alone;
- first derivative: from `import srcdiff` to the value of the first gradient of a
  two-line function (`2 * x @ x`, the chapter's first example): the transform, the
  rules it needs and the compile included;
- 20-line function, first / later: the transform of a 20-line function (a layer, a
  softmax, a loop, a branch) as the first derivative of the process, and after another
  derivative was made;
- new shape, same pattern / new pattern: a call with a new size of arrays already seen
  (same ranks, same sizes equal and same sizes 1: the variant is reused) and with a new
  pattern of shapes (a new variant is made: srcdiff/shapes.py).

`--clock cpu` measures each process's CPU time instead of the wall clock: on a shared,
busy machine that leaves out the time spent waiting for a core (not the slowing from
sharing caches). The load average at the start is printed.

Each process reads the rules of the checkout it measures (an editable install's finder,
which would give it the installed checkout's templates/, is left out).

`--baseline DIR` measures another checkout of srcdiff (a `git worktree` or `git archive` of
the code before a change) in the same run, its processes alternating with this checkout's,
so that both see the same load; each measurement then shows both medians and their ratio.

Issue #16's targets: first derivative <= 150 ms, a 20-line function <= 50 ms, a new
input shape <= 5 ms.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FUNCTION = '''
import numpy as np


def layer_loss(w, x, y):
    h = np.tanh(x @ w)
    z = h * 2.0 + 1.0
    s = np.sum(z, axis=1)
    m = np.max(s)
    e = np.exp(s - m)
    p = e / np.sum(e)
    loss = -np.sum(y * np.log(p + 1e-9))
    r = 0.0
    for i in range(3):
        r = r + np.sum(w * w) * 0.01
    if loss > 0:
        loss = loss + r
    else:
        loss = loss - r
    q = np.mean(h ** 2)
    loss = loss + q
    t = np.sqrt(np.sum(w ** 2) + 1.0)
    loss = loss + 0.1 * t
    return loss


def chapter(x):
    return 2 * x @ x
'''

PROBE = '''
import json, sys, time
sys.path.insert(0, sys.argv[1])
# an editable install's finder would give every checkout measured the installed checkout's
# templates/ (and one rule index there, rewritten by each checkout in turn): without it, a
# checkout's srcdiff reads its own (srcdiff/rules.py), an installed one its package's
sys.meta_path[:] = [f for f in sys.meta_path
                    if "editable" not in getattr(f, "__name__", type(f).__name__).lower()]
if sys.argv[3] == "cpu":
    time.perf_counter = time.process_time   # this process's CPU time, not the wall clock
import numpy as np
t0 = time.perf_counter()
import srcdiff
t1 = time.perf_counter()
import first_call_functions as m
out = {"import srcdiff": t1 - t0}
rng = np.random.default_rng(0)
w, x, y = rng.normal(size=(4, 5)), rng.normal(size=(6, 4)), rng.random(6)
if sys.argv[2] == "chapter":
    t = time.perf_counter(); srcdiff.grad(m.chapter)(np.arange(4.0))
    out["first derivative"] = time.perf_counter() - t0
elif sys.argv[2] == "layer first":
    t = time.perf_counter(); srcdiff.grad(m.layer_loss)(w, x, y)
    out["20-line function, first"] = time.perf_counter() - t
else:
    srcdiff.grad(m.chapter)(np.arange(4.0))
    g = srcdiff.grad(m.layer_loss)
    t = time.perf_counter(); g(w, x, y)
    out["20-line function, later"] = time.perf_counter() - t
    t = time.perf_counter(); g(w, rng.normal(size=(9, 4)), rng.random(9))
    out["new shape, same pattern"] = time.perf_counter() - t
    t = time.perf_counter(); g(w, rng.normal(size=(5, 4)), rng.random(5))
    out["new shape, new pattern"] = time.perf_counter() - t
print(json.dumps(out))
'''

TARGETS = {"first derivative": 0.150, "20-line function, first": 0.050,
           "20-line function, later": 0.050, "new shape, same pattern": 0.005}


def measure(runs, clock="wall", roots=(ROOT,)):
    """{root: {measurement: [seconds]}}, the processes of the checkouts `roots` alternating."""
    samples = {root: {} for root in roots}
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "first_call_functions.py"), "w") as fh:
            fh.write(textwrap.dedent(FUNCTION))
        probe = os.path.join(folder, "probe.py")
        with open(probe, "w") as fh:
            fh.write(PROBE)
        envs = {}
        for root in roots:
            env = dict(os.environ,
                       PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
            env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode cached on disk
            envs[root] = env
            for kind in ("chapter", "layer first", "layer later"):
                subprocess.run([sys.executable, probe, folder, kind, clock], env=env,
                               check=True, capture_output=True)  # one run to write the bytecode
        for _ in range(runs):
            for kind in ("chapter", "layer first", "layer later"):
                for root in roots:
                    done = subprocess.run([sys.executable, probe, folder, kind, clock],
                                          env=envs[root], check=True, capture_output=True,
                                          text=True)
                    for name, value in json.loads(done.stdout).items():
                        samples[root].setdefault(name, []).append(value)
    return samples


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=7, help="fresh processes per measurement")
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                   help="wall clock (the targets'), or the process's CPU time (steadier on a "
                        "busy machine, where waiting for a core is not counted)")
    p.add_argument("--baseline", metavar="DIR",
                   help="another checkout of srcdiff, measured in the same run (alternating)")
    a = p.parse_args(argv)
    roots = (ROOT,) if a.baseline is None else (ROOT, os.path.abspath(a.baseline))
    try:
        load = f"; load average {os.getloadavg()[0]:.2f} at the start"
    except OSError:
        load = ""
    samples = measure(a.runs, a.clock, roots)
    try:
        load += f", {os.getloadavg()[0]:.2f} at the end"
    except OSError:
        pass
    print(f"clock: {a.clock}{load}")
    for root in roots:
        if len(roots) > 1:
            print(f"\n{'this checkout' if root == ROOT else 'baseline'}: {root}")
        print(f"{'':28} {'median ms':>10} {'range ms':>16} {'target ms':>10}")
        for name, values in samples[root].items():
            ms = [1000 * v for v in values]
            target = TARGETS.get(name)
            print(f"{name:28} {statistics.median(ms):10.1f} {min(ms):7.1f} – {max(ms):6.1f} "
                  f"{'' if target is None else format(1000 * target, '10.0f')}")
    if len(roots) > 1:
        print("\nthis checkout / baseline (ratio of the medians)")
        for name, values in samples[ROOT].items():
            base = samples[roots[1]].get(name)
            if base:
                print(f"{name:28} {statistics.median(values) / statistics.median(base):10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
