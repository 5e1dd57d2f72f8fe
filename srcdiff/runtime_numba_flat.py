"""The Numba versions of the helpers of numpy.put, numpy.putmask and numpy.place on the Numba
path: the index of the items written and the positions of the values they take
(`flat_write_index`, `flat_write_take`), and a derivative reshaped like its value
(`reshape_like`) (run time: called by the compiled kernel; runtime_numba.install registers
them). Takes numba's `overload`, `register_jitable` and types (`install(...)`); gives back
nothing, with one implementation per argument type of each helper registered.

flat_writes.py lowers `numpy.put(a, ind, v)` to `a[index] = numpy.ravel(v)[take]`, with
index = flat_write_index(...) and take = flat_write_take(...), whose adjoint is that of
indexing. The NumPy path's index is a tuple of integer arrays (numpy.unravel_index); Numba
indexes by one integer array only, so the compiled index is the array of flat positions,
which indexes a vector as the tuple of it does: a vector `a` is compiled, in every mode
(raise, wrap, clip) and with NumPy's errors, the positions each once (the last write where
put repeats one), in increasing order as on the NumPy path. An array of several dimensions
has no implementation here: Numba's typing error is the located refusal, and jit='auto'
runs the NumPy path. The plain Python helpers are the NumPy path's own (`HELPERS`).

Importing this module does not import Numba.
"""
import numpy

from .runtime_inplace import flat_write_index, flat_write_take
from .runtime_numpy import reshape_like

HELPERS = {f.__name__: f for f in (flat_write_index, flat_write_take, reshape_like)}

_HOW = ("put", "putmask", "place")
_MODES = ("raise", "wrap", "clip")


def install(overload, register_jitable, nt, is_array, is_number):
    """Register the implementations of HELPERS for Numba (runtime_numba.install, once)."""
    def text(t, choices):
        """The literal text of `t` (a string passed, or a default) among `choices`, or None."""
        value = t if isinstance(t, str) else getattr(t, "literal_value", None)
        if isinstance(t, nt.Omitted):
            value = t.value
        return value if value in choices else None

    @register_jitable
    def put_positions(size, where, mode):
        ind = numpy.asarray(where).ravel()
        out = numpy.empty(ind.shape[0], numpy.int64)
        for k in range(ind.shape[0]):
            i = ind[k]
            if mode == 1:
                i = i % max(size, 1)
            elif mode == 2:
                i = min(max(i, 0), size - 1)
            else:
                if i < -size or i >= size:
                    raise IndexError("numpy.put: an index is out of bounds for the array")
                if i < 0:
                    i += size
            out[k] = i
        return out, numpy.arange(ind.shape[0])

    @register_jitable
    def mask_positions(size, where, putmask):
        mask = numpy.asarray(where).ravel()
        if mask.shape[0] != size:
            raise ValueError("numpy.putmask or numpy.place: mask and data must be the same "
                             "size")
        positions = numpy.flatnonzero(mask).astype(numpy.int64)
        return positions, (positions.copy() if putmask else
                           numpy.arange(positions.shape[0]))

    @register_jitable
    def last_writes(size, positions, taken, count, how):
        # each position once (the last write to it), in increasing order, and the position
        # in values.ravel() it takes its value from
        if count == 0:
            if how == 2 and positions.shape[0]:
                raise ValueError("Cannot insert from an empty array!")
            if how == 1 and positions.shape[0]:
                raise ValueError("numpy.putmask: values is empty")
            positions, taken = positions[:0], taken[:0]
        last = numpy.full(max(size, 1), -1, numpy.int64)
        for k in range(positions.shape[0]):
            last[positions[k]] = k
        written = numpy.flatnonzero(last >= 0)
        return written, taken[last[written]] % max(count, 1)

    def writes(array, how, where, values, mode):
        """The typing of (positions, taken): a vector `array`, `how` and `mode` texts."""
        kind, way = text(how, _HOW), text(mode, _MODES)
        if not (is_array(array) and array.ndim == 1) or kind is None or way is None:
            return None
        if not (is_array(where) and isinstance(where.dtype, (nt.Integer, nt.Boolean)) or
                isinstance(where, (nt.List, nt.UniTuple)) and
                isinstance(where.dtype, (nt.Integer, nt.Boolean))):
            return None
        if kind == "put" and isinstance(where.dtype, nt.Boolean):
            return None   # (NumPy's TypeError: left to the NumPy path)
        if not (is_array(values) or is_number(values)):
            return None
        how_code, mode_code = _HOW.index(kind), _MODES.index(way)
        many = is_array(values)

        if kind == "put":
            def both(array, how, where, values, mode):
                size = array.shape[0]
                positions, taken = put_positions(size, where, mode_code)
                return last_writes(size, positions, taken, values.size if many else 1,
                                   how_code)
        else:
            def both(array, how, where, values, mode):
                size = array.shape[0]
                positions, taken = mask_positions(size, where, how_code == 1)
                return last_writes(size, positions, taken, values.size if many else 1,
                                   how_code)
        return both

    @overload(flat_write_index)
    def _flat_write_index(array, how, where, values, mode="raise"):
        both = writes(array, how, where, values, mode)
        if both is not None:
            both = register_jitable(both)
            return lambda array, how, where, values, mode="raise": \
                both(array, how, where, values, mode)[0]

    @overload(flat_write_take)
    def _flat_write_take(array, how, where, values, mode="raise"):
        both = writes(array, how, where, values, mode)
        if both is not None:
            both = register_jitable(both)
            return lambda array, how, where, values, mode="raise": \
                both(array, how, where, values, mode)[1]

    @overload(reshape_like)
    def _reshape_like(grad, like, order="C"):
        if text(order, ("C",)) is None or not is_array(grad):
            return None
        if is_array(like):
            return lambda grad, like, order="C": \
                numpy.ascontiguousarray(grad).reshape(like.shape)
        if is_number(like):
            def number(grad, like, order="C"):
                if grad.size != 1:
                    raise ValueError("cannot reshape the derivative to its value's shape")
                return grad.ravel()[0]
            return number
