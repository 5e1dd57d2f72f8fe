"""Where the items of a container may go before one of them is updated in place (stage 3,
lower: called by item_sharing). Takes the user's function, the containers holding the item
`c[k] op= v` changes, the update and its constant key; gives back the names that may hold
the item afterwards and whether it may go somewhere no name shows (`escapes`).

item_sharing follows the ways it knows of taking an item out (`w = c[k]`, a loop over c,
`a, b = c`, a copy of c); this module reads every other place the containers are read,
as a list of what is harmless, not of what is harmful: each read climbs through what
keeps the item (an index, a view, `c.get(k)`, a display, `list(...)`, `c * 1`, a call of
the user's, a conditional expression) to what consumes it. Arithmetic on an item, a
NumPy function making a new array, a test, a return or a discarded value consume it; a
name, another container's slot or a loop's target binding it hold it (those names are
given back, read afterwards or not as item_sharing's _read_after judges); anything else
(a yield, a lambda, a call of a library function not known to copy) may keep it where no
name shows, so the update is checked where the code runs.
"""
import builtins

from . import syntax as S

# methods of a container whose result is (or holds) one of its items
_TAKING = {"get", "pop", "setdefault", "values", "items", "copy", "popitem", "__getitem__"}
# methods that put what they are given into the container they are called on (item_sharing
# follows what they put)
PUTTING_METHODS = ("append", "insert", "extend", "update", "setdefault", "__setitem__")
# the same, and a set's add, read here; setdefault is read as taking (its result is an item)
_PUTTING = (set(PUTTING_METHODS) | {"add"}) - {"setdefault"}
# methods of an array item whose result is a new array or a number: library_results'
# FRESH_METHODS, and a container's own that give numbers (read in _consuming)
_NUMBER_METHODS = ("keys", "index", "count")
# builtins whose result holds the items of what they are given
_HOLDING_BUILTINS = {builtins.list, builtins.tuple, builtins.dict, builtins.set, sorted,
                     reversed, zip, enumerate, iter, next, max, min, map, filter,
                     builtins.frozenset}


def escapes(lw, containers, update, key, other_key):
    """(names, unknown): the names that may hold the item `update` changes, taken out of
    one of `containers` by a read that may run before it; unknown: whether a read may keep
    it where no name shows. key: the update's constant key, or None; other_key(key, index):
    whether an index surely names another item than the one at key."""
    in_loop = any(isinstance(loop, (S.For, S.While)) and any(
        n is update for n in S.walk(loop)) for loop in S.walk(lw.fdef))
    line = getattr(update, "lineno", 0)
    inside = {id(n) for n in S.walk(update)}
    nested = {id(n) for d in S.walk(lw.fdef) if d is not lw.fdef and isinstance(
        d, (S.FunctionDef, S.Lambda)) for n in S.walk(d)}
    parents = {id(c): p for p in S.walk(lw.fdef) for c in S.iter_child_nodes(p)}
    names = set()
    for n in S.walk(lw.fdef):
        if not (isinstance(n, S.Name) and isinstance(n.ctx, S.Load) and n.id in containers):
            continue
        if id(n) in inside or not (in_loop or getattr(n, "lineno", line) <= line):
            continue
        held = None if id(n) in nested else _climb(lw, n, parents, key, other_key)
        if held is None:
            return names, True
        names |= held
    return names, False


