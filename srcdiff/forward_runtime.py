"""The tangent helpers: what forward-mode (jvp) code calls (run time: called by emitted code; a
leaf importing numpy and runtime_matrices). Takes tangents with the primal values they
belong to; gives back a new tangent.

srcdiff/forward.py emits `check_tangent` on the tangents a jvp is given, `output_tangent`
on the tangent it returns, `copy_tangent` and `add_tangents` where tangents are copied and
summed; the forward rules of templates/ call `broadcast_like` to give a tangent its value's
shape; and forward mode over emitted reverse code (Hessians) meets the tangents of the
adjoint helpers gathered at the end (`prod_others_tangent`, `norm_weights_tangent`, ...).
Each takes tangents with the primal values they belong to and returns a new tangent.

Like every runtime helper, each stands alone (no shared state; what it calls of the other
runtime modules is imported at the top, and the codegen command copies it along), and
arrays are only ever made from other arrays (`zeros_like`, `copy`), never from a bare
shape, so the same code runs on any array type NumPy dispatches to.
"""
import collections
import copy
import dataclasses
import types

import numpy

from .runtime_adjoint import zeros_like_value
from .runtime_checks import same_sequence
from .runtime_matrices import det_cofactor, norm_axes  # the codegen command copies them along


def broadcast_like(tangent, like):
    """Broadcast a tangent to the shape of the value it belongs to."""
    if isinstance(tangent, (list, tuple)):  # the tangent of a list argument: an array, so
        tangent = numpy.asarray(tangent)  # two terms add item by item, not as lists
    if numpy.shape(tangent) == numpy.shape(like):
        return tangent
    # ones made from `like` carry its array type: a Python or host scalar tangent (of a
    # float argument) broadcast onto a device value stays on the device
    return tangent * numpy.ones_like(like)


def _tangents_merged(a, b):
    """a, given b's items too."""
    a.update(b)
    return a


def check_tangent(tangent, value, name):
    """A jvp's input tangent must have its input's structure and shape; return it, its arrays
    copied: the output's tangent may be the input's (`return x`, `x[1:]`, `x + 0.0`), and the
    caller may write its tangent after the call (one buffer for every column of a Jacobian)."""
    if tangent is None:   # the default the def shows: a call that left it out
        raise ValueError(f"the tangent for {name} is missing (None): pass it; a call that "
                         "leaves out defaulted arguments passes the tangents by keyword")
    if isinstance(value, (list, tuple)):
        if not isinstance(tangent, (list, tuple)) or len(tangent) != len(value):
            raise ValueError(f"the tangent for {name} must be a list or tuple of "
                             f"{len(value)} tangents, one per element of {name}; got "
                             f"{type(tangent).__name__}"
                             + (f" of length {len(tangent)}"
                                if isinstance(tangent, (list, tuple)) else ""))
        out = [check_tangent(t, v, f"{name}[{i}]")
               for i, (t, v) in enumerate(zip(tangent, value))]
        return tuple(out) if isinstance(tangent, tuple) else out
    if isinstance(value, dict):
        if getattr(type(value), "srcdiff_fields", False) and isinstance(tangent, dict) and \
                set(tangent) <= set(value):   # a record's derivative: a field left out is 0
            tangent = type(value)({k: tangent[k] if k in tangent else zeros_like_value(v)
                                   for k, v in value.items()})
        if not isinstance(tangent, dict) or set(tangent) != set(value):
            raise ValueError(f"the tangent for {name} must be a dict with the keys of {name} "
                             f"({sorted(map(repr, value))})")
        out = {k: check_tangent(tangent[k], v, f"{name}[{k!r}]") for k, v in value.items()}
        if isinstance(value, collections.defaultdict):   # (a key its reads insert: a zero)
            out = _tangents_merged(zeros_like_value(value), out)
        return out
    if isinstance(tangent, dict) and dataclasses.is_dataclass(value) and not isinstance(
            value, type) and tangent and set(tangent) <= {
            f.name for f in dataclasses.fields(value)}:
        # a dataclass object's derivative as differentiated code holds it (its fields', by
        # name: a gradient's record read field by field, passed to a vjp of that gradient)
        return dataclasses.replace(value, **{
            f.name: check_tangent(tangent[f.name], getattr(value, f.name),
                                  f"{name}.{f.name}") if f.name in tangent else
            zeros_like_value(getattr(value, f.name)) for f in dataclasses.fields(value)
            if f.init})
    if isinstance(tangent, dict) and tangent and not callable(value) and not isinstance(
            value, (dict, type, types.ModuleType)) and hasattr(value, "__dict__") and set(
            tangent) <= set(vars(value)):   # an object of a record class, no dataclass
        out = copy.copy(value)
        for k, v in vars(value).items():
            setattr(out, k, check_tangent(tangent[k], v, f"{name}.{k}") if k in tangent
                    else zeros_like_value(v))
        return out
    if getattr(type(value), "__srcdiff_vspace__", None) is not None:   # a user vector space
        if not isinstance(tangent, type(value)):
            raise ValueError(f"the tangent for {name} must be a {type(value).__name__} (its "
                             f"vector space's), not a {type(tangent).__name__}")
        return tangent
    if tangent is None or isinstance(tangent, (str, bytes, list, tuple, dict)):
        raise ValueError(f"the tangent for {name} must be a number or an array shaped like "
                         f"{name}, not {type(tangent).__name__}")
    if numpy.shape(tangent) != numpy.shape(value):
        raise ValueError(f"the tangent for {name} has shape {numpy.shape(tangent)} but {name} "
                         f"has shape {numpy.shape(value)}; pass one tangent value per "
                         f"element of {name}")
    if hasattr(tangent, "shape") and hasattr(tangent, "copy") and numpy.ndim(tangent) > 0:
        return tangent.copy()
    return tangent


