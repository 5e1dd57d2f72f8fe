"""The primal with its tape (stage 5, reverse: a mixin of reverse.Reverse). Takes the lowered
body; gives back the primal statements with the pushes before overwrites, and the pops
(restores) each adjoint statement needs.

The primal with its tape: what to save before an overwrite, the pushes, and the restores
the adjoint does after each statement's adjoint.
"""
import sys

from . import analyze, checkpointing, checks, end_saves, rereads
from . import syntax as S
from .names import TAPE
from .syntax import index_value


class TapeMixin:
    """Methods of reverse.Reverse (see reverse.py for the state they share)."""

    def _decide_saves(self, needed):
        saves = set()
        held = self._held_by_callees()
        seen_through = self._views_needed(needed | held)
        self.rereads = rereads.rereadable(self, needed)
        reread = {id(s) for stmts in self.rereads.values() for s in stmts}
        self.end_saves = end_saves.end_saved(self, needed, reread)
        at_end = {n for names in self.end_saves.values() for n in names}
        for stmt in analyze.flatten(self.body):
            if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
                name = stmt.targets[0].id
                if id(stmt) in reread or name in at_end:
                    continue  # read again by the loop's adjoint, or pushed at the trip's end
                if name in needed and name in self.defined.maybe(stmt):
                    saves.add(id(stmt))
                    if name not in self.defined.must(stmt) and name not in self.low.params:
                        self.preinit.add(name)
            elif isinstance(stmt, S.Assign):  # item write: always restore the old item
                base = stmt.targets[0].value.id
                if base in needed or base in self.active or base in seen_through or \
                        base in held:
                    saves.add(id(stmt))
            elif isinstance(stmt, S.For):
                name = stmt.target.id
                if name in needed and name in self.defined.maybe(stmt):
                    saves.add(id(stmt))
                    if name not in self.defined.must(stmt):
                        self.preinit.add(name)
        return saves

    def _held_by_callees(self):
        """The names given to a function of the user's whose forward_/backward_ pair runs:
        its forward keeps them on the tape by reference and its backward reads them there, so
        an item write into one after the call (`y = layer.forward(h); h[0] += v`) must be undone
        before that backward runs, even when h is neither active nor read by name."""
        held = set()
        for stmt in analyze.flatten(self.body):
            if isinstance(stmt, S.Assign) and self.user_call(stmt) is not None:
                held.update(n.id for n in S.walk(stmt.value) if isinstance(n, S.Name))
        return self._sharing(held)

    def _sharing(self, names):
        """`names`, what they were taken from (analyze.taken_from: a row, a slice, an alias)
        and the items of the lists, tuples and dicts built here among them (a record's fields
        too: `record_of(cls, names, fields)` holds what `fields` holds), and so on."""
        items = {}
        # (runtime_values is imported where a record is made: else no record_of call is here)
        record_of = getattr(sys.modules.get(f"{__package__}.runtime_values"), "record_of", ())
        for stmt in analyze.flatten(self.body):
            if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name) and (
                    isinstance(stmt.value, (S.List, S.Tuple, S.Dict, S.Set)) or
                    stmt.sd.func is record_of):
                # a list, tuple or dict built here (a record): it holds its items too
                items.setdefault(stmt.targets[0].id, set()).update(
                    n.id for n in S.walk(stmt.value) if isinstance(n, S.Name))
        held = set(names)
        while True:   # the items of those lists, what they were taken from, and so on
            grown = set(analyze.taken_from(self.body, held))
            for name in held | grown:
                grown |= items.get(name, set())
            if grown <= held:
                return held
            held |= grown

    def _views_needed(self, needed):
        """The arrays whose memory the adjoint reads through another name: a name it needs
        that was taken from them by an index (a row `for row in A`, a slice), is an alias of
        them, or is (taken from) a list, tuple or record holding them (_sharing). An item
        write into such an array must be undone before the adjoint reads the view, even when
        the array itself is neither active nor read by name."""
        return self._sharing(needed)

    def primal_block(self, body, depth):
        out = []
        for stmt in body:
            out += self.primal_stmt(stmt, depth)
        return out

    def push(self, value):
        self.tape_used = True
        return S.Expr(value=S.Call(func=S.Attribute(value=S.load(TAPE), attr="append",
                                                    ctx=S.Load()),
                                   args=[value], keywords=[]))

    def _saved_value(self, name):
        """What to push before overwriting `name`: the value, or its shape if that is all
        the adjoint reads."""
        if name in getattr(self, "shape_only", ()):
            return S.Call(func=self.helper("shape_of"), args=[S.load(name)], keywords=[])
        return S.load(name)

    def pop_into(self, target):
        self.tape_used = True
        return S.Assign(targets=[target], value=S.quote_expr(f"{TAPE}.pop()"),
                        type_comment=None)

    def primal_stmt(self, stmt, depth):
        if checks.idle_check(stmt, self.active, "reverse"):
            return []
        saved = self.saves is not None and id(stmt) in self.saves
        call = self.user_call(stmt)
        if call is not None and checkpointing.is_checkpointed_function(stmt.sd.func):
            self.tape_used = True
            from . import checkpoint_adjoint
            return checkpoint_adjoint.call_primal(self, stmt, saved)
        if call is not None:
            self.tape_used = True
            out = [self.push(self._saved_value(stmt.targets[0].id))] if saved else []
            value = S.Call(func=S.load(call[0]), args=[S.load(TAPE)] + [
                S.clone(a) for a in analyze.call_args(stmt)], keywords=[])
            return out + [S.Assign(targets=[S.store(stmt.targets[0].id)], value=value,
                                   type_comment=None)]
        if isinstance(stmt, S.Assign):
            target = stmt.targets[0]
            out = []
            if saved and isinstance(target, S.Name):
                out.append(self.push(self._saved_value(target.id)))
            elif saved:
                out.append(self.push(S.Call(func=self.helper("saved_item"),
                                            args=[S.load(target.value.id),
                                                  index_value(target.slice)], keywords=[])))
            return out + [_plain(stmt)]
        if isinstance(stmt, S.If):
            new = S.If(test=stmt.test, body=self.primal_block(stmt.body, depth),
                       orelse=self.primal_block(stmt.orelse, depth))
            if isinstance(stmt.test, S.Name) and stmt.test.id in self.value_needed \
                    and stmt.test.id not in self.low.params \
                    and stmt.test.id not in self._read_not_as_test() \
                    and stmt.test.id not in self._plain_conditions():
                # the adjoint branches on it again: a Python bool, so a lazy array's
                # condition (Dask) is computed once, not at each test
                from . import lazy_runtime
                self.bindings["decided"] = lazy_runtime.decided
                return S.quote(f"{stmt.test.id} = decided({stmt.test.id})") + [new]
            return [new]
        if isinstance(stmt, (S.For, S.While)) and id(stmt) in self.checkpoints:
            from . import checkpoint_adjoint
            return checkpoint_adjoint.primal(self, stmt, depth)
        if isinstance(stmt, (S.For, S.While)):
            out = []
            if saved:
                out.append(self.push(self._saved_value(stmt.target.id)))
            trips = self.trip_vars.get(id(stmt))
            body = end_saves.pushes(self, stmt, self.primal_block(stmt.body, depth + 1))
            if trips is not None:
                out.append(S.quote(f"{trips} = 0")[0])
                body = S.quote(f"{trips} += 1") + body
            if isinstance(stmt, S.For):
                loop = S.For(target=stmt.target, iter=stmt.iter, body=body, orelse=[],
                             type_comment=None)
            else:
                loop = S.While(test=stmt.test, body=body, orelse=[])
            out.append(loop)
            if trips is not None and depth > 0:
                out.append(self.push(S.load(trips)))
            return out
        if isinstance(stmt, S.Break):
            return [S.Break()]
        return [_plain(stmt)]

    def _read_not_as_test(self):
        """Names the primal reads other than as the test of an `if` (kept as they are)."""
        if getattr(self, "_not_tests", None) is None:
            self._not_tests = set()
            for stmt in analyze.flatten(self.body):
                parts = [stmt] if not isinstance(stmt, S.If) else []
                if isinstance(stmt, (S.For, S.While)):
                    parts = [stmt.target, stmt.iter] if isinstance(stmt, S.For) else [stmt.test]
                for part in parts:
                    self._not_tests |= {n.id for n in S.nodes(part) if isinstance(n, S.Name)
                                        and isinstance(n.ctx, S.Load)}
        return self._not_tests

    def _plain_conditions(self):
        """Names only ever set to `not <value>` (a Python bool already: no `decided`)."""
        if getattr(self, "_plain_tests", None) is None:
            plain, other = set(), set()
            for stmt in analyze.flatten(self.body):
                name = analyze.assigned(stmt)
                if name is None:
                    continue
                if isinstance(stmt, S.Assign) and isinstance(stmt.value, S.UnaryOp) \
                        and isinstance(stmt.value.op, S.Not):
                    plain.add(name)
                else:
                    other.add(name)
            self._plain_tests = plain - other
        return self._plain_tests

    def restore(self, stmt, out):
        if self.saves is None or id(stmt) not in self.saves:
            return
        target = stmt.targets[0] if isinstance(stmt, S.Assign) else stmt.target
        if isinstance(target, S.Name):
            out.append(self.pop_into(S.store(target.id)))
        else:
            # writing the old item back needs the array itself, not a shape stand-in of it
            self.needed.add(target.value.id)
            self.value_needed.add(target.value.id)
            # and the index as it was then (a mask or index array computed in a loop)
            for n in S.walk(target.slice):
                if isinstance(n, S.Name):
                    self.needed.add(n.id)
                    self.value_needed.add(n.id)
            out.append(self.pop_into(S.Subscript(value=S.load(target.value.id),
                                                 slice=S.clone(target.slice),
                                                 ctx=S.Store())))
            # the other names certainly holding that object, which the adjoint reads: the
            # restore changed them too. Bound to it again (a no-op here: the tape gave each
            # its binding at the write back), so that a pass over this code (forward mode,
            # second derivatives) sees one object where `x = tape.pop()` hid it
            for other in sorted(self._must_aliases(stmt, target.value.id) & self.known_needed):
                out.append(S.Assign(targets=[S.store(other)], value=S.load(target.value.id),
                                    type_comment=None))
            if target.value.id in self.maybe_dicts:
                # the write may have added the key: the restore takes it out again
                out.append(S.Expr(value=S.Call(func=self.helper("drop_missing"), args=[
                    S.load(target.value.id), index_value(target.slice)], keywords=[])))

    def _must_aliases(self, stmt, name):
        if getattr(self, "_groups_at_writes", None) is None:
            from .alias_groups import groups_at_writes
            self._groups_at_writes = groups_at_writes(self.low.params, self.body)
        return set(self._groups_at_writes.get(id(stmt), {}).get(name, ()))

    def _nested(self, stmt):
        return any(id(s) == id(stmt) for loop in analyze.flatten(self.body)
                   if isinstance(loop, (S.For, S.While))
                   for s in analyze.flatten(loop.body))


def _plain(stmt):
    """A copy of a core statement for emission (annotations dropped)."""
    return S.clone(stmt)
