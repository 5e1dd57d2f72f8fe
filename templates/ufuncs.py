"""Elementwise NumPy functions (ufuncs): their partial derivatives (srcdiff.rule_forms), both
modes written from one declaration; maximum/minimum/fmax/fmin, where and the complex parts
as @reverse/@forward pairs (their derivatives are no product with a partial).

Subgradients at kinks (documented choices):

* abs/absolute/fabs: derivative sign(x), so 0 at x == 0 (conj(x)/|x| for complex x).
* maximum/minimum/fmax/fmin: where both arguments are equal the derivative is
  split evenly (half to each), the symmetric choice. maximum/minimum propagate a NaN
  argument, which then gets the derivative (the result is that NaN: it depends on that
  argument alone, as x[argmax(x)] does); fmax/fmin ignore it; two NaNs tie.
"""
import math
import operator

import numpy

from srcdiff.rule_forms import elementwise, partials
from srcdiff.rules import d, forward, reverse
from srcdiff.runtime import (abs_slope, broadcast_like, clip_mask, imag_grad, log_base,
                             tie_split, unbroadcast)
from srcdiff.runtime_stats import sinc_slope

elementwise(numpy.exp, lambda y, x: y)
elementwise(numpy.exp2, lambda y, x: y * math.log(2.0))
elementwise(numpy.expm1, lambda y, x: y + 1)
elementwise(numpy.log, lambda y, x: 1 / x)
elementwise(numpy.log2, lambda y, x: 1 / (x * math.log(2.0)))
elementwise(numpy.log10, lambda y, x: 1 / (x * math.log(10.0)))
elementwise(numpy.log1p, lambda y, x: 1 / (1 + x))
elementwise(numpy.sqrt, lambda y, x: 0.5 / y)
elementwise(numpy.cbrt, lambda y, x: 1 / (3 * y * y))
elementwise(numpy.square, lambda y, x: 2 * x)
elementwise(numpy.reciprocal, lambda y, x: -(y * y))
elementwise(numpy.fabs, lambda y, x: numpy.sign(x))
elementwise(numpy.sin, lambda y, x: numpy.cos(x))
elementwise(numpy.cos, lambda y, x: -numpy.sin(x))
elementwise(numpy.tan, lambda y, x: 1 + y * y)
elementwise(numpy.arcsin, lambda y, x: 1 / numpy.sqrt(1 - x * x))
elementwise(numpy.arccos, lambda y, x: -1 / numpy.sqrt(1 - x * x))
elementwise(numpy.arctan, lambda y, x: 1 / (1 + x * x))
elementwise(numpy.sinh, lambda y, x: numpy.cosh(x))
elementwise(numpy.cosh, lambda y, x: numpy.sinh(x))
elementwise(numpy.tanh, lambda y, x: 1 - y * y)
elementwise(numpy.arcsinh, lambda y, x: 1 / numpy.sqrt(x * x + 1))
# sqrt(x - 1) sqrt(x + 1), not sqrt(x * x - 1): the same for real x > 1, and the branch
# numpy.arccosh takes for complex x (sqrt(x * x - 1) has the wrong sign in half the plane)
elementwise(numpy.arccosh, lambda y, x: 1 / (numpy.sqrt(x - 1) * numpy.sqrt(x + 1)))
elementwise(numpy.arctanh, lambda y, x: 1 / (1 - x * x))
elementwise(numpy.deg2rad, lambda y, x: math.pi / 180)
elementwise(numpy.radians, lambda y, x: math.pi / 180)
elementwise(numpy.rad2deg, lambda y, x: 180 / math.pi)
elementwise(numpy.degrees, lambda y, x: 180 / math.pi)
# sinc_slope (srcdiff.runtime_stats) is 0 at x = 0, and its own rule gives sinc's second
# derivative there, -pi^2/3 (a where() on x == 0 here made it 0)
elementwise(numpy.sinc, lambda y, x: sinc_slope(x))


@partials(numpy.arctan2)
def arctan2(y, x1, x2):
    squares = x1 * x1 + x2 * x2
    return x2 / squares, -x1 / squares


partials(numpy.hypot)(lambda y, x1, x2: (x1 / y, x2 / y))
partials(numpy.logaddexp)(lambda y, x1, x2: (numpy.exp(x1 - y), numpy.exp(x2 - y)))
partials(numpy.logaddexp2)(lambda y, x1, x2: (numpy.exp2(x1 - y), numpy.exp2(x2 - y)))
partials(numpy.float_power)(lambda y, x1, x2: (
    x2 * numpy.float_power(x1, numpy.where(x2 == 0, 1, x2 - 1)), y * log_base(x1)))


