"""Every rule in templates/shapes.py against central differences."""
import os

import numpy as np
import pytest

import srcdiff
from gradcheck import check

rng = np.random.default_rng(2)


def _x(*shape):
    return rng.normal(size=shape)


def _w(shape):
    """Distinct weights, so a gradient landing on the wrong element is caught."""
    return np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape)


W6 = _w((6,))
W23 = _w((2, 3))
W32 = _w((3, 2))
W234 = _w((2, 3, 4))


def test_reshape():
    x = _x(2, 3)
    check(lambda x: np.sum(np.reshape(x, (3, 2)) * W32), x)
    check(lambda x: np.sum(np.reshape(x, -1) * W6), x)
    check(lambda x: np.sum(np.reshape(x, (3, 2), order="F") * W32), x)
    check(lambda x: np.sum(x.reshape(3, 2) * W32), x)
    check(lambda x: np.sum(x.reshape((6,)) * W6), x)


def test_ravel_flatten():
    x = _x(2, 3)
    check(lambda x: np.sum(np.ravel(x) * W6), x)
    check(lambda x: np.sum(np.ravel(x, order="F") * W6), x)
    check(lambda x: np.sum(x.ravel() * W6), x)
    check(lambda x: np.sum(x.flatten() * W6), x)


def test_transpose():
    x = _x(2, 3, 4)
    wt = _w((4, 3, 2))
    check(lambda x: np.sum(np.transpose(x) * wt), x)
    check(lambda x: np.sum(x.T * wt), x)
    w = _w((3, 4, 2))
    check(lambda x: np.sum(np.transpose(x, (1, 2, 0)) * w), x)
    check(lambda x: np.sum(np.transpose(x, (-2, -1, 0)) * w), x)
    check(lambda x: np.sum(x.transpose(1, 2, 0) * w), x)


@pytest.mark.skipif(not hasattr(np, "matrix_transpose"), reason="NumPy 2 only")
def test_matrix_transpose():
    x = _x(2, 3, 4)
    w = _w((2, 4, 3))
    check(lambda x: np.sum(np.matrix_transpose(x) * w), x)
    check(lambda x: np.sum(x.mT * w), x)


def test_swapaxes_moveaxis():
    x = _x(2, 3, 4)
    check(lambda x: np.sum(np.swapaxes(x, 0, 2) * _w((4, 3, 2))), x)
    check(lambda x: np.sum(x.swapaxes(-1, 1) * _w((2, 4, 3))), x)
    check(lambda x: np.sum(np.moveaxis(x, 0, -1) * _w((3, 4, 2))), x)
    check(lambda x: np.sum(np.moveaxis(x, (0, 1), (2, 0)) * _w((3, 4, 2))), x)


def test_squeeze_expand_dims_atleast():
    x = _x(2, 1, 3)
    check(lambda x: np.sum(np.squeeze(x) * W23), x)
    check(lambda x: np.sum(np.squeeze(x, axis=1) * W23), x)
    check(lambda x: np.sum(x.squeeze() * W23), x)
    y = _x(2, 3)
    check(lambda y: np.sum(np.expand_dims(y, 1) * _w((2, 1, 3))), y)
    check(lambda y: np.sum(np.expand_dims(y, (0, -1)) * _w((1, 2, 3, 1))), y)
    check(lambda y: np.sum(np.atleast_3d(y) * _w((2, 3, 1))), y)
    check(lambda v: np.sum(np.atleast_2d(v) * _w((1, 3))), _x(3))
    v = 0.7
    check(lambda v: np.sum(np.atleast_1d(v) * 3.0), v)


def test_flip_broadcast_to():
    x = _x(2, 3)
    check(lambda x: np.sum(np.flip(x) * W23), x)
    check(lambda x: np.sum(np.flip(x, axis=1) * W23), x)
    v = _x(3)
    check(lambda v: np.sum(np.broadcast_to(v, (2, 3)) * W23), v)
    check(lambda c: np.sum(np.broadcast_to(c, (2, 3)) * W23), 0.5)


