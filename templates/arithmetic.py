"""Python's arithmetic operators and their NumPy ufunc twins, with broadcasting.

operator.iadd (isub, imul, ...) shares the rule of its operator, for the coverage table: no
emitted code calls it, as lower.py writes `operator.iadd(a, b)` as the statement `a += b` where
a has the in-place method (an array, a list) and as `a + b` where it has not (a number, a
tuple), which is what Python runs (srcdiff/inplace_calls.py)."""
import operator

import numpy

from srcdiff.rules import d, forward, reverse
from srcdiff.runtime import (broadcast_like, log_base, matmul_grad_left, matmul_grad_right,
                             power_exponent, unbroadcast)


@reverse(operator.add, operator.iadd, numpy.add)
def add(y, x1, x2):
    d[x1] = unbroadcast(d[y], x1)
    d[x2] = unbroadcast(d[y], x2)


@forward(operator.add, operator.iadd, numpy.add)
def add(y, x1, x2):
    d[y] = broadcast_like(d[x1], y)
    d[y] = broadcast_like(d[x2], y)


@reverse(operator.sub, operator.isub, numpy.subtract)
def subtract(y, x1, x2):
    d[x1] = unbroadcast(d[y], x1)
    d[x2] = -unbroadcast(d[y], x2)


@forward(operator.sub, operator.isub, numpy.subtract)
def subtract(y, x1, x2):
    d[y] = broadcast_like(d[x1], y)
    d[y] = -broadcast_like(d[x2], y)


@reverse(operator.mul, operator.imul, numpy.multiply)
def multiply(y, x1, x2):
    d[x1] = unbroadcast(d[y] * x2, x1)
    d[x2] = unbroadcast(d[y] * x1, x2)


@forward(operator.mul, operator.imul, numpy.multiply)
def multiply(y, x1, x2):
    d[y] = broadcast_like(d[x1] * x2, y)
    d[y] = broadcast_like(x1 * d[x2], y)


@reverse(operator.truediv, operator.itruediv, numpy.divide, numpy.true_divide)
def divide(y, x1, x2):
    d[x1] = unbroadcast(d[y] / x2, x1)
    d[x2] = unbroadcast(-d[y] * y / x2, x2)


@forward(operator.truediv, operator.itruediv, numpy.divide, numpy.true_divide)
def divide(y, x1, x2):
    d[y] = broadcast_like(d[x1] / x2, y)
    d[y] = broadcast_like(-d[x2] * y / x2, y)


@reverse(operator.neg, numpy.negative)
def negative(y, x):
    d[x] = -d[y]


@forward(operator.neg, numpy.negative)
def negative(y, x):
    d[y] = -d[x]


@reverse(operator.pos, numpy.positive)
def positive(y, x):
    d[x] = d[y]


@forward(operator.pos, numpy.positive)
def positive(y, x):
    d[y] = d[x]


@reverse(operator.pow, operator.ipow, numpy.power)
def power(y, x1, x2):
    d[x1] = unbroadcast(d[y] * x2 * x1 ** power_exponent(x2), x1)
    d[x2] = unbroadcast(d[y] * y * log_base(x1), x2)


@forward(operator.pow, operator.ipow, numpy.power)
def power(y, x1, x2):
    d[y] = broadcast_like(d[x1] * x2 * x1 ** power_exponent(x2), y)
    d[y] = broadcast_like(d[x2] * y * log_base(x1), y)


@reverse(operator.matmul, operator.imatmul, numpy.matmul)
def matmul(y, x1, x2):
    d[x1] = matmul_grad_left(d[y], x1, x2)
    d[x2] = matmul_grad_right(d[y], x1, x2)


@forward(operator.matmul, operator.imatmul, numpy.matmul)
def matmul(y, x1, x2):
    d[y] = d[x1] @ x2
    d[y] = x1 @ d[x2]
