"""Control flow in reverse mode: the corpus of loops and branches (tests/control_corpus.py), each
checked by finite differences.

Every function is run with inputs that take each branch and that stop loops
at different points. The emitted adjoint must keep loops as loops: its size
does not grow with the trip count.
"""
import re

import numpy as np
import pytest

import srcdiff
from control_corpus import (CORPUS, INPUTS, MAT, MATRIX_CORPUS, VEC,
                            break_of_inner_loop_in_branch, break_of_inner_while_in_branch,
                            continue_of_inner_loop_in_branch, for_break, for_range,
                            rebinds_its_sequence, reduces_to_0d_in_a_loop,
                            updates_its_sequence_in_place, while_data, while_norm)
from gradcheck import check_grad, check_hvp, check_jvp, numerical_grad


@pytest.mark.parametrize("x", list(INPUTS.values()), ids=list(INPUTS))
@pytest.mark.parametrize("f", CORPUS, ids=lambda f: f.__name__)
def test_corpus_vector(f, x):
    check_grad(f, x, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("m", [MAT, -MAT, np.abs(MAT)], ids=["mat", "neg", "pos"])
@pytest.mark.parametrize("f", MATRIX_CORPUS, ids=lambda f: f.__name__)
def test_corpus_matrix(f, m):
    check_grad(f, m, rtol=1e-4, atol=1e-5)


def check_value_and_grad(f, *args, rtol=1e-4, atol=1e-5):
    """value_and_grad: the value is what calling f gives, the gradient matches finite
    differences (the adjoint restores overwritten names; the value must not be one of them)."""
    want = f(*[np.copy(a) for a in args])
    value, grad = srcdiff.value_and_grad(f)(*args)
    np.testing.assert_allclose(value, want, rtol=1e-12, atol=0, err_msg="value")
    assert type(value) is type(want) or np.ndim(want) == 0, (type(value), type(want))
    np.testing.assert_allclose(grad, numerical_grad(f, args, 0), rtol=rtol, atol=atol)


@pytest.mark.parametrize("x", list(INPUTS.values()), ids=list(INPUTS))
@pytest.mark.parametrize("f", CORPUS, ids=lambda f: f.__name__)
def test_corpus_value_and_grad(f, x):
    check_value_and_grad(f, x)


@pytest.mark.parametrize("f", MATRIX_CORPUS, ids=lambda f: f.__name__)
def test_matrix_corpus_value_and_grad(f):
    check_value_and_grad(f, MAT)


def test_loop_reads_the_array_it_started_with():
    """Issue 12 item 5: at x = [.5, 2, 3] the loop multiplies by .5, 2 and 3 (the original items)."""
    x = np.array([0.5, 2.0, 3.0])
    value, _ = srcdiff.value_and_grad(rebinds_its_sequence)(x)
    np.testing.assert_allclose(value, rebinds_its_sequence(x))
    check_grad(rebinds_its_sequence, x)
    check_grad(updates_its_sequence_in_place, x)


@pytest.mark.parametrize("f", [break_of_inner_loop_in_branch, continue_of_inner_loop_in_branch,
                               break_of_inner_while_in_branch])
@pytest.mark.parametrize("x", [np.array([0.3, 0.6, 1.0, -0.2]), np.array([0.7, 0.2, 0.1, 0.3]),
                               np.array([-0.3, 0.6, 1.0, 0.2])], ids=["a", "b", "neg"])
def test_inner_loop_exits_inside_a_branch_of_an_outer_loop(f, x):
    """Issue 12 item 12: the inner loop's break (or continue) is not the outer loop's."""
    check_value_and_grad(f, x)


@pytest.mark.parametrize("x", [np.array(1.5), np.array([0.5, -2.0]),
                               np.array([[0.5, 2.0], [1.5, -1.0]])], ids=["0d", "1d", "2d"])
def test_reduction_over_axis_0_of_a_0d_value(x):
    """Issue 12 item 15: NumPy reduces a 0-d value over axis 0 to itself; so does the adjoint."""
    check_value_and_grad(reduces_to_0d_in_a_loop, x)


@pytest.mark.parametrize("a", [np.array(0.3), np.array([0.1, -0.4, 0.2]),
                               np.array([[0.1, 0.2], [-0.5, 0.3]]), np.array(-0.7)])
def test_chapter_control_flow(a):
    """The chapter's f(a): piecewise linear, so grad == f(a) / a."""
    g = srcdiff.grad(while_norm)(a)
    np.testing.assert_allclose(g, while_norm(a) / a)
    check_grad(while_norm, a, rtol=1e-4)


def test_float_inputs_through_loops():
    check_grad(for_range, 0.7)
    check_grad(while_data, 0.3)
    check_grad(for_break, 0.2)


def test_tape_pairing_check_is_emitted():
    text = srcdiff.source(srcdiff.grad(for_break))
    assert "assert not tape, 'srcdiff: pushes and pops on the tape do not pair'" in text


def counted(x, n):
    y = x
    for i in range(n):
        y = y * 1.01 + x
    k = 0
    while k < n:
        y = np.sin(y)
        k = k + 1
    return np.sum(y)


def test_adjoint_of_a_loop_is_a_loop():
    """The emitted adjoint does not grow with the trip count: it loops, as the primal did."""
    g = srcdiff.grad(counted)
    x = np.array([0.1, 0.2])
    small, large = g(x, 2), g(x, 200)
    text = srcdiff.source(g)
    assert srcdiff.source(g) == text  # one emitted function served both trip counts
    adjoint = text.split("    # line ", 1)[1]  # the adjoint's blocks start with their line
    assert "for i in reversed(" in adjoint and "for step_1 in range(trips_" in adjoint
    assert len(text.splitlines()) < 80
    check_grad(counted, x, 2)
    check_grad(counted, x, 50, rtol=1e-4)
    assert np.all(np.isfinite(small)) and np.all(np.isfinite(large))


def pop_dropped(x, s):
    items = [x * x]
    items.append(np.sin(x) * s)
    items.pop()
    items.append(x * s)
    return np.sum(np.stack(items) ** 2)


def pop_dropped_in_a_loop(x, s):
    items = [x * s]
    for i in range(3):
        items.append(np.tanh(items[-1] * x))
        items.pop()
        items.append(items[-1] * 0.5 + x)
    return np.sum(np.stack(items) ** 2)


@pytest.mark.parametrize("f", [pop_dropped, pop_dropped_in_a_loop])
def test_pop_whose_value_is_dropped(f):
    """Found by the random-program tester: `lst.pop()` as a statement crashed reverse mode
    (AttributeError: 'Expr' object has no attribute 'targets'); the dropped value is now
    named, so the adjoint pushes it back."""
    x, s = np.array([0.3, 0.6, -1.0]), 0.7
    check_grad(f, x, s, wrt=(0, 1))
    check_jvp(f, x, s, wrt=(0, 1))
    check_hvp(f, x, s, vector=np.array([1.0, -0.5, 0.2]))


def reversed_while_writing_into_it(x):
    y = x * 1.0
    for r in reversed(y):
        y[::2] *= np.tanh(r)
    return np.sum(y * y)


def reversed_while_writing_its_first_item(x):
    y = x * 1.0
    for r in reversed(y):
        y[0] = y[0] * r + 0.5
    return np.sum(np.sin(y))


@pytest.mark.parametrize("f", [reversed_while_writing_into_it,
                               reversed_while_writing_its_first_item])
def test_reversed_sees_writes_into_its_sequence(f):
    """Found by the random-program tester: `for r in reversed(y)` iterated a snapshot of
    y's tangent (and adjoint) while Python's reversed iterator reads y[i] as it goes, so
    writes into y inside the loop gave wrong derivatives in both modes."""
    x = np.array([0.16, -0.87, 0.72])
    check_grad(f, x)
    check_jvp(f, x)
    check_hvp(f, x, vector=np.array([0.3, 1.0, -0.6]))


# --- srcdiff/reverse_control.py's structural promises ----------------------------------------
def breaks_out(x):
    y = x
    for i in range(10):
        y = np.sin(y) + x
        if np.sum(y) > 2.5:
            break
    return np.sum(y * y)


def test_a_loop_left_by_break_is_reversed_over_the_trips_it_ran():
    text = srcdiff.source(srcdiff.grad(breaks_out))
    adjoint = text.split("    # line ", 1)[1]
    assert re.search(r"for i in reversed\(\w+\[:\w+\]\)", adjoint), adjoint
    for x in (np.array([0.1, 0.2]), np.array([0.9, 1.0])):     # leaves early, or does not
        check_grad(breaks_out, x)
        check_hvp(breaks_out, x, vector=np.array([0.4, -1.0]))


def read_before_written(x):
    """u's adjoint is zero where the reverse pass enters the loop and nonzero from the second
    reverse trip on: the loop body's adjoint state needs a second round to settle."""
    s = 0.0
    u = x
    for i in range(3):
        s = s + np.sum(u * u)
        u = np.sin(u) * x
    return s


def test_the_loop_adjoint_state_reaches_its_fixed_point():
    check_grad(read_before_written, VEC)
    check_jvp(read_before_written, VEC)
    check_hvp(read_before_written, VEC, vector=np.ones(4))


# -- everyday control flow as users write it (round h13): both modes, second order --------
def while_break_else(x):
    h = x * 1.0
    k = 0
    while k < 6:
        h = 0.7 * h + 0.1 * np.sin(h)
        if np.sum(h * h) < 0.05:
            break
        k += 1
    else:
        h = h * 2.0 + np.cos(h)
    return np.sum(h ** 2)


def continue_in_nested_loops(x, a):
    s = 0.0
    for row in a:
        t = 0.0
        for v in row:
            if v < -0.1:
                continue
            t = t + np.sin(v) * np.sum(x)
        if t < 0.0:
            continue
        s = s + t * t
    return s


def early_return_from_nested_loops(x, a):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s = s + a[i, j] * np.tanh(x[j])
            if s > 0.3:
                return s * x[0]
    return s + np.sum(x)


def counts_down_with_a_recurrence(x):
    y = np.zeros_like(x)
    y[-1] = x[-1]
    for i in range(len(x) - 2, -1, -1):
        y[i] = 0.5 * y[i + 1] + np.sin(x[i])
    return np.sum(y * y)


def back_substitution(x, a):
    u = np.triu(a) + 2.0 * np.eye(3)
    z = np.zeros(3)
    for i in range(len(x) - 1, -1, -1):
        z[i] = (x[i] - np.dot(u[i, i + 1:], z[i + 1:])) / u[i, i]
    return np.sum(z ** 2)


def while_on_an_element(x):
    y = x * 1.0
    n = 0
    while abs(y[1]) > 0.2 and n < 20:
        y = y * 0.6
        n += 1
    i = 0
    s = 0.0
    while i < len(y) and y[i] < 0.25:
        s = s + y[i] ** 2
        i += 1
    return np.sum(np.sin(y)) + s


def rows_by_index_with_asserts(x, a):
    assert x.shape[0] == a.shape[1], "shapes"
    out = np.zeros(3)
    for i, row in enumerate(a):
        out[i] = np.dot(row, x) + np.sin(row[i])
    assert np.all(np.isfinite(out))
    return np.sum(np.tanh(out))


EVERYDAY = [while_break_else, continue_in_nested_loops, early_return_from_nested_loops,
            counts_down_with_a_recurrence, back_substitution, while_on_an_element,
            rows_by_index_with_asserts]


@pytest.mark.parametrize("f", EVERYDAY, ids=lambda f: f.__name__)
def test_everyday_control_flow_in_both_modes_and_second_order(f):
    from gradcheck import check
    x = np.array([0.5, -1.0, 0.7])
    a = np.array([[0.41, 0.19, -0.25], [0.22, -0.05, -0.57], [-0.02, -0.2, -0.04]])
    args = (x, a)[:f.__code__.co_argcount]
    for wrt in range(len(args)):
        check(f, *[np.copy(v) for v in args], wrt=wrt)


# -- an adjoint the loop writes items of: copied once before the loop, not on every trip ----
def recurrence(x, a):
    y = np.zeros_like(x)
    y[0] = x[0]
    for t in range(1, len(x)):
        y[t] = a * y[t - 1] + x[t]
    return np.sum(y * y)


def nested_item_writes(x):
    y = x * 1.0
    for i in range(2):
        for t in range(1, len(y)):
            y[t] = np.sin(y[t - 1]) + y[t]
        y[0] = y[-1] * 0.5
    return np.sum(y ** 2)


def item_writes_in_a_branch(x):
    y = x * 2.0
    for t in range(len(y)):
        if y[t] > 1.0:
            y[t] = y[t] ** 2
        else:
            y[t - 1] += y[t] * 0.5
    return y @ x


@pytest.mark.parametrize("f", [recurrence, nested_item_writes, item_writes_in_a_branch])
def test_an_adjoint_written_by_items_in_a_loop_is_copied_once(f):
    x = np.array([0.4, -0.3, 1.2, 0.7, 1.5])
    args = (x, 0.9) if f is recurrence else (x,)
    wrt = (0, 1) if f is recurrence else 0
    from gradcheck import check
    check(f, *args, wrt=wrt)
    text = srcdiff.source(srcdiff.grad(f, wrt=wrt))
    loops = text.split("for t in reversed(")[1:]
    assert loops and all("owned=False" not in loop.split("\n    #")[0] for loop in loops)
    assert "d_y = own_copy(d_y)" in text


def running_sum(x):
    y = x * 1.0
    for t in range(1, len(y)):
        y[t] = y[t] + 0.5 * y[t - 1]
    return y


def test_the_copy_before_the_loop_keeps_the_callers_cotangent():
    # the loop's item writes update the adjoint in place: never the caller's cotangent
    from gradcheck import check
    x = np.array([0.4, -0.3, 1.2, 0.7])
    check(running_sum, x)
    seed = np.array([1.0, -2.0, 0.5, 3.0])
    kept = seed.copy()
    got = srcdiff.vjp(running_sum)(x, seed)
    assert np.array_equal(seed, kept)
    np.testing.assert_allclose(got, srcdiff.vjp(running_sum)(x, kept), rtol=0)
    text = srcdiff.source(srcdiff.vjp(running_sum))   # check_cotangent's copy is owned
    assert "owned=False" not in text and "own_copy" not in text
