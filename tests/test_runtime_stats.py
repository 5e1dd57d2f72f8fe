"""srcdiff/runtime_stats.py: the helpers of the reduction and statistics rules, tested
directly against finite differences of the NumPy functions they differentiate (and, for the
linear helper pairs, against each other as transposes)."""
import numpy
import pytest

from srcdiff import runtime_stats as rs
from gradcheck import assert_close_tree, directional_difference, numerical_grad

RNG = numpy.random.default_rng(23)



@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("zeros", [0, 1, 2])
def test_cumprod_grad_and_tangents_match_differences_even_with_zeros(axis, zeros):
    a = RNG.normal(size=(3, 4))
    a.flat[[1, 6][:zeros]] = 0.0           # exact where a has zeros: no division
    y = numpy.cumprod(a, axis)
    g = RNG.normal(size=y.shape)
    expected = numerical_grad(lambda v: numpy.cumprod(v, axis), [a], 0, cotangent=g)
    assert_close_tree(rs.cumprod_grad(g, a, axis), expected, 1e-6, 1e-8)
    t = RNG.normal(size=a.shape)
    assert_close_tree(rs.cumprod_tangent(t, a, axis),
                      directional_difference(lambda v: numpy.cumprod(v, axis), a, t), 1e-6, 1e-8)
    assert_close_tree(rs.cumprod_grad_tangent(g, a, t, axis),
                      directional_difference(lambda v: rs.cumprod_grad(g, v, axis), a, t), 1e-6, 1e-7)


@pytest.mark.parametrize("include_initial", [False, True])
def test_drop_initial_is_the_transpose_of_add_initial(include_initial):
    t = RNG.normal(size=(3, 4))
    with_first = rs.add_initial(t, 1, include_initial)
    g = RNG.normal(size=with_first.shape)
    assert numpy.sum(g * with_first) == pytest.approx(
        numpy.sum(rs.drop_initial(g, 1, include_initial) * t))
    if include_initial:
        assert with_first.shape == (3, 5) and not numpy.any(with_first[:, 0])


@pytest.mark.parametrize("axis", [None, 0, (0, 1), 1])
def test_nan_center_like_is_linear_self_adjoint_and_ignores_nans(axis):
    a = RNG.normal(size=(4, 3))
    a[1, 2] = a[3, 0] = numpy.nan
    s, t = RNG.normal(size=a.shape), RNG.normal(size=a.shape)
    cs, ct = rs.nan_center_like(s, a, axis, False), rs.nan_center_like(t, a, axis, False)
    # a centering (a projection) is its own transpose
    assert numpy.sum(s * ct) == pytest.approx(numpy.sum(cs * t))
    assert ct[1, 2] == 0 and ct[3, 0] == 0
    # it is the derivative of the NaN-ignoring centering of a along t
    keep = ~numpy.isnan(a)

    def centered(v):
        return numpy.where(keep, v - numpy.nanmean(v, axis=axis, keepdims=True), 0.0)
    assert_close_tree(ct, directional_difference(centered, numpy.where(keep, a, numpy.nan), t), 1e-6, 1e-8)


def test_nan_center_like_with_a_kink_is_zero_where_the_values_are_constant():
    a = numpy.array([[1.0, 1.0, numpy.nan], [1.0, 2.0, 3.0]])
    out = rs.nan_center_like(RNG.normal(size=a.shape), a, 1, True)
    assert not numpy.any(out[0]) and numpy.any(out[1])


@pytest.mark.parametrize("wshape, axis", [((3, 4), 1), ((4,), 1), ((3,), 0), ((3, 4), None)])
def test_unbroadcast_weights_is_the_transpose_of_broadcast_weights(wshape, axis):
    a = RNG.normal(size=(3, 4))
    w = RNG.normal(size=wshape)
    wide = numpy.broadcast_to(rs.broadcast_weights(w, a, axis), a.shape)
    g = RNG.normal(size=a.shape)
    assert numpy.sum(g * wide) == pytest.approx(numpy.sum(rs.unbroadcast_weights(g, w, a, axis) * w))
    assert numpy.average(a, axis, wide) == pytest.approx(numpy.average(a, axis, w)) if \
        axis is None else numpy.allclose(numpy.average(a, axis, wide), numpy.average(a, axis, w))


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("correlate", [False, True])
@pytest.mark.parametrize("n, m", [(5, 3), (3, 5), (4, 4)])
def test_full_window_puts_the_mode_result_inside_the_full_one(mode, correlate, n, m):
    fn = numpy.correlate if correlate else numpy.convolve
    a, v = RNG.normal(size=n), RNG.normal(size=m)
    part = fn(a, v, mode)
    g = RNG.normal(size=part.shape)
    # <g, part> == <full_window(g), full>: the window is where the mode's result sits
    assert numpy.sum(g * part) == pytest.approx(
        numpy.sum(rs.full_window(g, n, m, mode, correlate) * fn(a, v, "full")))


