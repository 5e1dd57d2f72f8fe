"""Records whose __init__ computes fields (`self.v = w * scale`, `self.h = np.zeros(n)`)
(stage 3, lower: called by records.py). Takes a class of the user's, or the lowering's state
and a call making an object of such a class; gives back the fields its __init__ sets (None
where its __init__ does more than set them), or the lowered call of srcdiff's copy of the
__init__ that computes them and makes the object.

An __init__ whose body is straight-line code setting attributes of its object (each
`self.x = e` at the body's top level, reading its parameters, the attributes it set before
and module-level names) makes an object that is its fields, as a record's: srcdiff reads its
fields as it does a record's (records.py), and makes one by calling `C_made(w, scale)`,
its copy of the __init__ where each `self.x` is a local name, returning
runtime_fields.object_of(C, names, values): the object made without calling __init__
again, every field set. `super().__init__(args)` (or `super(C, self).__init__`, `Base.__init__(self, args)`) is
replaced by the next __init__ of the object's class's method resolution order, its
parameters bound to the arguments under names of their own (`_with_parents`). An __init__
that calls a method, passes its object on, branches on setting a field, or sets a field to
a new list, dict or set (a log or a table
the object changes in place: state, not fields a rebinding could follow) is no such record (its objects are refused where
differentiated, as before).
"""
import inspect

from . import syntax as S

_MADE = {}   # the class -> (its __init__, its fields, the generated maker)


def computed_fields(cls):
    """The fields the __init__ of `cls` sets, in the order it first sets them, where its
    body only computes and sets them (see the module docstring); None otherwise."""
    tree = _init_tree(cls)
    if tree is None:
        return None
    me = tree.args.args[0].id
    body = _with_parents(cls, tree)
    if body is None:
        return None
    fields = []
    for stmt in body:
        if not isinstance(stmt, (S.Assign, S.AugAssign, S.AnnAssign, S.Assert, S.Pass)):
            return None
        if isinstance(stmt, S.AnnAssign) and stmt.value is None:
            return None
        targets = stmt.targets if isinstance(stmt, S.Assign) else [
            getattr(stmt, "target", None)]
        for t in targets:
            if isinstance(t, S.Attribute) and isinstance(t.value, S.Name) and t.value.id == me:
                if isinstance(stmt.value, (S.List, S.Dict, S.Set, S.ListComp, S.DictComp,
                                           S.SetComp)):
                    return None   # a container the object changes in place: state, no record
                if t.attr not in fields:
                    if isinstance(stmt, S.AugAssign):
                        return None   # self.x += ... before self.x is set
                    fields.append(t.attr)
            elif t is not None and not isinstance(t, S.Name):
                return None
        for n in S.walk(stmt):
            if isinstance(n, (S.Lambda, S.FunctionDef, S.Yield, S.YieldFrom, S.Global,
                              S.Nonlocal)):
                return None
            if isinstance(n, S.Attribute) and isinstance(n.value, S.Name) and \
                    n.value.id == me and isinstance(n.ctx, S.Load) and n.attr not in fields:
                return None
        if any(isinstance(p, S.Name) and p.id == me for p in _bare(stmt, me)):
            return None
    return tuple(fields) or None


def _bare(stmt, me):
    """The reads of `me` in stmt that are not `me.attr`."""
    inside = {id(n.value) for n in S.walk(stmt) if isinstance(n, S.Attribute)}
    return [n for n in S.walk(stmt) if isinstance(n, S.Name) and n.id == me and
            id(n) not in inside]


def _init_tree(cls, init=None):
    init = cls.__init__ if init is None else init
    if not inspect.isfunction(init):
        return None
    from .frontend import get_source
    try:
        tree = get_source(init).node
    except Exception:
        return None
    a = tree.args if isinstance(tree, S.FunctionDef) else None
    if a is None or a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or not a.args or \
            tree.decorator_list:
        return None
    return tree


def _with_parents(cls, tree, fn=None, depth=0):
    """The statements of the __init__ `tree` (of cls, or of a class cls inherits it from),
    each `super().__init__(args)` (or `super(C, self).__init__(args)`, `Parent.__init__(self,
    args)`) replaced by the next __init__'s statements in cls's method resolution order,
    its parameters bound to the arguments under names of their own (`Parent_w = w`) and
    its object named as this one's; dropped where that is object's. None where a parent's
    __init__ is not plain (*args, no source, a default that is not a literal) or the
    chain is deeper than 8."""
    me = tree.args.args[0].id
    fn = cls.__init__ if fn is None else fn
    owner = next((k for k in cls.__mro__ if k.__dict__.get("__init__") is fn), cls)
    out = []
    for stmt in _body(tree):
        call = _parent_init_call(stmt, me, owner)
        if call is None:
            out.append(stmt)
            continue
        mro = cls.__mro__
        after = mro[mro.index(owner) + 1:] if owner in mro else ()
        parent = next((k for k in after if "__init__" in k.__dict__), object)
        if parent is object:
            if call.args or call.keywords:
                return None
            continue
        init = parent.__dict__["__init__"]
        inner = _init_tree(parent, init)
        if inner is None or depth > 8:
            return None
        stmts = _bound(cls, init, S.clone(inner), call, me, depth)
        if stmts is None:
            return None
        out.extend(stmts)
    return out


