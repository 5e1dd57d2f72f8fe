"""A nested function growing a list of the function around it (stage 3, lower: called by
nonlocal_writes._Scope for each function, before it follows that function's nonlocal
names). Takes a gast FunctionDef (a copy nonlocal_writes made, changed in place) and whether
it is the function differentiated; gives back the names of its lists now declared nonlocal
in the nested functions that grow them.

    def f(x):                              def f(x):
        hist = []                              hist = []
        def rec(v):                            def rec(v):
            hist.append(v * v)                     nonlocal hist
                                                   hist = hist + [v * v]
        for v in x:                            for v in x:
            rec(v)                                 rec(v)
        return sum(hist)                       return sum(hist)

`hist.append(e)` as a statement of a nested function g (`hist.extend(e)`: `hist = hist +
list(e)`) that declares a name nonlocal, or is bound once, no generator, and only called as
the whole value of a statement outside try blocks (as nonlocal_writes follows a function
rebinding a name: one passed as a value is left as written), grows the one list the name holds; rebinding the name to a new list with the item
added is the same wherever nothing else holds that list: hist is bound once in the function,
to a list display or comprehension, or `list()` or `list(e)` of the builtin (a new list)
before g's def, is not its parameter, and every other use of it, in the function and in
the nested functions growing it (no other reads it), reads the list without keeping it: an item (`hist[-1]`), an operand (`hist + [v]`),
its length or sum (len, sum, min, max, list, tuple, sorted, and NumPy's array, stack,
concatenate, sum, mean, ...), a comprehension over it, a `for` over it whose body calls no
nested function (or over enumerate(hist), reversed(hist)), `return hist` of the function
differentiated, or the statements
`hist.append(...)` and `hist.extend(...)` themselves. g then rebinds hist as a nonlocal
variable, which nonlocal_writes.py follows (each call `r, hist = g(hist, v)`). Any other list
is left as written (the reverse mode refuses its append, located, as before).
"""
from . import syntax as S

_GROW = ("append", "extend")
_READERS = (len, sum, min, max, list, tuple, sorted)   # the builtins, as the names resolve
_NUMPY_READERS = {"array", "asarray", "stack", "vstack", "hstack", "concatenate", "sum",
                  "mean", "prod", "max", "min", "amax", "amin", "cumsum"}


def grown_lists(outer, top, follows, lookup=lambda name: None):
    """The names of `outer`'s lists its nested functions grow that fit (the module's
    docstring), each declared nonlocal in those functions with its appends rebinding it;
    `outer` is changed in place. `top`: whether outer is the function differentiated (only
    its `return hist` hands the list out after every call of them). `follows`:
    nonlocal_writes' rules, (bound_before(outer, name, g), statements(block),
    whole_call(stmt)), passed in (that module calls this one). lookup(name): what a name
    outer does not bind means (a reading call is known by the function it names: `sum` or
    `np.stack` bound to another function may keep the list)."""
    defs = [n for n in S.scope_nodes(outer) if isinstance(n, S.FunctionDef)]
    grown = {}
    for g in defs:
        if not _declared(g) and not _called_as_statements(outer, g, follows):
            continue   # (left as written: see the docstring)
        bound = _bound_in(g)
        for stmt in S.scope_nodes(g):
            name = _grows(stmt)
            if name is not None and name not in bound:
                grown.setdefault(name, []).append(g)
    done = []
    for name, growers in grown.items():
        if not _fits(outer, name, growers, top, follows[0], lookup):
            continue
        for stmt in outer.body:   # hist = list(): hist = [] (the same new, empty list)
            if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name) and \
                    stmt.targets[0].id == name and _made_by_list(stmt.value, lookup) and \
                    not stmt.value.args:
                stmt.value = S.place_unplaced(S.List(elts=[], ctx=S.Load()), stmt.value)
        for g in dict.fromkeys(growers):
            g.body = _rebinding(g.body, name)
            if name not in _declared(g):
                stmt = S.place_unplaced(S.Nonlocal(names=[name]), g.body[0])
                g.body.insert(0, stmt)
        done.append(name)
    return done


def needed(fdef):
    """Whether a nested function of `fdef` grows a list it does not bind itself."""
    return any(isinstance(g, S.FunctionDef) and g is not fdef and any(
        _grows(n) not in (None,) and _grows(n) not in _bound_in(g) for n in S.scope_nodes(g))
        for g in S.walk(fdef))


