"""Rows of an array another name holds, read after a write into the array (stage 3, lower:
called by aliasing.check_writes). Takes the lowered body with its item writes; gives back
checks placed before those writes (`check_no_view`, into aliasing's guards), or a located
refusal where no check could name the row. Also `read_after`, whether a name may be read
once a write has run, and `read_before_rebound`, whether it may be read before it is bound
anew (its liveness just after the write); and, for container_writes.check_appends,
`taken_from` and `held_with`: the other names that may hold a list taken out of a container.
"""
from . import analyze
from . import syntax as S
from .core import Kind


def guard_rows_read_after(source, user_names, body, stmts, written, guards, holders_of,
                          sees, dicts=frozenset()):
    """`r = m[i]` (or `rows.append(m[i])`, `[m[0], m[1]]`, a list comprehension of rows), then a write into
    m, then r (rows, or a name holding the same list: `holders_of`) read: r is a row of m (a
    view) when m is an array of two or more dimensions, and sees the write. Only the run can
    tell (an item of a list, a number, an index array's pick are not views): a check before
    each such write, `check_no_view(r, m, ...)` (for a list, of each row it holds). Where a
    name read after the write may be unbound there (`for i in ...: r = m[i]`), refused.
    `sees(r, w, m)`: whether r (a name of srcdiff's) may see the write w into m at all.
    `dicts`: the names that may hold a dict (sequences.maybe_dicts); a write `m[k] = v` into
    one that surely holds a dict rebinds an entry, whatever the key: no array is written."""
    appended = _containers_holding(stmts)
    loop_rows_of = {t.value.value.id for t in stmts if t.sd.kind == Kind.SUBSCRIPT and
                    t.sd.loop_item and isinstance(t.value.value, S.Name)}
    iterated = {t.value.args[0].id: t.targets[0].id for t in stmts   # (the array itself)
                if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name) and
                t.targets[0].id in loop_rows_of and
                getattr(t.sd.func, "__name__", None) == "iteration_order" and
                t.value.args and isinstance(t.value.args[0], S.Name)}
    surely_dicts = _surely_dicts(stmts, dicts)
    defined = None
    for s in stmts:
        if not (isinstance(s, S.Assign) and isinstance(s.targets[0], S.Name)
                and s.sd.kind == Kind.SUBSCRIPT and isinstance(s.value.value, S.Name)
                and s.value.value.id in written and not is_view_index(s.value.slice)):
            continue
        view, base = s.targets[0].id, s.value.value.id
        held_in = sorted({h for lst in appended.get(view, ()) for h in holders_of(lst)})
        if view in user_names:   # (its own copies srcdiff makes, `r if c else v`, read it)
            candidates = [n for n in holders_of(view) if n in user_names] + \
                [h for h in held_in if h in user_names]
        else:   # srcdiff's name for a row: the user's names bound from it (`a, b = m`: a =
            candidates = held_in + [n for n in holders_of(view)   # m_0_1; `r = m[0][1:]`)
                                    if n in user_names and n not in held_in]
            # `for r in m[1]: m[1, 2] = v`: the loop reads its items from the row as it goes
            candidates += [n for n in (view, iterated.get(view)) if n in loop_rows_of]
        for w in stmts:
            if not ((w.sd.kind == Kind.SETITEM and w.targets[0].value.id == base)
                    or (w.sd.inplace is not None and w.targets[0].id == base)):
                continue
            if w.sd.kind == Kind.SETITEM and base in surely_dicts:
                continue   # D[k] = v: a dict's entry rebound, no array written
            if defined is None:
                defined = analyze.Definedness(body, ())
            readers = [r for r in candidates if r != base and r in defined.maybe(w)
                       and read_after(r, w, stmts) and sees(r, w, base)]
            for r in sorted(readers, key=lambda r: (r not in user_names, r)):
                what = r if r == view and r in user_names else f"what {r} holds" \
                    if r in user_names else "the items the loop over it goes through" \
                    if r in loop_rows_of else f"the list built on line {s.sd.line}"
                hint = f"make {view} a copy: {view} = numpy.copy(...)" if view in user_names \
                    else f"keep a copy of each row: numpy.copy({base}[...])"
                error = source.error(w.sd.line, f"writing into {base} here would also change "
                                     f"{what}: the row of {base} taken on line {s.sd.line} is "
                                     "a view, not a copy", hint=hint)
                if r not in defined.must(w):
                    raise error   # (a check could not name it there)
                guards.setdefault((id(w), base, r), (w, error, base, r, None))


