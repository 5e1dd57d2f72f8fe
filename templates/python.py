"""Python's own numbers: the math module and the builtins abs, pow, float, sum, max, min.

Derivatives of math functions are written with math functions, so Python
floats stay Python floats. Subgradients at kinks (documented choices):

* abs/math.fabs: derivative 0 at x == 0.
* builtins max/min: the derivative goes to the argument Python returns, the
  first one on a tie (max(a, b) returns a when a == b).
"""
import builtins
import math
import operator

import numpy

from srcdiff.rule_forms import elementwise
from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime import (abs_slope, broadcast_like, builtin_sum_grad, log_base, log_of_base,
                             pick_grad, pick_tangent, power_exponent, unbroadcast)
from srcdiff.runtime_inplace import changes_in_place
from srcdiff.runtime_updates import check_update

_G = globals()

_MATH = {
    "sin": "math.cos(x)",
    "cos": "-math.sin(x)",
    "tan": "1.0 + y * y",
    "exp": "y",
    "expm1": "y + 1.0",
    "log1p": "1.0 / (1.0 + x)",
    "log2": "1.0 / (x * math.log(2.0))",
    "log10": "1.0 / (x * math.log(10.0))",
    "sqrt": "0.5 / y",
    "sinh": "math.cosh(x)",
    "cosh": "math.sinh(x)",
    "tanh": "1.0 - y * y",
    "asin": "1.0 / math.sqrt(1.0 - x * x)",
    "acos": "-1.0 / math.sqrt(1.0 - x * x)",
    "atan": "1.0 / (1.0 + x * x)",
    "asinh": "1.0 / math.sqrt(x * x + 1.0)",
    "acosh": "1.0 / math.sqrt(x * x - 1.0)",
    "atanh": "1.0 / (1.0 - x * x)",
    "fabs": "float((x > 0) - (x < 0))",
    "degrees": "180.0 / math.pi",
    "radians": "math.pi / 180.0",
    "erf": "2.0 / math.sqrt(math.pi) * math.exp(-x * x)",
    "erfc": "-2.0 / math.sqrt(math.pi) * math.exp(-x * x)",
    "exp2": "y * math.log(2.0)",   # Python 3.11+
    "cbrt": "1.0 / (3.0 * y * y)",  # Python 3.11+
}
for _name, _derivative in _MATH.items():
    if hasattr(math, _name):
        elementwise(getattr(math, _name), _derivative, _G)


@reverse(math.log)
def math_log(y, x, base=None):
    d[x] = d[y] / (x * log_of_base(base))
    d[base] = -d[y] * y / (base * math.log(base))


@forward(math.log)
def math_log(y, x, base=None):
    d[y] = d[x] / (x * log_of_base(base))
    d[y] = -d[base] * y / (base * math.log(base))


@reverse(math.atan2)
def math_atan2(r, y, x):
    d[y] = d[r] * x / (x * x + y * y)
    d[x] = -d[r] * y / (x * x + y * y)


@forward(math.atan2)
def math_atan2(r, y, x):
    d[r] = d[y] * x / (x * x + y * y)
    d[r] = -d[x] * y / (x * x + y * y)


@reverse(math.pow)
def math_pow(r, x, y):
    d[x] = d[r] * (y * math.pow(x, y - 1.0) if y != 0 else 0.0)
    d[y] = d[r] * (r * math.log(x) if x > 0 else 0.0)


@forward(math.pow)
def math_pow(r, x, y):
    d[r] = d[x] * (y * math.pow(x, y - 1.0) if y != 0 else 0.0)
    d[r] = d[y] * (r * math.log(x) if x > 0 else 0.0)


@reverse(builtins.pow)
def builtin_pow(r, base, exp, mod=None):
    d[base] = unbroadcast(d[r] * exp * base ** power_exponent(exp), base)
    d[exp] = unbroadcast(d[r] * r * log_base(base), exp)


@forward(builtins.pow)
def builtin_pow(r, base, exp, mod=None):
    d[r] = broadcast_like(d[base] * exp * base ** power_exponent(exp), r)
    d[r] = broadcast_like(d[exp] * r * log_base(base), r)


@reverse(math.hypot)
def math_hypot(r, x, y):
    d[x] = d[r] * x / r
    d[y] = d[r] * y / r


@forward(math.hypot)
def math_hypot(r, x, y):
    d[r] = d[x] * x / r
    d[r] = d[y] * y / r


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

# the check before `a += b` that raises where NumPy cannot write a + b into the array a
# (srcdiff/update_checks.py): it computes nothing the derivative carries
nondifferentiable(check_update)
