"""srcdiff.misc: fixed_point's value (autograd's iteration), its derivatives' helpers called
directly and checked against central differences of fixed_point, and the located refusal of
an f srcdiff cannot read as one function of a and x."""
import numpy as np
import pytest

import srcdiff
from srcdiff.errors import UnsupportedCodeError
from srcdiff.misc import fixed_point, fixed_point_jvp, fixed_point_vjp, fixed_point_vjp_jvp


def distance(x, y):
    return np.max(np.abs(x - y))


def descent_sqrt(a):
    return lambda x: x - 0.05 * (x ** 2 - a)


def test_the_value_is_autograds_iteration():
    x, prev = descent_sqrt(2.0)(1.0), 1.0
    while abs(x - prev) > 1e-3:
        x, prev = descent_sqrt(2.0)(x), x
    assert fixed_point(descent_sqrt, 2.0, 1.0, distance, 1e-3) == x


def mixing(p):
    A, b = p
    def step(x):
        return 0.5 * np.tanh(A @ x) + b
    return step


def _problem():
    rng = np.random.default_rng(3)
    return (0.3 * rng.standard_normal((3, 3)), rng.standard_normal(3)), np.zeros(3)


def _solve(p):
    return fixed_point(mixing, p, np.zeros(3), distance, 1e-15)


def _moved(p, dp, s):
    return tuple(a + s * b for a, b in zip(p, dp))


def test_the_helpers_against_central_differences_of_fixed_point():
    p, _ = _problem()
    rng = np.random.default_rng(4)
    dp = (rng.standard_normal((3, 3)), rng.standard_normal(3))
    g = rng.standard_normal(3)
    x, eps = _solve(p), 1e-6
    differences = (_solve(_moved(p, dp, eps)) - _solve(_moved(p, dp, -eps))) / (2 * eps)
    tangent = fixed_point_jvp(mixing, p, x, dp, distance, 1e-15)
    np.testing.assert_allclose(tangent, differences, rtol=1e-6, atol=1e-9)
    adjoint = fixed_point_vjp(mixing, p, x, g, distance, 1e-15)   # <g, dx> = <adjoint, dp>
    assert g @ tangent == pytest.approx(np.sum(adjoint[0] * dp[0]) + adjoint[1] @ dp[1],
                                        rel=1e-10)

    def adjoint_at(s):
        q = _moved(p, dp, s)
        return fixed_point_vjp(mixing, q, _solve(q), g, distance, 1e-15)
    moved = fixed_point_vjp_jvp(mixing, p, x, g, distance, 1e-15, dp, tangent, None)
    for got, plus, minus in zip(moved, adjoint_at(eps), adjoint_at(-eps)):
        np.testing.assert_allclose(got, (plus - minus) / (2 * eps), rtol=1e-5, atol=1e-8)


def not_a_lambda(a):
    return np.cos   # not a lambda or a nested def


def uses_it(a):
    return fixed_point(not_a_lambda, a, 1.0, distance, 1e-12)


def test_an_f_of_another_form_is_refused_at_its_def():
    with pytest.raises(UnsupportedCodeError) as err:
        srcdiff.grad(uses_it)(0.5)
    assert err.value.lineno == not_a_lambda.__code__.co_firstlineno
    assert "return lambda x" in err.value.hint


def shadowing(a):
    x = 2.0 * a
    c = x + 1.0
    return lambda x: 0.5 * x + c   # the step's x is a name f uses before


def test_an_f_whose_step_parameter_it_uses_itself_is_refused():
    with pytest.raises(UnsupportedCodeError, match="a name f itself uses"):
        srcdiff.grad(lambda a: fixed_point(shadowing, a, 1.0, distance, 1e-12))(0.5)
