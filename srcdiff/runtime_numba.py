"""Runtime helpers for the Numba path (`srcdiff.grad(f, jit=True)`), dispatched by type.

The code the Numba pass makes (srcdiff/numba_backend.py) calls these instead of the NumPy
path's helpers (runtime.py), which test types with isinstance and return values of several
types: Numba compiles each function for the types it is called with, and a helper here
gives one implementation per type (a float, an array of n dimensions) through
`numba.extending.overload`. Each helper is also a plain Python function that does the same
thing, so the emitted source reads (and runs, for a check) without Numba.

`NUMPY` is the `numpy` the compiled code calls: NumPy itself, except the reductions and
constructors that Numba has no version of for a scalar (a 0-d array of the NumPy path is a
float here), which take scalars too.

Importing this module does not import Numba; `install()` registers the overloads (once).
"""
import types

import numpy


# --- the helpers, as plain Python -------------------------------------------------------
def zeros_like_value(value):
    """A zero derivative shaped like `value` (0.0 for a number)."""
    if numpy.ndim(value) == 0 and not isinstance(value, numpy.ndarray):
        return 0.0
    return numpy.zeros_like(value)


def ones_like_value(value):
    """The seed of a gradient: ones shaped like the output (1.0 for a number)."""
    if numpy.ndim(value) == 0 and not isinstance(value, numpy.ndarray):
        return 1.0
    return numpy.ones_like(value)


def unbroadcast(grad, like):
    """Sum `grad` over the axes broadcasting added or stretched, to the shape of `like`."""
    shape = numpy.shape(like)
    if numpy.shape(grad) == shape:
        return grad
    extra = numpy.ndim(grad) - len(shape)
    axes = tuple(range(extra)) + tuple(extra + i for i, n in enumerate(shape)
                                       if n == 1 and numpy.shape(grad)[extra + i] != 1)
    out = numpy.sum(grad, axis=axes) if axes else grad
    return numpy.reshape(out, shape) if shape else float(out)


def broadcast_back(grad, like):
    """The adjoint of a sum (its reduced axes kept as length one) spread over `like`."""
    if numpy.ndim(like) == 0:
        return grad
    return grad + numpy.zeros_like(like)


def broadcast_like(tangent, like):
    """A tangent broadcast to the shape of its value."""
    if numpy.shape(tangent) == numpy.shape(like):
        return tangent
    return tangent + numpy.zeros_like(like)


def matmul_grad_left(grad, a, b):
    """Adjoint of `a` in `a @ b` (vectors and matrices)."""
    if numpy.ndim(b) == 1:
        return grad * b if numpy.ndim(a) == 1 else numpy.outer(grad, b)
    if numpy.ndim(a) == 1:
        return numpy.dot(b, grad)
    return numpy.dot(grad, b.T)


def matmul_grad_right(grad, a, b):
    """Adjoint of `b` in `a @ b` (vectors and matrices)."""
    if numpy.ndim(a) == 1:
        return grad * a if numpy.ndim(b) == 1 else numpy.outer(a, grad)
    return numpy.dot(a.T, grad)


def decided(condition):
    """`bool(condition)`, once, for the primal and the adjoint branch to share."""
    return bool(condition)


def power_exponent(exponent):
    """`exponent - 1`, except 1 where the exponent is 0 (so 0 ** -1 never makes a nan)."""
    if numpy.ndim(exponent) == 0:
        return 1 if exponent == 0 else exponent - 1
    return numpy.where(exponent == 0, 1, exponent - 1)


def abs_slope(x):
    """d|x|/dx for real x: sign(x) (0 at 0). (Complex x is left to the NumPy path.)"""
    return numpy.sign(x)


def unit_like(s):
    """One shaped like the cotangent `s` (its factor is applied at the end: scale_gradient)."""
    return 1.0 if numpy.ndim(s) == 0 and not isinstance(s, numpy.ndarray) else numpy.ones_like(s)


def scale_gradient(g, s):
    """`g * s`: the factor `unit_like` deferred, applied to the gradient."""
    return g * s


def expand_reduced(grad, like, axis, keepdims):
    """The adjoint of a reduction over `axis`, reshaped to broadcast against `like`."""
    if keepdims or axis is None or numpy.ndim(like) == 0:
        return grad
    return numpy.expand_dims(grad, axis % numpy.ndim(like))


def scatter_add(buffer, value, index, grad, owned, where=None):
    """Add `grad` into `buffer[index]` (None: zeros shaped like `value`); an owned buffer
    is updated in place, another one copied first. Repeated integer indices accumulate."""
    out = numpy.zeros_like(value) if buffer is None else buffer if owned else buffer.copy()
    if isinstance(index, numpy.ndarray) and index.dtype.kind in "iu":
        numpy.add.at(out, index, grad)
    else:
        out[index] += grad
    return out


