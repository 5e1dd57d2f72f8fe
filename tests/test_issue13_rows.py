"""Issue 13: loops writing into the rows they take, where loop_rows.py could not tell the
array before: arithmetic no list supports of a parameter (`A * 1.0`: an array or a number),
rows of a new array no name holds (`for row in A * 0.5`), `for k, row in enumerate(B)`, and
rows read by an inner loop over their items. Each program is written the way users write it
(the fuzz loops family, 1530 #27; habits, 1530 #37, cut down, their parameter scaled), and
gradcheck.check compares srcdiff's derivative with central differences in reverse and
forward mode, to second order. Next to them, the loops the rewrite must leave alone (over a
parameter itself, or `A + A`: for all the def says, a list, whose items another name may
hold), with their located refusal."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.3, 0.5, 0.9])
A0 = np.arange(9.0).reshape(3, 3) / 7.0 - 0.4
S0 = 0.7


def on_xas(f):
    check(f, X.copy(), A0.copy(), S0, wrt=(0, 1, 2), order=2)


def refused(f, match, args=None):
    for make in (srcdiff.grad, srcdiff.jvp):
        given = args or (X.copy(), A0.copy(), S0)
        if make is srcdiff.jvp:
            given = given + tuple(np.ones_like(a) if isinstance(a, np.ndarray) else 1.0
                                  for a in given)
        with pytest.raises(srcdiff.SrcdiffError, match=match) as info:
            make(f, wrt=(0, 1, 2))(*given)
        assert __file__ in str(info.value)


def rows_of_a_parameter(x, A, s):   # loops 1530 #27, cut down
    a1 = 0.5 * np.tanh(x * 3.0)
    a2 = s
    for row3 in A * 1.0:
        for e4 in row3:
            if e4 < -0.3:
                continue
            a2 = a2 * 0.9 + np.sin(e4)
        a2 = a2 + np.sum(np.tanh(row3)) * 0.25
        a1[[0, 2]] += s / (1.0 + s * s)
        row3[:2] = np.arctan(a1 * row3)[1:]
    return a2 + np.sum(A * x)


def rows_of_a_scaled_parameter(x, A, s):
    B = A - 0.25
    for row3 in B:
        for e4 in row3:
            if e4 < -0.3:
                continue
            s = s * 0.9 + np.sin(e4)
        row3[:2] = np.arctan(x[:2] * row3[1:])
    return s + np.sum(B * x)


def rows_of_a_new_array(x, A, s):   # habits 1530 #37, cut down
    a12 = x * 0.5
    for k21, row14 in enumerate(A * 2.0):
        a12 = 0.5 * a12 + 0.25 * np.tanh(row14)
        row14[::2] *= np.arctan(s * k21 + 0.5)
        a12 = a12 + row14
    return np.sum(a12 * a12)


def rows_then_the_array_read(x, A, s):   # (tests/test_aliasing.py's, before)
    B = A * 1.0
    for r in B:
        r[0] = r[1] * r[2] * s
    return np.sum(B * B) + np.sum(x)


def rows_enumerated(x, A, s):
    B = np.sin(A)
    for k, row in enumerate(B):
        row[k] = s * row[k - 1]
    return np.sum(B * B) + np.sum(B @ x)


@pytest.mark.parametrize("f", [rows_of_a_parameter, rows_of_a_scaled_parameter,
                               rows_of_a_new_array, rows_then_the_array_read,
                               rows_enumerated])
def test_rows_written_in_a_loop_differentiate(f):
    on_xas(f)


def rows_of_a_list_parameter(x, L, s):
    for row in L:
        row[0] = s
    return np.sum(L[0] * x)


def test_rows_of_a_list_parameter_stay_refused():
    L = [X.copy(), X * 2.0]
    refused(rows_of_a_list_parameter, "shared, not copies", (X.copy(), L, S0))


def rows_of_the_parameter_itself(x, A, s):   # loops 1530 #27 as it was
    for row3 in A:
        row3[:2] = np.arctan(x[:2] * row3[1:])
    return np.sum(A * x)


def rows_of_a_sum_of_parameters(x, A, s):    # habits 1530 #37 as it was
    for k21, row14 in enumerate(A + A):
        row14[::2] *= np.arctan(s * k21 + 0.5)
    return np.sum(A * x)


@pytest.mark.parametrize("f", [rows_of_the_parameter_itself, rows_of_a_sum_of_parameters])
def test_rows_of_a_parameter_differentiate_for_an_array_and_are_refused_for_a_list(f):
    """The derivative is made per kind of argument: for an array A its rows are views, written
    back (loop_rows); for a list of arrays (which others may hold) the loop stays refused."""
    check(f, X.copy(), A0.copy(), S0, wrt=(0, 1, 2), order=2)
    refused(f, "shared, not copies", args=(X.copy(), [r.copy() for r in A0], S0))


def item_written_by_the_inner_loop(x, A, s):
    B = A[:, :, None] * np.ones(2)   # 3-d: the inner loop's items are views
    for row in B:
        for t in row:
            t[0] = s
    return np.sum(B * B) + np.sum(x)


def test_an_item_the_inner_loop_writes_into_stays_refused():
    refused(item_written_by_the_inner_loop, "shared, not copies|would change")
