"""Helpers the derivative rules of SciPy functions call, templates/scipy_*.py (run time: called
by emitted code; checks.py places its argument checks). Takes the primal values and the
cotangent or tangent a rule passes; gives back new arrays, or nothing for a check that
passes.

This module never imports SciPy itself at import time: the rule modules that call
these helpers are loaded only once the user's code has imported SciPy (srcdiff.rules).
Each helper has its own tangent rule beside the templates that use it, so
forward-over-reverse code (hvp) differentiates emitted gradients through it.
"""
import numpy

from .errors import NoRuleError
from .runtime_adjoint import scatter_add
from .runtime_checks import refuse
from .runtime_numpy import expand_reduced


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


def device_special(x):
    """cupyx.scipy.special when x is a CuPy array, else None. CuPy runs SciPy's ufuncs on its
    arrays by looking their names up in cupyx.scipy.special, which fails where that name is
    something else there (the Hurwitz zeta ufunc's name, _zeta, is a module of cupyx)."""
    if type(x).__module__.split(".")[0] != "cupy":
        return None
    import cupyx.scipy.special
    return cupyx.scipy.special


def polygamma_of(n, x):
    """polygamma(n, x) for integers n >= 1 (a number or an array), through the Hurwitz zeta
    ufunc, so device arrays stay on the device (scipy.special.polygamma converts its arguments
    to ndarrays); on CuPy arrays, through cupyx.scipy.special's zeta and gamma."""
    special = device_special(x)
    if special is not None:
        import math
        import numbers
        factor = math.gamma(n + 1.0) if isinstance(n, numbers.Number) else special.gamma(n + 1.0)
        return (-1.0) ** (n + 1) * factor * special.zeta(n + 1.0, x)
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
        raise NoRuleError("srcdiff differentiates scipy.stats.multivariate_normal with a "
                          "covariance matrix only; pass cov as a 2-d array "
                          "(numpy.diag(v) for variances v, c * numpy.eye(k) for a number c)")
    return numpy.tril(t) + numpy.swapaxes(numpy.tril(t, -1), -1, -2)


def mvn_dim(mean, cov):
    """The dimension of scipy's multivariate_normal(mean, cov), as scipy infers it: mean's
    size, else a matrix cov's order, else 1."""
    if mean is not None:
        return numpy.size(mean)
    if numpy.ndim(cov) == 2:
        return numpy.shape(cov)[0]
    return 1


def covariance(cov, mean):
    """The symmetric covariance matrix scipy's multivariate_normal reads from `cov`: its lower
    triangle (a matrix), the diagonal matrix of its variances (a vector) or `cov` times the
    identity (a number); `mean` gives the dimension where `cov` is a number."""
    n = numpy.ndim(cov)
    if n == 2:
        return lower_tangent(cov)
    if n == 1:
        return cov[..., :, None] * numpy.eye(numpy.shape(cov)[-1], dtype=bool)
    if n == 0:
        return cov * numpy.eye(mvn_dim(mean, cov))
    raise NoRuleError("srcdiff differentiates scipy.stats.multivariate_normal with a number, a "
                      "vector or a matrix for cov, not an array of more dimensions")


def covariance_gradient(g, cov):
    """The gradient with respect to `cov` from the gradient `g` with respect to the matrix
    covariance(cov, mean) makes of it (the adjoint of covariance)."""
    n = numpy.ndim(cov)
    if n == 2:
        return lower_gradient(g)
    if n == 1:
        return numpy.diagonal(g, axis1=-2, axis2=-1)
    return numpy.trace(g, axis1=-2, axis2=-1)


def check_mvn_points(x, mean, cov, where):
    """Refuse (at the user's line) points whose last axis is not the distribution's dimension:
    scipy reads a vector x of a 1-dimensional distribution as that many points."""
    dim = mvn_dim(mean, cov)
    if numpy.ndim(x) == 0 or numpy.shape(x)[-1] != dim:
        refuse(f"srcdiff differentiates scipy.stats.multivariate_normal with the coordinates "
               f"of x along its last axis, of the distribution's dimension ({dim}); this x has "
               f"shape {numpy.shape(x)}",
               "pass x with one row per point: x[:, None] for points of a 1-dimensional "
               "distribution", where)


