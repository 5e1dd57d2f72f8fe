"""Helpers that emitted code calls. Self-contained: they use numpy and nothing else.

The codegen command copies the source of the helpers a module needs into that
module, so each helper must stand alone (no shared state, and no srcdiff imports but
the exception class its refusals raise and lazy_runtime's broadcast_back, which the
command copies along).
Arrays are only ever made from other arrays (`zeros_like`, `ones_like`), so
the same helpers run on any array type NumPy dispatches to (CuPy, Dask).
"""
import cmath
import linecache
import math

import numpy

from .errors import RuntimeRefusal  # the codegen command copies it (and its base) along
from .lazy_runtime import broadcast_back  # copied along too (it needs numpy only)


def unbroadcast(grad, like):
    """Sum `grad` over the axes NumPy broadcast, giving it the shape of `like`; the real part
    where `like` is real and `grad` complex (a real value's cotangent is real)."""
    if getattr(getattr(grad, "dtype", None), "kind", None) == "c" or type(grad) is complex:
        if not (isinstance(like, complex) or numpy.iscomplexobj(like)):
            grad = numpy.real(grad)
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
    if isinstance(tangent, (list, tuple)):  # the tangent of a list argument: an array, so
        tangent = numpy.asarray(tangent)  # two terms add item by item, not as lists
    if numpy.shape(tangent) == numpy.shape(like):
        return tangent
    # ones made from `like` carry its array type: a Python or host scalar tangent (of a
    # float argument) broadcast onto a device value stays on the device
    return tangent * numpy.ones_like(like)


def refuse(reason, hint, where):
    """Refuse the user's statement at `where` ('FILE:LINE'), which only this run could judge;
    its line is quoted from the file, as a traceback quotes it."""
    filename, lineno = None, None
    if where:
        filename, _, number = where.rpartition(":")
        lineno = int(number)
    line = linecache.getline(filename, lineno).strip() if filename else ""
    raise RuntimeRefusal(reason, hint=hint, filename=filename, lineno=lineno, line=line or None)


def check_in_place(value, method, reason, hint, where):
    """Before `z += v` where another name shares z: fine for numbers (z is rebound), refused
    for arrays, which the operator changes in place under the other name too."""
    if hasattr(type(value), method):
        refuse(reason, hint, where)


def check_item_update(container, item, method, reason, hint, where):
    """Before `c[k] += v` where c is a list, tuple or dict and another name may hold the item
    c[k]: Python changes an array (or list) item in place, under that name too, while the
    derivative rebinds the slot; refused for such items, fine for numbers and for c an
    array (whose item writes are followed)."""
    if not hasattr(container, "shape") and hasattr(type(item), method):
        refuse(reason, hint, where)


def check_argument_update(value, method, reason, hint, filename, lineno, col):
    """Before a call to a function doing `v op= ...` on its parameter v (the write at
    filename:lineno): fine for a number (rebound), refused for an array or a list, which
    the operator changes in place under the caller's name too."""
    if hasattr(type(value), method):
        refuse(reason, hint, f"{filename}:{lineno}")


def check_not_shared(value, holder, reason, hint, where):
    """Before writing into `value`, taken from `holder` by an index (y = m[i]): refused when
    holder sees the write, as value is one of its items (lists, tuples, dicts) or shares its
    memory (a row view of an array). Numbers and copies (an index array's pick) are fine."""
    if value is holder and (hasattr(value, "shape") or isinstance(value, (list, dict))):
        refuse(reason, hint, where)  # the same array (or list) under two names
    if isinstance(holder, (list, tuple, dict)):
        items = holder.values() if isinstance(holder, dict) else holder
        if any(item is value for item in items):
            refuse(reason, hint, where)
        return
    if not hasattr(value, "shape") or not hasattr(holder, "shape") or numpy.ndim(value) == 0:
        return
    if _shares(value, holder):
        refuse(reason, hint, where)


def _shares(a, b):
    """Whether the array `a`, a view, shares memory with the array b. Other array types
    answer through NumPy's dispatch (CuPy) or, if they can not tell, are taken to share;
    arrays that are not views (Dask's never are) share nothing."""
    if isinstance(a, numpy.ndarray) and isinstance(b, numpy.ndarray):
        return bool(numpy.shares_memory(a, b))
    if getattr(a, "base", None) is None:
        return False
    try:
        return bool(numpy.shares_memory(a, b))
    except (TypeError, NotImplementedError):
        return True


def check_no_view(view, base, index, reason, hint, where):
    """Before writing into `base[index]` (all of base when index is None) while `view`, taken
    from base by an index (r = m[i]), is read later: refused when the write lands in view's
    memory (view is a row of a 2-D base). Other rows, numbers, copies and the items of a
    list (the list's slot is rebound) pass."""
    if type(view) is numpy.ndarray and type(base) is numpy.ndarray:
        if view.base is None:
            return  # a copy
        region = _written_region(base, index)
        # bounds first: every iteration of a recurrence h[i] = f(h[i - 1]) stops there
        if numpy.may_share_memory(view, region) and numpy.shares_memory(view, region):
            refuse(reason, hint, where)
        return
    if not hasattr(view, "shape") or not hasattr(base, "shape") or numpy.ndim(view) == 0:
        return
    if _shares(view, _written_region(base, index)):
        refuse(reason, hint, where)


