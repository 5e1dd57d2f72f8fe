"""scipy.linalg: solve_triangular (lower, trans, unit_diagonal), cho_factor / cho_solve,
expm, sqrtm, logm, solve_sylvester, polar, for real matrices (a complex argument is refused at the user's
line).

A triangular solve reads one triangle of its matrix (without the diagonal when
unit_diagonal): the derivative with respect to the matrix lives on that triangle. cho_factor
reads one triangle of a (the lower one with lower=True) and returns (c, lower), c holding
the factor there and a's other entries as they were; cho_solve reads the factor's triangle
of c. Loaded once the user's code has imported scipy.linalg (srcdiff.rules.OPTIONAL).
"""
import numpy
import scipy.linalg

from srcdiff.callables import name_path
from srcdiff.rules import d, forward, nondifferentiable, not_implemented, real_only, reverse
from srcdiff.runtime_linalg_more import check_polar, polar_tangent
from srcdiff.runtime_logm import logm_frechet
from srcdiff.runtime_scipy import (as_columns, expm_frechet, factor_of, factor_of_adjoint,
                                   flipped_trans, halve_lower, item_adjoint, lower_gradient,
                                   lower_tangent, transpose_if, triangle)

for _name in "solve_triangular cho_factor cho_solve expm sqrtm solve_sylvester logm polar".split():
    name_path(getattr(scipy.linalg, _name), "scipy.linalg." + _name)
    real_only("scipy.linalg." + _name, getattr(scipy.linalg, _name))


# x = op(T)^-1 b: d/db = op(T)^-T g; d/dT = -(op(T)^-T g) x^T, transposed when op is
@reverse(scipy.linalg.solve_triangular)
def solve_triangular(y, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     check_finite=True):
    grad = scipy.linalg.solve_triangular(a, d[y], trans=flipped_trans(trans), lower=lower,
                                         unit_diagonal=unit_diagonal)
    d[b] = grad
    d[a] = triangle(transpose_if(-numpy.matmul(as_columns(grad), numpy.transpose(
        as_columns(y))), trans), lower, unit_diagonal)


@forward(scipy.linalg.solve_triangular)
def solve_triangular(y, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     check_finite=True):
    d[y] = scipy.linalg.solve_triangular(
        a, -numpy.matmul(transpose_if(triangle(d[a], lower, unit_diagonal), trans), y),
        trans=trans, lower=lower, unit_diagonal=unit_diagonal)
    d[y] = scipy.linalg.solve_triangular(a, d[b], trans=trans, lower=lower,
                                         unit_diagonal=unit_diagonal)


# cho_factor: S = the symmetric matrix of a's read triangle = L L^T. The factor's tangent is
# L halve_lower(L^-1 dS L^-T); its adjoint, L^-T halve_lower(L^T gL) L^-1 on S, goes back to
# a's read triangle (lower_gradient); a's other entries pass through c unchanged.
@reverse(scipy.linalg.cho_factor)
def cho_factor(y, a, lower=False, overwrite_a=False, check_finite=True):
    factor = factor_of(y[0], lower)
    inner = scipy.linalg.solve_triangular(factor, halve_lower(numpy.matmul(numpy.transpose(
        factor), factor_of(d[y][0], lower))), trans=1, lower=True)
    spread = numpy.transpose(scipy.linalg.solve_triangular(factor, numpy.transpose(inner),
                                                           trans=1, lower=True))
    d[a] = transpose_if(lower_gradient(spread), not lower) + triangle(d[y][0], not lower, True)


@forward(scipy.linalg.cho_factor)
def cho_factor(y, a, lower=False, overwrite_a=False, check_finite=True):
    factor = factor_of(y[0], lower)
    half = scipy.linalg.solve_triangular(factor, lower_tangent(transpose_if(d[a], not lower)),
                                         lower=True)
    whole = numpy.transpose(scipy.linalg.solve_triangular(factor, numpy.transpose(half),
                                                          lower=True))
    d[y] = item_adjoint(y, 0, transpose_if(numpy.matmul(factor, halve_lower(whole)), not lower)
                        + triangle(d[a], not lower, True))


# cho_solve((c, lower), b) = S^-1 b with S = L L^T: d/db = S^-1 g, d/dL = (gS + gS^T) L with
# gS = -(S^-1 g) x^T, back to c's factor triangle (factor_of_adjoint)
@reverse(scipy.linalg.cho_solve)
def cho_solve(y, c_and_lower, b, overwrite_b=False, check_finite=True):
    grad = scipy.linalg.cho_solve(c_and_lower, d[y])
    outer = numpy.matmul(as_columns(grad), numpy.transpose(as_columns(y)))
    factor = factor_of(c_and_lower[0], c_and_lower[1])
    d[b] = grad
    d[c_and_lower] = item_adjoint(c_and_lower, 0, factor_of_adjoint(-numpy.matmul(
        outer + numpy.transpose(outer), factor), c_and_lower[1]))


