"""Runtime helpers of the rules of numpy.delete, numpy.insert and numpy.meshgrid,
templates/edits.py (run time: called by emitted code). Takes the primal values and the
adjoint or tangent; gives back a new array, or a list of them.

numpy.delete and numpy.insert move elements without changing them: where each element of
their result comes from is read by running the same call on arrays of labels (element k of
an operand labelled k + 1, the other operand 0), so every form of `obj` and `axis` NumPy
takes is followed as NumPy follows it, broadcasting of insert's values included. The
adjoint gathers the gradient back by those labels (an element inserted several times, a
broadcast value, gets the sum of its places); the labels are host integer arrays, only used
to index the gradient, so a device array stays on its device. numpy.meshgrid's grid k
repeats its input along the other axes: the adjoint sums them out.
"""
import numpy

from .runtime_indexing import array_grad


def _grad_dtype(value):
    return numpy.result_type(getattr(value, "dtype", numpy.float64), numpy.float64)


def _labels(shape, on):
    """Element k of an operand of this shape labelled k + 1 (on), or all 0 (not on)."""
    size = int(numpy.prod(shape, dtype=int))
    if on:
        return numpy.arange(1, size + 1).reshape(shape)
    return numpy.zeros(shape, dtype=int)


def gathered(grad, labels, size):
    """The sum, for each label k + 1 (k below size), of grad at the places holding it
    (labels has grad's shape; 0 marks a place no element of the operand went to): a flat
    array of `size` values, 0 for an element found nowhere."""
    flat = numpy.ravel(labels)
    places = numpy.nonzero(flat)[0]
    keys = flat[places] - 1
    counts = numpy.bincount(keys, minlength=size)
    g = numpy.ravel(grad)
    width = int(counts.max()) if counts.size else 0
    if width == 0:
        return numpy.zeros(size, dtype=_grad_dtype(grad), like=_like(g)) if size else \
            numpy.zeros(0, dtype=_grad_dtype(grad), like=_like(g))
    order = numpy.argsort(keys, kind="stable")
    keys, places = keys[order], places[order]
    starts = numpy.concatenate([[0], numpy.cumsum(counts)[:-1]])
    rank = numpy.arange(keys.size) - starts[keys]
    index = numpy.full((size, width), g.size)   # g.size: the zero appended below
    index[keys, rank] = places
    padded = numpy.concatenate([g, numpy.zeros(1, dtype=g.dtype, like=_like(g))])
    return numpy.sum(padded[index], axis=1)


def delete_grad(grad, arr, obj, axis):
    """The adjoint of numpy.delete(arr, obj, axis) in arr: the gradient at the elements
    kept, 0 at those deleted."""
    shape = numpy.shape(arr)
    labels = numpy.delete(_labels(shape, True), obj, axis)
    out = numpy.reshape(gathered(grad, labels, int(numpy.prod(shape, dtype=int))), shape)
    return array_grad(out, arr)


def insert_grad(grad, arr, obj, values, axis, which):
    """The adjoint of numpy.insert(arr, obj, values, axis) in arr (which 0) or values (1):
    each element's places summed (a value broadcast over several places gets their sum).
    Values inserted into an array of integers are truncated: no derivative."""
    shapes = (numpy.shape(arr), numpy.shape(values))
    if which == 1 and not numpy.issubdtype(_dtype(arr), numpy.inexact):
        return array_grad(numpy.zeros(shapes[1], dtype=_grad_dtype(grad), like=_like(grad)), values)
    labels = numpy.insert(_labels(shapes[0], which == 0), obj, _labels(shapes[1], which == 1),
                          axis)
    size = int(numpy.prod(shapes[which], dtype=int))
    out = numpy.reshape(gathered(grad, labels, size), shapes[which])
    return array_grad(out, values if which else arr)


def insert_tangent(tangent, arr, obj, values, axis, which):
    """The tangent of numpy.insert(arr, obj, values, axis) along that of arr (which 0) or
    of values (1): zeros in the other operand's places."""
    if isinstance(tangent, (list, tuple)):
        tangent = numpy.asarray(tangent)
    dtype = numpy.result_type(_grad_dtype(tangent), _grad_dtype(arr))
    if which == 0:
        zeros = numpy.zeros(numpy.shape(values), dtype=dtype, like=_like(tangent))
        return numpy.insert(tangent, obj, zeros, axis)
    if not numpy.issubdtype(_dtype(arr), numpy.inexact):
        tangent = tangent * 0.0
    zeros = numpy.zeros(numpy.shape(arr), dtype=dtype, like=_like(tangent))
    return numpy.insert(zeros, obj, tangent, axis)


def _like(value):
    """What like= is given: an array (a device array's zeros stay on its device), not a number."""
    return value if hasattr(value, "__array_function__") else None


def _dtype(value):
    return value.dtype if hasattr(value, "dtype") else numpy.asarray(value).dtype   # (a list)


def _grid_axis(k, count, indexing):
    """The axis of meshgrid's grids input k runs along ('xy' swaps the first two)."""
    if indexing == "xy" and count >= 2 and k < 2:
        return 1 - k
    return k


def meshgrid_grad(grad, k, x0, x1, x2, x3, indexing):
    """The adjoint of numpy.meshgrid(x0, x1, ..., indexing=indexing) in input k: grid k's
    gradient summed over the axes it repeats x_k along, in x_k's shape (0 where grid k is
    unused)."""
    inputs = [x for x in (x0, x1, x2, x3) if x is not None]
    xk = inputs[k]
    g = grad[k] if isinstance(grad, (list, tuple)) else grad
    if g is None or (numpy.ndim(g) == 0 and not numpy.any(g)):
        zeros = numpy.zeros_like(xk, dtype=_grad_dtype(xk)) if hasattr(xk, "shape") else \
            numpy.zeros(numpy.shape(xk))
        return array_grad(zeros, xk)
    axis = _grid_axis(k, len(inputs), indexing)
    others = tuple(a for a in range(numpy.ndim(g)) if a != axis)
    return array_grad(numpy.reshape(numpy.sum(g, axis=others), numpy.shape(xk)), xk)


def meshgrid_tangent(tangent, k, x0, x1, x2, x3, sparse, indexing):
    """The tangent of numpy.meshgrid(...) along that of input k: grid k made from it, the
    other grids zeros."""
    if isinstance(tangent, (list, tuple)):
        tangent = numpy.asarray(tangent)
    inputs = [x for x in (x0, x1, x2, x3) if x is not None]
    parts = [tangent if j == k else numpy.zeros(numpy.shape(x), dtype=_grad_dtype(tangent),
                                                like=_like(tangent))
             for j, x in enumerate(inputs)]
    return numpy.meshgrid(*parts, sparse=sparse, indexing=indexing)
