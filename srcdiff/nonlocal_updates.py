"""A nested function updating a nonlocal name with an operator (`acc += e`), as rebinding it
(stage 3, lower: called by nonlocal_writes._Scope for each function, before it follows that
function's nonlocal names). Takes a gast FunctionDef (a copy nonlocal_writes made, changed
in place) and whether it is the function differentiated; gives back the names whose updates
now rebind them.

    def f(x):                              def f(x):
        acc = 0.0                              acc = 0.0
        def walk(n):                           def walk(n):
            nonlocal acc                           nonlocal acc
            acc += x[n] ** 2                       acc = acc + x[n] ** 2
            if n > 0:                              if n > 0:
                walk(n - 1)                            walk(n - 1)
        walk(len(x) - 1)                       walk(len(x) - 1)
        return acc                             return acc

nonlocal_writes.py passes acc to walk and takes it back; `acc += e` inside walk then updates
what walk was passed, which srcdiff refuses where it cannot tell the value is a number
(a list or an array would change in place: walk's own recursive calls give acc back as an
item of their result). `acc = acc + e` is the same wherever no other name holds the value acc
holds: every binding of acc in the function and in the nested functions declaring it
nonlocal is `acc = <number>`, `acc = <arithmetic>`, `acc = np.zeros(...)` (ones, full,
zeros_like, ones_like, full_like, copy: a new array), `acc = v.copy()` or `acc op= ...`
(each a new value, or a number), acc is not a parameter, and every read of it uses the value without keeping it (an
operand of arithmetic or a comparison, an `if` or `while` test, the value of another name's
`op=`, an item read as one of those, an argument of float, int, abs or round or of a NumPy
function giving a new value, `np.sum(acc)`, or `return acc` of the function
differentiated). No other nested function reads it (nonlocal_writes
refuses that). Any other name is left as written.
"""
from . import syntax as S

_READERS = {"float", "int", "abs", "round"}
# NumPy's functions making a new array (a binding `acc = numpy.zeros(3)`, which no other
# name holds) and those reading an array into a new value without keeping it (`numpy.sum(acc)`)
_NUMPY_MAKERS = {"zeros", "ones", "full", "zeros_like", "ones_like", "full_like", "copy"}
_NUMPY_READERS = {"sum", "mean", "prod", "max", "min", "amax", "amin", "dot", "vdot", "inner",
                  "exp", "log", "sin", "cos", "tanh", "sqrt", "square", "abs"}


def rebound_updates(outer, top, lookup=lambda name: None):
    """The nonlocal names of `outer`'s nested functions whose `name op= e` statements there
    now rebind them (`name = name op e`), where they fit (the module's docstring); `outer`
    is changed in place. `top`: whether outer is the function differentiated. lookup(name):
    what a free name of outer means (`np` as numpy: numpy.zeros makes a new array)."""
    defs = [n for n in S.scope_nodes(outer) if isinstance(n, S.FunctionDef)]
    updated = {}
    for g in defs:
        declared = _declared(g)
        for n in S.scope_nodes(g):
            if isinstance(n, S.AugAssign) and isinstance(n.target, S.Name) and \
                    n.target.id in declared:
                updated.setdefault(n.target.id, []).append(g)
    done = []
    for name, writers in updated.items():
        sharing = [outer] + [g for g in defs if name in _declared(g)]
        if not _fits(outer, name, sharing, top, lookup):
            continue
        for g in dict.fromkeys(writers):
            g.body = _rebinding(g.body, name)
        done.append(name)
    return done


def _declared(fn):
    return {name for n in S.scope_nodes(fn) if isinstance(n, S.Nonlocal) for name in n.names}


