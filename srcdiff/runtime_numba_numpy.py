"""The Numba versions of the NumPy path's helpers of casts, numpy.array, max and min, numpy.dot,
numpy.stack, builtins.sum and numpy.sort (run time: called by the compiled kernel; runtime_numba.install
registers them). Takes numba's `overload`, `register_jitable` and types; gives back nothing,
with one implementation per argument type of each helper registered.

The plain Python helpers here are the NumPy path's own (runtime_numpy, runtime_indexing,
runtime_matrices, runtime_containers: `HELPERS`), so the emitted source reads and runs without
Numba as it does on the NumPy path; Numba compiles, for the types the kernel passes (numbers
and arrays), an implementation that gives the same numbers. Where the kernel passes something
else (a list of lists, a complex gradient of a real value, an axis not known when compiling)
no implementation is given: Numba's typing error is the located refusal, and jit='auto' runs
the NumPy path (numba_compile.py).

`stack_value`, `array_value` and `asarray_value` are numpy.stack, numpy.array and
numpy.asarray for the compiled code (runtime_numba.NUMPY's): a list of arrays or numbers stacked along a first new axis (Numba's
numpy.stack takes tuples only, its numpy.array no arrays). numpy.sort's adjoint and tangent
(`permuted_grad`, `permuted_tangent`) are compiled for a vector (axis 0 or -1) and for any
array flattened (axis None), ties sharing evenly as on the NumPy path.
"""
import numpy

from .runtime_containers import builtin_sum_grad
from .runtime_arrays import permuted_grad, permuted_tangent
from .runtime_indexing import array_grad, unstack_grad
from .runtime_matrices import dot_grad_left, dot_grad_right
from .runtime_numba_helpers import matmul_grad_left, matmul_grad_right
from .runtime_numba_lists import sort_kernels
from .runtime_numpy import cast_grad, extremum_grad, extremum_weights


def stack_value(arrays, axis=0):
    """numpy.stack (the compiled code's: runtime_numba.NUMPY)."""
    return numpy.stack(arrays, axis=axis)


def array_value(obj, dtype=None):
    """numpy.array (the compiled code's: runtime_numba.NUMPY)."""
    return numpy.array(obj, dtype=dtype)


def asarray_value(a, dtype=None, like=None):
    """numpy.asarray (the compiled code's: runtime_numba.NUMPY; `like` is NumPy's array:
    nothing to dispatch to)."""
    return numpy.asarray(a, dtype=dtype)


def sort_value(a, axis=-1, kind=None, order=None):
    """numpy.sort (the compiled code's: runtime_numba.NUMPY; Numba's takes no axis)."""
    return numpy.sort(a, axis=axis, kind=kind, order=order)


HELPERS = {f.__name__: f for f in (
    array_grad, builtin_sum_grad, cast_grad, dot_grad_left, dot_grad_right, extremum_grad,
    extremum_weights, permuted_grad, permuted_tangent, unstack_grad)}


