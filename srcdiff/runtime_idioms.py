"""Helpers the emitted code of everyday Python shapes calls; their rules are in
templates/idioms.py (run time: called by emitted code; idioms.py lowers to them). Takes the
values the lowered idiom passes (a callback and its arguments, a logger, a dict, an array);
gives back the call's result on read-only views, the value checked, the list of an array
(`array_tolist`) or a dict without a key (`dict_without`), and their adjoints.
"""
import types

import numpy

from .runtime_adjoint import zeros_like_value
from .runtime_checks import refuse


def call_reading(where, fn, *args, **kwargs):
    """Run `fn(*args, **kwargs)`, a function of the user's whose result is dropped (a progress
    or plotting callback), on read-only views of what it is given: arrays that refuse writes,
    lists and dicts that refuse changes (ReadOnlyList, ReadOnlyDict), tuples item by item;
    numbers, strings and None as they are. Anything else (an object whose attributes the
    function could change) is refused, and so is a write the function tries (`where`: the
    user's file:line). The call carries no derivative."""
    args = [read_only(a, fn, where) for a in args]
    kwargs = {k: read_only(v, fn, where) for k, v in kwargs.items()}
    try:
        fn(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        if not isinstance(exc, _Refused) and "read-only" not in str(exc):
            raise
        _refuse_write(fn, where, exc)


def append_value(where, append, value):
    """`append(value)`, `append` a list's bound method (`losses.append`: a list the user's
    function reaches by a free name), for a value no later code can change: a number, a
    string, None, a NumPy scalar or a tuple of these. An array (whose memory the
    derivative may write into after, restoring the values it had) or any other object is
    refused (`where`: the user's file:line). The call carries no derivative."""
    if not _plain_value(value):
        refuse(f"{getattr(append, '__qualname__', 'append')} is given a value of class "
               f"{type(value).__name__}, kept in a list outside the function; srcdiff keeps only "
               "numbers, strings and tuples of them there (the derivative may change an "
               "array's memory after the call)",
               "append a number: float(v), v.item(), or a copy: v.tolist()", where)
    append(value)


def _plain_value(value):
    if type(value) is tuple:
        return all(_plain_value(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, complex, str, bytes,
                                               numpy.generic))


class _Refused(TypeError):
    pass


def _refuse_write(fn, where, exc):
    name = getattr(fn, "__qualname__", "the function")
    if "__srcdiff" in name:   # a def of the user's inside srcdiff's emitted function
        name = getattr(fn, "__name__", name)
    try:
        refuse(f"{name} is called for its effects (its result is dropped) and changes what it "
               f"is given ({exc}); srcdiff runs such a call on read-only views, so that the "
               "values the derivative is computed from stay as they are",
               f"make {name} change a copy and return it, and assign its result", where)
    except Exception as refusal:
        raise refusal from exc


def _refuse_change(self, *args, **kwargs):
    raise _Refused(f"this {type(self).__mro__[1].__name__} is read-only")


class ReadOnlyList(list):
    """A list a read-only call is given: reads as a list, refuses every change."""
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse_change
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse_change


class ReadOnlyDict(dict):
    """A dict a read-only call is given: reads as a dict, refuses every change."""
    __setitem__ = __delitem__ = __ior__ = _refuse_change
    update = pop = popitem = clear = setdefault = _refuse_change


def read_only(value, fn=None, where=None):
    if isinstance(value, numpy.ndarray):
        view = value.view()
        view.flags.writeable = False
        return view
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes, frozenset,
                                           range, slice, type, numpy.generic, numpy.dtype,
                                           numpy.ufunc, types.BuiltinFunctionType)):
        return value   # values no call can change
    if isinstance(value, types.FunctionType) and not value.__closure__:
        return value   # a function of a module (one closing over values could change them)
    if type(value) is tuple:
        return tuple(read_only(v, fn, where) for v in value)
    if type(value) is list:
        return ReadOnlyList(read_only(v, fn, where) for v in value)
    if type(value) is dict:
        return ReadOnlyDict((k, read_only(v, fn, where)) for k, v in value.items())
    name = getattr(fn, "__qualname__", "the function")
    refuse(f"{name} is called for its effects (its result is dropped) and given an object of "
           f"class {type(value).__name__}; srcdiff runs such a call on read-only views of "
           "arrays, lists and dicts, and cannot make one of this object",
           f"pass {name} the arrays it reads, or use its result", where)


def call_logger(where, logger, method, *args, **kwargs):
    """`logger.method(*args)` (info, debug, ...), its result dropped, on a value whose class
    the lowering did not know: logged where it is a logging.Logger or LoggerAdapter (which
    only read what they are given), refused anywhere else."""
    import logging
    if not isinstance(logger, (logging.Logger, logging.LoggerAdapter)):
        refuse(f"the result of .{method}() is dropped and it is given values being "
               f"differentiated; srcdiff runs such a call only on a logger, and this is a "
               f"{type(logger).__name__}", "use its result, or pass the object as an argument "
               "of the function you differentiate, so that srcdiff follows its method", where)
    getattr(logger, method)(*args, **kwargs)


