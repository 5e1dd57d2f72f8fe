"""Runtime helpers of NumPy's elementwise functions and reductions (run time: called by emitted
code, through the rules of templates/ (arithmetic, ufuncs, reductions, statistics, shapes,
python) it splices in; a leaf importing numpy, math, cmath and lazy_runtime). Takes the
primal values and the adjoint or tangent; gives back a new array in the shape the rule
needs.

They compute the parts of a derivative that are not one NumPy call: exponents and logarithm
bases kept finite (`power_exponent`, `log_base`), the adjoint of a reduction broadcast back
(`reduce_grad`, `expand_reduced`), ties of max/min and clip (`extremum_grad`, `tie_split`,
`clip_mask`), cumulative sums, casts, builtins max/min (`pick_grad`), and the array methods
srcdiff lowers to calls (`method_copy`, ...). Each takes the primal values (and the adjoint
or tangent) and returns a new array in the shape the rule needs; none writes its arguments.
Self-contained, so the codegen command can copy them into a standalone module.
"""
import cmath
import math

import numpy

from .lazy_runtime import broadcast_back  # copied along too (it needs numpy only)


def _count(shape):
    n = 1
    for k in shape:
        n *= int(k)
    return n


def power_exponent(exponent):
    """`exponent - 1`, except 1 where the exponent is 0 (so 0 ** -1 never makes a nan)."""
    if isinstance(exponent, (int, float)):
        return 1 if exponent == 0 else exponent - 1
    return numpy.where(exponent == 0, 1, exponent - 1)


def log_base(base):
    """log(base) with base <= 0 mapped to 1, for the derivative of x ** y in y.

    A complex base has the principal log NumPy's power uses (only 0 is mapped to 1)."""
    if isinstance(base, (int, float)):
        return math.log(base) if base > 0 else 0.0
    if isinstance(base, complex):
        return cmath.log(base) if base != 0 else 0j
    if numpy.iscomplexobj(base):
        return numpy.log(numpy.where(base == 0, 1, base))
    return numpy.log(numpy.where(base > 0, base, 1))


def reshape_like(grad, like, order="C"):
    """`grad` in the shape of `like` (order= only when it is not C, which Dask lacks)."""
    if order == "C":
        return numpy.reshape(grad, numpy.shape(like))
    return numpy.reshape(grad, numpy.shape(like), order=order)


def method_copy(value):
    """`x.copy()`: the array's own copy method (a Dask or CuPy array stays one)."""
    return value.copy()


def method_flatten(value, order="C"):
    """`x.flatten()`: the array's own method, always a copy (numpy.ravel may give a view)."""
    return value.flatten(order)


def method_astype(value, dtype):
    """`x.astype(dtype)`: the array's own method."""
    return value.astype(dtype)


def method_compress(value, condition, axis=None):
    """`x.compress(condition, axis)`: the array's own method (numpy.compress(condition, x))."""
    return value.compress(condition, axis=axis)


def expand_reduced(grad, like, axis, keepdims):
    """Reshape the adjoint of a reduction so it broadcasts against the reduced input."""
    if keepdims or axis is None:
        return grad  # kept dims, or a 0-d total: either broadcasts against `like` as it is
    ndim = numpy.ndim(like)
    if ndim == 0:
        return grad  # NumPy reduces a 0-d value over axis 0 or -1 to itself
    axes = axis if isinstance(axis, tuple) else (axis,)
    axes = tuple(sorted(a % ndim for a in axes))
    for a in axes:
        grad = numpy.expand_dims(grad, a)
    return grad


