"""Issue #13: a helper writing into what it is given, where the caller passes a view of its
array (`h(A[1:])`, `h(A[0])`), a new value (`h(x + 1.0)`), a name another name may hold too,
or a name a later update in the same loop writes again (writing_helpers.write_back, alias_flow
reading a writing helper's call as one on copies of its own). Differentiated where Python's
reads can be followed, checked against finite differences in both modes and to second order;
refused, located at the call, where Python's change would be seen through something srcdiff
does not follow (an index array's copy, a list's item, a result that is part of what was
written, another view read after) or, for a may-alias, when the run finds it holding."""
import inspect

import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.5, -1.0, 0.5])
M = np.outer(X, X) + 1.0


def h1(t):
    t[0] = t[0] * t[1]
    return np.sum(t * t)


def h2(t, u):
    t[::2] *= 0.7
    return u


def scale(t, c):
    t[:] = t * c
    return t


def head(t, c):
    t[1] = t[1] * c
    return t[:1]


def fill(out, v):
    out[:] = np.tanh(v)


def bump(t, c):
    t[0] = t[0] + c
    return np.sum(t)


def push(L, v):
    L[0] = v * 2.0


def _at_the_call(err, f, text):
    lines, first = inspect.getsourcelines(f)
    at = next(i for i, line in enumerate(lines) if text in line)
    assert (err.value.filename, err.value.lineno) == (__file__, first + at), str(err.value)


# -- a view of the caller's array: the helper's copy written back at that index ----------------
def writes_a_slice(x):
    y = x * 1.0
    s = h1(y[1:])
    return s + np.sum(y * x)


def writes_a_row(x, A):
    B = A * x[0]
    s = h1(B[0])
    return s + np.sum(B * x)


def writes_a_slice_of_its_parameter(x):
    s = h1(x[1:])
    return s + np.sum(x * x)


def keeps_the_view_it_returns(x, A):
    B = A * 1.0
    r = scale(B[1:], x[0])
    return np.sum(r * x[1]) + np.sum(B * B)


def writes_rows_in_a_loop(x, A):
    B = A * 1.0
    for k in range(2):
        s = bump(B[k], x[0])
        B[k + 1] += s * x
    return np.sum(B)


@pytest.mark.parametrize("f, args", [
    (writes_a_slice, (X,)), (writes_a_row, (X, M)), (writes_a_slice_of_its_parameter, (X,)),
    (keeps_the_view_it_returns, (X, M)), (writes_rows_in_a_loop, (X, M))])
def test_a_helper_writing_into_a_view_of_the_callers_array(f, args):
    check(f, *[a.copy() for a in args], wrt=tuple(range(len(args))))


def picks_with_an_index_array(x):
    y = x * 1.0
    s = h1(y[[0, 2]])   # (a copy: Python's helper changes it unseen)
    return s + np.sum(y * x)


def passes_a_lists_item(x):
    y = x * 1.0
    L = [y, x]
    s = h1(L[0])
    return s + np.sum(L[0] * x)


def keeps_part_of_what_it_wrote(x, A):
    B = A * 1.0
    r = head(B[0], x[0])
    return np.sum(r * x[1]) + np.sum(B * B)


@pytest.mark.parametrize("f, args, reason, text", [
    (picks_with_an_index_array, (X,), "picks a view", "h1(y[[0, 2]])"),
    (passes_a_lists_item, (X,), "picks a view", "h1(L[0])"),
    (keeps_part_of_what_it_wrote, (X, M), "returns \\(part of\\) what it writes into",
     "head(B[0]")])
def test_a_view_srcdiff_cannot_write_back_is_refused_when_it_runs(f, args, reason, text):
    with pytest.raises(srcdiff.RuntimeRefusal, match=reason) as err:
        srcdiff.grad(f, wrt=tuple(range(len(args))))(*[a.copy() for a in args])
    _at_the_call(err, f, text)


def reads_another_view_after(x):
    y = x * 1.0
    v = y[:2]
    s = h1(y[1:])
    return s + np.sum(v * x[:2])


def keeps_another_view_in_a_list(x):
    y = x * 1.0
    L = [y[:2]]
    s = h1(y[1:])
    return s + np.sum(L[0] * x[:2])


