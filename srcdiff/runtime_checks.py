"""Runtime checks and refusals: what emitted code calls to judge a value only the run can see
(run time: called by emitted code; a leaf importing numpy and srcdiff.errors). Takes the
value checked and the user's 'FILE:LINE'; gives back nothing (or the checked value) when the
value is fine, or raises a located RuntimeRefusal.

`refuse(reason, hint, where)` raises a RuntimeRefusal located at the user's 'FILE:LINE'
(quoting the line); the compiler (srcdiff/checks.py, lower.py, alias_flow.py) emits the
`check_*` guards before statements whose meaning depends on the values (an in-place update
of an array another name shares, a write into a row view read later, a complex norm, an
unsupported numpy.r_ directive, a linspace retstep, a random draw of zero spread, the
operands of an operator lowered to a method of the user's class), and the
API's entry code calls the argument checks (`check_differentiable`, `check_cotangent`,
`check_aux_pair`) on what the user passed. A check returns nothing (or the checked value)
when the value is fine; it never changes its arguments.

Self-contained like every runtime helper (numpy, linecache and the exception class, which
the codegen command copies along with it).
"""
import linecache
import sys
import types

import numpy

from .errors import RuntimeRefusal, SrcdiffError  # the codegen command copies them along


def refuse(reason, hint, where):
    """Refuse the user's statement at `where` ('FILE:LINE'), which only this run could judge;
    its line is quoted from the file, as a traceback quotes it."""
    filename, lineno = None, None
    if where:
        filename, _, number = where.rpartition(":")
        lineno = int(number)
    line = linecache.getline(filename, lineno).strip() if filename else ""
    raise RuntimeRefusal(reason, hint=hint, filename=filename, lineno=lineno, line=line or None)


def check_in_place(value, method, reason, hint, where):
    """Before `z += v` where another name shares z: fine for numbers (z is rebound), refused
    for arrays, which the operator changes in place under the other name too."""
    if hasattr(type(value), method):
        refuse(reason, hint, where)


def check_item_update(container, item, method, reason, hint, where):
    """Before `c[k] += v` where c is a list, tuple or dict and another name may hold the item
    c[k]: Python changes an array (or list) item in place, under that name too, while the
    derivative rebinds the slot; refused for such items, fine for numbers and for c an
    array (whose item writes are followed)."""
    if not hasattr(container, "shape") and hasattr(type(item), method):
        refuse(reason, hint, where)


def check_argument_update(value, method, reason, hint, filename, lineno, col):
    """Before a call to a function doing `v op= ...` on its parameter v (the write at
    filename:lineno): fine for a number (rebound), refused for an array or a list, which
    the operator changes in place under the caller's name too."""
    if hasattr(type(value), method):
        refuse(reason, hint, f"{filename}:{lineno}")


def check_not_shared(value, holder, reason, hint, where):
    """Before writing into `value` where `holder` may see it (y = m[i], or a name that may
    still be an alias of it): refused when holder sees the write, as value is one of its
    items (lists, tuples, dicts, the fields of a record, at any depth) or shares its memory
    (a row view of an array). Numbers and copies (an index array's pick) are fine."""
    if value is holder and (hasattr(value, "shape") or isinstance(value, (list, dict))):
        refuse(reason, hint, where)  # the same array (or list) under two names
    items = _items(holder)
    if items is not None:
        if any(item is value or (_items(item) is not None or hasattr(item, "shape") or
                                 _opaque(item)) and _holds(item, value) for item in items):
            refuse(reason, hint, where)   # (an item, an item of an item, a view of it)
        return
    if _opaque(holder) and hasattr(value, "shape"):
        refuse(reason, hint, where)   # (an iterator, a generator: what it holds is hidden)
    if not hasattr(value, "shape") or not hasattr(holder, "shape") or numpy.ndim(value) == 0:
        return
    if _shares(value, holder):
        refuse(reason, hint, where)


def _items(holder):
    """What a list, tuple or dict holds, or a record's fields (an object's attributes, a
    dataclass's), or None for anything else (an array, a number)."""
    if isinstance(holder, (list, tuple)):
        return holder
    if isinstance(holder, dict):
        return list(holder.values())
    if hasattr(holder, "shape") or isinstance(holder, (int, float, complex, str, bytes, type)):
        return None
    fields = getattr(holder, "__dict__", None)
    return list(fields.values()) if isinstance(fields, dict) and \
        not callable(holder) else None


