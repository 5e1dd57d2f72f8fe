"""numpy.add.at and numpy.subtract.at, scatter-adds into an array in place, lowered as an item
write (stage 3, lower: called by idioms.expand_call). Takes the Lowerer, the call (its result
dropped), the ufunc's `at` method and the statement list being built; gives back the lowered
statement, or None where the call is not one srcdiff follows (lower.py then refuses it).

``numpy.add.at(a, i, v)`` where `a` is a name becomes::

    scattered_1 = scattered_add(a, i, v, 1)     # a copy of a with v added at i
    a[...] = scattered_1                        # written back into a's own memory

The write is an item write like any other: a parameter is copied before it is written (the
caller's array stays as it was), and the alias checks refuse it, located, where another name
of the same array (a view, a list holding it) would see the change. `scattered_add`'s rules
(templates/shapes.py): a's adjoint passes through, v's is the result's adjoint read at i (a
repeated index read once for each time it is given: runtime_indexing.scattered_add_grad).
Refused (None): a first argument that is not a name (`np.add.at(self.w, ...)`, `a[0]`),
keywords, starred arguments, another ufunc's `at`.
"""
import numpy

from . import syntax as S
from .core import Kind

SIGNS = {"add": 1, "subtract": -1}


def is_scatter(obj):
    """Whether `obj` is numpy.add.at or numpy.subtract.at (a bound method of the ufunc)."""
    owner = getattr(obj, "__self__", None)
    return getattr(obj, "__name__", None) == "at" and any(
        owner is getattr(numpy, name) for name in SIGNS)


def lower_scatter(low, node, obj, out):
    """The lowered statements of `numpy.add.at(a, i, v)` (see the module docstring): all
    but the last appended to `out`, the last given back; None where it does not apply."""
    from . import runtime_indexing
    from .idiom_rewrite import placed_at
    args = node.args
    if len(args) != 3 or node.keywords or any(isinstance(a, S.Starred) for a in args) or \
            not isinstance(args[0], S.Name) or args[0].id not in low.locals:
        return None
    sign = next(s for name, s in SIGNS.items() if obj.__self__ is getattr(numpy, name))
    target = args[0].id
    indices = low.expr(args[1], out)
    values = low.expr(args[2], out)
    helper = low._runtime_helper("scattered_add", runtime_indexing)
    call = S.Call(func=helper, args=[S.load(target), indices, values, S.const(sign)],
                  keywords=[])
    result = low.temp(out, call, Kind.CALL, "scattered", func=runtime_indexing.scattered_add)
    low.locals.add(result.id)
    where = S.Subscript(value=S.load(target), slice=S.const(Ellipsis), ctx=S.Store())
    write = S.Assign(targets=[where], value=S.load(result.id), type_comment=None)
    lowered = low.stmt(placed_at(write, node))
    out.extend(lowered[:-1])
    return lowered[-1]
