"""numpy.gradient given a spacing per axis, `numpy.gradient(f, dx, dy)` (run time: called by
the code spacing_calls.py lowers such a call to, and by the rules of templates/arrays.py).
Takes f, the spacings (numbers or 1-d coordinate arrays, up to four), axis and edge_order,
and a derivative; gives back the tuple NumPy gives, or a derivative.

Each result `y[k]` is `numpy.gradient(f, s_k, axis=axes[k])`, the one-spacing gradient along
one axis, whose adjoints and tangents (runtime_arrays' gradient_grad,
gradient_spacing_grad, gradient_spacing_tangent, runtime_coordinates' `..._along`) are
applied result by result: the adjoint in f sums them, the adjoint in s_k reads y[k] only,
the tangent along s_k changes y[k] only. The axes are NumPy's: every axis for axis=None,
else the axes given, one per spacing (NumPy's TypeError where the counts differ).
"""
import numpy

from .runtime_arrays import gradient_grad, gradient_spacing_grad, gradient_spacing_tangent
from .runtime_coordinates import gradient_grad_along, gradient_spacing_grad_along


def _given(s0, s1, s2, s3):
    return [s for s in (s0, s1, s2, s3) if s is not None]


def spacing_axes(f, axis, count):
    """The axes numpy.gradient pairs with its `count` spacings."""
    ndim = numpy.ndim(f)
    if axis is None:
        axes = list(range(ndim))
    else:
        axes = [a % ndim for a in (axis if isinstance(axis, (list, tuple)) else [axis])]
    if len(axes) != count:
        raise TypeError("invalid number of arguments")
    return axes


def gradient_spacings(f, s0, s1, s2=None, s3=None, *, axis=None, edge_order=1):
    """numpy.gradient(f, s0, s1, ...) (a tuple, one array per axis). Linear in f: also the
    tangent of one along a tangent of f."""
    return numpy.gradient(f, *_given(s0, s1, s2, s3), axis=axis, edge_order=edge_order)


def _item(grad, k):
    """The derivative of result k within that of the tuple (None where it has none)."""
    if isinstance(grad, (list, tuple)):
        return grad[k]
    return None


def _zeros(value):
    return numpy.zeros_like(value, dtype=numpy.result_type(value, numpy.float64)) \
        if numpy.ndim(value) else 0.0


def spacings_f_grad(grad, f, s0, s1, s2, s3, axis, edge_order):
    """The adjoint in f of gradient_spacings(f, s0, ...): each result's, summed."""
    spacings = _given(s0, s1, s2, s3)
    out = _zeros(f)
    for k, (h, a) in enumerate(zip(spacings, spacing_axes(f, axis, len(spacings)))):
        g = _item(grad, k)
        if g is not None:
            out = out + gradient_grad(g, f, h, a, edge_order)
    return out


def spacings_f_grad_along(grad, f, s0, s1, s2, s3, axis, edge_order, tangent, which):
    """The derivative of spacings_f_grad along a tangent of spacing `which` (its part of
    the sum only)."""
    spacings = _given(s0, s1, s2, s3)
    g = _item(grad, which)
    if g is None:
        return _zeros(f)
    h, a = spacings[which], spacing_axes(f, axis, len(spacings))[which]
    part = gradient_grad(g, f, h, a, edge_order)
    return gradient_grad_along(part, g, f, h, a, edge_order, tangent)


def spacings_spacing_grad(grad, y, f, s0, s1, s2, s3, axis, edge_order, which):
    """The adjoint in spacing `which` of gradient_spacings(f, s0, ...): result which's."""
    spacings = _given(s0, s1, s2, s3)
    h = spacings[which]
    g = _item(grad, which)
    if g is None:
        return _zeros(h)
    a = spacing_axes(f, axis, len(spacings))[which]
    return gradient_spacing_grad(g, y[which], h, a, f, edge_order)


def spacings_spacing_grad_along(out, grad, y, f, s0, s1, s2, s3, axis, edge_order, which,
                                tangent, along):
    """The derivative of out = spacings_spacing_grad(...) along a tangent of y, f or
    spacing k (`along`: "y", "f" or k; a spacing other than `which` changes nothing)."""
    spacings = _given(s0, s1, s2, s3)
    h = spacings[which]
    g = _item(grad, which)
    if g is None or along not in ("y", "f", which):
        return _zeros(h)
    if along == which:
        along = "spacing"
    a = spacing_axes(f, axis, len(spacings))[which]
    if along == "y":
        tangent = _item(tangent, which)
        if tangent is None:
            return _zeros(h)
    return gradient_spacing_grad_along(out, g, y[which], h, a, f, edge_order, tangent, along)


def spacings_tangent(tangent, y, f, s0, s1, s2, s3, axis, edge_order, which):
    """The tangent of gradient_spacings(f, s0, ...) along a tangent of spacing `which`:
    result which's, zeros for the others."""
    spacings = _given(s0, s1, s2, s3)
    a = spacing_axes(f, axis, len(spacings))[which]
    out = [_zeros(v) for v in y]
    out[which] = gradient_spacing_tangent(tangent, y[which], spacings[which], a, f,
                                          edge_order)
    return tuple(out)
