"""Every rule in templates/statistics.py against central differences (gradcheck.check: both
modes, second order), at the kinks the project's conventions settle (ties split evenly),
and the refusals of what the rules do not handle."""
import numpy as np
import pytest

import srcdiff
import srcdiff.errors
from gradcheck import check

rng = np.random.default_rng(7)


def _distinct(shape):
    n = int(np.prod(shape, dtype=int))
    vals = rng.permutation(np.linspace(0.3, 1.7, n)) * rng.choice([-1.0, 1.0], size=n)
    return vals.reshape(shape)


def _weighted(f, x):
    w = np.arange(1.0, 1.0 + np.size(f(x))).reshape(np.shape(f(x)))
    return lambda x: np.sum(np.sin(f(x)) * w)


# -- median, quantile, percentile ------------------------------------------------------------
AXES = [(None, False), (None, True), (0, False), (1, True), (-1, False), ((0, 2), False),
        ((0, -1), True)]


@pytest.mark.parametrize("axis,keepdims", AXES)
@pytest.mark.parametrize("fn", [np.median, np.nanmedian])
def test_median(fn, axis, keepdims):
    x = _distinct((2, 3, 4))  # odd and even counts along the axes
    check(_weighted(lambda x: fn(x, axis=axis, keepdims=keepdims), x), x)


def test_median_of_scalars_lists_and_a_row():
    check(lambda x: np.median(x) * 2.0, 0.3)
    check(lambda x: np.median([x, 2.0 * x, 1.0 - x]), 0.4)
    check(lambda x: np.median(x), _distinct((5,)))
    check(lambda x: np.median(x), _distinct((6,)))


def test_median_ties_split_evenly():
    """Two elements hold the median's value: each gets half (central differences agree)."""
    g = check(lambda x: np.median(x), np.array([1.0, 3.0, 1.0]), order=1)
    np.testing.assert_allclose(g, [0.5, 0.0, 0.5])
    # three equal: shared evenly, and the sum is the derivative along moving all three
    x = np.array([2.0, 2.0, 2.0, 5.0])
    g = srcdiff.grad(lambda x: np.median(x))(x)
    along = np.array([1.0, 1.0, 1.0, 0.0])
    slope = (np.median(x + 1e-6 * along) - np.median(x - 1e-6 * along)) / 2e-6
    assert g[0] == g[1] == g[2] and g[3] == 0.0 and np.sum(g) == pytest.approx(slope)


QUANTILE_QS = [0.3, np.array([0.0, 0.25, 0.62, 1.0]), np.array([[0.1], [0.9]])]
QUANTILE_IDS = ["scalar", "vector", "matrix"]


@pytest.mark.parametrize("q", QUANTILE_QS, ids=QUANTILE_IDS)
@pytest.mark.parametrize("axis,keepdims", AXES)
def test_quantile_in_a(q, axis, keepdims):
    x = _distinct((2, 3, 4))
    check(_weighted(lambda x: np.quantile(x, q, axis=axis, keepdims=keepdims), x), x)


@pytest.mark.parametrize("fn,q", [(np.quantile, 0.37), (np.quantile, np.array([0.2, 0.71])),
                                  (np.percentile, 37.0), (np.percentile, np.array([20., 71.])),
                                  (np.nanquantile, np.array([0.2, 0.71])),
                                  (np.nanpercentile, 37.0)])
@pytest.mark.parametrize("axis", [None, 1, (0, 1)])
def test_quantile_in_a_and_q(fn, q, axis):
    x = _distinct((3, 5))
    check(lambda x, q: np.sum(np.sin(fn(x, q, axis=axis))), x, q, wrt=(0, 1))


METHODS = ["linear", "hazen", "weibull", "median_unbiased", "normal_unbiased",
           "interpolated_inverted_cdf", "lower", "higher", "nearest", "midpoint",
           "inverted_cdf", "averaged_inverted_cdf", "closest_observation"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fn,q", [(np.quantile, np.array([0.05, 0.37, 0.93])),
                                  (np.percentile, 41.0), (np.nanquantile, 0.37),
                                  (np.nanpercentile, np.array([5.0, 63.0]))])
