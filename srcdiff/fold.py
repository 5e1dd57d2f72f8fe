"""Folding: a broadcast into the product that reads it, a number seed into the arithmetic
around it (stage 6, optimize: called by transform.py; reverse_calls.py marks the products).
Takes an emitted function body; gives back the body with broadcasts and seeds folded
(`mark_full_products`, `fold_broadcasts`, `factor_products`).

The adjoint of a sum spreads the cotangent over the summed array, `d_x =
numpy.broadcast_to(d_s, x.shape)`, and the next rule multiplies it, `d_x * y`. Where y
has x's shape (known from the input shapes: the reverse pass marks such a product with
syntax.FULL_PRODUCT, through `mark_full_products`), the product is the same with `d_s`
itself, NumPy broadcasting it: `fold_broadcasts` writes it so, which skips making the
view and NumPy's slower loop over an operand of zero strides. A seed that is a number,
bound once (`d_loss = 1.0`), is then written in where it meets such a product, and the
arithmetic on numbers folded: `d_h + d_mul_1 * h * 2.0` becomes `d_h + h * 2.0`, as a
hand-written adjoint has it. Exact: the same elementwise products, on the same values.
"""
from . import syntax as S

_ARITH = (S.Add, S.Sub, S.Mult, S.Div)


def mark_full_products(expr, d_name, result, stmt, shapes):
    """Mark, in an adjoint term of `stmt`, each product of `d_name` (the adjoint of
    `result`) with an elementwise expression of operands of `result`'s known shape."""
    shape = shapes.of(stmt, result)
    if shape is None:
        return
    for node in S.walk(expr):
        if isinstance(node, S.BinOp) and isinstance(node.op, S.Mult):
            for side, other in (("left", node.right), ("right", node.left)):
                mine = getattr(node, side)
                if isinstance(mine, S.Name) and mine.id == d_name and \
                        _full(other, stmt, shapes, shape):
                    setattr(node, S.FULL_PRODUCT, side)
                    break


def _full(node, stmt, shapes, shape):
    """Whether `node` is elementwise arithmetic of names of `shape` (and numbers)."""
    names = 0
    for n in S.walk(node):
        if isinstance(n, S.Name):
            if shapes.of(stmt, n.id) != shape:
                return False
            names += 1
        elif isinstance(n, S.Constant):
            if not _number(n):
                return False
        elif isinstance(n, S.BinOp):
            if not isinstance(n.op, _ARITH):
                return False
        elif isinstance(n, S.UnaryOp):
            if not isinstance(n.op, S.USub):
                return False
        elif not isinstance(n, (S.operator, S.unaryop)):
            return False
    return names > 0


def _number(node):
    return isinstance(node, S.Constant) and type(node.value) in (int, float)


def fold_broadcasts(body, counted=None):
    """Rewrite the marked products of a function body (its top-level statements) in place.

    `counted`: a list that, given, receives the body's counts as folded ((stores, loads),
    `_counts`'s) where folding counted them anyway, for `factor_products`."""
    stores, loads = _counts(body)
    numbers = {}
    for i, stmt in enumerate(body):
        if (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], S.Name) and stores[stmt.targets[0].id] == 1
                and _number(stmt.value) and type(stmt.value.value) is float):
            numbers[stmt.targets[0].id] = (i, stmt.value.value)
    folded = set()
    before = {}   # index of a top-level statement rewritten -> its counts before

    def rewriting(top):
        if top not in before:
            before[top] = _counts([body[top]])
    _block(body, None, numbers, folded, rewriting)
    if not folded:
        return body
    # the counts as folded: those of the statements rewritten counted again (the others
    # are as they were), not the whole body
    now = stores
    for top, (old_stores, old_loads) in before.items():
        new_stores, new_loads = _counts([body[top]])
        for table, old, new in ((now, old_stores, new_stores), (loads, old_loads, new_loads)):
            for name, count in old.items():
                table[name] -= count
            for name, count in new.items():
                table[name] = table.get(name, 0) + count
            for name in old:
                if not table[name]:
                    del table[name]
    while folded:
        dead = {n for n in folded if not loads.get(n) and stores.get(n) == 1}
        if not dead:
            break
        for stmt in _drop_defs(body, dead):   # what the dropped read is read once less
            for n in S.walk_names(stmt):      # (and what it bound is bound once less)
                table = loads if isinstance(n.ctx, S.Load) else now
                table[n.id] -= 1
        folded -= dead
    if counted is not None:
        counted.append((now, loads))
    return body


