"""Class-body constants read through an object (stage 3, lower: called by records.py). Takes
the user's class and an attribute's name, or the lowering's state and a read `p.scale`;
gives back whether the attribute is a constant of the class body, or the lowered read
runtime_values.class_attribute(p, 'scale', ...).

`scale = 2.0` set in a class body (or a base's) and read as `self.scale` carries no
derivative: it reads the class's value, where no method of these classes nor any code of
their modules sets an attribute of that name on an object (their source read once, cached
by class). An object that holds its own value under the name after all is refused in the
run, located (class_attribute's refusal).
"""
import inspect

from . import syntax as S
from .objects import is_user_class


def class_constant(cls, attr):
    """Whether `attr` is a value the user's class `cls` (or a base) sets in its body, no
    method, property or other descriptor, which no method of these classes sets on an
    object (`self.attr = ...`, `other.attr = ...`) and no class of their module's code sets
    either (their source read; where it cannot be, False)."""
    if not (isinstance(cls, type) and is_user_class(cls)):
        return False
    value = inspect.getattr_static(cls, attr, _MISSING)
    if value is _MISSING or callable(value) or hasattr(type(value), "__get__"):
        return False
    for klass in cls.__mro__[:-1]:
        if klass not in _STORES:   # its module read once
            try:
                _STORES[klass] = _stores(S.parse_module(inspect.getsource(
                    inspect.getmodule(klass))))
            except (OSError, TypeError, SyntaxError):
                _STORES[klass] = None
        if _STORES[klass] is None or attr in _STORES[klass]:
            return False
    return True


_STORES = {}   # a class -> the attribute names its module's code sets (None: any)


def _stores(tree):
    """The attribute names code under `tree` sets on anything (`o.a = v`, `o.a += v`,
    `setattr(o, "a", v)`); None where it calls setattr with a name computed (any name)."""
    names = set()
    for n in S.walk(tree):
        if isinstance(n, S.Attribute) and isinstance(n.ctx, S.Store):
            names.add(n.attr)
        if isinstance(n, S.Call) and isinstance(n.func, S.Name) and n.func.id == "setattr":
            named = n.args[1] if len(n.args) > 1 else None
            if not isinstance(named, S.Constant) or not isinstance(named.value, str):
                return None
            names.add(named.value)
    return frozenset(names)


def stored(tree, attr):
    """Whether the function `tree` sets an attribute named `attr` of anything."""
    names = _stores(tree)
    return names is None or attr in names


_MISSING = object()


def class_attribute(lw, node, base):
    """`p.scale` of a class constant: runtime_values.class_attribute(p, 'scale', ...), the
    class's value, which carries no derivative; refused in the run where p itself holds a
    value under that name (set on the object after it was made)."""
    from . import runtime_values
    from .errors import where
    error = lw.error(node, f"{S.spell(node)} is set on the object itself here, where srcdiff "
                     f"read the class's constant {node.attr}",
                     hint=f"pass {node.attr} to the class's __init__, or leave it on the class")
    lw.bindings["class_attribute"] = runtime_values.class_attribute
    refusal = [S.const(error.reason), S.const(error.hint),   # (as checks.refusal_args)
               S.const(where(error.filename, error.lineno))]
    call = S.Call(func=S.load("class_attribute"), args=[base, S.const(node.attr)] + refusal,
                  keywords=[])
    return call, runtime_values.class_attribute
