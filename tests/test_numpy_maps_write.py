"""srcdiff/numpy_maps_write.py: the loops NumPy's maps mean, as written. Each writer's shape
checked against central differences in both modes and to second order (gradcheck.check):
apply_along_axis of a 3-D array along the middle axis giving a matrix per slice, piecewise of
a 0-d value and with extra arguments, apply_over_axes of an axis a function keeps, vectorize
of three broadcast arguments; and the located refusals of what the writers do not follow."""
import numpy as np
import pytest

import srcdiff

from gradcheck import check, refusal

A = np.arange(1.0, 13.0).reshape(2, 3, 2) / 7.0
X = np.array([0.3, -0.7, 1.1, 0.45])


def outer_per_slice(a):
    y = np.apply_along_axis(lambda r: np.outer(r, r[::-1]), 1, a)   # (2, 3, 3, 2)
    return np.sum(np.tanh(y) * np.arange(y.size).reshape(y.shape) / 10.0)


def piecewise_of_a_scalar(x):
    v = np.piecewise(x[0], [x[0] > 0.0], [lambda t: np.sin(t) * 2.0, lambda t: t ** 3])
    return v * x[1]


def piecewise_with_extra_arguments(x):
    y = np.piecewise(x, [x < 0.0, x > 1.0], [lambda t, s, k: t * s, lambda t, s, k: t ** k],
                     x[0], k=3.0)
    return np.sum(y * y)


def doubled_in_place(t):
    t *= 2.0   # t is x[cond], a copy: srcdiff's own check of helpers' writes stops it
    return np.sin(t)


def piecewise_function_writing_its_copy(x):
    y = np.piecewise(x, [x < 0.5], [doubled_in_place, lambda t: t * x[0]])
    return np.sum(y * x)


def over_an_axis_kept(a):
    return np.sum(np.apply_over_axes(lambda v, ax: np.cumsum(v, axis=ax), a * a, 1) ** 2)


def vectorize_three_arguments(x):
    col = x[:, None]
    return np.sum(np.vectorize(lambda a, b, c: a * b + np.sin(c))(col, x, 0.5))


@pytest.mark.parametrize("f, arg", [(outer_per_slice, A), (piecewise_of_a_scalar, X),
                                    (piecewise_with_extra_arguments, X),
                                    (over_an_axis_kept, A), (vectorize_three_arguments, X)],
                         ids=lambda v: getattr(v, "__name__", ""))
def test_each_writer_differentiates(f, arg):
    check(f, arg)


def piecewise_conditions_not_shaped_like_x(x):
    return np.sum(np.piecewise(x, [x[0] > 0.0, x[1] > 0.0], [np.sin, np.cos]))


def test_piecewise_conditions_of_another_shape_stop_the_run():
    """NumPy reads a list of scalar conditions as one condition over x's items (its
    undocumented case): the written steps stop there rather than guess."""
    with pytest.raises(ValueError, match="conditions each shaped like x"):
        srcdiff.grad(piecewise_conditions_not_shaped_like_x)(X[:2])


def piecewise_lists_in_names(x):
    conds = [x < 0.0, x >= 0.0]
    return np.sum(np.piecewise(x, conds, [np.sin, np.cos]))


def over_computed_axes(a):
    axes = [0, 1]
    return np.sum(np.apply_over_axes(np.sum, a, axes))


def vectorize_two_outputs(x):
    return np.sum(np.vectorize(lambda v: v * 2.0, otypes=[float, float])(x))


def summed_in_place(v, axis):
    v[...] = v * 2.0
    return np.sum(v, axis=axis)


def over_axes_writing_the_array(a):
    return np.sum(np.apply_over_axes(summed_in_place, a * 1.0, [0]))


def frompyfunc_two_outputs(x):
    return np.sum(np.frompyfunc(lambda v: (v, v * 2.0), 1, 2)(x)[0].astype(float))


def along_axis_writing_out(a):
    def g(r):
        np.multiply(r, 2.0, out=r)
        return r
    return np.sum(np.apply_along_axis(g, 0, a))


def zero_first(r):
    r[0] = 0.0
    return r


def sum_after_zeroing(r):
    return np.sum(zero_first(r))


def along_axis_a_helper_writes(a):
    return np.sum(np.apply_along_axis(sum_after_zeroing, 0, a))


def along_axis_a_lambdas_helper_writes(a):
    return np.sum(np.apply_along_axis(lambda r: np.sum(zero_first(r)), 1, a))


@pytest.mark.parametrize("f, arg, words", [
    (piecewise_lists_in_names, X, "written as lists"),
    (over_computed_axes, A, "constant axes"),
    (vectorize_two_outputs, X, "one output type"),
    (frompyfunc_two_outputs, X, "np.frompyfunc(g, nin, 1) of one output"),
    (over_axes_writing_the_array, A, "writes into its argument 'v'"),
    (piecewise_function_writing_its_copy, X, "updates its argument 't' in place"),
    (along_axis_writing_out, A, "writes into its argument 'r'"),
    (along_axis_a_helper_writes, A, "writes into its argument 'r'"),
    (along_axis_a_lambdas_helper_writes, A, "writes into its argument 'r'"),
])
def test_refused_where_the_writers_do_not_follow(f, arg, words):
    err = refusal(f, (arg,), "grad")
    assert words in str(err), str(err)


def vectorized_float32(x):
    y = np.vectorize(lambda v: v * v)(x)
    return np.sum(y) * y.dtype.itemsize


def test_vectorize_gives_the_dtype_numpy_gives():
    """Without otypes the result's dtype is g's on the first items as NumPy scalars (float32
    here: itemsize 4), as vectorize finds it; the items themselves are mapped as Python
    numbers."""
    x = X.astype(np.float32)
    value, _ = srcdiff.value_and_grad(vectorized_float32)(x)
    assert value == vectorized_float32(x)
    check(vectorized_float32, X)
