"""The Numba versions of the helpers an item write needs on the Numba path (run time: called
by the compiled kernel; runtime_numba.install registers them). Takes numba's `overload` and
runtime_numba's tests of types (`install(...)`); gives back nothing, with one implementation
per argument type of each helper registered.

An item write `y[t] = v` in a loop saves the item it overwrites (`saved_item`: a number for
an item of a 1-D array, a row as an array, so each tape holds one type), takes its adjoint
out in reverse (`take_and_zero`; also by a vector of integer positions into a vector, numpy.put's
(runtime_numba_flat) or the user's `y[idx] = v`, a repeated position refused as on the NumPy
path), adds the adjoint of an item read into an owned 1-D
adjoint (`add_item`), allocates a tape of a loop's length (`empty_tape`), and `y[t] += v` computes through `sequence_add` and
friends, whose operands here are numbers and arrays (lists are not on the Numba path). A
returned array is snapshot, adjoints and tangents are added, a tangent copied before its
own item writes, a vjp's cotangent checked (after the loop, where its output is known), and
`check_not_shared` compares two arrays' address ranges. An index set in
a branch is an Optional integer to Numba, which indexes by none: `as_index` gives the integer.

Importing this module does not import Numba.
"""
import numpy

from .runtime_numba_checks import memory_kernels, refusal_message
from .runtime_numba_helpers import (
    add_adjoints, add_item, empty_tape, add_tangents, broadcast_like, check_cotangent,
    check_item_update,
    check_not_shared, copy_tangent, own_copy, saved_item, sequence_add, sequence_add_grad,
    sequence_add_tangent, sequence_mul, sequence_mul_grad, sequence_mul_tangent, snapshot,
    take_and_zero, unbroadcast)


_REPEATED = ("this write hits some element more than once (a repeated index): NumPy does not "
             "define which value lands there, so it has no gradient; make the indices unique, "
             "or add up repeated positions in a loop (for k in range(len(index)): x[index[k]] "
             "+= v[k])")   # (runtime_adjoint's refusal, in Numba's constant message)


def as_index(index):
    """An index as it is (compiled: an Optional integer, set in a branch, as the integer)."""
    return index


def install(overload, is_array, is_number, basic_index):
    """Register the overloads of this module (runtime_numba.install calls it once)."""
    from numba import types as nt

    @overload(as_index)
    def _as_index(index):
        if isinstance(index, nt.Optional):
            return lambda index: index + 0  # the integer (Numba indexes by no Optional)
        return lambda index: index

    _item_writes(overload, is_array, is_number, basic_index)
    _copies(overload, is_array, is_number)



