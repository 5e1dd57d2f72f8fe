"""Values the adjoint reads again instead of taping them (stage 5, reverse: called by
reverse_tape.py, reverse_control.py and end_saves.py). Takes the reverse pass and a loop;
gives back the names re-read (`rereadable`) and the statements that read them again at the
start of each reversed trip (`statements`).

`x_t = xs[t]` in the body of `for t in ...`, with `xs` an array the function never
changes, holds the same value when the adjoint's reversed loop comes back to trip `t`:
so the reverse loop starts its trip with `x_t = xs[t]` again, and the primal pushes
nothing (and needs no `x_t = None` before its loop for the first push).

The conditions are kept narrow, as a wrong re-read is a wrong derivative:

* `xs` is a parameter never bound again, and nothing in the function may write into any
  array: no item write, append, in-place operator, call kept for its effect (checks
  apart), `out=` argument, call of the user's own code, method call srcdiff does not
  follow, or nested def;
* `t` is bound only as that loop's counter, and the statement sits directly in the
  loop's body (not in a branch), so it runs on every trip;
* `x_t` is bound only there and read only by the statements after it in that body, so no
  adjoint reads another trip's value of it, nor the value it had before the loop;
* neither a checkpointed loop nor a callee's adjoint (its backward half has no
  parameters) re-reads.
"""
from . import analyze
from . import syntax as S
from .callables import is_user_function
from .core import Kind

_WRITES = (Kind.SETITEM, Kind.APPEND, Kind.POP)


def rereadable(rev, needed):
    """{id(for loop): [statements its reversed trip begins by running again]}, for the
    statements of `rev` (a reverse.Reverse) binding a name in `needed`."""
    if rev.callee or rev.checkpoint is not None:
        return {}
    stmts = list(analyze.flatten(rev.body))
    if not all(_writes_nothing(s) for s in stmts):
        return {}
    bound = bound_counts(stmts)
    out = {}
    for loop in stmts:
        if not isinstance(loop, S.For) or bound.get(loop.target.id) != 1:
            continue
        for position, stmt in enumerate(loop.body):
            if _is_reread(stmt, loop, needed, bound, rev.low.params) \
                    and read_only_in(stmt.targets[0].id, loop.body[position + 1:], stmts):
                out.setdefault(id(loop), []).append(stmt)
    return out


def statements(rev, loop):
    """Fresh copies of the statements the reversed trip of `loop` begins with."""
    return [S.clone(s) for s in getattr(rev, "rereads", {}).get(id(loop), ())]


def _writes_nothing(stmt):
    info = stmt.sd
    if isinstance(stmt, S.FunctionDef) or info.kind in _WRITES:
        return False
    if isinstance(stmt, (S.For, S.While)) and getattr(info.loop, "checkpoint", None) is not None:
        return False
    if info.kind == Kind.EFFECT and info.check is None:
        return False
    if info.inplace is not None or info.user_call is not None or info.dynamic_method:
        return False
    if info.kind == Kind.CALL and (is_user_function(info.func) or any(
            k.arg == "out" for n in S.walk(stmt.value) if isinstance(n, S.Call)
            for k in n.keywords)):
        return False
    return True


def _is_reread(stmt, loop, needed, bound, params):
    if not (isinstance(stmt, S.Assign) and stmt.sd.kind == Kind.SUBSCRIPT
            and isinstance(stmt.targets[0], S.Name)):
        return False
    name, value = stmt.targets[0].id, stmt.value
    return (name in needed and bound.get(name) == 1
            and isinstance(value.value, S.Name) and value.value.id in params
            and value.value.id not in bound
            and isinstance(value.slice, S.Name) and value.slice.id == loop.target.id)


def bound_counts(stmts):
    """{name: how many of the (flattened) statements bind it}, loop counters included."""
    bound = {}
    for s in stmts:
        name = s.target.id if isinstance(s, S.For) else analyze.assigned(s)
        if name is not None:
            bound[name] = bound.get(name, 0) + 1
    return bound


def read_only_in(name, later, stmts):
    """Whether every read of `name` among the (flattened) statements `stmts` of the
    function is in the statements `later`."""
    inside = {id(s) for s in analyze.flatten(later)}
    for s in stmts:
        parts = _own_parts(s)
        if any(isinstance(n, S.Name) and n.id == name and isinstance(n.ctx, S.Load)
               for part in parts for n in S.walk(part)) and id(s) not in inside:
            return False
    return True


def _own_parts(stmt):
    """The expressions a statement evaluates itself (not its nested statements)."""
    if isinstance(stmt, S.For):
        return [stmt.iter]
    if isinstance(stmt, (S.If, S.While)):
        return [stmt.test]
    return [stmt]
