"""The reverse pass of a checkpointed loop or call (stage 5, reverse: called by
reverse_tape.py, reverse_calls.py and reverse_control.py; checkpointing.py marks them while
lowering). Takes a loop or call marked checkpointed and the reverse pass's state; gives back
its primal (`primal`, `call_primal`) and adjoint (`adjoint`, `call_adjoint`) statements, and
the segment functions the emitted module holds.

How a checkpointed loop is emitted (`primal` and `adjoint`). The loop body
becomes two functions of the emitted module:

* forward_segment_N(segment, ...) runs the body over one segment (a range) plainly
  and returns the loop's state (the names the loop assigns that matter afterwards);
* backward_segment_N(segment, ...) runs the body over the segment again, taped on a
  tape of its own, then the adjoint of the body over it in reverse; it returns the
  adjoints the loop carries.

The segment functions' names are their own: what a segment reads before binding it comes in
as a parameter (checkpoint_names.py), a function the body defines (a def, a lambda, a try
block's probe) is defined there as in the loop, and a local function defined before the loop
that reads what the loop changes is defined again at their tops (checkpoint_closures.py).

The primal computes the schedule (runtime_checkpoint.checkpoint_plan) and runs the
forward sweep, pushing the state at each segment's start on the tape; the adjoint is
a loop over the reverse sweep's actions: restore a state, advance (keep the state,
run a segment plainly) or turn (backward_segment). Only the snapshots and one
segment's tape are held at any time.

A while loop, or a for loop that break or return may leave, has a trip count known only
at its end: its primal runs once, as written, and checkpoints online (`_online_primal`,
runtime_checkpoint.online_*): it keeps the states at the starts of steps 0, S, 2S, ... in a
list, and when the list holds more than its room it keeps every other one and doubles S.
With k snapshots the loop keeps at most max(1, k // 2) (so S < 2T / (k // 2) at the end of
T steps); the backward pass pops them last first and reverses segment j (of S steps, the
last one shorter) with the binomial schedule of k - j snapshots (j are still kept): each
step of segment j runs forward at most r_j + 1 more times (the last taped), r_j the least
with C(k - 1 - j + r, r) >= the segment's units, so that at most k snapshots are held at
once. With "sqrt" the loop keeps at most 2S (S <= sqrt(2T), so at most sqrt(2T) + 2
snapshots) and the backward pass runs each segment forward once more, taped (a tape of at
most S steps): its sweep only restores kept snapshots and turns, so no forward_segment_N
is emitted for it. No loop is run twice before the backward pass.
"""
from . import analyze
from . import checkpoint_names as loop_names
from . import syntax as S
from .checkpoint_closures import defined_again
from .checkpointing import describe_policy
from .errors import where
from .names import _PRIVATE, TAPE
from .syntax import COMMENT, comment


class Record:
    """What the adjoint of a checkpointed loop decided, for its primal (made after)."""

    def __init__(self, stmt, policy, body, names, sweep, entry):
        self.entry = entry        # names whose adjoints the loop carries
        self.stmt = stmt
        self.policy = policy
        self.body = body          # the adjoint of one iteration
        self.names = names        # local names: plan, schedule, action, segment
        self.sweep = sweep        # the adjoint's loop over the schedule, filled in by primal


def policy_of(rev, stmt):
    """The policy atom of a loop srcdiff checkpoints, or None; a located refusal for a loop
    it can not checkpoint."""
    if not isinstance(stmt, (S.For, S.While)):
        return None
    loop = stmt.sd.loop
    atom = getattr(loop, "checkpoint", None) if loop is not None else None
    outermost = not _inside_loop(rev, stmt)
    if atom is None and rev.checkpoint is not None and outermost:
        atom = S.const(rev.checkpoint)
    if atom is None:
        return None
    line = stmt.sd.line
    if not outermost:
        raise rev.src.error(line, "srcdiff checkpoints only loops that are not inside "
                            "another loop", hint="checkpoint the outer loop instead")
    if rev.callee:
        raise rev.src.error(line, "srcdiff checkpoints loops only in the function it "
                            "differentiates, not in a function that one calls",
                            hint="checkpoint the call instead: srcdiff.checkpoint(g)(x)")
    return atom


