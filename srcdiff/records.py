"""Records in differentiated code: dataclasses and plain classes whose __init__ only stores its
parameters (`self.w = w`) or computes its fields (init_fields.py), read, made and given back
as gradients (stage 3, lower, for reads
and objects made; transform.py for the entry check and the gradient given back; reverse and
forward for the refusal: called by lower_calls.py, lower_exprs.py, reverse.py, forward.py,
forward_driver.py and transform.py). Takes the lowering's state and a node, or a lowered
parameter; gives back lowered calls of the runtime_values helpers, the text of the emitted
check and finalization, or a located error.

A field read `p.w` of a record is runtime_values.record_field(p, 'w'), whose adjoint is a
FieldGrads of the fields read; a record made in the function is runtime_values.record_of(
cls, names, items), every field given (a default the call leaves out is filled in: a
literal as a constant, any other default by the name it is bound to, as function defaults
are). Differentiating with respect to a record passed in gives an object of the same class
(check_text / finalize_text: runtime_values.finalize_record): for a dataclass,
dataclasses.replace of the one passed; for another record class, a copy.copy of it; in
both, each field that carries a derivative (a float number or array, a record, or a list,
tuple or dict of them) holds its derivative (a zero where none), every other field as it
was. A list, tuple or dict of records passed in (items_facts) gives one of the same
structure whose records are such objects (runtime_values.check_items, finalize_items).
An attribute of an object of any other class is refused where it is differentiated,
naming dataclasses and record classes (attribute_refusal). A class-body constant read through
an object is class_constants.py's; noting the classes of records passed to a helper,
record_notes.py's.
"""
import dataclasses
import inspect

from . import syntax as S
from .callables import canonical_path
from .core import Kind
from .named_tuples import is_make, is_named_tuple_class
from .objects import class_of, is_user_class
from .object_lists import shared_field


def record_read(lw, node, base, out):
    """`p.w` where p is a record object (a dataclass, or a class whose __init__ only stores
    its parameters) of a class known here and w one of its fields: (the call
    runtime_values.record_field(p, 'w'), the function), whose rules give p a derivative of
    the same class; None otherwise."""
    if not isinstance(base, S.Name):
        return None
    cls = lw.known_types.get(base.id)
    from .core import assigned_names
    if not isinstance(cls, type) or base.id in assigned_names(lw.fdef.body):
        cls = class_of(lw, node.value, set()) or shared_field(lw, node, record_fields)   # A or B
    getter = _property_getter(cls, node.attr)
    if getter is not None:   # @property: its getter called on the object
        from .callables import canonical_path as path_of
        ref = lw.bind(path_of(getter), getter) if path_of(getter) else bound_name(
            lw, getter, f"{cls.__name__}_{node.attr}_getter")
        from .objects import known_values
        known_values(lw)[base.id] = cls   # the getter's self, for its callee
        return S.Call(func=ref, args=[base], keywords=[]), getter
    fields = record_fields(cls) if isinstance(cls, type) else None
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        fields = tuple(f.name for f in dataclasses.fields(cls))   # passed in, or made here
    from . import class_constants
    if (fields is None or node.attr not in fields) and class_constants.class_constant(
            cls, node.attr) and not class_constants.stored(lw.fdef, node.attr):
        return class_constants.class_attribute(lw, node, base)   # `scale = 2.0` in the body
    # an object of any other class keeps its attributes as attributes: refused where they
    # are differentiated (attribute_refusal), as its gradient could not be given back
    if fields is None or node.attr not in fields:
        return None
    from . import runtime_values
    lw.bindings["record_field"] = runtime_values.record_field
    call = S.Call(func=S.load("record_field"), args=[base, S.const(node.attr)], keywords=[])
    return call, runtime_values.record_field


def property_dispatch(lw, node, base, out, target):
    """`s.perimeter` where s is an item of a list holding objects of several classes
    (objects.item_classes) each with a @property `perimeter` of the user's: a branch per
    class on the object's exact class calling that class's getter (objects.dispatch, whose
    last branch checks the class where the code runs); the statement binding `target`, or
    None otherwise."""
    from .objects import dispatch, item_classes
    if not isinstance(base, S.Name) or lw.known_types.get(base.id) is not None:
        return None
    classes = item_classes(lw, node.value)
    if not classes or not all(_property_getter(c, node.attr) for c in classes):
        return None

    def one(alias, cls, body):
        getter = _property_getter(cls, node.attr)
        ref = lw.bind(canonical_path(getter), getter) if canonical_path(getter) else \
            bound_name(lw, getter, f"{cls.__name__}_{node.attr}_getter")
        return lw.assign(lw.namer.fresh(node.attr), S.Call(func=ref, args=[alias],
                                                            keywords=[]), Kind.CALL, func=getter)
    call = S.Call(func=node, args=[], keywords=[])   # (what dispatch reads: the name, the line)
    stmt = dispatch(lw, call, base, classes, out, False, one)
    stmt.targets = [S.store(target)]
    return stmt


