"""Calls that move, repeat or pick their inputs' elements without changing them:
numpy.unstack, broadcast_arrays, resize, trim_zeros, extract, choose, sort_complex and
unwrap (srcdiff.runtime_moves has their helpers).

Each is linear in its array argument: the forward rule moves the tangent as the call moved
the values, the reverse rule sends the cotangent back (summed where an element went to
several places). numpy.broadcast_arrays takes up to four arrays (more do not bind to the
rule: refused at the call's line). Index arguments (choose's `a`, extract's condition,
trim_zeros' trim) are piecewise constant: no derivative. trim_zeros trims values that are
exactly zero (they stay zero nearby only where they do not depend on the inputs); unwrap
adds whole periods, so its derivative in p is one, and in `period` the number of periods
added. sort_complex is a permutation (ties share, as numpy.sort's rule).
"""
import numpy

from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime import unbroadcast
from srcdiff.runtime_arrays import permuted_grad, permuted_tangent
from srcdiff.runtime_moves import (broadcast_arrays_grad, broadcast_arrays_tangent, choose_grad,
                                   extract_grad, resize_grad, trim_box, trim_zeros_grad,
                                   trim_zeros_tangent, unstack_join)

if hasattr(numpy, "unstack"):   # NumPy 2.1 and later
    @reverse(numpy.unstack)
    def unstack(y, x, *, axis=0):
        d[x] = unstack_join(d[y], x, axis)

    @forward(numpy.unstack)
    def unstack(y, x, *, axis=0):
        d[y] = numpy.unstack(d[x], axis=axis)


@reverse(numpy.broadcast_arrays)
def broadcast_arrays(y, x0, x1=None, x2=None, x3=None, *, subok=False):
    d[x0] = broadcast_arrays_grad(d[y], 0, x0, x1, x2, x3)
    d[x1] = broadcast_arrays_grad(d[y], 1, x0, x1, x2, x3)
    d[x2] = broadcast_arrays_grad(d[y], 2, x0, x1, x2, x3)
    d[x3] = broadcast_arrays_grad(d[y], 3, x0, x1, x2, x3)


@forward(numpy.broadcast_arrays)
def broadcast_arrays(y, x0, x1=None, x2=None, x3=None, *, subok=False):
    d[y] = broadcast_arrays_tangent(d[x0], 0, x0, x1, x2, x3)
    d[y] = broadcast_arrays_tangent(d[x1], 1, x0, x1, x2, x3)
    d[y] = broadcast_arrays_tangent(d[x2], 2, x0, x1, x2, x3)
    d[y] = broadcast_arrays_tangent(d[x3], 3, x0, x1, x2, x3)


@reverse(numpy.resize)
def resize(y, a, new_shape):
    d[a] = resize_grad(d[y], a)


@forward(numpy.resize)
def resize(y, a, new_shape):
    d[y] = numpy.resize(d[a], new_shape)


@reverse(numpy.trim_zeros)
def trim_zeros(y, filt, trim="fb", axis=None):
    d[filt] = trim_zeros_grad(d[y], filt, trim, axis)


@forward(numpy.trim_zeros)
def trim_zeros(y, filt, trim="fb", axis=None):
    d[y] = trim_zeros_tangent(d[filt], filt, trim, axis)


@reverse(numpy.extract)
def extract(y, condition, arr):
    d[arr] = extract_grad(d[y], condition, arr)


@forward(numpy.extract)
def extract(y, condition, arr):
    d[y] = numpy.extract(condition, d[arr])


@reverse(numpy.choose)
def choose(y, a, choices, out=None, mode="raise"):
    d[choices] = choose_grad(d[y], a, choices, mode)


@forward(numpy.choose)
def choose(y, a, choices, out=None, mode="raise"):
    d[y] = numpy.choose(a, d[choices], mode=mode)


@reverse(numpy.sort_complex)
def sort_complex(y, a):
    d[a] = unbroadcast(permuted_grad(d[y], a, y, -1), a)


@forward(numpy.sort_complex)
def sort_complex(y, a):
    d[y] = permuted_tangent(d[a], a, y, -1)


@reverse(numpy.unwrap)
def unwrap(y, p, discont=None, axis=-1, *, period=2 * numpy.pi):
    d[p] = d[y]
    d[period] = numpy.sum(numpy.real(d[y] * (y - p))) / period


@forward(numpy.unwrap)
def unwrap(y, p, discont=None, axis=-1, *, period=2 * numpy.pi):
    d[y] = d[p]
    d[y] = d[period] * (y - p) / period


# -- the helpers' own rules (forward mode over the gradients above) -------------------
nondifferentiable(trim_box)
linear(unstack_join, "grad")
linear(broadcast_arrays_grad, "grad")
linear(resize_grad, "grad")
linear(trim_zeros_grad, "grad")
linear(extract_grad, "grad")
linear(choose_grad, "grad")
