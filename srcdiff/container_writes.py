"""Appends, pops (of lists, and d.pop(k) of dicts), dict views and writes into an item of an
item another name would see (stage 3, lower: called by lower.py on the lowered body, and by
lower_copies.py). Takes the user's `Source` and lowered core statements; gives back nothing,
or the loop checks placed (`guard_dict_loops`), `del d[k]` lowered (`lower_dict_delete`) and
`P["w"][0] = v` lowered as a copy of the item stored back (`item_of_item`), or raises a
located refusal where a later read would really see the change.

The derivative follows `lst.append(v)` on `lst` only, while Python changes the one list
every holder of it sees; a view of a dict's items read after the dict changed sees the
change.
"""
from . import analyze, runtime, runtime_containers
from . import syntax as S
from .core import Info, Kind


def check_appends(source, body):
    """Refuse `lst.append(v)` / `lst.pop()` that another name would see: the derivative
    follows the append on `lst` only, while Python changes the one list every holder of it
    sees (`other = lst`, `d = {"k": lst}`, `lst = d["k"]`, `outer.append(lst)`, a loop's
    item). Sharing made after the last append (a comprehension's result) is fine."""
    stmts = list(analyze.flatten(body))
    appends = {}
    for s in stmts:
        base = _appended_list(s)
        if base is not None:
            appends.setdefault(base, []).append(s)
    if not appends:
        return
    from .alias_rows import read_before_rebound
    order = {id(t): i for i, t in enumerate(stmts)}
    loops = [t for t in stmts if isinstance(t, (S.For, S.While))]
    for share, name, other, how in _shares(stmts, appends):
        for a in appends[name]:
            if _append_after(share, a, name, stmts, order, loops) and \
                    read_before_rebound(other, a, body):   # (bound anew first: unseen)
                if _popped_dict(a) is not None and getattr(
                        a.sd.func, "__name__", "") in _LIST_EDITS:
                    raise source.error(a.sd.line, f"changing the list {name} here would "
                                       f"change {other} too: {how} (line {share.sd.line}), "
                                       "which srcdiff does not follow (it edits a new list)",
                                       hint="build a new list and bind it to one name: "
                                            + _LIST_HINTS[a.sd.func.__name__].format(name))
                if _popped_dict(a) is not None:
                    raise source.error(a.sd.line, f"taking a key out of the dict {name} here "
                                       f"would change {other} too: {how} (line "
                                       f"{share.sd.line}), which srcdiff does not follow",
                                       hint=f"build a new dict instead: {name} = {{k: v for "
                                            f"k, v in {name}.items() if k != key}}")
                raise source.error(a.sd.line, f"changing the list {name} here would change "
                                   f"{other} too: {how} (line {share.sd.line}), which srcdiff "
                                   "does not follow",
                                   hint=f"build a new list instead: {name} = {name} + [...]")


def _appended_list(stmt):
    if _popped_dict(stmt) is not None:
        return _popped_dict(stmt)
    if stmt.sd.kind in (Kind.APPEND, Kind.POP):
        call = stmt.value
        if isinstance(call, S.Call) and isinstance(call.func, S.Attribute) and \
                isinstance(call.func.value, S.Name):
            return call.func.value.id
    return None


def _popped_dict(stmt):
    """The dict `d` of `d_rest = dict_without(d, k)`, d.pop(k) as idioms.dict_write lowers
    it, or the list `lst` of `lst_rest = list_without(lst, i)` (list_cut, list_inserted),
    lst.pop(i) as list_edits.py lowers it (the name is then bound to the new dict or list:
    another name holding the old one would not see the change), or None."""
    if not (stmt.sd.kind == Kind.CALL and isinstance(stmt, S.Assign)):
        return None
    func = stmt.sd.func
    module, name = getattr(func, "__module__", ""), getattr(func, "__name__", "")
    if module == "srcdiff.runtime_idioms" and name == "dict_without" or \
            module == "srcdiff.runtime_list_edits" and name in _LIST_EDITS:
        held = stmt.value.args[_LIST_EDITS.get(name, 0)]
        return held.id if isinstance(held, S.Name) else None
    return None


