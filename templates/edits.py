"""Deleting, inserting and gridding: numpy.delete, numpy.insert and numpy.meshgrid.

They move their inputs' elements without changing them, so they are linear in their array
arguments: the forward rule runs the call on the tangent (zeros in the other operand's
places), the reverse rule gathers the gradient back to where each element came from
(srcdiff.runtime_edits, which reads that by running the same call on labels: every `obj`
NumPy takes, an index, a slice, a list, a mask, with axis=None or an axis). A value
numpy.insert broadcasts to several places gets their gradients' sum. numpy.meshgrid takes
up to four inputs (more do not bind to the rule: refused at the call's line), with
indexing='xy' or 'ij' and sparse=False or True; copy= changes no value.
"""
import numpy

from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, reverse
from srcdiff.runtime_edits import (delete_grad, insert_grad, insert_tangent, meshgrid_grad,
                                   meshgrid_tangent)


@reverse(numpy.delete)
def delete(y, arr, obj, axis=None):
    d[arr] = delete_grad(d[y], arr, obj, axis)


@forward(numpy.delete)
def delete(y, arr, obj, axis=None):
    d[y] = numpy.delete(d[arr], obj, axis)


@reverse(numpy.insert)
def insert(y, arr, obj, values, axis=None):
    d[arr] = insert_grad(d[y], arr, obj, values, axis, 0)
    d[values] = insert_grad(d[y], arr, obj, values, axis, 1)


@forward(numpy.insert)
def insert(y, arr, obj, values, axis=None):
    d[y] = insert_tangent(d[arr], arr, obj, values, axis, 0)
    d[y] = insert_tangent(d[values], arr, obj, values, axis, 1)


@reverse(numpy.meshgrid)
def meshgrid(y, x0, x1=None, x2=None, x3=None, *, copy=True, sparse=False, indexing="xy"):
    d[x0] = meshgrid_grad(d[y], 0, x0, x1, x2, x3, indexing)
    d[x1] = meshgrid_grad(d[y], 1, x0, x1, x2, x3, indexing)
    d[x2] = meshgrid_grad(d[y], 2, x0, x1, x2, x3, indexing)
    d[x3] = meshgrid_grad(d[y], 3, x0, x1, x2, x3, indexing)


@forward(numpy.meshgrid)
def meshgrid(y, x0, x1=None, x2=None, x3=None, *, copy=True, sparse=False, indexing="xy"):
    d[y] = meshgrid_tangent(d[x0], 0, x0, x1, x2, x3, sparse, indexing)
    d[y] = meshgrid_tangent(d[x1], 1, x0, x1, x2, x3, sparse, indexing)
    d[y] = meshgrid_tangent(d[x2], 2, x0, x1, x2, x3, sparse, indexing)
    d[y] = meshgrid_tangent(d[x3], 3, x0, x1, x2, x3, sparse, indexing)


# -- the helpers' own rules (forward mode over the gradients above) -------------------
linear(delete_grad, "grad")
linear(insert_grad, "grad")
linear(meshgrid_grad, "grad")