def _counts(body):
    stores, loads = {}, {}
    load = S.Load
    # one walk of the statements as a module's body (not a walk per statement)
    for n in S.walk_names(S.Module(body=body, type_ignores=[])):
        table = loads if n.ctx.__class__ is load else stores
        table[n.id] = table.get(n.id, 0) + 1
    return stores, loads


def _block(stmts, top, numbers, folded, rewriting):
    """One straight-line block; `top`: the index of the top-level statement it is in;
    `rewriting(index)` is called before a top-level statement is first rewritten."""
    facts = {}  # name: the array broadcast into it, while neither changes
    for k, stmt in enumerate(stmts):
        t = top if top is not None else k
        own = _own_nodes(stmt)
        marked = False
        for node in own:
            side = getattr(node, S.FULL_PRODUCT, None)
            if side is None or not isinstance(node, S.BinOp):
                continue
            if not marked:
                rewriting(t)
            marked = True
            operand = getattr(node, side)
            if isinstance(operand, S.Name) and operand.id in facts:
                folded.add(operand.id)
                operand = S.clone(facts[operand.id])
            setattr(node, side, _Numbers(numbers, t).visit(operand))
        if marked:   # _Arith rewrites nothing but around a marked product
            _Arith().visit(stmt) if not _nested(stmt) else _fold_own(stmt)
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and not isinstance(stmt, S.FunctionDef):
                _block(inner, t, numbers, folded, rewriting)
        spread = _broadcast_of(stmt, facts)
        # the names the statement binds (the rewrites above change only what it reads: a
        # simple statement's own nodes, walked before them, have every binding it makes)
        changed = {n.id for n in (own if not _nested(stmt) and own else S.walk(stmt))
                   if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load)}
        if changed:
            for name in [n for n, e in facts.items()
                         if n in changed or any(x.id in changed for x in S.walk_names(e))]:
                del facts[name]
        if spread is not None and not any(x.id in changed for x in S.walk_names(spread)):
            facts[stmt.targets[0].id] = spread
            folded.add(stmt.targets[0].id)


def _nested(stmt):
    return isinstance(stmt, (S.If, S.For, S.While))


def _own_nodes(stmt):
    """The expression nodes of a statement, without those of its nested blocks."""
    if isinstance(stmt, (S.If, S.While)):
        return S.nodes(stmt.test)
    if isinstance(stmt, S.For):
        return S.nodes(stmt.iter)
    if isinstance(stmt, (S.FunctionDef, S.ClassDef)):
        return []
    return S.nodes(stmt)


def _fold_own(stmt):
    if isinstance(stmt, (S.If, S.While)):
        stmt.test = _Arith().visit(stmt.test)
    elif isinstance(stmt, S.For):
        stmt.iter = _Arith().visit(stmt.iter)