def _opaque(holder):
    """Whether `holder` may hold arrays where no check can look (an iterator over one, a
    generator, a closure, a bound method): anything but numbers, strings, arrays, the
    containers and records _items reads, plain functions (NumPy's too), classes, modules."""
    if holder is None or hasattr(holder, "shape") or _items(holder) is not None or \
            isinstance(holder, (int, float, complex, str, bytes, range, slice, type,
                                types.ModuleType)):
        return False
    if isinstance(holder, types.FunctionType):
        return holder.__closure__ is not None
    if isinstance(holder, types.BuiltinFunctionType):
        return not isinstance(getattr(holder, "__self__", None), (types.ModuleType, type(None)))
    return not (callable(holder) and type(holder).__module__.split(".")[0] == "numpy")


def _holds(holder, value, depth=0):
    """Whether `holder` is `value`, holds it (at any depth), or shares its memory (or may,
    where it hides what it holds: _opaque)."""
    if holder is value:
        return True
    items = _items(holder)
    if items is not None:
        return depth < 32 and any(_holds(item, value, depth + 1) for item in items)
    if _opaque(holder):
        return hasattr(value, "shape")
    return hasattr(holder, "shape") and hasattr(value, "shape") and numpy.ndim(value) > 0 \
        and numpy.ndim(holder) > 0 and _shares(holder, value)


def _shares(a, b):
    """Whether the array `a`, a view, shares memory with the array b. Other array types
    answer through NumPy's dispatch (CuPy) or, if they can not tell, are taken to share;
    arrays that are not views (Dask's never are) share nothing."""
    if isinstance(a, numpy.ndarray) and isinstance(b, numpy.ndarray):
        return bool(numpy.shares_memory(a, b))
    if getattr(a, "base", None) is None:
        return False
    try:
        return bool(numpy.shares_memory(a, b))
    except (TypeError, NotImplementedError):
        return True


def check_no_view(view, base, index, reason, hint, where):
    """Before writing into `base[index]` (all of base when index is None) while `view`, taken
    from base by an index (r = m[i]), is read later: refused when the write lands in view's
    memory (view is a row of a 2-D base). Other rows, numbers, copies and the items of a
    list (the list's slot is rebound) pass. A list, tuple or dict `view` (rows.append(m[i]))
    is checked item by item."""
    if isinstance(view, (list, tuple, dict)):
        for item in (view.values() if isinstance(view, dict) else view):
            if item is not view:
                check_no_view(item, base, index, reason, hint, where)
        return
    if type(view) is numpy.ndarray and type(base) is numpy.ndarray:
        if view.base is None:
            return  # a copy
        region = _written_region(base, index)
        # bounds first: every iteration of a recurrence h[i] = f(h[i - 1]) stops there
        if numpy.may_share_memory(view, region) and numpy.shares_memory(view, region):
            refuse(reason, hint, where)
        return
    if not hasattr(view, "shape") or not hasattr(base, "shape") or numpy.ndim(view) == 0:
        return
    if _shares(view, _written_region(base, index)):
        refuse(reason, hint, where)


def check_views(array, reason, hint, where, rows=False):
    """Before code that srcdiff reads with NumPy's meaning of views (a write through a basic
    slice or a loop's row changes the array: view_writes.py, loop_rows.py): refused where
    `array` is an array whose slices are new arrays (Dask's), so the function means
    something else. NumPy's and CuPy's arrays pass, and so does a value that is no array
    (Python raises at its slicing, as it would without srcdiff) unless `rows`: a loop
    whose rows are written back wants an array's rows (a list's items are not rows), and
    `rows=n` (`row op= e`, `v = B[0]` written into) an array of n or more dimensions, whose
    rows (items) are views: a 1-D array's are numbers, which the update binds anew."""
    numpy_like = isinstance(array, numpy.ndarray) or \
        type(array).__module__.partition(".")[0] == "cupy"
    if rows is not True and rows and numpy_like and array.ndim < rows:
        refuse(reason.format(kind=f"{array.ndim}-D array"), hint, where)
    if isinstance(array, numpy.ndarray) or not hasattr(array, "shape") and not rows:
        return   # (a loop's `rows` written back: a list or tuple is refused too)
    if not numpy_like:
        module = type(array).__module__
        kind = type(array).__name__ if module == "builtins" else f"{module}.{type(array).__name__}"
        refuse(reason.format(kind=kind), hint, where)


