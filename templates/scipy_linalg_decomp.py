"""scipy.linalg as NumPy users port it: solve (assume_a=, lower=, transposed=), inv, det,
cholesky, eigh / eigvalsh, svd / svdvals, qr, lstsq, pinv, for real matrices (a complex argument
is refused at the user's line), stacks of matrices where SciPy takes them.

Most are numpy.linalg's rules (templates/linalg.py) with SciPy's conventions: cholesky
returns the upper factor by default and reads that triangle of a; eigh and eigvalsh read
the lower triangle unless lower=False; solve and inv with assume_a='sym', 'her' or 'pos'
read one triangle of a (the upper one unless lower=True), with a triangular, 'diagonal' or
'tridiagonal' assume_a only those entries (srcdiff.runtime_scipy.structured), so the
derivative with respect to a lives on what was read. The values a rule does not cover
(eigh's b= and subsets, svd's full_matrices=True of a non-square matrix, qr's other modes
and pivoting, solve's 'banded', lstsq's 'gelsy') are refused before the call
(runtime_scipy.argument_checks). Loaded once the user's code has imported scipy.linalg
(srcdiff.rules.OPTIONAL).
"""
import numpy
import scipy.linalg

from srcdiff.callables import name_path
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, nondifferentiable, real_only, reverse
from srcdiff.runtime import (det_cofactor, det_grad, solve_grad_a, solve_grad_b,
                             solve_tangent_a, unbroadcast)
from srcdiff.runtime_linalg import (as_columns, cholesky_lower, cholesky_tangent, diag_embed,
                                    eig_gaps, hermitian_fold, hermitian_from,
                                    lstsq_residual_weight, lstsq_tangent_a, lstsq_tangent_b,
                                    lower_half, pinv_tangent, qr_tangent, safe_reciprocal,
                                    svd_cotangents, svd_factors, svd_tangent_of)
from srcdiff.runtime_scipy import transpose_if
from srcdiff.runtime_scipy_linalg import (check_eigh, check_inv_structure, check_lstsq_driver,
                                          check_pinv_rank, check_qr_mode, check_structure,
                                          check_svd_shape)
from srcdiff.runtime_scipy_linalg import (eigh_cotangents, eigh_factors, eigh_factors_given,
                                          eigh_factors_recomputed, eigh_tangent_of,
                                          eigh_tangent_of_moved,
                                          structured, structured_adjoint)

for _name in "solve inv det cholesky eigh eigvalsh svd svdvals qr lstsq pinv".split():
    name_path(getattr(scipy.linalg, _name), "scipy.linalg." + _name)
    real_only("scipy.linalg." + _name, getattr(scipy.linalg, _name))


# x = m^-1 b with m = op(structured(a)): numpy.linalg.solve's rule on m, back to what was read
@reverse(scipy.linalg.solve)
def solve(y, a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True,
          assume_a=None, transposed=False):
    m = transpose_if(structured(a, assume_a, lower), transposed)
    grad = solve_grad_b(d[y], m, b)
    d[a] = structured_adjoint(transpose_if(unbroadcast(solve_grad_a(grad, b, y), a),
                                           transposed), assume_a, lower)
    d[b] = unbroadcast(grad, b)


@forward(scipy.linalg.solve)
def solve(y, a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True,
          assume_a=None, transposed=False):
    m = transpose_if(structured(a, assume_a, lower), transposed)
    d[y] = solve_tangent_a(transpose_if(structured(d[a], assume_a, lower), transposed), m, b, y)
    d[y] = numpy.linalg.solve(m, d[b])


# y = structured(a)^-1: dy = -y dm y
@reverse(scipy.linalg.inv)
def inv(y, a, overwrite_a=False, check_finite=True, assume_a=None, lower=False):
    yt = numpy.swapaxes(y, -1, -2)
    d[a] = structured_adjoint(-numpy.matmul(yt, numpy.matmul(d[y], yt)), assume_a, lower)


@forward(scipy.linalg.inv)
def inv(y, a, overwrite_a=False, check_finite=True, assume_a=None, lower=False):
    d[y] = -numpy.matmul(y, numpy.matmul(structured(d[a], assume_a, lower), y))


@reverse(scipy.linalg.det)
def det(y, a, overwrite_a=False, check_finite=True):
    d[a] = det_grad(d[y], a)


@forward(scipy.linalg.det)
def det(y, a, overwrite_a=False, check_finite=True):
    d[y] = numpy.sum(det_cofactor(a) * d[a], axis=(-2, -1))


