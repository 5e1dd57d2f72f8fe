"""Every rule in templates/arrays.py (and the % operator) against central differences, in
both modes and to second order (gradcheck.check), and the located refusals of what the
rules do not handle."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, check_grad, check_jvp
from srcdiff.errors import SrcdiffError

rng = np.random.default_rng(15)


def _x(*shape):
    return rng.normal(size=shape)


def _w(shape):
    """Distinct weights, so a derivative landing on the wrong element is caught."""
    return np.arange(1.0, 1.0 + np.prod(shape, dtype=int)).reshape(shape)


def _distinct(*shape):
    """No ties (for sort and partition away from their kinks)."""
    n = int(np.prod(shape, dtype=int))
    return (rng.permutation(np.linspace(-1.5, 1.5, n)) + 0.01 * rng.normal(size=n)).reshape(shape)


def _weighted(fn, shape):
    """(x, ...) -> sum(fn(x, ...) * w), w distinct weights of fn's result shape (as many
    parameters as fn has: srcdiff reads them)."""
    w = _w(shape)
    arity = fn.__code__.co_argcount if hasattr(fn, "__code__") else 1
    if arity == 1:
        return lambda a: np.sum(fn(a) * w)
    if arity == 2:
        return lambda a, b: np.sum(fn(a, b) * w)
    if arity == 3:
        return lambda a, b, c: np.sum(fn(a, b, c) * w)
    return lambda a, b, c, e: np.sum(fn(a, b, c, e) * w)


X23, X34, X234 = _x(2, 3), _x(3, 4), _x(2, 3, 4)


# -- the % operator -------------------------------------------------------------------
def test_mod_operator():
    a = np.array([[2.3, -1.7, 0.4], [5.1, -3.3, 1.2]])
    b = np.array([0.7, 1.3, -0.9])
    check(lambda a: np.sum((a % 0.7) * _w((2, 3))), a)
    check(lambda a, b: np.sum((a % b) * _w((2, 3))), a, b, wrt=(0, 1))
    check(lambda b: np.sum((2.5 % b) ** 2), b)
    check(lambda a, b: np.sum((a % b) * _w((2, 3))), a, np.array(1.3), wrt=(0, 1))
    check(lambda p, q: (p % q) * 3.0 + (q % p), 5.3, -1.7, wrt=(0, 1))


def test_mod_augmented():
    def f(x, m):
        y = x * 3.0
        y %= m
        return np.sum(y * y)
    check(f, np.array([0.4, 2.15, -1.3]), 0.9, wrt=(0, 1))


# -- nan_to_num, select, angle, real_if_close -----------------------------------------
BAD = np.array([[0.3, np.nan, -1.2], [np.inf, 2.0, -np.inf]])


def test_nan_to_num():
    # (the default posinf and neginf, +-1.8e308, overflow any weighted sum of the result)
    check(lambda x: np.sum(np.nan_to_num(x, posinf=9.0, neginf=-9.0) * _w((2, 3))), BAD)
    check(lambda x: np.sum(np.nan_to_num(x) * _w((3,))), np.array([0.3, np.nan, -1.0]))
    check(lambda x: np.sum(np.nan_to_num(x) * _w((2, 3))), X23)
    check(lambda x, a, b, c: np.sum(np.nan_to_num(x, nan=a, posinf=b, neginf=c) * _w((2, 3))),
          BAD, 0.5, 3.0, -4.0, wrt=(0, 1, 2, 3))
    check(lambda a: np.sum(np.nan_to_num(BAD + a, nan=a, posinf=2.0, neginf=a) ** 2), 0.7)
    check(lambda x: np.nan_to_num(x) * 2.0, np.array(0.4))


def test_nan_to_num_complex():
    z = np.array([1.0 + np.nan * 1j, np.inf + 2j, 0.5 - 1j])
    check(lambda z: np.sum(np.abs(np.nan_to_num(z, posinf=5.0)) ** 2), z)
    check(lambda z, a: np.sum(np.abs(np.nan_to_num(z, nan=a, posinf=a)) ** 2), z, 0.3,
          wrt=(0, 1))


def test_select():
    x = _x(2, 3)
    y = _x(3)
    f = lambda x, y: np.select([x > 0.2, x < -0.5], [x * x, y], default=np.sin(x))
    check(_weighted(f, (2, 3)), x, y, wrt=(0, 1))
    g = lambda x, c: np.select([x > 0, x > -0.3], [x, c * x], c)
    check(_weighted(g, (2, 3)), x, 0.8, wrt=(0, 1))
    h = lambda x: np.select([x > 0], [2.0], x)   # a constant choice, the default an array
    check(_weighted(h, (2, 3)), x)
    k = lambda x: np.select([x > 0, x <= 0], [x, 3 * x])   # no default used
    check(_weighted(k, (2, 3)), x)


def test_angle():
    z = _x(2, 3) + 1j * _x(2, 3)
    check(_weighted(np.angle, (2, 3)), z)
    check(_weighted(lambda z: np.angle(z, deg=True), (2, 3)), z)
    check(_weighted(lambda z: np.angle(z * z + 1.0), (2, 3)), z)
    check(lambda z: np.angle(z) * 3.0, np.array(0.3 - 0.8j))
    check(lambda z: np.sum(np.angle(z) ** 2), z)   # an adjoint that moves with z
    # real input: the angle is 0 or pi, piecewise constant
    g = check(lambda x: np.sum(np.angle(x) * x), _x(4))
    assert not np.iscomplexobj(g)


def test_angle_at_zero_is_zero():
    g = srcdiff.grad(lambda z: np.sum(np.angle(z)))(np.array([0j, 1j]))
    np.testing.assert_allclose(g, [0.0, -1.0])


def test_real_if_close():
    check(_weighted(np.real_if_close, (2, 3)), X23)
    z = _x(2, 3) + 1j * _x(2, 3)
    check(lambda z: np.sum(np.abs(np.real_if_close(z)) ** 2), z)


# -- diag, tril, triu --------------------------------------------------------------------
@pytest.mark.parametrize("k", [0, 2, -1])
def test_diag_vector(k):
    v = _x(3)
    n = 3 + abs(k)
    check(_weighted(lambda v: np.diag(v, k), (n, n)), v)
    check(_weighted(lambda v: np.diag(v, k=k) ** 2, (n, n)), v)


@pytest.mark.parametrize("shape,k", [((3, 3), 0), ((3, 4), 1), ((4, 3), -2), ((3, 4), -1),
                                     ((2, 3), 5)])
def test_diag_matrix(shape, k):
    m = _x(*shape)
    n = len(np.diag(m, k))
    check(_weighted(lambda m: np.diag(m, k), (n,)), m)


def test_diag_of_diag():
    check(lambda m: np.sum(np.diag(np.diag(m)) ** 2 * _w((3, 3))), _x(3, 3))


@pytest.mark.parametrize("fn", [np.tril, np.triu])
@pytest.mark.parametrize("shape,k", [((3, 4), 0), ((4, 3), 1), ((3, 3), -1), ((2, 3, 3), 0),
                                     ((4,), 0), ((4,), -1)])
def test_tril_triu(fn, shape, k):
    m = _x(*shape)
    out = fn(m, k).shape
    check(_weighted(lambda m: fn(m, k), out), m)
    check(_weighted(lambda m: fn(m * m, k=k), out), m)


# -- pad, tile -----------------------------------------------------------------------
PADS = [1, (1, 2), ((1, 0), (2, 3)), ((0, 0), (3, 1)), [[2, 2]]]


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap",
                                  "linear_ramp"])
@pytest.mark.parametrize("pw", PADS, ids=[str(p) for p in PADS])
def test_pad(mode, pw):
    m = _x(2, 3)
    out = np.pad(m, pw, mode).shape
    check(_weighted(lambda m: np.pad(m, pw, mode), out), m)


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap",
                                  "linear_ramp"])
def test_pad_wider_than_the_array(mode):
    v = _x(3)
    out = np.pad(v, (5, 7), mode=mode).shape
    check(_weighted(lambda v: np.pad(v, (5, 7), mode=mode), out), v)
    m = _x(2, 1, 2)
    out = np.pad(m, 2, mode).shape
    check(_weighted(lambda m: np.pad(m * m, 2, mode), out), m)


@pytest.mark.parametrize("cv", [0.5, (0.5, -1.5), ((0.5, -1.5), (2.0, 0.25)), ((0.5, -1.5),),
                                [[0.5], [2.0]]], ids=str)
def test_pad_constant_values(cv):
    m = _x(2, 3)
    pw = ((1, 2), (2, 1))
    out = np.pad(m, pw).shape
    check(_weighted(lambda m, c: np.pad(m, pw, constant_values=c), out), m, cv, wrt=(0, 1))
    check(_weighted(lambda m, c: np.pad(m, pw, "constant", constant_values=c) ** 2, out), m, cv,
          wrt=(0, 1))


# linear_ramp's end_values, in each of numpy's forms, to second order (a ramp's corners start
# from an earlier axis's ramp: the end values of both axes reach them)
@pytest.mark.parametrize("ev", [0.5, (0.5, -1.5), ((0.5, -1.5), (2.0, 0.25)), ((0.5, -1.5),),
                                [[0.5], [2.0]]], ids=str)
def test_pad_linear_ramp_end_values(ev):
    m = _x(2, 3)
    pw = ((1, 2), (3, 1))
    out = np.pad(m, pw, "linear_ramp").shape
    check(_weighted(lambda m, e: np.pad(m, pw, "linear_ramp", end_values=e), out), m, ev,
          wrt=(0, 1))
    check(_weighted(lambda m, e: np.pad(m, pw, mode="linear_ramp", end_values=e) ** 2, out),
          m, ev, wrt=(0, 1), order=2)


def test_pad_linear_ramp_end_value_of_the_data():
    check(lambda v: np.sum(np.pad(v, (2, 3), "linear_ramp", end_values=np.max(v)) ** 2
                           * _w((8,))), _x(3), order=2)


# the statistics' modes: each padded value a weighted sum of the slab its statistic reads
# (inputs without ties: maximum, minimum and median pick elements), with and without
# stat_length, per-axis widths; a later axis's statistic reads an earlier axis's padding
STATS = [None, 2, ((1, 3), (2, 1))]


@pytest.mark.parametrize("mode", ["maximum", "minimum", "mean", "median"])
@pytest.mark.parametrize("pw", [1, ((1, 0), (2, 3)), ((0, 0), (3, 1))], ids=str)
@pytest.mark.parametrize("sl", STATS, ids=str)
def test_pad_statistic_modes(mode, pw, sl):
    m = _x(3, 4)
    out = np.pad(m, pw, mode, stat_length=sl).shape
    if sl is None:
        check(_weighted(lambda m: np.pad(m * m, pw, mode), out), m, order=2)
    else:
        check(_weighted(lambda m: np.pad(m * m, pw, mode=mode, stat_length=sl), out), m,
              order=2)


@pytest.mark.parametrize("mode", ["empty"])
def test_pad_other_modes_are_refused_at_the_line(mode):
    from gradcheck import refusal
    err = refusal(lambda v: np.sum(np.pad(v, 2, mode) ** 2), (_x(3),), "grad")
    assert "not mode=" in str(err) and err.lineno is not None


def test_pad_constant_value_of_the_data():
    check(lambda v: np.sum(np.pad(v, 2, constant_values=np.mean(v)) ** 2 * _w((7,))), _x(3))
    check(lambda v: np.sum(np.pad(v, 2, constant_values=3) * _w((7,))), _x(3))


@pytest.mark.parametrize("reps", [2, (2, 1), (1, 2, 3), (3,), (2, 2, 1, 2)], ids=str)
def test_tile(reps):
    m = _x(2, 3)
    out = np.tile(m, reps).shape
    check(_weighted(lambda m: np.tile(m, reps), out), m)
    check(_weighted(lambda m: np.tile(m * m, reps), out), m)


def test_tile_0d_and_1d():
    check(_weighted(lambda a: np.tile(a, (2, 3)), (2, 3)), np.array(0.7))
    check(_weighted(lambda a: np.tile(a, 3), (6,)), _x(2))
    check(lambda a: np.sum(np.tile(a * 2.0, 4) ** 2), 0.3)


# -- flips, rotations, rolls ---------------------------------------------------------
def test_flipud_fliplr():
    check(_weighted(np.flipud, (2, 3, 4)), X234)
    check(_weighted(np.flipud, (4,)), _x(4))
    check(_weighted(np.fliplr, (2, 3, 4)), X234)
    check(_weighted(lambda m: np.fliplr(np.flipud(m * m)), (3, 4)), X34)


@pytest.mark.parametrize("k", [0, 1, 2, 3, -1, 5])
def test_rot90(k):
    out = np.rot90(X34, k).shape
    check(_weighted(lambda m: np.rot90(m, k), out), X34)
    out = np.rot90(X234, k, axes=(2, 1)).shape
    check(_weighted(lambda m: np.rot90(m, k=k, axes=(2, 1)), out), X234)


def test_rot90_default():
    check(_weighted(np.rot90, (4, 3)), X34)


@pytest.mark.parametrize("shift,axis", [(1, None), (-7, None), (2, 0), (-1, -1), (5, 1),
                                        ((1, -2), (0, 1)), ((1, 3), (2, 0)), ((2, 1), 1)],
                         ids=str)
def test_roll(shift, axis):
    check(_weighted(lambda x: np.roll(x, shift, axis), (2, 3, 4)), X234)
    check(_weighted(lambda x: np.roll(x * x, shift, axis=axis), (2, 3, 4)), X234)


def test_roll_1d_and_0d():
    check(_weighted(lambda x: np.roll(x, 2), (5,)), _x(5))
    check(lambda x: np.roll(x, 1) * 3.0, np.array(0.2))


@pytest.mark.parametrize("axis,start", [(2, 0), (0, 3), (0, 2), (1, 1), (-1, 1), (2, -3), (1, 0)])
def test_rollaxis(axis, start):
    out = np.rollaxis(X234, axis, start).shape
    check(_weighted(lambda x: np.rollaxis(x, axis, start), out), X234)
    check(_weighted(lambda x: np.rollaxis(x * x, axis, start=start), out), X234)


def test_rollaxis_default_start():
    check(_weighted(lambda x: np.rollaxis(x, 2), (4, 2, 3)), X234)


# -- append, splits, column_stack, dstack --------------------------------------------
def test_append():
    a, b = _x(2, 3), _x(1, 3)
    check(_weighted(lambda a, b: np.append(a, b), (9,)), a, b, wrt=(0, 1))
    check(_weighted(lambda a, b: np.append(a, b, axis=0), (3, 3)), a, b, wrt=(0, 1))
    check(_weighted(lambda a, b: np.append(a, b, 1), (2, 5)), a, _x(2, 2), wrt=(0, 1))
    check(_weighted(lambda a, c: np.append(a, c), (7,)), a, 0.4, wrt=(0, 1))
    check(_weighted(lambda c, v: np.append(c, v), (4,)), 0.4, _x(3), wrt=(0, 1))
    check(_weighted(lambda a: np.append(a, [1.0, 2.0]), (8,)), a)
    check(_weighted(lambda a: np.append(a, np.arange(3)), (9,)), a)       # int values
    check(_weighted(lambda v: np.append(np.arange(3), v), (5,)), _x(2))
    check(_weighted(lambda a, b: np.append(a, b), (6,)), a, np.zeros(0), wrt=(0, 1))
    check(lambda a, b: np.sum(np.append(a, b, axis=0) ** 3), a, b, wrt=(0, 1))
    check(lambda a, c: np.sum(np.sin(np.append(a, c))), a, 0.4, wrt=(0, 1))


SPLITS = [
    ("split-2", lambda x: np.split(x, 2), (4, 3)),
    ("split-indices-axis1", lambda x: np.split(x, [1, 2], axis=1), (4, 3)),
    ("split-indices-empty", lambda x: np.split(x, [0, 3, 3]), (4, 3)),
    ("array_split-3", lambda x: np.array_split(x, 3), (4, 3)),
    ("array_split-axis-1", lambda x: np.array_split(x, 2, axis=-1), (4, 3)),
    ("array_split-indices", lambda x: np.array_split(x, [1, 3], 0), (4, 3)),
    ("hsplit-2d", lambda x: np.hsplit(x, 3), (4, 3)),
    ("hsplit-1d", lambda x: np.hsplit(x, [2]), (5,)),
    ("vsplit", lambda x: np.vsplit(x, [1]), (4, 3)),
    ("dsplit", lambda x: np.dsplit(x, 2), (2, 3, 4)),
]


@pytest.mark.parametrize("name,fn,shape", SPLITS, ids=[s[0] for s in SPLITS])
def test_splits(name, fn, shape):
    x = _x(*shape)
    pieces = fn(x)
    weights = [_w(np.shape(p)) for p in pieces]

    def every_piece(x):
        total = 0.0
        for p, w in zip(fn(x * x), weights):
            total = total + np.sum(p * w)
        return total
    check(every_piece, x)

    def one_piece(x):
        return np.sum(fn(x)[-1] * weights[-1]) + np.sum(fn(x)[0] ** 2)
    check(one_piece, x)

    def looped(x):
        total = 0.0
        for k, p in enumerate(fn(x)):
            total = total + np.sum(np.sin(p) * weights[k])
        return total
    check(looped, x)


def test_split_then_join():
    def f(x):
        a, b = np.split(x, 2, axis=1)
        return np.sum(np.concatenate([b * 2.0, a * a], axis=1) * _w((2, 4)))
    check(f, _x(2, 4))


def test_column_stack():
    f = lambda a, m: np.column_stack([a, m, a * a])
    check(_weighted(f, (3, 4)), _x(3), _x(3, 2), wrt=(0, 1))
    check(_weighted(lambda a, b: np.column_stack((a, b)), (4, 2)), _x(4), _x(4), wrt=(0, 1))
    check(_weighted(lambda a: np.column_stack([a, np.ones(3)]), (3, 2)), _x(3))


def test_dstack():
    f = lambda a, m, t: np.dstack([a[None, :], m, t])
    check(_weighted(f, (1, 3, 4)), _x(3), _x(1, 3), _x(1, 3, 2), wrt=(0, 1, 2))
    check(_weighted(lambda a, b: np.dstack((a, b)), (2, 3, 2)), _x(2, 3), _x(2, 3), wrt=(0, 1))
    check(_weighted(lambda a: np.dstack([a, a * a]), (1, 3, 2)), _x(3))


def test_r_and_c():
    """numpy.r_ and numpy.c_ (templates/shapes.py rules) with a float among the items."""
    a, b = _x(3), _x(2)
    check(_weighted(lambda a, b: np.r_[a, b, 0.5], (6,)), a, b, wrt=(0, 1))
    check(_weighted(lambda a, c: np.r_[a, c, a * c], (7,)), a, 0.3, wrt=(0, 1))
    check(_weighted(lambda a, b: np.c_[a, a * a, b[0] + a], (3, 3)), a, b, wrt=(0, 1))


# -- sort, partition -----------------------------------------------------------------
@pytest.mark.parametrize("axis", [-1, 0, 1, None])
def test_sort(axis):
    x = _distinct(3, 4)
    out = np.sort(x, axis=axis).shape
    check(_weighted(lambda x: np.sort(x, axis=axis), out), x)
    check(_weighted(lambda x: np.sort(x * x * x, axis, kind="stable"), out), x)


def test_sort_default_and_1d():
    check(_weighted(np.sort, (3, 4)), _distinct(3, 4))
    check(_weighted(lambda v: np.sort(v, kind="heapsort", stable=None), (5,)), _distinct(5))
    check(_weighted(lambda v: np.sort(-v)[:2], (2,)), _distinct(5))


def test_sort_complex():
    z = _distinct(4) + 1j * _distinct(4)
    check(lambda z: np.sum(np.abs(np.sort(z) * _w((4,))) ** 2), z)


def test_sort_ties_split_evenly():
    """Two equal values: central differences along each coordinate average the one-sided
    derivatives, which is the even split (gradient, and tangents along coordinates)."""
    x = np.array([[0.5, -1.0, 0.7, 2.0, 0.5], [1.0, 1.0, 0.0, -3.0, 0.2]])
    f = _weighted(lambda x: np.sort(x, axis=1), (2, 5))
    check_grad(f, x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = 1.0
        check_jvp(lambda x: np.sort(x, axis=1), x, tangents=(e,))
    check_grad(_weighted(lambda x: np.sort(x, axis=None), (10,)), x)


def test_sort_ties_follow_max():
    """More than two equal values: the derivative is split evenly between them, as
    numpy.max's is (the project's convention for ties)."""
    x = np.array([0.5, -1.0, 0.5, 0.5, 0.2])
    np.testing.assert_allclose(srcdiff.grad(lambda x: np.sort(x)[-1])(x),
                               srcdiff.grad(lambda x: np.max(x))(x))
    np.testing.assert_allclose(srcdiff.grad(lambda x: np.sort(x)[0])(-x),
                               srcdiff.grad(lambda x: np.min(x))(-x))
    t = np.array([0.0, 0.0, 1.0, 0.0, 0.0])
    np.testing.assert_allclose(srcdiff.jvp(lambda x: np.sort(x)[-1])(x, t)[1],
                               srcdiff.jvp(lambda x: np.max(x))(x, t)[1])


@pytest.mark.parametrize("kth,axis", [(2, -1), ((0, 3), -1), (1, 0), (-1, 1), (5, None)],
                         ids=str)
def test_partition(kth, axis):
    x = _distinct(3, 4)
    out = np.partition(x, kth, axis=axis).shape
    check(_weighted(lambda x: np.partition(x, kth, axis=axis), out), x)
    check(_weighted(lambda x: np.partition(x * x * x, kth, axis), out), x)


def test_partition_kth_smallest():
    check(lambda v: np.partition(v, 2)[2] * 3.0, _distinct(6))
    check(lambda v: np.partition(v, 2, kind="introselect")[:2] @ np.array([1.0, 2.0]),
          _distinct(6))


def test_partition_ties_split_evenly():
    x = np.array([0.5, 0.5, -1.0, 0.5, 2.0])
    check_grad(_weighted(lambda x: np.partition(x, 2), (5,)), x)


# -- diff, gradient ------------------------------------------------------------------
@pytest.mark.parametrize("n,axis", [(1, -1), (2, -1), (3, 1), (1, 0), (0, 0), (2, -2)])
def test_diff(n, axis):
    out = np.diff(X34, n, axis).shape
    check(_weighted(lambda x: np.diff(x, n, axis), out), X34)
    check(_weighted(lambda x: np.diff(x * x, n=n, axis=axis), out), X34)


@pytest.mark.parametrize("n", [1, 2])
def test_diff_prepend_append(n):
    x = X34
    out = np.diff(x, n, 0, prepend=0.3, append=_x(2, 4)).shape
    f = lambda x, p, q: np.diff(x, n, 0, prepend=p, append=q)
    check(_weighted(f, out), x, 0.3, _x(2, 4), wrt=(0, 1, 2))
    out = np.diff(x, n, prepend=_x(3, 1)).shape
    check(_weighted(lambda x, p: np.diff(x, n, prepend=p), out), x, _x(3, 1), wrt=(0, 1))
    out = np.diff(x, n, append=-1.0).shape
    check(_weighted(lambda x, q: np.diff(x, n, append=q), out), x, -1.0, wrt=(0, 1))
    check(_weighted(lambda x: np.diff(x, n, append=2), out), x)   # an int edge


def test_diff_1d_and_int():
    check(_weighted(np.diff, (4,)), _x(5))
    check(_weighted(lambda v: np.diff(np.arange(5) * v), (4,)), 0.7)


def test_gradient_1d():
    v = _x(6)
    check(_weighted(np.gradient, (6,)), v)
    check(_weighted(lambda v: np.gradient(v, edge_order=2), (6,)), v)
    check(_weighted(lambda v, h: np.gradient(v * v, h), (6,)), v, 0.4, wrt=(0, 1))
    check(_weighted(lambda v, h: np.gradient(v, h, edge_order=2), (6,)), v, -1.3, wrt=(0, 1))
    check(_weighted(lambda v: np.gradient(v, 0.5), (3,)), _x(3))


COORDINATES = np.array([0.0, 0.5, 1.7, 2.0, 3.1, 3.3])


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_with_coordinates(edge_order):
    """numpy.gradient(f, x), x the coordinates (non-uniform): in f and in x, 1-d and along
    an axis, the coordinates a constant, a list, computed from the input."""
    v = _x(6)
    check(_weighted(lambda v, c: np.gradient(v * v, c, edge_order=edge_order), (6,)), v,
          COORDINATES, wrt=(0, 1))
    check(_weighted(lambda m, c: np.gradient(np.sin(m), c, axis=1, edge_order=edge_order),
                    (3, 6)), _x(3, 6), COORDINATES, wrt=(0, 1))
    check(_weighted(lambda m, c: np.gradient(m * m, c[:3], axis=0, edge_order=edge_order),
                    (3, 6)), _x(3, 6), COORDINATES, wrt=(0, 1))
    check(_weighted(lambda v: np.gradient(v ** 3, [0.0, 0.5, 1.7, 2.0, 3.1, 3.3],
                                          edge_order=edge_order), (6,)), v)
    check(_weighted(lambda v: np.gradient(v ** 3, np.cumsum(v * v) + v,
                                          edge_order=edge_order), (6,)),
          np.array([0.5, 0.7, 1.1, 1.3, 1.6, 2.0]))


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_nd(edge_order):
    x = _x(3, 4)
    w0, w1 = _w((3, 4)), _w((3, 4))[::-1]

    def both(x, h):
        gx, gy = np.gradient(x * x, h, edge_order=edge_order)
        return np.sum(gx * w0) + np.sum(gy * w1)
    check(both, x, 0.7, wrt=(0, 1))

    def one(x):
        return np.sum(np.gradient(x, edge_order=edge_order)[1] * w1)
    check(one, x)
    check(_weighted(lambda x: np.gradient(x, axis=0, edge_order=edge_order), (3, 4)), x)
    check(_weighted(lambda x: np.gradient(x, 2.0, axis=-1), (3, 4)), x)

    def tuple_axes(x, h):
        gz, gx = np.gradient(x, h, axis=(1, 0), edge_order=edge_order)
        return np.sum(gz * w1) - np.sum(gx * gx)
    check(tuple_axes, x, 0.3, wrt=(0, 1))


def test_gradient_of_3d():
    def f(x):
        total = 0.0
        for k, g in enumerate(np.gradient(x)):
            total = total + np.sum(g * _w((2, 3, 4))) * (k + 1)
        return total
    check(f, X234)


# -- refusals: located, with what to write instead ----------------------------------
def _refused(f, *args, match):
    for transform, extra in ((srcdiff.grad, ()), (srcdiff.jvp, tuple(np.ones_like(a) for a in
                                                                    args[:1]))):
        with pytest.raises(SrcdiffError, match=match) as info:
            transform(f)(*args, *extra)
        assert info.value.filename.endswith("test_arrays.py") and info.value.lineno, info.value
        assert info.value.hint


def _pad_empty(x):
    return np.sum(np.pad(x, 1, mode="empty"))


def _pad_named_mode(x, mode):
    return np.sum(np.pad(x, 1, mode) ** 2)


def _pad_odd(x):
    return np.sum(np.pad(x, 1, "reflect", reflect_type="odd"))


def _gradient_coordinates(x, c):
    return np.sum(np.gradient(x, c) ** 2)


def _gradient_two_spacings(x):
    return np.sum(np.gradient(x, 0.5, 0.2)[0])


def _gradient_five_spacings(x):
    return np.sum(np.gradient(x, 0.5, 0.2, 0.3, 0.4, 0.6)[0])


def _nan_to_num_in_place(x):
    return np.sum(np.nan_to_num(x, copy=False))


def _sort_method(x):
    y = x * 2.0
    y.sort()
    return np.sum(y * np.arange(3.0))


def _partition_method(x):
    y = x * 2.0
    y.partition(1)
    return y[1]


def test_refusals_are_located():
    x = _x(3)
    _refused(_pad_empty, x, match="mode='empty'")
    _refused(_pad_named_mode, x, "empty", match="mode='empty'")   # (maximum differentiates)
    _refused(_pad_odd, x, match="reflect_type")
    _refused(_gradient_coordinates, x, np.array([[0.0, 1.0, 3.0]]),
             match="one array of coordinates")
    check(_gradient_two_spacings, _x(3, 3))   # a spacing per axis (runtime_spacings.py)
    _refused(_gradient_five_spacings, _x(3, 3, 3, 3, 3), match="too many positional")
    _refused(_nan_to_num_in_place, x, match="copy")
    check(_partition_method, x)   # y.partition(1): y[...] = numpy.partition(y, 1) (flat_writes.py)
    check(_sort_method, x)   # y.sort(): y[...] = numpy.sort(y) (srcdiff/out_writes.py)


def test_named_mode_and_spacing_that_are_supported():
    check(lambda x, h: _pad_named_mode(x, "wrap") + _gradient_coordinates(x, h), _x(3), 0.5,
          wrt=(0, 1))


# -- the rules inside programs: names, loops, containers, complex values --------------
W34 = _w((3, 4))


def _select_of_names(x, y):
    choices = [x, y * x]
    conds = [x > 0, x < -1]
    return np.sum(np.select(conds, choices, 0.5) * W34)


def _column_stack_of_a_tuple(a, b):
    t = (a, b * 2)
    return np.sum(np.column_stack(t) ** 2)


def _sort_in_a_loop(x):
    s = 0.0
    for i in range(3):
        s = s + np.sum(np.sort(x * (i + 1.0), axis=1)[:, -1] ** 2)
    return s


def _gradient_in_a_loop(x):
    s = 0.0
    for k in range(2):
        s = s + np.sum(np.gradient(x * (k + 1.0), axis=k) * W34)
    return s


def _pieces_rejoined(x):
    out = []
    for p in np.array_split(x, 3, axis=1):
        out.append(np.sin(p))
    return np.sum(np.concatenate(out, axis=1) * W34)


def test_in_programs():
    x = _x(3, 4)
    check(_select_of_names, x, 0.7, wrt=(0, 1))
    check(_column_stack_of_a_tuple, x[0], x[1], wrt=(0, 1))
    check(_sort_in_a_loop, x)
    check(_gradient_in_a_loop, x)
    check(_pieces_rejoined, x)
    check(lambda x: np.sum(np.pad(x, np.array([[1, 0], [0, 2]]), "wrap") ** 3), x)
    check(lambda x: np.sum(np.tile(x, [2, 2]) ** 2 * _w((6, 8))), x)
    check(lambda v: np.partition(v, 3)[3] ** 2, _distinct(7))
    check(lambda m: np.sum(np.diag(m @ m.T) ** 2), x)


def test_complex_values():
    z = _x(3, 4) + 1j * _x(3, 4)
    check(lambda z: np.sum(np.abs(np.pad(z, 1, "reflect") * _w((5, 6))) ** 2), z)
    check(lambda z: np.sum(np.abs(np.diff(z, 2)) ** 2), z)
    check(lambda z: np.sum(np.abs(np.roll(np.tril(z), 1) * W34) ** 2), z)
    check(lambda z: np.sum(np.real(np.gradient(z, 0.5, axis=0)) * W34), z)


LISTS = {
    "tile": lambda a, b: np.sum(np.tile([a, b], 2) * _w((4,))),
    "roll": lambda a, b: np.sum(np.roll([a, b, 1.0], 1) * _w((3,))),
    "sort": lambda a, b: np.sum(np.sort([a, b, 0.1]) * _w((3,))),
    "partition": lambda a, b: np.sum(np.partition([a, b, 0.1], 1) * _w((3,))),
    "diff": lambda a, b: np.sum(np.diff([a, b, a * b]) * _w((2,))),
    "gradient": lambda a, b: np.sum(np.gradient([a, b, a * b]) * _w((3,))),
    "pad": lambda a, b: np.sum(np.pad([a, b], 1, "reflect") * _w((4,))),
    "diag": lambda a, b: np.sum(np.diag([a, b]) * _w((2, 2))),
    "append": lambda a, b: np.sum(np.append([a, b], [b, 1.0]) * _w((4,))),
    "nan_to_num": lambda a, b: np.sum(np.nan_to_num([a, b]) * _w((2,))),
    "tril": lambda a, b: np.sum(np.tril([[a, b], [b, a]]) * _w((2, 2))),
    "rot90": lambda a, b: np.sum(np.rot90([[a, b], [b, 1.0]]) * _w((2, 2))),
    "select": lambda a, b: np.sum(np.select([[True, False]], [[a, b]], b) * _w((2,))),
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_lists_of_numbers(name):
    """NumPy takes lists of numbers where it takes arrays: the numbers get derivatives."""
    check(LISTS[name], 0.3, 0.8, wrt=(0, 1))


@pytest.mark.parametrize("shape,k", [((3,), 0), ((2, 2), 1), ((3,), -2)])
def test_diagflat(shape, k):
    n = int(np.prod(shape)) + abs(k)
    check(_weighted(lambda v: np.diagflat(v, k) ** 2, (n, n)), _x(*shape))
    check(_weighted(lambda v: np.sin(np.diagflat(v * v, k=k)), (n, n)), _x(*shape))


def differences(x):
    return np.sum(np.sin(np.ediff1d(x)) * np.arange(1.0, 12.0))


def differences_between(x, b, e):
    return np.sum(np.ediff1d(x, to_end=e, to_begin=b) ** 2 * np.arange(1.0, 15.0))


def differences_begun(x, b):
    return np.sum(np.ediff1d(x, None, b) ** 3)


def test_ediff1d():
    r = np.random.default_rng(17)
    check(differences, r.normal(size=(3, 4)))
    check(differences_between, r.normal(size=(3, 4)), 0.4, r.normal(size=2), wrt=(0, 1, 2))
    check(differences_between, r.normal(size=(3, 4)), np.array([0.4]), r.normal(size=(1, 2)),
          wrt=(0, 2))
    check(differences_begun, r.normal(size=5), r.normal(size=2), wrt=(0, 1))
    check(differences_begun, r.normal(size=1), r.normal(size=2), wrt=(0, 1))   # no differences


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_with_a_spacing_per_axis(edge_order):
    """numpy.gradient(f, dx, dy) (runtime_spacings.gradient_spacings): numbers and
    coordinates, one per axis, with axis=; in f and in every spacing."""
    x = _x(4, 6)
    w0, w1 = _w((4, 6)), _w((4, 6))[::-1]

    def numbers(m, dx, dy):
        g0, g1 = np.gradient(m * m, dx, dy, edge_order=edge_order)
        return np.sum(g0 * w0) + np.sum(np.sin(g1) * w1)

    def coordinates(m, cx, cy):
        g0, g1 = np.gradient(np.sin(m), cx, cy, edge_order=edge_order)
        return np.sum(g0 * g1 * w0)

    def with_axes(m, c, h):
        g1, g0 = np.gradient(m ** 3, c, h, axis=(1, -2), edge_order=edge_order)
        return np.sum(g1 * w1 + g0 ** 2 * w0)
    check(numbers, x, 0.4, 1.3, wrt=(0, 1, 2))
    check(coordinates, x, COORDINATES[:4], COORDINATES, wrt=(0, 1, 2))
    check(with_axes, x, COORDINATES, 0.7, wrt=(0, 1, 2))
