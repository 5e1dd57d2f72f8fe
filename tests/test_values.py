"""Function values made in the function and passed on (srcdiff/values.py): a nested def
or lambda that reads the enclosing function's variables, a functools.partial made here.
Each travels to the callee as a runtime_closures.Closure carrying those values, whose
derivatives flow back to the enclosing function's variables; checked against finite
differences in both modes and to second order, and the refusals located."""
import functools
import os

import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal

HERE = os.path.basename(__file__)
X = np.array([0.3, 0.7, 1.1])
A = np.array([1.2, -0.4, 0.8])


def apply(f, x):
    return f(x)


def apply_twice(f, x):
    """Passes f on to another helper (helper to helper)."""
    return apply(f, x) * apply(f, x + 1.0)


def integrate(f, y0):
    y = y0
    for _ in range(4):
        y = y + 0.1 * f(y)
    return y


def rk4(f, y, t, dt, theta):
    k1 = f(y, t, theta)
    k2 = f(y + dt / 2 * k1, t + dt / 2, theta)
    k3 = f(y + dt / 2 * k2, t + dt / 2, theta)
    k4 = f(y + dt * k3, t + dt, theta)
    return y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def both(f, g, x):
    return f(x) + g(x) * f(x)


def scaled(x, s):
    return np.sin(x) * s


def weighted(w, x, s):
    return np.sin(w * x) * s


# -- nested functions reading the enclosing function's variables ------------------------
def closure_passed(x, a):
    def g(y):
        return np.sin(y * a)
    return np.sum(apply(g, x))


def closure_passed_twice(x, a):
    def g(y):
        return y * a + np.cos(a)
    return np.sum(apply_twice(g, x))


def lambda_with_free_variables(x, theta):
    return np.sum(integrate(lambda y: y * theta, x) ** 2)


def closure_to_an_integrator(x, a):
    c = a * 2.0

    def rhs(y, t, th):
        return np.tanh(y * c) * th
    return np.sum(rk4(rhs, x, 0.0, 0.1, 1.5))


def closure_also_called_here(x, a):
    def g(y):
        return y * a
    return np.sum(apply(g, x) * g(x))


def closure_sees_the_rebound_variable(x, a):
    def g(y):
        return y * a
    r = apply(g, x)
    a = a * a           # the second call reads the new a, as Python's closure does
    return np.sum(r * apply(g, x))


def closure_reads_two_variables(x, a):
    b = np.exp(a)

    def g(y):
        return y * b - a
    return np.sum(apply(g, x) ** 2)


# -- functools.partial made in the function ---------------------------------------------
def partial_of_numpy_passed(x, a):
    g = functools.partial(np.multiply, a)
    return np.sum(apply(g, x) ** 2)


def partial_of_user_function_passed(x, a):
    g = functools.partial(scaled, s=a[0])
    return np.sum(apply_twice(g, x))


def partial_and_closure_together(x, a):
    b = np.sin(a)
    h = functools.partial(np.multiply, b)
    return np.sum(both(lambda y: y * b + a, h, x))


def partial_with_positional_argument(x, a):
    p = functools.partial(weighted, a, s=0.5)
    return np.sum(integrate(p, x))


def partial_made_in_the_call(x, a):
    # issue #13: the partial written where it is passed, of values here and a constant
    return np.sum(apply_twice(functools.partial(scaled, s=a[0]), x)) + np.sum(
        apply(functools.partial(weighted, a, s=0.5), x))


CASES = [closure_passed, closure_passed_twice, lambda_with_free_variables,
         closure_to_an_integrator, closure_also_called_here,
         closure_sees_the_rebound_variable, closure_reads_two_variables,
         partial_of_numpy_passed, partial_of_user_function_passed,
         partial_and_closure_together, partial_with_positional_argument,
         partial_made_in_the_call]


@pytest.mark.parametrize("f", CASES, ids=[f.__name__ for f in CASES])
def test_function_values_made_here_and_passed_on(f):
    check(f, X, A, wrt=(0, 1))


def test_the_callee_reads_the_carried_values_as_fields():
    text = srcdiff.source(srcdiff.grad(closure_passed, wrt=(0, 1)))
    assert "closure_of(g, ('a',)" in text
    assert "record_field(f, 'a')" in text


# -- refusals ---------------------------------------------------------------------------
def closure_writing_its_free_variable(x, a):
    y = a * 2.0

    def bump(z):
        y[0] = z[0] * y[1]
        return z
    r = apply(bump, x)
    return np.sum(y * y) + np.sum(r)


def double(v):
    return v * 2.0


def partial_of_a_nested_function(x, a):
    def g(u, v):
        return u * v
    p = functools.partial(g, a)
    return np.sum(apply(p, x))


def partial_of_a_nested_function_in_the_call(x, a):
    def g(u, v):
        return u * v
    return np.sum(apply(functools.partial(g, a), x))


@pytest.mark.parametrize("f, reason, hint", [
    (closure_writing_its_free_variable, "writes into the enclosing function's 'y' in place",
     "pass y to"),
    (partial_of_a_nested_function, "functools.partial of a function made in this function",
     "defined at module level"),
    (partial_of_a_nested_function_in_the_call,
     "functools.partial of a function made in this function", "defined at module level"),
], ids=["closure_writing_its_free_variable", "partial_of_a_nested_function",
        "partial_of_a_nested_function_in_the_call"])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_refusals_are_located(f, reason, hint, mode):
    text = str(refusal(f, (X, A), mode, wrt=(0, 1)))
    assert reason in text and hint in text, text