def test_quantile_methods(method, fn, q):
    x = _distinct((3, 7))
    if fn in (np.nanquantile, np.nanpercentile):
        x[0, 2] = x[2, 5] = x[2, 6] = np.nan
    check(lambda x, q: np.sum(np.sin(fn(x, q, axis=1, method=method))), x, q, wrt=(0, 1))


@pytest.mark.parametrize("fn", [np.nanmedian, np.nanquantile, np.nanpercentile])
def test_nan_quantiles_with_nans_and_an_all_nan_row(fn):
    x = _distinct((3, 5))
    x[0, 1] = x[2, 0] = x[2, 4] = np.nan
    if fn is np.nanmedian:
        rows = lambda x: fn(x, axis=1)  # noqa: E731
    else:
        q = 0.4 if fn is np.nanquantile else 40.0
        rows = lambda x: fn(x, q, axis=1)  # noqa: E731
    check(lambda x: np.sum(np.sin(rows(x))), x)
    x[1] = np.nan
    with pytest.warns(RuntimeWarning):
        g = srcdiff.grad(lambda x: np.nansum(rows(x)))(x)
    assert np.all(g[1] == 0.0) and np.all(g[np.isnan(x)] == 0.0)


def quantile_overwriting(x):
    return np.quantile(x, 0.5, overwrite_input=True)


def percentile_weighted(x):
    return np.percentile(x, 50.0, method="inverted_cdf", weights=x)


def median_out(x):
    return np.median(x, 0, x[0])


