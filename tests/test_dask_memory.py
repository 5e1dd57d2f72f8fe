"""Dask gradients out of core: srcdiff's peak memory follows the hand-written gradient's.

Runs benchmarks/dask_out_of_core.py --probe in a subprocess (tracemalloc peaks while each
gradient computes, threads scheduler) for least squares, logistic regression, RMSE and a
loss with an `if` on a whole-dataset value, hand-written and srcdiff's, over a design
matrix of 2 columns in 16 and then 32 chunks of 0.5 MB, drawn lazily (8 then 16 MB
logical). With so few columns a vector as long as the data (X @ w, its cotangent) is
half of X: 4 then 8 MB. A gradient that holds one (a cotangent broadcast as one
chunk, split and copied) or all of X grows with the logical size where the hand-written
one does not; one that runs out of core holds a few chunks either way.

Noise (thread timing) moves a peak up by a fraction of a chunk (a full-suite run saw a
hand-written peak 0.5 MB high), so each peak is the least of three runs, and the test compares
srcdiff with the hand-written gradient measured in the same process, by how much each
grows as the size doubles and by their ratio, never against absolute megabytes.
"""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOSSES = ("least_squares", "logistic", "rmse", "if_loss")
SMALL, LARGE = 0.008, 0.016  # GB: 8 and 16 MB logical
COLS = 2
VECTOR_MB = SMALL * 1e3 / COLS  # a data-length vector at the small size: 4 MB


RUNS = 3  # a peak is the least of three runs: thread timing only ever adds to one


@pytest.fixture(scope="module")
def peaks():
    pytest.importorskip("dask.array")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [ROOT] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    least = {}
    for _ in range(RUNS):
        done = subprocess.run(
            [sys.executable, "-W", "ignore",
             os.path.join(ROOT, "benchmarks", "dask_out_of_core.py"),
             "--probe", "--impl", "hand,srcdiff", "--loss", ",".join(LOSSES),
             "--gb", f"{SMALL},{LARGE}", "--chunk-mb", "0.5", "--cols", str(COLS)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        for key, mb in json.loads(done.stdout.strip().splitlines()[-1]).items():
            least[key] = min(mb, least.get(key, mb))
    return least


@pytest.mark.parametrize("loss", LOSSES)
def test_peak_memory_grows_no_more_than_the_hand_written_gradients(peaks, loss):
    """Doubling the data adds a vector as long as it (4 MB) to a gradient that holds one;
    srcdiff's peak may grow by at most three quarters of that more than the hand-written's
    (the `if` loss grows 1-2 MB more than the hand-written one here, a part of a vector
    whose cause is not found; a whole vector is 4 MB)."""
    ours = {gb: peaks[f"{loss}/srcdiff/{gb:g}"] for gb in (SMALL, LARGE)}
    hand = {gb: peaks[f"{loss}/hand/{gb:g}"] for gb in (SMALL, LARGE)}
    grew, hand_grew = ours[LARGE] - ours[SMALL], hand[LARGE] - hand[SMALL]
    assert grew <= hand_grew + 0.75 * VECTOR_MB, (loss, ours, hand)


@pytest.mark.parametrize("loss", LOSSES)
def test_peak_memory_is_close_to_the_hand_written_gradients(peaks, loss):
    """At 16 MB logical a gradient holding a data-length vector (8 MB) peaks at over three
    times the hand-written one (about 3.5 MB); srcdiff's stays within 1.5 times (1.0-1.3
    measured)."""
    ours, hand = peaks[f"{loss}/srcdiff/{LARGE:g}"], peaks[f"{loss}/hand/{LARGE:g}"]
    assert ours <= 1.5 * hand, (loss, ours, hand)