def check_item_arrays(items, reason, hint, where):
    """Before `for row in rows` over a list of new items, each written back under its index
    (loop_rows.py): refused where an item is no NumPy array of one or more dimensions owning
    its memory (a number, which `row op= e` binds anew; a view; one of objects, whose items
    other names may hold), or is another's too."""
    seen = set()
    for item in items if isinstance(items, list) else [None]:
        if not isinstance(item, numpy.ndarray) or item.ndim < 1 or item.base is not None or \
                item.dtype == object or id(item) in seen:
            kind = "an item that is a view or repeated" if isinstance(item, numpy.ndarray) \
                and item.ndim else f"an item of type {type(item).__name__}"
            refuse(reason.format(kind=kind), hint, where)
        seen.add(id(item))


def check_updated_array(value, reason, hint, where):
    """Before `u op= e` read as the write `u[...] op= e` (alias_groups.py: another name holds
    u's array, which NumPy's in-place operator changes too): refused where u is no NumPy or
    CuPy array of one or more dimensions (a number is bound anew, a list extended)."""
    if getattr(value, "ndim", 0) < 1 or not (isinstance(value, numpy.ndarray) or
                                             type(value).__module__.startswith("cupy")):
        module = type(value).__module__
        kind = "0-d array" if getattr(value, "ndim", None) == 0 and hasattr(
            value, "__setitem__") else type(value).__name__ if module == "builtins" else \
            f"{module}.{type(value).__name__}"
        refuse(reason.format(kind=kind), hint, where)


class UnpackLengthError(SrcdiffError, ValueError):
    """Python's ValueError of `a, b, c = seq` where seq holds another number of items,
    located at the user's line."""


def check_unpacked(value, count, where):
    """Before `a, b, c = value` (lowered as value[0], value[1], value[2], which would read
    the first `count` items of a longer value and drop the rest): Python's ValueError where
    `value` holds another number of items. Nothing for a value without a length (a 0-d
    array: reading its items raises as Python does). An object of the user's class (`for a,
    b in [v, w]` of objects defining `__iter__`) is refused: Python unpacks what its
    `__iter__` gives, not its items `value[0]`, `value[1]`."""
    _refuse_unpacked_object(value, where)
    try:
        found = len(value)
    except TypeError:
        return
    if found == count:
        return
    filename, _, number = where.rpartition(":")
    reason = (f"too many values to unpack (expected {count}, got {found})" if found > count
              else f"not enough values to unpack (expected {count}, got {found})")
    raise UnpackLengthError(reason, hint=f"unpack into {found} names, or index the items "
                            "you need", filename=filename, lineno=int(number),
                            line=linecache.getline(filename, int(number)).strip() or None)


def _refuse_unpacked_object(value, where):
    cls = type(value)
    package = (cls.__module__ or "").split(".")[0]
    if package in sys.stdlib_module_names or package in ("numpy", "scipy", "srcdiff") or \
            isinstance(value, (numpy.ndarray, numpy.generic, tuple, list, dict, str)) or any(
            hasattr(cls, a) for a in ("__array_ufunc__", "__array_function__")):
        return   # (Python's own iterators, a named tuple, an array NumPy dispatches to)
    refuse(f"srcdiff cannot unpack an object of your class {cls.__qualname__} here: Python "
           f"unpacks what its __iter__ gives, which srcdiff does not follow (it read the "
           "object's items value[0], value[1], ...)", "unpack a tuple of its fields "
           "(a, b = v.x, v.y), or call a method by name that returns one", where)


def check_array(value, reason, hint, where):
    """Before `a.sort()` / `a.fill(v)`, lowered as the write `a[...] = ...`: refused where a
    is no array (a list's sort, an object's own method)."""
    if isinstance(value, (list, tuple, dict)) or not hasattr(value, "dtype") or \
            not hasattr(value, "__setitem__"):
        refuse(reason, hint, where)


