"""NumPy's maps of a function over arrays, written as the loops they mean (stage 3, lower:
called by source_rewrites.counted_rewrite; coverage.py reads MAPPED). Takes the user's
`Source`, the FunctionDef to lower (gast) and the resolver of its free names (`rewrite`);
gives back the FunctionDef (a rewritten copy, or the same one where no map is in it) and the
resolver (a copy knowing the name the written loops reach NumPy by, where it needed one), or
raises a located refusal.

Each call is taken out of its statement into statements before it, which keep its line (so
the adjoint's comments quote the user's line), and a fresh name takes its place (the user's
own name where the statement only binds the map's result to it: a write into y is then one
into a new array, not through an alias of srcdiff's name):

    y = np.vectorize(g)(x)                # g applied to each item, as Python floats:
    #   dtype_0 = numpy.asarray(g(numpy.ravel(x)[0])).dtype
    #   items_0 = [g(item_0) for item_0 in numpy.ravel(x).tolist()]
    #   y = numpy.copy(numpy.array(items_0).astype(dtype_0).reshape(numpy.shape(x)))

* `np.vectorize(g)(a, b, k=c)`, a name bound once to `np.vectorize(g, otypes=[float])`, a
  def of the body decorated `@np.vectorize`, or a module-level vectorized function (its
  `pyfunc` called): the arguments broadcast together (`numpy.broadcast_shapes`,
  `numpy.broadcast_to`), g called on the items of each in turn, the results made an array
  of the dtype vectorize gives (otypes', else that of g on the first items as NumPy scalars,
  which vectorize calls it on first) and of the broadcast shape;
* `np.apply_along_axis(g, axis, A, *args, **kw)`: the axis moved last, g called on each
  1-D slice with the arguments (evaluated once, as NumPy does), the results stacked in the
  first one's dtype and their axes put where the slices' axis was;
* `np.piecewise(x, [c0, c1], [g0, g1, v])` (the lists written as displays): NumPy's own
  steps, the conditions as one boolean array (their shape checked: each must be x's), the
  "otherwise" condition where one function more is given, and for each in turn
  `out[cond] = g(x[cond], *args)` where a value is selected (a constant is stored as it is);
* `np.apply_over_axes(g, A, axes)` (axes constant): g(A, axis) for each axis, its result
  given the axis back (`numpy.expand_dims`) where g dropped it;
* `np.frompyfunc(g, nin, 1)(...)` (called where made, or a name bound once to it): as
  vectorize, the result an array of Python objects (dtype object; a 0-d one unwrapped into
  its item, as a ufunc of objects gives back).

srcdiff then differentiates those loops like any other, in both modes and to any order.
Refused at the call's line: a function that writes into the slice it is given (NumPy's
slices are views of A) or declares `global` / `nonlocal` (its reads could change between
items), vectorize's `signature=` / `excluded=` and several otypes, a map inside a lambda,
comprehension, conditional expression, `and`/`or` or a while test (not evaluated once, where
the statement is), and a map after a call of the user's in the same statement (taking it
out would run it first: bind that call to a name on the line before).
"""
import builtins
import copy
import types

import numpy

from . import numpy_maps_write
from . import syntax as S
from .callables import ARRAY_METHODS
from .numpy_maps_write import is_constant

NAMES = ("vectorize", "apply_along_axis", "piecewise", "apply_over_axes",
         "frompyfunc")   # (source_rewrites._MAPS)
MAPPED = tuple(f"numpy.{n}" for n in NAMES)   # their rows of coverage.py
_SAFE_MODULES = ("numpy", "math", "cmath", "scipy.special")
_SAFE_BUILTINS = {"len", "abs", "float", "int", "range", "min", "max", "sum", "zip", "list",
                  "tuple", "round", "pow", "bool", "complex", "enumerate", "isinstance"}
_LAZY = (S.Lambda, S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp, S.IfExp, S.BoolOp)
_HINT = ("bind the map's result to a name on a line of its own, before this one (a for loop "
         "in place of a comprehension, an if statement in place of a conditional expression)")


def rewrite(source, fdef, resolver):
    """(FunctionDef, resolver) with each map above written as its loop; `fdef` and
    `resolver` themselves where there is none."""
    lookup = (lambda name: resolver.lookup(name, None))
    maps = _Maps(source, S.clone(fdef), lookup)
    if not maps.run():
        return fdef, resolver
    if maps.np_cell is not None:
        resolver = copy.copy(resolver)
        resolver.cells = dict(resolver.cells)
        resolver.cells[maps.np_name] = types.CellType(numpy)
    return maps.tree, resolver


