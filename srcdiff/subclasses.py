"""Arguments that are ndarray subclasses changing what operators and methods mean (leaf: called
by derivative.py, api_composite.py and cli.py, which copies it into the modules it writes).
Takes the arguments a derivative is called with; gives back nothing for those it
differentiates, or raises a refusal naming the argument and the function
(`refuse_subclass_arguments`).

srcdiff's rules are those of numpy.ndarray: `*` multiplies item by item, `x.sum()` takes
`keepdims=`, indexing a row gives a 1-d array. `numpy.matrix` (where `*` and `**` are matrix
products and rows stay 2-d), masked arrays and any subclass that overrides an ndarray
operator, method or NumPy hook would get derivatives of the wrong function, so they are
refused when the derivative is called, naming the argument and the function. A subclass
that only adds attributes or methods of its own (and `__array_finalize__` to carry them)
computes what an ndarray computes and passes.

`refuse_subclass_arguments` and the functions it calls are copied into the modules the
codegen command writes (srcdiff/cli.py), so they use nothing but numpy and each other.
"""
import inspect

import numpy

from .errors import ArgumentError


def overridden(cls, _verdicts={}):  # noqa: B006  (the cache, one entry per class)
    """The ndarray operators, methods and hooks `cls` (a subclass) redefines, sorted."""
    verdict = _verdicts.get(cls)
    if verdict is None:
        # what a subclass may define without changing what ndarray's operations compute
        harmless = frozenset({
            "__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__slots__",
            "__new__", "__init__", "__init_subclass__", "__array_finalize__", "__repr__",
            "__str__", "__format__", "__reduce__", "__reduce_ex__", "__setstate__",
            "__getstate__", "__class_getitem__", "__annotations__", "__firstlineno__",
            "__static_attributes__", "__parameters__", "__orig_bases__",
        })
        names = set()
        for klass in cls.__mro__:
            if klass is numpy.ndarray or not issubclass(klass, numpy.ndarray):
                continue
            names |= {n for n in vars(klass) if n not in harmless and hasattr(numpy.ndarray, n)}
        verdict = _verdicts[cls] = tuple(sorted(names))
    return verdict


def operator_subclass(value, name):
    """(the argument's name, its class) for `value` or the first item of a list, tuple or
    dict `value` that is an ndarray subclass overriding ndarray's operators; else None."""
    t = type(value)
    ndarray = getattr(numpy, "ndarray", None)  # None under a codegen --backend without one
    if t is ndarray or t is float or t is int or ndarray is None:
        return None
    if t is list or t is tuple:
        for i, v in enumerate(value):
            found = operator_subclass(v, f"{name}[{i}]")
            if found is not None:
                return found
        return None
    if t is dict:
        for k, v in value.items():
            found = operator_subclass(v, f"{name}[{k!r}]")
            if found is not None:
                return found
        return None
    if isinstance(value, ndarray) and overridden(t):
        return name, t
    return None


def subclass_refusal(name, cls, function):
    """The reason and the hint of refusing argument `name` of class `cls`."""
    changed = overridden(cls)
    shown = ", ".join(changed[:6]) + (", ..." if len(changed) > 6 else "")
    what = f"{cls.__module__}.{cls.__qualname__}"
    if cls is getattr(numpy, "matrix", None):
        why = "where * and ** are matrix products and rows stay 2-d"
    else:
        why = f"which redefines ndarray's {shown}"
    reason = (f"{name} is a {what} ({why}); srcdiff differentiates what these operations "
              f"mean for numpy.ndarray, so the derivative of {function} would be wrong")
    return reason, f"pass numpy.asarray({name}) (and write matrix products with @)"


def refuse_subclass_arguments(values, names, function, filename, lineno, line):
    """Refuse (ArgumentError at filename:lineno) an argument among `values` (named `names`)
    that is, or holds, an ndarray subclass overriding ndarray's operators."""
    for value, name in zip(values, names):
        found = operator_subclass(value, name)
        if found is not None:
            reason, hint = subclass_refusal(found[0], found[1], function)
            raise ArgumentError(reason, hint=hint, filename=filename, lineno=lineno, line=line)


def check_arguments(fn, names, args, kwargs):
    """Refuse an argument (or an item of a list, tuple or dict argument) that is an ndarray
    subclass overriding ndarray's operators; `names` are fn's parameter names."""
    for i, value in enumerate(args):
        _check(fn, names[i] if i < len(names) else f"argument {i}", value)
    for key, value in kwargs.items():
        _check(fn, key, value)


def _check(fn, name, value):
    t = type(value)
    if t is numpy.ndarray or t is float or t is int:
        return
    found = operator_subclass(value, name)
    if found is not None:
        _refuse(fn, *found)


def _refuse(fn, name, cls):
    filename = lineno = line = None
    target = inspect.unwrap(fn) if callable(fn) else fn
    try:
        filename = inspect.getsourcefile(target)
        lines, lineno = inspect.getsourcelines(target)
        line = next((s for s in lines if s.lstrip().startswith(("def ", "async def "))),
                    lines[0])
    except (TypeError, OSError):
        pass
    reason, hint = subclass_refusal(name, cls, getattr(fn, "__qualname__", fn))
    raise ArgumentError(reason, hint=hint, filename=filename, lineno=lineno, line=line)
