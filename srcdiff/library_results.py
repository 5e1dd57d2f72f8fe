"""What a call of a library function, or of an array's method, gives back (stage 3, lower:
called by alias_flow_fresh.py, alias_flow.py, alias_roots.py and aliasing.py). Takes a
function (or the lowered call); gives back whether its result is surely a new value
(`fresh_call`, `numpy_array_call`, `copies`), may be its receiver's own array
(`may_return_receiver`), reaches nothing through its name (`plain_library_function`), or
keeps nothing of what it is given (`keeps_nothing`); and the tables of NumPy's functions
and ndarray methods by what their results are (new arrays, views).
"""
import types

import numpy

from . import runtime_linalg, runtime_values
from . import syntax as S

# calls whose result is always a new array (never one of their arguments or part of one)
_FRESH_NAMES = (
    "sum", "prod", "mean", "var", "std", "max", "min", "amax", "amin", "dot", "matmul",
    "inner", "outer", "vdot", "tensordot", "einsum", "stack", "vstack", "hstack",
    "concatenate", "column_stack", "copy", "array", "zeros_like", "ones_like", "full_like",
    "empty_like", "cumsum", "cumprod", "trace", "where", "clip", "sort", "roll", "tile",
    "repeat", "kron", "cross", "diff", "linspace", "arange", "zeros", "ones", "eye",
    "logsumexp", "norm", "abs", "around", "round", "append", "insert", "delete")
FRESH = {getattr(numpy, n) for n in _FRESH_NAMES if hasattr(numpy, n)}


# builtins whose result is a new value (a number, a range, a string), never an argument
FRESH_BUILTINS = {len, range, int, float, bool, complex, isinstance, hasattr, id, hash, round,
                  callable, str, repr, format, divmod, pow}

VIEW_FUNCS = {getattr(numpy, n) for n in (
    "reshape", "transpose", "ravel", "squeeze", "swapaxes", "moveaxis", "expand_dims",
    "diagonal", "diag", "real", "imag", "broadcast_to", "asarray", "asanyarray", "atleast_1d",
    "atleast_2d", "atleast_3d", "matrix_transpose", "permute_dims", "flip", "fliplr",
    "flipud", "rot90", "rollaxis", "real_if_close",   # (real_if_close(a) of a real a: a)
    # a list of views of the array: numpy.split(y, 2)[0] is y's memory
    "split", "array_split", "hsplit", "vsplit", "dsplit",
    # the array itself where it already is what they ask (contiguous, finite, ...)
    "ascontiguousarray", "asfortranarray", "asarray_chkfinite", "require", "asmatrix",
    "frombuffer", "from_dlpack",
    # views: of the array's middle, its rows (a list), the arrays broadcast (a list)
    "trim_zeros", "unstack", "broadcast_arrays")
    if hasattr(numpy, n)} | {
    getattr(numpy.linalg, n) for n in ("diagonal", "matrix_transpose")
    if hasattr(numpy.linalg, n)} | {
    getattr(numpy.lib.stride_tricks, n) for n in ("as_strided", "sliding_window_view")} | {
    runtime_linalg.result_field}  # svd(a).U
VIEW_FUNCS.add(runtime_values.record_field)  # p.w of a dataclass: the field's array itself

# ndarray methods that return a new value (for `copy`, `astype`, `flatten`: a copy)
# (not conj/conjugate: of a real array they give back the array itself)
FRESH_METHODS = {"copy", "astype", "flatten", "sum", "mean", "prod", "max", "min", "std",
                 "var", "dot", "cumsum", "cumprod", "round", "clip",
                 "trace", "tolist", "item", "any", "all", "argmax", "argmin", "nonzero",
                 "argsort", "__neg__", "__abs__"}
# ndarray methods whose result shares the receiver's memory
# (conj and conjugate give back the array itself where it is real: see may_return_receiver)
VIEW_METHODS = {"reshape", "ravel", "view", "transpose", "squeeze", "swapaxes", "diagonal",
                "conj", "conjugate"}
VIEW_ATTRIBUTES = {"T", "mT", "real", "imag"}
# dict methods reading what the receiver holds (storing nothing)
READ_METHODS = {"items", "keys", "values", "get"}
# list methods that store what they are given into the receiver (allowed on fresh locals)
STORE_METHODS = {"append", "extend", "insert"}
# plain values a global may hold without the result holding anything of the caller's
_PLAIN = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type, int,
          float, complex, bool, str, bytes, type(None), numpy.ufunc, numpy.generic)


def may_return_receiver(call):
    """Whether a lowered call of an array's method may give back its receiver's own array:
    `x.conj()` and `x.conjugate()` of a real array (lowered as numpy.conjugate, with the
    method form kept), `x.astype(t, copy=False)` where x already has type t."""
    if not isinstance(call, S.Call):
        return False
    func = call.func
    name = func.attr if isinstance(func, S.Attribute) else getattr(func, "id", None)
    if (getattr(call, S.METHOD_FORM, None) or name) in ("conj", "conjugate"):
        return True
    return name in ("astype", "method_astype") and any(
        k.arg == "copy" and not (isinstance(k.value, S.Constant) and k.value.value is True)
        for k in call.keywords)