@forward(scipy.linalg.cho_solve)
def cho_solve(y, c_and_lower, b, overwrite_b=False, check_finite=True):
    factor = factor_of(c_and_lower[0], c_and_lower[1])
    step = numpy.matmul(factor_of(d[c_and_lower][0], c_and_lower[1]), numpy.transpose(factor))
    d[y] = -scipy.linalg.cho_solve(c_and_lower, numpy.matmul(step + numpy.transpose(step), y))
    d[y] = scipy.linalg.cho_solve(c_and_lower, d[b])


# expm: the Frechet derivative L(a, e); its adjoint is L(a^T, g)
@reverse(scipy.linalg.expm)
def expm(y, A):
    d[A] = expm_frechet(numpy.transpose(A), d[y])


@forward(scipy.linalg.expm)
def expm(y, A):
    d[y] = expm_frechet(A, d[A])


# logm (the principal logarithm: a with no eigenvalue on the closed negative real axis): its
# Frechet derivative L(a, e), whose adjoint is L(a^T, g) (srcdiff.runtime_logm)
@reverse(scipy.linalg.logm)
def logm(y, A):
    d[A] = logm_frechet(numpy.transpose(A), d[y])


@forward(scipy.linalg.logm)
def logm(y, A):
    d[y] = logm_frechet(A, d[A])


# funm(A, func) applies any Python function: srcdiff cannot know its derivative
name_path(scipy.linalg.funm, "scipy.linalg.funm")
not_implemented(scipy.linalg.funm, "write the matrix function with one srcdiff "
                "differentiates: scipy.linalg.expm, sqrtm or logm, or for a symmetric A an "
                "eigendecomposition (w, v = numpy.linalg.eigh(A); v @ numpy.diag(f(w)) @ v.T)")


# sqrtm: X dX + dX X = dA, a Sylvester equation
@reverse(scipy.linalg.sqrtm)
def sqrtm(y, A):
    d[A] = scipy.linalg.solve_sylvester(numpy.transpose(y), numpy.transpose(y), d[y])


@forward(scipy.linalg.sqrtm)
def sqrtm(y, A):
    d[y] = scipy.linalg.solve_sylvester(y, y, d[A])


# solve_sylvester: a x + x b = q, so a dx + dx b = dq - da x - x db
@reverse(scipy.linalg.solve_sylvester)
def solve_sylvester(y, a, b, q):
    grad = scipy.linalg.solve_sylvester(numpy.transpose(a), numpy.transpose(b), d[y])
    d[q] = grad
    d[a] = -numpy.matmul(grad, numpy.transpose(y))
    d[b] = -numpy.matmul(numpy.transpose(y), grad)


@forward(scipy.linalg.solve_sylvester)
def solve_sylvester(y, a, b, q):
    d[y] = scipy.linalg.solve_sylvester(a, b, d[q])
    d[y] = -scipy.linalg.solve_sylvester(a, b, numpy.matmul(d[a], y))
    d[y] = -scipy.linalg.solve_sylvester(a, b, numpy.matmul(y, d[b]))


# polar(a, side) = (u, p), a = u p ('right': p^2 = a^T a) or a = p u ('left': the right polar
# of a^T, transposed), of a square invertible a (check_polar refuses the others before the
# call: at a singular a, u is not unique). Right: du = (da - u dp) p^-1 and p dp + dp p =
# da^T a + a^T da, so a's adjoint is gu p^-1 + a (h + h^T), h solving p h + h p = gp - u^T
# gu p^-1 (the Sylvester operator of a symmetric p is its own adjoint).
@reverse(scipy.linalg.polar)
def polar(y, a, side="right"):
    b = transpose_if(a, side == "left")
    u = transpose_if(y[0], side == "left")
    inverse = numpy.linalg.inv(y[1])
    gu = numpy.matmul(transpose_if(d[y][0], side == "left"), inverse)
    h = scipy.linalg.solve_sylvester(y[1], y[1], d[y][1] - numpy.matmul(numpy.transpose(u), gu))
    d[a] = transpose_if(gu + numpy.matmul(b, h + numpy.transpose(h)), side == "left")


@forward(scipy.linalg.polar)
def polar(y, a, side="right"):
    d[y] = polar_tangent(d[a], a, y[0], y[1], side)


nondifferentiable(check_polar)
