"""Runtime helpers of the adjoint engine: what emitted reverse-mode code calls around the rules
themselves (run time: called by emitted code; a leaf importing numpy and srcdiff's runtime
leaves). Takes plain values (arrays of any type NumPy dispatches to, numbers, lists, tuples,
dicts); gives back new ones.

srcdiff/reverse.py and srcdiff/transform.py emit calls of these to seed a gradient
(`ones_like_value`), start adjoints at zero (`zeros_like_value`), accumulate them
(`add_adjoints`, `scatter_add`, `add_item`, `add_at`, `take_and_zero`, `zero_restored_slot`),
keep a zero cotangent zero through a NaN slope (`zero_cotangent_product`,
`zero_cotangent_tangent`), sum a broadcast operand's adjoint back to its shape (`unbroadcast`),
save values on the tape (`snapshot`, `shape_of`, `saved_item`, `own_copy`), replay list pops
and appends (`pop_adjoint`, `unpop_adjoint`), and
give each gradient the type, shape and dtype of its input (`finalize`). The rules of
templates/ call `unbroadcast` too.

Each helper takes plain values (arrays of any type NumPy dispatches to, numbers, lists,
tuples, dicts) and returns new ones; an adjoint buffer is updated in place only when the
caller says it is owned. Each stands alone (no shared state) so the codegen command can
copy its source into a standalone module; arrays are only ever made from other arrays.
"""
import collections

import numpy

from .runtime_checks import refuse, same_sequence
from .runtime_numpy import _count


def unbroadcast(grad, like):
    """Sum `grad` over the axes NumPy broadcast, giving it the shape of `like`; the real part
    where `like` is real and `grad` complex (a real value's cotangent is real)."""
    if getattr(getattr(grad, "dtype", None), "kind", None) == "c" or type(grad) is complex:
        if not (isinstance(like, complex) or numpy.iscomplexobj(like)):
            grad = numpy.real(grad)
    # fast path first: most operands were not broadcast (attribute reads, no numpy.shape)
    shape = getattr(like, "shape", None)
    if shape is None:
        if isinstance(grad, (list, dict)):
            return grad   # a list's adjoint (a list written into an item of a list of lists)
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


def no_derivative(value):
    """A value restored from the tape that carries no derivative (a range, a trip count)."""
    return value


def zeros_like_value(value):
    """A zero derivative with the structure of `value` (array, number, list, tuple, dict)."""
    if isinstance(value, (list, tuple)):
        return [zeros_like_value(v) for v in value]
    if isinstance(value, collections.defaultdict):   # a key its reads insert: a zero there
        factory = value.default_factory
        return collections.defaultdict(lambda: zeros_like_value(factory()) if factory else 0.0,
                                       zeros_like_value(dict(value)))
    if isinstance(value, dict):
        return {k: zeros_like_value(v) for k, v in value.items()}
    if isinstance(value, (float, int, complex)) or value is None or type(value).__name__ in (
            "ShapeOf", "range", "str", "bool"):
        return 0.0
    zeros = getattr(type(value), "__srcdiff_vspace_zeros__", None)   # a user vector space's
    if zeros is not None:                                          # (extend.VSpace.register)
        return zeros(value)
    if hasattr(type(value), "__len__") and hasattr(value, "__dict__") and \
            not hasattr(value, "shape"):
        # a record NumPy would read as a sequence (its __len__ and __getitem__): the zero
        # any other record gets (runtime_values.record_grad takes it out)
        return numpy.array(0, dtype=object)
    return numpy.zeros_like(value)


def ones_like_value(value):
    """The seed of a gradient: ones with the shape of the output (a number or an array;
    a dict, list or tuple output has no gradient: which of its values is differentiated?)."""
    if isinstance(value, (float, int)):
        return 1.0
    if isinstance(value, (dict, list, tuple)) or not (   # (srcdiff's API: an ArgumentError)
            isinstance(value, (int, float, complex, numpy.generic)) or hasattr(value, "shape")):
        raise TypeError(f"cannot differentiate a function returning a {type(value).__name__}: "
                        "a gradient needs a number or an array (differentiate one value, or "
                        "return (value, rest) with has_aux=True; jvp takes containers)")
    return numpy.ones_like(value)


def add_adjoints(a, b):
    """Add two derivatives of the same structure (arrays, numbers, or containers)."""
    if isinstance(a, list):
        return [add_adjoints(x, y) for x, y in zip(a, b)]
    if isinstance(b, dict) and _zero_record(a):
        a, b = b, {}   # a record's zero (zeros_like_value of a list of records) and its adjoint
    elif isinstance(a, dict) and _zero_record(b):
        b = {}
    if isinstance(a, dict):
        # a key written into a dict built in the function may be in one adjoint only; a
        # record's adjoint (runtime_values.FieldGrads, a dict) stays one: it adds to zeros
        out = dict(a) if type(a) is dict else collections.defaultdict(
            a.default_factory, a) if isinstance(a, collections.defaultdict) else type(a)(a)
        for k, v in b.items():
            out[k] = add_adjoints(out[k], v) if k in out else v
        return out
    zeros = getattr(type(a), "__srcdiff_vspace_zeros__", None)   # a user vector space's:
    if zeros is not None:                                      # added by the space's _add
        return zeros(a) + a + b
    return a + b