def _written_region(base, index):
    """The part of `base` that `base[index] = v` writes, as a view (an index array: all)."""
    if index is None:
        return base
    if type(index) is int:  # a row
        return base[index:index + 1] if index != -1 else base[index:]
    parts = index if isinstance(index, tuple) else (index,)
    if any(isinstance(p, list) or numpy.ndim(p) > 0 for p in parts if p is not None
           and p is not Ellipsis and not isinstance(p, slice)):
        return base
    return base[tuple(slice(p, p + 1 if p != -1 else None)
                      if isinstance(p, (int, numpy.integer)) and not isinstance(p, bool)
                      else p for p in parts)]


def check_item_copies(array, index, reason, hint, where):
    """Before `y[0], y[1] = y[1], y[0]`: the items read must be copies (elements of a 1-D
    array, list items), not row views of an array that the first write changes."""
    if hasattr(array, "shape") and numpy.ndim(array[index]) > 0:
        refuse(reason, hint, where)


def check_norm_order(x, ord, axis, kind, where):
    """Before a norm of complex values: srcdiff differentiates only the 2-norm of vectors and
    the Frobenius norm there (the other orders' weights are not worked out for them)."""
    if ord is None or ord == "fro" or not numpy.iscomplexobj(x):
        return
    if ord == 2 and not norm_axes(x, ord, axis, kind)[1]:
        return
    refuse(f"srcdiff differentiates norms of complex values only of the default order, "
           f"ord=2 of vectors and ord='fro', not ord={ord!r}",
           "write the norm out with numpy.abs and numpy.sum (or numpy.max)", where)


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
    """The seed of a gradient: ones with the shape of the output (a number or an array;
    a dict, list or tuple output has no gradient: which of its values is differentiated?)."""
    if isinstance(value, (float, int)):
        return 1.0
    if isinstance(value, (dict, list, tuple)):  # srcdiff's API makes it an ArgumentError
        raise TypeError(f"cannot differentiate a function returning a {type(value).__name__}: "
                        "a gradient needs a number or an array (differentiate one value, or "
                        "return (value, rest) with has_aux=True; jvp takes containers)")
    return numpy.ones_like(value)


def add_adjoints(a, b):
    """Add two derivatives of the same structure (arrays, numbers, or containers)."""
    if isinstance(a, list):
        return [add_adjoints(x, y) for x, y in zip(a, b)]
    if isinstance(a, dict):
        # a key written into a dict built in the function may be in one adjoint only
        out = dict(a)
        for k, v in b.items():
            out[k] = add_adjoints(out[k], v) if k in out else v
        return out
    return a + b


def scatter_add(buffer, value, index, grad, owned, where=None):
    """Add `grad` into `buffer[index]`; `buffer` is the adjoint of `value`; `where`
    ('FILE:LINE') names the user's read of value[index] if the index is refused.

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
        out[index] = add_adjoints(out[index], grad) if index in out else grad
        return out
    if buffer is None:
        buffer = numpy.zeros_like(value)
    elif not owned:
        buffer = copy_array(buffer)
    if numpy.iscomplexobj(grad) and not numpy.iscomplexobj(buffer):
        grad = numpy.real(grad)  # the cotangent of a real value is real
    if _is_fancy(index):
        return add_at(buffer, index, grad)
    try:
        buffer[index] += grad
        return buffer
    except ValueError:
        if not any(n != n for n in numpy.shape(grad)):  # a NaN length: Dask's boolean masks
            raise
    refuse("the gradient of boolean-mask indexing needs the number of selected elements, "
           "which this array type (e.g. Dask) does not know before it computes",
           "write numpy.where(mask, x, 0) instead of x[mask]", where)


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


def take_and_zero(buffer, index, owned, where=None):
    """For `x[index] = v` in reverse: return (adjoint of v, buffer with index zeroed).
    `where` locates the user's statement for the refusal of a repeated index."""
    if buffer is None:
        return None, None
    if isinstance(buffer, (list, dict)):
        out = type(buffer)(buffer)
        taken = out[index]
        out[index] = zeros_like_value(taken)
        return taken, out
    if _is_fancy(index):
        _refuse_repeated_writes(buffer, index, where)
    taken = copy_array(buffer[index])
    if not owned:
        buffer = copy_array(buffer)
    buffer[index] = 0
    return taken, buffer


def _refuse_repeated_writes(array, index, where):
    """An integer-array write `x[index] = v` that hits one element twice has no gradient:
    NumPy does not define which of the values lands there."""
    parts = index if isinstance(index, tuple) else (index,)
    like = next((p for p in parts if hasattr(p, "dtype") and not isinstance(p, numpy.ndarray)
                 and getattr(p, "ndim", 0) > 0), None)  # a device index: count on the device
    shape = numpy.shape(array)
    flat = numpy.arange(_count(shape)) if like is None else numpy.arange(_count(shape), like=like)
    positions = numpy.reshape(flat, shape)[index]
    if numpy.unique(positions).size != numpy.size(positions):
        refuse("this write hits some element more than once (a repeated index): NumPy does "
               "not define which value lands there, so it has no gradient",
               "make the indices unique, or add up repeated positions in a loop "
               "(for k in range(len(index)): x[index[k]] += v[k])", where)


def copy_array(value):
    """A copy made by the array's own type (NumPy, CuPy, Dask stay what they are)."""
    copy = getattr(value, "copy", None)
    if copy is None or isinstance(value, (float, int, complex)):
        return value
    return copy()


