"""Elementwise NumPy functions (ufuncs): one-line rules for unary ones, explicit binary ones.

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

from srcdiff.rule_forms import elementwise
from srcdiff.rules import d, forward, reverse
from srcdiff.runtime import (abs_slope, broadcast_like, clip_mask, imag_grad, log_base,
                             tie_split, unbroadcast)
from srcdiff.runtime_stats import sinc_slope

_G = globals()

elementwise(numpy.exp, "y", _G)
elementwise(numpy.exp2, "y * math.log(2.0)", _G)
elementwise(numpy.expm1, "y + 1", _G)
elementwise(numpy.log, "1 / x", _G)
elementwise(numpy.log2, "1 / (x * math.log(2.0))", _G)
elementwise(numpy.log10, "1 / (x * math.log(10.0))", _G)
elementwise(numpy.log1p, "1 / (1 + x)", _G)
elementwise(numpy.sqrt, "0.5 / y", _G)
elementwise(numpy.cbrt, "1 / (3 * y * y)", _G)
elementwise(numpy.square, "2 * x", _G)
elementwise(numpy.reciprocal, "-(y * y)", _G)
elementwise(numpy.fabs, "numpy.sign(x)", _G)
elementwise(numpy.sin, "numpy.cos(x)", _G)
elementwise(numpy.cos, "-numpy.sin(x)", _G)
elementwise(numpy.tan, "1 + y * y", _G)
elementwise(numpy.arcsin, "1 / numpy.sqrt(1 - x * x)", _G)
elementwise(numpy.arccos, "-1 / numpy.sqrt(1 - x * x)", _G)
elementwise(numpy.arctan, "1 / (1 + x * x)", _G)
elementwise(numpy.sinh, "numpy.cosh(x)", _G)
elementwise(numpy.cosh, "numpy.sinh(x)", _G)
elementwise(numpy.tanh, "1 - y * y", _G)
elementwise(numpy.arcsinh, "1 / numpy.sqrt(x * x + 1)", _G)
# sqrt(x - 1) sqrt(x + 1), not sqrt(x * x - 1): the same for real x > 1, and the branch
# numpy.arccosh takes for complex x (sqrt(x * x - 1) has the wrong sign in half the plane)
elementwise(numpy.arccosh, "1 / (numpy.sqrt(x - 1) * numpy.sqrt(x + 1))", _G)
elementwise(numpy.arctanh, "1 / (1 - x * x)", _G)
elementwise(numpy.deg2rad, "math.pi / 180", _G)
elementwise(numpy.radians, "math.pi / 180", _G)
elementwise(numpy.rad2deg, "180 / math.pi", _G)
elementwise(numpy.degrees, "180 / math.pi", _G)
# sinc_slope (srcdiff.runtime_stats) is 0 at x = 0, and its own rule gives sinc's second
# derivative there, -pi^2/3 (a where() on x == 0 here made it 0)
elementwise(numpy.sinc, "sinc_slope(x)", _G)


@reverse(numpy.arctan2)
def arctan2(y, x1, x2):
    d[x1] = unbroadcast(d[y] * x2 / (x1 * x1 + x2 * x2), x1)
    d[x2] = unbroadcast(-d[y] * x1 / (x1 * x1 + x2 * x2), x2)


@forward(numpy.arctan2)
def arctan2(y, x1, x2):
    d[y] = broadcast_like(d[x1] * x2 / (x1 * x1 + x2 * x2), y)
    d[y] = broadcast_like(-d[x2] * x1 / (x1 * x1 + x2 * x2), y)


@reverse(numpy.hypot)
def hypot(y, x1, x2):
    d[x1] = unbroadcast(d[y] * x1 / y, x1)
    d[x2] = unbroadcast(d[y] * x2 / y, x2)


@forward(numpy.hypot)
def hypot(y, x1, x2):
    d[y] = broadcast_like(d[x1] * x1 / y, y)
    d[y] = broadcast_like(d[x2] * x2 / y, y)


@reverse(numpy.logaddexp)
def logaddexp(y, x1, x2):
    d[x1] = unbroadcast(d[y] * numpy.exp(x1 - y), x1)
    d[x2] = unbroadcast(d[y] * numpy.exp(x2 - y), x2)


@forward(numpy.logaddexp)
def logaddexp(y, x1, x2):
    d[y] = broadcast_like(d[x1] * numpy.exp(x1 - y), y)
    d[y] = broadcast_like(d[x2] * numpy.exp(x2 - y), y)


@reverse(numpy.logaddexp2)
def logaddexp2(y, x1, x2):
    d[x1] = unbroadcast(d[y] * numpy.exp2(x1 - y), x1)
    d[x2] = unbroadcast(d[y] * numpy.exp2(x2 - y), x2)


@forward(numpy.logaddexp2)
def logaddexp2(y, x1, x2):
    d[y] = broadcast_like(d[x1] * numpy.exp2(x1 - y), y)
    d[y] = broadcast_like(d[x2] * numpy.exp2(x2 - y), y)


@reverse(numpy.float_power)
def float_power(y, x1, x2):
    d[x1] = unbroadcast(d[y] * x2 * numpy.float_power(x1, numpy.where(x2 == 0, 1, x2 - 1)), x1)
    d[x2] = unbroadcast(d[y] * y * log_base(x1), x2)


@forward(numpy.float_power)
def float_power(y, x1, x2):
    d[y] = broadcast_like(d[x1] * x2 * numpy.float_power(x1, numpy.where(x2 == 0, 1, x2 - 1)), y)
    d[y] = broadcast_like(d[x2] * y * log_base(x1), y)


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
@reverse(numpy.remainder, operator.mod, operator.imod)
def remainder(y, x1, x2):
    d[x1] = unbroadcast(d[y], x1)
    d[x2] = unbroadcast(-d[y] * numpy.floor_divide(x1, x2), x2)


@forward(numpy.remainder, operator.mod, operator.imod)
def remainder(y, x1, x2):
    d[y] = broadcast_like(d[x1], y)
    d[y] = broadcast_like(-d[x2] * numpy.floor_divide(x1, x2), y)


# heaviside(x1, x2) is x2 where x1 == 0 (piecewise constant in x1)
@reverse(numpy.heaviside)
def heaviside(y, x1, x2):
    d[x2] = unbroadcast(d[y] * numpy.equal(x1, 0), x2)


@forward(numpy.heaviside)
def heaviside(y, x1, x2):
    d[y] = broadcast_like(d[x2] * numpy.equal(x1, 0), y)


@reverse(numpy.fmod)
def fmod(y, x1, x2):
    d[x1] = unbroadcast(d[y], x1)
    d[x2] = unbroadcast(-d[y] * numpy.trunc(x1 / x2), x2)


@forward(numpy.fmod)
def fmod(y, x1, x2):
    d[y] = broadcast_like(d[x1], y)
    d[y] = broadcast_like(-d[x2] * numpy.trunc(x1 / x2), y)


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
# NumPy 2.1+ also spells the bounds min= and max=.
@reverse(numpy.clip)
def clip(y, a, a_min=None, a_max=None, out=None, *, min=None, max=None):
    d[a] = unbroadcast(d[y] * clip_mask(a, a_min, a_max, "a", min, max), a)
    d[a_min] = unbroadcast(d[y] * clip_mask(a, a_min, a_max, "lo", min, max), a_min)
    d[a_max] = unbroadcast(d[y] * clip_mask(a, a_min, a_max, "hi", min, max), a_max)
    d[min] = unbroadcast(d[y] * clip_mask(a, a_min, a_max, "lo", min, max), min)
    d[max] = unbroadcast(d[y] * clip_mask(a, a_min, a_max, "hi", min, max), max)


@forward(numpy.clip)
def clip(y, a, a_min=None, a_max=None, out=None, *, min=None, max=None):
    d[y] = broadcast_like(d[a] * clip_mask(a, a_min, a_max, "a", min, max), y)
    d[y] = broadcast_like(d[a_min] * clip_mask(a, a_min, a_max, "lo", min, max), y)
    d[y] = broadcast_like(d[a_max] * clip_mask(a, a_min, a_max, "hi", min, max), y)
    d[y] = broadcast_like(d[min] * clip_mask(a, a_min, a_max, "lo", min, max), y)
    d[y] = broadcast_like(d[max] * clip_mask(a, a_min, a_max, "hi", min, max), y)
