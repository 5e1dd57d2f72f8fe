"""In-place writes of an object's fields in srcdiff's copy of a method (stage 3, lower: called
by state_methods.py). Takes a method's gast tree, the name of its object's parameter and the
fields whose arrays are the object's alone (field_ownership.py); gives back the tree with each
such write made the rebinding it amounts to, the others checked where the code runs.

`self.f op= e` of a field no one else can hold (owned) is `self.f = self.f op e`, after
`check_update` raises where Python's in-place operator would (an array that cannot hold the
result); `self.f[i] = v` and `self.f[i] op= v` write into a copy bound back to the field
(`f_new = self.f.copy(); f_new[i] = v; self.f = f_new`): the same values wherever nothing
else holds the old array. Of any other field, `self.f op= e` is
`check_field_number(self.f, ...)` then `self.f = self.f op e`: a number is bound anew, an
array, which Python would change under every name holding it (the caller's `y` of
`Acc(y)`), refused when the method runs; its item writes are left to the lowering, which
refuses them at the method's line.
"""
from . import syntax as S

METHODS = {S.Add: "__iadd__", S.Sub: "__isub__", S.Mult: "__imul__", S.Div: "__itruediv__",
            S.Pow: "__ipow__", S.MatMult: "__imatmul__", S.FloorDiv: "__ifloordiv__",
            S.Mod: "__imod__"}


class MethodBody(S.NodeTransformer):
    """A pass over the method's own body: nested functions and lambdas are left as they are."""

    def visit_FunctionDef(self, node):
        if getattr(self, "_top", False):
            return node
        self._top = True
        self.generic_visit(node)
        return node

    def visit_Lambda(self, node):
        return node


def method_tree(fn):
    """The gast FunctionDef of the Python function fn, or None where it has none."""
    from .frontend import get_source
    try:
        tree = get_source(fn).node
    except Exception:
        return None
    return tree if isinstance(tree, S.FunctionDef) else None


def in_place_fields(tree, items=False):
    """The fields of its object (the first parameter) the method `tree` writes in place
    itself: `self.f op= e`, `self.f[i] = v`, `self.f[i] op= v` (`items`: only those whose
    items it writes)."""
    if tree is None or not tree.args.args:
        return frozenset()
    me = tree.args.args[0].id
    found = set()
    for n in S.walk(tree):
        targets = n.targets if isinstance(n, S.Assign) else [n.target] if isinstance(
            n, S.AugAssign) else []
        for t in targets:
            if isinstance(n, S.AugAssign) and _field_of(t, me) and not items:
                found.add(t.attr)
            if isinstance(t, S.Subscript) and _field_of(t.value, me):
                found.add(t.value.attr)
    return frozenset(found)


def _field_of(node, me):
    return isinstance(node, S.Attribute) and isinstance(node.value, S.Name) and \
        node.value.id == me


class Updates(MethodBody):
    """The rewriting the module's docstring tells, of the method's own body."""

    def __init__(self, me, filename, held, taken):
        """held: field -> what else may hold its array ("" where nothing can: owned)."""
        self.me, self.filename, self.taken = me, filename, set(taken)
        self.held = dict(held)
        self.owned = {f for f, why in self.held.items() if not why}

    def _fresh(self, stem):
        name = stem
        while name in self.taken:
            name += "_"
        self.taken.add(name)
        return name

    def _field(self, attr, ctx=None):
        return S.Attribute(value=S.load(self.me), attr=attr, ctx=ctx or S.Load())

    def visit_AugAssign(self, node):
        t = node.target
        if isinstance(t, S.Subscript) and _field_of(t.value, self.me):
            return self._item(node, t)
        if not _field_of(t, self.me):
            return node
        if t.attr in self.owned and type(node.op) in METHODS:
            value = self._fresh(f"{t.attr}_step")
            out = [S.Assign(targets=[S.store(value)], value=node.value, type_comment=None),
                   S.Expr(value=S.Call(func=S.load("check_update"), args=[
                       self._field(t.attr), S.load(value), S.const(METHODS[type(node.op)])],
                       keywords=[])),
                   S.Assign(targets=[self._field(t.attr, S.Store())], value=S.BinOp(
                       left=self._field(t.attr), op=node.op, right=S.load(value)),
                       type_comment=None)]
            return [S.place_unplaced(s, node) for s in out]
        text = f"{self.me}.{t.attr}"
        where = f"{self.filename}:{getattr(node, 'lineno', 0)}"
        held = [S.const(self.held[t.attr])] if self.held.get(t.attr) else []
        check = S.Expr(value=S.Call(func=S.load("check_field_number"), args=[
            S.clone(t), S.const(text), S.const(where)] + held, keywords=[]))
        assign = S.Assign(targets=[self._field(t.attr, S.Store())], value=S.BinOp(
            left=self._field(t.attr), op=node.op, right=node.value), type_comment=None)
        return [S.place_unplaced(check, node), S.place_unplaced(assign, node)]

    def visit_Assign(self, node):
        if len(node.targets) == 1 and isinstance(node.targets[0], S.Subscript) and \
                _field_of(node.targets[0].value, self.me):
            return self._item(node, node.targets[0])
        return node

    def _item(self, node, target):
        """`self.f[i] = v` / `self.f[i] op= v` of an owned field: written into a copy bound
        back to the field (v first, as Python evaluates it); left as it is otherwise, and
        where v calls a method of the object (which could rebind the field first)."""
        attr = target.value.attr
        if attr not in self.owned or any(
                isinstance(n, S.Call) and _calls_on(n.func, self.me) for n in S.walk(node)):
            return node
        copy = self._fresh(f"{attr}_new")
        out = []
        value = node.value
        if isinstance(node, S.Assign):
            first = self._fresh(f"{attr}_item")
            out.append(S.Assign(targets=[S.store(first)], value=value, type_comment=None))
            value = S.load(first)
        out.append(S.Assign(targets=[S.store(copy)], value=S.Call(func=S.Attribute(
            value=self._field(attr), attr="copy", ctx=S.Load()), args=[], keywords=[]),
            type_comment=None))
        written = S.Subscript(value=S.load(copy), slice=target.slice, ctx=S.Store())
        out.append(S.AugAssign(target=written, op=node.op, value=value)
                   if isinstance(node, S.AugAssign) else
                   S.Assign(targets=[written], value=value, type_comment=None))
        out.append(S.Assign(targets=[self._field(attr, S.Store())], value=S.load(copy),
                            type_comment=None))
        return [S.place_unplaced(s, node) for s in out]


def _calls_on(func, me):
    while isinstance(func, (S.Attribute, S.Subscript)):
        func = func.value
    return isinstance(func, S.Name) and func.id == me
