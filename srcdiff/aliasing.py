"""Item writes that another name would see: refused, since the gradient would be wrong (stage
3, lower: called by lower.py on the lowered body, and by checks.py, argument_writes.py,
container_writes.py and update_checks.py). Takes the user's `Source` and lowered core
statements (`check_writes`); gives back the checks to place before writes only the values
can judge (placed by `insert_guards`), or raises a located refusal.

`y[i] = v` is differentiated by saving and restoring the old item. That is only
right when no other live name shares y's memory: an alias (`z = y`), a view
(`z = y[1:]`, `y.reshape(...)`), or a list holding y. Such writes are refused with
a located error, unless y gets a new value before every write, so the other
name only holds the old array.

Where only the values can tell, the refusal is a check placed before the write, which
raises srcdiff.RuntimeRefusal at the user's line when the run shows the sharing:
`z += v` (a rebinding for numbers; where alias_guards can name its readers, whether z
shares their memory), writes into `r = m[i]` (a row view, a list's item, or a copy) or into
m while such a row is read later, and names that may be the same array (`a = b = v`, `z = y
if c else w`, `z = helper(y)`), or that a loop or branch may have bound anew before the
write (`a = x; while ...: a = ...`: alias_guards). A view or row written after the name it
was taken from is bound anew, while another name still holds the old array and reads it
after, is refused at the write (`_refuse_holder_rebound`: the check at the write would look
at the new array).
"""
from . import alias_guards, analyze, runtime_containers, sequences
from . import syntax as S
from .alias_flow_blocks import inplace as _inplace, never_a_list, rebound_first, \
    helpers_result, written_back, written_only_before, apart, bound_just_before, places
from .alias_flow_fresh import VIEW_FUNCS, viewed_argument  # (VIEW_FUNCS: argument_writes)
from .alias_guards import checked_readers, stopped_alias
from .alias_roots import Roots, stored_into
from .callables import is_user_function
from .core import Kind


