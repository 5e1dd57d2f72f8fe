"""Stage 6 (optimize), dead code: drop pure assignments nothing reads.

The primal part of an emitted gradient is the user's function, statement by statement,
and it computes what only its caller would read: a gradient seeded with 1.0 does not
read the scalar output (or the running sum that makes it: `loss = loss + np.sum(h * h)`
in a loop). `drop_unread(body)` removes, at every nesting level, assignments `name =
value` where the value is pure (names, constants, arithmetic and comparisons of them,
`numpy.<function>(...)` calls from PURE) and no statement that is kept reads the name,
found as a fixpoint, so a chain or a loop-carried cycle of unread values goes at once
(an `if` on a name left with nothing in either branch goes with them).
Anything else (calls, tape pushes and pops, item writes, augmented assignments, loop
and branch tests) is kept, with everything it reads.
"""
from . import fixpoint
from . import syntax as S

PURE = frozenset((
    "sum", "mean", "prod", "max", "min", "amax", "amin", "exp", "log", "log1p", "expm1",
    "sin", "cos", "tan", "tanh", "sinh", "cosh", "sqrt", "square", "abs", "absolute",
    "negative", "add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum",
    "power", "reciprocal", "where", "dot", "matmul", "arctan", "arcsin", "arccos"))


def drop_unread(body):
    """Remove the unread pure assignments from a function body, in place."""
    stmts = list(_statements(body))
    if any(isinstance(n, (S.FunctionDef, S.Lambda, S.ClassDef, S.Global, S.Nonlocal))
           for stmt in stmts for n in S.walk(stmt)):
        return body  # a closure may read any name
    pure = [s for s in stmts if _pure(s)]
    pure_ids = {id(s) for s in pure}
    useful = set()
    for stmt in stmts:
        if id(stmt) not in pure_ids:
            useful |= _own_loads(stmt)
            if isinstance(stmt, S.AugAssign) and isinstance(stmt.target, S.Name):
                useful.add(stmt.target.id)
    useful = fixpoint.closure(useful, lambda useful: [
        n for stmt in pure if stmt.targets[0].id in useful for n in _loads(stmt.value)])
    dead = {id(s) for s in pure if s.targets[0].id not in useful}
    if dead:
        _remove(body, dead)
    return body


def _statements(body):
    for stmt in body:
        yield stmt
        for field in ("body", "orelse"):
            yield from _statements(getattr(stmt, field, None) or [])


def _own_loads(stmt):
    """Names a statement reads itself (a compound statement: its test or iterable only)."""
    if isinstance(stmt, (S.If, S.While)):
        return _loads(stmt.test)
    if isinstance(stmt, S.For):
        return _loads(stmt.iter)
    return _loads(stmt)


def _loads(node):
    return {n.id for n in S.walk(node) if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)}


def _atom(node):
    return isinstance(node, (S.Name, S.Constant))


def _pure(stmt):
    if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name)):
        return False
    value = stmt.value
    if _atom(value):
        return True
    if isinstance(value, S.BinOp):
        return _atom(value.left) and _atom(value.right)
    if isinstance(value, S.UnaryOp):
        return _atom(value.operand)
    if isinstance(value, S.Compare):
        return _atom(value.left) and all(_atom(c) for c in value.comparators)
    if isinstance(value, S.Call):
        func = value.func
        return (isinstance(func, S.Attribute) and isinstance(func.value, S.Name)
                and func.value.id == "numpy" and func.attr in PURE
                and all(_atom(a) for a in value.args)
                and all(_atom(k.value) or isinstance(k.value, S.Tuple) for k in value.keywords))
    return False


def _remove(body, dead):
    """Drop the dead statements; a branch left with nothing on either side, on a name,
    goes too; any other emptied block keeps a `pass`."""
    kept = []
    for stmt in body:
        if id(stmt) in dead:
            continue
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner:
                _remove(inner, dead)
        if isinstance(stmt, S.If) and not stmt.body and not stmt.orelse and _atom(stmt.test):
            continue
        if isinstance(getattr(stmt, "body", None), list) and not stmt.body:
            stmt.body.append(S.Pass())
        kept.append(stmt)
    body[:] = kept