def test_another_view_read_after_the_helper_sees_the_write():
    """v = y[:2] is read as y[:2] after the helper's write is written back into y[1:]
    (view_writes.py), which is what Python's view shows; a view kept in a list, which
    srcdiff cannot follow, is refused at the call."""
    check(reads_another_view_after, X.copy())
    with pytest.raises(srcdiff.SrcdiffError, match="would also change L") as err:
        srcdiff.grad(keeps_another_view_in_a_list)(X.copy())
    _at_the_call(err, keeps_another_view_in_a_list, "h1(y[1:])")


# -- a new value: the helper's write is seen by nobody ----------------------------------------
def gives_a_sum(x):
    return h1(np.zeros(3) + x) * x[0]


def gives_arithmetic(x):
    return h1(x + 1.0) * x[0]


def gives_a_copy(x):
    return h1(x.copy()) * x[0]


def gives_a_new_array_of_a_list(x):
    L = [x[0], x[1] * 2.0]
    return h1(np.array(L)) * x[0]


def gives_a_product_of_a_slice(x, A):
    return h1(A[1:] * 2.0) * x[0] + np.sum(A * x)


@pytest.mark.parametrize("f, args", [
    (gives_a_sum, (X,)), (gives_arithmetic, (X,)), (gives_a_copy, (X,)),
    (gives_a_new_array_of_a_list, (X,)), (gives_a_product_of_a_slice, (X, M))])
def test_a_helper_writing_into_a_new_value(f, args):
    check(f, *[a.copy() for a in args], wrt=tuple(range(len(args))))


# -- a later update in the same loop writes the name again --------------------------------
def fills_then_updates_an_item(x):
    out = x * 1.0
    for k in range(3):
        fill(out, x * (k + 1.0))
        out[0] += x[0] * out[1]
    return np.sum(out * x)


def bumps_then_scales(x):
    out = x * 1.0
    for k in range(3):
        s = bump(out, x[1])
        out *= 1.0 + 0.1 * s
    return np.sum(out * x)


def updates_around_the_helper(x):
    a = x * 1.0
    for k in range(2):
        a[1] -= 0.3 * np.sin(a[0])
        s = bump(a, x[2])
        a[2] = a[2] * s
    return np.sum(a * x)


def updates_through_an_exact_alias(x):
    a = x * 1.0
    b = a
    for k in range(2):
        s = bump(a, x[1])
        b[2] += s
    return np.sum(a * x) + np.sum(b)


@pytest.mark.parametrize("f", [fills_then_updates_an_item, bumps_then_scales,
                               updates_around_the_helper, updates_through_an_exact_alias])
def test_a_helper_and_a_later_update_writing_one_name_in_a_loop(f):
    check(f, X.copy())


def rescales_its_result_and_writes_the_argument(x, A):
    M0 = A * 1.0
    M2 = M0
    for k in range(2):
        M2 = scale(M0, x[k])   # (M2 is M0: the write below changes both)
        M0[0, 0] = 3.0 * x[1]
    return np.sum(M0 * M2)


def test_a_result_that_is_the_argument_written_in_the_loop_is_refused():
    with pytest.raises(srcdiff.UnsupportedCodeError, match="would also change M2") as err:
        srcdiff.grad(rescales_its_result_and_writes_the_argument, wrt=(0, 1))(X.copy(), M.copy())
    _at_the_call(err, rescales_its_result_and_writes_the_argument, "M0[0, 0] = ")


# -- another name may hold it: written back, checked as the user's own write ------------------
# (random tester, objects 1901 #16: `hd7 = a5` then, in a loop, `A = ... h2(a5, A)` and hd7
# read, a5 bound anew after: hd7 is a5 in the first trip only)
def alias_rebound_in_a_loop(x, A):
    a5 = x * 1.0
    hd7 = a5
    k = 0
    while k < 2:
        k += 1
        A = 0.5 * np.tanh(h2(a5, A))
        s = np.sum(hd7 * x)
        a5 = a5 + 0.2 * np.tanh(s)
    return np.sum(A) + np.sum(a5) + np.sum(hd7)


