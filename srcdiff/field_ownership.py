"""Whether the array a record's field holds is that record's alone (stage 3, lower: called by
field_writes.py, state_methods.py and container_writes.py). Takes the lowering's state, the
name holding a record made in the function (field_writes.record_held_once's one holder), its
class and a field's name; gives back None where nothing else can hold the array in that field,
else the user's code (as text) through which something else may.

Python's `self.w -= lr * g`, `m.w *= 2.0` or `self.w[i] = v` changes the field's array in
place, under every name holding it. srcdiff binds the field anew instead (`self.w = self.w -
lr * g`, a copy written for an item), which is the same wherever nothing but the field holds
that array: every value ever stored in the field is a new one (`w.copy()`, `np.zeros(n)`,
arithmetic; a parameter of __init__ only where the call passes such a value, never a name of
the caller's, whose array Python would change too), and every read of the field, in the
function and in every method of the class, uses the array at once without keeping it
(arithmetic, a NumPy function or method giving a new value, `len`, an item read used at once)
rather than binding it to a name, putting it in a container, returning it from a method,
passing it to a function of the user's, or taking a view of it that is kept.
"""
import dataclasses
import inspect

from . import syntax as S
from .field_updates import method_tree as _tree
from .numpy_maps_write import _names_of   # (a resolver of a Python function's globals)

_NUMBERS = (int, float, complex, bool, str, type(None))
_TAME = {len, float, int, complex, bool, abs, round, sum, print, isinstance}
_SHAPES = {"shape", "ndim", "size", "dtype", "nbytes", "itemsize"}


def held_elsewhere(lw, name, cls, attr):
    """None where the array in `name.attr` (name: the one holder of a record of class cls
    made in the function) can be held by nothing else; else the code through which it may."""
    from .objects import _single_bindings
    made = _single_bindings(lw).get(name)
    caller = _caller_lookup(lw)
    if not isinstance(made, S.Call) or caller(made.func) is not cls:
        return f"`{name}` is not made by a call of {cls.__qualname__} here"
    why = _made_fresh(made, cls, attr, caller)
    if why is not None:
        return why
    for fn in _methods(cls, lw.fdef, name):
        why = _method_keeps(fn, attr)
        if why is not None:
            return why
    for n, parents in _with_parents(lw.fdef):
        if _is_field(n, name, attr) and isinstance(n.ctx, S.Load) and not _used_at_once(
                n, parents, caller, in_method=False):
            return f"`{S.spell(parents.get(n, n))}`"
        if isinstance(n, S.Assign) and any(_is_field(t, name, attr) for t in n.targets) and \
                _fresh(n.value, caller) is not True:
            return f"`{S.spell(n).strip()}`"
    return None


def _caller_lookup(lw):
    """A resolver of the names and attribute paths of the function lowered (None for a local
    or a name not bound)."""
    from .errors import SrcdiffError

    def look(node):
        try:
            return lw._static_value(node)
        except (SrcdiffError, KeyError, TypeError, AttributeError):
            return None
    return look


def _made_fresh(made, cls, attr, caller):
    """None where the construction `made` (a call of cls) stores a new value in attr."""
    init = inspect.getattr_static(cls, "__init__", None)
    shown = S.spell(made)
    if dataclasses.is_dataclass(cls) and (_generated(init) or not _user_init(init)):
        fields = {f.name: f for f in dataclasses.fields(cls)}
        if attr not in fields:
            return f"`{shown}` does not set .{attr}"
        stored = [("param", attr)]
    else:
        tree = _tree(init) if _user_init(init) else None
        if tree is None:
            return f"`{shown}` sets .{attr} where srcdiff does not look"
        me = tree.args.args[0].id
        params = {a.id for a in tree.args.args[1:] + tree.args.kwonlyargs}
        look = _names_of(init)
        sets = [n for n in S.walk(tree) if isinstance(n, (S.Assign, S.AnnAssign)) and any(
            _is_field(t, me, attr) for t in _targets(n))]
        stored = [_fresh(n.value, look, params) for n in sets]
        if not stored:
            return f"`{shown}` does not set .{attr} in {cls.__qualname__}.__init__"
        kept = _param_kept(tree, {n.value for n in sets}, params, look)
        if kept is not None and ("param", kept) in stored:   # self.w = w; self.w0 = w
            return f"{cls.__qualname__}.__init__, which keeps {kept} elsewhere too"
    for kind in stored:
        if kind is True:
            continue
        if not (isinstance(kind, tuple) and _passed_fresh(made, init, kind[1], caller)):
            return f"`{shown}`, which stores in .{attr} a value something else may hold"
    return None