_LIST_EDITS = {"list_without": 0, "list_cut": 0, "list_inserted": 2}   # the list's argument
_LIST_HINTS = {"list_without": "{0} = {0}[:i] + {0}[i + 1:]", "list_cut": "{0} = {0}[:a] + {0}[b:]",
               "list_inserted": "{0} = {0}[:i] + [v] + {0}[i:]"}


def _shares(stmts, appends):
    """(statement, appended name, other name, how) for each way another name gets the list."""
    from .alias_rows import held_with, taken_from
    rests = {s.targets[0].id for s in stmts if _popped_dict(s) is not None}
    parts = {s.value.args[0].id for s in stmts if _popped_dict(s) is not None and
             s.sd.func.__name__ == "list_inserted" and isinstance(s.value.args[0], S.Name)}
    for s in stmts:
        if s.sd.kind == Kind.APPEND:
            item = s.value.args[0]
            if isinstance(item, S.Name) and item.id in appends:
                holder = s.value.func.value.id
                yield s, item.id, holder, f"{item.id} was appended to {holder}"
            continue
        if not (isinstance(s, S.Assign) and isinstance(s.targets[0], S.Name)):
            continue
        target, value = s.targets[0].id, s.value
        if s.sd.kind == Kind.COPY and isinstance(value, S.Name):
            if value.id in rests:
                continue   # d = d_rest: d.pop(k) binding d to the new dict, held nowhere else
            if value.id in appends:
                yield s, value.id, target, f"{target} is {value.id} (the same object)"
            if target in appends:
                yield s, target, value.id, f"{target} is {value.id} (the same object)"
        elif s.sd.kind == Kind.DISPLAY:
            if target in parts:
                continue   # [lst, item], list_edits' own for lst.insert: read by it alone
            elts = value.values if isinstance(value, S.Dict) else value.elts
            for e in elts:
                if isinstance(e, S.Name) and e.id in appends:
                    yield s, e.id, target, f"{e.id} is stored in {target}"
        elif s.sd.kind == Kind.SUBSCRIPT and target in appends and isinstance(value.value, S.Name):
            yield s, target, value.value.id, f"{target} is an item of {value.value.id}"
        if target in appends and taken_from(s) is not None:   # p = t.pop(), q = t.pop()
            for other, how in held_with(stmts, s, target, taken_from(s)):
                yield s, target, other, how


def _append_after(share, append, name, stmts, order, loops):
    """Whether `append` may run after `share` without `name` bound anew in between."""
    i_share, i_append = order[id(share)], order[id(append)]

    def rebound(lo, hi):
        return any(lo < order[id(t)] < hi for t in stmts
                   if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name)
                   and t.targets[0].id == name and t is not share)
    if i_append > i_share and not rebound(i_share, i_append):
        return True
    for loop in loops:   # the next iteration: after the share of the one before
        inner = {id(t) for t in analyze.flatten(loop.body)}
        if id(share) in inner and id(append) in inner and not (
                rebound(order[id(loop)], i_append) or rebound(i_share, len(stmts))):
            return True
    return False


