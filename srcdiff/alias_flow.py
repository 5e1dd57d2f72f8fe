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
built here is an object whose items (`held`) are the objects put in it (`held_at`: the
statements storing each, so that a write in no loop is followed through what was held when
it ran, alias_flow_seen; an item write into an array of numbers copies, holding nothing;
`x[numpy.array([...])]` is a copy, a new object). Outside loops a
name's new value replaces its old one; inside loops values are only ever added, so
`continue`, `break` and the next iteration need no special care.
"""
import sys
import types

from . import alias_flow_fresh, alias_fresh_items, analyze, runtime_containers, runtime_values
from . import syntax as S
from .alias_flow_blocks import (inplace as _inplace, bound_arguments as _bound_arguments,
                                places, is_local as _is_local, no_list_value as _no_list_value,
                                path_to as _path_to, stable_lists, never_a_list,
                                fancy_index, without_plain_callee as _without_plain_callee,
                                local_functions_only_called as _local_functions_only_called)
from .alias_flow_fresh import keeps_nothing as _keeps_nothing
from .alias_flow_seen import OUTSIDE, STALE, Seen
from .alias_tuples import numeric_array, tuple_arity
from .callables import is_user_function
from .core import Kind


# a + b, a * b where a list or tuple may be involved (the value a BinOp gives: a new array, a
# new list of the same items, or, for a tuple repeated once, the same immutable tuple)
SEQUENCE_ARITHMETIC = (runtime_containers.sequence_add, runtime_containers.sequence_mul)


class Flow(Seen):
    """The objects each name may hold before each statement of a lowered body."""

    def __init__(self, body, fresh=()):
        self.body = body
        self.stmts = list(analyze.flatten(body))
        # ids of calls whose result is taken as new (see below): a writing helper's variant
        # (writing_helpers.py) works on copies of its own of what it writes into, always
        self.fresh = set(fresh) | {id(t) for t in self.stmts if t.sd.kind == Kind.CALL and
                                   getattr(t.sd.func, "_srcdiff_written", None)}
        self.ok = _local_functions_only_called(self.stmts)
        self.held = {}     # object -> objects it holds (items of a list, tuple, dict)
        self.held_at = {}  # (object, an object it holds) -> ids of the statements storing it
        self.before = {}   # id(stmt) -> {name: objects}
        self.escaped = {}  # object -> ids of the calls that might keep it
        self.slots = {}    # a tuple built here -> the objects of each of its items
        self.keyed = {}    # a dict built here -> {constant key: the objects stored there}
        self.unkeyed = set()   # dicts built here something stored into by other means
        self._fresh_funcs = {}   # a function of the user's -> alias_flow_fresh's proof
        self._answers = {}   # seen_by's answers, by question
        self.rows_apart = set()   # arrays (never lists) a for loop takes rows of (seen_by)
        self.listed = {}   # a list built here whose items keep their places -> each place's
        self._stable = None   # objects (alias_flow_blocks.stable_lists: L = [a]; L.append(b))
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

    def _hold(self, holders, objs, at=None):
        """`holders` hold `objs`: made so (`at` None), or stored by the statement `at`
        (`held_at`: where each pair was stored, for Seen._reach_before)."""
        objs = set(objs) - {STALE}   # (a mark of _seen_after's, on names, never held)
        if not objs:
            return
        for h in holders:
            if h[0] != OUTSIDE and h != STALE:   # (nor a holder: every name not bound yet,
                # a global, reads as STALE in _seen_after, and would reach what it held)
                self.held.setdefault(h, set()).update(objs)
                for o in objs:
                    self.held_at.setdefault((h, o), set()).add(at and id(at))

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
        self._hold(holders, objs, stmt)
        if any(h[0] == OUTSIDE for h in holders):
            self._escape(stmt, objs)

    def _new_tuple(self, stmt, size):
        """The tuple `stmt` makes of `size` new values, each an object of its own."""
        made = ("made", id(stmt))
        self.slots[made] = [{("new", id(stmt), k)} for k in range(size)]
        self._hold([made], set().union(*self.slots[made]))
        return {made}

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
            at = self.position(stmt)
            if at is not None and set(base) - {STALE} == {at[0]}:
                return set(self.listed.get(at[0], [])[at[1]]) \
                    if at[1] < len(self.listed.get(at[0], [])) else set()
            index = value.slice
            if isinstance(index, S.Name) and fancy_index(index.id, self._bindings()):
                return {new}   # x[numpy.array([1, 0])]: a copy (a list's raises)
            if isinstance(index, S.Name) and _listed(index.id, self._bindings()):
                self._hold([new], self.items(base))   # x[[2, 0]]: a copy (of an array of
                return {new}                          # objects: holding its items)
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
            elif isinstance(value, S.List) and id(stmt) in self._stable_lists():
                self._place_item(made, range(len(parts)), parts)
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
        if kind == Kind.CALL and stmt.sd.func in SEQUENCE_ARITHMETIC and isinstance(
                value, S.Call) and len(value.args) == 2 and not value.keywords:
            # `a * b` lowered as sequence_mul(a, b) (a list may be involved): as above
            self._hold([new], self.items(self._reads(env, S.Tuple(elts=value.args,
                                                                  ctx=S.Load()))))
            return {new}
        if kind == Kind.STOP_GRADIENT and isinstance(value, S.Call) and \
                len(value.args) == 1 and not value.keywords:
            return set(self._reads(env, value.args[0]))   # (no_derivative(a) is a itself)
        if kind == Kind.CALL and stmt.sd.func is runtime_values.record_of and \
                len(value.args) == 3 and not value.keywords:
            # record_of(mod.Record, names, fields): the new object, or (as for any call)
            # what its fields reach; not the class, a global read as the caller's object
            reads = self._reads(env, value.args[2])
            return {new} | reads | self.items(reads)
        if kind == Kind.CALL and alias_fresh_items.is_sequence_of(stmt.sd.func) and \
                isinstance(value, S.Call) and len(value.args) == 2 and not value.keywords:
            # list(L), tuple(rows) (sequence_of(list, L)): a new list of L's very items, or
            # of an array's rows (its memory); the type it is given reaches nothing
            reads = self._reads(env, value.args[1])
            self._hold([new], reads | self.items(reads))
            return {new}
        if kind == Kind.CALL and getattr(stmt.sd.func, "_srcdiff_written", None):
            made = self._writing_call(stmt, env)
            if made is not None:
                return made
        if kind == Kind.CALL and tuple_arity(stmt.sd.func, value):   # svd(A): new arrays
            return self._new_tuple(stmt, tuple_arity(stmt.sd.func, value))
        if kind == Kind.CALL and (id(stmt) in self.fresh or alias_flow_fresh.fresh_call(
                stmt.sd.func, value if isinstance(value, S.Call) else None)):
            if alias_flow_fresh.copies(stmt.sd.func):   # (of its arguments: the callee,
                args = S.Tuple(elts=list(value.args) + [k.value for k in value.keywords],
                               ctx=S.Load()) if isinstance(value, S.Call) else value
                self._hold([new], self.items(self._reads(env, args)))   # srcdiff's, is none)
            return {new}
        # anything else may return what it was given, or part of it, or store it
        reads = self._reads(env, _without_plain_callee(stmt))
        if kind == Kind.CALL:
            for a in analyze.call_args(stmt):
                reads |= self._reads(env, a)
            if self._fresh_user_call(stmt, alias_flow_fresh.keeps_no_argument):
                # (only what its result may be or hold: alias_flow_fresh.returned_sources)
                given = alias_flow_fresh.returned_sources(stmt.sd.func)
                bound = _bound_arguments(stmt.sd.func, value) if given is not None and \
                    stmt.sd.user_call is None else None   # (a method's: self is not there)
                if bound is not None and {p for p, _ in given} <= set(bound):
                    reads = set().union(*(alias_fresh_items.at_key(self._reads(
                        env, bound[p]), self.keyed, k) for p, k in given))
            if self._fresh_user_call(stmt, alias_flow_fresh.fresh_items):
                # holding only values made in the call (update(P, G)); a tuple's items, each
                # a value of its own (`a, b = pair(x)`)
                size = alias_flow_fresh.fresh_arity(stmt.sd.func)
                return {new} if size is None else self._new_tuple(stmt, size)
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
            reach -= self._unseen_originals(stmt, env, func, bound)
            self._store(reach, reach, stmt)
            self._escape(stmt, reach)
            return {("new", id(stmt))}
        holders = set()
        for p in into:
            holders |= self._reads(env, bound[p])
        holders.discard(STALE)
        if holders and id(stmt) not in self.fresh:   # (`p[k] = v` only, into the object
            self._store(holders, reach, stmt)   # p itself: stores_only_into; `fresh`: a copy)
        made = ("made", id(stmt))
        if id(stmt) in self.fresh:
            # its own copies hold what the originals held, and what it stores into them
            # (nothing, where it stores into no parameter); the originals themselves,
            # never written, are in no result
            originals = set().union(*(self._reads(env, bound[p]) for p in
                                      func._srcdiff_written if p in bound))
            reach = (reach if into else self.reach(self.items(originals))) - originals
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

    def _unseen_originals(self, stmt, env, func, bound):
        """What the caller passes a fresh variant's written parameters (never seen by its
        body, which works on copies of its own) and no other argument reaches."""
        if bound is None:
            return set()
        written = [bound[p] for p in func._srcdiff_written if p in bound]
        others = set()
        for a in analyze.call_args(stmt):
            if not any(a is w for w in written):
                others |= self._reads(env, a)
        return set().union(*(self._reads(env, w) for w in written)) - self.reach(others)

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
        """Whether `stmt` calls a function of the user's for which `proof` holds (a method
        too, `r.energy()`: its operands start with the object, `self`)."""
        func, user_call = stmt.sd.func, stmt.sd.user_call
        if (user_call is not None and user_call.form != "method") or \
                not isinstance(func, types.FunctionType) or not is_user_function(func):
            return False
        if (func, proof) not in self._fresh_funcs:
            self._fresh_funcs[func, proof] = proof(func)
        return self._fresh_funcs[func, proof]

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
                base = stmt.targets[0].value   # (an array of numbers copies v's values)
                index = stmt.targets[0].slice
                if isinstance(base, S.Name) and not numeric_array(base.id, self._bindings()) \
                        and not _array_only_index(index, self._bindings()):
                    self._store(self.objects(env, base.id), self._reads(env, stmt.value), stmt,
                                index.value if _constant_key(index) else None)
            elif isinstance(stmt, S.Expr) and isinstance(stmt.value, S.Call):
                call = stmt.value
                if stmt.sd.kind == Kind.APPEND and isinstance(call.func, S.Attribute) and \
                        isinstance(call.func.value, S.Name):   # lst.append(v)
                    objs = self._reads(env, S.Tuple(elts=call.args, ctx=S.Load()))
                    self._store(self.objects(env, call.func.value.id), objs, stmt)
                    placed = self._appended_at().get(id(stmt))
                    if placed is not None:
                        self._place_item(placed[0], [placed[1]], [objs])
                elif not _keeps_nothing(stmt.sd.func) and not self._fresh_user_call(
                        stmt, alias_flow_fresh.keeps_no_argument):
                    # a call made for its effects (its result dropped), save one of the
                    # user's keeping nothing once it returns (`r.energy()`): that one can
                    # leave nothing behind that a later read would see
                    reads = self._reads(env, call)
                    reads |= self.items(reads)
                    self._store(reads, reads, stmt)
                    self._escape(stmt, reads)

    # -- lists whose items keep their places --------------------------------------------
    def _stable_lists(self):
        if self._stable is None:
            self._stable = stable_lists(self.stmts, self._bindings(), self._place,
                                        _keeps_nothing)
        return self._stable

    def _appended_at(self):
        """id(append) -> (the list's object, the place its item takes)."""
        if not hasattr(self, "_appends"):
            by_id = {id(t): t for t in self.stmts}
            self._appends = {id(a): (("made", d), len(by_id[d].value.elts) + k)
                             for d, (_, appends) in self._stable_lists().items()
                             for k, a in enumerate(appends)}
        return self._appends

    def _place_item(self, made, places, parts):
        slots = self.listed.setdefault(made, [])
        for k, part in zip(places, parts):
            slots.extend(set() for _ in range(k + 1 - len(slots)))
            slots[k] |= set(part) - {STALE}

    def position(self, stmt):
        """(the list's object, the place) an item read `v = L[k]` (k a constant) of a list
        whose items keep their places (stable_lists) takes, or None. For k < 0, where the
        read's own statement in the list's block (or the one around it) comes after the
        display: the length there is the display's items and the appends before it."""
        value = getattr(stmt, "value", None)
        if stmt.sd.kind != Kind.SUBSCRIPT or not isinstance(value.value, S.Name) or not (
                isinstance(value.slice, S.Constant) and type(value.slice.value) is int):
            return None
        k, by_id = value.slice.value, {id(t): t for t in self.stmts}
        for d, (name, appends) in self._stable_lists().items():
            if name != value.value.id:
                continue
            size = len(by_id[d].value.elts) + len(appends)
            if k < 0:
                block, at = self._place(by_id[d])
                path = _path_to(self.body, stmt) or []
                j = next((i for b, i in path if id(b) == block), None)
                if j is None or j <= at:
                    return None
                k += len(by_id[d].value.elts) + sum(self._place(a)[1] < j for a in appends)
            return (("made", d), k) if 0 <= k < size else None
        return None

    def array_rows(self):
        """The names a for loop takes rows of that surely hold an array, never a list (whose
        items may repeat one array): each iteration takes another row (for `rows_apart`)."""
        defs = {}
        for t in self.stmts:
            if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name):
                defs.setdefault(t.targets[0].id, []).append(t)
        return {t.value.value.id for t in self.stmts if t.sd.kind == Kind.SUBSCRIPT and
                t.sd.loop_item and isinstance(t.value.value, S.Name) and
                never_a_list(t.value.value.id, defs)}

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


