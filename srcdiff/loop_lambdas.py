"""Lambdas made in a loop, each binding the loop's value as a default, as the list display of
the lambdas (stage 3, lower: called by plain_blocks.rewrite for each statement of a block).
Takes the statement before and the statement (`lambdas_made`); gives back None where they
are not this shape, else (the statement before, replaced, or None; the statements in their
place).

``fs = [lambda t, k=k: t ** k for k in range(3)]``, or ``fs = []`` followed by ``for k in
range(3): fs.append(lambda t, k=k: ...)``, over a range of int literals (at most 32 items),
become ``fs = [lambda t, k=0: t ** k, lambda t, k=1: ..., lambda t, k=2: ...]``: exactly the
function objects Python makes (a default is evaluated when the lambda is made), which the
lowering specialises as any list of functions written in the function. The for loop leaves
its variable bound to the last value (``k = 2`` follows). Left as written (and refused by the
lowering, located): a lambda body reading the loop's variable by itself (late binding: each
lambda reads it when called), a default computed otherwise, a comprehension with a filter or
several `for`s, a loop body doing anything else, a range of computed bounds.
"""
from . import syntax as S

_MOST_LAMBDAS = 32


def int_constant(node):
    """k where `node` is an int literal (`3`, `-1`), else None."""
    sign = 1
    if isinstance(node, S.UnaryOp) and isinstance(node.op, S.USub):
        node, sign = node.operand, -1
    if isinstance(node, S.Constant) and type(node.value) is int:
        return sign * node.value
    return None


def lambdas_made(before, stmt):
    """(the statement replaced before `stmt` or None, the statements in their place) where
    `stmt` makes lambdas in a loop that binds each one's defaults to the loop's value (see
    the module docstring); None where it does not."""
    if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and \
            isinstance(stmt.targets[0], S.Name) and isinstance(stmt.value, S.ListComp):
        comp = stmt.value
        if len(comp.generators) != 1 or comp.generators[0].ifs or \
                comp.generators[0].is_async:
            return None
        made = _unrolled(comp.elt, comp.generators[0].target, comp.generators[0].iter)
        if made is None:
            return None
        return None, [_assign(stmt.targets[0].id, S.List(elts=made, ctx=S.Load()))]
    if not (isinstance(stmt, S.For) and not stmt.orelse and len(stmt.body) == 1 and
            isinstance(before, S.Assign) and len(before.targets) == 1 and
            isinstance(before.targets[0], S.Name) and isinstance(before.value, S.List) and
            not before.value.elts):
        return None
    name, inner = before.targets[0].id, stmt.body[0]
    if not (isinstance(inner, S.Expr) and isinstance(inner.value, S.Call) and
            isinstance(inner.value.func, S.Attribute) and inner.value.func.attr == "append"
            and isinstance(inner.value.func.value, S.Name) and
            inner.value.func.value.id == name and len(inner.value.args) == 1 and
            not inner.value.keywords):
        return None
    made = _unrolled(inner.value.args[0], stmt.target, stmt.iter)
    if made is None:
        return None
    out = [_assign(name, S.List(elts=made, ctx=S.Load()))]
    if made:   # the for loop leaves its variable bound to the last value
        out.append(_assign(stmt.target.id, S.const(_range_of(stmt.iter)[-1])))
    return before, out


def _assign(name, value):
    return S.Assign(targets=[S.Name(id=name, ctx=S.Store(), annotation=None,
                                    type_comment=None)], value=value, type_comment=None)


def _range_of(node):
    """The range a call `range(...)` of int literals gives, or None."""
    if not (isinstance(node, S.Call) and isinstance(node.func, S.Name) and
            node.func.id == "range" and not node.keywords and 1 <= len(node.args) <= 3):
        return None
    bounds = [int_constant(a) for a in node.args]
    if any(b is None for b in bounds):
        return None
    try:
        made = range(*bounds)
    except ValueError:
        return None
    return made if len(made) <= _MOST_LAMBDAS else None


def _unrolled(elt, target, iterated):
    """The lambdas `elt` is for each value of `target` over `iterated` (a range of int
    literals), each default naming the target replaced by the value; None where `elt` is not
    a lambda whose defaults bind the target, or its body reads the target by itself."""
    if not (isinstance(elt, S.Lambda) and isinstance(target, S.Name)):
        return None
    values = _range_of(iterated)
    if values is None:
        return None
    args = elt.args
    defaults = list(args.defaults) + [d for d in args.kw_defaults if d is not None]
    if not any(isinstance(d, S.Name) and d.id == target.id for d in defaults) or not all(
            isinstance(d, S.Constant) or isinstance(d, S.Name) and d.id == target.id
            for d in defaults):
        return None
    own = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    if target.id not in own and any(isinstance(n, S.Name) and n.id == target.id
                                    for n in S.walk(elt.body)):
        return None   # late binding: the body reads the loop's variable when it is called
    out = []
    for value in values:
        one = S.clone(elt)
        one.args.defaults = [S.const(value) if isinstance(d, S.Name) else d
                             for d in one.args.defaults]
        one.args.kw_defaults = [S.const(value) if isinstance(d, S.Name) else d
                                for d in one.args.kw_defaults]
        out.append(one)
    return out
