"""scipy.stats densities: pdf, logpdf, cdf, logcdf, sf, logsf (pmf, logpmf, cdf, logcdf for
discrete ones) of norm, t, gamma, beta, chi2, laplace, cauchy, logistic, expon, poisson,
binom, dirichlet and multivariate_normal, with respect to the point and the parameters;
multivariate_normal's entropy, with respect to cov.

`norm.logpdf` is a method bound to the module-level object `norm`, made anew at each
access: the rules are kept under (instance, function) (srcdiff.rules.registered). Frozen
distributions (`norm(loc, scale).logpdf(x)`, `dist = norm(0, 1); dist.logpdf(x)`) are
lowered to these calls (srcdiff.lower). Loaded once the user's code has imported
scipy.stats (srcdiff.rules.OPTIONAL).

A location-scale family's value depends on x, loc and scale through z = (x - loc) / scale:
with o_z the derivative in z of the standard function, d/dx = o_z / scale, d/dloc =
-o_z / scale, d/dscale = -z o_z / scale (less 1 / scale for logpdf, y / scale for pdf).
Arguments without a closed-form derivative (the shape parameters of a cdf, a discrete
distribution's k, n and loc) are held constant: a derivative with respect to one is refused
at the user's line. Complex arguments are refused at the user's line.
"""
import math

import numpy
import scipy.special
import scipy.stats

from srcdiff.callables import name_path
from srcdiff.rule_forms import linear
from srcdiff.rules import (d, forward, from_source, held_constant, nondifferentiable, real_only,
                           registered, reverse)
from srcdiff.runtime import broadcast_like, unbroadcast
from srcdiff.runtime_scipy import (check_dirichlet_points, check_mvn_points, covariance,
                                   covariance_gradient, deviation, rows_of, simplex_gradient,
                                   simplex_point, simplex_tangent)

_G = globals()
_SHAPE_HELD = "srcdiff has no closed-form derivative of this cdf with respect to its shape"
_DISCRETE = "the point of a discrete distribution is an integer"


def _method(dist, name, method):
    name_path(dist, f"scipy.stats.{name}")  # frozen: scipy.stats.norm(loc, scale)
    func = registered(getattr(dist, method))
    real_only(f"scipy.stats.{name}.{method}", func)
    name_path(func, f"scipy.stats.{name}.{method}")
    return func


def _rules(func, origin, params, oz, extra, shapes):
    """The reverse and forward rules of one location-scale method: o_z (`oz`), the term
    subtracted from the scale's derivative (`extra`) and the derivative in each shape
    parameter (`shapes`)."""
    signature = ", ".join(["y", "x"] + list(params) + ["loc=0.0", "scale=1.0"])
    scale_term = "-(z * oz) / scale" + (f" - {extra}" if extra else "")
    common = f"    z = (x - loc) / scale\n    oz = {oz}\n"
    rev = (f"def rule({signature}):\n" + common +
           "    d[x] = unbroadcast(d[y] * oz / scale, x)\n"
           "    d[loc] = unbroadcast(-(d[y] * oz) / scale, loc)\n"
           f"    d[scale] = unbroadcast(d[y] * ({scale_term}), scale)\n" +
           "".join(f"    d[{p}] = unbroadcast(d[y] * ({e}), {p})\n" for p, e in shapes.items()))
    fwd = (f"def rule({signature}):\n" + common +
           "    d[y] = broadcast_like(d[x] * oz / scale, y)\n"
           "    d[y] = broadcast_like(-(d[loc] * oz) / scale, y)\n"
           f"    d[y] = broadcast_like(d[scale] * ({scale_term}), y)\n" +
           "".join(f"    d[y] = broadcast_like(d[{p}] * ({e}), y)\n" for p, e in shapes.items()))
    from_source("reverse", func, rev, _G, origin)
    from_source("forward", func, fwd, _G, origin)


def _continuous(name, params, logpdf_oz, logpdf_shapes, cdf_oz, logcdf_oz):
    """logpdf and pdf from the log density's derivatives; cdf and logcdf from the density,
    sf = 1 - cdf and logsf their negatives (their shape parameters held constant)."""
    dist = getattr(scipy.stats, name)
    _rules(_method(dist, name, "logpdf"), f"scipy.stats.{name}.logpdf", params, logpdf_oz,
           "1 / scale", logpdf_shapes)
    _rules(_method(dist, name, "pdf"), f"scipy.stats.{name}.pdf", params, f"y * ({logpdf_oz})",
           "y / scale", {p: f"y * ({e})" for p, e in logpdf_shapes.items()})
    for method, oz in (("cdf", cdf_oz), ("logcdf", logcdf_oz), ("sf", f"-({cdf_oz})"),
                       ("logsf", f"-({logcdf_oz})")):
        func = _method(dist, name, method)
        _rules(func, f"scipy.stats.{name}.{method}", params, oz, None, {})
        if params:
            held_constant(func, **{p: _SHAPE_HELD for p in params})


