"""The class of the object a factory returns (stage 3, lower: called by objects.py). Takes the
function a call in the user's code calls (a classmethod bound to its class, a staticmethod or
a plain function of the user's), or a class and the name of such a method of it; gives back
the one class every `return` of it makes, or None; for `dataclasses.replace(p, ...)` or a
helper returning one of its parameter, the argument whose class it keeps (`replaced_argument`).

A classmethod constructor (`Dense.init(w)`, whose body returns `cls(...)`), a staticmethod
factory (`return Dense(...)`), a method or operator of an object (`return V(...)`,
`type(self)(...)`) or a factory function returns an object of a class srcdiff can
read from the function's source before the code runs: each `return` gives a call of `cls`
(the class the classmethod is bound to), of a class the function's globals or closure name,
or a name bound once in the function to such a call (in a method, also `self op w`: what
the class's own operator method makes, `return self + o` in `__radd__`). Every return must make the same class;
objects.py then follows the object's methods as it does an object made by its class's call,
checked where the code runs (runtime_values.check_class).
"""
import inspect

from . import syntax as S
from .object_lists import is_user_class
from .operator_names import dunder


def _user_def(fn):
    """The FunctionDef of a plain function of the user's, or None (no source, not one)."""
    from .callables import is_user_function
    if not inspect.isfunction(fn) or not is_user_function(fn):
        return None
    try:
        from .frontend import get_source
        fdef = get_source(fn).node
    except Exception:   # (no source, a parse failure: nothing is known)
        return None
    return fdef if isinstance(fdef, S.FunctionDef) else None


def made_class(fn, instance_of=None):
    """The class every return of the factory `fn` makes, or None; `instance_of`: fn is a
    method called on an object of that class, whose `type(self)(...)` and
    `self.__class__(...)` make one of it."""
    if getattr(fn, "__name__", None) == "_make" and _named_tuple(getattr(fn, "__self__", None)):
        return fn.__self__   # P._make(seq) of a named tuple class P
    owner = None
    if inspect.ismethod(fn) and isinstance(fn.__self__, type):
        owner, fn = fn.__self__, fn.__func__
    fdef = _user_def(fn)
    if fdef is None:
        return None
    params = [a.id for a in fdef.args.posonlyargs + fdef.args.args]
    me = params[0] if owner is not None and params else None
    own = params[0] if instance_of is not None and params else None
    returns, bound, counts = [], {}, {}
    for n in S.own_nodes(fdef):
        if isinstance(n, (S.Yield, S.YieldFrom)):
            return None
        if isinstance(n, S.Return):
            returns.append(n.value)
        if isinstance(n, S.Name) and isinstance(n.ctx, (S.Store, S.Del)):
            counts[n.id] = counts.get(n.id, 0) + 1
        if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], S.Name):
            bound[n.targets[0].id] = n.value
    found = set()
    for value in returns:
        if own is not None and isinstance(value, S.Name) and value.id == "NotImplemented":
            continue   # an operator declining: Python calls another method instead
        if own is not None and isinstance(value, S.Name) and value.id == own and \
                not counts.get(own):
            found.add(instance_of)   # `return self` (v += w: __iadd__ changing v)
            continue
        if isinstance(value, S.Name) and counts.get(value.id) == 1 and value.id not in params:
            value = bound.get(value.id)
        if own is not None and _own_class_call(value, own, counts):
            cls = instance_of
        elif own is not None and _own_operation(value, own, counts):
            cls = _method_class(instance_of, dunder(value.op))   # __radd__: `self + o`
        else:
            cls = _called_class(fn, value, me, owner)
        if cls is None:
            return None
        found.add(cls)
    return found.pop() if len(found) == 1 else None


def names_objects(obj):
    """Whether the object a function's code names (a global it reads) is a class of the
    user's, or a function of the user's whose every return makes one (made_class: `mk(x) +
    mk(x)` then calls that class's `__add__`), so that its objects may be met there."""
    if is_user_class(obj):
        return True
    return inspect.isfunction(obj) and _user_def(obj) is not None and is_user_class(
        made_class(obj))


def _own_class_call(value, me, counts):
    """Whether `value` is `type(me)(...)` or `me.__class__(...)`, `me` never rebound."""
    if not isinstance(value, S.Call) or counts.get(me):
        return False
    func = value.func
    if isinstance(func, S.Attribute) and func.attr == "__class__":
        return isinstance(func.value, S.Name) and func.value.id == me
    return isinstance(func, S.Call) and isinstance(func.func, S.Name) and \
        func.func.id == "type" and len(func.args) == 1 and not func.keywords and \
        isinstance(func.args[0], S.Name) and func.args[0].id == me