def _inside_loop(rev, stmt):
    return any(id(s) == id(stmt) for loop in analyze.flatten(rev.body)
               if isinstance(loop, (S.For, S.While)) for s in analyze.flatten(loop.body))


def adjoint(rev, stmt, state, policy):
    """The adjoint of a checkpointed loop: the loop over the reverse sweep (its body and
    the functions it calls are filled in when the primal is made, see `primal`)."""
    used = rev.tape_used
    before, body = rev._loop_body(stmt, state)
    records = rev.checkpoints
    if not body:
        records.pop(id(stmt), None)
        out = []
        rev.restore(stmt, out)
        return before + out
    rev.tape_used = used   # the body's pops are backward_segment_N's, on its own tape
    # the loop is run again from its state when the adjoint reaches it: what the body reads
    # from before the loop must then hold what it held when the loop ran
    assigned = loop_names.assigned(stmt, stmt.target.id if isinstance(stmt, S.For) else None)
    loaded = loop_names.loaded(stmt.body)
    reads = sorted((loaded | defined_again(rev, stmt, loaded)[1]) - assigned)
    if isinstance(stmt, S.While):
        reads = sorted(set(reads) | {stmt.test.id})
    if reads:
        rev.read(S.Tuple(elts=[S.load(n) for n in reads], ctx=S.Load()))
    names = {k: rev.namer.fresh(k) for k in ("sweep", "schedule", "action", "segment")}
    if _counted(stmt):
        names.update({k: rev.namer.fresh(k) for k in ("kept", "steps", "step", "stride", "policy")})
    sweep = S.For(target=S.Tuple(elts=[S.store(names["action"]), S.store(names["segment"])],
                                 ctx=S.Store()),
                  iter=S.load(names["schedule"]), body=[], orelse=[], type_comment=None)
    records[id(stmt)] = Record(stmt, policy, body, names, sweep, set(state))
    out = [comment(f"line {stmt.sd.line}: the checkpointed loop, backward: restore a "
                   "snapshot, run a segment forward again, or take a segment's adjoint"),
           sweep]
    rev.restore(stmt, out)
    return before + out


