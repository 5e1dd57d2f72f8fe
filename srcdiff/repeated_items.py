"""Whether a list or dict of the user's may hold one object at two keys, and which other names
may hold its objects (stage 3, lower: called by lower_copies). Takes the user's function,
the container's name and lower_copies' reader of what an assignment puts into it; gives back
whether some object may sit at two of its keys (`repeats_items`), the names that may hold
what given names hold (`holders`), the names a value may be or hold (`held_names`) and the
names that are a comprehension's own, not the function's (`comprehension_bound`).

`c[k] op= v` changes an array item in place: where c holds that same array at another key
too (`c = [a, a]`, `c = [a] * 2`, `c.append(a)` twice or in a loop, `{"p": a, "q": a}`),
its other item changes with it, so lower_copies puts its run-time check before the update
when c is read afterwards; so it does where another container holding the item is read
afterwards (`e = {"w": a}` beside `c = {"w": a}`, `e = list(c)`, `e = c[:]`). A name put in
only once, outside loops, is one item, and so is one put in within a loop that is its
target or that the loop binds to a new value each turn (`hist.append(state); state = state
* 0.5`).
"""
import builtins

from . import syntax as S

_COMPREHENSIONS = (S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)
_LOOPS = (S.For, S.While) + _COMPREHENSIONS


def _own_names(comp):
    """The names a comprehension binds (its generators' targets): its own, not the
    function's `k` and `v` (`{k: np.zeros_like(v) for k, v in p.items()}`)."""
    return {n.id for g in comp.generators for n in S.walk(g.target) if isinstance(n, S.Name)}


def _element(comp):
    """What a comprehension makes its elements of (a dict comprehension's values)."""
    return comp.value if isinstance(comp, S.DictComp) else comp.elt


def comprehension_bound(fdef):
    """The ids of the Name nodes of `fdef` that stand for a comprehension's own names (its
    targets and their reads in its scope: everything in it but its first iterable)."""
    out = set()

    def visit(node, bound):
        if isinstance(node, _COMPREHENSIONS):
            inner = bound | _own_names(node)
            visit(node.generators[0].iter, bound)
            for part in S.iter_child_nodes(node):
                if part is not node.generators[0]:
                    visit(part, inner)
            for part in S.iter_child_nodes(node.generators[0]):
                if part is not node.generators[0].iter:
                    visit(part, inner)
            return
        if isinstance(node, S.Name) and node.id in bound:
            out.add(id(node))
        for child in S.iter_child_nodes(node):
            visit(child, bound)
    visit(fdef, frozenset())
    return out


def held_names(value):
    """The names whose object `value` may be or hold (a part of it: `x[0]`, `o.w`; an
    argument of a call not proven new), callees left out; a comprehension's own names
    stand for what it goes through (`[p for p in ps]` holds what ps holds)."""
    out, todo = set(), [value]
    while todo:
        n = todo.pop()
        if isinstance(n, S.Name):
            out.add(n.id)
        elif isinstance(n, _COMPREHENSIONS):
            own = _own_names(n)   # (its own names stand for items of what it goes through)
            inner = held_names(_element(n))
            out |= inner - own
            if inner & own:
                out |= set().union(*(held_names(g.iter) for g in n.generators)) - own
        elif isinstance(n, S.Call):
            todo.extend(list(n.args) + [k.value for k in n.keywords])
            if isinstance(n.func, S.Attribute):
                todo.append(n.func.value)   # v.get(k), xs.copy(): what v holds
        elif not isinstance(n, (S.Lambda, S.Constant)):
            todo.extend(S.iter_child_nodes(n))
    return out