def install(overload, register_jitable, nt, is_array, is_number, is_complex):
    """Register the implementations of HELPERS (and stack_value) for Numba."""
    def real(t):
        return not is_complex(t)

    def zero_axis(t):   # (an axis left out is typed as its default, 0)
        return isinstance(t, int) and t == 0 or \
            isinstance(t, nt.Omitted) and t.value == 0 or \
            isinstance(t, nt.IntegerLiteral) and t.literal_value == 0

    def no_axis(t):
        return t is None or isinstance(t, (nt.NoneType, nt.Omitted))

    def false(t):
        return t is False or isinstance(t, nt.BooleanLiteral) and not t.literal_value

    def listed(t):
        """'arrays' or 'numbers' for a list of one type of them, else None."""
        if isinstance(t, nt.List) and is_array(t.dtype):
            return "arrays"
        if isinstance(t, nt.List) and isinstance(t.dtype, nt.Float):
            return "numbers"
        return None

    @overload(cast_grad)
    def _cast_grad(grad, like, result):
        kind = getattr(result, "dtype", result)
        if isinstance(kind, (nt.Integer, nt.Boolean)):
            return lambda grad, like, result: grad * 0   # across an int or bool cast: zero
        if not isinstance(kind, (nt.Float, nt.Complex)):
            return None
        if is_complex(grad) and real(like):
            return None   # the NumPy path takes the real part: left to it
        if is_array(like) and isinstance(like.dtype, nt.Float):
            if is_array(grad):
                return lambda grad, like, result: grad.astype(like.dtype)
            if is_number(grad):
                return lambda grad, like, result: grad
        if is_number(like) and isinstance(like, nt.Float) and (is_number(grad) or
                                                                is_array(grad)):
            return lambda grad, like, result: grad   # (a float of the kernel: float64)

    @overload(array_grad)
    def _array_grad(grad, like):
        if is_array(like) or is_number(like):
            return lambda grad, like: grad   # numpy.array of an array: a copy of it
        if listed(like) and is_array(grad):   # of a list: one item of grad per item
            return lambda grad, like: [grad[k] for k in range(len(like))]

    @register_jitable
    def attains(a, result):
        return (a == result) | (numpy.isnan(a) & numpy.isnan(result))

    @register_jitable
    def number_attains(a, result):
        return 1.0 if a == result or (a != a and result != result) else 0.0

    @register_jitable
    def shares(a, result, axis, grad):
        """The max or min `result` of the matrix `a` along `axis`: grad[j] (1.0 where grad
        is None) shared evenly by the items of row or column j that attain result[j]
        (loops: Numba compiles sums along an axis slowly)."""
        k = axis % 2
        out = numpy.zeros(a.shape)
        for j in range(result.shape[0]):
            count = 0
            for i in range(a.shape[k]):
                v = a[i, j] if k == 0 else a[j, i]
                count += number_attains(v, result[j]) > 0
            share = (1.0 if grad is None else grad[j]) / max(count, 1)
            for i in range(a.shape[k]):
                v = a[i, j] if k == 0 else a[j, i]
                if number_attains(v, result[j]) > 0:
                    if k == 0:
                        out[i, j] = share
                    else:
                        out[j, i] = share
        return out

    def reduced(a, axis, keepdims):
        """'all' (axis None, or an axis of a vector), 'axis' (an axis of a matrix),
        'number', or None."""
        if not (false(keepdims) or isinstance(keepdims, nt.Omitted)):
            return None
        if is_number(a) and not is_complex(a):
            return "number"
        if not is_array(a) or is_complex(a):
            return None
        if no_axis(axis):
            return "all"
        if isinstance(axis, nt.Integer) and a.ndim == 1:
            return "all"   # (the kernel's max along the axis was checked in range)
        if isinstance(axis, nt.Integer) and a.ndim == 2:
            return "axis"
        return None

    @overload(extremum_grad)
    def _extremum_grad(grad, a, result, axis, keepdims):
        how = reduced(a, axis, keepdims)
        if how is None or is_complex(grad):
            return None
        if how == "number":
            return lambda grad, a, result, axis, keepdims: grad * number_attains(a, result)
        if how == "all" and is_number(grad):
            def whole(grad, a, result, axis, keepdims):
                hit = attains(a, result)
                return hit * (grad / max(numpy.sum(hit), 1))
            return whole
        if how == "axis" and is_array(grad) and is_array(result):
            return lambda grad, a, result, axis, keepdims: shares(a, result, axis, grad)

    @overload(extremum_weights)
    def _extremum_weights(a, result, axis, keepdims):
        how = reduced(a, axis, keepdims)
        if how == "number":
            return lambda a, result, axis, keepdims: number_attains(a, result)
        if how == "all":
            def whole(a, result, axis, keepdims):
                hit = attains(a, result)
                return hit / max(numpy.sum(hit), 1)
            return whole
        if how == "axis" and is_array(result):
            return lambda a, result, axis, keepdims: shares(a, result, axis, None)

    def small(t):
        return is_array(t) and t.ndim in (1, 2) and real(t)

    def dot_adjoint(matmul, mine):
        """The overload of numpy.dot's adjoint of operand `mine` (0: a, 1: b): matmul's for
        vectors and matrices; where one operand is a number, grad times the other, summed
        where this one is the number."""
        summed = (lambda grad, a, b: numpy.sum(grad * b)) if mine == 0 else \
            (lambda grad, a, b: numpy.sum(grad * a))
        times = (lambda grad, a, b: grad * b) if mine == 0 else (lambda grad, a, b: grad * a)

        def typed(grad, a, b):
            if is_complex(grad):
                return None
            if small(a) and small(b):
                return lambda grad, a, b: matmul(grad, a, b)
            this, other = (a, b) if mine == 0 else (b, a)
            if is_number(this) and real(this) and (small(other) or is_number(other) and
                                                   real(other)):
                return summed
            if is_number(other) and real(other) and (small(this) or is_number(this)):
                return times
        return typed

    overload(dot_grad_left)(dot_adjoint(matmul_grad_left, 0))
    overload(dot_grad_right)(dot_adjoint(matmul_grad_right, 1))

    @overload(builtin_sum_grad)
    def _builtin_sum_grad(grad, iterable):
        # sum(x) of an array: x's rows (or items) each get grad
        if is_array(iterable) and (is_number(grad) or is_array(grad)) and real(grad):
            return lambda grad, iterable: grad + numpy.zeros_like(iterable)

    @overload(stack_value)
    def _stack_value(arrays, axis=0):
        if isinstance(arrays, nt.BaseTuple):
            return lambda arrays, axis=0: numpy.stack(arrays, axis=axis)
        what = listed(arrays)
        if what is None or not zero_axis(axis):
            return None
        if what == "numbers":
            def numbers(arrays, axis=0):
                out = numpy.empty(len(arrays))
                for k in range(len(arrays)):
                    out[k] = arrays[k]
                return out
            return numbers

        def rows(arrays, axis=0):
            if len(arrays) == 0:
                raise ValueError("need at least one array to stack")
            first = arrays[0]
            out = numpy.empty((len(arrays),) + first.shape, first.dtype)
            for k in range(len(arrays)):
                if arrays[k].shape != first.shape:
                    raise ValueError("all input arrays must have the same shape")
                out[k] = arrays[k]
            return out
        return rows

    @overload(array_value)
    def _array_value(obj, dtype=None):
        if not (dtype is None or isinstance(dtype, (nt.NoneType, nt.Omitted))):
            return lambda obj, dtype=None: numpy.array(obj, dtype)   # Numba's own
        if is_array(obj):
            return lambda obj, dtype=None: obj.copy()
        if is_number(obj):
            return lambda obj, dtype=None: obj   # a 0-d array: a number in the kernel
        if listed(obj):
            return lambda obj, dtype=None: stack_value(obj)
        return lambda obj, dtype=None: numpy.array(obj)   # Numba's own (a tuple, ...)

    @overload(asarray_value)
    def _asarray_value(a, dtype=None, like=None):
        if not (dtype is None or isinstance(dtype, (nt.NoneType, nt.Omitted))):
            return lambda a, dtype=None, like=None: numpy.asarray(a, dtype)   # Numba's own
        if not (like is None or isinstance(like, (nt.NoneType, nt.Omitted)) or
                is_array(like) or is_number(like)):
            return None
        if is_array(a) or is_number(a):
            return lambda a, dtype=None, like=None: a
        if listed(a):
            return lambda a, dtype=None, like=None: stack_value(a)
        return lambda a, dtype=None, like=None: numpy.asarray(a)   # Numba's own

    @overload(unstack_grad)
    def _unstack_grad(grad, arrays, axis):
        if is_array(grad) and zero_axis(axis) and (listed(arrays) or
                                                   isinstance(arrays, nt.BaseTuple)):
            return lambda grad, arrays, axis: [grad[k] for k in range(len(arrays))]

    _sorts(overload, register_jitable, nt, is_array, real)


