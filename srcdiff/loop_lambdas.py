"""Lambdas and defs made in a loop, as the list display of the functions Python makes (stage
3, lower: called by plain_blocks.rewrite for each statement of a block). Takes the statement
before and the statement (`lambdas_made`); gives back None where they are not this shape,
else (the statement before, replaced, or None; the statements in their place).

``fs = [lambda t, k=k: t ** k for k in range(3)]``, or ``fs = []`` followed by ``for k in
range(3): fs.append(lambda t, k=k: ...)``, over a range of int literals or a list or tuple
display of number and string literals (``for k in [0.5, 1.5]``; at most 32 items),
become ``fs = [lambda t, k=0: t ** k, lambda t, k=1: ..., lambda t, k=2: ...]``: exactly the
function objects Python makes (a default is evaluated when the lambda is made), which the
lowering specialises as any list of functions written in the function. The for loop leaves
its variable bound to the last value (``k = 2`` follows).

Late binding: a lambda body reading the loop's variable by itself reads it when called. In a
comprehension (``[lambda v: v ** k for k in range(1, 4)]``) that variable is the
comprehension's own, left at its last value once the list is made: the literal takes its
place (``[lambda v: v ** 3, ...]``; refused where a scope in the body binds it again). In a
for loop it is the function's variable, read as written when the function is called.

``fs = []`` followed by ``for k in range(3): def g(v): ...; fs.append(g)`` is the def, once,
and ``fs = [g, g, g]``: every closure Python makes there reads the function's variables (the
loop's too) in the same cells, when called, as the one def does. Where a default of the def
reads the loop's variable (``def h(v, k=k)``), one def per value with that literal as its
default, the last keeping the name (the loop leaves h bound to it).

Left as written (and refused by the lowering, located): a default computed otherwise, a
decorated def, a comprehension with a filter or several `for`s, a loop body doing anything
else, a range of computed bounds.
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


def lambdas_made(before, stmt, fresh=None):
    """(the statement replaced before `stmt` or None, the statements in their place) where
    `stmt` makes lambdas (or defs) in a loop (see the module docstring); None where it does
    not. `fresh(base)` gives a name the function does not use (for the defs made per value)."""
    if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and \
            isinstance(stmt.targets[0], S.Name) and isinstance(stmt.value, S.ListComp):
        comp = stmt.value
        if len(comp.generators) != 1 or comp.generators[0].ifs or \
                comp.generators[0].is_async:
            return None
        made = _unrolled(comp.elt, comp.generators[0].target, comp.generators[0].iter, True)
        if made is None:
            return None
        return None, [_assign(stmt.targets[0].id, S.List(elts=made, ctx=S.Load()))]
    if not (isinstance(stmt, S.For) and not stmt.orelse and len(stmt.body) in (1, 2) and
            isinstance(before, S.Assign) and len(before.targets) == 1 and
            isinstance(before.targets[0], S.Name) and isinstance(before.value, S.List) and
            not before.value.elts):
        return None
    name, inner = before.targets[0].id, stmt.body[-1]
    if not (isinstance(inner, S.Expr) and isinstance(inner.value, S.Call) and
            isinstance(inner.value.func, S.Attribute) and inner.value.func.attr == "append"
            and isinstance(inner.value.func.value, S.Name) and
            inner.value.func.value.id == name and len(inner.value.args) == 1 and
            not inner.value.keywords):
        return None
    if len(stmt.body) == 2:
        made = _defs(stmt.body[0], inner.value.args[0], stmt.target, stmt.iter, fresh)
        if made is None:
            return None
        defs, made = made
    else:
        defs, made = [], _unrolled(inner.value.args[0], stmt.target, stmt.iter, False)
    if made is None:
        return None
    out = defs + [_assign(name, S.List(elts=made, ctx=S.Load()))]
    if made:   # the for loop leaves its variable bound to the last value
        out.append(_assign(stmt.target.id, S.const(_values_of(stmt.iter)[-1])))
    return before, out


def _defs(fdef, appended, target, iterated, fresh):
    """([the defs], [the names appended]) for a loop's body `def g(...): ...;
    fs.append(g)`: one def g appended each trip where no default reads the loop's variable
    (each closure Python makes reads the function's variables, the loop's too, when it is
    called: the same cells), one def per value where a default does (`def h(v, k=k)`: its
    default evaluated each trip), the last keeping the name the loop leaves bound to it;
    None where the body is not that shape."""
    if not (isinstance(fdef, S.FunctionDef) and not fdef.decorator_list and
            isinstance(appended, S.Name) and appended.id == fdef.name and
            isinstance(target, S.Name) and fresh is not None):
        return None
    values = _values_of(iterated)
    if values is None or not _defaults_fit(fdef.args, target.id):
        return None
    if not values:
        return [], []
    if not _default_reads(fdef.args, target.id):
        return [fdef], [S.load(fdef.name) for _ in values]
    defs = []
    for k, value in enumerate(values):
        one = S.clone(fdef)
        _set_defaults(one.args, target.id, value)
        if k < len(values) - 1:
            one.name = fresh(fdef.name)
        defs.append(one)
    return defs, [S.load(d.name) for d in defs]


def _assign(name, value):
    return S.Assign(targets=[S.Name(id=name, ctx=S.Store(), annotation=None,
                                    type_comment=None)], value=value, type_comment=None)


def _values_of(node):
    """The values a call `range(...)` of int literals gives, or a list or tuple display of
    number and string literals (`[0.5, 1.5]`) holds; None otherwise."""
    if isinstance(node, (S.List, S.Tuple)):
        made = [_literal(e) for e in node.elts]
        return made if len(made) <= _MOST_LAMBDAS and all(
            type(v) in (int, float, str) for v in made) else None
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


def _literal(node):
    """The number or string `node` writes (`-0.5` too), else None."""
    if isinstance(node, S.UnaryOp) and isinstance(node.op, S.USub):
        inner = _literal(node.operand)
        return -inner if type(inner) in (int, float) else None
    return node.value if isinstance(node, S.Constant) and type(node.value) in (
        int, float, str) else None


def _defaults_fit(args, target):
    """Whether every default is a literal or the loop's variable `target`."""
    return all(isinstance(d, S.Constant) or isinstance(d, S.Name) and d.id == target
               for d in list(args.defaults) + [d for d in args.kw_defaults if d is not None])


def _default_reads(args, target):
    return any(isinstance(d, S.Name) and d.id == target
               for d in list(args.defaults) + list(args.kw_defaults))


def _set_defaults(args, target, value):
    args.defaults = [S.const(value) if isinstance(d, S.Name) else d for d in args.defaults]
    args.kw_defaults = [S.const(value) if isinstance(d, S.Name) else d
                        for d in args.kw_defaults]


def _unrolled(elt, target, iterated, comprehension):
    """The lambdas `elt` is for each value of `target` over `iterated` (a range of int
    literals or a display of literals: _values_of), each default naming the target replaced
    by the value; None where `elt` is not a lambda whose defaults are literals or the
    target. A body reading the target by itself reads it when called (late binding): in a
    comprehension (`comprehension`) the target is the comprehension's own, left at its last
    value, which takes its place; in a for loop it is the function's variable, still read as
    written."""
    if not (isinstance(elt, S.Lambda) and isinstance(target, S.Name)):
        return None
    values = _values_of(iterated)
    if values is None or not _defaults_fit(elt.args, target.id):
        return None
    args = elt.args
    own = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    late = target.id not in own and any(isinstance(n, S.Name) and n.id == target.id
                                        for n in S.walk(elt.body))
    if late and comprehension and any(isinstance(n, S.Name) and n.id == target.id and
                                      not isinstance(n.ctx, S.Load) for n in S.walk(elt.body)):
        return None   # (a scope inside binding it again)
    out = []
    for value in values:
        one = S.clone(elt)
        _set_defaults(one.args, target.id, value)
        if late and comprehension:
            one.body = _Last(target.id, values[-1]).visit(one.body)
        out.append(one)
    return out


class _Last(S.NodeTransformer):
    """Each read of `name` replaced by the literal `value`."""

    def __init__(self, name, value):
        self.name, self.value = name, value

    def visit_Name(self, node):
        if node.id == self.name and isinstance(node.ctx, S.Load):
            return S.place_unplaced(S.const(self.value), node)
        return node
