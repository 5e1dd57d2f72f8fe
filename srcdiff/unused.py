"""Unused code: helper variants the derivative never calls, nested functions nothing reads
(stage 6, optimize: called by tidy.py). Takes the emitted functions, the derivative first;
gives back those kept (`drop_unused`).

The derivative of a function that calls the user's helpers comes with a variant of
each helper per way it is differentiated (`jvp_step`, `jvp_step_1` for another set of
active arguments); a variant made on the way and then not called by what was kept is
dead text. `drop_unused(defs)` keeps the derivative (the first function) and the
functions any kept function reads by name, transitively; inside each kept function, a
nested `def` whose name nothing reads (and that is bound once, with no global or
nonlocal in the function) goes too.
"""
from . import syntax as S


def drop_unused(defs):
    """The functions of `defs` (the derivative first) that the first one reaches."""
    if not defs:
        return defs
    by_name = {}
    for fdef in defs:
        by_name.setdefault(fdef.name, []).append(fdef)
    if any(len(v) > 1 for v in by_name.values()):
        return defs  # a name bound twice: which one a read means is not for us to say
    if len(defs) == 1:
        _drop_nested(defs[0])
        return defs
    kept, todo = set(), [defs[0]]
    while todo:
        fdef = todo.pop()
        if id(fdef) in kept:
            continue
        kept.add(id(fdef))
        for name in _reads(fdef):
            todo += by_name.get(name, [])
    out = [f for f in defs if id(f) in kept]
    for fdef in out:
        _drop_nested(fdef)
    return out


def _reads(node):
    """Names read anywhere in a tree, and strings (a name may be looked up by its text)."""
    names = set()
    for n in S.walk(node):
        if isinstance(n, S.Name) and isinstance(n.ctx, S.Load):
            names.add(n.id)
        elif isinstance(n, S.Constant) and isinstance(n.value, str):
            names.add(n.value)
    return names


def _drop_nested(fdef):
    """One walk of `fdef` gathers what the removal reads (most derivatives nest no def:
    then nothing is to remove, found looking at the statements alone)."""
    if not _defines(fdef.body):
        return
    reads, bound, nested = set(), {}, False
    for n in S.walk(fdef):
        cls = n.__class__
        if cls is S.Name:
            if n.ctx.__class__ is S.Load:
                reads.add(n.id)
            else:
                bound[n.id] = bound.get(n.id, 0) + 1
        elif cls is S.Constant:
            if isinstance(n.value, str):
                reads.add(n.value)
        elif cls is S.FunctionDef or cls is S.ClassDef:
            if n is not fdef:
                nested = True
                bound[n.name] = bound.get(n.name, 0) + 1
        elif cls is S.Global or cls is S.Nonlocal:
            return
    if nested:
        _remove(fdef.body, reads, bound)


def _defines(stmts):
    """Whether a def or a class is among `stmts` or the statements nested in them (a def is
    a statement: only statement lists hold one, so no expression is looked into)."""
    for stmt in stmts:
        cls = stmt.__class__
        if cls is S.FunctionDef or cls is S.ClassDef:
            return True
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if inner.__class__ is list and inner and _defines(inner):
                return True
        for field in ("handlers", "cases"):   # try's except clauses, match's cases
            for part in getattr(stmt, field, None) or ():
                if _defines(part.body):
                    return True
    return False


def _remove(body, reads, bound):
    kept = []
    for stmt in body:
        if (isinstance(stmt, S.FunctionDef) and stmt.name not in reads
                and bound.get(stmt.name) == 1 and not stmt.decorator_list):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner:
                _remove(inner, reads, bound)
        kept.append(stmt)
    if body and not kept:
        kept = [S.Pass()]
    body[:] = kept
