"""Forward mode (jvp): tangents checked by finite differences along the tangent and by grad . v.

`forward_source(f, wrt)` emits `jvp_f(<f's params>, tangent_<w>...)` returning
`(value, output tangent)`. Every test compares the output tangent with central
differences of f along the input tangents; where the output is a scalar it is
also compared with the reverse-mode gradient dotted with the tangents.
"""
import math
import re

import numpy as np
import pytest

import srcdiff
from forward_checks import check_against_grad, check_jvp, jvp_of
from srcdiff.errors import NoRuleError
from srcdiff.forward_driver import forward_source

rng = np.random.default_rng(7)


# --- arithmetic, broadcasting, reductions --------------------------------------------
def arith(x, y):
    a = x * y + x / (y + 3.0) - x ** 2
    b = -a * 2.0 + y ** x
    return (a + b) @ np.ones(4)


def scalar_vector(s, v):
    return s * v + v / s - s


def matmuls(a, b):
    return np.sum((a @ b) * (a @ b))


def reductions(x):
    return np.sum(x, axis=0) * np.mean(x, axis=1, keepdims=True) + np.sum(x)


def ufuncs(x):
    return np.sin(x) * np.exp(-x * x) + np.tanh(x) + np.log(1.0 + x * x)


def methods(x):
    return x.sum(axis=1) + x.T.mean(axis=0) + x.reshape(12).sum()


def test_arithmetic_broadcasting():
    x = rng.normal(size=(3, 4))
    y = np.abs(rng.normal(size=4)) + 0.5
    check_jvp(arith, (x, np.abs(y)), wrt=("x", "y"))
    check_jvp(arith, (x, y), wrt=("x",))
    check_jvp(arith, (x, y), wrt=("y",))
    check_jvp(scalar_vector, (0.7, rng.normal(size=5)), wrt=("s", "v"))
    check_jvp(scalar_vector, (0.7, rng.normal(size=5)), wrt=("s",))


def test_matmul_and_scalar_output_matches_grad():
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    check_jvp(matmuls, (a, b), wrt=("a", "b"))
    check_against_grad(matmuls, (a, b), wrt=("a", "b"))


def test_reductions_and_ufuncs():
    x = rng.normal(size=(3, 4))
    check_jvp(reductions, (x,))
    check_jvp(ufuncs, (x,))
    check_jvp(methods, (x,))


# --- Python floats ------------------------------------------------------------------
def float_poly(x, y):
    z = x * x * y + 3.0 * x - y / x
    for i in range(3):
        z = z * 0.5 + x
    return z


def test_python_float_inputs():
    from control_corpus import for_break, for_range, while_data
    t = check_jvp(float_poly, (0.7, 1.3), wrt=("x", "y"))
    assert type(t) is float
    t = check_jvp(float_poly, (0.7, 1.3), wrt=("y",))
    assert type(t) is float
    for f, x in ((for_range, 0.7), (while_data, 0.3), (for_break, 0.2)):
        check_jvp(f, (x,), rtol=1e-4, atol=1e-6)


# --- structures, outputs ----------------------------------------------------------------------
def tuple_out(x):
    s = np.sum(x * x)
    return s, x * 3.0, 7


def dict_display(x, y):
    d = {"a": x * y, "b": y}
    return d["a"] + d["b"] * d["a"]


def list_input(xs):
    return xs[0] * xs[1] + xs[2]


def test_outputs_and_containers():
    x = rng.normal(size=3)
    value, tangent = jvp_of(tuple_out, ("x",))(x, np.ones(3))
    assert isinstance(tangent, tuple) and len(tangent) == 3 and tangent[2] == 0.0
    check_jvp(dict_display, (x, rng.normal(size=3)), wrt=("y",))
    xs = [rng.normal(size=2) for _ in range(3)]
    check_jvp(list_input, (xs,))


# --- zeros are never computed ---------------------------------------------------------------------
def inactive_arg(x, w):
    a = np.sin(w) * 3.0 + w * w
    b = x * a
    for i in range(3):
        b = b * a + np.exp(w)
    return np.sum(b)


def dead_tangent(x, w):
    unused = np.exp(w) * x
    return np.sum(x * w)


def test_inactive_argument_gets_no_tangent_code():
    x, w = rng.normal(size=3), rng.normal(size=3)
    text = forward_source(inactive_arg, ("x",)).text
    assert not re.search(r"\btan_(w|a)\b", text)
    assert "zeros_like" not in text
    assert "tangent_w" not in text
    check_jvp(inactive_arg, (x, w), wrt=("x",))
    check_jvp(inactive_arg, (x, w), wrt=("x", "w"))
    text = forward_source(dead_tangent, ("x", "w")).text
    assert "tan_unused" not in text      # it does not reach the output
    check_jvp(dead_tangent, (x, w), wrt=("x", "w"))

def stopped(x):
    y = srcdiff.stop_gradient(x * 2.0)
    k = np.argmax(x)
    return np.sum(x * y) + k


def test_stop_gradient_and_nondifferentiable():
    x = rng.normal(size=4)
    text = forward_source(stopped, ("x",)).text
    assert "tan_y" not in text and "tan_k" not in text
    _, t = jvp_of(stopped, ("x",))(x, np.ones(4))
    np.testing.assert_allclose(t, np.sum(x * 2.0))


# --- errors --------------------------------------------------------------------------------
def test_tangent_shape_is_checked():
    jvp = jvp_of(arith, ("x", "y"))
    x, y = rng.normal(size=(3, 4)), rng.normal(size=4)
    with pytest.raises(ValueError, match="tangent for y has shape"):
        jvp(x, y, np.ones((3, 4)), np.ones(3))
    with pytest.raises(ValueError, match="tangent for xs"):
        jvp_of(list_input, ("xs",))([x, x, x], [x, x])


def test_math_module_floats():
    def f(x):
        return math.sin(x) * math.exp(x) + x ** 2.5
    try:
        check_jvp(f, (0.8,))
    except NoRuleError as exc:
        pytest.skip(str(exc).splitlines()[0])


# --- statements that carry no derivative, zeros at the end of a loop body ---------------------
def asserts_and_raises(x):
    assert np.all(np.isfinite(x)), "finite input"
    if np.sum(x) > 1e9:
        raise ValueError("too large")
    y = x * x
    print_later = [y]
    return np.sum(print_later[0])


def zero_at_end_of_body(x):
    t = x
    s = 0.0
    for i in range(4):
        s = s + np.sum(t * t)
        t = 1.0
        if s > 100.0:
            break
    u = x
    while s < 200.0:
        s = s * 2.0 + np.sum(u)
        u = 0.5
    return s


def test_statements_without_derivatives():
    check_jvp(asserts_and_raises, (rng.normal(size=3),))
    x = np.abs(rng.normal(size=3)) + 0.5
    check_jvp(zero_at_end_of_body, (x,), rtol=1e-4)
    check_jvp(zero_at_end_of_body, (x * 30.0,), rtol=1e-4)
    text = forward_source(zero_at_end_of_body, ("x",)).text
    body = text.split("for i in")[1].split("break")[0]
    assert "tan_t = zeros_like_value(t)" in body    # before the loop's `if flag: break`


def writes_through_a_row_of_a_parameter(A, s):
    row = A[1]
    row[row > -0.3] = np.arctan(s)
    return np.sum(np.tanh(A), axis=0)


def test_a_write_through_a_row_of_a_parameter_leaves_the_callers_array_alone():
    """jvp wrote into the caller's A through the row view (found by the random-program
    tester; reverse mode refuses the write, located): the parameter now gets its own copy
    when anything taken from it is written into; the tangent is checked against central
    differences (check_jvp also checks the inputs are unchanged)."""
    from gradcheck import check_jvp
    A = np.array([[0.7, 0.2, -0.1], [-0.003, -0.16, -0.44], [0.69, -0.33, 0.55]])
    check_jvp(writes_through_a_row_of_a_parameter, A, 0.3, wrt=(0, 1))
    with pytest.raises(srcdiff.RuntimeRefusal):
        srcdiff.grad(writes_through_a_row_of_a_parameter)(A.copy(), 0.3)