def viewed_argument(func, call):
    """The argument of the lowered `call` of the library function `func` whose array (or a
    view of it) the result may be, else None: the first of a view function
    (`numpy.reshape(a, ...)`, `numpy.split(a, 2)`'s pieces), a method giving back its
    receiver, the only operand of `numpy.einsum('ij->ji', a)` (a view: NumPy gives one
    where it can), `numpy.diff(a, n)` where n may be 0 (a itself), `numpy.array(a, copy=c)`
    and `numpy.nan_to_num(a, copy=c)` where c may be None or False (a itself),
    `numpy.polyint(p, m)` where m may be 0 (p itself)."""
    if not isinstance(call, S.Call) or not call.args:
        return None
    if func in VIEW_FUNCS or may_return_receiver(call):
        return call.args[0]
    if func in (numpy.array, numpy.nan_to_num):   # copy=None (or False): a itself
        copy = [k.value for k in call.keywords if k.arg == "copy"] + (
            call.args[1:2] if func is numpy.nan_to_num else [])   # (nan_to_num(a, False))
        if any(not (isinstance(c, S.Constant) and c.value is True) for c in copy):
            return call.args[0]
    if func is numpy.polyint:   # polyint(p, m) where m may be 0: p itself
        m = call.args[1] if len(call.args) > 1 else next(
            (k.value for k in call.keywords if k.arg == "m"), None)
        if m is not None and not (isinstance(m, S.Constant) and m.value != 0):
            return call.args[0]
    if func is numpy.einsum:   # one operand: a view where NumPy can make one
        if isinstance(call.args[0], S.Constant) and isinstance(call.args[0].value, str):
            return call.args[1] if len(call.args) == 2 else None
        return call.args[0] if len(call.args) <= 3 else None   # einsum(a, [0, 1], [1, 0])
    if func is numpy.diff:
        n = call.args[1] if len(call.args) > 1 else next(
            (k.value for k in call.keywords if k.arg == "n"), None)
        if n is not None and not (isinstance(n, S.Constant) and n.value != 0):
            return call.args[0]   # diff(a, 0) is a
    return None


def fresh_call(func, call=None):
    """Whether a call of the library function `func` (the lowered `call`) surely gives a new
    value: a ufunc, a copying NumPy function, a builtin giving a number, srcdiff's copies."""
    if call is not None and (any(k.arg in ("copy", "out") for k in call.keywords) or
                             viewed_argument(func, call) is not None):
        return False   # numpy.array(y, copy=False) may be y; out= writes into an argument
    if isinstance(func, numpy.ufunc) or func in FRESH or func in FRESH_BUILTINS:
        return True
    return copies(func)


def plain_library_function(func):
    """Whether `func` is a function of NumPy's or `math`'s (a ufunc, a builtin or Python
    function of theirs), one of the tame builtins (`sum`, `max`, `len`, `zip`, ...) or
    srcdiff's sequence helpers (`sequence_mul`), which keep no array of the user's: its
    name, read to call it, reaches nothing. Bound methods (`L.append`), the user's own
    functions (which may return a global) and builtins reaching other objects (`globals`,
    `vars`) are not."""
    owner = getattr(func, "__self__", None)
    if owner is not None and not isinstance(owner, types.ModuleType):
        return False   # (a bound method: its object may hold the user's arrays)
    if isinstance(func, numpy.ufunc):
        return True
    try:
        if func in _TAME_BUILTINS or func in FRESH_BUILTINS:
            return True
    except TypeError:   # (unhashable)
        return False
    module = getattr(func, "__module__", None) or ""
    return callable(func) and not isinstance(func, type) and (
        module.split(".")[0] in ("numpy", "math") or module == "srcdiff.runtime_containers")


def numpy_array_call(func):
    """Whether `func` is a ufunc or a copying NumPy function: its result is a new array (or
    a NumPy number), never a list."""
    return isinstance(func, numpy.ufunc) or func in FRESH


def copies(func):
    """srcdiff's runtime helpers making a copy (a list's is shallow: the same items)."""
    return getattr(func, "__name__", None) in ("own_copy", "method_copy", "method_flatten") and \
        getattr(func, "__module__", "").startswith("srcdiff.")


# builtins whose result is new or what their arguments reach
_TAME_BUILTINS = {len, range, int, float, complex, bool, abs, min, max, sum, zip, enumerate,
                  list, tuple, sorted, reversed, isinstance, round, print, divmod, pow}


def keeps_nothing(func):
    """NumPy's functions and srcdiff's runtime helpers keep no reference to what they get."""
    module = getattr(func, "__module__", None) or ""
    if module == "builtins" and isinstance(func, types.BuiltinFunctionType):
        return func.__name__ not in ("setattr", "exec", "eval", "vars", "globals", "locals")
    return isinstance(func, numpy.ufunc) or module.split(".")[0] in ("numpy", "math") or \
        module.startswith("srcdiff.")
