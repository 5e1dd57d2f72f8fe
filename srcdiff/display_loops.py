"""Loops over a display of names whose body writes into the loop's item, unrolled with each
name in the item's place (stage 3, lower: called by source_rewrites.py, before loop_rows).
Takes a gast FunctionDef (`rewrite`); gives back a copy where each such loop is unrolled,
or the same FunctionDef where no loop qualifies.

`for r in [x, m]: r[-1] = v` changes x and then m in Python: the list holds the arrays
themselves and r is each of them in turn. srcdiff's lowering gives r a value of its own, so
aliasing.py refuses the write. Written out as

    x[-1] = v
    m[-1] = v

the program means the same, and the writes are plain writes into x and m, which later reads
of x and m see as the derivative does. That is exact where:

  - the loop goes over a list or tuple display of plain names (at most eight), has no
    `else`, and its body has no `break`, `continue` (of this loop), `return`, `yield`,
    nested function or lambda (which could keep r for later);
  - the body writes into r (`r[...] = e`, `r[...] op= e`, a `del r[...]`), and binds
    neither r nor any name of the display (each name holds, while the body runs, the very
    object the display took);
  - r is bound or declared nowhere else in the function, and the function defines no
    nested function or lambda; where r is read outside the loop (after it), `r = m` (the
    last name: Python's r after the loop) follows the unrolled body.

Anything else is left as written (and aliasing.py decides).
"""
import copy

from . import syntax as S

_MOST = 8
_READ_AFTER = "_srcdiff_item_read_after"   # (on the user's loop: r read after it)


def rewrite(fdef):
    """`fdef`, or a copy with each qualifying loop unrolled."""
    loops = [n for n in S.walk(fdef) if isinstance(n, S.For) and _qualifies(n, fdef)]
    if not loops:
        return fdef
    targets = {id(n) for n in loops}
    out = copy.deepcopy(fdef)
    _replace(out, _matching(fdef, out, targets))
    return out


def _matching(old, new, targets):
    """{id: loop} of the loops in the copy `new` of those of `old` whose ids are `targets`
    (the walks of a tree and its deep copy meet the nodes in the same order; the loops are
    kept, so that no node made while unrolling takes a replaced loop's id)."""
    return {id(b): b for a, b in zip(S.walk(old), S.walk(new)) if id(a) in targets}


def _replace(node, chosen):
    """Replace, in every statement list under `node`, each chosen loop by its unrolling."""
    for field, value in S.iter_fields(node):
        if isinstance(value, list):
            if any(isinstance(s, S.For) and id(s) in chosen for s in value):
                value[:] = [u for s in value for u in (
                    _unrolled(s) if isinstance(s, S.For) and id(s) in chosen else [s])]
            for s in value:
                if isinstance(s, S.AST):
                    _replace(s, chosen)
        elif isinstance(value, S.AST):
            _replace(value, chosen)


def _unrolled(loop):
    """The loop's body once per name of its display, each with that name in r's place."""
    r = loop.target.id
    out = []
    for item in loop.iter.elts:
        for stmt in copy.deepcopy(loop.body):
            for n in S.walk(stmt):
                if isinstance(n, S.Name) and n.id == r:
                    n.id = item.id
            out.append(stmt)
    if getattr(loop, _READ_AFTER, False):   # r = m: what Python's r holds after the loop
        last = S.Assign(targets=[S.store(r)], value=S.load(loop.iter.elts[-1].id),
                        type_comment=None)
        out.append(S.copy_location(last, loop))
    return out


def _qualifies(loop, fdef):
    if not (isinstance(loop.target, S.Name) and isinstance(loop.iter, (S.List, S.Tuple))
            and 0 < len(loop.iter.elts) <= _MOST and not loop.orelse and
            all(isinstance(e, S.Name) for e in loop.iter.elts)):
        return False
    r = loop.target.id
    items = {e.id for e in loop.iter.elts}
    if r in items:
        return False
    inside = {id(n) for s in loop.body for n in S.walk(s)} | {id(loop.target)}
    written = False
    for s in loop.body:
        for n in S.walk(s):
            if isinstance(n, (S.Return, S.Yield, S.YieldFrom, S.Lambda, S.FunctionDef,
                              S.AsyncFunctionDef, S.ClassDef, S.Global, S.Nonlocal)):
                return False
            if isinstance(n, S.Name) and isinstance(n.ctx, (S.Store, S.Del)) and (
                    n.id == r or n.id in items):
                return False
            if isinstance(n, (S.Assign, S.AugAssign, S.Delete)):
                targets = n.targets if isinstance(n, (S.Assign, S.Delete)) else [n.target]
                written = written or any(
                    isinstance(t, S.Subscript) and isinstance(t.value, S.Name) and
                    t.value.id == r for t in targets)
    if not written or _jumps(loop.body):
        return False
    outside = [n for n in S.walk(fdef) if isinstance(n, S.Name) and n.id == r and
               id(n) not in inside]
    if any(not isinstance(n.ctx, S.Load) for n in outside) or any(
            isinstance(n, (S.Global, S.Nonlocal, S.Lambda, S.FunctionDef)) and (
                r in getattr(n, "names", ()) or not isinstance(n, (S.Global, S.Nonlocal)))
            for n in S.walk(fdef) if n is not fdef):
        return False
    setattr(loop, _READ_AFTER, bool(outside))
    return True


def _jumps(body):
    """Whether a break or continue of the loop holding `body` is in it (not of a loop in it)."""
    for s in body:
        if isinstance(s, (S.Break, S.Continue)):
            return True
        if isinstance(s, (S.For, S.While)):
            if s.orelse and _jumps(s.orelse):
                return True
            continue
        for field in ("body", "orelse", "handlers", "finalbody"):
            part = getattr(s, field, None)
            if isinstance(part, list) and _jumps([p for p in part if isinstance(p, S.stmt)] + [
                    q for h in part if isinstance(h, S.ExceptHandler) for q in h.body]):
                return True
    return False
