"""Shifts that carry no derivative: the max subtracted before a softmax or a log-sum-exp (stage
6, optimize: called by reverse.py, which leaves them out of the activity set). Takes lowered
core statements and their shape facts; gives back the names of the shifts whose derivative
is exactly zero (`shift_invariant`).

`m = numpy.max(a, axis=-1, keepdims=True)` followed by `log(sum(exp(a - m))) + m`, or by
`(a - m) - log(sum(exp(a - m)))`, is there for floating point only: the result is the same
for any m constant along the summed axis, so its derivative with respect to m is exactly
zero, and the max's adjoint (a mask over the whole input, built and multiplied) is work
for a zero. `shift_invariant(body, shapes)` finds such m and the reverse pass leaves them
out of the activity set: the gradient is the same, the max's adjoint is not computed.

The proof is an abstract interpretation over the straight-line top level of the function.
Each value is, as a function of m (broadcast, constant along the axes C the max reduced):

* ("add", k): v0 + k*m, v0 not depending on m;
* ("mul", k): v0 * exp(k*m);
* k == 0: does not depend on m (in exact arithmetic), whatever its history.

`a - m` is ("add", -1); `exp` turns ("add", k) into ("mul", k) and `log` back; a sum over
axes within C keeping its dims keeps ("mul", k); +, -, *, / and negation combine k where the
form allows. A value of k != 0 read by anything else (a return, an index, a loop, a call
with no rule here) abandons m: then nothing is claimed and the usual adjoint is emitted.
Every name in the chain must be bound once, at the top level, so a name means one value
(a parameter counts as bound on entry).
"""
import numpy

from . import analyze
from . import syntax as S
from .core import Kind

_EXTREMA = (numpy.max, numpy.min, numpy.amax, numpy.amin, numpy.nanmax, numpy.nanmin)
ALL = "all"  # the axes of a scalar m: constant along every axis


def shift_invariant(body, shapes=None, params=()):
    """Names of max/min results whose derivative is exactly zero for the function's output.
    A parameter is bound on entry: rebound to a max, its name means two values (the
    parameter's, which may carry a derivative, and the max's), so it is never one."""
    counts = {p: 1 for p in params}
    for stmt in analyze.flatten(body):
        name = analyze.assigned(stmt)
        if name is not None:
            counts[name] = counts.get(name, 0) + 1
        if isinstance(stmt, S.For):
            for n in S.walk(stmt.target):
                if isinstance(n, S.Name):
                    counts[n.id] = counts.get(n.id, 0) + 2
    out = set()
    for i, stmt in enumerate(body):
        seed = _seed(stmt, shapes)
        if seed is not None and counts.get(stmt.targets[0].id) == 1 and \
                _invariant(body, i, seed, counts, shapes):
            out.add(stmt.targets[0].id)
    return out


def _func(stmt):
    return stmt.sd.func if stmt.sd.kind == Kind.CALL and not stmt.sd.marked else None


def _is(func, candidates):
    return any(func is c for c in candidates)


def _keywords(call):
    return {k.arg: k.value for k in call.keywords}


def _const(node):
    return node.value if isinstance(node, S.Constant) else _NOT_CONST


_NOT_CONST = object()


def _axes(stmt, call, shapes, name, ndim=None):
    """The reduced axes of a reduction call as negative ints, ALL for every axis, or None when
    unsure (not a literal, or a positive axis of an operand whose ndim is not known)."""
    kw = _keywords(call)
    if len(call.args) > 2 or set(kw) - {"axis", "keepdims"}:
        return None
    axis = call.args[1] if len(call.args) == 2 else kw.get("axis")
    axis = None if axis is None else _literal(axis)
    if axis is _NOT_CONST:
        return None
    if axis is None:
        return ALL
    axis = axis if isinstance(axis, tuple) else (axis,)
    if not all(type(a) is int for a in axis):
        return None
    if all(a < 0 for a in axis):
        return frozenset(axis)
    if ndim is None:
        ndim = _ndim(stmt, name, shapes)
    if ndim is None:
        return None
    if not all(-ndim <= a < ndim for a in axis):
        return None
    return frozenset(a % ndim - ndim for a in axis)


def _ndim(stmt, name, shapes):
    shape = shapes.of(stmt, name) if shapes is not None else None
    return None if shape is None else len(shape)


def _literal(node):
    if isinstance(node, S.Tuple):
        items = tuple(_const(e) for e in node.elts)
        return _NOT_CONST if any(i is _NOT_CONST for i in items) else items
    return _const(node)


def _keepdims(call):
    kw = _keywords(call)
    return "keepdims" in kw and _const(kw["keepdims"]) is True


