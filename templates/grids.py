"""Ranges and grids whose values move with float arguments: numpy.arange (start and step)
numpy.linspace (start and stop), numpy.logspace (start and stop; base held constant) and
numpy.geomspace (start and stop) (meshgrid's rule is in edits.py).

logspace's samples are base ** t with t the linspace of start and stop; geomspace's are
start ** (1 - f) * stop ** f with f the linspace fraction (NumPy sets the end points to start
and stop exactly, as the formula has them), for start and stop of one sign or complex.

numpy.arange's stop only sets the length (a piecewise-constant effect: no derivative);
with one argument, that argument is the stop. Integer dtypes give zero derivatives.
"""
import numpy

from srcdiff.rules import d, forward, held_constant, nondifferentiable, reverse
from srcdiff.runtime_moves import float_weight, logspace_log_base
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


@reverse(numpy.logspace)
def logspace(y, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    fraction = linspace_fraction(start, stop, num, endpoint, False, dtype, axis)
    w = d[y] * y * logspace_log_base(start, stop, num, endpoint, base, dtype, axis)
    d[start] = unbroadcast(numpy.sum(w * (1 - fraction), axis=axis), start)
    d[stop] = unbroadcast(numpy.sum(w * fraction, axis=axis), stop)


@forward(numpy.logspace)
def logspace(y, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    fraction = linspace_fraction(start, stop, num, endpoint, False, dtype, axis)
    w = y * logspace_log_base(start, stop, num, endpoint, base, dtype, axis)
    d[y] = w * linspace_tangent(d[start], 1 - fraction, axis)
    d[y] = w * linspace_tangent(d[stop], fraction, axis)


held_constant(numpy.logspace, base="srcdiff differentiates numpy.logspace in start and stop, "
              "not in base (write base ** numpy.linspace(start, stop, num) to differentiate "
              "in the base too)")


# start and stop spread along axis (linspace(start, start) is start exactly), as y is
@reverse(numpy.geomspace)
def geomspace(y, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    fraction = linspace_fraction(start, stop, num, endpoint, False, dtype, axis)
    w = d[y] * y * float_weight(dtype)
    d[start] = unbroadcast(numpy.sum(w * (1 - fraction) / numpy.linspace(
        start, start, num, endpoint, axis=axis), axis=axis), start)
    d[stop] = unbroadcast(numpy.sum(w * fraction / numpy.linspace(
        stop, stop, num, endpoint, axis=axis), axis=axis), stop)


@forward(numpy.geomspace)
def geomspace(y, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    fraction = linspace_fraction(start, stop, num, endpoint, False, dtype, axis)
    w = y * float_weight(dtype)
    d[y] = w * linspace_tangent(d[start] / start, 1 - fraction, axis)
    d[y] = w * linspace_tangent(d[stop] / stop, fraction, axis)


nondifferentiable(logspace_log_base, float_weight)
