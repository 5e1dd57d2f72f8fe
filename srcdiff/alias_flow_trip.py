"""Whether a later read sees a write inside a loop, followed trip by trip (stage 3, lower: a
mixin of alias_flow.Flow through alias_flow_seen.Seen, called by its seen_by). Takes one
write in a loop (a lowered statement) and the name it writes into; gives back None when no
name bound before the write reads the memory it changes afterwards (`seen_in_trip`), else
the name that reads it and where, or (None, None) when it cannot tell.

alias_flow's analysis merges a loop's iterations: every value a statement makes in any
trip is one object, and a name bound in a loop holds all it ever held. So in

    for i in range(3):
        t = (x[0], s)            # x's item, from the x of the trip before
        for r in t:
            x = x + 0.2 * r      # a new array each trip
            x[0] = c             # changes that new array only

`t` seems to hold the array written, and the write is refused. Here one run of the write is
followed as it happens: the innermost loop's trip is replayed from its first statement up to
the write, each value made on the way (arithmetic, a display, a copying call: one no one
else can hold, `_truly_new`) an object of this trip's own, so `changed` is what this run of
the write changes, not what earlier trips made. Each name then holding (part of) it is
marked stale, as in alias_flow_seen._seen_after; the rest of the trip runs in order (a name
bound anew holds the new value only, a `break` or `continue` takes the values it has to
where it goes), then the loops around it again (trip after trip, each trip in order,
merged at the loop's head until nothing changes: `_loop`), then what follows them. A read
of a stale name still reaching the changed memory sees the write. By symmetry every run of
the write is the one followed; a value made after it is an object of its own too.
"""
from . import alias_flow_fresh, alias_fresh_items, analyze, runtime_containers, runtime_values
from . import syntax as S
from .alias_flow_blocks import inplace as _inplace, path_to as _path_to
from .alias_tuples import tuple_arity
from .core import Kind

OUTSIDE = "outside"
STALE = ("stale",)   # (the same mark as alias_flow_seen's)
UNKNOWN = (None, None)


