"""scipy.linalg: eigh_tridiagonal (every eigenvalue, with or without the vectors),
expm_frechet (in A and E), hessenberg (h, and q with calc_q=True) and schur (the real form
of a matrix with real, distinct eigenvalues), for real arguments (a complex one is refused
at the user's line).

eigh_tridiagonal(d, e) is eigh of the symmetric matrix T = diag(d) + off_diagonal(e): its
rules are scipy.linalg.eigh's on T (srcdiff.runtime_scipy_linalg), the gradient on T taken
back to d (T's diagonal) and e (its two off-diagonals). The function names its first
parameter d, which a rule reads as the derivative map: the rules name it d_ (a call's d=
binds to it, srcdiff.rule_template). A subset of the eigenvalues (select='v' or 'i') is
refused before the call.

expm_frechet(A, E) = (expm(A), L(A, E)), L the Frechet derivative of expm: L(A, E) is the
upper right block of expm(M), M = [[A, E], [0, A]]. Its tangent along (dA, dE) is
L(A, dA) for expm(A) and L(A, dE) + the corner of L(M, diag(dA, dA)) for L; its adjoint
of (gX, gL) is L(A^T, gX) for A, plus S's two diagonal blocks for A and its corner for E,
S = L(M^T, [[0, gL], [0, 0]]) (the gradient of <gL, corner of expm(M)> with respect to M).

hessenberg(a) = h, a = q h q^T with q's first column e1 (LAPACK's Householder reflectors):
given that column, q and h are unique up to the signs LAPACK picks, which stay put nearby
unless a column below the subdiagonal is zero already; there (a triangular or Hessenberg a)
no reflector is applied, the signs flip nearby, and the call is refused at run time
(runtime_scipy_linalg.check_hessenberg).

schur(a) = (t, z), a = z t z^T: where every eigenvalue is real and distinct, t is upper
triangular and, given the order of its diagonal and the signs of z's columns (LAPACK's,
which stay put nearby, as eigh's eigenvector signs do), unique. A complex pair (a 2 x 2
block of t), a repeated eigenvalue, output='complex' and sort= are refused at run time
(runtime_scipy_linalg.check_schur). Loaded once the user's code has imported scipy.linalg
(srcdiff.rules.OPTIONAL).
"""
import numpy
import scipy.linalg

from srcdiff.callables import name_path
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, nondifferentiable, real_only, reverse
from srcdiff.runtime_linalg import diag_embed, eig_gaps
from srcdiff.runtime_scipy import (corner_of, diagonal_blocks, doubled, expm_frechet,
                                   expm_frechet_cotangents, expm_frechet_pair,
                                   expm_frechet_second, upper_corner)
from srcdiff.runtime_scipy_linalg import (check_hessenberg, check_tridiagonal_select,
                                          check_schur, eigh_cotangents, eigh_factors,
                                          eigh_tangent_of, hessenberg_cotangents,
                                          hessenberg_factors, hessenberg_factors_given,
                                          hessenberg_factors_recomputed, hessenberg_omega_adjoint,
                                          hessenberg_tangent_of, hessenberg_tangent_of_moved,
                                          off_diagonal, off_diagonal_adjoint,
                                          schur_omega_adjoint, schur_tangent,
                                          schur_tangent_moved)

for _name in "eigh_tridiagonal expm_frechet hessenberg schur".split():
    name_path(getattr(scipy.linalg, _name), "scipy.linalg." + _name)
    real_only("scipy.linalg." + _name, getattr(scipy.linalg, _name))


# eigh_tridiagonal: eigh's rule on T = diag(d) + off_diagonal(e) (eigvals_only=True: the
# vectors computed again); T's gradient s goes to d (its diagonal) and e (its off-diagonals)
@reverse(scipy.linalg.eigh_tridiagonal)
def eigh_tridiagonal(y, d_, e, eigvals_only=False, select="a", select_range=None,
                     check_finite=True, tol=0.0, lapack_driver="auto"):
    f = eigh_factors(y, diag_embed(d_) + off_diagonal(e), True, eigvals_only)
    g = eigh_cotangents(d[y], f, eigvals_only)
    vt = numpy.swapaxes(f[1], -1, -2)
    inner = eig_gaps(f[0]) * numpy.matmul(vt, g[1]) + diag_embed(g[0])
    s = numpy.matmul(f[1], numpy.matmul(inner, vt))
    d[d_] = numpy.diagonal(s)
    d[e] = off_diagonal_adjoint(s)


@forward(scipy.linalg.eigh_tridiagonal)
def eigh_tridiagonal(y, d_, e, eigvals_only=False, select="a", select_range=None,
                     check_finite=True, tol=0.0, lapack_driver="auto"):
    a = diag_embed(d_) + off_diagonal(e)
    d[y] = eigh_tangent_of(diag_embed(d[d_]), a, y, True, eigvals_only)
    d[y] = eigh_tangent_of(off_diagonal(d[e]), a, y, True, eigvals_only)


# expm_frechet (the module docstring)
@reverse(scipy.linalg.expm_frechet)
def expm_frechet_adjoint(y, A, E, method=None, compute_expm=True, check_finite=True):
    g = expm_frechet_cotangents(d[y], compute_expm)
    s = expm_frechet(numpy.transpose(numpy.block([[A, E], [A * 0, A]])), upper_corner(g[1]))
    d[A] = expm_frechet(numpy.transpose(A), g[0]) + diagonal_blocks(s)
    d[E] = corner_of(s)


