"""runtime_extend.vjp_of: the maker's vjp applied, and refused (naming the maker's line) when
it returns an adjoint of another shape than its argument's."""
import numpy as np
import pytest

from srcdiff.errors import RuleError
from srcdiff.runtime_extend import jvp_by_vjps, vjp_of


def product_vjp(ans, x, y):
    return lambda g: g * y


def summed_vjp(ans, x, y):
    return lambda g: np.sum(g * y)   # a scalar adjoint for an array argument: wrong


def test_vjp_of_applies_the_makers_vjp():
    x, y = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    np.testing.assert_array_equal(vjp_of(product_vjp, np.array([0.5, 2.0]), 0, x * y, x, y),
                                  np.array([1.5, -2.0]))


def test_an_adjoint_of_another_shape_is_refused_naming_the_maker():
    x, y = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    with pytest.raises(RuleError) as err:
        vjp_of(summed_vjp, np.ones(2), 0, x * y, x, y)
    assert err.value.lineno == summed_vjp.__code__.co_firstlineno
    assert "summed_vjp" in str(err.value) and "shape ()" in str(err.value)


def square_vjp(ans, x):
    return lambda g: 2.0 * g * x


def test_jvp_by_vjps_assembles_the_tangent_from_one_vjp_per_output_element():
    x, t = np.array([[1.0, 2.0], [-0.5, 3.0]]), np.array([[0.1, -1.0], [2.0, 0.5]])
    step = 1e-6
    wanted = ((x + step * t) ** 2 - (x - step * t) ** 2) / (2 * step)   # central differences
    np.testing.assert_allclose(jvp_by_vjps(square_vjp, t, 0, x ** 2, x), wanted, rtol=1e-8)
    assert np.ndim(jvp_by_vjps(square_vjp, 0.5, 0, 4.0, 2.0)) == 0


def test_jvp_by_vjps_refuses_outputs_it_cannot_take_apart():
    with pytest.raises(RuleError, match="defjvp"):
        jvp_by_vjps(square_vjp, np.ones(2), 0, (np.ones(2), np.ones(2)), np.ones(2))
    with pytest.raises(RuleError, match="complex"):
        jvp_by_vjps(square_vjp, np.ones(2), 0, np.ones(2) * 1j, np.ones(2))
