"""Peak memory of Dask gradients out of core: srcdiff against hand-written gradients.

For each loss (least squares, logistic regression, RMSE, a loss with an `if` on a
whole-dataset value) the gradient with respect to the weights is computed over a
design matrix X that never exists in memory as a whole: its chunks are drawn lazily
(`dask.array.random`), so a gradient that runs out of core holds a few chunks at a
time, and one that keeps all of X grows with the logical size. Each run is a fresh
subprocess; the figure reported is its peak resident memory (ru_maxrss) while the
lazy gradient computes, above what it held once the gradient was built (srcdiff's
transform, and a branch's condition, which both gradients compute while building),
next to the hand-written gradient's; the gradients are checked to agree.

    python benchmarks/dask_out_of_core.py                     # 0.4 GB logical, threads
    python benchmarks/dask_out_of_core.py --gb 4 --scheduler cluster --workers 2
    python benchmarks/dask_out_of_core.py --gb 0.2,0.4 --loss rmse,if_loss

`--scheduler cluster` runs on a `distributed.LocalCluster` (pip install distributed)
and reports the largest worker's peak instead.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLS = 50
LOSSES = ("least_squares", "logistic", "rmse", "if_loss")


# --- the losses, as a user writes them --------------------------------------------------------
def least_squares(w, X, y):
    r = X @ w - y
    return np.sum(r * r) / X.shape[0]


def logistic(w, X, y):
    z = X @ w
    return np.mean(np.log1p(np.exp(-y * z)))


def rmse(w, X, y):
    r = X @ w - y
    return np.sqrt(np.mean(r ** 2))


def if_loss(w, X, y):
    r = X @ w - y
    m = np.mean(r * r)
    if m > 1.0:
        return np.sqrt(m)  # large errors: RMSE
    return m


# --- their gradients, written by hand the way a Dask user would --------------------------------
def hand_least_squares(w, X, y):
    r = X @ w - y
    return X.T @ r * (2.0 / X.shape[0])


def hand_logistic(w, X, y):
    z = X @ w
    return X.T @ (-y / (1.0 + np.exp(y * z))) / X.shape[0]


def hand_rmse(w, X, y):
    r = X @ w - y
    n = X.shape[0]
    return (X.T @ r) / (n * np.sqrt(np.sum(r * r) / n))


def hand_if_loss(w, X, y):
    r = X @ w - y
    n = X.shape[0]
    m = float(np.sum(r * r) / n)  # the branch needs it: one pass
    if m > 1.0:
        return (X.T @ r) / (n * np.sqrt(m))
    return X.T @ r * (2.0 / n)


import numpy as np  # noqa: E402  (after the losses, as a user module would import it)


def _warm(x):
    return np.sum(x * x)


def data(gb, chunk_mb, seed=0):
    import dask.array as da
    rows = int(gb * 1e9 / (8 * COLS))
    chunk = max(1, int(chunk_mb * 1e6 / (8 * COLS)))
    rs = da.random.RandomState(seed)
    X = rs.normal(size=(rows, COLS), chunks=(chunk, COLS))
    w_true = np.linspace(-1.0, 1.0, COLS)
    y = X @ w_true + rs.normal(size=rows, chunks=chunk)
    w = np.linspace(0.5, -0.5, COLS) * 0.1
    return w, X, y


def peak_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def one_run(loss, impl, gb, chunk_mb, scheduler, workers):
    """In this (fresh) process: build the gradient, compute it, report peak memory."""
    import dask
    sys.path.insert(0, ROOT)
    import srcdiff
    srcdiff.grad(_warm)(np.ones(3))  # both pay for importing srcdiff and its rules
    w, X, y = data(gb, chunk_mb)
    if loss == "logistic":
        y = (y > 0) * 2.0 - 1.0
    if impl == "srcdiff":
        f = srcdiff.grad(globals()[loss])
    else:
        f = globals()["hand_" + loss]
    client = None
    if scheduler == "cluster":
        from distributed import Client, LocalCluster
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    import dask.array as da
    t0 = time.perf_counter()
    with dask.config.set(scheduler="threads") if client is None else _nothing():
        # build the lazy gradient first (srcdiff's transform; a branch's condition, which
        # both compute here), then measure what computing it takes
        g = f(da.from_array(w), X, y)
        before = peak_kb()
        g = g.compute() if hasattr(g, "compute") else g
    seconds = time.perf_counter() - t0
    if client is not None:
        peaks = client.run(peak_kb)
        peak = max(peaks.values())
        before = 0
        client.close()
        cluster.close()
    else:
        peak = peak_kb()
    return {"loss": loss, "impl": impl, "gb": gb, "seconds": seconds,
            "peak_mb": peak / 1024, "grew_mb": (peak - before) / 1024,
            "grad": np.asarray(g).tolist()}


def probe(losses, sizes, chunk_mb, impls=("hand", "srcdiff"), threads=2):
    """In this process: the peak of memory traced (tracemalloc, which sees NumPy's buffers)
    while each gradient computes, hand-written and srcdiff's, for each logical size, in MB.
    Cheaper than a process per run, and steady enough for a test (tests/test_dask_memory.py)."""
    import tracemalloc
    import dask
    import dask.array as da
    import srcdiff
    srcdiff.grad(_warm)(np.ones(3))
    out = {}
    tracemalloc.start()
    for loss in losses:
        for gb in sizes:
            for impl in impls:
                w, X, y = data(gb, chunk_mb)
                if loss == "logistic":
                    y = (y > 0) * 2.0 - 1.0
                f = srcdiff.grad(globals()[loss]) if impl == "srcdiff" else globals()["hand_" + loss]
                with dask.config.set(scheduler="threads", num_workers=threads):
                    if impl == "srcdiff":  # transform first (not counted), on zeros
                        f(w, da.zeros(X.shape, chunks=X.chunks), da.zeros(y.shape, chunks=y.chunks))
                    tracemalloc.reset_peak()
                    base = tracemalloc.get_traced_memory()[0]
                    g = f(w, X, y)
                    g = np.asarray(g.compute() if hasattr(g, "compute") else g)
                    peak = tracemalloc.get_traced_memory()[1]
                out[f"{loss}/{impl}/{gb:g}"] = (peak - base) / 1e6
    tracemalloc.stop()
    return out


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def spawn(loss, impl, gb, a):
    cmd = [sys.executable, os.path.abspath(__file__), "--one", loss, impl, str(gb),
           "--chunk-mb", str(a.chunk_mb), "--scheduler", a.scheduler, "--workers", str(a.workers)]
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=a.timeout)
    if out.returncode:
        raise RuntimeError(f"{loss}/{impl} at {gb} GB failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gb", default="0.4", help="logical size of X in GB (comma-separated)")
    p.add_argument("--loss", default=",".join(LOSSES))
    p.add_argument("--chunk-mb", type=float, default=8.0)
    p.add_argument("--scheduler", choices=("threads", "cluster"), default="threads")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--timeout", type=float, default=1800)
    p.add_argument("--one", nargs=3, metavar=("LOSS", "IMPL", "GB"), help=argparse.SUPPRESS)
    p.add_argument("--impl", default="hand,srcdiff", help="with --probe: which gradients")
    p.add_argument("--probe", action="store_true",
                   help="one process, tracemalloc peaks as JSON (for tests/test_dask_memory.py)")
    a = p.parse_args(argv)
    if a.probe:
        print(json.dumps(probe(a.loss.split(","), [float(v) for v in a.gb.split(",")],
                               a.chunk_mb, a.impl.split(","))))
        return 0
    if a.one:
        loss, impl, gb = a.one
        print(json.dumps(one_run(loss, impl, float(gb), a.chunk_mb, a.scheduler, a.workers)))
        return 0
    print(f"scheduler={a.scheduler}, chunks of {a.chunk_mb:g} MB, {COLS} columns; "
          "memory = peak RSS above the process's before the gradient")
    print(f"{'loss':>14} {'GB':>5} {'hand MB':>8} {'srcdiff MB':>10} {'ratio':>6} "
          f"{'hand s':>7} {'srcdiff s':>9} {'max rel diff':>12}")
    worst = 0.0
    for loss in a.loss.split(","):
        for gb in (float(v) for v in a.gb.split(",")):
            hand = spawn(loss, "hand", gb, a)
            ours = spawn(loss, "srcdiff", gb, a)
            g, h = np.array(ours["grad"]), np.array(hand["grad"])
            diff = float(np.max(np.abs(g - h)) / np.max(np.abs(h)))
            ratio = ours["grew_mb"] / max(hand["grew_mb"], 1.0)
            worst = max(worst, diff)
            print(f"{loss:>14} {gb:>5g} {hand['grew_mb']:>8.0f} {ours['grew_mb']:>10.0f} "
                  f"{ratio:>6.2f} {hand['seconds']:>7.2f} {ours['seconds']:>9.2f} {diff:>12.1e}",
                  flush=True)
    return 0 if worst < 1e-8 else 1


if __name__ == "__main__":
    sys.exit(main())
