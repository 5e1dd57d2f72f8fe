"""Statistics and signal functions: median, quantile, percentile (and their nan* forms),
trapezoid, convolve, correlate, i0; and the tangent rules of the runtime_stats helpers that
the rules here and in reductions.py emit (for forward mode over emitted gradients).

Subgradients at kinks (documented choices):

* median/quantile/percentile: the derivative of an order statistic goes to the element
  holding it; where several elements tie for it, it is split evenly between them (as for
  max and min; central differences agree). Every `method=` NumPy has is differentiated:
  NumPy interpolates between two order statistics with weights (1 - g, g), and those are
  the derivative in `a`; in `q` the slope is that of NumPy's virtual index (zero for the
  methods that pick one order statistic, 'lower', 'nearest', ..., which jump instead).
* nanmedian/nanquantile/nanpercentile: NaNs get derivative 0; an all-NaN reduction (value
  NaN) passes none on.
* convolve/correlate of complex values follow the README's convention (d/dx - i d/dy for a
  real loss, as JAX): convolve is holomorphic in each argument (no conjugate in its
  adjoints); correlate(a, v) = convolve(a, conj(v)[::-1]) conjugates its adjoint in v.

out=, overwrite_input=, weights= and interpolation= are refused at the user's line (they
are not parameters of the rules; keyword-only ones keep a positional out from binding).
"""
import numpy

from srcdiff.rule_forms import elementwise, linear
from srcdiff.rules import d, forward, held_constant, nondifferentiable, reverse
from srcdiff.runtime import broadcast_like, tie_split, unbroadcast
from srcdiff.runtime_quantiles import (histogram_bin_index, histogram_density,
                                       histogram_edges_grad, histogram_edges_tangent,
                                       histogram_tangent, histogram_weights_tangent, q_expand,
                                       quantile_weights, quantile_weights_tangent, sum_to_q,
                                       weighted_expand, weighted_reduce)
from srcdiff.runtime_stats import (bessel_i1, bessel_i1_slope, broadcast_weights,
                                   cumprod_grad, cumprod_grad_tangent,
                                   drop_initial, expand_axis, full_window, nan_center_like,
                                   interp_cells, interp_held, interp_inside,
                                   nan_centered, outer_left, outer_left_grad,
                                   running_extremum_grad,
                                   sinc_curvature, sinc_slope, trapezoid_grad_x,
                                   trapezoid_weights, unbroadcast_weights)

# interval numbers and masks: piecewise constant
nondifferentiable(interp_cells, interp_inside, interp_held)


# -- median and quantiles ------------------------------------------------------------------
@reverse(numpy.quantile)
def quantile(y, a, q, axis=None, *, method="linear", keepdims=False):
    d[a] = weighted_expand(d[y], quantile_weights(a, q, axis, method, False, "value"), a, axis,
                           keepdims, numpy.ndim(q))
    d[q] = sum_to_q(d[y] * weighted_reduce(quantile_weights(a, q, axis, method, False, "slope"),
                                           a, axis, keepdims, numpy.ndim(q)), q)


@forward(numpy.quantile)
def quantile(y, a, q, axis=None, *, method="linear", keepdims=False):
    d[y] = weighted_reduce(quantile_weights(a, q, axis, method, False, "value"), d[a], axis,
                           keepdims, numpy.ndim(q))
    d[y] = weighted_reduce(quantile_weights(a, q, axis, method, False, "slope"), a, axis,
                           keepdims, numpy.ndim(q)) * q_expand(d[q], y)


@reverse(numpy.nanquantile)
def nanquantile(y, a, q, axis=None, *, method="linear", keepdims=False):
    d[a] = weighted_expand(d[y], quantile_weights(a, q, axis, method, True, "value"), a, axis,
                           keepdims, numpy.ndim(q))
    d[q] = sum_to_q(d[y] * weighted_reduce(quantile_weights(a, q, axis, method, True, "slope"),
                                           numpy.where(numpy.isnan(a), 0.0, a), axis, keepdims,
                                           numpy.ndim(q)), q)


@forward(numpy.nanquantile)
def nanquantile(y, a, q, axis=None, *, method="linear", keepdims=False):
    d[y] = weighted_reduce(quantile_weights(a, q, axis, method, True, "value"),
                           numpy.where(numpy.isnan(a), 0.0, d[a]), axis, keepdims, numpy.ndim(q))
    d[y] = weighted_reduce(quantile_weights(a, q, axis, method, True, "slope"),
                           numpy.where(numpy.isnan(a), 0.0, a), axis, keepdims,
                           numpy.ndim(q)) * q_expand(d[q], y)


