"""Peak memory of Dask gradients out of core: srcdiff against hand-written gradients.

For each loss (least squares, logistic regression, RMSE, a loss with an `if` on a
whole-dataset value) the gradient with respect to the weights is computed over a
design matrix X that never exists in memory as a whole: its chunks are drawn lazily
(`dask.array.random`), so a gradient that runs out of core holds a few chunks at a
time, and one that keeps all of X grows with the logical size. Each run is a fresh
process: it computes a small gradient (what a process's first computation costs once),
builds the lazy gradient (srcdiff's transform, and a branch's condition,
which both gradients compute while building), resets the kernel's peak resident memory
(VmHWM, through /proc/self/clear_refs; ru_maxrss where that is not allowed), computes
the gradient, and reports its peak above the resident memory before computing (glibc's
allocator set to give each array back when it is freed: see `spawn`). With
`--scheduler cluster` (a `distributed.LocalCluster` of `--workers` processes) that is
measured in every worker and their sum is reported. Runs alternate hand-written and
srcdiff, `--repeat` times; the table gives the median ratio srcdiff / hand and its
range over the repeats, and checks that the gradients agree.

    python benchmarks/dask_out_of_core.py                     # 0.4 GB logical, threads
    python benchmarks/dask_out_of_core.py --gb 4 --scheduler threads,cluster --repeat 5
    python benchmarks/dask_out_of_core.py --gb 0.2,0.4 --loss rmse,if_loss

(`pip install distributed` for the cluster.)
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


def data(gb, chunk_mb, seed=0, cols=COLS):
    import dask.array as da
    rows = int(gb * 1e9 / (8 * cols))
    chunk = max(1, int(chunk_mb * 1e6 / (8 * cols)))
    rs = da.random.RandomState(seed)
    X = rs.normal(size=(rows, cols), chunks=(chunk, cols))
    w_true = np.linspace(-1.0, 1.0, cols)
    y = X @ w_true + rs.normal(size=rows, chunks=chunk)
    w = np.linspace(0.5, -0.5, cols) * 0.1
    return w, X, y


def _status_kb(*fields):
    """Fields of /proc/self/status in kB, read at one instant (None where there is none)."""
    found = {}
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                name = line.split(":")[0]
                if name in fields:
                    found[name] = int(line.split()[1])
    except OSError:
        pass
    return [found.get(f) for f in fields]


def reset_peak():
    """Reset this process's peak resident memory where the kernel allows it; returns the
    resident memory now, in kB (the baseline the peak is measured from). Memory the
    allocator kept from earlier work (a branch's condition, computed while building) is
    given back first, so it is neither counted in the baseline nor reused unseen."""
    import gc
    gc.collect()
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:  # not allowed: the peak so far is the baseline
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss, hwm = _status_kb("VmRSS", "VmHWM")
    return rss if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_kb():
    (hwm,) = _status_kb("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def one_run(loss, impl, gb, chunk_mb, scheduler, workers):
    """In this (fresh) process: build the gradient, compute it, report its peak memory."""
    import dask
    import dask.array as da
    sys.path.insert(0, ROOT)
    import srcdiff
    srcdiff.grad(_warm)(np.ones(3))  # both pay for importing srcdiff and its rules
    w, X, y = data(gb, chunk_mb)
    if loss == "logistic":
        y = (y > 0) * 2.0 - 1.0
    f = srcdiff.grad(globals()[loss]) if impl == "srcdiff" else globals()["hand_" + loss]
    client = cluster = None
    if scheduler == "cluster":
        from distributed import Client, LocalCluster
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    t0 = time.perf_counter()
    with dask.config.set(scheduler="threads", num_workers=workers) if client is None \
            else _nothing():
        # a small gradient first: what the first computation of a process (or worker)
        # costs once (thread pools, modules imported on first use) is counted for neither
        w0, X0, y0 = data(4 * chunk_mb / 1e3, chunk_mb, seed=1)
        (X0.T @ (X0 @ da.from_array(w0) - y0)).compute()
        # build the lazy gradient (srcdiff's transform; a branch's condition, which both
        # compute here), then measure what computing it takes
        g = f(da.from_array(w), X, y)
        if client is None:
            before = {"main": reset_peak()}
        else:
            before = client.run(reset_peak)
        g = g.compute() if hasattr(g, "compute") else g
    seconds = time.perf_counter() - t0
    after = {"main": peak_kb()} if client is None else client.run(peak_kb)
    if client is not None:
        client.close()
        cluster.close()
    # the cluster's figure: every worker's peak above its own baseline, added up (the
    # largest alone moves with where the scheduler happened to place the chunks)
    grew = [after[k] - before[k] for k in before]
    return {"loss": loss, "impl": impl, "gb": gb, "scheduler": scheduler, "seconds": seconds,
            "peak_mb": max(after.values()) / 1024, "grew_mb": sum(grew) / 1024,
            "grew_max_mb": max(grew) / 1024, "grad": np.asarray(g).tolist()}


def probe(losses, sizes, chunk_mb, impls=("hand", "srcdiff"), threads=2, cols=COLS):
    """In this process: the peak of memory traced (tracemalloc, which sees NumPy's buffers)
    while each gradient computes, hand-written and srcdiff's, for each logical size, in MB.
    Cheaper than a process per run, and steady enough for a test (tests/test_dask_memory.py);
    few columns make a vector as long as the data (X @ w, a cotangent) a large part of it."""
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
                w, X, y = data(gb, chunk_mb, cols=cols)
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


def spawn(loss, impl, gb, scheduler, a):
    cmd = [sys.executable, os.path.abspath(__file__), "--one", loss, impl, str(gb),
           "--chunk-mb", str(a.chunk_mb), "--scheduler", scheduler, "--workers", str(a.workers)]
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # glibc gives an array over 128 kB back to the system when it is freed (a fixed
    # threshold, not the adaptive one), so resident memory follows the arrays alive rather
    # than what the allocator kept from earlier runs of the same process (set it to change)
    env.setdefault("MALLOC_MMAP_THRESHOLD_", "131072")
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=a.timeout)
    if out.returncode:
        raise RuntimeError(f"{loss}/{impl} at {gb} GB failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(loss, gb, scheduler, a):
    """`a.repeat` pairs of runs (hand-written, then srcdiff): their peaks, ratios and the
    largest relative difference between the two gradients."""
    pairs, diff = [], 0.0
    for _ in range(a.repeat):
        hand = spawn(loss, "hand", gb, scheduler, a)
        ours = spawn(loss, "srcdiff", gb, scheduler, a)
        g, h = np.array(ours["grad"]), np.array(hand["grad"])
        diff = max(diff, float(np.max(np.abs(g - h)) / np.max(np.abs(h))))
        pairs.append((hand, ours))
    return pairs, diff


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gb", default="0.4", help="logical size of X in GB (comma-separated)")
    p.add_argument("--loss", default=",".join(LOSSES))
    p.add_argument("--chunk-mb", type=float, default=8.0)
    p.add_argument("--scheduler", default="threads",
                   help="threads, cluster (a distributed.LocalCluster), or both: threads,cluster")
    p.add_argument("--workers", type=int, default=2, help="threads, or the cluster's processes")
    p.add_argument("--repeat", type=int, default=3, help="pairs of runs for each loss and size")
    p.add_argument("--timeout", type=float, default=1800)
    p.add_argument("--json", help="also write every run's figures to this file")
    p.add_argument("--one", nargs=3, metavar=("LOSS", "IMPL", "GB"), help=argparse.SUPPRESS)
    p.add_argument("--impl", default="hand,srcdiff", help="with --probe: which gradients")
    p.add_argument("--cols", type=int, default=COLS, help="with --probe: columns of X")
    p.add_argument("--probe", action="store_true",
                   help="one process, tracemalloc peaks as JSON (for tests/test_dask_memory.py)")
    a = p.parse_args(argv)
    if a.probe:
        print(json.dumps(probe(a.loss.split(","), [float(v) for v in a.gb.split(",")],
                               a.chunk_mb, a.impl.split(","), cols=a.cols)))
        return 0
    if a.one:
        loss, impl, gb = a.one
        print(json.dumps(one_run(loss, impl, float(gb), a.chunk_mb, a.scheduler, a.workers)))
        return 0
    print(f"chunks of {a.chunk_mb:g} MB, {COLS} columns, {a.workers} threads or worker "
          f"processes, {a.repeat} pairs of runs; memory = peak resident memory while the "
          "gradient computes, above what the process held before (summed over a cluster's workers)")
    print(f"{'scheduler':>9} {'loss':>14} {'GB':>5} {'hand MB':>8} {'srcdiff MB':>10} "
          f"{'ratio':>6} {'range':>11} {'hand s':>7} {'srcdiff s':>9} {'max rel diff':>12}")
    worst, runs = 0.0, []
    for scheduler in a.scheduler.split(","):
        for loss in a.loss.split(","):
            for gb in (float(v) for v in a.gb.split(",")):
                pairs, diff = compare(loss, gb, scheduler, a)
                worst = max(worst, diff)
                ratios = sorted(o["grew_mb"] / max(h["grew_mb"], 1.0) for h, o in pairs)
                med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
                hand_mb = med([h["grew_mb"] for h, _ in pairs])
                ours_mb = med([o["grew_mb"] for _, o in pairs])
                hand_s = med([h["seconds"] for h, _ in pairs])
                ours_s = med([o["seconds"] for _, o in pairs])
                spread = f"{ratios[0]:.2f}-{ratios[-1]:.2f}"
                print(f"{scheduler:>9} {loss:>14} {gb:>5g} {hand_mb:>8.0f} {ours_mb:>10.0f} "
                      f"{med(ratios):>6.2f} {spread:>11} {hand_s:>7.2f} {ours_s:>9.2f} "
                      f"{diff:>12.1e}", flush=True)
                runs += [r for pair in pairs for r in pair]
    if a.json:
        with open(a.json, "w") as fh:
            json.dump([{k: v for k, v in r.items() if k != "grad"} for r in runs], fh, indent=1)
    return 0 if worst < 1e-8 else 1


if __name__ == "__main__":
    sys.exit(main())
