"""srcdiff/runtime_numpy.py called directly: adjoints against the central-difference
vector-Jacobian product of the primal (numerical_grad with a cotangent), tangents against
directional differences, and the shapes, dtypes and edge values the rules rely on."""
import warnings

import numpy as np
import pytest

from gradcheck import numerical_grad
from srcdiff.runtime_numpy import (abs_slope, abs_slope_tangent, cast_grad, center_like, centered,
                                   clip_mask, cumsum_grad, expand_reduced, extremum_grad,
                                   extremum_weights, imag_grad, log_base, log_of_base,
                                   pick_grad, pick_tangent, power_exponent, prod_others,
                                   reduce_grad, reduced_count, reshape_like, safe_divide,
                                   tie_split)

rng = np.random.default_rng(5)


def _vjp(f, args, i, g):
    return numerical_grad(f, args, i, cotangent=g)


def test_power_exponent_and_log_base_stay_finite():
    assert power_exponent(0) == 1 and power_exponent(3.0) == 2.0
    np.testing.assert_array_equal(power_exponent(np.array([0.0, 2.5])), [1.0, 1.5])
    assert log_base(np.e) == pytest.approx(1.0) and log_base(-2.0) == 0.0 and log_base(0.0) == 0.0
    assert log_base(0j) == 0j and log_base(-1 + 0j) == pytest.approx(np.pi * 1j)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(log_base(np.array([-1.0, 0.0, np.e])), [0.0, 0.0, 1.0])
    assert log_of_base(None) == 1.0 and log_of_base(np.e) == pytest.approx(1.0)


@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (1, True), ((0, 2), False),
                                           (-1, False), (None, True)])
def test_reduce_grad_is_the_sums_adjoint(axis, keepdims):
    a = rng.normal(size=(2, 3, 4))
    g = rng.normal(size=np.shape(np.sum(a, axis=axis, keepdims=keepdims)))
    got = reduce_grad(g, a, axis, keepdims)
    assert got.shape == a.shape
    want = _vjp(lambda v: np.sum(v, axis=axis, keepdims=keepdims), [a], 0, g)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    expanded = expand_reduced(g, a, axis, keepdims)
    np.testing.assert_allclose(np.broadcast_to(expanded, a.shape), want, rtol=1e-6, atol=1e-8)


def test_reduced_count_and_reshape_like():
    a = np.zeros((2, 3, 4))
    assert reduced_count(a, np.sum(a, axis=(0, 2))) == 8
    assert reduced_count(a, np.sum(a)) == 24 and reduced_count(np.zeros((0, 3)), np.zeros(0)) == 0
    assert reshape_like(np.arange(6.0), np.zeros((2, 3))).shape == (2, 3)
    np.testing.assert_array_equal(reshape_like(np.arange(6.0), np.zeros((2, 3)), "F"),
                                  np.reshape(np.arange(6.0), (2, 3), order="F"))


def test_centered_is_exactly_zero_where_constant():
    a = np.array([[0.1, 0.1, 0.1], [1.0, 2.0, 4.0]])
    c = centered(a, 1)
    assert np.all(c[0] == 0.0)
    np.testing.assert_allclose(c[1], a[1] - a[1].mean())
    t = rng.normal(size=a.shape)
    np.testing.assert_allclose(center_like(t, a, 1, False), t - t.mean(axis=1, keepdims=True))
    assert np.all(center_like(t, a, 1, True)[0] == 0.0)


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
def test_prod_others_is_the_products_gradient_with_zeros(axis):
    a = rng.normal(size=(3, 4))
    a[1, 2] = 0.0
    a[2, 0] = a[2, 3] = 0.0
    g = rng.normal(size=np.shape(np.prod(a, axis=axis)))
    got = prod_others(a, axis) * expand_reduced(g, a, axis, False)
    want = _vjp(lambda v: np.prod(v, axis=axis), [a], 0, g)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (1, True)])