# percentile(a, q) is quantile(a, q / 100)
@reverse(numpy.percentile)
def percentile(y, a, q, axis=None, *, method="linear", keepdims=False):
    p = numpy.true_divide(q, 100)
    d[a] = weighted_expand(d[y], quantile_weights(a, p, axis, method, False, "value"), a, axis,
                           keepdims, numpy.ndim(q))
    d[q] = sum_to_q(d[y] * weighted_reduce(quantile_weights(a, p, axis, method, False, "slope"),
                                           a, axis, keepdims, numpy.ndim(q)), q) / 100


@forward(numpy.percentile)
def percentile(y, a, q, axis=None, *, method="linear", keepdims=False):
    p = numpy.true_divide(q, 100)
    d[y] = weighted_reduce(quantile_weights(a, p, axis, method, False, "value"), d[a], axis,
                           keepdims, numpy.ndim(q))
    d[y] = weighted_reduce(quantile_weights(a, p, axis, method, False, "slope"), a, axis,
                           keepdims, numpy.ndim(q)) * q_expand(d[q], y) / 100


@reverse(numpy.nanpercentile)
def nanpercentile(y, a, q, axis=None, *, method="linear", keepdims=False):
    p = numpy.true_divide(q, 100)
    d[a] = weighted_expand(d[y], quantile_weights(a, p, axis, method, True, "value"), a, axis,
                           keepdims, numpy.ndim(q))
    d[q] = sum_to_q(d[y] * weighted_reduce(quantile_weights(a, p, axis, method, True, "slope"),
                                           numpy.where(numpy.isnan(a), 0.0, a), axis, keepdims,
                                           numpy.ndim(q)), q) / 100


@forward(numpy.nanpercentile)
def nanpercentile(y, a, q, axis=None, *, method="linear", keepdims=False):
    p = numpy.true_divide(q, 100)
    d[y] = weighted_reduce(quantile_weights(a, p, axis, method, True, "value"),
                           numpy.where(numpy.isnan(a), 0.0, d[a]), axis, keepdims, numpy.ndim(q))
    d[y] = weighted_reduce(quantile_weights(a, p, axis, method, True, "slope"),
                           numpy.where(numpy.isnan(a), 0.0, a), axis, keepdims,
                           numpy.ndim(q)) * q_expand(d[q], y) / 100


@reverse(numpy.median)
def median(y, a, axis=None, *, keepdims=False):
    d[a] = weighted_expand(d[y], quantile_weights(a, 0.5, axis, "linear", False, "value"), a,
                           axis, keepdims, 0)


@forward(numpy.median)
def median(y, a, axis=None, *, keepdims=False):
    d[y] = weighted_reduce(quantile_weights(a, 0.5, axis, "linear", False, "value"), d[a], axis,
                           keepdims, 0)


@reverse(numpy.nanmedian)
def nanmedian(y, a, axis=None, *, keepdims=False):
    d[a] = weighted_expand(d[y], quantile_weights(a, 0.5, axis, "linear", True, "value"), a,
                           axis, keepdims, 0)


@forward(numpy.nanmedian)
def nanmedian(y, a, axis=None, *, keepdims=False):
    d[y] = weighted_reduce(quantile_weights(a, 0.5, axis, "linear", True, "value"),
                           numpy.where(numpy.isnan(a), 0.0, d[a]), axis, keepdims, 0)


# -- integration and convolution -----------------------------------------------------------
# trapezoid(y, x, dx, axis) = sum(w * y) with w linear in x (or dx): both linear
@reverse(numpy.trapezoid)
def trapezoid(out, y, x=None, dx=1.0, axis=-1):
    d[y] = numpy.broadcast_to(expand_axis(d[out], y, axis) * trapezoid_weights(y, x, dx, axis),
                              numpy.shape(y))
    d[x] = trapezoid_grad_x(d[out], y, x, axis)
    d[dx] = numpy.sum(d[out] * numpy.trapezoid(y, None, 1.0, axis)) * (x is None)


@forward(numpy.trapezoid)
def trapezoid(out, y, x=None, dx=1.0, axis=-1):
    d[out] = numpy.trapezoid(d[y], x, dx, axis)
    d[out] = numpy.trapezoid(y, d[x], dx, axis)
    d[out] = numpy.trapezoid(y, None, d[dx], axis) * (x is None)