def repeats_items(fdef, name, puts, putting_methods, fresh, depth=0):
    """Whether `name` may hold one object at two keys in `fdef`. puts(target, value, name,
    same_key, put) hands `put` what `target = value` puts into `name` (lower_copies._puts);
    putting_methods: the methods putting their arguments in (append, update, ...);
    fresh(expr): whether an expression surely makes a new object."""
    seen = []
    loops = [n for n in S.walk(fdef) if isinstance(n, _LOOPS)]
    targets = {n.id for loop in S.walk(fdef) if isinstance(loop, (S.For, S.comprehension))
               for n in S.walk(loop.target) if isinstance(n, S.Name)}

    def put(value):
        if isinstance(value, S.BinOp) and isinstance(value.op, S.Mult) and any(
                isinstance(v, (S.List, S.Tuple)) and v.elts for v in (value.left, value.right)):
            seen.extend(["", ""])   # [a] * n: n times the same a
        elif isinstance(value, S.BinOp) and isinstance(value.op, S.Add) and any(
                isinstance(v, (S.List, S.Tuple)) for v in (value.left, value.right)):
            put(value.left)   # [a] + [a]
            put(value.right)
        elif isinstance(value, (S.List, S.Tuple, S.Set)):
            for e in value.elts:   # c.extend([a, a])
                put(e)
        elif isinstance(value, S.Name) and value.id != name and depth < 3 and repeats_items(
                fdef, value.id, puts, putting_methods, fresh, depth + 1):
            seen.extend(["", ""])   # list(t) of t = (a, a): the items t repeats
        elif isinstance(value, S.Name):
            looped = value.id not in targets and any(
                any(n is value for n in S.walk(loop)) and not _renewed(loop, value.id, fresh)
                for loop in loops)
            seen.extend([value.id] * (2 if looped else 1))

    for node in S.walk(fdef):
        if isinstance(node, S.Assign):
            for t in node.targets:
                puts(t, node.value, name, lambda key: True, put)
        elif isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and \
                isinstance(node.func.value, S.Name) and node.func.value.id == name and \
                node.func.attr in putting_methods:
            for a in list(node.args) + [k.value for k in node.keywords]:
                put(a)
    return len(seen) != len(set(seen))


def _renewed(loop, name, fresh):
    """Whether `loop` binds `name` to a new object each turn: a plain `name = <new value>`
    in its body, none other (`name += v` keeps the object)."""
    binds = [n for n in S.walk(loop) if isinstance(n, (S.Assign, S.AugAssign, S.AnnAssign))
             and any(isinstance(t, S.Name) and t.id == name
                     for t in (n.targets if isinstance(n, S.Assign) else [n.target]))]
    return bool(binds) and all(isinstance(n, S.Assign) and len(n.targets) == 1 and
                               fresh(n.value) for n in binds)


_CONTAINERS = (builtins.list, builtins.dict, builtins.tuple, builtins.set, sorted)
_ITERATORS = (enumerate, zip, reversed, iter)


def holders(fdef, container, held, fresh, resolve, dicts=frozenset()):
    """The names that may hold one of the objects the names `held` hold (a fixed point), or
    the items of `container` as a whole (`e = c`, `e = c[:]`, `e = list(c)`, `e = c.copy()`):
    a name bound to a value made of them that is not new (`e = a`, `e = a[0]`), or to a new
    container of them (`e = [a]`, `e = {"w": a}`, `e = [a] + b`), or one they are appended
    to; not a new array computed from them (`e = a * 2.0`, `np.array(a)`). The container
    itself is left out (lower_copies follows the reads of its items). fresh(expr): whether an
    expression surely makes a new object; resolve(name): what a name is (`list`, ...);
    dicts: names surely bound to dicts, whose loop `for k in d` binds keys, not items. A
    comprehension's own names are its own: what it makes holds the items it goes through
    (`_carries`), its `k` and `v` are not the function's."""
    found = set(held) - {container}
    changed = True
    while changed:
        changed = False
        for node in S.walk(fdef):
            if isinstance(node, S.Assign) and (_carries(node.value, container, resolve,
                                                        fresh) or _holding(
                    node.value, fresh, resolve) and any(   # e = max(p for p in c)
                    isinstance(c, _COMPREHENSIONS) and _carries(c, container, resolve, fresh)
                    for c in S.walk(node.value)) or _holding(
                    node.value, fresh, resolve) and held_names(node.value) & found):
                targets = {n.id for t in node.targets for n in S.walk(t)
                           if isinstance(n, S.Name)}
            elif isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and \
                    isinstance(node.func.value, S.Name) and node.func.attr in (
                        "append", "extend", "insert", "update", "setdefault") and (
                    set().union(*(held_names(a) for a in node.args)) & found or any(
                        _carries(a, container, resolve, fresh) for a in node.args)):
                targets = {node.func.value.id}   # (d.update(e): e's items are d's too)
            elif isinstance(node, S.For) and _carries(node.iter, container, resolve, fresh) \
                    and not (isinstance(node.iter, S.Name) and node.iter.id in dicts):
                # for k, v in e.items() (for k in d: d's keys, which no array or list is)
                targets = {n.id for n in S.walk(node.target) if isinstance(n, S.Name)}
            else:
                continue
            targets.discard(container)
            if not targets <= found:
                found |= targets
                changed = True
    return found - set(held)


