"""Whether a later read sees a write, from the facts alias_flow gathered (stage 3, lower: a
mixin of alias_flow.Flow, called by aliasing.py, argument_writes.py, container_writes.py and
writing_helpers.py). Takes one write (a lowered statement) and the name it writes into; gives
back None when no name bound before the write reads the memory it changes afterwards
(`unseen`, `seen_by`), else the name that reads it and where, or (None, None) when it cannot
tell.

An outside object (a parameter, a global, an attribute) is never proven unseen: the caller
may hold it, except the parameters the caller of `seen_by` names in `owned`: those whose
change the function's caller never sees (srcdiff's derivative works on its own copy of
them: writing_helpers binds a parameter to the copy a helper wrote into), where only the
names of this function holding them can read the change.

A list or tuple display of new arrays, each another (`items_apart`, `pops_apart`), only
looped over or popped: each iteration takes, each pop takes out, another array, which the
list's later reads do not see.

A row or item taken into a name nothing reads (the loop variable of `for r in reversed(x)`
left unused, `_dead_reads`) is no read: the loop's trip count was fixed when it started.
"""
from . import analyze
from . import syntax as S
from .alias_flow_blocks import (blocks_around as _blocks_around, inplace as _inplace,
                                binds_new_array, bound_just_before as _bound_just_before,
                                later_in_block, path_to as _path_to)
from .alias_flow_trip import OUTSIDE, STALE, Trip   # noqa: F401 (STALE: _seen_after's
from .core import Kind                                # mark of a value bound before the write)


