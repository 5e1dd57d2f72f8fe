"""Python's own numbers: the math module, the builtins abs, pow, float, sum, max, min, and
statistics.mean and fmean.

Derivatives of math functions are written with math functions, so Python
floats stay Python floats. Subgradients at kinks (documented choices):

* abs/math.fabs: derivative 0 at x == 0.
* builtins max/min: the derivative goes to the argument Python returns, the
  first one on a tie (max(a, b) returns a when a == b).
* math.copysign(x, y): derivative copysign(1, x) * copysign(1, y) in x (at x == 0.0 the
  side of the zero's sign), none in y (only its sign is read).

math.fsum is builtins.sum computed exactly; statistics.mean and fmean are sum(data) /
len(data) (fmean's weights= is refused at the user's line: it is not a parameter).
"""
import builtins
import math
import operator
import statistics

import numpy

from srcdiff.rule_forms import elementwise, linear, partials
from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime import (abs_slope, broadcast_like, builtin_sum_grad, log_base, log_of_base,
                             pick_grad, pick_tangent, power_exponent, unbroadcast)
from srcdiff.runtime_gamma import digamma, polygamma
from srcdiff.runtime_inplace import (along_axis_index, changes_in_place, diagonal_index,
                                     diagonal_positions, flat_write_index,
                                     flat_write_take, resized_array, zero_resized)
from srcdiff.runtime_updates import check_update

_MATH = {
    "sin": lambda y, x: math.cos(x),
    "cos": lambda y, x: -math.sin(x),
    "tan": lambda y, x: 1.0 + y * y,
    "exp": lambda y, x: y,
    "expm1": lambda y, x: y + 1.0,
    "log1p": lambda y, x: 1.0 / (1.0 + x),
    "log2": lambda y, x: 1.0 / (x * math.log(2.0)),
    "log10": lambda y, x: 1.0 / (x * math.log(10.0)),
    "sqrt": lambda y, x: 0.5 / y,
    "sinh": lambda y, x: math.cosh(x),
    "cosh": lambda y, x: math.sinh(x),
    "tanh": lambda y, x: 1.0 - y * y,
    "asin": lambda y, x: 1.0 / math.sqrt(1.0 - x * x),
    "acos": lambda y, x: -1.0 / math.sqrt(1.0 - x * x),
    "atan": lambda y, x: 1.0 / (1.0 + x * x),
    "asinh": lambda y, x: 1.0 / math.sqrt(x * x + 1.0),
    "acosh": lambda y, x: 1.0 / math.sqrt(x * x - 1.0),
    "atanh": lambda y, x: 1.0 / (1.0 - x * x),
    "fabs": lambda y, x: float((x > 0) - (x < 0)),
    "degrees": lambda y, x: 180.0 / math.pi,
    "radians": lambda y, x: math.pi / 180.0,
    "erf": lambda y, x: 2.0 / math.sqrt(math.pi) * math.exp(-x * x),
    "erfc": lambda y, x: -2.0 / math.sqrt(math.pi) * math.exp(-x * x),
    "exp2": lambda y, x: y * math.log(2.0),   # Python 3.11+
    "cbrt": lambda y, x: 1.0 / (3.0 * y * y),  # Python 3.11+
}
for _name, _derivative in _MATH.items():
    if hasattr(math, _name):
        elementwise(getattr(math, _name), _derivative)


# lgamma(x) = log|gamma(x)|: digamma of srcdiff.runtime_gamma (Python floats, no SciPy), whose
# own rules (second order) are polygamma's; the order n of polygamma is held constant
elementwise(math.lgamma, lambda y, x: digamma(x))
elementwise(math.gamma, lambda y, x: y * digamma(x))
elementwise(digamma, lambda y, x: polygamma(1, x))
partials(polygamma, broadcast=False)(lambda y, n, x: (None, polygamma(n + 1, x)))


@partials(math.log, broadcast=False)
def math_log(y, x, base=None):
    return 1 / (x * log_of_base(base)), -y / (base * math.log(base))


@partials(math.atan2, broadcast=False)
def math_atan2(r, y, x):
    squares = x * x + y * y
    return x / squares, -y / squares


@partials(math.pow, broadcast=False)
def math_pow(r, x, y):
    return (y * math.pow(x, y - 1.0) if y != 0 else 0.0), (r * math.log(x) if x > 0 else 0.0)


partials(builtins.pow)(
    lambda r, base, exp, mod=None: (exp * base ** power_exponent(exp), r * log_base(base), None))