def _whole(value, container, resolve):
    """Whether `value` is the container, a shallow copy of it or a view of its items (the
    same items): `c`, `c[:]`, `list(c)`, `c.copy()`, `c.values()`, `list(e.items())`."""
    if isinstance(value, S.Name):
        return value.id == container
    if isinstance(value, S.Subscript):
        return isinstance(value.slice, S.Slice) and _whole(value.value, container, resolve)
    if not isinstance(value, S.Call):
        return False
    if isinstance(value.func, S.Name) and resolve(value.func.id) in _CONTAINERS:
        return len(value.args) == 1 and _whole(value.args[0], container, resolve)
    return isinstance(value.func, S.Attribute) and value.func.attr in (
        "copy", "values", "items") and not value.args and \
        _whole(value.func.value, container, resolve)


def _carries(value, container, resolve, fresh=lambda node: False):
    """Whether `value` is the container's items themselves (`_whole`), or made of them by
    displays, * unpacking, enumerate/zip/reversed/iter and comprehensions: `[*c]`,
    `list(zip(c, w))`, `enumerate(c)`, `[p for p in c]`, `{k: v for k, v in c.items()}`;
    not by reading the container otherwise (`len(c)`, `np.stack(c)`, `[p * 2 for p in c]`,
    whose elements are new: fresh(expr))."""
    if _whole(value, container, resolve):
        return True
    if isinstance(value, S.Starred):
        return _carries(value.value, container, resolve, fresh)
    if isinstance(value, (S.List, S.Tuple, S.Set)):
        return any(_carries(e, container, resolve, fresh) for e in value.elts)
    if isinstance(value, _COMPREHENSIONS):
        element = _element(value)
        return _holding(element, fresh, resolve) and any(
            _carries(g.iter, container, resolve, fresh) for g in value.generators) and \
            bool(held_names(element) & _own_names(value))
    return isinstance(value, S.Call) and isinstance(value.func, S.Name) and \
        resolve(value.func.id) in _CONTAINERS + _ITERATORS and \
        any(_carries(a, container, resolve, fresh) for a in value.args)


def _holding(value, fresh, resolve):
    """Whether the value bound may hold (or be) an object its names hold (a comprehension:
    where its elements may: `[p for p in ps]`, not `[p * 2 for p in ps]`)."""
    if isinstance(value, _COMPREHENSIONS):
        return _holding(_element(value), fresh, resolve)
    if not fresh(value) or isinstance(value, (S.List, S.Tuple, S.Set, S.Dict)):
        return True
    if isinstance(value, S.BinOp):   # [a] + b, [a] * 2: a new list of the same items
        return any(isinstance(v, (S.List, S.Tuple)) for v in (value.left, value.right))
    return isinstance(value, S.Call) and isinstance(value.func, S.Name) and \
        resolve(value.func.id) in _CONTAINERS
