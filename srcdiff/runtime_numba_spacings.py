"""The Numba versions of numpy.gradient and of its helpers on the Numba path: the gradient of a
vector with one scalar spacing (`gradient_value`, the compiled code's numpy.gradient: Numba
has none), its adjoint (`gradient_grad`) and the check of its spacing
(`check_gradient_spacing`) (run time: called by the compiled kernel; runtime_numba.install
registers them). Takes numba's `overload`, `register_jitable` and types (`install(...)`);
gives back nothing, with one implementation per argument type of each helper registered.

The plain Python helpers are the NumPy path's own (runtime_arrays: `HELPERS`), and the
adjoint compiled is the NumPy path's `_gradient_adjoint_1` itself, so both paths give the
same numbers. Compiled: a real vector with a number as its spacing, axis None, 0 or -1 and
edge_order 1 or 2 (NumPy's errors where the vector is too short or the order is another).
A matrix, coordinates as the spacing (an array) or several spacings
(runtime_spacings.gradient_spacings) have no implementation here: Numba's typing error is
the located refusal, and jit='auto' runs the NumPy path.

Importing this module does not import Numba.
"""
import numpy

from .runtime_arrays import _gradient_adjoint_1, check_gradient_spacing, gradient_grad


def gradient_value(f, spacing=1.0, axis=None, edge_order=1):
    """numpy.gradient with one spacing (the compiled code's: runtime_numba.NUMPY)."""
    return numpy.gradient(f, spacing, axis=axis, edge_order=edge_order)


HELPERS = {f.__name__: f for f in (check_gradient_spacing, gradient_grad)}


def install(overload, register_jitable, nt, is_array, is_number):
    """Register the implementations of HELPERS and gradient_value for Numba (once)."""
    adjoint = register_jitable(_gradient_adjoint_1)

    def real(t):
        return not isinstance(getattr(t, "dtype", t), nt.Complex)

    def takes(f, spacing, axis):
        """Whether f is a real vector, spacing a real number and axis None, 0 or -1."""
        return is_array(f) and f.ndim == 1 and real(f) and (
            is_number(spacing) and real(spacing) or isinstance(spacing, (float, nt.Omitted))) and (axis is None or isinstance(axis, (nt.NoneType, nt.Omitted,
                                                                 nt.Integer)))

    @register_jitable
    def checked(n, axis, edge_order):
        if axis is not None and axis != 0 and axis != -1:
            raise ValueError("srcdiff: numpy.gradient's axis is out of bounds for the vector")
        if edge_order != 1 and edge_order != 2:
            raise ValueError("'edge_order' greater than 2 not supported")
        if n < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, "
                             "at least (edge_order + 1) elements are required.")

    @overload(gradient_value)
    def _gradient_value(f, spacing=1.0, axis=None, edge_order=1):
        if not takes(f, spacing, axis):
            return None

        def vector(f, spacing=1.0, axis=None, edge_order=1):
            n = f.shape[0]
            checked(n, axis, edge_order)
            h = float(spacing)
            out = numpy.empty(n)
            out[1:-1] = (f[2:] - f[:-2]) / (2.0 * h)
            if edge_order == 1:
                out[0] = (f[1] - f[0]) / h
                out[n - 1] = (f[n - 1] - f[n - 2]) / h
            else:
                out[0] = (-1.5 * f[0] + 2.0 * f[1] - 0.5 * f[2]) / h
                out[n - 1] = (1.5 * f[n - 1] - 2.0 * f[n - 2] + 0.5 * f[n - 3]) / h
            return out
        return vector

    @overload(gradient_grad)
    def _gradient_grad(grad, f, spacing, axis, edge_order):
        if not (takes(f, spacing, axis) and isinstance(edge_order, nt.Integer)):
            return None
        if is_array(grad) and grad.ndim == 1 and real(grad):
            def vector(grad, f, spacing, axis, edge_order):
                checked(f.shape[0], axis, edge_order)
                return adjoint(grad.astype(numpy.float64), float(spacing), edge_order)
            return vector
        if is_number(grad) and real(grad):
            def spread(grad, f, spacing, axis, edge_order):   # (a number: every item's)
                checked(f.shape[0], axis, edge_order)
                return adjoint(numpy.full(f.shape[0], float(grad)), float(spacing),
                               edge_order)
            return spread

    @overload(check_gradient_spacing)
    def _check_gradient_spacing(spacing, where):
        if is_number(spacing):   # (coordinates, an array: no implementation, refused)
            return lambda spacing, where: None