def _fits(outer, name, sharing, top, lookup):
    if name in _declared(outer):
        return False   # (a name of a function further out: its bindings there unseen here)
    a = outer.args
    if name in {getattr(p, "id", getattr(p, "arg", None)) for p in
                a.posonlyargs + a.args + a.kwonlyargs + [p for p in (a.vararg, a.kwarg) if p]}:
        return False
    numpy_calls = _numpy_calls(outer, lookup)
    parents, owned = {}, set()
    for fn in sharing:
        for n in S.scope_nodes(fn):
            owned.add(id(n))
            for child in S.iter_child_nodes(n):
                parents[id(child)] = n
    for n in S.walk(outer):
        if not (isinstance(n, S.Name) and n.id == name):
            continue
        if id(n) not in owned:
            return False   # a function deeper down, or a lambda, uses it
        parent = parents.get(id(n))
        if isinstance(n.ctx, S.Load):
            if not _consumed(n, parents, outer, top, numpy_calls):
                return False
        elif isinstance(parent, S.AugAssign) and parent.target is n:
            continue
        elif not (isinstance(parent, S.Assign) and parent.targets == [n] and (
                isinstance(parent.value, (S.BinOp, S.UnaryOp)) or (
                    isinstance(parent.value, S.Constant) and
                    type(parent.value.value) in (int, float, complex)) or
                numpy_calls(parent.value) in _NUMPY_MAKERS or _copied(parent.value))):
            return False
    return True


def _copied(value):
    """Whether `value` is `name.copy()` (a new array, or a new list of the same items: no
    other name holds it either way)."""
    return isinstance(value, S.Call) and not value.args and not value.keywords and \
        isinstance(value.func, S.Attribute) and value.func.attr == "copy" and \
        isinstance(value.func.value, S.Name)


def _numpy_calls(outer, lookup):
    """A function telling the name of the NumPy function a call `np.zeros(...)` makes (`np`
    a name of the module numpy, bound nowhere in outer; no out= keyword), else None."""
    import numpy
    bound = {m.id for m in S.walk(outer) if isinstance(m, S.Name) and
             not isinstance(m.ctx, S.Load)} | {
        d.name for d in S.walk(outer) if isinstance(d, (S.FunctionDef, S.ClassDef))}

    def called(node):
        if not isinstance(node, S.Call) or any(k.arg in (None, "out") for k in node.keywords):
            return None
        func = node.func
        if isinstance(func, S.Attribute) and isinstance(func.value, S.Name) and \
                func.value.id not in bound and lookup(func.value.id) is numpy:
            return func.attr
        return None
    return called


def _consumed(n, parents, outer, top, numpy_calls):
    """Whether the value read at `n` is used without another name keeping it."""
    parent = parents.get(id(n))
    if isinstance(parent, (S.BinOp, S.UnaryOp, S.Compare)):   # (not `acc or v`: acc itself)
        return True
    if isinstance(parent, (S.If, S.While, S.IfExp)) and parent.test is n:
        return True
    if isinstance(parent, S.AugAssign) and parent.value is n:
        return True
    if isinstance(parent, S.Subscript) and parent.value is n and isinstance(parent.ctx, S.Load):
        return _consumed(parent, parents, outer, top, numpy_calls)   # not r = acc[0]
    if isinstance(parent, S.Call) and n in parent.args and isinstance(parent.func, S.Name):
        return parent.func.id in _READERS
    if isinstance(parent, S.Call) and n in parent.args:   # numpy.sum(acc): a new value
        return numpy_calls(parent) in _NUMPY_READERS
    if isinstance(parent, S.Return) and top:
        return any(parent is m for m in S.scope_nodes(outer))
    return False


def _rebinding(stmts, name):
    """The block with each `name op= e` of its own scope as `name = name op e`."""
    def replace(stmt):
        if not (isinstance(stmt, S.AugAssign) and isinstance(stmt.target, S.Name) and
                stmt.target.id == name):
            return None
        value = S.BinOp(left=S.load(name), op=stmt.op, right=stmt.value)
        new = S.Assign(targets=[S.store(name)], value=value, type_comment=None)
        return S.place_unplaced(new, stmt)
    return S.map_own_statements(stmts, replace)
