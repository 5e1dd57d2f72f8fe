"""filter_calls: `filter(f, xs)` read at once by a builtin (`list(filter(...))`, `sum`,
`sorted`) written as the comprehension `[v for v in xs if f(v)]`, checked against central
differences in both modes and to second order; a predicate that would be evaluated more
than once, or a filter read lazily by a for header, stays a call of filter, refused at its
line."""
import numpy as np
import pytest

from gradcheck import check, refusal
from srcdiff import syntax as S
from srcdiff.filter_calls import filtered

X = np.array([0.31, 0.77, 1.13, -0.4])


def positive(v):
    return v > 0.0


def kept_by_a_lambda(x):
    ys = list(filter(lambda v: v > 0.5, x))
    return sum(ys) * ys[0]


def kept_by_a_function(x):
    return sum(filter(positive, x * x - 0.3)) + max(filter(positive, [x[0], x[3]]))


def kept_by_truth(x):
    flags = [x[0] * 2.0, 0.0, x[1]]
    return sum(v * v for v in list(filter(None, flags)))


def kept_then_sorted(x):
    ys = sorted(filter(lambda t: t < 1.0, np.sin(x)), reverse=True)
    return ys[0] * 3.0 + ys[-1]


@pytest.mark.parametrize("f", [kept_by_a_lambda, kept_by_a_function, kept_by_truth,
                               kept_then_sorted])
def test_filter_read_at_once_against_central_differences(f):
    check(f, X.copy(), order=2)


def predicate_made_by_a_call(x):
    return sum(filter(threshold(0.5), x))


def threshold(t):
    return lambda v: v > t


def filter_read_lazily(x):
    total = 0.0
    for v in filter(lambda v: v > 0.5, x):
        total = total + v * v
    return total


@pytest.mark.parametrize("f", [predicate_made_by_a_call, filter_read_lazily])
def test_a_filter_that_does_not_qualify_is_refused_at_its_line(f):
    err = refusal(f, (X,), "grad")
    assert "filter" in str(err)


def _call(text):
    return S.parse_module(text).body[0].value


def test_the_comprehension_written():
    names = iter(["item_0", "item_1"])
    made = filtered(_call("filter(lambda v: v > t, xs)"), lambda base: next(names))
    assert S.spell(made) == "[v for v in xs if v > t]"
    made = filtered(_call("filter(np.isfinite, xs)"), lambda base: next(names))
    assert S.spell(made) == "[item_0 for item_0 in xs if np.isfinite(item_0)]"
    made = filtered(_call("filter(None, xs)"), lambda base: next(names))
    assert S.spell(made) == "[item_1 for item_1 in xs if item_1]"
    for text in ("filter(make(t), xs)", "filter(lambda v, w=1: v, xs)", "filter(*args)",
                 "filter(f)"):
        call = _call(text)
        assert filtered(call, lambda base: "unused") is call
