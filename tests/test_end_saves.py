"""srcdiff/end_saves.py: a value each loop trip makes afresh, pushed at the trip's end
and popped as the reversed trip begins, so no `name = None` line precedes the loop.

Every program is checked against finite differences in both modes and to second order;
the structural assertions say that a while loop's temporaries need no `= None` line, and
that a value read before its binding on the next trip, or after the loop, keeps the usual
save before its overwrite.
"""
import re

import numpy as np

import srcdiff
from gradcheck import check

rng = np.random.default_rng(11)
X = rng.normal(size=4) * 0.5


def decayed(x):
    total = 0.0
    scale = 1.0
    while scale > 0.05:
        total = total + scale * np.sum(np.sin(x))
        if total > 10.0:
            break
        scale = scale * 0.7
    return total


def test_a_while_loop_needs_no_none_lines():
    text = srcdiff.source(srcdiff.grad(decayed))
    assert not re.search(r"^\s+\w+ = None$", text, re.M)
    check(decayed, X)
    check(decayed, X + 6.0)  # the break is taken


def for_with_break(x, n):
    s = x * 0.0
    for i in range(n):
        a = np.cos(s) * x
        s = s + a * a
        if np.sum(s) > 3.0:
            break
    return np.sum(s)


def test_a_for_loop_that_breaks():
    text = srcdiff.source(srcdiff.grad(for_with_break))
    assert not re.search(r"^\s+\w+ = None$", text, re.M)
    for n in (0, 1, 4, 30):
        check(for_with_break, X, n)


def nested(x):
    s = 0.0
    for i in range(3):
        for j in range(2):
            a = np.sin(x * (i + j + 1.0))
            s = s + np.sum(a * a)
        b = np.exp(-s) * x
        s = s + np.sum(b)
    return s


def test_nested_loops():
    check(nested, X)


def carried(x):
    s = 0.0
    a = x * 0.5
    for i in range(4):
        s = s + np.sum(a * x)
        a = np.sin(a) * x
    return s


def test_a_value_read_on_the_next_trip_is_saved_before_its_overwrite():
    text = srcdiff.source(srcdiff.grad(carried))
    assert re.search(r"tape\.append\((shape_of\()?a\)?\)\n\s+a = ", text)
    check(carried, X)


def read_after(x):
    s = 0.0
    for i in range(3):
        a = np.sin(x + s)
        s = s + np.sum(a)
    return s * np.sum(a * a)


def test_a_value_read_after_the_loop_is_saved_before_its_overwrite():
    check(read_after, X)


def inner(x, n):
    s = x * 0.0
    k = 0
    while k < n:
        t = np.tanh(s + x)
        s = s + t * t
        k = k + 1
    return s


def outer(x):
    return np.sum(inner(x, 3) * inner(x * 0.5, 2))


def test_a_called_function():
    check(outer, X)


def read_before_its_binding(x):
    s = 0.0
    for i in range(4):
        if i > 0:
            s = s + np.sum(a * x)
        a = np.sin(x + s)
    return s


def test_a_value_read_before_its_binding_on_the_next_trip():
    check(read_before_its_binding, X)


def read_after_an_inner_loop(x):
    s = 0.0
    for i in range(3):
        for j in range(2):
            a = np.sin(x * (i + j + 1.0) + s)
            s = s + np.sum(a)
        s = s + np.sum(a * a * x)
    return s


def test_a_value_read_after_an_inner_loop_by_the_outer_one():
    check(read_after_an_inner_loop, X)
