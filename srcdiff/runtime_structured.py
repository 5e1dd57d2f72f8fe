"""Runtime helpers of the rules of scipy.linalg's structured matrices, templates/
scipy_structured.py (run time: called by emitted code; a leaf importing numpy, and
scipy.linalg inside the helpers, which only a user's code that imported it calls): toeplitz,
hankel, circulant, block_diag and convolution_matrix place their inputs' elements in a matrix
(linear), companion divides by the leading coefficient. Takes the call's arguments and the
cotangent; gives back a new array, the cotangent of one input.

The places are read by running the same call on labels (each input's element numbers, offset
so the inputs' labels differ from each other and from the zeros the matrix is filled with) and the cotangent summed back onto the labels (numpy.bincount),
so every form SciPy takes (batched inputs, r omitted, each convolution mode) is covered by
what SciPy itself does. Real inputs (the rules are real_only). No Numba version: jit=True
refuses a derivative calling one, naming it.
"""
import numpy


def _labels(x, offset):
    return numpy.arange(offset, offset + numpy.size(x), dtype=float).reshape(numpy.shape(x))


def _gather_back(grad, labels, like, offset):
    """The cotangent of the elements of `like` (labels offset .. offset + size) placed at
    `labels` in the result: the sum of grad over each one's places."""
    index = numpy.rint(numpy.ravel(labels)).astype(int) - offset
    weights = numpy.ravel(numpy.broadcast_to(grad, numpy.shape(labels)))
    size = numpy.size(like)
    keep = (index >= 0) & (index < size)
    flat = numpy.bincount(index[keep], weights=weights[keep], minlength=size)
    return numpy.reshape(flat, numpy.shape(like))


def structured_grad(grad, name, which, x0, x1=None, x2=None, x3=None):
    """The cotangent of input `which` of scipy.linalg.<name>(x0, x1, ...) (toeplitz, hankel,
    circulant, block_diag): the call made again on labels, the cotangent gathered back."""
    import scipy.linalg
    inputs = [x for x in (x0, x1, x2, x3) if x is not None]
    offsets = 1 + numpy.cumsum([0] + [numpy.size(x) for x in inputs])   # 0: the zeros
    labels = [_labels(x, int(o)) for x, o in zip(inputs, offsets)]
    placed = getattr(scipy.linalg, name)(*labels)
    return _gather_back(grad, placed, inputs[which], int(offsets[which]))


def convolution_matrix_grad(grad, a, n, mode):
    """The cotangent of a in scipy.linalg.convolution_matrix(a, n, mode)."""
    import scipy.linalg
    labels = scipy.linalg.convolution_matrix(_labels(a, 1), n, mode)
    return _gather_back(grad, labels, a, 1)   # (label 0: the zeros the matrix is padded with)


def companion_grad(grad, a):
    """The cotangent of a in scipy.linalg.companion(a): its first row is -a[1:] / a[0] (the
    rest is constant), for a and the matrices batched along the leading axes."""
    g = grad[..., 0, :]
    lead = a[..., :1]
    rest = -g / lead
    first = numpy.sum(g * a[..., 1:], axis=-1, keepdims=True) / (lead * lead)
    return numpy.concatenate([first, rest], axis=-1)


def companion_tangent(tangent, a, y):
    """The tangent of scipy.linalg.companion(a) along a's tangent: only its first row moves,
    by -(t[1:] a[0] - a[1:] t[0]) / a[0]^2."""
    lead = a[..., :1]
    row = -(tangent[..., 1:] * lead - a[..., 1:] * tangent[..., :1]) / (lead * lead)
    out = numpy.zeros_like(y, dtype=numpy.result_type(y, row))
    out[..., 0, :] = row
    return out


def companion_grad_tangent(g, a, t):
    """The tangent of companion_grad(g, a) along a's tangent t (g held)."""
    g = g[..., 0, :]
    lead = a[..., :1]
    dot = numpy.sum(g * a[..., 1:], axis=-1, keepdims=True)
    first = numpy.sum(g * t[..., 1:], axis=-1, keepdims=True) / (lead * lead) - \
        2 * dot * t[..., :1] / (lead * lead * lead)
    return numpy.concatenate([first, g * t[..., :1] / (lead * lead)], axis=-1)


def structured_tangent(tangent, name, which, x0, x1=None, x2=None, x3=None):
    """The tangent of scipy.linalg.<name>(x0, x1, ...) along input `which`'s tangent: the
    call made of that tangent and zeros in the other inputs' places (toeplitz(c) and
    hankel(c) without r: of the tangent alone, as the call has it)."""
    import scipy.linalg
    inputs = [x for x in (x0, x1, x2, x3) if x is not None]
    args = [tangent if i == which else numpy.zeros_like(x, dtype=float)
            for i, x in enumerate(inputs)]
    return getattr(scipy.linalg, name)(*args)
