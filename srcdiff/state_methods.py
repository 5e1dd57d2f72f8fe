"""Methods that write their object's fields, called on a record made in the function (stage 3,
lower: called by lower_calls.py). Takes the lowering's state, a call `obj.m(...)` whose
object's class is known, and its lowered arguments; gives back the lowered call of m made a
function of the object's state (a statement, with obj rebound to the object m leaves), None
where m writes no field of its object, or a located refusal.

The stateful-object idiom (an RNN cell's `step` setting `self.h = np.tanh(...)`) changes
the object every holder of it sees. Where only one name of the caller holds a record made
there (field_writes.py's rule: read only through its fields and methods), the call
`h = cell.step(x)` is `h, fields = step_state(cell, x)`, then `cell = record_of(Cell, names,
fields)`: step_state is srcdiff's copy of the method (generated from its source, named after
it) that first binds `self` to a new record of the fields passed
(runtime_fields.object_of), so its field writes are
field_writes.py's rebindings, and gives back what the method returns together with the
list of `self`'s fields as it leaves them. The caller's other objects
never change; a method writing the fields of an object the caller passed or another name
holds is refused at the caller's line. A chain of such methods giving back `self`
(`acc.add(x).add(y)`) is those calls on the one name in turn; what such a method gives back,
kept under another name (`b = acc.add(x)`), is refused (later writes through acc would
change b in Python). Its in-place writes of an array field (`self.w -= lr * g`,
`self.w[i] = v`) are bindings where nothing but the object can hold that array
(field_ownership.py, field_updates.py), checked or refused otherwise.
"""
import inspect

from . import syntax as S
from .core import Kind
from .field_updates import MethodBody, method_tree as _tree

_MADE = {}   # (the user's method, its fields' holders) -> (its fields, the generated function)


def call(lw, node, base, cls, args, keywords, out, discard, fn=None):
    """`obj.m(args)` where m writes fields of its object: the call of m's state function,
    obj rebound to the object it gives back; None where m writes none. `fn`: the function
    called where it is not the class's attribute m (a property's setter: field_writes)."""
    method = node.func.attr
    fn = fn or inspect.getattr_static(cls, method, None)
    from .callables import is_user_function
    if not (inspect.isfunction(fn) and is_user_function(fn)):
        return None
    items_only = not _writes_self(fn, cls)   # self.w[i] = v only: followed where w is owned
    if items_only and not _item_writes(fn):
        return None
    if isinstance(node.func.value, S.Name) and node.func.value.id in lw.params:
        return None   # the caller's object: its writes are refused where they are
    from .field_writes import record_held_once
    owner = _chain_root(lw, node.func.value)   # acc.add(x).add(y): add returns self
    if owner is not node.func.value and isinstance(owner, S.Name):
        base = S.load(owner.id)
    what = (f"call {_spell(node.func)}(), which writes fields of its object"
            if inspect.getattr_static(cls, method, None) is fn else
            f"set {_spell(node.func)} through its property's setter, which writes fields "
            "of its object")
    if items_only:   # (else a helper writing its argument, as it was: lower_copies.py)
        from .errors import SrcdiffError
        try:
            name, cls, fields = record_held_once(lw, owner, node.func, cls, what)
        except SrcdiffError:
            return None
        if not _item_writes(fn) <= {f for f, why in _held(lw, name, cls, fn) if not why}:
            return None
    else:
        name, cls, fields = record_held_once(lw, owner, node.func, cls, what)
    if not discard and _may_return_self(fn):
        _refuse_kept_self(lw, node, name)
    tree = _tree(fn)
    if tree is not None:   # what the method writes into its other arguments: as any call's
        lw._check_argument_writes(node, fn, _in_order(tree, [base] + args, keywords), out,
                                  own=(tree.args.args[0].id,))
    made = _state_function(lw, node, fn, cls, fields, _held(lw, name, cls, fn))
    from .records import bound_name
    ref = bound_name(lw, made, f"{fn.__name__}_state")
    stmt = lw.call_object(node, node.func, made, [base] + args, keywords, out, False, ref)
    pair = lw.namer.fresh(f"{fn.__name__}_made")
    lw.locals.add(pair)
    stmt.targets = [S.store(pair)]
    out.append(stmt)
    left = lw.temp(out, S.Subscript(value=S.load(pair), slice=S.const(1), ctx=S.Load()),
                   Kind.SUBSCRIPT, f"{name}_fields")
    lw.locals.add(left.id)
    from .field_writes import class_ref, maker
    make = maker(cls)
    lw.bindings[make.__name__] = make
    rebind = lw.assign(name, S.Call(func=S.load(make.__name__), args=[
        class_ref(lw, cls), S.const(tuple(fields)), left], keywords=[]),
        Kind.CALL, func=make)
    if discard:
        return rebind
    out.append(rebind)
    return lw.assign("_", S.Subscript(value=S.load(pair), slice=S.const(0), ctx=S.Load()),
                     Kind.SUBSCRIPT)


