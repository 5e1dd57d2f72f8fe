"""srcdiff/function_bindings.py: a nested function's name bound more than once, one of the
bindings inside a branch or a loop (a parameter counting as a binding), is refused at the
def or lambda; bindings all in the body itself differentiate, each call following the one
bound last before it (finite differences, both modes, second order)."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.3, -0.7, 1.2, 0.5])


def chosen_lambda_in_branches(w):
    if w[0] > 0:
        act = lambda v: v * v
    else:
        act = lambda v: v ** 3
    return np.sum(act(w))


def chosen_def_in_branches(w):
    if w[0] > 0:
        def act(v):
            return v * v
    else:
        def act(v):
            return v ** 3
    return np.sum(act(w))


def lambda_rebound_in_loop(w):
    f = lambda v: v * 2.0
    s = 0.0
    for i in range(3):
        s = s + np.sum(f(w))
        f = lambda v: v * 3.0
    return s


def parameter_rebound_in_branch(w, act=np.sin):
    if w[0] > 10:
        def act(v):
            return v * v
    return np.sum(act(w))


def rebound_in_sequence(w):
    f = lambda v: v * 2.0
    a = f(w)
    f = lambda v: np.sin(v)
    return np.sum(a * f(w))


def bound_once_in_branch(w):
    s = np.sum(w)
    if w[1] < 0:
        def g(v):
            return np.cos(v) * v
        s = s + np.sum(g(w))
    return s


# Each was silently wrong: the call ran the binding lowered last (the `else` branch's, the
# loop's, the nested def) whichever one the code reached.
@pytest.mark.parametrize("f", [chosen_lambda_in_branches, chosen_def_in_branches,
                               lambda_rebound_in_loop, parameter_rebound_in_branch],
                         ids=lambda f: f.__name__)
def test_a_function_name_bound_in_a_branch_or_loop_and_again_is_refused_at_its_binding(f):
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_function_bindings\.py:\d+") as info:
        srcdiff.grad(f)(X)
    message = str(info.value)
    assert "cannot tell which function" in message and "its own name" in message
    assert ("def act" in message or "lambda" in message)


@pytest.mark.parametrize("f", [rebound_in_sequence, bound_once_in_branch],
                         ids=lambda f: f.__name__)
def test_bindings_in_the_body_itself_or_one_in_a_branch_differentiate(f):
    check(f, X, order=2)
