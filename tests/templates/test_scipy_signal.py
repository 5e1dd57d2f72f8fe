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


SHAPES_2D = [((4, 5), (2, 3)), ((2, 3), (4, 4)), ((3, 3), (3, 3)), ((2, 2), (3, 4))]


def _weights(shape):
    return rng.normal(size=shape)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("shapes", SHAPES, ids=[f"{a}-{b}" for a, b in SHAPES])
@pytest.mark.parametrize("name", ["fftconvolve", "correlate"])
def test_fftconvolve_and_correlate(name, mode, shapes):
    fn = getattr(ss, name)
    if mode == "valid" and shapes == ((2, 3), (4, 4)):
        pytest.skip("scipy refuses 'valid' when neither input is the larger in every axis")
    w = _weights(np.shape(fn(np.ones(shapes[0]), np.ones(shapes[1]), mode=mode)))
    check(lambda x, k: np.sum(np.sin(fn(x, k, mode=mode)) * w),
          rng.normal(size=shapes[0]), rng.normal(size=shapes[1]), wrt=(0, 1))


@pytest.mark.parametrize("method", ["direct", "fft", "auto"])
def test_correlate_methods(method):
    check(lambda x, k: np.sum(ss.correlate(x, k, "same", method) ** 2), rng.normal(size=6),
          rng.normal(size=3), wrt=(0, 1))


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("shapes", SHAPES_2D, ids=[f"{a}-{b}" for a, b in SHAPES_2D])
@pytest.mark.parametrize("name", ["convolve2d", "correlate2d"])
def test_convolve2d_and_correlate2d(name, mode, shapes):
    fn = getattr(ss, name)
    if mode == "valid" and shapes == ((2, 3), (4, 4)):
        pytest.skip("scipy refuses 'valid' when neither input is the larger in every axis")
    w = _weights(np.shape(fn(np.ones(shapes[0]), np.ones(shapes[1]), mode=mode)))
    check(lambda x, k: np.sum(np.sin(fn(x, k, mode=mode)) * w),
          rng.normal(size=shapes[0]), rng.normal(size=shapes[1]), wrt=(0, 1))


def boundary_wrap(x, k):
    return np.sum(ss.convolve2d(x, k, boundary="wrap") ** 2)


def fftconvolve_axes(x, k):
    return np.sum(ss.fftconvolve(x, k, axes=1) ** 2)


def detrend_in_place(x):
    return np.sum(ss.detrend(x, overwrite_data=True) ** 2)


@pytest.mark.parametrize("f", [boundary_wrap, fftconvolve_axes])
def test_keywords_without_a_rule_are_refused_at_the_line(f):
    from issue13_cases import refused_in_both_modes
    refused_in_both_modes(f, (rng.normal(size=(3, 4)), rng.normal(size=(2, 2))), (0, 1),
                          "does not accept this call")


def test_detrend_overwrite_data_is_refused():
    from issue13_cases import refused_in_both_modes
    refused_in_both_modes(detrend_in_place, (rng.normal(size=(5,)),), (0,), "overwrite_data")


@pytest.mark.parametrize("kind", ["linear", "constant"])
@pytest.mark.parametrize("axis,bp", [(-1, 0), (0, 0), (-1, [2, 4])])
def test_detrend(kind, axis, bp):
    x = rng.normal(size=(7, 6))
    w = _weights(x.shape)
    check(lambda x: np.sum(np.sin(ss.detrend(x, axis=axis, type=kind, bp=bp)) * w), x)
    check(lambda x: np.sum(np.sin(ss.detrend(x)) * w[0]), x[0])
