"""Ranges and grids whose values move with float arguments: numpy.arange (start and step)
and numpy.linspace (start and stop). logspace and geomspace are refused with what to write
instead (meshgrid's rule is in edits.py).

numpy.arange's stop only sets the length (a piecewise-constant effect: no derivative);
with one argument, that argument is the stop. Integer dtypes give zero derivatives.
"""
import numpy

from srcdiff.rules import d, forward, not_implemented, reverse
from srcdiff.runtime import (arange_slopes, broadcast_like, linspace_fraction, linspace_tangent,
                             unbroadcast)


@reverse(numpy.arange)
def arange(y, start, stop=None, step=None, dtype=None, *, device=None, like=None):
    d[start] = numpy.sum(d[y] * arange_slopes(y, stop, "start"))
    d[step] = numpy.sum(d[y] * arange_slopes(y, stop, "step"))


@forward(numpy.arange)
def arange(y, start, stop=None, step=None, dtype=None, *, device=None, like=None):
    d[y] = broadcast_like(d[start], y) * arange_slopes(y, stop, "start")
    d[y] = broadcast_like(d[step], y) * arange_slopes(y, stop, "step")


@reverse(numpy.linspace)
def linspace(y, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
             device=None):
    fraction = linspace_fraction(start, stop, num, endpoint, retstep, dtype, axis)
    d[start] = unbroadcast(numpy.sum(d[y] * (1 - fraction), axis=axis), start)
    d[stop] = unbroadcast(numpy.sum(d[y] * fraction, axis=axis), stop)


@forward(numpy.linspace)
def linspace(y, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
             device=None):
    fraction = linspace_fraction(start, stop, num, endpoint, retstep, dtype, axis)
    d[y] = linspace_tangent(d[start], 1 - fraction, axis)
    d[y] = linspace_tangent(d[stop], fraction, axis)


not_implemented(numpy.logspace, "write base ** numpy.linspace(start, stop, num)")
not_implemented(numpy.geomspace, "for positive start and stop write "
                "numpy.exp(numpy.linspace(numpy.log(start), numpy.log(stop), num))")
