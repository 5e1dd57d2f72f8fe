"""Writes through a transposed or reshaped view of a local array, made writes of the array
itself (stage 3, lower: called by source_rewrites.py, before view_writes). Takes a gast
FunctionDef and a resolver of its free names (`rewrite`); gives back a copy where each such
write is rewritten, or the same FunctionDef where there is none.

`y.T[0] += v` changes y: `y.T` is a view of y. srcdiff gives a write only to a name it owns,
so such a write was refused. For y a name surely holding an array (`surely_arrays`: a parameter not known to hold a
list, tuple, dict or object, or a name bound only to values that surely make arrays), the
statement

    y.T[idx] op= v          (also `y.transpose()[idx]`, `numpy.transpose(y)[idx]`)

becomes

    y_view_value = v              (v first, as Python evaluates it first in `a[i] = v`)
    y_view = y.T.copy()
    y_view[idx] op= y_view_value
    y[...] = y_view.T

the same values of y, written in place (so other names holding y see them, as in Python;
aliasing.py follows `y[...] = ...` as it follows any write into y). A reshape is a view only
where NumPy can make one (`y.reshape(s)`, `numpy.reshape(y, s)`, `y.ravel()`): it becomes

    y_view = y.reshape(s).copy()
    y_view[idx] op= y_view_value
    if numpy.shares_memory(y.reshape(s), y):
        y[...] = y_view.reshape(y.shape)

so where the reshape is a copy (a transposed or strided y), y keeps its values, as in
Python, where the write went into that copy. The reshape's arguments are read twice: they
must be constants or names (the same values both times). Needs a name holding the numpy
module (`np`, `numpy`) among the function's globals for shares_memory; without one the
reshaped write stays as written (refused, located, by the lowering).

Left as written: the write of a name the function does not bind (a module-level array), of
a name that may hold an object (`h.T[0] = v` of a record with a field T),
`numpy.transpose(y, axes)`, and anything inside nested scopes.
"""
from . import syntax as S

_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)


def needed(fdef):
    """Whether `fdef` holds an item write into a view's expression (`y.T[0] = v`,
    `y.reshape(2, 3)[i] += v`): the only statements this module rewrites."""
    for n in S.walk(fdef):
        target = n.targets[0] if isinstance(n, S.Assign) and len(n.targets) == 1 else \
            n.target if isinstance(n, S.AugAssign) else None
        if isinstance(target, S.Subscript) and _viewing(target.value):
            return True
    return False


def _viewing(node):
    """`y.T`, or a call of a function or method named transpose, reshape or ravel: what
    `_Writes.view` may take for a view (`self.w[0] = v` is not)."""
    if isinstance(node, S.Attribute):
        return node.attr == "T"
    return isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and \
        node.func.attr in ("transpose", "reshape", "ravel")


def rewrite(fdef, resolve, not_arrays=()):
    """`fdef`, or a copy with the writes of the docstring rewritten. `not_arrays`: the
    parameters known to hold lists, tuples, dicts or objects."""
    if not needed(fdef):
        return fdef
    tree = S.clone(fdef)
    names = {n.id for n in S.walk(tree) if isinstance(n, S.Name)}
    bound = {n.id for n in S.walk(tree) if isinstance(n, S.Name) and
             not isinstance(n.ctx, S.Load)}   # (stored, deleted, a parameter)
    pass_ = _Writes(resolve, surely_arrays(tree, resolve, set(not_arrays)), names, bound)
    tree.body = pass_.block(tree.body)
    return tree if pass_.changed else fdef


def surely_arrays(fdef, resolve, not_arrays):
    """The names that hold an array wherever they are read: parameters not known to hold
    something else, and names every binding of which (an assignment to the name alone, or
    `name op= e`, which keeps an array one) surely makes an array by loop_rows' rule (a NumPy
    call making a new array, arithmetic with an array, `.copy()` of one), of those names. A
    name bound otherwise (a loop's target, unpacking, `with`, a nested scope) is not one."""
    from .loop_rows import _Rows
    rows = _Rows(fdef, resolve)
    args = fdef.args
    params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs
              if isinstance(a, S.Name)} - set(not_arrays)
    values = name_values(fdef)
    others = _other_bindings(fdef)
    arrays = {p for p in params if p not in values and p not in others}
    return grown_arrays(arrays, values, others, not_arrays, rows)


