"""Noting the classes of records and named tuples a helper is given (stage 3, lower: called
by values.py). Takes the lowering's state, the user's argument node and its lowered atom;
gives back the atom, with the class of what it holds noted for the callee.

`g(D(w, b), x)` passes a record made inline: its class is noted for g, which reads its fields
as it does those of a name bound to one (`p = D(w, b); g(p, x)`). A list display of such
objects bound once and only ever passed on (`layers = [D(w1, b1), D(w2, b2)]; g(layers,
x)`) has its items' classes noted, as for a list passed in (objects.object_facts).
"""
from . import syntax as S
from .records import made_field_by_field


def noted_made(lw, node, atom, out=None):
    """`atom`, where the user's call `node` made it as a record or a named tuple passed to
    a helper (`g(D(w, b), x)`): its class noted for the helper, which reads its fields as
    it does those of a name bound to one (`p = D(w, b); g(p, x)`). Where `node` names a list
    display of such objects made here (`layers = [D(w1, b1), D(w2, b2)]; g(layers, x)`),
    bound once and only ever passed on whole, its items' classes are noted (as for a list
    passed in: objects.object_facts)."""
    from .objects import known_values
    if isinstance(node, S.Call) and isinstance(atom, S.Name) and \
            isinstance(node.func, (S.Name, S.Attribute)) and lw._global_path(node.func):
        cls = lw._callee_object(node.func)
        if isinstance(cls, type) and made_field_by_field(cls):
            lw.locals.add(atom.id)
            known_values(lw)[atom.id] = cls
    elif isinstance(node, S.Name) and isinstance(atom, S.Name) and atom.id == node.id:
        classes = _display_classes(lw, node.id)
        if classes:
            known_values(lw)[node.id + "[]"] = classes[0] if len(classes) == 1 else classes
    elif isinstance(node, S.Subscript) and isinstance(node.slice, S.Slice) and isinstance(
            node.value, S.Name) and isinstance(atom, S.Name):
        classes = _sliced_classes(lw, node.value, node.slice)   # g(layers[:1], x)
        if classes is not None:
            lw.locals.add(atom.id)
            known_values(lw)[atom.id + "[]"] = classes
    elif isinstance(node, (S.Call, S.BinOp, S.UnaryOp, S.Subscript)) and out is not None \
            and isinstance(atom, S.Name) and lw.objects_read:
        _note_object(lw, node, atom, out)
    return atom


def _note_object(lw, node, atom, out):
    """`g(v + w, x)`, `u.add(v.scaled(2.0))`: the class of an object an operator or a
    method makes, noted for the callee where srcdiff knows it (objects.object_class:
    checked where the code runs)."""
    from .objects import class_of, object_class
    from .operator_methods import call_for
    if isinstance(node, S.Call) and (not isinstance(node.func, S.Attribute) or
                                     lw._global_path(node.func) is not None):
        return   # (a method of an object only: v.scaled(2.0))
    if isinstance(node, (S.BinOp, S.UnaryOp, S.Subscript)) and \
            call_for(lw, node, class_of, strict=False) is None:
        return   # (an operator on the user's objects only: v + w, v[i])
    if class_of(lw, node, set()) is not None:
        lw.locals.add(atom.id)
        object_class(lw, node, atom, out)


def _sliced_classes(lw, base, part):
    """The class (a tuple of classes where several) of the items of the list `base` names,
    whose slice `part` is passed to a helper: a list passed in (its items' classes, read
    from the value passed: objects.object_facts), or a display of records made here only
    ever passed on or sliced (_display_classes: those of the items a slice of constant
    bounds takes, else of all). None where srcdiff cannot tell."""
    from .objects import _fact_key, known_values
    key = _fact_key(lw, base)
    held = lw.known_types.get(key + "[]") if key is not None else None
    held = held or known_values(lw).get(base.id + "[]")
    if held is not None:
        return held
    classes = _display_classes(lw, base.id)
    bounds = [getattr(b, "value", b) for b in (part.lower, part.upper, part.step)]
    if classes and all(b is None or type(b) is int for b in bounds) and bounds[2] != 0:
        from .objects import _single_bindings
        taken = _single_bindings(lw)[base.id].elts[slice(*bounds)]
        classes = tuple(dict.fromkeys(lw._callee_object(e.func) for e in taken))
    return None if not classes else classes[0] if len(classes) == 1 else classes


def _display_classes(lw, name):
    """The classes (in the order they first appear) of the records or named tuples a list
    or tuple display bound once to `name` holds, where every use of the name is a call's
    argument, whole or sliced (nothing grows, writes or rebinds it); None otherwise."""
    from .objects import _single_bindings
    value = _single_bindings(lw).get(name)
    if not isinstance(value, (S.List, S.Tuple)) or not value.elts:
        return None
    classes = []
    for e in value.elts:
        cls = lw._callee_object(e.func) if isinstance(e, S.Call) and isinstance(
            e.func, (S.Name, S.Attribute)) and lw._global_path(e.func) else None
        if not (isinstance(cls, type) and made_field_by_field(cls)):
            return None
        classes.append(cls)
    args = {id(a) for n in S.walk(lw.fdef) if isinstance(n, S.Call) for a in n.args}
    sliced = {id(n.value) for n in S.walk(lw.fdef) if isinstance(n, S.Subscript) and
              isinstance(n.slice, S.Slice) and id(n) in args}   # g(layers[1:], x)
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Name) and n.id == name and isinstance(n.ctx, S.Load) and \
                id(n) not in args and id(n) not in sliced:
            return None
    return tuple(dict.fromkeys(classes))