def test_copy_and_array():
    x = _x(2, 3)
    check(lambda x: np.sum(np.copy(x) * W23), x)
    check(lambda x: np.sum(x.copy() * W23), x)
    check(lambda x: np.sum(np.array(x) * W23), x)
    check(lambda x: np.sum(np.asarray(x) * W23), x)


def test_array_from_list_of_values():
    a, b = _x(3), _x(3)
    check(lambda a, b: np.sum(np.array([a, b]) * W23), a, b, wrt=(0, 1))
    check(lambda s, t: np.sum(np.array([s, t, s * t]) * np.arange(1.0, 4.0)), 0.3, -1.2,
          wrt=(0, 1))


def test_array_of_an_integer_dtype_carries_no_derivative():
    """np.array(v, dtype=int) (and asarray) truncates: its result is piecewise constant, as
    astype(int)'s is; the rule passed the derivative through (found by issue #13's
    np.vectorize, whose result takes its first item's dtype)."""
    x = np.array([-0.5, 0.7, 1.2])
    for f in (lambda x: np.sum(np.array([v * v for v in x], dtype=int) * x),
              lambda x: np.sum(np.asarray(x * x, dtype=int) * x)):
        np.testing.assert_array_equal(srcdiff.grad(f)(x), np.array(x * x, dtype=int))
        np.testing.assert_array_equal(srcdiff.jvp(f)(x, np.ones(3))[1],
                                      np.sum(np.array(x * x, dtype=int)))
    check(lambda x: np.sum(np.array(x * x, dtype=np.float64) * x), x)
    # an object array's items keep their derivatives (cast_grad zeroes int and bool only)
    # (reverse mode: the tangent of a ragged object array is not made in forward mode yet)
    check(lambda x: np.sum(np.array([x[:2], x], dtype=object)[1] ** 2) + np.sum(x[:2]), x,
          modes=("rev",), order=1)


# (fixed by the lead: reverse_calls/forward_calls settle a dtype= that may be integer with
# cast_grad, refusals.casts_to_integers; tests/test_refusals.py gradchecks the same shapes)
@pytest.mark.parametrize("f", [
    lambda x: np.sum(x * 3.0, dtype=int) * 1.0,
    lambda x: np.sum(np.cumsum(x * 3.0, dtype=int)) * 1.0,
    lambda x: np.trace(np.diag(x * 3.0), dtype=int) * 1.0,
    lambda x: np.sum(np.full(3, x[2] * 2.0, dtype=int)) * 1.0,
    lambda x: np.sum(np.full_like(x, x[2] * 2.0, dtype=int)) * 1.0,
], ids=["sum", "cumsum", "trace", "full", "full_like"])
def test_an_integer_dtype_keyword_carries_no_derivative(f):
    x = np.array([-0.5, 0.7, 1.2])
    np.testing.assert_array_equal(srcdiff.grad(f)(x), np.zeros(3))


def test_astype():
    x = _x(2, 3)
    check(lambda x: np.sum(np.astype(x, np.float64) * W23), x)
    check(lambda x: np.sum(np.sin(x.astype(np.float64)) * W23), x)
    g = srcdiff.grad(lambda x: np.sum(x.astype(np.float32) * W23))(x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, W23)
    g = srcdiff.grad(lambda x: np.sum(x.astype(int) * W23) + np.sum(x))(x)
    np.testing.assert_array_equal(g, np.ones((2, 3)))
    f32 = x.astype(np.float32)
    g = srcdiff.grad(lambda x: np.sum(x.astype(np.float64) * W23))(f32)
    assert g.dtype == np.float32


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_concatenate(axis):
    a = _x(2, 3)
    b = _x(2, 3) if axis is None else _x(*((1, 3) if axis == 0 else (2, 2)))
    w = _w(np.shape(np.concatenate([a, b], axis=axis)))
    check(lambda a, b: np.sum(np.concatenate([a, b], axis=axis) * w), a, b, wrt=(0, 1))


def test_concatenate_same_array_twice_and_tuple():
    a = _x(3)
    check(lambda a: np.sum(np.concatenate([a, a * 2.0]) * W6), a)
    check(lambda a, b: np.sum(np.concatenate((a, b)) * W6), a, _x(3), wrt=(0, 1))


def test_concatenate_list_argument():
    xs = [_x(2), _x(3), _x(1)]
    check(lambda xs: np.sum(np.concatenate(xs) * W6), xs)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_stack(axis):
    a, b = _x(2, 3), _x(2, 3)
    w = _w(np.shape(np.stack([a, b], axis=axis)))
    check(lambda a, b: np.sum(np.stack([a, b], axis=axis) * w), a, b, wrt=(0, 1))


def test_stack_floats():
    check(lambda s, t: np.sum(np.stack([s, t]) * np.array([2.0, 3.0])), 0.3, 0.4,
          wrt=(0, 1))


def test_hstack_vstack():
    a, b = _x(2), _x(4)
    check(lambda a, b: np.sum(np.hstack([a, b]) * W6), a, b, wrt=(0, 1))
    m, n = _x(2, 1), _x(2, 2)
    check(lambda m, n: np.sum(np.hstack([m, n]) * W6.reshape(2, 3)), m, n, wrt=(0, 1))
    check(lambda a, b: np.sum(np.vstack([a, b]) * W6.reshape(2, 3)), _x(3), _x(3),
          wrt=(0, 1))
    check(lambda m, v: np.sum(np.vstack([m, v]) * W6.reshape(3, 2)), _x(2, 2), _x(2),
          wrt=(0, 1))


@pytest.mark.parametrize("offset", [0, 1, -1, 2])
def test_diagonal_trace(offset):
    x = _x(3, 4)
    w = _w(np.shape(np.diagonal(x, offset)))
    check(lambda x: np.sum(np.diagonal(x, offset) * w), x)
    check(lambda x: np.sum(x.diagonal(offset) * w), x)
    check(lambda x: np.trace(x, offset) * 3.0, x)
    check(lambda x: x.trace(offset=offset) * 3.0, x)


def test_diagonal_trace_other_axes():
    x = _x(3, 2, 4)
    w = _w(np.shape(np.diagonal(x, 1, 0, 2)))
    check(lambda x: np.sum(np.diagonal(x, 1, 0, 2) * w), x)
    check(lambda x: np.sum(np.trace(x, 0, 2, 0) * np.arange(2.0)), x)


def test_take():
    x = _x(3, 4)
    idx = np.array([2, 0, 2])
    check(lambda x: np.sum(np.take(x, idx) * np.arange(3.0)), x)
    check(lambda x: np.sum(np.take(x, idx, axis=0) * _w((3, 4))), x)
    check(lambda x: np.sum(x.take(np.array([[1, 3], [3, 3]]), axis=1) * _w((3, 2, 2))), x)
    check(lambda x: np.sum(np.take(x, np.array([5, -1]), axis=1, mode="wrap")
                                * _w((3, 2))), x)
    check(lambda x: np.take(x, 1, axis=1)[0] * 2.0, x)
    check(lambda x: np.sum(np.take(x, [-1, 13, 0], mode="wrap") ** 2), x)  # a list
    check(lambda x: np.sum(np.take(x, [-1, 13, 0], mode="clip") ** 2), x)


def test_numpy_scalar_types_are_casts():
    """numpy.float64(x) and its siblings: x cast to that type (reverse, forward, second
    order; float32 and float16 only where a float64 step follows, since central
    differences cannot see below their rounding)."""
    x = np.array([0.3, 0.7, 1.1])
    check(lambda x: np.float64(x[0]) * x[1] + np.float64(np.sum(x ** 2)), x)
    check(lambda x: np.sum(np.float64(np.sin(x)) * x), x)
    check(lambda x: np.abs(np.complex128(x[0]) * (1.0 + 2.0j)) * x[1], x)
    check(lambda s: np.float64(s) * s + np.float64(0.5) * s, 0.7)       # a Python float
    g = srcdiff.grad(lambda x: np.sum(np.float32(x).astype(np.float64) * 2.0))(x)
    np.testing.assert_allclose(g, 2.0 * np.ones(3))
    assert g.dtype == np.float64


