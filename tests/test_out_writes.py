"""NumPy calls that write into an array they are handed (srcdiff/out_writes.py): `out=`,
`a.fill(v)`, `a.sort()`, `numpy.copyto`, lowered as `a[...] = v`. Each program is written
the way scientific code writes it and checked against central differences (gradcheck.check:
both modes, second order); writes another name sees, and forms srcdiff does not lower, are
refused at the user's line."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7])
WEIGHTS = np.arange(6.0)
MODULE_ARRAY = np.ones(6)
MODULE_SQUARE = np.ones((2, 2))


def ufunc_out(x):
    a = np.empty_like(x)
    np.multiply(x, x, out=a)
    return np.sum(a * x)


def ufunc_out_by_position(x):
    a = np.zeros(6)
    r = np.sin(x, a)        # a ufunc's output given by position; r is a itself
    return np.sum(r * a)


def same_array_in_and_out(x):
    a = x.copy()
    np.add(a, x, out=a)
    np.multiply(a, a, out=a)
    return np.sum(a)


def clip_in_place(x):
    a = x.copy()
    np.clip(a, 0, 1, out=a)
    return np.sum(a * x)


def heat_stepper(x):
    u = x.copy()
    for _ in range(3):   # the explicit stepper that updates its state in place
        np.add(u, 0.1 * (np.roll(u, 1) - 2 * u + np.roll(u, -1)), out=u)
    return np.sum(u ** 2)


def method_out(x):
    A = x.reshape(2, 3)
    s = np.zeros(3)
    A.sum(axis=0, out=s)
    return np.sum(s ** 2)


def alias_sees_the_write(x):
    u = x.copy()
    w = u                     # the same array: w sees what out= writes
    np.multiply(u, 2.0, out=u)
    return np.sum(w * x)


def fill_then_read(x):
    a = x * 1.0
    a.fill(2.0)
    return np.sum(a * x)


def fill_in_a_loop(x):
    acc = np.zeros(6)
    total = 0.0
    for k in range(3):
        acc.fill(0.0)          # a buffer reset each trip
        acc += x ** (k + 1)
        total = total + np.sum(acc * WEIGHTS)
    return total


def sort_vector(x):
    y = x.copy()
    y.sort()
    return np.sum(y * WEIGHTS)


def sort_columns(x):
    y = x.reshape(2, 3).copy()
    y.sort(axis=0)
    return np.sum(y * WEIGHTS.reshape(2, 3))


def copyto_where(x):
    a = x.copy()
    np.copyto(a, x ** 2, where=x > 1)
    return np.sum(a * x)


def copyto_all(x):
    a = np.zeros(6)
    np.copyto(a, x ** 3)
    return np.sum(a * x)


def fill_diagonal_scalar(x):
    K = np.outer(x[:3], x[3:]) * 1.0
    np.fill_diagonal(K, 1.0)                # a kernel matrix's unit diagonal
    return np.sum(K @ K)


def fill_diagonal_tall(x):
    A = np.outer(x, x[:4]) * 1.0          # 6 x 4: the diagonal's four items
    np.fill_diagonal(A, x[2:6] ** 2)
    return np.sum(A * A)


@pytest.mark.parametrize("f", [fill_diagonal_scalar, fill_diagonal_tall])
def test_fill_diagonal_differentiates(f):
    check(f, X)


def test_fill_diagonal_with_wrap_or_into_a_module_array_is_refused():
    def wraps(x):
        A = np.outer(x, x[:4]) * 1.0
        np.fill_diagonal(A, 1.0, wrap=True)
        return np.sum(A * A)
    _refused(wraps, "wrap=True")

    def module_level(x):
        np.fill_diagonal(MODULE_SQUARE, x[0])
        return np.sum(MODULE_SQUARE) * x[1]
    _refused(module_level, "does not own")


@pytest.mark.parametrize("f", [ufunc_out, ufunc_out_by_position, same_array_in_and_out,
                               clip_in_place, heat_stepper, method_out, alias_sees_the_write,
                               fill_then_read, fill_in_a_loop, sort_vector, sort_columns,
                               copyto_where, copyto_all])
def test_writes_into_a_local_array_differentiate(f):
    check(f, X)


def test_the_emitted_code_writes_the_array_as_an_item_write():
    text = srcdiff.source(srcdiff.grad(heat_stepper))
    assert "u[...] = " in text and "out=" not in text.split("# line")[0]


# numpy.put_along_axis: a row's chosen items replaced (the argmax of each row clipped, a
# one-hot target's positions, a 3-d stack along its middle axis), values broadcast along
# the indices as NumPy broadcasts them
def put_along_rows(x):
    A = np.outer(x[:3], x[3:]) * 1.0
    top = np.argmax(A, axis=1)[:, None]
    np.put_along_axis(A, top, np.tanh(np.take_along_axis(A, top, axis=1)), axis=1)
    return np.sum(A * A)


def put_along_columns_broadcast(x):
    A = np.outer(x, x[:4]) * 1.0           # 6 x 4
    rows = np.array([[0, 5, 2, 1]])
    np.put_along_axis(A, rows, x[2] ** 2, axis=0)
    np.put_along_axis(A, np.array([[3], [1], [0], [2], [3], [1]]), x[:, None] * 2.0, -1)
    return np.sum(A @ A.T)


def put_along_middle_axis(x):
    S = np.stack([np.outer(x[:2], x[2:5]), np.outer(x[4:], x[1:4])]) * 1.0   # 2 x 2 x 3
    idx = np.array([[[1, 0, 1]], [[0, 0, 1]]])
    np.put_along_axis(S, idx, np.sin(x[:3]), axis=1)
    return np.sum(S ** 3)


@pytest.mark.parametrize("f", [put_along_rows, put_along_columns_broadcast,
                               put_along_middle_axis])
def test_put_along_axis_differentiates(f):
    expected = f(X)
    check(f, X)
    np.testing.assert_allclose(f(X), expected)   # the caller's array is not written


def test_put_along_axis_without_an_axis_or_into_a_module_array_is_refused():
    def flat(x):
        A = np.outer(x, x) * 1.0
        np.put_along_axis(A, np.array([0, 3]), x[:2], None)
        return np.sum(A)
    _refused(flat, "without an axis")

    def module_level(x):
        np.put_along_axis(MODULE_SQUARE, np.array([[0], [1]]), x[:2, None], axis=1)
        return np.sum(MODULE_SQUARE) * x[1]
    _refused(module_level, "does not own")


def test_put_along_axis_index_is_numpys():
    from srcdiff.runtime_inplace import along_axis_index
    rng = np.random.default_rng(5)
    for shape, axis in [((3, 4), 1), ((3, 4), 0), ((2, 3, 4), 1), ((2, 3, 4), -1), ((5,), 0)]:
        a = rng.normal(size=shape)
        idx = rng.integers(0, shape[axis], size=shape[:axis % len(shape)] + (2,) +
                           shape[axis % len(shape) + 1:])
        want, got = a.copy(), a.copy()
        np.put_along_axis(want, idx, 7.0, axis)
        got[along_axis_index(got, idx, axis)] = 7.0
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(a[along_axis_index(a, idx, axis)],
                                      np.take_along_axis(a, idx, axis))
    with pytest.raises(ValueError):
        along_axis_index(np.ones((2, 2)), np.array([0]), 0)


def _refused(f, match, *args):
    with pytest.raises(srcdiff.SrcdiffError, match=match) as info:
        srcdiff.grad(f)(*(args or (X,)))
    assert info.value.filename == __file__
    return info.value


def test_out_into_an_array_the_function_does_not_own_is_refused():
    def module_level(x):
        np.multiply(x, 2, out=MODULE_ARRAY)
        return np.sum(MODULE_ARRAY * x)
    error = _refused(module_level, "an array this function does not own")
    assert error.lineno == module_level.__code__.co_firstlineno + 1


def test_out_with_where_is_refused_with_what_to_write():
    def masked(x):
        a = x.copy()
        np.add(a, 1.0, out=a, where=x > 1)
        return np.sum(a * x)
    error = _refused(masked, "out= with where=")
    assert "numpy.where" in error.hint


def test_a_view_written_through_out_is_refused_like_its_item_write():
    def view(x):
        a = x.copy()
        b = a[1:]
        np.exp(b, out=b)       # writes into a too, through the view b
        return np.sum(a * x)
    _refused(view, "b is a view into a")


def test_copyto_with_another_casting_is_refused():
    def unsafe(x):
        a = np.zeros(6, dtype=int)
        np.copyto(a, x * 3, casting="unsafe")
        return np.sum(a * x)
    _refused(unsafe, "casting=")


def list_reversed(x):
    xs = [x[0], x[1] * 2.0, x[2]]
    xs.reverse()
    return xs[0] * 3.0 + xs[1] * xs[2]


def numbers_sorted(x):
    xs = [x[0], x[1] * 2.0, x[2], x[3] ** 2]
    xs.sort()
    return xs[0] * 3.0 + xs[1] * xs[2] ** 2 + xs[3]


def arrays_sorted_by_key_reversed(x):
    xs = [x[0:2], x[1:3] * 2.0, x[3:5]]
    xs.sort(key=lambda a: a[0], reverse=True)
    return xs[0][0] * 3.0 + np.sum(xs[1] * xs[2] ** 2)


def arrays_sorted_by_a_function(x):
    xs = [x[0:2], x[1:3] * 2.0]
    r = xs.reverse()    # None, as Python gives
    xs.sort(key=np.sum)
    return np.sum(xs[0] * 2.0 + xs[1] ** 2) + (r is None)


def reordered_in_a_loop(x):
    xs = []
    for i in range(4):
        xs.append(x[i] * (i + 1))
        xs.reverse()
    xs.sort(reverse=True)
    return xs[0] * xs[1] ** 2 + xs[2] - xs[3]


def alias_read_after_reverse(x):
    xs = [x[0], x[1] * 2.0, x[2]]
    ys = xs
    xs.reverse()
    return ys[0] * 3.0 + xs[1] * xs[2]


@pytest.mark.parametrize("f", [list_reversed, numbers_sorted, arrays_sorted_by_key_reversed,
                               arrays_sorted_by_a_function, reordered_in_a_loop,
                               alias_read_after_reverse])
def test_a_lists_reverse_and_sort_differentiate(f):
    check(f, X)


def test_a_reordered_list_another_name_holds_is_refused_when_it_runs():
    def held_in_a_list(x):
        xs = [x[0], x[1]]
        zs = [xs, x[2]]
        xs.sort()
        return zs[0][0] * 2.0 + xs[0] * zs[1]
    _refused(held_in_a_list, "would also change zs")

    def maybe_the_same(x):
        xs = [x[0], x[1]]
        if x[3] > 0:
            ys = xs
        else:
            ys = [x[2], x[2]]
        xs.reverse()
        return ys[0] * 2.0 + xs[0] * ys[1]
    _refused(maybe_the_same, "would also change ys")
    check(maybe_the_same, -X)   # the other branch: ys is a list of its own


def test_a_list_arguments_sort_stays_refused_in_the_run():
    def list_argument(x, xs):
        xs.sort()
        return x[0] * xs[0]
    error = _refused(list_argument, "is not an array here", X, [3.0, 1.0])
    assert "sorted(xs)" in error.hint

    def reversed_argument(x, xs):
        xs.reverse()
        return x[0] * xs[0]
    _refused(reversed_argument, r"\.reverse\(\) changes its object in place", X, [3.0, 1.0])


def test_fill_into_integers_is_refused_where_the_value_has_a_derivative():
    def integers(x):
        a = np.arange(6)
        a.fill(x[0])
        return np.sum(a * x)
    _refused(integers, "holds integers")


# out= writes the result into an array the function made (these were refused until out_writes.py;
# before the refusal both modes gave zeros here)
def sum_into_out_kept(a):
    o = np.zeros(a.shape[1])
    s = np.sum(a, axis=0, out=o)
    return np.sum(o ** 2) + 0.0 * np.sum(s)


def clip_into_out(a):
    o = np.zeros(a.shape[1])
    np.clip(a[0], 1.5, 4.0, out=o)
    return np.sum(o ** 2)


def dot_into_out(a):
    o = np.zeros((a.shape[1], a.shape[1]))
    p = np.dot(a.T, a, out=o)
    return np.sum(o ** 2) + np.sum(p)


def ufunc_positional_out(a):
    o = a[0] * 1.0
    np.multiply(a[1], 2.0, o)
    return np.sum(o ** 2)


def constant_written_into_active_out(a):
    o = a[0] * 1.0
    c = np.ones_like(o)
    q = np.negative(c, out=o)
    return np.sum(o ** 2) + np.sum(q)


def method_out(a):
    o = np.zeros(a.shape[1])
    s = a.sum(axis=0, out=o)
    return np.sum(o ** 2) + np.sum(s)


XM = np.arange(1.0, 7.0).reshape(2, 3)
OUT_CASES = [sum_into_out_kept, clip_into_out, dot_into_out, ufunc_positional_out,
             constant_written_into_active_out, method_out]


@pytest.mark.parametrize("f", OUT_CASES, ids=[f.__name__ for f in OUT_CASES])
def test_out_into_an_array_the_function_made_differentiates(f):
    check(f, XM)


# -- hunt19 (for alias19, who owns out_writes.py) --------------------------------------------
def fill_diagonal_cycling_a_short_value(x):
    K = np.outer(x[:3], x[3:]) * 1.0
    np.fill_diagonal(K, x[:2])   # NumPy repeats [x0, x1] along the 3 diagonal items
    return np.sum(K * K)


def fill_diagonal_cutting_a_matrix_value(x):
    A = np.zeros((3, 4)) + x[0]
    np.fill_diagonal(A, np.outer(x[1:3], x[3:5]))   # its 4 flat items cut to the 3 diagonal ones
    return np.sum(np.sin(A) * x[5])


def fill_diagonal_from_a_name(x):
    K = np.outer(x[:3], x[:3])
    s = x[4] * 2.0
    np.fill_diagonal(K, s)
    return np.sum(K ** 2)


def test_fill_diagonal_with_a_value_shorter_than_the_diagonal():
    """(hunt19: an unlocated ValueError) A val that is not a number is numpy.put(K,
    diagonal_positions(K), val): its flat items repeat or are cut along the diagonal."""
    check(fill_diagonal_cycling_a_short_value, X)
    check(fill_diagonal_cutting_a_matrix_value, X)
    check(fill_diagonal_from_a_name, X)


def fill_diagonal_of_a_cube_with_unequal_sides(x):
    A = np.zeros((2, 3, 3)) + x[0]
    np.fill_diagonal(A, x[1])
    return np.sum(A)


def test_fill_diagonal_raises_numpys_error_on_unequal_sides():
    """NumPy refuses a 3-d array whose sides differ; the derivative raises the same error
    instead of writing a diagonal the function itself never writes."""
    with pytest.raises(ValueError, match="equal length"):
        fill_diagonal_of_a_cube_with_unequal_sides(X)
    with pytest.raises(ValueError, match="equal length"):
        srcdiff.grad(fill_diagonal_of_a_cube_with_unequal_sides)(X)


# -- hunt27: numpy.copyto into a part of a local array taken by slices alone (a view of it)
# is the write `a[1:3] = v`; was refused, "writes into an array this function does not own"
def copyto_a_slice(x):
    y = np.zeros(4)
    np.copyto(y[1:3], x[1:] ** 2)
    return np.sum(y ** 2 * np.arange(1.0, 5.0)) + y[0]


def copyto_strided_parts_where(x):
    A = np.outer(x, x)
    np.copyto(A[:, 1:], np.sin(x[:2]))
    np.copyto(A[::2, ...], A[1] * 2.0, where=x > 0)
    return np.sum(A ** 2 * np.arange(9.0).reshape(3, 3))


@pytest.mark.parametrize("f", [copyto_a_slice, copyto_strided_parts_where])
def test_copyto_into_a_slice_of_a_local_array_writes_it(f):
    check(f, np.array([0.4, -0.7, 1.1]), order=2)


def test_copyto_into_a_copy_taken_by_an_index_array_stays_refused():
    def picked(x):
        A = np.outer(x, x)
        np.copyto(A[[0, 1]], 5.0)   # writes into a copy: A unchanged
        return np.sum(A ** 2)
    _refused(picked, "does not own")
