"""Runtime checks the emitted code calls where only the values tell whether Python's sharing or
Python's own errors apply (run time: called by emitted code; alias_flow.py and
container_writes.py place the calls). Takes the values the check is about; gives back
nothing where the code is right, or raises a located RuntimeRefusal or Python's own error.

check_update_unshared, before a helper that updates its argument in place:

`vx, vy = step(vx, vy, dt)` where step does `vx -= dt * vy`: the caller never reads its
old vx again (alias_flow proved it), and step's derivative updates a copy of its own, so
the two agree, unless the array step updates is also what another argument holds (`step(v,
v, dt)`, or a view of it): then Python's update shows through that argument and the copy's
does not. Only the run can tell; this refuses that case.

check_written_unshared, before a helper writing into what it is given whose call hands its
copy back (writing_helpers.py): the same, for item writes.

check_item_held_once, before `P["w"][0] = v` lowered as a copy of the item stored back
(container_writes.item_of_item): no other item of P may hold that array.

check_is_item, before `Q["layer"]["w"] = c` read as a write into the P the code put under
that key: the item must be P itself.

check_arguments_apart, at a derivative's entry where the function writes into a parameter
in place (the derivative writes into a copy of its own): refused when another argument is
that array, shares memory with it or holds it, since Python's write would show through it.

check_globals_apart, beside it: refused when a module-level value the function reads (a global
array, a module's, a helper's closure value, a global object or list holding it) is that
array, shares memory with it or holds it (`grad(f)(G)` where f writes x and reads G).

check_dict_iteration and check_deletable: a loop over a dict whose body changes its size
raises Python's RuntimeError where Python does; `del d[k]` is followed on dicts only.
"""
import types

import numpy

from .errors import ArgumentError, SrcdiffError
from .runtime_checks import refuse


def check_fresh_argument(value, reason, hint, where):
    """Before a call of a helper writing into what it is given, where the caller passes a new
    value (`helper(x * 2.0)`): fine for an array of numbers (nobody else holds it or any part
    of it) and for numbers (the helper's write raises Python's own error); refused for
    anything else (`[a] + [b]` is a new list holding the caller's arrays)."""
    if isinstance(value, numpy.ndarray) and value.dtype != object:
        return
    if isinstance(value, (int, float, complex, numpy.number, numpy.bool_)):
        return
    refuse(reason, hint, where)


def check_update_unshared(value, others, method, reason, hint, filename, lineno, col):
    """Refuse when `value` (updated in place by the helper, `method` being its operator's
    in-place method) is an array or list that one of `others` (the call's other arguments)
    holds or shares memory with. Numbers are rebound, never shared."""
    if not hasattr(type(value), method):
        return
    for other in others:
        if other is value or (hasattr(value, "shape") and hasattr(other, "shape")
                              and numpy.shares_memory(value, other)):
            refuse(reason, hint, f"{filename}:{lineno}")
        if isinstance(other, (list, tuple, dict)):
            items = other.values() if isinstance(other, dict) else other
            if any(item is value for item in items):
                refuse(reason, hint, f"{filename}:{lineno}")


def check_written_unshared(value, others, reason, hint, where):
    """Before `t = helper_writing(out, ...)`, the call of a helper that writes into `out`
    lowered to hand back its own copy (writing_helpers.py): refused when one of `others`
    (the call's other arguments) is `value`, shares memory with it, or holds it as an item,
    since inside the helper the write would then show through that argument too."""
    for other in others:
        if other is value or (isinstance(value, numpy.ndarray) and
                              isinstance(other, numpy.ndarray) and
                              numpy.shares_memory(value, other)):
            refuse(reason, hint, where)
        if isinstance(other, (list, tuple, dict)):
            items = other.values() if isinstance(other, dict) else other
            if any(item is value for item in items):
                refuse(reason, hint, where)
        if isinstance(value, (list, tuple, dict)):
            items = value.values() if isinstance(value, dict) else value
            if any(item is other for item in items):
                refuse(reason, hint, where)


_COPIED = ("this writes into a part taken with an index that makes a copy (a slice of a list, "
           "an index array or mask of an array): Python changes that copy only, which "
           "srcdiff does not follow")


def _basic_index(key):
    """Whether `key` picks a view of an array (ints and slices), not a copy."""
    if isinstance(key, tuple):
        return all(_basic_index(k) for k in key)
    if isinstance(key, (bool, numpy.bool_)):
        return False
    return isinstance(key, (int, numpy.integer, slice)) or key is None or key is Ellipsis