@reverse(numpy.maximum)
def maximum(y, x1, x2):
    nan1 = numpy.isnan(x1)
    nan2 = numpy.isnan(x2)
    ties = numpy.equal(x1, x2) | nan1 & nan2
    d[x1] = unbroadcast(tie_split(d[y], numpy.greater(x1, x2) | nan1 & ~nan2, ties), x1)
    d[x2] = unbroadcast(tie_split(d[y], numpy.greater(x2, x1) | nan2 & ~nan1, ties), x2)


@forward(numpy.maximum)
def maximum(y, x1, x2):
    nan1 = numpy.isnan(x1)
    nan2 = numpy.isnan(x2)
    ties = numpy.equal(x1, x2) | nan1 & nan2
    d[y] = broadcast_like(tie_split(d[x1], numpy.greater(x1, x2) | nan1 & ~nan2, ties), y)
    d[y] = broadcast_like(tie_split(d[x2], numpy.greater(x2, x1) | nan2 & ~nan1, ties), y)


@reverse(numpy.minimum)
def minimum(y, x1, x2):
    nan1 = numpy.isnan(x1)
    nan2 = numpy.isnan(x2)
    ties = numpy.equal(x1, x2) | nan1 & nan2
    d[x1] = unbroadcast(tie_split(d[y], numpy.less(x1, x2) | nan1 & ~nan2, ties), x1)
    d[x2] = unbroadcast(tie_split(d[y], numpy.less(x2, x1) | nan2 & ~nan1, ties), x2)


@forward(numpy.minimum)
def minimum(y, x1, x2):
    nan1 = numpy.isnan(x1)
    nan2 = numpy.isnan(x2)
    ties = numpy.equal(x1, x2) | nan1 & nan2
    d[y] = broadcast_like(tie_split(d[x1], numpy.less(x1, x2) | nan1 & ~nan2, ties), y)
    d[y] = broadcast_like(tie_split(d[x2], numpy.less(x2, x1) | nan2 & ~nan1, ties), y)


# fmax/fmin ignore NaNs: a NaN argument loses to a number (two NaNs tie). Comparisons are
# numpy's, so
# list arguments compare item by item (Python compares two lists as wholes).
@reverse(numpy.fmax)
def fmax(y, x1, x2):
    nan1 = numpy.isnan(x1)
    nan2 = numpy.isnan(x2)
    ties = numpy.equal(x1, x2) | nan1 & nan2
    d[x1] = unbroadcast(tie_split(d[y], numpy.greater(x1, x2) | nan2 & ~nan1, ties), x1)
    d[x2] = unbroadcast(tie_split(d[y], numpy.greater(x2, x1) | nan1 & ~nan2, ties), x2)


@forward(numpy.fmax)
def fmax(y, x1, x2):
    nan1 = numpy.isnan(x1)
    nan2 = numpy.isnan(x2)
    ties = numpy.equal(x1, x2) | nan1 & nan2
    d[y] = broadcast_like(tie_split(d[x1], numpy.greater(x1, x2) | nan2 & ~nan1, ties), y)
    d[y] = broadcast_like(tie_split(d[x2], numpy.greater(x2, x1) | nan1 & ~nan2, ties), y)


@reverse(numpy.fmin)
def fmin(y, x1, x2):
    nan1 = numpy.isnan(x1)
    nan2 = numpy.isnan(x2)
    ties = numpy.equal(x1, x2) | nan1 & nan2
    d[x1] = unbroadcast(tie_split(d[y], numpy.less(x1, x2) | nan2 & ~nan1, ties), x1)
    d[x2] = unbroadcast(tie_split(d[y], numpy.less(x2, x1) | nan1 & ~nan2, ties), x2)


@forward(numpy.fmin)
def fmin(y, x1, x2):
    nan1 = numpy.isnan(x1)
    nan2 = numpy.isnan(x2)
    ties = numpy.equal(x1, x2) | nan1 & nan2
    d[y] = broadcast_like(tie_split(d[x1], numpy.less(x1, x2) | nan2 & ~nan1, ties), y)
    d[y] = broadcast_like(tie_split(d[x2], numpy.less(x2, x1) | nan1 & ~nan2, ties), y)


# x1 mod x2 = x1 - floor(x1 / x2) * x2 (remainder is mod, and so is the % operator on
# numbers and arrays); fmod truncates instead.
partials(numpy.remainder, operator.mod, operator.imod)(
    lambda y, x1, x2: (1, -numpy.floor_divide(x1, x2)))
partials(numpy.fmod)(lambda y, x1, x2: (1, -numpy.trunc(x1 / x2)))
# heaviside(x1, x2) is x2 where x1 == 0 (piecewise constant in x1)
partials(numpy.heaviside)(lambda y, x1, x2: (None, numpy.equal(x1, 0)))
# copysign(x1, x2) is |x1| with x2's sign bit, piecewise constant in x2 (a kink at x1 = 0,
# where the slope is sign(x1) = 0, as numpy.abs's); ldexp(x1, x2) is x1 * 2 ** x2 with x2
# an integer
partials(numpy.copysign)(lambda y, x1, x2: (numpy.sign(x1) * numpy.copysign(1.0, x2), None))
partials(numpy.ldexp)(lambda y, x1, x2: (numpy.ldexp(1.0, x2), None))


