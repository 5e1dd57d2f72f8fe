"""Helpers the emitted code of everyday Python shapes calls (see srcdiff/idioms.py); their
rules are in templates/idioms.py."""
import types

import numpy

from .runtime import refuse


def call_reading(where, fn, *args, **kwargs):
    """Run `fn(*args, **kwargs)`, a function of the user's whose result is dropped (a progress
    or plotting callback), on read-only views of what it is given: arrays that refuse writes,
    lists as tuples, dicts as read-only mappings, tuples item by item; numbers, strings and
    None as they are. Anything else (an object whose attributes the function could change)
    is refused (`where`: the user's file:line). The call carries no derivative."""
    fn(*[read_only(a, fn, where) for a in args],
       **{k: read_only(v, fn, where) for k, v in kwargs.items()})


def read_only(value, fn=None, where=None):
    if isinstance(value, numpy.ndarray):
        view = value.view()
        view.flags.writeable = False
        return view
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes,
                                           numpy.generic, types.FunctionType)):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(read_only(v, fn, where) for v in value)
    if isinstance(value, dict):
        return types.MappingProxyType({k: read_only(v, fn, where) for k, v in value.items()})
    name = getattr(fn, "__qualname__", "the function")
    refuse(f"{name} is called for its effects (its result is dropped) and given a "
           f"{type(value).__name__} object; srcdiff runs such a call on read-only views of "
           "arrays, lists and dicts, and cannot make one of this object",
           f"pass {name} the arrays it reads, or use its result", where)


def check_dict(value, method, where):
    """Before `value.get(...)` read as a dict's get: refused for anything else."""
    if not isinstance(value, dict):
        refuse(f".{method}() is read as a dict's method, but the value is a "
               f"{type(value).__name__}", "call a function (or index the value) instead",
               where)


def check_single(value, where):
    """Before `x.item()` read as the only element of x: NumPy's error where x has more."""
    if numpy.size(value) != 1:
        raise ValueError(f"can only convert an array of size 1 to a Python scalar ({where})")


def array_tolist(value):
    """`x.tolist()`: nested lists of x's elements (a 0-d array: its element)."""
    return numpy.asarray(value).tolist()


def array_tolist_grad(grad, value):
    """The adjoint of array_tolist: the nested lists' adjoints as an array of x's shape."""
    shape = numpy.shape(value)
    if isinstance(grad, (list, tuple)) and len(grad) == 0:
        return numpy.zeros_like(value)
    return numpy.reshape(numpy.asarray(_stacked(grad)), shape)


def _stacked(grad):
    if isinstance(grad, (list, tuple)):
        return numpy.stack([_stacked(g) for g in grad])
    return numpy.asarray(grad)


def array_tolist_tangent(tangent, value):
    """The tangent of array_tolist: the tangent array as nested lists."""
    return numpy.asarray(tangent).tolist()


def transposed_length(rows):
    """How many items zip(*rows) has: the length of the shortest row (0 for no rows)."""
    return min((len(r) for r in rows), default=0)
