"""templates/compose_rules.py: the helpers of emitted forward code and of srcdiff/compose.py's
generated functions, met when a derivative srcdiff made is differentiated again. Each
check runs srcdiff's transforms over a derivative (forward over forward, reverse built from
forward passes) against central differences of that derivative."""
import numpy as np

import srcdiff
from gradcheck import check

X = np.array([0.4, -0.3, 0.8])
T = np.array([0.5, 1.0, -0.2])


def sin_sum(x):
    return np.sum(np.sin(x) * x)


def _bump(v):
    return v * np.tanh(v)


def with_helper(x):
    return np.sum(_bump(x) * np.cos(x))


def writes_items(x):
    y = x * 1.0
    y[0] = np.sin(y[0]) * y[1]
    return np.sum(y * y)


def test_forward_over_forward():
    # check_tangent, output_tangent; vjp and value_and_grad of a jvp: unit, vdot, with_item
    check(srcdiff.jvp(sin_sum), X, T)
    check(srcdiff.jvp(writes_items), X, T)  # copy_tangent


def test_over_gradients():
    check(srcdiff.grad(sin_sum), X)
    check(srcdiff.jacobian(srcdiff.grad(sin_sum)), X, modes=("fwd",))  # with_column
    check(srcdiff.grad(srcdiff.jvp(sin_sum)), X, T, modes=("fwd",))  # total


def test_third_order_through_a_helper():
    # add_tangents and the second-order terms of `a * b` on operands that may be sequences
    check(srcdiff.jvp(srcdiff.grad(with_helper)), X, T, modes=("fwd",))
    check(srcdiff.grad(srcdiff.grad(with_helper)), X, modes=("fwd",))
    # fourth order: forward over the code those rules emitted
    check(srcdiff.grad(srcdiff.grad(srcdiff.grad(with_helper))), X, modes=("fwd",), order=1)


def test_value_and_grad_snapshot():
    check(srcdiff.value_and_grad(with_helper), X, modes=("fwd",))


def jvp_inside(x):
    # a call of a jvp srcdiff made, differentiated in forward mode: its tangent is the
    # tangent part of the jvp of that jvp (tangent_part)
    return np.sum(srcdiff.jvp(sin_sum)(x, x * x)[1])


def test_derivative_called_inside():
    check(jvp_inside, X, modes=("fwd",))
    check(srcdiff.jvp(jvp_inside), X, T, modes=("fwd",))  # forward over that tangent