def check_writes(source, user_names, body, spelled=None, containers=()):
    """Refuse item writes that would be seen through another name (an alias or a view).

    `z += v` (lowered as z = z + v) is such a write too when z is an array, which only the
    run can tell (a number is rebound): the refusal becomes a check before the statement,
    `check_not_shared` with each reader, or `check_in_place(z, '__iadd__', ...)`; the guards
    come back as (statement, the error it raises). `containers`: the parameters that hold
    lists, tuples or dicts (a dict's entries are rebound, never written into: alias_rows)."""
    stmts = list(analyze.flatten(body))
    spelled = spelled or {}

    def stem(atom, depth=0):
        """How the user wrote `atom`: its name, or the expression a temporary holds (as
        written, or rebuilt from its binding, `x[::2]`), or where srcdiff made it."""
        if not isinstance(atom, S.Name) or atom.id in user_names:
            return _stem(atom)
        if atom.id in spelled:
            return spelled[atom.id]
        made = [t for t in stmts if isinstance(t, S.Assign) and
                isinstance(t.targets[0], S.Name) and t.targets[0].id == atom.id]
        if not made:
            return "a value srcdiff made"
        value = made[0].value
        if made[0].sd.kind == Kind.DISPLAY:   # a record's fields: Record(w=x) (record_of)
            rec = [t for t in stmts if getattr(t.sd.func, "__name__", "") == "record_of" and
                   atom.id in analyze.operands(t) and isinstance(t, S.Assign)]
            if rec:
                cls = S.spell(rec[0].value.args[0]).rsplit(".", 1)[-1]
                return f"the {cls} made on line {rec[0].sd.line}, which holds it as a field"
        names = [n for n in S.walk(value) if isinstance(n, S.Name)]
        if depth < 3 and len(made) == 1 and made[0].sd.kind in (
                Kind.COPY, Kind.SUBSCRIPT, Kind.ATTRIBUTE) and all(
                n.id in user_names or n.id in spelled for n in names):
            return S.spell(value) if all(n.id in user_names for n in names) else \
                stem(value, depth + 1) if isinstance(value, S.Name) else \
                f"the value made on line {made[0].sd.line}"
        return f"the value made on line {made[0].sd.line}"
    written, writes = {}, {}  # name -> its first write, all its writes
    for s in stmts:
        name = s.targets[0].value.id if s.sd.kind == Kind.SETITEM else \
            s.targets[0].id if _inplace(s) else None
        if name is not None:
            written.setdefault(name, s)
            writes.setdefault(name, []).append(s)
    if not written:
        return []
    from . import alias_flow   # only where something is written in place
    from .alias_rows import guard_rows_read_after, is_view_index as _is_view_index, \
        read_after, read_before_rebound
    order = {id(t): i for i, t in enumerate(stmts)}
    loops = [{id(t) for t in analyze.flatten(t.body)} for t in stmts
             if isinstance(t, (S.For, S.While))]

    def later_write(name, made, skip=lambda w: False):
        """The first write into `name` (not skip's) that may run once `made` has: after it, or in
        a loop around both (the next iteration). Writes before it change an array not shared."""
        for w in writes.get(name, ()):
            if skip(w):
                continue
            if order[id(w)] > order[id(made)] or any(
                    id(w) in inner and id(made) in inner for inner in loops):
                return w
        return None

    where = places(body)

    def rebound_between(name, made, w):
        """Whether each time `w` (a write into `name`) runs, another binding of `name` ran
        after `made` and before it in the same pass (`hd2 = x; for ...: hd2 = g(hd2);
        hd2[0] = c`): the write never changes what `made` bound (that binding's own value
        is checked as a statement of its own)."""
        return bound_just_before(body, lambda t: where.get(id(t), (None, None)), w, [
            d for d in tree.defs.get(name, ()) if d is not made], order, order[id(made)])

    guards = {}
    loop_sequences = {t.value.value.id for t in stmts if t.sd.kind == Kind.SUBSCRIPT
                      and t.sd.loop_item and isinstance(t.value.value, S.Name)}
    temps = {t.targets[0].id: t for t in stmts if isinstance(t, S.Assign)
             and isinstance(t.targets[0], S.Name) and t.targets[0].id not in user_names
             and t.sd.kind == Kind.SUBSCRIPT}  # the items tuple unpacking goes through

    tree = Roots(stmts)   # (what each name may hold: alias_roots)
    defs, displays, roots, may_share = tree.defs, tree.displays, tree.roots, tree.may_share

    defined, flows, shadows = [], [], alias_guards.Shadows(stmts)

    def seen_writes(name):
        """{id(write): who sees it} for the writes into `name` some name bound before reads
        afterwards (alias_flow.Flow.seen_by: (that name, where) or (None, None) when it
        cannot tell); a write not there is unseen, correct whatever shares its array."""
        if not flows:
            flows.append(alias_flow.Flow(body))
            flows[0].rows_apart = {n for n in loop_sequences if never_a_list(n, defs) or
                                   flows[0].items_apart(n)}
        found = {id(w): flows[0].seen_by(w, name) for w in writes.get(name, ())}
        return {k: v for k, v in found.items() if v is not None}

    def popped_unseen(name, lst):
        """Whether `name` only holds what `lst.pop()` took out of a list of arrays apart,
        only popped or tested (alias_flow_seen.pops_apart), and no other name reads what a
        write into it changes."""
        seen_writes(name)   # (makes the flow)
        quiet = isinstance(lst, S.Name) and flows[0].pops_apart(lst.id, name)
        return bool(quiet) and all(flows[0].seen_by(w, name, ignore=frozenset(quiet)) is None
                                   for w in writes.get(name, ()))

    def seen_instead(stmt, name, seen):
        """The first write into `name` a later read sees, where `stmt` is not one, and the
        reason naming the name that reads it."""
        first = next(w for w in writes[name] if id(w) in seen)
        reader, where = seen[id(first)]
        if reader is None:
            return first, None
        shown = reader if reader in user_names else stem(S.load(reader))
        if shown == name:
            shown = "the rows or items a loop takes from it"
        return first, (f"writing into {name} here would also change {shown}, which holds "
                       f"(part of) the same array and is read after it (line "
                       f"{where.sd.line})")

    every_name = {n for t in stmts for n in analyze.operands(t)}

    def seen_through(holder, w, name, derive=True, rooted=False):
        """Whether the write `w` into `name` may be seen through `holder` or a name made of
        it (alias_flow, other reads aside; where it cannot tell: one of those read after
        the write before it is bound anew, alias_rows.read_before_rebound). `rooted`: or
        through what holder was taken from and the names made of that (but `name`)."""
        seen_writes(name)   # (makes the flow)
        names = tree.derived(holder) if derive else {holder}
        if rooted:
            names = set().union(names, *(tree.derived(r) for r in roots(holder))) - {name}
        found = flows[0].seen_by(w, name, ignore=frozenset(every_name - names))
        return found is not None and (found != (None, None) or any(
            read_before_rebound(n, w, body) for n in names))

    def checked_results(name, seen):
        """Where the only names that see the writes into `name` hold what a function of the
        user's returned (`a = star_sum(x[0], x)`: x[0] itself, or a new number; only the run
        tells), a check before each seen write that the result shares nothing with the
        array written (check_not_shared): True when placed, else False."""
        results = set()
        seen_ws = [w for w in writes[name] if id(w) in seen]

        def after_each(t):
            """Whether `t` binds anew only after every seen write has run (the check
            before the write looks at the value bound before it)."""
            return all(order[id(t)] > order[id(w)] and not any(
                id(t) in inner and id(w) in inner for inner in loops) for w in seen_ws)
        for _ in range(4):
            found = {id(w): flows[0].seen_by(w, name, ignore=frozenset(results))
                     for w in seen_ws}
            readers = {r for r, _ in filter(None, found.values())}
            if not readers:
                break
            if any(w is not None and w.sd.loop_item for _, w in filter(None, found.values())):
                return False   # (the rows a loop takes: refused as such, not checked)
            # (what a helper returned, and arithmetic on it: arrays, numbers, lists and
            # tuples, all of which check_not_shared looks into)
            def checkable(t, depth=0):
                if (t.sd.kind == Kind.CALL and is_user_function(t.sd.func)) or \
                        after_each(t) or t.sd.kind in (Kind.BINOP, Kind.UNARY) or \
                        t.sd.func in (runtime_containers.sequence_add,
                                      runtime_containers.sequence_mul):
                    return True
                return depth == 0 and t.sd.kind == Kind.COPY and isinstance(
                    t.value, S.Name) and t.value.id not in user_names and all(
                    checkable(u, 1) for u in defs.get(t.value.id, [None]) if u is not None) \
                    and bool(defs.get(t.value.id))   # (a = a * b in a loop: a = mul_1)
            if not all(r is not None and defs.get(r) and all(checkable(t) for t in defs[r])
                       and any(t.sd.kind == Kind.CALL for t in defs[r]) for r in readers):
                return False
            results |= readers
        else:
            return False
        checked = [w for w in writes[name] if id(w) in seen]
        if not results or not all(must_be_defined(r, w) for r in results for w in checked):
            return False
        for r in sorted(results):
            made = defs[r][0]
            func = getattr(made.sd.func, "__name__", "a function of yours")
            shown = r if r in user_names else stem(S.load(r))
            for w in checked:
                error = source.error(w.sd.line, f"writing into {name} here would also change "
                                     f"{shown}, what {func} returned on line {made.sd.line}: "
                                     f"it holds (part of) the same array and is read after it",
                                     hint=f"copy it first: {name} = numpy.copy({name}), or "
                                          f"make {func} return a copy")
                guards.setdefault((id(w), r, None), (w, error, r, None, None))
        return True

    def viewed_from(names):
        """`names` and the names whose arrays they are views, rows or aliases of, followed
        back through each binding (`s = r[1:]`, `r = B[1]`, `u = t.T`, `r = row_of(B, 1)`: a
        function of yours may return a view of its argument) and through the items of lists
        (`s = rows[1][1:]` of `rows = [B[i] for i in ...]`): a write into one changes them
        all."""
        out, todo = set(), list(names)
        while todo:
            n = todo.pop()
            if n in out:
                continue
            out.add(n)
            for t in stmts:   # what a list holds: the arrays appended or stored into it
                held = getattr(getattr(t.value, "func", None), "value", None) \
                    if t.sd.kind == Kind.APPEND else None   # (L.append(v): L)
                if isinstance(held, S.Name) and held.id == n:
                    todo += [a.id for a in t.value.args if isinstance(a, S.Name)]
                elif (stored_into(t, defs) or (None,))[0] == n:
                    todo.append(stored_into(t, defs)[1])
            for t in defs.get(n, ()):
                if t.sd.kind == Kind.DISPLAY:   # [B[0], B[1]]: its items
                    elts = t.value.values if isinstance(t.value, S.Dict) else t.value.elts
                    todo += [e.id for e in elts if isinstance(e, S.Name)]
                    continue
                v = t.value
                if t.sd.kind == Kind.CALL and is_user_function(t.sd.func):
                    # (a function of yours may return an argument, or a view of one)
                    todo += [a.id for a in analyze.call_args(t) if isinstance(a, S.Name)]
                    continue
                base = v if t.sd.kind == Kind.COPY else v.value if t.sd.kind == Kind.SUBSCRIPT \
                    else viewed_argument(t.sd.func, v) if t.sd.kind == Kind.CALL else None
                if isinstance(base, S.Name):
                    todo.append(base.id)
        return out

    def must_be_defined(name, stmt):
        """Whether `name` is bound whenever `stmt` runs (a parameter or global is)."""
        if not defined:
            bound = {analyze.assigned(t) for t in stmts} | {
                n.id for t in stmts if isinstance(t, S.For) for n in S.walk(t.target)
                if isinstance(n, S.Name)}
            defined.append((analyze.Definedness(body, ()), bound))
        return name not in defined[0][1] or name in defined[0][0].must(stmt)

    def shadow(name, stmt):   # (the name checked for `name`, where it may be unbound at stmt)
        return shadows.of(name) if name in defined[0][0].maybe(stmt) else None

    def fail(stmt, reason, hint, other=None, holder=None, forward_follows=False, must=False,
             item_of=False, same=False):
        """Refuse the write `stmt`: at once, or (for `z += v`, which rebinds numbers, and
        writes into an item of `holder`, which only shares it when it is a view or a list
        item) by a check that runs before it. `other`: the names that would see the change;
        `item_of`: a write into an item of `holder`, checked wherever alias_flow sees a later
        read, by a name of `other` or not (`z = list(L)[0]` is y's own array). A holder that
        may be unbound at the write is checked through its shadow (alias_guards.Shadows);
        `same`: holder (or `other`) may be the very array written, which nothing made of it
        may read after the write."""
        name = stmt.targets[0].value.id if stmt.sd.kind == Kind.SETITEM else stmt.targets[0].id
        seen = seen_writes(name)
        if not seen or (holder is None and checked_results(name, seen)):   # (`z op= v` too:
            # a number rebinds, an array is written, where the results are checked apart)
            return
        if id(stmt) not in seen:   # this write is unseen: the one a later read sees instead
            stmt, instead = seen_instead(stmt, name, seen)
            if instead is not None:
                reason, hint = instead, f"copy it first: {name} = numpy.copy({name})"
        error = source.error(stmt.sd.line, reason, hint=hint)
        if holder is None and checked_readers(
                source, flows[0], name, [w for w in writes[name] if id(w) in seen],
                must_be_defined, lambda r: r if r in user_names else stem(S.load(r)), guards,
                shadow):
            return   # (readers may share it, or not: the run tells; `z op= v` too)
        others = [other] if isinstance(other, str) else other
        if same and holder is None and others and not _inplace(stmt) and not any(
                seen_through(o, w, name, True, True) for o in others for w in writes[name]
                if id(w) in seen):
            return   # (none of the names that would see it, nor what is made of them, reads)
        if holder is None and not _inplace(stmt):
            raise error
        for w in writes[name]:  # each write that may run and be seen: a check before each
            if id(w) not in seen:
                continue
            if w is not stmt:
                if holder is None and not _inplace(w):
                    raise source.error(w.sd.line, reason, hint=hint)
                error = source.error(w.sd.line, reason, hint=hint)
            if holder is not None and (must or same) and not seen_through(
                    holder, w, name, rooted=same):
                continue   # what holder holds, and what is made of it, never sees it
            who = seen[id(w)][0]
            read = others is None or must or any(read_after(o, w, stmts) for o in others) or \
                (item_of and who != name) or (holder is not None and who is None) or \
                (who not in (None, name) and not _rows_of(defs.get(who, ()), name))
            if not read and who is None and holder is None and others:
                # where alias_flow cannot tell, what the others were viewed from may be read
                # after (`r = B[1]; s = r[1:]; s *= 3`, B): the run checks s shares none of it
                far = sorted(o for o in viewed_from(others) - set(others)
                             if read_after(o, w, stmts))
                if far and all(must_be_defined(o, w) for o in far):
                    for o in far:
                        guards.setdefault((id(w), o, None), (w, error, o, None, None))
                    continue
                read = bool(far)   # (one may be unbound there: refused where w is an array)
            if holder is not None and not must_be_defined(holder, w):   # (unbound on some
                # path: checked through its shadow, None there; never bound there: unseen)
                if read and shadow(holder, w) is not None:
                    guards.setdefault((id(w), holder, None), (w, error, shadow(holder, w),
                                                              None, None))
                continue
            if read:   # (alias_flow sees it read: for an item, by a name or it cannot tell,
                # `z = list(L)[0]`; by a name but a row of x, which alias_rows checks: `r =
                # Record(x); x *= c; r.w`, `g = layer.grab(); g[1] = c; y`; where it cannot
                # tell, the run checks holder, `g = field_of(layer)`; `w = w0; w -= ...` left)
                only = "reverse" if forward_follows and w.sd.kind == Kind.SETITEM else None
                guards.setdefault((id(w), holder, None), (w, error, holder, None, only))

    for s in stmts:
        stored_by = getattr(s.sd.func, "_srcdiff_written", None) \
            if s.sd.kind == Kind.CALL else None
        if stored_by:   # held = fill_writing(out, v): the helper may store v into out
            func = getattr(s.sd.func, "__name__", "the function")
            for arg in analyze.call_args(s):   # (not the helper's copy written back)
                w = later_write(arg.id, s, lambda w: written_back(w, s, defs)) \
                    if isinstance(arg, S.Name) else None
                if w is not None and not rebound_first(s, arg.id, body, stmts):
                    fail(w, f"writing into {arg.id} here would also change what {func} "
                         f"stored it into on line {s.sd.line} ({', '.join(stored_by)}), "
                         "which holds it, not a copy",
                         f"pass a copy: numpy.copy({arg.id})")
        if not isinstance(s, S.Assign) or not isinstance(s.targets[0], S.Name):
            stored = stored_into(s, defs)
            if stored is not None and later_write(stored[1], s) and \
                    not rebound_first(s, stored[1], body, stmts):   # d["w"] = y; y[0] = c
                fail(later_write(stored[1], s), f"{stored[1]} is written into after being "
                     f"stored in {stored[0]} on line {s.sd.line}, so {stored[0]} would see the "
                     "change (it holds the array itself, not a copy)",
                     f"store a copy: {S.spell(s.targets[0])} = numpy.copy({stored[1]})")
            if s.sd.kind == Kind.APPEND:
                arg = s.value.args[0]
                if isinstance(arg, S.Name) and later_write(arg.id, s) and \
                        not rebound_first(s, arg.id, body, stmts):
                    fail(later_write(arg.id, s), f"{arg.id} is written into after being stored "
                         "in a list, so the list would see the change (an alias)",
                         f"append a copy: numpy.copy({arg.id})")
            continue
        target = s.targets[0].id
        value = s.value
        if later_write(target, s, lambda w: rebound_between(target, s, w)):
            what = None
            d, value = s, s.value
            if d.sd.kind == Kind.COPY and isinstance(value, S.Name) and value.id in temps:
                d, value = temps[value.id], temps[value.id].value  # a = tuple_1[0], a temp
            if d.sd.kind == Kind.COPY and isinstance(value, S.Name) and value.id in user_names:
                what = f"{target} is an alias of {value.id}"
            elif d.sd.kind == Kind.SUBSCRIPT and _is_view_index(value.slice):
                if isinstance(value.value, S.Name):
                    _refuse_holder_rebound(source, tree, stmts, order, d, value.value.id,
                                           target, written[target])
                what = f"{target} is a view into {stem(value.value)}"
            elif d.sd.kind == Kind.SUBSCRIPT and d.sd.loop_item:
                seq = value.value
                named = isinstance(seq, S.Name) and seq.id in user_names
                shown = stem(seq)
                spelt = not shown.startswith(("the value made", "a value srcdiff"))
                fail(written[target], f"writing into {target} here would change "
                     f"{shown if spelt else 'what the loop goes through'} too: the loop "
                     "takes its rows (or list items), which are shared, not copies",
                     f"loop over indices and write into {seq.id} itself, e.g. "
                     f"{seq.id}[i, 0] = ..." if named else
                     f"name it, rows = {shown if spelt else '...'}, then loop over indices "
                     "and write into rows itself, e.g. rows[i, 0] = ...")
            elif d.sd.kind == Kind.CALL and viewed_argument(d.sd.func, d.value) is not None:
                what = f"{target} may be a view of another array"
            elif d.sd.kind == Kind.CALL and d.sd.dynamic_method:
                what = f"{target} comes from a method call, which may return a view"
            elif d.sd.kind == Kind.SUBSCRIPT and isinstance(value.value, S.Name) \
                    and value.value.id in displays:
                holder = value.value.id if value.value.id in user_names else \
                    "a tuple or list built here"
                what = f"{target} is an item of {holder}, shared with it, not a copy"
            elif d.sd.kind == Kind.SUBSCRIPT and isinstance(value.value, S.Name) and \
                    helpers_result(d, defs) != ():   # (a writing helper's copy: its result's)
                # y = m[i]: a row of an array (a view), an item of a list (shared), or a
                # copy (a number, an index array's pick): the run tells
                seq = helpers_result(d, defs) or value.value.id
                if not helpers_result(d, defs):   # (a writing helper's argument written back
                    # is no row of its result: `s = decays(a2)` then `a2 -= ... * s`)
                    _refuse_holder_rebound(source, tree, stmts, order, d, seq, target,
                                           written[target])
                seen = seq if seq in user_names else sorted(
                    n for n in may_share(seq) if n in user_names and n != target)[:1] or [
                    stem(value.value)]
                seen = seen if isinstance(seen, str) else seen[0]
                why = f"{target} is a row of it (a view, not a copy), an item it holds, or itself"
                reader = seen_writes(target).get(id(written[target]), (None,))[0]
                if seq not in user_names and reader in user_names and reader != target:
                    # (z = list(L)[0]: z is y's array itself; name y, not the list srcdiff made)
                    why = f"{target} is taken from {seen}, which holds {reader}'s array " \
                        "(or a view of it), not a copy"
                    seen = reader
                fail(written[target], f"writing into {target} here would change "
                     f"{seen} too: {why}",
                     f"copy it first: {target} = numpy.copy(...)", sorted(
                         may_share(seq) | {n for n, _ in seen_writes(target).values()
                                           if n is not None and seq in roots(n)}),
                     holder=seq, forward_follows=value.value.id in user_names,   # (M2 = r[0])
                     item_of=True)
            elif d.sd.kind == Kind.COPY and isinstance(value, S.Name) or (
                    d.sd.kind == Kind.CALL and is_user_function(d.sd.func)):
                # a = b = v (both copies of one temporary), z = y if c else w (a copy of
                # y in one branch), z = helper(y) (which may return y): the run tells
                sharers = {(n, "may be {} itself (an alias)") for n in {
                    t.targets[0].id for t in stmts if isinstance(t, S.Assign) and t.sd.kind
                    == Kind.COPY and isinstance(t.value, S.Name) and t.value.id == value.id
                } | roots(value.id) if n in user_names} if d.sd.kind == Kind.COPY else set()
                # (z = helper(y), layers[1].copied(), a class dispatch's arms: alias_roots)
                sharers |= {(n, "comes from a function of yours, which may return {} itself")
                            for n in tree.given_to_calls(target, user_names)}
                for other, how in sorted(p for p in sharers if p[0] != target):
                    shown = other if other in user_names else stem(S.load(other))
                    fail(written[target], f"writing into {target} here would change {shown} "
                         f"too: {target} {how.format(shown)}",
                         f"copy it first: {target} = numpy.copy(...)", sorted(roots(other)),
                         holder=other)   # (what a call gave back too)
            elif d.sd.kind in (Kind.OPAQUE, Kind.ATTRIBUTE):
                what = f"{target} is not an array this function created"
            elif d.sd.kind == Kind.POP and not popped_unseen(target, value.func.value):
                # z = L.pop(): the array L held, whoever else does
                what = f"{target} is the item {stem(value.func.value)}.pop() took out, " \
                    "the array itself, not a copy"
            if what:
                base = value if isinstance(value, S.Name) else value.args[0] \
                    if isinstance(value, S.Call) and value.args else getattr(value, "value", None)
                other = [base.id] if isinstance(base, S.Name) else None
                if other and other[0] in displays:  # and the items it was built from
                    items = displays[other[0]]
                    items = items.values if isinstance(items, S.Dict) else items.elts
                    other += [e.id for e in items if isinstance(e, S.Name)]
                fail(written[target], f"writing into {target} here would change another "
                     f"array too: {what}",
                     f"copy it first: {target} = numpy.copy(...)", other)
        value = s.value
        sources = []
        if s.sd.kind == Kind.COPY and isinstance(value, S.Name):
            sources = [value.id]   # the same array under another name (a user's or srcdiff's)
        elif stopped_alias(s, user_names, stmts):
            sources = [value.args[0].id]   # h = stop_gradient(x): x itself, no derivative
        elif s.sd.kind == Kind.SUBSCRIPT and _is_view_index(value.slice):
            sources = [value.value.id] if isinstance(value.value, S.Name) else []
        elif s.sd.kind == Kind.CALL and isinstance(viewed_argument(s.sd.func, value), S.Name):
            sources = [viewed_argument(s.sd.func, value).id]
        elif s.sd.kind == Kind.DISPLAY:
            elts = value.values if isinstance(value, S.Dict) else value.elts
            sources = [e.id for e in elts if isinstance(e, S.Name)]
        elif s.sd.kind == Kind.CALL and getattr(s.sd.func, "__srcdiff_keeps__", False):
            # a method keeping its arguments in its object (state_methods.py: object_of)
            sources = [a.id for a in value.args[1:] if isinstance(a, S.Name)]
        for src in sources:
            if src in written and src != target and not rebound_first(s, src, body, stmts) \
                    and not written_only_before(s, [w for w in writes[src] if not apart(
                        s, w, body)], stmts):   # (a write in the other arm of an if: unseen)
                kind = "a view" if s.sd.kind in (Kind.SUBSCRIPT, Kind.CALL) else "an alias"
                readers = sorted({target} | {n for n in defs if target in roots(n)})
                shown = target if target in user_names else stem(S.load(target))
                hint = f"make {target} a copy: {target} = numpy.copy(...)" \
                    if target in user_names else f"store a copy there: numpy.copy({src})"
                if s.sd.kind == Kind.DISPLAY and target in user_names:   # L = [y, ...]: a
                    kind = "a " + type(value).__name__.lower() + " holding it"   # list
                    hint = f"store a copy in {target}: numpy.copy({stem(S.load(src))}) " \
                        f"where {target} is built"   # (numpy.copy(L) would be an array)
                if target not in user_names:   # a list or tuple built here: name the user's
                    reader = seen_writes(src).get(id(written[src]), (None, None))[0]
                    if reader in user_names and reader != src:   # name that reads it
                        shown = f"{reader} (through {shown})"
                if getattr(s.sd.func, "__srcdiff_keeps__", False):   # (a state method)
                    shown, kind = f"{stem(value.args[0])} (its method keeps {src})", \
                        "a call holding it"
                written_as = src if src in user_names else stem(S.load(src))
                reason = f"writing into {written_as} here would also change {shown}" + (
                    "" if "holds it as a field" in shown else f", {kind} made on line "
                    f"{s.sd.line}" if kind.endswith("holding it") else
                    f", {kind} of it made on line {s.sd.line}")
                if "holds it as a field" in shown:
                    hint = f"give it a copy: numpy.copy({written_as})"
                holder = None
                if target not in user_names and s.sd.kind != Kind.DISPLAY:
                    # srcdiff's own name for (a view of) src: whether it still holds src's
                    # array when the write runs only the run tells (`for row in a: a /= ...;
                    # a = a`: the loop reads the array a held when it started)
                    holder = target
                    hint = f"use a copy there: numpy.copy({src})"
                    if target in loop_sequences:
                        reason = f"writing into {src} here changes the array the loop on " \
                            f"line {s.sd.line} takes its items from (the loop reads {src} as " \
                            "it was when it started: the same array, which srcdiff cannot " \
                            "follow)"
                        hint = f"write {src} = ... (a new array), or loop over a copy: " \
                            f"numpy.copy({src})"
                fail(written[src], reason, hint, readers, holder=holder,
                     must=holder is not None, same=s.sd.kind == Kind.COPY)
    guard_rows_read_after(source, user_names, body, stmts, written, guards,
                          lambda n: sorted({n} | {m for m in defs if n in roots(m)}),
                          lambda r, w, base: seen_through(r, w, base, derive=False),
                          sequences.maybe_dicts(body, containers))

    for other in sorted(user_names & set(defs)):
        shared = tree.same_as(other)
        for name in sorted(written):
            if name == other or name not in shared or other in roots(name):
                continue  # (other in roots(name): the writes into name were checked above)
            fail(written[name], f"writing into {name} here would change {other} too: "
                 f"{other} may be {name} itself (an alias)",
                 f"make {other} a copy: {other} = numpy.copy(...)", other, holder=other,
                 same=True)
    shadows.place(body, source.node.lineno)
    return list(guards.values())


