"""The adjoints of in-place writes (stage 5, reverse: a mixin of reverse.Reverse). Takes a
lowered item write, append or pop and the adjoint state; gives back its adjoint statements.

Adjoints of in-place writes: an item write `x[i] = v`, `lst.append(v)` and `v =
lst.pop()`.
"""
from . import analyze
from . import syntax as S
from .status import OWNED, ZERO
from .syntax import index_value


class WriteAdjoints:
    """Methods of reverse.Reverse (see reverse.py for the state they share)."""

    def adjoint_setitem(self, stmt, state, out):
        target = stmt.targets[0]
        base = target.value.id
        value = stmt.value
        if base not in self.active or state.get(base) is ZERO:
            return
        d_base = self.adj(base)
        taken = self.namer.fresh("d_item")
        index = index_value(target.slice)
        item = self.shapes.item_shape(stmt) if self.shapes is not None else None
        if item == () and state.get(base) == OWNED:
            # one number of an array the adjoint owns: taken (a NumPy scalar, no view) and
            # zeroed in place, as take_and_zero(..., owned=True) does, without the call
            self.emit(out, [S.Assign(targets=[S.store(taken)], value=S.Subscript(
                value=S.load(d_base), slice=S.clone(target.slice), ctx=S.Load()),
                type_comment=None), S.Assign(targets=[S.Subscript(
                    value=S.load(d_base), slice=S.clone(target.slice), ctx=S.Store())],
                    value=S.const(0.0), type_comment=None)])
        else:
            keywords = [S.keyword(arg="owned", value=S.const(state.get(base) == OWNED))]
            call = S.Call(func=self.helper("take_and_zero"), args=[S.load(d_base), index],
                          keywords=keywords + self._where(stmt, index))
            assign = S.Assign(targets=[S.Tuple(elts=[S.store(taken), S.store(d_base)],
                                               ctx=S.Store())], value=call, type_comment=None)
            self.emit(out, [assign])
        state[base] = OWNED
        if isinstance(value, S.Name) and value.id in self.active:
            expr = S.Call(func=self.helper("unbroadcast"), args=[S.load(taken),
                                                                 S.load(value.id)],
                          keywords=[])
            if item is not None and self.shapes.of(stmt, value.id) == item:
                expr = S.load(taken)   # the value has the item's shape: nothing broadcast
            self.accumulate(out, value.id, expr, state)

    def zero_restored_slot(self, stmt, state, out):
        """After the old item of `c[i] = v` is restored, where c may be a list or a dict: the
        adjoint's slot, zeroed with v's shape, gets the restored item's (a list slot may be
        written with an array of another shape than its old item)."""
        target = stmt.targets[0]
        base = target.value.id
        if base not in self.active or state.get(base) is not OWNED or \
                base not in self.containers | self.maybe_containers:
            return
        d_base = self.adj(base)
        call = S.Call(func=self.helper("zero_restored_slot"),
                      args=[S.load(d_base), S.load(base), index_value(target.slice)], keywords=[])
        self.emit(out, [S.Assign(targets=[S.store(d_base)], value=call, type_comment=None)])

    def adjoint_append(self, stmt, state, out):
        base = stmt.value.func.value.id
        item = stmt.value.args[0]
        if base in self.active and state.get(base) is not ZERO:
            d_base = self.adj(base)
            taken = self.namer.fresh("d_item")
            call = S.Call(func=self.helper("pop_adjoint"), args=[S.load(d_base)], keywords=[])
            self.emit(out, [S.Assign(targets=[S.Tuple(elts=[S.store(taken), S.store(d_base)],
                                                      ctx=S.Store())],
                                     value=call, type_comment=None)])
            state[base] = OWNED
            if isinstance(item, S.Name) and item.id in self.active:
                self.accumulate(out, item.id, S.load(taken), state)
        if base in self.known_needed or base in self.active:
            self.emit(out, [S.Expr(value=S.quote_expr(f"{base}.pop()"))])

    def adjoint_pop(self, stmt, name, state, out):
        """`x = lst.pop()` in reverse: push x back onto lst, and d_x onto lst's adjoint."""
        base = analyze.popped_list(stmt)
        if name is None:
            # the popped value was dropped: restoring it needs it saved
            raise self.src.error(stmt.sd.line, "lst.pop() whose value is dropped can not be "
                                 "differentiated in reverse mode",
                                 hint="assign the popped value to a name")
        restore = S.Expr(value=S.Call(func=S.Attribute(value=S.load(base), attr="append",
                                                       ctx=S.Load()),
                                      args=[S.load(name)], keywords=[]))
        self.emit(out, [restore])
        if base in self.active and (state.get(name) is not ZERO or state.get(base) is not ZERO):
            grad = S.load(self.adj(name)) if state.get(name) is not ZERO else S.const(None)
            buf = S.load(self.adj(base)) if state.get(base) is not ZERO else S.const(None)
            call = S.Call(func=self.helper("unpop_adjoint"), args=[buf, S.load(base), grad],
                          keywords=[])
            self.emit(out, [S.Assign(targets=[S.store(self.adj(base))], value=call,
                                     type_comment=None)])
            state[base] = OWNED