def _zero_record(value):
    """Whether `value` is the zero zeros_like_value gives a record object (NumPy's zeros_like
    of an object: a 0-d object array holding 0)."""
    return isinstance(value, numpy.ndarray) and value.dtype == object and value.ndim == 0 \
        and isinstance(value.item(), int) and value.item() == 0


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


def add_item(buffer, index, grad):
    """`buffer[index] += grad` for one integer index into a 1-D adjoint the caller owns
    (the adjoint of an item read `v = x[t]`, where the shapes say so), giving back the
    buffer: scatter_add's own path without its tests; a complex grad adds its real part
    into a real buffer."""
    if not isinstance(grad, (float, numpy.floating)) and numpy.iscomplexobj(grad) and \
            not numpy.iscomplexobj(buffer):
        grad = numpy.real(grad)  # the cotangent of a real value is real
    buffer[index] += grad
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
    if isinstance(buffer, (numpy.generic, float, int, complex)):
        buffer = numpy.array(buffer)   # the adjoint of a 0-d array came back as a number
        owned = True
    taken = copy_array(buffer[index])
    if not owned:
        buffer = copy_array(buffer)
    buffer[index] = 0
    return taken, buffer


def zero_cotangent_product(cotangent, product):
    """`product`, an adjoint term `cotangent * slope`, with 0 where the cotangent is 0 and the
    product NaN: the zero a selection gave an item it did not pass on (where's unchosen
    branch), which a slope infinite or NaN there (sqrt or log of a negative number) made NaN
    (srcdiff/zero_cotangents.py). A NaN where the cotangent is not 0 stays."""
    kind = type(product)
    if kind is float or kind is numpy.float64:   # a number (loops over items): no isinstance
        return product if product == product or cotangent != 0 else kind(0)
    if kind is complex or isinstance(product, numpy.number):
        return product if product == product or cotangent != 0 else kind(0)
    if not hasattr(product, "dtype") or product.dtype.kind not in "fc":
        return product
    nan = numpy.isnan(product)
    if type(product) is numpy.ndarray and not nan.any():
        return product   # the common case: one test, no copy
    return numpy.where(nan & (cotangent == 0), 0, product)


def zero_cotangent_tangent(cotangent, product, tangent):
    """The tangent of zero_cotangent_product(cotangent, product) given `tangent`, the
    product's: 0 where the product was zeroed (the mask, piecewise constant, has no
    derivative). Linear in the tangent; also its own transpose."""
    if tangent is None:
        return None
    if type(product) is float or isinstance(product, (complex, numpy.number)):
        if product != product and cotangent == 0:   # (tangent * 0 would be NaN too)
            return numpy.zeros_like(tangent) if hasattr(tangent, "shape") and \
                not isinstance(tangent, numpy.generic) else type(tangent)(0)
        return tangent
    if not hasattr(product, "dtype") or product.dtype.kind not in "fc":
        return tangent
    nan = numpy.isnan(product)
    if type(product) is numpy.ndarray and not nan.any():
        return tangent
    return numpy.where(nan & (cotangent == 0), 0, tangent)


def zero_restored_slot(buffer, container, index):
    """After `c[index] = v`'s old item is restored in reverse, where c is a list or a dict:
    the adjoint's slot, zeroed by take_and_zero with v's shape, becomes a zero of the
    restored item's (the two may differ: `L[0] = x[1:]` over `L = [x]`); a key the restore
    took out again leaves the adjoint too. An array's adjoint is given back as it is."""
    if isinstance(buffer, list):
        out = list(buffer)
        out[index] = zeros_like_value(container[index])
        return out
    if isinstance(buffer, dict):
        out = type(buffer)(buffer)
        if index in container:
            out[index] = zeros_like_value(container[index])
        else:
            out.pop(index, None)
        return out
    return buffer


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
        return same_sequence(value, [snapshot(v) for v in value])
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
    if value.__class__ is numpy.ndarray:
        item = value[index]
        # a number of a NumPy array is immutable: kept as it is (the common case, fast)
        return item if isinstance(item, numpy.number) else copy_array(item)
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
    if type(grad) is float and type(like) is numpy.ndarray and like.dtype.char == "d" \
            and like.ndim == 0:
        return numpy.array(grad)  # a Python float for a 0-d float64 array (0-d code's case)
    if type(grad) is type(like) and getattr(grad, "shape", None) == getattr(like, "shape", 0) \
            and grad.dtype == like.dtype and _writeable(grad) and grad is not like:
        return grad  # already an array of the input's kind: the common case
    if type(like) is numpy.ndarray and like.ndim == 0 and (
            type(grad) is float or isinstance(grad, numpy.floating)):
        return numpy.asarray(grad, dtype=like.dtype)  # a real number for a 0-d array
    if isinstance(like, (list, tuple)):
        grad = zeros_like_value(like) if grad is None else grad
        return same_sequence(like, [finalize(g, v, f"{name}[{i}]")
                                    for i, (g, v) in enumerate(zip(grad, like))])
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