def drop_missing_tangent(tangent, container, index):
    """Forward mode of runtime.drop_missing(container, index), which ran just before: the key
    it deleted from the dict goes from the dict's tangent too (the tangent is owned here)."""
    if isinstance(tangent, dict) and isinstance(container, dict) and index not in container:
        tangent.pop(index, None)


def copy_tangent(tangent):
    """A private copy of a tangent, safe to update in place (item writes, append). A tuple's
    arrays are copied too: a rule's tuple of tangents (numpy.linalg.svd's) may hold read-only
    views, and an item taken from it (`s = svd_1[1]`) is written in place; so are a list's
    read-only arrays (`[*lstsq_tangent_a(...)]`, numpy.diagonal's view), which no write
    shares with another name (the others it holds are kept, shared as the values are)."""
    if isinstance(tangent, list):
        return [numpy.copy(t) if isinstance(t, numpy.ndarray) and not t.flags.writeable
                else t for t in tangent]
    if isinstance(tangent, tuple):
        return [numpy.copy(t) if isinstance(t, numpy.ndarray) else t for t in tangent]
    if isinstance(tangent, dict):
        return dict(tangent)
    if isinstance(tangent, (float, int, complex)):
        return tangent
    return numpy.copy(tangent)


def aliased_tangent(value, tangent, owner, owned):
    """The tangent of `value` after `owner`'s tangent was copied to `owned` to be changed in
    place: `owned` where `value` is the very list or dict `owner` is (two names popped from
    one tape may hold one list: its tangent stays theirs), `tangent` otherwise."""
    if value is owner and isinstance(value, (list, dict)):
        return owned
    return tangent


def add_tangents(a, b):
    """Add two tangents of the same structure (arrays, numbers, or containers)."""
    if isinstance(a, (list, tuple)):
        out = [add_tangents(x, y) for x, y in zip(a, b)]
        return tuple(out) if isinstance(a, tuple) else out
    if isinstance(a, dict) or isinstance(b, dict):
        if _adds_itself(a) or _adds_itself(b):
            return a + b   # an object's derivative (runtime_values.FieldGrads): its own +
        # a dict meets the zero made for it before it was known (a 0-d object array
        # holding 0): the other one
        if not isinstance(b, dict):
            return a if _object_zero(b) else a + b
        if not isinstance(a, dict):
            return b if _object_zero(a) else a + b
        return add_by_key(a, b, add_tangents)
    if dataclasses.is_dataclass(a) and _object_zero(b) or (
            dataclasses.is_dataclass(b) and _object_zero(a)):   # a record's and a zero
        return b if _object_zero(a) else a
    if type(a) is type(b) and dataclasses.is_dataclass(a) and not hasattr(a, "__add__"):
        # two gradients of one record (a vjp of a gradient srcdiff made, given back as an
        # object of its class), field by field; a field carrying none (a string) as it was
        return dataclasses.replace(a, **{
            f.name: add_tangents(getattr(a, f.name), getattr(b, f.name)) if _carries(
                getattr(a, f.name)) else getattr(a, f.name)
            for f in dataclasses.fields(a) if f.init})
    return a + b


