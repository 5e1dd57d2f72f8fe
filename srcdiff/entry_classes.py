"""The classes of the objects at given places of a tuple or dict that also holds other
values (stage 3, lower: called by objects.py and variadic.py). Takes a value passed in, or
the lowering's state and a node; gives back facts `name[0]` -> C, `name['l']` -> C (the
class of the object at that index or key), or the class such a fact gives a node.

`pair = (layer, 0.7)` passed in holds objects of no one class (a number beside a Layer), so
no `pair[]` fact tells its items' class (objects.object_facts); the fact `pair[0]` -> Layer
does, read from the value passed like the others (part of what the code is compiled for:
call_keys.kind). It tells the class of `pair[0]` and of `layer` in `layer, scale = pair`
(bound there only); a dict a helper's `**kw` gets (`run(l=layer, h=x)`) has the class of
each object it is given noted as `kw['l']` (note_keywords), read by `kw["l"]` in the helper.
Every such class is checked where the code runs (objects.object_class emits check_class for
any object not made by its class), so code compiled for one class never runs another's
method. A parameter rebound, or one that may be grown or written here, tells nothing.
"""
from . import syntax as S


def entry_key(name, at):
    """The fact's key for the entry `at` (an index or a dict's key) of `name`."""
    return f"{name}[{at!r}]"


def entry_facts(name, value):
    """{`name[i]`: C} for each object of a user's class C at index i of a tuple `value`
    whose items are not all of one class, {`name['k']`: C} for a dict's values likewise
    (keys that are strings), {`name[][i]`: C} for a list of tuples (_rows_facts); {} for
    anything else. (A list's items of several classes are dispatched on: objects.dispatch.)"""
    from .object_lists import _items_class, _user_object, is_user_class
    if type(value) is list and value and all(type(v) is tuple for v in value):
        return _rows_facts(name, value)
    if type(value) is tuple:
        entries = enumerate(value)
    elif type(value) is dict:
        entries = [(k, v) for k, v in value.items() if type(k) is str]
    else:
        return {}
    entries = [(k, v) for k, v in entries if _user_object(v) and is_user_class(type(v))]
    if not entries or _items_class(list(value.values()) if type(value) is dict else value):
        return {}   # (none, or all of one class: `name[]` / `name{}` tells it)
    return {entry_key(name, k): type(v) for k, v in entries}


def _rows_facts(name, rows):
    """{`name[][i]`: C} for each index i at which every tuple of `rows` (all of one length)
    holds an object of the user's class C (`for layer, act in pairs`)."""
    from .object_lists import _items_class
    if len({len(r) for r in rows}) != 1:
        return {}
    facts = {}
    for i in range(len(rows[0])):
        cls = _items_class([r[i] for r in rows])
        if cls is not None and not _named_tuple(cls):
            facts[entry_key(name + "[]", i)] = cls
    return facts


def _named_tuple(cls):
    return issubclass(cls, tuple)


def entry_class(lw, node):
    """The class an entry fact gives the item `node`, `p[0]` or `p["l"]` (a constant index
    or key of a parameter never rebound, never grown or written here), else None."""
    from .object_lists import _fact_key
    if not (isinstance(node, S.Subscript) and isinstance(node.slice, S.Constant)):
        return None
    at = node.slice.value
    if not (type(at) is int and at >= 0 or type(at) is str):
        return None
    key = _fact_key(lw, node.value)
    if key is None or _changed(lw, node.value):
        return None
    cls = lw.known_types.get(entry_key(key, at))
    return cls if isinstance(cls, type) else None


def unpacked_class(lw, name):
    """The class of the local `name` where its only binding unpacks a parameter
    (`layer, scale = pair`, before any starred target) whose entry there a fact tells, else
    None."""
    entry = unpacked_entry(lw, name)
    cls = lw.known_types.get(entry_key(*entry)) if entry is not None else None
    return cls if isinstance(cls, type) else None


def unpacked_entry(lw, name):
    """(the parameter's fact key, the index) where the only binding of the local `name`
    unpacks a parameter never rebound, grown or written (`layer, act = pair`: ('pair', 0)
    for layer), at an index before any starred target; None otherwise. (A function's entry
    fact, `pair[1]` -> Known(numpy.tanh), is values.function_items'.)"""
    from .object_lists import _fact_key
    stores = [n for n in S.walk(lw.fdef) if isinstance(n, S.Name) and n.id == name and
              isinstance(n.ctx, (S.Store, S.Del))]
    if len(stores) != 1:
        return None
    for n in S.walk(lw.fdef):
        if not (isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(
                n.targets[0], (S.Tuple, S.List))):
            continue
        elts = n.targets[0].elts
        at = next((i for i, e in enumerate(elts) if e is stores[0]), None)
        if at is None:
            continue
        if any(isinstance(e, S.Starred) for e in elts[:at + 1]):
            return None
        key = _fact_key(lw, n.value)
        return None if key is None or _changed(lw, n.value) else (key, at)
    return None


