"""srcdiff/flat_writes.py: numpy.put / putmask / place (values repeated by flat position, not
broadcast), a.put, a.partition and a.resize, lowered as the item write or the new array they
are; a resize of an array something else may refer to is refused, located. Every derivative
is checked against finite differences (gradcheck.check: both modes, and second order)."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7])
W = np.arange(1.0, 7.0).reshape(2, 3)
MASK = np.array([[True, False, True], [True, True, False]])


def put_repeats_and_wraps(x):
    a = np.zeros((2, 3))
    np.put(a, [0, 4, -1, 4, 2], x[:3])   # 4 twice: the last write stays; x repeats
    return np.sum(np.sin(a) * W)


def put_modes(x):
    a = x.reshape(2, 3) * 1.0
    np.put(a, [7, -8], x[:2] ** 2, mode="wrap")
    np.put(a, [9, -3], x[2:4], mode="clip")
    return np.sum(a ** 3 * W)


def putmask_column(x):
    """A (2, 1) v: putmask takes v.flat[n % 2] at flat position n, where broadcasting
    (numpy.where(mask, v, a)) would take v[i] on row i."""
    a = x.reshape(2, 3) * 1.0
    np.putmask(a, MASK, x[:2].reshape(2, 1) * 3.0)
    return np.sum(np.sin(a) * W)


def putmask_short(x):
    """A v of 4 items for 6: numpy.where cannot broadcast it at all."""
    a = x.reshape(2, 3) * 1.0
    np.putmask(a, MASK, x[2:] ** 2)
    return np.sum(np.sin(a) * W)


def place_in_order(x):
    a = x.reshape(2, 3) * 1.0
    np.place(a, MASK, x[:2])   # the i-th masked item takes x[i % 2]
    return np.sum(np.sin(a) * W)


def put_method(x):
    a = x[:5] * 2.0
    a.put([1, 3], x[2] * x[3])
    return np.sum(a ** 2 * np.arange(5.0))


def dropped_effect(x):
    """test_refusals.py had it refused ("the result of numpy.put is dropped")."""
    y = x * 1.0
    np.put(y, [0], 3.0)
    return np.sum(y * x)


def partition_in_place(x):
    """readme_claims had it refused (partitions_in_place)."""
    y = x * 1.0
    y.partition(1)
    return np.sum(y[:2] ** 2) + y[4] * y[5]


def partition_axis(x):
    a = x.reshape(2, 3) * 1.0
    a.partition(1, axis=0)
    return np.sum(a * W)


def resize_grow_shrink(x):
    a = np.zeros(4)
    a[:] = x[:4]
    a.resize(7)
    a.resize((2, 3))
    return np.sum(np.sin(a) * W)


def resize_shrink(x):
    a = x * 2.0
    a.resize(2, 2, refcheck=False)
    return np.sum(a ** 3 * W[:, :2])


@pytest.mark.parametrize("f", [put_repeats_and_wraps, put_modes, putmask_column, putmask_short,
                               place_in_order, put_method, dropped_effect, partition_in_place,
                               partition_axis, resize_grow_shrink, resize_shrink])
def test_writes_by_flat_position_reorders_and_resizes_differentiate(f):
    check(f, X)


def test_putmask_repeats_by_flat_position_where_broadcasting_differs():
    """The shapes where numpy.where(mask, v, a) would give another value (or none)."""
    a = X.reshape(2, 3) * 1.0
    np.putmask(a, MASK, X[:2].reshape(2, 1) * 3.0)
    assert not np.allclose(a, np.where(MASK, X[:2].reshape(2, 1) * 3.0, X.reshape(2, 3)))
    assert np.allclose(putmask_column(X), np.sum(np.sin(a) * W))
    check(putmask_column, X)   # the derivative of what putmask wrote


def _shared_resizes():
    def param(x):
        x.resize(3)
        return np.sum(x)

    def alias(x):
        a = np.zeros(3)
        b = a
        a.resize(5)
        return np.sum(b * x[0])

    def helper_keeps(x):
        a = x * 1.0
        _keep(a)
        a.resize(2)
        return np.sum(a)

    def a_view(x):
        a = x[:4]
        a.resize(2)
        return np.sum(a)
    return [param, alias, helper_keeps, a_view]


_KEPT = []


def _keep(a):
    _KEPT.append(a)


@pytest.mark.parametrize("f", _shared_resizes(), ids=lambda f: f.__name__)
def test_a_resize_of_an_array_something_else_may_refer_to_is_refused(f):
    with pytest.raises(srcdiff.UnsupportedCodeError, match="resizes the array in place") as info:
        srcdiff.grad(f)(X.copy())
    assert "test_flat_writes.py" in str(info.value) and "numpy.zeros(n - " in info.value.hint


def test_a_write_into_an_array_the_function_does_not_own_is_refused():
    def f(x):
        np.put(W, [0], x[0])
        return np.sum(x)
    with pytest.raises(srcdiff.UnsupportedCodeError, match="numpy.put writes into an array"):
        srcdiff.grad(f)(X)


def test_a_float_put_into_an_integer_array_is_refused_in_the_run():
    def f(x):
        a = np.zeros(3, dtype=int)
        np.put(a, [1], x[0])
        return np.sum(a * x[:3])
    with pytest.raises(srcdiff.RuntimeRefusal, match="holds integers"):
        srcdiff.grad(f)(X)