def _param_kept(tree, stored, params, look):
    """A parameter of __init__ (tree) read, other than as a value `stored` in the field,
    where something may keep it (`self.w0 = w`, `self.ws = [w]`); else None."""
    for n, parents in _with_parents(tree):
        if isinstance(n, S.Name) and n.id in params and isinstance(n.ctx, S.Load) and \
                n not in stored and not _used_at_once(n, parents, look, in_method=True):
            return n.id
    return None


def _passed_fresh(made, init, param, caller):
    """Whether the call `made` passes a new value (or a number default) for param."""
    if any(isinstance(a, S.Starred) for a in made.args) or any(
            k.arg is None for k in made.keywords):
        return False
    try:
        sig = inspect.signature(init)
        bound = sig.bind(None, *made.args, **{k.arg: k.value for k in made.keywords})
    except (TypeError, ValueError):
        return False
    if param in bound.arguments:
        return _fresh(bound.arguments[param], caller) is True
    default = sig.parameters[param].default if param in sig.parameters else None
    return isinstance(default, _NUMBERS)


def _generated(fn):
    """Whether fn is made by code, not written in a file (a dataclass's __init__)."""
    return inspect.isfunction(fn) and fn.__code__.co_filename.startswith("<")


def _user_init(init):
    from .callables import is_user_function
    return inspect.isfunction(init) and is_user_function(init)


def _methods(cls, fdef, name):
    """The user's functions of cls and its bases the function fdef may run on the object
    `name` holds: its __init__ and every method or property it names (`m.step(g)`, `m.total`),
    and the ones those name on their object in turn; each name's definitions in every class of
    cls's method resolution order (which super() may reach)."""
    from .callables import is_user_function
    todo = ["__init__", "__post_init__"] + sorted(
        n.attr for n in S.walk(fdef) if isinstance(n, S.Attribute) and isinstance(
            n.value, S.Name) and n.value.id == name)
    seen, found = set(), []
    while todo:
        attr = todo.pop()
        if attr in seen:
            continue
        seen.add(attr)
        for klass in cls.__mro__:
            value = vars(klass).get(attr)
            for fn in ((value.fget, value.fset, value.fdel) if isinstance(value, property)
                       else (getattr(value, "__func__", value),)):
                if inspect.isfunction(fn) and is_user_function(fn) and fn not in found and \
                        not (dataclasses.is_dataclass(klass) and _generated(fn)):
                    found.append(fn)
                    tree = _tree(fn)
                    me = tree.args.args[0].id if tree is not None and tree.args.args else None
                    todo += [n.attr for n in S.walk(tree) if isinstance(n, S.Attribute) and
                             isinstance(n.value, S.Name) and n.value.id == me] if me else []
    return found


def _method_keeps(fn, attr):
    """How the method fn may let something else hold the array in self.attr (a read kept,
    a value something else holds stored there), or None."""
    tree = _tree(fn)
    if tree is None:
        return f"{fn.__qualname__}, whose source srcdiff cannot read"
    if not tree.args.args:
        return None
    me = tree.args.args[0].id
    init = fn.__name__ == "__init__"
    look = _names_of(fn)
    for n, parents in _with_parents(tree):
        shown = f"{fn.__qualname__}: `{S.spell(parents.get(n, n))}`"
        if isinstance(n, S.Name) and n.id in ("setattr", "getattr", "vars", "super") or (
                isinstance(n, S.Attribute) and n.attr == "__dict__"):
            return shown
        if isinstance(n, S.Name) and n.id == me and isinstance(n.ctx, S.Load) and not (
                isinstance(parents.get(n), S.Attribute) or isinstance(parents.get(n),
                                                                      S.Return)):
            return shown   # helper(self), REGISTRY.append(self): its fields reached there
        if _is_field(n, me, attr) and isinstance(n.ctx, S.Load) and not _used_at_once(
                n, parents, look, in_method=True):
            return shown
        if not init and isinstance(n, (S.Assign, S.AnnAssign)) and any(
                _is_field(t, me, attr) for t in _targets(n)) and _fresh(n.value, look) is not True:
            return f"{fn.__qualname__}: `{S.spell(n).strip()}`"
    return None