def name_values(fdef):
    """{name: the values assigned to it alone (`name = value`)}, over the whole function."""
    values = {}
    for n in S.walk(fdef):
        if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], S.Name):
            values.setdefault(n.targets[0].id, []).append(n.value)
    return values


def grown_arrays(arrays, values, others, not_arrays, rows):
    """`arrays` and the names every value of which surely makes an array of them (loop_rows'
    rule, `rows`), bound no other way (`others`) and not among `not_arrays`, to a fixpoint."""
    while True:
        more = {name for name, vals in values.items()
                if name not in arrays and name not in others and name not in not_arrays and
                all(rows.array(v, arrays) for v in vals)}
        if not more:
            return arrays
        arrays |= more


def _other_bindings(fdef):
    """Names bound by anything but `name = e` and `name op= e`, or inside a nested scope."""
    out = set()
    for n in S.walk(fdef):
        if n is fdef:
            continue
        if isinstance(n, _SCOPES):
            out |= {m.id for m in S.walk(n) if isinstance(m, S.Name)}
            continue
        if isinstance(n, S.Assign) and not (len(n.targets) == 1 and
                                            isinstance(n.targets[0], S.Name)):
            out |= {m.id for t in n.targets for m in S.walk(t) if isinstance(m, S.Name) and
                    isinstance(m.ctx, S.Store)}   # (not y of y[i] = v: y is read)
        elif isinstance(n, (S.For, S.comprehension)):
            out |= {m.id for m in S.walk(n.target) if isinstance(m, S.Name)}
        elif isinstance(n, (S.withitem,)) and n.optional_vars is not None:
            out |= {m.id for m in S.walk(n.optional_vars) if isinstance(m, S.Name)}
        elif isinstance(n, (S.NamedExpr, S.AnnAssign)):
            out |= {m.id for m in S.walk(n.target) if isinstance(m, S.Name)}
        elif isinstance(n, (S.Global, S.Nonlocal)):
            out |= set(n.names)
        elif isinstance(n, S.Delete):
            out |= {m.id for t in n.targets for m in S.walk(t) if isinstance(m, S.Name)}
        elif isinstance(n, S.ExceptHandler) and n.name is not None:
            out.add(n.name.id if isinstance(n.name, S.Name) else n.name)
    return out


class StatementRewriter:
    """A rewrite of a function's statements, one at a time, into nested blocks but not into
    nested scopes (flat_items' rewrite is one too): `statement(stmt)` gives the statements
    in its place (None: itself); `fresh` names a new temporary, none of `self.names`."""

    def fresh(self, stem):
        name, i = stem, 1
        while name in self.names:
            i += 1
            name = f"{stem}_{i}"
        self.names.add(name)
        return name

    def block(self, stmts):
        out = []
        for stmt in stmts:
            for field in ("body", "orelse", "finalbody"):
                if not isinstance(stmt, _SCOPES) and isinstance(getattr(stmt, field, None), list):
                    setattr(stmt, field, self.block(getattr(stmt, field)))
            for handler in getattr(stmt, "handlers", None) or []:
                handler.body = self.block(handler.body)
            out += self.statement(stmt) or [stmt]
        return out