@pytest.mark.parametrize("cast", [np.float32, np.float16, np.longdouble, np.complex64,
                                  np.clongdouble], ids=lambda c: c.__name__)
@pytest.mark.parametrize("modes", [("rev",), ("fwd",)])
def test_lower_precision_scalar_types_are_casts(cast, modes):
    """At values and steps each type holds exactly (eps 0.25 on quarters) central
    differences can see through a float16 cast too; each mode alone, since a random tangent
    or cotangent is rounded to the type on the way."""
    x = np.array([0.5, 0.25, 1.5])
    check(lambda x: np.sum(np.real(cast(x)) * 2.0), x, modes=modes, eps=0.25, rtol=1e-2,
          atol=1e-2)


def test_take_along_axis():
    x = _x(3, 4)
    order = np.argsort(np.array([[3.0, 1.0, 2.0, 0.0], [0.5, 2.0, 1.0, 3.0],
                                 [1.0, 0.0, 3.0, 2.0]]), axis=1)
    check(lambda x: np.sum(np.take_along_axis(x, order, axis=1) * _w((3, 4))), x)
    check(lambda x: np.sum(np.take_along_axis(x, order[:, :2], 1) ** 2), x)   # a prefix
    repeated = np.array([[0, 0, 2], [1, 1, 1], [3, 0, 3]])          # indices read twice
    check(lambda x: np.sum(np.take_along_axis(x, repeated, axis=-1) * _w((3, 3))), x)
    check(lambda x: np.sum(np.take_along_axis(x, np.array([[2, 0, 1, 1]]), axis=0) ** 3), x)
    check(lambda x: np.sum(np.take_along_axis(x, np.array([5, 0, 11, 5]), None) ** 2), x)
    column = _x(3, 1)          # an axis of length 1 the indices broadcast: its reads add up
    check(lambda c: np.sum(np.take_along_axis(c, np.zeros((3, 4), dtype=int), 1) ** 2), column)


def _added(a, idx, v):
    a = a * 1.5
    np.add.at(a, idx, v)
    return a


def _subtracted(a, idx, v):
    a = a * 1.5
    np.subtract.at(a, idx, v)
    return a


def test_add_at_and_subtract_at():
    """numpy.add.at / numpy.subtract.at (lowered to scattered_add: scatter_calls.py): repeated
    indices, a scalar value, pairs of index arrays, rows of a matrix."""
    x, v = _x(3, 4), _x(5)
    for scatter in (_added, _subtracted):
        check(lambda x, v: np.sum(scatter(x, (np.array([0, 2, 0, 0, 1]),
                                              np.array([1, 1, 1, 3, 0])), v) ** 2),
              x, v, wrt=(0, 1))
        check(lambda x, v: np.sum(scatter(x, [2, 2, 0], v[:4] * v[0]) * _w((3, 4))),
              x, v, wrt=(0, 1))
        check(lambda x, v: np.sum(np.sin(scatter(x[0], [1, 1, 1], v[0]))), x, v, wrt=(0, 1))


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_repeat(axis):
    x = _x(2, 3)
    w = _w(np.shape(np.repeat(x, 2, axis=axis)))
    check(lambda x: np.sum(np.repeat(x, 2, axis=axis) * w), x)
    check(lambda x: np.sum(x.repeat(3) * np.arange(18.0)), x)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_repeat_with_a_count_per_item(axis):
    x = _x(2, 3)
    counts = {None: [1, 0, 2, 3, 1, 2], 0: [1, 3], 1: np.array([2, 0, 1])}[axis]
    w = _w(np.shape(np.repeat(x, counts, axis=axis)))
    check(lambda x: np.sum(np.repeat(x, counts, axis=axis) ** 2 * w), x)
    check(lambda x: np.sum(np.repeat(x, counts, axis=axis) ** 2 * w), x)


