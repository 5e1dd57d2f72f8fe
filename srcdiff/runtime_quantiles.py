"""Helpers that the quantile rules of templates/statistics.py emit (numpy.quantile, percentile,
median and their NaN-ignoring twins): the weights of a quantile in the elements it reduces,
their slope in q, and the weighted reductions and expansions that apply them (run time:
called by emitted code; a leaf importing NumPy and runtime_stats's axes). Takes the values,
q, the axes and NumPy's method; gives back weights shaped shape(q) + shape(a), and
quantile-shaped values or element-shaped adjoints.

numpy.histogram's edges (histogram_edges_grad, histogram_edges_tangent, histogram_tangent;
its weights': histogram_bin_index, histogram_weights_tangent) are an order statistic too: they run from min(a) to max(a) where bins is a count and range
is not given. Like srcdiff.runtime, each helper stands alone, so the codegen command can copy its source
into a module, and arrays are made from other arrays, so the helpers run on any array type
NumPy dispatches to. Their own tangent rules (for forward mode over emitted gradients) are
in templates/statistics.py.
"""
import numpy

from .runtime_stats import _axes_tuple


def _index_parameters(method):
    """(alpha, beta) of NumPy's virtual index n*q + alpha + q*(1 - alpha - beta) - 1 for the
    continuous methods (H&F 4-9); None for those that pick order statistics (slope 0 in q).
    (A function, not a module constant: the codegen command copies functions.)"""
    return {"linear": (1.0, 1.0), "hazen": (0.5, 0.5), "weibull": (0.0, 0.0),
            "median_unbiased": (1 / 3, 1 / 3), "normal_unbiased": (3 / 8, 3 / 8),
            "interpolated_inverted_cdf": (0.0, 1.0)}.get(method)


def _flat_reduced(a, axis):
    """`a` with the reduced axes flattened into one last axis, and the reduced axes."""
    ndim = numpy.ndim(a)
    axes = _axes_tuple(axis, ndim)
    k = len(axes)
    moved = numpy.moveaxis(a, axes, tuple(range(ndim - k, ndim)))
    kept = numpy.shape(moved)[:ndim - k]
    return numpy.reshape(moved, kept + (-1,)), axes


def _unflat_reduced(w, a, axes, lead):
    """The inverse of _flat_reduced for w of shape lead + kept + (m,)."""
    ndim = numpy.ndim(a)
    k = len(axes)
    kept_axes = [i for i in range(ndim) if i not in axes]
    moved_shape = tuple(numpy.shape(a)[i] for i in kept_axes) + tuple(
        numpy.shape(a)[i] for i in axes)
    w = numpy.reshape(w, lead + moved_shape)
    src = tuple(range(len(lead) + ndim - k, len(lead) + ndim))
    return numpy.moveaxis(w, src, tuple(len(lead) + ax for ax in axes))


def virtual_index(index, counts, q, method, nan):
    """Where NumPy's quantile of each reduction falls among its sorted values: the virtual
    index (a float; NaN for an all-NaN reduction), shaped shape(q) + kept + (1,).

    `index` holds the positions 0..m-1 along its last axis (NaN from each reduction's count
    of non-NaN values on when nan=True), `counts` those counts. For the continuous methods it
    is NumPy's formula (n - 1) q, or n q + alpha + q (1 - alpha - beta) - 1, clipped to
    [0, n - 1]: exactly numpy.nanquantile(index, q, axis=-1, keepdims=True), whose linear
    interpolation between consecutive integers gives the index itself. It is computed from
    the counts, so it runs where nanquantile does not (CuPy has none); the other methods
    call numpy.quantile, or nanquantile with nan=True, on `index` (as does the primal)."""
    alpha_beta = _index_parameters(method)
    if alpha_beta is None:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN reductions
            if nan:
                return numpy.nanquantile(index, q, axis=-1, method=method, keepdims=True)
            return numpy.quantile(index, q, axis=-1, method=method, keepdims=True)
    n = counts
    # a number q stays a number (a host 0-d array would not mix with device counts)
    qs = q if numpy.ndim(q) == 0 else numpy.reshape(q, numpy.shape(q) + (1,) * numpy.ndim(n))
    if method == "linear":
        raw = (n - 1) * qs
    else:
        alpha, beta = alpha_beta
        raw = n * qs + (alpha + qs * (1 - alpha - beta)) - 1
    last = n - 1
    clipped = numpy.where(raw >= last, last, numpy.where(raw < 0, 0, raw))
    return numpy.where(n > 0, clipped, numpy.nan)


