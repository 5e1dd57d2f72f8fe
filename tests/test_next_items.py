"""srcdiff/next_items.py: next() of a generator expression or of iter([...]) read right
after it is made, rewritten as its items (the rewritten function gives what the original
gives, dicts' keys and lists' items alike), the uses it cannot be sure of left alone (to a
located refusal), and the derivatives of functions using it, both modes to second order."""
import numpy as np
import pytest

import rewrite_runs
from gradcheck import check
from srcdiff.errors import SrcdiffError
from srcdiff.next_items import rewrite

import srcdiff

X = np.array([0.3, -0.7, 0.5, 1.1])
_lookup, _rewritten, _run = rewrite_runs.helpers({"np": np}, rewrite)


@pytest.mark.parametrize("body", [
    "g = (v ** 2 for v in x)\n    a = next(g)\n    b = next(g)\n    return a, b",
    "it = iter([x[0] * 2.0, x[1]])\n    a = next(it)\n    b = next(it)\n    return a, b",
    "it = iter([v + 1 for v in x])\n    a = next(it)\n    return a",
    "g = (v for v in x)\n    a = next(g)\n    return a"])
@pytest.mark.parametrize("arg", [list(X), X, {3: 1.5, 1: 2.5}])
def test_the_rewritten_reads_give_the_same_items(body, arg):
    if isinstance(arg, dict) and "x[" in body:
        return
    before, after = _rewritten(f"def f(x):\n    {body}\n")
    assert after is not before
    assert repr(_run(after, arg)) == repr(_run(before, arg))


@pytest.mark.parametrize("body", [
    "g = (v ** 2 for v in x)\n    a = next(g)\n    s = sum(g)\n    return a + s",  # read on
    "g = (v * a for v in x)\n    a = next(g)\n    return a",       # an item read by the next
    "g = (v for v in x if v > 0)\n    a = next(g)\n    return a",   # a condition
    "g = (v for v in x)\n    y = 1.0\n    a = next(g)\n    return a",  # not right after
    "g = (v for v in f(x))\n    a = next(g)\n    return a",        # a call made once
    "it = iter([x[0]])\n    a = next(it)\n    b = next(it)\n    return a"])  # too many
def test_reads_it_cannot_be_sure_of_are_left_alone(body):
    before, after = _rewritten(f"def f(x, a=1.0):\n    {body}\n")
    assert after is before


def squares_read_by_next(x):
    g = (v ** 2 for v in x)
    a = next(g)
    b = next(g)
    return a * np.sin(b)


def listed_then_next(x):
    it = iter([x[0] * 2.0, x[1], x[2]])
    a = next(it)
    b = next(it)
    it2 = iter([t * t for t in x])
    c = next(it2)
    return a * b + c


@pytest.mark.parametrize("f", [squares_read_by_next, listed_then_next])
def test_derivatives(f):
    check(f, X, order=2)
    check(f, list(X), order=2)


def read_on_after_next(x):
    g = (v ** 2 for v in x)
    a = next(g)
    return a + sum(g)


def test_a_generator_read_on_is_still_refused_at_the_line():
    with pytest.raises(SrcdiffError, match="generator"):
        srcdiff.grad(read_on_after_next)(X)


def test_a_list_of_the_users_own_leaves_the_reads_alone():
    before, after = _rewritten("def f(x):\n    list = tuple\n    g = (v for v in x)\n"
                               "    a = next(g)\n    return a\n")
    assert after is before


def _past_the_end_of_a_generator(x):
    g = (v * 2.0 for v in x)
    a = next(g)
    b = next(g)
    c = next(g)
    return a * b * c


def _past_the_end_of_a_comprehension(x):
    it = iter([v * v for v in x])
    a = next(it)
    b = next(it)
    c = next(it)
    return a + b * c


def _past_the_end_of_a_display(x):
    it = iter([x[0], x[1]])
    a = next(it)
    b = next(it)
    c = next(it)
    return a + b * c


@pytest.mark.parametrize("f", [_past_the_end_of_a_generator, _past_the_end_of_a_comprehension])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_next_past_the_end_raises_stop_iteration_as_python_does(f, mode):
    """Before, the items' list was indexed past its end: IndexError, where Python raises
    StopIteration; with enough items the same function differentiates."""
    short = X[:2]
    with pytest.raises(StopIteration):
        f(short)
    with pytest.raises(StopIteration):
        srcdiff.grad(f)(short) if mode == "grad" else srcdiff.jvp(f)(short, np.ones(2))
    check(f, X[:3], order=2)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_next_past_the_end_of_a_list_display_is_refused_at_that_call(mode):
    import os
    with pytest.raises(SrcdiffError) as info:
        srcdiff.grad(_past_the_end_of_a_display)(X) if mode == "grad" else \
            srcdiff.jvp(_past_the_end_of_a_display)(X, np.ones_like(X))
    err = info.value
    assert os.path.samefile(err.filename, __file__)
    assert err.line.strip() == "c = next(it)"
    assert "past the end of it: it gives 2 items" in err.reason
    assert "StopIteration" in err.reason and "read only the 2 items" in err.hint