def _placed(stmts, old):
    """`stmts` (quoted: positions of their own text) placed at `old`'s line and column."""
    for stmt in stmts:
        for n in S.walk(stmt):
            if isinstance(n, (S.stmt, S.expr)):
                n.lineno, n.col_offset = old.lineno, old.col_offset
                n.end_lineno = getattr(old, "end_lineno", old.lineno)
                n.end_col_offset = getattr(old, "end_col_offset", old.col_offset)
    return stmts


class _Maps:
    def __init__(self, source, tree, lookup):
        self.src, self.tree, self.lookup = source, tree, lookup
        self.taken = {n.id for n in S.walk(tree) if isinstance(n, S.Name)}
        self.taken |= {n.name for n in S.walk(tree) if isinstance(n, S.FunctionDef)}
        stores = [n.id for n in S.walk(tree) if isinstance(n, S.Name)
                  and not isinstance(n.ctx, S.Load)]
        stores += [n.name for n in S.walk(tree) if isinstance(n, S.FunctionDef)
                   and n is not tree]
        self.stored = {n: stores.count(n) for n in set(stores)}
        self.local_defs = {n.name: n for n in S.walk(tree) if isinstance(n, S.FunctionDef)
                           and n is not tree}
        self.vectorized = {}   # local name -> (function expression, otypes node or None)
        self.np_name, self.np_cell = None, None
        self.changed = False
        self.made = set()   # the names fresh() made

    # names ------------------------------------------------------------------------
    def fresh(self, base):
        k = 0
        while f"{base}_{k}" in self.taken:
            k += 1
        self.taken.add(f"{base}_{k}")
        self.made.add(f"{base}_{k}")
        return f"{base}_{k}"

    def numpy_name(self):
        """The name the written loops reach NumPy by: `numpy` where it means NumPy here
        (or nothing) and the function binds no such name, else a fresh one (a cell of the
        resolver's copy)."""
        if self.np_name is None:
            if self.lookup("numpy") is numpy and "numpy" not in self.stored:
                self.np_name = "numpy"
            else:
                self.np_name = self.fresh("numpy")
                self.np_cell = True
        return self.np_name

    def obj(self, node):
        """The object a name or attribute path of a free name means, or None."""
        parts = []
        while isinstance(node, S.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, S.Name) or node.id in self.stored or node.id == self.tree.name:
            return None
        value = self.lookup(node.id)
        for attr in reversed(parts):
            try:
                value = getattr(value, attr)
            except Exception:
                return None
        return value

    def error(self, node, reason, hint=_HINT):
        return self.src.error(node, reason, hint=hint)

    # the pass -------------------------------------------------------------------------
    def run(self):
        self.local_vectorized(self.tree)
        self.block(self.tree.body)
        return self.changed

    def local_vectorized(self, tree):
        """`h = np.vectorize(g, ...)` bound once, and defs decorated `@np.vectorize`, where h
        is only ever called: h becomes `g` (the def loses its decorator) and its calls are
        mapped."""
        loads = {}
        for n in S.walk(tree):
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Load):
                loads.setdefault(n.id, []).append(n)
        called = {id(n.func) for n in S.walk(tree) if isinstance(n, S.Call)}
        for n in S.walk(tree):
            if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(
                    n.targets[0], S.Name) and isinstance(n.value, S.Call) and \
                    self.obj(n.value.func) in (numpy.vectorize, numpy.frompyfunc):
                name = n.targets[0].id
                if self.stored.get(name) == 1 and all(id(r) in called for r in loads.get(
                        name, [])):
                    fn, otypes = self.vectorize_parts(n.value)
                    self.vectorized[name] = (S.load(name), otypes, getattr(
                        n.value, "sd_inputs", None))
                    n.value = fn
                    self.changed = True
            elif isinstance(n, S.FunctionDef) and n is not tree and any(
                    self.obj(d) is numpy.vectorize for d in n.decorator_list):
                if len(n.decorator_list) != 1 or self.stored.get(n.name) != 1 or not all(
                        id(r) in called for r in loads.get(n.name, [])):
                    raise self.error(n, f"srcdiff follows the vectorized def {n.name!r} only "
                                     "where it is its only decorator and it is only called",
                                     hint="call np.vectorize(g)(x) where it is needed")
                n.decorator_list = []
                self.vectorized[n.name] = (S.load(n.name), None, None)
                self.changed = True

    def vectorize_parts(self, call):
        """(function expression, otypes node or None) of `np.vectorize(g, ...)`; of
        `np.frompyfunc(g, nin, 1)`, (g, 'O'), nin noted on the call (`sd_inputs`)."""
        if self.obj(call.func) is numpy.frompyfunc:
            return self.frompyfunc_parts(call)
        if len(call.args) != 1 or any(isinstance(a, S.Starred) for a in call.args):
            raise self.error(call, "srcdiff follows np.vectorize(g) given the function by "
                             "position", hint="write np.vectorize(g) or np.vectorize(g, "
                             "otypes=[float])")
        otypes = None
        for k in call.keywords:
            if k.arg == "otypes":
                otypes = self.one_otype(k.value, call)
            elif k.arg not in ("doc", "cache"):
                raise self.error(call, f"srcdiff does not follow np.vectorize's {k.arg}=",
                                 hint="call the function on the slices in a loop")
        return call.args[0], otypes

    def frompyfunc_parts(self, call):
        named = {k.arg: k.value for k in call.keywords}
        parts = list(call.args) + [named.get(k) for k in ("func", "nin", "nout")[
            len(call.args):]]
        if len(parts) != 3 or None in parts or any(isinstance(a, S.Starred) for a in parts) \
                or set(named) - {"func", "nin", "nout", "identity"} or \
                numpy_maps_write.int_of(parts[2]) != 1 or \
                not isinstance(numpy_maps_write.int_of(parts[1]), int):
            raise self.error(call, "srcdiff follows np.frompyfunc(g, nin, 1) of one output, "
                             "nin and nout written as numbers", hint="write np.vectorize(g)")
        call.sd_inputs = numpy_maps_write.int_of(parts[1])
        return parts[0], S.const("O")

    def one_otype(self, node, call):
        if isinstance(node, S.Constant) and isinstance(node.value, str) and len(
                node.value) == 1:
            return node
        if isinstance(node, (S.List, S.Tuple)) and len(node.elts) == 1:
            return node.elts[0]
        raise self.error(call, "srcdiff follows np.vectorize with one output type, written "
                         "as a list of one type or a one-letter string",
                         hint="write otypes=[float]")

    def block(self, stmts):
        out = []
        for stmt in stmts:
            for field in ("body", "orelse", "finalbody"):
                if isinstance(getattr(stmt, field, None), list):
                    self.block(getattr(stmt, field))
            for handler in getattr(stmt, "handlers", []) or []:
                self.block(handler.body)
            out.extend(self.statement(stmt))
        stmts[:] = out

    def statement(self, stmt):
        """[statements before `stmt`] + [stmt], its maps taken out."""
        self.before, self.unsafe = [], None
        if isinstance(stmt, (S.Assign, S.AnnAssign)) and stmt.value is not None:
            stmt.value = self.expr(stmt.value)
            self.lazy_only(stmt.targets if isinstance(stmt, S.Assign) else [stmt.target])
        elif isinstance(stmt, S.AugAssign):
            stmt.target = self.expr(stmt.target)
            stmt.value = self.expr(stmt.value)
        elif isinstance(stmt, (S.Return, S.Expr)) and stmt.value is not None:
            stmt.value = self.expr(stmt.value)
        elif isinstance(stmt, S.If):
            stmt.test = self.expr(stmt.test)
        elif isinstance(stmt, S.For):
            stmt.iter = self.expr(stmt.iter)
            self.lazy_only([stmt.target])
        elif not isinstance(stmt, S.FunctionDef):
            for field in ("test", "value", "items", "exc", "cause", "targets"):
                self.lazy_only([getattr(stmt, field, None)])
        if self.before:
            self.changed = True
        if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], S.Name) and isinstance(stmt.value, S.Name) and \
                stmt.value.id in self.made and not any(
                    isinstance(n, S.Name) and n.id == stmt.targets[0].id
                    for b in self.before for n in S.walk(b)):
            # `y = np.vectorize(g)(x)`: the statements make y itself, not a name of srcdiff's
            # y would then be an alias of (a write into y refused, naming srcdiff's name)
            return S.renamed(self.before, {stmt.value.id: stmt.targets[0].id})
        return self.before + [stmt]

    def lazy_only(self, nodes):
        """Refuse a map in parts of a statement not evaluated once, where it is."""
        for node in nodes:
            if node is None:
                continue
            for n in S.walk(node) if not isinstance(node, list) else [
                    m for x in node for m in S.walk(x)]:
                if isinstance(n, S.Call) and self.kind(n) is not None:
                    raise self.error(n, "srcdiff takes NumPy's maps of a function out of "
                                     "their statement, and this one is not evaluated once, "
                                     "where the statement is")

    def expr(self, node):
        if isinstance(node, _LAZY):
            self.lazy_only([node])
            self.note_calls(node)
            return node
        outer = self.unsafe   # (a call in the map's own arguments moves out with it)
        for field, value in S.iter_fields(node):
            if isinstance(value, list):
                setattr(node, field, [self.expr(v) if isinstance(v, S.AST) else v
                                      for v in value])
            elif isinstance(value, S.AST):
                setattr(node, field, self.expr(value))
        if isinstance(node, S.Call):
            kind = self.kind(node)
            if kind is not None:
                if outer is not None:
                    raise self.error(node, "srcdiff takes NumPy's maps of a function out of "
                                     "their statement, and a call before it in the statement "
                                     f"({S.spell(outer.func)}) would then run after it",
                                     hint="bind that call's result to a name on the line "
                                     "before")
                self.unsafe = None
                return self.lowered(kind, node)
            self.note_calls(node, top=True)
        return node

    def note_calls(self, node, top=False):
        """Remember the first call of `node` that may have effects (not NumPy's or math's,
        nor a pure builtin or an array method); a lambda's body runs where it is called."""
        for n in [node] if top else _eager(node):
            if not isinstance(n, S.Call) or self.unsafe is not None:
                continue
            obj = self.obj(n.func)
            module = getattr(obj, "__module__", None) or ""
            if isinstance(obj, numpy.ufunc) and getattr(numpy, obj.__name__, None) is obj \
                    or obj is not None and module.split(".")[
                    0] in _SAFE_MODULES and not module.startswith("numpy.random"):
                continue
            if isinstance(n.func, S.Name) and n.func.id in _SAFE_BUILTINS and \
                    obj is getattr(builtins, n.func.id):
                continue
            if obj is None and isinstance(n.func, S.Attribute) and n.func.attr in \
                    ARRAY_METHODS:
                continue
            self.unsafe = n

    def kind(self, call):
        func = call.func
        if isinstance(func, S.Call) and self.obj(func.func) in (numpy.vectorize,
                                                                numpy.frompyfunc):
            return "vectorize"
        if isinstance(func, S.Name) and func.id in self.vectorized:
            return "vectorize"
        obj = self.obj(func)
        if isinstance(obj, numpy.vectorize):
            return "vectorize"
        for name in NAMES[1:-1]:
            if obj is getattr(numpy, name):
                return name
        return None


    # pieces of the written loops ------------------------------------------------------
    def bind(self, node, base):
        """`node` where it is a name or a constant, else a fresh name bound to it before."""
        if isinstance(node, S.Name) or is_constant(node):
            return node
        name = self.fresh(base)
        self.before += _placed([S.Assign(targets=[S.store(name)], value=node,
                                         type_comment=None)], node)
        return S.load(name)

    def function(self, node, base):
        """A name or attribute path calling the function `node` means (a lambda or another
        expression bound to a fresh name first)."""
        probe = node
        while isinstance(probe, S.Attribute):
            probe = probe.value
        return node if isinstance(probe, S.Name) else self.bind(node, base)

    def quoted(self, text, call, **subs):
        stmts = S.quote(text, NP=self.numpy_name(), **subs)
        self.before += _placed(stmts, call)

    def builtin(self, name, call):
        if name in self.stored or self.lookup(name) is not getattr(builtins, name):
            raise self.error(call, f"srcdiff writes this map with the builtin {name}, which "
                             "the function rebinds", hint=f"rename the other {name}")

    def lowered(self, kind, call):
        """The statements computing `call` appended to self.before; the name holding it."""
        return getattr(numpy_maps_write, kind)(self, call)


def _eager(node):
    """The nodes under `node` but those of a lambda's body (not run where it is written)."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        if not isinstance(n, S.Lambda):
            todo.extend(S.iter_child_nodes(n))
