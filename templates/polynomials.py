"""Polynomials in NumPy's coefficient order (highest power first): numpy.polyval, linear in its
coefficients and a polynomial in x; numpy.polyder and numpy.polyint, linear in theirs;
numpy.vander, the powers of x; numpy.polyadd and numpy.polysub, linear in both (the shorter
polynomial padded with zeros in front: its adjoint is the result's last coefficients);
numpy.polymul, bilinear: the last coefficients of numpy.convolve(a1, a2) (numpy.poly1d drops
leading zeros, so the result may be shorter; its coefficients are still those of the same
powers of x, and their derivatives in a leading zero are the product's).

polyval's coefficients may be a vector or an array whose items broadcast against x (as
numpy.polyval reads them). The helpers (srcdiff/runtime_polynomials.py) take the order m of
the derivative in x, so each one's tangent is the next order's: second derivatives come from
the same helpers. polyder's and polyint's order m (and polyint's constants k) are counts and
constants: held constant, refused located where they would carry a derivative.
numpy.vander's entries are powers of x: vander_slopes(x, N, increasing, m) is their m-th
derivative, entry by entry. numpy.polyfit, in y and in x (through its design matrix);
numpy.poly, the coefficients from a vector of roots (poly_root_slopes) or of a square matrix's
characteristic polynomial (poly_slopes); numpy.polydiv.
"""
import numpy

from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, held_constant, nondifferentiable, real_only, reverse
from srcdiff.runtime import broadcast_like, unbroadcast
from srcdiff.runtime_polynomials import (check_polymul, poly_coefficient_grad, poly_cut,
                                         poly_derivative_at, poly_padded, poly_slopes,
                                         poly_slopes_tangent, poly_tail, polyder_grad,
                                         polyint_grad, vander_slopes)
from srcdiff.runtime_polynomials import (check_polydiv, poly_correlate, poly_front,
                                         poly_quotient_adjoint, polydiv_tangent)


@reverse(numpy.polyval)
def polyval_adjoint(y, p, x):
    d[p] = poly_coefficient_grad(d[y], p, x, 0)
    d[x] = unbroadcast(d[y] * poly_derivative_at(p, x, 1), x)


@forward(numpy.polyval)
def polyval_tangent(y, p, x):
    d[y] = broadcast_like(numpy.polyval(d[p], x), y)
    d[y] = broadcast_like(d[x] * poly_derivative_at(p, x, 1), y)


# the helpers' own tangents (forward over reverse)


@forward(poly_derivative_at)
def poly_derivative_at_tangent(y, c, x, m):
    d[y] = broadcast_like(poly_derivative_at(d[c], x, m), y)
    d[y] = broadcast_like(d[x] * poly_derivative_at(c, x, m + 1), y)


@forward(poly_coefficient_grad)
def poly_coefficient_grad_tangent(y, grad, c, x, m=0):
    d[y] = poly_coefficient_grad(d[grad], c, x, m)
    d[y] = poly_coefficient_grad(grad * d[x], c, x, m + 1)


# polyder and polyint: linear in the coefficients; the order and the constants are held
held_constant(numpy.vander, N="numpy.vander's N is a count of columns")
held_constant(numpy.polyder, m="the order m of numpy.polyder is a count")
held_constant(numpy.polyint, m="the order m of numpy.polyint is a count",
              k="numpy.polyint's integration constants k are held constant; for m = 1 add "
                "the constant to the last coefficient instead: c = numpy.polyint(p); "
                "c = c + numpy.concatenate([numpy.zeros(len(p)), [k]])")
linear(numpy.polyder, "p", transpose=lambda y, p, m=1: polyder_grad(d[y], p, m))


# polyint is affine in p, not linear: its constants k stay out of the tangent
@reverse(numpy.polyint)
def polyint_adjoint(y, p, m=1, k=None):
    d[p] = polyint_grad(d[y], p, m)


@forward(numpy.polyint)
def polyint_tangent(y, p, m=1, k=None):
    d[y] = numpy.polyint(d[p], m)


linear(polyder_grad, "grad")
linear(polyint_grad, "grad")