def check_dict_views(source, body):
    """Refuse `v = d.values()` (items, keys) read after a write into d: Python's view shows
    the write, the list srcdiff makes of it does not. Views used at once (`list(d.items())`,
    a for loop over one) are fine, and so is a write after which the view's name is bound
    anew before any read of it (a dict rebuilt and viewed in each trip of a loop)."""
    stmts = list(analyze.flatten(body))
    views = [s for s in stmts if isinstance(s, S.Assign) and s.sd.kind == Kind.CALL
             and getattr(s.sd.func, "__module__", "") in runtime.MODULES
             and getattr(s.sd.func, "__name__", "") in ("dict_values", "dict_items", "dict_keys")
             and isinstance(s.value.args[0], S.Name)
             and not s.sd.loop_keys]   # a for loop's keys: a write keeps them
    for view in views:
        from .alias_rows import read_before_rebound
        base, name = view.value.args[0].id, view.targets[0].id
        for w in stmts:
            if not (w.sd.kind == Kind.SETITEM and w.targets[0].value.id == base
                    or _popped_dict(w) == base):
                continue
            after = stmts.index(w) > stmts.index(view) or any(
                isinstance(loop, (S.For, S.While)) and w in list(analyze.flatten(loop.body))
                and view in list(analyze.flatten(loop.body)) for loop in stmts)
            if after and read_before_rebound(name, w, body):
                method = view.sd.func.__name__.split("_")[1]
                raise source.error(w.sd.line, f"this write into {base} would show through "
                                   f"{base}.{method}() taken on line {view.sd.line} (a live "
                                   "view), which srcdiff reads as a list made there",
                                   hint=f"take list({base}.{method}()) where you use it")


# -- del d[k], and a dict changed while a loop goes through it ----------------------------
def lower_dict_delete(low, node):
    """`del d[k]` (`del d[a], d[b]`) where d is a local that may be a dict: d.pop(k) with
    its value dropped (idioms.dict_write: d is bound to a new dict without k; a missing key
    raises KeyError, as del does), after a check, where it runs, that d is a dict. None
    where a target is anything else (an attribute, a slice, a name that is not a dict):
    lower.py refuses it."""
    from . import runtime_alias
    from .idiom_rewrite import placed_at
    targets = node.targets
    if len(targets) == 1:   # del lst[i], del lst[a:b] of a list: list_edits.py
        from . import list_edits
        out = []
        if list_edits.delete(low, targets[0], out):
            return out
    if not all(isinstance(t, S.Subscript) and isinstance(t.value, S.Name)
               and t.value.id in low.locals and not isinstance(t.slice, S.Slice)
               and low._may_be_dict(t.value) for t in targets):
        return None
    out = []
    for t in targets:
        where = f"{low.src.filename}:{getattr(t, 'lineno', node.lineno)}"
        check = S.Call(func=low._runtime_helper("check_deletable", runtime_alias),
                       args=[S.load(t.value.id), S.const(where)], keywords=[])
        low.line = getattr(t, "lineno", node.lineno)
        out.append(low.info(S.Expr(value=check), Kind.EFFECT,
                            func=runtime_alias.check_deletable))
        pop = S.Expr(value=S.Call(func=S.Attribute(value=S.load(t.value.id), attr="pop",
                                                   ctx=S.Load()),
                                  args=[S.clone(t.slice)], keywords=[]))
        out += low.stmt(placed_at(pop, t))
    return out


