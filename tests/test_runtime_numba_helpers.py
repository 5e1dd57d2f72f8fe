"""srcdiff/runtime_numba_helpers.py: the Numba path's helpers as plain Python (what the
emitted kernel's source means, and what it runs without Numba) agree with the NumPy path's
helpers (srcdiff/runtime.py) on numbers and arrays, and `NUMPY`'s reductions take numbers."""
import numpy as np
import pytest

from srcdiff import runtime, runtime_numba, runtime_numba_helpers as helpers

RNG = np.random.default_rng(5)
A = RNG.standard_normal((2, 3))
V = RNG.standard_normal(3)


def test_the_helpers_are_the_ones_runtime_numba_gives_the_kernel():
    # (and the NumPy path's helpers runtime_numba_numpy compiles, and those of lists)
    from srcdiff import (runtime_numba_alias, runtime_numba_checks, runtime_numba_lists,
                         runtime_numba_norms, runtime_numba_flat, runtime_numba_numpy,
                         runtime_numba_spacings)
    assert runtime_numba.HELPERS == {**helpers.HELPERS, **runtime_numba_numpy.HELPERS,
                                     **runtime_numba_lists.HELPERS, **runtime_numba_norms.HELPERS,
                                     **runtime_numba_checks.HELPERS, **runtime_numba_spacings.HELPERS,
                                     **runtime_numba_flat.HELPERS, **runtime_numba_alias.HELPERS}
    assert runtime_numba.NUMPY is helpers.NUMPY
    for name, fn in runtime_numba.HELPERS.items():
        assert getattr(runtime_numba, name) is fn, name
        assert fn.__name__ == name


@pytest.mark.parametrize("grad, like", [(A, V), (A, A), (A, np.ones((1, 3))), (A, 2.0),
                                        (np.ones((4, 2, 3)), np.ones((2, 1)))])
def test_unbroadcast_sums_as_the_numpy_path_does(grad, like):
    got, want = helpers.unbroadcast(grad, like), runtime.unbroadcast(grad, like)
    assert np.shape(got) == np.shape(like)
    np.testing.assert_allclose(got, want)


@pytest.mark.parametrize("a, b", [(V, V), (A, V), (V, A.T), (A, A.T)])
def test_matmul_adjoints_are_the_vjp_of_matmul(a, b):
    g = RNG.standard_normal(np.shape(a @ b))
    ga, gb = helpers.matmul_grad_left(g, a, b), helpers.matmul_grad_right(g, a, b)
    # <g, d(a @ b)> = <ga, da> + <gb, db> for any direction (the product is bilinear)
    da, db = RNG.standard_normal(np.shape(a)), RNG.standard_normal(np.shape(b))
    lhs = np.sum(g * (da @ b + a @ db))
    np.testing.assert_allclose(lhs, np.sum(ga * da) + np.sum(gb * db))


def test_values_shaped_like_numbers_and_arrays():
    assert helpers.zeros_like_value(2.0) == 0.0 and helpers.ones_like_value(2.0) == 1.0
    assert helpers.zeros_like_value(A).shape == A.shape and np.all(helpers.ones_like_value(A) == 1)
    assert helpers.power_exponent(0) == 1 and helpers.power_exponent(3.0) == 2.0
    np.testing.assert_array_equal(helpers.power_exponent(np.array([0.0, 2.0])), [1.0, 1.0])
    assert helpers.expand_reduced(V[:2], A, 1, False).shape == (2, 1)
    assert helpers.broadcast_like(V, A).shape == A.shape


def test_scatter_add_accumulates_repeated_indices_and_keeps_a_borrowed_buffer():
    buffer = np.zeros(3)
    out = helpers.scatter_add(buffer, V, np.array([0, 0, 2]), np.ones(3), owned=False)
    np.testing.assert_array_equal(out, [2.0, 0.0, 1.0])
    assert np.all(buffer == 0.0)


@pytest.mark.parametrize("name, reduce", [("sum", np.sum), ("mean", np.mean), ("max", np.max),
                                          ("min", np.min), ("amax", np.max)])
def test_numpy_reductions_take_numbers_too(name, reduce):
    fn = getattr(helpers.NUMPY, name)
    assert fn(2.5) == 2.5
    assert fn(A) == reduce(A)
    assert helpers.NUMPY.linalg.norm(-2.0) == 2.0
    np.testing.assert_allclose(helpers.NUMPY.linalg.norm(A), np.linalg.norm(A))


def test_check_update_raises_where_numpy_would():
    helpers.check_update(A, V, "__iadd__")
    with pytest.raises(ValueError):
        helpers.check_update(V, A, "__iadd__")
