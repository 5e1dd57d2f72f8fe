"""The tangents of in-place writes (stage 5, forward: a mixin of forward.Forward). Takes a
lowered item write or append and the tangent state; gives back its tangent statements.

Tangents of in-place writes: `x[i] = v` and `lst.append(v)` write into a tangent made
safe to change first (`own`), and so does the forward treatment of srcdiff's own helpers
that change a container (helper_effects.FORWARD_TREATED: `drop_missing`).
"""
from . import syntax as S


class WriteTangents:
    """Methods of forward.Forward (see forward.py for the state they share)."""

    def own(self, name, state, pre):
        """Make `tan_name` safe to update in place (materialize or copy it once)."""
        tan = self.tan(name)
        if not state.nonzero(name):
            pre.append(self.materialize(name, state))
        elif not state.owned(name):
            pre.append(self.assign(tan, S.Call(func=self.helper("copy_tangent"),
                                               args=[S.load(tan)], keywords=[])))
            state.fresh(name, self.gid(), True)
            pre += self.realias(name, state)

    def realias(self, name, state):
        """After `tan_name` was copied to be changed in place: the names whose value may be
        the very list `name` holds, though srcdiff cannot tell (two items popped from one
        list: a tape holding one list twice), take the copy where they do, or the change
        would part their tangents (hunt 22's beam_search_pops, forward over reverse)."""
        elements = self.element_names()
        if name not in elements:
            return []
        out = []
        for other in sorted(elements & set(state.status) - {name}):
            if other not in state.must or state.group[other] == state.group[name]:
                continue
            call = S.Call(func=self.helper("aliased_tangent"),
                          args=[S.load(other), S.load(self.tan(other)), S.load(name),
                                S.load(self.tan(name))], keywords=[])
            out.append(self.assign(self.tan(other), call))
            for n, g in list(state.group.items()):   # one group: a rule reading either
                if g == state.group[other]:          # makes both borrowed
                    state.group[n] = state.group[name]
        return out

    def element_names(self):
        """Names bound to an item taken from a container (`v = lst.pop()`, `v = lst[i]`)."""
        if getattr(self, "_element_names", None) is None:
            from . import analyze
            from .core import Kind
            out = set()
            for stmt in analyze.flatten(self.body):
                if not (isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name)):
                    continue
                kind, value = stmt.sd.kind, stmt.value
                if kind == Kind.POP or (kind == Kind.SUBSCRIPT and isinstance(value.value, S.Name)
                                        and value.value.id in self.containers):
                    out.add(stmt.targets[0].id)
            self._element_names = out
        return self._element_names

    def forward_setitem(self, stmt, state):
        target = stmt.targets[0]
        base = target.value.id
        value = stmt.value
        if base not in self.active:
            return [], []
        src = self.tangent_atom(value, state)
        if src is None and not state.nonzero(base):
            return [], []
        pre = []
        self.own(base, state, pre)
        item = S.load(src) if src else self.zeros_of(value)
        write = self.assign(S.Subscript(value=S.load(self.tan(base)),
                                        slice=S.clone(target.slice), ctx=S.Store()), item)
        return pre, [write]

    def forward_append(self, stmt, state):
        base = stmt.value.func.value.id
        item = stmt.value.args[0]
        if base not in self.active:
            return [], []
        src = self.tangent_atom(item, state)
        if src is None and not state.nonzero(base):
            return [], []
        pre = []
        self.own(base, state, pre)   # before the primal append: zeros match the old list
        new = S.load(src) if src else self.zeros_of(item)
        call = S.Call(func=S.Attribute(value=S.load(self.tan(base)), attr="append",
                                       ctx=S.Load()), args=[new], keywords=[])
        return pre, [S.Expr(value=call)]

    def forward_helper_effect(self, stmt, state):
        """An own helper called for its effect (helper_effects.FORWARD_TREATED) on emitted
        code differentiated again: `drop_missing(d, k)` deletes from d's tangent what it
        deleted from d (and so for `drop_missing_tangent(tan_d, d, k)`, deleting from tan_d)."""
        from .helper_effects import deleted_key
        call = stmt.value
        base = call.args[0]
        key = call.args[deleted_key(stmt.sd.func)]
        if not (isinstance(base, S.Name) and base.id in self.active
                and state.nonzero(base.id)):
            return [], []
        pre = []
        self.own(base.id, state, pre)
        drop = S.Call(func=self.helper("drop_missing_tangent"),
                      args=[S.load(self.tan(base.id)), S.clone(base), S.clone(key)],
                      keywords=[])
        return pre, [S.Expr(value=drop)]
