"""A call of a nested function rebinding nonlocal names, made inside an expression, moved
onto a line of its own before its statement (stage 3, lower: called by nonlocal_writes.py,
which follows such a function only called as the whole value of a statement). Takes a
block of statements, the writers ({name: (def, names it rebinds)}), the enclosing
function's own names and a maker of fresh names; gives back the block with each movable
call bound first:

    out = out + step(v)        ->      step_value = step(v)
                                       out = out + step_value

Moved only where nothing changes: the statement (an assignment, `+=` on a name, an
expression or a return, not in a try block) holds the call of a writer, reached through
operators, calls and displays that evaluate it whatever the values (not under `and`/`or`,
a conditional expression, a comprehension or a lambda), and what the statement evaluates
before the call (an earlier call of a writer moved first) is names the writer does not
rebind, constants and attributes of modules: each still stands for the same object when
read after the call (a write into an array shows through the name either way). Any other
part evaluated before the call (`x[n] + walk(n - 1)`, `acc * step(v)` where step rebinds
acc) is bound first too, in Python's order (`value_before = x[n]`), but for a function
called (`obj.m(step(v))`) and `out += step(v)` where step rebinds out. Any other call stays
as written, and nonlocal_writes refuses it, located.
"""
from . import syntax as S

_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)


def hoist_calls(stmts, writers, own, fresh, in_try=False):
    """`stmts` with each movable call of a writer bound on a line of its own before its
    statement (see the module docstring), recursively through the blocks it holds."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, _SCOPES):
            out.append(stmt)
            continue
        inner = in_try or isinstance(stmt, S.Try)
        for field in ("body", "orelse", "finalbody"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block and isinstance(block[0], S.stmt):
                setattr(stmt, field, hoist_calls(block, writers, own, fresh, inner))
        for handler in getattr(stmt, "handlers", None) or ():
            handler.body = hoist_calls(handler.body, writers, own, fresh, True)
        for case in getattr(stmt, "cases", None) or ():
            case.body = hoist_calls(case.body, writers, own, fresh, inner)
        if not in_try:
            out += _moved(stmt, writers, own, fresh)
        else:
            out.append(stmt)
    return out


def _moved(stmt, writers, own, fresh):
    """[binds..., stmt]: the writer calls in stmt's value that can move bound first, in the
    order Python makes them (step(x[0]) + step(x[1]): the second moves once the first has)."""
    if not isinstance(stmt, (S.Assign, S.AugAssign, S.Expr, S.Return)) or stmt.value is None:
        return [stmt]
    binds = []
    while True:
        calls = [n for n in S.walk(stmt.value) if isinstance(n, S.Call) and
                 isinstance(n.func, S.Name) and n.func.id in writers and n is not stmt.value]
        bound = next((b for b in (_bound_first(stmt, c, writers, own, fresh) for c in calls)
                      if b is not None), None)
        if bound is None:
            return binds + [stmt]
        *kept, bind = bound
        binds += kept + _moved(bind, writers, own, fresh)   # step(step(v)): the inner first


def _bound_first(stmt, call, writers, own, fresh):
    """[`t = part` for each part evaluated before the call that may read otherwise after it,
    `name = call`] (the parts and the call replaced by the names in stmt) where the call can
    move, else None."""
    names = set(writers[call.func.id][1])
    before = _evaluated_before(stmt.value, call)
    if before is None:
        return None
    if isinstance(stmt, S.AugAssign) and not _unchanged(stmt.target, names, own):
        return None   # out += g(v) where g rebinds out: out is read before the call
    called = {id(c.func) for c in S.walk(stmt.value) if isinstance(c, S.Call)}
    kept = [n for n in before if not _unchanged(n, names, own)]
    if any(id(n) in called or any(isinstance(c, S.Call) and isinstance(c.func, S.Name) and
                                  c.func.id in writers for c in S.walk(n)) for n in kept):
        return None   # (a function read before the call: left as written)
    out = []
    for part in kept:   # x[n] + walk(n - 1): t = x[n] first, as Python reads it first
        held = fresh("value_before")
        out.append(S.place_unplaced(
            S.Assign(targets=[S.store(held)], value=part, type_comment=None), stmt))
        stmt.value = _replaced(stmt.value, part, S.place_unplaced(S.load(held), part))
    name = fresh(f"{call.func.id}_value")
    bind = S.Assign(targets=[S.store(name)], value=call, type_comment=None)
    stmt.value = _replaced(stmt.value, call, S.place_unplaced(S.load(name), call))
    return out + [S.place_unplaced(bind, stmt)]


def _evaluated_before(node, call):
    """The expressions Python evaluates before `call` in evaluating `node`, where `call` is
    evaluated whatever their values; None where it may not be (or the path is unknown)."""
    if node is call:
        return []
    if isinstance(node, S.BinOp):
        parts = [node.left, node.right]
    elif isinstance(node, S.UnaryOp):
        parts = [node.operand]
    elif isinstance(node, S.Call):
        parts = [node.func] + list(node.args) + [k.value for k in node.keywords]
    elif isinstance(node, S.Compare):
        parts = [node.left, node.comparators[0]]   # (the rest only if the first holds)
    elif isinstance(node, (S.Tuple, S.List)):
        parts = list(node.elts)
    elif isinstance(node, S.Subscript):
        parts = [node.value, node.slice]
    elif isinstance(node, S.Attribute):
        parts = [node.value]
    else:
        return None
    for i, part in enumerate(parts):
        if any(n is call for n in S.walk(part)):
            inner = _evaluated_before(part, call)
            return None if inner is None else parts[:i] + inner
    return None


def _unchanged(node, names, own):
    """Whether `node` reads the same object after the call as before it."""
    if isinstance(node, S.Constant):
        return True
    if isinstance(node, S.Name):
        return node.id not in names
    if isinstance(node, S.Attribute):   # np.sum: an attribute of a module-level name
        root = node
        while isinstance(root, S.Attribute):
            root = root.value
        return isinstance(root, S.Name) and root.id not in own and root.id not in names
    return False


def _replaced(node, old, new):
    """`node` with the subtree `old` replaced by `new` (in place below the root)."""
    if node is old:
        return new
    for field, value in S.iter_fields(node):
        if isinstance(value, list):
            value[:] = [_replaced(v, old, new) if isinstance(v, S.AST) else v for v in value]
        elif isinstance(value, S.AST):
            setattr(node, field, _replaced(value, old, new))
    return node
