"""Calls of a function an object holds in a field (stage 3, lower: called by lower_calls).
Takes the lowering's state, a call `obj.field(...)` whose object's class is known, and the
objects passed in; gives back the lowered call of the function the field holds, the facts
read from the objects passed (field_facts), or a located refusal.

`p.act(x)` where `act` is a field of p (a dataclass field, a field a record class's
__init__ stores, or any attribute of an object passed in) calls the function the field
holds, not a method: an attribute of the object hides the class's. srcdiff specialises on
that function as it does on a function passed as a value (values.py):

* an object passed in: the functions its attributes hold are read from the value passed
  (field_facts: `p.act` -> Known(numpy.tanh)), are part of what the code is compiled for,
  and reach the methods called on it (`self.act` in Layer.forward);
* a record made here (`P(w)`, `Layer(w, softplus)`): the function given to the field where
  it is made, or the field's default (a dataclass default, a default of __init__).

The call names the function itself (numpy.tanh), or a name the emitted module binds to it
(a partial, a function of __main__): the code is compiled for that object. Where the
function a field holds cannot be told before the code runs (a partial made here, a field
of the items of a list item_fields.py cannot read, a function that calls setattr), the call
is refused at the user's line, saying so.
"""
import dataclasses
import inspect
import weakref

import numpy

from . import syntax as S
from .callables import canonical_path
from . import values
from .core import Kind
from .objects import _fact_key, _single_bindings, _user_object, known_values
from .records import bound_name, is_computed_record, record_fields


def field_facts(name, value):
    """`name.attr` -> Known(function) for each attribute of a user object `value` that holds a
    function value (values.is_function_value); {} for any other value."""
    if not _user_object(value):
        return {}
    facts = {}
    for attr, v in sorted(getattr(value, "__dict__", {}).items()):
        if isinstance(attr, str) and attr.isidentifier() and callable(v) and not isinstance(
                v, type) and values.is_function_value(v):
            facts[f"{name}.{attr}"] = values.Known(v)
    return facts


def instance_fields(cls):
    """The attributes objects of `cls` hold themselves (they hide the class's attributes of
    the same name): a dataclass's fields, a record class's, and every `self.name = ...` of
    its __init__."""
    if dataclasses.is_dataclass(cls):
        return {f.name for f in dataclasses.fields(cls)}
    init = cls.__dict__.get("__init__")
    try:
        hit = _FIELDS.get(cls)
    except TypeError:
        hit = None
    if hit is not None and hit[0] is init:
        return hit[1]
    fields = _stored(cls)
    try:
        _FIELDS[cls] = (init, fields)
    except TypeError:
        pass
    return fields


_FIELDS = weakref.WeakKeyDictionary()   # class -> (its __init__, the attributes it stores)


def _stored(cls):
    """The attributes the __init__ of cls and of its bases store on self (all of them: an
    attribute taken for a field where it is not is refused, never called as a method)."""
    from .frontend import get_source
    fields = set(record_fields(cls) or ())
    for klass in cls.__mro__:
        own = klass.__dict__.get("__init__")
        if not inspect.isfunction(own):
            continue
        try:
            fdef = get_source(own).node
        except Exception:
            continue
        me = fdef.args.args[0].id if fdef.args.args else None
        for n in S.walk(fdef):
            if isinstance(n, S.Attribute) and isinstance(n.ctx, S.Store) and isinstance(
                    n.value, S.Name) and n.value.id == me:
                fields.add(n.attr)
    return fields


def call_field(lw, node, base, cls, out, discard):
    """`base.field(...)` where base holds an object of class `cls` and `field` is one of its
    instance fields: the call of the function the field holds; None where `field` is no
    instance field of cls (a method); a located refusal where the function is unknown."""
    attr = node.func.attr
    known = lw.known_types.get(base.id + "." + attr) if isinstance(base, S.Name) else None
    key = _fact_key(lw, node.func.value)
    if key is not None and known is None:
        known = lw.known_types.get(key + "." + attr)
    held = known.obj if isinstance(known, values.Known) else None
    if attr not in instance_fields(cls) and held is None:
        return None
    if held is None:
        held = _given(lw, node.func.value, cls, attr)
    root, parts = S.attribute_chain(node.func)
    shown = ".".join([root.id] + parts) if isinstance(root, S.Name) else "." + attr
    if held is not None and _sets_attributes(lw):
        # setattr(p, 'act', g) may change what the field holds: not followed
        raise lw.error(node, f"srcdiff cannot tell which function {shown} holds when it is "
                       "called: this function changes attributes with setattr, delattr, "
                       "vars() or __dict__, which srcdiff does not follow",
                       hint=f"make a new {cls.__qualname__}(...) with the function instead "
                            "of changing the field")
    if held is None:
        raise lw.error(node, f"srcdiff cannot tell which function the field .{attr} of this "
                       f"{cls.__qualname__} object holds before the code runs, so it cannot "
                       f"differentiate the call {shown}(...)",
                       hint=f"give {cls.__qualname__}(...) a function defined at module level "
                            f"(or a functools.partial of one) for {attr}, made where it is "
                            "called or passed in, or call that function by name")
    path = canonical_path(held) if inspect.isroutine(held) or isinstance(
        held, numpy.ufunc) else None
    if path is not None and not path.startswith("__main__"):
        ref = None   # called by its own name: the code is specialised on this function
        named = lw.bind(path, held)
    else:   # a partial, a function of __main__: the emitted module is given it by name
        # the code is compiled for this object (one passed in is part of the key)
        ref = named = bound_name(lw, held, f"{cls.__name__}_{attr}")
    _check(lw, base, cls, attr, named, out)
    return values.call_held(lw, node, held, out, discard, ref)


