"""getattr and setattr given a name known where the code is compiled, made attribute reads
and writes (stage 3, lower: called by source_rewrites.py, after reshaped_writes). Takes a
gast FunctionDef, a resolver of its free names and the classes of the parameters
(`rewrite`); gives back a copy with the calls below rewritten, or the same FunctionDef where
there is none.

* `getattr(p, "w")` is `p.w`, and `setattr(p, "w", v)`, a statement, is `p.w = v`: the
  lowering then follows them as it follows the attribute (a field of a record, a named
  tuple's field, an array's `.T`) or refuses them, located, as it refuses the attribute.
* `for name in p._fields: ... getattr(p, name) ...`, where p's class is known here (a
  named tuple class read from a global name, `P._fields`, or p a parameter whose class the
  call gives, or a local bound once to `P(...)`): the loop is unrolled, one copy of its body
  per field, `name = "w"` first, so each getattr(p, name) and setattr(p, name, v) of the
  body is `p.w` and `p.w = v`; the same for a loop over a display of strings (`for name in
  ("w", "b"):`). A body that breaks, continues, binds `name` again, or a loop with an else,
  is left as written, and so is a loop whose body gives name to no getattr or setattr.

getattr with a default (`getattr(p, "w", None)`) and names computed otherwise stay as
written: refused at the call, located, with what to write instead.
"""
import builtins

from . import syntax as S

_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)


def rewrite(fdef, resolve, known_types=None):
    """`fdef`, or a copy with getattr/setattr of known names rewritten (see the docstring)."""
    if not (_is_builtin(resolve, "getattr") or _is_builtin(resolve, "setattr")):
        return fdef
    tree = S.clone(fdef)
    local = {n.id for n in S.walk(tree) if isinstance(n, S.Name) and
             not isinstance(n.ctx, S.Load)}   # (bound: stored, a parameter, deleted)
    if {"getattr", "setattr"} & local:
        return fdef
    pass_ = _Names(resolve, dict(known_types or {}), tree)
    tree.body = pass_.block(tree.body)
    return tree if pass_.changed else fdef


def _is_builtin(resolve, name):
    return resolve(name) is getattr(builtins, name)


class _Names:
    def __init__(self, resolve, known_types, tree):
        self.resolve = resolve
        self.known = known_types
        self.changed = False
        self.made = _made_once(tree)
        self.made.resolve = resolve

    def block(self, stmts):
        out = []
        for stmt in stmts:
            unrolled = self.unroll(stmt) if isinstance(stmt, S.For) else None
            if unrolled is not None:
                out += self.block(unrolled)
                continue
            for field in ("body", "orelse", "finalbody"):
                if not isinstance(stmt, _SCOPES) and isinstance(getattr(stmt, field, None), list):
                    setattr(stmt, field, self.block(getattr(stmt, field)))
            for handler in getattr(stmt, "handlers", None) or []:
                handler.body = self.block(handler.body)
            out.append(self.statement(stmt))
        return out

    def statement(self, stmt):
        if isinstance(stmt, S.Expr) and _call_of(stmt.value, "setattr", 3):
            obj, name, value = stmt.value.args
            if isinstance(name, S.Constant) and _plain_name(name.value):
                self.changed = True
                target = S.Attribute(value=obj, attr=name.value, ctx=S.Store())
                new = S.Assign(targets=[target], value=self.expression(value), type_comment=None)
                S.place_unplaced(new, stmt)
                return new
        if isinstance(stmt, _SCOPES):
            return stmt
        return _Reads(self).visit(stmt)

    def expression(self, node):
        return _Reads(self).visit(node)

    def unroll(self, loop):
        """The statements of `for name in X._fields: body` unrolled (see the docstring), or
        None."""
        if loop.orelse or not isinstance(loop.target, S.Name):
            return None
        it = loop.iter
        if isinstance(it, (S.Tuple, S.List)) and it.elts and all(
                isinstance(e, S.Constant) and isinstance(e.value, str) for e in it.elts):
            fields = tuple(e.value for e in it.elts)
        elif isinstance(it, S.Attribute) and it.attr == "_fields" and \
                isinstance(it.value, S.Name):
            fields = self.fields_of(it.value.id)
        else:
            return None
        name = loop.target.id
        if fields is None or any(
                isinstance(n, (S.Break, S.Continue, S.Yield, S.YieldFrom)) or
                (isinstance(n, S.Name) and n.id == name and not isinstance(n.ctx, S.Load))
                for stmt in loop.body for n in S.walk(stmt)):
            return None
        if not any(_call_of(n, c, k) and isinstance(n.args[1], S.Name) and n.args[1].id == name
                   for stmt in loop.body for n in S.walk(stmt)
                   for c, k in (("getattr", 2), ("setattr", 3))):
            return None   # (a loop only printing the names: left as written)
        self.changed = True
        out = []
        for field in fields:
            bind = S.Assign(targets=[S.store(name)], value=S.const(field), type_comment=None)
            out.append(S.place_unplaced(bind, loop))
            for stmt in loop.body:
                out.append(_Known(name, field).visit(S.clone(stmt)))
        return out

    def fields_of(self, holder):
        """The field names of the named tuple class `holder` names or whose object it holds."""
        cls = self.known.get(holder) if self.made.bound.get(holder, 0) == 0 else None
        if cls is None:
            cls = self.made.get(holder)
        if cls is None:
            value = self.resolve(holder)
            cls = value if isinstance(value, type) else None
        if isinstance(cls, type) and issubclass(cls, tuple) and \
                isinstance(getattr(cls, "_fields", None), tuple) and \
                all(isinstance(f, str) for f in cls._fields):
            return cls._fields
        return None


