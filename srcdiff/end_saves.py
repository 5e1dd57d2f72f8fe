"""Values a loop's trip saves at its end instead of before each write (stage 5, reverse: called
by reverse_tape.py and reverse_control.py). Takes the reverse pass and a loop; gives back
the names saved so (`end_saved`), the pushes ending each trip (`pushes`) and the pops
starting each reversed trip (`pops`).

The tape saves a name's old value before the statement that overwrites it, and the
adjoint pops it back after that statement's adjoint. For a value a loop body makes afresh
on each trip (a temporary of `y = y + a * np.sum(np.sin(x))`), the old value is only ever
the previous trip's, or nothing on the first trip, which is why the primal had to bind it
to None before the loop. Such a value is pushed instead at the end of each trip (before the
loop's `if flag: break`), and its reversed trip begins by popping it: the same pushes and
pops in number, no `name = None` line, no None on the tape.

A value qualifies when it is bound by exactly one statement, directly in the loop's body
(so on every trip, before its end), and every read of it in the function is by the
statements after it in that body: so nothing reads it before the loop, nor the previous
trip's value. Not in checkpointed loops (checkpoint_adjoint keeps its own tapes) nor for a
call of the user's own code (its tape entries are the callee's).
"""
from . import analyze
from . import syntax as S
from .core import Kind
from .rereads import bound_counts, read_only_in

_KINDS = frozenset({Kind.CALL, Kind.BINOP, Kind.UNARY, Kind.COPY, Kind.SUBSCRIPT,
                    Kind.ATTRIBUTE, Kind.OPAQUE, Kind.STOP_GRADIENT})


def end_saved(rev, needed, skip):
    """{id(loop): [names its trip pushes at its end]}, for the loops of `rev` (a
    reverse.Reverse); names in `needed` only, statements whose id is in `skip` left out."""
    if rev.checkpoint is not None:
        return {}
    stmts = list(analyze.flatten(rev.body))
    if any(isinstance(s, (S.For, S.While)) and getattr(s.sd.loop, "checkpoint", None)
           is not None for s in stmts):
        return {}
    bound = bound_counts(stmts)
    out = {}
    for loop in stmts:
        if not isinstance(loop, (S.For, S.While)):
            continue
        for position, stmt in enumerate(loop.body):
            if not (isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name)
                    and stmt.sd.kind in _KINDS and stmt.sd.user_call is None
                    and not rev._is_user_call(stmt) and id(stmt) not in skip):
                continue
            name = stmt.targets[0].id
            if name in needed and bound.get(name) == 1 and name not in rev.low.params \
                    and read_only_in(name, loop.body[position + 1:], stmts):
                out.setdefault(id(loop), []).append(name)
    return out


def pushes(rev, loop, body):
    """`body` (the primal's loop body) with the end-of-trip pushes put in, before a closing
    `if flag: break`."""
    names = getattr(rev, "end_saves", {}).get(id(loop), ())
    if not names:
        return body
    at = len(body)
    if body and isinstance(body[-1], S.If) and body[-1].body \
            and isinstance(body[-1].body[-1], S.Break):
        at -= 1
    return body[:at] + [rev.push(rev._saved_value(n)) for n in names] + body[at:]


def pops(rev, loop):
    """The pops a reversed trip of `loop` begins with (last pushed, first popped)."""
    return [rev.pop_into(S.store(n))
            for n in reversed(getattr(rev, "end_saves", {}).get(id(loop), ()))]