def check_item_held_once(container, key, reason, hint, where):
    """Before `P["w"][0] = v` lowered as a copy of P["w"] stored back (container_writes.
    item_of_item): refused when another item of the list or dict `container` is the array
    `container[key]` or shares memory with it (Python's write would show there too). An
    array `container` (`A[0][1] = v`) writes into itself: nothing to check."""
    if isinstance(container, dict):
        others = [v for k, v in container.items() if k != key]
    elif isinstance(container, (list, tuple)):
        if not isinstance(key, (int, numpy.integer)) or isinstance(key, (bool, numpy.bool_)):
            refuse(_COPIED, "write into the list's item itself: item = lst[k]; ...; lst[k] "
                   "= item", where)   # (lst[1:] is a new list: Python writes into that)
        n = len(container)
        at = int(key) % n if n else key
        others = [v for i, v in enumerate(container) if i != at]
    elif isinstance(container, numpy.ndarray) and not _basic_index(key):
        refuse(_COPIED, "write into the array with one index: a[i, j] = v", where)
    else:
        return
    item = container[key]
    parts = _mutable_parts(item)
    for other in others:
        if other is item or (isinstance(item, numpy.ndarray) and
                             isinstance(other, numpy.ndarray) and
                             numpy.shares_memory(item, other)) or \
                any(_holds(other, part, 32) for part in parts):
            refuse(reason, hint, where)


def check_array_copy_written(container, reason, hint, where):
    """Before `A[[0, 1]][0] = v` or `A[A > 0.1][0] = v` lowered as nothing
    (container_writes.item_of_item): Python writes into the copy an index array or mask takes
    of the array `container`, then drops it (container is unchanged). Refused where
    `container` is no array (which the index may not copy)."""
    if not isinstance(container, numpy.ndarray):
        refuse(reason, hint, where)


def _mutable_parts(item, depth=0):
    """The list, tuple or dict `item` itself and the arrays, lists, tuples and dicts it holds
    at any depth (`Q["a"]["w"][0] = v` stores a copy of Q["a"] back into Q: another item of
    Q holding Q["a"]["w"], or a part of it, would see Python's write)."""
    if not isinstance(item, (list, tuple, dict)) or depth > 32:
        return []
    inner = item.values() if isinstance(item, dict) else item
    return [item] + [v for v in inner if isinstance(v, numpy.ndarray) and v.ndim] + [
        p for v in inner for p in _mutable_parts(v, depth + 1)]


def check_is_item(item, value, reason, hint, where):
    """Before `Q["layer"]["w"] = c` read as `P["w"] = c` (container_writes: the code put P
    under that key): refused when the run's item is not P itself."""
    if item is not value:
        refuse(reason, hint, where)


class DictChangedDuringIteration(SrcdiffError, RuntimeError):
    """Python's RuntimeError for a dict whose size changed while a loop goes through it,
    located at the user's loop."""


def check_dict_iteration(value, keys, leaving, where):
    """At the end of each step of a loop over the dict `value`'s keys (`keys`: the keys as
    the loop began), where Python's next step comes: its RuntimeError when the size
    changed; a refusal when other keys replaced some (Python's loop then follows the dict's
    own layout). Nothing when the loop is `leaving` (its break comes first), or for
    anything but a dict (a list the loop goes through)."""
    if leaving or not isinstance(value, dict):
        return
    filename, _, number = where.rpartition(":")
    if len(value) != len(keys):
        import linecache
        raise DictChangedDuringIteration(
            "dictionary changed size during iteration", hint="loop over a copy of the keys "
            "(for k in list(d): ...), or build a new dict", filename=filename,
            lineno=int(number), line=linecache.getline(filename, int(number)).strip() or None)
    if list(value) != list(keys):
        refuse("the dict's keys changed while this loop goes through them (one taken out, "
               "another put in): Python's loop then follows the dict's own layout, which "
               "srcdiff does not", "loop over a copy of the keys: for k in list(d): ...",
               where)


def check_deletable(value, where):
    """Before `del d[k]` read as taking the key k out of the dict d: refused for anything
    else (srcdiff follows del only on a dict's items)."""
    if not isinstance(value, dict):
        refuse(f"del is read here as taking a key out of a dict, but the value is a "
               f"{type(value).__name__}, whose del srcdiff does not follow",
               "build a new value without the item instead (lst = lst[:i] + lst[i + 1:])",
               where)


