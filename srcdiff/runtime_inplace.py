"""Helpers the emitted code of in-place calls uses (run time: called by emitted code;
inplace_calls.py, out_writes.py and flat_writes.py lower to them). Takes a value and the
in-place method's name; gives back whether `operator.iadd(a, b)` (isub, imul, ...) changes the
value in place (`changes_in_place`); takes an array; gives back the index numpy.fill_diagonal
writes (`diagonal_index`) and their flat positions (`diagonal_positions`); takes an array,
indices and an axis; gives back the index numpy.put_along_axis writes (`along_axis_index`); takes an array and what numpy.put / putmask / place writes into
it; gives back the index of the items written and the positions of the values they take
(`flat_write_index`, `flat_write_take`); takes an array and a shape; gives back the array
ndarray.resize makes of it, a new one (`resized_array`, `zero_resized`).
"""


def diagonal_index(array):
    """The index of the items numpy.fill_diagonal(array, v) writes: (i, i, ...) for i below
    array's shortest side (out_writes.py lowers fill_diagonal with a number v to `array[index]
    = v`); NumPy's errors for an array of fewer than 2 dimensions, or of more with unequal
    lengths."""
    import numpy
    shape = numpy.shape(array)
    if len(shape) < 2:
        raise ValueError("array must be at least 2-d")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    return (numpy.arange(min(shape)),) * len(shape)


def diagonal_positions(array):
    """The flat positions of the items numpy.fill_diagonal(array, v) writes, in order:
    out_writes.py lowers fill_diagonal with an array v to numpy.put(array, positions, v),
    which repeats or cuts v's flat items along the diagonal as fill_diagonal does."""
    import numpy
    return numpy.ravel_multi_index(diagonal_index(array), numpy.shape(array))


def along_axis_index(array, indices, axis):
    """The index tuple numpy.put_along_axis(array, indices, values, axis) writes through (and
    numpy.take_along_axis reads): `indices` along `axis`, numpy.arange along every other axis,
    shaped to broadcast against it (out_writes.py lowers put_along_axis to `array[index] =
    values`); NumPy's errors for indices of another rank or of a type not integer."""
    import numpy
    shape = numpy.shape(array)
    indices = numpy.asarray(indices)
    if not numpy.issubdtype(indices.dtype, numpy.integer):
        raise IndexError("`indices` must be an integer array")
    if indices.ndim != len(shape):
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    axis = axis + len(shape) if axis < 0 else axis
    if not 0 <= axis < len(shape):
        raise numpy.exceptions.AxisError(axis, len(shape))
    index = []
    for k, n in enumerate(shape):
        if k == axis:
            index.append(indices)
        else:
            index.append(numpy.arange(n).reshape([-1 if j == k else 1
                                                  for j in range(len(shape))]))
    return tuple(index)


def changes_in_place(value, method):
    """Whether `operator.iadd(value, b)` (method '__iadd__', ...) changes `value` in place and
    returns it, as Python decides: its type has the in-place method (arrays, lists). Otherwise
    (numbers, tuples) the call leaves `value` alone and returns a new value, value + b."""
    return hasattr(type(value), method)


def _flat_writes(array, how, where, values, mode):
    """(the flat positions of `array` numpy.put / putmask / place (`how`) writes, the
    position in values.ravel() each takes its value from), each position once: where it
    is written more than once (numpy.put's repeated indices) the last write, the one that
    stays. Raises NumPy's errors where NumPy would."""
    import numpy
    size, count = numpy.size(array), numpy.size(values)
    if how == "put":
        ind = numpy.asarray(where).ravel()
        if not numpy.issubdtype(ind.dtype, numpy.integer) and ind.size:
            raise TypeError("numpy.put: the indices are not integers")
        ind = ind.astype(numpy.intp)
        if mode == "wrap":
            positions = ind % max(size, 1)
        elif mode == "clip":
            positions = numpy.clip(ind, 0, size - 1)
        elif mode == "raise":
            if ind.size and (ind.min() < -size or ind.max() >= size):
                raise IndexError(f"index {ind[(ind < -size) | (ind >= size)][0]} is out of "
                                 f"bounds for an array of size {size}")
            positions = numpy.where(ind < 0, ind + size, ind)
        else:
            raise ValueError(f"numpy.put: mode must be 'raise', 'wrap' or 'clip', not {mode!r}")
        taken = numpy.arange(positions.size)
    else:
        mask = numpy.asarray(where, dtype=bool)
        if mask.size != size or (how == "putmask" and mask.shape != numpy.shape(array)):
            raise ValueError(f"numpy.{how}: mask and data must be the same size")
        positions = numpy.flatnonzero(mask)
        taken = positions if how == "putmask" else numpy.arange(positions.size)
    if count == 0:
        if how == "place" and positions.size:
            raise ValueError("Cannot insert from an empty array!")
        if how == "putmask" and positions.size:
            raise ValueError("numpy.putmask: values is empty")
        positions, taken = positions[:0], taken[:0]
    taken = taken % max(count, 1)   # the values repeat by position, not by broadcasting
    backwards = positions[::-1]
    _, last = numpy.unique(backwards, return_index=True)
    keep = positions.size - 1 - last
    return positions[keep], taken[keep]


def flat_write_index(array, how, where, values, mode="raise"):
    """The index (a tuple of integer arrays) of the items of `array` that numpy.put(array,
    where, values, mode) (how 'put'), numpy.putmask(array, where, values) ('putmask') or
    numpy.place(array, where, values) ('place') writes, each once (flat_writes.py lowers
    them to `array[index] = numpy.ravel(values)[flat_write_take(...)]`)."""
    import numpy
    positions, _ = _flat_writes(array, how, where, values, mode)
    return numpy.unravel_index(positions, numpy.shape(array))


def flat_write_take(array, how, where, values, mode="raise"):
    """The positions in numpy.ravel(values) of the values the items flat_write_index gives
    take: for put and place the i-th written item takes values.flat[i % values.size], for
    putmask the item at flat position n takes values.flat[n % values.size]."""
    return _flat_writes(array, how, where, values, mode)[1]


def zero_resized(array, shape):
    """`array` resized as ndarray.resize does it (flat order: its items first, cut where
    the new size is smaller, zeros after them where it is larger), a new array: `a.resize(
    shape)` on an array the function made is `a = zero_resized(a, shape)` (flat_writes.py).
    Linear in array; its adjoint is zero_resized(g, numpy.shape(array))."""
    import numpy
    array = numpy.asarray(array)
    shape = tuple(int(n) for n in numpy.atleast_1d(shape)) if numpy.ndim(shape) else \
        (int(shape),)
    total = int(numpy.prod(shape, dtype=numpy.intp))
    made = numpy.zeros(shape, dtype=array.dtype)
    kept = min(total, array.size)
    made.reshape(-1)[:kept] = array.reshape(-1)[:kept]
    return made


def resized_array(array, shape):
    """`array.resize(shape)` as a new array (zero_resized), where `array` is an array (a
    list has no resize). flat_writes.py lowers it only for a name bound to new arrays, which
    own their data (NumPy cannot resize a view)."""
    import numpy
    if not isinstance(array, numpy.ndarray):
        raise AttributeError(f"'{type(array).__name__}' object has no attribute 'resize'")
    return zero_resized(array, shape)
