"""Which arrays each name may hold, statement by statement: proof that a write is unseen (stage
3, lower: called by aliasing.py and argument_writes.py). Takes lowered core statements
(`Flow`) and one write; gives back whether no name bound before it reads the memory it
changes afterwards (`unseen`).

aliasing.check_writes refuses a write into y when another name may share y's memory (an
alias, a view, a list or tuple holding y). That is only wrong when the other name is
read after the write: `w = y[1:]; s = w.sum(); y[0] = 1.0`, `np.stack([y, x])` then
`y[0] = s`, or `a, b = b, a` then `a[0] = 1.0` (the tuple srcdiff builds for the swap is
never read again) are correct code. `unseen(write)` proves, for one write, that no name
bound before it reads the memory it changes afterwards; where it cannot prove it, the
refusal stands.

The analysis follows the lowered core statements in order. Each value is a set of
abstract objects: one per statement that makes a new value (in a loop, one for all its
iterations), or an outside object (a parameter, a global, an attribute: never proven).
A view or an item of an array is the object it was taken from; a list, tuple or dict
built here is an object whose items (`held`) are the objects put in it. Outside loops a
name's new value replaces its old one; inside loops values are only ever added, so
`continue`, `break` and the next iteration need no special care.
"""
import types

from . import alias_flow_fresh, analyze
from . import syntax as S
from .alias_flow_blocks import (blocks_around as _blocks_around, inplace as _inplace,
                                bound_arguments as _bound_arguments, places, binds_new_array,
                                later_in_block,
                                bound_just_before as _bound_just_before, is_local as _is_local,
                                no_list_value as _no_list_value, path_to as _path_to,
                                local_functions_only_called as _local_functions_only_called)
from .alias_flow_fresh import keeps_nothing as _keeps_nothing
from .callables import is_user_function
from .core import Kind

OUTSIDE = "outside"
STALE = ("stale",)   # (alias_flow.Flow._seen_after: a value bound before the write)

