"""Tangent rules of the helpers (srcdiff.runtime_scipy) that the SciPy rules' emitted
gradients call, so forward mode over an emitted gradient (hvp) follows them; loaded with
the SciPy rules (srcdiff.rules.OPTIONAL)."""
import numpy

from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime import broadcast_like, unbroadcast
from srcdiff.runtime_scipy import (as_columns, check_real, crop_from_full, deviation, expm_frechet,
                                   expm_frechet_second, factor_of, factor_of_adjoint,
                                   flipped_trans, halve_lower, item_adjoint, lower_gradient,
                                   lower_tangent, multipolygamma, pad_into, pad_to_full, polygamma_of,
                                   reduced_input, rows_of, transpose_if, transposed, triangle,
                                   weighted)

nondifferentiable(flipped_trans, transposed, check_real)


@reverse(reduced_input)
def reduced_input_adjoint(y, value, a, b, axis, keepdims):
    d[value] = numpy.reshape(d[y], numpy.shape(value))


@forward(reduced_input)
def reduced_input_tangent(y, value, a, b, axis, keepdims):
    d[y] = reduced_input(d[value], a, b, axis, keepdims)


@reverse(weighted)
def weighted_adjoint(y, p, b):
    d[p] = weighted(d[y], b)
    d[b] = d[y] * p


@forward(weighted)
def weighted_tangent(y, p, b):
    d[y] = weighted(d[p], b)
    d[y] = d[b] * p


@reverse(polygamma_of)
def polygamma_of_adjoint(y, n, x):
    d[x] = unbroadcast(d[y] * polygamma_of(n + 1, x), x)


@forward(polygamma_of)
def polygamma_of_tangent(y, n, x):
    d[y] = broadcast_like(d[x] * polygamma_of(n + 1, x), y)


@reverse(multipolygamma)
def multipolygamma_adjoint(y, n, a, dim):
    d[a] = d[y] * multipolygamma(n + 1, a, dim)


@forward(multipolygamma)
def multipolygamma_tangent(y, n, a, dim):
    d[y] = d[a] * multipolygamma(n + 1, a, dim)


@reverse(lower_gradient)
def lower_gradient_adjoint(y, g):
    d[g] = lower_tangent(d[y])


@forward(lower_gradient)
def lower_gradient_tangent(y, g):
    d[y] = lower_gradient(d[g])


@reverse(lower_tangent)
def lower_tangent_adjoint(y, t):
    d[t] = lower_gradient(d[y])


@forward(lower_tangent)
def lower_tangent_tangent(y, t):
    d[y] = lower_tangent(d[t])


@reverse(deviation)
def deviation_adjoint(y, x, mean):
    d[x] = unbroadcast(d[y], x)
    d[mean] = unbroadcast(-d[y], mean)


@forward(deviation)
def deviation_tangent(y, x, mean):
    d[y] = broadcast_like(d[x], y)
    d[y] = broadcast_like(-d[mean], y)


@reverse(rows_of)
def rows_of_adjoint(y, a):
    d[a] = numpy.reshape(d[y], numpy.shape(a))


@forward(rows_of)
def rows_of_tangent(y, a):
    d[y] = rows_of(d[a])


# -- the scipy.linalg and scipy.signal rules' helpers: linear maps, each other's adjoints --
@reverse(transpose_if)
def transpose_if_adjoint(y, m, flag):
    d[m] = transpose_if(d[y], flag)


@forward(transpose_if)
def transpose_if_tangent(y, m, flag):
    d[y] = transpose_if(d[m], flag)


@reverse(triangle)
def triangle_adjoint(y, m, lower, unit_diagonal=False):
    d[m] = triangle(d[y], lower, unit_diagonal)


@forward(triangle)
def triangle_tangent(y, m, lower, unit_diagonal=False):
    d[y] = triangle(d[m], lower, unit_diagonal)


@reverse(halve_lower)
def halve_lower_adjoint(y, m):
    d[m] = halve_lower(d[y])


@forward(halve_lower)
def halve_lower_tangent(y, m):
    d[y] = halve_lower(d[m])


@reverse(as_columns)
def as_columns_adjoint(y, v):
    d[v] = numpy.reshape(d[y], numpy.shape(v))


@forward(as_columns)
def as_columns_tangent(y, v):
    d[y] = as_columns(d[v])


@reverse(factor_of)
def factor_of_rule(y, c, lower):
    d[c] = factor_of_adjoint(d[y], lower)


@forward(factor_of)
def factor_of_rule(y, c, lower):
    d[y] = factor_of(d[c], lower)


@reverse(factor_of_adjoint)
def factor_of_adjoint_rule(y, g, lower):
    d[g] = factor_of(d[y], lower)


@forward(factor_of_adjoint)
def factor_of_adjoint_rule(y, g, lower):
    d[y] = factor_of_adjoint(d[g], lower)


@reverse(item_adjoint)
def item_adjoint_rule(y, value, index, grad):
    d[grad] = d[y][index]


@forward(item_adjoint)
def item_adjoint_rule(y, value, index, grad):
    d[y] = item_adjoint(value, index, d[grad])


@forward(expm_frechet)
def expm_frechet_tangent(y, a, e):
    d[y] = expm_frechet_second(a, e, d[a])
    d[y] = expm_frechet(a, d[e])


@reverse(pad_to_full)
def pad_to_full_adjoint(y, g, in1, in2):
    d[g] = crop_from_full(d[y], g)


@forward(pad_to_full)
def pad_to_full_tangent(y, g, in1, in2):
    d[y] = pad_to_full(d[g], in1, in2)


@reverse(crop_from_full)
def crop_from_full_adjoint(y, g, like):
    d[g] = pad_into(d[y], g)


@forward(crop_from_full)
def crop_from_full_tangent(y, g, like):
    d[y] = crop_from_full(d[g], like)


@reverse(pad_into)
def pad_into_adjoint(y, small, big):
    d[small] = crop_from_full(d[y], small)


@forward(pad_into)
def pad_into_tangent(y, small, big):
    d[y] = pad_into(d[small], big)
