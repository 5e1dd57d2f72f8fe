"""srcdiff/runtime_indexing.py called directly: each adjoint against the central-difference
vector-Jacobian product of its primal, tangents against directional differences, and the
shapes of the pieces handed back."""
import numpy as np
import pytest

from gradcheck import numerical_grad
from srcdiff.runtime_indexing import (arange_slopes, array_grad, diagonal_grad, index_concat,
                                      index_concat_grad, index_concat_tangent, index_grid,
                                      inverse_axes, linspace_fraction, linspace_tangent,
                                      normal_draw, range_item, repeat_grad, split_grad,
                                      take_along_axis_grad, take_grad, take_indices,
                                      uniform_fraction, unstack_grad)

rng = np.random.default_rng(9)


def _vjp(f, args, i, g):
    return numerical_grad(f, args, i, cotangent=g)


def test_inverse_axes_undoes_a_transpose():
    x = rng.normal(size=(2, 3, 4))
    for axes in [(1, 2, 0), (2, 0, 1), (0, 2, 1), (-1, 0, 1)]:
        y = np.transpose(x, axes)
        assert np.array_equal(np.transpose(y, inverse_axes(axes, 3)), x)
    assert inverse_axes(None, 3) is None


@pytest.mark.parametrize("func,axis,promote", [
    (lambda a, b: np.concatenate([a, b], axis=1), 1, None),
    (lambda a, b: np.concatenate([a, b], axis=None), None, None),
    (lambda a, b: np.vstack([a, b]), 0, 2),
])
def test_split_grad_is_concatenations_adjoint(func, axis, promote):
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 2) if axis == 1 else (1, 3))
    g = rng.normal(size=np.shape(func(a, b)))
    ga, gb = split_grad(g, [a, b], axis, promote)
    assert ga.shape == a.shape and gb.shape == b.shape
    np.testing.assert_allclose(ga, _vjp(func, [a, b], 0, g), atol=1e-8)
    np.testing.assert_allclose(gb, _vjp(func, [a, b], 1, g), atol=1e-8)


def test_hstack_of_vectors_and_stack_adjoints():
    a, b = rng.normal(size=3), rng.normal(size=2)
    g = rng.normal(size=5)
    ga, gb = split_grad(g, [a, b], 0, 1)
    np.testing.assert_allclose(gb, _vjp(lambda u, v: np.hstack([u, v]), [a, b], 1, g), atol=1e-8)
    c, d = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    g = rng.normal(size=(2, 2, 3))
    gc, gd = unstack_grad(g, [c, d], 1)
    np.testing.assert_allclose(gd, _vjp(lambda u, v: np.stack([u, v], axis=1), [c, d], 1, g),
                               atol=1e-8)


def test_array_grad_follows_nested_lists():
    g = np.arange(6.0).reshape(2, 3)
    out = array_grad(g, [[1.0, 2.0, 3.0], np.zeros(3)])
    assert isinstance(out, list) and out[0] == [0.0, 1.0, 2.0]
    assert np.array_equal(out[1], [3.0, 4.0, 5.0])


@pytest.mark.parametrize("offset,axis1,axis2", [(0, 0, 1), (1, 0, 1), (-2, 0, 1), (1, 2, 0),
                                                (5, 0, 1)])
def test_diagonal_grad_is_diagonals_adjoint(offset, axis1, axis2):
    x = rng.normal(size=(3, 4, 2))
    primal = lambda v: np.diagonal(v, offset, axis1, axis2)  # noqa: E731
    g = rng.normal(size=np.shape(primal(x)))
    got = diagonal_grad(g, x, offset, axis1, axis2)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, _vjp(primal, [x], 0, g), atol=1e-8)


@pytest.mark.parametrize("indices,axis,mode", [([0, 2, 2, 1], 0, "raise"), ([[4, -1]], None,
                                               "raise"), ([5, -7, 1], 1, "wrap"),
                                               ([5, -7, 1], 1, "clip")])
def test_take_grad_adds_repeated_indices(indices, axis, mode):
    x = rng.normal(size=(3, 4))
    indices = np.asarray(indices)
    primal = lambda v: np.take(v, indices, axis=axis, mode=mode)  # noqa: E731
    g = rng.normal(size=np.shape(primal(x)))
    np.testing.assert_allclose(take_grad(g, x, indices, axis, mode), _vjp(primal, [x], 0, g),
                               atol=1e-8)
    assert take_indices(indices, x, axis, "raise") is indices