# convolve(a, v) is linear in each: the adjoint of the full result convolved with the other
# argument reversed ('valid'); 'same' and 'valid' results are windows of the full one, whose
# adjoint is theirs padded with zeros (runtime_stats.full_window)
@reverse(numpy.convolve)
def convolve(y, a, v, mode="full"):
    g = full_window(d[y], numpy.size(a), numpy.size(v), mode, False)
    d[a] = numpy.convolve(g, numpy.flip(v), "valid")
    d[v] = numpy.convolve(g, numpy.flip(a), "valid")


@forward(numpy.convolve)
def convolve(y, a, v, mode="full"):
    d[y] = numpy.convolve(d[a], v, mode)
    d[y] = numpy.convolve(a, d[v], mode)


# correlate(a, v) = convolve(a, conj(v)[::-1])
@reverse(numpy.correlate)
def correlate(y, a, v, mode="valid"):
    g = full_window(d[y], numpy.size(a), numpy.size(v), mode, True)
    d[a] = numpy.convolve(g, numpy.conjugate(v), "valid")
    d[v] = numpy.conjugate(numpy.flip(numpy.convolve(g, numpy.flip(a), "valid")))


@forward(numpy.correlate)
def correlate(y, a, v, mode="valid"):
    d[y] = numpy.correlate(d[a], v, mode)
    d[y] = numpy.correlate(a, d[v], mode)


# -- interp ------------------------------------------------------------------------------------
# y = fp[i] + t (fp[i+1] - fp[i]), t = (x - xp[i]) / (xp[i+1] - xp[i]) on the interval i of x:
# d/dx = the slope s there (0 outside xp's range), d/dfp = (1 - t, t) at (i, i+1) (as
# numpy.interp of the tangent: interp is linear in fp), d/dxp = -s (1 - t, t) at (i, i+1)
# inside; left=/right= take the derivative where x lies beyond xp. At a knot (a kink) the
# derivatives in x and xp are the average of the two intervals' (the even split; central
# differences agree), from the intervals picked from the right (i) and from the left (j).
# Every derivative is written with numpy.take, numpy.bincount and arithmetic, so forward
# mode over this rule (second order) follows from their rules.
@reverse(numpy.interp)
def interp(y, x, xp, fp, left=None, right=None):
    held = interp_held(x, xp, left, right)
    i = interp_cells(x, xp, "right")
    j = interp_cells(x, xp, "left")
    inside_i = interp_inside(x, xp, "right")
    inside_j = interp_inside(x, xp, "left")
    width_i = numpy.take(xp, i + 1) - numpy.take(xp, i)
    width_j = numpy.take(xp, j + 1) - numpy.take(xp, j)
    slope_i = (numpy.take(fp, i + 1) - numpy.take(fp, i)) / width_i
    slope_j = (numpy.take(fp, j + 1) - numpy.take(fp, j)) / width_j
    t_i = (x - numpy.take(xp, i)) / width_i
    t_j = (x - numpy.take(xp, j)) / width_j
    t_held = numpy.ravel(numpy.clip(t_i, 0.0, 1.0))
    g_held = numpy.ravel(d[y] * held)
    g_i = numpy.ravel(d[y] * inside_i * slope_i) * -0.5
    g_j = numpy.ravel(d[y] * inside_j * slope_j) * -0.5
    n = numpy.size(xp)
    d[x] = d[y] * (inside_i * slope_i + inside_j * slope_j) * 0.5
    d[fp] = numpy.bincount(numpy.ravel(i), g_held * (1 - t_held), n) + numpy.bincount(
        numpy.ravel(i) + 1, g_held * t_held, n)
    d[xp] = numpy.bincount(numpy.ravel(i), g_i * (1 - numpy.ravel(t_i)), n) + numpy.bincount(
        numpy.ravel(i) + 1, g_i * numpy.ravel(t_i), n) + numpy.bincount(
        numpy.ravel(j), g_j * (1 - numpy.ravel(t_j)), n) + numpy.bincount(
        numpy.ravel(j) + 1, g_j * numpy.ravel(t_j), n)
    d[left] = numpy.sum(d[y] * numpy.less(x, numpy.take(xp, 0)))
    d[right] = numpy.sum(d[y] * numpy.greater(x, numpy.take(xp, -1)))


