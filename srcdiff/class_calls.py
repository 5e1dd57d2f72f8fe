"""Calls of an object's own class: `type(self)(...)` and `self.__class__(...)` (stage 3,
lower: called by lower_calls.py). Takes the lowering and a gast Call whose callee is
`type(obj)` or `obj.__class__`; gives back the lowered call making an object of obj's
class, or None where the callee is of another form.

srcdiff must know obj's class before the code runs (objects.class_of: a method's `self`,
an object made here, an item of a list it can read); that class is exact (checked where
the code runs where it was read from the objects passed: objects.object_class), so the
call makes an object of it as `C(...)` written by name would: a record's fields given (records.py), or
C's __init__ followed. The emitted code names C by its module path (a record made from
its fields), else calls the class it reads from the object (`cls = type(self)`), never a
name the user's module binds. Where the class is unknown,
`type(obj)(...)` is refused at the user's line with what to write instead
(`obj.__class__(...)` is then a method call as any other).
"""
from . import records
from . import syntax as S
from . import values as fvalues
from .callables import canonical_path
from .objects import class_of, object_class, receiver


def own_class_call(lw, node, out, discard):
    """The lowered `type(obj)(...)` or `obj.__class__(...)` (see the module's docstring), or
    None where node calls something else."""
    target = receiver(lw, node.func)
    if target is None:
        return None
    if isinstance(node.func, S.Attribute) and class_of(lw, target, set()) is None:
        return None   # x.__class__(...) of another value: a method call as any other
    base = lw.expr(target, out)
    cls = object_class(lw, target, base, out) if isinstance(base, S.Name) else None
    if cls is None and isinstance(target, S.Name):
        cls = parameter_class(lw, target.id)
    shown = S.spell(node.func)   # (object_class: checked where it runs, where not made here)
    if not isinstance(cls, type):
        raise lw.error(node, f"srcdiff cannot tell which class {shown} is before the code "
                       "runs, so it cannot follow the object this call makes",
                       hint="call the class by its name (Layer(...)), or call this in a "
                            "method of an object whose class srcdiff knows (an argument, "
                            "an object made here)")
    if records.is_record_class(cls) and (canonical_path(cls) is not None or
                                         records.is_computed_record(cls)):
        return records.make_record(lw, node, cls, out, discard)   # record_of(C, ...)
    func = S.Attribute(value=base, attr="__class__", ctx=S.Load()) \
        if isinstance(node.func, S.Attribute) else S.Call(func=node.func.func, args=[base],
                                                          keywords=[])
    atom = lw.expr(S.place_unplaced(func, node), out)   # cls = type(self): its class
    lw.locals.add(atom.id)
    call = S.place_unplaced(S.Call(func=S.load(atom.id), args=node.args,
                                   keywords=node.keywords), node)
    if records.is_record_class(cls):   # its fields given, as a classmethod's cls(...)
        return records.make_record(lw, call, cls, out, discard)
    return fvalues.call_held(lw, call, cls, out, discard, S.load(atom.id))


def parameter_class(lw, name):
    """The class of the parameter `name`, never rebound, where srcdiff compiled the function
    for objects of exactly that class (a method's `self`: the caller made the object, or
    checked its class, before following the method; an argument: read from the object
    passed, the code compiled anew for another class), else None."""
    from .core import assigned_names
    cls = lw.known_types.get(name)
    if name in lw.params and isinstance(cls, type) and name not in assigned_names(
            lw.fdef.body):
        return cls
    return None
