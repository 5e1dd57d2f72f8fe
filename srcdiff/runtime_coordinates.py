"""Runtime helpers of numpy.gradient given coordinate arrays, `numpy.gradient(f, x)` (run
time: called by srcdiff.runtime_arrays' gradient helpers, which templates/arrays.py's rules
call, where the spacing is an array). Takes the gradient or tangent, f, the coordinates x,
the axis and edge_order; gives back a new array.

With coordinates, every value NumPy computes is a sum of divided differences
S(j, k) = (f[k] - f[j]) / (x[k] - x[j]) with signs: inside, out[i] = S(i-1, i) + S(i, i+1)
- S(i-1, i+1); at the edges S(0, 1) and S(n-2, n-1) (edge_order=1), or S(0, 1) - S(1, 2)
+ S(0, 2) and S(n-2, n-1) - S(n-3, n-2) + S(n-3, n-1) (edge_order=2) (NumPy's own
coefficients, regrouped). `_terms` lists them as slices along the axis; each derivative
below is that of one S, summed over the terms: dS/df[k] = 1/u, dS/df[j] = -1/u and
dS/dx[k] = -S/u, dS/dx[j] = S/u (u = x[k] - x[j]), and the derivatives of those along a
tangent of x. Everything is slices and sums of the arrays given, so a device array stays
on its device.
"""
import numpy


def _terms(n, edge_order):
    """(out, j, k, sign) for each sum of S(j, k) (slices along the axis)."""
    inner, before, after = slice(1, n - 1), slice(0, n - 2), slice(2, n)
    terms = [(inner, before, inner, 1.0), (inner, inner, after, 1.0),
             (inner, before, after, -1.0)]
    first, last = slice(0, 1), slice(n - 1, n)
    if edge_order == 1:
        return terms + [(first, first, slice(1, 2), 1.0), (last, slice(n - 2, n - 1), last, 1.0)]
    return terms + [(first, first, slice(1, 2), 1.0), (first, slice(1, 2), slice(2, 3), -1.0),
                    (first, first, slice(2, 3), 1.0),
                    (last, slice(n - 2, n - 1), last, 1.0),
                    (last, slice(n - 3, n - 2), slice(n - 2, n - 1), -1.0),
                    (last, slice(n - 3, n - 2), last, 1.0)]


def _axis(f, axis):
    ndim = numpy.ndim(f)
    if axis is None:
        return 0
    if isinstance(axis, (list, tuple)):
        axis = axis[0]
    return axis % ndim


def _column(v, ndim):
    """A 1-d slice of the coordinates, shaped to broadcast along axis 0 of the moved f."""
    return numpy.reshape(v, numpy.shape(v) + (1,) * (ndim - 1))


def _rest(a):
    """Summed over every axis but the first (the coordinates' own)."""
    return numpy.sum(a, axis=tuple(range(1, numpy.ndim(a)))) if numpy.ndim(a) > 1 else a


def _one(grad):
    """The gradient of numpy.gradient's one result (a sequence of one from axis=[k])."""
    return grad[0] if isinstance(grad, (list, tuple)) else grad


def _array(v):
    return numpy.asarray(v) if isinstance(v, (list, tuple)) else v


def _zeros(like, dtype):
    return numpy.zeros_like(like, dtype=numpy.result_type(dtype, numpy.float64))


def coordinates_f_grad(grad, f, x, axis, edge_order, tangent_x=None):
    """The adjoint in f of numpy.gradient(f, x, axis=axis, edge_order=edge_order); with
    tangent_x, its derivative along that tangent of x (it is linear in grad, free of f)."""
    ax, x, tangent_x = _axis(f, axis), _array(x), _array(tangent_x)
    g = numpy.moveaxis(_one(grad), ax, 0)
    n, ndim = numpy.shape(g)[0], numpy.ndim(g)
    out = _zeros(g, numpy.result_type(g, x))
    for o, j, k, s in _terms(n, edge_order):
        u = _column(x[k] - x[j], ndim)
        part = s * g[o] / u
        if tangent_x is not None:
            part = -part * _column(tangent_x[k] - tangent_x[j], ndim) / u
        out[k] = out[k] + part
        out[j] = out[j] - part
    return numpy.moveaxis(out, 0, ax)


def coordinates_x_grad(grad, f, x, axis, edge_order, tangent_x=None):
    """The adjoint in the coordinates x of numpy.gradient(f, x, ...) (linear in grad and
    in f); with tangent_x, its derivative along that tangent of x."""
    ax, x, tangent_x = _axis(f, axis), _array(x), _array(tangent_x)
    g = numpy.moveaxis(_one(grad), ax, 0)
    fm = numpy.moveaxis(_array(f), ax, 0)
    n = numpy.shape(g)[0]
    out = _zeros(x, numpy.result_type(g, fm, x))
    for o, j, k, s in _terms(n, edge_order):
        u = x[k] - x[j]
        c = s * _rest(g[o] * (fm[k] - fm[j])) / (u * u)
        if tangent_x is not None:
            c = -2.0 * c * (tangent_x[k] - tangent_x[j]) / u
        out[k] = out[k] - c
        out[j] = out[j] + c
    return out


def coordinates_x_tangent(tangent_x, f, x, axis, edge_order):
    """The tangent of numpy.gradient(f, x, ...) along a tangent of the coordinates."""
    ax, x, tangent_x = _axis(f, axis), _array(x), _array(tangent_x)
    fm = numpy.moveaxis(_array(f), ax, 0)
    n, ndim = numpy.shape(fm)[0], numpy.ndim(fm)
    out = _zeros(fm, numpy.result_type(fm, x, tangent_x))
    for o, j, k, s in _terms(n, edge_order):
        u = _column(x[k] - x[j], ndim)
        du = _column(tangent_x[k] - tangent_x[j], ndim)
        out[o] = out[o] - s * (fm[k] - fm[j]) * du / (u * u)
    return numpy.moveaxis(out, 0, ax)


# -- forward over reverse: the adjoints' derivatives along a tangent of what they read --------
def gradient_grad_along(out, grad, f, spacing, axis, edge_order, tangent):
    """The derivative of out = runtime_arrays.gradient_grad(grad, f, spacing, ...) along a
    tangent of the spacing: out is proportional to 1 / h for a scalar h."""
    if numpy.ndim(spacing):
        return coordinates_f_grad(grad, f, spacing, axis, edge_order, tangent)
    return -out * (tangent / spacing)


def gradient_spacing_grad_along(out, grad, y, spacing, axis, f, edge_order, tangent, which):
    """The derivative of out = runtime_arrays.gradient_spacing_grad(grad, y, spacing, ...)
    along a tangent of y, f or the spacing (`which`): a scalar spacing's adjoint,
    -sum(grad * y) / h, reads y (not f's values); coordinates' read f (not y)."""
    coordinates = numpy.ndim(spacing) > 0
    if which == "spacing":
        if coordinates:
            return coordinates_x_grad(grad, f, spacing, axis, edge_order, tangent)
        return -out * (tangent / spacing)
    if (which == "f") != coordinates:
        return numpy.zeros_like(_array(spacing), dtype=numpy.float64) if coordinates else 0.0
    if which == "f":
        return coordinates_x_grad(grad, tangent, spacing, axis, edge_order)
    pairs = zip(grad, tangent) if isinstance(grad, (list, tuple)) else [(grad, tangent)]
    total = 0.0
    for g, t in pairs:
        if g is not None:
            total = total + numpy.sum(g * t)
    return -total / spacing
