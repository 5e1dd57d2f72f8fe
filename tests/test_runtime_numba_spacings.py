"""srcdiff/runtime_numba_spacings.py: jit=True on numpy.gradient of a vector with one scalar
spacing, refused before ("srcdiff's helper gradient_grad has no Numba version"): the compiled
numpy.gradient and its adjoint against NumPy's and the NumPy path's on varied lengths,
spacings, axes and edge orders, and a user program under jit=True against finite differences
(few kernels: each Numba compiles takes seconds)."""
import numpy as np
import pytest

import srcdiff
from numba_checks import check_jit, needs_numba, own_cache  # noqa: F401 (own_cache: autouse)
from srcdiff import numba_backend, runtime_arrays, runtime_numba, runtime_numba_spacings
from srcdiff.runtime_numba_spacings import gradient_grad, gradient_value

X = np.array([0.3, -0.7, 0.5, 1.2, 0.9])


def gradients(f, g, h, edge_order):
    return (gradient_value(f, h, edge_order=edge_order), gradient_value(f, h, axis=0),
            gradient_value(f), gradient_grad(g, f, h, None, edge_order),
            gradient_grad(g, f, h, -1, edge_order), gradient_grad(2.0, f, h, 0, edge_order))


@needs_numba
def test_the_compiled_gradient_and_adjoint_give_numpys_numbers():
    import numba
    runtime_numba.install()
    compiled = numba.njit(gradients)
    rng = np.random.default_rng(3)
    for n, h, edge_order in ((3, 1.0, 1), (3, 0.5, 2), (6, 2, 2), (2, 0.25, 1), (7, 1.5, 1)):
        f, g = rng.normal(size=n), rng.normal(size=n)
        want = (np.gradient(f, h, edge_order=edge_order), np.gradient(f, h, axis=0),
                np.gradient(f), runtime_arrays.gradient_grad(g, f, h, None, edge_order),
                runtime_arrays.gradient_grad(g, f, h, -1, edge_order),
                runtime_arrays.gradient_grad(2.0, f, h, 0, edge_order))
        for got, expected in zip(compiled(f, g, h, edge_order), want):
            np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
        # the adjoint is the transpose of the gradient: <g, G f> = <G^T g, f>
        np.testing.assert_allclose(np.dot(g, np.gradient(f, h, edge_order=edge_order)),
                                   np.dot(compiled(f, g, h, edge_order)[3], f), rtol=1e-10)
    ints = np.array([1, 4, 9, 16])
    np.testing.assert_allclose(compiled(ints, ints * 1.0, 1.0, 2)[0],
                               np.gradient(ints, 1.0, edge_order=2))
    with pytest.raises(ValueError, match="too small"):
        compiled(np.ones(2), np.ones(2), 1.0, 2)   # as NumPy's
    with pytest.raises(ValueError, match="too small"):
        np.gradient(np.ones(2), 1.0, edge_order=2)


def finite_differences(x, h):
    return np.sum(np.gradient(x * x, h, edge_order=2) ** 2) + np.sum(np.gradient(x) * x)


@needs_numba
def test_a_program_with_numpy_gradient_differentiates_under_jit():
    check_jit(finite_differences, X, 0.5)


def along_coordinates(x):
    return np.sum(np.gradient(x * x, np.array([0.0, 1.0, 3.0, 4.0, 6.0])))


@needs_numba
def test_coordinates_as_the_spacing_are_refused_at_the_users_line():
    with pytest.raises(numba_backend.NumbaUnsupported, match=r"test_runtime_numba_spacings.py"):
        srcdiff.grad(along_coordinates, jit=True)(X)


def test_the_plain_helpers_are_the_numpy_paths():
    assert runtime_numba_spacings.HELPERS["gradient_grad"] is runtime_arrays.gradient_grad
    np.testing.assert_allclose(gradient_value(X, 0.5, edge_order=2),
                               np.gradient(X, 0.5, edge_order=2))