def _seed(stmt, shapes):
    """The axes m is constant along, for `m = max(a, axis, keepdims=True)` (or any axis
    reduced to a scalar); None for any other statement."""
    if not (isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name)):
        return None
    func = _func(stmt)
    if func is None or not _is(func, _EXTREMA):
        return None
    call = stmt.value
    if not call.args or not isinstance(call.args[0], S.Name):
        return None
    axes = _axes(stmt, call, shapes, call.args[0].id)
    if axes is None or (axes is not ALL and not _keepdims(call)):
        return None
    ndim = _ndim(stmt, call.args[0].id, shapes)
    return axes, (0 if axes is ALL and not _keepdims(call) else ndim)


def _invariant(body, start, seed, counts, shapes):
    """Whether every use of body[start]'s target leads, through the forms above, to values
    that do not depend on it. A form is (kind, k, ndim), ndim None where not known."""
    axes, ndim = seed
    m = body[start].targets[0].id
    forms = {m: ("add", 1, ndim)}
    for stmt in body[start + 1:]:
        reads = [n for n in _reads(stmt) if n in forms]
        nested = [n for sub in _nested(stmt) for n in _reads(sub) if n in forms]
        if nested:
            return False
        if not reads:
            continue
        if not (isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name)):
            return False
        target = stmt.targets[0].id
        if counts.get(target) != 1:
            return False
        form = _transfer(stmt, forms, axes, shapes)
        if form is None:
            return False
        if form[1] != 0:
            forms[target] = form
    return True


def _reads(stmt):
    """Names a statement reads; for one outside the core language (a nested def's own
    statements), every name it loads."""
    if getattr(stmt, "sd", None) is None:
        return [n.id for n in S.walk(stmt) if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)]
    return analyze.operands(stmt)


def _nested(stmt):
    for field in ("body", "orelse"):
        for sub in getattr(stmt, field, []) or []:
            yield sub
            yield from _nested(sub)


def _form(stmt, atom, forms, shapes):
    if isinstance(atom, S.Name) and atom.id in forms:
        return forms[atom.id]
    if isinstance(atom, S.Constant):
        ndim = 0
    else:
        ndim = _ndim(stmt, atom.id, shapes) if isinstance(atom, S.Name) else None
    return ("add", 0, ndim)  # a value that does not depend on m


def _broadcast_ndim(*ndims):
    return None if any(n is None for n in ndims) else max(ndims)


def _transfer(stmt, forms, axes, shapes):
    value = stmt.value
    kind = stmt.sd.kind
    if kind == Kind.COPY and isinstance(value, S.Name):
        return forms[value.id]
    if isinstance(value, S.BinOp) and kind == Kind.BINOP:
        (ka, a, na), (kb, b, nb) = _form(stmt, value.left, forms, shapes), \
            _form(stmt, value.right, forms, shapes)
        ndim = _broadcast_ndim(na, nb)
        if isinstance(value.op, (S.Add, S.Sub)):
            sign = 1 if isinstance(value.op, S.Add) else -1
            if (ka == "mul" and a) or (kb == "mul" and b):
                return None
            return ("add", a + sign * b, ndim)
        if isinstance(value.op, (S.Mult, S.Div)):
            sign = 1 if isinstance(value.op, S.Mult) else -1
            if (ka == "add" and a) or (kb == "add" and b):
                return None
            return ("mul", a + sign * b, ndim)
        return None
    if isinstance(value, S.UnaryOp) and kind == Kind.UNARY:
        k, n, ndim = _form(stmt, value.operand, forms, shapes)
        if isinstance(value.op, S.UAdd):
            return (k, n, ndim)
        if isinstance(value.op, S.USub):
            return (k, -n if k == "add" else n, ndim)
        return None
    func = _func(stmt)
    if func is None or not value.args or not isinstance(value.args[0], S.Name):
        return None
    k, n, ndim = _form(stmt, value.args[0], forms, shapes)
    others = [a for a in list(value.args[1:]) + [kw.value for kw in value.keywords]
              if isinstance(a, S.Name) and a.id in forms]
    if others:
        return None
    if func is numpy.exp and len(value.args) == 1 and not value.keywords:
        return ("mul", n, ndim) if k == "add" else None
    if func is numpy.log and len(value.args) == 1 and not value.keywords:
        return ("add", n, ndim) if k == "mul" else None
    if func is numpy.sum and k == "mul":
        # m constant along the summed axes: sum(v0 * exp(k m)) = sum(v0) * exp(k m)
        summed = _axes(stmt, value, shapes, value.args[0].id, ndim)
        if summed is None:
            return None
        if axes is ALL:
            return ("mul", n, ndim if _keepdims(value) else None)
        if summed is ALL or not _keepdims(value) or not summed <= axes:
            return None
        return ("mul", n, ndim)
    return None
