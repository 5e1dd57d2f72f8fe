"""Inlining: a large temporary read once, by the next statement's arithmetic, is written into
it (stage 6, optimize: called by transform.py). Takes an emitted function body and the sizes
of its values; gives back the body with such temporaries inlined (`inline_single_use`).

NumPy reuses the buffer of an operand nothing else holds (a temporary of an expression:
in `(g @ w.T) * (1 - h * h)` the product is computed into the matrix product's memory),
but never one a name holds. An emitted gradient names every value, so where a hand
adjoint allocates once, it allocates twice, and under glibc's default malloc each large
allocation maps fresh pages. `inline_single_use(body, sizes)` rewrites

    d_h = d_shifted @ w2.T
    d_add_1 = d_h * (1 - h * h)

as `d_add_1 = d_shifted @ w2.T * (1 - h * h)`, where the name (bound once, at the top
level) holds at least liveness.MIN_ELEMENTS elements, is read nowhere else, and its value
is plain arithmetic (operators, attributes, NumPy calls) that a later statement reads as
an operand of an operator, with only plain arithmetic in between that rebinds nothing
the value reads (so moving the value there changes no result).
"""
from . import liveness
from . import syntax as S
from .syntax import COMMENT


def inline_single_use(body, sizes, names=liveness.UNCOUNTED):
    """Inline the qualifying temporaries of a function's top-level statements, in place.
    `names`: `liveness.census(body)`, where taken (kept up to date here)."""
    if not sizes:
        return body
    if names is liveness.UNCOUNTED:
        names = liveness.census(body)
    if names is None:
        return body  # a closure might read a name later
    stores, loads = {}, {}
    for reads, binds in names:
        for name in reads:
            loads[name] = loads.get(name, 0) + 1
        for name in binds:
            stores[name] = stores.get(name, 0) + 1
    dead, changed = set(), set()
    for i, stmt in enumerate(body):
        if not _inlinable(stmt, stores, loads, sizes):
            continue
        name = stmt.targets[0].id
        reads = {n.id for n in S.walk_names(stmt.value)}
        for j in range(i + 1, len(body)):
            later = body[j]
            if _operand_into(later, name, stmt.value):
                dead.add(i)
                changed.add(j)
                break
            if not _passable(later, name, reads):
                break
    for j in changed - dead:
        names[j] = liveness.statement_names(body[j])
    body[:] = [s for i, s in enumerate(body) if i not in dead]
    names[:] = [n for i, n in enumerate(names) if i not in dead]
    return body


def _passable(stmt, name, reads):
    """Whether the value can be computed after `stmt` instead of before it: stmt is plain
    arithmetic that neither reads `name` nor rebinds what the value reads (or a comment)."""
    if (isinstance(stmt, S.Expr) and isinstance(stmt.value, S.Call)
            and isinstance(stmt.value.func, S.Name) and stmt.value.func.id == COMMENT):
        return True
    return (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name) and stmt.targets[0].id not in reads
            and stmt.targets[0].id != name and _plain(stmt.value)
            and not any(n.id == name for n in S.walk_names(stmt.value)))


def _inlinable(stmt, stores, loads, sizes):
    if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name)):
        return False
    name = stmt.targets[0].id
    return (stores.get(name) == 1 and loads.get(name) == 1
            and sizes.get(name, 0) >= liveness.MIN_ELEMENTS
            and isinstance(stmt.value, S.BinOp) and _plain(stmt.value))


def _plain(node):
    """Operators on names and numbers, attributes (`w.T`), calls of numpy.<function>."""
    for n in S.walk(node):
        if isinstance(n, S.Call):
            func = n.func
            if not (isinstance(func, S.Attribute) and isinstance(func.value, S.Name)
                    and func.value.id == "numpy"):
                return False
        elif not isinstance(n, (S.Name, S.Constant, S.BinOp, S.UnaryOp, S.Attribute,
                                S.keyword, S.Tuple, S.operator, S.unaryop)):
            return False
    return True


def _operand_into(stmt, name, value):
    """Put `value` in place of `name` where `stmt` (an assignment) reads it as an operand
    of an operator; False (and no change) if it does not read it so."""
    if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name) and stmt.targets[0].id != name
            and _plain(stmt.value)):
        return False  # (a call with effects could change what value reads, run first)
    for n in S.walk(stmt.value):
        if isinstance(n, S.BinOp):
            for side in ("left", "right"):
                operand = getattr(n, side)
                if isinstance(operand, S.Name) and operand.id == name:
                    setattr(n, side, value)
                    return True
    return False
