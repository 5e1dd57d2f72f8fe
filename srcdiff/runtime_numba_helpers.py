"""The helpers of the Numba path (`srcdiff.grad(f, jit=True)`) as plain Python, and the `numpy`
its compiled code sees (run time: called by the code numba_backend.py makes; a leaf
importing NumPy only). Takes the values the kernel passes; gives back derivatives and checks
as plain Python functions (`HELPERS`) and `NUMPY`.

The code the Numba pass makes (srcdiff/numba_backend.py) calls these helpers (taking values,
giving back derivatives and checks) instead of the NumPy path's (runtime.py), which test
types with isinstance and return values of several types; runtime_numba.py gives each one
implementation per type for Numba (`numba.extending.overload`). Each is a plain Python
function doing the same thing, so the emitted source reads (and runs, for a check) without
Numba.

`NUMPY` is the `numpy` the compiled code calls: NumPy itself, except the reductions and
constructors that Numba has no version of for a scalar (a 0-d array of the NumPy path is a
float here), which take scalars too, and numpy.flip and numpy.mean, which take an axis.
"""
import types

import numpy


# --- the helpers, as plain Python -------------------------------------------------------
def zeros_like_value(value):
    """A zero derivative shaped like `value` (0.0 for a number, a list of zeros for a list of
    numbers: runtime_numba_lists)."""
    if isinstance(value, list):
        return [0.0] * len(value)
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


def python_power(a, b):
    """`a ** b` as Python computes it. The kernel calls it for each power whose exponent is
    not a constant >= 0: Numba's power of two integers is an integer (2 ** -1 is 0), Python's
    a float where the exponent is negative; runtime_numba's version computes a float there."""
    return a ** b


def abs_slope(x):
    """d|x|/dx for real x: sign(x) (0 at 0). (Complex x is left to the NumPy path.)"""
    return numpy.sign(x)


def zero_restored_slot(buffer, container, index):
    """After an item write's old item is restored: an array's adjoint as it is (the NumPy
    path's also reshapes a list's slot, which compiled code has none of)."""
    return buffer