def snapshot(value):
    """A copy of a returned value the adjoint may change in place afterwards (an item it
    writes back, a list it pops): arrays are copied, lists and tuples item by item."""
    if isinstance(value, (list, tuple)):
        items = [snapshot(v) for v in value]
        return items if type(value) is list else (
            type(value)(*items) if hasattr(value, "_fields") else type(value)(items))
    if isinstance(value, dict):
        return {k: snapshot(v) for k, v in value.items()}
    return copy_array(value)


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
    if type(value) is not numpy.ndarray and any(k != k for k in shape):
        return value  # a lazy array of a length not known yet (Dask's NaN): adjoints need it
    return ShapeOf(shape, len(shape), getattr(value, "dtype", None))


def own_copy(value):
    """A private copy of an argument the function writes into (the caller's stays as it was)."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return copy_array(value)


def saved_item(value, index):
    """A copy of `value[index]`, saved before an item write overwrites it (a dict's key not
    there yet: a MissingItem, which drop_missing takes out again when it is restored)."""
    if isinstance(value, dict):
        return value[index] if index in value else MissingItem()
    item = value[index]
    if isinstance(value, list):
        return item
    return copy_array(item)


class MissingItem:
    """Saved for `d[key] = v` where the dict d had no such key: restoring it removes the key."""

    __slots__ = ()

    def __repr__(self):
        return "MissingItem()"


def drop_missing(container, index):
    """After restoring `container[index]` from the tape: a key the dict did not have goes."""
    if isinstance(container, dict) and isinstance(container.get(index), MissingItem):
        del container[index]


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
    if type(like) is numpy.ndarray and like.ndim == 0 and (
            type(grad) is float or isinstance(grad, numpy.floating)):
        return numpy.asarray(grad, dtype=like.dtype)  # a real number for a 0-d array
    if isinstance(like, (list, tuple)):
        grad = zeros_like_value(like) if grad is None else grad
        out = [finalize(g, v, f"{name}[{i}]") for i, (g, v) in enumerate(zip(grad, like))]
        return type(like)(out) if isinstance(like, tuple) else out
    if isinstance(like, dict):
        grad = zeros_like_value(like) if grad is None else grad
        return {k: finalize(grad[k], v, f"{name}[{k!r}]") for k, v in like.items()}
    if grad is None:
        grad = zeros_like_value(like)
    if numpy.iscomplexobj(grad) and not (isinstance(like, complex) or numpy.iscomplexobj(like)):
        grad = numpy.real(grad)  # a real input's gradient is real (the complex convention)
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
    return _private(cotangent)


def _private(value):
    """A copy of the caller's arrays (and the lists, tuples and dicts holding them) that the
    adjoint may update in place: the cotangent passed to a vjp is left as it was."""
    if isinstance(value, (list, tuple)):
        return type(value)(_private(v) for v in value)
    if isinstance(value, dict):
        return {k: _private(v) for k, v in value.items()}
    if hasattr(value, "shape") and hasattr(value, "copy") and numpy.ndim(value) > 0:
        return value.copy()
    return value


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
    """Adjoint of `a` in `a @ b`, for vectors, matrices and stacks of them.

    New axes by indexing (`g[..., None]`), which Dask also does for lengths it does not
    know yet (unknown chunk sizes), where `expand_dims` reshapes and cannot."""
    if numpy.ndim(b) == 1:
        if numpy.ndim(a) == 1:
            return grad * b
        return unbroadcast(grad[..., None] * b, a)
    if numpy.ndim(a) == 1:
        return unbroadcast(numpy.matmul(b, grad[..., None])[..., 0], a)
    return unbroadcast(numpy.matmul(grad, numpy.swapaxes(b, -1, -2)), a)


def matmul_grad_right(grad, a, b):
    """Adjoint of `b` in `a @ b`, for vectors, matrices and stacks of them."""
    if numpy.ndim(a) == 1:
        if numpy.ndim(b) == 1:
            return grad * a
        return unbroadcast(a[..., None] * grad[..., None, :], b)
    if numpy.ndim(b) == 1:
        return unbroadcast(numpy.matmul(numpy.swapaxes(a, -1, -2),
                                        grad[..., None])[..., 0], b)
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
    """log(base) with base <= 0 mapped to 1, for the derivative of x ** y in y.

    A complex base has the principal log NumPy's power uses (only 0 is mapped to 1)."""
    if isinstance(base, (int, float)):
        return math.log(base) if base > 0 else 0.0
    if isinstance(base, complex):
        return cmath.log(base) if base != 0 else 0j
    if numpy.iscomplexobj(base):
        return numpy.log(numpy.where(base == 0, 1, base))
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


def method_compress(value, condition, axis=None):
    """`x.compress(condition, axis)`: the array's own method (numpy.compress(condition, x))."""
    return value.compress(condition, axis=axis)


def expand_reduced(grad, like, axis, keepdims):
    """Reshape the adjoint of a reduction so it broadcasts against the reduced input."""
    if keepdims or axis is None:
        return grad  # kept dims, or a 0-d total: either broadcasts against `like` as it is
    ndim = numpy.ndim(like)
    if ndim == 0:
        return grad  # NumPy reduces a 0-d value over axis 0 or -1 to itself
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
    # (on Dask, in `like`'s chunks, or its unknown lengths: srcdiff/lazy_runtime.py)
    return broadcast_back(grad, like)