def _chain_root(lw, owner):
    """The object a chain of calls `acc.add(x).add(y)` is made on (`acc`), where each call
    but the last is of a method of the object's class giving back its object on every path
    (operator_methods.returns_self): the receiver then holds the object the name holds, as
    the method leaves it; else owner itself."""
    from .objects import class_of
    from .operator_methods import returns_self
    node = owner
    while isinstance(node, S.Call) and isinstance(node.func, S.Attribute):
        inner = node.func.value
        cls = class_of(lw, inner, set())
        fn = inspect.getattr_static(cls, node.func.attr, None) if isinstance(cls, type) \
            else None
        if not inspect.isfunction(fn) or not returns_self(fn):
            return owner
        node = inner
    return node if isinstance(node, S.Name) else owner


def _may_return_self(fn):
    """Whether some `return` of the method fn gives back its object, or a value holding it
    (`return self`, `return self, y`), rather than only values read from its fields."""
    tree = _tree(fn)
    if tree is None:
        return True
    me = tree.args.args[0].id
    for n in S.walk(tree):
        if isinstance(n, S.Return) and n.value is not None:
            for m in S.walk(n.value):
                if isinstance(m, S.Name) and m.id == me and not _read_through(n.value, m):
                    return True
    return False


def _read_through(root, name):
    """Whether the Name `name` inside `root` is the object of an attribute read
    (`self.w`), a field's value rather than the object."""
    return any(isinstance(p, S.Attribute) and p.value is name for p in S.walk(root))


def _refuse_kept_self(lw, node, name):
    """Refuse `b = acc.add(x)` (or `[acc.add(x)]`, `g(acc.add(x))`) where add gives back its
    object: the value kept is another name of the object, which later writes of its fields
    would change too, while srcdiff's record is a copy taken here. Read at once (`.total`,
    a further call of the chain, called itself) or dropped, it passes."""
    parent = _parent(lw.fdef, node)
    if parent is None or isinstance(parent, (S.Expr, S.Return)) or (
            isinstance(parent, S.Attribute) and parent.value is node) or (
            isinstance(parent, S.Call) and parent.func is node):   # a.grow(2.0)(x)
        return
    raise lw.error(node, f"srcdiff cannot keep what {_spell(node.func)}() gives back: it is "
                   f"the object {name} holds, whose fields the method writes, and another "
                   f"name holding it would see later writes, which srcdiff does not follow",
                   hint=f"call {_spell(node.func)}(...) as a statement and read {name} "
                        f"itself afterwards (or read what you need from it at once)")


def _parent(tree, node):
    for n in S.walk(tree):
        for child in S.iter_child_nodes(n):
            if child is node:
                return n
    return None


def _in_order(tree, args, keywords):
    """The call's operands in the order of the method's parameters (None where one is not
    given by position or keyword: its default)."""
    params = [a.id for a in tree.args.posonlyargs + tree.args.args]
    full = list(args[:len(params)]) + [None] * (len(params) - len(args))
    for k in keywords:
        if k.arg in params:
            full[params.index(k.arg)] = k.value
    return full


def _writes_self(fn, cls, seen=None):
    """Whether the method fn of cls assigns or updates an attribute of its first parameter,
    or calls a method of cls on it that does."""
    seen = set() if seen is None else seen
    if fn in seen:
        return False
    seen.add(fn)
    tree = _tree(fn)
    if tree is None or not tree.args.args:
        return False
    me = tree.args.args[0].id
    from .callables import is_user_function
    for n in S.walk(tree):
        target = n.target if isinstance(n, S.AugAssign) else None
        targets = n.targets if isinstance(n, S.Assign) else [target] if target else []
        for t in targets:
            if isinstance(t, S.Attribute) and isinstance(t.value, S.Name) and t.value.id == me:
                return True
        if isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and isinstance(
                n.func.value, S.Name) and n.func.value.id == me:
            other = inspect.getattr_static(cls, n.func.attr, None)
            if inspect.isfunction(other) and is_user_function(other) and _writes_self(
                    other, cls, seen):
                return True
    return False


def _item_writes(fn):
    """The fields whose items the method fn writes (`self.w[i] = v`, `self.w[i] op= v`)."""
    from .field_updates import in_place_fields
    return in_place_fields(_tree(fn), items=True)


def _held(lw, name, cls, fn):
    """(field, what else may hold its array: "" where nothing can) for each field fn writes
    in place (`self.w -= e`, `self.w[i] = v`; field_ownership.py): an owned field's writes
    are bindings, another's are checked (its holder named in the refusal)."""
    from .field_ownership import held_elsewhere
    from .field_updates import in_place_fields
    return tuple(sorted((f, held_elsewhere(lw, name, cls, f) or "")
                        for f in in_place_fields(_tree(fn))))


