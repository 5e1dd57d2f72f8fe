"""Helpers the emitted code of in-place calls uses (run time: called by emitted code;
inplace_calls.py and out_writes.py lower to them). Takes a value and the in-place method's
name; gives back whether `operator.iadd(a, b)` (isub, imul, ...) changes the value in place
(`changes_in_place`); takes an array; gives back the index numpy.fill_diagonal writes
(`diagonal_index`).
"""


def diagonal_index(array):
    """The index of the items numpy.fill_diagonal(array, v) writes: (i, i, ...) for i below
    array's shortest side (out_writes.py lowers fill_diagonal to `array[index] = v`)."""
    import numpy
    n = min(numpy.shape(array))
    return (numpy.arange(n),) * numpy.ndim(array)


def changes_in_place(value, method):
    """Whether `operator.iadd(value, b)` (method '__iadd__', ...) changes `value` in place and
    returns it, as Python decides: its type has the in-place method (arrays, lists). Otherwise
    (numbers, tuples) the call leaves `value` alone and returns a new value, value + b."""
    return hasattr(type(value), method)
