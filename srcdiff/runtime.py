"""Helpers that emitted code calls. Self-contained: they use numpy and nothing else.

The codegen command copies the source of the helpers a module needs into that
module, so each helper must stand alone (no srcdiff imports, no shared state).
Arrays are only ever made from other arrays (`zeros_like`, `ones_like`), so
the same helpers run on any array type NumPy dispatches to (CuPy, Dask).
"""
import math

import numpy


def unbroadcast(grad, like):
    """Sum `grad` over the axes NumPy broadcast, giving it the shape of `like`."""
    # fast path first: most operands were not broadcast (attribute reads, no numpy.shape)
    shape = getattr(like, "shape", None)
    if shape is None:
        shape = () if isinstance(like, (float, int, complex)) else numpy.shape(like)
    gshape = getattr(grad, "shape", None)
    if gshape is None:
        gshape = () if isinstance(grad, (float, int, complex)) else numpy.shape(grad)
    if gshape == shape:
        return grad
    extra = len(gshape) - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and gshape[extra + i] != 1)
    if axes:
        grad = numpy.sum(grad, axis=axes)
    elif extra == 0:
        return grad  # the same shape, but for lengths not known yet (Dask's NaN)
    return numpy.reshape(grad, shape)


def broadcast_like(tangent, like):
    """Broadcast a tangent to the shape of the value it belongs to."""
    if numpy.shape(tangent) == numpy.shape(like):
        return tangent
    # ones made from `like` carry its array type: a Python or host scalar tangent (of a
    # float argument) broadcast onto a device value stays on the device
    return tangent * numpy.ones_like(like)


def check_in_place(value, method, message):
    """Before `z += v` where another name shares z: fine for numbers (z is rebound), refused
    for arrays, which the operator changes in place under the other name too."""
    if hasattr(type(value), method):
        raise ValueError(message)


def check_item_copies(array, index, message):
    """Before `y[0], y[1] = y[1], y[0]`: the items read must be copies (elements of a 1-D
    array, list items), not row views of an array that the first write changes."""
    if hasattr(array, "shape") and numpy.ndim(array[index]) > 0:
        raise ValueError(message)


def no_derivative(value):
    """A value restored from the tape that carries no derivative (a range, a trip count)."""
    return value


def zeros_like_value(value):
    """A zero derivative with the structure of `value` (array, number, list, tuple, dict)."""
    if isinstance(value, (list, tuple)):
        return [zeros_like_value(v) for v in value]
    if isinstance(value, dict):
        return {k: zeros_like_value(v) for k, v in value.items()}
    if isinstance(value, (float, int, complex)) or value is None or type(value).__name__ in (
            "ShapeOf", "range", "str", "bool"):
        return 0.0
    return numpy.zeros_like(value)


def ones_like_value(value):
    """The seed of a gradient: ones with the shape of the output."""
    if isinstance(value, (float, int)):
        return 1.0
    return numpy.ones_like(value)


def add_adjoints(a, b):
    """Add two derivatives of the same structure (arrays, numbers, or containers)."""
    if isinstance(a, list):
        return [add_adjoints(x, y) for x, y in zip(a, b)]
    if isinstance(a, dict):
        return {k: add_adjoints(a[k], b[k]) for k in a}
    return a + b


def scatter_add(buffer, value, index, grad, owned):
    """Add `grad` into `buffer[index]`; `buffer` is the adjoint of `value`.

    `buffer` is None when it is still zero. An owned buffer is updated in place
    (it is referenced nowhere else); otherwise a fresh one is made. Repeated
    integer indices accumulate, as they must.
    """
    if isinstance(value, (list, tuple)):
        out = zeros_like_value(value) if buffer is None else list(buffer)
        if isinstance(index, slice):
            positions = range(len(value))[index]
            for pos, g in zip(positions, grad):
                out[pos] = add_adjoints(out[pos], g)
        else:
            out[index] = add_adjoints(out[index], grad)
        return out
    if isinstance(value, dict):
        out = zeros_like_value(value) if buffer is None else dict(buffer)
        out[index] = add_adjoints(out[index], grad)
        return out
    if buffer is None:
        buffer = numpy.zeros_like(value)
    elif not owned:
        buffer = copy_array(buffer)
    if _is_fancy(index):
        return add_at(buffer, index, grad)
    try:
        buffer[index] += grad
    except ValueError:
        if any(n != n for n in numpy.shape(grad)):  # a NaN length: Dask's boolean masks
            raise ValueError(
                "the gradient of boolean-mask indexing x[mask] needs the number of selected "
                "elements, which this array type (e.g. Dask) does not know before it "
                "computes; write numpy.where(mask, x, 0) instead of x[mask]") from None
        raise
    return buffer


