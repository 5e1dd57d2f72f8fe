"""Loops over objects of the user's classes, `for p in params:`, as the loops Python runs
(stage 3, lower: called by protocol_objects.py). Takes the Lowerer and a loop's iterated
expression; gives back the expression the loop iterates in its place: the call of the
class's generator `__iter__` (`params.__iter__()`, followed as any generator method), or
the expression of self its `__iter__` hands to iter() (`return iter(self.items)`:
`params.items`); None where the class defines no `__iter__` of these forms
(protocol_objects.py then refuses the loop, naming what to write).

Python's `for p in obj` calls `type(obj).__iter__(obj)` and loops over the iterator it
returns. An `__iter__` that returns iter() of an expression of `self` alone (its fields,
their items at constant keys, a tuple or list display of them) loops over that expression,
read once where the loop starts, as the call reads it, where the object's class is exact
with nothing checked where the code runs (a parameter, an object made here by its class:
`_exact`). Without `__iter__`, Python calls `obj.__getitem__(0)`, `(1)`, ... until
IndexError: not followed (a dict field would stop at another place than a loop over it),
refused with the loop to write instead.
"""
import inspect

from . import syntax as S
from .objects import class_of, is_user_class


def iterated(lw, it):
    """What the loop `for ... in it` iterates in its place (see the module), or None."""
    if not isinstance(it, (S.Name, S.Call, S.Attribute, S.Subscript)):
        return None
    cls = class_of(lw, it, set())
    if cls is None or not is_user_class(cls):
        return None
    method = _own(cls, "__iter__")
    if method is not None:
        fdef = _definition(method)
        if fdef is None:
            return None
        if any(isinstance(n, (S.Yield, S.YieldFrom)) for n in S.own_nodes(fdef)):
            return S.place_unplaced(S.Call(func=S.Attribute(value=it, attr="__iter__",
                                                            ctx=S.Load()),
                                           args=[], keywords=[]), it)
        value = _returned(fdef)
        if isinstance(value, S.Call) and isinstance(value.func, S.Name) and \
                value.func.id == "iter" and len(value.args) == 1 and not value.keywords and \
                method.__globals__.get("iter", iter) is iter and _exact(lw, it, cls):
            return _of_object(value.args[0], _params(fdef)[:1], it)
        return None
    return None


def _exact(lw, it, cls):
    """Whether `it` holds an object of exactly the class cls where the loop runs, with
    nothing checked there: a parameter the function is compiled for objects of cls
    (class_calls.parameter_class), or a local bound once to a call of cls itself (a
    field read in __iter__'s place reads cls's own __iter__, never a subclass's)."""
    from .class_calls import parameter_class
    from .objects import _made_by_its_class, _single_bindings
    if isinstance(it, S.Name) and parameter_class(lw, it.id) is cls:
        return True
    value = _single_bindings(lw).get(it.id) if isinstance(it, S.Name) else it
    return isinstance(value, S.Call) and _made_by_its_class(lw, value) and \
        lw._callee_object(value.func) is cls


def _own(cls, name):
    """The function `name` of the user's class cls (or a base of the user's), or None."""
    for k in cls.__mro__[:-1]:
        if is_user_class(k) and name in vars(k):
            fn = vars(k)[name]
            return fn if inspect.isfunction(fn) else None
    return None


def _definition(fn):
    from .factories import _user_def
    return _user_def(fn)


def _params(fdef):
    args = fdef.args
    if args.vararg or args.kwarg or args.kwonlyargs:
        return []
    return [a.id for a in args.posonlyargs + args.args]


def _returned(fdef):
    """The value of a body that is one `return value` (a docstring before it allowed)."""
    body = [s for s in fdef.body if not (isinstance(s, S.Expr) and
                                         isinstance(s.value, S.Constant))]
    if len(body) == 1 and isinstance(body[0], S.Return) and body[0].value is not None:
        return body[0].value
    return None


def _of_object(expr, params, it):
    """`expr`, which reads only the method's `self` (its attributes, items and slices at
    constant keys), with the looped object `it` in self's place (a name, or an expression where
    self is read once); None for any other expression."""
    if len(params) != 1:
        return None
    selves = []
    for n in S.walk(expr):
        if isinstance(n, S.Name):
            if n.id != params[0]:
                return None
            selves.append(n)
        elif not isinstance(n, (S.Attribute, S.Subscript, S.Constant, S.expr_context,
                                S.Slice, S.UnaryOp, S.unaryop, S.Tuple, S.List)):
            # self.items[::-1], (self.y, self.x)
            return None
    if not isinstance(it, S.Name) and len(selves) != 1:
        return None
    if isinstance(expr, S.Name):
        return it
    out = S.clone(expr)
    at = [(n, f) for n in S.walk(out) for f in ("value", "slice")
          if isinstance(getattr(n, f, None), S.Name)]   # (found before any is replaced)
    for n, field in at:
        setattr(n, field, S.clone(it))
    return S.place_unplaced(out, it)