def check_float_store(array, reason, hint, where):
    """Before `array[i] = v` where v carries a derivative: refused where `array` holds
    integers or booleans, into which NumPy stores v rounded (or tested), a step whose
    derivative is zero, or is an object of another class, whose `__setitem__` runs code
    srcdiff does not follow; a list, a dict and arrays of floating point or complex numbers
    pass."""
    dtype = getattr(array, "dtype", None)
    kind = getattr(dtype, "kind", None)
    if kind is not None and kind in "biu":
        refuse(reason, hint, where)
    if dtype is None and not isinstance(array, (list, dict)):
        refuse(f"this is an object of the class {type(array).__name__}, whose item "
               "assignment runs its own __setitem__, which srcdiff does not follow",
               "keep the values in an array (or a list or dict) of the function's own and "
               "write into that", where)


def _written_region(base, index):
    """The part of `base` that `base[index] = v` writes, as a view (an index array: all)."""
    if index is None:
        return base
    if type(index) is int:  # a row
        return base[index:index + 1] if index != -1 else base[index:]
    parts = index if isinstance(index, tuple) else (index,)
    if any(isinstance(p, list) or numpy.ndim(p) > 0 for p in parts if p is not None
           and p is not Ellipsis and not isinstance(p, slice)):
        return base
    return base[tuple(slice(p, p + 1 if p != -1 else None)
                      if isinstance(p, (int, numpy.integer)) and not isinstance(p, bool)
                      else p for p in parts)]


def check_item_copies(array, index, reason, hint, where):
    """Before `y[0], y[1] = y[1], y[0]`: the items read must be copies (elements of a 1-D
    array, list items), not row views of an array that the first write changes."""
    if hasattr(array, "shape") and numpy.ndim(array[index]) > 0:
        refuse(reason, hint, where)


def check_cotangent(cotangent, value):
    """The cotangent of a vjp must have the output's shape (a list or tuple output: item by
    item, so that a tuple of an array and a number is not read as one ragged array)."""
    problem = _shape_mismatch(cotangent, value)
    if problem is not None:
        raise ValueError(f"the cotangent {problem}; pass one value per output element")
    return _typed(_private(cotangent), value)


def _typed(cotangent, value):
    """A Python number paired with a NumPy scalar or 0-d array output, as one of the output's
    type: a Python float is weak in NumPy's arithmetic (NEP 50), so times a float32 factor the
    adjoint of a float64 output dropped to float32 (a vjp off in its eighth digit)."""
    if isinstance(value, (list, tuple)) and isinstance(cotangent, (list, tuple)):
        return same_sequence(cotangent, [_typed(c, v) for c, v in zip(cotangent, value)])
    if isinstance(value, dict) and isinstance(cotangent, dict):
        return {k: _typed(c, value.get(k)) for k, c in cotangent.items()}
    if type(cotangent) in (float, int) and isinstance(value, (numpy.generic, numpy.ndarray)) \
            and numpy.ndim(value) == 0 and value.dtype.kind in "fc":
        return value.dtype.type(cotangent)
    return cotangent


def _shape_mismatch(cotangent, value, at=""):
    """Where the cotangent's shape differs from the output's (None where it does not)."""
    if isinstance(value, (list, tuple)) and isinstance(cotangent, (list, tuple)):
        if len(cotangent) != len(value):
            return f"{at}has {len(cotangent)} items but the output{at and ' item'} has {len(value)}"
        return next((p for p in (_shape_mismatch(c, v, f"{at}[{i}] ") for i, (c, v) in
                                 enumerate(zip(cotangent, value))) if p is not None), None)
    if isinstance(value, dict) and isinstance(cotangent, dict):
        if set(cotangent) != set(value):
            return f"{at}has the keys {sorted(map(repr, cotangent))} but the output has " \
                   f"{sorted(map(repr, value))}"
        return next((p for p in (_shape_mismatch(cotangent[k], value[k], f"{at}[{k!r}] ")
                                 for k in value) if p is not None), None)
    if isinstance(value, (list, tuple, dict)) or isinstance(cotangent, (list, tuple, dict)):
        try:   # an array for a list of numbers
            if numpy.shape(cotangent) == numpy.shape(value):
                return None
        except ValueError:   # ragged
            pass
        return f"{at}is a {type(cotangent).__name__} but the output{at and ' item'} is a " \
               f"{type(value).__name__}"
    if numpy.shape(cotangent) != numpy.shape(value):
        return f"{at}has shape {numpy.shape(cotangent)} but the output{at and ' item'} " \
               f"has shape {numpy.shape(value)}"
    return None


