"""The Numba versions of the alias checks on the Numba path: a write into an array while a row
taken from it is read later (`check_no_view`), and `z += v` where another name shares z
(`check_in_place`), and `a, b = seq` where seq holds another number of items
(`check_unpacked`) (run time: called by the compiled kernel; runtime_numba.install
registers them). Takes numba's `overload`, `register_jitable` and types (`install(...)`);
gives back nothing, with one implementation per argument type of each check registered.

The plain Python checks are the NumPy path's own (runtime_checks: `HELPERS`), so the emitted
source reads and runs without Numba. Compiled, `check_no_view` is exact as the NumPy path's
(numpy.shares_memory): the written region's and the view's address ranges are compared
first, and only where they overlap are their elements' addresses compared one by one (two
interleaved views that share no element pass). A refusal is a ValueError whose message is
the NumPy path's reason, hint and user's line (Numba raises constant messages, made from
the literal texts the kernel passes). What has no implementation here (an index of four
entries or more, an index array) is Numba's typing error: the located refusal, and
jit='auto' runs the NumPy path.

Importing this module does not import Numba.
"""
import numpy

from .runtime_checks import check_in_place, check_no_view, check_unpacked


HELPERS = {f.__name__: f for f in (check_in_place, check_no_view, check_unpacked)}


def refusal_message(reason, hint, where):
    """The message of a compiled refusal, from the literal types of its texts (None where one
    is not a literal yet: the overload is typed again with literals)."""
    texts = [getattr(t, "literal_value", None) for t in (reason, hint, where)]
    if not all(isinstance(t, str) for t in texts):
        return None
    return f"{texts[2]}: {texts[0]}; {texts[1]}"


def item_slice(p, n):
    """The integer index p of an axis of length n as the slice of that one item (a slice as
    it is)."""
    if isinstance(p, slice):
        return p
    q = p + n if p < 0 else p
    return slice(q, q + 1)


def written_region(base, index):
    """The part of `base` that `base[index] = v` writes, as an array (all of it where index
    is None): an integer entry of the index as the slice of its one item."""
    if index is None:
        return base
    parts = index if isinstance(index, tuple) else (index,)
    return base[tuple(item_slice(p, base.shape[k]) for k, p in enumerate(parts))]


_KERNELS = {}


def memory_kernels():
    """The compiled tests of where arrays lie in memory, built once on first use and shared by
    the modules of the Numba runtime (runtime_numba_writes, runtime_numba_alias): `extent`
    (the first and one-past-last byte address an array's elements can occupy), `overlap`
    (whether two arrays' address ranges meet) and `share` (whether two arrays have an element
    in common: numpy.shares_memory)."""
    if _KERNELS:
        return _KERNELS
    from numba.extending import register_jitable

    @register_jitable
    def extent(a):
        low = high = a.ctypes.data
        for k in range(a.ndim):
            step = a.strides[k] * (a.shape[k] - 1)
            if step < 0:
                low += step
            else:
                high += step
        return low, high + a.itemsize

    @register_jitable
    def overlap(a, b):
        a_low, a_high = extent(a)
        b_low, b_high = extent(b)
        return a_low < b_high and b_low < a_high

    @register_jitable
    def addresses(a):
        out = numpy.empty(a.size, numpy.int64)
        n = 0
        for at in numpy.ndindex(a.shape):
            place = a.ctypes.data
            for k in range(a.ndim):
                place += at[k] * a.strides[k]
            out[n] = place
            n += 1
        return out

    @register_jitable
    def share(a, b):
        if a.size == 0 or b.size == 0:
            return False
        if not overlap(a, b):
            return False
        mine = numpy.sort(addresses(a))
        theirs = addresses(b)
        at = numpy.searchsorted(mine, theirs)
        for k in range(theirs.shape[0]):
            if at[k] < mine.shape[0] and mine[at[k]] == theirs[k]:
                return True
        return False

    _KERNELS.update(extent=extent, overlap=overlap, share=share)
    return _KERNELS


def install(overload, register_jitable, nt, is_array, is_number):
    """Register the implementations of HELPERS for Numba (runtime_numba.install, once)."""
    def integer(t):
        return isinstance(t, nt.Integer) or isinstance(t, nt.Optional) and \
            isinstance(t.type, nt.Integer)

    @overload(item_slice)
    def _item_slice(p, n):
        if isinstance(p, nt.SliceType):
            return lambda p, n: p
        if integer(p):
            def one(p, n):
                q = p + 0   # (an Optional integer, set in a branch: the integer)
                q = q + n if q < 0 else q
                return slice(q, q + 1)
            return one

    def entries(index):
        """The index's entries (integers and slices) as types, or None."""
        parts = index.types if isinstance(index, nt.BaseTuple) else (index,)
        if 1 <= len(parts) <= 3 and all(integer(p) or isinstance(p, nt.SliceType)
                                        for p in parts):
            return parts
        return None

    def region(base, index):
        """The typing of written_region(base, index): the part of base that base[index] = v
        writes, as an array (an integer entry as the slice of its one item)."""
        if isinstance(index, (nt.NoneType, nt.Omitted)):
            return lambda base, index: base
        parts = entries(index)
        if parts is None or len(parts) > base.ndim:
            return None
        if not isinstance(index, nt.BaseTuple):
            return lambda base, index: base[item_slice(index, base.shape[0])]
        if len(parts) == 1:
            return lambda base, index: base[item_slice(index[0], base.shape[0])]
        if len(parts) == 2:
            return lambda base, index: base[item_slice(index[0], base.shape[0]),
                                            item_slice(index[1], base.shape[1])]
        return lambda base, index: base[item_slice(index[0], base.shape[0]),
                                        item_slice(index[1], base.shape[1]),
                                        item_slice(index[2], base.shape[2])]

    overload(written_region)(region)

    share = memory_kernels()["share"]

    @overload(check_no_view)
    def _check_no_view(view, base, index, reason, hint, where):
        message = refusal_message(reason, hint, where)
        if message is None:
            return None
        if is_number(view) or is_number(base):
            return lambda view, base, index, reason, hint, where: None   # a number: rebound
        if not is_array(base):
            return None
        if region(base, index) is None:
            return None
        if is_array(view):
            def check(view, base, index, reason, hint, where):
                if view.ndim and share(view, written_region(base, index)):
                    raise ValueError(message)
            return check
        if isinstance(view, nt.List) and is_array(view.dtype):   # rows.append(m[i])
            def each(view, base, index, reason, hint, where):
                written = written_region(base, index)
                for item in view:
                    if item.ndim and share(item, written):
                        raise ValueError(message)
            return each

    @overload(check_unpacked)
    def _check_unpacked(value, count, where):
        if is_number(value):
            return lambda value, count, where: None   # (no length: its items' reads raise)
        place = getattr(where, "literal_value", None)
        if not isinstance(place, str):
            return None   # (typed again with the line as a literal)
        message = f"{place}: the value unpacked holds another number of items than names"

        def check(value, count, where):
            if len(value) != count:
                raise ValueError(message)
        return check

    @overload(check_in_place)
    def _check_in_place(value, method, reason, hint, where):
        if is_number(value):
            return lambda value, method, reason, hint, where: None   # rebound by the operator
        if not is_array(value) or not isinstance(method, nt.StringLiteral):
            return None   # (a method's name not yet a literal: typed again as one)
        message = refusal_message(reason, hint, where)
        if message is None:
            return None
        if not hasattr(numpy.ndarray, method.literal_value):
            return lambda value, method, reason, hint, where: None

        def refuse(value, method, reason, hint, where):
            raise ValueError(message)
        return refuse