def replaced_argument(fn, call):
    """The argument of `call` (a call of `fn`) whose class the object it returns has:
    `dataclasses.replace(p, ...)` gives an object of p's class (value_builtins._replace),
    and so does a function of the user's each of whose returns is `dataclasses.replace(q,
    ...)` of one parameter q it never rebinds (`def step(p): return replace(p, w=...)`);
    None otherwise."""
    import dataclasses
    if fn is dataclasses.replace:
        return call.args[0] if call.args and not isinstance(call.args[0], S.Starred) else None
    fdef = _user_def(fn)
    if fdef is None:
        return None
    params = [a.id for a in fdef.args.posonlyargs + fdef.args.args]
    stored = {n.id for n in S.walk(fdef) if isinstance(n, S.Name) and
              isinstance(n.ctx, (S.Store, S.Del))}
    named = set()
    for n in S.own_nodes(fdef):
        if isinstance(n, (S.Yield, S.YieldFrom)):
            return None
        if isinstance(n, S.Return):
            value = n.value
            if not (isinstance(value, S.Call) and value.args and
                    isinstance(value.args[0], S.Name) and value.args[0].id in params and
                    value.args[0].id not in stored and
                    _resolved(fn, value.func) is dataclasses.replace):
                return None
            named.add(value.args[0].id)
    if len(named) != 1:
        return None
    name = named.pop()
    at = params.index(name)
    if any(isinstance(a, S.Starred) for a in call.args[:at + 1]):
        return None
    if at < len(call.args):
        return call.args[at]
    return next((k.value for k in call.keywords if k.arg == name), None)


def self_replaced(lw, value, name):
    """Whether `value`, bound to `name`, is a call giving back an object of the class `name`
    held (replaced_argument names `name` itself: `p = step(p)`), so that binding adds no
    class of its own to those `name` holds."""
    if not isinstance(value, S.Call):
        return False
    at = replaced_argument(lw._callee_object(value.func), value)
    return isinstance(at, S.Name) and at.id == name


def _resolved(fn, func):
    """The object the name or attribute path `func` names in fn's scope, or None."""
    node, parts = S.attribute_chain(func)
    if not isinstance(node, S.Name):
        return None
    try:
        scope = inspect.getclosurevars(fn)
    except (TypeError, ValueError):
        return None
    obj = scope.nonlocals.get(node.id, scope.globals.get(node.id, fn.__globals__.get(node.id)))
    for part in parts:
        obj = getattr(obj, part, None)
    return obj


def _named_tuple(cls):
    """A named tuple class (a tuple class with `_fields` and `_make`; whether it is the
    user's, the caller asks: objects.class_of)."""
    return isinstance(cls, type) and issubclass(cls, tuple) and isinstance(
        getattr(cls, "_fields", None), tuple) and hasattr(cls, "_make")


def made_by_method(cls, name):
    """The class the method `name` of the class `cls` makes, called on an object of cls
    (`unit.init(w)` a classmethod or staticmethod, `v.scaled(c)` or `v.__add__(w)` a method
    whose every return is `V(...)`, `type(self)(...)`, `self.__class__(...)`, `self` or, in
    an operator, NotImplemented), or None. A named tuple's `p._replace(...)` makes one of
    p's class."""
    if name == "_replace" and _named_tuple(cls):
        return cls
    fn = inspect.getattr_static(cls, name, None)
    if isinstance(fn, classmethod):
        return made_class(getattr(cls, name))
    if isinstance(fn, staticmethod):
        return made_class(fn.__func__)
    if inspect.isfunction(fn) and isinstance(cls, type):   # v.scaled(2.0), v + w: a method
        return made_class(fn, instance_of=cls)              # returning V(...) or type(self)(...)
    return None


def _called_class(fn, value, me, owner):
    """The class `value` (a call) makes: `cls(...)` in a classmethod, `C(...)` where fn's
    scope names the class C, `g(...)` where it names a factory g of one class, `a + b`
    where a is such a call and its class's `__add__` makes one class; else None."""
    if isinstance(value, S.BinOp):
        return _operator_class(fn, value, me, owner)
    if not isinstance(value, S.Call):
        return None
    func = value.func
    if me is not None and isinstance(func, S.Name) and func.id == me:
        return owner
    node, parts = S.attribute_chain(func)
    if not isinstance(node, S.Name) or node.id == me:
        return None
    try:
        scope = inspect.getclosurevars(fn)
    except (TypeError, ValueError):
        return None
    missing = object()
    obj = scope.nonlocals.get(node.id, scope.globals.get(node.id, missing))
    if obj is missing:
        obj = fn.__globals__.get(node.id, missing)
    for part in parts:
        obj = getattr(obj, part, missing)
    if isinstance(obj, type):
        return obj
    if inspect.isfunction(obj) and obj not in _FOLLOWING:   # a factory calling a factory
        _FOLLOWING.add(obj)
        try:
            return made_class(obj)
        finally:
            _FOLLOWING.discard(obj)
    return None


_FOLLOWING = set()   # the factories made_class is reading now (a recursive one makes None)


def _operator_class(fn, value, me, owner):
    """The class `left op right` makes where left is a call of a known class (above) whose
    method for op (`__add__` for +) makes one class, as made_class reads it."""
    cls = _called_class(fn, value.left, me, owner)
    return _method_class(cls, dunder(value.op))


def _own_operation(value, own, counts):
    """Whether `value` is `self op w` in a method whose first parameter `own` is never
    rebound (a reflected operator written `return self + o`)."""
    return isinstance(value, S.BinOp) and isinstance(value.left, S.Name) and \
        value.left.id == own and not counts.get(own)


def _method_class(cls, name):
    """The class cls's method `name` (an operator's, called on an object of cls) makes, as
    made_class reads it; None where cls or the method is not known, or is being read."""
    method = getattr(cls, name, None) if cls is not None and name else None
    if not inspect.isfunction(method) or method in _FOLLOWING:
        return None
    _FOLLOWING.add(method)
    try:
        return made_class(method, instance_of=cls)
    finally:
        _FOLLOWING.discard(method)
