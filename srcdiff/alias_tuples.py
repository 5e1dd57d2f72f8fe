"""Library calls giving back a tuple of new arrays, and names surely holding an array of
numbers (stage 3, lower: called by alias_flow.py, alias_flow_trip.py and
alias_flow_blocks.py). Takes a lowered call (or a name and its bindings); gives back the
number of new arrays the call's tuple holds (`tuple_arity`), or whether an item write into
the name copies values, keeping no reference (`numeric_array`).

`U, s, Vt = numpy.linalg.svd(A)` gives three arrays NumPy has just made: none is `A` or a
view of it, none shares memory with another, so `s[1:] = 0` changes `s` only. The same
holds for `eigh`, `eig`, `qr`, `slogdet`, `lstsq` and the ufuncs of two outputs
(`numpy.divmod`, `numpy.frexp`, `numpy.modf`) without `out=`, `numpy.meshgrid` (it copies
unless told `copy=False`) and `numpy.histogram` where the bins are a count (given an array
of edges, NumPy hands that very array back as the edges). Keywords that change what comes
back (`compute_uv=False`, `mode="r"`, `out=`) or ones not known here give None: the
result is then taken as one that may hold what the call was given.
"""
import numpy

from .core import Kind
from . import syntax as S

# function -> (the number of arrays it gives back, the keywords that keep that so)
_LINALG = {
    "svd": (3, {"full_matrices", "hermitian"}),
    "eigh": (2, {"UPLO"}),
    "eig": (2, set()),
    "slogdet": (2, set()),
    "lstsq": (4, {"rcond"}),
    "qr": (2, set()),   # (mode: checked below)
}
_TABLE = {getattr(numpy.linalg, n): v for n, v in _LINALG.items() if hasattr(numpy.linalg, n)}
_QR_MODES = ("reduced", "complete", "raw")


def tuple_arity(func, call):
    """The number of new arrays (each of its own, none a view of an argument or of another)
    the tuple the lowered `call` of `func` gives back holds; None when it is not such a
    call, or its keywords may change that."""
    if not isinstance(call, S.Call) or any(isinstance(a, S.Starred) for a in call.args) or \
            any(k.arg is None for k in call.keywords):
        return None
    keys = {k.arg: k.value for k in call.keywords}
    try:
        known = func in _TABLE
    except TypeError:   # (unhashable)
        return None
    if known:
        size, allowed = _TABLE[func]
        if func is numpy.linalg.qr:
            mode = call.args[1] if len(call.args) > 1 else keys.pop("mode", None)
            if mode is not None and not (isinstance(mode, S.Constant) and mode.value in _QR_MODES):
                return None
            if len(call.args) > 2:
                return None
        elif len(call.args) > (2 if func is numpy.linalg.lstsq else 1):
            return None   # (svd(a, False, False): compute_uv=False, one array)
        return size if set(keys) <= allowed else None
    if isinstance(func, numpy.ufunc) and func.nout > 1:
        return func.nout if "out" not in keys and len(call.args) <= func.nin else None
    if func is numpy.meshgrid:
        return len(call.args) if set(keys) <= {"indexing", "sparse"} and call.args else None
    if func is numpy.histogram:
        bins = call.args[1] if len(call.args) > 1 else keys.get("bins")
        counted = bins is None or isinstance(bins, S.Constant) and type(bins.value) is int
        return 2 if counted and len(call.args) <= 2 and set(keys) <= {
            "bins", "range", "density", "weights"} else None
    return None


def numeric_array(name, defs, depth=0):
    """Whether `name` surely holds an array of numbers, into which `name[i] = v` copies v's
    values and keeps no reference to v: each binding a ufunc, or a copying NumPy call given
    one argument and no keywords (`numpy.zeros_like(w)`: no dtype=object), arithmetic with
    such an array, an item of a tuple of new arrays (`s = svd_1[1]`: tuple_arity), or a
    name holding such an array (`s = svd_1_1_1`)."""
    from .alias_flow_fresh import numpy_array_call
    ds = defs.get(name, [])

    def item_of_tuple(t):
        v = t.value
        if not (isinstance(v, S.Subscript) and isinstance(v.value, S.Name) and isinstance(
                v.slice, S.Constant) and type(v.slice.value) is int):
            return False
        made = defs.get(v.value.id, [])
        return bool(made) and all(
            u.sd.kind == Kind.CALL and (tuple_arity(u.sd.func, u.value) or 0) > v.slice.value
            >= 0 for u in made)
    return bool(ds) and depth < 4 and all(
        (t.sd.kind == Kind.CALL and isinstance(t.value, S.Call) and (
            getattr(t.sd.func, "nout", 1) == 1) and (   # (modf's result: a tuple)
            isinstance(t.sd.func, numpy.ufunc) or
            numpy_array_call(t.sd.func) and len(t.value.args) <= 1 and not t.value.keywords)) or (
            t.sd.kind == Kind.BINOP and isinstance(t.value, S.BinOp) and any(
                isinstance(o, S.Name) and numeric_array(o.id, defs, depth + 1)
                for o in (t.value.left, t.value.right))) or (
            t.sd.kind == Kind.SUBSCRIPT and item_of_tuple(t)) or (
            t.sd.kind == Kind.COPY and isinstance(t.value, S.Name) and
            numeric_array(t.value.id, defs, depth + 1)) for t in ds)
