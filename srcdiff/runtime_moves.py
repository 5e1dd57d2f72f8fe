"""Runtime helpers of the rules of templates/moves.py (run time: called by emitted code; a
leaf importing numpy and srcdiff's runtime leaves): numpy.unstack, broadcast_arrays, resize,
trim_zeros, extract, choose, logspace and geomspace. Takes the call's arguments (its result where that
says which elements moved) and the cotangent or tangent; gives back a new array, or a list
of them for a call returning several.

These calls move or repeat their inputs' elements without changing them (logspace aside):
each adjoint sends the gradient back to where the element came from, summing where one
element went to several places; each tangent moves the tangent the way the call moved the
values. Plain NumPy functions of their arguments, zeros made with zeros_like, so device
arrays (CuPy, Dask) stay where they are. None has a Numba version (jit=True refuses a
derivative that calls one, naming it).
"""
import numpy

from .runtime_adjoint import unbroadcast


def _unused(g):
    """A piece of a list's cotangent the loss did not use: None or a zero number."""
    return g is None or (numpy.ndim(g) == 0 and not numpy.any(g))


def _piece(grad, k):
    return grad[k] if isinstance(grad, (list, tuple)) else grad


def unstack_join(grad, x, axis):
    """The adjoint of numpy.unstack(x, axis=axis): the pieces' cotangents stacked back
    along `axis` (zeros for a piece the loss does not use)."""
    moved = numpy.moveaxis(x, axis, 0)
    pieces = []
    for k in range(numpy.shape(moved)[0]):
        g = _piece(grad, k)
        zero = numpy.zeros_like(moved[k], dtype=numpy.result_type(moved[k], 0.0))
        pieces.append(zero if _unused(g) else zero + g)
    return numpy.stack(pieces, axis=axis)


def broadcast_arrays_grad(grad, k, x0, x1, x2, x3):
    """The adjoint of numpy.broadcast_arrays(x0, x1, ...) in input k: array k's cotangent
    summed over the axes broadcasting added or stretched."""
    xk = (x0, x1, x2, x3)[k]
    g = _piece(grad, k)
    if _unused(g):
        return numpy.zeros_like(xk, dtype=numpy.result_type(xk, 0.0))
    return unbroadcast(g, xk)


def broadcast_arrays_tangent(tangent, k, x0, x1, x2, x3):
    """The tangent of numpy.broadcast_arrays(x0, x1, ...) along input k's: array k's made
    from it, the others zeros."""
    inputs = [x for x in (x0, x1, x2, x3) if x is not None]
    shape = numpy.broadcast_shapes(*[numpy.shape(x) for x in inputs])
    spread = numpy.zeros_like(tangent, shape=shape) + tangent
    return [spread if i == k else spread * 0 for i in range(len(inputs))]


def resize_grad(grad, a):
    """The adjoint of numpy.resize(a, shape): a's elements are repeated in order (and cut
    off) to fill the new shape, so each gets the sum of its copies' cotangents."""
    size = numpy.size(a)
    if size == 0:
        return numpy.zeros_like(a, dtype=numpy.result_type(a, 0.0))
    flat = numpy.reshape(grad, (-1,))
    n = numpy.shape(flat)[0]
    reps = -(-n // size)
    if reps * size > n:
        flat = numpy.concatenate([flat, numpy.zeros_like(flat, shape=(reps * size - n,))])
    return numpy.reshape(numpy.sum(numpy.reshape(flat, (reps, size)), axis=0), numpy.shape(a))


def trim_box(filt, trim, axis):
    """The index (a tuple of slices) of the part numpy.trim_zeros(filt, trim, axis) keeps."""
    ndim = numpy.ndim(filt)
    axes = range(ndim) if axis is None else \
        [a % ndim for a in (axis if isinstance(axis, (tuple, list)) else (axis,))]
    nonzero = numpy.not_equal(filt, 0)
    box = [slice(None)] * ndim
    for a in axes:
        along = numpy.any(nonzero, axis=tuple(i for i in range(ndim) if i != a))
        n = along.shape[0]
        if not along.any():
            box[a] = slice(0, 0)
            continue
        start = int(numpy.argmax(along)) if "f" in trim.lower() else 0
        stop = n - int(numpy.argmax(along[::-1])) if "b" in trim.lower() else n
        box[a] = slice(start, stop)
    return tuple(box)


def trim_zeros_grad(grad, filt, trim, axis):
    """The adjoint of numpy.trim_zeros: the kept part's cotangent in place, zeros where the
    zeros were trimmed (their values were exactly zero, and stay so)."""
    out = numpy.zeros_like(filt, dtype=numpy.result_type(filt, 0.0))
    out[trim_box(filt, trim, axis)] = grad
    return out


def trim_zeros_tangent(tangent, filt, trim, axis):
    """The tangent of numpy.trim_zeros: the tangent's part the call keeps."""
    return tangent[trim_box(filt, trim, axis)]


def extract_grad(grad, condition, arr):
    """The adjoint of numpy.extract(condition, arr) (arr's flat elements where the flat
    condition is nonzero): the cotangent put back at those elements."""
    flat = numpy.zeros_like(numpy.reshape(arr, (-1,)), dtype=numpy.result_type(arr, 0.0))
    picked = numpy.flatnonzero(numpy.ravel(condition))
    flat[picked[picked < numpy.shape(flat)[0]]] = grad
    return numpy.reshape(flat, numpy.shape(arr))


def choose_grad(grad, a, choices, mode):
    """The adjoint of numpy.choose(a, choices, mode=mode) in each choice (a list): the
    cotangent where a (wrapped or clipped as `mode` says) picked that choice, summed over
    the axes the choice was broadcast along."""
    n = len(choices)
    index = numpy.asarray(a)
    if mode == "wrap":
        index = index % n
    elif mode == "clip":
        index = numpy.clip(index, 0, n - 1)
    out = []
    for k, c in enumerate(choices):
        g = numpy.where(index == k, grad, grad * 0)
        out.append(unbroadcast(numpy.broadcast_to(g, numpy.broadcast_shapes(
            numpy.shape(g), numpy.shape(c))), c))
    return out


def float_weight(dtype):
    """1.0 where the samples of logspace or geomspace are floats (dtype None, a float or
    complex type), 0.0 where an integer dtype makes them piecewise constant."""
    return 1.0 if dtype is None or numpy.dtype(dtype).kind in "fc" else 0.0


def logspace_log_base(start, stop, num, endpoint, base, dtype, axis):
    """log(base), placed as numpy.logspace(start, stop, num, endpoint, base, axis=axis)
    broadcasts base against the samples (the log of that call at exponent one); zeros for
    an integer dtype (float_weight)."""
    return numpy.log(numpy.logspace(start * 0.0 + 1.0, stop * 0.0 + 1.0, num, endpoint, base,
                                    axis=axis)) * float_weight(dtype)
