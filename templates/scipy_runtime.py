"""Tangent rules of the helpers (srcdiff.runtime_scipy) that the SciPy rules' emitted
gradients call, so forward mode over an emitted gradient (hvp) follows them; loaded with
the SciPy rules (srcdiff.rules.OPTIONAL)."""
import numpy

from srcdiff.rule_forms import linear, partials
from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime_scipy import (as_columns, check_real, crop_from_full, deviation, expm_frechet,
                                   expm_frechet_second, factor_of, factor_of_adjoint,
                                   flipped_trans, halve_lower, item_adjoint, lower_gradient,
                                   lower_tangent, multipolygamma, pad_into, pad_to_full, polygamma_of,
                                   reduced_input, rows_of, transpose_if, transposed, triangle,
                                   weighted)

nondifferentiable(flipped_trans, transposed, check_real)


linear(reduced_input, "value", transpose=lambda y, value, a, b, axis, keepdims:
       numpy.reshape(d[y], numpy.shape(value)))


@reverse(weighted)
def weighted_adjoint(y, p, b):
    d[p] = weighted(d[y], b)
    d[b] = d[y] * p


@forward(weighted)
def weighted_tangent(y, p, b):
    d[y] = weighted(d[p], b)
    d[y] = d[b] * p


partials(polygamma_of)(lambda y, n, x: (None, polygamma_of(n + 1, x)))
partials(multipolygamma, broadcast=False)(
    lambda y, n, a, dim: (None, multipolygamma(n + 1, a, dim), None))
linear(lower_gradient, "g", transpose=lambda y, g: lower_tangent(d[y]))
linear(lower_tangent, "t", transpose=lambda y, t: lower_gradient(d[y]))
partials(deviation)(lambda y, x, mean: (1, -1))
linear(rows_of, "a", transpose=lambda y, a: numpy.reshape(d[y], numpy.shape(a)))


# -- the scipy.linalg and scipy.signal rules' helpers: linear maps, each other's adjoints --
linear(transpose_if, "m", transpose=lambda y, m, flag: transpose_if(d[y], flag))
linear(triangle, "m", transpose=lambda y, m, lower, unit_diagonal: triangle(d[y], lower,
                                                                            unit_diagonal))
linear(halve_lower, "m", transpose=lambda y, m: halve_lower(d[y]))
linear(as_columns, "v", transpose=lambda y, v: numpy.reshape(d[y], numpy.shape(v)))
linear(factor_of, "c", transpose=lambda y, c, lower: factor_of_adjoint(d[y], lower))
linear(factor_of_adjoint, "g", transpose=lambda y, g, lower: factor_of(d[y], lower))
linear(item_adjoint, "grad", transpose=lambda y, value, index, grad: d[y][index])
linear(pad_to_full, "g", transpose=lambda y, g, in1, in2: crop_from_full(d[y], g))
linear(crop_from_full, "g", transpose=lambda y, g, like: pad_into(d[y], g))
linear(pad_into, "small", transpose=lambda y, small, big: crop_from_full(d[y], small))


@forward(expm_frechet)
def expm_frechet_tangent(y, a, e):
    d[y] = expm_frechet_second(a, e, d[a])
    d[y] = expm_frechet(a, d[e])


# logm's Frechet derivative (srcdiff.runtime_logm): linear in e, its derivative in a the
# corner of the Frechet derivative at the doubled matrix
from srcdiff.runtime_logm import logm_frechet, logm_frechet_second  # noqa: E402


@forward(logm_frechet)
def logm_frechet_tangent(y, a, e):
    d[y] = logm_frechet_second(a, e, d[a])
    d[y] = logm_frechet(a, d[e])