def _targets(n):
    return n.targets if isinstance(n, S.Assign) else [n.target]


def _is_field(n, name, attr):
    return isinstance(n, S.Attribute) and n.attr == attr and isinstance(
        n.value, S.Name) and n.value.id == name


def _with_parents(tree):
    """(node, parents) for each node of tree: parents maps a node to the one holding it."""
    parents = {}
    for n in S.walk(tree):
        for child in S.iter_child_nodes(n):
            parents[child] = n
    return [(n, parents) for n in S.walk(tree)]


def _used_at_once(node, parents, look, in_method):
    """Whether the value of `node` is used where it is read, nothing keeping it."""
    parent = parents.get(node)
    if isinstance(parent, (S.BinOp, S.UnaryOp, S.Compare, S.Expr, S.FormattedValue)):
        return True
    if isinstance(parent, S.AugAssign):   # the target updated, or y += self.w (y's own)
        return True
    if isinstance(parent, S.Return):
        return not in_method
    if isinstance(parent, S.Subscript) and parent.value is node:
        return not isinstance(parent.ctx, S.Load) or _used_at_once(parent, parents, look,
                                                                   in_method)
    if isinstance(parent, S.IfExp) and node is not parent.test:
        return _used_at_once(parent, parents, look, in_method)
    if isinstance(parent, S.Attribute) and parent.value is node:
        call = parents.get(parent)
        from .library_results import FRESH_METHODS, VIEW_ATTRIBUTES, VIEW_METHODS
        if isinstance(call, S.Call) and call.func is parent:
            if any(k.arg in ("out", "copy") for k in call.keywords):
                return False
            if parent.attr in FRESH_METHODS:
                return True
            return parent.attr in VIEW_METHODS and _used_at_once(call, parents, look,
                                                                 in_method)
        if parent.attr in _SHAPES:
            return True
        return parent.attr in VIEW_ATTRIBUTES and _used_at_once(parent, parents, look,
                                                                in_method)
    if isinstance(parent, S.keyword):
        parent, node = parents.get(parent), parent
        if not isinstance(parent, S.Call) or node.arg in ("out", "copy"):
            return False
    if isinstance(parent, S.Call) and node is not parent.func:
        return _consuming_call(parent, parents, look, in_method)
    return False


def _consuming_call(call, parents, look, in_method):
    """Whether the call keeps nothing of its arguments and gives a new value (or a view
    itself used at once)."""
    from .library_results import VIEW_FUNCS, fresh_call
    if any(k.arg in ("out", "copy") for k in call.keywords):
        return False
    func = look(call.func)
    try:
        if func in _TAME:
            return True
        if func in VIEW_FUNCS:
            return _used_at_once(call, parents, look, in_method)
    except TypeError:
        return False
    if func is not None and fresh_call(func):
        return True
    module = getattr(func, "__module__", None) or ""
    return callable(func) and not isinstance(func, type) and module.split(".")[0] in (
        "numpy", "math")


def _fresh(value, look, params=()):
    """True where the expression `value` surely makes a new value (or a number); ("param",
    p) where it is the parameter p itself; else False."""
    if isinstance(value, (S.BinOp, S.UnaryOp, S.Compare)):
        return True
    if isinstance(value, S.Constant):
        return True
    if isinstance(value, S.Name):
        return ("param", value.id) if value.id in params else False
    if isinstance(value, S.IfExp):
        sides = {_fresh(value.body, look, params) is True,
                 _fresh(value.orelse, look, params) is True}
        return sides == {True}
    if isinstance(value, S.Call):
        from .library_results import FRESH_METHODS, VIEW_FUNCS, fresh_call
        if any(k.arg in ("out", "copy") for k in value.keywords):
            return False
        if isinstance(value.func, S.Attribute) and value.func.attr in FRESH_METHODS and \
                look(value.func) is None:
            return True   # w.copy(), w.astype(float) of a local
        func = look(value.func)
        try:
            if func in VIEW_FUNCS:
                return False
        except TypeError:
            return False
        return func is not None and fresh_call(func)
    return False
