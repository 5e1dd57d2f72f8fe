"""srcdiff/runtime_closures.py: the function values emitted code passes to the user's helpers.
A Closure calls its function and holds the values it carries as fields; a CarriedPartial
calls like the functools.partial it stands for. Their derivatives (linear in the carried
values: templates/values.py) are checked through programs against central differences, in
both modes and to second order."""
import functools

import numpy as np
import pytest

from gradcheck import check
from srcdiff.runtime_closures import CarriedPartial, Closure, closure_of, partial_of


def weighted(a, x, s=1.0, t=0.0):
    return a * x * s + t


def test_a_closure_calls_its_function_and_carries_fields():
    c = closure_of(lambda x, k=2.0: x * k, ["w", "b"], [np.ones(2), 3.0])
    assert isinstance(c, Closure) and c(1.5) == 3.0 and c(1.5, k=4.0) == 6.0
    np.testing.assert_array_equal(c.w, np.ones(2))
    assert c.b == 3.0
    assert repr(c).startswith("Closure(<lambda>, {'w': array(")


def test_a_carried_partial_calls_as_functools_partial():
    a, x = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    p = partial_of(weighted, ["arg0", "kw_s"], [a, 3.0])
    assert isinstance(p, CarriedPartial) and p.arg0 is a and p.kw_s == 3.0
    expected = functools.partial(weighted, a, s=3.0)
    np.testing.assert_array_equal(p(x), expected(x))
    np.testing.assert_array_equal(p(x, t=1.0), expected(x, t=1.0))
    np.testing.assert_array_equal(p(x, s=0.5), expected(x, s=0.5))   # call-time keywords win
    two = partial_of(weighted, ["arg0", "arg1"], [a, x])
    np.testing.assert_array_equal(two(2.0), weighted(a, x, 2.0))


def apply(f, x):
    return f(x)


def closure_passed(x, a):
    def scaled(v):
        return np.sin(v) * a          # reads `a`: carried by the Closure
    return np.sum(apply(scaled, x) * x)


def partial_passed(x, a):
    g = functools.partial(weighted, a, s=a[0])   # arg0 and kw_s carried
    return np.sum(np.tanh(apply(g, x)))


def lambda_passed_twice(x, a):
    b = a * a
    f = lambda v: v * b + a          # noqa: E731  (carries b and a)
    return np.sum(apply(f, apply(f, x)) ** 2)


@pytest.mark.parametrize("f", [closure_passed, partial_passed, lambda_passed_twice])
def test_derivatives_flow_back_to_the_carried_values(f):
    rng = np.random.default_rng(3)
    check(f, rng.normal(size=3), rng.normal(size=3), wrt=(0, 1))
