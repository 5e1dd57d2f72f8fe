"""The Numba versions of the helpers of numpy.linalg.norm on the Numba path: the norm itself
with an order and an axis, the check of its order, and its weights (run time: called by the
compiled kernel; runtime_numba.install registers them). Takes numba's `overload`,
`register_jitable` and types (`install(...)`); gives back nothing, with one implementation
per argument type of each helper registered.

`norm_along` is numpy.linalg.norm for the compiled code (runtime_numba.NUMPY.linalg's: Numba's
takes no axis): vector norms of any order (ord None, 2, 1, 0, inf, -inf, p) of a vector or
along an axis of a matrix, and the Frobenius norm of a matrix (ord None or 'fro'). The plain
helpers are the NumPy path's own (runtime_matrices: `HELPERS`): `check_norm_order` has
nothing to check for real values, and `norm_weights` gives, for those same norms of real
values, the weights W with d(norm) = sum(W * dx) over the reduced axes, with the NumPy path's
conventions at kinks (0 at a zero norm, ties of a max norm sharing evenly). Matrix norms of
another order (the SVD's, the row and column sums'), several axes, arrays of more than two
dimensions and complex values have no implementation here: Numba's typing error is the located
refusal, and jit='auto' runs the NumPy path.

Importing this module does not import Numba.
"""
import numpy

from .runtime_matrices import check_norm_order, norm_weights


def norm_along(x, ord=None, axis=None, keepdims=False):
    """numpy.linalg.norm (the compiled code's: runtime_numba.NUMPY.linalg.norm); abs(x) for
    a number."""
    if numpy.ndim(x) == 0 and ord is None and axis is None:
        return abs(x)
    return numpy.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)


HELPERS = {f.__name__: f for f in (check_norm_order, norm_weights)}


