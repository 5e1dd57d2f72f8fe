"""Runtime helpers of the code values.py, objects.py and records.py lower to: sorted with a
key, the check of an object's class or of a dict's key, and dataclass objects (run time: called by emitted
code; a leaf importing NumPy, runtime_checks and forward_runtime). Takes the values the
emitted code holds (objects, their fields, cotangents); gives back a field, a record made
from its fields, a record's derivative (FieldGrads, or an object of the record's class for
the gradient given back), or a located refusal where a value is not of the class the code
was compiled for.
"""
import collections
import copy as _copy
import dataclasses as _dataclasses

import numpy

from .forward_runtime import add_by_key  # the codegen command copies it along
from .runtime_checks import refuse, same_sequence


def sort_order(keys, reverse=False):
    """The positions of `keys` in the order sorted(..., reverse=reverse) puts them (stable,
    as sorted is): sorted(xs, key=f) is [xs[i] for i in sort_order([f(x) for x in xs])]."""
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=bool(reverse))


def check_class(obj, cls, where):
    """Before a method call on an object whose class srcdiff read from the objects passed
    when it compiled the code (`for layer in self.layers: layer.forward(x)`): the code
    follows that class's method, so an object of another class (the list changed since)
    is refused rather than run through the wrong method."""
    if type(obj) is not cls:
        refuse(f"srcdiff compiled this call for objects of class {cls.__qualname__}, but "
               f"this one is a {type(obj).__qualname__}",
               "keep the objects of a list of one class (or call the function again after "
               "changing them, with srcdiff.grad made anew)", where)


def check_key(key, expected, table, where):
    """Before a call of `table[key]`, the key a parameter's default named when srcdiff
    compiled the code (function_dicts.py): another key would call another function."""
    if key != expected:
        refuse(f"srcdiff compiled this call for {table}[{expected!r}], but the key is "
               f"{key!r}", f"pass the function itself as an argument, or call "
               f"{table}[{key!r}] where it is chosen", where)


def check_item(value, expected, shown, where):
    """Before a call of `shown` (`ACTS['tanh']`), an item of a module-level dict of
    functions: the code follows the function the item held when srcdiff compiled it
    (function_dicts.py), so an item changed since is refused rather than run with the
    derivative of another function."""
    if value is not expected:
        refuse(f"srcdiff compiled this call for {shown} holding "
               f"{getattr(expected, '__qualname__', expected)!s}, but it now holds "
               f"{getattr(value, '__qualname__', value)!s}",
               "make the derivative again (srcdiff.grad) after changing the dict, or pass "
               "the function itself as an argument", where)


# -- dataclasses holding what is differentiated ----------------------------------------
# A dataclass object's field read `p.w` is record_field(p, 'w') in lowered code (values.py);
# its adjoint is a FieldGrads, the derivatives of the fields read, by name, which adds like
# a dict of derivatives; the gradient given back is a dataclass of the same class
# (finalize_record), a field never read getting a zero.


def is_record(value):
    """A dataclass object (not the class)."""
    return _dataclasses.is_dataclass(value) and not isinstance(value, type)


def record_grad(grad):
    """A dataclass object's derivative as it reaches a helper: None for a zero. A zero made
    for it by zeros_like_value (which knows no dataclass) is a 0-d object array holding 0,
    and derivatives added into it in place (`d_p += ...`) are held in it: taken out here."""
    if isinstance(grad, numpy.ndarray) and grad.dtype == object and grad.ndim == 0:
        grad = grad[()]
    if isinstance(grad, (int, float)) and grad == 0:
        return None
    return grad


class FieldGrads(dict):
    """The derivative of a dataclass object: field name -> derivative, for the fields that
    have one so far."""

    srcdiff_fields = True   # a field left out holds a zero (forward_runtime.check_tangent)

    def __add__(self, other):
        other = record_grad(other)
        if other is None:
            return self
        out = FieldGrads(self)
        for k, v in (other.items() if isinstance(other, dict) else (
                (f.name, getattr(other, f.name)) for f in _dataclasses.fields(other))):
            out[k] = _add(out[k], v) if k in out else v
        return out

    __radd__ = __add__


