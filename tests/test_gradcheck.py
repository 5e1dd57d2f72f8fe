"""The shared checker bites: gradcheck.check fails for each kind of wrong derivative it is
meant to catch (a wrong reverse rule, a wrong forward rule, a rule right at first order
but wrong at second, a rule that writes into its input) and passes the right ones.

The wrong rules are user rules of functions defined here, so templates/ is untouched.
"""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import d


def cube(x):
    return x * x * x


def three_squares(x):
    return 3.0 * x * x


srcdiff.nondifferentiable(three_squares)   # a derivative that is itself not differentiated


def wrong_reverse(x):
    return cube(x)


def wrong_forward(x):
    return cube(x)


def flat_second(x):
    return cube(x)


def scribbling(x):
    return cube(x)


def right(x):
    return cube(x)


def _scribble(g, x):
    x += 1e-3   # writes into the caller's array
    return g


@srcdiff.reverse_rule(wrong_reverse)
def wrong_reverse_adjoint(y, x):
    d[x] = d[y] * 3.0 * x          # should be 3 x^2


@srcdiff.forward_rule(wrong_reverse)
def wrong_reverse_tangent(y, x):
    d[y] = d[x] * 3.0 * x * x


@srcdiff.reverse_rule(wrong_forward)
def wrong_forward_adjoint(y, x):
    d[x] = d[y] * 3.0 * x * x


@srcdiff.forward_rule(wrong_forward)
def wrong_forward_tangent(y, x):
    d[y] = -d[x] * 3.0 * x * x     # the sign flipped


@srcdiff.reverse_rule(flat_second)
def flat_second_adjoint(y, x):
    d[x] = d[y] * three_squares(x)  # right values, but a zero second derivative


@srcdiff.forward_rule(flat_second)
def flat_second_tangent(y, x):
    d[y] = d[x] * three_squares(x)


@srcdiff.reverse_rule(scribbling)
def scribbling_adjoint(y, x):
    d[x] = _scribble(d[y] * 3.0 * x * x, x)


@srcdiff.forward_rule(scribbling)
def scribbling_tangent(y, x):
    d[y] = d[x] * 3.0 * x * x


@srcdiff.reverse_rule(right)
def right_adjoint(y, x):
    d[x] = d[y] * 3.0 * x * x


@srcdiff.forward_rule(right)
def right_tangent(y, x):
    d[y] = d[x] * 3.0 * x * x


X = np.array([0.5, -1.2, 2.0])


@pytest.mark.parametrize("x", [X, 0.7, np.array(0.7), X.reshape(3, 1)],
                         ids=["1d", "float", "0d", "2d"])
def test_right_rules_pass(x):
    check(lambda x: np.sum(np.sin(right(x))), x)
    check(lambda x: right(x) * 2.0, x)


def test_wrong_reverse_rule_fails():
    with pytest.raises(AssertionError, match="vjp disagrees"):
        check(lambda x: np.sum(wrong_reverse(x)), X)
    with pytest.raises(AssertionError, match="vjp disagrees"):
        check(lambda x: wrong_reverse(x), X, modes=("rev",), order=1)


def test_wrong_forward_rule_fails():
    with pytest.raises(AssertionError, match="jvp disagrees"):
        check(lambda x: np.sum(wrong_forward(x)), X)
    with pytest.raises(AssertionError, match="jvp disagrees"):
        check(lambda x: wrong_forward(x), X, modes=("fwd",), order=1)


def test_second_order_error_fails_at_order_two_only():
    check(lambda x: np.sum(flat_second(x)), X, order=1)
    with pytest.raises(AssertionError, match="second order"):
        check(lambda x: np.sum(flat_second(x)), X)


def with_defaults(x, scale=2.0, shift=np.array([0.1, 0.2, 0.3])):
    return np.sum(np.sin(right(x)) * scale + shift * x)


def flat_second_with_defaults(x, scale=2.0):
    return np.sum(flat_second(x)) * scale


def test_a_function_with_defaults_is_checked_at_second_order():
    """The second-order check calls the plain emitted vjp, which takes every parameter: the
    checker fills f's defaults itself (it raised a TypeError for the missing ones)."""
    check(with_defaults, X)
    check(with_defaults, X, 3.0)
    check(lambda x, k=1.5: np.sum(right(x)) * k, 0.7)
    check(flat_second_with_defaults, X, order=1)
    with pytest.raises(AssertionError, match="second order"):
        check(flat_second_with_defaults, X)


def test_writing_into_an_argument_fails():
    with pytest.raises(AssertionError, match="changed its arguments"):
        check(lambda x: np.sum(scribbling(x)), X.copy())


def test_several_arguments_containers_and_tuple_outputs():
    def f(xs, w):
        return [xs[0] * w, np.sin(xs[1]) * xs[0]]
    check(f, [np.array([0.3, 0.5]), np.array([1.0, 2.0])], 0.7, wrt=(0, 1))

    def g(x):
        return np.sum(x * x), x[0] * 2.0
    check(g, np.array([0.3, 0.5]))


def test_a_dict_argument_keeps_its_key_order():
    # finite differences once rebuilt the dict in sorted key order, so a function reading
    # p.values() in the caller's order was differentiated as another function
    def f(p):
        w, b = list(p.values())
        return w * 2.0 + b ** 2 * 3.0
    check(f, {"w": 0.3, "b": 1.1})
