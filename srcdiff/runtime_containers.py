"""Runtime helpers of lists, tuples and dicts: what srcdiff's lowering emits for Python's
container operations whose meaning depends on the values, with the adjoints and tangents the
rules of templates/containers.py and python.py call (run time: called by emitted code; a
leaf importing numpy and srcdiff's runtime leaves; container_writes.py binds them). Takes
the operands (and the adjoint or tangent of the result); gives back a new list, tuple or
dict, or an operand's adjoint or tangent.

srcdiff/lower.py (and sequences.py, variadic.py) lower `a + b` and `a * b` that may meet a
list or tuple to `sequence_add` / `sequence_mul`, `a += b` and `a.extend(b)` to
`sequence_iadd` / `sequence_extend`, `for k in d` to `iteration_order(d)`, `d.values()`,
`d.items()`, `d.keys()` to lists, `list(v)` / `tuple(v)` to `sequence_of`, a dict
comprehension to `dict_from_lists`, and `sum(items, start)` to `sequence_sum`. Each `_grad`
helper takes the adjoint of the result and returns one operand's adjoint (a list where the
operand is a sequence, an array or number otherwise); each `_tangent` helper the tangent.
They return new values and never write their arguments. Self-contained, so the codegen
command can copy them.
"""
from collections.abc import Iterator, Mapping, MappingView, Set
import numpy

from .errors import RuntimeRefusal  # (the codegen command copies it along)
from .forward_runtime import broadcast_like
from .runtime_adjoint import add_adjoints, unbroadcast, zeros_like_value


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


def iteration_order(value):
    """What `for item in value` goes through, as something to index: a dict's keys (a list;
    a set's items too),
    the items of an iterator (a generator of the user's whose items carry no derivative: a
    list of them, taken once), anything else as it is; refused for an object of the user's
    class defining __iter__ or __getitem__ (srcdiff could not tell its class before the code
    runs): Python's loop calls that method, which indexing the object does not follow."""
    if isinstance(value, (Mapping, Iterator, Set, MappingView)):   # (d.values() passed too)
        return list(value)
    if not isinstance(value, (list, tuple, numpy.ndarray, numpy.generic, str, range)) and \
            _users_iterable(type(value)):
        name = type(value).__qualname__
        raise RuntimeRefusal(
            f"srcdiff could not tell before the code runs that this loop goes over an "
            f"object of your class {name}; Python's loop calls its __iter__ (or "
            "__getitem__), which srcdiff does not follow there",
            hint=f"loop over the object's field (for p in obj.items), or bind the object "
                 f"to a name made by calling its class ({name}(...)) or pass it as a "
                 "parameter")
    return value


def _users_iterable(cls):
    """Whether cls, a class of the user's (not a library's, not an array NumPy dispatches
    to), defines how Python loops over its objects."""
    library = ("numpy", "builtins", "scipy", "srcdiff", "collections", "dask", "cupy")
    if (cls.__module__ or "").split(".")[0] in library or any(
            hasattr(cls, a) for a in ("__array_ufunc__", "__array_function__",
                                      "__array_namespace__", "__cuda_array_interface__")):
        return False
    return hasattr(cls, "__iter__") or hasattr(cls, "__getitem__")


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