@forward(numpy.interp)
def interp(y, x, xp, fp, left=None, right=None):
    i = interp_cells(x, xp, "right")
    j = interp_cells(x, xp, "left")
    inside_i = interp_inside(x, xp, "right")
    inside_j = interp_inside(x, xp, "left")
    width_i = numpy.take(xp, i + 1) - numpy.take(xp, i)
    width_j = numpy.take(xp, j + 1) - numpy.take(xp, j)
    slope_i = (numpy.take(fp, i + 1) - numpy.take(fp, i)) / width_i
    slope_j = (numpy.take(fp, j + 1) - numpy.take(fp, j)) / width_j
    t_i = (x - numpy.take(xp, i)) / width_i
    t_j = (x - numpy.take(xp, j)) / width_j
    d[y] = numpy.interp(x, xp, d[fp]) * interp_held(x, xp, left, right)
    d[y] = broadcast_like(d[left] * numpy.less(x, numpy.take(xp, 0)), y)
    d[y] = broadcast_like(d[right] * numpy.greater(x, numpy.take(xp, -1)), y)
    d[y] = d[x] * (inside_i * slope_i + inside_j * slope_j) * 0.5
    d[y] = (inside_i * slope_i * ((1 - t_i) * numpy.take(d[xp], i) + t_i * numpy.take(
        d[xp], i + 1)) + inside_j * slope_j * ((1 - t_j) * numpy.take(d[xp], j) + t_j * numpy.take(
            d[xp], j + 1))) * -0.5


# -- outer products of ufuncs: f.outer(a, b) = f(outer_left(a, b), b) -----------------------
# (the other binary ufuncs' .outer have no rule and are refused at the user's line)
@reverse(numpy.add.outer)
def add_outer(y, a, b):
    d[a] = outer_left_grad(d[y], a, b)
    d[b] = unbroadcast(d[y], b)


@forward(numpy.add.outer)
def add_outer(y, a, b):
    d[y] = broadcast_like(outer_left(d[a], b), y)
    d[y] = broadcast_like(d[b], y)


@reverse(numpy.subtract.outer)
def subtract_outer(y, a, b):
    d[a] = outer_left_grad(d[y], a, b)
    d[b] = -unbroadcast(d[y], b)


@forward(numpy.subtract.outer)
def subtract_outer(y, a, b):
    d[y] = broadcast_like(outer_left(d[a], b), y)
    d[y] = -broadcast_like(d[b], y)


@reverse(numpy.multiply.outer)
def multiply_outer(y, a, b):
    d[a] = outer_left_grad(d[y] * b, a, b)
    d[b] = unbroadcast(d[y] * outer_left(a, b), b)


@forward(numpy.multiply.outer)
def multiply_outer(y, a, b):
    d[y] = broadcast_like(outer_left(d[a], b) * b, y)
    d[y] = broadcast_like(outer_left(a, b) * d[b], y)


@reverse(numpy.divide.outer)
def divide_outer(y, a, b):
    d[a] = outer_left_grad(d[y] / b, a, b)
    d[b] = unbroadcast(-d[y] * y / b, b)


@forward(numpy.divide.outer)
def divide_outer(y, a, b):
    d[y] = broadcast_like(outer_left(d[a], b) / b, y)
    d[y] = broadcast_like(-y * d[b] / b, y)


# maximum/minimum.outer: ties split evenly, as for maximum and minimum
@reverse(numpy.maximum.outer)
def maximum_outer(y, a, b):
    left = outer_left(a, b)
    ties = numpy.equal(left, b)
    d[a] = outer_left_grad(tie_split(d[y], numpy.greater(left, b) | numpy.isnan(b), ties), a, b)
    d[b] = unbroadcast(tie_split(d[y], numpy.greater(b, left) | numpy.isnan(left), ties), b)


@forward(numpy.maximum.outer)
def maximum_outer(y, a, b):
    left = outer_left(a, b)
    ties = numpy.equal(left, b)
    d[y] = broadcast_like(tie_split(outer_left(d[a], b), numpy.greater(left, b) |
                                    numpy.isnan(b), ties), y)
    d[y] = broadcast_like(tie_split(d[b], numpy.greater(b, left) | numpy.isnan(left), ties), y)


@reverse(numpy.minimum.outer)
def minimum_outer(y, a, b):
    left = outer_left(a, b)
    ties = numpy.equal(left, b)
    d[a] = outer_left_grad(tie_split(d[y], numpy.less(left, b) | numpy.isnan(b), ties), a, b)
    d[b] = unbroadcast(tie_split(d[y], numpy.less(b, left) | numpy.isnan(left), ties), b)


@forward(numpy.minimum.outer)
def minimum_outer(y, a, b):
    left = outer_left(a, b)
    ties = numpy.equal(left, b)
    d[y] = broadcast_like(tie_split(outer_left(d[a], b), numpy.less(left, b) |
                                    numpy.isnan(b), ties), y)
    d[y] = broadcast_like(tie_split(d[b], numpy.less(b, left) | numpy.isnan(left), ties), y)


# -- special functions -----------------------------------------------------------------------
elementwise(numpy.i0, lambda y, x: bessel_i1(x))


