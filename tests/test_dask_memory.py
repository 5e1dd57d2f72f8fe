"""Dask gradients out of core: peak memory stays flat as the logical size doubles.

Runs benchmarks/dask_out_of_core.py --probe in a subprocess (tracemalloc peaks while each
gradient computes, threads scheduler) for least squares, logistic regression, RMSE and a
loss with an `if` on a whole-dataset value, over a design matrix of 16 and then 32 chunks
of 0.5 MB drawn lazily. A gradient that holds every chunk of X (the backward pass waiting
for a whole-dataset scalar) peaks at about the logical size, 8 then 16 MB; one that runs
out of core holds a few chunks either way.
"""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOSSES = ("least_squares", "logistic", "rmse", "if_loss")
SMALL, LARGE = 0.008, 0.016  # GB: 8 and 16 MB logical


def test_peak_memory_is_flat_as_the_logical_size_doubles():
    pytest.importorskip("dask.array")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [ROOT] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    done = subprocess.run(
        [sys.executable, "-W", "ignore", os.path.join(ROOT, "benchmarks", "dask_out_of_core.py"),
         "--probe", "--impl", "srcdiff", "--loss", ",".join(LOSSES),
         "--gb", f"{SMALL},{LARGE}", "--chunk-mb", "0.5"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    peaks = json.loads(done.stdout.strip().splitlines()[-1])
    for loss in LOSSES:
        small = peaks[f"{loss}/srcdiff/{SMALL:g}"]
        large = peaks[f"{loss}/srcdiff/{LARGE:g}"]
        # holding all of X: about 8 MB, then 16; out of core: a few chunks (0.5 MB each)
        assert small < 0.6 * SMALL * 1e3, (loss, small, large)
        assert large < small + 0.4 * SMALL * 1e3, (loss, small, large)
