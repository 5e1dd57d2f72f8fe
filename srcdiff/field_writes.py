"""Writes of a record's field, `r.b = e` and `r.b += e` (stage 3, lower: called by lower.py).
Takes the lowering's state, the written target `r.b` and the lowered value (or the update
statement); gives back the lowered statements rebinding r to a record with that field
replaced, or a located refusal.

A field write changes the object every holder of it sees. srcdiff knows every holder of a
record made in the function and bound to one name that is only read through its fields and
methods (`r = Record(w, b)`, then `r.b`, `r.energy()`, `return r`): there, `r.b = e` is the
rebinding `r = record_of(Record, ('w', 'b'), [record_field(r, 'w'), e])`, which every later
read of r sees, as it would see the write. Where another holder could see the write (r
passed to a call, put in a list or another name, read by a nested function, an item of a
list), or where the object came from the caller (whose object Python would change behind
its back), the write is refused at the user's line, saying which holder and what to write
instead. `r.b += e` is `r.b = r.b + e` for a number; an array field would be changed in
place (every holder of that array sees it), so that is checked where the code runs
(runtime_fields.check_field_number) and refused there.
"""
from . import syntax as S
from .core import Kind


def store(lw, target, atom, out):
    """`r.attr = atom` (atom already lowered): the rebinding of r to a record whose field
    attr holds atom, appended to out; or a located refusal."""
    name, cls, fields = _written_record(lw, target)
    from . import runtime_values
    items = []
    for field in fields:
        if field == target.attr:
            items.append(atom)
            continue
        lw.bindings["record_field"] = runtime_values.record_field
        read = S.Call(func=S.load("record_field"), args=[S.load(name), S.const(field)],
                      keywords=[])
        items.append(lw.temp(out, read, Kind.CALL, f"{name}_{field}",
                             func=runtime_values.record_field))
    listed = lw.temp(out, S.List(elts=items, ctx=S.Load()), Kind.DISPLAY, "fields")
    lw.locals.add(listed.id)
    ref = class_ref(lw, cls)
    make = maker(cls)
    lw.bindings[make.__name__] = make
    value = S.Call(func=S.load(make.__name__), args=[ref, S.const(tuple(fields)), listed],
                   keywords=[])
    out.append(lw.assign(name, value, Kind.CALL, func=make))


def class_ref(lw, cls):
    """How the emitted code names the class cls: by its module path, or (a class of a
    module imported under no name of sys.modules) by a name it is given."""
    from .callables import canonical_path
    from .records import bound_name
    path = canonical_path(cls)
    return lw.bind(path, cls) if path is not None else bound_name(lw, cls, cls.__name__)


def maker(cls):
    """The runtime helper making an object of the record class cls from its fields:
    runtime_values.record_of (its __init__ called) where the __init__ stores its
    parameters, runtime_fields.object_of (set field by field) where it computes them."""
    from . import runtime_fields, runtime_values
    from .records import is_computed_record
    return runtime_fields.object_of if is_computed_record(cls) else runtime_values.record_of


def update(lw, node, out, store_with=None):
    """`r.attr op= e`: r.attr = r.attr op e, the field checked to hold no array (which
    `op=` would change in place) where the code runs, unless nothing but r can hold the
    array in it (field_ownership.py: then a binding, checked as Python's `op=` is);
    appended to out. `store_with(lw, target, atom, out)`: how the new value is stored where
    it is not a field's (a property's setter: property_setters.py)."""
    target = node.target
    owned, held = False, None
    if store_with is None:
        name, cls, _ = _written_record(lw, target)   # refused before anything is lowered
        from .field_ownership import held_elsewhere
        from .field_updates import METHODS
        held = held_elsewhere(lw, name, cls, target.attr)
        owned = held is None and type(node.op) in METHODS
    read = S.Attribute(value=S.load(target.value.id), attr=target.attr, ctx=S.Load())
    S.place_unplaced(read, target)
    current = lw.expr(read, out)
    from .errors import where
    from . import runtime_fields
    if not owned:
        lw.bindings["check_field_number"] = runtime_fields.check_field_number
        text = f"{target.value.id}.{target.attr}"
        check = S.Expr(value=S.Call(func=S.load("check_field_number"), args=[
            current, S.const(text), S.const(where(lw.src.filename, lw.line))] + (
                [S.const(held)] if held else []), keywords=[]))
        out.append(lw.info(check, Kind.EFFECT, func=runtime_fields.check_field_number))
    rhs = lw.expr(node.value, out)
    if owned:
        from .field_updates import METHODS
        from .update_checks import item_guard
        out.append(item_guard(lw, current, rhs, METHODS[type(node.op)]))
    new = lw.temp(out, S.BinOp(left=current, op=node.op, right=rhs), Kind.BINOP, "updated",
                  func=_operator(node.op))
    (store_with or store)(lw, target, new, out)


def _operator(op):
    import operator
    return {S.Add: operator.add, S.Sub: operator.sub, S.Mult: operator.mul,
            S.Div: operator.truediv, S.Pow: operator.pow}.get(type(op))


def _written_record(lw, target):
    """(name, class, fields) of the record whose field `target` writes, where srcdiff knows
    every holder of it; else the located refusal."""
    return record_held_once(lw, target.value, target, None,
                            f"write the field {spell(target)}", target.attr)


