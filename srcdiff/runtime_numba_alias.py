"""The Numba versions of the checks around a call of a helper writing into what it is given, on
the Numba path: that a new value passed to it is a plain array or a number
(`check_fresh_argument`), and that no other argument of a call handing back the helper's copy
shares what it writes into (`check_written_unshared`), and that `A[mask][0] = v` writes into
the copy an array's index takes (`check_array_copy_written`) and `A[key][j] = v` into an
array's view (`check_item_held_once`) (run time: called by the compiled
kernel; runtime_numba.install registers them). Takes numba's `overload`, `register_jitable`
and types (`install(...)`); gives back nothing, with one implementation per argument type of
each check registered.

The plain Python checks are the NumPy path's own (runtime_alias: `HELPERS`), so the emitted
source reads and runs without Numba. Compiled, each refuses where the NumPy path's does: a
ValueError whose message is the NumPy path's where, reason and hint (Numba raises constant
messages, made from the literal texts the kernel passes; numba_api turns it into the NumPy
path's own refusal). `check_fresh_argument` passes arrays and numbers and refuses anything
else (a list or tuple: it holds the caller's items); `check_written_unshared` compares the
array written into with each other argument, an array, by its elements' addresses
(numpy.shares_memory: runtime_numba_checks.memory_kernels), a number never being shared
(the compiled code holds no lists or dicts of arrays here: those have no implementation,
Numba's typing error is the located refusal and jit='auto' runs the NumPy path).
`check_array_copy_written` passes an array and refuses anything else, as the NumPy path's;
`check_item_held_once` of an array passes a basic index (integers, slices: a view, written
into) and refuses an index array or mask (a copy), as the NumPy path's (a list or dict
holding arrays has no implementation).

Importing this module does not import Numba.
"""
from .runtime_alias import (check_array_copy_written, check_fresh_argument,
                            check_item_held_once, check_written_unshared)
from .runtime_numba_checks import memory_kernels, refusal_message


HELPERS = {f.__name__: f for f in (check_fresh_argument, check_written_unshared,
                                    check_array_copy_written, check_item_held_once)}


def install(overload, register_jitable, nt, is_array, is_number):
    """Register the implementations of HELPERS for Numba (runtime_numba.install, once)."""
    share = memory_kernels()["share"]

    def passing(kinds):
        """The typing of a check of one value that passes where `kinds(value)` and refuses
        otherwise."""
        def typing(value, reason, hint, where):
            if kinds(value):
                return lambda value, reason, hint, where: None
            message = refusal_message(reason, hint, where)
            if message is None:
                return None   # typed again with the texts as literals: the message says them

            def refuse(value, reason, hint, where):
                raise ValueError(message)
            return refuse
        return typing

    # (Numba's arrays hold no objects)
    overload(check_fresh_argument)(passing(lambda t: is_array(t) or is_number(t)))
    overload(check_array_copy_written)(passing(is_array))

    def basic(t):
        """Whether the index type `t` picks a view (integers, slices, None, ...)."""
        if isinstance(t, nt.BaseTuple):
            return all(basic(k) for k in t.types)
        return isinstance(t, (nt.Integer, nt.SliceType, nt.NoneType, nt.EllipsisType)) and \
            not isinstance(t, nt.Boolean)

    @overload(check_item_held_once)
    def _check_item_held_once(container, key, reason, hint, where):
        if not is_array(container):
            return None   # (lists and dicts of arrays: the NumPy path's)
        if basic(key):
            return lambda container, key, reason, hint, where: None
        message = refusal_message(reason, hint, where)
        if message is None:
            return None   # typed again with the texts as literals

        def refuse(container, key, reason, hint, where):
            raise ValueError(message)
        return refuse

    def shares(value, other):
        """The typing of whether `other` is, or shares memory with, the array `value`."""
        if is_number(other):
            return lambda value, other: False
        if is_array(other):
            def either(value, other):
                if value.size == 0 or other.size == 0:
                    return value is other   # (no element: the same array only)
                return share(value, other)
            return either
        return None

    def written_shares(value, other):
        return False

    overload(written_shares)(shares)

    @overload(check_written_unshared)
    def _check_written_unshared(value, others, reason, hint, where):
        if not is_array(value) or not isinstance(others, nt.BaseTuple):
            return None   # (lists and dicts of arrays: the NumPy path's)
        if not all(shares(value, t) is not None for t in others.types):
            return None
        message = refusal_message(reason, hint, where)
        if message is None:
            return None
        n = len(others.types)
        lines = ["def check(value, others, reason, hint, where):"]
        lines += [f"    if written_shares(value, others[{k}]):\n        raise ValueError(message)"
                  for k in range(n)]
        lines.append("    return None")
        scope = {"written_shares": written_shares, "ValueError": ValueError,
                 "message": message}
        exec("\n".join(lines), scope)   # one test per argument: a tuple of several types
        return scope["check"]

