"""The gradient of a loss over a chunked Dask array, with the same emitted code as NumPy.

Least squares on a 100000 x 20 design matrix held as a Dask array in chunks of
10000 rows. srcdiff.grad builds the gradient as a lazy Dask graph (nothing is
computed until .compute()), which the local scheduler then runs chunk by chunk.
The result is checked against the gradient of the same loss on NumPy arrays.

    pip install ".[dask]" && python examples/dask_loss.py     # from the checkout
"""
import sys
import time

import numpy as np

import srcdiff

ROWS, COLS, CHUNK = 100_000, 20, 10_000


def least_squares(w, x, y):
    """Mean squared residual of a linear model, plus a small ridge penalty."""
    residual = x @ w - y
    return np.sum(residual * residual) / x.shape[0] + 0.01 * np.sum(w * w)


def main():
    try:
        import dask
        import dask.array as da
    except ImportError:
        print("examples/dask_loss.py needs Dask; install it from the checkout with: pip install \".[dask]\"")
        return 0

    rng = np.random.default_rng(0)
    x_np = rng.normal(size=(ROWS, COLS))
    w_true = rng.normal(size=COLS)
    y_np = x_np @ w_true + 0.1 * rng.normal(size=ROWS)
    w = np.zeros(COLS)

    x = da.from_array(x_np, chunks=(CHUNK, COLS))
    y = da.from_array(y_np, chunks=CHUNK)
    w_da = da.from_array(w, chunks=COLS)

    grad = srcdiff.grad(least_squares)
    start = time.perf_counter()
    lazy = grad(w_da, x, y)  # a Dask graph: nothing is computed yet
    built = time.perf_counter() - start
    with dask.config.set(scheduler="threads"):
        start = time.perf_counter()
        got = lazy.compute()
        computed = time.perf_counter() - start

    expected = grad(w, x_np, y_np)
    error = float(np.max(np.abs(got - expected)) / np.max(np.abs(expected)))
    print(f"x: {type(x).__name__} {x.shape}, {x.numblocks[0]} chunks of {CHUNK} rows")
    print(f"gradient: {type(lazy).__name__} {lazy.shape}, graph of {len(lazy.dask)} tasks, "
          f"built in {built * 1e3:.1f} ms, computed in {computed * 1e3:.1f} ms")
    print(f"first entries: {np.array2string(got[:4], precision=4)}")
    print(f"NumPy gradient: {np.array2string(expected[:4], precision=4)}")
    print(f"max relative difference from NumPy: {error:.1e}")
    if not (isinstance(lazy, da.Array) and error < 1e-10):
        print("the Dask gradient does not match NumPy's")
        return 1

    print(srcdiff.source(grad))
    return 0


if __name__ == "__main__":
    sys.exit(main())