@pytest.mark.parametrize("f", [quantile_overwriting, percentile_weighted, median_out])
def test_quantile_arguments_the_rules_do_not_handle_are_refused(f):
    with pytest.raises(srcdiff.errors.UnsupportedCodeError) as info:
        srcdiff.grad(f)(np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert "test_statistics.py" in str(info.value)


# -- interp --------------------------------------------------------------------------------
XP = np.array([0.0, 0.5, 1.3, 2.0, 3.1])
FP = np.array([1.0, -0.5, 0.7, 2.0, 0.3])
X = np.array([[-0.4, 0.2, 0.8], [1.7, 2.5, 3.6]])


def test_interp_in_x_xp_and_fp():
    w = np.arange(1.0, 7.0).reshape(2, 3)
    check(lambda x, xp, fp: np.sum(np.sin(np.interp(x, xp, fp)) * w), X, XP, FP,
          wrt=(0, 1, 2))


def test_interp_left_and_right():
    check(lambda x, xp, fp, lo, hi: np.sum(np.sin(np.interp(x, xp, fp, lo, hi))),
          X, XP, FP, 0.3, -0.2, wrt=(0, 1, 2, 3, 4))
    check(lambda x, fp, hi: np.sum(np.sin(np.interp(x, XP, fp, right=hi))), X, FP, -0.2,
          wrt=(0, 1, 2))


def test_interp_of_a_scalar_and_a_list():
    check(lambda x, fp: np.sin(np.interp(x, XP, fp)), 0.9, FP, wrt=(0, 1))
    check(lambda x: np.sum(np.interp([x, 2 * x], XP, FP)), 0.6)
    # a constant list of query points (the rule's held mask once multiplied the list)
    check(lambda fp: np.sum(np.interp([0.15, 0.5, 0.77], XP, fp) ** 2), FP)
    check(lambda fp: np.interp(0.5, XP, fp, left=0.0) ** 2, FP)


def test_interp_at_knots_takes_the_average_of_both_sides():
    """A kink: the even split, which central differences give; the second derivative is
    undefined there (the slope jumps), so first order only."""
    x = np.array([0.0, 0.5, 1.3, 3.1])
    g = check(lambda x, xp, fp: np.sum(np.interp(x, xp, fp)), x, XP, FP, wrt=(0, 1, 2),
              order=1)
    slopes = np.diff(FP) / np.diff(XP)
    np.testing.assert_allclose(g[0], [slopes[0] / 2, (slopes[0] + slopes[1]) / 2,
                                      (slopes[1] + slopes[2]) / 2, slopes[-1] / 2])


def interp_periodic(x):
    return np.sum(np.interp(x, XP, FP, period=2.0))


def test_interp_period_is_refused_at_the_line():
    with pytest.raises(srcdiff.errors.UnsupportedCodeError) as info:
        srcdiff.grad(interp_periodic)(X)
    assert "test_statistics.py" in str(info.value)


# -- trapezoid -------------------------------------------------------------------------------
T = np.cumsum(rng.uniform(0.2, 1.0, size=5))


def test_trapezoid():
    y = _distinct((3, 5))
    check(lambda y: np.sin(np.trapezoid(y[0])), y)
    check(lambda y, t: np.sum(np.sin(np.trapezoid(y, t))), y, T, wrt=(0, 1))
    check(lambda y, t: np.sum(np.sin(np.trapezoid(y, t, axis=0))), y.T.copy(), T, wrt=(0, 1))
    check(lambda y, h: np.sum(np.sin(np.trapezoid(y, dx=h, axis=0))), y, 0.3, wrt=(0, 1))
    check(lambda y, t: np.sum(np.sin(np.trapezoid(y, t))), y, y ** 2 + np.arange(5.0),
          wrt=(0, 1))
    check(lambda y, t: np.sum(np.sin(np.trapezoid(y, t, axis=-1))), y, T[None, :] * 1.0,
          wrt=(0, 1))
    check(lambda t: np.trapezoid([t, t * t, 1.0], dx=0.5), 0.7)
    # one sample: no interval, the integral is 0
    check(lambda y, t: np.sum(np.trapezoid(y, t)), np.ones((2, 1)) * 0.3, np.array([0.5]),
          wrt=(0, 1))


# -- convolve and correlate ------------------------------------------------------------------
@pytest.mark.parametrize("fn", [np.convolve, np.correlate])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("n,m", [(5, 3), (2, 5), (4, 4), (1, 3), (3, 1)])
def test_convolve_and_correlate(fn, mode, n, m):
    a, v = _distinct((n,)), _distinct((m,))
    check(lambda a, v: np.sum(np.sin(fn(a, v, mode)) * np.arange(1.0, 1.0 + np.size(
        fn(a, v, mode)))), a, v, wrt=(0, 1))


@pytest.mark.parametrize("fn", [np.convolve, np.correlate])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_and_correlate_of_complex_values(fn, mode):
    a = _distinct((5,)) + 1j * _distinct((5,))
    v = _distinct((2,)) - 1j * _distinct((2,))
    check(lambda a, v: np.sum(np.abs(fn(a, v, mode)) ** 2), a, v, wrt=(0, 1))
    check(lambda a, v: np.sum(np.abs(fn(a, v, mode)) ** 2), v, a, wrt=(0, 1))


def test_convolve_default_mode():
    check(lambda a: np.sum(np.convolve(a, a) ** 2), _distinct((4,)))
    check(lambda a: np.sum(np.correlate(a, a[:2]) ** 2), _distinct((4,)))


# -- outer products of ufuncs ----------------------------------------------------------------
OUTERS = [np.add.outer, np.subtract.outer, np.multiply.outer, np.divide.outer,
          np.maximum.outer, np.minimum.outer]


@pytest.mark.parametrize("fn", OUTERS, ids=lambda f: f.__self__.__name__)
@pytest.mark.parametrize("sa,sb", [((3,), (2, 2)), ((2, 1), (3,)), ((), (3,)), ((3,), ())])
def test_ufunc_outer(fn, sa, sb):
    a, b = _distinct(sa), _distinct(sb) + 2.5
    w = np.arange(1.0, 1.0 + np.size(fn(a, b))).reshape(np.shape(fn(a, b)))
    check(lambda a, b: np.sum(np.sin(fn(a, b)) * w), a, b, wrt=(0, 1))


def test_ufunc_outer_of_scalars_and_ties():
    check(lambda a, b: np.sum(np.sin(np.multiply.outer(a, b))), 0.7, _distinct((3,)),
          wrt=(0, 1))
    g = check(lambda a: np.sum(np.maximum.outer(a, np.array([1.0, 2.0]))), np.array([1.0, 3.0]),
              order=1)
    np.testing.assert_allclose(g, [0.5, 2.0])


def power_outer(a):
    return np.sum(np.power.outer(a, a))


def test_outer_of_a_ufunc_without_a_rule_is_refused_at_the_line():
    with pytest.raises(srcdiff.errors.NoRuleError, match="numpy.power.outer") as info:
        srcdiff.grad(power_outer)(np.array([1.0, 2.0]))
    assert "test_statistics.py" in str(info.value)


# -- i0, sinc, logaddexp2 ---------------------------------------------------------------------
def test_i0():
    check(lambda x: np.sum(np.i0(x) * np.arange(1.0, 6.0)),
          np.array([-3.0, -0.4, 0.0, 0.8, 2.5]))
    check(lambda x: np.sum(np.i0(x)), np.array([-30.0, 12.0, 50.0]), rtol=1e-6)
    check(lambda x: np.i0(x) * 1.0, 0.7)


def test_sinc_second_derivative_at_zero():
    """sinc''(0) = -pi^2/3: the rule's where(x == 0, 0, ...) made it 0."""
    x = np.array([0.0, 1e-5, -3e-4, 0.3, 2.0, -1.5])
    check(lambda x: np.sum(np.sinc(x)), x)
    assert srcdiff.hvp(lambda x: np.sinc(x))(0.0, 1.0) == pytest.approx(-np.pi ** 2 / 3)


def test_logaddexp2():
    a, b = _distinct((2, 3)), _distinct((3,))
    check(lambda a, b: np.sum(np.sin(np.logaddexp2(a, b))), a, b, wrt=(0, 1))
    check(lambda a: np.logaddexp2(a, 0.5) * 2.0, 0.3)


# -- the runtime_stats and runtime_quantiles helpers' own tangent rules, each called as a
# plain function --------------------------------------------------------------------------
from srcdiff.runtime_quantiles import (quantile_weights, weighted_expand,  # noqa: E402
                                       weighted_reduce)
from srcdiff.runtime_stats import (bessel_i1, cumprod_grad, full_window,  # noqa: E402
                                   nan_center_like, nan_centered,
                                   sinc_slope, trapezoid_grad_x, trapezoid_weights)


def check_fwd(f, *args, **kwargs):
    """`check` in forward mode: these helpers are met by forward mode over emitted gradients."""
    return check(f, *args, modes=("fwd",), order=1, **kwargs)


def test_cumprod_grad_tangent_with_zeros():
    a = _distinct((2, 4))
    a[0, 1] = a[0, 2] = a[1, 3] = 0.0
    g = _distinct((2, 4))
    check_fwd(lambda g, a: cumprod_grad(g * g, a * a, 1), g, a, wrt=(0, 1))
    check_fwd(lambda a: cumprod_grad(g, a, None), a)


def test_nan_centering_tangents():
    a = _distinct((2, 4))
    a[0, 1] = np.nan
    t = _distinct((2, 4))
    check_fwd(lambda t: nan_center_like(t * t, a, 1, False), t)
    check_fwd(lambda t: nan_center_like(t, a, None, True), t)
    check_fwd(lambda b: nan_centered(b * 2.0, 0), np.array([[0.3, 1.0], [0.7, -1.0]]))


def test_quantile_helpers_tangents():
    a = _distinct((3, 5))
    w = quantile_weights(a, np.array([0.3, 0.8]), 1, "linear", False, "value")
    check_fwd(lambda q: weighted_reduce(quantile_weights(a, q, 1, "linear", False, "value"),
                                        a, 1, False, 1), np.array([0.3, 0.8]))
    check_fwd(lambda t, w: weighted_reduce(w, t * t, 1, True, 1), a, w, wrt=(0, 1))
    check_fwd(lambda g, w: weighted_expand(g * g, w, a, 1, False, 1), _distinct((2, 3)), w,
              wrt=(0, 1))


def test_window_trapezoid_and_special_helpers_tangents():
    check_fwd(lambda g: full_window(g * g, 5, 3, "same", True), _distinct((5,)))
    y = _distinct((2, 4))
    check_fwd(lambda x: trapezoid_weights(y, x * x, 1.0, -1), np.array([0.1, 0.5, 0.9, 1.4]))
    check_fwd(lambda h: trapezoid_weights(y, None, h * h, 0), 0.6)
    check_fwd(lambda g, y: trapezoid_grad_x(g * g, y * y, np.arange(4.0), 1), _distinct((2,)),
              y, wrt=(0, 1))
    check_fwd(lambda x: bessel_i1(x * x), np.array([0.0, 0.3, 2.0, 7.5]))
    check_fwd(lambda x: sinc_slope(x), np.array([0.0, 1e-4, 0.3, -2.0]))


STATS_MODULE = '''import numpy as np


def f(x, q):
    return (np.sum(np.quantile(x, q, axis=0)) + np.sum(np.cumprod(x)) + np.nanstd(x)
            + np.sum(np.multiply.outer(x[0], x[1])) + np.sum(np.interp(x[0], x[1], x[2])))
'''


def test_codegen_copies_the_statistics_helpers(tmp_path):
    """The standalone module of `python -m srcdiff` runs without srcdiff (its runtime_stats
    helpers are copied, with what they use) and gives srcdiff.grad's gradient."""
    import os
    import subprocess
    import sys
    (tmp_path / "stats_model.py").write_text(STATS_MODULE)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root)
    done = subprocess.run([sys.executable, "-m", "srcdiff", "stats_model.py:f", "--wrt", "x,q",
                           "-o", "stats_grad.py"], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    code = ("import numpy as np, stats_grad\n"
            "x = np.array([[0.3, -1.2, 0.7, 2.0], [0.1, 0.5, 0.9, 1.4], [1.0, -0.5, 0.4, 2.5]])\n"
            "g = stats_grad.grad_f(x, 0.3)\n"
            "import json; print(json.dumps([g[0].tolist(), float(g[1])]))\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), capture_output=True,
                         text=True, env={k: v for k, v in os.environ.items()
                                         if k != "PYTHONPATH"})
    assert run.returncode == 0, run.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        import stats_model
        x = np.array([[0.3, -1.2, 0.7, 2.0], [0.1, 0.5, 0.9, 1.4], [1.0, -0.5, 0.4, 2.5]])
        want = check(stats_model.f, x, 0.3, wrt=(0, 1), order=1)
    finally:
        sys.path.remove(str(tmp_path))
    import json
    got = json.loads(run.stdout)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12)
    assert got[1] == pytest.approx(want[1], rel=1e-12)