def _rows_of(bindings, name):
    """Whether every binding of a name takes an item or row of `name` itself (`q = y[i]`:
    alias_rows.guard_rows_read_after checks those)."""
    return bool(bindings) and all(
        t.sd.kind == Kind.SUBSCRIPT and isinstance(t.value.value, S.Name) and
        t.value.value.id == name for t in bindings)


def _stem(atom):
    return atom.id if isinstance(atom, S.Name) else "value"


insert_guards = alias_guards.insert_guards   # (checks.py and update_checks.py read it here)


def _refuse_holder_rebound(source, tree, stmts, order, made, seq, target, w):
    """`row = C[0]; old = C; C = C * 2.0; row *= 3.0; ... old`: seq (C) is bound anew between
    the row's taking and the write, so the check at the write (against what seq holds then)
    cannot see the old array, which another name (old) holds and reads after: refused at
    the write (the derivative took old as unchanged: a wrong gradient, no error)."""
    between = [t for t in tree.defs.get(seq, ()) if t is not made
               and order[id(made)] < order[id(t)] < order[id(w)]]
    if not between:
        return
    holders = set(tree.derived(seq)).union(*(tree.derived(r) for r in tree.roots(seq)))
    # (new arrays computed from it aside: C * 0.5; names made of the new array are kept,
    # since a name bound after the rebinding may still hold the old one: C, o = C * 2, C)
    holders = {n for n in holders - {seq, target} if not tree.defs.get(n) or any(
        t.sd.kind not in (Kind.BINOP, Kind.UNARY) and not alias_guards.makes_new_array(t)
        for t in tree.defs[n])}
    from .alias_rows import read_after
    readers = sorted(n for n in holders if read_after(n, w, stmts))
    if readers:
        raise source.error(
            w.sd.line, f"writing into {target} here changes the array {seq} held on line "
            f"{made.sd.line} (a row or item of it, not a copy), which {readers[0]} holds too "
            f"and reads after, though {seq} is bound anew in between; srcdiff does not follow "
            "that", hint=f"copy it where it is taken: {target} = numpy.copy(...), or write "
            f"into {seq} before binding it anew")
