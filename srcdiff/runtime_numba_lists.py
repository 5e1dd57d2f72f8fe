"""The Numba versions of the helpers of lists of numbers on the Numba path: a list's zero
derivative and an item's adjoint added into it, `lst.append(v)` and `x = lst.pop()` in reverse,
and the order `sorted` puts a list in (run time: called by the compiled kernel;
runtime_numba.install registers them). Takes numba's `overload`, `register_jitable` and types
(`install(...)`); gives back nothing, with one implementation per argument type of each
helper registered.

In the kernel a list of real numbers is Numba's list, and its adjoint or tangent a list of
floats, one per item, as on the NumPy path: `zeros_like_value` makes it (a tangent is appended
to as its list is), `scatter_add` adds an item's adjoint into it (`lst[k]` in reverse),
`pop_adjoint` splits off the last item's adjoint (`lst.append(v)` in reverse),
`unpop_adjoint` puts a popped item's adjoint back at the end (`x = lst.pop()` in reverse,
the list already restored), and `sort_order` gives the positions of a list's keys in the
order `sorted` puts them (stable, as sorted is; an array of integers), and `list(x)` of a
real vector is a list of floats (`sequence_of`; its adjoint `sequence_of_grad` the vector of
the items' adjoints, its tangent `sequence_of_tangent` the list of the tangent's items), and
what a loop goes through (`iteration_order`, with its adjoint and tangent) an array, list,
tuple or range itself (a dict, whose keys a loop goes through, has none). The plain Python
functions (`HELPERS`; zeros_like_value and scatter_add are runtime_numba_helpers') do the same,
so the emitted source reads and runs without Numba. A list of arrays (list(x) of a
matrix), tuple(x), a list's slice and a list of complex numbers have no implementation here: Numba's typing error is the located
refusal, and jit='auto' runs the NumPy path.

Importing this module does not import Numba.
"""
import numpy

from .runtime_containers import (iteration_order, iteration_order_grad,
                                 iteration_order_tangent, sequence_of, sequence_of_grad,
                                 sequence_of_tangent)
from .runtime_numba_helpers import scatter_add, zeros_like_value
from .runtime_values import sort_order


def pop_adjoint(buffer):
    """For `lst.append(v)` in reverse: (the last item's adjoint, the adjoint of the rest);
    (None, None) where the list's adjoint is still zero (None)."""
    if buffer is None:
        return None, None
    return buffer[-1], buffer[:-1]


def unpop_adjoint(buffer, value, grad):
    """For `x = lst.pop()` in reverse (`value`, the list, already restored): the adjoint of
    the rest (None: zeros) with x's adjoint (None: zero) put back at the end."""
    rest = [0.0] * (len(value) - 1) if buffer is None else list(buffer)
    return rest + [0.0 if grad is None else grad]


HELPERS = {f.__name__: f for f in (pop_adjoint, unpop_adjoint, sort_order, sequence_of,
                                    sequence_of_grad, sequence_of_tangent, iteration_order,
                                    iteration_order_grad, iteration_order_tangent)}