def zero_cotangent_product(cotangent, product):
    """`product` (cotangent * slope) with 0 where the cotangent is 0 and the product NaN, as
    the NumPy path's (srcdiff/zero_cotangents.py), for real numbers and arrays."""
    if numpy.ndim(product) == 0 and not isinstance(product, numpy.ndarray):
        return 0.0 if cotangent == 0 and product != product else product
    return numpy.where((cotangent == 0) & numpy.isnan(product), 0.0, product)


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
    is updated in place, another one copied first. Repeated integer indices accumulate.
    A list of numbers (one integer index) has a list as its adjoint, copied whether owned or
    not, as on the NumPy path: runtime_numba_lists."""
    if isinstance(value, list):
        out = [0.0] * len(value) if buffer is None else list(buffer)   # (as the NumPy path's)
        out[index] += grad
        return out
    out = numpy.zeros_like(value) if buffer is None else buffer if owned else buffer.copy()
    if isinstance(index, numpy.ndarray) and index.dtype.kind in "iu":
        numpy.add.at(out, index, grad)
    else:
        out[index] += grad
    return out


def empty_tape(n, like):
    """A tape of `n` entries for values like `like`, written by trip number (numba_tapes.py):
    an array of its type for a number, a list otherwise."""
    if isinstance(like, (bool, int, float, complex, numpy.number, numpy.bool_)):
        return numpy.empty(n, dtype=numpy.asarray(like).dtype)
    return [like] * n


def add_item(buffer, index, grad):
    """`buffer[index] += grad` for one integer index into an owned 1-D adjoint (given back)."""
    buffer[index] += grad
    return buffer


def check_update(value, other, method):
    """Before `value op= other`: raise where NumPy's in-place operator would (an array that
    cannot hold the broadcast result); nothing for numbers, which are rebound."""
    if isinstance(value, numpy.ndarray):
        if numpy.broadcast_shapes(numpy.shape(other), value.shape) != value.shape:
            raise ValueError(f"non-broadcastable output operand with shape {value.shape} "
                             f"doesn't match the broadcast shape")


def check_float_store(array, reason, hint, where):
    """Before `array[i] = v` where v carries a derivative: raise where array holds integers
    or booleans (NumPy would store v rounded, whose derivative is zero)."""
    if isinstance(array, numpy.ndarray) and array.dtype.kind in "biu":
        raise ValueError(f"{where}: {reason}; {hint}")


def check_no_object(value, where):
    """Before an operator where an object of the user's class might be met: the compiled
    code takes only numbers and arrays, never such objects (nothing to check)."""
    return None


def check_array(value, reason, hint, where):
    """Before `a.sort()` / `a.fill(v)` (lowered as `a[...] = ...`): raise where a is no array."""
    if not isinstance(value, numpy.ndarray):
        raise ValueError(f"{where}: {reason}; {hint}")


def no_derivative(value):
    """A value restored from the tape that carries no derivative (a range, a trip count)."""
    return value


def own_copy(value):
    """A private copy of an argument the function writes into (a number is itself)."""
    return value.copy() if isinstance(value, numpy.ndarray) else value


def saved_item(value, index):
    """A copy of `value[index]`, pushed before an item write overwrites it (a number for an
    item of a 1-D array, an array for a row)."""
    item = value[index]
    return item.copy() if isinstance(item, numpy.ndarray) else item


def take_and_zero(buffer, index, owned, where=None):
    """For `x[index] = v` in reverse: (the adjoint of v, the adjoint of x with that item
    zeroed); an adjoint not owned is copied first. Basic indices only (numbers, slices)."""
    out = buffer if owned else buffer.copy()
    taken = out[index]
    taken = taken.copy() if isinstance(taken, numpy.ndarray) else taken
    out[index] = 0
    return taken, out


def snapshot(value):
    """A copy of a returned value that the adjoint may change afterwards (an item it
    writes back); a number is itself."""
    return value.copy() if isinstance(value, numpy.ndarray) else value


def add_adjoints(a, b):
    """Two derivatives (numbers or arrays) added."""
    return a + b


def copy_tangent(tangent):
    """A private copy of a tangent, safe to update in place (an item write)."""
    return tangent.copy() if isinstance(tangent, numpy.ndarray) else tangent


def add_tangents(a, b):
    """Two tangents (numbers or arrays) added."""
    return a + b


def check_cotangent(cotangent, value):
    """A vjp's cotangent must have the output's shape; a private copy of it is returned."""
    if numpy.shape(cotangent) != numpy.shape(value):
        raise ValueError("the cotangent's shape is not the output's")
    return cotangent.copy() if isinstance(cotangent, numpy.ndarray) else cotangent


def check_item_update(container, item, method, reason, hint, where):
    """Before `c[k] += v`: fine where c is an array (its item writes are followed); the
    compiled code takes no lists, tuples or dicts."""
    if not isinstance(container, numpy.ndarray):
        raise ValueError(f"{where}: {reason}; {hint}")


def check_not_shared(value, holder, reason, hint, where):
    """Before writing into the array `value` while `holder` may see it: raise where their
    memory may overlap (the compiled check compares the two arrays' address ranges, which
    also refuses two interleaved views that share no element; the NumPy path's is exact)."""
    if isinstance(value, numpy.ndarray) and isinstance(holder, numpy.ndarray) and \
            value.ndim and numpy.may_share_memory(value, holder):
        raise ValueError(f"{where}: {reason}; {hint}")


def sequence_add(a, b):
    """`a + b` of numbers or arrays (lists are not on the Numba path)."""
    return a + b


def sequence_mul(a, b):
    """`a * b` of numbers or arrays."""
    return a * b


def sequence_add_grad(grad, a, b, which):
    """The adjoint of operand `which` (0 or 1) of `a + b` (arithmetic)."""
    return unbroadcast(grad, a if which == 0 else b)


def sequence_mul_grad(grad, a, b, which):
    """The adjoint of operand `which` (0 or 1) of `a * b` (arithmetic)."""
    return unbroadcast(grad * b, a) if which == 0 else unbroadcast(grad * a, b)


def sequence_add_tangent(tangent, a, b, y, which):
    """The tangent of `a + b` from operand `which`'s tangent (arithmetic)."""
    return broadcast_like(tangent, y)


def sequence_mul_tangent(tangent, a, b, y, which):
    """The tangent of `a * b` from operand `which`'s tangent (arithmetic)."""
    return broadcast_like(tangent * b, y) if which == 0 else broadcast_like(a * tangent, y)


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


def flip_value(x, axis=None):
    """numpy.flip for an array (of one axis too), x itself for a number."""
    return numpy.flip(x, axis=axis) if numpy.ndim(x) else x


def mean_value(x, axis=None, keepdims=False):
    """numpy.mean for an array (along an axis too), x itself for a number."""
    return numpy.mean(x, axis=axis, keepdims=keepdims) if numpy.ndim(x) else x


HELPERS = {f.__name__: f for f in (
    zeros_like_value, ones_like_value, unbroadcast, broadcast_back, broadcast_like,
    matmul_grad_left, matmul_grad_right, decided, power_exponent, python_power, abs_slope,
    unit_like,
    scale_gradient, expand_reduced, scatter_add, add_item, empty_tape, check_update,
    check_float_store, check_no_object,
    check_array, no_derivative, own_copy, saved_item, take_and_zero, sequence_add,
    sequence_mul, sequence_add_grad, sequence_mul_grad, sequence_add_tangent,
    sequence_mul_tangent, snapshot, add_adjoints,
    check_not_shared, copy_tangent, add_tangents, check_item_update, check_cotangent,
    zero_cotangent_product, zero_restored_slot)}


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
    module.flip = flip_value
    module.linalg = linalg
    module.max = module.amax = _largest
    module.min = module.amin = _smallest
    return module


def _largest(x, axis=None):
    return extremum_value(x, True) if axis is None else numpy.max(x, axis=axis)


def _smallest(x, axis=None):
    return extremum_value(x, False) if axis is None else numpy.min(x, axis=axis)


NUMPY = _numpy_namespace()
