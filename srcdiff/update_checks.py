"""`a += b` raises where Python's does: a check before each update of a name that may hold an
array (stage 3, lower: called by lower.py, and by the lowering for item updates). Takes
lowered core statements, the parameters and the module-level values (`guard_updates`), or
one item update (`item_guard`); gives back the statements with `check_update(a, b, method)`
placed before each such update.

The lowering computes `a op= b` as `new = a op b; a = new` (lower.stmt_AugAssign, also for
operator.iadd and its siblings, inplace_calls.py). For numbers that is what Python does; an
array is updated in place instead, which NumPy refuses where the result does not fit the
array: another shape (`a` of shape (3,), `b` of shape (2, 3)), a dtype the array's cannot be
cast from (an integer array `+= 0.5`), a product `a @= b` that is not a matrix of a's shape.
Before the operation, `check_update(a, b, '__iadd__')` (srcdiff.runtime_updates) raises
NumPy's own error there, and does nothing for numbers, lists and arrays the result fits.

An item update `c[k] op= b` is lowered as `current = c[k]; new = current op b; c[k] = new`;
Python updates the item in place first where it is an array (a row of c, an array a list
holds), so `check_update(current, b, method)` comes before the operation there too
(item_guard, called by the lowering).

The check is left out where a always holds a list or a tuple (sequences.py's kinds), and
where a holds a Python number whenever the update runs: a name bound
only to numeric literals, loop counters of range(), len(), float(), int(), math functions'
results, module-level numbers, and arithmetic of those (a flow-insensitive fixed point).
"""
import math
import numbers

from . import analyze, fixpoint
from . import syntax as S
from .core import Kind

_NUMBER_FUNCTIONS = (len, float, int, math.floor, math.ceil, math.trunc)


def guard_updates(body, params, module_value, bindings, sequences=()):
    """Put `check_update(a, b, method)` before the operation of each `a op= b` in `body`
    whose a may be an array. module_value(atom): the module-level value an atom names
    (raises where unknown); bindings: the emitted code's names; sequences: names that
    always hold a list or a tuple (sequences.rewrite's kinds), never checked."""
    stmts = list(analyze.flatten(body))
    numbers_ = _numbers(stmts, params, module_value)
    found = {}
    for block in _blocks(body):
        for i, stmt in enumerate(block):
            update = _update(block, i)
            if update is None:
                continue
            operation, name, other, method = update
            if name in numbers_ or name in sequences:
                continue
            found[id(operation)] = [(stmt, name, other, method)]

    def make(stmt, name, other, method):
        from . import runtime_updates
        func = runtime_updates.check_update
        bindings[func.__name__] = func
        guard = S.Expr(value=S.Call(func=S.load(func.__name__), args=[
            S.load(name), S.clone(other), S.const(method)], keywords=[]))
        from .core import Info
        guard.sd = Info(Kind.EFFECT, func=func, line=stmt.sd.line)
        guard.lineno = stmt.sd.line
        return guard
    if found:
        from .alias_guards import insert_guards   # (where there is a guard to place)
        insert_guards(body, found, make)


def item_guard(lowerer, current, other, method):
    """`check_update(current, other, method)` before `new = current op other` of `c[k] op= b`
    (current = c[k]): Python updates an array item (a row of c, an array a list holds) in
    place before storing it back, and raises where the result does not fit it."""
    from . import runtime_updates
    from .core import Info
    func = runtime_updates.check_update
    lowerer.bindings[func.__name__] = func
    guard = S.Expr(value=S.Call(func=S.load(func.__name__), args=[
        S.clone(current), S.clone(other), S.const(method)], keywords=[]))
    guard.sd = Info(Kind.EFFECT, func=func, line=lowerer.line)
    guard.lineno = lowerer.line
    return guard


def _blocks(body):
    yield body
    for stmt in body:
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and not isinstance(stmt, S.FunctionDef):
                yield from _blocks(inner)


def _update(block, i):
    """(the operation statement, a, b, method) where block[i] is the `a = new` of `a op= b`
    and block[i - 1] computes new = a op b (or sequence_iadd(a, b), sequence_mul(a, b));
    else None."""
    stmt = block[i]
    method = getattr(getattr(stmt, "sd", None), "inplace", None)
    if not (method is not None and i > 0
            and isinstance(stmt.value, S.Name)):
        return None
    name = stmt.targets[0].id
    j = i - 1
    while j > 0 and isinstance(block[j], S.Expr) and block[j].sd.kind == Kind.EFFECT:
        j -= 1   # a check aliasing.py put before the rebinding (check_in_place)
    operation = block[j]
    if not (isinstance(operation, S.Assign) and isinstance(operation.targets[0], S.Name)
            and operation.targets[0].id == stmt.value.id):
        return None
    value = operation.value
    if isinstance(value, S.BinOp):
        first, other = value.left, value.right
    elif isinstance(value, S.Call) and len(value.args) == 2 and not value.keywords:
        first, other = value.args   # a + b, a * n where a may be a list (sequences.py)
    else:
        return None
    if not (isinstance(first, S.Name) and first.id == name):
        return None
    return operation, name, other, method


def _numbers(stmts, params, module_value):
    """Local names that only ever hold Python numbers (a greatest fixed point: a name is a
    number until one of its bindings may not be)."""
    bound = {}
    for stmt in stmts:
        if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
            bound.setdefault(stmt.targets[0].id, []).append(stmt)
        elif isinstance(stmt, S.For) and isinstance(stmt.target, S.Name):
            bound.setdefault(stmt.target.id, []).append(stmt)
    ranges = {name for name, defs in bound.items()
              if all(isinstance(d, S.Assign) and d.sd.func is range for d in defs)}
    local = set(bound) | set(params)
    return fixpoint.greatest(set(bound) - set(params), lambda name, numbers_: all(
        _gives_number(d, numbers_, ranges, local, module_value) for d in bound[name]))


def _gives_number(stmt, numbers_, ranges, local, module_value):
    def number(atom):
        if isinstance(atom, S.Constant):
            return isinstance(atom.value, numbers.Number)
        if isinstance(atom, S.Name) and atom.id in local:
            return atom.id in numbers_
        try:
            value = module_value(atom)
        except Exception:
            return False
        return isinstance(value, numbers.Number) and not hasattr(type(value), "__iadd__")
    if isinstance(stmt, S.For):
        return isinstance(stmt.iter, S.Name) and stmt.iter.id in ranges
    kind, value = stmt.sd.kind, stmt.value
    if kind == Kind.COPY:
        return number(value)
    if kind in (Kind.BINOP, Kind.UNARY):
        return all(number(a) for a in analyze.call_parts(value)[0])
    if kind == Kind.CALL and isinstance(value, S.Call):
        func = stmt.sd.func
        return func in _NUMBER_FUNCTIONS or (
            getattr(func, "__module__", None) == "math" and func is not math.prod)
    return False
