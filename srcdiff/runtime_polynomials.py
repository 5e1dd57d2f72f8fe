"""Helpers the derivative rules of templates/polynomials.py emit (run time: called by emitted
code; the rules there name them). Takes a polynomial's coefficients (highest power first, as
numpy.polyval reads them: a vector, or an array whose items broadcast against x), the points
and a derivative's order; gives back the polynomial's derivatives in x, the powers of x each
coefficient multiplies, and the adjoint of the coefficients (and numpy.polymul's: the
whole product's adjoint `poly_padded`, its cut `poly_cut`, and the check of leading zeros);
takes numpy.poly's argument (roots, or a square matrix) and gives back its coefficients'
derivatives in it (`poly_slopes`) and their tangent (`poly_slopes_tangent`).

Every helper takes the order `m` of the derivative in x it is about, so the tangent of the
m-th is the (m+1)-th: forward over reverse (second derivatives) needs no other function.
Powers are written as falling factorials times x ** (k - m) with the exponent clipped at
zero, never as 0 * x ** -1: a polynomial's derivatives are finite at x = 0.
"""
import numpy

from .runtime_adjoint import unbroadcast
from .runtime_checks import refuse


def _rank(c, x):
    """The rank of the polynomial's values: c's items broadcast against x."""
    return max(numpy.ndim(x), numpy.ndim(c) - 1)


def poly_exponents(c, x):
    """The exponent of x each coefficient multiplies (n - 1 down to 0), shaped (n, 1, ..., 1)
    to broadcast against the values."""
    n = numpy.shape(c)[0]
    return numpy.arange(n - 1, -1, -1).reshape((n,) + (1,) * _rank(c, x))


def poly_lifted(c, x):
    """c reshaped (n, 1, ..., 1, *item shape) so that c_lifted * powers lines each item up
    with the values as numpy.polyval broadcasts it against x."""
    c = numpy.asarray(c)
    pad = _rank(c, x) - (c.ndim - 1)
    return c.reshape(c.shape[:1] + (1,) * pad + c.shape[1:])


def poly_powers(x, c, m=0):
    """The m-th derivative in x of x ** k for each coefficient's exponent k (falling
    factorial k (k - 1) ... (k - m + 1) times x ** (k - m), zero where m > k), shaped
    (n, *values)."""
    k = poly_exponents(c, x)
    factor = numpy.ones(k.shape)
    for j in range(m):
        factor = factor * (k - j)
    return factor * numpy.power(x, numpy.maximum(k - m, 0))


def poly_derivative_at(c, x, m):
    """The m-th derivative in x of numpy.polyval(c, x) (m = 0: the value itself)."""
    c = numpy.asarray(c)
    if c.shape[0] == 0:
        return numpy.polyval(c, x)
    return numpy.sum(poly_lifted(c, x) * poly_powers(x, c, m), axis=0)


def poly_coefficient_grad(grad, c, x, m=0):
    """The adjoint of c in the m-th derivative in x of numpy.polyval(c, x), given the
    adjoint `grad` of its values (m = 0: of numpy.polyval itself)."""
    c = numpy.asarray(c)
    terms = grad * poly_powers(x, c, m)   # (n, *values), as poly_lifted(c, x) lines up
    lifted = poly_lifted(c, x).shape
    axes = tuple(i for i in range(1, len(lifted)) if lifted[i] == 1 and terms.shape[i] != 1)
    summed = numpy.sum(terms, axis=axes, keepdims=True) if axes else terms
    return summed.reshape(c.shape)


def _powers_of(p):
    """Each coefficient's power in p (a vector, highest first): n - 1 down to 0."""
    n = numpy.shape(p)[0]
    return numpy.arange(n - 1, -1, -1)


def polyder_grad(grad, p, m):
    """The adjoint of p in numpy.polyder(p, m), given the result's adjoint `grad`: the
    coefficient of x ** k gets grad's times k (k - 1) ... (k - m + 1); the last m get none."""
    k = _powers_of(p)
    factor = numpy.ones(k.shape)
    for j in range(m):
        factor = factor * (k - j)
    out = numpy.zeros(numpy.shape(p), dtype=numpy.result_type(grad, float))
    kept = max(len(k) - m, 0)
    out[:kept] = numpy.asarray(grad)[:kept] * factor[:kept]
    return out


def polyint_grad(grad, p, m):
    """The adjoint of p in numpy.polyint(p, m), given the result's adjoint `grad`: the
    coefficient of x ** k went to x ** (k + m) divided by (k + 1) ... (k + m); the
    integration constants (grad's last m) reach no coefficient."""
    k = _powers_of(p)
    factor = numpy.ones(k.shape)
    for j in range(1, m + 1):
        factor = factor / (k + j)
    return numpy.asarray(grad)[:len(k)] * factor