def guard_dict_loops(source, body, bindings):
    """A loop over a dict's keys (`for k in d`, `for k, v in d.items()`) whose body takes
    keys out of d (`d.pop(k)`, `del d[k]`) or writes into d (which may add one): Python
    raises RuntimeError at the next step of the loop once d's size changed, while the
    derivative goes through the keys as they were. A check at the end of the body (where
    Python's next step comes; not when the body leaves by its break) raises the same error,
    located at the loop (runtime_alias.check_dict_iteration). Loops whose body binds d to
    another value of the user's (Python still goes through the old dict) are left alone."""
    from . import runtime_containers
    stmts = list(analyze.flatten(body))
    keys = {}   # keys_d = dict_keys(d) / order_d = iteration_order(d) -> d
    for s in stmts:
        if isinstance(s, S.Assign) and isinstance(s.targets[0], S.Name) and \
                s.sd.kind == Kind.CALL and s.sd.func in (runtime_containers.dict_keys,
                                                        runtime_containers.iteration_order) \
                and s.value.args and isinstance(s.value.args[0], S.Name):
            keys[s.targets[0].id] = s.value.args[0].id
    if not keys:
        return   # no loop over a dict's keys (nor runtime_alias's import)
    from . import runtime_alias
    func = runtime_alias.check_dict_iteration
    rests = {s.targets[0].id for s in stmts if _popped_dict(s) is not None}
    for loop in stmts:
        if not (isinstance(loop, S.For) and isinstance(loop.target, S.Name)):
            continue
        seq = next((s.value.value.id for s in loop.body if isinstance(s, S.Assign)
                    and isinstance(s.value, S.Subscript) and isinstance(s.value.value, S.Name)
                    and s.value.value.id in keys and isinstance(s.value.slice, S.Name)
                    and s.value.slice.id == loop.target.id), None)
        if seq is None:
            continue
        name = keys[seq]
        inner = list(analyze.flatten(loop.body))
        binds = [s for s in inner if analyze.assigned(s) == name and s.sd.kind != Kind.SETITEM]
        if any(not (s.sd.kind == Kind.COPY and isinstance(s.value, S.Name)
                    and s.value.id in rests) for s in binds):
            continue   # d bound to another value of the user's: Python keeps the old dict
        if not binds and not any(s.sd.kind == Kind.SETITEM and s.targets[0].value.id == name
                                 for s in inner):
            continue   # nothing here changes d
        bindings[func.__name__] = func
        line = loop.sd.line
        last = loop.body[-1] if loop.body else None
        leaving = isinstance(last, S.If) and len(last.body) == 1 and \
            isinstance(last.body[0], S.Break) and not last.orelse   # `if stop: break`
        check = S.Expr(value=S.Call(func=S.load(func.__name__), args=[
            S.load(name), S.load(seq), S.clone(last.test) if leaving else S.const(False),
            S.const(f"{source.filename}:{line}")], keywords=[]))
        check.sd = Info(Kind.EFFECT, func=func, line=line)
        check.lineno = line
        loop.body.insert(len(loop.body) - 1 if leaving else len(loop.body), check)


