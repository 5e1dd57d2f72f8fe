"""max/min-style functions where the extremum is NaN (templates/reductions.py max, and
templates/ufuncs.py maximum/minimum/fmax/fmin; builtins max/min in templates/python.py).

NumPy's max, min, maximum and minimum propagate a NaN: the value is that NaN, and the
derivative routes to it (the result depends on that element alone, as x[argmax(x)] does;
autograd 1.7 gives NaN everywhere for max and 0 to a NaN in maximum), never all zeros;
several NaNs tie and share it. fmax/fmin ignore NaNs. Finite differences are NaN there, so
each derivative is compared, in both modes, with srcdiff's derivative of the same selection
written with indexing or numpy.where (rules checked against finite differences in their own
tests); away from NaNs the functions are checked against finite differences directly."""
import warnings

import numpy as np
import pytest

import srcdiff

from gradcheck import check

warnings.filterwarnings("ignore", category=RuntimeWarning)
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

T = np.array([1.0, 10.0, 100.0, 1000.0])


def _both_modes(f, x):
    t = T[:np.size(x)]
    g = srcdiff.grad(f)(x)
    _, tangent = srcdiff.jvp(f)(x, t)
    return g, tangent


def _assert_same(f, g, x):
    (gf, tf), (gg, tg) = _both_modes(f, x), _both_modes(g, x)
    np.testing.assert_array_equal(gf, gg)
    assert tf == tg or np.array_equal(tf, tg)


def max_of(x):
    return np.max(x)


def min_of(x):
    return np.min(x)


def amax_of(x):
    return np.amax(x)


def max_method(x):
    return x.max()


def min_method(x):
    return x.min()


def at_argmax(x):
    return x[np.argmax(x)]


def at_argmin(x):
    return x[np.argmin(x)]


@pytest.mark.parametrize("f, picked", [(max_of, at_argmax), (amax_of, at_argmax),
                                       (max_method, at_argmax), (min_of, at_argmin),
                                       (min_method, at_argmin)])
def test_reduction_routes_the_derivative_to_the_nan(f, picked):
    x = np.array([1.0, np.nan, 3.0, -2.0])
    assert np.isnan(f(x))
    _assert_same(f, picked, x)   # argmax/argmin return the NaN's position
    assert srcdiff.grad(f)(x)[1] == 1.0


def nan_positions_mean(x):
    return np.sum(np.where(np.isnan(x), x, 0.0)) / np.sum(np.isnan(x))


def test_several_nans_share_the_derivative_like_ties():
    x = np.array([np.nan, 1.0, np.nan, 3.0])
    _assert_same(max_of, nan_positions_mean, x)
    _assert_same(min_of, nan_positions_mean, x)


def max_rows(a):
    return np.sum(np.max(a, axis=1) * np.array([1.0, 2.0]))


def max_rows_by_index(a):
    rows = np.arange(2)
    return np.sum(a[rows, np.argmax(a, axis=1)] * np.array([1.0, 2.0]))


def test_reduction_along_an_axis():
    a = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 2.0]])
    t = np.arange(6.0).reshape(2, 3) + 1
    for f in (max_rows, max_rows_by_index):
        assert np.isnan(f(a))
    g1, g2 = srcdiff.grad(max_rows)(a), srcdiff.grad(max_rows_by_index)(a)
    np.testing.assert_array_equal(g1, g2)
    np.testing.assert_array_equal(srcdiff.jvp(max_rows)(a, t)[1],
                                  srcdiff.jvp(max_rows_by_index)(a, t)[1])
    check(max_rows, np.array([[1.0, 0.5, 3.0], [4.0, 5.0, 2.0]]))


def maximum_of(x, y):
    return np.sum(np.maximum(x, y) * np.array([1.0, 2.0, 3.0, 4.0]))


def maximum_by_where(x, y):
    picks_x = (x > y) | (np.isnan(x) & ~np.isnan(y))
    tie = (x == y) | (np.isnan(x) & np.isnan(y))
    m = np.where(tie, 0.5 * x + 0.5 * y, np.where(picks_x, x, y))
    return np.sum(m * np.array([1.0, 2.0, 3.0, 4.0]))