_SQRT2PI = "math.sqrt(2 * math.pi)"
_continuous("norm", (), "-z", {}, f"numpy.exp(-0.5 * z * z) / {_SQRT2PI}",
            f"numpy.exp(-0.5 * z * z - y) / {_SQRT2PI}")
_continuous("t", ("df",), "-(df + 1) * z / (df + z * z)",
            {"df": "0.5 * (scipy.special.digamma((df + 1) / 2) - scipy.special.digamma(df / 2) "
                   "- 1 / df - numpy.log1p(z * z / df) + (df + 1) * z * z / (df * (df + z * z)))"},
            "scipy.stats.t.pdf(z, df)", "numpy.exp(scipy.stats.t.logpdf(z, df) - y)")
_continuous("gamma", ("a",), "(a - 1) / z - 1",
            {"a": "numpy.log(z) - scipy.special.digamma(a)"},
            "scipy.stats.gamma.pdf(z, a)", "numpy.exp(scipy.stats.gamma.logpdf(z, a) - y)")
_continuous("beta", ("a", "b"), "(a - 1) / z - (b - 1) / (1 - z)",
            {"a": "numpy.log(z) - scipy.special.digamma(a) + scipy.special.digamma(a + b)",
             "b": "numpy.log1p(-z) - scipy.special.digamma(b) + scipy.special.digamma(a + b)"},
            "scipy.stats.beta.pdf(z, a, b)", "numpy.exp(scipy.stats.beta.logpdf(z, a, b) - y)")
_continuous("chi2", ("df",), "(df / 2 - 1) / z - 0.5",
            {"df": "0.5 * (numpy.log(z) - math.log(2.0) - scipy.special.digamma(df / 2))"},
            "scipy.stats.chi2.pdf(z, df)", "numpy.exp(scipy.stats.chi2.logpdf(z, df) - y)")

# distributions of no shape parameter (the point's derivative o_z in z = (x - loc) / scale;
# logcdf's written with its value y, so that logsf's is its negative as for the others):
# laplace's log density -|z| has a kink at z = 0, where the subgradient 0 is used (sign(0));
# expon is 0 below loc, where its derivatives are 0 (its log density -inf there: none).
_continuous("laplace", (), "-numpy.sign(z)", {}, "0.5 * numpy.exp(-numpy.abs(z))",
            "0.5 * numpy.exp(-numpy.abs(z) - y)")
_continuous("cauchy", (), "-2 * z / (1 + z * z)", {}, "1 / (math.pi * (1 + z * z))",
            "numpy.exp(-y) / (math.pi * (1 + z * z))")
_continuous("logistic", (), "-numpy.tanh(z / 2)", {},
            "0.25 / numpy.cosh(z / 2) ** 2", "0.25 * numpy.exp(-y) / numpy.cosh(z / 2) ** 2")
_continuous("expon", (), "-1.0 * (z >= 0)", {}, "numpy.exp(-z) * (z >= 0)",
            "numpy.exp(-z - y) * (z >= 0)")


def _discrete(name, params, held, derivatives):
    """pmf, logpmf, cdf, logcdf with respect to the (float) parameters `derivatives` names."""
    dist = getattr(scipy.stats, name)
    signature = ", ".join(["y", "k"] + list(params) + ["loc=0"])
    for method, (p, e) in derivatives.items():
        func = _method(dist, name, method)
        from_source("reverse", func, f"def rule({signature}):\n"
                    f"    d[{p}] = unbroadcast(d[y] * ({e}), {p})\n", _G,
                    f"scipy.stats.{name}.{method}")
        from_source("forward", func, f"def rule({signature}):\n"
                    f"    d[y] = broadcast_like(d[{p}] * ({e}), y)\n", _G,
                    f"scipy.stats.{name}.{method}")
        held_constant(func, k=_DISCRETE, loc=_DISCRETE, **held)


_discrete("poisson", ("mu",), {}, {
    "logpmf": ("mu", "(k - loc) / mu - 1"), "pmf": ("mu", "y * ((k - loc) / mu - 1)"),
    "cdf": ("mu", "-scipy.stats.poisson.pmf(numpy.floor(k - loc), mu)"),
    "logcdf": ("mu", "-numpy.exp(scipy.stats.poisson.logpmf(numpy.floor(k - loc), mu) - y)")})
