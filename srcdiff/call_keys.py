"""What a compiled variant of a derivative is chosen by (derivative: called by derivative.py and
numba_api.py on every call of a derivative). Takes the arguments of one call; gives back
their key (`call_key`): an array's shape, a plain value's type, and for containers, user
objects and functions passed in, what the emitted code was specialised on (`kind`).

`call_key` is one cheap pass over the arguments, run on every call: arrays and plain
values are keyed by a type test, everything else by `kind`, which asks values.py,
objects.py, field_calls.py and item_fields.py (imported there, where such a value is first met) for the
classes of the objects a container holds, and for the function a function value means.
"""
from .markers import is_user_object, keyed_items, unindexed


def _plain_types():
    import numpy
    return {numpy.ndarray, float, int, bool, complex, str, type(None), numpy.float64,
            numpy.float32, numpy.int64, numpy.complex128}


PLAIN_TYPES = _plain_types()
NDARRAY = __import__("numpy").ndarray


def call_key(args, kwargs):
    """One cheap pass over the arguments: what a compiled variant is chosen by."""
    key = []
    for a in args:
        t = type(a)
        if t is NDARRAY:
            key.append(a.shape)
        elif t in PLAIN_TYPES:
            key.append(t)
        else:
            key.append((kind(a), getattr(a, "shape", None)))
    if kwargs:
        key.append(tuple(sorted((k, kind(v), getattr(v, "shape", None))
                                for k, v in kwargs.items())))
    return tuple(key)


def kind(value):
    """What the compiled code is specialised on: containers, and user objects by class."""
    if type(value) in PLAIN_TYPES:
        return None
    if type(value) in (list, tuple) or isinstance(value, dict) or is_user_object(value) or (
            isinstance(value, tuple) and hasattr(type(value), "_fields")):   # a named tuple
        from .objects import object_facts
        from .values import function_items
        from .field_calls import field_facts
        from .item_fields import item_field_facts   # the functions its items' fields hold
        facts = {**object_facts("", value), **function_items("", value),
                 **field_facts("", value), **item_field_facts("", value)}
        # (a list of dicts: `for a, b in p` unpacks their keys, a variant of its own)
        cls = (type(value), "keyed items") if type(value) in (list, tuple, dict) and \
            keyed_items(value) else (type(value),)
        if facts:   # the classes of the objects it holds (values.py)
            return cls + tuple(sorted(facts.items(), key=lambda kv: kv[0]))
        return cls[0] if len(cls) == 1 else cls
    if unindexed(value):   # (a set's variant goes through iteration_order: dict_facts)
        return type(value)
    return function_value(value)


def function_value(value):
    """A function passed as an argument: the compiled code is specialised on it (values.py)."""
    import functools
    import types
    if isinstance(value, (types.FunctionType, functools.partial, types.MethodType)) or \
            callable(value) and not isinstance(value, type) and hasattr(value, "__name__"):
        from .values import Known, is_function_value
        if is_function_value(value):
            return Known(value)
    return None