def _containers_holding(stmts):
    """For each name, the lists, tuples and dicts that hold it as an item: appended to one
    (`rows.append(r)`), or an item of a display (`kept = [r, s]`, `(r, s)`, `{"a": r}`),
    also through displays nested in displays (`[[r], s]`)."""
    holders = {}
    for a in stmts:
        if a.sd.kind == Kind.APPEND and isinstance(a.value.args[0], S.Name):
            holders.setdefault(a.value.args[0].id, []).append(a.value.func.value.id)
        elif a.sd.kind == Kind.DISPLAY and isinstance(a.targets[0], S.Name):
            items = a.value.values if isinstance(a.value, S.Dict) else a.value.elts
            for item in items:
                if isinstance(item, S.Starred):
                    item = item.value
                if isinstance(item, S.Name):
                    holders.setdefault(item.id, []).append(a.targets[0].id)
    changed = True
    while changed:
        changed = False
        for name, outer in holders.items():
            for h in list(outer):
                for o in holders.get(h, ()):
                    if o not in outer:
                        outer.append(o)
                        changed = True
    return holders


def _surely_dicts(stmts, dicts):
    """The names of `dicts` (those that may hold a dict) every binding of which is a dict:
    a dict display, `dict(zip(...))`, or a copy of such a name; a container parameter never
    bound here (in `dicts` with no binding) is one too. (A name that may hold a dict in one
    branch and an array in another is not.)"""
    binds = {}
    for t in stmts:
        if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name) and \
                t.sd.kind != Kind.SETITEM:
            binds.setdefault(t.targets[0].id, []).append(t)
    out = {n for n in dicts if n not in binds}
    grew = True
    while grew:
        grew = False
        for n in set(dicts) - out:
            if all(isinstance(t.value, S.Dict) or (
                    t.sd.kind == Kind.CALL and
                    getattr(t.sd.func, "__name__", "") == "dict_from_lists") or (
                    t.sd.kind == Kind.COPY and isinstance(t.value, S.Name) and
                    t.value.id in out) for t in binds[n]):
                out.add(n)
                grew = True
    return out


def read_after(name, write, stmts):
    """Whether `name` may be read once `write` has run: later in order, or anywhere in a loop
    around the write (the next iteration)."""
    position = next(i for i, t in enumerate(stmts) if t is write)
    if any(name in analyze.operands(t) for t in stmts[position + 1:]):
        return True
    for loop in stmts:
        if isinstance(loop, (S.For, S.While)):
            inner = list(analyze.flatten(loop.body))
            if any(t is write for t in inner) and any(name in analyze.operands(t)
                                                      for t in inner):
                return True
    return False


def is_view_index(index):
    """Whether an index takes a view (a slice, None, ...), not an item."""
    parts = index.elts if isinstance(index, S.Tuple) else [index]
    return any(isinstance(p, S.Slice) or (isinstance(p, S.Constant) and p.value in (None, Ellipsis))
               for p in parts)


def shares_items(stmt):
    """Whether a call makes a new container of its argument's very items (a shallow copy:
    `list(g)`, `tuple(g)`, `sorted(g)`, srcdiff's own `sequence_of(list, g)`)."""
    from .runtime_containers import sequence_of
    func = stmt.sd.func
    return func in (list, tuple, sorted) or func is sequence_of