def _carries(value):
    """Whether a record's field holds a derivative to add (numbers, arrays, containers,
    records), not a value carrying none (a string, None)."""
    return not isinstance(value, (str, bytes, type(None), bool))


def add_by_key(a, b, add):
    """Two dicts of derivatives added key by key (`add` where both have a key; a's keys
    first, then b's others): tangents here, a record field's derivatives in
    runtime_values."""
    out = dict(a)
    for k, v in b.items():
        out[k] = add(out[k], v) if k in out else v
    return out


def _adds_itself(v):
    return isinstance(v, dict) and hasattr(type(v), "__add__")


def _object_zero(v):
    """A zero that zeros_like_value made for a value it knows no derivative type of."""
    if isinstance(v, numpy.ndarray) and v.dtype == object and v.ndim == 0:
        v = v[()]
    return isinstance(v, (int, float)) and v == 0


def output_tangent(tangent, value):
    """Give the output tangent the type and shape of the output (None means zero)."""
    if isinstance(value, (list, tuple)):
        if tangent is None:
            tangent = [None] * len(value)
        return same_sequence(value, [output_tangent(t, v) for t, v in zip(tangent, value)])
    if isinstance(value, dict):
        if tangent is None:
            tangent = {}
        return {k: output_tangent(tangent.get(k), v) for k, v in value.items()}
    if value is None:
        return None
    if _is_object(value):
        return _object_tangent(tangent, value)
    if isinstance(value, numpy.generic):
        dtype = value.dtype if value.dtype.kind in "fc" else numpy.dtype(float)
        if tangent is None:
            return dtype.type(0)
        if numpy.ndim(tangent) == 0:
            return dtype.type(tangent)
        return numpy.reshape(tangent, ())[()]
    if isinstance(value, (bool, int, float, complex)):
        if tangent is None:
            return 0.0
        if isinstance(value, complex) or numpy.iscomplexobj(tangent):
            return complex(numpy.reshape(tangent, ())[()])
        return float(numpy.reshape(tangent, ())[()])
    shape = numpy.shape(value)
    dtype = getattr(value, "dtype", None)
    float_dtype = dtype if dtype is not None and dtype.kind in "fc" else numpy.dtype(float)
    if tangent is None:
        return numpy.zeros_like(value, dtype=float_dtype)
    if numpy.shape(tangent) == shape and type(tangent) is type(value):
        return tangent
    out = numpy.zeros_like(value, dtype=numpy.result_type(float_dtype, tangent))
    out[...] = tangent
    return out


def _is_object(value):
    """A record object as an output (a gradient given back as a dataclass or an object of
    its class: runtime_values.finalize_record), not an array or a number."""
    if isinstance(value, type) or hasattr(value, "shape"):
        return False
    if dataclasses.is_dataclass(value):
        return True
    return hasattr(value, "__dict__") and type(value).__module__.split(".")[0] not in (
        "numpy", "builtins", "functools", "srcdiff")


def _object_tangent(tangent, value):
    """The tangent of a record output: an object of its class whose fields that carry
    derivatives hold their tangents (zero where none), other fields as they were."""
    names = [f.name for f in dataclasses.fields(value)] if dataclasses.is_dataclass(value) \
        else list(vars(value))
    changes = {}
    for name in names:
        v = getattr(value, name)
        if not _carries(v):
            continue
        t = tangent.get(name) if isinstance(tangent, dict) else getattr(tangent, name, None)
        changes[name] = output_tangent(t, v)
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **changes)
    out = copy.copy(value)
    for name, t in changes.items():
        setattr(out, name, t)
    return out


def _carries(value):
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if kind in ("f", "c") or type(value) in (float, complex) or _is_object(value):
        return True
    if isinstance(value, (list, tuple, dict)):   # named tuples, OrderedDicts too
        return any(_carries(v) for v in (value.values() if isinstance(value, dict) else value))
    return False


# -- tangents of the adjoint helpers (runtime_numpy, runtime_matrices; forward over reverse) --

def _fw_safe_divide(num, den):
    """num / den, with 0 where den == 0."""
    zero = den == 0
    return numpy.where(zero, num * 0, num / numpy.where(zero, 1, den))


