"""An array's items by flat position (srcdiff/flat_items.py): `x.flat[k] = v`, `x.flat[a:b] =
v`, `x.flat[idx] = v`, `x.flat[k] op= v` and reads of `x.flat[k]`, on arrays the function
makes and on its parameter's private copy (the caller's array never changes), in C order
whatever the strides, with NumPy's repetition of v by flat position. Derivatives against
central differences in reverse and forward mode and to second order (gradcheck.check); a
view of another array written through stays refused at its line."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([[0.3, 1.2, -0.7], [-0.5, 2.0, 0.9]])
V = np.array([0.7, -1.3, 0.4])


def reads_by_flat_position(x):
    k = 4
    return x.flat[1] * x.flat[-1] + np.sum(x.flat[1:k] ** 2) + np.sum(x.flat[[0, 2, 2]])


def writes_an_array_it_made(v):
    y = np.zeros((2, 3))
    y.flat[1] = v[0] * v[1]
    y.flat[3:5] = v[1:3] ** 2
    y.flat[[0, 5]] = v[0]
    y.flat[-2] += np.sin(v[2])
    return np.sum(y * y) + y.flat[4] * v[2]


def writes_its_parameter(x):
    x.flat[1] = x.flat[0] ** 2
    x.flat[-1] *= x.flat[2]
    k = 2
    x.flat[k:k + 2] = x.flat[:2] * 3.0
    return np.sum(x ** 2)


def writes_its_parameters_copy(x):
    x = x * 1.0
    x.flat[x.size - 1] = np.sum(x.flat[:3])
    return np.sum(np.cos(x))


def repeats_the_values(v):
    y = np.ones(5) * v[0]
    y.flat[0:5] = v[1:3]             # v's items repeated by flat position: a b a b a
    return np.sum(y ** 3)


def writes_in_a_loop(x):
    y = np.zeros(x.size)
    for i in range(x.size):
        y.flat[i] = x.flat[i] * (i + 1.0)
    return np.sum(np.sin(y))


def reads_a_copy(x):
    y = x * 1.0
    s = y.flat[0:2]                  # a new array, as x.flat gives: the write below is unseen
    y.flat[0] = 5.0
    return np.sum(s) * np.sum(y ** 2)


@pytest.mark.parametrize("f", [reads_by_flat_position, writes_its_parameter,
                               writes_its_parameters_copy, writes_in_a_loop, reads_a_copy])
def test_flat_positions_of_a_matrix(f):
    check(f, X.copy(), order=2)


@pytest.mark.parametrize("f", [writes_an_array_it_made, repeats_the_values])
def test_flat_writes_into_arrays_made_here(f):
    check(f, V, order=2)


def test_c_order_whatever_the_strides():
    check(writes_its_parameter, np.asfortranarray(X), order=2)
    check(reads_by_flat_position, X.T, order=2)


def test_the_callers_array_never_changes():
    x = X.copy()
    srcdiff.grad(writes_its_parameter)(x)
    srcdiff.jvp(writes_its_parameter)(x, np.ones_like(x))
    assert np.array_equal(x, X)


def writes_through_a_view_read_after(x):
    y = x * 1.0
    v = y[1:]
    v.flat[0] = x[0, 0] ** 2
    return np.sum(y ** 2)


def test_a_view_written_through_is_refused_at_its_line():
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.grad(writes_through_a_view_read_after)(X)
    assert info.value.line.strip() == "v.flat[0] = x[0, 0] ** 2"


def reads_out_of_range(x):
    return x.flat[6]


def test_an_index_out_of_range_raises_index_error():
    with pytest.raises(IndexError):
        srcdiff.grad(reads_out_of_range)(X)


# --- .flat of a view of an array, of a NumPy function's result, of a field's copy ----------
def flat_of_a_transpose_and_a_reshape(x):
    t = x.T
    m = x.reshape(3, 2)
    return t.flat[1] * m.flat[4] + t.flat[-1]


def flat_of_numpy_results(x):
    g = np.gradient(x[0], 0.3)
    h = g * 1.0
    h.flat[0] = g.flat[1] * x[1, 2]
    m = np.outer(g, g)
    return np.sum(h ** 2) + m.flat[1]


def test_flat_of_a_view_of_an_array_differentiates_unchecked():
    check(flat_of_a_transpose_and_a_reshape, X, order=2)
    assert "check_views" not in srcdiff.source(srcdiff.grad(flat_of_a_transpose_and_a_reshape))


def test_flat_of_a_numpy_result_differentiates_checked_to_be_an_array():
    check(flat_of_numpy_results, X, order=2)
    assert "check_views(g" in srcdiff.source(srcdiff.grad(flat_of_numpy_results))


def flat_of_gradients_of_a_matrix(x):
    g = np.gradient(x, 0.3)   # a tuple of two arrays: Python's g.flat raises AttributeError
    return g.flat[0] * 2.0


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_flat_of_what_is_no_array_is_refused_where_it_runs(mode):
    from gradcheck import refusal
    with pytest.raises(AttributeError):
        flat_of_gradients_of_a_matrix(X)
    err = refusal(flat_of_gradients_of_a_matrix, (X,), mode, error=srcdiff.RuntimeRefusal)
    assert "g is a tuple here, not a NumPy array" in str(err), str(err)


class Holder:
    def __init__(self, flat):
        self.flat = flat


def a_field_named_flat(x):
    h = Holder(x * 2.0)
    return np.sum(h.flat[0] * x[1])


def test_a_field_named_flat_of_an_object_is_its_field():
    check(a_field_named_flat, X, order=1)