def sort_in_place(x):
    y = x * 1.0
    y.sort()
    return np.sum(y * np.arange(3.0))


def test_sort_in_place_is_the_sorted_write():
    check(sort_in_place, np.array([2.0, 1.0, 3.0]))   # y[...] = numpy.sort(y) (out_writes.py)


def test_reduction_helpers_tangents():
    """The helpers reductions.py's rules emit (their tangent rules sit in statistics.py)."""
    from srcdiff.runtime_quantiles import sum_to_q
    from srcdiff.runtime_stats import (broadcast_weights, drop_initial, expand_axis,
                                       outer_left, outer_left_grad, unbroadcast_weights)
    a = _distinct((3, 4))
    check_fwd(lambda g: drop_initial(g * g, 1, True), _distinct((3, 5)))
    check_fwd(lambda g: drop_initial(g * g, None, True), _distinct((5,)))
    check_fwd(lambda w: broadcast_weights(w * w, a, 1), _distinct((4,)))
    check_fwd(lambda w: broadcast_weights(w * w, a, (0, 1)), _distinct((3, 4)))
    check_fwd(lambda g: unbroadcast_weights(g * g, np.ones(4), a, -1), _distinct((3, 4)))
    check_fwd(lambda g: unbroadcast_weights(g * g, np.ones((3, 4)), a, None), _distinct((3, 4)))
    check_fwd(lambda v: sum_to_q(v * v, np.ones(2)), _distinct((2, 3)))
    check_fwd(lambda g: expand_axis(g * g, a, -1), _distinct((3,)))
    check_fwd(lambda x: outer_left(x * x, np.ones((2, 2))), _distinct((3,)))
    check_fwd(lambda g: outer_left_grad(g * g, np.ones(3), np.ones(2)), _distinct((3, 2)))