def _fw_exclusive_products(flat, tflat):
    """Exclusive running products of `flat` along its last axis (from the left) and their
    tangents along `tflat`, without dividing by any element."""
    n = numpy.shape(flat)[-1]
    one = numpy.ones_like(flat[..., :1])
    zero = numpy.zeros_like(tflat[..., :1] * flat[..., :1])
    prods, tangents = [one], [zero]
    for k in range(n - 1):
        prods.append(prods[-1] * flat[..., k:k + 1])
        tangents.append(tangents[-1] * flat[..., k:k + 1] + prods[-2] * tflat[..., k:k + 1])
    return numpy.concatenate(prods, axis=-1), numpy.concatenate(tangents, axis=-1)


def prod_others_tangent(tangent, a, axis):
    """The tangent of runtime.prod_others(a, axis) along `tangent` (the tangent of a)."""
    ndim = numpy.ndim(a)
    if axis is None:
        axes = tuple(range(ndim))
    else:
        axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
        axes = tuple(sorted(int(x) % ndim for x in axes)) if ndim else ()
    if not axes:
        return tangent * 0
    k = len(axes)
    dest = tuple(range(ndim - k, ndim))
    moved = numpy.moveaxis(a, axes, dest)
    tmoved = numpy.moveaxis(tangent, axes, dest)
    kept = numpy.shape(moved)[:ndim - k]
    if 0 in numpy.shape(moved):  # nothing to multiply, or no product to take
        return tangent * 0
    flat = numpy.reshape(moved, kept + (-1,))
    tflat = numpy.reshape(tmoved, kept + (-1,))
    left, dleft = _fw_exclusive_products(flat, tflat)
    right, dright = _fw_exclusive_products(numpy.flip(flat, axis=-1), numpy.flip(tflat, axis=-1))
    right, dright = numpy.flip(right, axis=-1), numpy.flip(dright, axis=-1)
    out = numpy.reshape(dleft * right + left * dright, numpy.shape(moved))
    return numpy.moveaxis(out, dest, axes)


def det_cofactor_tangent(tangent, a):
    """The tangent of runtime.det_cofactor(a) along `tangent`, singular `a` included.

    The cofactors of a + t*tangent are polynomials in t of degree n - 1 at most, so their
    coefficient of t is exact from N >= max(2, n - 1) samples at t = h w^k (w = exp(2 pi i / N))
    (a discrete Fourier transform, no truncation error: only rounding, kept small by h =
    |a| / |tangent|). N = 2 (n <= 3) samples at t = +-h, on the real line."""
    n = numpy.shape(a)[-1]
    zero = a * 0.0 + tangent * 0.0
    if n < 2:  # the cofactor of a 1 x 1 matrix is 1; a 0 x 0 one has none
        return zero
    size_a = numpy.sqrt(numpy.sum(numpy.abs(a) ** 2, axis=(-2, -1), keepdims=True))
    size_t = numpy.sqrt(numpy.sum(numpy.abs(tangent) ** 2, axis=(-2, -1), keepdims=True))
    moving = size_t > 0
    h = numpy.where(size_a > 0, size_a, 1.0) / numpy.where(moving, size_t, 1.0)
    count = max(2, n - 1)
    out = zero
    for k in range(count):
        w = -1.0 if count == 2 and k == 1 else numpy.exp(2j * numpy.pi * k / count)
        out = out + det_cofactor(a + (h * w) * tangent) / w
    out = out / (count * h)
    if not numpy.iscomplexobj(zero):
        out = numpy.real(out)
    return numpy.where(moving, out, zero)


def det_grad_tangent_a(tangent, grad, a):
    """The tangent of runtime.det_grad(grad, a) along the tangent of `a` (grad fixed)."""
    scale = numpy.expand_dims(numpy.expand_dims(grad, -1), -1)
    return scale * det_cofactor_tangent(tangent, a)


