"""srcdiff/runtime_banded.py: the band-storage helpers of scipy.linalg.solve_banded's rules,
against the dense matrices they stand for (and, being linear, against their transposes)."""
import numpy
import pytest

from srcdiff.runtime_banded import band_matmul, band_outer, transposed_band

RNG = numpy.random.default_rng(31)


def _dense(ab, lower, upper):
    n = ab.shape[1]
    a = numpy.zeros((n, n))
    for i in range(n):
        for j in range(max(0, i - lower), min(n, i + upper + 1)):
            a[i, j] = ab[upper + i - j, j]
    return a


def _band(a, lower, upper):
    n = a.shape[0]
    ab = numpy.zeros((lower + upper + 1, n))
    for i in range(n):
        for j in range(max(0, i - lower), min(n, i + upper + 1)):
            ab[upper + i - j, j] = a[i, j]
    return ab


@pytest.mark.parametrize("lower, upper", [(0, 0), (1, 1), (2, 0), (0, 3), (1, 2)])
@pytest.mark.parametrize("columns", [None, 3])
def test_band_helpers_agree_with_dense_matrices(lower, upper, columns):
    n = 6
    ab = _band(RNG.normal(size=(n, n)), lower, upper)
    a = _dense(ab, lower, upper)
    v = RNG.normal(size=(n,) if columns is None else (n, columns))
    numpy.testing.assert_allclose(band_matmul(ab, lower, upper, v), a @ v, rtol=1e-12)
    numpy.testing.assert_allclose(_dense(transposed_band(ab, lower, upper), upper, lower), a.T)
    p = RNG.normal(size=v.shape)
    outer = p @ v.T if columns else numpy.outer(p, v)
    numpy.testing.assert_allclose(band_outer(p, v, lower, upper),
                                  _band(outer, lower, upper), rtol=1e-12)


def test_band_outer_is_the_gradient_of_band_matmul_in_the_storage():
    lower, upper, n = 1, 2, 5
    ab = _band(RNG.normal(size=(n, n)), lower, upper)
    v, g = RNG.normal(size=n), RNG.normal(size=n)
    # <g, A v> = <band_outer(g, v), ab> on the entries inside the band
    inside = _band(numpy.ones((n, n)), lower, upper)
    assert numpy.sum(g * band_matmul(ab, lower, upper, v)) == pytest.approx(
        numpy.sum(band_outer(g, v, lower, upper) * ab * inside))