def test_full():
    check(lambda c: np.sum(np.full((2, 3), c) * W23), 0.5)
    check(lambda c: np.sum(np.full((2, 3), c) * W23), _x(3))
    x = _x(2, 3)
    check(lambda c: np.sum(np.full_like(x, c) * W23), 0.5)


def test_real_view_of_values():
    x = _x(2, 3)
    check(lambda x: np.sum(x.real * W23), x)


# -- numpy.repeat with no copies and empty inputs (issue 12, item 13) --------------------
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("repeats", [0, [0, 0], [0, 2], np.array([3, 0])])
def test_repeat_with_zero_copies(axis, repeats):
    from gradcheck import check
    x = _x(2, 2)
    if np.ndim(repeats) and axis is None:
        repeats = np.repeat(repeats, 2)
    w = np.arange(1.0, 1.0 + np.size(np.repeat(x, repeats, axis=axis)))
    w = w.reshape(np.shape(np.repeat(x, repeats, axis=axis)))
    check(lambda x: np.sum(np.repeat(x, repeats, axis=axis) ** 2 * w) + np.sum(x ** 3), x)


@pytest.mark.parametrize("shape,axis", [((0, 2), 0), ((0, 2), 1), ((2, 0), None), ((0,), 0)])
def test_repeat_of_an_empty_array(shape, axis):
    x = np.ones(shape)
    for repeats in (0, 2):
        g = srcdiff.grad(lambda x: np.sum(np.repeat(x, repeats, axis=axis)) + 1.0)(x)
        assert g.shape == x.shape
        _, t = srcdiff.jvp(lambda x: np.sum(np.repeat(x, repeats, axis=axis)) + 1.0)(x, x)
        assert t == 0.0


# -- numpy.r_ and numpy.c_ are concatenations (issue 12, item 9) --------------------------
def _weighted(build):
    """sum(build(x) ** 2 * w) with distinct weights shaped like build's result."""
    def f(x):
        out = build(x)
        return np.sum(out ** 2 * _w(np.shape(out)))
    return f


R_C_CASES = {
    "r_ twice": lambda x: np.r_[x, x],
    "r_ with constants and a range": lambda x: np.r_[x, 1.5, 0:3, x * 2.0],
    "r_ of a nested list": lambda x: np.r_[[x[0], 1.0], x],
    "r_ of matrices": lambda x: np.r_[np.outer(x, x), np.outer(x, x) * 0.5],
    "r_ along axis 1": lambda x: np.r_["1", np.outer(x, x), np.outer(x, x)[:, :2]],
    "r_ ndmin 2": lambda x: np.r_["0,2", x, x * x],
    "r_ ndmin 2 trans1d 0": lambda x: np.r_["1,2,0", x, x * x],
    "r_ single": lambda x: np.r_[x],
    "c_ of vectors": lambda x: np.c_[x, x * x, np.ones(3)],
    "c_ of matrices": lambda x: np.c_[np.outer(x, x), x[:, None]],
    "c_ single": lambda x: np.c_[x],
}


@pytest.mark.parametrize("build", list(R_C_CASES.values()), ids=list(R_C_CASES))
def test_r_and_c_concatenate(build):
    from gradcheck import check
    check(_weighted(build), _x(3))


def test_r_of_float_scalars():
    from gradcheck import check
    check(lambda a: np.sum(np.r_[a, 2.0 * a, 3.0] * np.array([1.0, 2.0, 3.0])) * a, 0.7)
    assert srcdiff.grad(lambda x: np.sum(np.r_[x, x]))(np.array([1.0])) == pytest.approx(2.0)
    np.testing.assert_array_equal(srcdiff.grad(lambda x: np.sum(np.r_[x, x]))(np.ones(2)),
                                  [2.0, 2.0])
    assert srcdiff.jvp(lambda x: np.sum(np.c_[x, x]))(np.ones(2), np.ones(2))[1] == 4.0


def test_r_with_ranges_only_is_a_constant():
    from gradcheck import check
    check(lambda x: np.sum(np.r_[0:3, 5] * x), _x(4))
    check(lambda x: np.sum(np.r_[0.0:1.0:4j] * x), _x(4))


