"""`next()` of a generator expression or of `iter([...])` read right away, rewritten as the
items it gives (stage 3, lower: called by source_rewrites.counted_rewrite). Takes the user's
FunctionDef and a lookup of its free names; gives back a copy in which

    g = (ELT for v in XS)          it = iter([A, B, C])
    a = next(g)                    a = next(it)
    b = next(g)                    b = next(it)

(the binding followed at once, in the same block, by statements `name = next(g)`, the only
reads of g anywhere; XS a pure path, v a name; the names bound read by neither) becomes

    v_0 = list(XS)[0]              it_items = [A, B, C]
    a = ELT (of v_0)               a = it_items[0]
    b = ...                        b = it_items[1]

Each item is computed where Python computes it (nothing runs between), so it reads the same
values. Taking more items than there are raises StopIteration as Python does: a check
`if len(XS) < n: raise StopIteration` comes before the n items of a generator expression or a
comprehension (whose length only the run tells); more next() calls than a list display has
items are refused at the first one past its end (with `source`, frontend.Source, given).
Other uses are left alone (to generator_values' located refusal), or the FunctionDef itself
where there is none.
"""
import builtins

from . import syntax as S
from .itertools_calls import NamePass, _pure

_SCOPES = (S.Lambda, S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp, S.NamedExpr)


def rewrite(fdef, lookup, source=None):
    """A copy of `fdef` with the next() reads of the module's docstring rewritten, or `fdef`;
    where `source` is given, next() past the end of a list display is refused at its line."""
    tree = S.clone(fdef)
    pass_ = NamePass(tree, lookup)
    pass_.source = source
    if pass_.means(S.load("list")) is not list:
        return fdef   # the items are taken with Python's list
    for node in list(S.walk(tree)):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list) and body and isinstance(body[0], S.stmt):
                setattr(node, field, _block(tree, body, pass_))
    return tree if pass_.changed else fdef


def _block(tree, body, pass_):
    out, i = [], 0
    while i < len(body):
        stmt = body[i]
        name = _bound_iterator(stmt, pass_)
        nexts = []
        if name is not None:
            j = i + 1
            while j < len(body) and _next_target(body[j], name, pass_) is not None:
                nexts.append(body[j])
                j += 1
        new = _rewritten(tree, stmt, name, nexts, pass_) if nexts else None
        if new is None:
            out.append(stmt)
            i += 1
            continue
        out += new
        pass_.changed = True
        i += 1 + len(nexts)
    return out


def _bound_iterator(stmt, pass_):
    """The name of `name = (ELT for v in XS)` or `name = iter([...])` (a list display or
    comprehension), or None."""
    if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and
            isinstance(stmt.targets[0], S.Name)):
        return None
    value = stmt.value
    if isinstance(value, S.GeneratorExp) and len(value.generators) == 1:
        gen = value.generators[0]
        if isinstance(gen.target, S.Name) and not gen.ifs and not gen.is_async and \
                _pure(gen.iter) and not any(isinstance(n, _SCOPES) for n in S.walk(value.elt)):
            return stmt.targets[0].id
    if isinstance(value, S.Call) and pass_.means(value.func) is builtins.iter and \
            len(value.args) == 1 and not value.keywords and (isinstance(
            value.args[0], S.ListComp) or isinstance(value.args[0], S.List) and
            not any(isinstance(e, S.Starred) for e in value.args[0].elts)):
        return stmt.targets[0].id
    return None


def _next_target(stmt, name, pass_):
    """The name `stmt` binds where it is `target = next(name)`, or None."""
    if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and \
            isinstance(stmt.targets[0], S.Name) and isinstance(stmt.value, S.Call) and \
            pass_.means(stmt.value.func) is builtins.next and len(stmt.value.args) == 1 and \
            not stmt.value.keywords and isinstance(stmt.value.args[0], S.Name) and \
            stmt.value.args[0].id == name:
        return stmt.targets[0].id
    return None


def _rewritten(tree, stmt, name, nexts, pass_):
    """The statements meaning `stmt` and its `nexts`, or None where another read of `name`
    or a bound name the items read leaves them alone."""
    reads = [n for n in S.walk(tree) if isinstance(n, S.Name) and n.id == name]
    if len(reads) != 1 + len(nexts):
        return None   # read elsewhere too, or bound again
    value = stmt.value
    targets = [s.targets[0].id for s in nexts]
    read = {n.id for n in S.walk(value) if isinstance(n, S.Name)}
    if name in targets or read & set(targets):
        return None   # an item's name read by the items still to come
    if isinstance(value, S.Call):
        if isinstance(value.args[0], S.List) and len(nexts) > len(value.args[0].elts):
            _past_the_end(pass_, name, nexts[len(value.args[0].elts)],
                          len(value.args[0].elts))
            return None   # (no source: left to generator_values' refusal)
        items = pass_.fresh(f"{name}_items")
        out = [S.place_unplaced(S.Assign(targets=[S.store(items)], value=value.args[0],
                                         type_comment=None), stmt)]
        if isinstance(value.args[0], S.ListComp):
            out.append(_stop_unless(S.load(items), len(nexts), nexts[0]))
        for k, s in enumerate(nexts):
            s.value = S.place_unplaced(S.Subscript(value=S.load(items), slice=S.Constant(
                value=k, kind=None), ctx=S.Load()), s.value)
            out.append(s)
        return out
    gen = value.generators[0]
    out = [_stop_unless(S.clone(gen.iter), len(nexts), nexts[0])]
    for k, s in enumerate(nexts):
        v = pass_.fresh(gen.target.id)
        out.append(S.place_unplaced(S.Assign(targets=[S.store(v)], value=S.place_unplaced(
            S.Subscript(value=S.Call(func=S.load("list"), args=[S.clone(gen.iter)],
                                     keywords=[]), slice=S.Constant(value=k, kind=None),
                        ctx=S.Load()), s.value), type_comment=None), s))
        s.value = S.Substitute({gen.target.id: v}).visit(S.clone(value.elt))
        out.append(s)
    return out


def _stop_unless(seq, n, at):
    """`if len(seq) < n: raise StopIteration`, placed at `at`: the n next() calls run past
    the end of `seq`, as Python's would."""
    return S.place_unplaced(S.If(
        test=S.Compare(left=S.Call(func=S.load("len"), args=[seq], keywords=[]),
                       ops=[S.Lt()], comparators=[S.Constant(value=n, kind=None)]),
        body=[S.place_unplaced(S.Raise(exc=S.load("StopIteration"), cause=None), at)],
        orelse=[]), at)


def _past_the_end(pass_, name, stmt, n):
    """Raise the located refusal of `stmt`, a next() call past the end of the n items of a
    list display (Python raises StopIteration there), where a source is known."""
    source = getattr(pass_, "source", None)
    if source is None:
        return
    raise source.error(
        stmt.value, f"this next({name}) is past the end of {name}: it gives {n} item"
        f"{'' if n == 1 else 's'}, and Python raises StopIteration here",
        hint=f"read only the {n} item{'' if n == 1 else 's'} it has; for a default past the "
        "end, index a list instead: items[k] if k < len(items) else default")
