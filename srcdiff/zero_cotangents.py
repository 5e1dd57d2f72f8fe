"""Zero cotangents kept zero through slopes that are infinite or NaN (stage 5, reverse and forward:
called by reverse.py, reverse_calls.py, forward.py and forward_calls.py). Takes the lowered body
and its active names, then a call's spliced adjoint (or tangent) terms; gives back the names
whose adjoints (`carriers`) or tangents (`tangent_carriers`) may hold a selection's zeros, and
those terms with `zero_cotangent_product` around each product of such a derivative (`kept_zero`,
`kept_zero_terms`).

`numpy.sum(numpy.where(x > 0, numpy.sqrt(x), 0.0))` at x < 0: where's adjoint gives the
unchosen branch a zero cotangent, and sqrt's rule multiplies it by its slope there, 0.5 /
sqrt(x), NaN: 0 * NaN is NaN, where the function is smooth and its derivative 0 (JAX,
autograd and PyTorch give NaN). So do log or a division at 0 (an infinite slope), a power of
a negative base, arcsin beyond 1, exp overflowing to inf in the unchosen branch of a stable
softplus. Every operation that passes on only part of its operand's items makes the same
zeros: where, select, choose, maximum, minimum, fmax, fmin, clip, the max and min of
Python, take, compress, extract, diag, diagonal, triu, tril, NumPy's NaN-skipping
reductions (`nansum`, ...), an item read `y[i]` and an item write `y[i] = v` (the old
items' adjoint is zero).

`carriers(body, active)`: the names whose adjoint may hold such zeros: the operands of
those operations where the operation's result is active, and, going back through the
statements that bind them, every name their value is computed from (a zero cotangent stays
zero through an elementwise rule of finite slope, and meets a singular one anywhere up the
chain: where(x > 0, sqrt(log(x)), 0)). `kept_zero(parts, cotangent, helper)`: each
spliced adjoint term of a statement binding a carrier that multiplies (or divides) that
cotangent, `g * p`, becomes `zero_cotangent_product(g, g * p)`: the product, with 0 where g
is 0 and the product NaN (runtime_adjoint.py; one NaN test in the common case, nothing else
where no NaN came). Elsewhere the product is left as it is: a NaN of the user's own
function on a chosen branch (a nonzero cotangent) stays NaN, and code without selections
(the benchmarks' MLP and log-sum-exp) is emitted unchanged.

Forward mode meets the mirror image: a selection's result has tangent 0 where it did not
come from a varied operand (clip's bound, where's constant branch, a constant written into
an item), and a singular slope downstream turns that 0 into NaN: `arccos(clip(c, -1, 1))`
at a clipped 1. `tangent_carriers(body, active)` gives the names downstream of a selection,
and `kept_zero_terms` wraps the products of their tangents in a call's tangent terms
(forward_calls.py). Forward over reverse differentiates the helper with the same mask
(templates/runtime_rules.py).

A function of the user's called (not inlined) whose result is a carrier, or given a
carrier as an argument in forward mode, gets a variant of its own (program.callee's
`zero_cotangents=`) whose carriers start from its result (`carriers(..., given=)`) or its
parameters (`tangent_carriers(..., given=)`): `where(x > 0, helper(x), 0)`.
"""
import builtins

import numpy

from . import analyze, fixpoint
from . import syntax as S
from .core import Kind

_SELECTIONS = ("where", "select", "choose", "maximum", "minimum", "fmax", "fmin", "clip",
               "take", "take_along_axis", "compress", "extract", "diag", "diagonal", "triu",
               "tril")


def _selects(func):
    """Whether a call of `func` passes on only part of its operands' items."""
    if func is None:
        return False
    if func is builtins.max or func is builtins.min:
        return True
    name = getattr(func, "__name__", None)
    if not isinstance(name, str) or getattr(numpy, name, None) is not func:
        return False
    return name in _SELECTIONS or name.startswith("nan")


