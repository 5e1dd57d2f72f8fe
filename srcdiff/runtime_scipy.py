"""Helpers the derivative rules of SciPy functions call (templates/scipy_*.py).

This module never imports SciPy itself at import time: the rule modules that call
these helpers are loaded only once the user's code has imported SciPy (srcdiff.rules).
Each helper has its own tangent rule beside the templates that use it, so
forward-over-reverse code (hvp) differentiates emitted gradients through it.
"""
import numpy

from .runtime import expand_reduced, refuse


def check_real(reason, where, *values):
    """Before a differentiated call whose rules hold for real arguments only: refuse a complex
    one at the user's line (`where`, 'FILE:LINE')."""
    for value in values:
        if isinstance(value, (list, tuple)):
            check_real(reason, where, *value)
        elif isinstance(value, complex) or numpy.issubdtype(
                getattr(value, "dtype", numpy.float64), numpy.complexfloating):
            refuse(f"srcdiff differentiates {reason} for real arguments only, and this one is "
                   "complex", "differentiate the real and imaginary parts separately, or "
                   "call it on real values", where)


def reduced_input(value, a, b, axis, keepdims):
    """A value of logsumexp's output shape, shaped to broadcast against the array it reduces
    (a, broadcast with the weights b when they are given)."""
    like = a if b is None else numpy.broadcast_to(a, numpy.broadcast_shapes(
        numpy.shape(a), numpy.shape(b)))
    return expand_reduced(value, like, axis, keepdims)


def weighted(p, b):
    """p * b, or p where no weights b are given."""
    return p if b is None else p * b


def polygamma_of(n, x):
    """polygamma(n, x) for integers n >= 1 (a number or an array), through the Hurwitz zeta ufunc, so device arrays
    stay on the device (scipy.special.polygamma converts its arguments to ndarrays)."""
    from scipy.special import _ufuncs, gamma
    zeta = getattr(_ufuncs, "_zeta", None)
    if zeta is None:  # pragma: no cover - an older or newer SciPy without it
        import scipy.special
        return scipy.special.polygamma(n, x)
    return (-1.0) ** (n + 1) * gamma(n + 1.0) * zeta(n + 1.0, x)


def multipolygamma(n, a, dim):
    """sum_j polygamma(n, a - j / 2) for j < dim: the n-th derivative of multigammaln(a, dim)'s
    derivative (n = 0: digamma terms)."""
    import scipy.special
    terms = [scipy.special.digamma(a - 0.5 * j) if n == 0 else polygamma_of(n, a - 0.5 * j)
             for j in range(dim)]
    return sum(terms[1:], terms[0])


def lower_gradient(g):
    """The gradient of a function that reads only the lower triangle of its square matrix
    argument (scipy's eigh-based densities), from the gradient g of its symmetric formula:
    the lower triangle gets g + g^T, the diagonal g, the upper triangle nothing."""
    full = g + numpy.swapaxes(g, -1, -2)
    return numpy.tril(full) - numpy.tril(numpy.triu(g))


def lower_tangent(t):
    """The symmetric matrix a function that reads only the lower triangle sees of a tangent t."""
    if numpy.ndim(t) != 2:
        from .errors import NoRuleError
        raise NoRuleError("srcdiff differentiates scipy.stats.multivariate_normal with a "
                          "covariance matrix only; pass cov as a 2-d array "
                          "(numpy.diag(v) for variances v, c * numpy.eye(k) for a number c)")
    return numpy.tril(t) + numpy.swapaxes(numpy.tril(t, -1), -1, -2)


def deviation(x, mean):
    """x - mean, or x where no mean is given (multivariate_normal's default)."""
    return x if mean is None else x - mean


def rows_of(a):
    """The vectors along a's last axis, as the rows of a matrix."""
    return numpy.reshape(a, (-1, numpy.shape(a)[-1]))


# -- scipy.linalg -------------------------------------------------------------------------