def add_at(buffer, index, grad):
    """`buffer[index] += grad` where repeated indices add up (numpy.add.at).

    Array types without ufunc.at (Dask) get the same sum from a one-hot product,
    returned as a new array.
    """
    if not isinstance(buffer, numpy.ndarray):  # a host index for device data: move it over
        index = _index_like(index, buffer)
    try:
        numpy.add.at(buffer, index, grad)
        return buffer
    except (TypeError, NotImplementedError):
        if isinstance(index, tuple):
            raise
    flat = numpy.reshape(index, (-1,))
    n = numpy.shape(buffer)[0]
    positions = numpy.arange(n, like=buffer)
    onehot = (numpy.reshape(flat, (-1, 1)) % n == numpy.reshape(positions, (1, -1))) * 1.0
    rows = numpy.reshape(grad, (numpy.shape(flat)[0],) + tuple(numpy.shape(buffer)[1:]))
    return buffer + numpy.tensordot(onehot, rows, axes=([0], [0]))


def _index_like(index, array):
    """The integer arrays of `index` as arrays of `array`'s kind (CuPy, Dask, ...)."""
    if isinstance(index, tuple):
        return tuple(_index_like(part, array) for part in index)
    if isinstance(index, (numpy.ndarray, list)):
        return numpy.asarray(index, like=array)
    return index


def _is_fancy(index):
    parts = index if isinstance(index, tuple) else (index,)
    for part in parts:
        if hasattr(part, "dtype") and getattr(part, "ndim", 0) > 0:
            if part.dtype != bool:
                return True
        elif isinstance(part, list):
            return True
    return False


def take_and_zero(buffer, index, owned):
    """For `x[index] = v` in reverse: return (adjoint of v, buffer with index zeroed)."""
    if buffer is None:
        return None, None
    if isinstance(buffer, list):
        out = list(buffer)
        taken = out[index]
        out[index] = zeros_like_value(taken)
        return taken, out
    if _is_fancy(index):
        _refuse_repeated_writes(buffer, index)
    taken = copy_array(buffer[index])
    if not owned:
        buffer = copy_array(buffer)
    buffer[index] = 0
    return taken, buffer


def _refuse_repeated_writes(array, index):
    """An integer-array write `x[index] = v` that hits one element twice has no gradient:
    NumPy does not define which of the values lands there."""
    parts = index if isinstance(index, tuple) else (index,)
    like = next((p for p in parts if hasattr(p, "dtype") and not isinstance(p, numpy.ndarray)
                 and getattr(p, "ndim", 0) > 0), None)  # a device index: count on the device
    shape = numpy.shape(array)
    flat = numpy.arange(_count(shape)) if like is None else numpy.arange(_count(shape), like=like)
    positions = numpy.reshape(flat, shape)[index]
    if numpy.unique(positions).size != numpy.size(positions):
        raise ValueError(
            "x[index] = v (or x[index] += v) writes some element of x more than once "
            "(a repeated index): NumPy does not define which value lands there, so it has no "
            "gradient; make the indices unique, or add up repeated positions in a loop "
            "(for k in range(len(index)): x[index[k]] += v[k])")


def copy_array(value):
    """A copy made by the array's own type (NumPy, CuPy, Dask stay what they are)."""
    copy = getattr(value, "copy", None)
    if copy is None or isinstance(value, (float, int, complex)):
        return value
    return copy()


class ShapeOf:
    """What the adjoint keeps of an array it only needs the shape of (not the data)."""

    __slots__ = ("shape", "ndim", "dtype")

    def __init__(self, shape, ndim, dtype):
        self.shape = shape
        self.ndim = ndim
        self.dtype = dtype

    def __repr__(self):
        return f"ShapeOf({self.shape})"


def shape_of(value):
    """For the tape: an array's shape stand-in (scalars and small values are kept as they are)."""
    shape = getattr(value, "shape", ())
    if not shape:
        return value
    return ShapeOf(shape, len(shape), getattr(value, "dtype", None))


def own_copy(value):
    """A private copy of an argument the function writes into (the caller's stays as it was)."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return copy_array(value)


def saved_item(value, index):
    """A copy of `value[index]`, saved before an item write overwrites it."""
    item = value[index]
    if isinstance(value, list):
        return item
    return copy_array(item)


def pop_adjoint(buffer):
    """For `lst.append(v)` in reverse: split off the last element's adjoint."""
    if buffer is None:
        return None, None
    return buffer[-1], buffer[:-1]


def unpop_adjoint(buffer, value, grad):
    """For `x = lst.pop()` in reverse (lst already restored): put x's adjoint back at the end."""
    if buffer is None:
        buffer = zeros_like_value(value[:-1])
    return list(buffer) + [zeros_like_value(value[-1]) if grad is None else grad]


