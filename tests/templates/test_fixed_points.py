"""templates/fixed_points.py: srcdiff.misc.fixed_point's rules (the implicit function theorem)
checked against central differences of the iteration run to rounding level, in both modes and
to second order; an f carrying a derivative of its own and forward over forward are refused at
the user's line."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal
from srcdiff.errors import SrcdiffError
from srcdiff.misc import fixed_point


def distance(x, y):
    return np.max(np.abs(x - y))


def newton_sqrt(a):
    return lambda x: 0.5 * (x + a / x)


def sqrt(a):
    return fixed_point(newton_sqrt, a, 10.0, distance, 1e-15)


def descent_sqrt(a):
    return lambda x: x - 0.05 * (x ** 2 - a)


def slow_sqrt(a):
    return fixed_point(descent_sqrt, a, 3.0, distance, 1e-15)


@pytest.mark.parametrize("fn", [sqrt, slow_sqrt])
def test_scalar_fixed_point_both_modes_second_order(fn):
    check(fn, 2.0)
    assert srcdiff.grad(fn)(2.0) == pytest.approx(0.5 / np.sqrt(2.0), rel=1e-10)


def linear_map(p):
    A, b = p
    def step(x):
        return 0.5 * np.tanh(A @ x) + b
    return step


def solve(A, b):
    return np.sum(fixed_point(linear_map, (A, b), np.zeros(3), distance, 1e-15) ** 2)


def test_array_fixed_point_with_a_tuple_parameter():
    rng = np.random.default_rng(0)
    A = 0.3 * rng.standard_normal((3, 3))
    b = rng.standard_normal(3)
    check(solve, A, b, wrt=(0, 1))


def scaled(a):
    c = a * 2.0
    return lambda x: np.cos(x) * c / 4.0


def composed(a):
    y = fixed_point(scaled, np.sin(a), a, distance, 1e-15)
    return y * a


def test_statements_before_the_lambda_and_a_start_that_depends_on_a():
    check(composed, 0.7)


def closes_over(a, b):
    def f(p):
        return lambda x: 0.5 * np.cos(x) * p + b   # b: a differentiated value, not through a
    return fixed_point(f, a, 1.0, distance, 1e-12)


def test_an_f_carrying_a_derivative_is_refused_at_the_users_line():
    err = refusal(closes_over, (0.5, 0.2), "grad", wrt=1)
    assert "through a" in str(err) + (err.hint or "")


def test_forward_over_forward_is_refused_at_the_users_line():
    tangent = srcdiff.jvp(sqrt)
    with pytest.raises(SrcdiffError) as err:
        srcdiff.jvp(lambda a: tangent(a, 1.0)[1])(2.0, 1.0)
    assert "forward over reverse" in str(err.value) + (err.value.hint or "")