def _fw_svd_weights_tangent(tangent, x, r, c, ord):
    """The tangent of U V^T (ord 'nuc') or u_k v_k^T (ord 2 / -2) of the SVD of x."""
    a = numpy.moveaxis(x, (r, c), (-2, -1))
    da = numpy.moveaxis(tangent, (r, c), (-2, -1))
    u, s, vh = numpy.linalg.svd(a, full_matrices=False)
    v = numpy.swapaxes(vh, -1, -2)
    ut_da = numpy.matmul(numpy.swapaxes(u, -1, -2), da)
    da_v = numpy.matmul(da, v)
    p = numpy.matmul(ut_da, v)
    pt = numpy.swapaxes(p, -1, -2)
    inv_s = _fw_safe_divide(numpy.ones_like(s), s)
    si, sj = s[..., :, None], s[..., None, :]
    if ord == "nuc":
        skew = _fw_safe_divide(p - pt, si + sj)
        out = numpy.matmul(u, numpy.matmul(skew, vh))
        out = out + numpy.matmul((da_v - numpy.matmul(u, p)) * inv_s[..., None, :], vh)
        out = out + numpy.matmul(u, inv_s[..., :, None] * (ut_da - numpy.matmul(p, vh)))
    else:
        k = 0 if ord == 2 else -1
        f = _fw_safe_divide(numpy.ones_like(si * sj), sj * sj - si * si)
        row_inv_s = inv_s[..., None, :]
        du = numpy.matmul(u, f * (p * sj + si * pt)) + (da_v - numpy.matmul(u, p)) * row_inv_s
        dat_u = numpy.matmul(numpy.swapaxes(da, -1, -2), u)
        dv = numpy.matmul(v, f * (si * p + pt * sj)) + (dat_u - numpy.matmul(v, pt)) * row_inv_s
        uk, vk = u[..., :, k], v[..., :, k]
        duk, dvk = du[..., :, k], dv[..., :, k]
        out = duk[..., :, None] * vk[..., None, :] + uk[..., :, None] * dvk[..., None, :]
    return numpy.moveaxis(out, (-2, -1), (r, c))


def norm_weights_tangent(tx, ty, x, y, ord, axis, keepdims, kind="norm"):
    """The tangent of runtime.norm_weights(x, y, ...) along `tx` (the tangent of x) or
    `ty` (the tangent of the norm y): exactly one of them is given, the other is None.

    Piecewise-constant weights (ord 0, 1, inf and the matrix 1/inf norms) have a zero
    tangent; so do the weights at a zero norm.
    """
    if isinstance(x, (list, tuple)):  # numpy.linalg.norm([a, b]): the array it makes
        x = numpy.asarray(x)
    if isinstance(tx, (list, tuple)):
        tx = numpy.asarray(tx)
    axes, matrix, ord = norm_axes(x, ord, axis, kind)
    zero = x * 0 if tx is None else tx * 0
    ye, tye = y, ty
    if not keepdims:
        shape = list(numpy.shape(y))
        for ax in axes:
            shape.insert(ax, 1)
        ye = numpy.reshape(y, tuple(shape))
        tye = None if ty is None else numpy.reshape(ty, tuple(shape))
    if ord == "fro" or (ord == 2 and not matrix):
        if numpy.iscomplexobj(x):  # the weights are conj(x) / y
            x = numpy.conjugate(x)
            tx = None if tx is None else numpy.conjugate(tx)
        if tx is not None:
            return _fw_safe_divide(tx, ye)
        return -_fw_safe_divide(x * tye, ye * ye)
    if not matrix:
        if ord in (numpy.inf, -numpy.inf, 0, 1):
            return zero
        q = float(ord) - 1.0
        absx = numpy.abs(x)
        nonzero = (absx != 0) & (ye != 0)  # zero weights there (runtime.norm_weights)
        safe_x, safe_y = numpy.where(nonzero, absx, 1), numpy.where(ye != 0, ye, 1)
        if tx is not None:
            slope = numpy.where(nonzero, q * safe_x ** (q - 1) / safe_y ** q, 0)
            return slope * tx
        w = numpy.sign(x) * numpy.where(nonzero, (safe_x / safe_y) ** q, 0)
        return -q * numpy.where(nonzero, w * tye / safe_y, 0)
    if ord in (1, -1, numpy.inf, -numpy.inf):
        return zero
    if ord in ("nuc", 2, -2):
        if tx is None:
            return zero
        out = _fw_svd_weights_tangent(tx, x, axes[0], axes[1], ord)
        return numpy.where(ye == 0, out * 0, out)  # the weights are zero at a zero norm
    raise NotImplementedError(f"srcdiff has no second derivative for the norm ord={ord!r}")


def log_base_tangent(tangent, base):
    """The tangent of runtime.log_base(base): tangent / base where base > 0, else zero."""
    if isinstance(base, (int, float)):
        return tangent / base if base > 0 else tangent * 0
    if isinstance(base, complex) or numpy.iscomplexobj(base):
        positive = base != 0   # the principal log of a complex base (runtime.log_base)
        return numpy.where(positive, tangent / numpy.where(positive, base, 1), tangent * 0)
    positive = base > 0
    return numpy.where(positive, tangent / numpy.where(positive, base, 1), tangent * 0)
