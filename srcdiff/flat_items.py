"""An array's items by flat position, `x.flat[k]`, read and written, made the NumPy calls they
are (stage 3, lower: called by source_rewrites.py, before reshaped_writes). Takes a gast
FunctionDef and a resolver of its free names (`rewrite`); gives back a copy where each such
read or write is rewritten, or the same FunctionDef where there is none.

`x.flat` goes through x's items in C order, whatever x's strides, and writes into x itself.
For x a name surely holding an array (reshaped_writes.surely_arrays: a parameter not known
to hold a list, tuple, dict or object, or a name bound only to values that make arrays; here
also a parameter bound again only to such values, `x = x * 1.0`),

    x.flat[idx] = v        becomes     x_flat_value = v
                                       x_flat_index = np.arange(np.size(x))[idx]
                                       np.put(x, x_flat_index, x_flat_value)

numpy.put's own meaning ("roughly a.flat[ind] = v" in NumPy's words: v's items repeated or
cut by flat position), which flat_writes.py lowers as an item write into x, with the
aliasing care of any (a view of another array written through stays refused where a later
read would see it; a parameter is written in its private copy). `x.flat[idx] op= v` writes
`np.take(x, x_flat_index) op v`. The flat positions `np.arange(np.size(x))[idx]` are those
of an int (negative too), a slice, an integer array or a boolean mask of x's size, and
raise IndexError where x.flat would. A read `x.flat[idx]` elsewhere is `np.take(x,
np.arange(np.size(x))[idx])`: a number for an int, else a new array, as x.flat gives.

Needs a global name holding numpy (`np`, `numpy`); without one, or for anything but a
name surely holding an array (`self.w.flat[0] = v`, a list), `.flat` stays as written
(refused, located, by the lowering).
"""
from . import syntax as S
from .reshaped_writes import StatementRewriter

_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)


def needed(fdef):
    """Whether `fdef` reads or writes `name.flat[...]`."""
    return any(isinstance(n, S.Subscript) and isinstance(n.value, S.Attribute) and
               n.value.attr == "flat" and isinstance(n.value.value, S.Name)
               for n in S.walk(fdef))


def rewrite(fdef, resolve, not_arrays=()):
    """`fdef`, or a copy with the reads and writes of the docstring rewritten."""
    if not needed(fdef):
        return fdef
    import numpy
    tree = S.clone(fdef)
    bound = {n.id for n in S.walk(tree) if isinstance(n, S.Name) and
             not isinstance(n.ctx, S.Load)}
    module = next((m for m in ("np", "numpy") if m not in bound and resolve(m) is numpy),
                  None)
    if module is None:
        return fdef
    names = {n.id for n in S.walk(tree) if isinstance(n, S.Name)}
    arrays = _arrays(tree, resolve, set(not_arrays))
    pass_ = _Flat(module, arrays, names, _maybe_arrays(tree, resolve, arrays, set(not_arrays)))
    tree.body = pass_.block(tree.body)
    return tree if pass_.changed else fdef


def _arrays(fdef, resolve, not_arrays):
    """reshaped_writes.surely_arrays, and the parameters bound again only to arrays made of
    such names (`x = x * 1.0`, the private copy of a parameter), and the names made of those."""
    from .loop_rows import _Rows
    from .reshaped_writes import _other_bindings, grown_arrays, name_values, surely_arrays
    arrays = surely_arrays(fdef, resolve, not_arrays)
    rows, others, values = _Rows(fdef, resolve), _other_bindings(fdef), name_values(fdef)
    args = fdef.args
    rebound = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs
               if isinstance(a, S.Name) and a.id in values} - others - not_arrays
    while True:   # the largest set of them each of whose values makes an array from them
        kept = {p for p in rebound if all(rows.array(v, arrays | rebound) for v in values[p])}
        if kept == rebound:
            break
        rebound = kept
    arrays = grown_arrays(arrays | rebound, values, others, not_arrays, rows)
    while True:   # and the names bound only to views of those (`t = x.T`): arrays too
        more = {n for n, vals in values.items() if n not in arrays and n not in others and
                n not in not_arrays and all(_array_view(v, arrays) for v in vals)}
        if not more:
            return arrays
        arrays = grown_arrays(arrays | more, values, others, not_arrays, rows)


# an array's methods (and attribute) giving a view of it or a copy: an array again
_VIEW_METHODS = frozenset(("reshape", "ravel", "transpose", "squeeze", "swapaxes", "flatten",
                           "copy", "astype"))
_SIMPLE = (S.Assign, S.AugAssign, S.AnnAssign, S.Expr, S.Return)


def _array_view(node, arrays):
    """`a.T`, `a.reshape(...)` (a view or copy method of _VIEW_METHODS) of a name in `arrays`."""
    if isinstance(node, S.Attribute) and node.attr == "T":
        return isinstance(node.value, S.Name) and node.value.id in arrays
    return isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and \
        node.func.attr in _VIEW_METHODS and isinstance(node.func.value, S.Name) and \
        node.func.value.id in arrays and not any(k.arg is None for k in node.keywords)


