"""Transforms of derivatives srcdiff made, to any order and depth (srcdiff/compose.py).

Every composition of two transforms, and a chosen set of three, on a corpus with a loop,
a branch, helpers (one from another module) and a method call, each checked against
central differences of the derivative one order below (gradcheck.check_transform).
"""
import re

import numpy as np
import pytest

import srcdiff
from compose_corpus import Spring, branch, helpers, loop, method, vector
from gradcheck import TRANSFORMS, check_transform, make_transform, transform_extras

X = np.array([0.3, -0.4, 0.7])
SPRING = Spring(np.array([1.5, 0.5, 2.0]))
CORPUS = {"loop": (loop, ()), "branch": (branch, ()), "helpers": (helpers, ()),
          "method": (method, (SPRING,)), "vector": (vector, ())}


def _inner(kind, name):
    f, rest = CORPUS[name]
    args = [X, *rest]
    return make_transform(kind, f), args + transform_extras(kind, f, args)


@pytest.mark.parametrize("name", sorted(CORPUS))
@pytest.mark.parametrize("inner", TRANSFORMS)
@pytest.mark.parametrize("outer", TRANSFORMS)
def test_every_pair(outer, inner, name):
    d, args = _inner(inner, name)
    check_transform(outer, d, *args)


TRIPLES = [("grad", "grad", "grad"), ("jvp", "grad", "hvp"), ("hessian", "grad", "grad"),
           ("vjp", "jacobian", "grad"), ("value_and_grad", "jvp", "vjp"),
           ("jacobian_fwd", "hvp", "jvp"), ("hvp", "value_and_grad", "grad"),
           ("grad", "hessian", "jacobian"), ("jvp", "jvp", "jvp"), ("vjp", "vjp", "vjp")]


@pytest.mark.parametrize("name", ["loop", "branch", "helpers", "method"])
@pytest.mark.parametrize("outer, middle, inner", TRIPLES)
def test_chosen_triples(outer, middle, inner, name):
    d, args = _inner(inner, name)
    d2 = make_transform(middle, d)
    check_transform(outer, d2, *(args + transform_extras(middle, d, args, seed=3)))


# --- derivatives of tanh to the sixth, against the closed form and finite differences --------
def tanh_derivative_polynomial(n):
    """Coefficients (lowest first) of P_n with d^n/dx^n tanh(x) = P_n(tanh(x)): P_0(t) = t and
    P_{n+1}(t) = P_n'(t) (1 - t^2), by the chain rule."""
    p = np.polynomial.Polynomial([0.0, 1.0])
    for _ in range(n):
        p = p.deriv() * np.polynomial.Polynomial([1.0, 0.0, -1.0])
    return p


def _tanh(x):
    return np.tanh(x)


def test_tanh_derivatives_to_the_sixth():
    xs = np.linspace(-2.0, 2.0, 9)
    derivative = _tanh
    for n in range(1, 7):
        lower, derivative = derivative, srcdiff.grad(derivative)
        closed = tanh_derivative_polynomial(n)(np.tanh(xs))
        np.testing.assert_allclose(derivative(xs), closed, rtol=1e-10, atol=1e-10)
        for x in (0.3, -1.1):  # floats too, against differences of the order below
            assert derivative(x) == pytest.approx(closed[0] * 0 + tanh_derivative_polynomial(n)(
                np.tanh(x)), rel=1e-10, abs=1e-10)
            check_transform("grad", lower, x)
        check_transform("grad", lower, xs)


def test_eighth_derivative_of_a_loop():
    def power_loop(x):
        y = x
        for _ in range(3):
            y = np.sin(y) * x
        return y
    d = power_loop
    for _ in range(4):
        d = srcdiff.grad(d)
    check_transform("grad", d, 0.4)


# --- srcdiff derivatives called inside differentiated code -----------------------------------
DATA = np.array([0.5, -1.0, 2.0])
W0 = np.array([0.2, 0.4, -0.3])


def inner_loss(w, x):
    return np.sum(np.tanh(w * x) ** 2)


def outer_loss(w):
    return np.sum(np.sin(w) * w)


def one_step_written_inside(w):
    w1 = w - 0.1 * srcdiff.grad(inner_loss)(w, DATA)
    return outer_loss(w1)


inner_gradient = srcdiff.grad(inner_loss)  # made once, outside


def one_step_made_outside(w):
    w1 = w - 0.1 * inner_gradient(w, DATA)
    return outer_loss(w1)


def unrolled_steps(w):
    for _ in range(3):  # an unrolled inner optimisation, kept as a loop
        w = w - 0.1 * inner_gradient(w, DATA)
    return outer_loss(w)


def newton_step(w):
    g = srcdiff.grad(inner_loss)(w, DATA)
    step = srcdiff.hvp(inner_loss)(w, DATA, g)
    return outer_loss(w - 0.05 * step) + np.sum(srcdiff.jvp(inner_loss)(w, DATA, g)[1])


@pytest.mark.parametrize("loss", [one_step_written_inside, one_step_made_outside,
                                  unrolled_steps, newton_step])
@pytest.mark.parametrize("kind", ["grad", "jvp", "vjp", "hvp", "hessian"])
def test_derivatives_inside_differentiated_code(loss, kind):
    check_transform(kind, loss, W0)


def test_inner_loop_is_kept_and_names_say_what_runs():
    text = srcdiff.source(srcdiff.grad(unrolled_steps))
    assert "for " in text and "reversed(" in text  # the loop stays a loop
    # the inner gradient's vjp, by name (numbered when another one of that name was made)
    assert re.search(r"vjp_w_of_grad_inner_loss(_\d+)?\(w, DATA", text), text
