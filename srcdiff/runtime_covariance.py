"""Helpers the derivative rules of templates/covariance.py emit for numpy.cov and
numpy.corrcoef (run time: called by emitted code, the rules there name them; a leaf importing
NumPy only). Takes the arguments as the user passed them (the data m, the extra variables y,
rowvar, the weights) and the cotangent or tangent a rule passes; gives back the variables
stacked as rows the way NumPy stacks them, an adjoint split back into m's and y's shapes, and
the weighted centred rows whose product with the data is the covariance.

numpy.cov(m, y) stacks m's variables and y's as the rows of X (k, N) (a 1-d array is one
variable; rowvar=False transposes a 2-d array, as NumPy does: `_rows_layout`) and returns
C = X_c W X_c^T / f: X_c the rows less their (weighted) means, W the weights, f the
normalisation (N - ddof, or NumPy's weighted form). With R = X_c W / f (`cov_right`, linear
in X for given weights) C is X R^T exactly, since the weighted rows of X_c sum to zero; so
C's tangent is dX R^T + R dX^T and its adjoint in X is (G + G^T) R, which is centred
already. The weights are held constant by the rules.

numpy.corrcoef is Z Z^T with Z the centred rows of X scaled to unit length: the rules write
its adjoint with NumPy functions (so forward mode over them needs nothing here); its tangent
is `corr_tangent`. Each helper stands alone (numpy only, no shared state) and makes arrays
from other arrays, so it runs on any array type NumPy dispatches to.
"""
import numpy


def cov_rows(m, y, rowvar):
    """X of numpy.cov(m, y, rowvar=rowvar): each variable of m, then of y, a row."""
    rows = []
    for v, first in ((m, True), (y, False)):
        if v is None:
            continue
        transposed = _rows_layout(v, rowvar, first)[1]
        v = numpy.atleast_2d(v)
        rows.append(numpy.swapaxes(v, 0, 1) if transposed else v)
    return rows[0] if len(rows) == 1 else numpy.concatenate(rows, axis=0)


def _rows_layout(v, rowvar, first):
    """(rows, transposed): how many rows cov_rows makes of v (m: first), and whether it
    transposed it. rowvar=False transposes a 2-d argument whose first axis is longer than 1;
    a 2-d m of one row is transposed too from NumPy 2.x on (m.ndim != 1), not before: that
    case asks NumPy itself, on a probe of that shape."""
    shape = numpy.shape(v)
    shape = (1,) * (2 - len(shape)) + tuple(shape) if len(shape) < 2 else shape
    transposed = not rowvar and shape[0] != 1
    if first and not rowvar and shape[0] == 1 and numpy.ndim(v) == 2 and shape[1] > 1:
        transposed = numpy.ndim(numpy.cov(numpy.zeros((1, 2)), rowvar=False, bias=True)) > 0
    return (shape[1] if transposed else shape[0]), transposed


def cov_rows_part(grad, m, y, rowvar, part):
    """The adjoint of cov_rows in m (part 0) or y (part 1): that argument's rows of `grad`
    (shaped like X), in the argument's shape."""
    first = _rows_layout(m, rowvar, True)[0]
    v = m if part == 0 else y
    piece = grad[:first] if part == 0 else grad[first:]
    if _rows_layout(v, rowvar, part == 0)[1]:
        piece = numpy.swapaxes(piece, 0, 1)
    return numpy.reshape(piece, numpy.shape(v))


def cov_rows_embed(t, m, y, rowvar, part):
    """The tangent of cov_rows along a tangent t of m (part 0) or of y (part 1): t as that
    argument's rows of X, zeros in the other's (the transpose of cov_rows_part)."""
    v = m if part == 0 else y
    rows, transposed = _rows_layout(v, rowvar, part == 0)
    piece = numpy.reshape(t, (rows, -1) if not transposed else (-1, rows))
    if transposed:
        piece = numpy.swapaxes(piece, 0, 1)
    other = y if part == 0 else m
    if other is None:
        return piece
    zeros = numpy.zeros_like(piece, shape=(_rows_layout(other, rowvar, part == 1)[0],
                                           numpy.shape(piece)[1]))
    return numpy.concatenate([piece, zeros] if part == 0 else [zeros, piece], axis=0)


def cov_right(x, bias, ddof, fweights, aweights):
    """R = X_c W / f of numpy.cov (see the module docstring): numpy.cov(...) is X R^T. Linear
    in x; the weights and ddof are NumPy's (ddof None: 0 if bias else 1)."""
    if ddof is None:
        ddof = 0 if bias else 1
    weights = fweights
    if aweights is not None:
        weights = aweights if weights is None else numpy.multiply(weights, aweights)
    if weights is None:
        n = numpy.shape(x)[1]
        return (x - numpy.mean(x, axis=1, keepdims=True)) / (n - ddof)
    total = numpy.sum(weights)
    centered = x - numpy.sum(x * weights, axis=1, keepdims=True) / total
    if aweights is None:
        fact = total - ddof
    else:
        fact = total - ddof * numpy.sum(numpy.multiply(weights, aweights)) / total
    return centered * weights / fact


def cov_square(grad, x):
    """The cotangent of numpy.cov's (or corrcoef's) result as the k x k matrix (k = the rows
    of x): NumPy squeezes a single variable's 1 x 1 result to a number."""
    k = numpy.shape(x)[0]
    return numpy.reshape(grad, (k, k))


def cov_tangent(t, r, c):
    """numpy.cov's tangent along t, the tangent of X: t R^T + R t^T, in the shape of c."""
    p = numpy.matmul(t, numpy.swapaxes(r, 0, 1))
    return numpy.reshape(p + numpy.swapaxes(p, 0, 1), numpy.shape(c))


def corr_tangent(t, x, c):
    """numpy.corrcoef's tangent along t, the tangent of X: with Z the centred rows of x of
    unit length (norms n), dZ = (t_c - Z <Z, t_c>) / n and dC = dZ Z^T + Z dZ^T."""
    xc = x - numpy.mean(x, axis=1, keepdims=True)
    n = numpy.sqrt(numpy.sum(xc * xc, axis=1, keepdims=True))
    z = xc / n
    tc = t - numpy.mean(t, axis=1, keepdims=True)
    dz = (tc - z * numpy.sum(z * tc, axis=1, keepdims=True)) / n
    p = numpy.matmul(dz, numpy.swapaxes(z, 0, 1))
    return numpy.reshape(p + numpy.swapaxes(p, 0, 1), numpy.shape(c))