@reverse(numpy.vander)
def vander_adjoint(y, x, N=None, increasing=False):
    d[x] = numpy.sum(d[y] * vander_slopes(x, N, increasing, 1), axis=1)


@forward(numpy.vander)
def vander_tangent(y, x, N=None, increasing=False):
    d[y] = numpy.expand_dims(d[x], 1) * vander_slopes(x, N, increasing, 1)


@forward(vander_slopes)
def vander_slopes_tangent(y, x, N=None, increasing=False, m=0):
    d[y] = numpy.expand_dims(d[x], 1) * vander_slopes(x, N, increasing, m + 1)


@reverse(numpy.polyadd)
def polyadd_adjoint(y, a1, a2):
    d[a1] = poly_tail(d[y], a1)
    d[a2] = poly_tail(d[y], a2)


@forward(numpy.polyadd)
def polyadd_tangent(y, a1, a2):
    d[y] = numpy.polyadd(d[a1], numpy.zeros(numpy.shape(a2)))
    d[y] = numpy.polyadd(numpy.zeros(numpy.shape(a1)), d[a2])


@reverse(numpy.polysub)
def polysub_adjoint(y, a1, a2):
    d[a1] = poly_tail(d[y], a1)
    d[a2] = -poly_tail(d[y], a2)


@forward(numpy.polysub)
def polysub_tangent(y, a1, a2):
    d[y] = numpy.polysub(d[a1], numpy.zeros(numpy.shape(a2)))
    d[y] = numpy.polysub(numpy.zeros(numpy.shape(a1)), d[a2])


linear(poly_tail, "grad")


# polymul(a1, a2) is the tail of convolve(a1, a2) (poly_padded): the adjoint in each is the
# product's convolved with the other reversed ('valid'), as numpy.convolve's (statistics.py)
@reverse(numpy.polymul)
def polymul(y, a1, a2):
    g = poly_padded(d[y], a1, a2)
    d[a1] = numpy.reshape(numpy.convolve(g, numpy.flip(numpy.reshape(a2, (-1,))), "valid"),
                          numpy.shape(a1))
    d[a2] = numpy.reshape(numpy.convolve(g, numpy.flip(numpy.reshape(a1, (-1,))), "valid"),
                          numpy.shape(a2))


@forward(numpy.polymul)
def polymul(y, a1, a2):
    d[y] = poly_cut(numpy.convolve(numpy.reshape(d[a1], (-1,)), numpy.reshape(a2, (-1,))), y)
    d[y] = poly_cut(numpy.convolve(numpy.reshape(a1, (-1,)), numpy.reshape(d[a2], (-1,))), y)


linear(poly_padded, "grad")
nondifferentiable(check_polymul)


# polyfit(x, y, deg): the least-squares coefficients p of the design matrix V = vander(x,
# deg + 1) (NumPy's column scaling does not change them), linear in y for a given x: the
# tangent in y is the fit of y's tangent, the adjoint the transposed fit matrix (the fits of
# the unit vectors: polyfit fits each column of a 2-d y) applied to the gradient. In x, through
# V: dp = (V^T V)^-1 (dV^T r - V^T dV p) with r = y - V p the residual, so V's adjoint is
# r z^T - V z p^T with z = (V^T V)^-1 g; dV = dx * vander_slopes (the powers' derivatives).
# Defined where V has full rank (deg + 1 distinct points at least). w=, full= and cov= (tuples)
# are refused at the user's line.
@reverse(numpy.polyfit)
def polyfit(p, x, y, deg, rcond=None):
    fits = numpy.polyfit(x, numpy.diag(numpy.ones_like(x)), deg, rcond=rcond)
    d[y] = numpy.matmul(numpy.transpose(fits), d[p])
    v = numpy.vander(x, deg + 1)
    z = numpy.reshape(numpy.linalg.solve(numpy.matmul(numpy.transpose(v), v), d[p]),
                      (deg + 1, -1))
    r = numpy.reshape(y - numpy.matmul(v, p), (numpy.size(x), -1))
    gv = numpy.matmul(r, numpy.transpose(z)) - numpy.matmul(
        numpy.matmul(v, z), numpy.transpose(numpy.reshape(p, (deg + 1, -1))))
    d[x] = numpy.sum(gv * vander_slopes(x, deg + 1, False, 1), axis=1)