def primal(rev, stmt, depth):
    """The primal of a checkpointed loop (None: the plain one, the adjoint being empty)."""
    record = rev.checkpoints.get(id(stmt))
    if record is None:
        return None
    names = record.names
    fwd_name, bwd_name = _function_names(rev, stmt)
    seg = "segment"
    counted = _counted(stmt)
    target = stmt.target.id if isinstance(stmt, S.For) else names["step"]
    assigned = loop_names.assigned(stmt, target)
    maybe_before = set(rev.defined.maybe(stmt)) | set(rev.low.params)
    # forward_segment_N: the plain body over a segment
    plain = [S.clone(s) for s in stmt.body]   # untaped, annotations dropped
    loaded_after = loop_names.loaded_outside(rev.body, stmt)
    returned = sorted(assigned & (loaded_after | maybe_before)) or [target]
    fwd_loop = S.For(target=S.store(target), iter=S.load(seg), body=plain, orelse=[],
                     type_comment=None)
    # backward_segment_N: the body again, taped, then its adjoint in reverse
    used = rev.tape_used   # the segment's pushes go on backward_segment_N's own tape
    taped = rev.primal_block(stmt.body, depth + 1)
    rev.tape_used = used
    rev.bindings["reversed"] = reversed
    bwd_loops = [S.For(target=S.store(target), iter=S.load(seg), body=taped, orelse=[],
                       type_comment=None),
                 S.For(target=S.store(target), iter=S.quote_expr(f"reversed({seg})"),
                       body=record.body, orelse=[], type_comment=None)]
    carried_adjoints = sorted(rev.adjoints[n] for n in record.entry
                              if n in rev.adjoints)
    stored = {n.id for s in bwd_loops for n in S.walk(s)
              if isinstance(n, S.Name) and isinstance(n.ctx, S.Store)}
    adj_out = [d for d in carried_adjoints if d in stored]
    # local functions that read what the loop changes, defined again at their tops
    fwd_head = defined_again(rev, stmt, loop_names.loaded([fwd_loop]))[0]
    bwd_head = defined_again(rev, stmt, loop_names.loaded(bwd_loops))[0]
    globals_ = _global_names(rev) | _module_level(rev, fwd_head + bwd_head + [fwd_loop]
                                                  + bwd_loops)
    fwd_exposed = loop_names.exposed(fwd_head + [fwd_loop, S.Return(value=_tuple(returned))],
                                     {seg}) - globals_
    bwd_exposed = loop_names.exposed(bwd_head + [S.quote(f"{TAPE} = []")[0]] + bwd_loops + [
        S.Return(value=_tuple(adj_out))], {seg}) - globals_
    # the state at a segment's start: what the body reads from the step before, what the
    # adjoint reads after popping a value back to what it held before a step (at the
    # segment's first step, its value at the segment's start), and, where a value from
    # before the loop exists, what the adjoint may read of it
    restored = loop_names.read_after_restore(record.body)
    carry = sorted(assigned & (fwd_exposed | restored
                               | (maybe_before & (bwd_exposed | rev.needed))))
    carry = carry or [target]  # a snapshot of something, so that pushes and pops pair plainly
    # names read before the loop binds them get `name = None` first: the snapshots (carry)
    # and, where the primal runs segments (not an online loop, which runs as written, and
    # whose 'advance' binds what forward_segment returns), what a segment returns
    early = set(carry) | ({target} & set(returned) if counted else set(returned))
    for n in assigned & early:
        if n not in rev.defined.must(stmt) and n not in rev.low.params:
            rev.preinit.add(n)
    returned = sorted(set(returned) | set(carry))   # a carry the body may leave unbound comes in
    fwd_exposed |= loop_names.exposed(fwd_head + [fwd_loop, S.Return(value=_tuple(returned))],
                                      {seg}) - globals_
    # an online "sqrt" sweep only restores kept snapshots and turns: no forward segment
    plain_sweep = not (counted and _always_sqrt(record.policy))
    fwd_params = sorted(fwd_exposed)
    bwd_params = sorted(bwd_exposed)
    line = stmt.sd.line
    quoted = rev.src.line(line).strip()
    fwd_doc = (f"The loop at line {line} ({quoted}) over one segment of its range, "
               "untaped; returns the loop's state after it.")
    bwd_doc = (f"Adjoint of the loop at line {line} over one segment: runs the segment "
               "again from the state at its start, taped, then its adjoint in reverse.")
    if plain_sweep:
        rev.program.defs.append(S.function_def(fwd_name, [seg] + fwd_params, [
            S.Expr(value=S.const(fwd_doc))] + fwd_head + [fwd_loop,
                                                          S.Return(value=_tuple(returned))]))
    # an adjoint passed in and updated in place (+=) comes in under a name of its own, so
    # that forward mode over this function (second order) sees a local, not a parameter
    updated = sorted({s.target.id for loop in bwd_loops for s in S.walk(loop)
                      if isinstance(s, S.AugAssign) and isinstance(s.target, S.Name)}
                     & set(bwd_exposed))
    incoming = {n: n + "_in" for n in updated}
    # a segment whose adjoint only pops values back (no adjoint changes) is not run again:
    # it would leave nothing behind (forward mode, second order, refused such a call)
    turns = not loop_names.only_restores(record.body)
    if turns:
        rev.program.defs.append(S.function_def(bwd_name, [seg] + [
            incoming.get(p, p) for p in bwd_params], [S.Expr(value=S.const(bwd_doc))] + bwd_head
            + [S.Assign(targets=[S.store(n)], value=S.load(incoming[n]), type_comment=None)
               for n in updated] + S.quote(f"{TAPE} = []") + bwd_loops + [
            S.Return(value=_tuple(adj_out))]))
    rev._calls[("checkpoint", id(stmt))] = (fwd_name, bwd_name, [])  # see transform._keep_values
    # the state a snapshot keeps: copied where the loop writes into it in place
    # (forward_segment_N runs a helper of the user's as written: it may write into its inputs)
    handed = loop_names.handed_to_helpers(stmt)
    in_place = (loop_names.written_in_place(stmt) | handed) & set(carry)
    from . import runtime_checkpoint as rc
    out = []
    state = _tuple(carry)
    deep = bool(handed & set(carry)) or any(
        isinstance(n, S.Subscript) and isinstance(n.ctx, S.Store)
        for x in analyze.flatten(stmt.body) for n in S.walk(x))
    kept = S.Call(func=S.load("kept_state"), args=[state] + ([] if deep else [
        S.const(False)]), keywords=[]) if in_place else state
    if in_place:   # and on a copy, as an earlier call's tape may hold the array it writes
        rev.bindings["kept_state"] = rc.kept_state
        out.append(S.Assign(targets=[_store_tuple(carry)], value=S.clone(kept), type_comment=None))
    fwd_call = S.Call(func=S.load(fwd_name), args=[S.load(names["segment"])] + [
        S.load(p) for p in fwd_params], keywords=[])
    fwd_assign = S.Assign(targets=[_store_tuple(returned)], value=fwd_call, type_comment=None)
    if rev.saves is not None and id(stmt) in rev.saves:
        out.append(rev.push(rev._saved_value(target)))
    shown = ", ".join(carry) or "nothing"
    out.append(comment(f"line {line}: checkpointed loop ({describe_policy(record.policy, counted)}); "
                       f"a snapshot keeps {shown}"))
    if counted:
        out += _online_primal(rev, stmt, record, kept)
    else:
        rev.bindings["checkpoint_plan"] = rc.checkpoint_plan
        out.append(S.Assign(targets=[S.Tuple(elts=[S.store(names["sweep"]), S.store(
            names["schedule"])], ctx=S.Store())], value=S.Call(
                func=S.load("checkpoint_plan"), args=[
                    S.load(stmt.iter.id), S.clone(record.policy), _tuple(carry),
                    S.const(where(rev.src.filename, line))], keywords=[]),
            type_comment=None))
        out.append(S.For(target=S.store(names["segment"]), iter=S.load(names["sweep"]), body=[
            rev.push(S.clone(kept)), fwd_assign], orelse=[], type_comment=None))
    # the adjoint's loop over the schedule
    bwd_call = S.Call(func=S.load(bwd_name), args=[S.load(names["segment"])] + [
        S.const(None) if p in assigned and p not in carry else S.load(p) for p in bwd_params],
        keywords=[])
    restore = S.Assign(targets=[_store_tuple(carry)], value=S.quote_expr(f"{TAPE}.pop()"),
                       type_comment=None)
    turn = S.Assign(targets=[_store_tuple(adj_out)], value=bwd_call, type_comment=None) \
        if adj_out else S.Expr(value=bwd_call)
    action = names["action"]
    last = [turn] if turns else []
    if counted:  # the state at the start of a segment, as the loop kept it when it ran
        last = [S.If(test=S.quote_expr(f"{action} == 'restore_kept'"), body=[S.Assign(
            targets=[_store_tuple(carry)], value=S.quote_expr(f"{names['kept']}.pop()"),
            type_comment=None)], orelse=last)]
    record.sweep.body[:] = last if not plain_sweep else [S.If(
        test=S.quote_expr(f"{action} == 'restore'"), body=[restore], orelse=[S.If(
            test=S.quote_expr(f"{action} == 'advance'"),
            body=[rev.push(S.clone(kept)), S.clone(fwd_assign)], orelse=last)])]
    return out