def sum_to_gradient(grad, like):
    """The adjoint of builtins.sum over a list: every element gets `grad`."""
    return [unbroadcast(grad, v) for v in like]


def finalize(grad, like, name):
    """Give a gradient the type, shape and dtype of the input it belongs to."""
    if type(grad) is type(like) and getattr(grad, "shape", None) == getattr(like, "shape", 0) \
            and grad.dtype == like.dtype and _writeable(grad) and grad is not like:
        return grad  # already an array of the input's kind: the common case
    if isinstance(like, (list, tuple)):
        grad = zeros_like_value(like) if grad is None else grad
        out = [finalize(g, v, f"{name}[{i}]") for i, (g, v) in enumerate(zip(grad, like))]
        return type(like)(out) if isinstance(like, tuple) else out
    if isinstance(like, dict):
        grad = zeros_like_value(like) if grad is None else grad
        return {k: finalize(grad[k], v, f"{name}[{k!r}]") for k, v in like.items()}
    if grad is None:
        grad = zeros_like_value(like)
    if type(like) is numpy.ndarray and like.ndim == 0 and (
            isinstance(grad, numpy.generic) or type(grad) is float or type(grad) is int):
        return numpy.asarray(grad, dtype=like.dtype)  # a 0-d array in, a 0-d array out
    if isinstance(like, numpy.generic):
        return like.dtype.type(numpy.sum(grad) if numpy.ndim(grad) else grad)
    if isinstance(like, float):
        return float(numpy.real(grad)) if numpy.ndim(grad) == 0 else float(numpy.sum(grad))
    if numpy.shape(grad) != numpy.shape(like):
        grad = unbroadcast(grad, like) if numpy.ndim(grad) >= numpy.ndim(like) else \
            numpy.broadcast_to(grad, numpy.shape(like))
    dtype = getattr(like, "dtype", None)
    if isinstance(grad, (float, int, complex, numpy.generic)) or getattr(grad, "dtype", None) != dtype \
            or type(grad) is not type(like):
        out = numpy.zeros_like(like)
        out[...] = grad
        return out
    if not _writeable(grad):  # a broadcast view
        return grad.copy()
    return grad


def _writeable(array):
    """False for a view the caller must not get (NumPy's read-only broadcast views, and on
    CuPy, which has no read-only flag, views with a zero stride)."""
    flags = getattr(array, "flags", None)
    if flags is None:
        return True  # no flags (Dask): arrays are never written in place
    writeable = getattr(flags, "writeable", None)
    if writeable is not None:
        return writeable
    strides = getattr(array, "strides", None)
    return not strides or 0 not in strides or array.size <= 1


def check_cotangent(cotangent, value):
    """The cotangent of a vjp must have the output's shape."""
    if numpy.shape(cotangent) != numpy.shape(value):
        raise ValueError(f"the cotangent has shape {numpy.shape(cotangent)} but the output "
                         f"has shape {numpy.shape(value)}; pass one value per output element")
    if isinstance(cotangent, numpy.ndarray) or hasattr(cotangent, "__array_function__"):
        # the adjoint may update the output's derivative in place: never the caller's array
        return cotangent.copy()
    return cotangent