# -- numpy.histogram: edges from min(a) to max(a), counts piecewise constant ---------------
# (it was refused: "its bin edges (and density=True) move with the data's min and max")
_HX = np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7])
_HW = np.array([0.4, -1.0, 0.7, 0.2])


def _edges_and_counts(x):
    h, e = np.histogram(x, bins=4)
    return np.sum(np.sin(e) * np.arange(5.0)) + np.sum(h * 0.5)


def _density_of_a_function(x):
    h, e = np.histogram(x ** 2, bins=4, density=True)   # the values move with the widths
    return np.sum(h * _HW) + np.sum(e ** 2)


def _edges_given(x):
    h, e = np.histogram(_HX, bins=np.sort(x[:4]) * 2.0, density=True)
    return np.sum(h * x[:3]) + np.sum(e)


def _edges_by_a_rule(x):
    return np.sum(np.histogram(x, bins="auto")[1] ** 2)


def _bin_edges(x):
    return np.sum(np.histogram_bin_edges(x, bins=5) ** 3)


def _fixed_range(x):
    h, e = np.histogram(x, bins=3, range=(-1.0, 3.0), density=True)
    return np.sum(h * x[:3]) + np.sum(e)


def _constant_weights(x):
    h, _ = np.histogram(x, bins=3, weights=np.arange(6.0), density=True)
    return np.sum(h ** 2 * x[:3])