def _parent_init_call(stmt, me, owner):
    """The call of `super().__init__(...)`, `super(Owner, me).__init__(...)` or
    `Base.__init__(me, ...)` that the statement is, as a call of the arguments only
    (Base's form: its `me` dropped); None for any other statement."""
    if not (isinstance(stmt, S.Expr) and isinstance(stmt.value, S.Call) and isinstance(
            stmt.value.func, S.Attribute) and stmt.value.func.attr == "__init__"):
        return None
    call, base = stmt.value, stmt.value.func.value
    rest = S.Call(func=call.func, args=list(call.args), keywords=list(call.keywords))
    if isinstance(base, S.Call) and isinstance(base.func, S.Name) and base.func.id == "super":
        if not base.args or len(base.args) == 2 and isinstance(base.args[1], S.Name) and \
                base.args[1].id == me and isinstance(base.args[0], S.Name) and \
                base.args[0].id == owner.__name__:
            return rest
        return None
    if isinstance(base, S.Name) and call.args and isinstance(call.args[0], S.Name) and \
            call.args[0].id == me and any(k.__name__ == base.id for k in owner.__mro__[1:2]):
        rest.args = rest.args[1:]
        return rest
    return None


def _bound(cls, init, inner, call, me, depth):
    """The statements of the parent's __init__ `inner`, called by `call`: its parameters
    bound to the call's arguments under fresh names, every other name it binds renamed the
    same way, its object named `me`; None where the call does not bind as Python would."""
    a = inner.args
    params = [p.id for p in a.args[1:]]
    if any(isinstance(x, S.Starred) for x in call.args) or any(
            k.arg is None for k in call.keywords) or len(call.args) > len(params):
        return None
    given = dict(zip(params, call.args))
    for k in call.keywords:
        if k.arg not in params or k.arg in given:
            return None
        given[k.arg] = k.value
    defaults = dict(zip(params[len(params) - len(a.defaults):], a.defaults))
    for p in params:
        if p not in given:
            if p not in defaults or not isinstance(defaults[p], S.Constant):
                return None
            given[p] = defaults[p]
    bound = {n.id for n in S.walk(inner) if isinstance(n, S.Name) and
             isinstance(n.ctx, (S.Store, S.Param))} - {a.args[0].id}
    owner = next(k for k in cls.__mro__ if k.__dict__.get("__init__") is init)
    rename = {name: f"{owner.__name__}_{name}" for name in bound}
    rename[a.args[0].id] = me
    body = _with_parents(cls, inner, init, depth + 1)
    if body is None:
        return None
    out = [S.Assign(targets=[S.store(rename[p])], value=given[p], type_comment=None)
           for p in params]
    for stmt in out:
        S.copy_location(stmt, call)
    return out + S.renamed(body, rename)


def _body(tree):
    body = tree.body
    if body and isinstance(body[0], S.Expr) and isinstance(body[0].value, S.Constant):
        body = body[1:]
    return body


def make(lw, node, cls, fields, args, keywords, out, discard):
    """`C(args)` of a class whose __init__ computes its fields: the call of srcdiff's copy
    of that __init__ (lowered `args` and `keywords`), which makes the object."""
    made = _maker(cls, fields)
    ref = next((S.load(k) for k, v in lw.bindings.items() if v is made), None)
    if ref is None:
        ref = S.load(lw.namer.fresh(f"{cls.__name__}_made"))
        lw.bindings[ref.id] = made
    return lw.call_object(node, node.func, made, args, keywords, out, discard, ref)


def maker_class(fn):
    """The class whose objects `fn` makes, where `fn` is srcdiff's copy of its __init__
    (`C_made`, read again where a derivative is differentiated); None otherwise."""
    return next((cls for cls, (_, _, made) in _MADE.items() if made is fn), None)


def _maker(cls, fields):
    init = cls.__init__
    hit = _MADE.get(cls)
    if hit is not None and hit[0] is init and hit[1] == fields:
        return hit[2]
    tree = S.clone(_init_tree(cls))
    tree.body = _with_parents(cls, tree)
    me = tree.args.args[0].id
    taken = {n.id for n in S.walk(tree) if isinstance(n, S.Name)}
    local = {}
    for f in fields:
        name = f"{f}_field"
        while name in taken:
            name += "_"
        local[f] = name
    tree = _Fields(me, local).visit(tree)
    tree.args.args = tree.args.args[1:]
    klass = f"{cls.__name__}_class"
    listed = ", ".join(local[f] for f in fields)
    tree.body = _body(tree) + S.quote(f"return object_of({klass}, {tuple(fields)!r}, "
                                      f"[{listed}])")
    tree.name = f"{cls.__name__}_made"
    from . import loader, runtime_fields
    made = loader.load_made(tree, f"{cls.__qualname__}.__init__ making the object from its "
                            "fields", "init", {klass: cls, "object_of": runtime_fields.object_of},
                            init)
    _MADE[cls] = (init, fields, made)
    return made


class _Fields(S.NodeTransformer):
    """`self.x` -> the local name of the field x."""

    def __init__(self, me, local):
        self.me, self.local = me, local

    def visit_Attribute(self, node):
        if isinstance(node.value, S.Name) and node.value.id == self.me and \
                node.attr in self.local:
            return S.copy_location(S.Name(id=self.local[node.attr], ctx=node.ctx,
                                          annotation=None, type_comment=None), node)
        self.generic_visit(node)
        return node

