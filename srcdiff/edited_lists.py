"""The items a local list of objects may hold where the function edits it (stage 3, lower:
called by objects.class_of). Takes the lowering's state and the list's name; gives back the
item expressions it may hold (`vs = [V(x), V(y)]`, then `vs.append(e)`, `vs.insert(i, e)`,
`vs.pop(i)`, `vs[i] = e`) or their one class, so that `v = vs.pop(0)`, `vs[0]`
and an operator on them call the class's methods; the class is checked where the code runs
(objects.object_class), so code compiled for one class never runs another's method.

A list may also start as a copy of a list passed in whose items are all of one class
(`layers = list(layers)`, `ls = layers.copy()`, `ls = layers[:]`, bound there only, in the
function's own body): it starts with objects of that class (read from the value passed:
objects.object_facts), then is edited as above (`last = layers.pop()`, `for l in layers`).
"""
from . import syntax as S
from .object_lists import _call_of, _reads, _single_bindings, _state


class _Copied:
    """The items of the list passed in that a local list starts as a copy of: `cls`, their
    one class, and `read`, the read of that list the copy makes."""

    def __init__(self, cls, read):
        self.cls, self.read = cls, read


def _copied(lw, name):
    """A _Copied where the only binding of the local `name` is a statement of the function's
    own body `name = list(p)` (or `p.copy()`, `p[:]`) copying a parameter `p` (name itself,
    or one never rebound) whose items are all of one class; None otherwise."""
    from .object_lists import rebound_names
    stores = [n for n in S.walk(lw.fdef) if isinstance(n, S.Name) and n.id == name and
              not isinstance(n.ctx, (S.Load, S.Param))]
    if len(stores) != 1:
        return None
    stmt = next((st for st in lw.fdef.body if isinstance(st, S.Assign) and len(
        st.targets) == 1 and st.targets[0] is stores[0]), None)
    if stmt is None:
        return None
    value, src = stmt.value, None
    if isinstance(value, S.Call) and len(value.args) == 1 and not value.keywords and \
            isinstance(value.func, S.Name) and value.func.id not in lw.locals and \
            lw._global_path(value.func) is not None and lw._callee_object(value.func) is list:
        src = value.args[0]
    elif isinstance(value, S.Call) and not value.args and not value.keywords and \
            isinstance(value.func, S.Attribute) and value.func.attr == "copy":
        src = value.func.value
    elif isinstance(value, S.Subscript) and isinstance(value.slice, S.Slice) and all(
            b is None for b in (value.slice.lower, value.slice.upper, value.slice.step)):
        src = value.value
    if not (isinstance(src, S.Name) and src.id in lw.params) or (
            src.id != name and src.id in rebound_names(lw)):
        return None
    cls = lw.known_types.get(src.id + "[]")
    return _Copied(cls, src) if isinstance(cls, type) else None


def edited_items(lw, name):
    """The item expressions the local list `name` may hold where it is bound once to a
    display and changed only by `name.append(e)`, `name.insert(i, e)`, `name.pop(...)` and
    `name[i] = e`, every other read indexing or iterating it: the
    display's items, then each expression put in; None otherwise. (For the one class of
    its items, objects.class_of, checked where the code runs.)"""
    value = _single_bindings(lw).get(name)
    copied = _copied(lw, name) if not isinstance(value, S.List) else None
    if copied is not None:
        items = [copied]
    elif not isinstance(value, S.List) or any(isinstance(e, S.Starred) for e in value.elts):
        return None
    else:
        items = list(value.elts)
    for parent, node in _reads(lw.fdef, name):
        if copied is not None and node is copied.read:
            continue   # layers = list(layers): the list passed in, read once
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
                parent, (S.For, S.comprehension)) and parent.iter is node or
                _looked_at(lw, parent, node)):
            return None
    return items


def _looked_at(lw, parent, node):
    """Whether `parent` only looks at the list `node` without taking or changing its items:
    `len(vs)`, `while vs:`, `if vs:`, `not vs`."""
    if isinstance(parent, (S.While, S.If)) and parent.test is node or isinstance(
            parent, S.UnaryOp) and isinstance(parent.op, S.Not):
        return True
    return isinstance(parent, S.Call) and parent.args == [node] and not parent.keywords and \
        isinstance(parent.func, S.Name) and parent.func.id not in lw.locals and \
        lw._global_path(parent.func) is not None and lw._callee_object(parent.func) is len


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
        classes = [e.cls if isinstance(e, _Copied) else of(lw, e, set())
                   for e in items]   # (a cycle through the list ends above)
        known = set(classes) - {None}
        if len(known) != 1:
            return None
        reading[key] = cls = known.pop()
        return cls if all((e.cls if isinstance(e, _Copied) else of(lw, e, set())) is cls
                          for e in items) else None
    finally:
        del reading[key]