# the derivatives' own tangents (forward over reverse: second derivatives of i0 and sinc)
@forward(bessel_i1)
def bessel_i1_tangent(y, x):
    d[y] = d[x] * bessel_i1_slope(x)


@forward(sinc_slope)
def sinc_slope_tangent(y, x):
    d[y] = d[x] * sinc_curvature(x)


# -- the runtime_stats helpers' own tangent rules (forward over reverse) ----------------------
@forward(cumprod_grad)
def cumprod_grad_tangent_rule(y, grad, a, axis):
    d[y] = cumprod_grad(d[grad], a, axis)
    d[y] = cumprod_grad_tangent(grad, a, d[a], axis)


linear(drop_initial, "grad")
linear(running_extremum_grad, "grad")


@forward(nan_centered)
def nan_centered_tangent(y, a, axis, kink=False):
    d[y] = nan_center_like(d[a], a, axis, kink)


linear(nan_center_like, "t")
linear(broadcast_weights, "weights")
linear(unbroadcast_weights, "grad")


@forward(quantile_weights)
def quantile_weights_tangent_rule(y, a, q, axis, method, nan, part):
    d[y] = quantile_weights_tangent(d[q], a, q, axis, method, nan, part)


linear(weighted_reduce, "weights", "t")
linear(weighted_expand, "grad", "weights")
linear(sum_to_q, "value")
linear(full_window, "grad")
linear(expand_axis, "grad")


@forward(trapezoid_weights)
def trapezoid_weights_tangent(w, y, x, dx, axis):
    d[w] = trapezoid_weights(y, d[x], dx, axis)
    d[w] = trapezoid_weights(y, None, d[dx], axis) * (x is None)


linear(trapezoid_grad_x, "grad", "y")
linear(outer_left, "a")
linear(outer_left_grad, "grad")


# -- numpy.histogram: its edges run from min(a) to max(a) where bins is a count and range is
# not given (runtime_quantiles.histogram_edges_grad), or are bins itself where bins is an
# array; its counts are piecewise constant, and with density=True each value c / (total
# width) moves against its bin's width (spread); a weight counts in its element's bin.
# range= is held constant.
@reverse(numpy.histogram)
def histogram(y, a, bins=10, range=None, density=None, weights=None):
    spread = -(d[y][0] * y[0]) / numpy.diff(y[1]) * histogram_density(density)
    d[a] = histogram_edges_grad(d[y][1] + numpy.pad(spread, (1, 0)) - numpy.pad(spread, (0, 1)),
                                a, y[1], bins, range)
    d[bins] = d[y][1] + numpy.pad(spread, (1, 0)) - numpy.pad(spread, (0, 1))
    # each weight counts in its element's bin: the bins' cotangent read at it (0 outside);
    # with density=True the values c / (total width) move with c and against the total
    d[weights] = numpy.append(
        d[y][0] * (1 - histogram_density(density)) + histogram_density(density) * (
            d[y][0] / numpy.diff(y[1]) - numpy.sum(d[y][0] * y[0])) / numpy.sum(
            weights * (histogram_bin_index(a, y[1]) < numpy.size(y[0]))),
        0.0)[histogram_bin_index(a, y[1])]


@forward(numpy.histogram)
def histogram(y, a, bins=10, range=None, density=None, weights=None):
    d[y] = (histogram_tangent(histogram_edges_tangent(d[a], a, y[1], bins, range), y[0], y[1],
                              density), histogram_edges_tangent(d[a], a, y[1], bins, range))
    d[y] = (histogram_tangent(d[bins], y[0], y[1], density), d[bins])
    d[y] = (histogram_weights_tangent(d[weights], a, y[0], y[1], weights, density), 0.0 * y[1])


@reverse(numpy.histogram_bin_edges)
def histogram_bin_edges(y, a, bins=10, range=None, weights=None):
    d[a] = histogram_edges_grad(d[y], a, y, bins, range)
    d[bins] = d[y]


@forward(numpy.histogram_bin_edges)
def histogram_bin_edges(y, a, bins=10, range=None, weights=None):
    d[y] = histogram_edges_tangent(d[a], a, y, bins, range)
    d[y] = d[bins]


_FIXED = "the bins' range= is taken as given: differentiate with respect to a"
held_constant(numpy.histogram, range=_FIXED)
held_constant(numpy.histogram_bin_edges, weights=_FIXED, range=_FIXED)
# the edges' adjoint in a is linear in their cotangent, its weights piecewise constant in a
linear(histogram_edges_grad, "g")
nondifferentiable(histogram_density, histogram_bin_index)
