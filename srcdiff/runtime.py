"""Helpers that emitted code calls. Self-contained: they use numpy and nothing else.

The codegen command copies the source of the helpers a module needs into that
module, so each helper must stand alone (no srcdiff imports, no shared state).
Arrays are only ever made from other arrays (`zeros_like`, `ones_like`), so
the same helpers run on any array type NumPy dispatches to (CuPy, Dask).
"""
import numpy


def unbroadcast(grad, like):
    """Sum `grad` over the axes NumPy broadcast, giving it the shape of `like`."""
    shape = numpy.shape(like)
    gshape = numpy.shape(grad)
    if gshape == shape:
        return grad
    extra = len(gshape) - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and gshape[extra + i] != 1)
    if axes:
        grad = numpy.sum(grad, axis=axes)
    return numpy.reshape(grad, shape)


def broadcast_like(tangent, like):
    """Broadcast a tangent to the shape of the value it belongs to."""
    shape = numpy.shape(like)
    if numpy.shape(tangent) == shape:
        return tangent
    return numpy.broadcast_to(tangent, shape) * numpy.ones_like(like)


def zeros_like_value(value):
    """A zero derivative with the structure of `value` (array, number, list, tuple, dict)."""
    if isinstance(value, (list, tuple)):
        return [zeros_like_value(v) for v in value]
    if isinstance(value, dict):
        return {k: zeros_like_value(v) for k, v in value.items()}
    if isinstance(value, (float, int, complex)) or value is None:
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
        buffer = numpy.array(buffer, copy=True)
    if _is_fancy(index):
        numpy.add.at(buffer, index, grad)
    else:
        buffer[index] += grad
    return buffer


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
    taken = numpy.array(buffer[index], copy=True)
    if not owned:
        buffer = numpy.array(buffer, copy=True)
    buffer[index] = 0
    return taken, buffer


def saved_item(value, index):
    """A copy of `value[index]`, saved before an item write overwrites it."""
    item = value[index]
    if isinstance(value, list):
        return item
    return numpy.array(item, copy=True)


def pop_adjoint(buffer):
    """For `lst.append(v)` in reverse: split off the last element's adjoint."""
    if buffer is None:
        return None, None
    return buffer[-1], buffer[:-1]


def sum_to_gradient(grad, like):
    """The adjoint of builtins.sum over a list: every element gets `grad`."""
    return [unbroadcast(grad, v) for v in like]


def finalize(grad, like, name):
    """Give a gradient the type, shape and dtype of the input it belongs to."""
    if isinstance(like, (list, tuple)):
        grad = zeros_like_value(like) if grad is None else grad
        out = [finalize(g, v, f"{name}[{i}]") for i, (g, v) in enumerate(zip(grad, like))]
        return type(like)(out) if isinstance(like, tuple) else out
    if isinstance(like, dict):
        grad = zeros_like_value(like) if grad is None else grad
        return {k: finalize(grad[k], v, f"{name}[{k!r}]") for k, v in like.items()}
    if grad is None:
        grad = zeros_like_value(like)
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
    return grad


def check_cotangent(cotangent, value):
    """The cotangent of a vjp must have the output's shape."""
    if numpy.shape(cotangent) != numpy.shape(value):
        raise ValueError(f"the cotangent has shape {numpy.shape(cotangent)} but the output "
                         f"has shape {numpy.shape(value)}; pass one value per output element")
    return cotangent


def check_differentiable(value, name):
    """Refuse integer, boolean and non-numeric inputs to differentiate."""
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


def expand_reduced(grad, like, axis, keepdims):
    """Reshape the adjoint of a reduction so it broadcasts against the reduced input."""
    if keepdims or axis is None:
        return grad if keepdims else numpy.reshape(grad, (1,) * numpy.ndim(like)) \
            if numpy.ndim(like) else grad
    ndim = numpy.ndim(like)
    axes = axis if isinstance(axis, tuple) else (axis,)
    axes = tuple(sorted(a % ndim for a in axes))
    for a in axes:
        grad = numpy.expand_dims(grad, a)
    return grad
