"""scipy.linalg.lu_factor, lu_solve and lu, for one real square matrix (a complex argument is
refused at the user's line, a stack or a rectangular matrix before the call).

lu_factor(a) gives (lu, piv): a's rows in pivoted order, P a, are L U, with the unit lower
triangular L held below lu's diagonal and U on and above it; piv is integers (no
derivative), piecewise constant in a. The factors' tangents are dL = L tril(F, -1) and
dU = triu(F) U with F = L^-1 (P da) U^-1; lu_solve((lu, piv), b, trans) solves
(P^T L U) x = b (or its transpose), a derivative with respect to lu going to L's strict
lower triangle and U's upper one (srcdiff.runtime_scipy_linalg). lu(a) = (p, l, u) with
a = p l u: the same factors apart (p, a permutation matrix, has no derivative). Loaded once the user's
code has imported scipy.linalg (srcdiff.rules.OPTIONAL).
"""
import numpy
import scipy.linalg

from srcdiff.callables import name_path
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, nondifferentiable, real_only, reverse
from srcdiff.runtime_scipy import as_columns, flipped_trans, item_adjoint, transpose_if
from srcdiff.runtime_linalg_more import check_lu
from srcdiff.runtime_scipy_linalg import (check_lu_square, permute_rows, pivot_rows,
                                          unit_lower, unpermute_rows)

for _name in ("lu_factor", "lu_solve", "lu"):
    name_path(getattr(scipy.linalg, _name), "scipy.linalg." + _name)
    real_only("scipy.linalg." + _name, getattr(scipy.linalg, _name))


# lu's adjoint g: M = tril(L^T g, -1) + triu(g U^T) on F, so P a's is L^-T M U^-T
@reverse(scipy.linalg.lu_factor)
def lu_factor(y, a, overwrite_a=False, check_finite=True):
    low = unit_lower(y[0])
    up = numpy.triu(y[0])
    g = d[y][0]
    m = numpy.tril(numpy.matmul(numpy.transpose(low), numpy.tril(g, -1)), -1) + \
        numpy.triu(numpy.matmul(numpy.triu(g), numpy.transpose(up)))
    inner = scipy.linalg.solve_triangular(low, m, trans=1, lower=True, unit_diagonal=True)
    d[a] = unpermute_rows(numpy.transpose(scipy.linalg.solve_triangular(
        up, numpy.transpose(inner))), y[1])


@forward(scipy.linalg.lu_factor)
def lu_factor(y, a, overwrite_a=False, check_finite=True):
    low = unit_lower(y[0])
    up = numpy.triu(y[0])
    step = scipy.linalg.solve_triangular(low, permute_rows(d[a], y[1]), lower=True,
                                         unit_diagonal=True)
    f = numpy.transpose(scipy.linalg.solve_triangular(up, numpy.transpose(step), trans=1))
    d[y] = item_adjoint(y, 0, numpy.matmul(low, numpy.tril(f, -1)) +
                        numpy.matmul(numpy.triu(f), up))


# x = A^-1 b (A^-T b for trans) with A = P^T L U: b's adjoint is the other solve of g; A's,
# -(A^-T g) x^T (transposed for trans), goes to lu through L and U
@reverse(scipy.linalg.lu_solve)
def lu_solve(y, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    grad = scipy.linalg.lu_solve(lu_and_piv, d[y], trans=flipped_trans(trans))
    whole = permute_rows(transpose_if(-numpy.matmul(as_columns(grad), numpy.transpose(
        as_columns(y))), trans), lu_and_piv[1])
    d[b] = grad
    d[lu_and_piv] = item_adjoint(lu_and_piv, 0, numpy.tril(numpy.matmul(
        whole, numpy.transpose(numpy.triu(lu_and_piv[0]))), -1) + numpy.triu(numpy.matmul(
            numpy.transpose(unit_lower(lu_and_piv[0])), whole)))


@forward(scipy.linalg.lu_solve)
def lu_solve(y, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    t = d[lu_and_piv][0]
    step = unpermute_rows(numpy.matmul(numpy.tril(t, -1), numpy.triu(lu_and_piv[0])) +
                          numpy.matmul(unit_lower(lu_and_piv[0]), numpy.triu(t)),
                          lu_and_piv[1])
    d[y] = -scipy.linalg.lu_solve(lu_and_piv, numpy.matmul(transpose_if(step, trans), y),
                                  trans=trans)
    d[y] = scipy.linalg.lu_solve(lu_and_piv, d[b], trans=trans)


# lu(a) = (p, l, u), p^T a = l u: as lu_factor's, l's adjoint on its strict lower triangle
# and u's on its upper one (check_lu refuses permute_l=True, p_indices=True, other shapes)
@reverse(scipy.linalg.lu)
def lu(y, a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    m = numpy.tril(numpy.matmul(numpy.transpose(y[1]), numpy.tril(d[y][1], -1)), -1) + \
        numpy.triu(numpy.matmul(numpy.triu(d[y][2]), numpy.transpose(y[2])))
    inner = scipy.linalg.solve_triangular(y[1], m, trans=1, lower=True, unit_diagonal=True)
    d[a] = numpy.matmul(y[0], numpy.transpose(scipy.linalg.solve_triangular(
        y[2], numpy.transpose(inner))))


@forward(scipy.linalg.lu)
def lu(y, a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    step = scipy.linalg.solve_triangular(y[1], numpy.matmul(numpy.transpose(y[0]), d[a]),
                                         lower=True, unit_diagonal=True)
    f = numpy.transpose(scipy.linalg.solve_triangular(y[2], numpy.transpose(step), trans=1))
    d[y] = [y[0] * 0.0, numpy.matmul(y[1], numpy.tril(f, -1)), numpy.matmul(numpy.triu(f), y[2])]


# -- the helpers' own rules (forward mode over an emitted gradient) --------------------------
nondifferentiable(check_lu_square, pivot_rows, check_lu)
linear(permute_rows, "m", transpose=lambda y, m, piv: unpermute_rows(d[y], piv))
linear(unpermute_rows, "m", transpose=lambda y, m, piv: permute_rows(d[y], piv))


@forward(unit_lower)
def unit_lower_tangent(y, lu):
    d[y] = numpy.tril(d[lu], -1)


@reverse(unit_lower)
def unit_lower_adjoint(y, lu):
    d[lu] = numpy.tril(d[y], -1)
