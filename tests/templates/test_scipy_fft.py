"""templates/scipy_fft.py: scipy.fft.dct, idct, dctn and idctn against central differences,
both modes and second order, over types 1-4, n and s padding and cutting, each norm and
orthogonalize. Distinct weights (W) catch a derivative landing on the wrong element."""
import numpy as np
import pytest

fft = pytest.importorskip("scipy.fft")

from gradcheck import check  # noqa: E402

M = np.array([[0.3, -1.2, 0.7, 2.0], [1.1, 0.4, -0.6, 0.9], [-0.2, 1.5, 0.8, -1.0]])
W = np.arange(1.0, 61.0)


def _w(shape):
    return W[:int(np.prod(shape))].reshape(shape)


@pytest.mark.parametrize("name", ["dct", "idct"])
@pytest.mark.parametrize("type_", [1, 2, 3, 4])
@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
def test_dct_and_idct(name, type_, norm):
    f = getattr(fft, name)

    def g(m):
        y = f(m ** 2, type_, None, -1, norm)
        return np.sum(y * _w(y.shape))
    check(g, M)


def test_dct_with_n_axis_and_orthogonalize():
    def g(m):
        y = fft.dct(m, 2, 6, 0, "ortho", orthogonalize=False)
        z = fft.idct(m * m, 3, n=2, axis=1)
        return np.sum(y * _w(y.shape)) + np.sum(z ** 2 * _w(z.shape))
    check(g, M)


@pytest.mark.parametrize("name", ["dctn", "idctn"])
def test_dctn_and_idctn(name):
    f = getattr(fft, name)

    def g(m):
        y = f(m ** 2, 2, None, None, "ortho")
        z = f(m, 1, s=(4, 3), axes=(0, 1))
        u = f(m, 3, axes=[1])
        return np.sum(y * _w(y.shape)) + np.sum(z ** 2 * _w(z.shape)) + np.sum(u * _w(u.shape))
    check(g, M)
