"""The items a local list of objects may hold where the function edits it (stage 3, lower:
called by objects.class_of). Takes the lowering's state and the list's name; gives back the
item expressions it may hold (`vs = [V(x), V(y)]`, then `vs.append(e)`, `vs.insert(i, e)`,
`vs.pop(i)`, `vs[i] = e`) or their one class, so that `v = vs.pop(0)`, `vs[0]`
and an operator on them call the class's methods; the class is checked where the code runs
(objects.object_class), so code compiled for one class never runs another's method.
"""
from . import syntax as S
from .object_lists import _call_of, _reads, _single_bindings, _state


def edited_items(lw, name):
    """The item expressions the local list `name` may hold where it is bound once to a
    display and changed only by `name.append(e)`, `name.insert(i, e)`, `name.pop(...)` and
    `name[i] = e`, every other read indexing or iterating it: the
    display's items, then each expression put in; None otherwise. (For the one class of
    its items, objects.class_of, checked where the code runs.)"""
    value = _single_bindings(lw).get(name)
    if not isinstance(value, S.List) or any(isinstance(e, S.Starred) for e in value.elts):
        return None
    items = list(value.elts)
    for parent, node in _reads(lw.fdef, name):
        if isinstance(parent, S.Attribute):
            call = _call_of(lw.fdef, parent)
            args = call.args if call is not None and not call.keywords and not any(
                isinstance(a, S.Starred) for a in call.args) else None
            if args is None or (parent.attr, len(args)) not in (
                    ("append", 1), ("insert", 2), ("pop", 0), ("pop", 1)):
                return None
            items += args[-1:] if parent.attr != "pop" else []
        elif isinstance(parent, S.Subscript) and not isinstance(parent.ctx, S.Load):
            # vs[i] = e; never vs[i] *= c, which the lowering of an item's update does not
            # follow through the class's operator (it would be lowered as NumPy's)
            put = next((n for n in S.walk(lw.fdef) if isinstance(n, S.Assign) and
                        parent in n.targets), None)
            if put is None or len(put.targets) != 1:
                return None
            items.append(put.value)
        elif not (isinstance(parent, S.Subscript) or isinstance(
                parent, (S.For, S.comprehension)) and parent.iter is node):
            return None
    return items


def edited_class(lw, name, seen, of):
    """The one class of the items edited_items reads (`of`: objects.class_of), an item
    reading the list itself (`c[0] = c[0] * 2.0`, `v = c.pop(); c.append(v * 2.0)`) read
    assuming the others' class; None where they are not of one class."""
    key = name + "[]"
    reading = _state(lw).setdefault("items read", {})   # (operators read classes anew)
    if key in reading:
        return reading[key]
    items = edited_items(lw, name)
    if not items:
        return None
    reading[key] = None
    try:
        classes = [of(lw, e, set()) for e in items]   # (a cycle through the list ends above)
        known = set(classes) - {None}
        if len(known) != 1:
            return None
        reading[key] = cls = known.pop()
        return cls if all(of(lw, e, set()) is cls for e in items) else None
    finally:
        del reading[key]