def _broadcast_of(stmt, facts):
    """`x = numpy.broadcast_to(a, shape)` with `a` a name, a number, or a pure helper of
    them: a (the only values moved to where x is read); `x = y * k`, y such a broadcast
    of a and k a number: `a * k`."""
    if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name)):
        return None
    value = stmt.value
    if isinstance(value, S.BinOp) and isinstance(value.op, S.Mult):
        for spread, k in ((value.left, value.right), (value.right, value.left)):
            if isinstance(spread, S.Name) and spread.id in facts and _number(k):
                return S.BinOp(left=S.clone(facts[spread.id]), op=S.Mult(), right=S.clone(k))
        return None
    if not (isinstance(value, S.Call) and isinstance(value.func, S.Attribute)
            and isinstance(value.func.value, S.Name) and value.func.value.id == "numpy"
            and value.func.attr == "broadcast_to" and len(value.args) == 2
            and not value.keywords):
        return None
    arg = value.args[0]
    if isinstance(arg, S.Name) or _number(arg):
        return arg
    if (isinstance(arg, S.Call) and _pure_reshape(arg.func) and not arg.keywords
            and all(isinstance(a, S.Name) or isinstance(a, S.Constant) for a in arg.args)):
        return arg
    return None


def _pure_reshape(func):
    """expand_reduced(g, a, axis, keepdims), or numpy.expand_dims(g, axes) as
    srcdiff/reduction_shapes.py writes it where the shapes are known."""
    if isinstance(func, S.Name):
        return func.id == "expand_reduced"
    return (isinstance(func, S.Attribute) and isinstance(func.value, S.Name)
            and func.value.id == "numpy" and func.attr == "expand_dims")


class _Numbers(S.NodeTransformer):
    """Number seeds written in (bound once, before top-level statement `top`), and products
    of numbers folded."""

    def __init__(self, numbers, top):
        self.numbers = numbers
        self.top = top

    def visit_Name(self, node):
        known = self.numbers.get(node.id)
        if known is not None and known[0] < self.top and isinstance(node.ctx, S.Load):
            return S.const(known[1])
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, S.Mult) and _number(node.left) and _number(node.right) and \
                float in (type(node.left.value), type(node.right.value)):
            return S.const(float(node.left.value * node.right.value))
        return node


class _Arith(S.NodeTransformer):
    """Numbers folded into a marked product: `1.0 * e * c` is `e * c`, `k * e * c` is
    `e * (k * c)`, and `1.0 * (a / b)` is `a / b` (a quotient is a new float array)."""

    def visit_FunctionDef(self, node):
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        inner = node.left
        if (isinstance(node.op, S.Mult) and isinstance(inner, S.BinOp)
                and isinstance(node.right, S.Constant) and type(node.right.value) is float):
            k, rest = _number_side(inner)
            if k is not None:
                c = node.right.value
                return S.BinOp(left=rest, op=S.Mult(), right=S.const(c if k == 1.0 else k * c))
        k, rest = _number_side(node)
        if k == 1.0 and isinstance(rest, S.BinOp) and isinstance(rest.op, S.Div):
            return rest
        return node


def _number_side(node):
    """(k, e) for a marked product `k * e` whose marked operand became the float k."""
    side = getattr(node, S.FULL_PRODUCT, None)
    if side is None or not isinstance(node.op, S.Mult):
        return None, None
    k = getattr(node, side)
    if isinstance(k, S.Constant) and type(k.value) is float:
        return k.value, node.right if side == "left" else node.left
    return None, None


def _drop_defs(body, dead, dropped=None):
    """Remove the assignments to `dead` names (bound once each), at any depth; gives back
    those removed."""
    dropped = [] if dropped is None else dropped
    kept = []
    for stmt in body:
        if (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], S.Name) and stmt.targets[0].id in dead):
            dropped.append(stmt)
            continue
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and not isinstance(stmt, S.FunctionDef):
                _drop_defs(inner, dead, dropped)
                if not inner:
                    inner.append(S.Pass())
        kept.append(stmt)
    body[:] = kept
    return dropped


