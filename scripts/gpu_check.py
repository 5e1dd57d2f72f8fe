"""GPU check: srcdiff's emitted code on CuPy.

Runs the GPU-marked tests (pytest -m gpu on tests/test_backends.py, whole programs,
and tests/test_backends_rules.py, every derivative rule in both modes), then times the
gradient of a 784-512-10 tanh MLP (examples/models.py:mlp_loss, batch 256) on
CuPy and on NumPy, and prints a small table. A rule case whose function CuPy itself
cannot run (numpy.linalg.vector_norm, clip's min=, ...) is skipped, and the summary
(-rs) names CuPy's exception for each. Without cupy or a GPU it says so and
exits 0. Exit status: pytest's when the tests fail, else 0.

    python scripts/gpu_check.py
"""
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "examples"))


def find_gpu():
    """cupy, or None with the reason there is no GPU to use."""
    try:
        import cupy
    except Exception as exc:
        return None, f"cupy is not importable ({exc}); install it with: pip install \"srcdiff[gpu]\""
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:
        return None, f"no CUDA device ({exc})"
    if count < 1:
        return None, "no CUDA device"
    return cupy, None


def run_tests():
    cmd = [sys.executable, "-m", "pytest", "-m", "gpu", "-q", "-rxXfs",
           os.path.join(ROOT, "tests", "test_backends.py"),
           os.path.join(ROOT, "tests", "test_backends_rules.py")]
    print("$", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT)


def best_time(fn, sync, repeats=20):
    fn()
    sync()  # warm: the first call generates and compiles the derivative (and CUDA kernels)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2]


def time_mlp(cupy):
    import numpy as np

    import srcdiff
    from models import mlp_loss

    rng = np.random.default_rng(0)
    host = {
        "w1": rng.normal(size=(784, 512)) * 0.05, "b1": np.zeros(512),
        "w2": rng.normal(size=(512, 10)) * 0.05, "b2": np.zeros(10),
        "x": rng.normal(size=(256, 784)), "labels": np.eye(10)[rng.integers(0, 10, 256)],
    }
    grad = srcdiff.grad(mlp_loss, wrt=(0, 1, 2, 3))
    order = ["w1", "b1", "w2", "b2", "x", "labels"]
    rows = []
    for dtype in (np.float64, np.float32):
        h_args = [host[k].astype(dtype) for k in order]
        d_args = [cupy.asarray(a) for a in h_args]
        h_grads = grad(*h_args)
        d_grads = grad(*d_args)
        ok = all(isinstance(g, cupy.ndarray) for g in d_grads)
        tol = 1e-8 if dtype == np.float64 else 1e-3
        err = max(float(np.max(np.abs(cupy.asnumpy(d) - h)) / (np.max(np.abs(h)) + 1e-30))
                  for d, h in zip(d_grads, h_grads))
        t_np = best_time(lambda: grad(*h_args), lambda: None)
        t_cp = best_time(lambda: grad(*d_args), cupy.cuda.Device().synchronize)
        rows.append((np.dtype(dtype).name, t_np, t_cp, ok and err < tol, err))
    print()
    print("MLP 784-512-10 tanh, batch 256: gradient wrt w1, b1, w2, b2 (median of 20)")
    print(f"{'dtype':<9}{'NumPy ms':>10}{'CuPy ms':>10}{'speedup':>9}  {'matches':<8}{'rel err':>9}")
    for name, t_np, t_cp, ok, err in rows:
        print(f"{name:<9}{t_np * 1e3:>10.2f}{t_cp * 1e3:>10.2f}{t_np / t_cp:>8.1f}x  "
              f"{'yes' if ok else 'NO':<8}{err:>9.1e}")
    return all(r[3] for r in rows)


def main():
    cupy, why = find_gpu()
    if cupy is None:
        print(f"gpu_check: skipped: {why}. Nothing to check on this machine.")
        return 0
    name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
    name = name.decode() if isinstance(name, bytes) else name
    print(f"gpu_check: {name}, cupy {cupy.__version__}")
    status = run_tests()
    try:
        matched = time_mlp(cupy)
    except Exception as exc:  # report, do not hide the test results
        print(f"gpu_check: the MLP timing failed: {type(exc).__name__}: {exc}")
        matched = False
    if not matched:
        print("gpu_check: the CuPy MLP gradient did not match NumPy's")
    return status or (0 if matched else 1)


if __name__ == "__main__":
    sys.exit(main())