def _add(a, b):
    """Two derivatives of one field added: lists and tuples item by item (never joined),
    dicts key by key."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return [_add(x, y) for x, y in zip(a, b)]
    if type(a) in (dict, collections.defaultdict) and \
            type(b) in (dict, collections.defaultdict):   # (a FieldGrads adds itself)
        return add_by_key(a, b, _add)
    return a + b

    def __repr__(self):
        return f"FieldGrads({dict.__repr__(self)})"


def field_grads(value):
    """A record object's derivative given back by a derivative srcdiff made (the vjp of a
    gradient with respect to a record: an object of its class), as differentiated code
    holds one: a FieldGrads of its fields that carry derivatives. Anything else as it is."""
    if is_record(value) or _plain_record(value):
        names = _names(value, None if is_record(value) else tuple(vars(value)))
        return FieldGrads({f: getattr(value, f) for f in names if _carries(getattr(value, f))})
    return value


def record_field(obj, name):
    """obj.name, where obj is a dataclass object or its derivative (a FieldGrads or a
    dataclass of derivatives; a field without one is 0.0). A zero derivative (None, a
    number 0, the 0-d object array zeros_like_value makes) has every field 0.0."""
    obj = record_grad(obj)
    if obj is None:
        return 0.0
    if isinstance(obj, dict):
        return obj.get(name, 0.0)
    return getattr(obj, name)


def record_field_tangent(tangent, name, field):
    """The tangent of `field`, obj.name, given obj's tangent: record_field of it, and where
    that has no entry for the field (a zero tangent of an object no one differentiates,
    given to a helper that is), a zero shaped like the field, so that the field's array
    rules (`tan_w @ h`) see an array."""
    out = record_field(tangent, name)
    if isinstance(out, float) and out == 0.0 and isinstance(field, numpy.ndarray):
        return numpy.zeros_like(field)
    return out


def class_attribute(obj, name, reason, hint, where):
    """obj.name where name is a constant of obj's class body (records.py): the class's value,
    which carries no derivative; refused where obj itself holds a value under that name."""
    if name in getattr(obj, "__dict__", ()):
        refuse(reason, hint, where)
    return getattr(type(obj), name)


def record_field_grad(grad, obj, name):
    """The adjoint of obj that reading obj.name gives: grad under that name."""
    return FieldGrads({name: grad})


def finalize_record(grad, like, name, finalize, fields=None):
    """The gradient with respect to a record object: a copy of it whose fields that carry
    derivatives (numbers, float arrays, records, and lists, tuples and dicts of them) hold
    their derivatives (zero where none; `finalize`: runtime.finalize, for each), other
    fields as they were. `fields`: the field names of a record class that is no dataclass
    (records.record_fields: the parameters its __init__ stores), copied with copy.copy."""
    grad = record_grad(grad)
    if grad is not None and not isinstance(grad, dict) and not is_record(grad) and \
            type(grad) is not type(like):
        raise TypeError(f"the derivative of {name} is a {type(grad).__name__}, not the "
                        f"fields of a {type(like).__name__}")
    changes = {}
    for f in _names(like, fields):
        value = getattr(like, f)
        g = record_field(grad, f) if grad is not None else None
        changes[f] = _finalize_field(g, value, f"{name}.{f}", finalize)
    if fields is None:
        return _dataclasses.replace(like, **changes) if changes else like
    out = _copy.copy(like)
    for f, v in changes.items():
        setattr(out, f, v)
    return out


def _names(obj, fields):
    return tuple(fields) if fields is not None else tuple(
        f.name for f in _dataclasses.fields(obj))


def _finalize_field(grad, value, name, finalize):
    """A field's derivative given the structure of its value; a value that carries none
    (a string, an integer, another object) as it was."""
    grad = record_grad(grad) if isinstance(grad, numpy.ndarray) else grad
    if is_record(value):
        return finalize_record(grad, value, name, finalize)
    if _plain_record(value):   # an object of a record class that is no dataclass
        return finalize_record(grad, value, name, finalize, tuple(vars(value)))
    if isinstance(value, (list, tuple)):   # a named tuple too: one of its class
        grads = grad if isinstance(grad, (list, tuple)) else [None] * len(value)
        out = [_finalize_field(g, v, f"{name}[{i}]", finalize)
               for i, (g, v) in enumerate(zip(grads, value))]
        return same_sequence(value, out)   # a named tuple: one of its class
    if isinstance(value, dict):   # an OrderedDict, a defaultdict: a dict of its keys
        grads = grad if isinstance(grad, dict) else {}
        return {k: _finalize_field(grads.get(k), v, f"{name}[{k!r}]", finalize)
                for k, v in value.items()}
    if not _numeric(value):
        return value
    if isinstance(grad, float) and grad == 0.0 and not isinstance(value, float):
        grad = None
    return finalize(grad, value, name)


def _numeric(value):
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    return kind in ("f", "c") or type(value) in (float, complex)


def _carries(value):
    """Whether a field's value carries a derivative (finalize_record's fields)."""
    if _numeric(value) or is_record(value):
        return True
    if isinstance(value, (list, tuple, dict)):
        return any(_carries(v) for v in (value.values() if isinstance(value, dict) else value))
    return _plain_record(value) and any(_carries(v) for v in vars(value).values())


def _plain_record(value):
    """An object of the user's class that is no dataclass (a record class's: its fields are
    its attributes), inside a record or a list passed: its fields' derivatives are given
    back as for a record, never its values taken for them. Not an array, a function, a
    class, nor an object of NumPy's, SciPy's, Python's or srcdiff's."""
    if isinstance(value, type) or hasattr(value, "shape") or not hasattr(value, "__dict__") \
            or is_record(value) or getattr(type(value), "__srcdiff_vspace__", None) is not None:
        return False
    root = (type(value).__module__ or "").split(".")[0]
    return root not in ("numpy", "scipy", "builtins", "functools", "collections", "srcdiff",
                        "types", "dask", "numba")


def cycle_path(value, name):
    """Where a record or container to differentiate holds itself (`node.parent = node`, or a
    longer cycle): the path that leads back, as "node.parent is node"; None where it holds
    no cycle. Its derivative would be a structure without end, so it is refused (and the
    checks below, which walk the fields, would recurse without end)."""
    seen, stack = {}, [(value, name, False)]   # seen: id -> path, of the objects on the path
    while stack:
        v, path, leaving = stack.pop()
        if leaving:
            seen.pop(id(v), None)
            continue
        if isinstance(v, (list, tuple, dict)):
            parts = [(x, f"{path}[{k!r}]") for k, x in
                     (v.items() if isinstance(v, dict) else enumerate(v))]
        elif is_record(v) or _plain_record(v):
            names = tuple(vars(v)) if _plain_record(v) else _names(v, None)
            parts = [(getattr(v, f), f"{path}.{f}") for f in names if hasattr(v, f)]
        else:
            continue
        if id(v) in seen:
            return f"{path} is {seen[id(v)]}"
        seen[id(v)] = path
        stack.append((v, path, True))
        stack.extend((x, p, False) for x, p in reversed(parts))
    return None


def _refuse_cycle(value, name):
    path = cycle_path(value, name)
    if path is not None:
        raise TypeError(f"cannot differentiate with respect to {name}: it holds itself "
                        f"({path}), so its derivative would have no end; give the function "
                        "the fields to differentiate (arrays, or records that hold no "
                        "cycle), and keep the links between objects in an argument not "
                        "differentiated")


def check_record(value, name, check_differentiable, fields=None):
    """A record to differentiate: at least one field carries a derivative (a float array
    or number, a record, or a container of them), each number or array checked by
    `check_differentiable` (runtime's); `fields` as in finalize_record. One that holds
    itself is refused (cycle_path)."""
    _refuse_cycle(value, name)
    names = [f for f in _names(value, fields) if _carries(getattr(value, f))]
    if not names:
        raise TypeError(f"cannot differentiate with respect to {name}: the "
                        f"{type(value).__name__} holds no float array or number")
    for f in names:
        _check_field(getattr(value, f), f"{name}.{f}", check_differentiable)


def _check_field(v, name, check_differentiable):
    if is_record(v):
        check_record(v, name, check_differentiable)
    elif _plain_record(v):
        check_record(v, name, check_differentiable, tuple(vars(v)))
    elif isinstance(v, (list, tuple, dict)):
        items = v.items() if isinstance(v, dict) else enumerate(v)
        for k, item in items:
            if _carries(item):
                _check_field(item, f"{name}[{k!r}]", check_differentiable)
    else:
        check_differentiable(v, name)


def check_items(value, name, check_differentiable):
    """A list, tuple or dict of records to differentiate (records.py): each record checked
    as check_record checks one passed alone, each number or array by
    `check_differentiable`; one holding nothing that carries a derivative, or holding
    itself (cycle_path), is refused."""
    _refuse_cycle(value, name)
    if not _carries(value):
        raise TypeError(f"cannot differentiate with respect to {name}: the "
                        f"{type(value).__name__} holds no float array or number")
    _check_field(value, name, check_differentiable)


def finalize_items(grad, like, name, finalize):
    """The gradient with respect to a list, tuple or dict of records: one of the same
    structure whose records are finalized as finalize_record gives back one passed alone."""
    return _finalize_field(grad, like, name, finalize)


def record_of(cls, names, items):
    """cls(**dict(zip(names, items))): a dataclass object made in differentiated code (its
    tangent is one made of the items' tangents)."""
    return cls(**dict(zip(names, items)))


def named_tuple_of(cls, items):
    """cls._make(items): a named tuple made in differentiated code (named_tuples.py)."""
    return cls._make(items)


def named_tuple_grad(grad, items):
    """The adjoints of the items a named tuple was made of: its adjoint's items by position
    (a zero for an item without one)."""
    grad = record_grad(grad)
    out = []
    for i, item in enumerate(items):
        g = grad[i] if isinstance(grad, (list, tuple)) and i < len(grad) else None
        if g is None or (isinstance(g, float) and g == 0.0 and not isinstance(item, float)):
            g = numpy.zeros_like(item) if hasattr(item, "shape") else 0.0
        out.append(g)
    return out


def record_of_grad(grad, names, items):
    """The adjoints of the items a dataclass object was made of: its adjoint's fields (a
    zero for a field without one)."""
    grad = record_grad(grad)
    out = []
    for name, item in zip(names, items):
        g = None if grad is None else grad.get(name) if isinstance(grad, dict) else getattr(
            grad, name)
        if g is None or (isinstance(g, float) and g == 0.0 and not isinstance(item, float)):
            g = numpy.zeros_like(item) if hasattr(item, "shape") else 0.0
        out.append(g)
    return out