def minimum_of(x, y):
    return np.sum(np.minimum(x, y) * np.array([1.0, 2.0, 3.0, 4.0]))


def minimum_by_where(x, y):
    picks_x = (x < y) | (np.isnan(x) & ~np.isnan(y))
    tie = (x == y) | (np.isnan(x) & np.isnan(y))
    m = np.where(tie, 0.5 * x + 0.5 * y, np.where(picks_x, x, y))
    return np.sum(m * np.array([1.0, 2.0, 3.0, 4.0]))


def fmax_of(x, y):
    return np.sum(np.fmax(x, y) * np.array([1.0, 2.0, 3.0, 4.0]))


def fmax_by_where(x, y):
    picks_x = (x > y) | (np.isnan(y) & ~np.isnan(x))
    tie = (x == y) | (np.isnan(x) & np.isnan(y))
    m = np.where(tie, 0.5 * x + 0.5 * y, np.where(picks_x, x, y))
    return np.sum(m * np.array([1.0, 2.0, 3.0, 4.0]))


def fmin_of(x, y):
    return np.sum(np.fmin(x, y) * np.array([1.0, 2.0, 3.0, 4.0]))


def fmin_by_where(x, y):
    picks_x = (x < y) | (np.isnan(y) & ~np.isnan(x))
    tie = (x == y) | (np.isnan(x) & np.isnan(y))
    m = np.where(tie, 0.5 * x + 0.5 * y, np.where(picks_x, x, y))
    return np.sum(m * np.array([1.0, 2.0, 3.0, 4.0]))


X = np.array([1.0, np.nan, 3.0, np.nan])
Y = np.array([np.nan, 2.0, 0.5, np.nan])


@pytest.mark.parametrize("f, by_where", [(maximum_of, maximum_by_where),
                                         (minimum_of, minimum_by_where),
                                         (fmax_of, fmax_by_where), (fmin_of, fmin_by_where)])
def test_elementwise_extrema_with_nans(f, by_where):
    for wrt in (0, 1):
        g1 = srcdiff.grad(f, wrt=wrt)(X, Y)
        g2 = srcdiff.grad(by_where, wrt=wrt)(X, Y)
        np.testing.assert_array_equal(g1, g2)
        t = {0: ("tangent_x", T), 1: ("tangent_y", T)}[wrt]
        t1 = srcdiff.jvp(f, wrt=wrt)(X, Y, **{t[0]: t[1]})[1]
        t2 = srcdiff.jvp(by_where, wrt=wrt)(X, Y, **{t[0]: t[1]})[1]
        assert t1 == t2 or (np.isnan(t1) and np.isnan(t2))
    # the where-forms agree with finite differences away from NaNs (ties included)
    x, y = np.array([1.0, 0.3, 3.0, 2.0]), np.array([0.2, 2.0, 0.5, 2.0])
    np.testing.assert_allclose(srcdiff.grad(f, wrt=(0, 1))(x, y),
                               srcdiff.grad(by_where, wrt=(0, 1))(x, y))
    check(by_where, x + np.array([0.0, 0.0, 0.0, 0.5]), y, wrt=(0, 1))


def test_nan_in_maximum_gets_the_derivative():
    g = srcdiff.grad(maximum_of)(X, np.array([2.0, 2.0, 2.0, 2.0]))
    assert np.array_equal(g != 0, np.isnan(X) | (X > 2.0))


def builtin_max_pair(x):
    return max(x[1], x[0]) + 10 * min(x[1], x[0])


def builtin_max_pair_by_index(x):
    # Python's max(a, b) is a unless b > a (False for NaN), min likewise with <
    i = 0 if not x[0] > x[1] else 1
    j = 0 if not x[0] < x[1] else 1
    return x[1 - i] + 10 * x[1 - j]


def test_builtin_max_follows_python_with_nan():
    for x in (np.array([1.0, np.nan]), np.array([np.nan, 1.0])):
        _assert_same(builtin_max_pair, builtin_max_pair_by_index, x)
