"""The adjoints of branches and loops (stage 5, reverse: a mixin of reverse.Reverse). Takes a
lowered `if`, `for` or `while` and the adjoint state; gives back the adjoint statements and
the state after them.

Adjoints of branches and loops: the branch decided again from its saved condition, a
loop run backwards over its range (or its trip count), its body's adjoint state iterated
to a fixed point.
"""
import copy

from . import end_saves, rereads
from . import syntax as S
from .status import OWNED, merge


class ControlAdjoints:
    """Methods of reverse.Reverse (see reverse.py for the state they share)."""

    def adjoint_if(self, stmt, state):
        s1, s2 = state.copy(), state.copy()
        body = self.adjoint_block(stmt.body, s1)
        orelse = self.adjoint_block(stmt.orelse, s2)
        merged = merge(s1, s2)
        must = self.defined.must(stmt)
        for name in sorted(merged):
            if name not in s1:
                body.append(self.materialize(name))
            if name not in s2:
                orelse.append(self.materialize(name))
            if (name not in s1 or name not in s2) and name not in must \
                    and name not in self.low.params:
                # unbound on some path (e.g. after an early return): None gives a 0.0 zero
                self.preinit.add(name)
        state.clear()
        state.update(merged)
        if not body and not orelse:
            return []
        self.needed.add(stmt.test.id)
        self.value_needed.add(stmt.test.id)
        if not body:
            return [S.If(test=S.UnaryOp(op=S.Not(), operand=S.load(stmt.test.id)),
                         body=orelse, orelse=[])]
        return [S.If(test=S.load(stmt.test.id), body=body, orelse=orelse)]

    def _loop_body(self, stmt, state):
        """Adjoint of a loop body, iterated until the adjoint state is stable."""
        entry = state.copy()
        saved_namer = copy.deepcopy(self.namer)
        saved_adjoints = dict(self.adjoints)
        saved_trips = dict(self.trip_vars)
        owned_before = set()   # borrowed adjoints the body copied on every trip
        while True:
            self.namer = copy.deepcopy(saved_namer)
            self.adjoints = dict(saved_adjoints)
            self.trip_vars = dict(saved_trips)
            exit_state = entry.copy()
            body = self.adjoint_block(stmt.body, exit_state)
            new_entry = merge(entry, exit_state)
            for name in exit_state:
                if name not in state and name not in entry:
                    # zero before the loop: it gets a fresh (owned) zero array there
                    new_entry[name] = OWNED
            if new_entry == entry:
                copied = _copied_per_trip(self, body, entry, exit_state)
                if not copied:
                    break
                # one private copy before the loop instead of one per trip (take_and_zero
                # and scatter_add copy a borrowed buffer: O(T * size) for a loop of T trips
                # writing items of one array); the body then updates it in place
                owned_before |= copied
                new_entry = entry.copy()
                for name in copied:
                    new_entry[name] = OWNED
            entry = new_entry
        before = [S.Assign(targets=[S.store(self.adj(name))], value=S.Call(
            func=self.helper("own_copy"), args=[S.load(self.adj(name))], keywords=[]),
            type_comment=None) for name in sorted(owned_before)]
        must = self.defined.must(stmt)
        for name in sorted(entry):
            if name not in state:
                before.append(self.materialize(name))
                if name not in must and name not in self.low.params:
                    self.preinit.add(name)
            if name not in exit_state:
                body.append(self.materialize(name))
                if name not in must and name not in self.low.params:
                    self.preinit.add(name)
        state.clear()
        state.update(entry)
        return before, body

    def _checkpoint_policy(self, stmt):
        """checkpoint_adjoint.policy_of, its module imported only where a loop may be
        checkpointed: a policy given to the derivative, or a loop of its own (None at once
        otherwise, as policy_of answers: a plain function imports no checkpointing code)."""
        loop = stmt.sd.loop
        if self.checkpoint is None and getattr(loop, "checkpoint", None) is None:
            return None
        from . import checkpoint_adjoint
        return checkpoint_adjoint.policy_of(self, stmt)

    def adjoint_for(self, stmt, state):
        policy = self._checkpoint_policy(stmt)
        if policy is not None:
            from . import checkpoint_adjoint
            return checkpoint_adjoint.adjoint(self, stmt, state, policy)
        before, body = self._loop_body(stmt, state)
        loop = stmt.sd.loop
        out = []
        if not body:
            self.restore(stmt, out)
            return before + out
        again = end_saves.pops(self, stmt)
        self.emit(again, rereads.statements(self, stmt))  # values read again, not popped
        body = again + body
        rng = stmt.iter.id
        self.needed.add(rng)
        self.value_needed.add(rng)
        if loop.ends_with_break:
            trips = self.trip_vars.setdefault(id(stmt), self.namer.fresh("trips"))
            if self._nested(stmt):
                out.append(self.pop_into(S.store(trips)))
            it = S.quote_expr(f"reversed({rng}[:{trips}])")
        else:
            it = S.quote_expr(f"reversed({rng})")
        self.bindings["reversed"] = reversed
        out.append(S.For(target=S.store(stmt.target.id), iter=it, body=body, orelse=[],
                         type_comment=None))
        self.restore(stmt, out)
        return before + out

    def adjoint_while(self, stmt, state):
        policy = self._checkpoint_policy(stmt)
        if policy is not None:
            from . import checkpoint_adjoint
            return checkpoint_adjoint.adjoint(self, stmt, state, policy)
        before, body = self._loop_body(stmt, state)
        if not body:
            return before
        trips = self.trip_vars.setdefault(id(stmt), self.namer.fresh("trips"))
        body = end_saves.pops(self, stmt) + body
        out = []
        if self._nested(stmt):
            out.append(self.pop_into(S.store(trips)))
        step = self.namer.fresh("step")
        self.bindings["range"] = range
        out.append(S.For(target=S.store(step), iter=S.quote_expr(f"range({trips})"), body=body,
                         orelse=[], type_comment=None))
        return before + out


def _copied_per_trip(rev, body, entry, exit_state):
    """The names whose adjoint enters the loop borrowed and leaves each trip owned, copied
    on every trip by a `take_and_zero(d_y, ..., owned=False)` or `scatter_add(d_y, ...,
    owned=False)` of the body's adjoint (or by an inner loop's copy made before it)."""
    from .status import BORROWED
    adjoints = {rev.adj(n): n for n in entry if entry[n] is BORROWED and
                exit_state.get(n) == OWNED}
    found = set()
    for node in S.walk(S.Module(body=body, type_ignores=[])):
        if not (isinstance(node, S.Call) and isinstance(node.func, S.Name) and node.args and
                isinstance(node.args[0], S.Name) and node.args[0].id in adjoints):
            continue
        if node.func.id == "own_copy" or node.func.id in ("take_and_zero", "scatter_add") \
                and any(k.arg == "owned" and isinstance(k.value, S.Constant) and
                        k.value.value is False for k in node.keywords):
            found.add(adjoints[node.args[0].id])
    return found
