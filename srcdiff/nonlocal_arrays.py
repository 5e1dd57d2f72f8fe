"""A nested function writing items of an array of the function around it (stage 3, lower:
called by nonlocal_writes._Scope for each function, before it follows that function's
nonlocal names). Takes a gast FunctionDef (a copy nonlocal_writes made, changed in place), a
resolver of free names and whether it is the function differentiated; gives back the names
of its arrays now declared nonlocal in the nested functions that write them.

    def f(x):                              def f(x):
        buf = np.zeros(3)                      buf = np.zeros(3)
        def add(v, i):                         def add(v, i):
            buf[i] += v                            nonlocal buf
                                                   buf = buf.copy()
                                                   buf[i] += v
        for i in range(3):                     for i in range(3):
            add(x[i] ** 2, i)                      add(x[i] ** 2, i)

`buf[k] = e` or `buf[k] op= e` in a nested function g (not binding buf, bound once, no
generator, only called as the whole value of a statement outside try blocks: as
nonlocal_lists takes a function growing a list) writes into the one array the name holds;
rebinding the name to a copy written there is the same wherever nothing else holds that
array: buf is bound once in the function, at its top level before g's def, to a new array
of a NumPy constructor (zeros, ones, full, empty and their _like, array without keywords
but dtype, copy, arange, linspace, eye, identity), is not its parameter, and every other
use of it, in the function and in the functions writing it (no other reads it), keeps no
part of it: an operand of an operator, an item read that is itself such an operand or a
reducing call's argument, a reducing call's argument (len, float and NumPy's sum, mean,
dot, stack, ufuncs and the like: each gives a new value), its shape, size, ndim or dtype,
a reducing method (`buf.sum()`), an item or slice write, `return buf` of the function
differentiated. g then rebinds buf as a nonlocal variable, which nonlocal_writes.py follows
(each call `r, buf = g(buf, v, i)`). Any other array is left as written (refused at the
write, located, as before).
"""
from . import syntax as S
from .nonlocal_lists import _bound_in, _called_as_statements, _declared, name_uses, \
    parameters

_MAKERS = {"zeros", "ones", "full", "empty", "zeros_like", "ones_like", "full_like",
           "empty_like", "array", "copy", "arange", "linspace", "eye", "identity"}
_REDUCERS = {"sum", "mean", "prod", "max", "min", "amax", "amin", "dot", "vdot", "inner",
             "outer", "matmul", "stack", "vstack", "hstack", "concatenate", "cumsum", "exp",
             "log", "sin", "cos", "tanh", "sqrt", "abs", "square", "allclose", "trace",
             "var", "std", "copy"}
_METHODS = {"sum", "mean", "prod", "max", "min", "dot", "copy", "cumsum", "var", "std",
            "trace", "item", "tolist"}
_FIELDS = {"shape", "size", "ndim", "dtype"}
_BUILTINS = {"len", "float"}


def written_arrays(outer, top, follows, lookup=lambda name: None):
    """The names of `outer`'s arrays its nested functions write items of that fit (the
    module's docstring), each declared nonlocal in those functions, rebound first to a copy;
    `outer` is changed in place. `top`: whether outer is the function differentiated.
    `follows`: nonlocal_writes' rules, (bound_before, statements, whole_call).
    lookup(name): what a name outer does not bind means."""
    defs = [n for n in S.scope_nodes(outer) if isinstance(n, S.FunctionDef)]
    written = {}
    for g in defs:
        if not _called_as_statements(outer, g, follows):
            continue
        bound = _bound_in(g) | set(_declared(g))
        for stmt in S.scope_nodes(g):
            name = _writes(stmt)
            if name is not None and name not in bound:
                written.setdefault(name, []).append(g)
    done = []
    for name, writers in written.items():
        if not _fits(outer, name, writers, top, follows[0], lookup):
            continue
        for g in dict.fromkeys(writers):
            at = _first_statement(g)
            first = g.body[at] if at < len(g.body) else g.body[-1]
            copy = S.Assign(targets=[S.store(name)], value=S.Call(
                func=S.Attribute(value=S.load(name), attr="copy", ctx=S.Load()), args=[],
                keywords=[]), type_comment=None)
            g.body[at:at] = [S.place_unplaced(S.Nonlocal(names=[name]), first),
                             S.place_unplaced(copy, first)]
        done.append(name)
    return done