# numpy.abs is numpy.absolute; complex values: see runtime.abs_slope
@reverse(numpy.absolute)
def absolute(y, x):
    d[x] = numpy.real(d[y]) * abs_slope(x)


@forward(numpy.absolute)
def absolute(y, x):
    d[y] = numpy.real(d[x] * abs_slope(x))


@reverse(numpy.real)
def real(y, val):
    d[val] = numpy.real(d[y])


@forward(numpy.real)
def real(y, val):
    d[y] = numpy.real(d[val])


@reverse(numpy.imag)
def imag(y, val):
    d[val] = imag_grad(d[y], val)


@forward(numpy.imag)
def imag(y, val):
    d[y] = numpy.imag(d[val])


@reverse(numpy.conjugate)  # numpy.conj is numpy.conjugate
def conjugate(y, x):
    d[x] = numpy.conjugate(d[y])


@forward(numpy.conjugate)
def conjugate(y, x):
    d[y] = numpy.conjugate(d[x])


# where(condition, x, y): the derivative flows to the branch each element came from.
@reverse(numpy.where)
def where(r, condition, x=None, y=None):
    d[x] = unbroadcast(numpy.where(condition, d[r], 0), x)
    d[y] = unbroadcast(numpy.where(condition, 0, d[r]), y)


@forward(numpy.where)
def where(r, condition, x=None, y=None):
    d[r] = broadcast_like(numpy.where(condition, d[x], 0), r)
    d[r] = broadcast_like(numpy.where(condition, 0, d[y]), r)


# clip is minimum(maximum(a, lo), hi); a value exactly on a bound counts as a's own.
# NumPy 2.1+ also spells the bounds min= and max=. Each operand's derivative is picked where
# the value came from it (numpy.where), not multiplied by a 0/1 mask: an infinite cotangent
# (arccos(clip(c, -1, 1)) at a clipped 1) gives the clipped items 0, not inf * 0 = NaN.
@reverse(numpy.clip)
def clip(y, a, a_min=None, a_max=None, out=None, *, min=None, max=None):
    d[a] = unbroadcast(numpy.where(clip_mask(a, a_min, a_max, "a", min, max), d[y], 0), a)
    d[a_min] = unbroadcast(numpy.where(clip_mask(a, a_min, a_max, "lo", min, max), d[y], 0),
                           a_min)
    d[a_max] = unbroadcast(numpy.where(clip_mask(a, a_min, a_max, "hi", min, max), d[y], 0),
                           a_max)
    d[min] = unbroadcast(numpy.where(clip_mask(a, a_min, a_max, "lo", min, max), d[y], 0), min)
    d[max] = unbroadcast(numpy.where(clip_mask(a, a_min, a_max, "hi", min, max), d[y], 0), max)


@forward(numpy.clip)
def clip(y, a, a_min=None, a_max=None, out=None, *, min=None, max=None):
    d[y] = broadcast_like(numpy.where(clip_mask(a, a_min, a_max, "a", min, max), d[a], 0), y)
    d[y] = broadcast_like(numpy.where(clip_mask(a, a_min, a_max, "lo", min, max), d[a_min], 0),
                          y)
    d[y] = broadcast_like(numpy.where(clip_mask(a, a_min, a_max, "hi", min, max), d[a_max], 0),
                          y)
    d[y] = broadcast_like(numpy.where(clip_mask(a, a_min, a_max, "lo", min, max), d[min], 0), y)
    d[y] = broadcast_like(numpy.where(clip_mask(a, a_min, a_max, "hi", min, max), d[max], 0), y)


# modf(x) = (fractional part, integral part): the integral part is piecewise constant, so the
# fractional part's derivative is 1 (a.e.) and the integral part's 0. frexp(x) = (m, e) with
# x = m * 2**e: the exponent is an integer (no derivative), the mantissa x * 2**-e away from
# the powers of two where e steps. Neither reads the other part's cotangent.
@reverse(numpy.modf)
def modf(y, x):
    d[x] = d[y][0]


@forward(numpy.modf)
def modf(y, x):
    d[y] = (d[x] * 1.0, numpy.zeros_like(d[x]))


@reverse(numpy.frexp)
def frexp(y, x):
    d[x] = numpy.ldexp(d[y][0], -y[1])


@forward(numpy.frexp)
def frexp(y, x):
    d[y] = (numpy.ldexp(d[x], -y[1]), numpy.zeros_like(d[x]))