def _property_getter(cls, attr):
    """The user's getter of the @property `attr` of class `cls`, or None."""
    from .callables import is_user_function
    if not (isinstance(cls, type) and is_user_class(cls)):
        return None
    prop = inspect.getattr_static(cls, attr, None)
    getter = prop.fget if isinstance(prop, property) else None
    return getter if inspect.isfunction(getter) and is_user_function(getter) else None


def bound_name(lw, obj, base):
    """A name of the emitted module bound to `obj` (one already bound to it whose name
    starts with `base`, else a fresh one): a property's getter, a function a field holds."""
    for name, bound in lw.bindings.items():
        if bound is obj and name.startswith(base):
            return S.load(name)
    name = lw.namer.fresh(base)
    lw.bindings[name] = obj
    return S.load(name)


def is_record_class(obj):
    """A class whose objects are their fields: a dataclass whose generated __init__ only
    stores its arguments (no __post_init__, no field left out of __init__), or a class whose
    own __init__ only stores each parameter under its own name (`self.w = w`). Made in
    differentiated code by runtime_values.record_of, field by field."""
    return record_fields(obj) is not None


_RECORD_FIELDS = {}


def record_fields(cls):
    """The field names of a record class (see is_record_class), or None."""
    if not (isinstance(cls, type) and is_user_class(cls)):
        return None
    try:
        hit = _RECORD_FIELDS.get(cls)
    except TypeError:
        return None
    if hit is not None and hit[0] is cls.__dict__.get("__init__", cls.__init__):
        return hit[1]
    init = cls.__init__
    fields = None
    code = getattr(init, "__code__", None)
    if dataclasses.is_dataclass(cls):
        params = getattr(cls, "__dataclass_params__", None)
        if (params is not None and params.init and not hasattr(cls, "__post_init__")
                and all(f.init for f in dataclasses.fields(cls))
                and code is not None and code.co_filename == "<string>"):
            fields = tuple(f.name for f in dataclasses.fields(cls))
    elif inspect.isfunction(init) and not hasattr(cls, "__slots__") and \
            cls.__setattr__ is object.__setattr__ and cls.__getattribute__ is \
            object.__getattribute__:
        fields = _stored_parameters(init)
        if fields is None:   # an __init__ computing its fields (self.v = w * scale)
            from .init_fields import computed_fields
            fields = computed_fields(cls)
    _RECORD_FIELDS[cls] = (cls.__dict__.get("__init__", init), fields)
    return fields


def is_computed_record(cls):
    """Whether cls is a record class whose __init__ computes its fields (init_fields.py),
    not one storing each parameter under its own name (nor a dataclass)."""
    return record_fields(cls) is not None and not dataclasses.is_dataclass(cls) and \
        _stored_parameters(cls.__init__) is None


def _stored_parameters(init):
    """The parameters of an __init__ whose body only stores each (positional) parameter
    under its own name, `self.p = p`, every one once; None for any other body."""
    from .frontend import get_source
    try:
        fdef = get_source(init).node
    except Exception:
        return None
    a = fdef.args
    if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or not a.args:
        return None
    me, params = a.args[0].id, [p.id for p in a.args[1:]]
    body = fdef.body
    if body and isinstance(body[0], S.Expr) and isinstance(body[0].value, S.Constant):
        body = body[1:]
    stored = []
    for stmt in body:
        if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1):
            return None
        t, v = stmt.targets[0], stmt.value
        if not (isinstance(t, S.Attribute) and isinstance(t.value, S.Name) and t.value.id == me
                and isinstance(v, S.Name) and v.id == t.attr and v.id in params):
            return None
        stored.append(v.id)
    if sorted(stored) != sorted(params) or not params:
        return None
    return tuple(params)


def made_field_by_field(obj):
    """Whether a call of `obj` is lowered by make_record: a record class, a named tuple's
    (or its _make)."""
    return is_record_class(obj) or is_named_tuple_class(obj) or is_make(obj)


