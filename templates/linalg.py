"""Products and linear algebra: dot, inner, vdot, outer, linalg.inv, det, solve.

(matmul and the @ operator are in arithmetic.py; norms are in reductions.py.)
"""
import numpy

from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, nondifferentiable, not_implemented, reverse
from srcdiff.runtime_linalg import (as_columns, lstsq_residual_weight, lstsq_tangent_a,
                                    lstsq_tangent_b, pinv_tangent, qr_tangent,
                                    safe_reciprocal, safe_reciprocal_tangent, svd_cotangents,
                                    svd_factors, svd_factors_given, svd_factors_recomputed,
                                    svd_tangent_of)
from srcdiff.runtime_linalg import (eig_tangent, eig_vector_cotangent,
                                    eig_vector_cotangent_tangent, fft_real_part)
from srcdiff.runtime_linalg import result_field, result_field_grad, result_field_tangent
from srcdiff.runtime_linalg import (check_lstsq, check_pinv, check_qr, check_real_matrix,
                                    check_svd)
from srcdiff.runtime_linalg import (check_einsum, cholesky_lower, cholesky_tangent, cross_grad,
                                    diag_embed, eig_gaps, eig_gaps_tangent, eigh_tangent,
                                    eigh_tangent_moved,
                                    einsum_apply, einsum_grad, einsum_grad_along,
                                    hermitian_fold, hermitian_from, kron_grad, lower_half,
                                    matrix_power_grad, matrix_power_grad_tangent,
                                    matrix_power_tangent, slogdet_tangent, slogdet_weight,
                                    slogdet_weight_sign_tangent, tensordot_grad)
from srcdiff.runtime_products import multi_dot_grad, multi_dot_grad_along, multi_dot_tangent
from srcdiff.runtime import (det_cofactor, det_grad, dot_grad_left, dot_grad_right, inner_grad,
                             solve_grad_a, solve_grad_b, solve_tangent_a, unbroadcast)


@reverse(numpy.dot)
def dot(y, a, b, out=None):
    d[a] = dot_grad_left(d[y], a, b)
    d[b] = dot_grad_right(d[y], a, b)


@forward(numpy.dot)
def dot(y, a, b, out=None):
    d[y] = numpy.dot(d[a], b)
    d[y] = numpy.dot(a, d[b])


@reverse(numpy.inner)
def inner(y, a, b):
    d[a] = inner_grad(d[y], a, b, 0)
    d[b] = inner_grad(d[y], a, b, 1)


@forward(numpy.inner)
def inner(y, a, b):
    d[y] = numpy.inner(d[a], b)
    d[y] = numpy.inner(a, d[b])


# vdot(a, b) = sum(conj(a) * b): conjugate-linear in a, so a's adjoint is conjugated whole
# (the convention of the complex rules: df/da - i df/db for a real f)
@reverse(numpy.vdot)
def vdot(y, a, b):
    d[a] = numpy.reshape(numpy.conjugate(d[y] * numpy.ravel(b)), numpy.shape(a))
    d[b] = numpy.reshape(d[y] * numpy.conjugate(a), numpy.shape(b))


@forward(numpy.vdot)
def vdot(y, a, b):
    d[y] = numpy.vdot(d[a], b)
    d[y] = numpy.vdot(a, d[b])


@reverse(numpy.outer)
def outer(y, a, b, out=None):
    d[a] = numpy.reshape(numpy.dot(d[y], numpy.ravel(b)), numpy.shape(a))
    d[b] = numpy.reshape(numpy.dot(numpy.ravel(a), d[y]), numpy.shape(b))


@forward(numpy.outer)
def outer(y, a, b, out=None):
    d[y] = numpy.outer(d[a], b)
    d[y] = numpy.outer(a, d[b])


@reverse(numpy.linalg.inv)
def inv(y, a):
    d[a] = -numpy.matmul(numpy.swapaxes(y, -1, -2), numpy.matmul(d[y], numpy.swapaxes(y, -1, -2)))


@forward(numpy.linalg.inv)
def inv(y, a):
    d[y] = -numpy.matmul(y, numpy.matmul(d[a], y))


@reverse(numpy.linalg.det)
def det(y, a):
    d[a] = det_grad(d[y], a)


