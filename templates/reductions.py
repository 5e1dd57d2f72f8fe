"""Reductions: sum, mean, prod, max, min, var, std, cumsum, norms, with axis= and keepdims=.

Subgradients at kinks (documented choices):

* max/min (and amax/amin, linalg.norm with ord=inf): when several elements
  tie for the extremum, the derivative is split evenly between them.
* prod: computed from the products of the *other* elements, so zeros in the
  input give exact derivatives (no division by the input).
* norms: the derivative at a zero norm, and at a zero element of a p-norm, is taken as zero.
* std: where the input is constant along the reduction (std 0, a kink like abs at 0) the
  derivative is taken as zero; var's is exactly zero there (see the comment at var).
"""
import numpy

from srcdiff.lazy_runtime import broadcast_back
from srcdiff.rules import d, forward, not_implemented, reverse
from srcdiff.runtime import (centered, cumsum_grad, expand_reduced, extremum_grad,
                             extremum_weights, norm_weights, prod_others, reduce_grad,
                             reduced_count, safe_divide)


@reverse(numpy.sum)
def sum(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] = broadcast_back(expand_reduced(d[y], a, axis, keepdims), a)


@forward(numpy.sum)
def sum(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[y] = numpy.sum(d[a], axis=axis, keepdims=keepdims)


@reverse(numpy.mean)
def mean(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] = reduce_grad(d[y], a, axis, keepdims) / reduced_count(a, y)


@forward(numpy.mean)
def mean(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[y] = numpy.mean(d[a], axis=axis, keepdims=keepdims)


@reverse(numpy.prod)
def prod(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] = reduce_grad(d[y], a, axis, keepdims) * prod_others(a, axis)


@forward(numpy.prod)
def prod(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[y] = numpy.sum(d[a] * prod_others(a, axis), axis=axis, keepdims=keepdims)


# numpy.max/amax and numpy.min/amin are distinct objects in NumPy 2 with the same meaning.
@reverse(numpy.max, numpy.amax, numpy.min, numpy.amin)
def max(y, a, axis=None, out=None, keepdims=False):
    d[a] = extremum_grad(d[y], a, y, axis, keepdims)


@forward(numpy.max, numpy.amax, numpy.min, numpy.amin)
def max(y, a, axis=None, out=None, keepdims=False):
    d[y] = numpy.sum(d[a] * extremum_weights(a, y, axis, keepdims), axis=axis,
                     keepdims=keepdims)


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


not_implemented(numpy.cumprod, "write the running product with a for loop, or use "
                "numpy.exp(numpy.cumsum(numpy.log(x))) for positive x")
not_implemented(numpy.average, "use numpy.sum(a * w, axis) / numpy.sum(w, axis)")
not_implemented(numpy.median, "sort-based statistics have no rule yet; use numpy.mean "
                "or compute the median with indexing on numpy.sort's argsort")
not_implemented(numpy.nansum, "mask the NaNs first: numpy.sum(numpy.where(numpy.isnan(x), "
                "0.0, x))")
not_implemented(numpy.nanmean, "mask the NaNs and divide by the count of non-NaN values")