def transposed(trans):
    """Whether solve_triangular's `trans` (0/1/2 or 'N'/'T'/'C') solves with the transpose."""
    return trans in (1, 2, "T", "C")


def flipped_trans(trans):
    """The `trans` of the solve with the transpose of solve_triangular's matrix."""
    return 0 if transposed(trans) else 1


def transpose_if(m, flag):
    """m's transpose (its last two axes) when `flag` is true ('T', 'C', 1, 2, True), else m."""
    return numpy.swapaxes(m, -1, -2) if (flag is True or transposed(flag)) else m


def triangle(m, lower, unit_diagonal=False):
    """The lower (upper) triangle of m, without its diagonal if `unit_diagonal`: the entries
    of m a triangular solve reads."""
    part = numpy.tril(m, -1) if lower else numpy.triu(m, 1)
    return part if unit_diagonal else part + numpy.tril(numpy.triu(m))


def halve_lower(m):
    """The lower triangle of m with its diagonal halved (the Cholesky derivative's mask)."""
    return numpy.tril(m) - 0.5 * numpy.tril(numpy.triu(m))


def as_columns(v):
    """A vector as a column, a matrix as it is."""
    return numpy.reshape(v, (-1, 1)) if numpy.ndim(v) == 1 else v


def factor_of(c, lower):
    """The lower Cholesky factor L held by cho_factor's c (L itself, or L^T above)."""
    return numpy.tril(c) if lower else numpy.swapaxes(numpy.triu(c), -1, -2)


def factor_of_adjoint(g, lower):
    """The adjoint of factor_of: where in c the gradient g of L goes."""
    return numpy.tril(g) if lower else numpy.triu(numpy.swapaxes(g, -1, -2))


def item_adjoint(value, index, grad):
    """The adjoint of a tuple `value` (cho_factor's (c, lower)) whose item `index` alone
    carries `grad`: a list, as srcdiff's container derivatives are."""
    from .runtime import scatter_add
    return scatter_add(None, value, index, grad, False)


def expm_frechet(a, e):
    """The Frechet derivative of expm at a in the direction e."""
    import scipy.linalg
    return scipy.linalg.expm_frechet(a, e, compute_expm=False)


def expm_frechet_second(a, e, da):
    """The derivative of expm_frechet(a, e) in a, along da: the Frechet derivative of expm
    at the block matrix [[a, e], [0, a]] along [[da, 0], [0, da]], read from its corner."""
    import scipy.linalg
    n = numpy.shape(a)[-1]
    zero = numpy.zeros_like(a + e + da)
    big = numpy.block([[a, e], [zero, a]])
    step = numpy.block([[da, zero], [zero, da]])
    return scipy.linalg.expm_frechet(big, step, compute_expm=False)[:n, n:]


# -- scipy.signal ------------------------------------------------------------------------

def _full_shape(in1, in2):
    return tuple(p + q - 1 for p, q in zip(numpy.shape(in1), numpy.shape(in2)))


def pad_to_full(g, in1, in2):
    """A convolution output g ('same' or 'valid' part) zero-padded to the 'full' output,
    centered as scipy.signal.convolve crops it."""
    full = _full_shape(in1, in2)
    pads = [((f - s) // 2, f - s - (f - s) // 2) for f, s in zip(full, numpy.shape(g))]
    return numpy.pad(g, pads)


def crop_from_full(g, like):
    """The centered part of a 'full' convolution output g shaped like `like` (the adjoint of
    pad_to_full)."""
    index = tuple(slice((f - s) // 2, (f - s) // 2 + s)
                  for f, s in zip(numpy.shape(g), numpy.shape(like)))
    return g[index]


def pad_into(small, big):
    """`small` zero-padded, centered, to the shape of `big` (the adjoint of crop_from_full)."""
    pads = [((f - s) // 2, f - s - (f - s) // 2)
            for f, s in zip(numpy.shape(big), numpy.shape(small))]
    return numpy.pad(small, pads)