def _maybe_arrays(fdef, resolve, arrays, not_arrays):
    """Names that hold an array or raise where `.flat` reads them, which the run checks
    (checks.view_guard "flat") before each statement reading `name.flat[...]`: bound only by
    `name = e`, each e a NumPy function's result (`numpy.gradient(f)`: an array, or a list
    of them), a view or copy method of anything (`layer.w.copy()`, `t.T`), or arithmetic
    with such a name. Never a parameter (its kind is told by the call), nor a name holding
    a user's object made here (its class is told; `.flat` is its field)."""
    from .reshaped_writes import _other_bindings, name_values
    others, values = _other_bindings(fdef), name_values(fdef)

    def numpy_call(node):
        if not isinstance(node, S.Call):
            return False
        base, parts = node.func, []
        while isinstance(base, S.Attribute):
            parts.append(base.attr)
            base = base.value
        if not isinstance(base, S.Name) or base.id in values or base.id in others:
            return False
        obj = resolve(base.id)
        for attr in reversed(parts):
            obj = getattr(obj, attr, None)
        return obj is not None and (getattr(obj, "__module__", None) or "").startswith(
            "numpy") and callable(obj) and not isinstance(obj, type)

    def made(node, known):
        if isinstance(node, S.Name):
            return node.id in known or node.id in arrays
        if isinstance(node, S.BinOp):
            return made(node.left, known) or made(node.right, known)
        if isinstance(node, S.UnaryOp):
            return made(node.operand, known)
        if isinstance(node, S.Attribute) and node.attr == "T":
            return True
        if isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and \
                node.func.attr in _VIEW_METHODS:
            return True
        return numpy_call(node)

    args = fdef.args
    params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs
              if isinstance(a, S.Name)}
    known = {n for n in values if n not in arrays and n not in others and n not in params
             and n not in not_arrays}
    while True:
        kept = {n for n in known if all(made(v, known) for v in values[n])}
        if kept == known:
            return known
        known = kept


class _Flat(StatementRewriter, S.NodeTransformer):
    def __init__(self, module, arrays, names, maybe=frozenset()):
        self.module, self.arrays, self.names = module, arrays, names
        self.maybe, self.checked = maybe, None   # (checked: the maybe-names a statement reads)
        self.changed = False

    def numpy(self, attr, *args):
        return S.Call(func=S.Attribute(value=S.load(self.module), attr=attr, ctx=S.Load()),
                      args=list(args), keywords=[])

    def positions(self, base, index):
        """`np.arange(np.size(base))[index]`."""
        return S.Subscript(value=self.numpy("arange", self.numpy("size", S.load(base))),
                           slice=index, ctx=S.Load())

    def flat_of(self, node):
        """The name x of `x.flat[...]` where x surely holds an array, else None."""
        if isinstance(node, S.Subscript) and isinstance(node.value, S.Attribute) and \
                node.value.attr == "flat" and isinstance(node.value.value, S.Name):
            name = node.value.value.id
            if name in self.arrays:
                return name
            if name in self.maybe and self.checked is not None:
                self.checked.add(name)
                return name
        return None


    def statement(self, stmt):
        if isinstance(stmt, _SCOPES):
            return [stmt]
        self.checked = set() if isinstance(stmt, _SIMPLE) else None
        try:
            out = self._statement(stmt)
        finally:
            checked, self.checked = self.checked, None
        guards = []
        for name in sorted(checked or ()):   # the run checks it is an array (view_guard)
            guard = S.place_unplaced(S.Pass(), stmt)
            setattr(guard, S.VIEWS_OF, (name, name, "flat", stmt.lineno))
            guards.append(guard)
        return guards + out

    def _statement(self, stmt):
        target = stmt.targets[0] if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 \
            else stmt.target if isinstance(stmt, S.AugAssign) else None
        base = self.flat_of(target)
        if base is None:
            return [self.reads(stmt)]
        self.changed = True
        held, at = self.fresh(f"{base}_flat_value"), self.fresh(f"{base}_flat_index")
        new = [S.Assign(targets=[S.store(held)], value=self.reads(stmt.value),
                        type_comment=None),
               S.Assign(targets=[S.store(at)], value=self.positions(
                   base, self.reads(target.slice)), type_comment=None)]
        value = S.load(held)
        if isinstance(stmt, S.AugAssign):   # the items read, then op, then written
            value = S.BinOp(left=self.numpy("take", S.load(base), S.load(at)), op=stmt.op,
                            right=value)
        new.append(S.Expr(value=self.numpy("put", S.load(base), S.load(at), value)))
        for n in new:
            S.place_unplaced(n, stmt)
        return new

    def reads(self, node):
        """node with each `x.flat[idx]` it reads (outside nested scopes) rewritten."""
        return self.visit(node)

    def visit_Subscript(self, node):
        node = self.generic_visit(node)
        base = self.flat_of(node)
        if base is None or not isinstance(node.ctx, S.Load):
            return node
        self.changed = True
        new = self.numpy("take", S.load(base), self.positions(base, node.slice))
        S.place_unplaced(new, node)
        return new

    def visit_Lambda(self, node):
        return node

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef
