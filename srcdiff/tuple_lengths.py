"""How many items a local tuple name holds, where every binding tells it (stage 3, lower: called
by lower._check_unpacked before it checks an unpacking's length at run time). Takes the user's
FunctionDef, its parameter names and a local name; gives back the length, or None.

A tuple is never changed in place, so a name bound only to tuple displays of one length, and
not a parameter, a loop's target, an unpacking's target or anything else bound another way,
holds that many items wherever it is read: `a, b = pair` of such a name needs no check.
"""
from . import syntax as S


def display_length(fdef, params, name):
    """The number of items of local `name` where every binding of it in `fdef` (nested
    functions' too) is `name = (a, b, ...)`, a tuple display without a starred item, all of
    one length; None where it is one of `params`, declared global or nonlocal, or bound any
    other way (`name += ...`, a loop's or an unpacking's target, a list display, which may
    grow, a def, a class, an import, a match's capture)."""
    lengths, plain = set(), set()
    for node in S.walk(fdef):
        if isinstance(node, S.Assign) and any(
                isinstance(t, S.Name) and t.id == name for t in node.targets):
            plain.update(id(t) for t in node.targets)
            lengths.add(_tuple_length(node))
    for node in S.walk(fdef):
        if _binds_otherwise(node, name, plain):
            lengths.add(None)
    if name in params:
        lengths.add(None)
    return lengths.pop() if len(lengths) == 1 else None


def _tuple_length(assign):
    """The length of `name = (a, b, ...)`'s display; None for any other value or a chained
    assignment."""
    value = assign.value
    if len(assign.targets) == 1 and isinstance(value, S.Tuple) and not any(
            isinstance(e, S.Starred) for e in value.elts):
        return len(value.elts)
    return None


def _binds_otherwise(node, name, plain):
    """Whether node binds `name` other than by one of the plain assignments' targets
    (whose ids are `plain`)."""
    if isinstance(node, S.Name):
        return node.id == name and id(node) not in plain and not isinstance(node.ctx, S.Load)
    if isinstance(node, (S.Global, S.Nonlocal)):
        return name in node.names
    if isinstance(node, S.alias):
        return (node.asname or node.name.split(".")[0]) == name
    return getattr(node, "name", None) == name