@forward(numpy.linalg.det)
def det(y, a):
    d[y] = numpy.sum(det_cofactor(a) * d[a], axis=(-2, -1))


@reverse(numpy.linalg.solve)
def solve(y, a, b):
    grad = solve_grad_b(d[y], a, b)
    d[a] = unbroadcast(solve_grad_a(grad, b, y), a)
    d[b] = unbroadcast(grad, b)


@forward(numpy.linalg.solve)
def solve(y, a, b):
    d[y] = solve_tangent_a(d[a], a, b, y)
    d[y] = numpy.linalg.solve(a, d[b])


# -- kron, cross, tensordot, einsum: multilinear, one term per operand ----------------------
@reverse(numpy.kron)
def kron(y, a, b):
    d[a] = kron_grad(d[y], a, b, 0)
    d[b] = kron_grad(d[y], a, b, 1)


@forward(numpy.kron)
def kron(y, a, b):
    d[y] = numpy.kron(d[a], b)
    d[y] = numpy.kron(a, d[b])


@reverse(numpy.cross)
def cross(y, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    d[a] = cross_grad(d[y], a, b, axisa, axisb, axisc, axis, 0)
    d[b] = cross_grad(d[y], a, b, axisa, axisb, axisc, axis, 1)


@forward(numpy.cross)
def cross(y, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    d[y] = numpy.cross(d[a], b, axisa, axisb, axisc, axis)
    d[y] = numpy.cross(a, d[b], axisa, axisb, axisc, axis)


@reverse(numpy.tensordot)
def tensordot(y, a, b, axes=2):
    d[a] = tensordot_grad(d[y], a, b, axes, 0)
    d[b] = tensordot_grad(d[y], a, b, axes, 1)


@forward(numpy.tensordot)
def tensordot(y, a, b, axes=2):
    d[y] = numpy.tensordot(d[a], b, axes)
    d[y] = numpy.tensordot(a, d[b], axes)


# numpy.einsum(subscripts, *operands): up to six operands (a call with more does not bind to
# the rule: refused at its line); the subscripts must be a string (checked before the call,
# srcdiff.runtime_linalg.check_einsum). optimize= only picks the order of the contractions;
# out=, dtype= and the others are not taken (refused at the call's line).
@reverse(numpy.einsum)
def einsum(y, subscripts, op0, op1=None, op2=None, op3=None, op4=None, op5=None,
           optimize=False):
    d[op0] = einsum_grad(d[y], subscripts, 0, op0, op1, op2, op3, op4, op5)
    d[op1] = einsum_grad(d[y], subscripts, 1, op0, op1, op2, op3, op4, op5)
    d[op2] = einsum_grad(d[y], subscripts, 2, op0, op1, op2, op3, op4, op5)
    d[op3] = einsum_grad(d[y], subscripts, 3, op0, op1, op2, op3, op4, op5)
    d[op4] = einsum_grad(d[y], subscripts, 4, op0, op1, op2, op3, op4, op5)
    d[op5] = einsum_grad(d[y], subscripts, 5, op0, op1, op2, op3, op4, op5)


@forward(numpy.einsum)
def einsum(y, subscripts, op0, op1=None, op2=None, op3=None, op4=None, op5=None,
           optimize=False):
    d[y] = einsum_apply(subscripts, optimize, d[op0], op1, op2, op3, op4, op5)
    d[y] = einsum_apply(subscripts, optimize, op0, d[op1], op2, op3, op4, op5)
    d[y] = einsum_apply(subscripts, optimize, op0, op1, d[op2], op3, op4, op5)
    d[y] = einsum_apply(subscripts, optimize, op0, op1, op2, d[op3], op4, op5)
    d[y] = einsum_apply(subscripts, optimize, op0, op1, op2, op3, d[op4], op5)
    d[y] = einsum_apply(subscripts, optimize, op0, op1, op2, op3, op4, d[op5])


# numpy.linalg.multi_dot(arrays): two or more operands, a 1-d first one read as a row and a
# 1-d last one as a column; out= is not taken (refused at the call's line)
@reverse(numpy.linalg.multi_dot)
def multi_dot(y, arrays):
    d[arrays] = multi_dot_grad(d[y], arrays)


@forward(numpy.linalg.multi_dot)
def multi_dot(y, arrays):
    d[y] = multi_dot_tangent(d[arrays], arrays)


# -- the helpers' own tangents (forward mode over an emitted gradient) -----------------------
@forward(multi_dot_grad)
def multi_dot_grad_tangent(y, g, arrays):
    d[y] = multi_dot_grad(d[g], arrays)
    d[y] = multi_dot_grad_along(g, arrays, d[arrays])


nondifferentiable(check_einsum, check_real_matrix, check_svd, check_qr, check_pinv,
                  check_lstsq)


# kron_grad(g, a, b, 0) reads b's values and a's shape alone (and the other way round for 1):
# each operand's term counts only in the other's adjoint
@forward(kron_grad)
def kron_grad_tangent(y, g, a, b, which):
    d[y] = kron_grad(d[g], a, b, which)
    d[y] = kron_grad(g, d[a], b, which) * (which == 1)
    d[y] = kron_grad(g, a, d[b], which) * (which == 0)


@forward(cross_grad)
def cross_grad_tangent(y, g, a, b, axisa, axisb, axisc, axis, which):
    d[y] = cross_grad(d[g], a, b, axisa, axisb, axisc, axis, which)
    d[y] = cross_grad(g, d[a], b, axisa, axisb, axisc, axis, which) * (which == 1)
    d[y] = cross_grad(g, a, d[b], axisa, axisb, axisc, axis, which) * (which == 0)


@forward(tensordot_grad)
def tensordot_grad_tangent(y, g, a, b, axes, which):
    d[y] = tensordot_grad(d[g], a, b, axes, which)
    d[y] = tensordot_grad(g, d[a], b, axes, which) * (which == 1)
    d[y] = tensordot_grad(g, a, d[b], axes, which) * (which == 0)


@forward(einsum_grad)
def einsum_grad_tangent(y, g, subscripts, which, op0, op1=None, op2=None, op3=None, op4=None,
                        op5=None):
    d[y] = einsum_grad(d[g], subscripts, which, op0, op1, op2, op3, op4, op5)
    d[y] = einsum_grad_along(g, subscripts, which, 0, d[op0], op1, op2, op3, op4, op5)
    d[y] = einsum_grad_along(g, subscripts, which, 1, op0, d[op1], op2, op3, op4, op5)
    d[y] = einsum_grad_along(g, subscripts, which, 2, op0, op1, d[op2], op3, op4, op5)
    d[y] = einsum_grad_along(g, subscripts, which, 3, op0, op1, op2, d[op3], op4, op5)
    d[y] = einsum_grad_along(g, subscripts, which, 4, op0, op1, op2, op3, d[op4], op5)
    d[y] = einsum_grad_along(g, subscripts, which, 5, op0, op1, op2, op3, op4, d[op5])


# -- decompositions --------------------------------------------------------------------------
# Their results are tuples (w, v = eigh(a)) or named tuples (eigh(a).eigenvalues); the adjoint
# of a tuple is a list of adjoints, one per item (zeros for items the loss does not read).
# Eigenvalues and singular values must be distinct where eigenvectors or singular vectors are
# differentiated (the derivative is infinite where two meet: a degenerate spectrum gives
# inf/nan, never a guess); eigenvalues alone (eigvalsh, or a loss of w only) are fine there.
# eigh, eigvalsh and cholesky read one triangle of a (UPLO= / upper=), so the adjoint lands
# on that triangle, an entry off the diagonal standing for its mirror image too.
@reverse(numpy.linalg.slogdet)
def slogdet(y, a):
    d[a] = numpy.expand_dims(slogdet_weight(d[y], y[0]), (-2, -1)) * \
        numpy.swapaxes(numpy.linalg.inv(a), -1, -2)


@forward(numpy.linalg.slogdet)
def slogdet(y, a):
    d[y] = slogdet_tangent(d[a], a, y[0])


@reverse(numpy.linalg.matrix_power)
def matrix_power(y, a, n):
    d[a] = matrix_power_grad(d[y], a, n)


@forward(numpy.linalg.matrix_power)
def matrix_power(y, a, n):
    d[y] = matrix_power_tangent(d[a], a, n)


@reverse(numpy.linalg.cholesky)
def cholesky(y, a, upper=False):
    low = cholesky_lower(y, upper)
    inv_low = numpy.linalg.inv(low)
    phi = lower_half(numpy.matmul(numpy.swapaxes(low, -1, -2), cholesky_lower(d[y], upper)))
    d[a] = hermitian_fold(numpy.matmul(numpy.swapaxes(inv_low, -1, -2),
                                       numpy.matmul(phi, inv_low)), "U" if upper else "L")


@forward(numpy.linalg.cholesky)
def cholesky(y, a, upper=False):
    d[y] = cholesky_tangent(d[a], y, upper)


@reverse(numpy.linalg.eigh)
def eigh(y, a, UPLO="L"):
    w = y[0]
    v = y[1]
    vt = numpy.swapaxes(v, -1, -2)
    inner = eig_gaps(w) * numpy.matmul(vt, d[y][1]) + diag_embed(d[y][0])
    d[a] = hermitian_fold(numpy.matmul(v, numpy.matmul(inner, vt)), UPLO)


@forward(numpy.linalg.eigh)
def eigh(y, a, UPLO="L"):
    d[y] = eigh_tangent(d[a], y[0], y[1], UPLO)


@reverse(numpy.linalg.eigvalsh)
def eigvalsh(y, a, UPLO="L"):
    v = numpy.linalg.eigh(a, UPLO)[1]
    d[a] = hermitian_fold(numpy.matmul(v * numpy.expand_dims(d[y], -2),
                                       numpy.swapaxes(v, -1, -2)), UPLO)


@forward(numpy.linalg.eigvalsh)
def eigvalsh(y, a, UPLO="L"):
    v = numpy.linalg.eigh(a, UPLO)[1]
    d[y] = eigh_tangent(d[a], y, v, UPLO)[0]


# eig: general (non-symmetric) matrices, real or complex, complex eigenvalues and vectors in
# general; holomorphic in a but for the eigenvectors' gauge (unit length, largest component
# real, as LAPACK returns them), whose correction is linear over the reals. A real a takes
# the real part of its adjoint.
@reverse(numpy.linalg.eig)
def eig(y, a):
    w = y[0]
    v = y[1]
    vt = numpy.swapaxes(v, -1, -2)
    inner = eig_gaps(w) * numpy.matmul(vt, eig_vector_cotangent(d[y][1], v)) + \
        diag_embed(d[y][0])
    d[a] = fft_real_part(numpy.matmul(numpy.swapaxes(numpy.linalg.inv(v), -1, -2),
                                      numpy.matmul(inner, vt)), a)


@forward(numpy.linalg.eig)
def eig(y, a):
    d[y] = eig_tangent(d[a], y[0], y[1])


# svd: the reduced factors (full_matrices=True only of a square matrix, where they are the
# same; checked before the call); compute_uv=False takes the factors again for the adjoint.
# Terms of a zero singular value's vectors are left out (safe_reciprocal).
@reverse(numpy.linalg.svd)
def svd(y, a, full_matrices=True, compute_uv=True, hermitian=False):
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


@forward(numpy.linalg.svd)
def svd(y, a, full_matrices=True, compute_uv=True, hermitian=False):
    d[y] = svd_tangent_of(d[a], a, y, compute_uv)


# qr: mode='reduced' of a matrix with at least as many rows as columns, full rank (checked
# before the call)
@reverse(numpy.linalg.qr)
def qr(y, a, mode="reduced"):
    q = y[0]
    r = y[1]
    m = numpy.matmul(r, numpy.swapaxes(d[y][1], -1, -2)) - \
        numpy.matmul(numpy.swapaxes(d[y][0], -1, -2), q)
    b = d[y][0] + numpy.matmul(q, hermitian_from(m, "L"))
    d[a] = numpy.matmul(b, numpy.swapaxes(numpy.linalg.inv(r), -1, -2))


@forward(numpy.linalg.qr)
def qr(y, a, mode="reduced"):
    d[y] = qr_tangent(d[a], y[0], y[1])


# pinv: where the rank does not change (a full-rank matrix, or one whose rank is the same
# nearby); hermitian=True (which reads one triangle) is refused before the call
@reverse(numpy.linalg.pinv)
def pinv(y, a, rcond=None, hermitian=False, rtol=None):
    pt = numpy.swapaxes(y, -1, -2)
    gt = numpy.swapaxes(d[y], -1, -2)
    d[a] = -numpy.matmul(pt, numpy.matmul(d[y], pt)) + \
        numpy.matmul(gt - numpy.matmul(a, numpy.matmul(y, gt)), numpy.matmul(y, pt)) + \
        numpy.matmul(numpy.matmul(pt, y), gt - numpy.matmul(numpy.matmul(gt, y), a))


@forward(numpy.linalg.pinv)
def pinv(y, a, rcond=None, hermitian=False, rtol=None):
    d[y] = pinv_tangent(d[a], a, y)


# lstsq: x = pinv(a) b (the rank must not change nearby), the residuals |b - a x|^2 (their
# derivative needs a x's optimality: a^T (b - a x) = 0) and the singular values; rank is an
# integer
@reverse(numpy.linalg.lstsq)
def lstsq(y, a, b, rcond=None):
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


@forward(numpy.linalg.lstsq)
def lstsq(y, a, b, rcond=None):
    d[y] = [*lstsq_tangent_a(d[a], a, b, y)]
    d[y] = [*lstsq_tangent_b(d[b], a, b, y)]


# eigh(a).eigenvalues, svd(a).S, slogdet(a).logabsdet, qr(a).R (the lowering's result_field)
@reverse(result_field)
def result_field_adjoint(y, value, name, where):
    d[value] = result_field_grad(d[y], value, name, where)


@forward(result_field)
def result_field_tangent_rule(y, value, name, where):
    d[y] = result_field_tangent(d[value], value, name, where)


@forward(result_field_grad)
def result_field_grad_tangent(y, g, value, name, where):
    d[y] = [*result_field_grad(d[g], value, name, where)]


# -- the decomposition helpers' own tangents (forward mode over an emitted gradient) ---------
@forward(slogdet_weight)
def slogdet_weight_tangent(y, g, sign):
    d[y] = slogdet_weight(d[g], sign)
    d[y] = slogdet_weight_sign_tangent(g, d[sign])


@forward(matrix_power_grad)
def matrix_power_grad_tangent_rule(y, g, a, n):
    d[y] = matrix_power_grad(d[g], a, n)
    d[y] = matrix_power_grad_tangent(g, d[a], a, n)


linear(cholesky_lower, "x")
linear(lower_half, "x")
linear(hermitian_fold, "g")
linear(hermitian_from, "t")
linear(diag_embed, "x")


@forward(eig_vector_cotangent)
def eig_vector_cotangent_tangent_rule(y, g, v):
    d[y] = eig_vector_cotangent(d[g], v)
    d[y] = eig_vector_cotangent_tangent(g, d[v], v)


linear(fft_real_part, "g")


@forward(safe_reciprocal)
def safe_reciprocal_tangent_rule(y, s):
    d[y] = safe_reciprocal_tangent(d[s], s)


@forward(svd_factors)
def svd_factors_tangent(y, y0, a, compute_uv):
    d[y] = [*svd_factors_given(d[y0], y0, a, compute_uv)]
    d[y] = [*svd_factors_recomputed(d[a], y0, a, compute_uv)]


@forward(svd_cotangents)
def svd_cotangents_tangent(y, g, factors, compute_uv):
    d[y] = [*svd_cotangents(d[g], factors, compute_uv)]


linear(as_columns, "x")
linear(lstsq_residual_weight, "g")


@forward(eig_gaps)
def eig_gaps_tangent_rule(y, w):
    d[y] = eig_gaps_tangent(d[w], w)


# eigh's tangent moves with the eigenvalues and vectors it is given (forward over forward)
@forward(eigh_tangent)
def eigh_tangent_rule(y, t, w, v, uplo):
    d[y] = eigh_tangent(d[t], w, v, uplo)
    d[y] = eigh_tangent_moved(t, w, v, uplo, d[w], v * 0)
    d[y] = eigh_tangent_moved(t, w, v, uplo, w * 0, d[v])