def alias_taken_between_two_calls(x, A):
    a5 = x * 1.0
    A = 0.5 * np.tanh(h2(a5, A))
    hd7 = a5
    A = A * np.tanh(h2(a5, A))   # (a call in an expression: alias_groups does not follow it)
    return np.sum(A) + np.sum(hd7 * x)


def lists_may_be_one(x):
    L = [x * 1.0, x * 2.0]
    K = [x]
    if x[0] > 0.0:
        K = L
    push(L, x)
    return np.sum(K[0] * x)


@pytest.mark.parametrize("f, error, reason, text", [
    (alias_rebound_in_a_loop, srcdiff.RuntimeRefusal, "would also change hd7", "h2(a5, A))"),
    (alias_taken_between_two_calls, srcdiff.UnsupportedCodeError, "would also change hd7",
     "A * np.tanh(h2(a5, A))"),
    (lists_may_be_one, srcdiff.RuntimeRefusal, "for an array of numbers only", "push(L, x)")])
def test_a_helpers_write_another_name_sees_is_refused_at_the_call(f, error, reason, text):
    args = (X.copy(), M.copy())[:f.__code__.co_argcount]
    with pytest.raises(error, match=reason) as err:
        srcdiff.grad(f, wrt=tuple(range(len(args))))(*args)
    _at_the_call(err, f, text)


# -- random tester, functions 1540 #13: a recursive helper writing into u, called in a loop
# srcdiff unrolls (the list of functions): its copy of x kept nothing of the caller's x
def h0(t, u, n):
    if n <= 0:
        return np.exp2(np.tanh(t))
    u[1:] = u[1:] * np.tanh(u[:-1])
    return h0(0.5 * np.tanh(np.cumprod(1.0 + 0.3 * np.tanh(u))[-1]), u, n - 1)


def calls_a_recursive_writer_in_a_loop(x, A):
    t3 = A.mean(axis=1)
    for g in [np.tanh, np.sin]:
        t3 = 0.5 * g(t3) + 0.1
        if h0(2.0, x, 2) < -1.0:
            continue
        t3 = t3 + np.tanh(x)
    return np.sum(t3 * x)


def test_a_recursive_helper_writing_into_its_argument_in_an_unrolled_loop():
    check(calls_a_recursive_writer_in_a_loop, X.copy(), M.copy(), wrt=(0, 1))


# -- a helper doing `t op= v`: an array changed in place, a number rebound (random tester,
# functions 1541 #27's shape): the variant where the run gives an array, the call as it was
def decays(t):
    t -= 0.3 * np.sin(t)
    return np.sum(t * t)


def rescales(t, c):
    t *= c
    return t


def updates_an_array_twice(x):
    a2 = 0.5 * np.tanh(x)
    s = decays(a2) + decays(a2)
    return s + np.sum(a2 * x)


def updates_a_number(x):
    a = x[0] * 2.0
    s = decays(a)
    return s + a * x[1]


def updates_in_a_loop(x):
    a2 = x * 1.0
    for k in range(2):
        s = decays(a2)
        a2 -= 0.3 * np.tanh(a2) * s
    return np.sum(a2 * x)


def updates_and_returns_it(x):
    a = x * 1.0
    r = rescales(a, x[1])
    return np.sum(r * x) + np.sum(a)


def updates_what_another_may_hold(x):
    a = x * 1.0
    b = x * 2.0
    if x[0] > 0.0:
        b = a
    r = rescales(a, x[1])
    return np.sum(b * x) + np.sum(r)


@pytest.mark.parametrize("f, x", [
    (updates_an_array_twice, X), (updates_a_number, X), (updates_in_a_loop, X),
    (updates_and_returns_it, X), (updates_what_another_may_hold, -X)])
def test_a_helper_updating_its_argument_in_place(f, x):
    check(f, x.copy())


def test_an_update_another_name_holding_the_array_sees_is_refused_when_it_runs():
    with pytest.raises(srcdiff.RuntimeRefusal, match="would also change b") as err:
        srcdiff.grad(updates_what_another_may_hold)(X.copy())
    _at_the_call(err, updates_what_another_may_hold, "rescales(a, x[1])")
