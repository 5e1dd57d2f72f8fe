"""Run-time checks in place of refusals where a name may, or may not, still share a written
array when the write runs (stage 3, lower: called by aliasing.py). Takes alias_flow's
analysis of the lowered body and the writes a later read may see; gives back the checks to
place before those writes (`checked_readers`), or False where a refusal must stand; and
whether a binding makes a new array (`makes_new_array`), a stopped alias
(`stopped_alias`) or a helper's copy handed back (`handed_back`), and the checks put in
place (`insert_guards`).

`a = x; while k < 4: a = 0.5 * a + ...` then `x[0] = v` and a read of `a`: whether `a`
still is x when the write runs depends on whether the loop ran. The write is right
whenever no name read after it holds x's memory at that moment: a name then holding
another value is not changed by the write, and one bound after it sees the written array,
as Python does. So, where every name alias_flow finds reading the write after it is bound
whenever the write runs, a check before the write (runtime_checks.check_not_shared: the
same array, a view of it, or a list, tuple, dict or record holding one, at any depth)
raises the located refusal when the run shows the sharing; the derivative is then correct
for every run that does not raise.

A name that may be unbound when the write runs (`a = x` in one branch only, `r = m[0]` with
m bound on one path) is checked through a name of srcdiff's standing for it (`Shadows`:
`a_if_bound = None` first, `a_if_bound = a` after each binding of a): None, which shares
nothing, where a is unbound, a's value where it is bound. Names alias_flow cannot follow (an
answer of "cannot tell") and the written name itself (the rows a loop takes from it) keep
the refusal.
"""
import types

from . import analyze
from . import syntax as S
from .core import Kind

_ROUNDS = 6   # how many readers, found one after another, a write may have


def checked_readers(source, flow, name, seen_ws, defined_at, shown, guards, shadow):
    """Checks before each write of `seen_ws` (writes into `name` some later read sees, by
    `flow`, an alias_flow.Flow) that each name reading it after holds none of its memory
    when it runs: True when placed into `guards` (keyed as aliasing.check_writes keys
    them), False where a reader cannot be checked, or is bound once only, whenever the
    write runs (the one binding shares the array: the refusal at compile time says more).
    `defined_at(r, w)`: whether r is bound whenever w runs; `shown(r)`: how the user wrote
    r; `shadow(r, w)`: the name standing for r where r may be unbound at w (Shadows.of),
    None where r is never bound there."""
    found = {}
    for w in seen_ws:
        readers = []
        for _ in range(_ROUNDS):
            got = flow.seen_by(w, name, ignore=frozenset(r for r, _, _ in readers))
            if got is None:
                break
            reader, where = got
            if reader is None or reader == name or where.sd.loop_item:
                return False
            checked = reader if defined_at(reader, w) else shadow(reader, w)
            if checked is None or (checked == reader and not _may_differ(flow, reader, name)):
                return False
            readers.append((reader, where, checked))
        else:
            return False
        found[id(w)] = (w, readers)
    for w, readers in found.values():
        for reader, where, checked in readers:
            error = source.error(
                w.sd.line, f"writing into {name} here would also change {shown(reader)}, "
                f"which holds (part of) the same array when the write runs and is read "
                f"after it (line {where.sd.line})",
                hint=f"copy it first: {name} = numpy.copy({name})")
            guards.setdefault((id(w), reader, None), (w, error, checked, None, None))
    return True


class Shadows:
    """Names of srcdiff's standing for names that may be unbound where a check reads them:
    `h_if_bound = None` at the top of the body, `h_if_bound = h` after each binding of h, so
    that the check (check_not_shared, which passes None) sees h's value where h is bound."""

    def __init__(self, stmts):
        self.taken = {n.id for t in stmts for n in S.walk(t) if isinstance(n, S.Name)}
        self.made = {}   # holder -> its shadow's name

    def of(self, holder):
        if holder not in self.made:
            name, k = f"{holder}_if_bound", 1
            while name in self.taken:
                k += 1
                name = f"{holder}_if_bound_{k}"
            self.taken.add(name)
            self.made[holder] = name
        return self.made[holder]

    def place(self, body, line):
        """Bind each shadow in `body` (the function's lowered statements; `line`: the
        function's first line): None first, then the holder after each of its bindings."""
        if not self.made:
            return
        self._after_bindings(body)
        for holder, name in sorted(self.made.items(), reverse=True):
            body.insert(0, _copy(name, S.const(None), line))

    def _after_bindings(self, body):
        i = 0
        while i < len(body):
            stmt = body[i]
            if isinstance(stmt, S.FunctionDef):
                i += 1
                continue
            for field in ("body", "orelse"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list):
                    self._after_bindings(inner)
            if isinstance(stmt, S.For):
                for holder in self._bound(stmt.target):
                    stmt.body.insert(0, _copy(self.made[holder], S.load(holder), stmt.sd.line))
            elif isinstance(stmt, S.Assign):
                for holder in self._bound(*stmt.targets):
                    body.insert(i + 1, _copy(self.made[holder], S.load(holder), stmt.sd.line))
                    i += 1
            i += 1

    def _bound(self, *targets):
        return sorted({n.id for t in targets for n in S.walk(t) if isinstance(n, S.Name) and
                       isinstance(n.ctx, S.Store) and n.id in self.made})