def check_dirichlet_points(x, alpha, where):
    """Refuse (at the user's line) points whose first axis is neither alpha's length K nor
    K - 1 (scipy's two forms)."""
    k = numpy.shape(alpha)[0] if numpy.ndim(alpha) else 0
    if numpy.ndim(alpha) != 1 or numpy.ndim(x) == 0 or numpy.shape(x)[0] not in (k, k - 1):
        refuse("srcdiff differentiates scipy.stats.dirichlet with a vector alpha and x holding "
               "the K (or K - 1) coordinates of each point along its first axis; these shapes "
               f"are {numpy.shape(x)} and {numpy.shape(alpha)}",
               "pass alpha as a 1-d array and x with its coordinates along the first axis",
               where)


def argument_checks():
    """{function: (check, names of its arguments the check is given)} for srcdiff.checks:
    the scipy.stats and scipy.linalg calls whose rules cover only some arguments (empty until
    the user's code has imported them)."""
    import sys
    from .runtime_scipy_linalg import linalg_checks
    checks = linalg_checks(sys.modules.get("scipy.linalg"))
    stats = sys.modules.get("scipy.stats")
    if stats is None:
        return checks
    from .rules import registered
    for method in ("logpdf", "pdf"):
        checks[registered(getattr(stats.multivariate_normal, method))] = (
            check_mvn_points, ["x", "mean", "cov"])
        checks[registered(getattr(stats.dirichlet, method))] = (
            check_dirichlet_points, ["x", "alpha"])
    return checks


def _short(x, alpha):
    return numpy.shape(x)[0] == numpy.shape(alpha)[0] - 1


def simplex_point(x, alpha):
    """dirichlet's x with its last coordinate, 1 - the sum of the others, appended where x gives
    K - 1 of alpha's K (as scipy completes it), else x."""
    if _short(x, alpha):
        return numpy.concatenate([x, 1 - numpy.sum(x, axis=0, keepdims=True)], axis=0)
    return x


def simplex_tangent(t, x, alpha):
    """The tangent of simplex_point(x, alpha) along t."""
    if _short(x, alpha):
        return numpy.concatenate([t, -numpy.sum(t, axis=0, keepdims=True)], axis=0)
    return t


def simplex_gradient(g, x, alpha):
    """The gradient with respect to x from the gradient g with respect to simplex_point(x,
    alpha) (its adjoint)."""
    if _short(x, alpha):
        return g[:-1] - g[-1:]
    return g


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


def expm_frechet_cotangents(g, compute_expm):
    """[g of expm(a), g of the Frechet derivative]: scipy.linalg.expm_frechet's cotangent as
    a pair, zero for expm(a) where compute_expm=False left it out."""
    if compute_expm:
        return [g[0], g[1]]
    return [g * 0, g]


def expm_frechet_pair(first, second, compute_expm):
    """scipy.linalg.expm_frechet's result's tangent from that of expm(a) (`first`) and that
    of the Frechet derivative (`second`): both, or the second alone for compute_expm=False."""
    return [first, second] if compute_expm else second


def upper_corner(g):
    """[[0, g], [0, 0]]: g as the upper right block of a matrix twice its size."""
    zero = g * 0
    return numpy.block([[zero, g], [zero, zero]])


def corner_of(m):
    """The upper right block of a matrix twice as large as it (the adjoint of upper_corner)."""
    n = numpy.shape(m)[-1] // 2
    return m[:n, n:]


def diagonal_blocks(m):
    """The sum of the two diagonal blocks of a matrix of 2 x 2 square blocks."""
    n = numpy.shape(m)[-1] // 2
    return m[:n, :n] + m[n:, n:]


def doubled(g):
    """[[g, 0], [0, g]] (the adjoint of diagonal_blocks)."""
    zero = g * 0
    return numpy.block([[g, zero], [zero, g]])


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

