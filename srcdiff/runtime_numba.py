"""The Numba versions of the Numba path's helpers (`srcdiff.grad(f, jit=True)`), dispatched by
type, and Numba's start (run time: called by the compiled kernel; numba_backend.py,
numba_codegen.py and numba_compile.py bind them). Takes nothing (`install()`); gives back
numba, with one implementation per argument type of each helper registered.

The plain Python helpers and the `numpy` the compiled code sees are
runtime_numba_helpers.py's (re-exported here: the emitted kernel calls
`runtime_numba.<helper>`, and `HELPERS`, `NUMPY` are read from here). `install()` takes
nothing and registers, once, one implementation per argument type of each helper (a float,
an array of n dimensions) through `numba.extending.overload`, each taking the values the
compiled kernel passes and giving back what the plain helper gives; it returns numba.
`defer_blas_check()` keeps SciPy's import out of Numba's first compile.

Importing this module does not import Numba.
"""
import numpy

from .runtime_numba_helpers import (  # noqa: F401 (re-exported: the kernel calls them here)
    HELPERS, NUMPY, _largest, _smallest, abs_slope, add_adjoints, add_item, add_tangents,
    broadcast_back, broadcast_like, check_array, empty_tape, check_cotangent, check_float_store,
    check_item_update, check_no_object,
    check_not_shared, check_update, copy_tangent, decided, expand_reduced, flip_value,
    matmul_grad_left, matmul_grad_right, mean_value, no_derivative, norm_value, ones_like_value,
    own_copy,
    power_exponent, python_power, saved_item, scale_gradient, scatter_add, sequence_add,
    sequence_add_grad, sequence_add_tangent, sequence_mul, sequence_mul_grad,
    sequence_mul_tangent, snapshot, sum_value, take_and_zero, unbroadcast, unit_like,
    zero_cotangent_product, zero_restored_slot, zeros_like_value)
from . import (runtime_numba_alias, runtime_numba_checks, runtime_numba_flat, runtime_numba_lists, runtime_numba_norms, runtime_numba_numpy,
               runtime_numba_spacings, runtime_numba_writes)
from .runtime_numba_alias import (check_array_copy_written, check_fresh_argument,  # noqa: F401
                                  check_item_held_once, check_written_unshared)
from .runtime_numba_checks import check_in_place, check_no_view, check_unpacked  # noqa: F401
from .runtime_numba_flat import flat_write_index, flat_write_take, reshape_like  # noqa: F401
from .runtime_numba_spacings import check_gradient_spacing, gradient_grad, gradient_value  # noqa: F401
from .runtime_numba_lists import (  # noqa: F401 (as above)
    iteration_order, iteration_order_grad, iteration_order_tangent, pop_adjoint, sequence_of,
    sequence_of_grad, sequence_of_tangent, sort_order, unpop_adjoint)
from .runtime_numba_norms import check_norm_order, norm_along, norm_weights  # noqa: F401
from .runtime_numba_numpy import (  # noqa: F401 (the NumPy path's, compiled: the kernel calls them)
    array_grad, builtin_sum_grad, cast_grad, dot_grad_left, dot_grad_right, extremum_grad,
    extremum_weights, array_value, asarray_value, permuted_grad, permuted_tangent, sort_value,
    stack_value, unstack_grad)
from .runtime_numba_writes import as_index

HELPERS = {**HELPERS, **runtime_numba_numpy.HELPERS, **runtime_numba_lists.HELPERS,
           **runtime_numba_norms.HELPERS, **runtime_numba_checks.HELPERS, **runtime_numba_alias.HELPERS,
           **runtime_numba_spacings.HELPERS, **runtime_numba_flat.HELPERS}
NUMPY.stack = stack_value   # numpy.stack of a list (Numba's takes tuples)
NUMPY.array = array_value   # numpy.array of an array or of a list of arrays
NUMPY.asarray = asarray_value
NUMPY.sort = sort_value   # numpy.sort with axis=None (Numba's takes no axis)
NUMPY.gradient = gradient_value   # (Numba has no numpy.gradient)
NUMPY.linalg.norm = norm_along   # with an order and an axis (Numba's takes no axis)

# the helpers of item writes, `+=` and copies (overloaded in runtime_numba_writes), here
# with the others: the codegen command's kernels call runtime_numba.<helper>
WRITE_HELPERS = (add_adjoints, add_item, add_tangents, empty_tape, check_cotangent,
                 check_item_update, check_not_shared, copy_tangent, saved_item, snapshot,
                 sequence_add, sequence_add_grad, sequence_add_tangent, sequence_mul,
                 sequence_mul_grad, sequence_mul_tangent, take_and_zero)


