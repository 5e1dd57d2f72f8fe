"""The operator rules in templates/arithmetic.py against central differences."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

rng = np.random.default_rng(5)

SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1), (1, 3)), ((2, 3), ()), ((), (3,)),
          ((2, 1, 3), (4, 1))]
IDS = ["same", "row", "outer", "array-scalar", "scalar-array", "3d"]


def _pos(shape):
    return rng.uniform(0.5, 2.0, size=shape)


@pytest.mark.parametrize("sa,sb", SHAPES, ids=IDS)
def test_operators(sa, sb):
    a, b = rng.normal(size=sa), _pos(sb)
    check(lambda a, b: np.sum(np.sin(a + b)), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.sin(a - b)), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.sin(a * b)), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.sin(a / b)), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.sin(b ** a)), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.sin(-a) * +b), a, b, wrt=(0, 1))


@pytest.mark.parametrize("sa,sb", SHAPES, ids=IDS)
def test_ufunc_twins(sa, sb):
    a, b = rng.normal(size=sa), _pos(sb)
    check(lambda a, b: np.sum(np.sin(np.add(a, b))), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.sin(np.subtract(a, b))), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.sin(np.multiply(a, b))), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.sin(np.divide(a, b))), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.sin(np.true_divide(a, b))), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.sin(np.power(b, a))), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.negative(a) * np.positive(b)), a, b, wrt=(0, 1))


def test_python_floats():
    check(lambda x, y: (x + y) * (x - y) / y + x ** y - (-x), 0.7, 1.3, wrt=(0, 1))
    check(lambda x: np.sum(x * 2.0 + 1.0 / x - 3.0 ** x), _pos((2, 3)))


def test_power_integer_and_zero_exponent():
    x = rng.normal(size=(2, 3))
    check(lambda x: np.sum(x ** 2), x)
    check(lambda x: np.sum(x ** 3 + x ** 0), x)
    g = srcdiff.grad(lambda x: np.sum(x ** 2.0))(np.array([0.0, 1.0]))
    np.testing.assert_array_equal(g, [0.0, 2.0])


def test_power_base_zero_has_finite_exponent_gradient():
    g = srcdiff.grad(lambda p: np.sum(np.array([0.0, 2.0]) ** p))(1.5)
    assert np.isfinite(g)


@pytest.mark.parametrize("sa,sb", [((3, 3), (3, 3)), ((2, 3), (3,)), ((3,), (3, 2)),
                                   ((3,), (3,)), ((2, 3, 4), (4, 2)), ((1, 3, 4), (2, 4, 2))])
def test_matmul_operator(sa, sb):
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    w = np.arange(1.0, 1.0 + np.size(a @ b)).reshape(np.shape(a @ b))
    check(lambda a, b: np.sum((a @ b) * w), a, b, wrt=(0, 1))
