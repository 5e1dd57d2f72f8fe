"""The operator rules in templates/arithmetic.py against central differences."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from rule_tables import IDS, SHAPES

rng = np.random.default_rng(5)



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


# -- complex bases: x ** y in y needs log(x), which a complex x has ------------------------


BASE = np.array([0.7 - 0.2j, -0.4 + 0.9j, -1.1 - 0.3j])


def complex_base_power(z):
    v = BASE ** z
    return np.sum(np.real(v) * np.array([1.0, 2.0, 3.0]) + np.imag(v) * np.array([0.5, -1.0, 2.0]))


def complex_base_float_power(z):
    v = np.float_power(BASE, z * z)
    return np.sum(np.real(v) - 2.0 * np.imag(v))


@pytest.mark.parametrize("f", [complex_base_power, complex_base_float_power])
def test_power_of_a_complex_base_in_its_exponent(f):
    """log_base mapped every base with a non-positive real part to 1 (a zero derivative)."""
    from gradcheck import check_hvp
    z = np.array([0.4 + 0.3j, -0.2 + 0.5j, 0.3 - 0.25j])
    g = np.zeros_like(z)
    for i in range(3):
        e = np.zeros_like(z)
        e[i] = 1e-6
        g[i] = (f(z + e) - f(z - e)) / 2e-6 - 1j * (f(z + 1j * e) - f(z - 1j * e)) / 2e-6
    np.testing.assert_allclose(srcdiff.grad(f)(z), g, rtol=1e-6, atol=1e-8)
    t = np.array([0.3 + 0.1j, -1.0 + 0.5j, 0.2 - 0.4j])
    fd = (f(z + 1e-6 * t) - f(z - 1e-6 * t)) / 2e-6
    assert srcdiff.jvp(f)(z, t)[1] == pytest.approx(fd, rel=1e-6)
    check_hvp(f, z, vector=t)