# --- Numba's start ---------------------------------------------------------------------
def defer_blas_check():
    """Numba's first compile (or load from its disk cache) imports numba.np.arraymath, which
    asks whether SciPy's BLAS is there by importing scipy.linalg: 0.15 s of a 0.5 s first
    call on an idle machine, for kernels that mostly call no BLAS. The answer here comes
    from the file of scipy.linalg.cython_blas instead; SciPy itself is imported where a
    kernel compiles a BLAS call (numba.np.linalg checks again there, with the real import
    and its check of the integer width). Where Numba's modules differ from what this
    expects, or SciPy's BLAS is not found, Numba asks itself as before."""
    import sys
    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules or \
            not _blas_file_found():
        return
    try:
        from numba.np import linalg
        real = linalg.ensure_blas
    except (ImportError, AttributeError):
        return
    linalg.ensure_blas = _blas_found
    try:
        from numba.np import arraymath
    except Exception:
        return  # Numba imports it again at its first compile, and says what is wrong
    finally:
        linalg.ensure_blas = real
    if getattr(arraymath, "ensure_blas", None) is _blas_found:
        arraymath.ensure_blas = real


def _blas_found():
    """ensure_blas's answer while numba.np.arraymath is imported (the file is there)."""


def _blas_file_found():
    import importlib.machinery
    import importlib.util
    import os
    try:
        spec = importlib.util.find_spec("scipy")  # finds the package, imports nothing
    except (ImportError, ValueError):
        return False
    for folder in (spec.submodule_search_locations or ()) if spec is not None else ():
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            if os.path.isfile(os.path.join(folder, "linalg", "cython_blas" + suffix)):
                return True
    return False


# --- the overloads ---------------------------------------------------------------------

_INSTALLED = []


