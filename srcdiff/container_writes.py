"""Appends, pops (of lists, and d.pop(k) of dicts) and dict views another name would see (stage 3, lowering: lower.py runs
these checks on the lowered body). The derivative follows `lst.append(v)` on `lst` only,
while Python changes the one list every holder of it sees; a view of a dict's items read
after the dict changed sees the change. Such code is refused, located, where a later read
would really see the change. Takes lowered statements; gives nothing or raises.
"""
from . import analyze, runtime
from . import syntax as S
from .aliasing import _read_after
from .core import Kind


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
    order = {id(t): i for i, t in enumerate(stmts)}
    loops = [t for t in stmts if isinstance(t, (S.For, S.While))]
    for share, name, other, how in _shares(stmts, appends):
        for a in appends[name]:
            if _append_after(share, a, name, stmts, order, loops) and \
                    _read_after(other, a, stmts):
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
    it (d is then bound to the new dict: another name holding the old one would not see the
    key go), or None."""
    if stmt.sd.kind == Kind.CALL and isinstance(stmt, S.Assign) and getattr(
            stmt.sd.func, "__name__", "") == "dict_without" and getattr(
            stmt.sd.func, "__module__", "") == "srcdiff.runtime_idioms" and isinstance(
            stmt.value.args[0], S.Name):
        return stmt.value.args[0].id
    return None


def _shares(stmts, appends):
    """(statement, appended name, other name, how) for each way another name gets the list."""
    rests = {s.targets[0].id for s in stmts if _popped_dict(s) is not None}
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
            elts = value.values if isinstance(value, S.Dict) else value.elts
            for e in elts:
                if isinstance(e, S.Name) and e.id in appends:
                    yield s, e.id, target, f"{e.id} is stored in {target}"
        elif s.sd.kind == Kind.SUBSCRIPT and target in appends and isinstance(value.value, S.Name):
            yield s, target, value.value.id, f"{target} is an item of {value.value.id}"


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
    a for loop over one) are fine."""
    stmts = list(analyze.flatten(body))
    views = [s for s in stmts if isinstance(s, S.Assign) and s.sd.kind == Kind.CALL
             and getattr(s.sd.func, "__module__", "") in runtime.MODULES
             and getattr(s.sd.func, "__name__", "") in ("dict_values", "dict_items", "dict_keys")
             and isinstance(s.value.args[0], S.Name)
             and not s.sd.loop_keys]   # a for loop's keys: a write keeps them
    for view in views:
        base, name = view.value.args[0].id, view.targets[0].id
        for w in stmts:
            if not (w.sd.kind == Kind.SETITEM and w.targets[0].value.id == base
                    or _popped_dict(w) == base):
                continue
            after = stmts.index(w) > stmts.index(view) or any(
                isinstance(loop, (S.For, S.While)) and w in list(analyze.flatten(loop.body))
                and view in list(analyze.flatten(loop.body)) for loop in stmts)
            if after and _read_after(name, w, stmts):
                method = view.sd.func.__name__.split("_")[1]
                raise source.error(w.sd.line, f"this write into {base} would show through "
                                   f"{base}.{method}() taken on line {view.sd.line} (a live "
                                   "view), which srcdiff reads as a list made there",
                                   hint=f"take list({base}.{method}()) where you use it")