class Trip:
    """seen_in_trip (a mixin of alias_flow.Flow: self.before, self._block, ...)."""

    def seen_in_trip(self, write, name, own_ok=True, ignore=(), owned=()):
        """None when no name bound before `write` (in a loop) reads the memory it changes
        afterwards, replaying one run of it (see the module's docstring); else (the name,
        the statement reading it), or (None, None) when it cannot tell. The arguments are
        seen_by's."""
        path = _path_to(self.body, write) if self.ok and id(write) in self.before else None
        if path is None:
            return UNKNOWN
        levels = [j for j, (blk, i) in enumerate(path[:-1])
                  if isinstance(blk[i], (S.For, S.While))]
        if not levels or path[levels[-1] + 1][0] is not path[levels[-1]][0][
                path[levels[-1]][1]].body:
            return UNKNOWN   # (in no loop, or in a loop's else)
        saved = self._state()
        try:
            return self._replay(write, name, own_ok, ignore, owned, path, levels[-1])
        except _GiveUp:
            return UNKNOWN
        finally:
            self._set_state(saved)
            self.__dict__.pop("_record", None)   # (alias_flow.Flow._record again)

    # -- the replay ------------------------------------------------------------------------
    def _replay(self, write, name, own_ok, ignore, owned, path, loop_level):
        start = path[loop_level + 1][0][0]   # the first statement of the innermost loop
        env = dict(self.before.get(id(start), {}))   # (every trip's start, merged)
        self.before, self._tag = {}, "trip"
        self._record = _no_record   # (what runs before the write reads nothing changed yet)
        escaped = _copied(self.escaped)
        for j in range(loop_level + 1, len(path)):
            blk, i = path[j]
            env = self._run(blk[:i], env, _jumps())   # (a way that jumps: no write)
            if env is None:
                return UNKNOWN
        changed = set(self.objects(env, name))
        if not changed or any(o[0] == OUTSIDE and o[1] not in owned for o in changed):
            return UNKNOWN   # the caller's array
        if any(self.escaped.get(o, set()) - escaped.get(o, set()) for o in changed):
            return UNKNOWN   # (stored by a call of this trip before the write)
        old = {o for o in changed if o[0] != "trip"}
        if old and self._escaped_before(write, old, escaped):
            return UNKNOWN
        own = {name, write.value.id if _inplace(write) and isinstance(write.value, S.Name)
               and write.sd.kind == Kind.COPY else name}
        env = {k: v | {STALE} if (k not in own or not own_ok) and k not in ignore and
               self.reach(v) & changed else v for k, v in env.items()}
        self._block([write], env, False)
        self.before, self._tag = {}, "after"
        self._record = self._record_reads
        jumps = _jumps()   # (of the innermost loop around what runs now)
        for j in reversed(range(len(path))):
            blk, i = path[j]
            if j < len(path) - 1 and isinstance(blk[i], (S.For, S.While)) and \
                    path[j + 1][0] is blk[i].body:   # (this trip ended: the next ones)
                outer = _jumps()
                head = _merge(env, *jumps["continue"])
                env = _merge(None if head is None else self._loop(blk[i], head, outer),
                             *jumps["break"])
                jumps = outer
            env = None if env is None else self._run(blk[i + 1:], env, jumps)
        after, dead = self.before, self._dead_reads()
        for t in self.stmts:
            got = after.get(id(t))
            if got is None or id(t) in dead:
                continue
            for n in analyze.operands(t):
                if n in ignore:
                    continue
                objs = self.reach(self._read_of(t, n, got, frozenset([(OUTSIDE, n), STALE])))
                if STALE in objs and objs & changed:
                    return n, t
        return None

    def _run(self, stmts, env, jumps):
        """Run `stmts` in order from `env` (changed in place): a name bound anew holds its
        new value only, a branch's arms run apart and merge after, a loop runs trip by trip
        (_loop). The values at the end, or None where every way through jumped or returned;
        the values at each `break` and `continue` go to `jumps`."""
        for s in stmts:
            if isinstance(s, (S.Break, S.Continue)):
                jumps["break" if isinstance(s, S.Break) else "continue"].append(env)
                return None
            if isinstance(s, S.If):
                self._record(s, env)
                env = _merge(self._run(s.body, dict(env), jumps),
                             self._run(s.orelse, dict(env), jumps))
            elif isinstance(s, (S.For, S.While)):
                self._record(s, env)   # (its range or its test, read as it starts)
                env = self._loop(s, env, jumps)
            elif self._truly_new(s):
                self._made_here(s, env)
            else:
                self._block([s], env, False)
                if isinstance(s, (S.Return, S.Raise)):
                    return None
            if env is None:
                return None
        return env

    def _loop(self, loop, env, jumps):
        """The values after `loop` run from `env` (none, or any number of trips: after the
        one that ran the write, or from its start), each trip in order from the values at
        the loop's head, merged there (with the values at each `continue`) until nothing
        changes; then its `else` (`jumps`: the loop's around it), or a `break`."""
        head, breaks = dict(env), []
        for _ in range(len(self.stmts) + 2):
            if isinstance(loop, S.While):
                self._record(loop, head)   # (its test, read again before each trip)
            trip = dict(head)
            if isinstance(loop, S.For):
                got = {("new", id(loop))} | self.items(self._reads(head, loop.iter))
                for n in S.walk(loop.target):
                    if isinstance(n, S.Name):
                        trip[n.id] = frozenset(got)
            inner = _jumps()
            end = self._run(loop.body, trip, inner)
            breaks += inner["break"]
            merged = _merge(head, end, *inner["continue"])
            if merged == head:
                break
            head = merged
        else:
            raise _GiveUp()
        done = self._run(loop.orelse, dict(head), jumps) if loop.orelse else head
        return _merge(done, *breaks)

    def _escaped_before(self, write, objs, escaped):
        """Whether a call that may keep one of `objs` (made before this trip) runs before
        the write, or in a loop around it (alias_flow_seen.seen_by's test; `escaped`: the
        analysis' own record, before the replay)."""
        order = {id(t): i for i, t in enumerate(self.stmts)}
        at = order[id(write)]
        loops = [t for t in self.stmts if isinstance(t, (S.For, S.While))
                 and any(u is write for u in analyze.flatten(t.body))]
        in_loop = {id(u) for lp in loops for u in analyze.flatten(lp.body)}
        after = {id(t) for t in self.stmts if order[id(t)] > at and id(t) not in in_loop}
        return any(escaped.get(o, set()) - {id(write)} - after for o in objs)

    def _record_reads(self, stmt, env):
        """alias_flow.Flow._record for the replay: only what `stmt` reads."""
        seen = self.before.setdefault(id(stmt), {})
        for k in analyze.operands(stmt):
            if k in env:
                seen[k] = seen.get(k, frozenset()) | env[k]

    # -- values made in this trip ----------------------------------------------------------
    def _truly_new(self, s):
        """Whether the statement `s` binds a name to a value made as it runs, which nothing
        else holds: arithmetic, a display, a constant, a copying library call, srcdiff's
        list and record builders, a function of the user's proven to return a new value
        (alias_flow_fresh). Not a writing helper's call (writing_helpers), nor any call
        that may give back what it was given or a global's value."""
        if not (isinstance(s, S.Assign) and isinstance(s.targets[0], S.Name)):
            return False
        kind, value, func = s.sd.kind, s.value, s.sd.func
        if kind in (Kind.BINOP, Kind.UNARY, Kind.DISPLAY):
            return True
        if kind == Kind.COPY:
            return isinstance(value, (S.Constant, S.Lambda))
        if kind != Kind.CALL or getattr(func, "_srcdiff_written", None):
            return False
        if func in (runtime_containers.sequence_add, runtime_containers.sequence_mul,
                    runtime_values.record_of) or alias_fresh_items.is_sequence_of(func):
            return True
        return id(s) in self.fresh or bool(tuple_arity(func, value)) or alias_flow_fresh.fresh_call(
            func, value if isinstance(value, S.Call) else None) or self._fresh_user_call(
            s) or self._fresh_user_call(s, alias_flow_fresh.fresh_items)

    def _made_here(self, s, env):
        """Run `s`, which makes a new value (_truly_new): the objects it makes (and the items
        it makes with them: a tuple's, `a, b = pair(x)`) become objects of their own, tagged
        `self._tag` ("trip": made in the trip before the write; "after": after it), with
        what they hold and their items' places; what the analysis knew of the objects that
        statement made before (in other trips) stays as it was."""
        def made(i):   # (what it may make: its objects; a tuple's items, `a, b = pair(x)`)
            return {("new", i), ("made", i)} | {("new", i, k) for k in range(len(
                self.slots.get(("made", i), ())))}
        keys = made(id(s))
        tables = (self.held, self.slots, self.listed, self.keyed)
        kept = [_copied({k: t[k] for k in keys if k in t}) for t in tables]
        unkeyed = keys & self.unkeyed
        self._block([s], env, False)
        target = s.targets[0].id
        keys |= made(id(s))
        mapping = {o: (self._tag,) + o for o in self.reach(env.get(target, ())) if o in keys}

        def sub(objs):
            return {mapping.get(o, o) for o in objs}
        for o, t in mapping.items():
            if o in self.held:
                self.held[t] = self.held.get(t, set()) | sub(self.held[o])
            for table in (self.slots, self.listed):
                if o in table:
                    new, was = [sub(x) for x in table[o]], table.get(t, [])
                    table[t] = [(new[k] if k < len(new) else set()) |
                                (was[k] if k < len(was) else set())
                                for k in range(max(len(new), len(was)))]
            if o in self.keyed:
                new, was = {k: sub(v) for k, v in self.keyed[o].items()}, self.keyed.get(t)
                if was is not None and set(was) != set(new):
                    del self.keyed[t]
                    self.unkeyed.add(t)
                elif t not in self.unkeyed:
                    self.keyed[t] = {k: v | (was or {}).get(k, set()) for k, v in new.items()}
            if o in self.unkeyed:
                self.unkeyed.add(t)
        for table, was in zip(tables, kept):
            for k in keys:
                table.pop(k, None)
            table.update(was)
        self.unkeyed = (self.unkeyed - keys) | unkeyed
        env[target] = frozenset(sub(env[target]))

    # -- the analysis' own state, kept as it was -------------------------------------------
    def _state(self):
        return (self.before, _copied(self.held), _copied(self.slots), _copied(self.keyed),
                set(self.unkeyed), _copied(self.listed), _copied(self.escaped))

    def _set_state(self, saved):
        (self.before, self.held, self.slots, self.keyed, self.unkeyed, self.listed,
         self.escaped) = saved


class _GiveUp(Exception):
    pass


def _no_record(stmt, env):
    pass


def _jumps():
    """Where the values at each `break` and `continue` of one loop are gathered."""
    return {"break": [], "continue": []}


def _merge(*envs):
    """The values any of `envs` (None: a way that jumped) gives each name; None if all jumped."""
    envs = [e for e in envs if e is not None]
    if not envs:
        return None
    out = dict(envs[0])
    for e in envs[1:]:
        for k, v in e.items():
            out[k] = out.get(k, frozenset()) | v
    return out


def _copied(table):
    """A copy of one of the analysis' tables, its sets and lists copied too."""
    out = {}
    for k, v in table.items():
        if isinstance(v, dict):
            out[k] = {kk: set(vv) for kk, vv in v.items()}
        elif isinstance(v, list):
            out[k] = [set(vv) for vv in v]
        else:
            out[k] = set(v)
    return out