def _called_as_statements(outer, g, follows):
    """Whether `g`, bound once in `outer` and no generator, is read only as the call that
    is the whole value of a statement (`g(v)`, `r = g(v)`, `return g(v)`) of outer or of g
    itself, outside try blocks: as nonlocal_writes follows a function rebinding a name."""
    _, _statements, _whole_call = follows
    if any(isinstance(n, (S.Yield, S.YieldFrom)) for n in S.scope_nodes(g)):
        return False
    if sum(1 for n in S.walk(outer) if (isinstance(n, S.FunctionDef) and n.name == g.name)
           or (isinstance(n, S.Name) and n.id == g.name and
               not isinstance(n.ctx, S.Load))) != 1:
        return False
    allowed = set()
    for fn in (outer, g):
        for stmt, in_try in _statements(fn.body):
            call = _whole_call(stmt)
            if call is not None and not in_try and isinstance(call.func, S.Name) and \
                    call.func.id == g.name:
                allowed.add(id(call.func))
    return all(id(n) in allowed for n in S.walk(outer)
               if isinstance(n, S.Name) and n.id == g.name and isinstance(n.ctx, S.Load))


def _grows(stmt):
    """The name `stmt`, a statement `name.append(e)` or `name.extend(e)`, grows; else None."""
    if isinstance(stmt, S.Expr) and isinstance(stmt.value, S.Call):
        call = stmt.value
        if isinstance(call.func, S.Attribute) and call.func.attr in _GROW and isinstance(
                call.func.value, S.Name) and len(call.args) == 1 and not call.keywords and \
                not isinstance(call.args[0], S.Starred):
            return call.func.value.id
    return None


def _bound_in(fn):
    """The names `fn` binds itself (its parameters, its own stores, defs and classes), less
    those it declares nonlocal or global."""
    a = fn.args
    out = {getattr(p, "id", getattr(p, "arg", None)) for p in
           a.posonlyargs + a.args + a.kwonlyargs + [p for p in (a.vararg, a.kwarg) if p]}
    for n in S.scope_nodes(fn):
        if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
            out.add(n.id)
        elif isinstance(n, (S.FunctionDef, S.ClassDef)):
            out.add(n.name)
    return out - set(_declared(fn))


def _declared(fn):
    return [name for n in S.scope_nodes(fn) if isinstance(n, (S.Nonlocal, S.Global))
            for name in n.names]


def _fits(outer, name, growers, top, bound_before, lookup):
    """Whether `name` is bound once in `outer`, to a new list, read by no nested function
    but the `growers`, and every use of it in outer and in them reads the list without
    keeping it (the docstring), bound before each grower's def (`bound_before`)."""
    if any(isinstance(n, S.Name) and n.id == "list" and not isinstance(n.ctx, S.Load)
           for n in S.walk(outer)):
        return False   # (`name + list(e)` reads the builtin)
    if name in parameters(outer):
        return False
    defs = [n for n in S.scope_nodes(outer) if isinstance(n, S.FunctionDef)]
    if not all(bound_before(outer, name, g) for g in growers):
        return False   # (its value may not exist when g is called)
    uses = name_uses(outer, name, growers)
    if uses is None:
        return False   # used in a function deeper down, or a lambda
    stores = 0
    for n, parent, parents in uses:
        if isinstance(n.ctx, S.Load):
            if not _reads_only(n, parent, parents, outer, top, defs, lookup):
                return False
            continue
        stores += 1
        if not (isinstance(n.ctx, S.Store) and isinstance(parent, S.Assign) and
                parent.targets == [n] and (isinstance(parent.value, (S.List, S.ListComp))
                                           or _made_by_list(parent.value, lookup))
                and any(parent is s for s in outer.body)):
            return False
    for g in growers:   # one declaring it nonlocal binds it too: a store not seen above
        if name in _declared(g) and any(isinstance(n, S.Name) and n.id == name and not
                                        isinstance(n.ctx, S.Load) for n in S.scope_nodes(g)):
            return False
    return stores == 1