def item_of_item(lw, base, index, value, node, out):
    """`P["w"][0] = v` (or `+=`, or deeper: `Q["a"]["w"][0] = v`, `L[1][0] = v`, `A[0][1] =
    v`): `base` is srcdiff's temporary holding `P["w"]`, bound in `out`. Python writes into
    the array P holds; this lowers it as `c = own_copy(base); c[0] = v; P["w"] = c` (the item
    stored back, where P, not base, is the caller's name; deeper, the same one level up).
    The values agree where nobody but P's slot holds that array: a check before it (the run
    tells, `check_item_held_once`) refuses another item of P holding it, and
    `check_item_copies` (on the whole body) another name reading it after. Gives back the
    statement storing it back (the caller appends it), or raises the refusal."""
    from . import checks, runtime_alias
    refusal = lw.error(node, "item assignment into a value the function does not own is "
                       "not supported", hint="copy it into a local array first")
    made = [t for t in out if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name)
            and t.targets[0].id == getattr(base, "id", None)]
    field = node.value if isinstance(node, S.Subscript) else None   # (node: the target)
    if isinstance(field, S.Attribute) and isinstance(field.value, S.Name) and (
            field.value.id in lw.locals or field.value.id in lw.params):
        # v.a[1] = e: an object's array changed in place, which every holder of it sees
        owned = _owned_field_write(lw, field, base, index, value, node, out)
        if owned is not None:   # (nothing else can hold it: a copy written, bound back)
            return owned
        spelled = S.spell(field)
        raise lw.error(node, f"this writes into the array {spelled} in place, which srcdiff "
                       f"does not follow (every holder of that array would see it); it "
                       f"follows a field bound anew", hint=f"bind the field to a new array: "
                       f"{field.attr} = {spelled}.copy(); {field.attr}[...] = ...; "
                       f"{spelled} = {field.attr}")
    if len(made) != 1 or made[0].sd.kind != Kind.SUBSCRIPT or \
            not isinstance(made[0].value.value, S.Name) or base.id in lw.locals:
        raise refusal
    holder, key = made[0].value.value, made[0].value.slice
    if not _atom_index(key):
        raise refusal
    if _copying_index(key, out):
        return _copy_written(lw, holder, node)
    # (A[:, 0][1] = v, m[1:][0] = v: a slice of an array is a view, the copy stored back
    # writes the same elements; of a list it is a copy, refused by the check below)
    if holder.id not in lw.user_names and holder.id not in lw.spelled:
        bound = [t for t in out if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name)
                 and t.targets[0].id == holder.id]
        if len(bound) == 1 and bound[0].sd.kind == Kind.SUBSCRIPT:
            lw.spelled[holder.id] = S.spell(bound[0].value)   # Q["a"], as refusals name it
    shown = holder.id if holder.id in lw.user_names else lw.spelled.get(
        holder.id, "a value srcdiff made")
    named = _named_item(lw, holder.id, key)
    if named is not None:
        return _write_through_name(lw, base, named, index, value, node, out, refusal)
    error = lw.error(node, f"this writes into an item of {shown} in place, and another item "
                     "of it holds (part of) the same array, which would change too; srcdiff "
                     "does not follow that",
                     hint="give each item an array of its own (numpy.copy(...))")
    func = runtime_alias.check_item_held_once
    lw.bindings[func.__name__] = func
    check = S.Expr(value=S.Call(func=S.load(func.__name__), args=[
        S.load(holder.id), S.index_value(key)] + checks.refusal_args(error), keywords=[]))
    out.append(lw.info(check, Kind.EFFECT, func=func))
    ref = lw.bind("own_copy", runtime.own_copy)
    copy = lw.temp(out, S.Call(func=ref, args=[S.load(base.id)], keywords=[]), Kind.CALL,
                   base.id + "_copy", func=runtime.own_copy)
    lw.locals.add(copy.id)
    lw.spelled.setdefault(copy.id, lw.spelled.get(base.id, f"an item of {shown}"))
    if not hasattr(lw, "item_copies"):
        lw.item_copies = []
    mine = len(lw.item_copies)
    lw.item_copies.append((out[-1], base.id, shown, refusal, value, {holder.id}))
    write = S.Assign(targets=[S.Subscript(value=S.load(copy.id), slice=index, ctx=S.Store())],
                     value=value, type_comment=None)
    out.append(lw.info(write, Kind.SETITEM))
    stored = lw.setitem(holder, S.clone(key), S.load(copy.id), node, out)
    # (Q["a"]["w"][0] = v: the holder's copy is stored back into Q in turn; Q, the holder
    # written through up there, reads the new array after, as Python's does)
    above = set().union(*(n[5] for n in lw.item_copies[mine + 1:] if n[0] != "named"))
    if above:
        lw.item_copies[mine] = lw.item_copies[mine][:5] + (lw.item_copies[mine][5] | above,)
    return stored


def _owned_field_write(lw, field, base, index, value, node, out):
    """`m.w[i] = v` where nothing but the record m (made here, held by that one name) can
    hold the array in m.w (field_ownership.py): `c = own_copy(m.w); c[i] = v`, and the
    statement binding m.w to c (returned, for the caller to append); else None."""
    from .field_ownership import held_elsewhere
    from .errors import SrcdiffError
    from .field_writes import record_held_once, store
    name = field.value.id
    if name in lw.params:
        return None
    try:
        _, cls, fields = record_held_once(lw, field.value, node, None, "write")
    except SrcdiffError:   # (the refusal below names the write)
        return None
    if field.attr not in fields or held_elsewhere(lw, name, cls, field.attr) is not None:
        return None
    ref = lw.bind("own_copy", runtime.own_copy)
    copy = lw.temp(out, S.Call(func=ref, args=[S.load(base.id)], keywords=[]), Kind.CALL,
                   f"{field.attr}_new", func=runtime.own_copy)
    lw.locals.add(copy.id)
    write = S.Assign(targets=[S.Subscript(value=S.load(copy.id), slice=index, ctx=S.Store())],
                     value=value, type_comment=None)
    out.append(lw.info(write, Kind.SETITEM))
    store(lw, S.Attribute(value=S.load(name), attr=field.attr, ctx=S.Store()), copy, out)
    return out.pop()