def _check(lw, base, cls, attr, named, out):
    """check_field_function(base.attr, the function compiled for, 'FILE:LINE'): where the field
    holds another function when the call runs (setattr), the call is refused there."""
    from . import runtime_fields
    from .errors import where
    read = read_field(lw, base, cls, attr, out)
    check = runtime_fields.check_field_function
    lw.bindings[check.__name__] = check
    guard = S.Expr(value=S.Call(func=S.load(check.__name__), args=[
        read, named, S.const(where(lw.src.filename, lw.line))], keywords=[]))
    out.append(lw.info(guard, Kind.EFFECT, func=check))


def read_field(lw, base, cls, attr, out):
    """An atom holding base.attr: read as a record's field is (record_field) where cls is a
    record class and attr one of its fields, as a plain attribute otherwise."""
    if record_fields(cls) is not None and attr in record_fields(cls):
        from . import runtime_values
        lw.bindings["record_field"] = runtime_values.record_field
        value = S.Call(func=S.load("record_field"), args=[base, S.const(attr)], keywords=[])
        read = lw.temp(out, value, Kind.CALL, attr, func=runtime_values.record_field)
    else:
        read = lw.temp(out, S.Attribute(value=base, attr=attr, ctx=S.Load()), Kind.OPAQUE,
                       attr)
    lw.locals.add(read.id)
    return read


def note_fields(lw, node, base):
    """The functions the fields of a record made here hold (`Layer(w, softplus)` bound to
    `base`), noted for the methods called on it (`self.act` in Layer.forward)."""
    from .objects import class_of
    cls = class_of(lw, node, set())
    if not isinstance(base, S.Name) or not isinstance(cls, type) or \
            record_fields(cls) is None:
        return
    for attr in record_fields(cls):
        key = f"{base.id}.{attr}"
        if key in lw.known_types or key in known_values(lw):
            continue
        held = _given(lw, node, cls, attr)
        if held is not None:
            known_values(lw)[key] = values.Known(held)
            continue
        classes = _listed_classes(lw, _argument(lw, node, cls, attr))
        if classes is not None:   # Sequential([Dense(w), Dense(v)]): self.layers[] in its methods
            known_values(lw)[key + "[]"] = classes


def _listed_classes(lw, given):
    """The class of the items of the list `given` (a display, or a local bound once to one and
    never grown) of objects made here; a tuple of them where several; None otherwise. Checked
    where the methods run over them (objects.object_class: check_class)."""
    from .objects import _local_items, _displayed, class_of
    if given is None or not (isinstance(given, (S.List, S.Tuple)) or _displayed(lw, given)):
        return None
    items = _local_items(lw, given)
    if not items:
        return None
    classes = []
    for e in items:
        found = class_of(lw, e, set())
        if not isinstance(found, type) or canonical_path(found) is None:
            return None
        if found not in classes:
            classes.append(found)
    return classes[0] if len(classes) == 1 else tuple(classes)


def _argument(lw, node, cls, attr):
    """The expression a record made here (`P(a, b=c)`) was given for its field `attr`, or
    None."""
    made = _made(lw, node, set())
    if made is None or is_computed_record(cls) or any(
            isinstance(a, S.Starred) for a in made.args) or any(
            k.arg is None for k in made.keywords):
        return None
    try:
        bound = inspect.signature(cls).bind(*made.args, **{k.arg: k.value
                                                          for k in made.keywords})
    except TypeError:
        return None
    return bound.arguments.get(attr)


