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
holds is refused at the caller's line.
"""
import inspect

from . import syntax as S
from .core import Kind

_MADE = {}   # the user's method -> (its fields, the generated function)


def call(lw, node, base, cls, args, keywords, out, discard):
    """`obj.m(args)` where m writes fields of its object: the call of m's state function,
    obj rebound to the object it gives back; None where m writes none."""
    method = node.func.attr
    fn = inspect.getattr_static(cls, method, None)
    from .callables import is_user_function
    if not (inspect.isfunction(fn) and is_user_function(fn)) or not _writes_self(fn, cls):
        return None
    if isinstance(node.func.value, S.Name) and node.func.value.id in lw.params:
        return None   # the caller's object: its writes are refused where they are
    from .field_writes import record_held_once
    name, cls, fields = record_held_once(lw, node.func.value, node.func, cls,
                                         f"call {_spell(node.func)}(), which writes fields "
                                         "of its object")
    tree = _tree(fn)
    if tree is not None:   # what the method writes into its other arguments: as any call's
        lw._check_argument_writes(node, fn, _in_order(tree, [base] + args, keywords), out,
                                  own=(tree.args.args[0].id,))
    made = _state_function(lw, node, fn, cls, fields)
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


def _tree(fn):
    from .frontend import get_source
    try:
        tree = get_source(fn).node
    except Exception:
        return None
    return tree if isinstance(tree, S.FunctionDef) else None


def _state_function(lw, node, fn, cls, fields):
    """srcdiff's copy of the method fn, taking the object's fields and giving back
    (what fn returns, the object as fn leaves it)."""
    hit = _MADE.get(fn)
    if hit is not None and hit[0] == (cls, fields):
        return hit[1]
    tree = S.clone(_tree(fn))
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
    _Updates(me, f"{_file_of(fn)}").visit(tree)
    body = tree.body
    if body and isinstance(body[0], S.Expr) and isinstance(body[0].value, S.Constant):
        body = body[1:]
    body = list(make) + body
    if not body or not isinstance(body[-1], S.Return):
        body.append(S.quote(f"return None, {_listed(me, fields)}")[0])
    tree.body = body
    tree.name = f"{fn.__name__}_state"
    from . import loader, runtime_fields
    made = loader.load_made(tree, f"{fn.__qualname__} as a function of its object's fields",
                            "state", {klass: cls, "object_of": runtime_fields.object_of,
                                      "check_field_number": runtime_fields.check_field_number},
                            fn)
    made.__srcdiff_keeps__ = _kept(_tree(fn))   # (aliasing.py: the object may hold them)
    _MADE[fn] = ((cls, fields), made)
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


class _MethodBody(S.NodeTransformer):
    """A pass over the method's own body: nested functions and lambdas are left as they are."""

    def visit_FunctionDef(self, node):
        if getattr(self, "_top", False):
            return node
        self._top = True
        self.generic_visit(node)
        return node

    def visit_Lambda(self, node):
        return node


class _Returns(_MethodBody):
    """`return e` -> `return e, self` (None for a bare return); nested functions kept."""

    def __init__(self, me, fields):
        self.me, self.fields = me, fields

    def visit_Return(self, node):
        value = node.value if node.value is not None else S.const(None)
        fields = S.quote_expr(_listed(self.me, self.fields))
        node.value = S.Tuple(elts=[value, fields], ctx=S.Load())
        return node


class _Updates(_MethodBody):
    """`self.f op= e` -> `check_field_number(self.f, 'self.f', where)` then `self.f = self.f
    op e`: a field holding a number is bound anew, as the caller's record is (field_writes);
    one holding an array, which Python's `op=` changes in place under every name holding it
    (the caller's `y` of `Acc(y)`), is refused when the method runs, whether or not its
    result is differentiated (the state function runs as plain Python where it is not)."""

    def __init__(self, me, filename):
        self.me, self.filename = me, filename

    def visit_AugAssign(self, node):
        t = node.target
        if not (isinstance(t, S.Attribute) and isinstance(t.value, S.Name) and
                t.value.id == self.me):
            return node
        text = f"{self.me}.{t.attr}"
        where = f"{self.filename}:{getattr(node, 'lineno', 0)}"
        check = S.Expr(value=S.Call(func=S.load("check_field_number"), args=[
            S.clone(t), S.const(text), S.const(where)], keywords=[]))
        load = S.Attribute(value=S.load(self.me), attr=t.attr, ctx=S.Load())
        store = S.Attribute(value=S.load(self.me), attr=t.attr, ctx=S.Store())
        assign = S.Assign(targets=[store], value=S.BinOp(left=load, op=node.op,
                                                         right=node.value), type_comment=None)
        return [S.place_unplaced(check, node), S.place_unplaced(assign, node)]


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
