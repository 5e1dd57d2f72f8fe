"""templates/array_api.py: NumPy 2's array-API spellings (numpy.linalg.matmul, outer,
tensordot, trace, diagonal, vecdot, matrix_transpose, cross, svdvals) and the vector products
numpy.vecdot, matvec and vecmat, against central differences (gradcheck.check: both modes,
second order), on stacks and broadcast operands. Distinct weights (W) catch a derivative
landing on the wrong element."""
import numpy as np
import pytest

from gradcheck import check

rng = np.random.default_rng(2121)
A = rng.normal(size=(3, 4))
S = rng.normal(size=(2, 3, 4))
V = rng.normal(size=4)
W = np.arange(1.0, 61.0)
la = np.linalg

pytestmark = pytest.mark.skipif(not hasattr(np, "vecdot"), reason="NumPy 2 names")


def test_linalg_matmul_of_a_stack_and_a_vector():
    check(lambda s, v: np.sum(la.matmul(s, v) ** 2 * W[:6].reshape(2, 3)), S, V, wrt=(0, 1))
    check(lambda a, s: np.sum(la.matmul(a.T, s) * W[:48].reshape(2, 4, 6)[:, :, :4]), A, S,
          wrt=(0, 1))


def test_linalg_outer_and_tensordot():
    check(lambda a, v: np.sum(la.outer(a[0], v * v) * W[:16].reshape(4, 4)), A, V, wrt=(0, 1))
    check(lambda s, a: np.sum(la.tensordot(s, a, axes=2) ** 2 * W[:2]), S, A, wrt=(0, 1))
    check(lambda s, a: np.sum(la.tensordot(s, a.T, axes=1) ** 2 * W[:18].reshape(2, 3, 3)),
          S, A, wrt=(0, 1))


def test_linalg_trace_and_diagonal_take_the_last_two_axes():
    check(lambda s: np.sum(la.trace(s) ** 2 * W[:2]), S)
    check(lambda s: np.sum(la.trace(s, offset=1) ** 3 * W[:2]), S)
    check(lambda s: np.sum(la.diagonal(s) ** 2 * W[:6].reshape(2, 3)), S)
    check(lambda a: np.sum(la.diagonal(a, offset=-1) ** 3 * W[:2]), A)


def test_linalg_matrix_transpose_and_cross():
    check(lambda s: np.sum(la.matrix_transpose(s) ** 2 * W[:24].reshape(2, 4, 3)), S)
    check(lambda a, s: np.sum(la.cross(a[:, :3], s[:, :, 1:]) ** 2 * W[:18].reshape(2, 3, 3)),
          A, S, wrt=(0, 1))


def test_linalg_svdvals():
    check(lambda a: np.sum(la.svdvals(a) * W[:3]), A)
    check(lambda s: np.sum(la.svdvals(np.sin(s)) ** 2 * W[:6].reshape(2, 3)), S)


@pytest.mark.parametrize("vecdot", [np.vecdot, la.vecdot], ids=["numpy", "linalg"])
def test_vecdot(vecdot):
    check(lambda s, v: np.sum(vecdot(s, v) ** 2 * W[:6].reshape(2, 3)), S, V, wrt=(0, 1))
    check(lambda s, a: np.sum(vecdot(s, a[:, :1], axis=-2) ** 2 * W[:8].reshape(2, 4)),
          S, A, wrt=(0, 1))


def test_vecdot_of_complex_vectors_conjugates_the_first():
    def f(v):
        z = v[:2] + 1j * v[2:]
        u = np.array([0.5 - 1j, 2.0 + 0.3j]) * z[::-1]
        return np.abs(np.vecdot(z * 1.5, u)) ** 2 + np.real(np.vecdot(u, z * z))
    check(f, V)


@pytest.mark.skipif(not hasattr(np, "matvec"), reason="NumPy 2.2")
def test_matvec_and_vecmat():
    check(lambda s, v: np.sum(np.matvec(s, v) ** 2 * W[:6].reshape(2, 3)), S, V, wrt=(0, 1))
    check(lambda s, a: np.sum(np.vecmat(a[:, 0], s) ** 2 * W[:8].reshape(2, 4)), S, A,
          wrt=(0, 1))


@pytest.mark.skipif(not hasattr(np, "matvec"), reason="NumPy 2.2")
def test_complex_vecmat_and_matvec():
    def f(v):
        z = v[:2] + 1j * v[2:]
        m = np.outer(z, z[::-1] * (1 - 0.5j))
        return np.abs(np.sum(np.vecmat(z * 2.0, m) * W[:2])) ** 2 + \
            np.real(np.sum(np.matvec(m, z) ** 2))
    check(f, V)
