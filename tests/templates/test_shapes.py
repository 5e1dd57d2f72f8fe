"""Every rule in templates/shapes.py against central differences."""
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
