"""The check the emitted code of `operator.concat(a, b)` and `operator.iconcat(a, b)` runs (run
time: called by emitted code; sequences.py and inplace_calls.py place it). Takes a and b;
gives back nothing where both are sequences `+` joins, or raises the call's TypeError
(`check_concat`).

The check the emitted code of `operator.concat(a, b)` and `operator.iconcat(a, b)` runs
(see srcdiff/sequences.py and inplace_calls.py): they are `a + b` and `a += b` for sequences
only, and raise TypeError for numbers and NumPy arrays, which `+` would add.
"""
import operator

from .runtime_checks import refuse


def check_concat(a, b, in_place=False, reason=None, hint=None, where=None):
    """Before `a + b` (in_place: `a += b`) lowered from operator.concat (iconcat): raise the
    error the call raises where a or b is no sequence it concatenates. iconcat extends a list
    by the items of an array, where `a += b` adds the array: refused (reason, hint, where)."""
    if type(a) is list and (type(b) is list or (in_place and type(b) is tuple)):
        return   # a list, joined to a list (extended by a tuple in place)
    if type(a) is tuple and type(b) is tuple:
        return
    if in_place:
        result = operator.iconcat(a[:0] if isinstance(a, list) else a, b)   # a unchanged
        if isinstance(a, list) and hasattr(b, "shape") and reason is not None:
            refuse(reason, hint, where)
        return result
    operator.concat(a, b)
