"""Which `name op= e` statements update an array another name may hold (stage 3, lower: called
by alias_groups.py). Takes a gast FunctionDef, a resolver of its free names and the parameters
known to hold lists, tuples, dicts or objects (`array_updates`); gives back the ids of the
augmented assignments `u op= e` whose name u is bound, on every path to them, to a value that
is an array unless the run shows otherwise.

`w = u; u += x; ... w ...`: for an array, `u += x` is NumPy's in-place operator, so the later
read of w sees the change; for a number it binds u anew and w keeps the old value; for a
list it extends the list. srcdiff lowers `u += x` as the rebinding `u = u + x`, so where a
name shares u it refused the update (or checked that u was a number). alias_groups turns
each statement found here into the item write it is for an array, `u[...] += x`, under a
check placed before it (runtime_checks.check_updated_array: an array of one or more
dimensions, else a located refusal), and follows it as it follows `u[::2] *= s`.

A name counts as an array from a binding (`u = e`, `u = w = e`) whose value is

  - a NumPy call that always makes an array (`numpy.array`, `numpy.copy`, `numpy.zeros`,
    ..., `numpy.where(c, a, b)`), given no `copy=`, `out=`, `like=` or `subok=`;
  - `.copy()` or `.astype(t)` of such a value or of a parameter not known to hold a list,
    tuple, dict or object (the derivative is made per kind of argument), or of arithmetic
    of such parameters and numbers (`(x + x).copy()`: a number's copy, or a list's, is
    refused by the check before the update);
  - arithmetic (not `@`) or a ufunc with such an operand, or `stop_gradient` of one;
  - a name counted as an array (`w = u`).

A statement that would have refused or raised unless u held an array counts too: `u.fill(v)`
and `u.sort()` (lowered as `u[...] = ...` after a check that u is an array), and
`numpy.copyto(u, v)`, `out=u` and a ufunc's outputs by position (NumPy raises otherwise).

A name unpacked from a tuple display (`a, b = numpy.copy(x), y`), or from a name bound to
one (`t = (y, numpy.copy(x))` then `p, q = t`), counts where its item does.

Any other binding of the name (a for target, a walrus, `with ... as`, `del`, a binding inside
`try`, `with` or `match`, which are not looked into) ends it; `u op= e` keeps it (an array is
changed in place). After `if` the names both branches keep count; in a loop, the names the
loop binds only from the point they are bound in its body. A reduction (`numpy.sum(x)`), a
parameter itself and arithmetic of parameters and numbers are not counted: those are numbers
as often as arrays, whose `+=` the lowering already follows.
"""
import numpy

from . import markers
from . import syntax as S
from .loop_rows import _stored

_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)
_OPS = (S.Add, S.Sub, S.Mult, S.Div)
_MAKERS = frozenset(getattr(numpy, n) for n in (
    "array", "copy", "zeros", "ones", "empty", "full", "zeros_like", "ones_like",
    "empty_like", "full_like", "arange", "linspace", "eye", "identity", "stack", "vstack",
    "hstack", "concatenate", "column_stack", "outer", "tile", "repeat", "diag", "where"))
_BARRED = ("copy", "out", "like", "subok", None)


def array_updates(fdef, resolve, not_arrays=()):
    """{id(statement)} of the updates `u op= e` (op one of + - * /) in `fdef`'s own body
    whose name u is surely bound to an array-making value there (see the module's
    docstring)."""
    kinds = _Kinds(fdef, resolve, not_arrays)
    kinds.block(fdef.body, kinds.start)
    return frozenset(kinds.found)


def _drop(known, names):
    """`known` without the names bound anew (as arrays, as the caller's arguments, or as
    tuples of arrays: `t#1`)."""
    names = set(names)
    return frozenset(k for k in known if k.lstrip("@").partition("#")[0] not in names)