def make_record(lw, node, cls, out, discard):
    """`P(a, b=c)` of a record class P: record_of(P, ('a', 'b', ...), [a, c, ...]), every
    field given; a field the call leaves out gets its default as P's __init__ would give it
    (default_value). A named tuple class's: named_tuples.make."""
    from . import runtime_values
    from .named_tuples import is_make, is_named_tuple_class
    if is_make(cls):   # P._make(seq)
        from .named_tuples import make_from
        return make_from(lw, node, cls, out, discard)
    if is_named_tuple_class(cls):
        from .named_tuples import make
        return make(lw, node, cls, out, discard)
    args = [lw.expr(a, out) for a in node.args]
    kws = {k.arg: lw.expr(k.value, out) for k in node.keywords}
    if is_computed_record(cls):   # its __init__ computes the fields: init_fields.py
        from .init_fields import make
        keywords = [S.keyword(arg=k, value=v) for k, v in kws.items()]
        return make(lw, node, cls, record_fields(cls), args, keywords, out, discard)
    try:
        bound = inspect.signature(cls).bind(*args, **kws)
    except TypeError as exc:
        raise lw.error(node, f"this call does not match {cls.__qualname__}'s fields: "
                       f"{exc}") from None
    names, items = [], []
    for name in record_fields(cls):
        if name in bound.arguments:
            items.append(bound.arguments[name])
        else:
            items.append(default_value(lw, cls, name, out))
        names.append(name)
    listed = lw.temp(out, S.List(elts=items, ctx=S.Load()), Kind.DISPLAY, "fields")
    lw.locals.add(listed.id)
    path = canonical_path(cls)
    ref = lw.bind(path, cls) if path is not None else lw.free_reference(node.func)
    lw.bindings["record_of"] = runtime_values.record_of
    value = S.Call(func=S.load("record_of"), args=[ref, S.const(tuple(names)), listed],
                   keywords=[])
    return lw._result(value, Kind.CALL, runtime_values.record_of, discard)


def default_value(lw, cls, name, out):
    """The value of the field `name` a call of the record class `cls` leaves out, as its
    __init__ gives it: a `default_factory` is called where the record is made (a fresh
    object each time, carrying no derivative: it reads no argument), any other default is
    the object the class holds (a literal as a constant, another object by name, as
    function defaults are: lower_calls.default_argument)."""
    field = {f.name: f for f in dataclasses.fields(cls)}.get(name) if \
        dataclasses.is_dataclass(cls) else None
    if field is not None and field.default_factory is not dataclasses.MISSING:
        factory = field.default_factory
        base = f"{cls.__name__}_{name}_factory"
        bound = next((k for k, v in lw.bindings.items() if v is factory and
                      k.startswith(base)), None) or lw.namer.fresh(base)
        lw.bindings[bound] = factory
        made = lw.temp(out, S.Call(func=S.load(bound), args=[], keywords=[]), Kind.OPAQUE,
                       name)
        lw.locals.add(made.id)
        return made
    # the call bound to the signature: a parameter it leaves out has a default
    return lw.default_argument(cls, name, inspect.signature(cls).parameters[name].default)


def _is_space(low, w):
    """Whether the parameter w holds a value of a user vector space (VSpace.register)."""
    cls = getattr(low, "known_types", {}).get(w)
    return isinstance(cls, type) and getattr(cls, "__srcdiff_vspace__", None) is not None


def _record_spec(low, w):
    """How the parameter w is checked and given back as a record: '' for a dataclass (its
    fields are read from it where the code runs), ', (names...)' for another record class
    (the fields its __init__ stores), None for any other value."""
    cls = getattr(low, "known_types", {}).get(w)
    if not isinstance(cls, type) or not is_user_class(cls):
        return None
    if dataclasses.is_dataclass(cls):
        return ""
    fields = record_fields(cls)
    return None if fields is None else f", {fields!r}"


ITEMS = ".__records__"   # known_types[w + ITEMS]: the list, tuple or dict w holds records


def items_facts(name, value):
    """{name + ITEMS: True} where the argument `value` is a list, tuple or dict holding
    records (dataclasses, objects of record classes; at any depth, beside numbers and
    arrays): checked and given back item by item (runtime_values.check_items,
    finalize_items); and {name + '{}': C} where it is a dict whose values are all of one
    user class C."""

    def holds(v):
        if isinstance(v, (list, tuple)):
            return any(holds(x) for x in v)
        if isinstance(v, dict):
            return any(holds(x) for x in v.values())
        if isinstance(v, type) or getattr(type(v), "__srcdiff_vspace__", None) is not None:
            return False   # (a user vector space's value: a space of its own, not a record)
        return dataclasses.is_dataclass(v) or is_record_class(type(v))
    facts = {}
    if type(value) in (list, tuple, dict) and holds(value):
        facts[name + ITEMS] = True
    if type(value) is dict and value:   # "coder{}": the one class of a dict's values, read
        from .object_lists import _items_classes   # by objects.class_of for coder["enc"]
        cls = _items_classes(list(value.values()))
        if isinstance(cls, type):
            facts[name + "{}"] = cls
    return facts


