"""srcdiff/lower_funcs_defaults.py (issue #13, item 2): a nested function's or lambda's
default computed by the enclosing function (`c = s * 2.0; g = lambda t, c=c: t * c`) keeps
the value it had where the lambda is written, and the derivative flows through it; checked
against central differences in both modes to second order; keyword-only defaults too. A
lambda taking *args stays refused, located."""
import numpy as np
import pytest

from issue13_cases import on_args, refused_in_both_modes

X = np.array([0.4, -0.7, 1.2])


def constant_default(s):
    c = 2.0 * 1.5
    g = lambda t, c=c: t * c   # noqa: E731
    return g(s) * s


def differentiable_default(s):
    c = s * 2.0
    g = lambda t, c=c: t * c   # noqa: E731
    return g(s)


def default_then_rebound(s):
    c = np.sin(s)
    g = lambda t, c=c: t * c   # noqa: E731
    c = s * 5.0
    return np.sum(g(s) + c)


def default_passed_explicitly(s):
    c = s * 3.0
    g = lambda t, c=c: t * c   # noqa: E731
    return np.sum(g(s, s * s) + g(s))


def def_with_defaults(x):
    scale = np.sum(x * x)
    shift = x[0]

    def h(t, a=scale, b=shift, p=2.0):
        return np.sum(np.tanh(t * a + b) ** p)
    return h(x) + h(x, 1.5)


def function_default(x):
    def h(t, act=np.tanh, scale=np.sum(x)):
        return act(t) * scale
    return np.sum(h(x) + h(x, scale=2.0))


def nested_reader(s):
    c = np.cos(s)
    g = lambda t, c=c: t * c   # noqa: E731
    h = lambda t: g(t) * t   # noqa: E731
    return np.sum(h(s))


def default_in_a_loop(x):
    total = 0.0
    for i in range(3):
        w = x[i] * (i + 1.0)
        g = lambda t, w=w: t * w   # noqa: E731
        total = total + g(x[2 - i])
    return total


def lambda_in_a_list(x):
    k = np.sum(x)
    fs = [lambda t, k=k: t * k, np.sin]
    return np.sum(fs[0](x) + fs[1](x))


@pytest.mark.parametrize("f", [constant_default, differentiable_default, default_then_rebound,
                               default_passed_explicitly, nested_reader])
def test_default_of_a_number(f):
    on_args(f, (0.7,), 0)
    on_args(f, (X.copy(),), 0)


@pytest.mark.parametrize("f", [def_with_defaults, default_in_a_loop, function_default])
def test_default_of_an_array(f):
    on_args(f, (X.copy(),), 0)


def keyword_only_defaults(s):
    c = s * 2.0
    g = lambda t, *, c=c, e=1.5: t * c + e   # noqa: E731
    return np.sum(g(s) + g(s, c=s * s) * g(s, e=s))


def test_keyword_only_defaults():
    on_args(keyword_only_defaults, (0.7,), 0)
    on_args(keyword_only_defaults, (X.copy(),), 0)


def starred_with_default(s):
    c = s * 2.0
    g = lambda *ts, c=c: ts[0] * c   # noqa: E731
    return g(s)


def test_starred_parameters_with_a_computed_default():
    # refused until session 21 (a nested def's *args): now a tuple parameter of its lifted copy
    on_args(starred_with_default, (0.7,), 0)
    on_args(starred_with_default, (X.copy(),), 0)


def _apply_to_pair(g, v):
    return g(v, v)


def starred_passed_to_a_helper(s):
    c = s * 2.0

    def g(*ts, k=c):
        return ts[0] * ts[1] * k
    return _apply_to_pair(g, s)


def test_a_starred_nested_def_passed_to_a_helper_stays_refused():
    refused_in_both_modes(starred_passed_to_a_helper, (0.7,), (0,),
                          r"takes \*args or \*\*kwargs, which srcdiff does not support")
