"""The zip and enumerate calls of a for header, nested as its target unpacks them (stage 3,
lower: called by desugar.py's stmt_For). Takes the lowerer and the header's call and target;
gives back the header's shape, then its sequences evaluated once before the loop (with
`zip(..., strict=True)`'s length check: Python's ValueError), then the statements binding the
target for a trip at the top of the body."""
import operator

from . import syntax as S
from .core import Kind
from .lower_exprs import _stem


def header_shape(lw, node, target):
    """How a for header's zip and enumerate calls nest and are unpacked: ("zip" or
    "enumerate", call, target, parts), a part being such a shape, ("index", start or
    None, target) or ("seq", expression, target); target None where the enclosing item is
    not unpacked. None where the header does not unpack as written (refused)."""
    obj = lw._callee_object(node.func) if isinstance(node, S.Call) else None
    starred = isinstance(node, S.Call) and any(isinstance(a, S.Starred) for a in node.args)
    if obj is zip and node.args and _strict_keyword(node) is not None and not starred:
        parts = list(node.args)
        if _strict_keyword(node) and not all(
                header_shape(lw, a, None) is None for a in parts):
            return None   # zip(a, zip(b, c), strict=True): not followed
    elif obj is enumerate and 1 <= len(node.args) <= 2 and not node.keywords \
            and not starred:
        parts = [("index", node.args[1] if len(node.args) > 1 else None), node.args[0]]
    else:
        return None
    if isinstance(target, (S.Tuple, S.List)):
        if len(target.elts) != len(parts) or any(isinstance(e, S.Starred)
                                                 for e in target.elts):
            return None
        subs = list(target.elts)
    elif target is None or isinstance(target, S.Name):
        subs = [None] * len(parts)
    else:
        return None
    shaped = []
    for part, sub in zip(parts, subs):
        if isinstance(part, tuple):
            shaped.append(part + (sub,))
        else:
            shaped.append(header_shape(lw, part, sub) or ("seq", part, sub))
    return ("nest", node, target, shaped)


def header_plan(lw, shape, out, body, seqs):
    """The shape with its sequences and start values evaluated, in Python's order, once
    before the loop; `seqs` collects the sequences (the loop runs to the shortest)."""
    if shape[0] == "seq":
        _refuse_endless(lw, shape[1])
        seq = lw.sequence(shape[1], out, body)
        seqs.append(seq)
        return ("seq", seq, shape[2])
    if shape[0] == "index":
        return ("index", None if shape[1] is None else lw.expr(shape[1], out), shape[2])
    first = len(seqs)
    parts = [header_plan(lw, p, out, body, seqs) for p in shape[3] if p[0] != "index"]
    if _strict_keyword(shape[1]):   # zip(a, b, strict=True): Python's ValueError
        _same_lengths(lw, seqs[first:], out, shape[1])
    index = [header_plan(lw, p, out, body, seqs) for p in shape[3] if p[0] == "index"]
    return ("nest", shape[2], index + parts)   # enumerate's index comes first


def _refuse_endless(lw, node):
    """Raise the located refusal of an endless iterator given to zip or enumerate
    (itertools.count, cycle, repeat without a count): srcdiff takes each sequence's items
    before the loop, which an endless one has no list of (before, a TypeError of len)."""
    import itertools
    obj = lw._callee_object(node.func) if isinstance(node, S.Call) else None
    if obj is itertools.repeat and (len(node.args) > 1 or node.keywords):
        return
    hints = {itertools.count: "for a counter beside xs, enumerate(xs, start) (or range("
                              "start, start + len(xs)) in the zip)",
             itertools.cycle: "index instead: zip(xs, [ys[k % len(ys)] for k in "
                              "range(len(xs))])",
             itertools.repeat: "give the count, repeat(v, len(xs)), or write [v] * len(xs)"}
    if obj in hints:
        raise lw.error(node, f"itertools.{obj.__name__}(...) here gives its items without "
                       "end: srcdiff takes the items of each sequence a for header zips "
                       "before the loop, and an endless one has no list of items",
                       hint=hints[obj])


def header_items(lw, plan, i_atom, prelude):
    """Bind the plan's targets for trip `i_atom` at the top of the body; returns the
    item's value where its target is None (a tuple built here where nested)."""
    kind, value, target = plan[0], plan[1], plan[-1] if plan[0] != "nest" else plan[1]
    if kind == "seq":
        if target is None:
            return lw.temp(prelude, S.Subscript(value=value, slice=i_atom, ctx=S.Load()),
                             Kind.SUBSCRIPT, _stem(value) + "_item")
        lw._prelude_item(target, value, i_atom, prelude)
        return None
    if kind == "index":
        if value is None:
            position, how, func = i_atom, Kind.COPY, None
        else:
            position = S.BinOp(left=i_atom, op=S.Add(), right=value)
            how, func = Kind.BINOP, operator.add
        if target is None:
            return i_atom if value is None else lw.temp(prelude, position, how,
                                                          "position", func=func)
        lw._prelude_store(target, position, prelude, how, func)
        return None
    items = [header_items(lw, p, i_atom, prelude) for p in plan[2]]
    if isinstance(target, (S.Tuple, S.List)):
        return None
    pair = S.Tuple(elts=items, ctx=S.Load())
    if target is None:
        return lw.temp(prelude, pair, Kind.DISPLAY, "pair")
    lw._prelude_store(target, pair, prelude, Kind.DISPLAY, None)
    return None


def _same_lengths(lw, seqs, out, call):
    """`if len(b) != len(a): raise ValueError(...)` for each sequence b after the first
    of `zip(a, b, ..., strict=True)`, before the loop (Python raises as the shorter one
    runs out: the loop's body has then run for the items before, whose effects on
    values nobody reads after the error)."""
    lens = [lw.temp(out, S.Call(func=lw.bind("len", len), args=[seq], keywords=[]),
                      Kind.CALL, "n_" + _stem(seq), func=len) for seq in seqs]
    for k, n in enumerate(lens[1:], 2):
        test = lw.temp(out, S.Compare(left=n, ops=[S.NotEq()], comparators=[lens[0]]),
                         Kind.OPAQUE, "unequal")
        body = []
        message = f"zip() argument {k} has another length than argument 1 (strict=True)"
        exc = lw.expr(S.place_unplaced(S.Call(func=S.Name(
            id="ValueError", ctx=S.Load(), annotation=None, type_comment=None),
            args=[S.const(message)], keywords=[]), call), body)
        body.append(lw.info(S.Raise(exc=exc, cause=None), Kind.RAISE))
        out.append(lw.info(S.If(test=test, body=body, orelse=[]), Kind.IF))


def _strict_keyword(call):
    """zip's `strict=` as a bool (False where absent); None where the call has another
    keyword or a strict= that is not a literal."""
    strict = False
    for k in call.keywords:
        if k.arg != "strict" or not isinstance(k.value, S.Constant):
            return None
        strict = bool(k.value.value)
    return strict