def read_before_rebound(name, write, body):
    """Whether `name` may be read once `write` has run, on some way through the structured
    lowered `body` on which `name` is not bound anew first (its liveness just after the
    write): later in the write's block, after the blocks around it, or in the next trip of a
    loop around it. Finer than `read_after`: in `for ...: d = {}; d[k] = v; w = d.values();
    t = sum(w)` the write is never seen by a w bound before it. A nested function that reads
    `name` counts as a read; a `break` or `continue` makes later bindings unsure."""
    from .alias_flow_blocks import path_to
    if any(isinstance(f, (S.FunctionDef, S.Lambda)) and any(
            isinstance(n, S.Name) and n.id == name for n in S.walk(f))
            for t in body for f in S.walk(t)):
        return True
    path, sure = path_to(body, write), True
    for depth in range(len(path) - 1, -1, -1):
        block, i = path[depth]
        state, sure = _scan(block[i + 1:], name, sure)
        if state != "open":
            return state == "read"
        if depth > 0:
            around = path[depth - 1][0][path[depth - 1][1]]
            if isinstance(around, (S.For, S.While)) and (
                    (isinstance(around, S.While) and name in analyze.operands(around)) or
                    _scan(around.body, name, True)[0] == "read" or
                    _scan(around.orelse, name, False)[0] == "read"):
                return True   # the next trip of the loop (which starts at the top of its
                # body: a binding there before any read of name hides the old value)
    return False


def _scan(stmts, name, sure):
    """("read", _) where `name` may be read in `stmts` before it is surely bound anew,
    ("bound", _) where every way through binds it first (or ends), else ("open", sure):
    `sure` turns False at a `break` or `continue`, after which a binding may be skipped."""
    for t in stmts:
        if any(isinstance(n, (S.Break, S.Continue)) for n in S.walk(t)):
            sure = False
        if name in analyze.operands(t):
            return "read", sure
        if isinstance(t, S.If):
            states = [_scan(t.body, name, sure)[0], _scan(t.orelse, name, sure)[0]]
            if "read" in states:
                return "read", sure
            if sure and states == ["bound", "bound"]:
                return "bound", sure
        elif isinstance(t, (S.For, S.While)):   # (each trip starts at the top of the body:
            # a read there after a binding of its own trip sees that binding; none is sure
            # once the loop is over, which may have run no trip)
            if "read" in (_scan(t.body, name, True)[0], _scan(t.orelse, name, True)[0]):
                return "read", sure
        elif isinstance(t, S.Return):
            if sure:
                return "bound", sure   # (the way ends here)
        elif any(isinstance(getattr(t, f, None), list) for f in ("body", "orelse",
                                                                   "handlers", "finalbody")):
            return "read", sure    # another kind of block: not followed
        elif sure and isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name) \
                and t.targets[0].id == name and t.sd.kind != Kind.SETITEM:
            return "bound", sure
    return "open", sure


def taken_from(stmt):
    """The container `c` of `v = c[i]` or `v = c.pop()`, or None."""
    if stmt.sd.kind == Kind.SUBSCRIPT:
        base = stmt.value.value
    elif stmt.sd.kind == Kind.POP and isinstance(stmt.value, S.Call):
        base = stmt.value.func.value
    else:
        return None
    return base.id if isinstance(base, S.Name) else None


def held_with(stmts, taken, name, base):
    """(other name, how) for the names that may hold the very list `name` took out of `base`
    (`t = [a, a]; p = t.pop(); q = t.pop()`: p is q, and a): the names stored into base and
    the other items taken out of it."""
    for s in stmts:
        if s is taken:
            continue
        if isinstance(s, S.Assign) and isinstance(s.targets[0], S.Name) and \
                taken_from(s) == base and s.targets[0].id != name:
            yield s.targets[0].id, (f"{name} and {s.targets[0].id} are both items of {base}, "
                                    f"which may hold one list twice")
        elif s.sd.kind == Kind.DISPLAY and isinstance(s, S.Assign) and \
                isinstance(s.targets[0], S.Name) and s.targets[0].id == base:
            elts = s.value.values if isinstance(s.value, S.Dict) else s.value.elts
            for e in elts:
                if isinstance(e, S.Name) and e.id != name:
                    yield e.id, f"{name} is an item of {base}, which holds {e.id}"
        elif s.sd.kind == Kind.APPEND and s.value.func.value.id == base:
            item = s.value.args[0]
            if isinstance(item, S.Name) and item.id != name:
                yield item.id, f"{name} is an item of {base}, which holds {item.id}"