def factor_products(body, counts=None):
    """The product rule into a chain rule, factored: in a straight-line block,

        a = d * p
        e = d * q
        e = e + a * r

    (or the first two the other way round, e not d) (`d` the adjoint of `y = f(x) * x`, `e` x's, maybe d itself, `a` f(x)'s, read nowhere
    else) becomes `e = d * (q + p * r)`: two products on d's size where there were three,
    as a hand-written adjoint has it. p, q and r read none of them, and make no calls but
    NumPy's pure functions; rounding aside, the value is the same (distributivity).
    `counts`: the body's (stores, loads) as `_counts` gives them, where already counted
    (fold_broadcasts' `counted`)."""
    stores, loads = _counts(body) if counts is None else counts
    _factor_block(body, stores, loads)
    return body


def _factor_block(stmts, stores, loads):
    for stmt in stmts:
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and not isinstance(stmt, S.FunctionDef):
                _factor_block(inner, stores, loads)
    i = 0
    while i + 2 < len(stmts):
        new = _factored(stmts[i:i + 3], stores, loads)
        if new is not None:
            stmts[i:i + 3] = [new]
        i += 1


def _product(stmt):
    """(target, left name, right expression, op) of `t = n <op> e`, else None."""
    if (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name) and isinstance(stmt.value, S.BinOp)):
        left = stmt.value.left
        if isinstance(left, S.Name):
            return stmt.targets[0].id, left.id, stmt.value.right, stmt.value.op
        if _number(left):  # a number seed folded in (fold_broadcasts)
            return stmt.targets[0].id, left.value, stmt.value.right, stmt.value.op
    return None


def _factored(three, stores, loads):
    first, second, third = (_product(s) for s in three)
    if first is None or second is None or third is None:
        return None
    if third[2] is not None and isinstance(third[2], S.BinOp) and \
            isinstance(third[2].left, S.Name) and third[2].left.id == second[0] and \
            first[0] != first[1]:
        first, second = second, first  # `e = d * q` first: then e is not d, nor read by p
    a, d, p, op1 = first
    e, d2, q, op2 = second
    e3, e3_in, term, op3 = third
    if not (isinstance(op1, S.Mult) and isinstance(op2, S.Mult) and isinstance(op3, S.Add)
            and a not in (d, e) and d2 == d and type(d2) is type(d) and e3 == e3_in == e
            and isinstance(e, str) and isinstance(e3_in, str)
            and isinstance(term, S.BinOp) and isinstance(term.op, S.Mult)
            and isinstance(term.left, S.Name) and term.left.id == a
            and stores.get(a) == 1 and loads.get(a) == 1
            and all(_pure_of(x, (a, d, e)) for x in (p, q, term.right))):
        return None
    inner = S.BinOp(left=q, op=S.Add(), right=S.BinOp(left=p, op=S.Mult(), right=term.right))
    stores[a] = loads[a] = 0
    return S.Assign(targets=[S.store(e)], value=S.BinOp(left=S.load(d) if isinstance(
        d, str) else S.const(d), op=S.Mult(),
                                                        right=inner), type_comment=None)


def _pure_of(node, avoid):
    """Arithmetic of names (none in `avoid`), numbers and numpy.<ufunc>(...) calls."""
    for n in S.walk(node):
        if isinstance(n, S.Name):
            if n.id in avoid:
                return False
        elif isinstance(n, S.Constant):
            if not _number(n):
                return False
        elif isinstance(n, S.Call):
            func = n.func
            if not (isinstance(func, S.Attribute) and isinstance(func.value, S.Name)
                    and func.value.id == "numpy" and func.attr in _UFUNCS and not n.keywords):
                return False
        elif isinstance(n, S.Attribute):
            if not (isinstance(n.value, S.Name) and n.value.id == "numpy"):
                return False
        elif not isinstance(n, (S.BinOp, S.UnaryOp, S.operator, S.unaryop)):
            return False
    return True


_UFUNCS = frozenset((
    "sin", "cos", "tan", "exp", "log", "tanh", "sinh", "cosh", "sqrt", "square", "negative",
    "reciprocal", "arctan", "log1p", "expm1", "abs", "absolute", "sign"))