def _copy(name, value, line):
    from .core import Info
    t = S.Assign(targets=[S.store(name)], value=value)
    t.sd = Info(Kind.COPY, line=line)
    t.lineno = line
    return t


def makes_new_array(t):
    """Whether `t` binds the result of a call that is surely a new array or number sharing
    no memory with its arguments and holding none of them (a ufunc, a copying NumPy
    function, not srcdiff's shallow copies of lists; a function of the user's whose every
    result is new and holds only new values: alias_flow_fresh.fresh_items)."""
    from .alias_flow_fresh import copies, fresh_call, fresh_items
    from .callables import is_user_function
    if not (isinstance(t, S.Assign) and t.sd.kind == Kind.CALL and isinstance(t.value, S.Call)):
        return False
    if t.sd.user_call is None and isinstance(t.sd.func, types.FunctionType) and \
            is_user_function(t.sd.func):
        return fresh_items(t.sd.func)
    return not copies(t.sd.func) and fresh_call(t.sd.func, t.value)


def stopped_alias(s, user_names, stmts):
    """Whether `s` binds `h = stop_gradient(x)` (x itself, carrying no derivative) where h
    may keep x's memory: a name of the user's, or srcdiff's name for it read by a copy, an
    index (a view) or a display (`stop_gradient(x).copy()` keeps nothing)."""
    from .alias_flow_fresh import viewed_argument
    value = s.value if isinstance(s, S.Assign) and isinstance(s.targets[0], S.Name) else None
    if s.sd.kind != Kind.STOP_GRADIENT or not isinstance(value, S.Call) or \
            len(value.args) != 1 or not isinstance(value.args[0], S.Name):
        return False
    target = s.targets[0].id
    return target in user_names or any(
        t.sd.kind in (Kind.COPY, Kind.SUBSCRIPT, Kind.DISPLAY) or
        viewed_argument(t.sd.func, getattr(t, "value", None)) is not None
        for t in stmts if t is not s and target in analyze.operands(t))


def insert_guards(body, guards, make):
    """Put make(*parts) before each guarded statement, at any depth: `guards` maps
    id(statement) to a list of parts tuples (one check each)."""
    i = 0
    while i < len(body):
        stmt = body[i]
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and not isinstance(stmt, S.FunctionDef):
                insert_guards(inner, guards, make)
        for parts in guards.get(id(stmt), ()):
            body.insert(i, make(*parts))
            i += 1
        i += 1


def handed_back(t, stmts):
    """Whether `t` binds `y = held[k]` (k >= 1), the copy of y a helper writing into its
    argument hands back (`held = fill_writing(y, x)`, writing_helpers), where nothing else
    reads `held` but other such items (not the helper's result, held[0], which may be y):
    y's own array under its own name, no row of another value."""
    v = t.value if isinstance(t, S.Assign) else None
    if t.sd.kind != Kind.SUBSCRIPT or not isinstance(v.value, S.Name):
        return False
    held = v.value.id
    made = [u for u in stmts if analyze.assigned(u) == held]
    return len(made) == 1 and bool(getattr(made[0].sd.func, "_srcdiff_written", None)) and \
        all(u is made[0] or (u.sd.kind == Kind.SUBSCRIPT and isinstance(u.value.slice, S.Constant)
                             and type(u.value.slice.value) is int and u.value.slice.value >= 1)
            for u in stmts if held in analyze.operands(u))


def _may_differ(flow, reader, name):
    """Whether `reader` or the written `name` is bound more than once, so that the two may
    hold other arrays when the write runs (a name bound once, sharing the array, always
    does: the refusal at compile time says more), or `name` is an item of a list display
    appended to (`a = L[-1]`, L grown in a loop: which array it is, only the run tells).
    The copy a helper writing into its argument hands back (`held = fill(t, x); t = held[1]`, writing_helpers) is the same
    name's array, no binding of its own."""
    binds = flow._bindings()
    helpers = {n for n, ds in binds.items() if any(
        getattr(d.sd.func, "_srcdiff_written", None) for d in ds)}

    def count(n):
        return sum(1 for d in binds.get(n, ()) if not (
            d.sd.kind == Kind.SUBSCRIPT and isinstance(d.value.value, S.Name) and
            d.value.value.id in helpers))
    grown = {t.value.func.value.id for t in flow.stmts if t.sd.kind == Kind.APPEND and
             isinstance(getattr(getattr(t.value, "func", None), "value", None), S.Name) and
             len(binds.get(t.value.func.value.id, ())) == 1}   # (`a = L[-1]` of L appended to:
    return count(reader) > 1 or count(name) > 1 or any(   # one item or another)
        d.sd.kind == Kind.SUBSCRIPT and not d.sd.loop_item and
        isinstance(d.value.value, S.Name) and d.value.value.id in grown and
        isinstance(binds.get(d.value.value.id, [d])[0].value, S.List)
        for d in binds.get(name, ()))