def check_update(value, other, method):
    """Before `value op= other`: raise where NumPy's in-place operator would (an array that
    cannot hold the broadcast result); nothing for numbers, which are rebound."""
    if isinstance(value, numpy.ndarray):
        if numpy.broadcast_shapes(numpy.shape(other), value.shape) != value.shape:
            raise ValueError(f"non-broadcastable output operand with shape {value.shape} "
                             f"doesn't match the broadcast shape")


def no_derivative(value):
    """A value restored from the tape that carries no derivative (a range, a trip count)."""
    return value


def own_copy(value):
    """A private copy of an argument the function writes into (a number is itself)."""
    return value.copy() if isinstance(value, numpy.ndarray) else value


def sum_value(x, axis=None, keepdims=False):
    """numpy.sum for an array, x itself for a number."""
    return numpy.sum(x, axis=axis, keepdims=keepdims) if numpy.ndim(x) else x


def extremum_value(x, largest):
    if numpy.ndim(x) == 0:
        return x
    return numpy.max(x) if largest else numpy.min(x)


def norm_value(x):
    """numpy.linalg.norm of a vector or matrix (Frobenius); abs(x) for a number."""
    return numpy.linalg.norm(x) if numpy.ndim(x) else abs(x)


def mean_value(x):
    return numpy.mean(x) if numpy.ndim(x) else x


HELPERS = {f.__name__: f for f in (
    zeros_like_value, ones_like_value, unbroadcast, broadcast_back, broadcast_like,
    matmul_grad_left, matmul_grad_right, decided, power_exponent, abs_slope, unit_like,
    scale_gradient, expand_reduced, scatter_add, check_update, no_derivative, own_copy)}


# --- the numpy the compiled code sees ----------------------------------------------------
def _numpy_namespace():
    """A module standing for numpy in compiled code: numpy's names, with the reductions
    that must also take a number (sum, max, min, mean, linalg.norm) replaced."""
    linalg = types.ModuleType("srcdiff.runtime_numba.linalg")
    linalg.__dict__.update({k: v for k, v in vars(numpy.linalg).items()
                            if not k.startswith("__")})
    linalg.norm = norm_value
    module = types.ModuleType("srcdiff.runtime_numba.numpy")
    module.__dict__.update({k: v for k, v in vars(numpy).items() if not k.startswith("__")})
    module.sum = sum_value
    module.mean = mean_value
    module.linalg = linalg
    module.max = module.amax = _largest
    module.min = module.amin = _smallest
    return module


def _largest(x):
    return extremum_value(x, True)


def _smallest(x):
    return extremum_value(x, False)


NUMPY = _numpy_namespace()


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

    def no(t):
        return t is None or isinstance(t, (nt.NoneType, nt.Omitted))

    def false(t):
        return t is None or t is False or isinstance(t, nt.Omitted) or \
            isinstance(t, nt.BooleanLiteral) and not t.literal_value

    @overload(sum_value)
    def _sum_value(x, axis=None, keepdims=False):
        if not false(keepdims):
            return None  # a bool not known when compiling: typed again as a literal
        if is_array(x) and no(axis):
            return lambda x, axis=None, keepdims=False: numpy.sum(x)
        if is_array(x) and isinstance(axis, nt.Integer):
            return lambda x, axis=None, keepdims=False: numpy.sum(x, axis=axis)
        if is_number(x) and no(axis):
            return lambda x, axis=None, keepdims=False: x

    @overload(mean_value)
    def _mean_value(x):
        if is_array(x):
            return lambda x: numpy.mean(x)
        if is_number(x):
            return lambda x: x

    @overload(norm_value)
    def _norm_value(x):
        if is_array(x) and x.ndim == 1:
            return lambda x: numpy.sqrt(numpy.sum(x * x))
        if is_array(x) and x.ndim == 2:
            return lambda x: numpy.sqrt(numpy.sum(x * x))
        if is_number(x):
            return lambda x: abs(x)

    @overload(_largest)
    def _largest_value(x):
        if is_array(x):
            return lambda x: numpy.max(x)
        if is_number(x):
            return lambda x: x

    @overload(_smallest)
    def _smallest_value(x):
        if is_array(x):
            return lambda x: numpy.min(x)
        if is_number(x):
            return lambda x: x

    @overload(abs_slope)
    def _abs_slope(x):
        if is_number(x) and not is_complex(x):
            return lambda x: numpy.sign(x)
        if is_array(x) and not is_complex(x):
            return lambda x: numpy.sign(x)

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
        if isinstance(t, (nt.Integer, nt.SliceType)):
            return True
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
                out[index] += grad
            return out

        if start == "zeros":
            return lambda buffer, value, index, grad, owned, where=None: \
                add(numpy.zeros_like(value), index, grad)

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

    @overload(no_derivative)
    def _no_derivative(value):
        return lambda value: value

    @overload(own_copy)
    def _own_copy(value):
        if is_array(value):
            return lambda value: value.copy()
        if is_number(value):
            return lambda value: value

    _INSTALLED.append(True)
    return numba
