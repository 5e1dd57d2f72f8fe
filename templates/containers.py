"""`+` and `*` where a list or tuple may be an operand: concatenation and repetition.

The lowering sends `a + b` and `a * b` here (as srcdiff.runtime.sequence_add and
sequence_mul) when an operand is, or may be, a list or tuple; the helpers the rules
call decide when they run, as Python does: two lists (two tuples) concatenate, a
sequence times a Python int repeats, anything else is array arithmetic with the
usual broadcasting rules. A sequence's derivative is a list with one entry per item.
"""
from srcdiff.rules import d, forward, reverse
from srcdiff.runtime import (sequence_add, sequence_add_grad, sequence_add_tangent,
                             sequence_extend, sequence_extend_grad, sequence_extend_tangent,
                             sequence_iadd,
                             sequence_mul, sequence_mul_grad, sequence_mul_tangent)


@reverse(sequence_add)
def concatenate_or_add(y, x1, x2):
    d[x1] = sequence_add_grad(d[y], x1, x2, 0)
    d[x2] = sequence_add_grad(d[y], x1, x2, 1)


@forward(sequence_add)
def concatenate_or_add(y, x1, x2):
    d[y] = sequence_add_tangent(d[x1], x1, x2, y, 0)
    d[y] = sequence_add_tangent(d[x2], x1, x2, y, 1)


@reverse(sequence_iadd)
def add_in_place(y, x1, x2):
    d[x1] = sequence_extend_grad(d[y], x1, x2, 0, False)
    d[x2] = sequence_extend_grad(d[y], x1, x2, 1, False)


@forward(sequence_iadd)
def add_in_place(y, x1, x2):
    d[y] = sequence_extend_tangent(d[x1], x1, x2, y, 0, False)
    d[y] = sequence_extend_tangent(d[x2], x1, x2, y, 1, False)


@reverse(sequence_extend)
def extend(y, x1, x2):
    d[x1] = sequence_extend_grad(d[y], x1, x2, 0, True)
    d[x2] = sequence_extend_grad(d[y], x1, x2, 1, True)


@forward(sequence_extend)
def extend(y, x1, x2):
    d[y] = sequence_extend_tangent(d[x1], x1, x2, y, 0, True)
    d[y] = sequence_extend_tangent(d[x2], x1, x2, y, 1, True)


@reverse(sequence_mul)
def repeat_or_multiply(y, x1, x2):
    d[x1] = sequence_mul_grad(d[y], x1, x2, 0)
    d[x2] = sequence_mul_grad(d[y], x1, x2, 1)


@forward(sequence_mul)
def repeat_or_multiply(y, x1, x2):
    d[y] = sequence_mul_tangent(d[x1], x1, x2, y, 0)
    d[y] = sequence_mul_tangent(d[x2], x1, x2, y, 1)
