"""Functions that move elements around without changing them: reshapes, transposes,
joins, copies, casts, diagonals, take/repeat, broadcast_to, flip; numpy.add.at and
numpy.subtract.at as the value scattered_add (the lowering writes it back into the array:
scatter_calls.py).

Their adjoints move the derivative back. For functions taking a list of
arrays (concatenate, stack, hstack, vstack, array), the adjoint of the list
is a Python list with one adjoint per element.
"""
import numpy

from srcdiff.runtime import (index_concat, index_concat_grad, index_concat_tangent,
                             index_grid, method_astype, method_compress, method_copy,
                             method_flatten, range_item,
                             reshape_like)
from srcdiff.rules import d, forward, not_implemented, reverse
from srcdiff.runtime import (array_grad, broadcast_like, cast_grad, diagonal_grad,
                             inverse_axes, repeat_grad, scattered_add, scattered_add_grad,
                             split_grad, take_along_axis_grad, take_grad, take_indices,
                             unbroadcast, unstack_grad, zeros_like_value)


@reverse(numpy.reshape)
def reshape(y, a, shape=None, order="C", *, newshape=None, copy=None):
    d[a] = reshape_like(d[y], a, order)


@forward(numpy.reshape)
def reshape(y, a, shape=None, order="C", *, newshape=None, copy=None):
    d[y] = reshape_like(d[a], y, order)


@reverse(numpy.ravel, method_flatten)
def ravel(y, a, order="C"):
    d[a] = reshape_like(d[y], a, order)


@forward(numpy.ravel, method_flatten)
def ravel(y, a, order="C"):
    d[y] = reshape_like(d[a], y, order)


@reverse(numpy.squeeze)
def squeeze(y, a, axis=None):
    d[a] = numpy.reshape(d[y], numpy.shape(a))


@forward(numpy.squeeze)
def squeeze(y, a, axis=None):
    d[y] = numpy.squeeze(d[a], axis=axis)


@reverse(numpy.expand_dims)
def expand_dims(y, a, axis):
    d[a] = numpy.reshape(d[y], numpy.shape(a))


@forward(numpy.expand_dims)
def expand_dims(y, a, axis):
    d[y] = numpy.expand_dims(d[a], axis)


@reverse(numpy.atleast_1d, numpy.atleast_2d, numpy.atleast_3d)
def atleast_nd(y, arys):
    d[arys] = numpy.reshape(d[y], numpy.shape(arys))


@forward(numpy.atleast_1d, numpy.atleast_2d, numpy.atleast_3d)
def atleast_nd(y, arys):
    d[y] = numpy.reshape(d[arys], numpy.shape(y))


@reverse(numpy.transpose)
def transpose(y, a, axes=None):
    d[a] = numpy.transpose(d[y], inverse_axes(axes, numpy.ndim(a)))


@forward(numpy.transpose)
def transpose(y, a, axes=None):
    d[y] = numpy.transpose(d[a], axes)


if hasattr(numpy, "matrix_transpose"):
    @reverse(numpy.matrix_transpose)
    def matrix_transpose(y, x):
        d[x] = numpy.swapaxes(d[y], -1, -2)

    @forward(numpy.matrix_transpose)
    def matrix_transpose(y, x):
        d[y] = numpy.swapaxes(d[x], -1, -2)


@reverse(numpy.swapaxes)
def swapaxes(y, a, axis1, axis2):
    d[a] = numpy.swapaxes(d[y], axis1, axis2)


@forward(numpy.swapaxes)
def swapaxes(y, a, axis1, axis2):
    d[y] = numpy.swapaxes(d[a], axis1, axis2)


@reverse(numpy.moveaxis)
def moveaxis(y, a, source, destination):
    d[a] = numpy.moveaxis(d[y], destination, source)


@forward(numpy.moveaxis)
def moveaxis(y, a, source, destination):
    d[y] = numpy.moveaxis(d[a], source, destination)


@reverse(numpy.flip)
def flip(y, m, axis=None):
    d[m] = numpy.flip(d[y], axis=axis)


