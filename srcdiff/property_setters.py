"""Writes through a property's setter, `s.value = e` and `s.value op= e` where the class of
the object s holds has `@value.setter` (stage 3, lower: called by lower.py). Takes the
lowering's state and the written target (with the lowered value, or the update statement);
gives back True where the write went through a setter (its lowered call appended to out),
False where attr is no property with a setter of the user's (field_writes.py then writes the
field), or a located refusal.

Python runs the setter, a method writing its object's fields: srcdiff calls it as it calls
any such method (state_methods.call: the object rebound to the one the setter leaves, where
one name of the function holds a record made there), refusing it where the caller passed the
object or another name or a list holds it. `s.value op= e` reads the property, then sets it
(an array the getter gives is checked where the code runs, as a field's `op=` is).
"""
import inspect

from . import state_methods
from . import syntax as S
from .callables import is_user_function
from .field_writes import record_held_once, spell, update as field_update
from .objects import class_of


def store(lw, target, atom, out):
    """`s.attr = atom` through attr's setter, appended to out: True; False where attr has
    none."""
    setter = property_setter(lw, target)
    if setter is None:
        return False
    set_through(lw, target, setter, atom, out)
    return True


def update(lw, node, out):
    """`s.attr op= e` through attr's getter and setter, appended to out: True; False where
    attr has no setter."""
    setter = property_setter(lw, node.target)
    if setter is None:
        return False
    field_update(lw, node, out, store_with=lambda lw, target, atom, out: set_through(
        lw, target, setter, atom, out))
    return True


def property_setter(lw, target):
    """The setter (a function of the user's) of the property `target.attr` of the class
    of the object the name `target.value` holds, where srcdiff knows that class; else None."""
    if not isinstance(target.value, S.Name):
        return None
    cls = class_of(lw, target.value, set())
    prop = inspect.getattr_static(cls, target.attr, None) if isinstance(cls, type) else None
    if isinstance(prop, property) and inspect.isfunction(prop.fset) and is_user_function(
            prop.fset):
        return prop.fset
    return None


def set_through(lw, target, setter, atom, out):
    """`s.value = atom` through the property's setter: the call `setter(s, atom)` of a
    method writing its object's fields (state_methods.call: s rebound to the object it
    leaves, where s is the one holder of a record made here), appended to out."""
    call = S.place_unplaced(S.Call(func=S.place_unplaced(S.Attribute(
        value=target.value, attr=target.attr, ctx=S.Load()), target), args=[atom],
        keywords=[]), target)
    base = lw.expr(target.value, out)
    cls = class_of(lw, target.value, set())
    stmt = state_methods.call(lw, call, base, cls, [atom], [], out, True, fn=setter)
    if stmt is None:   # the caller's object (its setter's writes would change it): refused
        record_held_once(lw, target.value, target, cls,
                         f"set {spell(target)} through its property's setter")
        raise lw.error(target, f"srcdiff cannot follow the setter of {spell(target)}: it "
                       "writes no field of its object",
                       hint="write the fields the setter should set, or call a method")
    out.append(stmt)