def _climb(lw, node, parents, key, other_key):
    """The names a read of a container (`node`) hands its items to, or None where it may keep
    one where no name shows."""
    parent = parents.get(id(node))
    if key is not None and isinstance(parent, S.Subscript) and parent.value is node and \
            other_key(key, parent.slice):
        return set()   # another item
    if key is not None and isinstance(parent, S.Attribute) and parent.value is node and \
            parent.attr in ("get", "pop", "setdefault"):
        call = parents.get(id(parent))
        if isinstance(call, S.Call) and call.func is parent and call.args and \
                other_key(key, call.args[0]):
            return set()   # c.get(other key)
    item = False   # whether `node` now stands for an item (or a part of one), not a container
    while True:
        parent = parents.get(id(node))
        if isinstance(parent, (S.Subscript, S.Attribute)) and parent.value is node and \
                not isinstance(parent.ctx, S.Load):
            return set()   # c[k] = v, c.f = v: a write into it (item_sharing follows it)
        if isinstance(parent, S.Subscript) and parent.value is node:
            item, node = True, parent
            continue
        if isinstance(parent, (S.Subscript, S.Slice, S.FormattedValue, S.JoinedStr)):
            return set()   # an index, a bound, a string
        if isinstance(parent, S.Attribute) and parent.value is node:
            call = parents.get(id(parent))
            if not (isinstance(call, S.Call) and call.func is parent):
                node = parent   # x.T, x.real: a view of it; x.shape: a number (kept anyway)
                continue
            attr = parent.attr
            if not item and attr in _PUTTING or item and _consuming(attr) or \
                    not item and attr in _NUMBER_METHODS:
                return set()   # c.append(v): item_sharing follows what goes in
            item = item or attr in _TAKING
            node = call
            continue
        if isinstance(parent, (S.BinOp, S.UnaryOp, S.Compare)):
            if item:
                return set()   # arithmetic on an item: a new value
            node = parent   # c * 1, c + d: a new list of the same items
            continue
        if isinstance(parent, S.IfExp) and parent.test is node:
            return set()
        if isinstance(parent, (S.IfExp, S.BoolOp)):
            node = parent   # the value is one of its operands
            continue
        if isinstance(parent, (S.List, S.Tuple, S.Set, S.Dict, S.Starred)):
            item, node = False, parent   # a new container holding it
            continue
        if isinstance(parent, S.keyword):
            parent = parents.get(id(parent))
        if isinstance(parent, S.Call) and node is not parent.func:
            if isinstance(parent.func, S.Attribute) and parent.func.attr in \
                    set(PUTTING_METHODS) | {"add"} and not _a_module(lw, parent.func.value):
                return _bound([parent.func.value])   # kept.append(c[k]): kept holds it
            if not _passes_on(lw, parent):
                return set()   # a new array (or a number) made of it
            item, node = False, parent
            continue
        if isinstance(parent, (S.Assign, S.AnnAssign, S.AugAssign)) and \
                getattr(parent, "value", None) is node:
            if isinstance(parent, S.AugAssign) and item:
                return set()   # s += c[0]: s's own values change, s holds no item
            targets = parent.targets if isinstance(parent, S.Assign) else [parent.target]
            return _bound(targets)
        if isinstance(parent, S.For) and parent.iter is node:
            if isinstance(node, S.Name) and lw._surely_dict(node.id):
                return set()   # for k in d: d's keys, which no array or list is
            return _bound([parent.target])
        if isinstance(parent, S.comprehension) and parent.iter is node:
            comp = parents.get(id(parent))   # [v for v in c]: a new list of its items
            element = getattr(comp, "elt", None) or getattr(comp, "value", None)
            if element is not None and lw._fresh_value(element):
                return set()   # [v * 2 for v in c]: of new values
            item, node = False, comp
            continue
        if isinstance(parent, (S.ListComp, S.SetComp, S.GeneratorExp, S.DictComp)):
            item, node = False, parent   # an element of a comprehension: what it makes
            continue
        if isinstance(parent, (S.Return, S.Expr, S.If, S.While, S.Assert)):
            return set()   # returned (nothing runs after), discarded, or tested
        return None


def _a_module(lw, node):
    """Whether `node` names a module (`np` of np.append(a, c[k]), a function making a new
    array), not a container of the user's (a local, a parameter, a global list)."""
    import types
    return isinstance(node, S.Name) and node.id not in lw.locals and \
        node.id not in lw.params and isinstance(lw.resolver.lookup(node.id, None),
                                                types.ModuleType)


def _consuming(method):
    """Whether an item's method gives a new array or a number (library_results')."""
    from .library_results import FRESH_METHODS
    return method in FRESH_METHODS or method in _NUMBER_METHODS


def _bound(targets):
    """The names an assignment binds, or whose container or object it stores into."""
    out = set()
    for t in targets:
        while isinstance(t, (S.Subscript, S.Attribute, S.Starred)):
            t = t.value
        out |= {n.id for n in S.walk(t) if isinstance(n, S.Name)}
    return out


def _passes_on(lw, call):
    """Whether the result of `call` may be or hold what it is given: a builtin making a
    container of it, a function of the user's, a method, anything not known to make a new
    array (NumPy's ufuncs and copying functions, builtins giving numbers do not)."""
    import numpy

    from .library_results import FRESH, FRESH_BUILTINS
    base, rest = S.attribute_chain(call.func)
    if not isinstance(base, S.Name) or base.id in lw.locals:
        return True
    obj = lw.resolver.lookup(base.id, None)
    for attr in rest:
        obj = getattr(obj, attr, None)
    if obj in _HOLDING_BUILTINS:
        return True
    if obj is builtins.sum or obj is builtins.len:
        return False
    try:
        return not (isinstance(obj, numpy.ufunc) or obj in FRESH or obj in FRESH_BUILTINS)
    except TypeError:   # (an unhashable object)
        return True
