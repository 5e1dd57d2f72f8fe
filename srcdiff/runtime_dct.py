"""Runtime helper of the rules of scipy.fft's discrete cosine transforms, templates/
scipy_fft.py (run time: called by emitted code; a leaf importing numpy, and scipy.fft inside
the helper, which only a user's code that imported it calls). Takes the cotangent, the
input and the call's arguments; gives back the input's cotangent.

dct, idct, dctn and idctn are linear and real, separable along their axes: along each axis
the call is a matrix M (n by the axis' length: the transform of the identity's columns,
with the call's own type, n, norm and orthogonalize, so every option is covered by what
SciPy does), and the adjoint applies M's transpose along each axis in turn. The matrices
cost the square of each axis' length. No Numba version: jit=True refuses, naming it.
"""
import numpy


def dct_grad(grad, x, name, type, shape, axes, norm, orthogonalize):
    """The cotangent of x in scipy.fft.<name>(x, type, shape, axes, norm, ...): `name` one of
    dct, idct (shape an n or None, axes an axis) and dctn, idctn (shape s, axes a tuple or
    None: every axis)."""
    import scipy.fft
    one = getattr(scipy.fft, name.rstrip("n") if name.endswith("ctn") else name)
    ndim = numpy.ndim(x)
    if name.endswith("ctn"):
        axes = range(ndim) if axes is None else \
            (axes if isinstance(axes, (tuple, list)) else (axes,))
        if shape is None:
            sizes = [None] * len(axes)
        else:
            sizes = list(shape) if isinstance(shape, (tuple, list)) else [shape]
    else:
        axes, sizes = (axes,), [shape]
    out = grad
    for axis, n in zip(axes, sizes):
        axis = axis % ndim
        length = numpy.shape(x)[axis]
        matrix = one(numpy.eye(length), type=type, n=n, axis=0, norm=norm,
                     orthogonalize=orthogonalize)
        out = numpy.moveaxis(numpy.tensordot(matrix, out, axes=([0], [axis])), 0, axis)
    return out
