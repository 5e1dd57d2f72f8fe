"""Helpers that the derivative rules of templates/reductions.py and templates/statistics.py
emit: running products, NaN-ignoring centering, the weights of average, the windows of
convolutions, interp's cells, ufunc.outer, trapezoid weights, Bessel's I1 and sinc's slope;
the quantiles' weights are runtime_quantiles.py's (run time: called by emitted code; a leaf
importing NumPy only). Takes the primal values and the cotangent or tangent a rule passes;
gives back an adjoint or tangent, or the weights a rule multiplies by.

Like srcdiff.runtime, each helper stands alone (numpy and nothing else, no shared state),
so the codegen command can copy its source into a module, and arrays are made from other
arrays (`ones_like`, `zeros_like`), so the helpers run on any array type NumPy dispatches
to. Their own tangent rules (for forward mode over emitted gradients) are in
templates/statistics.py.
"""
import math

import numpy


def _axes_tuple(axis, ndim):
    """The sorted non-negative axes of a reduction over `axis` (all of them when None)."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(sorted(int(a) % ndim for a in axes)) if ndim else ()


# -- cumprod ------------------------------------------------------------------------------
def _along(value, like, axis):
    """`value` (shaped like `like`, or like its flattening when axis is None) with the
    running axis last."""
    if axis is None:
        return numpy.reshape(value, (-1,))
    return numpy.moveaxis(value, axis, -1)


def _back(value, like, axis):
    if axis is None:
        return numpy.reshape(value, numpy.shape(like))
    return numpy.moveaxis(value, -1, axis)


def _cumprod_adjoint(grad, a, tgrad, ta, axis):
    """The adjoint of numpy.cumprod along `axis` and, when tangents of grad (tgrad) or a (ta)
    are given, its tangent: dual-number running products, no division, so zeros in `a`
    (any number of them) give exact derivatives.

    out[j] = L[j] * S[j] with L[j] the product of a[:j] and S[j] = g[j] + a[j+1] S[j+1]."""
    a = numpy.asarray(a) if isinstance(a, (list, tuple)) else a
    if numpy.ndim(a) == 0:
        a = numpy.reshape(a, (1,))
        out, dout = _cumprod_adjoint(numpy.reshape(grad, (1,)), a, tgrad if tgrad is None else
                                     numpy.reshape(tgrad, (1,)), ta if ta is None else
                                     numpy.reshape(ta, (1,)), 0)
        return numpy.reshape(out, ()), numpy.reshape(dout, ())
    x, g = _along(a, a, axis), _along(grad, a, axis)
    n = numpy.shape(x)[-1]
    if n == 0:
        zero = numpy.zeros_like(x * g)
        return _back(zero, a, axis), _back(zero, a, axis)
    tx = None if ta is None else _along(ta, a, axis)
    tg = None if tgrad is None else _along(tgrad, a, axis)
    one = numpy.ones_like(x[..., :1] * g[..., :1])
    zero = one * 0
    lows, dlows = [one], [zero]
    for k in range(n - 1):
        lows.append(lows[-1] * x[..., k:k + 1])
        dlow = dlows[-1] * x[..., k:k + 1]
        if tx is not None:
            dlow = dlow + lows[-2] * tx[..., k:k + 1]
        dlows.append(dlow)
    sums = [g[..., n - 1:n]]
    dsums = [zero if tg is None else tg[..., n - 1:n] + zero]
    for j in range(n - 2, -1, -1):
        sums.append(g[..., j:j + 1] + x[..., j + 1:j + 2] * sums[-1])
        dsum = x[..., j + 1:j + 2] * dsums[-1]
        if tg is not None:
            dsum = dsum + tg[..., j:j + 1]
        if tx is not None:
            dsum = dsum + tx[..., j + 1:j + 2] * sums[-2]
        dsums.append(dsum)
    low, dlow = numpy.concatenate(lows, axis=-1), numpy.concatenate(dlows, axis=-1)
    high, dhigh = numpy.concatenate(sums[::-1], axis=-1), numpy.concatenate(dsums[::-1], axis=-1)
    return _back(low * high, a, axis), _back(dlow * high + low * dhigh, a, axis)


def cumprod_grad(grad, a, axis):
    """The adjoint of numpy.cumprod(a, axis), exact where `a` has zeros."""
    return _cumprod_adjoint(grad, a, None, None, axis)[0]


def cumprod_grad_tangent(grad, a, tangent, axis):
    """The tangent of cumprod_grad(grad, a, axis) along `tangent`, the tangent of a."""
    return _cumprod_adjoint(grad, a, None, tangent, axis)[1]


def cumprod_tangent(tangent, a, axis):
    """The tangent of numpy.cumprod(a, axis) along `tangent`: D[i] = D[i-1] a[i] +
    t[i] prod(a[:i]), no division (exact where `a` has zeros)."""
    a = numpy.asarray(a) if isinstance(a, (list, tuple)) else a
    if numpy.ndim(a) == 0:
        return tangent * numpy.ones_like(a)
    x, t = _along(a, a, axis), _along(tangent * numpy.ones_like(a), a, axis)
    n = numpy.shape(x)[-1]
    if n == 0:
        return x * t if axis is None else numpy.moveaxis(x * t, -1, axis)
    outs = [t[..., :1]]
    low = numpy.ones_like(x[..., :1])
    for i in range(1, n):
        low = low * x[..., i - 1:i]
        outs.append(outs[-1] * x[..., i:i + 1] + low * t[..., i:i + 1])
    out = numpy.concatenate(outs, axis=-1)
    return out if axis is None else numpy.moveaxis(out, -1, axis)  # flat, as cumprod's


def drop_initial(grad, axis, include_initial):
    """The adjoint of a running sum or product with include_initial=True: its first entry
    along `axis` (the initial value) depends on nothing."""
    if not include_initial:
        return grad
    axis = 0 if axis is None else axis
    return numpy.delete(grad, 0, axis=axis)


def add_initial(tangent, axis, include_initial):
    """A running sum's or product's tangent with a zero first entry along `axis` when
    include_initial=True."""
    if not include_initial:
        return tangent
    axis = 0 if axis is None else axis
    first = numpy.take(tangent, [0], axis=axis) * 0
    return numpy.concatenate([first, tangent], axis=axis)



# -- running extrema (maximum/minimum/fmax/fmin.accumulate) --------------------------------
def _run_sums(values, runs):
    """values[..., i] summed over the k <= i of i's run (runs[..., i]: the run's first index)
    along the last axis, by doubling: log2(n) steps, each adding only within a run."""
    n = numpy.shape(values)[-1]
    step = 1
    while step < n:
        same = runs[..., step:] == runs[..., :-step]
        moved = numpy.where(same, values[..., :-step], values[..., :-step] * 0)
        values = numpy.concatenate([values[..., :step], values[..., step:] + moved], axis=-1)
        step *= 2
    return values


def _running_hits(x, y):
    """(hits, runs) of a running extremum y of x along the last axis: hits[..., k] True where
    x[k] is the value y holds there (NaN matching NaN), runs[..., i] the first index of the
    stretch of equal y that i lies in (each stretch starts with a hit)."""
    hits = (x == y) | (numpy.isnan(x) & numpy.isnan(y))
    ones = numpy.ones_like(y, dtype=int)
    index = numpy.cumsum(ones, axis=-1) - 1
    later, earlier = y[..., 1:], y[..., :-1]
    held = (later == earlier) | (numpy.isnan(later) & numpy.isnan(earlier))
    starts = numpy.concatenate([ones[..., :1] > 0, numpy.logical_not(held)], axis=-1)
    return hits, numpy.maximum.accumulate(numpy.where(starts, index, 0), axis=-1)


def running_extremum_tangent(tangent, a, y, axis):
    """The tangent of y = numpy.maximum.accumulate(a, axis) (or minimum, fmax, fmin): y[i] is
    the extremum of a[:i + 1], whose derivative goes to the elements holding it, split
    evenly where several tie (as numpy.max's rule splits it)."""
    a = numpy.asarray(a) if isinstance(a, (list, tuple)) else a
    if numpy.ndim(a) == 0:
        return tangent * numpy.ones_like(y)
    hits, runs = _running_hits(_along(a, a, axis), _along(y, a, axis))
    t = _along(tangent * numpy.ones_like(y), a, axis)
    return _back(_run_sums(numpy.where(hits, t, t * 0), runs) / _run_sums(hits * 1.0, runs), a,
                 axis)


def running_extremum_grad(grad, a, y, axis):
    """The adjoint of running_extremum_tangent (of the running extremum y of a) in its
    tangent: each hit k gets the cotangents of the i >= k of its stretch, over their ties."""
    a = numpy.asarray(a) if isinstance(a, (list, tuple)) else a
    if numpy.ndim(a) == 0:
        return grad * numpy.ones_like(y)
    hits, runs = _running_hits(_along(a, a, axis), _along(y, a, axis))
    share = _along(grad, a, axis) / _run_sums(hits * 1.0, runs)
    n = numpy.shape(runs)[-1]
    back = numpy.flip(_run_sums(numpy.flip(share, axis=-1), numpy.flip(runs, axis=-1)), axis=-1)
    return _back(numpy.where(hits, back, back * 0), a, axis) if n else _back(share, a, axis)



# -- ediff1d -------------------------------------------------------------------------------
def ediff1d_grad(grad, ary, to_end, to_begin, which):
    """The adjoint of numpy.ediff1d(ary, to_end, to_begin) in ary, to_end or to_begin
    (`which`): the result is to_begin, then the differences of ary's flattening, then
    to_end, each flattened."""
    nb = 0 if to_begin is None else numpy.size(to_begin)
    n = numpy.size(ary)
    middle = grad[nb:nb + max(n - 1, 0)]
    if which == "to_begin":
        return numpy.reshape(grad[:nb], numpy.shape(to_begin))
    if which == "to_end":
        return numpy.reshape(grad[nb + max(n - 1, 0):], numpy.shape(to_end))
    if n == 0:
        return numpy.reshape(middle, numpy.shape(ary))
    zero = numpy.zeros_like(middle, shape=(1,))
    flat = numpy.concatenate([zero, middle]) - numpy.concatenate([middle, zero])
    return numpy.reshape(flat, numpy.shape(ary))


def ediff1d_tangent(tangent, ary, to_end, to_begin, which):
    """The tangent of numpy.ediff1d(ary, to_end, to_begin) along that of ary, to_end or
    to_begin (`which`), the others held: the same pieces, zeros for the others'."""
    flat = numpy.reshape(tangent, (-1,))
    parts = []
    for name, part in (("to_begin", to_begin), ("ary", ary), ("to_end", to_end)):
        if part is None:
            continue
        if name == which:
            piece = flat[1:] - flat[:-1] if name == "ary" else flat
        else:
            size = numpy.size(part) - 1 if name == "ary" else numpy.size(part)
            piece = numpy.zeros_like(flat, shape=(max(size, 0),))
        parts.append(piece)
    return numpy.concatenate(parts)


# -- NaN-ignoring statistics --------------------------------------------------------------
def nan_center_like(t, a, axis, kink):
    """`t` minus its mean over `axis` taken over the entries where `a` is not NaN, and zero
    where `a` is NaN; zeroed too in the reductions where the non-NaN entries of `a` are all
    equal when `kink` is true (nanstd's kink there, like abs at 0). Linear in `t`."""
    if isinstance(a, (list, tuple)):
        a = numpy.asarray(a)
    if isinstance(t, (list, tuple)):
        t = numpy.asarray(t)
    axes = _axes_tuple(axis, numpy.ndim(a))
    keep = ~numpy.isnan(a)
    t = numpy.where(keep, t, 0.0)  # not t * 0: NaN there
    count = numpy.sum(keep, axis=axes, keepdims=True)
    mean = numpy.sum(t, axis=axes, keepdims=True) / numpy.maximum(count, 1)
    out = numpy.where(keep, t - mean, 0.0)
    if not kink or numpy.size(a) == 0:
        return out
    high = numpy.max(numpy.where(keep, a, -numpy.inf), axis=axes, keepdims=True)
    low = numpy.min(numpy.where(keep, a, numpy.inf), axis=axes, keepdims=True)
    return numpy.where(high == low, out * 0, out)


def nan_centered(a, axis, kink=False):
    """`a` minus its NaN-ignoring mean over `axis` (kept dims), 0 at NaNs, exactly zero in
    the reductions where the non-NaN entries are constant (see runtime.centered)."""
    return nan_center_like(a, a, axis, True)


# -- average ------------------------------------------------------------------------------
def broadcast_weights(weights, a, axis):
    """The weights of numpy.average(a, axis, weights) shaped to broadcast against `a`: as
    given when they have a's shape, else (1-d along an int axis, or shaped like the
    reduced axes) with length-1 axes elsewhere; ones like `a` when weights is None."""
    if weights is None:
        return numpy.ones_like(a)
    if isinstance(weights, (list, tuple)):
        weights = numpy.asarray(weights)
    ndim = numpy.ndim(a)
    if numpy.shape(weights) == numpy.shape(a) or axis is None:
        return weights
    axes = _axes_tuple(axis, ndim)
    shape = [1] * ndim
    for ax, n in zip(axes, numpy.shape(weights)):
        shape[ax] = n
    return numpy.reshape(weights, tuple(shape))


def unbroadcast_weights(grad, weights, a, axis):
    """The adjoint of broadcast_weights: `grad` (shaped like a) summed to weights' shape."""
    if isinstance(weights, (list, tuple)):
        weights = numpy.asarray(weights)
    ndim = numpy.ndim(a)
    if numpy.shape(weights) == numpy.shape(a) or axis is None:
        return numpy.reshape(grad, numpy.shape(weights))
    axes = _axes_tuple(axis, ndim)
    others = tuple(i for i in range(ndim) if i not in axes)
    return numpy.reshape(numpy.sum(grad, axis=others), numpy.shape(weights))


# -- convolutions -------------------------------------------------------------------------
def full_window(grad, n, m, mode, correlate):
    """`grad`, the adjoint of numpy.convolve/correlate(a, v, mode) (len(a) = n, len(v) = m),
    padded with zeros to the adjoint of the 'full' result (length n + m - 1): the mode's
    result is a window of the full one, found from NumPy itself on lengths alone."""
    size = n + m - 1
    length = numpy.shape(grad)[0]
    if length == size:
        return grad
    fn = numpy.correlate if correlate else numpy.convolve
    probe_a = numpy.arange(1.0, n + 1.0) ** 2
    probe_v = numpy.arange(1.0, m + 1.0) ** 3
    full = fn(probe_a, probe_v, "full")
    part = fn(probe_a, probe_v, mode)
    start = 0
    for start in range(size - length + 1):
        if numpy.array_equal(full[start:start + length], part):
            break
    return numpy.pad(grad, (start, size - length - start))


def full_window_tangent(tangent, n, m, mode, correlate):
    """The tangent of full_window: the same padding (it is linear)."""
    return full_window(tangent, n, m, mode, correlate)


# -- interp ---------------------------------------------------------------------------------
def interp_cells(x, xp, side):
    """The interval [xp[i], xp[i+1]] numpy.interp uses for each x: from the right
    (side='right': a knot starts its interval) or from the left ('left': a knot ends it);
    clipped to the first and last intervals outside xp's range."""
    cells = numpy.searchsorted(xp, x, side=side) - 1
    return numpy.clip(cells, 0, max(numpy.shape(xp)[0] - 2, 0))


def interp_inside(x, xp, side):
    """1.0 where x moves along the interval interp_cells(x, xp, side) picks (inside xp's
    range, a knot counting on the `side` it starts (right) or ends (left)), else 0.0."""
    first, last = numpy.take(xp, 0), numpy.take(xp, -1)
    if side == "right":
        inside = (x >= first) & (x < last)
    else:
        inside = (x > first) & (x <= last)
    return inside * 1.0


def interp_held(x, xp, left, right):
    """1.0 where numpy.interp(x, xp, fp, left, right) takes its value from fp, 0.0 where it
    is `left` (x < xp[0]) or `right` (x > xp[-1]) as given."""
    held = numpy.ones_like(x, dtype=float)   # (x may be a list of query points)
    if left is not None:
        held = held * (x >= numpy.take(xp, 0))
    if right is not None:
        held = held * (x <= numpy.take(xp, -1))
    return held


# -- ufunc.outer ------------------------------------------------------------------------------
def outer_left(a, b):
    """`a` with length-1 axes appended, one per axis of b: f.outer(a, b) is f(outer_left(a, b),
    b) for a binary ufunc f."""
    if isinstance(a, (list, tuple)):
        a = numpy.asarray(a)
    return numpy.reshape(a, numpy.shape(a) + (1,) * numpy.ndim(b))


def outer_left_grad(grad, a, b):
    """The adjoint of outer_left in a: `grad` (shaped shape(a) + shape(b)) summed over b's axes."""
    if isinstance(a, (list, tuple)):
        a = numpy.asarray(a)
    ndim = numpy.ndim(a)
    return numpy.reshape(numpy.sum(grad, axis=tuple(range(ndim, numpy.ndim(grad)))),
                         numpy.shape(a))


# -- trapezoid ----------------------------------------------------------------------------
def trapezoid_weights(y, x, dx, axis):
    """The weights w of numpy.trapezoid(y, x, dx, axis) = sum(w * y, axis), shaped to
    broadcast against y: (x[k+1] - x[k-1]) / 2 inside, half the end gaps at the ends.
    Linear in x (or in dx when x is None)."""
    if isinstance(y, (list, tuple)):
        y = numpy.asarray(y)
    n = numpy.shape(y)[axis]
    if x is None:
        ones = numpy.moveaxis(numpy.ones_like(numpy.real(y)), axis, -1)
        gaps = ones[..., 1:] * dx
    else:
        if isinstance(x, (list, tuple)):
            x = numpy.asarray(x)
        if numpy.ndim(x) == 1:
            shape = [1] * numpy.ndim(y)
            shape[axis] = numpy.shape(x)[0]
            x = numpy.reshape(x, tuple(shape))
        x = numpy.moveaxis(x, axis, -1)
        gaps = x[..., 1:] - x[..., :-1]
    if n < 2:  # no interval: the integral is 0
        return numpy.real(y) * 0
    zero = gaps[..., :1] * 0
    w = (numpy.concatenate([zero, gaps], axis=-1) + numpy.concatenate([gaps, zero], axis=-1)) / 2
    return numpy.moveaxis(w, -1, axis)


def trapezoid_grad_x(grad, y, x, axis):
    """The adjoint in x of numpy.trapezoid(y, x, axis=axis) given the adjoint `grad` of the
    integral: d/dx[k] = (y[k-1] - y[k+1]) / 2 inside, -(y[0] + y[1]) / 2 and
    (y[-2] + y[-1]) / 2 at the ends, summed to x's shape (1-d or broadcast)."""
    if isinstance(y, (list, tuple)):
        y = numpy.asarray(y)
    if isinstance(x, (list, tuple)):
        x = numpy.asarray(x)
    ym = numpy.moveaxis(y, axis, -1)
    g = numpy.expand_dims(grad, -1)
    n = numpy.shape(ym)[-1]
    if n < 2:
        dy = ym * 0
    else:
        pairs = (ym[..., 1:] + ym[..., :-1]) / 2
        zero = pairs[..., :1] * 0
        dy = numpy.concatenate([zero, pairs], axis=-1) - numpy.concatenate([pairs, zero],
                                                                         axis=-1)
    out = g * dy
    if numpy.ndim(x) == 1:
        return numpy.reshape(numpy.sum(out, axis=tuple(range(numpy.ndim(out) - 1))),
                             numpy.shape(x))
    out = numpy.moveaxis(out, -1, axis)
    xshape = numpy.shape(x)
    extra = numpy.ndim(out) - len(xshape)
    axes = tuple(range(extra)) + tuple(extra + i for i, s in enumerate(xshape)
                                       if s == 1 and numpy.shape(out)[extra + i] != 1)
    if axes:
        out = numpy.sum(out, axis=axes)
    return numpy.reshape(out, xshape)


def expand_axis(grad, like, axis):
    """`grad` (the adjoint of a reduction of `like` over one int axis) with that axis back,
    length 1."""
    return numpy.expand_dims(grad, axis % numpy.ndim(like))


# -- special functions --------------------------------------------------------------------
def bessel_i1(x):
    """The modified Bessel function I1 (the derivative of numpy.i0), from its power series
    (x/2) sum_k (x^2/4)^k / (k! (k+1)!), whose terms are all positive (no cancellation)."""
    if isinstance(x, (list, tuple)):
        x = numpy.asarray(x)
    half = numpy.real(x) * 0.5 if not numpy.iscomplexobj(x) else x * 0.5
    quarter = half * half
    term = half
    total = term
    k = 0
    while True:
        k += 1
        term = term * quarter / (k * (k + 1))
        total = total + term
        if not numpy.any(numpy.abs(term) > 1e-17 * numpy.abs(total)) or k > 100000:
            return total


def bessel_i1_slope(x):
    """I1'(x) = I0(x) - I1(x) / x, 1/2 at x = 0 (its limit)."""
    if isinstance(x, (list, tuple)):
        x = numpy.asarray(x)
    zero = x == 0
    safe = numpy.where(zero, 1.0, x)
    return numpy.where(zero, 0.5, numpy.i0(x) - bessel_i1(x) / safe)


def sinc_slope(x):
    """d/dx numpy.sinc(x) = (cos(pi x) - sinc(x)) / x, 0 at x = 0 (its limit)."""
    if isinstance(x, (list, tuple)):
        x = numpy.asarray(x)
    zero = x == 0
    return numpy.where(zero, 0.0, (numpy.cos(math.pi * x) - numpy.sinc(x)) /
                       numpy.where(zero, 1.0, x))


def sinc_curvature(x):
    """d^2/dx^2 numpy.sinc(x) = -pi^2 sinc(x) - 2 sinc'(x) / x; -pi^2/3 + pi^4 x^2 / 10 near
    0 (its Taylor series, where the quotient loses its digits)."""
    if isinstance(x, (list, tuple)):
        x = numpy.asarray(x)
    small = numpy.abs(x) < 1e-3
    safe = numpy.where(small, 1.0, x)
    far = -math.pi ** 2 * numpy.sinc(x) - 2 * sinc_slope(safe) / safe
    near = -math.pi ** 2 / 3 + math.pi ** 4 * x * x / 10
    return numpy.where(small, near, far)
