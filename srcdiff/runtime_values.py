"""Runtime helpers of the code values.py and objects.py lower to: sorted with a key, the
check of an object's class, and dataclass objects (field reads, objects made, gradients)."""
import dataclasses as _dataclasses

import numpy

from .runtime_checks import refuse


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

    def __add__(self, other):
        other = record_grad(other)
        if other is None:
            return self
        out = FieldGrads(self)
        for k, v in (other.items() if isinstance(other, dict) else (
                (f.name, getattr(other, f.name)) for f in _dataclasses.fields(other))):
            out[k] = out[k] + v if k in out else v
        return out

    __radd__ = __add__

    def __repr__(self):
        return f"FieldGrads({dict.__repr__(self)})"


def record_field(obj, name):
    """obj.name, where obj is a dataclass object or its derivative (a FieldGrads or a
    dataclass of derivatives; a field without one is 0.0)."""
    obj = record_grad(obj) if isinstance(obj, numpy.ndarray) else obj
    if obj is None:
        return 0.0
    if isinstance(obj, dict):
        return obj.get(name, 0.0)
    return getattr(obj, name)


def record_field_grad(grad, obj, name):
    """The adjoint of obj that reading obj.name gives: grad under that name."""
    return FieldGrads({name: grad})


def finalize_record(grad, like, name, finalize):
    """The gradient with respect to a dataclass object: a copy of it whose numeric fields
    hold their derivatives (zero where none; `finalize`: runtime.finalize, for each),
    other fields as they were."""
    grad = record_grad(grad)
    if grad is not None and not isinstance(grad, dict) and not is_record(grad):
        raise TypeError(f"the derivative of {name} is a {type(grad).__name__}, not the "
                        f"fields of a {type(like).__name__}")
    changes = {}
    for f in _dataclasses.fields(like):
        value = getattr(like, f.name)
        if not (_numeric(value) or is_record(value)):
            continue
        g = record_field(grad, f.name) if grad is not None else None
        if isinstance(g, float) and g == 0.0 and not isinstance(value, float):
            g = None
        if is_record(value):
            changes[f.name] = finalize_record(g, value, f"{name}.{f.name}", finalize)
        else:
            changes[f.name] = finalize(g, value, f"{name}.{f.name}")
    return _dataclasses.replace(like, **changes) if changes else like


def _numeric(value):
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    return kind in ("f", "c") or type(value) in (float, complex)


def check_record(value, name, check_differentiable):
    """A dataclass to differentiate: at least one field a float array or number (each
    checked by `check_differentiable`, runtime's)."""
    fields = [f.name for f in _dataclasses.fields(value)
              if _numeric(getattr(value, f.name)) or is_record(getattr(value, f.name))]
    if not fields:
        raise TypeError(f"cannot differentiate with respect to {name}: the "
                        f"{type(value).__name__} holds no float array or number")
    for f in fields:
        v = getattr(value, f)
        if is_record(v):
            check_record(v, f"{name}.{f}", check_differentiable)
        else:
            check_differentiable(v, f"{name}.{f}")


def record_of(cls, names, items):
    """cls(**dict(zip(names, items))): a dataclass object made in differentiated code (its
    tangent is one made of the items' tangents)."""
    return cls(**dict(zip(names, items)))


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