def _copying_index(key, out):
    """Whether `key` is srcdiff's temporary for an index array or mask written in place
    (`A[[0, 1]]`, `A[A > 0.1]`: a list display, a comparison), which copies an array's
    items (a list or dict raises at the read)."""
    made = [t for t in out if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name)
            and isinstance(key, S.Name) and t.targets[0].id == key.id]
    return len(made) == 1 and (
        (made[0].sd.kind == Kind.DISPLAY and isinstance(made[0].value, S.List)) or
        (made[0].sd.kind == Kind.OPAQUE and isinstance(made[0].value, S.Compare)))


def _copy_written(lw, holder, node):
    """`A[[0, 1]][0] = v`: Python writes into a copy of A's rows and drops it; A does not
    change. Lowered as a check that A is an array (runtime_alias.check_array_copy_written):
    v is worked out (as Python does), nothing is written."""
    from . import checks, runtime_alias
    error = lw.error(node, f"this writes into a copy taken by an index array or mask of "
                     f"{S.spell(holder)}, which is not an array here", hint="write into it "
                     "with one index: a[i, j] = v")
    func = runtime_alias.check_array_copy_written
    lw.bindings[func.__name__] = func
    check = S.Expr(value=S.Call(func=S.load(func.__name__), args=[S.load(holder.id)] +
                                checks.refusal_args(error), keywords=[]))
    return lw.info(check, Kind.EFFECT, func=func)


def _atom_index(key):
    """Whether `key` is a name, a constant, a slice of them or a tuple of those: an index
    check_item_held_once can be given (S.index_value) and the write stored back under."""
    if isinstance(key, S.Tuple):
        return all(_atom_index(e) and not isinstance(e, S.Tuple) for e in key.elts)
    if isinstance(key, S.Slice):
        return all(p is None or isinstance(p, (S.Name, S.Constant))
                   for p in (key.lower, key.upper, key.step))
    return isinstance(key, (S.Name, S.Constant))


def check_item_copies(lw, body):
    """After `item_of_item`'s lowering: refuse where a name other than the holder (bound
    before the copy) reads the array the item held after it (alias_flow): Python's write
    would show through that name, the copy's does not."""
    noted = getattr(lw, "item_copies", None)
    if not noted:
        return
    from . import alias_flow
    from .alias_flow_fresh import fresh_call   # (alias_flow imports it: one met only here)
    lw.item_copies = []
    flow = alias_flow.Flow(body)
    made = {}
    for t in analyze.flatten(body):
        if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name):
            made.setdefault(t.targets[0].id, []).append(t)
    for note in noted:
        if note[0] == "named":
            _, check, name, refusal = note
            if name not in lw.params and name not in analyze.Definedness(body, ()).must(check):
                raise refusal
            continue
        copy, base, holder, refusal, value, ignore = note
        if isinstance(value, S.Name) and made.get(value.id) and all(
                t.sd.kind in (Kind.BINOP, Kind.UNARY) or (t.sd.kind == Kind.CALL and (
                    fresh_call(t.sd.func, t.value) or t.sd.func in (
                        runtime_containers.sequence_add, runtime_containers.sequence_mul)))
                for t in made[value.id]):
            ignore = ignore | {value.id}   # (a new value the copy gets: numbers, a new list)
        seen = flow.seen_by(copy, base, own_ok=False, ignore=frozenset(ignore))
        if seen is None:
            continue
        reader, where = seen
        if reader is None or where is None:
            raise lw.src.error(copy.sd.line, f"this writes into an array {holder} holds, "
                               "and srcdiff cannot "
                               "tell which other names hold it too (a parameter's, a global's, "
                               "or one a call may keep), which would see the change",
                               hint=refusal.hint)
        shown = reader if reader in lw.user_names else lw.spelled.get(
            reader, "a value srcdiff made")
        raise lw.src.error(copy.sd.line, f"this writes into an array {holder} holds, and "
                           f"{shown} holds it too and is read after (line {where.sd.line}), "
                           "so it would see the change, which srcdiff does not follow",
                           hint=f"make {shown} a copy where it is taken (numpy.copy(...))")


