"""srcdiff/nested_defs.py: a nested def or lambda reads the enclosing function's locals as
free variables (differentiated through them, both modes, second order); what it cannot
take (decorators, *args, nonlocal, a nested function calling another) is refused at the
user's line, saying what to write instead."""
import functools

import numpy as np
import pytest

import srcdiff

from gradcheck import check


def closure_over_locals(x, a):
    scale = a * 2.0

    def shifted(t):
        return np.sin(t * scale) + a

    square = lambda t: t * t * scale   # noqa: E731
    return np.sum(shifted(x) * square(x))


def decorated_nested(x):
    @functools.lru_cache
    def g(t):
        return t * 2.0
    return g(x)


def variadic_nested(x):
    def g(*ts):
        return ts[0] * 2.0
    return g(x)


def nonlocal_nested(x):
    total = x

    def g(t):
        nonlocal total
        total = total + t
        return total
    return g(x)


def nested_calling_nested(x, a):
    def inner(t):
        return t * a

    def outer(t):
        return inner(t) + 1.0
    return outer(x)


def test_a_nested_def_and_a_lambda_are_differentiated_through_their_free_variables():
    check(closure_over_locals, np.array([0.3, -0.5, 1.1]), 0.7, wrt=(0, 1))


@pytest.mark.parametrize("fn, says, hint", [
    (decorated_nested, "decorated nested functions are not supported", "module level"),
    (variadic_nested, "*args and **kwargs parameters are not supported", "explicitly"),
    (nonlocal_nested, "nested functions may not rebind outer variables", "return the new"),
    (nested_calling_nested, "uses the nested function inner", "define inner at module level"),
])
def test_what_a_nested_function_cannot_take_is_refused_at_its_line(fn, says, hint):
    with pytest.raises(srcdiff.UnsupportedCodeError) as info:
        srcdiff.grad(fn)(0.5, 0.2) if fn is nested_calling_nested else srcdiff.grad(fn)(0.5)
    text = str(info.value)
    assert says in text and hint in text
    assert "test_nested_defs.py" in text