def test_extremum_grad_is_maxs_adjoint_and_splits_ties(axis, keepdims):
    a = rng.normal(size=(3, 4))
    y = np.max(a, axis=axis, keepdims=keepdims)
    g = rng.normal(size=np.shape(y))
    want = _vjp(lambda v: np.max(v, axis=axis, keepdims=keepdims), [a], 0, g)
    np.testing.assert_allclose(extremum_grad(g, a, y, axis, keepdims), want, rtol=1e-6,
                               atol=1e-8)
    tied = np.array([1.0, 3.0, 3.0, 2.0])
    np.testing.assert_allclose(extremum_grad(1.0, tied, np.max(tied), None, False),
                               [0, 0.5, 0.5, 0])
    np.testing.assert_allclose(extremum_weights(tied, np.max(tied), None, False),
                               [0, 0.5, 0.5, 0])
    with_nan = np.array([1.0, np.nan, 2.0])
    np.testing.assert_array_equal(extremum_grad(1.0, with_nan, np.max(with_nan), None, False),
                                  [0, 1, 0])


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_cumsum_grad_is_the_running_sums_adjoint(axis):
    a = rng.normal(size=(3, 4))
    g = rng.normal(size=np.shape(np.cumsum(a, axis=axis)))
    got = cumsum_grad(g, a, axis)
    assert got.shape == a.shape
    np.testing.assert_allclose(got, _vjp(lambda v: np.cumsum(v, axis=axis), [a], 0, g),
                               rtol=1e-6, atol=1e-8)


def test_clip_masks_give_clips_derivatives():
    a = np.array([-2.0, -0.5, 0.25, 0.9, 3.0])
    lo, hi = -1.0, 1.0
    g = rng.normal(size=a.shape)
    np.testing.assert_allclose(g * clip_mask(a, lo, hi, "a"),
                               _vjp(lambda v: np.clip(v, lo, hi), [a], 0, g), atol=1e-8)
    assert clip_mask(a, lo, hi, "lo").tolist() == [True, False, False, False, False]
    assert clip_mask(a, lo, hi, "hi").tolist() == [False, False, False, False, True]
    assert clip_mask(a, None, hi, "a").tolist() == [True, True, True, True, False]
    np.testing.assert_array_equal(tie_split(np.ones(3), np.array([1, 0, 0], bool),
                                            np.array([0, 1, 0], bool)), [1.0, 0.5, 0.0])


def test_cast_grad_and_imag_grad_dtypes():
    x32 = np.ones(3, dtype=np.float32)
    g = np.full(3, 2.0)
    out = cast_grad(g, x32, x32.astype(np.float64))
    assert out.dtype == np.float32 and np.all(out == 2.0)
    assert np.all(cast_grad(g, x32, x32.astype(int)) == 0)       # no derivative through ints
    assert cast_grad(1j + g, np.ones(3), np.ones(3)).dtype == np.float64
    assert np.all(imag_grad(g, np.ones(3)) == 0)
    np.testing.assert_array_equal(imag_grad(g + 5j, np.ones(3) * 1j), -2j * np.ones(3))


def test_pick_follows_pythons_max_and_min_ties_to_the_first():
    assert pick_grad(1.0, [1.0, 3.0, 3.0], None, 0, True) == [0.0, 1.0, 0.0]
    assert pick_grad(1.0, [1.0, 3.0, 0.5], None, 0, False) == [0.0, 0.0, 1.0]
    assert pick_grad(2.0, 1.0, 1.0, 0, True) == 2.0 and pick_grad(2.0, 1.0, 1.0, 1, True) == 0.0
    assert pick_tangent([4.0, 5.0, 6.0], [1.0, 3.0, 3.0], None, 0, True) == 5.0
    assert pick_tangent(7.0, 1.0, 2.0, 1, True) == 7.0


def test_abs_slope_and_its_tangent_match_finite_differences():
    x = rng.normal(size=4)
    g = rng.normal(size=4)
    np.testing.assert_allclose(g * abs_slope(x), _vjp(np.abs, [x], 0, g), rtol=1e-6, atol=1e-8)
    assert abs_slope(np.zeros(2)).tolist() == [0.0, 0.0]
    z = x + 1j * rng.normal(size=4)
    t = rng.normal(size=4) + 1j * rng.normal(size=4)
    eps = 1e-6
    want = (abs_slope(z + eps * t) - abs_slope(z - eps * t)) / (2 * eps)
    np.testing.assert_allclose(abs_slope_tangent(t, z), want, rtol=1e-6, atol=1e-8)
    assert np.all(abs_slope_tangent(t.real, x) == 0)


def test_safe_divide_is_zero_at_zero_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = safe_divide(np.array([1.0, 2.0]), np.array([0.0, 4.0]))
    np.testing.assert_array_equal(out, [0.0, 0.5])