def _named_item(lw, holder, key):
    """The one name of the user's the code puts under the constant `key` of `holder` (`Q =
    {"layer": P}`, `Q["layer"] = P`, `L = [A, B]` for key 1), or None."""
    if not isinstance(key, S.Constant) or type(key.value) not in (str, int):
        return None
    found = set()
    for n in S.walk(lw.fdef):
        if not isinstance(n, S.Assign):
            continue
        for target in n.targets:
            if isinstance(target, S.Name) and target.id == holder:
                v = n.value
                if isinstance(v, S.Dict):
                    found |= {e.id if isinstance(e, S.Name) else None for k, e in
                              zip(v.keys, v.values) if k is None or not isinstance(
                                  k, S.Constant) or k.value == key.value}
                elif isinstance(v, (S.List, S.Tuple)) and type(key.value) is int and \
                        0 <= key.value < len(v.elts):
                    e = v.elts[key.value]
                    found.add(e.id if isinstance(e, S.Name) else None)
            elif isinstance(target, S.Subscript) and isinstance(target.value, S.Name) and \
                    target.value.id == holder:
                k = target.slice
                if not isinstance(k, S.Constant) or k.value == key.value:
                    found.add(n.value.id if isinstance(n.value, S.Name) else None)
    if len(found) != 1:
        return None
    name = found.pop()
    return name if name in lw.locals and name in lw.user_names and name != holder else None


def _write_through_name(lw, base, name, index, value, node, out, refusal):
    """`Q["layer"]["w"] = c` where the code put P under Q's key "layer": a check that the
    run gives P itself there (check_is_item), then `P["w"] = c`, which aliasing checks as any
    write into P. The copy of the item written one level down may be read through P too."""
    from . import checks, runtime_alias
    error = lw.error(node, f"srcdiff reads this as a write into {name}, which the code put "
                     f"there, but {lw.spelled.get(base.id, 'the item')} is another value "
                     "when it runs", hint=f"write into {name} directly")
    func = runtime_alias.check_is_item
    lw.bindings[func.__name__] = func
    check = S.Expr(value=S.Call(func=S.load(func.__name__), args=[
        S.load(base.id), S.load(name)] + checks.refusal_args(error), keywords=[]))
    out.append(lw.info(check, Kind.EFFECT, func=func))
    noted = getattr(lw, "item_copies", None)
    if noted and noted[-1][0] != "named" and base.id in noted[-1][5]:
        noted[-1][5].add(name)   # (the copy one level down is stored into P's item)
    if not hasattr(lw, "item_copies"):
        lw.item_copies = []
    lw.item_copies.append(("named", check, name, refusal))
    return lw.setitem(S.load(name), index, value, node, out)


