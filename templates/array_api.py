"""The array-API spellings of NumPy 2: numpy.linalg's matmul, outer, tensordot, trace,
diagonal, vecdot, matrix_transpose, cross and svdvals (the same math as numpy.matmul,
numpy.outer, ... whose rules are in arithmetic.py, linalg.py and shapes.py, with the array
API's signatures: trace and diagonal take the last two axes, cross the last axis), and the
vector products numpy.vecdot, numpy.matvec and numpy.vecmat.

Complex operands follow the convention of the other rules (linalg.py's vdot): an operand the
result is linear in gets the transpose of that linear map applied to the cotangent; one it
is conjugate-linear in (vecdot's and vecmat's first operand) gets that conjugated whole.
svdvals holds for real matrices (as numpy.linalg.svd's rule).
"""
import numpy

from srcdiff.rules import d, forward, real_only, reverse
from srcdiff.runtime import diagonal_grad, matmul_grad_left, matmul_grad_right, unbroadcast
from srcdiff.runtime_linalg import cross_grad, svd_factors, tensordot_grad

_linalg = numpy.linalg

if hasattr(_linalg, "matmul"):   # NumPy 2.0 and later
    @reverse(_linalg.matmul)
    def linalg_matmul(y, x1, x2):
        d[x1] = matmul_grad_left(d[y], x1, x2)
        d[x2] = matmul_grad_right(d[y], x1, x2)

    @forward(_linalg.matmul)
    def linalg_matmul(y, x1, x2):
        d[y] = numpy.matmul(d[x1], x2)
        d[y] = numpy.matmul(x1, d[x2])

    @reverse(_linalg.outer)
    def linalg_outer(y, x1, x2):
        d[x1] = numpy.dot(d[y], x2)
        d[x2] = numpy.dot(x1, d[y])

    @forward(_linalg.outer)
    def linalg_outer(y, x1, x2):
        d[y] = numpy.outer(d[x1], x2)
        d[y] = numpy.outer(x1, d[x2])

    @reverse(_linalg.tensordot)
    def linalg_tensordot(y, x1, x2, *, axes=2):
        d[x1] = tensordot_grad(d[y], x1, x2, axes, 0)
        d[x2] = tensordot_grad(d[y], x1, x2, axes, 1)

    @forward(_linalg.tensordot)
    def linalg_tensordot(y, x1, x2, *, axes=2):
        d[y] = numpy.tensordot(d[x1], x2, axes)
        d[y] = numpy.tensordot(x1, d[x2], axes)

    @reverse(_linalg.trace)
    def linalg_trace(y, x, *, offset=0, dtype=None):
        d[x] = diagonal_grad(numpy.expand_dims(d[y], -1), x, offset, -2, -1)

    @forward(_linalg.trace)
    def linalg_trace(y, x, *, offset=0, dtype=None):
        d[y] = numpy.trace(d[x], offset, -2, -1)

    @reverse(_linalg.diagonal)
    def linalg_diagonal(y, x, *, offset=0):
        d[x] = diagonal_grad(d[y], x, offset, -2, -1)

    @forward(_linalg.diagonal)
    def linalg_diagonal(y, x, *, offset=0):
        d[y] = numpy.diagonal(d[x], offset, -2, -1)

    @reverse(_linalg.matrix_transpose)
    def linalg_matrix_transpose(y, x):
        d[x] = numpy.swapaxes(d[y], -1, -2)

    @forward(_linalg.matrix_transpose)
    def linalg_matrix_transpose(y, x):
        d[y] = numpy.swapaxes(d[x], -1, -2)

    @reverse(_linalg.cross)
    def linalg_cross(y, x1, x2, *, axis=-1):
        d[x1] = cross_grad(d[y], x1, x2, -1, -1, -1, axis, 0)
        d[x2] = cross_grad(d[y], x1, x2, -1, -1, -1, axis, 1)

    @forward(_linalg.cross)
    def linalg_cross(y, x1, x2, *, axis=-1):
        d[y] = numpy.cross(d[x1], x2, axis=axis)
        d[y] = numpy.cross(x1, d[x2], axis=axis)

    # the singular values' derivative: u_i^T da v_i (the vectors' signs cancel)
    @reverse(_linalg.svdvals)
    def linalg_svdvals(y, x):
        f = svd_factors(y, x, False)
        d[x] = numpy.matmul(f[0] * numpy.expand_dims(d[y], -2), f[2])

    @forward(_linalg.svdvals)
    def linalg_svdvals(y, x):
        f = svd_factors(y, x, False)
        d[y] = numpy.sum(numpy.matmul(numpy.swapaxes(f[0], -1, -2), d[x]) * f[2], -1)

    real_only("numpy.linalg.svdvals", _linalg.svdvals)


# vecdot(x1, x2) = sum(conj(x1) * x2, axis): conjugate-linear in x1
if hasattr(numpy, "vecdot"):   # NumPy 2.0 and later
    @reverse(numpy.vecdot, _linalg.vecdot)
    def vecdot(y, x1, x2, *, axis=-1):
        g = numpy.expand_dims(d[y], axis)
        d[x1] = unbroadcast(numpy.conjugate(g * x2), x1)
        d[x2] = unbroadcast(g * numpy.conjugate(x1), x2)

    @forward(numpy.vecdot, _linalg.vecdot)
    def vecdot(y, x1, x2, *, axis=-1):
        d[y] = numpy.sum(numpy.conjugate(d[x1]) * x2, axis)
        d[y] = numpy.sum(numpy.conjugate(x1) * d[x2], axis)


if hasattr(numpy, "matvec"):   # NumPy 2.2 and later
    # matvec(a, v)[..., i] = sum_j a[..., i, j] v[..., j]
    @reverse(numpy.matvec)
    def matvec(y, x1, x2):
        g = numpy.expand_dims(d[y], -1)
        d[x1] = unbroadcast(g * numpy.expand_dims(x2, -2), x1)
        d[x2] = unbroadcast(numpy.sum(g * x1, -2), x2)

    @forward(numpy.matvec)
    def matvec(y, x1, x2):
        d[y] = numpy.matvec(d[x1], x2)
        d[y] = numpy.matvec(x1, d[x2])

    # vecmat(v, a)[..., j] = sum_i conj(v[..., i]) a[..., i, j]: conjugate-linear in v
    @reverse(numpy.vecmat)
    def vecmat(y, x1, x2):
        g = numpy.expand_dims(d[y], -2)
        d[x1] = unbroadcast(numpy.conjugate(numpy.sum(g * x2, -1)), x1)
        d[x2] = unbroadcast(numpy.expand_dims(numpy.conjugate(x1), -1) * g, x2)

    @forward(numpy.vecmat)
    def vecmat(y, x1, x2):
        d[y] = numpy.vecmat(d[x1], x2)
        d[y] = numpy.vecmat(x1, d[x2])