@forward(numpy.flip)
def flip(y, m, axis=None):
    d[y] = numpy.flip(d[m], axis=axis)


@reverse(numpy.broadcast_to)
def broadcast_to(y, array, shape, subok=False):
    d[array] = unbroadcast(d[y], array)


@forward(numpy.broadcast_to)
def broadcast_to(y, array, shape, subok=False):
    d[y] = broadcast_like(d[array], y)


@reverse(numpy.copy, method_copy)
def copy(y, a, order="K", subok=False):
    d[a] = d[y]


@forward(numpy.copy, method_copy)
def copy(y, a, order="K", subok=False):
    d[y] = d[a]


# cast_grad(..., y, y): zero where dtype= made integers (truncated: piecewise constant)
@reverse(numpy.array, numpy.asarray)
def array(y, object, dtype=None, *, like=None):
    d[object] = array_grad(cast_grad(d[y], y, y), object)


# like=y: the tangent is an array of the result's kind (a device one for like=device_array)
@forward(numpy.array, numpy.asarray)
def array(y, object, dtype=None, *, like=None):
    d[y] = cast_grad(numpy.asarray(d[object], like=y), y, y)


@reverse(numpy.astype, method_astype)
def astype(y, x, dtype, *, copy=True, device=None):
    d[x] = cast_grad(d[y], x, y)


@forward(numpy.astype, method_astype)
def astype(y, x, dtype, *, copy=True, device=None):
    d[y] = cast_grad(d[x], y, y)


# numpy.float64(x), numpy.float32(x), ...: x cast to that type (a number, or an array)
@reverse(numpy.float64, numpy.float32, numpy.float16, numpy.longdouble, numpy.complex128,
         numpy.complex64, numpy.clongdouble)
def scalar_type(y, x=0):
    d[x] = cast_grad(d[y], x, y)


@forward(numpy.float64, numpy.float32, numpy.float16, numpy.longdouble, numpy.complex128,
         numpy.complex64, numpy.clongdouble)
def scalar_type(y, x=0):
    d[y] = cast_grad(d[x], y, y)