def _state_function(lw, node, fn, cls, fields, held=()):
    """srcdiff's copy of the method fn, taking the object's fields and giving back
    (what fn returns, the object as fn leaves it); the in-place writes of the fields `held`
    says nothing else holds made rebindings (field_updates.py)."""
    hit = _MADE.get((fn, held))
    if hit is not None and hit[0] == (cls, fields):
        return hit[1]
    tree = S.clone(_tree(fn))
    tree.decorator_list = [d for d in tree.decorator_list if not (   # @value.setter
        isinstance(d, S.Attribute) and d.attr == "setter")]
    if tree.decorator_list or tree.args.vararg or tree.args.kwarg or any(
            isinstance(n, (S.Yield, S.YieldFrom, S.Nonlocal, S.Global)) for n in S.walk(tree)):
        raise lw.error(node, f"srcdiff follows a method that writes its object's fields "
                       f"only when it is a plain method; {fn.__qualname__} is not",
                       hint="write the new field values into a new object and return it")
    me = tree.args.args[0].id
    given = f"{me}_given"
    while any(isinstance(n, S.Name) and n.id == given for n in S.walk(tree)):
        given += "_"
    tree.args.args[0].id = given
    klass = f"{cls.__name__}_class"
    make = S.quote(f"{me} = object_of({klass}, {tuple(fields)!r}, [" + ", ".join(
        f"{given}.{f}" for f in fields) + "])")
    _Returns(me, fields).visit(tree)
    from .field_updates import Updates
    taken = {n.id for n in S.walk(tree) if isinstance(n, S.Name)}
    Updates(me, f"{_file_of(fn)}", dict(held), taken).visit(tree)
    body = tree.body
    if body and isinstance(body[0], S.Expr) and isinstance(body[0].value, S.Constant):
        body = body[1:]
    body = list(make) + body
    if not body or not isinstance(body[-1], S.Return):
        body.append(S.quote(f"return None, {_listed(me, fields)}")[0])
    tree.body = body
    tree.name = f"{fn.__name__}_state"
    from . import loader, runtime_fields, runtime_updates
    made = loader.load_made(tree, f"{fn.__qualname__} as a function of its object's fields",
                            "state", {klass: cls, "object_of": runtime_fields.object_of,
                                      "check_field_number": runtime_fields.check_field_number,
                                      "check_update": runtime_updates.check_update}, fn)
    made.__srcdiff_keeps__ = _kept(_tree(fn))   # (aliasing.py: the object may hold them)
    _MADE[(fn, held)] = ((cls, fields), made)
    return made


def _kept(tree):
    """Whether the method may store what a parameter other than its object holds into its
    object (`self.kept = v`, `self.seen.append(v)`, `self.pair = (v, w)`): any write of a
    field, or call on one, whose value names something other than the object and is not
    arithmetic (which makes a new value)."""
    me = tree.args.args[0].id
    for n in S.walk(tree):
        values = []
        if isinstance(n, (S.Assign, S.AugAssign, S.AnnAssign)):
            targets = n.targets if isinstance(n, S.Assign) else [n.target]
            if any(_root_is(t, me) and not isinstance(t, S.Name) for t in targets):
                values = [n.value]
        elif isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and \
                _root_is(n.func.value, me) and isinstance(n.func.value, S.Attribute):
            values = list(n.args) + [k.value for k in n.keywords]   # self.seen.append(v)
        for v in values:
            if v is None or isinstance(v, (S.BinOp, S.UnaryOp, S.Compare, S.Constant)):
                continue
            if any(isinstance(m, S.Name) and m.id != me for m in S.walk(v)):
                return True
    return False


def _root_is(node, name):
    while isinstance(node, (S.Attribute, S.Subscript)):
        node = node.value
    return isinstance(node, S.Name) and node.id == name


class _Returns(MethodBody):
    """`return e` -> `return e, self` (None for a bare return); nested functions kept."""

    def __init__(self, me, fields):
        self.me, self.fields = me, fields

    def visit_Return(self, node):
        value = node.value if node.value is not None else S.const(None)
        fields = S.quote_expr(_listed(self.me, self.fields))
        node.value = S.Tuple(elts=[value, fields], ctx=S.Load())
        return node


def _file_of(fn):
    import inspect
    try:
        return inspect.getsourcefile(fn) or "<unknown>"
    except TypeError:
        return "<unknown>"


def _listed(me, fields):
    """The text of the list of the object's fields, as the state function gives them back
    (a list of values: its derivative is one of their derivatives)."""
    return "[" + ", ".join(f"{me}.{f}" for f in fields) + "]"


def _spell(node):
    from .field_writes import spell
    return spell(node)
