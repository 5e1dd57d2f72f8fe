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
again, every field set. An __init__ that calls a method, passes its object on, branches on
setting a field, calls super() or sets a field to a new list, dict or set (a log or a table
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
    fields = []
    for stmt in _body(tree):
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


def _init_tree(cls):
    init = cls.__init__
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

