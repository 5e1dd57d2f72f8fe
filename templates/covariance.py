"""numpy.cov and numpy.corrcoef, with the arguments users pass: y=, rowvar=, bias=, ddof=
and (cov) fweights=/aweights= (helpers: srcdiff/runtime_covariance.py).

cov(m, y) is X R^T with X the variables as rows and R = X_c W / f (runtime_covariance's
docstring): its adjoint in X is (G + G^T) R, its tangent dX R^T + R dX^T, exact for any
ddof and weights. The weights are data, held constant: a derivative with respect to them is
refused at the user's line. corrcoef is Z Z^T with Z the centred rows scaled to unit
length; its adjoint is written with NumPy functions, so second derivatives follow from
their rules. NumPy clips corrcoef's values into [-1, 1] against rounding: the derivative is
that of the unclipped value (at +-1 itself, a maximum or minimum, it is zero either way).
Real values only (a complex argument is refused at the user's line when it runs);
out-of-rule keywords (dtype=) are refused at the user's line.
"""
import numpy

from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, held_constant, nondifferentiable, real_only, reverse
from srcdiff.runtime_covariance import (corr_tangent, cov_right, cov_rows, cov_rows_embed,
                                        cov_rows_part, cov_square, cov_tangent)
from srcdiff.runtime_scipy import check_real   # (imports no SciPy)

nondifferentiable(check_real)

real_only("numpy.cov", numpy.cov)
real_only("numpy.corrcoef", numpy.corrcoef)
held_constant(numpy.cov,
              fweights="numpy.cov's fweights are counts, held constant",
              aweights="numpy.cov's aweights are held constant (srcdiff differentiates the "
                       "covariance in the data only); write the weighted covariance out with "
                       "numpy.average and a product to differentiate it in the weights")


@reverse(numpy.cov)
def cov(c, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None):
    x = cov_rows(m, y, rowvar)
    g = cov_square(d[c], x)
    gx = numpy.matmul(g + numpy.swapaxes(g, 0, 1), cov_right(x, bias, ddof, fweights, aweights))
    d[m] = cov_rows_part(gx, m, y, rowvar, 0)
    d[y] = cov_rows_part(gx, m, y, rowvar, 1)


@forward(numpy.cov)
def cov(c, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None):
    r = cov_right(cov_rows(m, y, rowvar), bias, ddof, fweights, aweights)
    d[c] = cov_tangent(cov_rows_embed(d[m], m, y, rowvar, 0), r, c)
    d[c] = cov_tangent(cov_rows_embed(d[y], m, y, rowvar, 1), r, c)


@reverse(numpy.corrcoef)
def corrcoef(c, x, y=None, rowvar=True):
    rows = cov_rows(x, y, rowvar)
    centered = rows - numpy.mean(rows, axis=1, keepdims=True)
    n = numpy.sqrt(numpy.sum(centered * centered, axis=1, keepdims=True))
    z = centered / n
    g = cov_square(d[c], rows)
    a = numpy.matmul(g + numpy.swapaxes(g, 0, 1), z)
    gx = (a - z * numpy.sum(z * a, axis=1, keepdims=True)) / n
    d[x] = cov_rows_part(gx, x, y, rowvar, 0)
    d[y] = cov_rows_part(gx, x, y, rowvar, 1)


@forward(numpy.corrcoef)
def corrcoef(c, x, y=None, rowvar=True):
    rows = cov_rows(x, y, rowvar)
    d[c] = corr_tangent(cov_rows_embed(d[x], x, y, rowvar, 0), rows, c)
    d[c] = corr_tangent(cov_rows_embed(d[y], x, y, rowvar, 1), rows, c)


# the helpers' own tangents (forward mode over the gradients above)
@forward(cov_rows)
def cov_rows_tangent(x, m, y, rowvar):
    d[x] = cov_rows_embed(d[m], m, y, rowvar, 0)
    d[x] = cov_rows_embed(d[y], m, y, rowvar, 1)


linear(cov_rows_part, "grad")
linear(cov_right, "x")
linear(cov_square, "grad")