def store_back_items(lw, body):
    """`w = P["w"]` then `w[1] = v` with P read after: Python's write shows through P, which
    srcdiff's derivative does not follow. Where P is read after the write, the write is
    lowered as `c = own_copy(w); c[1] = v; P["w"] = c; w = c` (both names then hold the
    array written), after checks when it runs that P["w"] still is w (check_is_item) and
    that no other item of P holds it (check_item_held_once); `check_item_copies` refuses
    another name reading the old array after it."""
    stmts = list(analyze.flatten(body))
    if not any(t.sd.kind == Kind.SETITEM for t in stmts):
        return   # no item written (nor writing_helpers imported, on a plain function's path)
    from .writing_helpers import blocks
    defs = {}
    for t in stmts:
        if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name):
            defs.setdefault(t.targets[0].id, []).append(t)
    for block in list(blocks(body)):
        for w in [t for t in block if t.sd.kind == Kind.SETITEM and
                  isinstance(t.targets[0].value, S.Name)]:
            from .alias_rows import read_after as _read_after
            name = w.targets[0].value.id
            ds = defs.get(name, [])
            pairs = {(d.value.value.id, d.value.slice.value) for d in ds
                     if d.sd.kind == Kind.SUBSCRIPT and isinstance(d.value.value, S.Name)
                     and _constant(d.value.slice)}
            if name not in lw.user_names or name in lw.params or not ds or \
                    len(pairs) != 1 or len(ds) != sum(1 for d in ds if d.sd.kind ==
                                                      Kind.SUBSCRIPT):
                continue
            (holder, key), = pairs
            if holder == name or holder not in lw.locals or holder in lw.params or \
                    not _read_after(holder, w, stmts) or not all(
                        d.sd.kind == Kind.DISPLAY and isinstance(d.value, (S.Dict, S.List))
                        for d in defs.get(holder, [None])):
                continue   # (a dict or list built here, whose item stays w: not an array)
            lw.line = w.sd.line
            reason = (f"writing into {name} here would change another array too: {name} is "
                      f"an item of {holder}, shared with it, not a copy")
            hint = f"copy it first: {name} = numpy.copy(...)"
            error = lw.src.error(w.sd.line, f"{reason}, and {holder}[{key!r}] is no longer "
                                 f"{name} here", hint=hint)
            held = lw.src.error(w.sd.line, f"{reason}, and another item of {holder} holds "
                                "(part of) the same array", hint=hint)
            from . import checks, runtime_alias   # (only where such a write is met)
            new, item = [], lw.namer.fresh(f"{holder}_item")
            new.append(lw.assign(item, S.Subscript(value=S.load(holder), slice=S.const(key),
                                                   ctx=S.Load()), Kind.SUBSCRIPT))
            for func, args, err in (
                    (runtime_alias.check_is_item, [S.load(item), S.load(name)], error),
                    (runtime_alias.check_item_held_once, [S.load(holder), S.const(key)], held)):
                lw.bindings[func.__name__] = func
                new.append(lw.info(S.Expr(value=S.Call(
                    func=S.load(func.__name__), args=args + checks.refusal_args(err),
                    keywords=[])), Kind.EFFECT, func=func))
            ref = lw.bind("own_copy", runtime.own_copy)
            copy = lw.namer.fresh(f"{name}_copy")
            lw.locals.add(copy)
            lw.spelled[copy] = name
            new.append(lw.assign(copy, S.Call(func=ref, args=[S.load(name)], keywords=[]),
                                 Kind.CALL, func=runtime.own_copy))
            if not hasattr(lw, "item_copies"):
                lw.item_copies = []
            lw.item_copies.append((new[-1], name, holder, lw.src.error(w.sd.line, reason,
                                                                       hint=hint),
                                   w.value, {holder, item}))
            w.targets[0].value = S.load(copy)
            new.append(w)
            new.append(lw.info(S.Assign(targets=[S.Subscript(
                value=S.load(holder), slice=S.const(key), ctx=S.Store())],
                value=S.load(copy), type_comment=None), Kind.SETITEM))
            new.append(lw.assign(name, S.load(copy), Kind.COPY))
            at = next(i for i, t in enumerate(block) if t is w)
            block[at:at + 1] = new


def _constant(node):
    return isinstance(node, S.Constant) and type(node.value) in (str, int)