def needed(fdef):
    """Whether a nested function of `fdef` writes an item of a name it does not bind."""
    return any(isinstance(g, S.FunctionDef) and g is not fdef and any(
        _writes(n) is not None and _writes(n) not in _bound_in(g) for n in S.scope_nodes(g))
        for g in S.walk(fdef))


def _first_statement(g):
    """Where g's own statements begin: after its docstring and nonlocal statements."""
    at = 0
    body = g.body
    if body and isinstance(body[0], S.Expr) and isinstance(body[0].value, S.Constant) and \
            isinstance(body[0].value.value, str):
        at = 1
    while at < len(body) and isinstance(body[at], (S.Nonlocal, S.Global)):
        at += 1
    return at


def _writes(stmt):
    """The name `stmt`, `name[k] = e` or `name[k] op= e`, writes an item of; else None."""
    if isinstance(stmt, S.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
    elif isinstance(stmt, S.AugAssign):
        target = stmt.target
    else:
        return None
    if isinstance(target, S.Subscript) and isinstance(target.value, S.Name):
        return target.value.id
    return None


def _numpy_call(call, lookup, bound, names):
    """Whether `call` is numpy.<one of names>(...) by a name outer does not bind."""
    import numpy
    func = call.func
    base, attrs = S.attribute_chain(func)
    return isinstance(base, S.Name) and base.id not in bound and \
        lookup(base.id) is numpy and len(attrs) in (1, 2) and attrs[-1] in names and \
        (len(attrs) == 1 or attrs[0] == "linalg")


def _fits(outer, name, writers, top, bound_before, lookup):
    """Whether `name` is bound once in `outer`, at its top level, to a new array, read by no
    nested function but the `writers`, and no use of it keeps a part of it (the
    docstring), bound before each writer's def."""
    if name in parameters(outer) or not all(bound_before(outer, name, g) for g in writers):
        return False
    bound = {m.id for m in S.walk(outer) if isinstance(m, S.Name) and
             not isinstance(m.ctx, S.Load)} | {d.name for d in S.walk(outer)
                                              if isinstance(d, (S.FunctionDef, S.ClassDef))}
    uses = name_uses(outer, name, writers)
    if uses is None:
        return False   # used in a function deeper down, or a lambda
    stores = 0
    for n, parent, parents in uses:
        if isinstance(n.ctx, S.Load):
            if not _keeps_nothing(n, parent, parents, outer, top, lookup, bound):
                return False
            continue
        stores += 1
        if not (isinstance(n.ctx, S.Store) and isinstance(parent, S.Assign) and
                parent.targets == [n] and any(parent is s for s in outer.body) and
                _new_array(parent.value, lookup, bound)):
            return False
    return stores == 1


def _new_array(value, lookup, bound):
    if not isinstance(value, S.Call) or not _numpy_call(value, lookup, bound, _MAKERS):
        return False
    if any(isinstance(a, S.Starred) for a in value.args):
        return False
    return all(k.arg == "dtype" for k in value.keywords)


def _keeps_nothing(n, parent, parents, outer, top, lookup, bound):
    """Whether the read `n` of the array keeps no part of it."""
    if isinstance(parent, S.Subscript) and parent.value is n:
        if not isinstance(parent.ctx, S.Load):
            return True   # buf[k] = e, buf[k] += e: a write into it
        return _consumed(parent, parents.get(id(parent)), lookup, bound)
    if isinstance(parent, S.Attribute) and parent.value is n:
        above = parents.get(id(parent))
        if parent.attr in _FIELDS:
            return True
        return parent.attr in _METHODS and isinstance(above, S.Call) and above.func is parent
    if isinstance(parent, S.Return) and top:
        return any(parent is m for m in S.scope_nodes(outer))
    return _consumed(n, parent, lookup, bound)


def _consumed(n, parent, lookup, bound):
    """Whether `n` (the array, or an item of it) is an operand or a reducing call's
    argument: what it gives is a new value."""
    if isinstance(parent, (S.BinOp, S.UnaryOp, S.Compare)):
        return True
    if isinstance(parent, S.Call) and n in parent.args and not parent.keywords:
        func = parent.func
        if isinstance(func, S.Name):
            import builtins
            return func.id not in bound and func.id in _BUILTINS and \
                lookup(func.id) is getattr(builtins, func.id)
        return _numpy_call(parent, lookup, bound, _REDUCERS)
    return False
