"""What the stages below the API test values against, without importing it (leaf: called by
api.py, api_composite.py, compose.py, compose_calls.py, derivative.py, dict_idioms.py, html_view.py,
lower_calls.py, objects.py and runtime_integrate.py). Takes values and names; gives back
whether a value is srcdiff's or the user's (`is_user_object`, the base classes), the public
marker `stop_gradient`, and the public transforms by name (`provide`, `provided`).

- `stop_gradient`, the public marker (srcdiff.stop_gradient): lower.py recognises its calls.
- `is_user_object`: a value of the user's own class (its methods are differentiated
  through; derivatives are specialised on its class).
- `DerivativeBase`, `CompositeBase`, `ComposedBase`: the base classes of
  derivative.Derivative, derivative.Composite and compose.Composed, for the isinstance
  checks of stages that only ask "did srcdiff make this?" (reverse.py's error for a
  derivative called inside a function, html_view.py).
- The public transforms by name (`provide`, `provided`): api.py and api_composite.py
  provide them when srcdiff is imported; code that makes derivatives while a derivative is
  made or runs (compose.py, compose_calls.py, runtime_integrate.py) looks them up here,
  and lower.py finds compose_calls' `derivative_called` here (lowering a call of a
  derivative makes derivatives): the import arrows point one way only.
"""
import numbers
import types

import numpy


# known_types[p + DICT_PASSED]: the call passed a dict (exactly) for parameter p
# (derivative.py notes it, dict_idioms.py reads it: `d.update(p)` of a parameter passed a dict)
DICT_PASSED = ".__dict_passed__"
# known_types[p + NONE_PASSED]: the call passed None for parameter p, or left it to a default of
# None (derivative.py notes it, class_tests.py answers `p is None` where p is never rebound)
NONE_PASSED = ".__none_passed__"
# known_types[p + UNINDEXED_PASSED]: the call passed for parameter p a collection that has no
# positions (a set, a dict's view, an iterator): a loop over it or unpacking it goes through
# iteration_order (dict_facts._may_be_set)
UNINDEXED_PASSED = ".__unindexed_passed__"
# known_types[p + KEYED_ITEMS_PASSED]: the call passed for parameter p a list, tuple or dict
# holding a dict or a collection without positions (`keyed_items`): `for a, b in p` unpacks
# each by iteration_order (dict_facts._item_kinds); call_keys gives it a variant of its own
KEYED_ITEMS_PASSED = ".__keyed_items_passed__"


def stop_gradient(x):
    """Return `x` unchanged; no derivative flows through it (PyTorch's `detach`)."""
    return x


def is_user_object(value):
    return not isinstance(value, (numpy.ndarray, numpy.generic, numbers.Number, str, bytes,
                                  list, tuple, dict, type(None), types.ModuleType,
                                  types.FunctionType)) and hasattr(value, "__dict__") and \
        type(value).__module__ not in ("numpy", "builtins") and \
        not hasattr(value, "__array_function__")


class DerivativeBase:
    """Base of derivative.Derivative: a derivative of one function, from emitted code."""

    __slots__ = ()


class CompositeBase:
    """Base of derivative.Composite: a derivative assembled from emitted ones."""

    __slots__ = ()


class ComposedBase:
    """Base of compose.Composed: a transform of a derivative srcdiff made."""

    __slots__ = ()


_TRANSFORMS = {}


def provide(name, fn):
    """Register `fn` under `name` (api.py, api_composite.py, compose_calls.py, at import)."""
    _TRANSFORMS[name] = fn


def provided(name):
    """What `provide` registered: the public transform `name` ("grad", "jvp", "hessian",
    ...), "make" (api's common maker of them, taking (kind, f, wrt, has_aux, backend, jit)),
    or "derivative_called" (compose_calls': lower.py asks it about each callee)."""
    return _TRANSFORMS[name]


def unindexed(value):
    """Whether value is a collection Python loops over that has no positions to index: a
    set, a dict's keys, values or items view, an iterator (a generator, map(...))."""
    from collections.abc import Iterator, Set, MappingView
    return isinstance(value, (Set, MappingView, Iterator))


def keyed_items(value):
    """Whether a list, tuple or dict holds a dict, or a collection without positions
    (`unindexed`), among its items (its values): unpacking one goes by its keys."""
    from collections.abc import Mapping
    items = value.values() if isinstance(value, dict) else value
    for item in items:   # (a loop, not any(<generator>): asked on every call)
        if isinstance(item, Mapping) or unindexed(item):
            return True
    return False
