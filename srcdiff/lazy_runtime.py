"""Runtime helpers that keep gradients of lazy, chunked arrays (Dask) to one pass (run time:
called by emitted code; factor.py, reverse_tape.py and runtime_numpy.py refer to them).
Takes a gradient or cotangent and the array it belongs to; gives back the gradient spread
back, a branch condition decided once, or a unit seed and its scaling, each in the array's
own type.

`broadcast_back(g, a)` is the adjoint of a sum spread back over the summed array `a`:
`numpy.broadcast_to(g, numpy.shape(a))`; on Dask, in `a`'s own chunks (a view of `g` per
chunk); and where `a` has a length not known before computing (Dask's NaN, after a
boolean mask or from unknown chunk sizes), which nothing can be broadcast to, `g` plus
zeros made from `a`'s own chunks.

`decided(c)` is a branch condition as a Python bool, computed once: the adjoint
branches on it again, and testing a lazy array computes it each time.

For adjoints whose scalar factor is applied last (srcdiff/factor.py): `unit_like(s)`
is the unit seed standing in for a scalar cotangent `s` while the linear part of the
backward pass runs; `scale_gradient(g, s)` multiplies the gradient it produced by `s`
at the end. Both keep the array's own type (a Dask `ones_like` is a new array that
depends on nothing, so the chunks of the backward pass no longer wait for `s`, a
whole-dataset value). The `*_tangent` helpers are their derivatives, for forward
mode over emitted gradients (templates/lazy_rules.py).
"""
import numpy


def broadcast_back(grad, like):
    """`grad` (the adjoint of a sum, its reduced axes kept as length one) broadcast to the
    shape of `like`, the summed array or its shape stand-in."""
    shape = numpy.shape(like)
    if type(like) is not numpy.ndarray:
        if any(k != k for k in shape):
            return grad + numpy.zeros_like(like, dtype=numpy.result_type(grad))
        if _is_dask(like):
            return _broadcast_chunked(grad, like, shape)
    return numpy.broadcast_to(grad, shape)


def _is_dask(value):
    return type(value).__module__.startswith("dask.") and hasattr(value, "chunks")


def _broadcast_chunked(grad, like, shape):
    """`grad` broadcast to `shape` in the chunks of the Dask array `like`: a view of `grad`
    per chunk. (`numpy.broadcast_to` gives one chunk as long as `like`; the elementwise
    operations that follow split it into `like`'s chunks, and Dask copies each piece of
    a view so much larger than the piece: a cotangent as large as the data, held at once.)"""
    import dask.array
    grad = dask.array.asarray(grad)
    new = len(shape) - grad.ndim
    chunks = tuple(like.chunks[i] if i < new or grad.shape[i - new] == 1 else grad.chunks[i - new]
                   for i in range(len(shape)))
    return dask.array.broadcast_to(grad, shape, chunks=chunks)


def decided(condition):
    """`bool(condition)`, once, for the primal and the adjoint branch to share."""
    return bool(condition)


def _deferred(s):
    """Whether the factor `s` waits for the end: a real one (an adjoint that conjugates is
    not complex-linear, so a complex cotangent stays where it was; None has nothing to scale)."""
    return s is not None and not numpy.iscomplexobj(s)


def unit_like(s):
    """One, of the type, dtype and (scalar) shape of the cotangent `s`, or `s` itself where
    it is not deferred (None, complex)."""
    if not _deferred(s):
        return s
    if isinstance(s, numpy.generic):  # a NumPy scalar (ones_like would give a 0-d array)
        return s.dtype.type(1)
    if isinstance(s, (float, int)):
        return 1.0
    return numpy.ones_like(s)


def unit_like_tangent(ds, s):
    """The tangent of `unit_like(s)`: zero where `s` is deferred (a constant one), else ds."""
    if not _deferred(s):
        return ds
    return None if ds is None else ds * 0


def _scale(g, s):
    if g is None:
        return None
    if isinstance(g, list):
        return [_scale(v, s) for v in g]
    if isinstance(g, tuple):
        return tuple(_scale(v, s) for v in g)
    if isinstance(g, dict):
        return {k: _scale(v, s) for k, v in g.items()}
    return g * s


def scale_gradient(g, s):
    """`g * s` for a gradient `g` (an array, number, None, or a list, tuple or dict of them)
    and a scalar cotangent `s`; `g` unchanged where `unit_like(s)` was `s` itself."""
    return _scale(g, s) if _deferred(s) else g


def scale_gradient_tangent(g, ds, s):
    """The tangent of `scale_gradient(g, s)` along `s` (tangent ds): g * ds, or zero where
    `s` was not deferred."""
    if _deferred(s) and ds is not None:
        return _scale(g, ds)
    return _scale(g, 0.0)
