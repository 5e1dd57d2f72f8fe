"""Helpers that the code srcdiff/compose.py generates calls, for transforms of derivatives (run
time: called by the generated compositions; compose.py and compose_codegen.py bind them).
Takes arrays and an element's index; gives back the unit vector of that element (`unit`), a
copy with one result written in (`with_item`, `with_column`) or a contraction of outputs
(`total`, `vdot`).

A transform in reverse mode of a derivative (grad, vjp, jacobian of a grad, a jvp, ...)
is built from forward passes over the derivative's emitted code, one per element of the
input it differentiates: these helpers pick that element (`unit`), write each result in
place of a copy (`with_item`, `with_column`) and contract outputs (`total`, `vdot`).
Like srcdiff.runtime, each stands alone (numpy only) so the codegen command can copy it,
and arrays are made only from other arrays. Their tangent rules are in
templates/compose_rules.py.
"""
import numpy


def _as_real(value):
    return float(numpy.real(value)) if isinstance(value, complex) else value


def unit(like, index):
    """The unit tangent along element `index` (flat, C order) of `like`."""
    if isinstance(like, (float, int)) or numpy.ndim(like) == 0 and not hasattr(like, "shape"):
        return 1.0
    out = numpy.zeros_like(like, dtype=numpy.result_type(like, float))
    out.flat[index] = 1
    return out


def with_item(array, index, value):
    """A copy of `array` with its element `index` (flat, C order) set to `value`."""
    if isinstance(array, (float, int)):
        return float(numpy.real(value))
    out = numpy.array(array, copy=True)
    out.flat[index] = numpy.real(value)
    return out


def total(value):
    """The sum of every element of every array in `value` (a number, array or container):
    what a gradient of a function with several outputs differentiates."""
    if value is None:
        return 0.0
    if isinstance(value, dict):
        return sum((total(v) for v in value.values()), 0.0)
    if isinstance(value, (list, tuple)):
        return sum((total(v) for v in value), 0.0)
    return numpy.sum(value)


def vdot(cotangent, value):
    """sum(cotangent * value) over every element, containers item by item."""
    if value is None or cotangent is None:
        return 0.0
    if isinstance(value, dict):
        if not isinstance(cotangent, dict) or set(cotangent) != set(value):
            raise ValueError(f"the cotangent must be a dict with the output's keys "
                             f"({sorted(map(repr, value))})")
        return sum((vdot(cotangent[k], v) for k, v in value.items()), 0.0)
    if isinstance(value, (list, tuple)):
        if not isinstance(cotangent, (list, tuple)) or len(cotangent) != len(value):
            raise ValueError(f"the cotangent must be a tuple or list of {len(value)} "
                             "values, like the output")
        return sum((vdot(c, v) for c, v in zip(cotangent, value)), 0.0)
    if numpy.shape(cotangent) != numpy.shape(value):
        raise ValueError(f"the cotangent has shape {numpy.shape(cotangent)} but the output "
                         f"has shape {numpy.shape(value)}")
    return numpy.sum(numpy.real(cotangent * value))


def jacobian_start(value, like):
    """Zeros of shape value.shape + like.shape (a float when both are floats); for several
    outputs (a tuple or list), one such Jacobian per output."""
    if isinstance(value, (list, tuple)):
        return type(value)(jacobian_start(v, like) for v in value)
    if isinstance(value, dict):
        return {k: jacobian_start(v, like) for k, v in value.items()}
    if isinstance(like, (float, int)) and numpy.ndim(value) == 0:
        return 0.0
    return numpy.zeros(numpy.shape(value) + numpy.shape(like),
                       dtype=numpy.result_type(value, like, float))


def with_column(jacobian, index, column, like):
    """A copy of `jacobian` with its column `index` (flat, over like's shape) set to
    `column` (0 for a zero column; outputs in a tuple, list or dict item by item)."""
    if isinstance(jacobian, (list, tuple)):
        columns = column if isinstance(column, (list, tuple)) else [column] * len(jacobian)
        return type(jacobian)(with_column(j, index, c, like)
                              for j, c in zip(jacobian, columns))
    if isinstance(jacobian, dict):
        return {k: with_column(j, index, column[k] if isinstance(column, dict) else column,
                               like) for k, j in jacobian.items()}
    if isinstance(jacobian, (float, int)):
        return float(numpy.real(column))
    out = numpy.array(jacobian, copy=True)
    where = numpy.unravel_index(index, numpy.shape(like)) if numpy.ndim(like) else ()
    out[(Ellipsis,) + tuple(where)] = column
    return out


def tangent_part(pair):
    """The tangent of a jvp's (value, tangent): the term a call of a derivative srcdiff made
    adds to its result's tangent (a tuple for value_and_grad or jvp: added item by item)."""
    return pair[1]


def tangent_of(value):
    """`value` itself: marks a term of a tangent that may be a tuple or list, so that forward
    code adds such terms item by item (add_tangents) rather than joining them with +."""
    return value