def carriers(body, active, given=()):
    """The names whose adjoints may hold zeros a selection made (see the module docstring);
    `given`: names whose adjoints may hold them anyway (a callee's result, where its caller
    selects from it: reverse_callee.py)."""
    seeds, edges = set(given), []
    for stmt in analyze.flatten(body):
        target = analyze.assigned(stmt)
        if target is None:
            continue
        sources = analyze.differentiable_operands(stmt)
        edges += [(target, s) for s in sources]
        if target not in active:
            continue
        kind = stmt.sd.kind
        if kind == Kind.SUBSCRIPT or (kind == Kind.CALL and _selects(stmt.sd.func)):
            seeds.update(sources)
        elif kind == Kind.SETITEM:
            seeds.add(target)
            seeds.update(sources)
    return fixpoint.reach(seeds, edges) & set(active) if seeds else set()


def tangent_carriers(body, active, given=()):
    """The names whose tangents may hold zeros a selection made, in forward mode: the
    results of the selections above (an item clip left at its bound has tangent 0), the
    arrays an item write changes (a constant written), and every name computed from them
    (`arccos(clip(c, -1, 1))`: 0 * inf at a clipped 1); `given`: names whose tangents may
    hold them anyway (a callee's parameters, given a selection's result: forward.py)."""
    seeds, edges = set(given), []
    for stmt in analyze.flatten(body):
        target = analyze.assigned(stmt)
        if target is None:
            continue
        edges += [(s, target) for s in analyze.differentiable_operands(stmt)]
        kind = stmt.sd.kind
        if kind == Kind.SETITEM or (kind == Kind.CALL and _selects(stmt.sd.func)):
            seeds.add(target)
    return fixpoint.reach(seeds, edges) & set(active) if seeds else set()


def kept_zero_terms(terms, tangents, helper):
    """Forward mode's tangent terms of a call with each product of one of the `tangents`
    (the operands' tangent names that may hold a selection's zeros) wrapped as kept_zero
    does."""
    out = []
    for term in terms:
        for name in tangents:
            term = _wrapped(term, name, helper)
        out.append(term)
    return out


def kept_zero(parts, cotangent, helper):
    """The spliced parts ('stmt', node) / ('acc', (name, expr)) of a carrier's adjoint with
    each product of `cotangent` in an accumulated term wrapped in `helper`'s call
    (zero_cotangent_product)."""
    return [(kind, (part[0], _wrapped(part[1], cotangent, helper))) if kind == "acc"
            else (kind, part) for kind, part in parts]


def _wrapped(expr, cotangent, helper):
    if isinstance(expr, S.Call) and isinstance(expr.func, S.Name) and expr.args and \
            expr.func.id in ("unbroadcast", "broadcast_back", "broadcast_like",
                             "sum_to_gradient"):
        expr.args[0] = _wrapped(expr.args[0], cotangent, helper)
        return expr
    if isinstance(expr, S.UnaryOp) and isinstance(expr.op, S.USub):
        expr.operand = _wrapped(expr.operand, cotangent, helper)
        return expr
    if isinstance(expr, S.BinOp) and isinstance(expr.op, (S.Mult, S.Div)) and \
            _leftmost_is(expr, cotangent):
        return S.Call(func=helper("zero_cotangent_product"),
                      args=[S.load(cotangent), expr], keywords=[])
    return expr


def _leftmost_is(expr, name):
    """Whether the product chain `expr` starts with the name (or its negation): `g * a / b`,
    `-g * a`, `g * (p)`."""
    while True:
        if isinstance(expr, S.BinOp) and isinstance(expr.op, (S.Mult, S.Div)):
            expr = expr.left
        elif isinstance(expr, S.UnaryOp) and isinstance(expr.op, S.USub):
            expr = expr.operand
        else:
            return isinstance(expr, S.Name) and expr.id == name