def _array_only_index(index, defs):
    """Whether `index` is one only an array takes (`B[:, 0]`, `B[..., 1]`, `B[None, :]`,
    `B[[0, 2]]`): a tuple holding a slice, an Ellipsis or None, which a list or tuple cannot
    take and a dict cannot key (a slice is unhashable before Python 3.12), or a list
    (`_listed`, which nothing but an array takes): `B[:, 0] = v` copies v's values into an
    array, keeping no reference to v."""
    if isinstance(index, S.Name):
        return fancy_index(index.id, defs) or _listed(index.id, defs)
    return sys.version_info < (3, 12) and isinstance(index, S.Tuple) and any(
        isinstance(e, S.Slice) or (isinstance(e, S.Constant) and (
            e.value is None or e.value is Ellipsis)) for e in index.elts)


def _listed(name, defs):
    """Whether `name` is bound only to list displays (`B[[2, 0]]`, lowered `list_1 = [2, 0]`,
    `B[list_1]`): a list or tuple indexed by a list raises, a dict cannot key it, an array
    gives a copy of the rows it names (advanced indexing), never its own memory."""
    ds = defs.get(name, [])
    return bool(ds) and all(d.sd.kind == Kind.DISPLAY and isinstance(d.value, S.List)
                            for d in ds)


def _constant_key(node):
    return isinstance(node, S.Constant) and type(node.value) in (str, int)