def quantile_weights(a, q, axis, method, nan, part):
    """The weights of a quantile in the elements of `a`, shaped shape(q) + shape(a):
    part 'value' gives d quantile / d a (NumPy's (1 - g, g) at the two order statistics it
    interpolates), part 'slope' gives d^2 quantile / (d a d q) (the slope in q of those
    weights: the quantile's slope in q is sum(slope weights * a)).

    Ties (equal elements of a reduction): the weight of an order statistic is shared evenly
    by all the elements equal to it (as max and min share theirs). With nan=True (nanquantile)
    NaNs get weight zero and each reduction uses its own count of non-NaN values; an all-NaN
    reduction gets weight zero everywhere."""
    if isinstance(a, (list, tuple)):
        a = numpy.asarray(a)
    q = numpy.asarray(q) if isinstance(q, (list, tuple)) else q
    flat, axes = _flat_reduced(a, axis)
    qshape = numpy.shape(q)
    lead = tuple(qshape)
    index = numpy.cumsum(numpy.ones_like(numpy.real(flat)), axis=-1) - 1
    if nan:
        counts = numpy.sum(~numpy.isnan(flat), axis=-1, keepdims=True)
        index = numpy.where(index < counts, index, numpy.nan)
    else:
        counts = numpy.sum(numpy.ones_like(index), axis=-1, keepdims=True)
    m = numpy.shape(flat)[-1]
    if m == 0:
        return numpy.zeros_like(numpy.real(a) * numpy.reshape(q, qshape + (1,) * numpy.ndim(a)))
    virtual = virtual_index(index, counts, q, method, nan)
    ok = ~numpy.isnan(virtual)
    virtual = numpy.where(ok, virtual, 0.0)
    low = numpy.floor(virtual)
    frac = virtual - low
    low = low.astype(int) if hasattr(low, "astype") else int(low)
    high = numpy.minimum(low + 1, m - 1)
    if part == "value":
        w_low, w_high = 1 - frac, frac
    else:
        alpha_beta = _index_parameters(method)
        if alpha_beta is None:
            w_low = w_high = frac * 0
        else:
            alpha, beta = alpha_beta
            n = counts
            raw = n * q_expand(q, virtual) + alpha + q_expand(q, virtual) * (1 - alpha - beta) - 1
            slope = numpy.where((raw >= 0) & (raw <= n - 1), n + 1 - alpha - beta, 0.0)
            w_low, w_high = -slope + frac * 0, slope + frac * 0
    w_low, w_high = numpy.where(ok, w_low, 0.0), numpy.where(ok, w_high, 0.0)
    ordered = numpy.sort(flat, axis=-1)
    lead_flat = numpy.broadcast_to(flat, lead + numpy.shape(flat))
    lead_ordered = numpy.broadcast_to(ordered, lead + numpy.shape(ordered))
    weights = 0
    for pos, w in ((low, w_low), (high, w_high)):
        value = numpy.take_along_axis(lead_ordered, pos, axis=-1)
        hit = lead_flat == value
        count = numpy.sum(hit, axis=-1, keepdims=True)
        weights = weights + hit * (w / numpy.maximum(count, 1))
    weights = weights + numpy.zeros_like(numpy.real(lead_flat))
    return _unflat_reduced(weights, a, axes, lead)


def q_expand(q, like):
    """q with length-1 axes appended to broadcast against `like` (shape(q) + more)."""
    return numpy.reshape(q, numpy.shape(q) + (1,) * (numpy.ndim(like) - numpy.ndim(q)))


def quantile_weights_tangent(tangent, a, q, axis, method, nan, part):
    """The tangent of quantile_weights along the tangent of q (the weights are piecewise
    constant in a): the slope weights times it for part 'value', zero for part 'slope'."""
    if part != "value":
        return quantile_weights(a, q, axis, method, nan, "value") * 0
    slope = quantile_weights(a, q, axis, method, nan, "slope")
    return slope * q_expand(tangent, slope)


def _reduced_in(axis, ndim, lead):
    return tuple(lead + ax for ax in _axes_tuple(axis, ndim))


def weighted_reduce(weights, t, axis, keepdims, qndim):
    """sum(weights * t) over the reduced axes of t (weights shaped shape(q) + shape(t)):
    the quantile of values t, or its tangent, shaped like the quantile."""
    axes = _reduced_in(axis, numpy.ndim(t), qndim)
    return numpy.sum(weights * t, axis=axes, keepdims=keepdims)