class Flow:
    """The objects each name may hold before each statement of a lowered body."""

    def __init__(self, body, fresh=()):
        self.fresh = set(fresh)   # ids of calls whose result is taken as new (see below)
        self.body = body
        self.stmts = list(analyze.flatten(body))
        self.ok = _local_functions_only_called(self.stmts)
        self.held = {}     # object -> objects it holds (items of a list, tuple, dict)
        self.before = {}   # id(stmt) -> {name: objects}
        self.escaped = {}  # object -> ids of the calls that might keep it
        self.slots = {}    # a tuple built here -> the objects of each of its items
        self.keyed = {}    # a dict built here -> {constant key: the objects stored there}
        self.unkeyed = set()   # dicts built here something stored into by other means
        self._fresh_funcs = {}   # a function of the user's -> alias_flow_fresh's proof
        self.rows_apart = set()   # arrays (never lists) a for loop takes rows of (seen_by)
        if not self.ok:
            return
        for _ in range(8):  # `held` grows as items are stored: run until nothing changes
            size = self._size()
            self.before = {}
            self._block(body, {}, False)
            if self._size() == size:
                break
        else:
            self.ok = False

    def _size(self):
        return sum(len(v) for v in self.held.values()) + sum(
            len(v) for env in self.before.values() for v in env.values()) + len(
            self.unkeyed) + sum(len(v) for k in self.keyed.values() for v in k.values())

    # -- values ------------------------------------------------------------------------
    def objects(self, env, name):
        if name in env:
            return env[name]
        return frozenset([(OUTSIDE, name)])   # a parameter, a global (or not bound yet)

    def items(self, objs):
        out = set()
        for o in objs:
            if o[0] == OUTSIDE:
                out.add(o)       # an item of an outside object is outside too
            out |= self.held.get(o, set())
        return out

    def reach(self, objs):
        """Objects `objs` are, or hold, transitively."""
        out, todo = set(), list(objs)
        while todo:
            o = todo.pop()
            if o not in out:
                out.add(o)
                todo.extend(self.held.get(o, ()))
        return out

    def _hold(self, holders, objs):
        objs = set(objs) - {STALE}   # (a mark of _seen_after's, on names, never held)
        if not objs:
            return
        for h in holders:
            if h[0] != OUTSIDE:
                self.held.setdefault(h, set()).update(objs)

    def _store(self, holders, objs, stmt, key=None):
        """`stmt` (a call, an append, an item write) may store `objs` into any of `holders`
        (lists, dicts, objects): held there; one of the caller's keeps them (escaped). `key`:
        the constant key of an item write `d[key] = v` (see _keyed)."""
        for h in holders:
            if h in self.keyed:
                if key is not None and key in self.keyed[h]:
                    self.keyed[h][key] |= set(objs) - {STALE}
                else:
                    self.unkeyed.add(h)   # (stored anywhere: its keys no longer tell)
                    del self.keyed[h]
        self._hold(holders, objs)
        if any(h[0] == OUTSIDE for h in holders):
            self._escape(stmt, objs)

    def _reads(self, env, node):
        out = set()
        for n in S.walk(node):
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Load):
                out |= self.objects(env, n.id)
        return out

    def _value(self, stmt, env):
        kind, value, new = stmt.sd.kind, stmt.value, ("new", id(stmt))
        if kind == Kind.COPY and isinstance(value, S.Name):
            return set(self.objects(env, value.id))
        if (kind == Kind.COPY and isinstance(value, S.Constant)) or isinstance(value, S.Lambda):
            return {new}
        if kind == Kind.SUBSCRIPT and isinstance(value.value, S.Name):
            base = self.objects(env, value.value.id)
            index = value.slice
            if base and all(o in self.slots for o in base) and \
                    isinstance(index, S.Constant) and type(index.value) is int:
                out = set()   # an item of a tuple built here: that item only
                for o in base:
                    slots = self.slots[o]
                    if not -len(slots) <= index.value < len(slots):
                        return set(base) | self.items(base)
                    out |= slots[index.value]
                return out
            keyed = self._keyed(base, index)
            if keyed is not None:
                return keyed
            # a row (the same memory), or an item of a list, tuple or dict built here
            return {o for o in base if o[0] != "made"} | self.items(base)
        if kind == Kind.DISPLAY:
            made = ("made", id(stmt))
            elts = value.values if isinstance(value, S.Dict) else value.elts
            parts = [self._reads(env, e) for e in elts]
            self._hold([made], set().union(*parts))
            if isinstance(value, S.Tuple):
                old = self.slots.get(made, [set() for _ in parts])
                self.slots[made] = [(a | b) - {STALE} for a, b in zip(old, parts)]
            elif isinstance(value, S.Dict) and made not in self.unkeyed and all(
                    _constant_key(k) for k in value.keys):
                keys = [k.value for k in value.keys]
                old = self.keyed.get(made, {})
                if len(set(keys)) == len(keys):
                    self.keyed[made] = {k: (old.get(k, set()) | p) - {STALE}
                                        for k, p in zip(keys, parts)}
            return {made}
        if kind in (Kind.BINOP, Kind.UNARY):   # a new array; or, for lists (a + b, a * 3),
            if not _no_list_value(stmt, self._bindings()):   # a new list of the same items
                self._hold([new], self.items(self._reads(env, value)))
            return {new}
        if kind == Kind.CALL and getattr(stmt.sd.func, "_srcdiff_written", None):
            made = self._writing_call(stmt, env)
            if made is not None:
                return made
        if kind == Kind.CALL and (id(stmt) in self.fresh or alias_flow_fresh.fresh_call(
                stmt.sd.func, value if isinstance(value, S.Call) else None)):
            if alias_flow_fresh.copies(stmt.sd.func):
                self._hold([new], self.items(self._reads(env, value)))
            return {new}
        # anything else may return what it was given, or part of it, or store it
        reads = self._reads(env, value)
        if kind == Kind.CALL:
            for a in analyze.call_args(stmt):
                reads |= self._reads(env, a)
            if self._fresh_user_call(stmt, alias_flow_fresh.keeps_no_argument):
                # (only the arguments its result may be or hold: `star_sum(w, *args)`
                # gives back w or a new number: alias_flow_fresh.returned_parameters)
                given = alias_flow_fresh.returned_parameters(stmt.sd.func)
                bound = _bound_arguments(stmt.sd.func, value) if given is not None else None
                if bound is not None and set(given) <= set(bound):
                    reads = set().union(*(self._reads(env, bound[p]) for p in given))
            if self._fresh_user_call(stmt):
                # a function of the user's returning a value made inside it and keeping
                # nothing (alias_flow_fresh): a new object; a list or tuple it returns may
                # hold what its arguments reach
                self._hold([new], self.reach(reads))
                return {new}
            if self._fresh_user_call(stmt, alias_flow_fresh.keeps_no_argument):
                # one keeping nothing, but that may return what it was given (or part of
                # it): only its result may hold the arguments' arrays once it returned
                # (`a = star_sum(w, *args)`: the tuple made for *args is then read no more)
                reach = self.reach(reads)
                self._hold([new], reach)
                return {new} | reach
        reads |= self.items(reads)
        if kind == Kind.CALL and not _keeps_nothing(stmt.sd.func):
            self._store(reads, reads, stmt)
            if not _is_local(stmt):
                self._escape(stmt, reads)   # (a nested function keeps nothing: no globals)
        return {new} | reads

    def _writing_call(self, stmt, env):
        """`held = fill_writing(t, v)` (writing_helpers): where the helper keeps nothing but
        in its parameters (alias_flow_fresh.stores_only_into), what the arguments reach may
        be stored into those; the result is a tuple whose item k + 1 is the argument given
        the k-th written parameter (a new array for a call of `fresh`, the derivative's
        variant). Else None, or for `fresh` a new result, the arguments stored and kept."""
        func, call = stmt.sd.func, stmt.value
        into = bound = None
        if isinstance(call, S.Call) and stmt.sd.user_call is None and is_user_function(func):
            into, bound = alias_flow_fresh.stores_only_into(func), _bound_arguments(func, call)
        reads = set()
        for a in analyze.call_args(stmt):
            reads |= self._reads(env, a)
        reach = self.reach(reads) - {STALE}
        if into is None or bound is None or not set(into) <= set(bound):
            # (one written into may be its default, or unknown)
            if id(stmt) not in self.fresh:
                return None
            self._store(reach, reach, stmt)
            self._escape(stmt, reach)
            return {("new", id(stmt))}
        holders = set()
        for p in into:
            holders |= self._reads(env, bound[p])
        holders.discard(STALE)
        if holders:   # (`p[k] = v` only, into the object p itself: stores_only_into)
            self._store(holders, reach, stmt)
        made = ("made", id(stmt))
        if id(stmt) in self.fresh:
            # its own copies hold what the originals held, and more; the originals
            # themselves, never written, are in no result
            reach = reach - set().union(*(self._reads(env, bound[p]) for p in
                                          func._srcdiff_written if p in bound))
            self._hold([("new", id(stmt))], reach)
        given = getattr(func, "_srcdiff_returns", None)   # (`return M`: M itself)
        slots = [{("new", id(stmt))} if given in bound and id(stmt) in self.fresh and
                 given in func._srcdiff_written else
                 self._reads(env, bound[given]) if given in bound else
                 {("new", id(stmt))} | reach] + [
            {("new", id(stmt))} if id(stmt) in self.fresh else self._reads(env, bound[p])
            if p in bound else {("new", id(stmt))} | reach for p in func._srcdiff_written]
        old = self.slots.get(made, [set() for _ in slots])
        self.slots[made] = [(a | b) - {STALE} for a, b in zip(old, slots)]
        self._hold([made], set().union(*slots))
        return {made}

    def _keyed(self, base, index):
        """The objects `d[key]` may be, where every object `base` may be is a dict built
        here whose constant keys (`{"w": a, "b": b}`, and `d["w"] = ...` after) include
        `key`: those stored under that key only. None when not known."""
        if not base or not _constant_key(index) or not all(o in self.keyed for o in base):
            return None
        out = set()
        for o in base:
            if index.value not in self.keyed[o]:
                return None
            out |= self.keyed[o][index.value]
        return out

    def _fresh_user_call(self, stmt, proof=alias_flow_fresh.fresh_result):
        """Whether `stmt` calls a function of the user's for which `proof` holds."""
        func = stmt.sd.func
        if stmt.sd.user_call is not None or not isinstance(func, types.FunctionType) or \
                not is_user_function(func):
            return False
        if (func, proof) not in self._fresh_funcs:
            self._fresh_funcs[func, proof] = proof(func)
        return self._fresh_funcs[func, proof]

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
                   self.reach(v) & changed else v for k, v in saved[id(write)].items()}
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
                objs = self.reach(env.get(n, frozenset([(OUTSIDE, n), STALE])))
                if STALE in objs and objs & changed:
                    return n, t
        return None

    def _place(self, stmt):
        """(id of the statement list holding `stmt` directly, its index there)."""
        if not hasattr(self, "_places"):
            self._places = places(self.body)
        return self._places.get(id(stmt), (None, None))

    def _escape(self, stmt, objs):
        for o in self.reach(objs):
            self.escaped.setdefault(o, set()).add(id(stmt))

    # -- statements --------------------------------------------------------------------
    def _record(self, stmt, env):
        seen = self.before.setdefault(id(stmt), {})
        for k, v in env.items():
            seen[k] = frozenset(seen.get(k, frozenset()) | v)

    def _block(self, body, env, in_loop):
        for stmt in body:
            self._record(stmt, env)
            if isinstance(stmt, S.If):
                a, b = dict(env), dict(env)
                self._block(stmt.body, a, in_loop)
                self._block(stmt.orelse, b, in_loop)
                for k in set(a) | set(b):
                    env[k] = frozenset(a.get(k, frozenset()) | b.get(k, frozenset()))
            elif isinstance(stmt, (S.For, S.While)):
                if isinstance(stmt, S.For):
                    got = {("new", id(stmt))} | self.items(self._reads(env, stmt.iter))
                    for n in S.walk(stmt.target):
                        if isinstance(n, S.Name):
                            env[n.id] = frozenset(env.get(n.id, frozenset()) | got)
                for _ in range(len(self.stmts) + 2):
                    before = dict(env)
                    self._block(stmt.body, env, True)
                    self._block(stmt.orelse, env, True)
                    if env == before:
                        break
            elif isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
                name = stmt.targets[0].id
                objs = self._value(stmt, env)
                if in_loop or _inplace(stmt):
                    objs |= env.get(name, frozenset())
                env[name] = frozenset(objs)
            elif isinstance(stmt, S.Assign):      # y[i] = v: a list or dict keeps v itself
                base = stmt.targets[0].value
                if isinstance(base, S.Name):
                    index = stmt.targets[0].slice
                    self._store(self.objects(env, base.id), self._reads(env, stmt.value), stmt,
                                index.value if _constant_key(index) else None)
            elif isinstance(stmt, S.Expr) and isinstance(stmt.value, S.Call):
                call = stmt.value
                if stmt.sd.kind == Kind.APPEND and isinstance(call.func, S.Attribute) and \
                        isinstance(call.func.value, S.Name):   # lst.append(v)
                    self._store(self.objects(env, call.func.value.id),
                                self._reads(env, S.Tuple(elts=call.args, ctx=S.Load())), stmt)
                elif not _keeps_nothing(stmt.sd.func):   # a call made for its effects
                    reads = self._reads(env, call)
                    reads |= self.items(reads)
                    self._store(reads, reads, stmt)
                    self._escape(stmt, reads)

    def _bindings(self):
        """name -> the statements binding it anew (not item writes, updates, appends)."""
        if not hasattr(self, "_binds"):
            self._binds = {}
            for t in self.stmts:
                n = analyze.assigned(t)
                if n is not None and not (t.sd.kind in (Kind.SETITEM, Kind.APPEND, Kind.POP)
                                          or _inplace(t)):
                    self._binds.setdefault(n, []).append(t)
        return self._binds

    # -- the question --------------------------------------------------------------------
    def unseen(self, write, name, own_ok=True):
        """True when no name bound before `write` (which changes the array `name` holds)
        reads that array after it: a later statement, or any statement of a loop around
        it. `own_ok`: reads of `name` itself (still holding the array) are fine, as for an
        item write, whose derivative follows it. False when it cannot tell."""
        return self.seen_by(write, name, own_ok) is None

    def seen_by(self, write, name, own_ok=True, ignore=()):
        """None when the write is unseen (see unseen); else (the name that sees it, the
        statement reading it), or (None, None) when it cannot tell. Reads of the names of
        `ignore` do not count (the run checks them)."""
        unknown = (None, None)
        if not self.ok or id(write) not in self.before:
            return unknown
        changed = self.objects(self.before[id(write)], name)
        if not changed or any(o[0] == OUTSIDE for o in changed):
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
        for t in later:
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
                if i <= at and rebound_in_iteration(n, i):
                    continue   # (the next iteration binds n anew before reading it)
                if _bound_just_before(self.body, self._place, t, defs(n), order,
                                      None if i <= at else at):
                    continue   # (n is bound anew in t's own block before t, after the write)
                if n == name and own_ok and i > at and later_in_block(self._place, write, t) and \
                        not any(at < order[id(d)] < i for d in defs(n)):
                    continue   # the written array itself, later in the write's own block
                if n == name and kept and (id(t) in innermost or (i > at and not any(
                        at < order[id(d)] < i for d in defs(n)))):
                    continue   # the written array itself, in or after the loop writing it
                if n == name and own_ok and (new is not None or renewed):
                    continue   # the written array itself (or a new one), under its own name
                if n in self.rows_apart and t.sd.loop_item and id(t) in innermost and \
                        analyze.assigned(t) == name and t.value.value.id == n:   # (for r
                    continue   # in m, m an array: each iteration takes another row)
                if bound_before(n) and self.reach(self.objects(env, n)) & changed:
                    return n, t
        return None


def _constant_key(node):
    return isinstance(node, S.Constant) and type(node.value) in (str, int)
