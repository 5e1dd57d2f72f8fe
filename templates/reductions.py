"""Reductions: sum, mean, prod, max, min, var, std, cumsum, norms, with axis= and keepdims=.

Subgradients at kinks (documented choices):

* max/min (and amax/amin, linalg.norm with ord=inf): when several elements
  tie for the extremum, the derivative is split evenly between them.
* prod: computed from the products of the *other* elements, so zeros in the
  input give exact derivatives (no division by the input).
* norms: the derivative at a zero norm, and at a zero element of a p-norm, is taken as zero.
* std: where the input is constant along the reduction (std 0, a kink like abs at 0) the
  derivative is taken as zero; var's is exactly zero there (see the comment at var).
* cumprod: dual-number running products from both ends, no division, so any number of
  zeros in the input give exact derivatives (first and second order).
* ptp is max - min, each with its ties split evenly (0 where all elements are equal).
* the nan* functions ignore NaNs as NumPy does: a NaN element gets derivative 0 (and an
  all-NaN reduction, whose value is NaN, passes none on).

sum, mean, prod, max, min (amax, amin) take where= and initial= (mean: where=); keywords a
rule does not list (out=, returned=, where= of the others, ...) are refused at the user's line; keyword-only parameters here keep a positional `out` from binding wrongly.
"""
import numpy

from srcdiff.lazy_runtime import broadcast_back
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, nondifferentiable, not_implemented, reverse
from srcdiff.runtime import (broadcast_like, centered, cumsum_grad, expand_reduced,
                             extremum_grad, extremum_weights, norm_weights, prod_others,
                             reduce_grad, reduced_count, safe_divide, unbroadcast)
from srcdiff.runtime_keywords import initial_weight, where_count, where_filled, with_initial
from srcdiff.runtime_logaddexp import logaddexp_accumulate_grad, logaddexp_accumulate_tangent
from srcdiff.runtime_stats import (add_initial, broadcast_weights, cumprod_grad,
                                   running_extremum_grad, running_extremum_tangent,
                                   cumprod_tangent, drop_initial, nan_centered,
                                   unbroadcast_weights)


