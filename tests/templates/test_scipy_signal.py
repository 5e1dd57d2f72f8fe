"""templates/scipy_signal.py: scipy.signal.convolve against central differences, both modes
and second order, in every mode and method, 1-d and 2-d, either input the larger."""
import numpy as np
import pytest

ss = pytest.importorskip("scipy.signal")

from gradcheck import check  # noqa: E402

rng = np.random.default_rng(9)
SHAPES = [((7,), (3,)), ((3,), (6,)), ((4, 5), (2, 3)), ((2, 3), (4, 4)), ((5,), (5,))]


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("shapes", SHAPES, ids=[f"{a}-{b}" for a, b in SHAPES])
def test_convolve(mode, shapes):
    if mode == "valid" and len(shapes[0]) == 2 and shapes == ((2, 3), (4, 4)):
        pytest.skip("scipy refuses 'valid' when neither input is the larger in every axis")
    w = rng.normal(size=np.shape(ss.convolve(np.ones(shapes[0]), np.ones(shapes[1]), mode)))
    check(lambda x, k: np.sum(np.sin(ss.convolve(x, k, mode=mode)) * w),
          rng.normal(size=shapes[0]), rng.normal(size=shapes[1]), wrt=(0, 1))


@pytest.mark.parametrize("method", ["direct", "fft", "auto"])
def test_convolve_methods(method):
    check(lambda x, k: np.sum(ss.convolve(x, k, "same", method) ** 2), rng.normal(size=6),
          rng.normal(size=3), wrt=(0, 1))
    check(lambda x: np.sum(ss.convolve(x, np.array([1.0, -2.0, 0.5]), method=method) ** 2),
          rng.normal(size=(5,)))
