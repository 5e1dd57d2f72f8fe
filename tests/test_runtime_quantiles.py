"""srcdiff/runtime_quantiles.py: the weights of a quantile in its elements and in q, and
the weighted reductions that apply them, tested directly against finite differences of
numpy.quantile and nanquantile (and weighted_expand against weighted_reduce as its
transpose)."""
import warnings

import numpy
import pytest

from srcdiff import runtime_quantiles as rq
from gradcheck import assert_close_tree, directional_difference

RNG = numpy.random.default_rng(29)


@pytest.mark.parametrize("method", ["linear", "hazen", "weibull", "median_unbiased",
                                    "normal_unbiased", "lower", "nearest"])
@pytest.mark.parametrize("axis", [None, 1])
def test_quantile_weights_are_the_derivative_of_the_quantile(method, axis):
    a = RNG.normal(size=(3, 5))
    q = numpy.array([0.2, 0.65])
    weights = rq.quantile_weights(a, q, axis, method, False, "value")
    t = RNG.normal(size=a.shape)
    along = rq.weighted_reduce(weights, t, axis, False, q.ndim)
    expected = directional_difference(lambda v: numpy.quantile(v, q, axis=axis, method=method), a, t)
    assert_close_tree(along, expected, 1e-6, 1e-8)
    # the slope weights: the derivative of the quantile in q
    slope = rq.weighted_reduce(rq.quantile_weights(a, q, axis, method, False, "slope"), a,
                               axis, False, q.ndim)
    dq = directional_difference(lambda s: numpy.quantile(a, q + s, axis=axis, method=method), 0.0, 1.0, 1e-7)
    assert_close_tree(slope, dq, 1e-5, 1e-6)


def test_nanquantile_weights_skip_nans_and_an_all_nan_row():
    a = RNG.normal(size=(3, 4))
    a[0, 1] = numpy.nan
    a[2] = numpy.nan
    w = rq.quantile_weights(a, 0.3, 1, "linear", True, "value")
    assert w[0, 1] == 0 and not numpy.any(w[2])
    t = RNG.normal(size=a.shape)
    got = rq.weighted_reduce(w, numpy.where(numpy.isnan(a), 0.0, t), 1, False, 0)
    rows = numpy.array([numpy.nanquantile(a[i] + 1e-6 * t[i], 0.3) - numpy.nanquantile(
        a[i] - 1e-6 * t[i], 0.3) for i in range(2)]) / 2e-6
    assert_close_tree(got[:2], rows, 1e-6, 1e-8)


@pytest.mark.parametrize("keepdims", [False, True])
def test_weighted_expand_is_the_transpose_of_weighted_reduce(keepdims):
    a = RNG.normal(size=(3, 5))
    w = rq.quantile_weights(a, numpy.array([0.1, 0.5, 0.9]), 1, "linear", False, "value")
    t = RNG.normal(size=a.shape)
    reduced = rq.weighted_reduce(w, t, 1, keepdims, 1)
    g = RNG.normal(size=reduced.shape)
    assert numpy.sum(g * reduced) == pytest.approx(
        numpy.sum(rq.weighted_expand(g, w, a, 1, keepdims, 1) * t))


@pytest.mark.parametrize("method", ["linear", "hazen", "weibull", "median_unbiased",
                                    "normal_unbiased", "interpolated_inverted_cdf"])
@pytest.mark.parametrize("nan", [False, True])
def test_virtual_index_is_nanquantiles_of_the_positions(method, nan):
    """The continuous methods' virtual index comes from a formula (CuPy has no nanquantile):
    it is exactly what numpy.nanquantile gives for the positions, for every count of non-NaN
    values (0: an all-NaN reduction, NaN) and q from 0 to 1."""
    m = 7
    index = numpy.tile(numpy.arange(float(m)), (m + 1, 1))
    counts = numpy.arange(m + 1.0)[:, None] if nan else numpy.full((m + 1, 1), float(m))
    if nan:
        index = numpy.where(index < counts, index, numpy.nan)
        counts = counts.astype(int)
    q = numpy.concatenate([numpy.linspace(0.0, 1.0, 101), RNG.uniform(size=50)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the all-NaN reduction
        expected = numpy.nanquantile(index, q, axis=-1, method=method, keepdims=True)
    for qs in (q, q[7], float(q[7])):
        got = rq.virtual_index(index, counts, qs, method, nan)
        want = expected if numpy.ndim(qs) else expected[7]
        assert numpy.shape(got) == numpy.shape(want)
        numpy.testing.assert_array_equal(got, want)



def test_histogram_edges_move_with_the_extremes_only_where_numpy_computes_them():
    import numpy as np
    from srcdiff.runtime_quantiles import (histogram_edges_grad, histogram_edges_tangent,
                                           histogram_moves)
    a = np.array([0.5, -1.0, 2.0, -1.0])
    edges = np.histogram_bin_edges(a, bins=4)
    assert histogram_moves(a, 4, None) and histogram_moves(a, "auto", None)
    assert not histogram_moves(a, 4, (0.0, 1.0)) and not histogram_moves(a, edges, None)
    assert not histogram_moves(np.zeros(0), 4, None)
    g = np.arange(5.0)
    t = np.array([0.1, 0.2, 0.3, 0.4])
    # the adjoint and the tangent are transposes of each other (ties share the minimum)
    assert np.isclose(np.sum(histogram_edges_grad(g, a, edges, 4, None) * t),
                      np.sum(g * histogram_edges_tangent(t, a, edges, 4, None)))
    assert not np.any(histogram_edges_grad(g, a, edges, 4, (0.0, 1.0)))
