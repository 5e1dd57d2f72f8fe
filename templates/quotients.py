"""Floor division and divmod: the quotient a // b is piecewise constant in a and b (it
carries no derivative, as numpy.floor_divide in nondifferentiable.py); the remainder of
divmod(a, b) is a - b * (a // b), the rule of the % operator (ufuncs.py): 1 in a and
-(a // b) in b. Both hold for numbers and arrays (builtins.divmod calls __divmod__, which
NumPy's arrays give as numpy.divmod).
"""
import builtins
import operator

import numpy

from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime import broadcast_like, unbroadcast

nondifferentiable(operator.floordiv, operator.ifloordiv)


# The tangent pass skips a non-differentiable call but not an operator (a // b is lowered as
# one, and so is a //= b of a name): its tangent is zero, of the quotient's shape
@forward(operator.floordiv)
def floordiv(y, a, b):
    d[y] = broadcast_like(d[a], y) * 0
    d[y] = broadcast_like(d[b], y) * 0


# (q, r) = divmod(x, y): the cotangent of q is not read (q is piecewise constant)
@reverse(builtins.divmod)
def builtin_divmod(qr, x, y):
    d[x] = unbroadcast(d[qr][1], x)
    d[y] = unbroadcast(-d[qr][1] * qr[0], y)


@forward(builtins.divmod)
def builtin_divmod_tangent(qr, x, y):
    d[qr] = (broadcast_like(d[x], qr[0]) * 0, broadcast_like(d[x], qr[1]))
    d[qr] = (broadcast_like(d[y], qr[0]) * 0, broadcast_like(-d[y] * qr[0], qr[1]))


@reverse(numpy.divmod)
def numpy_divmod(qr, x1, x2):
    d[x1] = unbroadcast(d[qr][1], x1)
    d[x2] = unbroadcast(-d[qr][1] * qr[0], x2)


@forward(numpy.divmod)
def numpy_divmod_tangent(qr, x1, x2):
    d[qr] = (broadcast_like(d[x1], qr[0]) * 0, broadcast_like(d[x1], qr[1]))
    d[qr] = (broadcast_like(d[x2], qr[0]) * 0, broadcast_like(-d[x2] * qr[0], qr[1]))