def reduced_count(like, result):
    """How many elements of `like` each element of the reduction `result` summarizes.

    Where a length is not known before computing (Dask's NaN, after a boolean mask or
    from unknown chunk sizes), the count is itself a lazy value of that array type."""
    like_shape, result_shape = numpy.shape(like), numpy.shape(result)
    if any(k != k for k in like_shape + result_shape):
        return (numpy.sum(numpy.ones_like(like, dtype=int))
                // numpy.sum(numpy.ones_like(result, dtype=int)))
    size = _count(result_shape)
    return _count(like_shape) // size if size else 0


def centered(a, axis, kink=False):
    """`a` minus its mean over `axis` (kept dims), for the derivatives of var and std.

    Exactly zero in every reduction where `a` is constant (its exact value): the
    rounding of the mean (numpy.std(numpy.full(3, x)) is about 1e-17, not 0) must
    not decide the sign of a derivative that is zero there. Its derivative is the
    centering of the tangent (kink=False, var), or zero in those reductions too
    (kink=True, std: a kink there, like abs at 0, where the zero subgradient is used).
    """
    return center_like(a, a, axis, True)


def center_like(t, a, axis, kink):
    """`t` minus its mean over `axis`; zeroed in the reductions where `a` is constant
    when `kink` is true. Linear in `t` (and its own adjoint); `a` picks the reductions."""
    if isinstance(a, (list, tuple)):
        a = numpy.asarray(a)
    if isinstance(t, (list, tuple)):
        t = numpy.asarray(t)
    axes = _axes_of(axis, numpy.ndim(a))
    out = t - numpy.mean(t, axis=axes, keepdims=True)
    if not kink or _count(numpy.shape(a)) == 0:
        return out
    same = numpy.max(a, axis=axes, keepdims=True) == numpy.min(a, axis=axes, keepdims=True)
    return numpy.where(same, out * 0, out)


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
    flat = numpy.reshape(moved, kept + (_count(numpy.shape(moved)[ndim - k:]),))
    if numpy.shape(flat)[-1] == 0 or _count(kept) == 0:
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
        return grad * _attains(a, result)
    axes = _axes_of(axis, ndim)
    if not keepdims:
        shape = list(numpy.shape(result))
        for ax in axes:
            shape.insert(ax, 1)
        result = numpy.reshape(result, tuple(shape))
        grad = numpy.reshape(grad, tuple(shape))
    if type(a) is numpy.ndarray and type(result) is numpy.ndarray and (
            type(grad) is numpy.ndarray or isinstance(grad, (float, numpy.generic))):
        # NumPy: the NaN test on the reduced result (usually none), then one masked write
        # of each row's share instead of a float product with the whole boolean mask
        hit = a == result
        if numpy.isnan(result).any():
            hit |= numpy.isnan(a) & numpy.isnan(result)
        share = grad / numpy.maximum(numpy.count_nonzero(hit, axis=axes, keepdims=True), 1)
        if numpy.broadcast_shapes(hit.shape, numpy.shape(share)) == hit.shape:
            out = numpy.zeros_like(hit, dtype=numpy.result_type(share))
            numpy.copyto(out, share, where=hit)
            return out
        return hit * share
    hit = _attains(a, result)
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
    hit = _attains(a, result)
    count = numpy.sum(hit, axis=axes, keepdims=True) if ndim else 1
    return hit / numpy.maximum(count, 1)


def _attains(a, result):
    """Where `a` equals its max/min `result`; where the result is NaN (NumPy's max and min
    propagate it), the NaNs that made it: the derivative routes to them."""
    return (a == result) | (numpy.isnan(a) & numpy.isnan(result))


def cumsum_grad(grad, like, axis):
    """The adjoint of numpy.cumsum: reversed running sums, in the shape of `like`."""
    if axis is None:
        grad = numpy.reshape(grad, (-1,))
        axis = 0
    out = numpy.flip(numpy.cumsum(numpy.flip(grad, axis=axis), axis=axis), axis=axis)
    return numpy.reshape(out, numpy.shape(like))


def tie_split(grad, wins, ties):
    """`grad` where `wins`, half of it where `ties`, zero elsewhere (broadcast together)."""
    if isinstance(grad, (list, tuple)):  # the tangent of a list argument
        grad = numpy.asarray(grad)
    return numpy.where(wins, grad, numpy.where(ties, grad * 0.5, grad * 0))


def clip_mask(a, lo, hi, part, lo2=None, hi2=None):
    """Where numpy.clip(a, lo, hi) takes its value from `part` ('a', 'lo' or 'hi').

    clip is minimum(maximum(a, lo), hi); at a tie the value counts as `a`'s
    (a value exactly on a bound passes its derivative through). `lo2`/`hi2`
    are the bounds when given as min=/max= (NumPy 2.1+).
    """
    lo = lo if lo2 is None else lo2
    hi = hi if hi2 is None else hi2
    a, lo, hi = [numpy.asarray(v) if isinstance(v, (list, tuple)) else v for v in (a, lo, hi)]
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
    a, b = [numpy.asarray(v) if isinstance(v, (list, tuple)) else v for v in (a, b)]
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 2 and nb == 2:
        return numpy.matmul(grad, numpy.swapaxes(b, 0, 1))  # two matrices: no tensordot
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
    a, b = [numpy.asarray(v) if isinstance(v, (list, tuple)) else v for v in (a, b)]
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 2 and nb == 2:
        return numpy.matmul(numpy.swapaxes(a, 0, 1), grad)  # two matrices: no tensordot
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


def range_item(start, stop, step):
    """The range a:b:c given to numpy.r_, c_, mgrid or ogrid (a slice)."""
    return slice(start, stop, step)


def index_grid(grid, items):
    """numpy.mgrid[items] or numpy.ogrid[items] (`grid`), as srcdiff lowers them."""
    return grid[tuple(items)]


def index_concat(concatenator, items):
    """numpy.r_[items] or numpy.c_[items] (`concatenator`), as srcdiff lowers them."""
    return concatenator[tuple(items)]


def directive_refusal(directive):
    """(reason, hint) refusing numpy.r_/c_[directive, ...] differentiated, for a matrix
    directive ('r', 'c', or none of an axis first); None for an axis directive ('1', '0,2')."""
    head = directive.split(",")[0].strip()
    if head not in ("r", "c") and head.lstrip("-").isdigit():
        return None
    return (f"srcdiff differentiates numpy.r_ and numpy.c_ only without the matrix "
            f"directive {directive!r}",
            "concatenate with numpy.concatenate (numpy.stack, numpy.atleast_2d for rows and "
            "columns) and make a matrix of the result outside the differentiated function")


def check_directive(first, where):
    """Before numpy.r_/c_[first, ...], differentiated, whose first item is a name: refused
    at `where` when it holds a matrix directive (a string the source does not show)."""
    refusal = directive_refusal(first) if isinstance(first, str) else None
    if refusal:
        refuse(*refusal, where)


def _index_concat_layout(concatenator, items):
    """For numpy.r_/c_[items]: the concatenation axis and each item's length along it (a
    matrix directive was refused before, where the concatenation is: checks.py)."""
    directive = items[0] if items and isinstance(items[0], str) else None
    axis = concatenator.axis
    if directive is not None:
        axis = int(directive.split(",")[0])
    lengths = []
    for item in items:
        if isinstance(item, str):
            lengths.append(0)
            continue
        block = concatenator[(item,) if directive is None else (directive, item)]
        lengths.append(numpy.shape(block)[axis])
    return axis, lengths


def index_concat_grad(grad, concatenator, items):
    """The adjoint of index_concat: one piece of `grad` per item, in the item's shape (a
    list; 0.0 for ranges and directive strings, which carry no derivative)."""
    items = list(items)
    axis, lengths = _index_concat_layout(concatenator, items)
    axis = axis % numpy.ndim(grad)
    out, start = [], 0
    for item, n in zip(items, lengths):
        piece = grad[(slice(None),) * axis + (slice(start, start + n),)]
        start += n
        if isinstance(item, (str, slice)):
            out.append(0.0)
        else:
            out.append(array_grad(numpy.reshape(piece, numpy.shape(item)), item))
    return out


def index_concat_tangent(concatenator, tangents, items):
    """The tangent of index_concat: the items' tangents concatenated the same way (ranges
    become zeros, directive strings stay)."""
    items = list(items)
    _index_concat_layout(concatenator, items)
    parts = []
    for item, t in zip(items, tangents):
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, slice):
            parts.append(numpy.zeros_like(numpy.r_[item], dtype=float))
        else:
            parts.append(t)
    return concatenator[tuple(parts)]


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
    """The adjoint of numpy.imag: zero for real input, -1j * grad for complex input (the
    cotangent of the real-valued imaginary part is real: numpy.real(grad))."""
    if numpy.iscomplexobj(like):
        return -1j * numpy.real(grad)
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
        return numpy.multiply(tangent, 0)  # (a list tangent times 0 is an empty list)
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
    if isinstance(x, (list, tuple)):  # numpy.linalg.norm([a, b]): the array it makes
        x = numpy.asarray(x)
    axes, matrix, ord = norm_axes(x, ord, axis, kind)
    ye = y
    if not keepdims:
        shape = list(numpy.shape(y))
        for ax in axes:
            shape.insert(ax, 1)
        ye = numpy.reshape(y, tuple(shape))
    if ord == "fro" or (ord == 2 and not matrix):
        return safe_divide(numpy.conjugate(x) if numpy.iscomplexobj(x) else x, ye)
    if numpy.iscomplexobj(x):  # refused before, where the norm is taken (check_norm_order)
        raise RuntimeRefusal(f"srcdiff differentiates norms of complex values only of the "
                             f"default order, ord=2 of vectors and ord='fro', not ord={ord!r}",
                             hint="write the norm out with numpy.abs and numpy.sum")
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
        nonzero = (absx != 0) & (ye != 0)  # 0 at a zero element (as abs), whatever p is
        ratio = (numpy.where(nonzero, absx, 1) / numpy.where(ye != 0, ye, 1)) ** (p - 1)
        return sign * numpy.where(nonzero, ratio, 0)
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
        weights = numpy.moveaxis(numpy.matmul(u, vh), (-2, -1), (r, c))
        return numpy.where(ye == 0, weights * 0, weights)  # zero norm: zero, not an SVD's pick
    raise NotImplementedError(f"srcdiff has no derivative for the norm ord={ord!r}")