def _made_once(tree):
    """{name: the class C} for each local bound exactly once, to `C(...)` (C a global name)."""
    bound, calls = {}, {}
    for n in S.walk(tree):
        if isinstance(n, S.Name) and isinstance(n.ctx, S.Store):
            bound[n.id] = bound.get(n.id, 0) + 1
        if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], S.Name) \
                and isinstance(n.value, S.Call) and isinstance(n.value.func, S.Name):
            calls[n.targets[0].id] = n.value.func.id
    return _Lazy(bound, calls)


class _Lazy:
    """The classes of _made_once, resolved when asked (`resolve` set by _Names)."""

    def __init__(self, bound, calls):
        self.bound, self.calls, self.resolve = bound, calls, None

    def get(self, name):
        if self.bound.get(name) != 1 or name not in self.calls or self.resolve is None:
            return None
        value = self.resolve(self.calls[name])
        return value if isinstance(value, type) else None


class _Known(S.NodeTransformer):
    """The loop's name, in getattr's and setattr's name argument, as the field's string."""

    def __init__(self, name, field):
        self.name, self.field = name, field

    def visit_Call(self, node):
        self.generic_visit(node)
        if (_call_of(node, "getattr", 2) or _call_of(node, "setattr", 3)) and \
                isinstance(node.args[1], S.Name) and node.args[1].id == self.name:
            node.args[1] = S.place_unplaced(S.const(self.field), node.args[1])
        return node


class _Reads(S.NodeTransformer):
    """getattr(p, "w") as p.w."""

    def __init__(self, owner):
        self.owner = owner

    def visit_Call(self, node):
        self.generic_visit(node)
        if _call_of(node, "getattr", 2):
            obj, name = node.args
            if isinstance(name, S.Constant) and _plain_name(name.value):
                self.owner.changed = True
                new = S.Attribute(value=obj, attr=name.value, ctx=S.Load())
                S.place_unplaced(new, node)
                return new
        return node

    def visit_Lambda(self, node):
        return node


def _plain_name(text):
    """A name `p.name` reads as getattr(p, "name") does: an identifier Python does not
    mangle inside a class (`__w` would be read as `_C__w` there)."""
    return isinstance(text, str) and text.isidentifier() and not (
        text.startswith("__") and not text.endswith("__"))


def _call_of(node, name, count):
    return isinstance(node, S.Call) and isinstance(node.func, S.Name) and \
        node.func.id == name and len(node.args) == count and not node.keywords and \
        not any(isinstance(a, S.Starred) for a in node.args)