_discrete("binom", ("n", "p"), {"n": "the number of trials of binom is an integer"}, {
    "logpmf": ("p", "(k - loc) / p - (n - (k - loc)) / (1 - p)"),
    "pmf": ("p", "y * ((k - loc) / p - (n - (k - loc)) / (1 - p))"),
    "cdf": ("p", "-n * scipy.stats.binom.pmf(numpy.floor(k - loc), n - 1, p)"),
    "logcdf": ("p", "-n * numpy.exp(scipy.stats.binom.logpmf(numpy.floor(k - loc), n - 1, p) "
                    "- y)")})


# dirichlet: x holds the K coordinates along its first axis (more points along the others);
# log p = sum((alpha - 1) log x) + gammaln(sum(alpha)) - sum(gammaln(alpha))
_dirichlet_logpdf = _method(scipy.stats.dirichlet, "dirichlet", "logpdf")
_dirichlet_pdf = _method(scipy.stats.dirichlet, "dirichlet", "pdf")


@reverse(_dirichlet_logpdf)
def dirichlet_logpdf(y, x, alpha):
    full = simplex_point(x, alpha)
    column = numpy.reshape(alpha, numpy.shape(alpha) + (1,) * (numpy.ndim(full) - 1))
    d[x] = simplex_gradient(d[y] * (column - 1) / full, x, alpha)
    d[alpha] = numpy.sum(d[y] * numpy.log(full), axis=tuple(range(1, numpy.ndim(full)))) + \
        numpy.sum(d[y]) * (scipy.special.digamma(numpy.sum(alpha)) - scipy.special.digamma(alpha))


@forward(_dirichlet_logpdf)
def dirichlet_logpdf(y, x, alpha):
    full = simplex_point(x, alpha)
    column = numpy.reshape(alpha, numpy.shape(alpha) + (1,) * (numpy.ndim(full) - 1))
    d[y] = numpy.sum(simplex_tangent(d[x], x, alpha) * (column - 1) / full, axis=0)
    d[y] = numpy.sum(numpy.reshape(d[alpha], numpy.shape(column)) * numpy.log(full), axis=0) + (
        numpy.sum(d[alpha]) * scipy.special.digamma(numpy.sum(alpha))
        - numpy.sum(d[alpha] * scipy.special.digamma(alpha)))


@reverse(_dirichlet_pdf)
def dirichlet_pdf(y, x, alpha):
    full = simplex_point(x, alpha)
    column = numpy.reshape(alpha, numpy.shape(alpha) + (1,) * (numpy.ndim(full) - 1))
    d[x] = simplex_gradient(d[y] * y * (column - 1) / full, x, alpha)
    d[alpha] = numpy.sum(d[y] * y * numpy.log(full), axis=tuple(range(1, numpy.ndim(full)))) + \
        numpy.sum(d[y] * y) * (scipy.special.digamma(numpy.sum(alpha))
                               - scipy.special.digamma(alpha))


@forward(_dirichlet_pdf)
def dirichlet_pdf(y, x, alpha):
    full = simplex_point(x, alpha)
    column = numpy.reshape(alpha, numpy.shape(alpha) + (1,) * (numpy.ndim(full) - 1))
    d[y] = y * numpy.sum(simplex_tangent(d[x], x, alpha) * (column - 1) / full, axis=0)
    d[y] = y * (numpy.sum(numpy.reshape(d[alpha], numpy.shape(column)) * numpy.log(full), axis=0)
                + numpy.sum(d[alpha]) * scipy.special.digamma(numpy.sum(alpha))
                - numpy.sum(d[alpha] * scipy.special.digamma(alpha)))


# multivariate_normal(mean, cov): scipy reads only cov's lower triangle (its eigh), so the
# rules differentiate the symmetric matrix S = covariance(cov, mean) built from it (from a
# vector of variances: their diagonal matrix; from a number c: c times the identity). With
# r = x - mean and s = S^-1 r: d/dx = -s, d/dmean = s, d/dS = (s s^T - S^-1) / 2 per point.
_mvn_logpdf = _method(scipy.stats.multivariate_normal, "multivariate_normal", "logpdf")
_mvn_pdf = _method(scipy.stats.multivariate_normal, "multivariate_normal", "pdf")


@reverse(_mvn_logpdf)
def mvn_logpdf(y, x, mean=None, cov=1):
    inverse = numpy.linalg.inv(covariance(cov, mean))
    s = numpy.matmul(deviation(x, mean), inverse)
    weights = numpy.reshape(d[y], numpy.shape(d[y]) + (1,))
    d[x] = unbroadcast(-(weights * s), x)
    d[mean] = unbroadcast(weights * s, mean)
    d[cov] = covariance_gradient(0.5 * (numpy.matmul(numpy.transpose(rows_of(weights * s)),
                                                     rows_of(s)) - numpy.sum(d[y]) * inverse),
                                 cov)