def _always_sqrt(policy):
    """Whether an online loop's policy atom is "sqrt" as written: its sweep
    (runtime_checkpoint.OnlineSweep) then only restores kept snapshots and turns."""
    return isinstance(policy, S.Constant) and policy.value == "sqrt"


def _online_primal(rev, stmt, record, kept):
    """The loop itself, run once (its trip count is known only at its end), keeping the
    states at the starts of steps 0, stride, 2 * stride, ... in a list, thinned to every
    other one (the stride doubled) when it holds more than the policy leaves room for
    (runtime_checkpoint.online_room); then the reverse sweep over the trips it made."""
    from . import runtime_checkpoint as rc
    for helper in ("online_policy", "online_room", "online_schedule"):
        rev.bindings[helper] = getattr(rc, helper)
    rev.bindings["len"] = len
    names = record.names
    held, steps, line = names["kept"], names["steps"], stmt.sd.line
    stride, policy = names["stride"], names["policy"]
    state = kept.args[0] if isinstance(kept, S.Call) else kept
    start = [S.Assign(targets=[S.store(policy)], value=S.Call(
        func=S.load("online_policy"), args=[S.clone(record.policy), S.clone(state),
                                            S.const(where(rev.src.filename, line))],
        keywords=[]), type_comment=None)]
    start += S.quote(f"{held} = []\n{stride} = 1\n{steps} = 0")
    keep = S.If(test=S.quote_expr(f"{steps} == len({held}) * {stride}"), body=[
        S.Expr(value=S.Call(func=S.Attribute(value=S.load(held), attr="append",
                                             ctx=S.Load()), args=[S.clone(kept)],
                            keywords=[])),
        S.If(test=S.quote_expr(f"len({held}) > online_room({policy}, {stride})"),
             body=S.quote(f"{held} = {held}[::2]\n{stride} = {stride} * 2"), orelse=[])],
        orelse=[])
    loop = S.clone(stmt)
    loop.body = [keep] + S.quote(f"{steps} += 1") + [S.clone(s) for s in stmt.body]
    if isinstance(stmt, S.For):
        trips = f"{stmt.iter.id}[:{steps}]"
    else:
        rev.bindings["range"] = range
        trips = f"range({steps})"
    return start + [loop] + S.quote(
        f"{names['schedule']} = online_schedule(len({held}), {stride}, {policy}, {trips})")


