"""NumPy calls given out= a slice or item of a local array, as the item write they are (stage
3, lower: called by source_rewrites.py, with flat_items and reshaped_writes). Takes a gast
FunctionDef and a resolver of its free names (`rewrite`); gives back a copy where each such
call is rewritten, or the same FunctionDef where there is none.

`numpy.multiply(a, b, out=y[1:])` computes a * b and stores it into the view y[1:], which is
y's memory: y's items from 1 on are the product. Written as

    y[1:] = numpy.multiply(a, b)

it means the same (NumPy computes a ufunc's result as if into a copy where its inputs and
output overlap, as the item write, which evaluates its right side first, does), and the item
write is one srcdiff follows (aliasing.py checks who else sees y, checks.py that y holds
floats). `r = numpy.add(a, b, out=y[:, 0])` binds r to the view as well: `y[:, 0] = ...;
r = y[:, 0]`. It applies where:

  - the statement is the call itself, or binds its result to one name;
  - the callee is a function of NumPy's (a ufunc given no output by position, or another
    function taking out=), found through the function's names (`np.multiply`);
  - out= is an item or slice of a name: `y[idx]`, idx made of constants, names, slices and
    arithmetic on them (no call: it is evaluated again where the result is bound), and
    there is no where= (the items it leaves out keep their old values).

Anything else is left as written (and out_writes.py refuses what it does not lower).
"""
import copy

import numpy

from . import syntax as S

_INDEX_PARTS = (S.Name, S.Constant, S.Slice, S.Tuple, S.BinOp, S.UnaryOp, S.Load,
                S.operator, S.unaryop, S.expr_context)


def rewrite(fdef, lookup):
    """`fdef`, or a copy with each qualifying call written as an item write."""
    if not any(_qualifies(s, lookup) for s in S.walk(fdef) if isinstance(s, (S.Expr, S.Assign))):
        return fdef
    out = copy.deepcopy(fdef)
    _replace(out, lookup)
    return out


def _replace(node, lookup):
    for _field, value in S.iter_fields(node):
        if isinstance(value, list):
            if any(isinstance(s, (S.Expr, S.Assign)) and _qualifies(s, lookup) for s in value):
                value[:] = [u for s in value for u in (
                    _written(s) if isinstance(s, (S.Expr, S.Assign)) and _qualifies(s, lookup)
                    else [s])]
            for s in value:
                if isinstance(s, S.AST):
                    _replace(s, lookup)
        elif isinstance(value, S.AST):
            _replace(value, lookup)


def _written(stmt):
    """`y[idx] = f(...)` (the call without out=), then `r = y[idx]` where stmt binds r."""
    call = stmt.value
    given = next(k.value for k in call.keywords if k.arg == "out")
    bare = S.Call(func=call.func, args=call.args,
                  keywords=[k for k in call.keywords if k.arg != "out"])
    target = copy.deepcopy(given)
    target.ctx = S.Store()
    write = S.copy_location(S.Assign(targets=[target], value=bare, type_comment=None), stmt)
    if isinstance(stmt, S.Expr):
        return [write]
    bound = S.copy_location(S.Assign(targets=stmt.targets, value=copy.deepcopy(given),
                                     type_comment=None), stmt)
    return [write, bound]


def _qualifies(stmt, lookup):
    call = stmt.value
    if not isinstance(call, S.Call):
        return False
    if isinstance(stmt, S.Assign) and not (len(stmt.targets) == 1 and
                                           isinstance(stmt.targets[0], S.Name)):
        return False
    outs = [k.value for k in call.keywords if k.arg == "out"]
    if len(outs) != 1 or any(k.arg in ("where", None) for k in call.keywords) or any(
            isinstance(a, S.Starred) for a in call.args):
        return False
    given = outs[0]
    if not (isinstance(given, S.Subscript) and isinstance(given.value, S.Name) and all(
            isinstance(n, _INDEX_PARTS) for n in S.walk(given.slice))):
        return False
    if isinstance(stmt, S.Assign) and stmt.targets[0].id == given.value.id:
        return False   # (y = f(..., out=y[1:]): y is then the view)
    func = _resolved(call.func, lookup)
    if isinstance(func, numpy.ufunc):
        return len(call.args) <= func.nin
    return callable(func) and (getattr(func, "__module__", None) or "").split(".")[0] == \
        "numpy" and not isinstance(func, type)


def _resolved(func, lookup):
    """The object a callee `np.multiply` (a name, or attributes of a name) names, or None."""
    base, rest = S.attribute_chain(func)
    if not isinstance(base, S.Name):
        return None
    obj = lookup(base.id)
    for attr in rest:
        obj = getattr(obj, attr, None)
    return obj
