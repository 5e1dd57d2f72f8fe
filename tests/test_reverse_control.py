"""Control flow in reverse mode: a corpus of loops and branches, each checked by finite differences.

Every function is run with inputs that take each branch and that stop loops
at different points. The emitted adjoint must keep loops as loops: its size
does not grow with the trip count.
"""
import re

import numpy as np
import pytest

import srcdiff
from gradcheck import check_grad, check_hvp, check_jvp, numerical_grad

rng = np.random.default_rng(42)
VEC = rng.normal(size=4)
MAT = rng.normal(size=(3, 4))


# --- branches ---------------------------------------------------------------
def if_else(x):
    if np.sum(x) > 0:
        y = x * x
    else:
        y = -3.0 * x
    return np.sum(y)


def if_only(x):
    y = x * 2.0
    if np.sum(x) > 0:
        y = y * x
    return np.sum(y)


def elif_chain(x):
    s = np.sum(x)
    if s > 1:
        y = x * x
    elif s > -1:
        y = x * 3.0
    elif s > -3:
        y = x / 2.0
    else:
        y = x ** 3.0
    return np.sum(y)


def nested_if(x):
    y = x
    if np.sum(x) > 0:
        if np.max(x) > 1:
            y = x * x * x
        else:
            y = x * 5.0
    else:
        if np.min(x) < -1:
            y = -x * x
    return np.sum(y)


def conditional_expression(x):
    y = x * x if np.sum(x) > 0 else x * 4.0
    return np.sum(y)


def and_or_not(x):
    s = np.sum(x)
    if s > 0 and np.max(x) > 0.5 or not s < 5:
        y = x * x
    else:
        y = 2.0 * x
    return np.sum(y)


def or_value(x):
    # `or` returns one of its operands, whichever decides
    y = np.sum(x) * (np.sum(x) > 0) or np.sum(x * x)
    return y * 3.0


# --- for loops --------------------------------------------------------------
def for_range(x):
    y = x
    for i in range(3):
        y = y * x + i
    return np.sum(y)


def for_range_start_stop_step(x):
    s = 0.0
    for i in range(1, 9, 3):
        s = s + x * i
    return np.sum(s * s)


def for_negative_step(x):
    s = x
    for i in range(5, 0, -2):
        s = s * 0.5 + x / i
    return np.sum(s)


