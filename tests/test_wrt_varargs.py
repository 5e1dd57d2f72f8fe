"""srcdiff/wrt_varargs.py: `wrt` naming a position inside the *args of the function
differentiated (autograd's grad(f, argnum=1) of def f(*args)), positions counted as the
caller passes them. Checked against central differences in reverse and forward mode and to
second order (gradcheck.check, check_hvp); a position past what a call passes is an
ArgumentError."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, check_hvp, check_grad, numerical_grad, numerical_hessian
from srcdiff.errors import ArgumentError

X = np.array([0.5, -1.0, 0.3])


def all_rest(*args):
    return np.sum(args[0] * np.sin(args[1])) + np.sum(np.tanh(args[0]) ** 2)


def named_then_rest(w, *args, scale=1.0):
    total = w * 0.5
    for a in args:
        total = total + scale * np.sum(np.exp(w * a))
    return total


def autograd_style(*args):
    weights, inputs, targets = args
    preds = np.tanh(inputs @ weights)
    return np.sum((preds - targets) ** 2)


@pytest.mark.parametrize("f, args, wrt", [
    (all_rest, (X, X[::-1] * 2.0), 0),
    (all_rest, (X, X[::-1] * 2.0), 1),
    (all_rest, (X, X[::-1] * 2.0), -1),
    (named_then_rest, (0.7, X, X * 3.0), 2),
    (named_then_rest, (0.7, X, X * 3.0), (0, 1)),
    (autograd_style, (X, np.eye(3) + 0.1, np.ones(3) * 0.2), 0),
])
def test_a_position_inside_args_is_differentiated(f, args, wrt):
    check(f, *args, wrt=wrt)


def test_keywords_and_hvp_of_a_position_inside_args():
    got = srcdiff.grad(named_then_rest, wrt=1)(0.7, X, X * 3.0, scale=2.0)
    want = numerical_grad(lambda *a: named_then_rest(*a, scale=2.0), (0.7, X, X * 3.0), 1)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    check_hvp(all_rest, X, X[::-1] * 2.0, vector=X * 0.3, wrt=1)
    check_grad(autograd_style, X, np.eye(3) + 0.1, np.ones(3) * 0.2, wrt=0)
    value, grad = srcdiff.value_and_grad(all_rest, wrt=1)(X, X * 2.0)
    assert value == all_rest(X, X * 2.0)


def test_the_derivative_is_made_per_number_of_arguments():
    g = srcdiff.grad(named_then_rest, wrt=1)
    one = g(0.7, X)
    two = g(0.7, X, X * 2.0)
    np.testing.assert_allclose(one, numerical_grad(named_then_rest, (0.7, X), 1), rtol=1e-5)
    np.testing.assert_allclose(two, numerical_grad(named_then_rest, (0.7, X, X * 2.0), 1),
                               rtol=1e-5)
    assert "def grad_named_then_rest(w, args_0, args_1" in g.source


def test_a_position_the_call_does_not_pass_is_refused():
    g = srcdiff.grad(all_rest, wrt=2)
    with pytest.raises(ArgumentError, match=r"wrt=2 is out of range for this call: "
                                            r"all_rest was given 2 positional"):
        g(X, X)


def outputs_from_rest(w, *args):
    return np.tanh(args[0] * w) + args[1] ** 2 * w


@pytest.mark.parametrize("f, args, wrt", [
    (all_rest, (X, X[::-1] * 2.0), 1),
    (named_then_rest, (0.7, X, X * 3.0), 2),
    (lambda w, *args: np.sum(np.sin(args[0] * w) * args[0]), (X, X * 0.5), 1),   # a lambda
])
def test_hessian_of_a_position_inside_args(f, args, wrt):
    got = srcdiff.hessian(f, wrt=wrt)(*args)

    def at(x):
        moved = list(args)
        moved[wrt] = x
        return f(*moved)
    np.testing.assert_allclose(got, numerical_hessian(at, args[wrt]), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_of_a_position_inside_args(mode):
    args = (X, X * 0.5, X[::-1])
    for wrt in (1, 2):
        got = srcdiff.jacobian(outputs_from_rest, wrt=wrt, mode=mode)(*args)
        rows = [numerical_grad(outputs_from_rest, args, wrt, cotangent=np.eye(3)[i])
                for i in range(3)]
        np.testing.assert_allclose(got, np.array(rows), rtol=1e-5, atol=1e-7)


def test_a_composition_of_a_position_inside_args():
    got = srcdiff.jacobian(srcdiff.grad(all_rest, wrt=1), wrt=1)(X, X * 2.0)
    np.testing.assert_allclose(got, numerical_hessian(lambda a: all_rest(X, a), X * 2.0),
                               rtol=1e-4, atol=1e-6)


def test_a_function_with_a_rule_and_no_source_is_differentiated_through_its_rule():
    # autograd's fixed_points example: grad(np.sqrt)(2.0) and grad(grad(np.sqrt))(2.0)
    check_grad(np.sqrt, 2.0)
    check_grad(np.arctan2, 0.5, 2.0, wrt=1)
    check_grad(np.sin, X)
    gradient = srcdiff.grad(np.sqrt)
    step = 1e-5
    np.testing.assert_allclose(srcdiff.grad(gradient)(2.0),
                               (gradient(2.0 + step) - gradient(2.0 - step)) / (2 * step),
                               rtol=1e-6)
    with pytest.raises(ArgumentError, match="whose source it can read"):
        srcdiff.grad(np.nextafter)   # no rule: still refused, with the hint to wrap it