def vander_slopes(x, N=None, increasing=False, m=0):
    """The m-th derivative of numpy.vander(x, N, increasing) in each x[i], entry by entry
    (m = 0: the matrix itself): row i holds the falling factorials of the column's power k
    times x[i] ** (k - m), zero where m > k."""
    x = numpy.asarray(x)
    n = len(x) if N is None else N
    k = numpy.arange(n) if increasing else numpy.arange(n - 1, -1, -1)
    factor = numpy.ones(k.shape)
    for j in range(m):
        factor = factor * (k - j)
    return factor * numpy.power(x[:, None], numpy.maximum(k - m, 0))


def poly_tail(grad, a):
    """The adjoint of a in numpy.polyadd(a, b) (or polysub), given the result's adjoint
    `grad`: the shorter polynomial was padded with zeros in front, so its coefficients are
    grad's last len(a), summed over what broadcasting stretched."""
    grad = numpy.asarray(grad)
    n = len(numpy.atleast_1d(a))
    return unbroadcast(grad[len(grad) - n:], a)



def poly_padded(grad, a1, a2):
    """The adjoint of numpy.polymul(a1, a2) (`grad`) as that of the whole product, numpy.convolve
    of a1 and a2 as given: numpy.poly1d drops the leading zeros of each, so polymul's result is
    the product's last coefficients (the same powers of x); the others get zeros."""
    full = numpy.size(a1) + numpy.size(a2) - 1
    length = numpy.shape(grad)[0]
    return numpy.concatenate([numpy.zeros_like(grad, shape=(full - length,)), grad])


def poly_cut(whole, y):
    """The last coefficients of the whole product `whole` (or its tangent), as many as
    numpy.polymul's result y has: the transpose of poly_padded."""
    return whole[numpy.shape(whole)[0] - numpy.size(y):]


def check_polymul(a1, a2, where):
    """Before a differentiated numpy.polymul: an argument with a leading zero is refused.
    numpy.poly1d drops it, so the result is shorter by one coefficient, which a change of
    that zero brings back: no derivative of the shorter result says what it does."""
    for a in (a1, a2):
        if numpy.size(a) > 1 and bool(numpy.reshape(a, (-1,))[0] == 0):
            refuse("numpy.polymul drops leading zero coefficients (its result is shorter "
                   "by as many), so it has no derivative in an argument whose first "
                   "coefficient is zero", "use numpy.convolve(a1, a2): the same "
                   "coefficients with the leading zeros' products kept, of a fixed length",
                   where)


# -- numpy.poly: the coefficients of prod_i (z - r_i), from the roots r -----------------------

def poly_root_slopes(r, m=1):
    """The m-th derivatives of numpy.poly(r)'s n + 1 coefficients in the n roots r (flattened),
    shaped (n,) * m + (n + 1,): the entry of distinct roots i1..im is (-1)^m times the
    coefficients of the product without them, aligned to the lowest powers; it is zero where
    a root repeats (the product is of degree one in each root). Smooth at repeated roots."""
    import itertools
    r = numpy.reshape(r, (-1,)) * 1.0   # (arrays of the caller's namespace: CuPy's stay there)
    n = r.shape[0]
    rows = []
    for picked in itertools.product(range(n), repeat=m):
        if len(set(picked)) < m:
            rows.append(numpy.zeros_like(r, shape=(n + 1,)))
            continue
        rest = numpy.delete(r, list(picked))
        rest = numpy.poly(rest) if n > m else numpy.ones_like(r, shape=(1,))
        rows.append(numpy.concatenate([numpy.zeros_like(r, shape=(m,)), (-1) ** m * rest]))
    return numpy.reshape(numpy.stack(rows), (n,) * m + (n + 1,))


def poly_slopes(a):
    """The derivatives of numpy.poly(a)'s n + 1 coefficients in a's items (flattened), shaped
    (a.size, n + 1): of a vector of n roots, poly_root_slopes(a, 1); of a square n x n matrix
    (its characteristic polynomial det(t I - a), which NumPy computes through the
    eigenvalues), Faddeev-LeVerrier's: with B_0 = I, c_k = -trace(a B_(k-1)) / k and
    B_k = a B_(k-1) + c_k I, the adjugate of t I - a is the sum of B_k t^(n-1-k), so
    dc_k / da = -B_(k-1) transposed (Jacobi's formula), c_0 = 1 has none. Smooth where
    eigenvalues repeat."""
    if numpy.ndim(a) < 2:
        return poly_root_slopes(a, 1)
    return _matrix_slopes(a, None)


def poly_slopes_tangent(a, da):
    """The derivative of poly_slopes(a) in the direction da (same shape as a): of roots,
    poly_root_slopes(a, 2) contracted with da; of a matrix, the same recurrence carried with
    its tangents (dB_k = da B_(k-1) + a dB_(k-1) + dc_k I)."""
    if numpy.ndim(a) < 2:
        return numpy.tensordot(poly_root_slopes(a, 2), numpy.reshape(da, (-1,)), ([1], [0]))
    return _matrix_slopes(a, da)