def for_range_from_shape(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + x[i] * x[i]
    return s


def for_range_from_data(x):
    n = int(np.sum(np.abs(x)) * 2) + 1
    y = x
    for _ in range(n):
        y = y * 0.9
    return np.sum(y)


def for_rows(m):
    s = 0.0
    for row in m:
        s = s + np.sum(row * row)
    return s


def for_list(x):
    s = 0.0
    for c in [1.0, 2.0, -0.5]:
        s = s + c * x
    return np.sum(s * x)


def for_tuple_of_arrays(x):
    a = x * 2.0
    b = x * x
    s = 0.0
    for v in (a, b, x):
        s = s + v * v
    return np.sum(s)


def for_enumerate(m):
    s = 0.0
    for i, row in enumerate(m):
        s = s + row * (i + 1.0)
    return np.sum(s * s)


def for_enumerate_start(m):
    s = 0.0
    for i, row in enumerate(m, 2):
        s = s + row * i
    return np.sum(s)


def for_zip(x):
    a = x * 2.0
    s = 0.0
    for u, v in zip(a, x):
        s = s + u * v
    return s


def nested_loops(m):
    s = 0.0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            s = s + m[i, j] * m[i, j] * (i + j)
    return s


def nested_loops_carried(x):
    y = x
    for i in range(2):
        z = y
        for j in range(3):
            z = z * 0.5 + y * x
        y = z
    return np.sum(y)


def loop_then_loop(x):
    y = x
    for i in range(2):
        y = y * x
    for i in range(3):
        y = y + x * i
    return np.sum(y)


# --- while loops --------------------------------------------------------------
def while_norm(a):
    b = a * 2
    while np.sqrt(np.sum(b * b)) < 1000:
        b = b * 2
    if np.sum(b) > 0:
        c = b
    else:
        c = 100 * b
    return c


def while_counter(x):
    i = 0
    y = x
    while i < 4:
        y = y * x
        i = i + 1
    return np.sum(y)


def while_data(x):
    y = x
    while np.sum(y * y) < 50.0:
        y = y * 1.5 + 0.1
    return np.sum(y)


def nested_while_in_for(x):
    y = x
    for i in range(3):
        k = 0
        while k < i:
            y = y * 1.1
            k = k + 1
        y = y + x
    return np.sum(y)


# --- break, continue, return ---------------------------------------------------
def for_break(x):
    y = x
    for i in range(10):
        y = y * 1.5
        if np.sum(y) > 5.0:
            break
        y = y + x
    return np.sum(y)


def for_continue(x):
    s = 0.0
    for i in range(6):
        if i % 2 == 0:
            continue
        s = s + x * i
    return np.sum(s * x)


def while_break(x):
    y = x
    while True:
        y = y * 2.0
        if np.sum(np.abs(y)) > 20.0:
            break
    return np.sum(y)


def break_and_continue(x):
    s = 0.0
    for i in range(10):
        if i == 1:
            continue
        s = s + x * i
        if np.sum(s) > 6.0:
            break
    return np.sum(s * s)


def nested_break(m):
    s = 0.0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if j > i + 1:
                break
            s = s + m[i, j] * (j + 1.0)
    return s * s


def early_return(x):
    if np.sum(x) > 0:
        return np.sum(x * x)
    y = x * 3.0
    return np.sum(y)


def multiple_returns(x):
    s = np.sum(x)
    if s > 2:
        return s * s
    elif s > 0:
        return s * 3.0
    return -s


def return_in_loop(x):
    y = x
    for i in range(10):
        y = y * 1.3
        if np.sum(y) > 3.0:
            return np.sum(y * x)
    return np.sum(y)


def return_in_while(x):
    y = x
    while True:
        y = y * 2.0
        if np.sum(np.abs(y)) > 10:
            return np.sum(y * y)


# --- overwritten values and writes ------------------------------------------------
def overwrite_in_loop(x):
    t = x
    acc = 0.0
    for i in range(4):
        t = np.sin(t) * t * 0.5 + 0.1
        acc = acc + t
    return np.sum(acc)


def augmented(x):
    s = 0.0
    y = x * 1.0
    for i in range(3):
        s += np.sum(y)
        y *= x
        y -= 0.5
        y /= 1.5
    return s


def setitem_loop(x):
    y = np.zeros_like(x)
    for i in range(x.shape[0]):
        y[i] = x[i] * x[i] * (i + 1.0)
    return np.sum(y * y)


def slice_recurrence(x):
    y = x * 1.0
    y[1:] = y[1:] * y[:-1]
    return np.sum(y)


def setitem_overwrites(x):
    y = x * 2.0
    y[0] = 5.0
    y[1] = y[2] * y[3]
    return np.sum(y * x)


def setitem_augmented(x):
    y = np.zeros_like(x)
    for i in range(3):
        y[i % 2] += x[i] * x[i + 1]
    return np.sum(y * y)


def diffusion_steps(x):
    # a fresh copy written into each step, then rebound: not an alias when written
    u = x * 1.0
    for step in range(3):
        new = u.copy()
        new[1:-1] += 0.2 * (u[2:] - 2 * u[1:-1] + u[:-2])
        u = new
    return np.sum(u * u)


def sliding_window(x):
    # slices bounded by the loop variable, read and written
    out = np.zeros(x.shape[0] - 1)
    for i in range(out.shape[0]):
        out[i:i + 1] = np.sum(x[i:i + 2] * x[i:i + 2])
    return np.sum(np.tanh(out))


def return_before_branch_locals(x):
    # y is bound only on the paths that do not return early
    s = np.sum(x)
    if s > 2.0:
        return np.sum(x ** 2)
    elif s > 0.0:
        y = x * 3.0
    else:
        y = -x
    return np.sum(y * x)


def buffer_rebuilt_and_written(x):
    # a fresh buffer each step, written into, read only for its shape by the adjoint
    u = x.copy()
    for step in range(3):
        lap = np.zeros_like(u)
        lap[1:-1] = u[2:] - 2 * u[1:-1] + u[:-2]
        u = u + 0.3 * lap
        u[0] = u[1] * 0.5
    return np.sum(u * u)


def append_then_stack(x):
    rows = []
    h = x
    for i in range(3):
        h = h * 0.5 + x
        rows.append(h)
    return np.sum(np.stack(rows) ** 2)


def append_then_array(x):
    vals = []
    for i in range(x.shape[0]):
        vals.append(x[i] * x[i])
    return np.sum(np.array(vals) * x)


def comprehension_sum(x):
    return sum([x[i] * x[i] for i in range(x.shape[0])])


def list_build_and_index(x):
    items = [x, x * 2.0, x * x]
    return np.sum(items[2] * items[1] + items[0])


def tuple_unpack(x):
    a, b = x * 2.0, x * x
    a, b = b, a
    return np.sum(a * 3.0 + b)


def walrus(x):
    if (s := np.sum(x)) > 0:
        return s * s
    return s


def integer_loop_state(x):
    y = x
    k = 1
    for i in range(4):
        k = k * 2
        y = y + x * k
    return np.sum(y)


# --- issue 12: loops rebinding what they iterate over, loops inside loops, empty adjoints ---
def rebinds_its_sequence(x):
    """Python iterates over the array the loop started with, not the rebound name."""
    for r in x:
        x = x * r
    return np.sum(x)


def rebinds_its_sequence_nested(x):
    for i in range(2):
        for r in x:
            x = x * r
    return np.sum(x)


def rebinds_enumerated_and_zipped(x):
    y = x * 1.0
    for i, r in enumerate(y):
        y = y * r
        y += 0.5          # in place on the new y: the loop's array is not touched
    for r, s in zip(y, x):
        y = y * 0.5 + s
        x = x * 1.1
    return np.sum(y * x)


def rebinds_reversed_sequence(x):
    for r in reversed(x):
        x = x * r
    return np.sum(x)


def updates_its_sequence_in_place(x):
    """`y += r` changes the array the loop iterates over: later items see it."""
    y = x * 1.0
    for r in y:
        y += r
    return np.sum(y * y)


def break_of_inner_loop_in_branch(x):
    for i in range(2):
        if x[0] > 0:
            for r in x:
                if r > 0.5:
                    break
            x = x * 0.9
    return np.sum(x)


def continue_of_inner_loop_in_branch(x):
    for i in range(2):
        if x[0] > 0:
            for r in x:
                if r > 0.5:
                    continue
                x = x * r
            x = x * 0.9
    return np.sum(x)


def break_of_inner_while_in_branch(x):
    k = 0
    while k < 2:
        if x[1] > 0:
            j = 0
            while j < 3:
                j += 1
                if x[j] > 0.5:
                    break
                x = x * 1.1
            x = x * 0.9
        k += 1
    return np.sum(x)


def return_from_inner_loop(x):
    for i in range(3):
        for r in x:
            if r * i > 1.5:
                return np.sum(x * r)
            x = x * 1.1
    return np.sum(x)


def empty_adjoint_loop(x):
    v = x
    for i in range(3):
        v = v + 1.0
    return np.sum(v)


def empty_adjoint_while(x):
    v = x
    k = 0
    while k < 3:
        v = v + 1.0
        k = k + 1
    return np.sum(v)


def empty_adjoint_nested_loops(x):
    v = x
    for i in range(2):
        for j in range(2):
            v = v + 1.0
    return np.sum(v)


def empty_adjoint_branch(x):
    v = x * 2.0
    if x[0] > 0:
        v = v - 1.0
    return np.sum(v)


def empty_primal_branch(x):
    v = x * 2.0
    if x[0] > 0:
        pass
    elif x[1] > 0:
        v = v * 3.0
    else:
        pass
    return np.sum(v)


def reduces_to_0d_in_a_loop(x):
    """s.sum(axis=0) on the 0-d value of the last trip: NumPy returns it as it is."""
    s = x * x
    for i in range(3):
        s = s.sum(axis=0)
    return s


def reduces_until_0d(x):
    s = np.outer(x, x)
    while np.ndim(s) > 0:
        s = s.max(axis=-1) + s.sum(axis=0)
    for i in range(2):
        s = s.prod(axis=0) * 0.5
    return s


CORPUS = [
    if_else, if_only, elif_chain, nested_if, conditional_expression, and_or_not, or_value,
    for_range, for_range_start_stop_step, for_negative_step, for_range_from_shape,
    for_range_from_data, for_list, for_tuple_of_arrays, for_zip,
    nested_loops_carried, loop_then_loop, while_counter, while_data, nested_while_in_for,
    for_break, for_continue, while_break, break_and_continue, early_return,
    multiple_returns, return_in_loop, return_in_while, overwrite_in_loop, augmented,
    setitem_loop, slice_recurrence, setitem_overwrites, setitem_augmented,
    buffer_rebuilt_and_written, return_before_branch_locals, sliding_window, diffusion_steps,
    append_then_stack, append_then_array, comprehension_sum, list_build_and_index,
    tuple_unpack, walrus, integer_loop_state,
    rebinds_its_sequence, rebinds_its_sequence_nested, rebinds_enumerated_and_zipped,
    rebinds_reversed_sequence, updates_its_sequence_in_place, break_of_inner_loop_in_branch,
    continue_of_inner_loop_in_branch, break_of_inner_while_in_branch, return_from_inner_loop,
    empty_adjoint_loop, empty_adjoint_while, empty_adjoint_nested_loops, empty_adjoint_branch,
    empty_primal_branch, reduces_to_0d_in_a_loop, reduces_until_0d,
]
MATRIX_CORPUS = [for_rows, for_enumerate, for_enumerate_start, nested_loops, nested_break]

INPUTS = {
    "positive": np.array([0.9, 0.4, 1.3, 0.2]),
    "negative": np.array([-0.9, -0.4, -1.3, -0.2]),
    "mixed": VEC,
    "small": np.array([0.01, -0.02, 0.03, 0.015]),
}


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