def det_cofactor(a):
    """The cofactor matrix adj(a)^T of stacks of square matrices: the derivative of
    numpy.linalg.det (d det(a) = sum(det_cofactor(a) * da)), equal to det(a) inv(a)^T where a
    is invertible and defined at singular matrices too. Through the SVD a = U diag(s) V^H:
    adj(a) = det(U) det(V^H) V diag(prod_{j != i} s_j) U^H, a product with no division."""
    if numpy.shape(a)[-1] == 0:  # a 0 x 0 matrix has no cofactors
        return a * 0.0
    u, s, vh = numpy.linalg.svd(a)
    ones = numpy.ones_like(s[..., :1])
    left = numpy.cumprod(numpy.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    right = numpy.flip(numpy.cumprod(numpy.concatenate(
        [ones, numpy.flip(s[..., 1:], axis=-1)], axis=-1), axis=-1), axis=-1)
    others = left * right  # prod_{j != i} s_j
    phase = numpy.linalg.det(u) * numpy.linalg.det(vh)
    # adj(a)^T = conj(U) diag(others) conj(V^H)
    cof = numpy.matmul(numpy.conjugate(u) * others[..., None, :], numpy.conjugate(vh))
    return phase[..., None, None] * cof


def det_grad(grad, a):
    """The adjoint of numpy.linalg.det: grad * adj(a)^T (grad * det(a) * inv(a)^T where a is
    invertible), for stacks of matrices, singular ones included."""
    return numpy.expand_dims(numpy.expand_dims(grad, -1), -1) * det_cofactor(a)


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
    a, b = [numpy.asarray(v) if isinstance(v, (list, tuple)) else v for v in (a, b)]
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
    if numpy.ndim(like) == 0:
        axis = None  # numpy.repeat(0-d, n, axis=0) repeats it as a 1-d array
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
    if r == 0 or _count(numpy.shape(like)) == 0:  # no copies (or nothing to copy): all zero
        return numpy.zeros_like(like) * numpy.sum(grad)
    if axis is None:
        g = numpy.reshape(grad, (-1, r))
        return numpy.reshape(numpy.sum(g, axis=-1), numpy.shape(like))
    axis = axis % numpy.ndim(like)
    shape = numpy.shape(grad)
    g = numpy.reshape(grad, shape[:axis] + (shape[axis] // r, r) + shape[axis + 1:])
    return numpy.sum(g, axis=axis + 1)


def arange_slopes(y, stop, which):
    """For y = numpy.arange(start, stop, step): dy/dstart ('start': ones) or dy/dstep
    ('step': 0, 1, 2, ...). Zero for integer results, and dy/dstart is zero when the first
    argument is the stop (numpy.arange(stop) moves no value, only the length)."""
    kind = getattr(getattr(y, "dtype", None), "kind", "f")
    ones = numpy.ones_like(y, dtype=float) if kind not in "fc" else numpy.ones_like(y)
    if kind not in "fc" or (which == "start" and stop is None):
        return ones * 0
    if which == "start":
        return ones
    return numpy.cumsum(ones) - 1


def linspace_step_refusal():
    """(reason, hint) refusing numpy.linspace(..., retstep=True) differentiated."""
    return ("srcdiff differentiates numpy.linspace only without retstep=True",
            "compute the step yourself: (stop - start) / (num - 1), or "
            "(stop - start) / num with endpoint=False")


def check_no_step(retstep, where):
    """Before numpy.linspace(..., retstep=r), differentiated, with r a name: refused at
    `where` when r is true (the samples and the step come back as a pair)."""
    if retstep:
        refuse(*linspace_step_refusal(), where)


def linspace_fraction(start, stop, num, endpoint, retstep, dtype, axis):
    """For y = numpy.linspace(start, stop, ...): the fraction t with y = start (1 - t) +
    stop t, shaped like y (zero for an integer dtype, whose values are piecewise constant).
    retstep=True was refused before, where the samples are drawn (checks.py)."""
    fraction = numpy.linspace(start * 0.0, stop * 0.0 + 1.0, num, endpoint=endpoint,
                              axis=axis)
    if dtype is not None and numpy.dtype(dtype).kind not in "fc":
        return fraction * 0
    return numpy.real(fraction)


def linspace_tangent(tangent, fraction, axis):
    """`tangent` (of start or stop, broadcastable to the samples' shape without `axis`)
    spread along `axis` with the weights `fraction`."""
    shape = list(numpy.shape(fraction))
    del shape[axis % len(shape)]
    return numpy.expand_dims(numpy.broadcast_to(tangent, tuple(shape)), axis) * fraction


def check_spread(low, high, kind, where):
    """Before a sample numpy.random.normal/exponential (low 0, high the scale: kind 'scale')
    or uniform (kind 'bounds') whose derivative needs the standard draw behind it: refused
    at `where` where the spread high - low is zero, which does not keep that draw."""
    if not numpy.any(numpy.asarray(high) - low == 0):
        return
    if kind == "scale":
        refuse("the derivative of a random sample with respect to its scale needs the "
               "standard draw behind it, which a zero scale does not keep",
               "draw the standard sample yourself, z = numpy.random.standard_normal(size) "
               "(or standard_exponential), and write loc + scale * z", where)
    refuse("the derivative of a random sample with respect to its bounds needs the standard "
           "draw behind it, which equal bounds (high == low) do not keep",
           "draw u = numpy.random.random(size) yourself and write low + (high - low) * u",
           where)


def _draw(value, offset, spread):
    """(value - offset) / spread: the standard draw behind a reparameterized sample (a zero
    spread was refused before, where the sample is drawn: check_spread)."""
    return (value - offset) / spread


def normal_draw(y, loc, scale):
    """z of y = loc + scale * z (numpy.random.normal): dy/dscale, at the sample drawn."""
    return _draw(y, loc, scale)


def uniform_fraction(y, low, high):
    """u of y = low + (high - low) * u (numpy.random.uniform): dy/dhigh (dy/dlow is 1 - u)."""
    return _draw(y, low, high - low)


# -- + and * where an operand may be a list or tuple: concatenation and repetition ------
def concatenates(a, b):
    """True when Python's `a + b` joins two sequences (two lists, or two tuples); any other
    `+` (arrays, numbers, a list with an array) is arithmetic."""
    return (isinstance(a, list) and isinstance(b, list)) or (
        isinstance(a, tuple) and isinstance(b, tuple))


def repeated_side(a, b):
    """0 or 1 when Python's `a * b` repeats the list or tuple `a` (or `b`) an int number of
    times; None when it is arithmetic (a NumPy integer count makes it arithmetic too)."""
    if isinstance(a, (list, tuple)) and isinstance(b, int):
        return 0
    if isinstance(b, (list, tuple)) and isinstance(a, int):
        return 1
    return None


def sequence_add(a, b):
    """`a + b` where a list or tuple may be involved: lowered to this call so the derivative
    can tell concatenation from arithmetic when it runs."""
    return a + b


def sequence_mul(a, b):
    """`a * b` where a list or tuple may be involved (repetition, or arithmetic)."""
    return a * b


def grows_by_items(a, b, by_items):
    """Whether `a += b` (by_items False) or `a.extend(b)` (True) appends b's items to the list
    a, when b is not a list (list + list is concatenation). For `+=` Python first offers
    b's own `__radd__` (an array adds the list to itself, element-wise); a tuple or a
    generator has none, and the list takes its items."""
    return isinstance(a, list) and not isinstance(b, list) and (
        by_items or not hasattr(type(b), "__radd__"))


def sequence_iadd(a, b):
    """`a += b` as a new value (Python's rules: a list takes the items of a tuple)."""
    if grows_by_items(a, b, False):
        return a + list(b)
    return a + b


def sequence_extend(a, b):
    """`a.extend(b)` as a new value: the list a with the items of any iterable b appended."""
    if not isinstance(a, list):
        raise AttributeError(f"{type(a).__name__!r} object has no attribute 'extend'")
    return a + list(b)


def sequence_add_grad(grad, a, b, which):
    """The adjoint of operand `which` (0 or 1) of `a + b`: its part of the concatenation's
    adjoint (a list), or the arithmetic one."""
    if concatenates(a, b):
        n = len(a)
        return list(grad[:n]) if which == 0 else list(grad[n:])
    return unbroadcast(_stacked(grad), a if which == 0 else b)


def _stacked(grad):
    """An arithmetic result's adjoint that came back as a list (the result was then used as a
    sequence of its rows, e.g. by numpy.stack) as the array it belongs to."""
    if isinstance(grad, (list, tuple)):
        return numpy.stack(grad)
    return grad


def sequence_add_tangent(tangent, a, b, y, which):
    """The tangent of `a + b` from operand `which`'s tangent (zeros for the other part)."""
    if concatenates(a, b):
        if which == 0:
            return list(tangent) + zeros_like_value(b)
        return zeros_like_value(a) + list(tangent)
    return broadcast_like(_stacked(tangent), y)


def sequence_mul_grad(grad, a, b, which):
    """The adjoint of operand `which` of `a * b`: for a repetition, the sequence's items
    gather the adjoints of all their copies (the integer count has none)."""
    side = repeated_side(a, b)
    if side is None:
        if which == 0:
            return unbroadcast(_stacked(grad) * b, a)
        return unbroadcast(_stacked(grad) * a, b)
    seq = a if side == 0 else b
    if which != side:
        return 0.0
    n = len(seq)
    out = zeros_like_value(seq)
    for k in range(len(grad)):
        out[k % n] = add_adjoints(out[k % n], grad[k])
    return out


def sequence_mul_tangent(tangent, a, b, y, which):
    """The tangent of `a * b` from operand `which`'s tangent."""
    side = repeated_side(a, b)
    if side is None:
        if which == 0:
            return broadcast_like(_stacked(tangent) * b, y)
        return broadcast_like(a * _stacked(tangent), y)
    if which != side:
        return zeros_like_value(y)
    return list(tangent) * (b if side == 0 else a)


def sequence_mul_grad_moved(grad, tangent, a, b, which, moved):
    """For second derivatives: how sequence_mul_grad(grad, a, b, which) changes when operand
    `moved` moves along `tangent`. Only arithmetic has such a term (grad times the other
    operand); a repetition's operands give only a length and a count."""
    if repeated_side(a, b) is not None or moved == which:
        return zeros_like_value(sequence_mul_grad(grad, a, b, which))
    return unbroadcast(_stacked(grad) * tangent, a if which == 0 else b)


def sequence_mul_tangent_moved(tangent, moved_tangent, a, b, y, which, moved):
    """For derivatives of forward code: how sequence_mul_tangent(tangent, a, b, y, which)
    changes when operand `moved` moves along `moved_tangent` (arithmetic only)."""
    if repeated_side(a, b) is not None or moved == which:
        return zeros_like_value(y)
    if which == 0:
        return broadcast_like(tangent * moved_tangent, y)
    return broadcast_like(moved_tangent * tangent, y)


def sequence_extend_grad(grad, a, b, which, by_items):
    """The adjoint of operand `which` of sequence_iadd(a, b) (by_items False) or
    sequence_extend(a, b) (True): a list's part (an array's rows stacked back into the
    array's shape), or what sequence_add_grad gives."""
    if not grows_by_items(a, b, by_items):
        return sequence_add_grad(grad, a, b, which)
    n = len(a)
    if which == 0:
        return list(grad[:n])
    part = list(grad[n:])
    if isinstance(b, tuple):
        return part
    if not part:
        return zeros_like_value(b)
    return numpy.reshape(numpy.stack(part), numpy.shape(b))


def sequence_extend_tangent(tangent, a, b, y, which, by_items):
    """The tangent of sequence_iadd / sequence_extend(a, b) from operand `which`'s tangent."""
    if not grows_by_items(a, b, by_items):
        return sequence_add_tangent(tangent, a, b, y, which)
    if which == 0:
        return list(tangent) + zeros_like_value(list(b))
    return zeros_like_value(a) + list(tangent)


# -- dicts ------------------------------------------------------------------------------
def iteration_order(value):
    """What `for item in value` goes through, as something to index: a dict's keys (a list),
    anything else as it is."""
    return list(value) if isinstance(value, dict) else value


def iteration_order_grad(grad, value):
    """The adjoint of iteration_order: a dict's keys carry none."""
    return zeros_like_value(value) if isinstance(value, dict) else grad


def iteration_order_tangent(tangent, value):
    """The tangent of iteration_order: a dict's keys carry none."""
    return zeros_like_value(list(value)) if isinstance(value, dict) else tangent


def dict_values(value):
    """`d.values()` as a list (what a loop, list() or numpy.stack reads of it)."""
    return list(value.values())


def dict_items(value):
    """`d.items()` as a list of (key, value) pairs."""
    return list(value.items())


def dict_keys(value):
    """`d.keys()` as a list of the keys (no derivative)."""
    return list(value)


def dict_values_grad(grad, value):
    """The adjoint of dict_values: the list's adjoints back under their keys."""
    return {k: g for k, g in zip(value, grad)}


def dict_items_grad(grad, value):
    """The adjoint of dict_items: each pair's value adjoint back under its key."""
    return {k: pair[1] for k, pair in zip(value, grad)}


def dict_values_tangent(tangent, value):
    """The tangent of dict_values: the dict's tangents in the dict's order."""
    return [tangent[k] if k in tangent else zeros_like_value(v) for k, v in value.items()]


def dict_items_tangent(tangent, value):
    """The tangent of dict_items: (zero for the key, the value's tangent) per pair."""
    return [(0.0, tangent[k] if k in tangent else zeros_like_value(v))
            for k, v in value.items()]


def sequence_of(kind, value):
    """`list(value)` / `tuple(value)` (kind is list or tuple): a dict gives its keys, an array
    its rows."""
    return kind(value)


def sequence_of_grad(grad, value):
    """The adjoint of sequence_of: per item for a list or tuple, none for a dict's keys, the
    rows stacked back for an array."""
    if isinstance(value, dict):
        return zeros_like_value(value)
    if isinstance(value, (list, tuple)):
        return list(grad)
    if len(grad) == 0:
        return zeros_like_value(value)
    return numpy.reshape(numpy.stack(list(grad)), numpy.shape(value))


def sequence_of_tangent(tangent, value):
    """The tangent of sequence_of: a list (zeros for a dict's keys)."""
    if isinstance(value, dict):
        return zeros_like_value(list(value))
    return list(tangent)


def dict_from_lists(keys, values):
    """A dict comprehension's result from its keys and values in order (a repeated key keeps
    its last value, as in the comprehension)."""
    return dict(zip(keys, values))


def dict_from_lists_grad(grad, keys, values):
    """The adjoint of dict_from_lists for the values: each key's adjoint goes to the last
    value stored under it; values overwritten by a repeated key get zero."""
    last = {k: i for i, k in enumerate(keys)}
    return [grad[k] if last[k] == i and k in grad else zeros_like_value(v)
            for i, (k, v) in enumerate(zip(keys, values))]


def dict_from_lists_tangent(tangent, keys, values):
    """The tangent of dict_from_lists: the values' tangents under their keys."""
    return dict(zip(keys, tangent))


def sequence_sum(iterable, start):
    """`sum(iterable, start)` where start may be a list or tuple (then it concatenates)."""
    return sum(iterable, start)


def sequence_sum_grad(grad, iterable, start, which):
    """The adjoint of the items (which 0) or of start (1) of sequence_sum: their parts of a
    concatenation's adjoint, or builtins.sum's adjoints."""
    if not isinstance(start, (list, tuple)):
        return builtin_sum_grad(grad, iterable) if which == 0 else unbroadcast(grad, start)
    n = len(start)
    if which == 1:
        return list(grad[:n])
    out = []
    for item in iterable:
        out.append(list(grad[n:n + len(item)]))
        n += len(item)
    return out


def sequence_sum_tangent(tangent, iterable, start, y, which):
    """The tangent of sequence_sum from the items' tangents (which 0) or start's (1)."""
    if not isinstance(start, (list, tuple)):
        return broadcast_like(sum(tangent) if which == 0 else tangent, y)
    if which == 1:
        return list(tangent) + zeros_like_value(list(y[len(start):]))
    out = zeros_like_value(list(start))
    for t in tangent:
        out += list(t)
    return out