@pytest.mark.parametrize("f", [_edges_and_counts, _density_of_a_function, _edges_given,
                               _edges_by_a_rule, _bin_edges, _fixed_range, _constant_weights])
def test_histogram_edges_and_density_differentiate(f):
    check(f, _HX)


def _histogram_weighted(x):
    h, _ = np.histogram(_HX, bins=3, weights=x)
    return np.sum(h * np.array([1.0, -2.0, 0.5]) * h)


def _weighted_density_outside_the_range(x):
    h, _ = np.histogram(_HX, bins=3, range=(0.0, 1.5), weights=x ** 2, density=True)
    return np.sum(h ** 2)


def _weights_and_edges_of_one_value(x):
    """Both a and weights= move: the forward rule's tangents of the (values, edges) pair
    are added item by item (a `+` of the tuples dropped the weights' part)."""
    h, e = np.histogram(x, bins=3, weights=x ** 2 + 1.0, density=True)
    return np.sum(np.sin(h)) + np.sum(e ** 2)


@pytest.mark.parametrize("f", [_histogram_weighted, _weighted_density_outside_the_range,
                               _weights_and_edges_of_one_value])
def test_histogram_weights_differentiate(f):
    check(f, _HX)


def test_histogram_counts_carry_no_derivative_and_the_range_is_held():
    g = srcdiff.grad(lambda x: np.sum(np.histogram(x, bins=3)[0] * 1.0))(_HX)
    assert np.array_equal(g, np.zeros(6))

    def ranged(x):
        return np.sum(np.histogram(_HX, bins=3, range=(x[0], x[1] + 3.0))[1])
    with pytest.raises(srcdiff.UnsupportedCodeError, match="with respect to 'range'"):
        srcdiff.grad(ranged)(_HX)
