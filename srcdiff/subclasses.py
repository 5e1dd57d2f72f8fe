"""Arguments that are ndarray subclasses changing what operators and methods mean.

srcdiff's rules are those of numpy.ndarray: `*` multiplies item by item, `x.sum()` takes
`keepdims=`, indexing a row gives a 1-d array. `numpy.matrix` (where `*` and `**` are matrix
products and rows stay 2-d), masked arrays and any subclass that overrides an ndarray
operator, method or NumPy hook would get derivatives of the wrong function, so they are
refused when the derivative is called, naming the argument and the function. A subclass
that only adds attributes or methods of its own (and `__array_finalize__` to carry them)
computes what an ndarray computes and passes.
"""
import inspect

import numpy

from .errors import ArgumentError

# what a subclass may define without changing what ndarray's operations compute
_HARMLESS = frozenset({
    "__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__slots__",
    "__new__", "__init__", "__init_subclass__", "__array_finalize__", "__repr__", "__str__",
    "__format__", "__reduce__", "__reduce_ex__", "__setstate__", "__getstate__",
    "__class_getitem__", "__annotations__", "__firstlineno__", "__static_attributes__",
    "__parameters__", "__orig_bases__",
})

_VERDICTS = {}


def overridden(cls):
    """The ndarray operators, methods and hooks `cls` (a subclass) redefines, sorted."""
    verdict = _VERDICTS.get(cls)
    if verdict is None:
        names = set()
        for klass in cls.__mro__:
            if klass is numpy.ndarray or not issubclass(klass, numpy.ndarray):
                continue
            names |= {n for n in vars(klass) if n not in _HARMLESS and hasattr(numpy.ndarray, n)}
        verdict = _VERDICTS[cls] = tuple(sorted(names))
    return verdict


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
    if t in (list, tuple):
        for i, v in enumerate(value):
            _check(fn, f"{name}[{i}]", v)
        return
    if t is dict:
        for k, v in value.items():
            _check(fn, f"{name}[{k!r}]", v)
        return
    if isinstance(value, numpy.ndarray) and overridden(t):
        _refuse(fn, name, t)


def _refuse(fn, name, cls):
    changed = overridden(cls)
    shown = ", ".join(changed[:6]) + (", ..." if len(changed) > 6 else "")
    filename = lineno = line = None
    target = inspect.unwrap(fn) if callable(fn) else fn
    try:
        filename = inspect.getsourcefile(target)
        lines, lineno = inspect.getsourcelines(target)
        line = next((s for s in lines if s.lstrip().startswith(("def ", "async def "))),
                    lines[0])
    except (TypeError, OSError):
        pass
    what = f"{cls.__module__}.{cls.__qualname__}"
    if cls is numpy.matrix:
        why = "where * and ** are matrix products and rows stay 2-d"
    else:
        why = f"which redefines ndarray's {shown}"
    raise ArgumentError(
        f"{name} is a {what} ({why}); srcdiff differentiates what these operations mean "
        f"for numpy.ndarray, so the derivative of {getattr(fn, '__qualname__', fn)} would "
        "be wrong",
        hint=f"pass numpy.asarray({name}) (and write matrix products with @)",
        filename=filename, lineno=lineno, line=line)