def record_held_once(lw, owner, node, cls, what, attr=None):
    """(name, class, fields) where `owner` is a name holding a record made in the function
    that no other holder could see changed (what `what` does, at `node`; `attr`: the field
    written, where one is); else the located refusal. `cls`: owner's class where known."""
    from .objects import class_of, is_user_class
    from .records import record_fields
    import dataclasses
    field = f".{attr}" if attr else "fields"
    if not isinstance(owner, S.Name):
        raise lw.error(node, f"srcdiff cannot {what}: it changes a record only where one "
                       "name in this function holds it",
                       hint=f"bind the object to a name first, or build a new one with "
                            f"the new {field}")
    name = owner.id
    if name in lw.params:
        raise lw.error(node, f"srcdiff cannot {what}: {name} is an object the caller "
                       "passed, and Python would change the caller's object behind its "
                       "back, which a derivative cannot follow",
                       hint=f"make a new object in the function and change that one "
                            f"({name}2 = {_class_text(lw, name)}(...) from {name}'s fields)")
    cls = cls or class_of(lw, owner, set())
    fields = None
    if isinstance(cls, type) and is_user_class(cls):
        fields = record_fields(cls)
        if dataclasses.is_dataclass(cls) and fields is not None:
            fields = tuple(f.name for f in dataclasses.fields(cls))
    holder = _other_holder(lw, name, cls)
    if holder is not None:
        raise lw.error(node, f"srcdiff cannot {what}: another name holds this object: "
                       f"{holder}, which would see the change too (both names are one "
                       "object in Python; srcdiff follows a record's fields written only "
                       "where one name holds it)",
                       hint=f"make a new object with the new {field} and bind it to its "
                            f"own name, or keep {name} only in one name until its fields "
                            "are written (read them through that name after)")
    if cls is None:
        raise lw.error(node, f"srcdiff cannot {what}: it cannot tell the class of {name} "
                       "before the code runs",
                       hint=f"bind {name} once, to an object made here ({name} = "
                            "Record(...))")
    if fields is None or (attr is not None and attr not in fields):
        why = (f".{attr} is not one of its fields {fields}" if fields is not None
               else f"{cls.__qualname__} is no record class (a dataclass, or a class whose "
                    "__init__ only stores each parameter under its own name)")
        raise lw.error(node, f"srcdiff cannot {what} of a {cls.__qualname__} object: {why}",
                       hint=f"make {cls.__qualname__} a @dataclasses.dataclass with the "
                            f"fields written, or compute the value into a local name")
    return name, cls, fields


def _class_text(lw, name):
    cls = lw.known_types.get(name)
    if isinstance(cls, type):
        return cls.__qualname__
    value = _binding(lw, name)
    if isinstance(value, S.Call):
        return spell(value.func)
    return "ItsClass"


def _binding(lw, name):
    from .objects import _single_bindings
    return _single_bindings(lw).get(name)


def _other_holder(lw, name, cls=None):
    """How another holder could see a write into the object `name` holds (the user's code
    where it could, as text), or None where only `name` holds it: name bound once to a call
    making it (and else only updated by `name op= w` where the `__iop__` of its class `cls`
    gives back its object: _updated_in_place), and read only through its fields and
    methods or given back by `return`."""
    if not isinstance(_binding(lw, name), S.Call) and not _updated_in_place(lw, name, cls):
        for n in S.walk(lw.fdef):
            if isinstance(n, (S.For, S.comprehension)) and any(
                    isinstance(t, S.Name) and t.id == name for t in S.walk(n.target)):
                return f"the sequence `{spell(n.iter)}` it is an item of"
        return f"`{name}` is bound to an object made elsewhere"
    for stmt, parent, node in _uses(lw.fdef, name):
        if isinstance(stmt, S.Return):
            continue
        if isinstance(parent, S.Attribute) and parent.value is node:
            continue
        if isinstance(stmt, (S.FunctionDef, S.Lambda)):
            return f"the function `{getattr(stmt, 'name', 'lambda')}` reads {name}"
        return f"`{spell(stmt).strip()}`"
    return None


def _updated_in_place(lw, name, cls):
    """Whether `name` is bound once by `name = Call(...)` and otherwise only updated by
    `name op= w`, each an `__iop__` of `cls` (the user's) that gives back its object on
    every path (operator_methods.returns_self): the name holds the one object it was bound to
    throughout, as a name bound once does."""
    from .operator_methods import method_of, returns_self
    from .operator_names import BINARY
    if not isinstance(cls, type):
        return False
    made, updates, stores = 0, 0, 0
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Name) and n.id == name and isinstance(n.ctx, (S.Store, S.Del)):
            stores += 1
        if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(
                n.targets[0], S.Name) and n.targets[0].id == name:
            if not isinstance(n.value, S.Call):
                return False
            made += 1
        elif isinstance(n, S.AugAssign) and isinstance(n.target, S.Name) and \
                n.target.id == name:
            op = BINARY.get(type(n.op))
            fn = method_of(cls, f"__i{op}__") if op is not None else None
            if fn is None or not returns_self(fn):
                return False
            updates += 1
    return made == 1 and updates > 0 and stores == made + updates


def _uses(fdef, name):
    """(statement or nested function, parent, node) for each read of `name` in fdef."""
    def visit(node, stmt, parent):
        for child in S.iter_child_nodes(node):
            here = stmt
            if isinstance(child, (S.FunctionDef, S.Lambda)) and stmt is not None:
                here = child if not isinstance(stmt, (S.FunctionDef, S.Lambda)) else stmt
            elif isinstance(child, S.stmt) and not isinstance(stmt, (S.FunctionDef,
                                                                     S.Lambda)):
                here = child
            if isinstance(child, S.Name) and child.id == name and isinstance(
                    child.ctx, S.Load):
                yield here, node, child
            yield from visit(child, here, node)
    yield from visit(fdef, None, None)


def spell(node):
    try:
        from .emit import to_source
        stmt = node if isinstance(node, S.stmt) else S.Expr(value=S.clone(node))
        text = to_source(stmt).strip().splitlines()
        return text[0] if text else "?"
    except Exception:
        return "?"