# where= (a mask broadcast against a) and initial= (a number the reduction starts from):
# sum(a, where=m, initial=v) = v + the sum of a where m; mean(a, where=m) its mean over m's
# elements; prod(a, where=m, initial=v) = v times the product of a where m. Elements out of
# the mask get derivative 0. Without these keywords the helpers fold away (srcdiff.splice):
# the rules emit what they did before the keywords were accepted.
@reverse(numpy.sum)
def sum(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    d[a] = where_filled(broadcast_back(expand_reduced(d[y], a, axis, keepdims), a), where, 0.0)
    d[initial] = unbroadcast(d[y], initial)


@forward(numpy.sum)
def sum(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    d[y] = numpy.sum(d[a], axis=axis, keepdims=keepdims, where=where)
    d[y] = broadcast_like(d[initial], y)


@reverse(numpy.mean)
def mean(y, a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    d[a] = where_filled(reduce_grad(d[y], a, axis, keepdims) / where_count(
        reduced_count(a, y), where, a, axis), where, 0.0)


@forward(numpy.mean)
def mean(y, a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    d[y] = numpy.mean(d[a], axis=axis, keepdims=keepdims, where=where)


@reverse(numpy.prod)
def prod(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    d[a] = where_filled(with_initial(reduce_grad(d[y], a, axis, keepdims) * prod_others(
        where_filled(a, where, 1.0), axis), initial), where, 0.0)
    d[initial] = unbroadcast(d[y] * numpy.prod(a, axis=axis, keepdims=keepdims, where=where),
                             initial)


@forward(numpy.prod)
def prod(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    d[y] = with_initial(numpy.sum(d[a] * prod_others(where_filled(a, where, 1.0), axis),
                                  axis=axis, keepdims=keepdims, where=where), initial)
    d[y] = broadcast_like(d[initial] * numpy.prod(a, axis=axis, keepdims=keepdims, where=where),
                          y)


# numpy.max/amax and numpy.min/amin are distinct objects in NumPy 2 with the same meaning.
# With where=, the elements out of the mask are NaN to the tie test (never the extremum);
# with initial=, the derivative goes to initial where it is the result and no element
# attains it (runtime_keywords.initial_weight: a tie with an element goes to the element).
@reverse(numpy.max, numpy.amax, numpy.min, numpy.amin)
def max(y, a, axis=None, out=None, keepdims=False, initial=None, where=True):
    d[a] = where_filled(extremum_grad(d[y], where_filled(a, where, numpy.nan), y, axis,
                                      keepdims), where, 0.0)
    d[initial] = unbroadcast(d[y] * initial_weight(where_filled(a, where, numpy.nan), y,
                                                   initial, axis, keepdims), initial)


@forward(numpy.max, numpy.amax, numpy.min, numpy.amin)
def max(y, a, axis=None, out=None, keepdims=False, initial=None, where=True):
    d[y] = numpy.sum(d[a] * extremum_weights(where_filled(a, where, numpy.nan), y, axis,
                                             keepdims), axis=axis, keepdims=keepdims,
                     where=where)
    d[y] = broadcast_like(d[initial] * initial_weight(where_filled(a, where, numpy.nan), y,
                                                      initial, axis, keepdims), y)


# var and std of complex values: for a real-valued f(z) of z = a + ib the gradient is
# df/da - i df/db (the convention of abs and norm), hence the conjugate of the centered
# values; the tangent is real (numpy.real of the complex product).
# Where the input is constant along the reduction, `centered` is exactly zero (not the
# rounding error of the mean): var's derivative (truly zero) is then exactly zero, its
# second derivative stays right; std, which has a kink there like abs at 0 (the square
# root of a square), takes the zero subgradient (safe_divide: 0 where std is 0, and
# kink=True: a zero second derivative there too), as autograd and JAX do not (they give
# nan): np.std(x) of a scalar, or of np.full(3, x), has derivative 0, not nan or +-1.
# With ddof >= the count (NumPy's value is nan or inf) the derivative is nan or inf too,
# never a ZeroDivisionError (numpy.true_divide).
@reverse(numpy.var)
def var(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    d[a] = reduce_grad(numpy.real(d[y]), a, axis, keepdims) * numpy.conjugate(
        centered(a, axis)) * numpy.true_divide(2, reduced_count(a, y) - ddof)


@forward(numpy.var)
def var(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    d[y] = numpy.sum(numpy.real(d[a] * numpy.conjugate(centered(a, axis))), axis=axis,
                     keepdims=keepdims) * numpy.true_divide(2, reduced_count(a, y) - ddof)


@reverse(numpy.std)
def std(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    d[a] = reduce_grad(safe_divide(numpy.real(d[y]), y), a, axis, keepdims) * numpy.conjugate(
        centered(a, axis, True)) / (reduced_count(a, y) - ddof)


@forward(numpy.std)
def std(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    d[y] = safe_divide(numpy.sum(numpy.real(d[a] * numpy.conjugate(centered(a, axis, True))),
                                 axis=axis, keepdims=keepdims), y * (reduced_count(a, y) - ddof))


@reverse(numpy.cumsum)
def cumsum(y, a, axis=None, dtype=None, out=None):
    d[a] = cumsum_grad(d[y], a, axis)


@forward(numpy.cumsum)
def cumsum(y, a, axis=None, dtype=None, out=None):
    d[y] = numpy.cumsum(d[a], axis=axis)


@reverse(numpy.linalg.norm)
def norm(y, x, ord=None, axis=None, keepdims=False):
    d[x] = reduce_grad(numpy.real(d[y]), x, axis, keepdims) * norm_weights(x, y, ord, axis,
                                                                            keepdims)


@forward(numpy.linalg.norm)
def norm(y, x, ord=None, axis=None, keepdims=False):
    d[y] = numpy.real(numpy.sum(d[x] * norm_weights(x, y, ord, axis, keepdims), axis=axis,
                                keepdims=keepdims))


if hasattr(numpy.linalg, "vector_norm"):
    @reverse(numpy.linalg.vector_norm)
    def vector_norm(y, x, *, axis=None, keepdims=False, ord=2):
        d[x] = reduce_grad(numpy.real(d[y]), x, axis, keepdims) * norm_weights(
            x, y, ord, axis, keepdims, "vector")

    @forward(numpy.linalg.vector_norm)
    def vector_norm(y, x, *, axis=None, keepdims=False, ord=2):
        d[y] = numpy.real(numpy.sum(d[x] * norm_weights(x, y, ord, axis, keepdims, "vector"),
                                    axis=axis, keepdims=keepdims))

    @reverse(numpy.linalg.matrix_norm)
    def matrix_norm(y, x, *, keepdims=False, ord="fro"):
        d[x] = reduce_grad(numpy.real(d[y]), x, (-2, -1), keepdims) * norm_weights(
            x, y, ord, None, keepdims, "matrix")

    @forward(numpy.linalg.matrix_norm)
    def matrix_norm(y, x, *, keepdims=False, ord="fro"):
        d[y] = numpy.real(numpy.sum(d[x] * norm_weights(x, y, ord, None, keepdims, "matrix"),
                                    axis=(-2, -1), keepdims=keepdims))


# bincount(x, weights): the sum of the weights in each bin (x, integer, moves none)
@reverse(numpy.bincount)
def bincount(y, x, weights=None, minlength=0):
    d[weights] = numpy.take(d[y], x)


@forward(numpy.bincount)
def bincount(y, x, weights=None, minlength=0):
    d[y] = numpy.bincount(x, d[weights], numpy.shape(y)[0])


# cumprod: exact where the input has zeros (runtime_stats.cumprod_grad: no division)
@reverse(numpy.cumprod)
def cumprod(y, a, axis=None, dtype=None):
    d[a] = cumprod_grad(d[y], a, axis)


@forward(numpy.cumprod)
def cumprod(y, a, axis=None, dtype=None):
    d[y] = cumprod_tangent(d[a], a, axis)


if hasattr(numpy, "cumulative_sum"):  # NumPy 2.1+ (the Array API's names)
    @reverse(numpy.cumulative_sum)
    def cumulative_sum(y, x, *, axis=None, dtype=None, include_initial=False):
        d[x] = cumsum_grad(drop_initial(d[y], axis, include_initial), x, axis)

    @forward(numpy.cumulative_sum)
    def cumulative_sum(y, x, *, axis=None, dtype=None, include_initial=False):
        d[y] = add_initial(numpy.cumsum(d[x], axis=axis), axis, include_initial)

    @reverse(numpy.cumulative_prod)
    def cumulative_prod(y, x, *, axis=None, dtype=None, include_initial=False):
        d[x] = cumprod_grad(drop_initial(d[y], axis, include_initial), x, axis)

    @forward(numpy.cumulative_prod)
    def cumulative_prod(y, x, *, axis=None, dtype=None, include_initial=False):
        d[y] = add_initial(cumprod_tangent(d[x], x, axis), axis, include_initial)


# ptp = max - min, each with its ties split evenly
@reverse(numpy.ptp)
def ptp(y, a, axis=None, *, keepdims=False):
    high = numpy.max(a, axis=axis, keepdims=keepdims)
    low = numpy.min(a, axis=axis, keepdims=keepdims)
    d[a] = extremum_grad(d[y], a, high, axis, keepdims) - extremum_grad(d[y], a, low, axis,
                                                                         keepdims)


@forward(numpy.ptp)
def ptp(y, a, axis=None, *, keepdims=False):
    high = numpy.max(a, axis=axis, keepdims=keepdims)
    low = numpy.min(a, axis=axis, keepdims=keepdims)
    d[y] = numpy.sum(d[a] * (extremum_weights(a, high, axis, keepdims) -
                             extremum_weights(a, low, axis, keepdims)), axis=axis,
                     keepdims=keepdims)


# average(a, axis, weights) = sum(w a) / sum(w): d/da = w / sum(w), d/dw = (a - avg) / sum(w)
# (weights 1-d along an int axis, or shaped like the reduced axes, broadcast as NumPy does:
# runtime_stats.broadcast_weights). returned= is refused: the rule gives the average only.
@reverse(numpy.average)
def average(y, a, axis=None, weights=None, *, keepdims=False):
    w = broadcast_weights(weights, a, axis)
    total = numpy.sum(w * numpy.ones_like(a), axis=axis, keepdims=True)
    g = expand_reduced(d[y], a, axis, keepdims)
    d[a] = numpy.broadcast_to(g * w / total, numpy.shape(a))
    d[weights] = unbroadcast_weights(g * (a - expand_reduced(y, a, axis, keepdims)) / total,
                                     weights, a, axis)


@forward(numpy.average)
def average(y, a, axis=None, weights=None, *, keepdims=False):
    w = broadcast_weights(weights, a, axis)
    total = numpy.sum(w * numpy.ones_like(a), axis=axis, keepdims=keepdims)
    d[y] = numpy.sum(d[a] * w, axis=axis, keepdims=keepdims) / total
    d[y] = numpy.sum(broadcast_weights(d[weights], a, axis) * (
        a - expand_reduced(y, a, axis, keepdims)), axis=axis, keepdims=keepdims) / total


# -- the nan* reductions: NaNs count as absent (a NaN element's derivative is 0) -------------
@reverse(numpy.nansum)
def nansum(y, a, axis=None, dtype=None, *, keepdims=False):
    d[a] = numpy.where(numpy.isnan(a), 0.0, reduce_grad(d[y], a, axis, keepdims))


@forward(numpy.nansum)
def nansum(y, a, axis=None, dtype=None, *, keepdims=False):
    d[y] = numpy.sum(numpy.where(numpy.isnan(a), 0.0, d[a]), axis=axis, keepdims=keepdims)


@reverse(numpy.nanmean)
def nanmean(y, a, axis=None, dtype=None, *, keepdims=False):
    count = numpy.sum(numpy.logical_not(numpy.isnan(a)), axis=axis, keepdims=keepdims)
    d[a] = numpy.where(numpy.isnan(a), 0.0, reduce_grad(numpy.true_divide(d[y], count), a,
                                                        axis, keepdims))


@forward(numpy.nanmean)
def nanmean(y, a, axis=None, dtype=None, *, keepdims=False):
    count = numpy.sum(numpy.logical_not(numpy.isnan(a)), axis=axis, keepdims=keepdims)
    d[y] = numpy.true_divide(numpy.sum(numpy.where(numpy.isnan(a), 0.0, d[a]), axis=axis,
                                       keepdims=keepdims), count)


@reverse(numpy.nanprod)
def nanprod(y, a, axis=None, dtype=None, *, keepdims=False):
    ones = numpy.where(numpy.isnan(a), 1.0, a)
    d[a] = numpy.where(numpy.isnan(a), 0.0, reduce_grad(d[y], a, axis, keepdims) *
                       prod_others(ones, axis))


@forward(numpy.nanprod)
def nanprod(y, a, axis=None, dtype=None, *, keepdims=False):
    ones = numpy.where(numpy.isnan(a), 1.0, a)
    d[y] = numpy.sum(numpy.where(numpy.isnan(a), 0.0, d[a]) * prod_others(ones, axis),
                     axis=axis, keepdims=keepdims)


# nanvar and nanstd as var and std (complex values, constant reductions: see var) over the
# non-NaN elements of each reduction
@reverse(numpy.nanvar)
def nanvar(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False):
    count = numpy.sum(numpy.logical_not(numpy.isnan(a)), axis=axis, keepdims=True)
    d[a] = numpy.where(numpy.isnan(a), 0.0, reduce_grad(d[y], a, axis, keepdims) * numpy.conjugate(
        nan_centered(a, axis)) * numpy.true_divide(2, count - ddof))


@forward(numpy.nanvar)
def nanvar(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False):
    count = numpy.sum(numpy.logical_not(numpy.isnan(a)), axis=axis, keepdims=keepdims)
    d[y] = numpy.sum(numpy.real(numpy.where(numpy.isnan(a), 0.0, d[a]) * numpy.conjugate(
        nan_centered(a, axis))), axis=axis, keepdims=keepdims) * numpy.true_divide(
        2, count - ddof)


@reverse(numpy.nanstd)
def nanstd(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False):
    count = numpy.sum(numpy.logical_not(numpy.isnan(a)), axis=axis, keepdims=True)
    d[a] = numpy.where(numpy.isnan(a), 0.0, reduce_grad(safe_divide(d[y], y), a, axis,
                                                        keepdims) * numpy.conjugate(
        nan_centered(a, axis, True)) / (count - ddof))


@forward(numpy.nanstd)
def nanstd(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False):
    count = numpy.sum(numpy.logical_not(numpy.isnan(a)), axis=axis, keepdims=keepdims)
    d[y] = safe_divide(numpy.sum(numpy.real(numpy.where(numpy.isnan(a), 0.0, d[a]) *
                                            numpy.conjugate(nan_centered(a, axis, True))),
                                 axis=axis, keepdims=keepdims), y * (count - ddof))


# nanmax/nanmin: NaNs never equal the extremum, so the max/min rule holds as it is
@reverse(numpy.nanmax, numpy.nanmin)
def nanmax(y, a, axis=None, *, keepdims=False):
    d[a] = extremum_grad(d[y], a, y, axis, keepdims)


@forward(numpy.nanmax, numpy.nanmin)
def nanmax(y, a, axis=None, *, keepdims=False):
    d[y] = numpy.sum(numpy.where(numpy.isnan(a), 0.0, d[a]) *
                     extremum_weights(a, y, axis, keepdims), axis=axis, keepdims=keepdims)


@reverse(numpy.nancumsum)
def nancumsum(y, a, axis=None, dtype=None):
    d[a] = numpy.where(numpy.isnan(a), 0.0, cumsum_grad(d[y], a, axis))


@forward(numpy.nancumsum)
def nancumsum(y, a, axis=None, dtype=None):
    d[y] = numpy.cumsum(numpy.where(numpy.isnan(a), 0.0, d[a]), axis=axis)


@reverse(numpy.nancumprod)
def nancumprod(y, a, axis=None, dtype=None):
    d[a] = numpy.where(numpy.isnan(a), 0.0, cumprod_grad(d[y], numpy.where(
        numpy.isnan(a), 1.0, a), axis))


@forward(numpy.nancumprod)
def nancumprod(y, a, axis=None, dtype=None):
    d[y] = cumprod_tangent(numpy.where(numpy.isnan(a), 0.0, d[a]), numpy.where(
        numpy.isnan(a), 1.0, a), axis)


# -- the ufunc methods: add/multiply/maximum/minimum.reduce (sum, prod, max, min over axis=0
# by default), add/multiply.accumulate (cumsum, cumprod along axis=0), maximum/minimum/fmax/
# fmin.accumulate (running extrema: y[i] is the extremum of a[:i + 1], whose derivative goes to
# the elements holding it, split evenly among ties as numpy.max's is)
@reverse(numpy.add.reduce)
def add_reduce(y, array, axis=0, dtype=None, *, keepdims=False):
    d[array] = numpy.broadcast_to(expand_reduced(d[y], array, axis, keepdims),
                                  numpy.shape(array))


@forward(numpy.add.reduce)
def add_reduce(y, array, axis=0, dtype=None, *, keepdims=False):
    d[y] = numpy.sum(d[array], axis=axis, keepdims=keepdims)


@reverse(numpy.multiply.reduce)
def multiply_reduce(y, array, axis=0, dtype=None, *, keepdims=False):
    d[array] = reduce_grad(d[y], array, axis, keepdims) * prod_others(array, axis)


@forward(numpy.multiply.reduce)
def multiply_reduce(y, array, axis=0, dtype=None, *, keepdims=False):
    d[y] = numpy.sum(d[array] * prod_others(array, axis), axis=axis, keepdims=keepdims)


@reverse(numpy.maximum.reduce, numpy.minimum.reduce)
def maximum_reduce(y, array, axis=0, dtype=None, *, keepdims=False):
    d[array] = extremum_grad(d[y], array, y, axis, keepdims)


@forward(numpy.maximum.reduce, numpy.minimum.reduce)
def maximum_reduce(y, array, axis=0, dtype=None, *, keepdims=False):
    d[y] = numpy.sum(d[array] * extremum_weights(array, y, axis, keepdims), axis=axis,
                     keepdims=keepdims)


@reverse(numpy.add.accumulate)
def add_accumulate(y, array, axis=0, dtype=None):
    d[array] = cumsum_grad(d[y], array, axis)


@forward(numpy.add.accumulate)
def add_accumulate(y, array, axis=0, dtype=None):
    d[y] = numpy.cumsum(d[array], axis=axis)


@reverse(numpy.multiply.accumulate)
def multiply_accumulate(y, array, axis=0, dtype=None):
    d[array] = cumprod_grad(d[y], array, axis)


@forward(numpy.multiply.accumulate)
def multiply_accumulate(y, array, axis=0, dtype=None):
    d[y] = cumprod_tangent(d[array], array, axis)


_RUNNING = (numpy.maximum.accumulate, numpy.minimum.accumulate, numpy.fmax.accumulate,
            numpy.fmin.accumulate)


@reverse(*_RUNNING)
def running_extremum(y, array, axis=0, dtype=None):
    d[array] = running_extremum_grad(d[y], array, y, axis)


@forward(*_RUNNING)
def running_extremum(y, array, axis=0, dtype=None):
    d[y] = running_extremum_tangent(d[array], array, y, axis)


# -- logaddexp/logaddexp2.reduce: log_b of the sum of b**a over axis (b = e, 2), whose
# derivative in a is b**(a - y), at most 1 (no power of a alone, which overflows); their
# accumulate forms run the same sums (srcdiff.runtime_logaddexp)
@reverse(numpy.logaddexp.reduce)
def logaddexp_reduce(y, array, axis=0, dtype=None, *, keepdims=False):
    d[array] = reduce_grad(d[y], array, axis, keepdims) * numpy.exp(
        array - reduce_grad(y, array, axis, keepdims))


@forward(numpy.logaddexp.reduce)
def logaddexp_reduce(y, array, axis=0, dtype=None, *, keepdims=False):
    d[y] = numpy.sum(d[array] * numpy.exp(array - reduce_grad(y, array, axis, keepdims)),
                     axis=axis, keepdims=keepdims)


@reverse(numpy.logaddexp2.reduce)
def logaddexp2_reduce(y, array, axis=0, dtype=None, *, keepdims=False):
    d[array] = reduce_grad(d[y], array, axis, keepdims) * numpy.exp2(
        array - reduce_grad(y, array, axis, keepdims))


@forward(numpy.logaddexp2.reduce)
def logaddexp2_reduce(y, array, axis=0, dtype=None, *, keepdims=False):
    d[y] = numpy.sum(d[array] * numpy.exp2(array - reduce_grad(y, array, axis, keepdims)),
                     axis=axis, keepdims=keepdims)


@reverse(numpy.logaddexp.accumulate)
def logaddexp_accumulate(y, array, axis=0, dtype=None):
    d[array] = logaddexp_accumulate_grad(d[y], array, y, axis, numpy.e)


@forward(numpy.logaddexp.accumulate)
def logaddexp_accumulate(y, array, axis=0, dtype=None):
    d[y] = logaddexp_accumulate_tangent(d[array], array, y, axis, numpy.e)


@reverse(numpy.logaddexp2.accumulate)
def logaddexp2_accumulate(y, array, axis=0, dtype=None):
    d[array] = logaddexp_accumulate_grad(d[y], array, y, axis, 2)


@forward(numpy.logaddexp2.accumulate)
def logaddexp2_accumulate(y, array, axis=0, dtype=None):
    d[y] = logaddexp_accumulate_tangent(d[array], array, y, axis, 2)


# their helpers' tangents (forward over reverse, forward over forward): with T(t) the tangent
# helper, T(t)[i] = sum over j <= i of t[j] b**(a[j] - y[i]) moves with a by ln(b) T(t da) and
# with y by -ln(b) dy T(t); the adjoint G(g)[j] = sum over i >= j of g[i] b**(a[j] - y[i]) by
# ln(b) da G(g) and -ln(b) G(g dy)
@forward(logaddexp_accumulate_tangent)
def logaddexp_accumulate_tangent_rule(y, t, a, r, axis, base):
    d[y] = logaddexp_accumulate_tangent(d[t], a, r, axis, base)
    d[y] = numpy.log(base) * logaddexp_accumulate_tangent(t * d[a], a, r, axis, base)
    d[y] = -numpy.log(base) * d[r] * y


@forward(logaddexp_accumulate_grad)
def logaddexp_accumulate_grad_rule(y, g, a, r, axis, base):
    d[y] = logaddexp_accumulate_grad(d[g], a, r, axis, base)
    d[y] = numpy.log(base) * d[a] * y
    d[y] = -numpy.log(base) * logaddexp_accumulate_grad(g * d[r], a, r, axis, base)


# -- the tangents of the where=/initial= helpers (srcdiff.runtime_keywords), met by forward
# mode over emitted gradients: the mask, the count and initial's weight are piecewise constant
nondifferentiable(where_count, initial_weight)
linear(with_initial, "value", "initial")


@forward(where_filled)
def where_filled_tangent(y, value, where, fill):
    d[y] = where_filled(d[value], where, 0.0)
    d[y] = where_filled(0.0, where, d[fill])