def _axes_of(axis, ndim):
    """The sorted, non-negative axes a reduction over `axis` removes (all when None)."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(sorted(int(a) % ndim for a in axes)) if ndim else ()


def reduce_grad(grad, like, axis, keepdims):
    """The adjoint of a sum-like reduction, broadcast back to the shape of `like`."""
    ndim = numpy.ndim(like)
    if not keepdims:
        shape = list(numpy.shape(grad))
        for a in _axes_of(axis, ndim):
            shape.insert(a, 1)
        grad = numpy.reshape(grad, tuple(shape)) if ndim else grad
    # (on Dask, in `like`'s chunks, or its unknown lengths: srcdiff/lazy_runtime.py)
    return broadcast_back(grad, like)


def reduced_count(like, result):
    """How many elements of `like` each element of the reduction `result` summarizes.

    Where a length is not known before computing (Dask's NaN, after a boolean mask or
    from unknown chunk sizes), the count is itself a lazy value of that array type."""
    like_shape, result_shape = numpy.shape(like), numpy.shape(result)
    if any(k != k for k in like_shape + result_shape):
        return (numpy.sum(numpy.ones_like(like, dtype=int))
                // numpy.sum(numpy.ones_like(result, dtype=int)))
    size = _count(result_shape)
    return _count(like_shape) // size if size else 0


def centered(a, axis, kink=False):
    """`a` minus its mean over `axis` (kept dims), for the derivatives of var and std.

    Exactly zero in every reduction where `a` is constant (its exact value): the
    rounding of the mean (numpy.std(numpy.full(3, x)) is about 1e-17, not 0) must
    not decide the sign of a derivative that is zero there. Its derivative is the
    centering of the tangent (kink=False, var), or zero in those reductions too
    (kink=True, std: a kink there, like abs at 0, where the zero subgradient is used).
    """
    return center_like(a, a, axis, True)


def center_like(t, a, axis, kink):
    """`t` minus its mean over `axis`; zeroed in the reductions where `a` is constant
    when `kink` is true. Linear in `t` (and its own adjoint); `a` picks the reductions."""
    if isinstance(a, (list, tuple)):
        a = numpy.asarray(a)
    if isinstance(t, (list, tuple)):
        t = numpy.asarray(t)
    axes = _axes_of(axis, numpy.ndim(a))
    out = t - numpy.mean(t, axis=axes, keepdims=True)
    if not kink or _count(numpy.shape(a)) == 0:
        return out
    same = numpy.max(a, axis=axes, keepdims=True) == numpy.min(a, axis=axes, keepdims=True)
    return numpy.where(same, out * 0, out)


def prod_others(a, axis):
    """For each element of `a`, the product of the other elements in its reduction.

    Computed from exclusive running products from both ends, so zeros in `a`
    give the exact partial derivatives of numpy.prod (no division by a).
    """
    ndim = numpy.ndim(a)
    axes = _axes_of(axis, ndim)
    if not axes:
        return numpy.ones_like(a)
    k = len(axes)
    moved = numpy.moveaxis(a, axes, tuple(range(ndim - k, ndim)))
    kept = numpy.shape(moved)[:ndim - k]
    flat = numpy.reshape(moved, kept + (_count(numpy.shape(moved)[ndim - k:]),))
    if numpy.shape(flat)[-1] == 0 or _count(kept) == 0:
        return numpy.zeros_like(a)
    one = numpy.ones_like(flat[..., :1])
    left = numpy.concatenate([one, numpy.cumprod(flat[..., :-1], axis=-1)], axis=-1)
    right = numpy.flip(numpy.cumprod(numpy.flip(flat[..., 1:], axis=-1), axis=-1), axis=-1)
    right = numpy.concatenate([right, one], axis=-1)
    others = numpy.reshape(left * right, numpy.shape(moved))
    return numpy.moveaxis(others, tuple(range(ndim - k, ndim)), axes)


def extremum_grad(grad, a, result, axis, keepdims):
    """The adjoint of max/min: `grad` shared evenly by the elements that attain the extremum.

    The same as reduce_grad(grad, ...) * extremum_weights(...), with the division
    done on the reduced shape rather than on the whole input.
    """
    ndim = numpy.ndim(a)
    if not ndim:
        return grad * _attains(a, result)
    axes = _axes_of(axis, ndim)
    if not keepdims:
        shape = list(numpy.shape(result))
        for ax in axes:
            shape.insert(ax, 1)
        result = numpy.reshape(result, tuple(shape))
        grad = numpy.reshape(grad, tuple(shape))
    if type(a) is numpy.ndarray and type(result) is numpy.ndarray and (
            type(grad) is numpy.ndarray or isinstance(grad, (float, numpy.generic))):
        # NumPy: the NaN test on the reduced result (usually none), then one masked write
        # of each row's share instead of a float product with the whole boolean mask
        hit = a == result
        if numpy.isnan(result).any():
            hit |= numpy.isnan(a) & numpy.isnan(result)
        share = grad / numpy.maximum(numpy.count_nonzero(hit, axis=axes, keepdims=True), 1)
        if numpy.broadcast_shapes(hit.shape, numpy.shape(share)) == hit.shape:
            out = numpy.zeros_like(hit, dtype=numpy.result_type(share))
            numpy.copyto(out, share, where=hit)
            return out
        return hit * share
    hit = _attains(a, result)
    count = numpy.sum(hit, axis=axes, keepdims=True)
    return hit * (grad / numpy.maximum(count, 1))


def extremum_weights(a, result, axis, keepdims):
    """Where max/min of `a` was attained: 1/count at each tied extremum, 0 elsewhere.

    Ties split the derivative evenly between the elements that attain the
    extremum (a symmetric subgradient, as in JAX and PyTorch's amax).
    """
    ndim = numpy.ndim(a)
    axes = _axes_of(axis, ndim)
    if not keepdims and ndim:
        shape = list(numpy.shape(result))
        for ax in axes:
            shape.insert(ax, 1)
        result = numpy.reshape(result, tuple(shape))
    hit = _attains(a, result)
    count = numpy.sum(hit, axis=axes, keepdims=True) if ndim else 1
    return hit / numpy.maximum(count, 1)


def _attains(a, result):
    """Where `a` equals its max/min `result`; where the result is NaN (NumPy's max and min
    propagate it), the NaNs that made it: the derivative routes to them."""
    return (a == result) | (numpy.isnan(a) & numpy.isnan(result))


def cumsum_grad(grad, like, axis):
    """The adjoint of numpy.cumsum: reversed running sums, in the shape of `like`."""
    if axis is None:
        grad = numpy.reshape(grad, (-1,))
        axis = 0
    out = numpy.flip(numpy.cumsum(numpy.flip(grad, axis=axis), axis=axis), axis=axis)
    return numpy.reshape(out, numpy.shape(like))


def tie_split(grad, wins, ties):
    """`grad` where `wins`, half of it where `ties`, zero elsewhere (broadcast together): 0,
    not grad * 0, which an infinite grad (arccos(minimum(c, 1)) at 1) would make NaN."""
    if isinstance(grad, (list, tuple)):  # the tangent of a list argument
        grad = numpy.asarray(grad)
    return numpy.where(wins, grad, numpy.where(ties, grad * 0.5, 0))


def clip_mask(a, lo, hi, part, lo2=None, hi2=None):
    """Where numpy.clip(a, lo, hi) takes its value from `part` ('a', 'lo' or 'hi').

    clip is minimum(maximum(a, lo), hi); at a tie the value counts as `a`'s
    (a value exactly on a bound passes its derivative through). `lo2`/`hi2`
    are the bounds when given as min=/max= (NumPy 2.1+).
    """
    lo = lo if lo2 is None else lo2
    hi = hi if hi2 is None else hi2
    a, lo, hi = [numpy.asarray(v) if isinstance(v, (list, tuple)) else v for v in (a, lo, hi)]
    low = a if lo is None else numpy.maximum(a, lo)
    above = (low > hi) if hi is not None else numpy.zeros_like(a, dtype=bool)
    below = (a < lo) if lo is not None else numpy.zeros_like(a, dtype=bool)
    if part == "hi":
        return above
    if part == "lo":
        return below & ~above
    return ~below & ~above


def cast_grad(grad, like, result):
    """The adjoint through x.astype(dtype) (and numpy.array(x, dtype=...)): cast back to x's
    dtype; zero across int and bool casts (an object array's items keep theirs)."""
    rkind = getattr(getattr(result, "dtype", None), "kind", "f")
    if rkind not in "fcO":
        return grad * 0
    dtype = getattr(like, "dtype", None)
    if dtype is None:
        return grad
    if hasattr(grad, "astype"):
        if numpy.iscomplexobj(grad) and dtype.kind != "c":
            grad = numpy.real(grad)
        return grad.astype(dtype)
    return grad


def imag_grad(grad, like):
    """The adjoint of numpy.imag: zero for real input, -1j * grad for complex input (the
    cotangent of the real-valued imaginary part is real: numpy.real(grad))."""
    if numpy.iscomplexobj(like):
        return -1j * numpy.real(grad)
    return grad * 0


def _picked(values, other, largest):
    """Which argument builtins max/min returns: a list index, or 0/1 for two arguments."""
    if other is None:
        best, index = values[0], 0
        for i, v in enumerate(values):
            if (v > best) if largest else (v < best):
                best, index = v, i
        return index
    return 1 if bool((other > values) if largest else (other < values)) else 0


def pick_grad(grad, values, other, position, largest):
    """The adjoint of builtins max/min for the argument at `position` (0 or 1).

    With one argument (`other` is None) `values` is a list and the element
    returned gets `grad` (the adjoint is a list); with two, the argument
    returned gets it (an array when `values` is an array, so that adjoints of two uses add as
    arrays, not lists joined). Like Python, a tie goes to the first one.
    """
    index = _picked(values, other, largest)
    if other is None and isinstance(values, numpy.ndarray):
        out = numpy.zeros(values.shape, numpy.result_type(values, grad))
        out[index] = grad
        return out
    if other is None:
        return [grad if i == index else grad * 0 for i in range(len(values))]
    return grad if index == position else grad * 0


def pick_tangent(tangent, values, other, position, largest):
    """The tangent of builtins max/min from the argument at `position` (0 or 1)."""
    index = _picked(values, other, largest)
    if other is None:
        return tangent[index]
    return tangent if index == position else tangent * 0


def log_of_base(base):
    """math.log(base) for the two-argument math.log (1.0 when there is no base)."""
    if base is None:
        return 1.0
    return math.log(base)


def abs_slope(x):
    """d|x|/dx: sign(x) for real x (0 at 0); conj(x)/|x| for complex x (the convention of
    the complex rules here, as JAX's: grad of a real function of z is df/da - i df/db)."""
    if numpy.iscomplexobj(x):
        return safe_divide(numpy.conjugate(x), numpy.abs(x))
    return numpy.sign(x)


def abs_slope_tangent(tangent, x):
    """The tangent of abs_slope(x) along `tangent`: 0 for real x (sign is flat)."""
    if not numpy.iscomplexobj(x):
        return numpy.multiply(tangent, 0)  # (a list tangent times 0 is an empty list)
    size = numpy.abs(x)
    slope = safe_divide(numpy.conjugate(x), size)
    return safe_divide(numpy.conjugate(tangent) - slope * numpy.real(slope * tangent), size)


def safe_divide(num, den):
    """num / den, with 0 where den == 0 (the subgradient at a norm's kink)."""
    zero = den == 0
    return numpy.where(zero, num * 0, num / numpy.where(zero, 1, den))