def r_with_a_float_range(x):
    return np.sum(np.r_[x, 0.0:1.0:3j, 2.5:4.0:0.5] ** 2 * np.arange(1.0, 9.0))


def r_with_a_differentiated_bound(x):
    return np.sum(np.r_[0.0:x[0]:3j])


def mgrid_with_a_differentiated_bound(x):
    return np.sum(np.mgrid[0.0:1.0:3j, 0:x[0]:0.5])


def ogrid_of_constants(x):
    rows, cols = np.ogrid[0:2, 0.0:1.0:3j]
    return np.sum(x * rows + np.sin(x) * cols + np.mgrid[0:2, 0:3][0] * x)


def test_r_with_float_ranges_and_a_differentiated_item():
    from gradcheck import check
    check(r_with_a_float_range, _x(2))


@pytest.mark.parametrize("f", [r_with_a_differentiated_bound,
                               mgrid_with_a_differentiated_bound])
def test_ranges_with_a_differentiated_bound_are_refused(f):
    """np.r_[0.0:x:3j] (and mgrid/ogrid) moves its values with x: refused, located (it was a
    silent zero)."""
    with pytest.raises(srcdiff.errors.NoRuleError, match="linspace") as info:
        srcdiff.grad(f)(np.array([2.0, 1.0]))
    assert "test_shapes.py" in str(info.value)


def test_mgrid_and_ogrid_of_constants():
    from gradcheck import check
    check(ogrid_of_constants, _x(2, 3))


def r_matrix(x):
    return np.sum(np.r_["r", x, x])  # refused


def c_matrix(x):
    return np.sum(np.c_["c", x, x * 2.0])  # refused


@pytest.mark.parametrize("mode", ["grad", "jvp", "hvp"])
@pytest.mark.parametrize("f", [r_matrix, c_matrix])
def test_r_matrix_directive_is_refused_at_the_users_line(f, mode):
    with pytest.raises(srcdiff.UnsupportedCodeError, match="matrix directive") as info:
        if mode == "grad":
            srcdiff.grad(f)(_x(2))
        elif mode == "jvp":
            srcdiff.jvp(f)(_x(2), _x(2))
        else:
            srcdiff.hvp(f)(_x(2), _x(2))
    err = info.value
    assert os.path.samefile(err.filename, __file__)
    assert err.line.strip().endswith("# refused") and "numpy.concatenate" in err.hint


def repeat_of_a_float(x):
    return np.sum(np.sin(np.repeat(x, 2, axis=0)) * np.arange(1.0, 3.0))


def test_repeat_of_a_0d_value_along_axis_0():
    """numpy.repeat(0-d, n, axis=0) repeats it as a 1-d array: repeat_grad took axis % 0."""
    from gradcheck import check
    check(repeat_of_a_float, 0.4)
    check(repeat_of_a_float, np.array(0.4))


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_compress(axis):
    a = _x(3, 4)
    cond = np.array([True, False, True])
    w = np.arange(1.0, 1.0 + np.compress(cond, a, axis=axis).size).reshape(
        np.compress(cond, a, axis=axis).shape)
    check(lambda a: np.sum(np.compress(cond, a, axis=axis) * w), a)
    check(lambda a: np.sum(np.compress([0, 1, 1, 0], a, axis=1) ** 2), a)
    check(lambda a: np.sum(a.compress(cond, axis=axis) * w), a)
    check(lambda a: np.sum(a.compress(cond, axis) * w), a)


def test_compress_out_into_a_local_array_is_the_write_it_makes():
    def f(a):
        o = np.zeros(2)
        np.compress([True, True], a, out=o)
        return np.sum(o ** 2)
    check(f, _x(3))   # o[...] = numpy.compress(...) (srcdiff/out_writes.py)


@pytest.mark.skipif(not hasattr(np, "row_stack"), reason="NumPy without row_stack")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_row_stack():
    a, b = _x(3), _x(2, 3)
    w = np.arange(1.0, 10.0).reshape(3, 3)
    check(lambda a, b: np.sum(np.row_stack([a, b]) * w), a, b, wrt=(0, 1))