def check_aux_pair(value):
    """With has_aux=True the function must return a pair (output, aux)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"cannot differentiate with has_aux=True: the function returned a "
                        f"{type(value).__name__}, not a pair (output, aux)")


def check_differentiable(value, name):
    """Refuse integer, boolean and non-numeric inputs to differentiate."""
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if kind == "f" or kind == "c" or type(value) is float:
        return
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            check_differentiable(v, f"{name}[{i}]")
        return
    if isinstance(value, dict):
        for k, v in value.items():
            check_differentiable(v, f"{name}[{k!r}]")
        return
    if isinstance(value, bool) or isinstance(value, int):
        raise TypeError(f"cannot differentiate with respect to {name}: it is the integer "
                        f"{value!r}; pass a float (e.g. {float(value)!r})")
    if isinstance(value, (float, complex)):
        return
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        raise TypeError(f"cannot differentiate with respect to {name}: a "
                        f"{type(value).__name__} is not a number or an array")
    if dtype.kind not in "fc":
        raise TypeError(f"cannot differentiate with respect to {name}: its dtype is "
                        f"{dtype}; convert it with .astype(float)")


def matmul_grad_left(grad, a, b):
    """Adjoint of `a` in `a @ b`, for vectors, matrices and stacks of them."""
    if numpy.ndim(b) == 1:
        if numpy.ndim(a) == 1:
            return grad * b
        return unbroadcast(numpy.expand_dims(grad, -1) * b, a)
    if numpy.ndim(a) == 1:
        return unbroadcast(numpy.matmul(b, numpy.expand_dims(grad, -1))[..., 0], a)
    return unbroadcast(numpy.matmul(grad, numpy.swapaxes(b, -1, -2)), a)


def matmul_grad_right(grad, a, b):
    """Adjoint of `b` in `a @ b`, for vectors, matrices and stacks of them."""
    if numpy.ndim(a) == 1:
        if numpy.ndim(b) == 1:
            return grad * a
        return unbroadcast(numpy.expand_dims(a, -1) * numpy.expand_dims(grad, -2), b)
    if numpy.ndim(b) == 1:
        return unbroadcast(numpy.matmul(numpy.swapaxes(a, -1, -2),
                                        numpy.expand_dims(grad, -1))[..., 0], b)
    return unbroadcast(numpy.matmul(numpy.swapaxes(a, -1, -2), grad), b)


def _count(shape):
    n = 1
    for k in shape:
        n *= int(k)
    return n


def power_exponent(exponent):
    """`exponent - 1`, except 1 where the exponent is 0 (so 0 ** -1 never makes a nan)."""
    if isinstance(exponent, (int, float)):
        return 1 if exponent == 0 else exponent - 1
    return numpy.where(exponent == 0, 1, exponent - 1)


def log_base(base):
    """log(base) with base <= 0 mapped to 1, for the derivative of x ** y in y."""
    if isinstance(base, (int, float)):
        return math.log(base) if base > 0 else 0.0
    return numpy.log(numpy.where(base > 0, base, 1))


def reshape_like(grad, like, order="C"):
    """`grad` in the shape of `like` (order= only when it is not C, which Dask lacks)."""
    if order == "C":
        return numpy.reshape(grad, numpy.shape(like))
    return numpy.reshape(grad, numpy.shape(like), order=order)


def method_copy(value):
    """`x.copy()`: the array's own copy method (a Dask or CuPy array stays one)."""
    return value.copy()


def method_astype(value, dtype):
    """`x.astype(dtype)`: the array's own method."""
    return value.astype(dtype)


def expand_reduced(grad, like, axis, keepdims):
    """Reshape the adjoint of a reduction so it broadcasts against the reduced input."""
    if keepdims or axis is None:
        return grad  # kept dims, or a 0-d total: either broadcasts against `like` as it is
    ndim = numpy.ndim(like)
    axes = axis if isinstance(axis, tuple) else (axis,)
    axes = tuple(sorted(a % ndim for a in axes))
    for a in axes:
        grad = numpy.expand_dims(grad, a)
    return grad


# -- helpers for the derivative rules in templates/ -------------------------------

