"""Reductions: sum, mean, prod, max, min, norms, with axis= and keepdims=."""
import numpy

from srcdiff.rules import d, forward, reverse
from srcdiff.runtime import expand_reduced


@reverse(numpy.sum)
def sum(y, a, axis=None, dtype=None, keepdims=False):
    d[a] = numpy.broadcast_to(expand_reduced(d[y], a, axis, keepdims), numpy.shape(a))


@forward(numpy.sum)
def sum(y, a, axis=None, dtype=None, keepdims=False):
    d[y] = numpy.sum(d[a], axis=axis, keepdims=keepdims)