@forward(scipy.linalg.expm_frechet)
def expm_frechet_tangent(y, A, E, method=None, compute_expm=True, check_finite=True):
    d[y] = expm_frechet_pair(expm_frechet(A, d[A]), expm_frechet_second(A, E, d[A]),
                             compute_expm)
    d[y] = expm_frechet_pair(d[E] * 0, expm_frechet(A, d[E]), compute_expm)


# hessenberg (srcdiff.runtime_scipy_linalg's block comment): dh = P(c + h omega - omega h), P
# keeping the upper Hessenberg part, dq = q omega, omega = T(c) linear; so gc = P(gh) +
# T^T(q^T gq + h^T P(gh) - P(gh) h^T), and a's gradient q gc q^T
@reverse(scipy.linalg.hessenberg)
def hessenberg(y, a, calc_q=False, overwrite_a=False, check_finite=True):
    f = hessenberg_factors(y, a, calc_q)
    g = hessenberg_cotangents(d[y], f, calc_q)
    qt = numpy.transpose(f[1])
    gm = numpy.triu(g[0], -1)
    go = numpy.matmul(qt, g[1]) + numpy.matmul(numpy.transpose(f[0]), gm) - numpy.matmul(
        gm, numpy.transpose(f[0]))
    d[a] = numpy.matmul(f[1], numpy.matmul(gm + hessenberg_omega_adjoint(go, f[0]), qt))


@forward(scipy.linalg.hessenberg)
def hessenberg(y, a, calc_q=False, overwrite_a=False, check_finite=True):
    d[y] = hessenberg_tangent_of(d[a], a, y, calc_q)


# schur (srcdiff.runtime_scipy_linalg's block comment): hessenberg's rule with t upper
# triangular, z for q
@reverse(scipy.linalg.schur)
def schur(y, a, output="real", lwork=None, overwrite_a=False, sort=None, check_finite=True):
    zt = numpy.transpose(y[1])
    gm = numpy.triu(d[y][0])
    go = numpy.matmul(zt, d[y][1]) + numpy.matmul(numpy.transpose(y[0]), gm) - numpy.matmul(
        gm, numpy.transpose(y[0]))
    d[a] = numpy.matmul(y[1], numpy.matmul(gm + schur_omega_adjoint(go, y[0]), zt))


@forward(scipy.linalg.schur)
def schur(y, a, output="real", lwork=None, overwrite_a=False, sort=None, check_finite=True):
    d[y] = schur_tangent(d[a], y[0], y[1])


# -- the helpers' own rules (forward mode over an emitted gradient) --------------------------
nondifferentiable(check_tridiagonal_select, check_hessenberg, check_schur)
linear(hessenberg_cotangents, "g")


@forward(hessenberg_factors)
def hessenberg_factors_tangent(y, y0, a, calc_q):
    d[y] = [*hessenberg_factors_given(d[y0], y0, a, calc_q)]
    d[y] = [*hessenberg_factors_recomputed(d[a], y0, a, calc_q)]


# T^T (hessenberg_omega_adjoint) moves with h as T^T K^T T^T, K^T(x) = dh^T x - x dh^T
@forward(hessenberg_omega_adjoint)
def hessenberg_omega_adjoint_tangent(y, g, h):
    d[y] = hessenberg_omega_adjoint(d[g], h)
    d[y] = hessenberg_omega_adjoint(numpy.matmul(numpy.transpose(d[h]), y) - numpy.matmul(
        y, numpy.transpose(d[h])), h)
linear(off_diagonal, "e", transpose=lambda y, e: off_diagonal_adjoint(d[y]))
linear(off_diagonal_adjoint, "g", transpose=lambda y, g: off_diagonal(d[y]))
linear(expm_frechet_cotangents, "g")
linear(upper_corner, "g", transpose=lambda y, g: corner_of(d[y]))
linear(corner_of, "m", transpose=lambda y, m: upper_corner(d[y]))
linear(diagonal_blocks, "m", transpose=lambda y, m: doubled(d[y]))
linear(doubled, "g", transpose=lambda y, g: diagonal_blocks(d[y]))


# the tangents of hessenberg's and schur's: along their first argument (linear), and as the
# factors they read move (runtime_scipy_linalg.hessenberg_tangent_moved; forward over forward)
@forward(hessenberg_tangent_of)
def hessenberg_tangent_of_rule(y, t, a, y0, calc_q):
    d[y] = hessenberg_tangent_of(d[t], a, y0, calc_q)
    d[y] = hessenberg_tangent_of_moved(t, a, y0, calc_q, hessenberg_factors_recomputed(
        d[a], y0, a, calc_q))
    d[y] = hessenberg_tangent_of_moved(t, a, y0, calc_q, hessenberg_factors_given(
        d[y0], y0, a, calc_q))


@forward(schur_tangent)
def schur_tangent_rule(y, da, t, z):
    d[y] = schur_tangent(d[da], t, z)
    d[y] = schur_tangent_moved(da, t, z, d[t], z * 0)
    d[y] = schur_tangent_moved(da, t, z, t * 0, d[z])


# schur_omega_adjoint moves with t as hessenberg_omega_adjoint with h
@forward(schur_omega_adjoint)
def schur_omega_adjoint_tangent(y, g, t):
    d[y] = schur_omega_adjoint(d[g], t)
    d[y] = schur_omega_adjoint(numpy.matmul(numpy.transpose(d[t]), y) - numpy.matmul(
        y, numpy.transpose(d[t])), t)