def check_text(low, w):
    """The check of a differentiated parameter at the derivative's entry, and the helper
    it needs: a record's fields are checked by runtime_values.check_record."""
    if _is_space(low, w):   # a user vector space's value: vector_spaces.py checked its uses
        from .runtime_extend import check_space_value
        return f"check_space_value({w}, {w!r})", {"check_space_value": check_space_value}
    if getattr(low, "known_types", {}).get(w + ITEMS):   # a list of records
        from . import runtime_values
        return (f"check_items({w}, {w!r}, check_differentiable)",
                {"check_items": runtime_values.check_items})
    spec = _record_spec(low, w)
    if spec is not None:
        from . import runtime_values   # (imported only for a record)
        return (f"check_record({w}, {w!r}, check_differentiable{spec})",
                {"check_record": runtime_values.check_record})
    return f"check_differentiable({w}, {w!r})", {}


def finalize_text(low, w, d, like):
    """The gradient given back for a parameter: a record's is an object of the same class,
    a copy of the one passed whose differentiated fields hold their derivatives (a zero
    where none), other fields as they were (runtime_values.finalize_record)."""
    if _is_space(low, w):   # a user vector space's value: the sum of its cotangents
        from .runtime_extend import vspace_finalize
        return f"vspace_finalize({d}, {like}, {w!r})", {"vspace_finalize": vspace_finalize}
    if getattr(low, "known_types", {}).get(w + ITEMS):   # a list of records
        from . import runtime_values
        return (f"finalize_items({d}, {like}, {w!r}, finalize)",
                {"finalize_items": runtime_values.finalize_items})
    spec = _record_spec(low, w)
    if spec is not None:
        from . import runtime_values   # (imported only for a record)
        return (f"finalize_record({d}, {like}, {w!r}, finalize{spec})",
                {"finalize_record": runtime_values.finalize_record})
    return f"finalize({d}, {like}, {w!r})", {}


def attribute_refusal(src, known, stmt):
    """The located error for `x = p.attr` where p carries a derivative and p.attr is no
    field of a record (read by reverse.py and forward.py): for an object of the user's
    class, it says which classes give a gradient back and what to write instead."""
    from .errors import NoRuleError
    value = stmt.value
    attr = value.attr
    cls = known.get(value.value.id) if isinstance(value.value, S.Name) else None
    reason = f"srcdiff cannot differentiate through the attribute .{attr} of a value being " \
        "differentiated whose class it cannot tell here: it reads an object's fields where " \
        "it knows the object's class before the code runs (a parameter, an object made by " \
        "calling its class, or returned by a function, method or operator of a known " \
        "class whose every return makes one class: `return V(...)`)"
    hint = "make the object where its class shows (u = V(...)), or give the function that " \
        "makes it returns of one class; an array's values: compute them with numpy functions"
    if isinstance(cls, type) and is_user_class(cls):
        name = cls.__qualname__
        fields = record_fields(cls)
        reason = (f"srcdiff cannot differentiate through the attribute .{attr} of a {name} "
                  "object being differentiated: srcdiff differentiates the fields of a "
                  "dataclass or of a record class (one whose __init__ only stores each "
                  "parameter under its own name) and gives the gradient back as an object "
                  "of that class, ")
        if fields is None:
            reason += (f"and {name}'s __init__ does more than store its parameters or "
                       "set fields it computes")
            hint = (f"make {name} a @dataclasses.dataclass, or write its __init__ to store "
                    f"each parameter under its own name (def __init__(self, {attr}): "
                    f"self.{attr} = {attr}) and compute the rest in a method; or pass the "
                    "arrays themselves and differentiate with respect to them")
        else:
            reason += f"and .{attr} is not one of {name}'s fields {fields}"
            hint = (f"pass {attr} to {name}'s __init__ (self.{attr} = {attr}), or compute it "
                    "in a method from the fields")
    elif isinstance(cls, type):   # an object of Python's own class (types.SimpleNamespace)
        name = f"{cls.__module__}.{cls.__qualname__}"
        reason = (f"srcdiff cannot differentiate through the attribute .{attr} of a {name} "
                  "object being differentiated: srcdiff differentiates the fields of a "
                  "dataclass or of a record class of yours (one whose __init__ only stores "
                  f"each parameter under its own name), and {name} is Python's own class")
        hint = (f"hold the arrays in a @dataclasses.dataclass of yours instead of a {name}, "
                "or pass the arrays themselves and differentiate with respect to them")
    return src.error(stmt.sd.line, reason, hint=hint, cls=NoRuleError)
