"""``acc = list(itertools.accumulate(xs, f, initial=i))`` rewritten as the loop it means, and
the quoting of a template at the user's node that dict idioms' rewrites share (stage 3,
lower: called by dict_idioms.py, whose pass it was split out of). Takes dict_idioms' pass
(its `means`, `local`, `fresh`, `visit` and `changed`) and a statement; gives back whether
the statement is such a binding (`accumulated`) and the statements it means
(`accumulate`): a loop appending ``f(acc[-1], x)`` (``acc[-1] + x`` without f) to a list
starting ``[i]`` (or ``[]``, the first item as it is); f, where not a name or attribute
path, is bound once first.
"""
import itertools

from . import syntax as S


def quote_at(source, old, **subs):
    """S.quote's statements, the template's own nodes placed at the user's `old` (the nodes
    put in for `subs` keep their places)."""
    body = S.quote(source)
    for stmt in body:
        for n in S.walk(stmt):
            if isinstance(n, (S.stmt, S.expr)):
                n.lineno, n.col_offset = old.lineno, old.col_offset
                n.end_lineno = getattr(old, "end_lineno", old.lineno)
                n.end_col_offset = getattr(old, "end_col_offset", old.col_offset)
    return [S.place_unplaced(S.Substitute(subs).visit(stmt), old) for stmt in body]


def quote_expr_at(source, old, **subs):
    (stmt,) = quote_at(source, old, **subs)
    return stmt.value


def accumulated(pass_, stmt):
    """The accumulate call of `acc = list(itertools.accumulate(xs, f, initial=i))`."""
    if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and isinstance(
            stmt.targets[0], S.Name) and isinstance(stmt.value, S.Call) and
            pass_.means(stmt.value.func, list) and len(stmt.value.args) == 1 and
            not stmt.value.keywords):
        return None
    call = stmt.value.args[0]
    if "len" in pass_.local or any(isinstance(n, S.Name) and n.id == stmt.targets[0].id
                                  for n in S.walk(call)):
        return None   # (xs read after acc is bound anew)
    if isinstance(call, S.Call) and pass_.means(call.func, itertools.accumulate) and \
            1 <= len(call.args) <= 2 and all(k.arg == "initial" for k in call.keywords) \
            and not any(isinstance(a, S.Starred) for a in call.args):
        return call
    return None


def accumulate(pass_, stmt):
    """The statements `stmt` (an accumulated one) means: the list bound, then the loop."""
    call = accumulated(pass_, stmt)
    acc = stmt.targets[0].id
    out = []
    func = call.args[1] if len(call.args) == 2 else None
    if func is not None and not isinstance(S.attribute_chain(func)[0], S.Name):
        fn = pass_.fresh("step")
        out.append(S.Assign(targets=[S.store(fn)], value=pass_.visit(func),
                            type_comment=None))
        func = S.load(fn)
    initial = [k.value for k in call.keywords if k.arg == "initial"]
    item, total = pass_.fresh("item"), pass_.fresh("total")
    step = quote_expr_at(f"{acc}[-1] + {item}", stmt) if func is None else S.Call(
        func=S.clone(func), args=[quote_expr_at(f"{acc}[-1]", stmt), S.load(item)],
        keywords=[])
    start = S.List(elts=[pass_.visit(initial[0])] if initial else [], ctx=S.Load())
    out.append(S.Assign(targets=[S.store(acc)], value=start, type_comment=None))
    out += quote_at(f"for {item} in XS:\n    {total} = {item}\n"
                    f"    if len({acc}) > 0:\n        {total} = STEP\n"
                    f"    {acc}.append({total})", stmt, XS=pass_.visit(call.args[0]),
                    STEP=step)
    pass_.changed = True
    return [S.place_unplaced(n, stmt) for n in out]