@reverse(numpy.concatenate)
def concatenate(y, arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    d[arrays] = split_grad(d[y], arrays, axis)


@forward(numpy.concatenate)
def concatenate(y, arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    d[y] = numpy.concatenate(d[arrays], axis=axis)


# numpy.r_[a, b] and numpy.c_[a, b]: srcdiff lowers them to runtime.index_concat, and
# numpy.mgrid/ogrid[...] to runtime.index_grid, their ranges a:b:c to runtime.range_item;
# a range whose bounds are differentiated moves its values with them: refused
_RANGE_HINT = ("write numpy.linspace(a, b, n) or numpy.arange(a, b, c) for the range a:b:c "
               "(and numpy.concatenate, numpy.broadcast_to)")
not_implemented(range_item, _RANGE_HINT)
not_implemented(index_grid, _RANGE_HINT)


# numpy.r_[a, b] and numpy.c_[a, b]: srcdiff lowers them to runtime.index_concat
@reverse(index_concat)
def index_concat_adjoint(y, concatenator, items):
    d[items] = index_concat_grad(d[y], concatenator, items)


@forward(index_concat)
def index_concat_tangent_rule(y, concatenator, items):
    d[y] = index_concat_tangent(concatenator, d[items], items)


@reverse(numpy.stack)
def stack(y, arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    d[arrays] = unstack_grad(d[y], arrays, axis)


@forward(numpy.stack)
def stack(y, arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    d[y] = numpy.stack(d[arrays], axis=axis)


@reverse(numpy.hstack)
def hstack(y, tup, *, dtype=None, casting="same_kind"):
    d[tup] = split_grad(d[y], tup, None, 1)


@forward(numpy.hstack)
def hstack(y, tup, *, dtype=None, casting="same_kind"):
    d[y] = numpy.hstack(d[tup])


@reverse(numpy.vstack)
def vstack(y, tup, *, dtype=None, casting="same_kind"):
    d[tup] = split_grad(d[y], tup, 0, 2)


@forward(numpy.vstack)
def vstack(y, tup, *, dtype=None, casting="same_kind"):
    d[y] = numpy.vstack(d[tup])


if hasattr(numpy, "row_stack"):  # vstack's old name (deprecated in NumPy 2.0)
    @reverse(numpy.row_stack)
    def row_stack(y, tup, *, dtype=None, casting="same_kind"):
        d[tup] = split_grad(d[y], tup, 0, 2)

    @forward(numpy.row_stack)
    def row_stack(y, tup, *, dtype=None, casting="same_kind"):
        d[y] = numpy.vstack(d[tup])


# compress(condition, a, axis) is take(a, flatnonzero(condition), axis)
@reverse(numpy.compress)
def compress(y, condition, a, axis=None):
    d[a] = take_grad(d[y], a, numpy.flatnonzero(condition), axis, "raise")


@forward(numpy.compress)
def compress(y, condition, a, axis=None):
    d[y] = numpy.compress(condition, d[a], axis=axis)


@reverse(method_compress)
def compress_method(y, value, condition, axis=None):
    d[value] = take_grad(d[y], value, numpy.flatnonzero(condition), axis, "raise")


@forward(method_compress)
def compress_method(y, value, condition, axis=None):
    d[y] = numpy.compress(condition, d[value], axis=axis)


@reverse(numpy.diagonal)
def diagonal(y, a, offset=0, axis1=0, axis2=1):
    d[a] = diagonal_grad(d[y], a, offset, axis1, axis2)


@forward(numpy.diagonal)
def diagonal(y, a, offset=0, axis1=0, axis2=1):
    d[y] = numpy.diagonal(d[a], offset, axis1, axis2)


@reverse(numpy.trace)
def trace(y, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    d[a] = diagonal_grad(numpy.expand_dims(d[y], -1), a, offset, axis1, axis2)


@forward(numpy.trace)
def trace(y, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    d[y] = numpy.trace(d[a], offset, axis1, axis2)


@reverse(numpy.take)
def take(y, a, indices, axis=None, out=None, mode="raise"):
    d[a] = take_grad(d[y], a, indices, axis, mode)


@forward(numpy.take)
def take(y, a, indices, axis=None, out=None, mode="raise"):
    d[y] = numpy.take(d[a], take_indices(indices, a, axis, mode), axis=axis)


# numpy.add.at(a, i, v) / numpy.subtract.at: a's adjoint passes through, v's is a gather at i
@reverse(scattered_add)
def add_at_value(y, a, indices, values, sign):
    d[a] = d[y]
    d[values] = scattered_add_grad(d[y], indices, values, sign)


@forward(scattered_add)
def add_at_value(y, a, indices, values, sign):
    d[y] = d[a]
    d[y] = scattered_add(zeros_like_value(y), indices, d[values], sign)


@reverse(numpy.take_along_axis)
def take_along_axis(y, arr, indices, axis=-1):
    d[arr] = take_along_axis_grad(d[y], arr, indices, axis)


@forward(numpy.take_along_axis)
def take_along_axis(y, arr, indices, axis=-1):
    d[y] = numpy.take_along_axis(d[arr], indices, axis)


@reverse(numpy.repeat)
def repeat(y, a, repeats, axis=None):
    d[a] = repeat_grad(d[y], a, repeats, axis)


@forward(numpy.repeat)
def repeat(y, a, repeats, axis=None):
    d[y] = numpy.repeat(d[a], repeats, axis=axis)


@reverse(numpy.full)
def full(y, shape, fill_value, dtype=None, order="C", *, like=None):
    d[fill_value] = unbroadcast(d[y], fill_value)


@forward(numpy.full)
def full(y, shape, fill_value, dtype=None, order="C", *, like=None):
    d[y] = broadcast_like(d[fill_value], y)


@reverse(numpy.full_like)
def full_like(y, a, fill_value, dtype=None, order="K", subok=True, shape=None):
    d[fill_value] = unbroadcast(d[y], fill_value)


@forward(numpy.full_like)
def full_like(y, a, fill_value, dtype=None, order="K", subok=True, shape=None):
    d[y] = broadcast_like(d[fill_value], y)