def install():
    """Register the Numba implementations of the helpers above (once); returns numba."""
    import numba
    if _INSTALLED:
        return numba
    defer_blas_check()
    from numba import types as nt
    from numba.extending import overload, register_jitable

    def is_array(t):
        return isinstance(t, nt.Array)

    def is_number(t):
        return isinstance(t, (nt.Number, nt.Boolean))

    @overload(zeros_like_value)
    def _zeros(value):
        if is_array(value):
            return lambda value: numpy.zeros_like(value)
        if is_number(value) or isinstance(value, (nt.NoneType, nt.Optional)):
            return lambda value: 0.0

    @overload(ones_like_value)
    def _ones(value):
        if is_array(value):
            return lambda value: numpy.ones_like(value)
        if is_number(value):
            return lambda value: 1.0

    @register_jitable
    def _sum_to(grad, like):
        # sums grad (ndim >= like's) into an array shaped like `like`: leading axes go, and
        # the axes where `like` has length 1 are summed
        out = numpy.zeros(like.shape, grad.dtype)
        flat = out.reshape(-1)
        extra = grad.ndim - like.ndim
        strides = numpy.ones(like.ndim, numpy.int64)
        for k in range(like.ndim - 2, -1, -1):
            strides[k] = strides[k + 1] * like.shape[k + 1]
        for index in numpy.ndindex(grad.shape):
            at = 0
            for k in range(like.ndim):
                if like.shape[k] != 1:
                    at += index[extra + k] * strides[k]
            flat[at] += grad[index]
        return out

    def is_complex(t):
        return isinstance(getattr(t, "dtype", t), nt.Complex)

    @overload(unbroadcast)
    def _unbroadcast(grad, like):
        if is_complex(grad) and not is_complex(like):
            return None  # the NumPy path takes the real part here: left to it
        if is_number(grad) and (is_number(like) or isinstance(like, nt.Optional)):
            return lambda grad, like: grad
        if is_array(grad) and is_number(like):
            return lambda grad, like: grad.sum()
        if is_array(grad) and is_array(like):
            if grad.ndim == like.ndim:
                def same_rank(grad, like):
                    if grad.shape == like.shape:
                        return grad
                    return _sum_to(grad, like)
                return same_rank
            if grad.ndim > like.ndim:
                return lambda grad, like: _sum_to(grad, like)

    @overload(broadcast_back)
    def _broadcast_back(grad, like):
        if is_number(like):
            return lambda grad, like: grad
        if is_array(like):
            return lambda grad, like: grad + numpy.zeros_like(like)

    @overload(broadcast_like)
    def _broadcast_like(tangent, like):
        if is_number(like) and is_number(tangent):
            return lambda tangent, like: tangent
        if is_array(like) and is_array(tangent) and tangent.ndim == like.ndim:
            def same_rank(tangent, like):
                if tangent.shape == like.shape:
                    return tangent
                return tangent + numpy.zeros_like(like)
            return same_rank
        if is_array(like):
            return lambda tangent, like: tangent + numpy.zeros_like(like)

    @overload(matmul_grad_left)
    def _left(grad, a, b):
        if not (is_array(a) and is_array(b)):
            return None
        if b.ndim == 1:
            if a.ndim == 1:
                return lambda grad, a, b: grad * b
            if a.ndim == 2:
                return lambda grad, a, b: numpy.outer(grad, b)
        elif b.ndim == 2:
            if a.ndim == 1:
                return lambda grad, a, b: numpy.dot(b, grad)
            if a.ndim == 2:
                return lambda grad, a, b: numpy.dot(grad, numpy.ascontiguousarray(b.T))

    @overload(matmul_grad_right)
    def _right(grad, a, b):
        if not (is_array(a) and is_array(b)):
            return None
        if a.ndim == 1:
            if b.ndim == 1:
                return lambda grad, a, b: grad * a
            if b.ndim == 2:
                return lambda grad, a, b: numpy.outer(a, grad)
        elif a.ndim == 2 and b.ndim in (1, 2):
            return lambda grad, a, b: numpy.dot(numpy.ascontiguousarray(a.T), grad)

    @overload(decided)
    def _decided(condition):
        if is_number(condition):
            return lambda condition: bool(condition)

    @overload(power_exponent)
    def _power_exponent(exponent):
        if is_number(exponent):
            return lambda exponent: 1 if exponent == 0 else exponent - 1
        if is_array(exponent):
            return lambda exponent: numpy.where(exponent == 0, 1, exponent - 1)

    @overload(python_power)
    def _python_power(a, b):
        if isinstance(a, nt.Integer) and isinstance(b, nt.Integer):
            # a float, as Python's where b < 0 (Numba's integer power gives 0 there); one
            # type for both signs, and the same number where b >= 0 (below 2 ** 53)
            return lambda a, b: float(a) ** b
        return lambda a, b: a ** b

    def no(t):
        return t is None or isinstance(t, (nt.NoneType, nt.Omitted))

    def false(t):
        return t is None or t is False or isinstance(t, nt.Omitted) or \
            isinstance(t, nt.BooleanLiteral) and not t.literal_value

    @register_jitable
    def axis_in(x, axis):
        """axis as an index of x's axes (0..ndim-1), ValueError where out of range."""
        if axis < -x.ndim or axis >= x.ndim:
            raise ValueError("axis out of bounds for the array")
        return axis % x.ndim

    def reduction(whole, along):
        """The overload of numpy.sum or numpy.mean that takes a number too (itself) and an
        array whole (`whole(x)`), along an axis (`along(x, k)`: Numba's mean takes none),
        with that axis kept (keepdims=True: a norm's tangent)."""
        def typed(x, axis=None, keepdims=False):
            if (keepdims is True or isinstance(keepdims, nt.BooleanLiteral) and
                    keepdims.literal_value) and is_array(x) and isinstance(axis, nt.Integer):
                def kept(x, axis=None, keepdims=False):
                    k = axis_in(x, axis)
                    return numpy.expand_dims(along(x, k), k)
                return kept
            if not false(keepdims):
                return None  # a bool not known when compiling: typed again as a literal
            if is_array(x) and no(axis):
                return lambda x, axis=None, keepdims=False: whole(x)
            if is_array(x) and isinstance(axis, nt.Integer):
                return lambda x, axis=None, keepdims=False: along(x, axis_in(x, axis))
            if is_number(x) and no(axis):
                return lambda x, axis=None, keepdims=False: x
        return typed

    @register_jitable
    def sum_along(x, k):
        return numpy.sum(x, axis=k)

    @register_jitable
    def mean_along(x, k):
        return numpy.sum(x, axis=k) / x.shape[k]

    overload(sum_value)(reduction(numpy.sum, sum_along))
    overload(mean_value)(reduction(numpy.mean, mean_along))

    def extremum(reduce):
        """max or min: reduce(x), x itself for a number, and along an axis of a vector or a
        matrix (Numba's numpy.max takes no axis)."""
        @register_jitable
        def along(x, axis):
            if axis < -x.ndim or axis >= x.ndim:
                raise ValueError("axis out of bounds for the array")
            if x.ndim == 1:
                return reduce(x)
            k = axis % 2
            out = numpy.empty(x.shape[1 - k], x.dtype)
            for j in range(out.shape[0]):
                out[j] = reduce(x[:, j]) if k == 0 else reduce(x[j, :])
            return out

        def typed(x, axis=None):
            if is_array(x) and no(axis):
                return lambda x, axis=None: reduce(x)
            if is_number(x) and no(axis):
                return lambda x, axis=None: x
            if is_array(x) and x.ndim == 1 and isinstance(axis, nt.Integer):
                return lambda x, axis=None: along(x, axis)
            if is_array(x) and x.ndim == 2 and isinstance(axis, nt.Integer):
                return lambda x, axis=None: along(x, axis)
        return typed

    overload(_largest)(extremum(numpy.max))
    overload(_smallest)(extremum(numpy.min))

    @overload(flip_value)
    def _flip_value(x, axis=None):
        """numpy.flip: of all axes, or of one axis of a vector or a matrix (Numba's
        numpy.flip takes no axis); a number itself."""
        if is_number(x) and no(axis):
            return lambda x, axis=None: x
        if is_array(x) and no(axis):
            return lambda x, axis=None: numpy.flip(x)
        if is_array(x) and x.ndim in (1, 2) and isinstance(axis, nt.Integer):
            def along(x, axis=None):
                if axis < -x.ndim or axis >= x.ndim:
                    raise ValueError("axis out of bounds for the array")
                if x.ndim == 1 or axis % x.ndim == 0:
                    return x[::-1]
                return x[:, ::-1]
            return along

    @overload(norm_value)
    def _norm_value(x):
        if is_array(x) and x.ndim == 1:
            return lambda x: numpy.sqrt(numpy.sum(x * x))
        if is_array(x) and x.ndim == 2:
            return lambda x: numpy.sqrt(numpy.sum(x * x))
        if is_number(x):
            return lambda x: abs(x)

    @overload(abs_slope)
    def _abs_slope(x):
        if is_number(x) and not is_complex(x):
            return lambda x: numpy.sign(x)
        if is_array(x) and not is_complex(x):
            return lambda x: numpy.sign(x)

    @overload(zero_cotangent_product)
    def _zero_cotangent_product(cotangent, product):
        if is_complex(product) or is_complex(cotangent):
            return None  # left to the NumPy path
        if is_number(product):
            return lambda cotangent, product: \
                0.0 if cotangent == 0 and product != product else product
        if is_array(product):
            return lambda cotangent, product: numpy.where(
                (cotangent == 0) & numpy.isnan(product), 0.0, product)

    @overload(zero_restored_slot)
    def _zero_restored_slot(buffer, container, index):
        if is_array(buffer) or is_number(buffer):
            return lambda buffer, container, index: buffer

    @overload(unit_like)
    def _unit_like(s):
        if is_complex(s):
            return None  # not deferred on the NumPy path: left to it
        if is_number(s):
            return lambda s: 1.0
        if is_array(s):
            return lambda s: numpy.ones_like(s)

    @overload(scale_gradient)
    def _scale_gradient(g, s):
        if is_complex(s) or not (is_number(s) or is_array(s)):
            return None
        if is_number(g) or is_array(g):
            return lambda g, s: g * s

    @overload(expand_reduced)
    def _expand_reduced(grad, like, axis, keepdims):
        kept = keepdims is True or isinstance(keepdims, nt.BooleanLiteral) and \
            keepdims.literal_value
        if not (kept or false(keepdims)):
            return None  # a bool not known when compiling: typed again as a literal
        if kept or no(axis) or is_number(like):
            return lambda grad, like, axis, keepdims: grad
        if is_array(like) and isinstance(axis, nt.Integer):
            return lambda grad, like, axis, keepdims: numpy.expand_dims(grad, axis % like.ndim)

    def basic_index(t):
        if isinstance(t, (nt.Integer, nt.SliceType)) or \
                isinstance(t, nt.Optional) and isinstance(t.type, nt.Integer):
            return True  # (an index set in a branch is an Optional integer: as_index)
        return isinstance(t, nt.BaseTuple) and all(
            isinstance(k, (nt.Integer, nt.SliceType)) for k in t.types)

    @overload(scatter_add)
    def _scatter_add(buffer, value, index, grad, owned, where=None):
        if not is_array(value) or is_complex(grad) and not is_complex(value):
            return None
        if isinstance(buffer, nt.NoneType):
            start = "zeros"
        elif is_array(buffer) or isinstance(buffer, nt.Optional) and is_array(buffer.type):
            start = "given"
        else:
            return None
        integers = is_array(index) and index.ndim == 1 and \
            isinstance(index.dtype, nt.Integer) and value.ndim >= 1
        if not (basic_index(index) or integers):
            return None  # boolean masks, several arrays: left to the NumPy path

        @register_jitable
        def add(out, index, grad):
            if integers:
                for k in range(len(index)):
                    out[index[k]] += grad[k]
            else:
                out[as_index(index)] += grad
            return out

        if start == "zeros":
            return lambda buffer, value, index, grad, owned, where=None: \
                add(numpy.zeros_like(value), index, grad)

        if is_array(buffer):  # (no None branch: its zeros may have another dtype)
            def plain(buffer, value, index, grad, owned, where=None):
                return add(buffer if owned else buffer.copy(), index, grad)
            return plain

        def given(buffer, value, index, grad, owned, where=None):
            if buffer is None:
                return add(numpy.zeros_like(value), index, grad)
            out = buffer if owned else buffer.copy()
            return add(out, index, grad)
        return given

    @overload(check_update)
    def _check_update(value, other, method):
        if not isinstance(method, nt.StringLiteral):
            return None  # typed again with the method's name as a literal
        if method.literal_value == "__imatmul__" or is_complex(other) and \
                not is_complex(value):
            return None
        if is_number(value):
            return lambda value, other, method: None
        if not is_array(value) or not (is_number(other) or is_array(other)):
            return None
        if isinstance(value.dtype, nt.Integer) and not isinstance(
                getattr(other, "dtype", other), nt.Integer):
            return None  # NumPy refuses to cast floats into integers in place
        if is_number(other):
            return lambda value, other, method: None
        if other.ndim > value.ndim:
            return None

        def fits(value, other, method):
            extra = value.ndim - other.ndim
            for k in range(other.ndim):
                n = other.shape[k]
                if n != 1 and n != value.shape[extra + k]:
                    raise ValueError("non-broadcastable output operand: the in-place "
                                     "operator cannot hold the broadcast result")
        return fits

    @overload(check_no_object)
    def _check_no_object(value, where):   # (the compiled code holds no objects)
        return lambda value, where: None

    @overload(check_float_store)
    def _check_float_store(array, reason, hint, where):
        if is_array(array) and isinstance(array.dtype, (nt.Integer, nt.Boolean)):
            def refuse(array, reason, hint, where):   # (Numba's messages are constants)
                raise ValueError("srcdiff: a value carrying a derivative is stored into an "
                                 "array of integers or booleans, which rounds it")
            return refuse
        return lambda array, reason, hint, where: None

    @overload(check_array)
    def _check_array(value, reason, hint, where):
        if is_array(value):
            return lambda value, reason, hint, where: None

        def refuse(value, reason, hint, where):   # (Numba's messages are constants)
            raise ValueError("srcdiff: .sort() or .fill() is called on a value that is no array")
        return refuse

    @overload(no_derivative)
    def _no_derivative(value):
        return lambda value: value

    @overload(own_copy)
    def _own_copy(value):
        if is_array(value):
            return lambda value: value.copy()
        if is_number(value):
            return lambda value: value

    runtime_numba_writes.install(overload, is_array, is_number, basic_index)
    runtime_numba_numpy.install(overload, register_jitable, nt, is_array, is_number,
                                is_complex)
    runtime_numba_lists.install(overload, register_jitable, nt, is_array, is_number)
    runtime_numba_norms.install(overload, register_jitable, nt, is_array, is_number)
    runtime_numba_checks.install(overload, register_jitable, nt, is_array, is_number)
    runtime_numba_alias.install(overload, register_jitable, nt, is_array, is_number)
    runtime_numba_spacings.install(overload, register_jitable, nt, is_array, is_number)
    runtime_numba_flat.install(overload, register_jitable, nt, is_array, is_number)
    _INSTALLED.append(True)
    return numba

