"""Helpers the derivative rules of SciPy functions call (templates/scipy_*.py).

This module never imports SciPy itself at import time: the rule modules that call
these helpers are loaded only once the user's code has imported SciPy (srcdiff.rules).
Each helper has its own tangent rule beside the templates that use it, so
forward-over-reverse code (hvp) differentiates emitted gradients through it.
"""
import numpy

from .runtime import expand_reduced


def reduced_input(value, a, b, axis, keepdims):
    """A value of logsumexp's output shape, shaped to broadcast against the array it reduces
    (a, broadcast with the weights b when they are given)."""
    like = a if b is None else numpy.broadcast_to(a, numpy.broadcast_shapes(
        numpy.shape(a), numpy.shape(b)))
    return expand_reduced(value, like, axis, keepdims)


def weighted(p, b):
    """p * b, or p where no weights b are given."""
    return p if b is None else p * b


def multipolygamma(n, a, dim):
    """sum_j polygamma(n, a - j / 2) for j < dim: the n-th derivative of multigammaln(a, dim)'s
    derivative (n = 0: digamma terms)."""
    import scipy.special
    a = numpy.asarray(a, dtype=float)
    return sum(scipy.special.polygamma(n, a - 0.5 * j) for j in range(dim))


def lower_gradient(g):
    """The gradient of a function that reads only the lower triangle of its square matrix
    argument (scipy's eigh-based densities), from the gradient g of its symmetric formula:
    the lower triangle gets g + g^T, the diagonal g, the upper triangle nothing."""
    g = numpy.asarray(g)
    full = g + numpy.swapaxes(g, -1, -2)
    return numpy.tril(full) - numpy.tril(numpy.triu(g))


def lower_tangent(t):
    """The symmetric matrix a function that reads only the lower triangle sees of a tangent t."""
    t = numpy.asarray(t)
    if t.ndim != 2:
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
