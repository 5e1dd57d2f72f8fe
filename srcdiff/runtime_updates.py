"""The check the emitted code runs before `a += b` (and -=, *=, /=, **=, //=, %=, @=) where a
may be an array (run time: called by emitted code; update_checks.py places it). Takes a, b
and the in-place method's name; gives back nothing where the update fits a, or raises the
very error Python raises there (`check_update`).

srcdiff computes the update as `a = a + b`. For an array that is only the same where the
array can hold the result: NumPy writes `a + b` into a itself, so it raises where the result
has another shape (`a` of shape (3,) and `b` of shape (2, 3)), where the result's dtype
cannot be cast to a's ("same_kind": an integer array and a float), and where `a @ b` is not
a matrix of a's shape (two vectors). The check raises the very error Python raises there.
"""
import numpy


def check_update(value, other, method):
    """Before `value op= other` (method '__iadd__', ...): raise the error the in-place
    operator raises when `value` is an array that cannot hold the result; nothing for
    numbers and tuples (rebound by the operator) and lists (extended)."""
    if type(value) is numpy.ndarray and method != "__imatmul__":   # the common case, first
        kind = type(other)
        if kind is float or kind is int:
            if value.dtype.kind in "fc":
                return   # a Python number takes the array's dtype
        elif kind is numpy.ndarray and other.dtype is value.dtype and value.shape == other.shape \
                and value.dtype.kind in "fc":
            return
    shape = getattr(value, "shape", None)
    if shape is None or isinstance(value, list) or not hasattr(type(value), method):
        return
    dtype = value.dtype
    if method == "__imatmul__":
        if _fits_matmul(shape, dtype, other):
            return
        getattr(value.copy(), method)(other)   # raises as Python would (on a copy)
        return
    kind = type(other)
    if kind is float or kind is int:   # a Python number takes the array's dtype
        if dtype.kind in "fc":
            return
        other_shape = ()
    else:
        other_shape = getattr(other, "shape", None)
        if other_shape is None:
            other_shape = numpy.shape(other)   # a list, a tuple
        other_dtype = getattr(other, "dtype", None)   # (None == float64 for NumPy)
        if other_dtype is not None and other_dtype == dtype and (
                dtype.kind in "fc" or (dtype.kind in "iu" and method != "__itruediv__")) and (
                other_shape == shape or other_shape == ()):
            return   # the common case: the same dtype, the same shape or a scalar
    try:
        fits = numpy.broadcast_shapes(shape, other_shape) == shape
    except ValueError:
        fits = False
    if not fits:
        getattr(value.copy(), method)(other)   # raises as Python would (on a copy)
        return
    # the shapes fit: try the dtypes on one item of each, as the operator casts them
    small = value.reshape(-1)[:1].copy()
    if other_shape != ():
        other = other.reshape(-1)[:1] if hasattr(other, "reshape") else \
            numpy.reshape(other, -1)[:1]
    getattr(small, method)(other)


def _fits_matmul(shape, dtype, other):
    """Whether `value @= other` certainly writes a result of value's own shape and dtype."""
    other_shape = getattr(other, "shape", None)
    other_dtype = getattr(other, "dtype", None)
    if len(shape) < 2 or other_shape is None or len(other_shape) < 2 or \
            other_dtype is None or other_dtype != dtype:
        return False
    if tuple(other_shape[-2:]) != (shape[-1], shape[-1]):
        return False
    try:
        return numpy.broadcast_shapes(shape[:-2], other_shape[:-2]) == shape[:-2]
    except ValueError:
        return False