def check_written_back(value, copy, reason, hint, where):
    """Before `out[...] = copy`, where a helper wrote into `copy` (its own copy of what the
    caller passed, `value`, or a view of the caller's array: writing_helpers.py), written back
    into the caller's array so that every name holding it sees the change as Python's do:
    refused unless both are arrays of numbers of one shape, `value` an array's view where it
    was taken with an index (`h(A[1:])`: an index array or a mask gives a copy, which Python's
    helper changes unseen)."""
    if not (isinstance(value, numpy.ndarray) and isinstance(copy, numpy.ndarray) and
            value.dtype != object and value.dtype == copy.dtype and
            value.shape == copy.shape and value.ndim > 0):
        refuse(reason, hint, where)


def check_view_of(view, base, reason, hint, where):
    """Before a helper writes into `view`, taken from the caller's array `base` with an index
    (`h(A[1:])`, `h(A[0])`), the change written back into `base` at that index
    (writing_helpers.py): refused unless `view` is an array sharing `base`'s memory (a basic
    index: ints and slices), since a copy's change is seen by nobody."""
    if not (isinstance(view, numpy.ndarray) and isinstance(base, numpy.ndarray) and
            view.ndim > 0 and numpy.shares_memory(view, base)):
        refuse(reason, hint, where)


def check_arguments_apart(value, name, others, other_names, function):
    """At the entry of a derivative of `function`, which writes into its parameter `name`
    in place: refused where another argument is that array, shares memory with it or holds
    it (`grad(f)(a, a)`), since the write would then show through that argument too in
    Python, and the derivative writes into a copy of its own (own_copy)."""
    for other, other_name in zip(others, other_names):
        leaves = other.values() if isinstance(other, dict) else \
            other if isinstance(other, (list, tuple)) else (other,)
        for leaf in leaves:
            if leaf is value or (isinstance(value, numpy.ndarray) and
                                 isinstance(leaf, numpy.ndarray) and
                                 numpy.may_share_memory(value, leaf) and
                                 numpy.shares_memory(value, leaf, max_work=1000)):
                raise ArgumentError(
                    f"the arguments {name} and {other_name} of {function} share memory (the "
                    f"same array, or views of one), and {function} writes into {name} in "
                    f"place: in Python the write would show through {other_name} too, which "
                    f"srcdiff's derivative, writing into a copy of {name}, does not follow",
                    hint=f"pass a copy for one of them ({name}.copy())")


def check_globals_apart(value, name, reads, read_names, function, where):
    """At the entry of a derivative of `function`, which writes into its parameter `name`
    in place: refused, located at its def (`where`), where a module-level value the function
    reads (`reads`, as read now; `read_names` spells them) is that array, shares memory with
    it or holds it (in a list, tuple or dict, or as an object's field, two levels down):
    `grad(f)(G)` where f writes into x and reads G. In Python the write changes what f reads
    through G; the derivative writes into a copy of its own and reads G unchanged."""
    for other, read_name in zip(reads, read_names):
        if _holds(other, value, 2):
            refuse(f"{function} writes into its parameter {name} in place, and the array "
                   f"passed for {name} is the module-level {read_name} that {function} "
                   f"reads, or shares memory with it: in Python the write changes what "
                   f"{function} reads through {read_name} too, which srcdiff's derivative, "
                   f"writing into a copy of {name}, does not follow",
                   f"pass a copy ({read_name}.copy()), or write into a copy of {name} "
                   f"inside {function} ({name} = {name}.copy())", where)


_NOT_HOLDERS = (type, types.FunctionType, types.MethodType, types.ModuleType)


def _holds(other, value, depth):
    """Whether `other` is `value`, shares memory with it, or holds it (items, an object's
    fields) within `depth` levels."""
    if other is value:
        return True
    if isinstance(other, numpy.ndarray):
        return isinstance(value, numpy.ndarray) and numpy.may_share_memory(other, value) \
            and numpy.shares_memory(other, value, max_work=1000)
    if depth <= 0:
        return False
    if isinstance(other, (list, tuple)):
        items = other
    elif isinstance(other, dict):
        items = other.values()
    elif hasattr(other, "__dict__") and not isinstance(other, _NOT_HOLDERS):
        items = vars(other).values()   # an object's fields (one with __call__ too)
    else:
        return False
    return any(_holds(item, value, depth - 1) for item in items)