class _Writes(StatementRewriter):
    def __init__(self, resolve, arrays, names, bound):
        self.resolve = resolve
        self.arrays = arrays
        self.names = names
        self.bound = bound
        self.changed = False

    def statement(self, stmt):
        if isinstance(stmt, S.Assign) and len(stmt.targets) == 1:
            target, value, op = stmt.targets[0], stmt.value, None
        elif isinstance(stmt, S.AugAssign):
            target, value, op = stmt.target, stmt.value, stmt.op
        else:
            return None
        if not isinstance(target, S.Subscript):
            return None
        view = self.view(target.value)
        if view is None:
            return None
        base, make, back, module = view
        self.changed = True
        held = self.fresh(f"{base}_view_value")
        copy = self.fresh(f"{base}_view")
        item = S.Subscript(value=S.load(copy), slice=S.clone(target.slice), ctx=S.Store())
        write = S.Assign(targets=[item], value=S.load(held), type_comment=None) if op is None \
            else S.AugAssign(target=item, op=op, value=S.load(held))
        new = [S.Assign(targets=[S.store(held)], value=value, type_comment=None),
               S.Assign(targets=[S.store(copy)], value=_method(make(), "copy"),
                        type_comment=None),
               write]
        whole = S.Subscript(value=S.load(base), slice=S.const(Ellipsis), ctx=S.Store())
        store = S.Assign(targets=[whole], value=back(S.load(copy)), type_comment=None)
        if module is None:
            new.append(store)
        else:   # a reshape: written back only where it is a view of y
            shares = S.Call(func=S.Attribute(value=S.load(module), attr="shares_memory",
                                             ctx=S.Load()),
                            args=[make(), S.load(base)], keywords=[])
            new.append(S.If(test=shares, body=[store], orelse=[]))
        for n in new:
            S.place_unplaced(n, stmt)
        return new

    def view(self, node):
        """(y, a maker of the view's expression, a maker of `y[...]`'s value from the
        written copy, the numpy module's name for a reshape else None), or None."""
        if isinstance(node, S.Attribute) and node.attr == "T" and self._local(node.value):
            y = node.value.id
            return y, lambda: S.Attribute(value=S.load(y), attr="T", ctx=S.Load()), \
                lambda c: S.Attribute(value=c, attr="T", ctx=S.Load()), None
        if not isinstance(node, S.Call) or node.keywords or \
                any(isinstance(a, S.Starred) for a in node.args):
            return None
        func = node.func
        if isinstance(func, S.Attribute) and self._local(func.value):
            y = func.value.id
            if func.attr == "transpose" and not node.args:
                return y, lambda: _method(S.load(y), "transpose"), \
                    lambda c: S.Attribute(value=c, attr="T", ctx=S.Load()), None
            if func.attr in ("reshape", "ravel") and _plain(node.args) and \
                    (func.attr == "reshape") == bool(node.args):
                args = node.args
                return self._reshaped(y, lambda: _method(S.load(y), func.attr, args))
            return None
        numpy_name = self._numpy_name(func)
        if numpy_name is None or not node.args or not self._local(node.args[0]):
            return None
        y, rest = node.args[0].id, node.args[1:]
        if func.attr == "transpose" and not rest:
            return y, lambda: S.Call(func=S.clone(func), args=[S.load(y)], keywords=[]), \
                lambda c: S.Attribute(value=c, attr="T", ctx=S.Load()), None
        if func.attr == "reshape" and len(rest) == 1 and _plain(rest):
            return self._reshaped(y, lambda: _method(S.load(y), "reshape", rest))
        return None

    def _reshaped(self, y, make):
        module = self._numpy_module()
        if module is None:
            return None
        shape = S.Attribute(value=S.load(y), attr="shape", ctx=S.Load())
        return y, make, lambda c: _method(c, "reshape", [shape]), module

    def _local(self, node):
        """A name surely holding an array (surely_arrays)."""
        return isinstance(node, S.Name) and node.id in self.arrays

    def _numpy_name(self, func):
        """`func`'s module name where it is `numpy.transpose` or `numpy.reshape` read from a
        global name holding numpy (not a local)."""
        import numpy
        if isinstance(func, S.Attribute) and func.attr in ("transpose", "reshape") and \
                isinstance(func.value, S.Name) and func.value.id not in self.bound and \
                self.resolve(func.value.id) is numpy:
            return func.value.id
        return None

    def _numpy_module(self):
        import numpy
        for name in ("np", "numpy"):
            if name not in self.bound and self.resolve(name) is numpy:
                return name
        return None


def _plain(args):
    """Arguments read twice to the same values: constants, names, tuples of them."""
    def ok(a):
        if isinstance(a, (S.Constant, S.Name)):
            return True
        if isinstance(a, S.UnaryOp) and isinstance(a.operand, S.Constant):
            return True   # -1
        return isinstance(a, (S.Tuple, S.List)) and all(ok(e) for e in a.elts)
    return all(ok(a) for a in args)


def _method(value, name, args=()):
    return S.Call(func=S.Attribute(value=value, attr=name, ctx=S.Load()),
                  args=[S.clone(a) for a in args], keywords=[])