def _item_writes(overload, is_array, is_number, basic_index):
    """The overloads an item write `y[t] = v` needs: its saved item (a number, or a row as
    an array: one type per tape), its adjoint taken and zeroed, and `+=`'s arithmetic."""
    from numba import types as nt

    def positions(value, index):
        """Whether index is a vector of integers indexing the vector value (numpy.put's
        flat positions: runtime_numba_flat)."""
        return is_array(value) and value.ndim == 1 and is_array(index) and \
            index.ndim == 1 and isinstance(index.dtype, nt.Integer)

    @overload(saved_item)
    def _saved_item(value, index):
        if is_array(value) and basic_index(index):
            return lambda value, index: own_copy(value[as_index(index)])
        if positions(value, index):
            return lambda value, index: value[index]   # (a copy: an index array's)

    @overload(empty_tape)
    def _empty_tape(n, like):
        if is_number(like):   # an array of the value's type
            from numba.np.numpy_support import as_dtype
            dtype = as_dtype(like)
            return lambda n, like: numpy.empty(n, dtype)
        return lambda n, like: [like] * n   # arrays, Optionals: a list of that length

    @overload(add_item)
    def _add_item(buffer, index, grad):
        if not (is_array(buffer) and basic_index(index) and is_number(grad)):
            return None
        if isinstance(grad, nt.Complex) and not isinstance(buffer.dtype, nt.Complex):
            def add_real(buffer, index, grad):
                buffer[as_index(index)] += grad.real  # a real value's cotangent is real
                return buffer
            return add_real

        def add(buffer, index, grad):
            buffer[as_index(index)] += grad
            return buffer
        return add

    @overload(take_and_zero)
    def _take_and_zero(buffer, index, owned, where=None):
        if positions(buffer, index):
            place = getattr(where, "literal_value", None)
            if not (isinstance(place, str) or where is None or
                    isinstance(where, (nt.NoneType, nt.Omitted))):
                return None   # typed again with the user's line as a literal: the message
            message = (f"{place + ': ' if isinstance(place, str) else ''}{_REPEATED}")

            def flat(buffer, index, owned, where=None):
                n = buffer.shape[0]
                hit = numpy.zeros(n, numpy.bool_)
                for k in range(index.shape[0]):   # (as the NumPy path: a repeat refused)
                    i = index[k]
                    if i < -n or i >= n:
                        raise IndexError("index out of bounds for the adjoint")
                    i = i + n if i < 0 else i
                    if hit[i]:
                        raise ValueError(message)
                    hit[i] = True
                out = buffer if owned else buffer.copy()
                taken = out[index]   # (a copy: an index array's)
                out[index] = 0
                return taken, out
            return flat
        if not (is_array(buffer) and basic_index(index)):
            return None  # None (no adjoint yet), masks, index arrays: the NumPy path's

        def take(buffer, index, owned, where=None):
            out = buffer if owned else buffer.copy()
            at = as_index(index)
            taken = own_copy(out[at])
            out[at] = 0
            return taken, out
        return take

    @overload(check_item_update)
    def _check_item_update(container, item, method, reason, hint, where):
        if is_array(container):  # (lists, tuples and dicts are not on the Numba path)
            return lambda container, item, method, reason, hint, where: None

    def arithmetic(a, b):
        return (is_number(a) or is_array(a)) and (is_number(b) or is_array(b))

    @overload(sequence_add)
    def _sequence_add(a, b):
        if arithmetic(a, b):
            return lambda a, b: a + b

    @overload(sequence_mul)
    def _sequence_mul(a, b):
        if arithmetic(a, b):
            return lambda a, b: a * b

    def operand(which):
        if isinstance(which, nt.IntegerLiteral) and which.literal_value in (0, 1):
            return which.literal_value
        return None  # typed again with `which` as a literal

    @overload(sequence_add_grad)
    def _sequence_add_grad(grad, a, b, which):
        k = operand(which)
        if k is None or not arithmetic(a, b):
            return None
        if k == 0:
            return lambda grad, a, b, which: unbroadcast(grad, a)
        return lambda grad, a, b, which: unbroadcast(grad, b)

    @overload(sequence_mul_grad)
    def _sequence_mul_grad(grad, a, b, which):
        k = operand(which)
        if k is None or not arithmetic(a, b):
            return None
        if k == 0:
            return lambda grad, a, b, which: unbroadcast(grad * b, a)
        return lambda grad, a, b, which: unbroadcast(grad * a, b)

    @overload(sequence_add_tangent)
    def _sequence_add_tangent(tangent, a, b, y, which):
        if operand(which) is not None and arithmetic(a, b):
            return lambda tangent, a, b, y, which: broadcast_like(tangent, y)

    @overload(sequence_mul_tangent)
    def _sequence_mul_tangent(tangent, a, b, y, which):
        k = operand(which)
        if k is None or not arithmetic(a, b):
            return None
        if k == 0:
            return lambda tangent, a, b, y, which: broadcast_like(tangent * b, y)
        return lambda tangent, a, b, y, which: broadcast_like(a * tangent, y)


def _copies(overload, is_array, is_number):
    """The overloads of a returned value's snapshot (and a tangent's copy), of two adjoints
    (or tangents) added, and of the check
    that an array written into is not seen through another name."""
    overlap = memory_kernels()["overlap"]

    @overload(snapshot)
    def _snapshot(value):
        if is_array(value):
            return lambda value: value.copy()
        if is_number(value):
            return lambda value: value

    def add(a, b):
        if (is_number(a) or is_array(a)) and (is_number(b) or is_array(b)):
            return lambda a, b: a + b

    overload(add_adjoints)(add)
    overload(add_tangents)(add)
    overload(copy_tangent)(_snapshot)

    @overload(check_cotangent)
    def _check_cotangent(cotangent, value):
        if is_number(cotangent) and is_number(value):
            return lambda cotangent, value: cotangent
        if is_array(cotangent) and is_array(value) and cotangent.ndim == value.ndim:
            def check(cotangent, value):
                if cotangent.shape != value.shape:
                    raise ValueError("srcdiff: the cotangent's shape is not the output's")
                return cotangent.copy()
            return check

    @overload(check_not_shared)
    def _check_not_shared(value, holder, reason, hint, where):
        if not (is_array(value) and is_array(holder)):
            return lambda value, holder, reason, hint, where: None
        message = refusal_message(reason, hint, where)   # (Numba raises constant messages)
        if message is None:
            return None  # typed again with the texts as literals: the message says them

        def check(value, holder, reason, hint, where):
            if value.size and holder.size and overlap(value, holder):
                raise ValueError(message)
        return check