def install(overload, register_jitable, nt, is_array, is_number):
    """Register the implementations of HELPERS for Numba (runtime_numba.install, once)."""
    def vector(t):
        return is_array(t) and t.ndim == 1

    def none(t):
        return t is None or isinstance(t, (nt.NoneType, nt.Omitted))

    def real(t):
        return not isinstance(getattr(t, "dtype", t), nt.Complex)

    def listed_numbers(t, optional=True):
        # a list of real numbers (Optional ones: a popped item pushed back, set to None
        # before its first pop)
        item = getattr(t, "dtype", None)
        if optional and isinstance(item, nt.Optional):
            item = item.type
        return isinstance(t, nt.List) and is_number(item) and real(item)

    def float_list(t):
        return isinstance(t, nt.List) and isinstance(t.dtype, nt.Float)

    @overload(zeros_like_value)
    def _zeros(value):
        if listed_numbers(value):
            return lambda value: [0.0] * len(value)

    @overload(scatter_add)
    def _scatter_add(buffer, value, index, grad, owned, where=None):
        if not (listed_numbers(value) and isinstance(index, nt.Integer) and is_number(grad)
                and real(grad)):
            return None  # a slice of a list, a list of arrays: the NumPy path's
        if isinstance(buffer, nt.NoneType):
            def start(buffer, value, index, grad, owned, where=None):
                out = [0.0] * len(value)
                out[index] += grad
                return out
            return start
        if not float_list(buffer):
            return None

        def add(buffer, value, index, grad, owned, where=None):
            out = list(buffer)   # a copy, owned or not, as the NumPy path's for lists
            out[index] += grad
            return out
        return add

    @overload(pop_adjoint)
    def _pop_adjoint(buffer):
        if float_list(buffer):
            def split(buffer):
                if len(buffer) == 0:
                    raise IndexError("srcdiff: the adjoint of an empty list has no last item")
                return buffer[-1], buffer[:-1]
            return split
        if isinstance(buffer, nt.NoneType):
            return lambda buffer: (None, None)

    @overload(unpop_adjoint)
    def _unpop_adjoint(buffer, value, grad):
        if not (listed_numbers(value) and (float_list(buffer) or
                                           isinstance(buffer, nt.NoneType))):
            return None
        if not (none(grad) or is_number(grad) and real(grad)):
            return None

        def put_back(buffer, value, grad):
            n = len(value)
            if buffer is None:
                out = [0.0] * (n - 1)
            else:
                if len(buffer) != n - 1:
                    raise ValueError("srcdiff: the adjoint of a list is not one item shorter "
                                     "than the list it is put back into")
                out = list(buffer)
            out.append(0.0 if grad is None else float(grad))
            return out
        return put_back

    def listing(kind):
        """Whether `kind` is the builtin list (tuple(x) of a vector: the NumPy path's)."""
        return getattr(kind, "typing_key", None) is list or \
            getattr(getattr(kind, "instance_type", None), "name", None) == "list" or \
            getattr(getattr(kind, "key", None), "__name__", None) == "list"

    @overload(sequence_of)
    def _sequence_of(kind, value):
        if listing(kind) and vector(value) and is_number(value.dtype) and real(value):
            def numbers(kind, value):
                return [float(value[k]) for k in range(value.shape[0])]
            return numbers

    @overload(sequence_of_grad)
    def _sequence_of_grad(grad, value):
        if not (vector(value) and real(value)):
            return None
        if float_list(grad):
            def stacked(grad, value):
                if len(grad) != value.shape[0]:
                    raise ValueError("srcdiff: the adjoint of list(x) is not as long as x")
                out = numpy.empty(value.shape[0])
                for k in range(value.shape[0]):
                    out[k] = grad[k]
                return out
            return stacked
        if isinstance(grad, nt.NoneType):
            return lambda grad, value: numpy.zeros(value.shape[0])

    @overload(sequence_of_tangent)
    def _sequence_of_tangent(tangent, value):
        if vector(value) and real(value) and vector(tangent) and real(tangent):
            return lambda tangent, value: [float(tangent[k]) for k in range(tangent.shape[0])]

    def in_order(t):
        """An array, a list, a tuple or a range: what a loop goes through as it is (a
        dict, whose keys it goes through, has no implementation: refused)."""
        return is_array(t) or isinstance(t, (nt.List, nt.ListType, nt.BaseTuple,
                                             nt.RangeType))

    @overload(iteration_order)
    def _iteration_order(value):
        if in_order(value):
            return lambda value: value

    @overload(iteration_order_grad)
    def _iteration_order_grad(grad, value):
        if in_order(value):
            return lambda grad, value: grad

    @overload(iteration_order_tangent)
    def _iteration_order_tangent(tangent, value):
        if in_order(value):
            return lambda tangent, value: tangent

    @overload(sort_order)
    def _sort_order(keys, reverse=False):
        plain = listed_numbers(keys, optional=False) or \
            vector(keys) and is_number(keys.dtype) and real(keys)
        if not plain or not (none(reverse) or reverse is False or
                             isinstance(reverse, (nt.Boolean, nt.Integer))):
            return None
        stable_order = sort_kernels()
        return lambda keys, reverse=False: stable_order(keys, bool(reverse), False)


_SORTS = []


def sort_kernels():
    """The compiled stable order of keys, built once on first use and shared by the modules
    of the Numba runtime (sort_order here, numpy.sort's adjoint in runtime_numba_numpy):
    `stable_order(keys, descending, nan_last)`, the positions of `keys` in increasing
    (decreasing) order, equal keys in their order. nan_last puts NaNs after every number,
    each in its place, as numpy.argsort(kind="stable") does (False: `<` only, as sorted's).
    (Numba's own argsort(kind="mergesort") calls its closures through constants of their
    addresses, which kept the kernel from Numba's disk cache where LLVM's optimisations
    are off: NUMBA_OPT=0.)"""
    if _SORTS:
        return _SORTS[0]
    from numba.extending import register_jitable

    @register_jitable
    def before(a, b, descending, nan_last):
        # whether key b goes before key a, which is before it
        if nan_last and a != a:
            return b == b
        return (b > a) if descending else (b < a)

    @register_jitable
    def stable_order(keys, descending, nan_last):
        # a bottom-up merge sort of the positions, stable: an item goes before one before
        # it only where its key is smaller (larger, descending)
        n = len(keys)
        order = numpy.arange(n)
        spare = numpy.empty(n, numpy.int64)
        width = 1
        while width < n:
            for low in range(0, n, 2 * width):
                middle = min(low + width, n)
                high = min(low + 2 * width, n)
                i, j, k = low, middle, low
                while i < middle and j < high:
                    if before(keys[order[i]], keys[order[j]], descending, nan_last):
                        spare[k] = order[j]
                        j += 1
                    else:
                        spare[k] = order[i]
                        i += 1
                    k += 1
                while i < middle:
                    spare[k] = order[i]
                    i += 1
                    k += 1
                while j < high:
                    spare[k] = order[j]
                    j += 1
                    k += 1
            order, spare = spare, order
            width *= 2
        return order
    _SORTS.append(stable_order)
    return stable_order