def looped_class(lw, name):
    """The class of the local `name` where its only binding is the i-th name of a loop's
    tuple target over a parameter (`for layer, act in pairs`, no starred target) whose rows
    all hold an object of that class there (fact `pairs[][i]`), else None."""
    entry = looped_entry(lw, name)
    cls = lw.known_types.get(entry_key(*entry)) if entry is not None else None
    return cls if isinstance(cls, type) else None


def looped_entry(lw, name):
    """(`pairs[]`, i) where the only binding of the local `name` is the i-th name of a loop's
    tuple target (no starred target) over a parameter never rebound, grown or written, and a
    fact `pairs[][i]` exists; None otherwise. (The fact of a function every row holds there,
    Known(numpy.tanh), is values.function_items'.)"""
    from .object_lists import _fact_key
    if not any("[][" in k for k in lw.known_types):   # (no such fact: no walk)
        return None
    stores = [n for n in S.walk(lw.fdef) if isinstance(n, S.Name) and n.id == name and
              isinstance(n.ctx, (S.Store, S.Del))]
    if len(stores) != 1:
        return None
    for n in S.walk(lw.fdef):
        if not (isinstance(n, (S.For, S.comprehension)) and isinstance(n.target, S.Tuple)):
            continue
        elts = n.target.elts
        at = next((i for i, e in enumerate(elts) if e is stores[0]), None)
        if at is None:
            continue
        if any(isinstance(e, S.Starred) for e in elts):
            return None
        key = _fact_key(lw, n.iter)
        if key is None or _changed(lw, n.iter) or entry_key(key + "[]", at) not in \
                lw.known_types:
            return None
        return key + "[]", at
    return None


def row_entry(lw, node):
    """(`pairs[]`, i) where `node` is `row[i]` (a constant i >= 0) of a local `row` bound
    once to `pairs[j]` (as a loop over the rows is lowered: `layer = pairs_item_1[0]`), or
    `pairs[j][i]` itself, pairs a parameter never rebound, grown or written and a fact
    `pairs[][i]` exists; None otherwise."""
    from .object_lists import _fact_key, _single_bindings
    if not any("[][" in k for k in lw.known_types):   # (no such fact: no walk)
        return None
    if not (isinstance(node, S.Subscript) and isinstance(node.slice, S.Constant) and type(
            node.slice.value) is int and node.slice.value >= 0):
        return None
    row = node.value
    if isinstance(row, S.Name) and row.id in lw.locals:
        if _changed(lw, row):
            return None
        row = _single_bindings(lw).get(row.id)
    if not (isinstance(row, S.Subscript) and not isinstance(row.slice, S.Slice)):
        return None
    key = _fact_key(lw, row.value)
    if key is None or _changed(lw, row.value) or entry_key(
            key + "[]", node.slice.value) not in lw.known_types:
        return None
    return key + "[]", node.slice.value


def _changed(lw, node):
    """Whether the function may change which items the container `node` (a name, or an
    attribute of one) holds: a method called on it, an item stored or deleted."""
    spelled = S.spell(node)
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and \
                S.spell(n.func.value) == spelled:
            return True
        if isinstance(n, S.Subscript) and not isinstance(n.ctx, S.Load) and \
                S.spell(n.value) == spelled:
            return True
    return False


def note_keywords(lw, node, atom, names, class_of):
    """Note `atom['k']` -> C for each keyword `k` of the call `node` that a helper's
    **kwargs dict (lowered to `atom`) gets, `names` being those keywords, where srcdiff knows
    the class of the object it passes (`class_of`: objects.class_of; checked where the
    helper runs)."""
    from .object_lists import is_user_class, known_values
    given = {k.arg: k.value for k in node.keywords if k.arg is not None}
    for k in names:
        if k not in given:
            continue
        cls = class_of(lw, given[k], set())
        if isinstance(cls, type) and is_user_class(cls):
            known_values(lw)[entry_key(atom.id, k)] = cls