@pytest.mark.parametrize("indices,axis", [([[0, 0, 3], [2, 1, 1], [3, 3, 3]], 1),
                                          ([[2, 0, 2, 1]], 0), ([5, 0, 11, 5], None),
                                          ([[1], [0], [3]], -1)])
def test_take_along_axis_grad_adds_repeated_reads(indices, axis):
    x = rng.normal(size=(3, 4))
    indices = np.asarray(indices)
    primal = lambda v: np.take_along_axis(v, indices, axis)  # noqa: E731
    g = rng.normal(size=np.shape(primal(x)))
    got = take_along_axis_grad(g, x, indices, axis)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, _vjp(primal, [x], 0, g), atol=1e-8)


@pytest.mark.parametrize("repeats,axis", [(2, None), (3, 1), ([1, 0, 2], 0), (0, 0),
                                          ([2, 1, 1, 3], 1)])
def test_repeat_grad_sums_each_group_of_copies(repeats, axis):
    x = rng.normal(size=(3, 4))
    primal = lambda v: np.repeat(v, repeats, axis=axis)  # noqa: E731
    g = rng.normal(size=np.shape(primal(x)))
    got = repeat_grad(g, x, repeats, axis)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, _vjp(primal, [x], 0, g), atol=1e-8)


def test_index_concat_and_its_derivatives():
    a, b = rng.normal(size=3), rng.normal(size=2)
    items = [a, range_item(0, 2, None), b]
    y = index_concat(np.r_, items)
    assert np.array_equal(y, np.r_[a, 0:2, b])
    g = rng.normal(size=y.shape)
    ga, gr, gb = index_concat_grad(g, np.r_, items)
    assert gr == 0.0
    np.testing.assert_allclose(gb, _vjp(lambda u: np.r_[a, 0:2, u], [b], 0, g), atol=1e-8)
    ta, tb = rng.normal(size=3), rng.normal(size=2)
    eps = 1e-6
    want = (np.r_[a + eps * ta, 0:2, b + eps * tb] - np.r_[a - eps * ta, 0:2, b - eps * tb]) \
        / (2 * eps)
    np.testing.assert_allclose(index_concat_tangent(np.r_, [ta, None, tb], items), want,
                               atol=1e-8)
    m = rng.normal(size=(2, 2))
    gm = index_concat_grad(np.ones((2, 4)), np.c_, [m, m])
    assert [p.shape for p in gm] == [(2, 2), (2, 2)]
    grid = index_grid(np.mgrid, [range_item(0, 3, None), range_item(1, 5, 2)])
    assert np.array_equal(grid, np.mgrid[0:3, 1:5:2])
    assert index_grid(np.mgrid, [range_item(0, 3, None)]).shape == np.mgrid[0:3, ].shape == (1, 3)
    assert index_grid(np.mgrid, range_item(0, 3, None)).shape == np.mgrid[0:3].shape == (3,)
    assert len(index_grid(np.ogrid, [range_item(0, 3, None)])) == 1
    assert index_grid(np.ogrid, range_item(0, 3, None)).shape == (3,)


def test_arange_and_linspace_slopes_match_finite_differences():
    y = np.arange(0.5, 3.0, 0.75)
    assert np.array_equal(arange_slopes(y, 3.0, "start"), np.ones(4))
    assert np.array_equal(arange_slopes(y, 3.0, "step"), [0.0, 1.0, 2.0, 3.0])
    assert np.all(arange_slopes(np.arange(4), 4, "step") == 0)
    assert np.all(arange_slopes(np.arange(4.0), None, "start") == 0)
    start, stop = rng.normal(size=2), rng.normal(size=2)
    frac = linspace_fraction(start, stop, 5, True, False, None, 1)
    eps = 1e-6
    t = rng.normal(size=2)
    want = (np.linspace(start, stop + eps * t, 5, axis=1)
            - np.linspace(start, stop - eps * t, 5, axis=1)) / (2 * eps)
    np.testing.assert_allclose(linspace_tangent(t, frac, 1), want, atol=1e-8)
    assert np.all(linspace_fraction(0.0, 4.0, 5, True, False, int, 0) == 0)


def test_draws_recover_the_standard_sample():
    z = rng.normal(size=4)
    assert np.allclose(normal_draw(1.5 + 2.0 * z, 1.5, 2.0), z)
    u = rng.uniform(size=4)
    assert np.allclose(uniform_fraction(-1.0 + 3.0 * u, -1.0, 2.0), u)