# cholesky: numpy.linalg.cholesky's rule with upper = not lower (SciPy's default: the upper
# factor, from a's upper triangle)
@reverse(scipy.linalg.cholesky)
def cholesky(y, a, lower=False, overwrite_a=False, check_finite=True):
    low = cholesky_lower(y, not lower)
    inv_low = numpy.linalg.inv(low)
    phi = lower_half(numpy.matmul(numpy.swapaxes(low, -1, -2), cholesky_lower(d[y], not lower)))
    d[a] = hermitian_fold(numpy.matmul(numpy.swapaxes(inv_low, -1, -2),
                                       numpy.matmul(phi, inv_low)), "L" if lower else "U")


@forward(scipy.linalg.cholesky)
def cholesky(y, a, lower=False, overwrite_a=False, check_finite=True):
    d[y] = cholesky_tangent(d[a], y, not lower)


# eigh: numpy.linalg.eigh's rule (eigvals_only=True: the vectors computed again, as
# numpy.linalg.eigvalsh's rule does); b= and subsets are refused before the call
@reverse(scipy.linalg.eigh)
def eigh(y, a, b=None, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False,
         type=1, check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    f = eigh_factors(y, a, lower, eigvals_only)
    g = eigh_cotangents(d[y], f, eigvals_only)
    vt = numpy.swapaxes(f[1], -1, -2)
    inner = eig_gaps(f[0]) * numpy.matmul(vt, g[1]) + diag_embed(g[0])
    d[a] = hermitian_fold(numpy.matmul(f[1], numpy.matmul(inner, vt)), "L" if lower else "U")


@forward(scipy.linalg.eigh)
def eigh(y, a, b=None, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False,
         type=1, check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    d[y] = eigh_tangent_of(d[a], a, y, lower, eigvals_only)


@reverse(scipy.linalg.eigvalsh)
def eigvalsh(y, a, b=None, lower=True, overwrite_a=False, overwrite_b=False, type=1,
             check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    v = eigh_factors(y, a, lower, True)[1]
    d[a] = hermitian_fold(numpy.matmul(v * numpy.expand_dims(d[y], -2),
                                       numpy.swapaxes(v, -1, -2)), "L" if lower else "U")


@forward(scipy.linalg.eigvalsh)
def eigvalsh(y, a, b=None, lower=True, overwrite_a=False, overwrite_b=False, type=1,
             check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    d[y] = eigh_tangent_of(d[a], a, y, lower, True)


# svd: numpy.linalg.svd's rule (a plain tuple (u, s, vh) here); svdvals is compute_uv=False
@reverse(scipy.linalg.svd)
def svd(y, a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True,
        lapack_driver="gesdd"):
    f = svd_factors(y, a, compute_uv)
    g = svd_cotangents(d[y], f, compute_uv)
    u = f[0]
    s = f[1]
    vh = f[2]
    ut = numpy.swapaxes(u, -1, -2)
    v = numpy.swapaxes(vh, -1, -2)
    gut = numpy.swapaxes(g[0], -1, -2)
    gv = numpy.swapaxes(g[2], -1, -2)
    gaps = eig_gaps(s * s)
    j = gaps * (numpy.matmul(ut, g[0]) - numpy.matmul(gut, u))
    k = gaps * (numpy.matmul(vh, gv) - numpy.matmul(g[2], v))
    core = j * numpy.expand_dims(s, -2) + diag_embed(g[1]) + numpy.expand_dims(s, -1) * k
    inv = numpy.expand_dims(safe_reciprocal(s), -2)
    left = (g[0] - numpy.matmul(u, numpy.matmul(ut, g[0]))) * inv
    right = g[2] - numpy.matmul(numpy.matmul(g[2], v), vh)
    d[a] = numpy.matmul(u, numpy.matmul(core, vh)) + numpy.matmul(left, vh) + \
        numpy.matmul(u * inv, right)


@forward(scipy.linalg.svd)
def svd(y, a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True,
        lapack_driver="gesdd"):
    d[y] = svd_tangent_of(d[a], a, y, compute_uv)


@reverse(scipy.linalg.svdvals)
def svdvals(y, a, overwrite_a=False, check_finite=True):
    f = svd_factors(y, a, False)
    d[a] = numpy.matmul(f[0] * numpy.expand_dims(d[y], -2), f[2])


@forward(scipy.linalg.svdvals)
def svdvals(y, a, overwrite_a=False, check_finite=True):
    d[y] = svd_tangent_of(d[a], a, y, False)


# qr: numpy.linalg.qr's mode='reduced' rule (mode='economic', or 'full' of a square matrix)
@reverse(scipy.linalg.qr)
def qr(y, a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    q = y[0]
    r = y[1]
    m = numpy.matmul(r, numpy.swapaxes(d[y][1], -1, -2)) - \
        numpy.matmul(numpy.swapaxes(d[y][0], -1, -2), q)
    b = d[y][0] + numpy.matmul(q, hermitian_from(m, "L"))
    d[a] = numpy.matmul(b, numpy.swapaxes(numpy.linalg.inv(r), -1, -2))


@forward(scipy.linalg.qr)
def qr(y, a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    d[y] = qr_tangent(d[a], y[0], y[1])


# lstsq: numpy.linalg.lstsq's rule ((x, residues, rank, s) as numpy's; cond only sets the
# rank, which must not change nearby)
@reverse(scipy.linalg.lstsq)
def lstsq(y, a, b, cond=None, overwrite_a=False, overwrite_b=False, check_finite=True,
          lapack_driver=None):
    p = numpy.linalg.pinv(a)
    pt = numpy.swapaxes(p, -1, -2)
    x = as_columns(y[0], b)
    bm = as_columns(b, b)
    gx = as_columns(d[y][0], b)
    res = (bm - numpy.matmul(a, x)) * lstsq_residual_weight(d[y][1], y[0])
    gp = numpy.matmul(gx, numpy.swapaxes(bm, -1, -2))
    gpt = numpy.swapaxes(gp, -1, -2)
    usv = numpy.linalg.svd(a, full_matrices=False)
    d[a] = -numpy.matmul(pt, numpy.matmul(gp, pt)) + \
        numpy.matmul(gpt - numpy.matmul(a, numpy.matmul(p, gpt)), numpy.matmul(p, pt)) + \
        numpy.matmul(numpy.matmul(pt, p), gpt - numpy.matmul(numpy.matmul(gpt, p), a)) - \
        2.0 * numpy.matmul(res, numpy.swapaxes(x, -1, -2)) + \
        numpy.matmul(usv[0] * numpy.expand_dims(d[y][3], -2), usv[2])
    d[b] = numpy.reshape(numpy.matmul(pt, gx) + 2.0 * res, numpy.shape(b))


@forward(scipy.linalg.lstsq)
def lstsq(y, a, b, cond=None, overwrite_a=False, overwrite_b=False, check_finite=True,
          lapack_driver=None):
    d[y] = [*lstsq_tangent_a(d[a], a, b, y)]
    d[y] = [*lstsq_tangent_b(d[b], a, b, y)]


# pinv: numpy.linalg.pinv's rule (the rank must not change nearby; atol / rtol only set it);
# return_rank=True is refused before the call
@reverse(scipy.linalg.pinv)
def pinv(y, a, atol=None, rtol=None, return_rank=False, check_finite=True):
    pt = numpy.swapaxes(y, -1, -2)
    gt = numpy.swapaxes(d[y], -1, -2)
    d[a] = -numpy.matmul(pt, numpy.matmul(d[y], pt)) + \
        numpy.matmul(gt - numpy.matmul(a, numpy.matmul(y, gt)), numpy.matmul(y, pt)) + \
        numpy.matmul(numpy.matmul(pt, y), gt - numpy.matmul(numpy.matmul(gt, y), a))


@forward(scipy.linalg.pinv)
def pinv(y, a, atol=None, rtol=None, return_rank=False, check_finite=True):
    d[y] = pinv_tangent(d[a], a, y)


# -- the helpers' own rules (forward mode over an emitted gradient) --------------------------
nondifferentiable(check_structure, check_inv_structure, check_eigh, check_svd_shape,
                  check_qr_mode, check_lstsq_driver, check_pinv_rank)
linear(structured, "a", transpose=lambda y, a, assume_a, lower: structured_adjoint(
    d[y], assume_a, lower))
linear(structured_adjoint, "g", transpose=lambda y, g, assume_a, lower: structured(
    d[y], assume_a, lower))
linear(eigh_cotangents, "g")


@forward(eigh_factors)
def eigh_factors_tangent(y, y0, a, lower, eigvals_only):
    d[y] = [*eigh_factors_given(d[y0], y0, a, lower, eigvals_only)]
    d[y] = [*eigh_factors_recomputed(d[a], y0, a, lower, eigvals_only)]


# the tangent of eigh_tangent_of: along t, and as the factors [w, v] it reads move
# (forward over forward)
@forward(eigh_tangent_of)
def eigh_tangent_of_rule(y, t, a, y0, lower, eigvals_only):
    d[y] = eigh_tangent_of(d[t], a, y0, lower, eigvals_only)
    d[y] = eigh_tangent_of_moved(t, a, y0, lower, eigvals_only, eigh_factors_recomputed(
        d[a], y0, a, lower, eigvals_only))
    d[y] = eigh_tangent_of_moved(t, a, y0, lower, eigvals_only, eigh_factors_given(
        d[y0], y0, a, lower, eigvals_only))