@pytest.mark.parametrize("x_given", [False, True])
def test_trapezoid_weights_and_the_adjoint_in_x(x_given):
    y = RNG.normal(size=(2, 6))
    x = numpy.cumsum(RNG.uniform(0.1, 1.0, size=6))
    w = rs.trapezoid_weights(y, x if x_given else None, 0.3, 1)
    expected = numpy.trapezoid(y, x, axis=1) if x_given else numpy.trapezoid(y, dx=0.3, axis=1)
    assert_close_tree(numpy.sum(w * y, axis=1), expected, 1e-12, 1e-12)
    if x_given:
        g = RNG.normal(size=2)
        diff = numerical_grad(lambda v: numpy.trapezoid(y, v, axis=1), [x], 0, cotangent=g)
        assert_close_tree(rs.trapezoid_grad_x(g, y, x, 1), diff, 1e-6, 1e-8)


def test_bessel_i1_is_the_slope_of_i0_and_its_slope_matches_differences():
    x = numpy.array([-3.0, -0.5, 0.0, 0.2, 1.0, 4.0, 12.0])
    assert_close_tree(rs.bessel_i1(x), directional_difference(numpy.i0, x, numpy.ones_like(x)), 1e-7, 1e-9)
    assert_close_tree(rs.bessel_i1_slope(x), directional_difference(rs.bessel_i1, x, numpy.ones_like(x)), 1e-6, 1e-8)


def test_sinc_slope_and_curvature_match_differences_near_and_away_from_zero():
    x = numpy.array([-2.5, -1e-4, 0.0, 3e-4, 0.3, 1.0, 7.25])
    one = numpy.ones_like(x)
    assert_close_tree(rs.sinc_slope(x), directional_difference(numpy.sinc, x, one), 1e-6, 1e-8)
    assert_close_tree(rs.sinc_curvature(x), directional_difference(rs.sinc_slope, x, one, 1e-5), 1e-5, 1e-6)


def test_expand_axis_puts_a_reduced_axis_back():
    like = numpy.zeros((2, 3, 4))
    assert rs.expand_axis(numpy.zeros((2, 4)), like, -2).shape == (2, 1, 4)


@pytest.mark.parametrize("fn", [numpy.maximum.accumulate, numpy.fmin.accumulate])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_running_extremum_tangent_and_grad_match_differences_and_transpose(fn, axis):
    a = RNG.permutation(numpy.linspace(-1.0, 1.0, 12)).reshape(3, 4)
    y = fn(a, axis=axis)
    t = RNG.normal(size=a.shape)
    assert_close_tree(rs.running_extremum_tangent(t, a, y, axis),
                      directional_difference(lambda v: fn(v, axis=axis), a, t), 1e-6, 1e-8)
    g = RNG.normal(size=y.shape)
    assert_close_tree(rs.running_extremum_grad(g, a, y, axis),
                      numerical_grad(lambda v: fn(v, axis=axis), [a], 0, cotangent=g), 1e-6, 1e-8)


def test_running_extremum_helpers_are_transposes_with_ties_and_nans():
    a = numpy.array([[1.0, 1.0, 0.5, 1.0, 2.0, 2.0], [numpy.nan, 0.3, numpy.nan, 0.3, 0.1, 0.3]])
    for fn in (numpy.maximum.accumulate, numpy.fmax.accumulate, numpy.minimum.accumulate):
        y = fn(a, axis=1)
        t, g = RNG.normal(size=a.shape), RNG.normal(size=a.shape)
        left = numpy.sum(g * rs.running_extremum_tangent(t, a, y, 1))
        right = numpy.sum(rs.running_extremum_grad(g, a, y, 1) * t)
        assert numpy.isclose(left, right)
        # the weights of each y[i] are a convex combination of the x that hold its value
        ones = rs.running_extremum_tangent(numpy.ones_like(a), a, y, 1)
        assert numpy.allclose(ones, 1.0)


def test_run_sums_add_within_runs_only():
    values = numpy.arange(1.0, 9.0)
    runs = numpy.array([0, 0, 0, 3, 3, 5, 5, 5])
    got = rs._run_sums(values, runs)
    assert numpy.array_equal(got, [1.0, 3.0, 6.0, 4.0, 9.0, 6.0, 13.0, 21.0])


@pytest.mark.parametrize("begin, end", [(None, None), (0.4, None), (None, [0.1, 0.2]),
                                        ([[0.5, 0.6]], 0.3)])
@pytest.mark.parametrize("shape", [(3, 2), (1,)])
def test_ediff1d_helpers_are_transposes_matching_differences(begin, end, shape):
    ary = RNG.normal(size=shape)
    begin = None if begin is None else numpy.asarray(begin)
    end = None if end is None else numpy.asarray(end)
    y = numpy.ediff1d(ary, end, begin)
    g = RNG.normal(size=y.shape)
    for which, value in (("ary", ary), ("to_end", end), ("to_begin", begin)):
        if value is None:
            continue
        t = RNG.normal(size=numpy.shape(value))

        def moved(v):
            args = {"ary": ary, "to_end": end, "to_begin": begin, which: v}
            return numpy.ediff1d(args["ary"], args["to_end"], args["to_begin"])
        tangent = rs.ediff1d_tangent(t, ary, end, begin, which)
        assert_close_tree(tangent, directional_difference(moved, value, t), 1e-6, 1e-8)
        grad = rs.ediff1d_grad(g, ary, end, begin, which)
        assert numpy.shape(grad) == numpy.shape(value)
        assert numpy.isclose(numpy.sum(g * tangent), numpy.sum(grad * t))