def same_sequence(like, items):
    """`items` as a sequence of `like`'s kind: a list for a list, a tuple of like's class
    for a tuple (a named tuple made by its fields), as every helper rebuilding a value, a
    gradient or a tangent of a list or tuple makes it."""
    if isinstance(like, list):
        return list(items)
    if type(like) is tuple:
        return tuple(items)
    return type(like)._make(items) if hasattr(like, "_fields") else type(like)(items)


def _private(value):
    """A copy of the caller's arrays (and the lists, tuples and dicts holding them) that the
    adjoint may update in place: the cotangent passed to a vjp is left as it was."""
    if isinstance(value, (list, tuple)):
        return same_sequence(value, [_private(v) for v in value])
    if isinstance(value, dict):
        return {k: _private(v) for k, v in value.items()}
    if hasattr(value, "shape") and hasattr(value, "copy") and numpy.ndim(value) > 0:
        return value.copy()
    return value


def check_aux_pair(value):
    """With has_aux=True the function must return a pair (output, aux)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"cannot differentiate with has_aux=True: the function returned a "
                        f"{type(value).__name__}, not a pair (output, aux)")


def check_differentiable(value, name):
    """Refuse integer, boolean and non-numeric inputs to differentiate."""
    if type(value) is numpy.ndarray and value.dtype.kind == "f":
        return  # the common case, first: it runs on every call
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if kind == "f" or kind == "c" or type(value) is float:
        return
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            check_differentiable(v, f"{name}[{i}]")
        return
    if isinstance(value, dict):
        for k, v in value.items():
            check_differentiable(v, f"{name}[{k!r}]")
        return
    if isinstance(value, bool) or isinstance(value, int):
        raise TypeError(f"cannot differentiate with respect to {name}: it is the integer "
                        f"{value!r}; pass a float (e.g. {float(value)!r})")
    if isinstance(value, (float, complex)):
        return
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        raise TypeError(f"cannot differentiate with respect to {name}: a "
                        f"{type(value).__name__} is not a number or an array; differentiate "
                        "with respect to numbers, arrays and records (a dataclass, or a class "
                        "whose __init__ only stores its parameters), in a list, tuple or dict "
                        "if you like, and build any other object inside the function from "
                        "them")
    if dtype.kind not in "fc":
        raise TypeError(f"cannot differentiate with respect to {name}: its dtype is "
                        f"{dtype}; convert it with .astype(float)")


def directive_refusal(directive):
    """(reason, hint) refusing numpy.r_/c_[directive, ...] differentiated, for a matrix
    directive ('r', 'c', or none of an axis first); None for an axis directive ('1', '0,2')."""
    head = directive.split(",")[0].strip()
    if head not in ("r", "c") and head.lstrip("-").isdigit():
        return None
    return (f"srcdiff differentiates numpy.r_ and numpy.c_ only without the matrix "
            f"directive {directive!r}",
            "concatenate with numpy.concatenate (numpy.stack, numpy.atleast_2d for rows and "
            "columns) and make a matrix of the result outside the differentiated function")


def check_directive(first, where):
    """Before numpy.r_/c_[first, ...], differentiated, whose first item is a name: refused
    at `where` when it holds a matrix directive (a string the source does not show)."""
    refusal = directive_refusal(first) if isinstance(first, str) else None
    if refusal:
        refuse(*refusal, where)


def linspace_step_refusal():
    """(reason, hint) refusing numpy.linspace(..., retstep=True) differentiated."""
    return ("srcdiff differentiates numpy.linspace only without retstep=True",
            "compute the step yourself: (stop - start) / (num - 1), or "
            "(stop - start) / num with endpoint=False")


def check_no_step(retstep, where):
    """Before numpy.linspace(..., retstep=r), differentiated, with r a name: refused at
    `where` when r is true (the samples and the step come back as a pair)."""
    if retstep:
        refuse(*linspace_step_refusal(), where)


def check_spread(low, high, kind, where):
    """Before a sample numpy.random.normal/exponential (low 0, high the scale: kind 'scale')
    or uniform (kind 'bounds') whose derivative needs the standard draw behind it: refused
    at `where` where the spread high - low is zero, which does not keep that draw."""
    if not numpy.any(numpy.asarray(high) - low == 0):
        return
    if kind == "scale":
        refuse("the derivative of a random sample with respect to its scale needs the "
               "standard draw behind it, which a zero scale does not keep",
               "draw the standard sample yourself, z = numpy.random.standard_normal(size) "
               "(or standard_exponential), and write loc + scale * z", where)
    refuse("the derivative of a random sample with respect to its bounds needs the standard "
           "draw behind it, which equal bounds (high == low) do not keep",
           "draw u = numpy.random.random(size) yourself and write low + (high - low) * u",
           where)


# -- an operator on objects of the user's classes (operator_methods.py) ----------------
def check_operands(left, right, lcls, rcls, where):
    """Before `left op right` lowered to the method of the class srcdiff read for them:
    each operand is an object of exactly the class the code was compiled for (`lcls`,
    `rcls`), or, where that is None, a number or a NumPy array (a number only on the left
    of an object: an array's operator would apply itself item by item)."""
    for value, cls, side in ((left, lcls, "left"), (right, rcls, "right")):
        if cls is not None:
            if type(value) is not cls:
                refuse(f"srcdiff compiled this operator for a {cls.__qualname__} as its "
                       f"{side} operand, but it is a {type(value).__qualname__}",
                       "keep each name holding objects of one class (or call the function "
                       "again, with srcdiff.grad made anew)", where)
        elif side == "left" and rcls is not None and not _operand_number(value, True):
            refuse(f"srcdiff compiled this operator for a number on the left of a "
                   f"{rcls.__qualname__} (its reflected method), but it is a "
                   f"{type(value).__qualname__}, whose own operator Python calls first",
                   f"put the {rcls.__qualname__} on the left, pass float(...) of a NumPy scalar, "
                   "or call its method by name",
                   where)
        elif not (_operand_number(value) or isinstance(value, numpy.ndarray)):
            refuse(f"srcdiff compiled this operator for a number or an array as its {side} "
                   f"operand, but it is a {type(value).__qualname__}",
                   "call the method you mean by name", where)


def check_no_object(value, where):
    """Before an operator (or an index `v[i]`, or a method `v.sum()`) srcdiff lowered as
    NumPy's (it could not tell an operand's class before the code runs) in code that may
    meet objects of the user's classes with operator methods (or a method of that name):
    `value` is no such object, whose own method Python would call instead (the derivative of
    NumPy's operator would be a wrong one)."""
    cls = type(value)
    library = ("numpy", "builtins", "scipy", "srcdiff", "functools", "collections")
    if (cls.__module__ or "").split(".")[0] in library or isinstance(
            value, (numpy.ndarray, numpy.generic, int, float, complex, tuple, list, dict)):
        return   # (a named tuple, a dict or array subclass of the user's: NumPy's as well)
    if any(hasattr(cls, a) for a in ("__array_ufunc__", "__array_function__",
                                     "__array_namespace__", "__cuda_array_interface__")):
        return   # an array NumPy dispatches to (CuPy's, Dask's, a duck array): its operators
        # are NumPy's, whose derivatives the lowering used
    refuse(f"srcdiff could not tell before the code runs that this operand is an object of "
           f"your class {cls.__qualname__}, so it lowered the operator (or method) as "
           f"NumPy's; Python calls {cls.__qualname__}'s method instead", "bind the object to a name made by "
           f"calling its class ({cls.__qualname__}(...)) or pass it as a parameter, or call "
           "the method you mean by name", where)


def _operand_number(value, left=False):
    """A number (on the left of an object: a Python number only; a NumPy scalar's operator
    reads an object with __len__ and __getitem__ as a sequence of numbers)."""
    if left:
        return type(value) in (int, float, complex)
    return isinstance(value, (int, float, complex, numpy.number)) and not isinstance(value, bool)


def check_implemented(result, method, where):
    """After a call of the user's operator method that may decline: srcdiff read from its
    tests that it does not for these operands; NotImplemented here means it read them
    wrongly, and the value is refused rather than carried on."""
    if result is NotImplemented:
        refuse(f"{method} returned NotImplemented here, where srcdiff read from its tests "
               "that it would not", "call the method you mean by name", where)