def _sorts(overload, register_jitable, nt, is_array, real):
    """The overloads of numpy.sort (sort_value) and of its adjoint and tangent (permuted_grad,
    permuted_tangent): a vector along its axis, or any array flattened (axis None)."""
    stable_order = sort_kernels()
    @overload(sort_value)
    def _sort_value(a, axis=-1, kind=None, order=None):
        if not (is_array(a) and real(a)) or not (order is None or isinstance(
                order, (nt.NoneType, nt.Omitted))):
            return None
        if not (kind is None or isinstance(kind, (nt.NoneType, nt.Omitted, nt.UnicodeType,
                                                  nt.StringLiteral))):
            return None   # (every kind sorts to the same numbers)
        if axis is None or isinstance(axis, nt.NoneType):
            return lambda a, axis=-1, kind=None, order=None: numpy.sort(a.ravel())
        if a.ndim == 1 and isinstance(axis, (int, nt.Integer, nt.Omitted)):   # (int: the default)
            def vector(a, axis=-1, kind=None, order=None):
                if axis != 0 and axis != -1:
                    raise ValueError("srcdiff: the sort's axis is out of bounds for the vector")
                return numpy.sort(a)
            return vector
        last = isinstance(axis, int) and axis in (-1, a.ndim - 1) or \
            isinstance(axis, nt.Omitted) and axis.value in (-1, a.ndim - 1) or \
            isinstance(axis, nt.IntegerLiteral) and axis.literal_value in (-1, a.ndim - 1)
        if last:
            return lambda a, axis=-1, kind=None, order=None: numpy.sort(a)   # (Numba's)

    @register_jitable
    def tie_mean(values, keys):
        # values averaged over each run of equal sorted keys (the NumPy path's _tie_mean)
        out = values.copy()
        n, i = values.shape[0], 0
        while i < n:
            j = i
            while j + 1 < n and keys[j + 1] == keys[j]:
                j += 1
            if j > i:
                out[i:j + 1] = numpy.sum(values[i:j + 1]) / (j - i + 1)
            i = j + 1
        return out

    @register_jitable
    def orders(a, y, axis, flat):
        if not flat and axis != 0 and axis != -1:
            raise ValueError("srcdiff: the sort's axis is out of bounds for the vector")
        av, yv = a.ravel(), y.ravel()
        if av.shape[0] != yv.shape[0]:
            raise ValueError("srcdiff: the sorted array does not fit the array it sorts")
        order_y = stable_order(yv, False, True)   # (numpy.argsort(kind="stable"): sort_kernels)
        return stable_order(av, False, True), order_y, yv[order_y]

    def takes(values, a, y, axis):
        """'flat' (axis None), 'vector' (a vector along an integer axis), else None."""
        if not (is_array(values) and is_array(a) and is_array(y) and real(values) and
                real(a) and real(y)):
            return None
        if axis is None or isinstance(axis, (nt.NoneType, nt.Omitted)):
            return "flat"
        if isinstance(axis, nt.Integer) and a.ndim == 1 and y.ndim == 1:
            return "vector"
        return None

    @register_jitable
    def permute(values, taken, placed, keys):
        # values.ravel() taken in the order `taken`, tie-averaged over equal keys, and
        # placed at `placed`: a vector
        t = tie_mean(values.ravel()[taken], keys)
        out = numpy.empty(t.shape[0], t.dtype)
        out[placed] = t
        return out

    @register_jitable
    def back(grad, a, y, axis, flat):   # the adjoint: y's order to a's, shaped like a
        order_a, order_y, keys = orders(a, y, axis, flat)
        return permute(grad, order_y, order_a, keys).reshape(a.shape)

    @register_jitable
    def along(tangent, a, y, axis, flat):   # the tangent: a's order to y's, shaped like y
        order_a, order_y, keys = orders(a, y, axis, flat)
        return permute(tangent, order_a, order_y, keys).reshape(y.shape)

    def permuted(step):
        """The overload of permuted_grad (step back) or permuted_tangent (along)."""
        def typed(values, a, y, axis):
            kind = takes(values, a, y, axis)
            if kind is None:
                return None
            flat = kind == "flat"
            return lambda values, a, y, axis: step(values, a, y, axis, flat)
        return typed

    overload(permuted_grad)(permuted(back))
    overload(permuted_tangent)(permuted(along))
