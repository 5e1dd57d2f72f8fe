"""templates/scipy_structured.py: scipy.linalg.toeplitz, hankel, circulant, block_diag,
convolution_matrix and companion against central differences, both modes and second order,
in the forms SciPy takes (r given or not, batched inputs, each convolution mode); a complex
input is refused at the call."""
import numpy as np
import pytest

sl = pytest.importorskip("scipy.linalg")

import srcdiff  # noqa: E402
from gradcheck import check  # noqa: E402

X = np.array([0.3, -1.2, 0.7, 2.0, 1.1])
W = np.arange(1.0, 61.0)


def _w(shape):
    return W[:int(np.prod(shape))].reshape(shape)


def test_toeplitz():
    check(lambda x: np.sum(sl.toeplitz(x[:3]) ** 2 * _w((3, 3))), X)
    check(lambda x: np.sum(sl.toeplitz(x[:3], x[1:]) ** 2 * _w((3, 4))), X)
    check(lambda c, r: np.sum(sl.toeplitz(c, r * 2.0) * _w((2, 3))), X[:2], X[2:], wrt=(0, 1))


def test_hankel():
    check(lambda x: np.sum(sl.hankel(x[:3]) ** 2 * _w((3, 3))), X)
    check(lambda c, r: np.sum(sl.hankel(c, r) ** 3 * _w((2, 3))), X[:2], X[2:], wrt=(0, 1))


def test_circulant_and_batched_toeplitz():
    check(lambda x: np.sum(sl.circulant(x[:4] * x[1:]) ** 2 * _w((4, 4))), X)
    check(lambda m: np.sum(sl.toeplitz(m) ** 2 * _w((2, 3, 3))), np.reshape(X[:4] * 1.0, (2, 2))
          .repeat(2, axis=1)[:, :3] + np.array([[0.0, 0.1, 0.2], [0.3, 0.4, 0.5]]))


def test_block_diag():
    def f(x, m):
        return np.sum(sl.block_diag(m, x[:2], x[4]) ** 2 * _w((4, 5)))
    check(f, X, np.array([[0.5, -1.0], [2.0, 0.3]]), wrt=(0, 1))
    check(lambda x: np.sum(sl.block_diag(np.ones((1, 2)), x[:3] * 2.0) * _w((2, 5))), X)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolution_matrix(mode):
    def f(x):
        m = sl.convolution_matrix(x[:3], 5, mode)
        return np.sum(m ** 2 * _w(m.shape))
    check(f, X)


def test_companion():
    check(lambda x: np.sum(sl.companion(x[1:]) ** 2 * _w((3, 3))), X)
    check(lambda x: np.sum(np.linalg.eigvals(sl.companion(x[:3] + 2.0)).real ** 2), X)


def test_a_complex_input_is_refused():
    with pytest.raises(srcdiff.SrcdiffError, match="real"):
        srcdiff.grad(lambda x: np.sum(np.real(sl.toeplitz(x * (1 + 1j)))))(X)
