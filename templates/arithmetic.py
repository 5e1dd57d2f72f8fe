"""Python's arithmetic operators and their NumPy ufunc twins, with broadcasting.

operator.iadd (isub, imul, ...) shares the rule of its operator, for the coverage table: no
emitted code calls it, as lower.py writes `operator.iadd(a, b)` as the statement `a += b` where
a has the in-place method (an array, a list) and as `a + b` where it has not (a number, a
tuple), which is what Python runs (srcdiff/inplace_calls.py)."""
import operator

import numpy

from srcdiff.rule_forms import partials
from srcdiff.rules import d, forward, reverse
from srcdiff.runtime import log_base, matmul_grad_left, matmul_grad_right, power_exponent


partials(operator.add, operator.iadd, numpy.add)(lambda y, x1, x2: (1, 1))
partials(operator.sub, operator.isub, numpy.subtract)(lambda y, x1, x2: (1, -1))
partials(operator.mul, operator.imul, numpy.multiply)(lambda y, x1, x2: (x2, x1))
partials(operator.truediv, operator.itruediv, numpy.divide, numpy.true_divide)(
    lambda y, x1, x2: (1 / x2, -y / x2))
partials(operator.neg, numpy.negative)(lambda y, x: -1)
partials(operator.pos, numpy.positive)(lambda y, x: 1)
partials(operator.pow, operator.ipow, numpy.power)(
    lambda y, x1, x2: (x2 * x1 ** power_exponent(x2), y * log_base(x1)))


@reverse(operator.matmul, operator.imatmul, numpy.matmul)
def matmul(y, x1, x2):
    d[x1] = matmul_grad_left(d[y], x1, x2)
    d[x2] = matmul_grad_right(d[y], x1, x2)


@forward(operator.matmul, operator.imatmul, numpy.matmul)
def matmul(y, x1, x2):
    d[y] = d[x1] @ x2
    d[y] = x1 @ d[x2]
