"""Issue 13: writes into a view taken by basic slicing (`a2 = A[-1, :]`, then `a2 -= v`, or
`w = t[1:]`, then `w[0] = v`), made writes into the array it views by view_writes.py. Each
program is written the way users write it, Python's own result depends on the write being
seen through the array, and gradcheck.check compares srcdiff's derivative with central
differences in reverse and forward mode, to second order. Next to them, the programs the
rewrite must leave alone (a list, an index that may be an array, a base bound anew on one
path, checked when it runs, a write the index cannot be composed for), each with its located
refusal or its right derivative."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.3, 0.5, 0.9])
A0 = np.arange(9.0).reshape(3, 3) / 7.0
S0 = 0.7


def on_xas(f):
    check(f, X.copy(), A0.copy(), S0, wrt=(0, 1, 2), order=2)


def refused(f, match):
    for make in (srcdiff.grad, srcdiff.jvp):
        args = (X.copy(), A0.copy(), S0)
        if make is srcdiff.jvp:
            args += (X.copy(), A0.copy(), 1.0)
        with pytest.raises(srcdiff.SrcdiffError, match=match) as info:
            make(f, wrt=(0, 1, 2))(*args)
        assert __file__ in str(info.value)


# === the view written as a whole (plain 1901 #32) ==============================================
def last_row_in_loop(x, A, s):   # plain 1901 #32, cut down
    a2 = A[-1, :]
    a3 = sum(((x * a2) + (x * x)))
    for r4, q5 in zip(x, x):
        a2 -= 0.3 * np.sin(x) * s
    a3 = np.min(a2) * (s * s) + a3
    return np.sum(A * np.cos(A)) + a3


def column_scaled(x, A, s):
    c = A[:, 0]
    c *= np.tanh(s)
    c += x
    return np.sum(A ** 2) + np.sum(c * x)


def strided_block(x, A, s):
    B = A * 1.0
    blk = B[1:, ::2]
    blk /= 1.0 + s * s
    return np.sum(np.sin(B)) + np.sum(blk)


def slice_of_local(x, A, s):
    t = x * 1.0
    w = t[1:]
    w += s * t[:2]
    return np.sum(t * t) + w[0]


# === items written through the view, at the composed index ===================================
def items_through_tail(x, A, s):
    t = x * 1.0
    w = t[1:]
    w[0] = s * w[1]
    w[1] += np.sin(s)
    return np.sum(t * t)


def items_through_row(x, A, s):
    r = A[1, :]
    r[2] = s * x[0]
    r[0] *= np.cos(s)
    return np.sum(A * A) + np.sum(r)


def items_through_strided(x, A, s):
    B = np.sin(A)
    v = B[1::2, :]
    v[0, 1] = s * s
    v[0] -= x
    return np.sum(B * B)


def index_bound_anew(x, A, s):   # the view's row is evaluated once, at its binding
    k = 0
    r = A[k, :]
    k = 2
    r -= s * x
    return np.sum(A * A) + A[k, 0]


def view_read_after_its_base_is_written(x, A, s):   # (tests/test_errors.py's, before)
    y = x * 1.0
    v = y[1:]
    y[1] = 5.0 * s
    z = y[:2]
    z *= 2.0
    return np.sum(v * x[1:]) + np.sum(y * x)


def view_in_loop(x, A, s):
    B = A + 0.0
    for i in range(3):
        row = B[i, :]
        row[1] = s * row[0] + row[2]
        row *= 0.5
    return np.sum(B * np.tanh(B))


def slice_of_a_list_item(x, A, s):   # (a write into the item itself: right before too)
    L = [x * 1.0, np.cos(x)]
    L[0][1:] += s * L[1][:2]
    return np.sum(L[0] * L[1])


@pytest.mark.parametrize("f", [slice_of_a_list_item, last_row_in_loop, column_scaled, strided_block, slice_of_local,
                               items_through_tail, items_through_row, items_through_strided,
                               index_bound_anew, view_read_after_its_base_is_written,
                               view_in_loop])
def test_writes_into_views_differentiate(f):
    on_xas(f)


# === neighbours: left alone by the rewrite =====================================================
def base_rebound_on_one_path(x, A, s):
    B = A * 1.0
    v = B[0, :]
    if s > 0.0:
        B = B * 2.0
    v += s
    return np.sum(B) + np.sum(v)


def tail_of_parameter(x, A, s):   # x might be a list for all this def says: checked
    w = x[1:]
    w += s
    return np.sum(x * x)


def uncomposable_write(x, A, s):   # `w[-1]` of `t[1:]` is t[-1] only when t is not empty
    t = x * 1.0
    w = t[1:3]
    w[1] = s
    return np.sum(t * t)


def test_a_base_bound_anew_on_one_path_is_checked_when_it_runs():
    """`v += s` changes the B v views: where B was bound anew first (s > 0) no later read
    sees it and the derivative is right; where not, the run refuses it (the check before the
    update: v shares B's memory; it was refused for both before)."""
    check(base_rebound_on_one_path, X.copy(), A0.copy(), S0, wrt=(0, 1, 2), order=2)
    for make in (srcdiff.grad, srcdiff.jvp):
        args = (X.copy(), A0.copy(), -S0) + ((X.copy(), A0.copy(), 1.0)
                                              if make is srcdiff.jvp else ())
        with pytest.raises(srcdiff.RuntimeRefusal, match="would also change B") as info:
            make(base_rebound_on_one_path, wrt=(0, 1, 2))(*args)
        assert __file__ in str(info.value)


def test_a_tail_of_a_parameter_differentiates_where_it_is_an_array():
    """`w = x[1:]` of a parameter that may hold a list (whose slice is a copy): followed as
    a view of x, under a check at the binding that x is NumPy's array (views21)."""
    on_xas(tail_of_parameter)


class Values(list):   # (no list to srcdiff's kinds of argument: the run tells)
    pass


def test_a_tail_of_a_parameter_that_is_no_array_is_refused_when_it_runs():
    with pytest.raises(srcdiff.RuntimeRefusal,
                       match="x is a list here, whose slices are new") as info:
        srcdiff.grad(tail_of_parameter, wrt=1)(Values([0.3, 0.5, 0.9]), A0.copy(), S0)
    assert __file__ in str(info.value)


def test_a_write_the_index_cannot_be_composed_for_stays_refused():
    refused(uncomposable_write, "view into t")


def fancy_index(x, A, s):   # idx an array: A[idx, :] is a copy, not a view
    idx = np.array([0, 2])
    r = A[idx, :]
    r -= s
    return np.sum(A * A) + np.sum(r * r)


def test_an_index_that_may_be_an_array_is_left_alone():
    refused(fancy_index, "view into A")   # (srcdiff's run-time check: r might be a view)


def list_tail(x, A, s):   # a list's slice is a copy: the list is not written
    L = [x[0] * s, x[1], x[2] * s]
    w = L[1:]
    w[0] = s * s
    return L[1] + w[0] * L[0]


def test_a_list_slice_is_a_copy_and_stays_one():
    refused(list_tail, "view into L")   # (aliasing.py's refusal: the rewrite leaves it)
