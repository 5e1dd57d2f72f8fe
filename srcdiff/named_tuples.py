"""Named tuples in differentiated code: made, and read by field name (stage 3, lower: called
by lower_calls.py and lower_exprs.py). Takes the lowering's state and a call of a named tuple
class (`typing.NamedTuple`, `collections.namedtuple`) or a field read `p.w` of one; gives back
the lowered call making it, or the position the field reads.

A named tuple is a tuple: srcdiff differentiates it as one, item by item. `p.w` of an object
whose class is known here (made in the function, or passed in) is `p[0]`, the item that
attribute reads; `P(a, b=c)` is runtime_values.named_tuple_of(P, (a, c)), P._make of the
items, whose adjoint is the items' adjoints by position (a zero where none). Its derivative
given back for a named tuple argument is one of its class (runtime.finalize). A field the
call leaves out takes P's default where that is a number, a string, a bool or None; any other
default is refused, located (pass the field).
"""
import inspect

from . import syntax as S
from .core import Kind


def is_named_tuple_class(obj):
    """A class made by typing.NamedTuple or collections.namedtuple (a tuple class with
    `_fields` and `_make`), of the user's."""
    from .objects import is_user_class
    return isinstance(obj, type) and issubclass(obj, tuple) and is_user_class(obj) and \
        isinstance(getattr(obj, "_fields", None), tuple) and hasattr(obj, "_make")


def field_index(lw, node, base):
    """The position `p.name` reads, for p of a named tuple class srcdiff can tell here and
    name one of its fields (read through the accessor the class made for it); else None."""
    from .objects import class_of
    if not isinstance(base, S.Name):
        return None
    cls = lw.known_types.get(base.id)
    if not isinstance(cls, type):
        cls = class_of(lw, node.value, set())
    if not is_named_tuple_class(cls) or node.attr not in cls._fields:
        return None
    accessor = inspect.getattr_static(cls, node.attr, None)
    if type(accessor).__name__ not in ("_tuplegetter", "property"):
        return None   # the class body redefines it
    return cls._fields.index(node.attr)


def make(lw, node, cls, out, discard):
    """`P(a, b=c)` of a named tuple class P: named_tuple_of(P, (a, c, ...)), every field
    given (a left-out field's default where it is a literal)."""
    from . import runtime_values
    from .callables import canonical_path
    args = [lw.expr(a, out) for a in node.args]
    kws = {k.arg: lw.expr(k.value, out) for k in node.keywords}
    if any(k.arg is None for k in node.keywords) or any(
            isinstance(a, S.Starred) for a in node.args):
        raise lw.error(node, f"{cls.__name__}(*...) or (**...) of a named tuple is not "
                       "followed", hint=f"pass each field: {cls.__name__}("
                       f"{', '.join(cls._fields)})")
    try:
        bound = inspect.signature(cls).bind(*args, **kws)
    except TypeError as exc:
        raise lw.error(node, f"this call does not match {cls.__qualname__}'s fields: "
                       f"{exc}") from None
    items = []
    for name in cls._fields:
        if name in bound.arguments:
            items.append(bound.arguments[name])
            continue
        default = cls._field_defaults.get(name)
        if not (default is None or type(default) in (int, float, bool, str)):
            raise lw.error(node, f"{cls.__name__}'s field {name} is left to its default, "
                           "which is no number or string", hint=f"pass {name}= here")
        items.append(S.const(default))
    listed = lw.temp(out, S.Tuple(elts=items, ctx=S.Load()), Kind.DISPLAY, "items")
    lw.locals.add(listed.id)
    path = canonical_path(cls)
    ref = lw.bind(path, cls) if path is not None else lw.free_reference(node.func)
    lw.bindings["named_tuple_of"] = runtime_values.named_tuple_of
    value = S.Call(func=S.load("named_tuple_of"), args=[ref, listed], keywords=[])
    return lw._result(value, Kind.CALL, runtime_values.named_tuple_of, discard)
