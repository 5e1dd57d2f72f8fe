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
