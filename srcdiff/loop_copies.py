"""The copies of a loop written out once per item (stage 3, lower: called by
function_loops.py). Takes a loop's target, its body's statements and one item (a gast
expression: a function's name, a constant, a tuple of them); gives back the names the target
binds to the item's parts (`bind`), a copy of a statement with each load of those names
replaced by its part (`substitute`), and the pieces of a body with break or continue written
as a loop of one trip (`own_exits`, `break_sets`, `unless`); `stores` and `calls` tell
whether statements rebind or call given names.

A substituted part is placed at the line of the load it replaces, so a refusal in a copy
names the user's line.
"""
from . import syntax as S


def bind(target, item):
    """{name: item part} for the loop's target unpacking `item`, or None."""
    if isinstance(target, S.Name):
        return {target.id: item}
    if isinstance(target, (S.Tuple, S.List)) and isinstance(item, S.Tuple) and \
            len(target.elts) == len(item.elts):
        out = {}
        for t, i in zip(target.elts, item.elts):
            part = bind(t, i)
            if part is None:
                return None
            out.update(part)
        return out
    return None


def own_exits(stmts):
    """Whether a break or continue of this loop (not of loops inside it) is in `stmts`."""
    for stmt in stmts:
        if isinstance(stmt, (S.Break, S.Continue)):
            return True
        if isinstance(stmt, (S.For, S.While, S.FunctionDef, S.AsyncFunctionDef,
                             S.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody", "handlers"):
            if own_exits(getattr(stmt, field, None) or []):
                return True
    return False


def stores(nodes, names):
    """Whether `nodes` rebind one of `names` (an assignment, a for target, a def, ...)."""
    return any(isinstance(n, S.Name) and n.id in names and not isinstance(n.ctx, S.Load)
               for node in nodes for n in S.walk(node))


def calls(nodes, names):
    """Whether `nodes` call one of `names` (`g(t)`)."""
    return any(isinstance(n, S.Call) and isinstance(n.func, S.Name) and n.func.id in names
               for node in nodes for n in S.walk(node))


def substitute(node, binding):
    """`node` (a clone) with each load of a bound name replaced by a clone of its item, the
    item placed at the load's line."""
    class _Sub(S.NodeTransformer):
        def visit_Name(self, n):
            if isinstance(n.ctx, S.Load) and n.id in binding:
                new = S.clone(binding[n.id])
                for m in S.walk(new):
                    if isinstance(m, (S.expr,)):
                        m.lineno, m.col_offset = n.lineno, n.col_offset
                        m.end_lineno = getattr(n, "end_lineno", n.lineno)
                        m.end_col_offset = getattr(n, "end_col_offset", n.col_offset)
                return new
            return n
    return _Sub().visit(S.clone(node))


def unless(flag, body):
    """`if not flag:` around `body`."""
    return S.If(test=S.UnaryOp(op=S.Not(), operand=S.load(flag)), body=body, orelse=[])


def break_sets(flag, stmts):
    """`stmts` with each break of their loop (not of loops inside) preceded by `flag = True`."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, S.Break):
            out.append(S.Assign(targets=[S.store(flag)], value=S.const(True),
                                type_comment=None))
        elif isinstance(stmt, (S.If, S.With, S.Try)):
            for field in ("body", "orelse", "finalbody"):
                if isinstance(getattr(stmt, field, None), list):
                    setattr(stmt, field, break_sets(flag, getattr(stmt, field)))
            for handler in getattr(stmt, "handlers", []):
                handler.body = break_sets(flag, handler.body)
        out.append(stmt)
    return out