partials(math.hypot, broadcast=False)(lambda r, x, y: (x / r, y / r))
# fmod(x, y) = x - trunc(x / y) * y and remainder(x, y) = x - round(x / y) * y (to even, as
# Python rounds): the quotient is constant between its jumps
partials(math.fmod, broadcast=False)(lambda r, x, y: (1.0, -float(math.trunc(x / y))))
partials(math.remainder, broadcast=False)(lambda r, x, y: (1.0, -float(round(x / y))))


# abs(x) calls x.__abs__: it works on numbers and arrays alike (operator.abs is the same call).
@reverse(builtins.abs)
@reverse(operator.abs)
def builtin_abs(y, x):
    d[x] = numpy.real(d[y]) * abs_slope(x)


@forward(builtins.abs)
@forward(operator.abs)
def builtin_abs(y, x):
    d[y] = numpy.real(d[x] * abs_slope(x))


# float(x) of a number, a NumPy scalar or a one-element array: the identity on values.
@reverse(builtins.float)
def builtin_float(y, x=0):
    d[x] = d[y] * numpy.ones_like(x)


@forward(builtins.float)
def builtin_float(y, x=0):
    d[y] = builtins.float(numpy.sum(d[x]))


@reverse(builtins.sum)
def builtin_sum(y, iterable, start=0):
    d[iterable] = builtin_sum_grad(d[y], iterable)
    d[start] = unbroadcast(d[y], start)


@forward(builtins.sum)
def builtin_sum(y, iterable, start=0):
    d[y] = broadcast_like(builtins.sum(d[iterable]), y)
    d[y] = broadcast_like(d[start], y)


@reverse(math.fsum)
def math_fsum(y, iterable):
    d[iterable] = builtin_sum_grad(d[y], iterable)


@forward(math.fsum)
def math_fsum(y, iterable):
    d[y] = math.fsum(d[iterable])


@reverse(statistics.mean)
@reverse(statistics.fmean)
def statistics_mean(y, data):
    d[data] = builtin_sum_grad(d[y] / builtins.len(data), data)


@forward(statistics.mean)
@forward(statistics.fmean)
def statistics_mean(y, data):
    d[y] = broadcast_like(builtins.sum(d[data]), y) / builtins.len(data)


partials(math.copysign, broadcast=False)(
    lambda r, x, y: (math.copysign(1.0, x) * math.copysign(1.0, y), None))


@reverse(builtins.max)
def builtin_max(y, arg1, arg2=None):
    d[arg1] = pick_grad(d[y], arg1, arg2, 0, True)
    d[arg2] = pick_grad(d[y], arg1, arg2, 1, True)


@forward(builtins.max)
def builtin_max(y, arg1, arg2=None):
    d[y] = pick_tangent(d[arg1], arg1, arg2, 0, True)
    d[y] = pick_tangent(d[arg2], arg1, arg2, 1, True)


@reverse(builtins.min)
def builtin_min(y, arg1, arg2=None):
    d[arg1] = pick_grad(d[y], arg1, arg2, 0, False)
    d[arg2] = pick_grad(d[y], arg1, arg2, 1, False)


@forward(builtins.min)
def builtin_min(y, arg1, arg2=None):
    d[y] = pick_tangent(d[arg1], arg1, arg2, 0, False)
    d[y] = pick_tangent(d[arg2], arg1, arg2, 1, False)


# operator.iadd(a, b) and the other in-place operator functions: lower.py writes the
# augmented assignment a += b where a has the in-place method and a + b where it has not
# (srcdiff/inplace_calls.py; their rules, for the coverage table, are the operators' own in
# templates/arithmetic.py); which of the two runs is a fact about a's type, with no derivative
nondifferentiable(changes_in_place)
nondifferentiable(diagonal_index, diagonal_positions, along_axis_index)
# numpy.put / putmask / place are `a[index] = numpy.ravel(v)[take]` (srcdiff/flat_writes.py):
# which items are written and which value each takes are integer positions
nondifferentiable(flat_write_index, flat_write_take)
# a.resize(shape) on an array only the function refers to is a = resized_array(a, shape)
# (flat_writes.py): a's items in flat order, cut or followed by zeros, linear in a; the
# adjoint of cutting-or-padding to `shape` is cutting-or-padding back to a's shape
linear(zero_resized, "array", transpose=lambda y, array, shape: zero_resized(
    d[y], numpy.shape(array)))


@reverse(resized_array)
def resized_array_adjoint(y, array, shape):
    d[array] = zero_resized(d[y], numpy.shape(array))


@forward(resized_array)
def resized_array_tangent(y, array, shape):
    d[y] = zero_resized(d[array], shape)

# the check before `a += b` that raises where NumPy cannot write a + b into the array a
# (srcdiff/update_checks.py): it computes nothing the derivative carries
nondifferentiable(check_update)