@forward(_mvn_logpdf)
def mvn_logpdf(y, x, mean=None, cov=1):
    inverse = numpy.linalg.inv(covariance(cov, mean))
    s = numpy.matmul(deviation(x, mean), inverse)
    d[y] = broadcast_like(-numpy.sum(d[x] * s, axis=-1), y)
    d[y] = broadcast_like(numpy.sum(d[mean] * s, axis=-1), y)
    d[y] = 0.5 * (numpy.sum(numpy.matmul(s, covariance(d[cov], mean)) * s, axis=-1)
                  - numpy.sum(inverse * covariance(d[cov], mean)))


@reverse(_mvn_pdf)
def mvn_pdf(y, x, mean=None, cov=1):
    inverse = numpy.linalg.inv(covariance(cov, mean))
    s = numpy.matmul(deviation(x, mean), inverse)
    weights = numpy.reshape(d[y] * y, numpy.shape(y) + (1,))
    d[x] = unbroadcast(-(weights * s), x)
    d[mean] = unbroadcast(weights * s, mean)
    d[cov] = covariance_gradient(0.5 * (numpy.matmul(numpy.transpose(rows_of(weights * s)),
                                                     rows_of(s)) - numpy.sum(d[y] * y) * inverse),
                                 cov)


@forward(_mvn_pdf)
def mvn_pdf(y, x, mean=None, cov=1):
    inverse = numpy.linalg.inv(covariance(cov, mean))
    s = numpy.matmul(deviation(x, mean), inverse)
    d[y] = broadcast_like(-y * numpy.sum(d[x] * s, axis=-1), y)
    d[y] = broadcast_like(y * numpy.sum(d[mean] * s, axis=-1), y)
    d[y] = 0.5 * y * (numpy.sum(numpy.matmul(s, covariance(d[cov], mean)) * s, axis=-1)
                      - numpy.sum(inverse * covariance(d[cov], mean)))


# entropy(mean, cov) = log det(2 pi e S) / 2: d/dS = S^-1 / 2; the mean does not enter
_mvn_entropy = _method(scipy.stats.multivariate_normal, "multivariate_normal", "entropy")


@reverse(_mvn_entropy)
def mvn_entropy(y, mean=None, cov=1):
    d[cov] = covariance_gradient(0.5 * d[y] * numpy.linalg.inv(covariance(cov, mean)), cov)


@forward(_mvn_entropy)
def mvn_entropy(y, mean=None, cov=1):
    d[y] = 0.5 * numpy.sum(numpy.linalg.inv(covariance(cov, mean)) * covariance(d[cov], mean))


# rankdata: ranks, piecewise constant in the data (they change only where two values cross)
nondifferentiable(scipy.stats.rankdata)
name_path(scipy.stats.rankdata, "scipy.stats.rankdata")


# the helpers of the dirichlet and multivariate_normal rules (srcdiff/runtime_scipy.py), met by
# forward mode over emitted gradients (Hessian-vector products): each is linear in its first
# argument; the others give only shapes and dimensions
nondifferentiable(check_mvn_points, check_dirichlet_points)


linear(covariance, "cov")
linear(covariance_gradient, "g")


@forward(simplex_point)
def simplex_point_tangent(y, x, alpha):
    d[y] = simplex_tangent(d[x], x, alpha)


linear(simplex_tangent, "t")
linear(simplex_gradient, "g")


# sem(a) = std(a, ddof) / sqrt(n): std's derivative (a - mean) / ((n - ddof) std), over sqrt(n)
# (nan_policy='propagate': a NaN gives NaN derivatives)
name_path(scipy.stats.sem, "scipy.stats.sem")
real_only("scipy.stats.sem", scipy.stats.sem)


@reverse(scipy.stats.sem)
def sem(y, a, axis=0, ddof=1, nan_policy="propagate", *, keepdims=False):
    m = numpy.mean(a, axis=axis, keepdims=True)
    n = numpy.size(a) / numpy.size(m)
    scale = (n - ddof) * numpy.std(a, axis=axis, ddof=ddof, keepdims=True) * numpy.sqrt(n)
    d[a] = numpy.reshape(d[y], numpy.shape(m)) * (a - m) / scale


@forward(scipy.stats.sem)
def sem(y, a, axis=0, ddof=1, nan_policy="propagate", *, keepdims=False):
    m = numpy.mean(a, axis=axis, keepdims=True)
    n = numpy.size(a) / numpy.size(m)
    scale = (n - ddof) * numpy.std(a, axis=axis, ddof=ddof, keepdims=True) * numpy.sqrt(n)
    d[y] = numpy.reshape(numpy.sum(d[a] * (a - m), axis=axis, keepdims=True) / scale,
                         numpy.shape(y))