def _function_names(rev, stmt):
    hit = rev.checkpoint_names.get(id(stmt))
    if hit is None:
        taken = rev.program.namer
        hit = (taken.fresh("forward_segment"), taken.fresh("backward_segment"))
        rev.checkpoint_names[id(stmt)] = hit
    return hit


def _tuple(names):
    return S.Tuple(elts=[S.load(n) for n in names], ctx=S.Load())


def _store_tuple(names):
    return S.Tuple(elts=[S.store(n) for n in names], ctx=S.Store())


def _counted(stmt):
    """Whether the loop's trip count is known only once it has run: a while loop, or a for
    loop that break or return may leave early. Its schedule is online (_online_primal)."""
    return isinstance(stmt, S.While) or (stmt.sd.loop is not None
                                         and stmt.sd.loop.ends_with_break)


def _module_level(rev, stmts):
    """Names the functions defined in `stmts` read that the function never binds: the
    emitted module's own (as for the function's own definitions, written as the user's)."""
    local = set(rev.low.params).union(*(loop_names.stored(s) for s in analyze.flatten(rev.body)))
    out = set()
    for st in stmts:
        for n in S.walk(st):
            if isinstance(n, (S.FunctionDef, S.Lambda)):
                out |= loop_names.free_reads(n)
    return out - local


def _global_names(rev):
    out = set(rev.bindings) | set(rev.low.bindings) | set(rev.program.bindings)
    out |= {d.name for d in rev.program.defs}
    for made in rev.checkpoint_names.values():  # a pair of segment functions
        out |= set(made)
    out |= {c[0] for c in rev._calls.values() if c} | {c[1] for c in rev._calls.values() if c}
    out |= {COMMENT} | set(_PRIVATE)   # srcdiff's own names (tape, slice, ...), never state
    import builtins
    out |= {n for n in dir(builtins) if n not in rev.primal_names}
    return out


def call_primal(rev, stmt, saved):
    """The primal of `y = checkpoint(g)(x)`: g runs plainly; its arguments are kept."""
    out = [rev.push(rev._saved_value(stmt.targets[0].id))] if saved else []
    args = analyze.call_args(stmt)
    out.append(rev.push(S.Tuple(elts=[S.clone(a) for a in args], ctx=S.Load())))
    out.append(S.clone(stmt))
    return out


def call_adjoint(rev, stmt, fwd, out):
    """Before the adjoint of a checkpointed call: g's primal again, taped, from its
    arguments as they were (popped), so that g's backward finds what it needs."""
    args = analyze.call_args(stmt)
    names = [rev.namer.fresh("argument") for _ in args]
    rev.emit(out, [comment(f"{fwd[len('forward_'):]} is checkpointed: run again, taped")])
    rev.emit(out, [S.Assign(targets=[_store_tuple(names)] if names else [S.store("_")],
                            value=S.quote_expr(f"{TAPE}.pop()"), type_comment=None)])
    rev.emit(out, [S.Assign(targets=[S.store(rev.namer.fresh("recomputed"))], value=S.Call(
        func=S.load(fwd), args=[S.load(TAPE)] + [S.load(n) for n in names], keywords=[]),
        type_comment=None)])
