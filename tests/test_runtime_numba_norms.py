"""srcdiff/runtime_numba_norms.py: jit=True on numpy.linalg.norm with an order, an axis and
keepdims (norm_weights, check_norm_order: refused before, "srcdiff's helper ... has no Numba
version"), checked against finite differences and, at kinks (ties of a max norm, a zero
norm), against the NumPy path; each Numba version on its own against numpy.linalg.norm and the
NumPy path's norm_weights on varied inputs; a matrix norm of another order is refused at the
user's line (jit='auto' runs the NumPy path)."""
import numpy as np
import pytest

import srcdiff
from numba_checks import (check_jit, needs_numba, own_cache,  # noqa: F401 (own_cache: autouse)
                          source_after_call)
from srcdiff import numba_backend, runtime_matrices, runtime_numba, runtime_numba_norms
from srcdiff.runtime_numba_norms import norm_along, norm_weights

X = np.array([0.3, -0.7, 1.2, 0.45])
A = np.array([[0.3, -0.7, 1.2], [0.1, 0.25, -0.4]])
ORDERS = [None, 1, 2, 3, 0.5, -1.5, 0, np.inf, -np.inf]


# --- user programs ------------------------------------------------------------------------
def norms_of_orders(x):
    return np.linalg.norm(x, 1) + np.linalg.norm(x, ord=np.inf) + np.linalg.norm(x, 3) + \
        np.linalg.norm(x) * np.linalg.norm(x, -np.inf)


def row_norms(A):
    return np.sum(np.linalg.norm(A, axis=1) ** 2 + np.linalg.norm(A, ord=1, axis=0).sum())


def frobenius(A):
    return np.linalg.norm(A, 'fro') * np.linalg.norm(A) + \
        np.sum(np.linalg.norm(A, axis=-1, keepdims=True) * A)


@needs_numba
@pytest.mark.parametrize("f, a", [(norms_of_orders, X), (row_norms, A), (frobenius, A)])
def test_norm_programs_differentiate_under_jit(f, a):
    check_jit(f, a)
    assert "norm_weights(" in source_after_call(srcdiff.grad(f, jit=True), a)


@needs_numba
def test_kinks_as_the_numpy_path():
    """Ties of the max norm share evenly, a zero norm has zero weights (finite differences
    see a kink there)."""
    tie, zero = np.array([1.0, -1.0, 0.5, 0.0]), np.array([[0.0, 0.0, 0.0], [1.0, -1.0, 1.0]])
    for f, a in ((norms_of_orders, tie), (row_norms, zero), (frobenius, zero)):
        np.testing.assert_allclose(srcdiff.grad(f, jit=True)(a), srcdiff.grad(f)(a),
                                   rtol=1e-12, atol=1e-15)


def spectral(A):
    return np.linalg.norm(A, 2) + np.linalg.norm(A[0])


@needs_numba
def test_a_matrix_norm_of_another_order_is_refused_at_the_users_line():
    with pytest.raises(numba_backend.NumbaUnsupported, match=r"test_runtime_numba_norms.py:\d+"):
        srcdiff.grad(spectral, jit=True)(A)
    with pytest.warns(UserWarning):
        got = srcdiff.grad(spectral, jit="auto")(A)
    np.testing.assert_allclose(got, srcdiff.grad(spectral)(A), rtol=1e-12)


# --- each helper against NumPy and the NumPy path's ---------------------------------------
def vector(x, p):
    n = norm_along(x, p)
    return n, norm_weights(x, n, p, None, False), norm_along(x, p, 0, True)


def vector_default(x):
    n = norm_along(x)
    return n, norm_weights(x, n, None, None, False), norm_along(x, None, -1)


def matrix(a, p, axis):
    n, kept = norm_along(a, p, axis), norm_along(a, p, axis, True)
    return n, norm_weights(a, n, p, axis, False), kept, norm_weights(a, kept, p, axis, True)


def matrix_default(a, axis):
    n, whole, fro = norm_along(a, None, axis), norm_along(a), norm_along(a, 'fro')
    kept = norm_along(a, keepdims=True)
    return (n, norm_weights(a, n, None, axis, False), whole,
            norm_weights(a, whole, None, None, False), fro,
            norm_weights(a, fro, 'fro', None, False), kept,
            norm_weights(a, kept, None, None, True))


def expected(a, p, axis, keepdims):
    n = np.linalg.norm(a, p, axis, keepdims)
    return n, runtime_matrices.norm_weights(a, n, p, axis, keepdims)


def inputs():
    rng = np.random.default_rng(3)
    return [rng.normal(size=5), np.array([1.0, -1.0, 0.5, 0.0]), np.zeros(3),
            np.array([2.0, 2.0, -2.0]), rng.normal(size=1)]


@needs_numba
def test_each_compiled_norm_helper_gives_the_numpy_paths_numbers():
    import numba
    runtime_numba.install()
    close = dict(rtol=1e-12, atol=1e-15)
    on_vector, on_vector_default = numba.njit(vector), numba.njit(vector_default)
    on_matrix, on_matrix_default = numba.njit(matrix), numba.njit(matrix_default)
    for x in inputs():
        for p in ORDERS[1:]:
            n, w, kept = on_vector(x, float(p))
            for got, want in zip((n, w), expected(x, p, None, False)):
                np.testing.assert_allclose(got, want, **close)
            np.testing.assert_allclose(kept, np.linalg.norm(x, p, 0, True), **close)
        n, w, again = on_vector_default(x)
        for got, want in zip((n, w, again), expected(x, None, None, False) + (n,)):
            np.testing.assert_allclose(got, want, **close)
    rng = np.random.default_rng(4)
    for a in (rng.normal(size=(3, 4)), np.array([[0.0, 0.0], [1.0, -1.0], [2.0, 2.0]])):
        for axis in (0, 1, -1, -2):
            for p in ORDERS[1:]:
                n, w, kept, wk = on_matrix(a, float(p), axis)
                for got, want in zip((n, w, kept, wk), expected(a, p, axis, False) +
                                     expected(a, p, axis, True)):
                    np.testing.assert_allclose(got, want, **close)
            got = on_matrix_default(a, axis)
            want = (expected(a, None, axis, False) + expected(a, None, None, False) +
                    expected(a, 'fro', None, False) + expected(a, None, None, True))
            for g, w in zip(got, want):
                assert np.shape(g) == np.shape(w)
                np.testing.assert_allclose(g, w, **close)


def test_the_plain_helpers_are_the_numpy_paths():
    assert runtime_numba_norms.HELPERS == {"check_norm_order": runtime_matrices.check_norm_order,
                                           "norm_weights": runtime_matrices.norm_weights}
    assert runtime_numba.NUMPY.linalg.norm is norm_along
    assert norm_along(-2.0) == 2.0
    np.testing.assert_allclose(norm_along(A, 1, 0, True), np.linalg.norm(A, 1, 0, True))
