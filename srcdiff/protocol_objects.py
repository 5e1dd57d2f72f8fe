"""Objects of the user's classes used through Python's protocols (stage 3, lower: called by
lower.py's Lowerer.stmt). Takes the Lowerer and one statement of the user's; gives back the
statement (`v += w` on an object: the assignment it means, operator_lowering.update),
or raises a located refusal where the statement writes an item of an object whose class
defines `__setitem__`, loops over or unpacks (`a, b = v`) one defining `__iter__` (or
`__getitem__`) that object_loops.py does not follow (its loop or unpacking is then over
what `__iter__` gives), or hands one
to `float()`, `int()`, `complex()`, `round()`, `divmod()`, a function of math or
statistics, `max()`/`min()` of one argument or a NumPy function where its class defines
`__float__`, `__int__`, `__complex__`, `__round__`, `__divmod__`,
`__floor__`/`__ceil__`/`__trunc__`, `__index__`, `__array__`, or the `__iter__`,
`__getitem__` or `__len__` they read items by, or hands one to a NumPy ufunc at all (NumPy
calls the object's own methods there).

srcdiff follows the methods of the user's classes called by name (`layer.forward(x)`), and
the operators and item reads operator_methods.py makes such calls of, and reads their
fields as records; Python calls these other protocol methods itself, in code the
statement does not show, and srcdiff's derivative read such an object as an array or a
list instead (crashes in the emitted code, `s[1]` a memoryview). Only objects whose class
srcdiff can tell (objects.class_of: made here, passed in, an item of a known list) are
looked at; the statement's nested blocks are their own statements.
"""
import math

import numpy

from . import syntax as S
from .objects import class_of, is_user_class

_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
_CONVERSIONS = {float: "__float__", int: "__int__", complex: "__complex__",
                round: "__round__", divmod: "__divmod__", math.floor: "__floor__",
                math.ceil: "__ceil__", math.trunc: "__trunc__"}


def check(lw, stmt):
    """Raise the located refusal for the first protocol use in `stmt` (see the module);
    gives back `stmt`, or for `v += w` on an object of the user's class the assignment it
    means (`v = v.__iadd__(w)`, or `v = v + w` where the class has no `__iadd__`:
    operator_lowering.update)."""
    if isinstance(stmt, S.AugAssign) and isinstance(stmt.target, S.Name):
        from .operator_lowering import update
        assigned = update(lw, stmt)
        if assigned is not None:
            return assigned
    for node in _own_nodes(stmt):
        if isinstance(node, S.Subscript) and not isinstance(node.ctx, S.Load):   # (a read
            _refuse_if(lw, node, node.value, ("__setitem__", "__delitem__"),   # v[i] is
                       "write into")   # v.__getitem__(i): operator_methods.py)
        elif isinstance(node, S.Assign) and any(isinstance(t, (S.Tuple, S.List))
                                                for t in node.targets):
            from .object_loops import iterated   # a, b = v: what its __iter__ gives
            node.value = iterated(lw, node.value) or node.value
            _refuse_if(lw, node, node.value, ("__iter__", "__getitem__"), "unpack")
        elif isinstance(node, (S.For, S.comprehension)):
            from .object_loops import iterated   # for p in params: its __iter__'s loop
            node.iter = iterated(lw, node.iter) or node.iter
            _refuse_if(lw, node, node.iter, ("__iter__", "__getitem__"), "loop over")
        elif isinstance(node, S.Call) and node.args and \
                isinstance(node.func, (S.Name, S.Attribute)) and \
                lw._global_path(node.func) is not None:
            func = lw._callee_object(node.func)
            if _iterates(func):   # enumerate(params), list(params): its __iter__'s items
                _iterated_arguments(lw, node, func)
                continue
            names = _protocol_methods(func, len(node.args))
            for arg in node.args:
                _refuse_if(lw, node, arg, names, f"pass to {S.spell(node.func)}()")
                if isinstance(func, numpy.ufunc):   # (after __array__, which NumPy reads)
                    _refuse_ufunc(lw, node, arg)
    return stmt


# Builtins that loop over their positional arguments as `for p in arg` does (Python calls
# the argument's __iter__, or __getitem__ from 0 without one), and the positions they loop
# over (None: every one); reversed() and iter() call __reversed__ / __len__ and
# __getitem__ or hand the iterator on: never followed, refused.
_ITERATING = {enumerate: (0,), zip: None, list: (0,), tuple: (0,), sorted: (0,), sum: (0,),
              set: (0,), frozenset: (0,), any: (0,), all: (0,), reversed: (), iter: (),
              map: None, filter: None}


def _iterates(func):
    try:
        return func in _ITERATING
    except TypeError:   # (an unhashable callable)
        return False