def weighted_expand(grad, weights, a, axis, keepdims, qndim):
    """The adjoint of weighted_reduce in t: `grad` (shaped like the quantile) spread over
    the elements of `a` by the weights, summed over the axes of q."""
    ndim = numpy.ndim(a)
    if not keepdims:
        shape = list(numpy.shape(grad))
        for ax in _reduced_in(axis, ndim, qndim):
            shape.insert(ax, 1)
        grad = numpy.reshape(grad, tuple(shape))
    out = numpy.sum(weights * grad, axis=tuple(range(qndim)))
    return numpy.reshape(out, numpy.shape(a))


def sum_to_q(value, q):
    """`value` (shaped like a quantile, shape(q) first) summed to the shape of q."""
    return numpy.reshape(numpy.sum(value, axis=tuple(range(numpy.ndim(q), numpy.ndim(value)))),
                         numpy.shape(q))


# -- numpy.histogram's bin edges -----------------------------------------------------------
def histogram_moves(a, bins, range):
    """Whether numpy.histogram(a, bins, range)'s edges move with a: bins is a count (or a
    method's name, 'auto') and range is not given, so the edges run from min(a) to max(a)."""
    return range is None and numpy.ndim(bins) == 0 and numpy.size(a) > 0


def _as_array(a):
    """a as an array: a list or tuple made one, an array of any type (a device's) kept."""
    return numpy.asarray(a) if isinstance(a, (list, tuple, float, int)) else a


def _fractions(edges):
    """k / n for each edge k of n + 1, made like `edges` (on its device)."""
    count = numpy.size(edges)
    return numpy.arange(count, like=edges) / (count - 1)


def _extremes(a):
    """The weights of a's minimum and of its maximum in a (ties share them evenly)."""
    low, high = a == numpy.min(a), a == numpy.max(a)
    return low / numpy.sum(low), high / numpy.sum(high)


def histogram_edges_grad(g, a, edges, bins, range):
    """The adjoint in `a` of numpy.histogram's (or histogram_bin_edges') edges, given their
    cotangent `g`: edge k is min(a) + (max(a) - min(a)) k / n (the range widened by 0.5 on
    each side where min(a) == max(a), which moves with both alike), so min(a) gets
    sum(g (1 - k/n)) and max(a) sum(g k/n); zero where the edges do not move with a."""
    a = _as_array(a)
    if not histogram_moves(a, bins, range):
        return numpy.zeros_like(a, dtype=numpy.result_type(g, a, float))
    k = _fractions(edges)
    low, high = _extremes(a)
    return numpy.sum(g * (1 - k)) * low + numpy.sum(g * k) * high


def histogram_edges_tangent(t, a, edges, bins, range):
    """The tangent of numpy.histogram's edges along the tangent `t` of a (zero where they
    do not move with a)."""
    a = _as_array(a)
    k = _fractions(edges)
    if not histogram_moves(a, bins, range):
        return k * 0.0
    low, high = _extremes(a)
    return numpy.sum(t * low) * (1 - k) + numpy.sum(t * high) * k


def histogram_density(density):
    """1.0 where numpy.histogram is given density=True (its values divide by the bins'
    widths, which move with the edges), else 0.0."""
    return 1.0 if density else 0.0


def histogram_tangent(t_edges, hist, edges, density):
    """The tangent of numpy.histogram's values along the edges' tangent: the counts are
    piecewise constant; with density=True each value c / (total width) moves against its
    bin's width."""
    spread = numpy.diff(t_edges) / numpy.diff(edges)
    return -hist * spread * histogram_density(density)


def histogram_bin_index(a, edges):
    """The bin numpy.histogram puts each element of a in (shaped like a), len(edges) - 1
    for one outside the edges (the last bin holds its right edge)."""
    a = _as_array(a)
    n = numpy.size(edges) - 1
    index = numpy.searchsorted(edges, a, side="right") - 1
    index = numpy.where(a == edges[-1], n - 1, index)
    return numpy.where((a < edges[0]) | (a > edges[-1]), n, index)


def histogram_weights_tangent(t, a, hist, edges, weights, density):
    """The tangent of numpy.histogram's values along the tangent `t` of weights=: the bins'
    sums of t; with density=True, c / (total width) moves with c and against the total."""
    n = numpy.size(edges) - 1
    index = numpy.ravel(histogram_bin_index(a, edges))
    moved = numpy.bincount(index, weights=numpy.ravel(t), minlength=n + 1)[:n]
    if not density:
        return moved
    total = numpy.sum(numpy.ravel(weights)[index < n])
    return (moved / numpy.diff(edges) - hist * numpy.sum(moved)) / total