def _made(lw, node, seen):
    """The call that made the object `node` holds, following names bound once: `P(w)` of
    `p = P(w)`; None where it was not made here."""
    while isinstance(node, S.Name) and node.id in lw.locals and node.id not in seen:
        seen.add(node.id)
        node = _single_bindings(lw).get(node.id)
    return node if isinstance(node, S.Call) else None


def _given(lw, node, cls, attr):
    """The function the field `attr` of a record made here holds: the argument given for it
    (a module-level function or partial, a local known to hold one) or its default; None
    where srcdiff cannot tell."""
    made = _made(lw, node, set())
    fields = record_fields(cls)
    if made is None or fields is None or attr not in fields or is_computed_record(cls):
        return None   # (an __init__ computing fields: its parameters are not its fields)
    try:
        bound = inspect.signature(cls).bind(*made.args, **{
            k.arg: k.value for k in made.keywords if k.arg is not None})
    except TypeError:
        return None
    if any(isinstance(a, S.Starred) for a in made.args) or any(
            k.arg is None for k in made.keywords):
        return None
    if attr not in bound.arguments:
        field = {f.name: f for f in dataclasses.fields(cls)}.get(attr) if \
            dataclasses.is_dataclass(cls) else None
        if field is not None and field.default_factory is not dataclasses.MISSING:
            return None
        obj = inspect.signature(cls).parameters[attr].default
        return obj if _function(lw, obj) else None
    given = bound.arguments[attr]
    if isinstance(given, (S.Name, S.Attribute)) and lw._global_path(given) is not None:
        obj = lw._callee_object(given)
        return obj if _function(lw, obj) else None
    if isinstance(given, S.Name) and given.id in lw.locals:
        obj = values.held(lw, given.id)
        return obj if obj is not None and not isinstance(obj, values.LocalPartial) else None
    return None


_SETTERS = {"setattr", "delattr", "vars", "__setattr__", "__dict__", "__delattr__"}


def _sets_attributes(lw):
    """Whether the function may change an object's attributes other than by assignment
    (which lowering refuses): setattr, delattr, vars(), __dict__, __setattr__."""
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Name) and n.id in _SETTERS or isinstance(
                n, S.Attribute) and n.attr in _SETTERS:
            return True
    return False


def _function(lw, obj):
    return obj is not None and not isinstance(obj, type) and (
        values.is_function_value(obj) or values.called_value(lw, obj) is not None)


# -- objects called: `net(x)` is `net.__call__(x)` ---------------------------------------------
def has_call(cls):
    """Whether objects of the user's class `cls` are called through its own __call__."""
    from .callables import is_user_function
    from .objects import is_user_class
    fn = inspect.getattr_static(cls, "__call__", None) if is_user_class(cls) else None
    if inspect.isfunction(fn) and getattr(fn, "__srcdiff_primitive__", False):
        return True   # an autograd-style @primitive __call__ (srcdiff.extend): its rules
    return inspect.isfunction(fn) and is_user_function(fn)


def called_object(obj):
    """Whether the module-level `obj` is an object of the user's class called through its
    __call__ (one with a rule of its own keeps the rule)."""
    from . import rules
    from .objects import _user_object
    return _user_object(obj) and has_call(type(obj)) and rules.lookup(
        "reverse", obj) is None and rules.lookup("forward", obj) is None and not (
        rules.is_nondifferentiable(obj))


def callable_object(lw, func):
    """Whether the local `func` holds an object of a class srcdiff knows that has __call__,
    or an item of a list of objects of several classes, one with __call__ (a dispatch: a
    class without it is refused there, naming it)."""
    from .objects import class_of, item_classes
    from .core import assigned_names
    cls = lw.known_types.get(func.id)
    if not isinstance(cls, type) or func.id in assigned_names(lw.fdef.body):
        cls = class_of(lw, func, set())
    if isinstance(cls, type):
        return has_call(cls)
    classes = item_classes(lw, func)
    return bool(classes) and any(has_call(c) for c in classes)


def callable_item(lw, func):
    """Whether the item `func` (`layers[1]`), or the call `func` (`p.shifted(0.1)`, called
    in turn), is known to hold or give an object of a class of the user's that has __call__
    (as objects.class_of tells it: an item at a constant index of a list of objects made here
    or passed in; what a method or factory returns)."""
    from .objects import class_of
    cls = class_of(lw, func, set())
    return isinstance(cls, type) and has_call(cls)


def dunder_call(node):
    """`f(args)` as `f.__call__(args)`, at the same place."""
    call = S.Call(func=S.Attribute(value=node.func, attr="__call__", ctx=S.Load()),
                  args=node.args, keywords=node.keywords)
    for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
        if hasattr(node, attr):
            setattr(call, attr, getattr(node, attr))
            setattr(call.func, attr, getattr(node, attr))
    return call