def _iterated_arguments(lw, call, func):
    """Each argument `func` loops over that is an object of the user's class: what its
    __iter__ gives (object_loops.iterated) in its place; where srcdiff does not follow the
    class's __iter__ (or Python would call __getitem__), a located refusal. Without this
    enumerate(params) read params[i] as an array's item: a wrong derivative where the
    class's __iter__ orders or picks its items otherwise, a crash elsewhere."""
    from .object_loops import iterated
    positions = _ITERATING[func]
    if func in (map, filter):
        positions = range(1, len(call.args))
    elif positions is None:
        positions = range(len(call.args))
    for i in positions:
        if i < len(call.args) and not isinstance(call.args[i], S.Starred):
            call.args[i] = iterated(lw, call.args[i]) or call.args[i]
    for i, arg in enumerate(call.args):
        if func in (map, filter) and i == 0:
            continue
        _refuse_if(lw, call, arg.value if isinstance(arg, S.Starred) else arg,
                   ("__iter__", "__getitem__"), f"pass to {S.spell(call.func)}()",
                   made_here=True)   # enumerate(Pair(a, b)) as `for p in Pair(a, b)`


def _protocol_methods(func, count):
    """The methods Python (or NumPy) calls on an object of the user's class handed to
    `func` (called with `count` positional arguments): a conversion's (`float(v)`:
    `__float__`, `round(v)`: `__round__`); the `__float__` or `__index__` every other
    function of math converts its arguments by, and the `__iter__` / `__getitem__` that
    math.fsum, math.prod, statistics' functions and a one-argument max() or min() loop
    through; NumPy's array protocols, and the sequence protocol NumPy reads an array's
    items by (`numpy.sum(v)` of an object with `__len__` and `__getitem__`); () for other
    functions."""
    try:
        if func in _CONVERSIONS:
            return (_CONVERSIONS[func],)
        if func in (max, min):
            return ("__iter__", "__getitem__") if count == 1 else ()
    except TypeError:   # (an unhashable callable)
        return ()
    if _numpy(func):
        return ("__array__", "__array_ufunc__", "__array_function__", "__len__",
                "__getitem__", "__iter__")
    module = getattr(func, "__module__", None)
    if module == "statistics":
        return ("__iter__", "__getitem__")
    if module == "math" or (
            isinstance(func, type(math.sqrt)) and getattr(math, func.__name__, None) is func):
        return ("__float__", "__index__", "__iter__", "__getitem__")
    return ()


def _refuse_ufunc(lw, call, operand):
    """A NumPy ufunc given an object of the user's class (`numpy.abs(v)`): NumPy makes it an
    array of one object and calls the object's own methods (`__abs__`, `v.sqrt()`, `__add__`),
    which srcdiff, reading the object as an array, would not follow: refused at the line."""
    if not isinstance(operand, S.Name):
        return
    cls = class_of(lw, operand, set())
    if cls is None or not is_user_class(cls):
        return
    shown, name = S.spell(operand), S.spell(call.func)
    raise lw.error(call, f"srcdiff cannot pass {shown}, an object of your class "
                   f"{cls.__name__}, to {name}(): NumPy calls the object's own methods there "
                   "(its __abs__, __add__, or a method named after the function), which "
                   "srcdiff does not follow (it follows methods called by name)",
                   hint=f"call a method of {cls.__name__} by name, an operator (abs({shown}), "
                   f"{shown} + w), or {name}() of its array field")


def _own_nodes(stmt):
    """The nodes of `stmt` outside its nested blocks."""
    todo = [stmt]
    while todo:
        node = todo.pop()
        yield node
        for field in node._fields:
            if node is stmt and field in _BLOCKS:
                continue
            value = getattr(node, field, None)
            if isinstance(value, list):
                todo.extend(v for v in value if isinstance(v, S.AST) and
                            not isinstance(v, S.stmt))
            elif isinstance(value, S.AST) and not isinstance(value, S.stmt):
                todo.append(value)


def _numpy(func):
    return isinstance(func, numpy.ufunc) or \
        (getattr(func, "__module__", None) or "").split(".")[0] == "numpy"


def _refuse_if(lw, node, operand, methods, doing, made_here=False):
    if not methods or not isinstance(operand, (S.Name, S.Call) if doing == "loop over" or
                                     made_here else S.Name):   # for p in Pair(a, b)
        return
    cls = class_of(lw, operand, set())
    if cls is None or not is_user_class(cls):
        return
    found = next((m for m in methods if any(m in vars(k) for k in cls.__mro__[:-1]
                                            if is_user_class(k))), None)   # (not tuple's)
    if found is not None:
        shown = S.spell(operand)
        raise lw.error(node, f"srcdiff cannot {doing} {shown}, an object of your class "
                       f"{cls.__name__}: Python calls its {found} there, which srcdiff does "
                       "not follow (it follows methods called by name)",
                       hint=f"call a method of {cls.__name__} by name "
                            f"({shown}.at(i), {shown}.values()), or read its "
                            "array field")
