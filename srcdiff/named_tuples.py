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

Its methods: `p._replace(w=v)` is P made of v and p's other items (`named_tuple_of(P, (v,
p[1]))`), `p._asdict()` the dict display {'w': p[0], 'b': p[1]}, `P._make(seq)` P made of
seq's items (a display's, or `named_tuple_of(P, seq)`), and `p._fields` / `P._fields` the
constant tuple of field names.
"""
import inspect

from . import syntax as S
from .core import Kind
from .objects import is_user_class


def is_named_tuple_class(obj):
    """A class made by typing.NamedTuple or collections.namedtuple (a tuple class with
    `_fields` and `_make`), of the user's."""
    return isinstance(obj, type) and issubclass(obj, tuple) and is_user_class(obj) and \
        isinstance(getattr(obj, "_fields", None), tuple) and hasattr(obj, "_make")


def class_known(lw, node, base):
    """The named tuple class of `base` (the lowered `node`) where srcdiff can tell it here;
    else None."""
    from .objects import class_of
    if not isinstance(base, S.Name):
        return None
    cls = lw.known_types.get(base.id)
    if not isinstance(cls, type):
        cls = class_of(lw, node, set())
    return cls if is_named_tuple_class(cls) else None


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


def fields_read(lw, node, base):
    """`p._fields` of a named tuple p whose class is known here: the tuple display of its
    field names; else None."""
    cls = class_known(lw, node.value, base) if node.attr == "_fields" else None
    return None if cls is None else S.Tuple(elts=[S.const(n) for n in cls._fields],
                                            ctx=S.Load())


def method_call(lw, node, base, out, discard):
    """`p._replace(w=v)` or `p._asdict()` of a named tuple p whose class is known here (p
    lowered to the name `base`): the lowered call making the new named tuple, or the dict
    display of p's items; None for any other method call."""
    method = node.func.attr
    cls = class_known(lw, node.func.value, base) if method in ("_replace", "_asdict") \
        else None
    if cls is None:
        return None
    if node.args or any(k.arg is None for k in node.keywords) or (
            method == "_asdict" and node.keywords):
        raise lw.error(node, f"{S.spell(node.func)}(...) is given arguments srcdiff does not "
                       "follow", hint=f"write {base.id}._replace(field=value, ...) or "
                       f"{base.id}._asdict()")
    given = {k.arg: lw.expr(k.value, out) for k in node.keywords}
    unknown = sorted(set(given) - set(cls._fields))
    if unknown:
        raise lw.error(node, f"{cls.__name__} has no field {', '.join(unknown)}: "
                       f"{S.spell(node.func)} raises ValueError here",
                       hint=f"name fields of {cls.__name__}: {', '.join(cls._fields)}")
    items = [given[name] if name in given else lw.temp(
        out, S.Subscript(value=S.load(base.id), slice=S.const(i), ctx=S.Load()),
        Kind.SUBSCRIPT, f"{base.id}_{name}") for i, name in enumerate(cls._fields)]
    if method == "_asdict":   # a dict of the fields (dict, not OrderedDict, since 3.8)
        value = S.Dict(keys=[S.const(name) for name in cls._fields], values=items)
        return lw._result(value, Kind.DISPLAY, dict, discard)
    return _made_of(lw, cls, items, out, discard)


def is_make(obj):
    """Whether `obj` is P._make of a named tuple class P of the user's."""
    return getattr(obj, "__name__", None) == "_make" and \
        is_named_tuple_class(getattr(obj, "__self__", None))


def make_from(lw, node, obj, out, discard):
    """`P._make(seq)`: P made of the items of seq, a list or tuple display's (as P(a, b)),
    or of any other sequence (named_tuple_of(P, seq), which raises as P._make does where
    seq holds another number of items)."""
    cls = obj.__self__
    if len(node.args) != 1 or node.keywords or isinstance(node.args[0], S.Starred):
        raise lw.error(node, f"{cls.__name__}._make(...) is given arguments srcdiff does not "
                       "follow", hint=f"write {cls.__name__}._make([a, b]) or "
                       f"{cls.__name__}(a, b)")
    seq = node.args[0]
    if isinstance(seq, (S.List, S.Tuple)) and not any(
            isinstance(e, S.Starred) for e in seq.elts):
        if len(seq.elts) != len(cls._fields):
            raise lw.error(node, f"{cls.__name__}._make is given {len(seq.elts)} items for "
                           f"{len(cls._fields)} fields: it raises TypeError here",
                           hint=f"give one item for each of {', '.join(cls._fields)}")
        return _made_of(lw, cls, [lw.expr(e, out) for e in seq.elts], out, discard)
    atom = lw.expr(seq, out)
    return _made_of(lw, cls, None, out, discard, atom)


def _made_of(lw, cls, items, out, discard, listed=None):
    """named_tuple_of(cls, (items...)) (or of the sequence `listed`), its result."""
    from . import runtime_values
    from .callables import canonical_path
    if listed is None:
        listed = lw.temp(out, S.Tuple(elts=items, ctx=S.Load()), Kind.DISPLAY, "items")
        lw.locals.add(listed.id)
    path = canonical_path(cls)
    ref = lw.bind(path, cls) if path is not None else _bound(lw, cls)
    lw.bindings["named_tuple_of"] = runtime_values.named_tuple_of
    value = S.Call(func=S.load("named_tuple_of"), args=[ref, listed], keywords=[])
    return lw._result(value, Kind.CALL, runtime_values.named_tuple_of, discard)


def _bound(lw, cls):
    """A name of the emitted module bound to the class `cls` (one already bound to it, else
    a fresh one): a class with no module path (made in a function)."""
    for name, bound in lw.bindings.items():
        if bound is cls:
            return S.load(name)
    name = lw.namer.fresh(cls.__name__)
    lw.bindings[name] = cls
    return S.load(name)