def _axes_of(axis, ndim):
    """The sorted, non-negative axes a reduction over `axis` removes (all when None)."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(sorted(int(a) % ndim for a in axes)) if ndim else ()


def reduce_grad(grad, like, axis, keepdims):
    """The adjoint of a sum-like reduction, broadcast back to the shape of `like`."""
    ndim = numpy.ndim(like)
    if not keepdims:
        shape = list(numpy.shape(grad))
        for a in _axes_of(axis, ndim):
            shape.insert(a, 1)
        grad = numpy.reshape(grad, tuple(shape)) if ndim else grad
    return numpy.broadcast_to(grad, numpy.shape(like))


def reduced_count(like, result):
    """How many elements of `like` each element of the reduction `result` summarizes."""
    size = _count(numpy.shape(result))
    return _count(numpy.shape(like)) // size if size else 0


def prod_others(a, axis):
    """For each element of `a`, the product of the other elements in its reduction.

    Computed from exclusive running products from both ends, so zeros in `a`
    give the exact partial derivatives of numpy.prod (no division by a).
    """
    ndim = numpy.ndim(a)
    axes = _axes_of(axis, ndim)
    if not axes:
        return numpy.ones_like(a)
    k = len(axes)
    moved = numpy.moveaxis(a, axes, tuple(range(ndim - k, ndim)))
    kept = numpy.shape(moved)[:ndim - k]
    flat = numpy.reshape(moved, kept + (-1,))
    if numpy.shape(flat)[-1] == 0:
        return numpy.zeros_like(a)
    one = numpy.ones_like(flat[..., :1])
    left = numpy.concatenate([one, numpy.cumprod(flat[..., :-1], axis=-1)], axis=-1)
    right = numpy.flip(numpy.cumprod(numpy.flip(flat[..., 1:], axis=-1), axis=-1), axis=-1)
    right = numpy.concatenate([right, one], axis=-1)
    others = numpy.reshape(left * right, numpy.shape(moved))
    return numpy.moveaxis(others, tuple(range(ndim - k, ndim)), axes)


def extremum_grad(grad, a, result, axis, keepdims):
    """The adjoint of max/min: `grad` shared evenly by the elements that attain the extremum.

    The same as reduce_grad(grad, ...) * extremum_weights(...), with the division
    done on the reduced shape rather than on the whole input.
    """
    ndim = numpy.ndim(a)
    if not ndim:
        return grad * (a == result)
    axes = _axes_of(axis, ndim)
    if not keepdims:
        shape = list(numpy.shape(result))
        for ax in axes:
            shape.insert(ax, 1)
        result = numpy.reshape(result, tuple(shape))
        grad = numpy.reshape(grad, tuple(shape))
    hit = a == result
    count = numpy.sum(hit, axis=axes, keepdims=True)
    return hit * (grad / numpy.maximum(count, 1))


def extremum_weights(a, result, axis, keepdims):
    """Where max/min of `a` was attained: 1/count at each tied extremum, 0 elsewhere.

    Ties split the derivative evenly between the elements that attain the
    extremum (a symmetric subgradient, as in JAX and PyTorch's amax).
    """
    ndim = numpy.ndim(a)
    axes = _axes_of(axis, ndim)
    if not keepdims and ndim:
        shape = list(numpy.shape(result))
        for ax in axes:
            shape.insert(ax, 1)
        result = numpy.reshape(result, tuple(shape))
    hit = a == result
    count = numpy.sum(hit, axis=axes, keepdims=True) if ndim else 1
    return hit / numpy.maximum(count, 1)


def cumsum_grad(grad, like, axis):
    """The adjoint of numpy.cumsum: reversed running sums, in the shape of `like`."""
    if axis is None:
        grad = numpy.reshape(grad, (-1,))
        axis = 0
    out = numpy.flip(numpy.cumsum(numpy.flip(grad, axis=axis), axis=axis), axis=axis)
    return numpy.reshape(out, numpy.shape(like))


def tie_split(grad, wins, ties):
    """`grad` where `wins`, half of it where `ties`, zero elsewhere (broadcast together)."""
    return numpy.where(wins, grad, numpy.where(ties, grad * 0.5, grad * 0))


def clip_mask(a, lo, hi, part, lo2=None, hi2=None):
    """Where numpy.clip(a, lo, hi) takes its value from `part` ('a', 'lo' or 'hi').

    clip is minimum(maximum(a, lo), hi); at a tie the value counts as `a`'s
    (a value exactly on a bound passes its derivative through). `lo2`/`hi2`
    are the bounds when given as min=/max= (NumPy 2.1+).
    """
    lo = lo if lo2 is None else lo2
    hi = hi if hi2 is None else hi2
    low = a if lo is None else numpy.maximum(a, lo)
    above = (low > hi) if hi is not None else numpy.zeros_like(a, dtype=bool)
    below = (a < lo) if lo is not None else numpy.zeros_like(a, dtype=bool)
    if part == "hi":
        return above
    if part == "lo":
        return below & ~above
    return ~below & ~above


def dot_grad_left(grad, a, b):
    """Adjoint of `a` in numpy.dot(a, b), for scalars, vectors, matrices and N-d arrays."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 0 or nb == 0:
        out = grad * b
        return numpy.sum(out) if na == 0 else out
    if nb == 1:
        return numpy.multiply.outer(grad, b) if na > 1 else grad * b
    gaxes = tuple(range(na - 1, numpy.ndim(grad)))
    baxes = tuple(i for i in range(nb) if i != nb - 2)
    return numpy.tensordot(grad, b, axes=(gaxes, baxes))


def dot_grad_right(grad, a, b):
    """Adjoint of `b` in numpy.dot(a, b), for scalars, vectors, matrices and N-d arrays."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 0 or nb == 0:
        out = grad * a
        return numpy.sum(out) if nb == 0 else out
    lead = tuple(range(na - 1))
    out = numpy.tensordot(a, grad, axes=(lead, lead))
    return out if nb == 1 else numpy.moveaxis(out, 0, -2)


def inverse_axes(axes, ndim):
    """The permutation undoing numpy.transpose(x, axes) (None reverses, its own inverse)."""
    if axes is None:
        return None
    inverse = [0] * ndim
    for i, ax in enumerate(axes):
        inverse[int(ax) % ndim] = i
    return tuple(inverse)


def cast_grad(grad, like, result):
    """The adjoint through x.astype(dtype): cast back to x's dtype; zero across int casts."""
    rkind = getattr(getattr(result, "dtype", None), "kind", "f")
    if rkind not in "fc":
        return grad * 0
    dtype = getattr(like, "dtype", None)
    if dtype is None:
        return grad
    if hasattr(grad, "astype"):
        if numpy.iscomplexobj(grad) and dtype.kind != "c":
            grad = numpy.real(grad)
        return grad.astype(dtype)
    return grad


def split_grad(grad, arrays, axis, promote=None):
    """The adjoint of concatenating `arrays`: one piece of `grad` per array, as a list.

    `promote` is 1 or 2 for hstack/vstack (arrays are first made at least 1-d/2-d).
    """
    if promote == 1:
        axis = 0 if all(numpy.ndim(a) <= 1 for a in arrays) else 1
    shapes = [numpy.shape(a) for a in arrays]
    if axis is None:
        sizes = [int(numpy.prod(s)) for s in shapes]
        grad = numpy.reshape(grad, (-1,))
        axis = 0
    else:
        sizes = []
        for s in shapes:
            if promote == 1 and len(s) == 0:
                s = (1,)
            if promote == 2 and len(s) < 2:
                s = (1,) * (2 - len(s)) + tuple(s)
            sizes.append(s[axis])
    cuts = []
    total = 0
    for n in sizes[:-1]:
        total += n
        cuts.append(total)
    bounds = [0] + cuts + [None]
    ndim = numpy.ndim(grad)
    pieces = []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        index = (slice(None),) * (axis % ndim) + (slice(start, stop),)
        pieces.append(grad[index])
    return [numpy.reshape(p, s) for p, s in zip(pieces, shapes)]


def unstack_grad(grad, arrays, axis):
    """The adjoint of numpy.stack(arrays, axis): one slice of `grad` per array, as a list."""
    moved = numpy.moveaxis(grad, axis, 0)
    return [moved[i] for i in range(len(arrays))]


def array_grad(grad, like):
    """The adjoint of numpy.array(like) for an array, or a (nested) list of values."""
    if isinstance(like, (list, tuple)):
        return [array_grad(grad[i], v) for i, v in enumerate(like)]
    return grad


def diagonal_grad(grad, like, offset, axis1, axis2):
    """Place `grad` (shaped like numpy.diagonal(like, ...)) on that diagonal of zeros."""
    ndim = numpy.ndim(like)
    axis1, axis2 = axis1 % ndim, axis2 % ndim
    zeros = numpy.moveaxis(numpy.zeros_like(like), (axis1, axis2), (-2, -1))
    shape = numpy.shape(zeros)
    n1, n2 = shape[-2], shape[-1]
    flat = numpy.reshape(zeros, shape[:-2] + (n1 * n2,)).copy()
    if offset >= 0:
        length = max(0, min(n1, n2 - offset))
        start = offset
    else:
        length = max(0, min(n1 + offset, n2))
        start = -offset * n2
    if length:
        flat[..., start:start + (length - 1) * (n2 + 1) + 1:n2 + 1] = grad
    return numpy.moveaxis(numpy.reshape(flat, shape), (-2, -1), (axis1, axis2))


def imag_grad(grad, like):
    """The adjoint of numpy.imag: zero for real input, -1j * grad for complex input."""
    if numpy.iscomplexobj(like):
        return -1j * grad
    return grad * 0


def builtin_sum_grad(grad, iterable):
    """The adjoint of builtins.sum: each element (list item or array row) gets `grad`."""
    if isinstance(iterable, (list, tuple)):
        out = []
        for v in iterable:
            g = grad
            if numpy.shape(g) != numpy.shape(v):
                shape = numpy.shape(v)
                extra = numpy.ndim(g) - len(shape)
                axes = tuple(range(extra)) + tuple(
                    extra + i for i, n in enumerate(shape)
                    if n == 1 and numpy.shape(g)[extra + i] != 1)
                g = numpy.reshape(numpy.sum(g, axis=axes), shape)
            out.append(g)
        return out
    return numpy.broadcast_to(grad, numpy.shape(iterable))


def _picked(values, other, largest):
    """Which argument builtins max/min returns: a list index, or 0/1 for two arguments."""
    if other is None:
        best, index = values[0], 0
        for i, v in enumerate(values):
            if (v > best) if largest else (v < best):
                best, index = v, i
        return index
    return 1 if bool((other > values) if largest else (other < values)) else 0


def pick_grad(grad, values, other, position, largest):
    """The adjoint of builtins max/min for the argument at `position` (0 or 1).

    With one argument (`other` is None) `values` is a list and the element
    returned gets `grad` (the adjoint is a list); with two, the argument
    returned gets it. Like Python, a tie goes to the first one.
    """
    index = _picked(values, other, largest)
    if other is None:
        return [grad if i == index else grad * 0 for i in range(len(values))]
    return grad if index == position else grad * 0


def pick_tangent(tangent, values, other, position, largest):
    """The tangent of builtins max/min from the argument at `position` (0 or 1)."""
    index = _picked(values, other, largest)
    if other is None:
        return tangent[index]
    return tangent if index == position else tangent * 0


def log_of_base(base):
    """math.log(base) for the two-argument math.log (1.0 when there is no base)."""
    if base is None:
        return 1.0
    import math
    return math.log(base)


def abs_slope(x):
    """d|x|/dx: sign(x) for real x (0 at 0); conj(x)/|x| for complex x (the convention of
    the complex rules here, as JAX's: grad of a real function of z is df/da - i df/db)."""
    if numpy.iscomplexobj(x):
        return safe_divide(numpy.conjugate(x), numpy.abs(x))
    return numpy.sign(x)


def abs_slope_tangent(tangent, x):
    """The tangent of abs_slope(x) along `tangent`: 0 for real x (sign is flat)."""
    if not numpy.iscomplexobj(x):
        return tangent * 0
    size = numpy.abs(x)
    slope = safe_divide(numpy.conjugate(x), size)
    return safe_divide(numpy.conjugate(tangent) - slope * numpy.real(slope * tangent), size)


def safe_divide(num, den):
    """num / den, with 0 where den == 0 (the subgradient at a norm's kink)."""
    zero = den == 0
    return numpy.where(zero, num * 0, num / numpy.where(zero, 1, den))


def norm_axes(x, ord, axis, kind):
    """(reduced axes, whether it is a matrix norm, the ord in effect) for a norm of x."""
    ndim = numpy.ndim(x)
    if kind == "matrix":
        axes, matrix = (ndim - 2, ndim - 1), True
    elif axis is None:
        axes = tuple(range(ndim))
        matrix = kind == "norm" and ord is not None and ndim == 2
    else:
        axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
        axes = tuple(sorted(int(a) % ndim for a in axes))
        matrix = kind == "norm" and len(axes) == 2
    if ord is None:
        ord = "fro" if matrix else 2
    return axes, matrix, ord


def norm_weights(x, y, ord, axis, keepdims, kind="norm"):
    """dy/dx for a norm y of x: dy = sum over the reduced axes of (W * dx); returns W.

    `kind` is 'norm' (numpy.linalg.norm), 'vector' (vector_norm: any axes,
    flattened) or 'matrix' (matrix_norm over the last two axes). At a kink
    (a zero norm, ties in a max) the derivative is split evenly or is zero.
    """
    axes, matrix, ord = norm_axes(x, ord, axis, kind)
    ye = y
    if not keepdims:
        shape = list(numpy.shape(y))
        for ax in axes:
            shape.insert(ax, 1)
        ye = numpy.reshape(y, tuple(shape))
    if ord == "fro" or (ord == 2 and not matrix):
        return safe_divide(numpy.conjugate(x) if numpy.iscomplexobj(x) else x, ye)
    if numpy.iscomplexobj(x):
        raise ValueError(f"srcdiff differentiates norms of complex values only for ord=None, "
                         f"2 (vectors) and 'fro', not ord={ord!r}; write the norm with "
                         f"numpy.abs and numpy.sum")
    absx = numpy.abs(x)
    sign = numpy.sign(x)
    if not matrix:
        if ord == numpy.inf or ord == -numpy.inf:
            hit = absx == ye
            count = numpy.sum(hit, axis=axes, keepdims=True)
            return sign * hit / numpy.maximum(count, 1)
        if ord == 0:
            return x * 0
        if ord == 1:
            return sign
        p = float(ord)
        return sign * safe_divide(absx ** (p - 1), ye ** (p - 1))
    r, c = axes
    if ord in (1, -1, numpy.inf, -numpy.inf):
        along = r if ord in (1, -1) else c
        sums = numpy.sum(absx, axis=along, keepdims=True)
        hit = sums == ye
        count = numpy.sum(hit, axis=axes, keepdims=True)
        return sign * hit / numpy.maximum(count, 1)
    if ord in ("nuc", 2, -2):
        u, s, vh = numpy.linalg.svd(numpy.moveaxis(x, (r, c), (-2, -1)), full_matrices=False)
        if ord == 2:
            u, vh = u[..., :, :1], vh[..., :1, :]
        elif ord == -2:
            u, vh = u[..., :, -1:], vh[..., -1:, :]
        return numpy.moveaxis(numpy.matmul(u, vh), (-2, -1), (r, c))
    raise NotImplementedError(f"srcdiff has no derivative for the norm ord={ord!r}")


def det_grad(grad, a, y):
    """The adjoint of numpy.linalg.det: grad * det(a) * inv(a)^T, for stacks of matrices."""
    inv = numpy.linalg.inv(a)
    scale = numpy.expand_dims(numpy.expand_dims(grad * y, -1), -1)
    return scale * numpy.swapaxes(inv, -1, -2)


def solve_grad_b(grad, a, b):
    """The adjoint of b in numpy.linalg.solve(a, b), before unbroadcasting: solve(a^T, grad)."""
    at = numpy.swapaxes(a, -1, -2)
    if numpy.ndim(b) == 1:
        return numpy.linalg.solve(at, grad[..., None])[..., 0]
    return numpy.linalg.solve(at, grad)


def solve_grad_a(grad_b, b, x):
    """The adjoint of a in numpy.linalg.solve(a, b), from solve_grad_b and the solution x."""
    if numpy.ndim(b) == 1:
        return -(grad_b[..., :, None] * x[..., None, :])
    return -numpy.matmul(grad_b, numpy.swapaxes(x, -1, -2))


def solve_tangent_a(tangent, a, b, x):
    """The tangent of numpy.linalg.solve(a, b) from a's tangent: -solve(a, da @ x)."""
    if numpy.ndim(b) == 1:
        return -numpy.linalg.solve(a, numpy.matmul(tangent, x[..., None]))[..., 0]
    return -numpy.linalg.solve(a, numpy.matmul(tangent, x))


def inner_grad(grad, a, b, which):
    """The adjoint of a (which=0) or b (which=1) in numpy.inner(a, b)."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 0 or nb == 0:
        out = grad * (b if which == 0 else a)
        return numpy.sum(out) if (na if which == 0 else nb) == 0 else out
    if which == 0:
        gaxes = tuple(range(na - 1, na - 1 + nb - 1))
        return numpy.tensordot(grad, b, axes=(gaxes, tuple(range(nb - 1))))
    return numpy.tensordot(grad, a, axes=(tuple(range(na - 1)), tuple(range(na - 1))))


def take_grad(grad, like, indices, axis, mode):
    """The adjoint of numpy.take: scatter-add `grad` back at `indices` (repeats add up)."""
    indices = take_indices(indices, like, axis, mode)
    if axis is None:
        out = numpy.zeros_like(numpy.reshape(like, (-1,)))
        target = out
        axis = 0
    else:
        axis = axis % numpy.ndim(like)
        out = numpy.zeros_like(like)
        target = numpy.moveaxis(out, axis, 0)
    k = numpy.ndim(indices)
    g = numpy.moveaxis(grad, tuple(range(axis, axis + k)), tuple(range(k))) if k else grad
    updated = add_at(target, indices, g)
    if updated is not target:  # an array type that can not add in place (Dask)
        out = numpy.moveaxis(updated, 0, axis)
    return numpy.reshape(out, numpy.shape(like))


def take_indices(indices, like, axis, mode):
    """numpy.take's `indices` into `like` with its `mode` ('wrap', 'clip') applied, so the
    take needs no mode= (CuPy's take has none); 'raise' leaves them as they are."""
    if mode == "raise":
        return indices
    if isinstance(indices, (list, tuple)):
        indices = numpy.asarray(indices, like=like)
    shape = numpy.shape(like)
    n = _count(shape) if axis is None else shape[axis]
    if mode == "wrap":
        return indices % n
    return numpy.clip(indices, 0, n - 1)


def repeat_grad(grad, like, repeats, axis):
    """The adjoint of numpy.repeat: sum each group of copies (one count, or one per item)."""
    if numpy.ndim(repeats) != 0:
        if axis is None:
            like_flat = numpy.reshape(like, (-1,))
            out = numpy.zeros_like(like_flat)
            g = numpy.reshape(grad, (-1,))
        else:
            axis = axis % numpy.ndim(like)
            out = numpy.moveaxis(numpy.zeros_like(like), axis, 0)
            g = numpy.moveaxis(grad, axis, 0)
        n = numpy.shape(out)[0]
        counts = repeats if hasattr(repeats, "shape") else numpy.asarray(repeats)
        source = numpy.repeat(numpy.arange(n), numpy.broadcast_to(counts, (n,)))
        out = add_at(out, source, g)  # (add_at moves a host index to a device buffer)
        if axis is None:
            return numpy.reshape(out, numpy.shape(like))
        return numpy.moveaxis(out, 0, axis)
    r = int(repeats)
    if axis is None:
        g = numpy.reshape(grad, (-1, r))
        return numpy.reshape(numpy.sum(g, axis=-1), numpy.shape(like))
    axis = axis % numpy.ndim(like)
    shape = numpy.shape(grad)
    g = numpy.reshape(grad, shape[:axis] + (shape[axis] // r, r) + shape[axis + 1:])
    return numpy.sum(g, axis=axis + 1)