def _matrix_slopes(a, da):
    """poly_slopes of a square matrix (da None), or its tangent in the direction da."""
    a = (a if hasattr(a, "shape") else numpy.asarray(a)) * 1.0   # (CuPy's stays there)
    n = a.shape[0]
    eye = numpy.diag(numpy.ones_like(a[0]))
    b, db = eye, numpy.zeros_like(a)
    rows = [numpy.zeros_like(a)]          # c_0 = 1
    for k in range(1, n + 1):
        rows.append(-numpy.transpose(b if da is None else db))
        ab = a @ b
        c = -numpy.trace(ab) / k
        if da is not None:
            dab = da @ b + a @ db
            db = dab - numpy.trace(dab) / k * eye
        b = ab + c * eye
    return numpy.reshape(numpy.stack(rows, axis=-1), (n * n, n + 1))


# -- numpy.polydiv: u = q v + r, q of length len(u) - len(v) + 1 (one zero where u is shorter) --

def poly_front(grad, size):
    """grad (a remainder's adjoint: numpy.polydiv drops its leading near-zeros) with zeros in
    front, to `size` coefficients: the same powers of x, lined up with the dividend's."""
    grad = numpy.reshape(grad, (-1,))
    return numpy.concatenate([numpy.zeros_like(grad, shape=(size - grad.shape[0],)), grad])


def poly_correlate(grad, c, size):
    """The transpose of multiplying by the polynomial c, applied to grad (its product's
    adjoint): numpy.convolve(grad, c reversed, 'valid'), of `size` coefficients. Zeros where
    that length is not `size`: numpy.polydiv's quotient of a shorter dividend is the constant
    zero, [0.], and a product with it carries nothing."""
    grad, c = numpy.reshape(grad, (-1,)), numpy.reshape(c, (-1,))
    if grad.shape[0] - c.shape[0] + 1 != size:
        return numpy.zeros_like(grad, shape=(size,))
    return numpy.convolve(grad, numpy.flip(c), "valid")


def poly_quotient_adjoint(h, v, size):
    """The transpose of the quotient's map u -> numpy.polydiv(u, v)[0] (u of `size`
    coefficients), applied to h: the quotient solves T q = u[:k] with T the lower triangular
    Toeplitz matrix of v, and T^-T = J T^-1 J (J the reversal), so this is the reversed
    quotient of h reversed (padded with zeros), then zeros. Zero where u is the shorter."""
    h, v = numpy.reshape(h, (-1,)), numpy.reshape(v, (-1,))
    k = size - v.shape[0] + 1
    if k < 1:
        return numpy.zeros_like(h, shape=(size,))
    padded = numpy.concatenate([numpy.flip(h), numpy.zeros_like(h, shape=(v.shape[0] - 1,))])
    back = numpy.flip(numpy.polydiv(padded, v)[0])
    return numpy.concatenate([back, numpy.zeros_like(h, shape=(size - k,))])


def polydiv_tangent(du, dv, u, v, q, r):
    """The tangents (dq, dr) of numpy.polydiv(u, v) = (q, r) along du and dv (None: zero):
    dq v + dr = du - q dv, so dq is the quotient of du - q dv by v and dr its remainder's
    last len(r) coefficients."""
    u, v = numpy.reshape(u, (-1,)), numpy.reshape(v, (-1,))
    w = numpy.zeros_like(u) if du is None else numpy.reshape(du, (-1,)) * 1.0
    if dv is not None and u.shape[0] >= v.shape[0]:
        w = w - numpy.convolve(numpy.reshape(q, (-1,)), numpy.reshape(dv, (-1,)))
    if u.shape[0] < v.shape[0]:
        return numpy.zeros_like(q), w[w.shape[0] - numpy.shape(r)[0]:]
    dq = numpy.polydiv(w, v)[0]
    return dq, (w - numpy.convolve(dq, v))[w.shape[0] - numpy.shape(r)[0]:]


def check_polydiv(u, v, where):
    """Before a differentiated numpy.polydiv: v's leading coefficient is not zero (the
    quotient divides by it), and no remainder coefficient was dropped: NumPy drops the
    remainder's leading near-zeros (an exact division leaves [0.]), so its length changes
    nearby and no derivative of the shorter remainder says what the dropped ones do."""
    u, v = numpy.reshape(u, (-1,)), numpy.reshape(v, (-1,))
    if not v[0] != 0:
        refuse("numpy.polydiv divides by the divisor's leading coefficient, which is zero "
               "here: no derivative", "drop the divisor's leading zeros", where)
    full = max(v.shape[0] - 1, 1) if u.shape[0] >= v.shape[0] else u.shape[0]
    if numpy.polydiv(u, v)[1].shape[0] < full:
        refuse("numpy.polydiv dropped the remainder's leading coefficients (near zero: an "
               "exact division), so its length changes nearby and it has no derivative",
               "compute the remainder of a fixed length: r = u - numpy.convolve(q, v), "
               "keeping its last len(v) - 1 coefficients", where)


def polynomial_checks():
    """runtime_linalg.argument_checks' entries of the polynomials: {function: (check, names
    of the arguments it is given)}."""
    return {numpy.polymul: (check_polymul, ["a1", "a2"]),
            numpy.polydiv: (check_polydiv, ["u", "v"])}