def parameters(fn):
    """The names of `fn`'s parameters."""
    a = fn.args
    return {getattr(p, "id", getattr(p, "arg", None)) for p in
            a.posonlyargs + a.args + a.kwonlyargs + [p for p in (a.vararg, a.kwarg) if p]}


def name_uses(outer, name, inner):
    """[(each Name node `name` in outer, its parent, the parents map)], each in outer's own
    scope or one of the functions `inner`; None where one lies in another function or a
    lambda."""
    scopes = [outer] + list(dict.fromkeys(inner))
    parents = {}
    for fn in scopes:
        for n in S.scope_nodes(fn):
            for child in S.iter_child_nodes(n):
                parents[id(child)] = n
    owned = {id(n) for fn in scopes for n in S.scope_nodes(fn)}
    uses = [n for n in S.walk(outer) if isinstance(n, S.Name) and n.id == name]
    if any(id(n) not in owned for n in uses):
        return None
    return [(n, parents.get(id(n)), parents) for n in uses]


def _made_by_list(value, lookup):
    """Whether `value` is `list()` or `list(e)`, the builtin's call: a new list (outer binds
    no name `list`: _fits)."""
    return isinstance(value, S.Call) and isinstance(value.func, S.Name) and \
        value.func.id == "list" and lookup("list") is list and len(value.args) <= 1 and \
        not value.keywords and not any(isinstance(a, S.Starred) for a in value.args)


def _reads_only(n, parent, parents, outer, top, defs, lookup):
    """Whether the read `n` of the list reads it without keeping it."""
    if isinstance(parent, S.Attribute) and parent.value is n:
        call, stmt = parents.get(id(parent)), parents.get(id(parents.get(id(parent))))
        return parent.attr in _GROW and isinstance(call, S.Call) and call.func is parent \
            and _grows(stmt) == n.id
    if isinstance(parent, S.Subscript) and parent.value is n:
        return isinstance(parent.ctx, S.Load)
    if isinstance(parent, (S.BinOp, S.Compare)) or (
            isinstance(parent, S.UnaryOp) and not isinstance(parent.op, S.Not)):
        return True
    if isinstance(parent, S.Call) and n in parent.args and isinstance(parent.func, S.Name) \
            and parent.func.id in ("enumerate", "reversed") and lookup(parent.func.id) is \
            getattr(__import__("builtins"), parent.func.id) and not parent.keywords:
        n, parent = parent, parents.get(id(parent))   # (for k, v in enumerate(hist): read
        if not (isinstance(parent, (S.comprehension, S.For)) and parent.iter is n):
            return False   # as it goes, as the list itself: below; kept otherwise)
    if isinstance(parent, S.comprehension) and parent.iter is n:
        return True
    if isinstance(parent, S.For) and parent.iter is n:
        names = {g.name for g in defs}
        return not any(isinstance(m, S.Call) and isinstance(m.func, S.Name) and
                       m.func.id in names for s in parent.body + parent.orelse
                       for m in S.walk(s))
    if isinstance(parent, S.Return) and top:
        return any(parent is m for m in S.scope_nodes(outer))
    if isinstance(parent, S.Call) and n in parent.args and not parent.keywords:
        import numpy
        func = parent.func
        bound = {m.id for m in S.walk(outer) if isinstance(m, S.Name) and
                 not isinstance(m.ctx, S.Load)} | {d.name for d in defs}
        if isinstance(func, S.Name):
            return func.id not in bound and any(lookup(func.id) is r for r in _READERS)
        return isinstance(func, S.Attribute) and isinstance(func.value, S.Name) and \
            func.value.id not in bound and lookup(func.value.id) is numpy and \
            func.attr in _NUMPY_READERS
    return False


def _rebinding(stmts, name):
    """The block with each statement `name.append(e)` (`.extend(e)`) of its own scope as
    `name = name + [e]` (`name + list(e)`)."""
    def replace(stmt):
        if _grows(stmt) != name:
            return None
        call = stmt.value
        item = call.args[0]
        added = S.List(elts=[item], ctx=S.Load()) if call.func.attr == "append" else \
            S.Call(func=S.load("list"), args=[item], keywords=[])
        value = S.BinOp(left=S.load(name), op=S.Add(), right=added)
        new = S.Assign(targets=[S.store(name)], value=value, type_comment=None)
        return S.place_unplaced(new, stmt)
    return S.map_own_statements(stmts, replace)