def check_dict(value, method, where):
    """Before `value.get(...)` read as a dict's get: refused for anything else."""
    if not isinstance(value, dict):
        refuse(f".{method}() is read as a dict's method, but the value is a "
               f"{type(value).__name__}", "call a function (or index the value) instead",
               where)


def check_dict_argument(value, where):
    """Before `dict(d)` read as a copy of the dict d: refused for anything else (a list of
    pairs gives a dict of its own, which srcdiff follows only as a display)."""
    if not isinstance(value, dict):
        refuse(f"dict(...) of a value that may be a dict is read as its copy, but the value "
               f"is a {type(value).__name__}", "write dict([(k, v), ...]) of a list display, "
               "or {k: v for k, v in pairs}", where)


def str_method(where, value, method, *args):
    """`value.method(*args)` of a method only strings have (idioms.STR_METHODS), on a value
    whose class the lowering did not know: run where it is a str, refused anywhere else."""
    if not isinstance(value, str):
        refuse(f".{method}() is read as a str's method, but the value is a "
               f"{type(value).__name__}", "call a function (or index the value) instead",
               where)
    return getattr(value, method)(*args)


def check_array_method(value, method, where, single=False):
    """Before `x.item(...)` / `x.tolist()` read as an array's method: refused for anything
    but an array or a NumPy scalar (an object of another class may mean something else by
    it); `single`: x.item() without an index, NumPy's error where x has more than one
    element."""
    if not (isinstance(value, (numpy.ndarray, numpy.generic))
            or hasattr(type(value), "__array_function__")):
        refuse(f".{method}() is read as an array's method, but the value is a "
               f"{type(value).__name__}", "pass the object as an argument of the function "
               "you differentiate, so that srcdiff follows its own method", where)
    if single and numpy.size(value) != 1:
        raise ValueError(f"can only convert an array of size 1 to a Python scalar ({where})")


def array_tolist(value):
    """`x.tolist()`: nested lists of x's elements (a 0-d array: its element)."""
    return value.tolist() if hasattr(value, "tolist") else numpy.asarray(value).tolist()


def array_tolist_grad(grad, value):
    """The adjoint of array_tolist: the nested lists' adjoints as an array of x's shape and
    kind (made on x's device where x is an array of another library, as CuPy's)."""
    shape = numpy.shape(value)
    if isinstance(grad, (list, tuple)) and len(grad) == 0:
        return numpy.zeros_like(value)
    flat = numpy.ravel(_leaves(grad, []))
    if hasattr(type(value), "__array_function__") and not isinstance(value, numpy.ndarray):
        flat = numpy.asarray(flat, like=value)
    return numpy.reshape(flat, shape)


def _leaves(grad, out):
    if isinstance(grad, (list, tuple)):
        for g in grad:
            _leaves(g, out)
    else:
        out.append(grad)
    return out


def array_tolist_tangent(tangent, value):
    """The tangent of array_tolist: the tangent array as nested lists."""
    return array_tolist(tangent)


def dict_without(value, key):
    """`d.pop(key)` as the lowering reads it (idioms.dict_write): a new dict of value's items
    but key's, bound to d. Also the tangent of one (a dict of tangents); a zero derivative
    (not a dict) is given back as it is."""
    if not isinstance(value, dict):
        return value
    return {k: v for k, v in value.items() if k != key}


def dict_merged(parts, keys, base):
    """`dict(d, k=v, ...)` as the lowering reads it (idioms.py): parts is [d, v, ...], keys
    the names; a new dict of d's items, then each v under its name, as `{**d, "k": v}`
    makes it. Linear in parts (the tangent of one is made by the same call on the parts'
    tangents); base is d itself, whose keys a zero tangent that is not a dict stands for."""
    first = parts[0] if isinstance(parts[0], dict) else {
        k: zeros_like_value(v) for k, v in base.items()}
    out = dict(first)
    out.update(zip(keys, parts[1:]))
    return out


def dict_merged_grad(grad, parts, keys, base):
    """The adjoint of dict_merged's parts: d's is grad's items but under keys (zeros where
    grad has none), each v's grad's item under its key."""
    grad = grad if isinstance(grad, dict) else {}
    own = {k: grad[k] if k in grad and k not in keys else zeros_like_value(v)
           for k, v in base.items()}
    return [own] + [grad[k] if k in grad else zeros_like_value(v)
                    for k, v in zip(keys, parts[1:])]


def dict_without_grad(grad, value, key):
    """The adjoint of the dict `value` that dict_without(value, key) was made from: grad's
    items, a zero under key (and under a key grad has none for; grad None: all zeros)."""
    grad = grad if isinstance(grad, dict) else {}
    return {k: grad[k] if k in grad and k != key else zeros_like_value(v)
            for k, v in value.items()}
