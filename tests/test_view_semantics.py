"""A view rewrite (view_writes.py, loop_rows.py) keeps NumPy's meaning: a basic slice and a row
of a loop are views, so a write through them changes the array. Dask's slices and rows are new
arrays: the same code means something else there, and a derivative made with NumPy's meaning
would be silently wrong. Each rewritten view is checked in the run (runtime_checks.check_views):
NumPy and CuPy arrays pass, an array type whose slices are copies is refused at the user's line.
"""
import numpy as np
import pytest

import srcdiff
from srcdiff import runtime_checks

from gradcheck import check


def slice_written(A, v):
    a2 = A[-1, :]
    a2 -= v
    return np.sum(A * A)


def slice_read_after(x):
    x = x * 1.0
    v = x[1:]
    x[1] = 5.0
    return np.sum(v * x[:3])


def rows_written(A):
    B = A * 1.0
    for row in B:
        row[0] = 2.0
    return np.sum(B * A)


def rows_of_a_new_array(A):
    s = 0.0
    for row in A * 2.0:
        row[0] = 1.0
        s = s + np.sum(row * A[0])
    return s


A0 = np.arange(1.0, 7.0).reshape(2, 3)


@pytest.mark.parametrize("f, args", [(slice_written, (A0, np.ones(3))),
                                     (slice_read_after, (np.arange(1.0, 5.0),)),
                                     (rows_written, (A0,)), (rows_of_a_new_array, (A0,))])
def test_numpy_arrays_differentiate_as_before(f, args):
    check(f, *args, order=2)


@pytest.mark.parametrize("f, args, line", [
    (slice_written, (A0, np.ones(3)), "a2 = A[-1, :]"),
    (slice_read_after, (np.arange(1.0, 5.0),), "v = x[1:]"),
    (rows_written, (A0,), "for row in B:")])
def test_dask_arrays_are_refused_where_numpy_s_views_are_assumed(f, args, line):
    da = pytest.importorskip("dask.array")
    darr = [da.from_array(a, chunks=1) if np.ndim(a) else a for a in args]
    for make in (srcdiff.value_and_grad, lambda g: srcdiff.jvp(g, wrt=0)):
        derivative = make(f)
        call = darr if make is srcdiff.value_and_grad else darr + [np.ones_like(args[0])]
        with pytest.raises(srcdiff.RuntimeRefusal) as info:
            derivative(*call)
        message = str(info.value)
        assert "test_view_semantics.py" in message and line in message
        assert "Array" in message and ("not views" in message or "are views" in message)


def test_a_private_array_s_rows_need_no_check():
    """Rows of a new array no other name holds: nothing outside the loop can see the write,
    so Dask's meaning and NumPy's agree and the derivative runs."""
    da = pytest.importorskip("dask.array")
    value, grad = srcdiff.value_and_grad(rows_of_a_new_array)(da.from_array(A0, chunks=1))
    want_value, want_grad = srcdiff.value_and_grad(rows_of_a_new_array)(A0)
    np.testing.assert_allclose(np.asarray(value), want_value)
    np.testing.assert_allclose(np.asarray(grad), want_grad)


class _CopyingArray:
    """An array type whose slices are copies (as Dask's are)."""
    shape = (3,)


def test_check_views_passes_numpy_and_other_values_and_refuses_copying_arrays():
    runtime_checks.check_views(np.zeros(3), "why", "what", None)
    runtime_checks.check_views([1.0, 2.0], "why", "what", None)  # Python raises there itself
    with pytest.raises(srcdiff.RuntimeRefusal, match="why"):
        runtime_checks.check_views(_CopyingArray(), "why", "what", None)


def test_a_loop_writing_rows_back_wants_an_array_s_rows():
    """loop_rows rewrites a parameter's loop where the call gives an array (a list passed is
    its own kind of derivative); its check in the run refuses a list or tuple too, the
    defence where no call told the kind (the codegen command)."""
    def written(A):
        for row in A:
            row[0] = 2.0 * row[1]
        return A[0][0] * A[1][1]
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert srcdiff.value_and_grad(written)(A.copy())[0] == written(A.copy())
    runtime_checks.check_views(np.zeros((2, 2)), "why {kind}", "what", None, rows=True)
    with pytest.raises(srcdiff.RuntimeRefusal, match="why list"):
        runtime_checks.check_views([np.zeros(2)], "why {kind}", "what", None, rows=True)
