"""The tangents through branches and loops (stage 5, forward: a mixin of forward.Forward).
Takes a lowered `if`, `for` or `while` and the tangent state; gives back the statement with
its tangents and the state after it.

Tangents through branches and loops: the zero tangents materialized where paths meet, a
loop's body generated until its set of nonzero tangents is stable.

Branches on one flag: an emitted adjoint tests its forward sweep's flag again (`if cond_1:`
in both sweeps), and its backward branch reads names only the forward branch bound. The
names certainly bound at the end of each arm of `if c:` are kept (`self.arms`, flag ->
(body's, orelse's)) and a later `if c:` starts each arm with them, so their zero tangents
can be materialized there (a loop in the backward arm may make one of them nonzero).
Lowering tests a copy of the flag (`cond_7 = cond_1; if cond_7:`): copies are followed
(`self.copies`). A record or copy holds while neither name is assigned again; one made
inside a branch or a loop is dropped when that statement ends (it may not have run).
"""
import copy

from . import syntax as S
from .status import merge_tangents


class ControlTangents:
    """Methods of forward.Forward (see forward.py for the state they share)."""

    def forward_if(self, stmt, state):
        s1, s2 = state.copy(), state.copy()
        flag = None
        if isinstance(stmt.test, S.Name):
            flag = self.copies.get(stmt.test.id, stmt.test.id)
        outer = (dict(self.arms), dict(self.copies))
        if flag in self.arms:   # an earlier `if flag:` ran the same arm
            s1.must |= self.arms[flag][0]
            s2.must |= self.arms[flag][1]
        body = self.block(stmt.body, s1)
        self.arms, self.copies = dict(outer[0]), dict(outer[1])
        orelse = self.block(stmt.orelse, s2)
        self.arms, self.copies = outer
        if flag is not None and not {flag, stmt.test.id} & stored_names(stmt):
            self.arms[flag] = (frozenset(s1.must), frozenset(s2.must))
        for name in sorted(set(s1.status) | set(s2.status)):
            if not s1.nonzero(name) and name in s1.must:
                body.append(self.materialize(name, s1))
            if not s2.nonzero(name) and name in s2.must:
                orelse.append(self.materialize(name, s2))
        merged = merge_tangents(s1, s2, self.gid)
        _replace(state, merged)
        return [S.If(test=S.clone(stmt.test), body=body or [S.Pass()], orelse=orelse)]

    def note_flags(self, stmt):
        """Before `stmt`: forget the flags and copies it assigns; note it if it copies a flag."""
        stored = stored_names(stmt)
        if stored and (self.arms or self.copies):
            for flag in stored & set(self.arms):
                del self.arms[flag]
            self.copies = {n: c for n, c in self.copies.items()
                           if n not in stored and c not in stored}
        if (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], S.Name) and isinstance(stmt.value, S.Name)
                and stmt.targets[0].id != stmt.value.id):
            self.copies[stmt.targets[0].id] = self.copies.get(stmt.value.id, stmt.value.id)

    def forward_loop(self, stmt, state):
        """The loop with tangents, its body iterated until the nonzero set is stable."""
        saved_namer = copy.deepcopy(self.namer)
        saved_tangents = dict(self.tangents)
        saved_callees = self.program.snapshot()   # a round's jvp_ variants go with it
        hoisted = set()   # borrowed tangents the body writes in place: copied once, before
        outer = (dict(self.arms), dict(self.copies))
        while True:
            entry = state.copy()
            for name in sorted(hoisted):
                entry.fresh(name, self.gid(), True)
            head = entry.copy()
            while True:
                self.arms, self.copies = dict(outer[0]), dict(outer[1])
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
        self.arms, self.copies = outer
        _replace(state, head)
        state.must = set(entry.must)
        if isinstance(stmt, S.For):
            new = S.For(target=S.clone(stmt.target), iter=S.clone(stmt.iter), body=body,
                        orelse=[], type_comment=None)
        else:
            new = S.While(test=S.clone(stmt.test), body=body, orelse=[])
        return before + [new]


def stored_names(stmt):
    """The names a statement (and every statement in it) assigns."""
    return {node.id for node in S.walk(stmt)
            if isinstance(node, S.Name) and isinstance(node.ctx, S.Store)}


def _replace(state, new):
    state.status = new.status
    state.group = new.group
    state.must = new.must
