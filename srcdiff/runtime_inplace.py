"""A helper the emitted code of `operator.iadd(a, b)` (and isub, imul, ...) calls (run time:
called by emitted code; inplace_calls.py lowers to it). Takes a value and the in-place
method's name; gives back whether the call changes the value in place (`changes_in_place`).
"""


def changes_in_place(value, method):
    """Whether `operator.iadd(value, b)` (method '__iadd__', ...) changes `value` in place and
    returns it, as Python decides: its type has the in-place method (arrays, lists). Otherwise
    (numbers, tuples) the call leaves `value` alone and returns a new value, value + b."""
    return hasattr(type(value), method)