class Seen(Trip):
    """seen_by and unseen (a mixin of alias_flow.Flow: self.before, self.objects, ...)."""

    # -- the question --------------------------------------------------------------------
    def unseen(self, write, name, own_ok=True):
        """True when no name bound before `write` (which changes the array `name` holds)
        reads that array after it: a later statement, or any statement of a loop around
        it. `own_ok`: reads of `name` itself (still holding the array) are fine, as for an
        item write, whose derivative follows it. False when it cannot tell."""
        return self.seen_by(write, name, own_ok) is None

    def _read_of(self, t, n, env, default=None):
        """The objects `t` reads through the name `n`: for `v = L[k]` of a list whose items
        keep their places (alias_flow.Flow.position), that place's only (and L's STALE mark),
        else all `n` holds."""
        held = env.get(n, default) if default is not None else self.objects(env, n)
        at = self.position(t)
        if at is None or t.value.value.id != n or set(held) - {STALE} != {at[0]}:
            return held
        slots = self.listed.get(at[0], [])
        return (set(slots[at[1]]) if at[1] < len(slots) else set()) | (set(held) & {STALE})

    def seen_by(self, write, name, own_ok=True, ignore=(), owned=()):
        """None when the write is unseen (see unseen); else (the name that sees it, the
        statement reading it), or (None, None) when it cannot tell. Reads of the names of
        `ignore` do not count (the run checks them). `owned`: parameters whose arrays the
        function's caller never sees change (see the module's docstring); a write into
        one is seen only by this function's names holding it (a view, an alias, a list).
        A write in a loop the merged analysis cannot clear is followed one run at a time
        (alias_flow_trip). Each answer is kept: aliasing asks the same question of one flow
        several times (its guards, its readers, its refusals), and the flow does not change
        once made (the write itself is kept with it: an id alone could be a new node's)."""
        key = (id(write), name, own_ok, frozenset(ignore), frozenset(owned))
        kept = self._answers.get(key)
        if kept is not None and kept[0] is write:
            return kept[1]
        found = self._seen_merged(write, name, own_ok, ignore, owned)
        if found is not None and self.seen_in_trip(write, name, own_ok, ignore, owned) is None:
            found = None
        self._answers[key] = (write, found)
        return found

    def _seen_merged(self, write, name, own_ok=True, ignore=(), owned=()):
        unknown = (None, None)
        if not self.ok or id(write) not in self.before:
            return unknown
        changed = self.objects(self.before[id(write)], name)
        if not changed or any(o[0] == OUTSIDE and o[1] not in owned for o in changed):
            return unknown   # the caller's array
        order = {id(t): i for i, t in enumerate(self.stmts)}
        at = order[id(write)]
        loops = [t for t in self.stmts if isinstance(t, (S.For, S.While))
                 and any(u is write for u in analyze.flatten(t.body))]
        in_loop = {id(u) for lp in loops for u in analyze.flatten(lp.body)} | {
            id(lp) for lp in loops if isinstance(lp, S.While)}   # (a for's range: once)
        after = {id(t) for t in self.stmts if order[id(t)] > at and id(t) not in in_loop}
        if any(self.escaped.get(o, set()) - {id(write)} - after for o in changed):
            return unknown   # one a function of the user's may keep before the write runs
        blocks = _blocks_around(self.body, write)   # the innermost loop's body, inwards
        jumps = [order[id(t)] for t in self.stmts if isinstance(t, (S.Break, S.Continue))]

        def defs(n):
            return self._bindings().get(n, [])

        def rebound_at(n):
            """Where `n` surely gets a new value after the write, before anything else can
            run (a statement of a block around the write, in the innermost loop, and no
            break or continue between): from there on, and in the loop's next iterations, n
            holds a value made after the write. None if nowhere."""
            for t in defs(n):
                i = order[id(t)]
                if (i > at or t is write) and any(any(u is t for u in b) for b in blocks) and \
                        not any(at < j < i for j in jumps):
                    return i, sharing(t)
            return None

        def sharing(t):
            """Whether the value `t` binds may share the written array (keep = y). (What a
            call checked as a write returns is its own copy: vx, vy = step(vx, vy).)"""
            if t is write:
                return False
            env = self.before.get(id(t), {})
            old = changed - {("new", id(write))}
            return any(self.reach(self.objects(env, m)) & old for m in analyze.operands(t))

        def rebound_in_iteration(n, i):
            """Whether the innermost loop's body binds `n` (a statement of its own, not of a
            branch) before the statement at `i` of that body, in each iteration."""
            if not loops or not blocks:
                return False
            body = blocks[0]
            inner = {id(u) for u in analyze.flatten(body)}
            if id(self.stmts[i]) not in inner:
                return False
            return any(order[id(d)] < i and any(u is d for u in body) for d in defs(n))

        def bound_anew_before(n):
            """Whether each trip binds `n` to a value not sharing the written array before
            the write (a statement of a block around it in the innermost loop, no break or
            continue between): at the write n holds no array it changes, and a read of n
            later reads that value or one bound after the write (`h = y; while ...: h = 0.5
            * h + ...; y[0] += c`)."""
            return any(order[id(d)] < at and any(any(u is d for u in b) for b in blocks) and
                       not any(order[id(d)] < j < at for j in jumps) and not any(
                           self.reach(self.objects(self.before.get(id(d), {}), m)) & changed
                           for m in analyze.operands(d)) for d in defs(n))

        def trip_start(t):
            """The order of the innermost loop around both the write and `t`: a binding
            inside it, on the way to t, runs after the write each time t runs again."""
            inside = [lp for lp in loops if any(u is t for u in analyze.flatten(lp.body))]
            return max(order[id(lp)] for lp in inside) if inside else len(self.stmts)

        def bound_before(n):
            """Whether `n` may still hold a value bound before the write, when read after."""
            ds = defs(n)
            return not ds or any(order[id(t)] < at or id(t) in in_loop for t in ds)
        if not loops:
            return self._seen_after(write, name, changed, own_ok, ignore)
        # the innermost loop around the write: where it binds `name` nowhere, each read of
        # name there reads the very array written (name bound once before that loop)
        innermost = {id(u) for u in analyze.flatten(blocks[0])} if blocks else set()
        kept = own_ok and not any(id(d) in innermost for d in defs(name))
        renewed = all(binds_new_array(d, self._bindings(), self._place) for d in defs(name)
                      if order[id(d)] > at or id(d) in in_loop)   # (each one a new array)
        later = [t for t in self.stmts if order[id(t)] > at or id(t) in in_loop]
        # `for r in m: while ...: r[0] *= c`: the row-taking statement of a for loop around
        # an inner loop holding the write, where only it binds `name` in that loop
        taken_rows, after_row = set(), set()
        for lp in loops:
            inside = list(analyze.flatten(lp.body)) if isinstance(lp, S.For) else []
            for u in lp.body if inside else ():
                if u.sd.loop_item and analyze.assigned(u) == name and [
                        d for d in defs(name) if any(d is v for v in inside) and
                        not self._handed_back(d, write, order)] == [u]:
                    taken_rows.add(id(u))
                    if u.value.value.id in self.rows_apart:   # (rows of an array: apart)
                        after_row |= {id(v) for v in inside if order[id(v)] > order[id(u)]}
        dead = self._dead_reads()
        for t in later:
            if id(t) in dead:
                continue   # (`for r in reversed(x)` with r never read: the row is unused)
            env = self.before.get(id(t))
            if env is None:
                return unknown
            i = order[id(t)]
            for n in analyze.operands(t):
                if n in ignore:
                    continue
                found = rebound_at(n)
                new, shares = found if found is not None else (None, False)
                if new is not None and (i <= at or (i > new and not (shares and loops))):
                    # n holds a value made after the write (in a loop, one that shares the
                    # array, keep = y, sees the next iteration's write: only reads before it)
                    continue
                if n != name and bound_anew_before(n):
                    continue   # (n held no array the write changes when it ran)
                if i <= at and rebound_in_iteration(n, i):
                    continue   # (the next iteration binds n anew before reading it)
                if _bound_just_before(self.body, self._place, t, defs(n), order,
                                      None if i <= at else at):
                    continue   # (n is bound anew in t's own block before t, after the write)
                if i <= at and not any(t is lp for lp in loops) and _bound_just_before(
                        self.body, self._place, t, defs(n), order, trip_start(t)):
                    continue   # (or in a block around t, inside the loop that runs t again
                    # after the write: `for r in x: ... f(r)` then `x *= c`, all in a loop;
                    # not a while's test, which runs again with nothing before it)
                if n == name and own_ok and i > at and later_in_block(
                        self._place, write, t, self.body, defs(n)) and \
                        not any(at < order[id(d)] < i for d in defs(n)):
                    continue   # the written array itself, later in the write's own block
                    # (or in a branch or loop there that does not bind it)
                if n == name and kept and (id(t) in innermost or (i > at and not any(
                        at < order[id(d)] < i for d in defs(n)))):
                    continue   # the written array itself, in or after the loop writing it
                if n == name and own_ok and (new is not None or renewed):
                    continue   # the written array itself (or a new one), under its own name
                if n == name and own_ok and i <= at and id(t) in after_row:
                    continue   # (the next iteration takes another row into name first)
                if n in self.rows_apart and t.sd.loop_item and (
                        id(t) in innermost or id(t) in taken_rows) and \
                        analyze.assigned(t) == name and t.value.value.id == n:   # (for r
                    continue   # in m, m an array: each iteration takes another row)
                if bound_before(n) and self.reach(self._read_of(t, n, env)) & changed:
                    return n, t
        return None


    def items_apart(self, name):
        """Whether `name` holds a list or tuple display built here once (`for r in [x / 2.0,
        numpy.sin(x)]`) whose items are each a new value of its own statement (pairwise
        apart: no array twice, as in `[a, a]`), and which nothing but `len` and the loop's
        own item reads ever reads, changes or stores: each iteration takes another array
        (for `rows_apart`; a later read of an item under another name still counts)."""
        ds = self._bindings().get(name, [])
        if not self._display_apart(ds, (S.List, S.Tuple)):
            return False
        loops = [lp for lp in self.stmts if isinstance(lp, (S.For, S.While))]
        for t in self.stmts:
            if t is ds[0] or name not in analyze.operands(t):
                continue
            v = getattr(t, "value", None)
            if not (t.sd.loop_item and isinstance(t, S.Assign) and isinstance(
                    t.targets[0], S.Name) and isinstance(v, S.Subscript)) and not (
                    t.sd.func is len and isinstance(t, S.Assign)):
                return False
            if any(not any(u is t for u in lp.body) and any(u is t for u in analyze.flatten(
                    lp.body)) and not any(u is ds[0] for u in analyze.flatten(lp.body))
                   for lp in loops):
                return False   # (an outer loop takes the items again, as written)
        return True

    def _display_apart(self, ds, kinds):
        """Whether `ds` (a name's bindings) is one display (of `kinds`) whose items are each
        a new value of its own statement, no two the same array."""
        if len(ds) != 1 or ds[0].sd.kind != Kind.DISPLAY or not isinstance(
                ds[0].value, kinds) or id(ds[0]) not in self.before:
            return False
        env, seen = self.before[id(ds[0])], set()
        for e in ds[0].value.elts:
            objs = self.objects(env, e.id) if isinstance(e, S.Name) else ()
            if len(objs) != 1 or next(iter(objs))[0] != "new" or objs & seen:
                return False
            seen |= objs
        return True

    def pops_apart(self, lst, name):
        """The names whose reads cannot see a write into `name` where `name` only ever
        holds what `lst.pop()` took out of `lst` (`stack = [x * 1.0, x * 2.0]; while stack:
        z = stack.pop(); z[0] = c`), a list display of arrays apart (_display_apart) that
        is only popped, measured (`len`) or tested (`cond = stack` read only by an `if` or
        `while` test): a popped array is in the list no more. `lst` and those tests'
        names; None where that does not hold."""
        if not self._display_apart(self._bindings().get(lst, []), S.List):
            return None

        def popped(t, of):
            return t.sd.kind == Kind.POP and isinstance(t, S.Assign) and isinstance(
                t.value, S.Call) and isinstance(t.value.func, S.Attribute) and isinstance(
                t.value.func.value, S.Name) and t.value.func.value.id == of
        if any(analyze.assigned(t) == name and not popped(t, lst) and
               t.sd.kind != Kind.SETITEM and not _inplace(t) for t in self.stmts):
            return None
        tests = {t.targets[0].id for t in self.stmts if t.sd.kind == Kind.COPY and
                 isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name) and
                 isinstance(t.value, S.Name) and t.value.id == lst}
        for t in self.stmts:
            reads = set(analyze.operands(t)) if not isinstance(t, (S.If, S.While)) else \
                {n.id for n in S.walk(t.test) if isinstance(n, S.Name)}
            if isinstance(t, (S.If, S.While)) and isinstance(t.test, S.Name):
                continue   # (a truth test: reads no array)
            if lst in reads and not (popped(t, lst) or t.sd.kind == Kind.DISPLAY and
                                     analyze.assigned(t) == lst or t.sd.func is len or
                                     t.sd.kind == Kind.COPY and analyze.assigned(t) in tests):
                return None
            if reads & tests and not (analyze.assigned(t) in tests and t.sd.kind == Kind.COPY):
                return None
        return {lst} | tests

    def _dead_reads(self):
        """Ids of the statements taking a row or item, or copying a name, into a name that
        nothing reads (nor what is taken from it in turn): `r = seq_1[index_1]` of `for r in
        reversed(x)` with r unused. What they read cannot reach a later read."""
        if getattr(self, "_dead", None) is None:
            reads = {}
            for t in self.stmts:   # (every name loaded, in a lambda's body too; of a loop
                parts = [t.iter] if isinstance(t, S.For) else [t.test] if isinstance(
                    t, (S.If, S.While)) else [t]   # or branch, its header only)
                for n in (m for p in parts for m in S.walk(p)):
                    if isinstance(n, S.Name) and not isinstance(n.ctx, S.Store):
                        reads.setdefault(n.id, []).append(t)
            dead, grew = set(), True
            while grew:
                grew = False
                for t in self.stmts:
                    n = analyze.assigned(t) if t.sd.kind in (Kind.SUBSCRIPT, Kind.COPY) \
                        and isinstance(t, S.Assign) else None
                    if n is not None and id(t) not in dead and all(
                            id(u) in dead or u is t for u in reads.get(n, ())):
                        dead.add(id(t))
                        grew = True
            self._dead = dead
        return self._dead

    def _handed_back(self, d, write, order):
        """Whether `d` binds what the call `write` handed back, after it (`t = variant(r)`
        then `r = t[1]`: writing_helpers' copy of r, written into, under r's own name)."""
        made = analyze.assigned(write) if isinstance(write, S.Assign) else None
        v = getattr(d, "value", None)
        return made is not None and write.sd.kind == Kind.CALL and \
            order[id(d)] > order[id(write)] and isinstance(v, S.Subscript) and \
            isinstance(v.value, S.Name) and v.value.id == made

    def _reach_before(self, objs, write):
        """`reach` through what was held when `write` (in no loop) ran: not a store after it
        (`L.append(y)` after `y[0] = c`: L then holds the written y, which its later reads
        see as the derivative does), which the whole body's `held` counts from the start."""
        order = {id(t): i for i, t in enumerate(self.stmts)}
        at = order[id(write)]
        out, todo = set(), list(objs)
        while todo:
            o = todo.pop()
            if o not in out:
                out.add(o)
                todo.extend(p for p in self.held.get(o, ()) if any(
                    s is None or order.get(s, -1) < at for s in self.held_at.get((o, p), {None})))
        return out

    def _seen_after(self, write, name, changed, own_ok, ignore=()):
        """seen_by for a write in no loop: follows the run from the write on (the rest of
        its block, then of each block around it: a branch that run did not take is not
        there), each name whose value then is, or holds, the written array marked STALE (but
        `name` itself, and what `z op= v` gives z, where `own_ok`): a name whose value is or holds a marked one read after
        the write sees it (the whole body's analysis merges the branches, and a name rebound
        after the write, `result = x`, seemed to hold an old value too)."""
        path = _path_to(self.body, write)
        if path is None:
            return None, None
        saved, self.before = self.before, {}
        try:
            own = {name, write.value.id if _inplace(write) and isinstance(write.value, S.Name)
                   and write.sd.kind == Kind.COPY else name}   # (z = add_1: z itself)
            env = {k: v | {STALE} if (k not in own or not own_ok) and k not in ignore and
                   self._reach_before(v, write) & changed else v
                   for k, v in saved[id(write)].items()}
            self._block([write], env, False)
            self.before = {}
            for block, i in reversed(path):
                self._block(block[i + 1:], env, False)
            after = self.before
        finally:
            self.before = saved
        for t in self.stmts:
            env = after.get(id(t))
            if env is None:
                continue   # before the write, or in a branch its run does not take
            for n in analyze.operands(t):
                if n in ignore:
                    continue
                objs = self.reach(self._read_of(t, n, env, frozenset([(OUTSIDE, n), STALE])))
                if STALE in objs and objs & changed:
                    return n, t
        return None