class _Kinds:
    def __init__(self, fdef, resolve, not_arrays):
        self.resolve = resolve
        self.found = set()
        args = fdef.args
        self.params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs
                       if isinstance(a, S.Name)} - set(not_arrays)
        self.bound = _stored(S.Module(body=fdef.body, type_ignores=[]), True)
        self.outside = set()   # names a nested scope reads or a declaration names
        for n in list(S.walk(fdef))[1:]:
            if isinstance(n, _SCOPES):
                self.outside.update(m.id for m in S.walk(n) if isinstance(m, S.Name))
            elif isinstance(n, (S.Global, S.Nonlocal)):
                self.outside.update(n.names)
        self.start = frozenset("@" + p for p in self.params)   # still the caller's argument

    def block(self, stmts, known):
        for stmt in stmts:
            known = self.stmt(stmt, known)
        return known

    def stmt(self, stmt, known):
        if isinstance(stmt, S.Assign):
            names = [t.id for t in stmt.targets if isinstance(t, S.Name)]
            array = len(names) == len(stmt.targets) and self.array(stmt.value, known)
            items = self.items(stmt.value, known)
            known = _drop(known, _stored(stmt, True)) | self.proven(stmt.value, stmt)
            if len(stmt.targets) == 1 and isinstance(stmt.targets[0], (S.Tuple, S.List)):
                elts = stmt.targets[0].elts   # a, b = (new array, ...) or a tuple of them
                return known | {e.id for e, ok in zip(elts, items or ()) if ok and isinstance(
                    e, S.Name)} - self.outside if items and len(items) == len(elts) else known
            if items and len(names) == len(stmt.targets):
                known = known | {f"{n}#{i}" for n in set(names) - self.outside
                                 for i, ok in enumerate(items) if ok}
            return known | (set(names) - self.outside) if array else known
        if isinstance(stmt, S.Expr):
            return _drop(known, _stored(stmt, True)) | self.proven(stmt.value, stmt)
        if isinstance(stmt, S.AugAssign) and isinstance(stmt.target, S.Name):
            name = stmt.target.id
            known = _drop(known, _stored(stmt.value, True))
            if name in known and isinstance(stmt.op, _OPS):
                self.found.add(id(stmt))   # (an array stays one: changed in place)
            return known - {"@" + name}
        if isinstance(stmt, S.If):
            known = _drop(known, _stored(stmt.test, True))
            return self.block(stmt.body, known) & self.block(stmt.orelse, known)
        if isinstance(stmt, (S.For, S.While)):
            inner = _drop(known, _stored(stmt, False) | (
                _stored(stmt.iter, True) if isinstance(stmt, S.For) else set()))
            self.block(stmt.body, inner)
            self.block(stmt.orelse, inner)
            return inner
        return _drop(known, _stored(stmt, True))   # try, with, match, def, ...: not looked into

    def array(self, node, known):
        """Whether `node` makes an array unless the run shows otherwise."""
        if isinstance(node, S.Name):
            return node.id in known
        if isinstance(node, S.BinOp):
            return not isinstance(node.op, S.MatMult) and (
                self.array(node.left, known) or self.array(node.right, known))
        if isinstance(node, S.UnaryOp):
            return isinstance(node.op, (S.USub, S.UAdd)) and self.array(node.operand, known)
        if not isinstance(node, S.Call) or any(k.arg in _BARRED for k in node.keywords) or \
                any(isinstance(a, S.Starred) for a in node.args):
            return False
        func = self.callee(node.func)
        if func is None and isinstance(node.func, S.Attribute) and \
                node.func.attr in ("copy", "astype"):   # x.copy(), x.astype(t)
            base = node.func.value
            return len(node.args) == (node.func.attr == "astype") and (
                self.arguments_arithmetic(base, known) or self.array(base, known))
        if func is numpy.where:
            return len(node.args) == 3
        if func in _MAKERS:
            return True
        if isinstance(func, numpy.ufunc) or func is markers.stop_gradient:
            return any(self.array(a, known) for a in node.args)
        return False

    def arguments_arithmetic(self, node, known):
        """A parameter still the caller's argument, or arithmetic (not `@`) of such
        parameters, numbers and arrays (`(x + x).copy()`): an array, a number or a
        sequence, which the check before the update tells apart."""
        if isinstance(node, S.Name):
            return "@" + node.id in known or node.id in known
        if isinstance(node, S.Constant):
            return type(node.value) in (int, float)
        if isinstance(node, S.BinOp):
            return not isinstance(node.op, S.MatMult) and \
                self.arguments_arithmetic(node.left, known) and \
                self.arguments_arithmetic(node.right, known) and not (
                    isinstance(node.left, S.Constant) and isinstance(node.right, S.Constant))
        if isinstance(node, S.UnaryOp):
            return isinstance(node.op, (S.USub, S.UAdd)) and \
                self.arguments_arithmetic(node.operand, known)
        return self.array(node, known)

    def items(self, node, known):
        """For a tuple display, or a name bound to one (`t#i` in known): whether each item
        is an array as above (a list of them, None where node is neither)."""
        if isinstance(node, S.Tuple) and not any(isinstance(e, S.Starred) for e in node.elts):
            return [self.array(e, known) for e in node.elts]
        if isinstance(node, S.Name) and any(k.startswith(node.id + "#") for k in known):
            n = 1 + max(int(k.partition("#")[2]) for k in known if
                        k.startswith(node.id + "#"))
            return [f"{node.id}#{i}" in known for i in range(n)]
        return None

    def proven(self, call, stmt):
        """The names a call shows to hold arrays once it has run (those it writes into:
        `u.fill(v)` and `u.sort()`, lowered as `u[...] = ...` after a check that u is an array,
        out_writes.py; `numpy.copyto(u, v)`, `out=u`, a ufunc's outputs by position, which
        NumPy refuses unless u is an array); not those `stmt` binds anew."""
        if not isinstance(call, S.Call):
            return set()
        func, out = call.func, []
        if isinstance(func, S.Attribute) and func.attr in ("fill", "sort") and \
                self.callee(func) is None:
            out.append(func.value)
        else:
            obj = self.callee(func)
            if obj is numpy.copyto and call.args:
                out.append(call.args[0])
            if isinstance(obj, numpy.ufunc):
                out += call.args[obj.nin:]
            if isinstance(obj, numpy.ufunc) or (getattr(obj, "__module__", None) or "").startswith(
                    "numpy"):
                out += [k.value for k in call.keywords if k.arg == "out"]
        names = {n.id for n in out if isinstance(n, S.Name)}
        return names - self.outside - _stored(stmt, True)

    def callee(self, node):
        """The object a dotted name of a module-level value resolves to, else None."""
        base, rest = node, []
        while isinstance(base, S.Attribute):
            rest.append(base.attr)
            base = base.value
        if not isinstance(base, S.Name) or base.id in self.bound | self.params:
            return None
        obj = self.resolve(base.id)
        for attr in reversed(rest):
            obj = getattr(obj, attr, None)
        try:
            hash(obj)
        except TypeError:
            return None
        return obj