@forward(numpy.polyfit)
def polyfit(p, x, y, deg, rcond=None):
    d[p] = numpy.polyfit(x, d[y], deg, rcond=rcond)
    v = numpy.vander(x, deg + 1)
    r = y - numpy.matmul(v, p)
    slopes = vander_slopes(x, deg + 1, False, 1)
    d[p] = numpy.linalg.solve(numpy.matmul(numpy.transpose(v), v), numpy.matmul(
        numpy.transpose(numpy.expand_dims(d[x], 1) * slopes), r) - numpy.matmul(
        numpy.transpose(v), numpy.matmul(numpy.expand_dims(d[x], 1) * slopes, p)))


held_constant(numpy.polyfit, deg="the degree is an integer")


# poly(a): the coefficients of prod_i (z - r_i) from a vector of roots r, or of a square
# matrix's characteristic polynomial det(z I - a); poly_slopes(a) is their derivative in a's
# items (of roots: poly_root_slopes, each coefficient of degree one in each root, smooth at
# repeated roots; of a matrix: Faddeev-LeVerrier's adjugate terms, smooth at repeated
# eigenvalues, where the eigenvalues NumPy goes through are not)
@reverse(numpy.poly)
def poly(y, seq_of_zeros):
    d[seq_of_zeros] = numpy.reshape(numpy.matmul(poly_slopes(seq_of_zeros), d[y]),
                                    numpy.shape(seq_of_zeros))


@forward(numpy.poly)
def poly(y, seq_of_zeros):
    d[y] = numpy.matmul(numpy.reshape(d[seq_of_zeros], (-1,)), poly_slopes(seq_of_zeros))


@forward(poly_slopes)
def poly_slopes_tangent_rule(y, a):
    d[y] = poly_slopes_tangent(a, d[a])


real_only("numpy.poly", numpy.poly)


# polydiv(u, v) = (q, r), u = q v + r: q is linear in u for a given v (the quotient's map Q),
# r = u - q v (NumPy drops r's leading near-zeros: r's coefficients are still the lowest
# powers', lined up by poly_front). With gr the remainder's adjoint so lined up, u's adjoint
# is gr + Q^T(gq - C_v^T gr) (C_v: multiplying by v) and v's is -C_q^T of u's (du = -q dv
# reaches q and r as du does). Defined where v's leading coefficient is not zero and NumPy
# dropped none of r's coefficients (check_polydiv refuses the others before the call).
@reverse(numpy.polydiv)
def polydiv(y, u, v):
    grf = poly_front(d[y][1], numpy.size(u))
    gu = grf + poly_quotient_adjoint(
        d[y][0] - poly_correlate(grf, v, numpy.size(y[0])), v, numpy.size(u))
    d[u] = numpy.reshape(gu, numpy.shape(u))
    d[v] = -numpy.reshape(poly_correlate(gu, y[0], numpy.size(v)), numpy.shape(v))


@forward(numpy.polydiv)
def polydiv(y, u, v):
    d[y] = [*polydiv_tangent(d[u], None, u, v, y[0], y[1])]
    d[y] = [*polydiv_tangent(None, d[v], u, v, y[0], y[1])]


@forward(poly_front)
def poly_front_tangent(y, grad, size):
    d[y] = poly_front(d[grad], size)


@forward(poly_correlate)
def poly_correlate_tangent(y, grad, c, size):
    d[y] = poly_correlate(d[grad], c, size)
    d[y] = poly_correlate(grad, d[c], size)


@forward(poly_quotient_adjoint)
def poly_quotient_adjoint_tangent(y, h, v, size):
    d[y] = poly_quotient_adjoint(d[h], v, size)
    d[y] = -poly_quotient_adjoint(poly_correlate(y, d[v], numpy.size(h)), v, size)


nondifferentiable(check_polydiv)
real_only("numpy.polydiv", numpy.polydiv)