def install(overload, register_jitable, nt, is_array, is_number):
    """Register the implementations of HELPERS and norm_along (runtime_numba.install, once)."""
    def real(t):
        return not isinstance(getattr(t, "dtype", t), nt.Complex)

    def none(t):
        return t is None or isinstance(t, (nt.NoneType, nt.Omitted))

    def frobenius(t):
        return isinstance(t, nt.StringLiteral) and t.literal_value == "fro"

    def numeric(t):
        return isinstance(t, (nt.Integer, nt.Float)) and not isinstance(t, nt.Boolean)

    def kept(t):
        """True or False where keepdims is known when compiling, else None."""
        if t is None or t is False or isinstance(t, nt.Omitted):
            return False
        if t is True:
            return True
        if isinstance(t, nt.BooleanLiteral):
            return t.literal_value
        return None

    def form(x, ord, axis):
        """'flat' (a vector's norm, or a matrix's Frobenius norm: W = x / norm), 'rows'
        (vector norms along axis 1 of a matrix, or of a vector), 'columns' (along axis 0 of
        a matrix), or None where it is none of those."""
        if not (is_array(x) and real(x) and x.ndim in (1, 2)):
            return None
        if not (none(ord) or numeric(ord) or frobenius(ord)):
            return None
        if none(axis):
            if x.ndim == 1 and not frobenius(ord):
                return "rows"
            if x.ndim == 2 and (none(ord) or frobenius(ord)):
                return "flat"
            return None
        if isinstance(axis, nt.Integer) and not frobenius(ord):
            return "rows" if x.ndim == 1 else "axis"
        return None

    def order(ord):
        """The order as a float (0.0 for the default, None or 'fro': `default` says it)."""

    @overload(order)
    def _order(ord):
        if numeric(ord):
            return lambda ord: float(ord)
        return lambda ord: 0.0

    @register_jitable
    def vector_norm(v, p, default):
        a = numpy.abs(v)
        if default or p == 2:
            return numpy.sqrt(numpy.sum(a * a))
        if p == numpy.inf:
            return numpy.max(a) if a.size else 0.0
        if p == -numpy.inf:
            return numpy.min(a) if a.size else 0.0
        if p == 0:
            return float(numpy.sum(a != 0))
        if p == 1:
            return numpy.sum(a)
        return numpy.sum(a ** p) ** (1.0 / p)

    @register_jitable
    def vector_weights(v, n, p, default):
        # the NumPy path's norm_weights for one vector v of norm n
        if default or p == 2:
            return v * 0.0 if n == 0 else v / n
        sign = numpy.sign(v)
        a = numpy.abs(v)
        if p == numpy.inf or p == -numpy.inf:
            hit = a == n
            return sign * hit / max(numpy.sum(hit), 1)
        if p == 0:
            return v * 0.0
        if p == 1:
            return sign * 1.0
        out = numpy.zeros(v.shape)
        if n == 0:
            return out
        for k in range(v.shape[0]):
            if a[k] != 0:
                out[k] = sign[k] * (a[k] / n) ** (p - 1)
        return out

    @register_jitable
    def axis_of(axis, ndim):
        if axis < -ndim or axis >= ndim:
            raise ValueError("srcdiff: the norm's axis is out of bounds for the array")
        return axis % ndim

    @overload(norm_along)
    def _norm_along(x, ord=None, axis=None, keepdims=False):
        keep = kept(keepdims)
        if is_number(x) and real(x) and none(ord) and none(axis) and keep is False:
            return lambda x, ord=None, axis=None, keepdims=False: abs(x)
        shape = form(x, ord, axis)
        if shape is None or keep is None:
            return None
        default = none(ord) or frobenius(ord)
        if shape == "flat" or shape == "rows" and none(axis):
            if not keep:
                return lambda x, ord=None, axis=None, keepdims=False: \
                    vector_norm(x.ravel(), order(ord), default)
            ones = (1,) * x.ndim

            def whole_kept(x, ord=None, axis=None, keepdims=False):
                return numpy.full(ones, vector_norm(x.ravel(), order(ord), default))
            return whole_kept
        if shape == "rows":   # a vector, along its one axis
            def vector(x, ord=None, axis=None, keepdims=False):
                axis_of(axis, 1)
                return vector_norm(x, order(ord), default)
            if not keep:
                return vector

            def vector_kept(x, ord=None, axis=None, keepdims=False):
                axis_of(axis, 1)
                return numpy.full(1, vector_norm(x, order(ord), default))
            return vector_kept

        def along(x, ord=None, axis=None, keepdims=False):
            k = axis_of(axis, 2)
            m = x if k == 1 else x.T
            out = numpy.empty(m.shape[0])
            for r in range(m.shape[0]):
                out[r] = vector_norm(m[r], order(ord), default)
            if keep:
                return out.reshape((-1, 1)) if k == 1 else out.reshape((1, -1))
            return out
        return along

    @overload(check_norm_order)
    def _check_norm_order(x, ord, axis, kind, where):
        if real(x) and (is_array(x) or is_number(x)):
            return lambda x, ord, axis, kind, where: None

    @overload(norm_weights)
    def _norm_weights(x, y, ord, axis, keepdims, kind="norm"):
        if not (kind == "norm" or none(kind) or
                isinstance(kind, nt.StringLiteral) and kind.literal_value == "norm"):
            return None   # vector_norm and matrix_norm: the NumPy path's
        shape, keep = form(x, ord, axis), kept(keepdims)
        if shape is None or keep is None:
            return None
        default = none(ord) or frobenius(ord)
        scalar = is_number(y)
        if not (scalar or is_array(y) and real(y)):
            return None
        if shape == "flat" or shape == "rows" and x.ndim == 1:
            def whole(x, y, ord, axis, keepdims, kind="norm"):
                n = y if scalar else y.ravel()[0]
                w = vector_weights(x.ravel(), n, order(ord), default)
                return w.reshape(x.shape)
            return whole
        if scalar:
            return None

        def along(x, y, ord, axis, keepdims, kind="norm"):
            k = axis_of(axis, 2)
            m = x if k == 1 else x.T
            norms = y.ravel()
            if norms.shape[0] != m.shape[0]:
                raise ValueError("srcdiff: the norm's value does not fit its array")
            out = numpy.empty(m.shape)
            for r in range(m.shape[0]):
                out[r] = vector_weights(m[r], norms[r], order(ord), default)
            return out if k == 1 else numpy.ascontiguousarray(out.T)
        return along
