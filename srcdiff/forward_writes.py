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
