"""The items of a list of objects the function grows itself (stage 3, lower: called by
objects.py). Takes the lowering's state, a local list's name and the function's names bound
once; gives back the expressions of the list's items (its display's, then each appended one),
or None where other code could grow it.

A list bound once to a display (`layers = []`) and grown only by its own `.append(item)`
calls, every other read of it indexing or iterating it, holds exactly the objects those
expressions make: objects.py reads their classes from them, as from a display's items
(one class: checked where the code runs; several: dispatched per item). A list given to
another function, bound to another name, extended or written by index is not read here.
"""
from . import syntax as S


def appended_items(lw, name, bindings):
    """The item expressions of the local list `name` bound once to a display (`layers =
    []`) and grown only by `name.append(item)` (in loops or not), every other read of it
    indexing or iterating it (so no other code can grow it): the display's items, then
    each appended expression; None otherwise. `bindings`: the function's names bound once,
    name -> value node (objects._single_bindings)."""
    value = bindings.get(name)
    if not isinstance(value, S.List) or any(isinstance(e, S.Starred) for e in value.elts):
        return None
    items = list(value.elts)
    for parent, node in _reads(lw.fdef, name):
        if isinstance(parent, S.Attribute):
            call = _call_of(lw.fdef, parent)
            if parent.attr != "append" or call is None or len(call.args) != 1 or \
                    call.keywords or isinstance(call.args[0], S.Starred):
                return None
            items.append(call.args[0])
        elif isinstance(parent, S.Subscript) and isinstance(parent.ctx, S.Load):
            continue
        elif isinstance(parent, (S.For, S.comprehension)) and parent.iter is node:
            continue
        elif isinstance(parent, S.Call) and isinstance(parent.func, S.Name) and \
                parent.func.id in ("len", "enumerate", "reversed") and \
                lw._callee_object(parent.func) in (len, enumerate, reversed):
            continue
        else:
            return None
    return items or None


def _reads(tree, name):
    """(parent, node) for each read of the name `name` under tree."""
    for n in S.walk(tree):
        for child in S.iter_child_nodes(n):
            if isinstance(child, S.Name) and child.id == name and isinstance(
                    child.ctx, S.Load):
                yield n, child


def _call_of(tree, func):
    """The call whose callee is the node `func`, or None."""
    for n in S.walk(tree):
        if isinstance(n, S.Call) and n.func is func:
            return n
    return None
