"""Tangent rules of the helpers (srcdiff.runtime_scipy) that the SciPy rules' emitted
gradients call, so forward mode over an emitted gradient (hvp) follows them; loaded with
the SciPy rules (srcdiff.rules.OPTIONAL)."""
import numpy

from srcdiff.rules import d, forward, reverse
from srcdiff.runtime import broadcast_like, unbroadcast
from srcdiff.runtime_scipy import (deviation, lower_gradient, lower_tangent, multipolygamma,
                                   reduced_input, rows_of, weighted)


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
