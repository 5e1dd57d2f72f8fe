"""The tangents through branches and loops (stage 5, forward: a mixin of forward.Forward).
Takes a lowered `if`, `for` or `while` and the tangent state; gives back the statement with
its tangents and the state after it.

Tangents through branches and loops: the zero tangents materialized where paths meet, a
loop's body generated until its set of nonzero tangents is stable.
"""
import copy

from . import syntax as S
from .status import merge_tangents


class ControlTangents:
    """Methods of forward.Forward (see forward.py for the state they share)."""

    def forward_if(self, stmt, state):
        s1, s2 = state.copy(), state.copy()
        body = self.block(stmt.body, s1)
        orelse = self.block(stmt.orelse, s2)
        for name in sorted(set(s1.status) | set(s2.status)):
            if not s1.nonzero(name) and name in s1.must:
                body.append(self.materialize(name, s1))
            if not s2.nonzero(name) and name in s2.must:
                orelse.append(self.materialize(name, s2))
        merged = merge_tangents(s1, s2, self.gid)
        _replace(state, merged)
        return [S.If(test=S.clone(stmt.test), body=body or [S.Pass()], orelse=orelse)]

    def forward_loop(self, stmt, state):
        """The loop with tangents, its body iterated until the nonzero set is stable."""
        saved_namer = copy.deepcopy(self.namer)
        saved_tangents = dict(self.tangents)
        saved_callees = self.program.snapshot()   # a round's jvp_ variants go with it
        hoisted = set()   # borrowed tangents the body writes in place: copied once, before
        while True:
            entry = state.copy()
            for name in sorted(hoisted):
                entry.fresh(name, self.gid(), True)
            head = entry.copy()
            while True:
                self.namer = copy.deepcopy(saved_namer)
                self.tangents = dict(saved_tangents)
                self.program.rollback(saved_callees)
                exit_state = head.copy()
                if isinstance(stmt, S.For):
                    exit_state.kill(stmt.target.id)
                    exit_state.must.add(stmt.target.id)
                body = self.block(stmt.body, exit_state)
                new_head = merge_tangents(head, exit_state, self.gid)
                new_head.must = set(entry.must)
                if new_head.key() == head.key():
                    break
                head = new_head
            more = {n for n in head.status if not head.owned(n) and exit_state.owned(n)
                    and entry.nonzero(n) and not entry.owned(n) and n in entry.must}
            if not more - hoisted:
                break
            hoisted |= more
        before = [self.assign(self.tan(n), S.Call(func=self.helper("copy_tangent"),
                                                  args=[S.load(self.tan(n))], keywords=[]))
                  for n in sorted(hoisted)]
        for name in sorted(head.status):
            if not entry.nonzero(name) and name in entry.must:
                before.append(self.materialize(name, entry))
        at_end = []
        for name in sorted(head.status):
            if not exit_state.nonzero(name) and name in exit_state.must:
                at_end.append(self.materialize(name, exit_state))
        if at_end:
            loop = stmt.sd.loop
            if loop is not None and loop.ends_with_break:
                body[-1:-1] = at_end   # before the final `if flag: break`
            else:
                body += at_end
        _replace(state, head)
        state.must = set(entry.must)
        if isinstance(stmt, S.For):
            new = S.For(target=S.clone(stmt.target), iter=S.clone(stmt.iter), body=body,
                        orelse=[], type_comment=None)
        else:
            new = S.While(test=S.clone(stmt.test), body=body, orelse=[])
        return before + [new]


def _replace(state, new):
    state.status = new.status
    state.group = new.group
    state.must = new.must
