"""Products and linear algebra: dot, inner, vdot, outer, linalg.inv, det, solve.

(matmul and the @ operator are in arithmetic.py; norms are in reductions.py.)
"""
import numpy

from srcdiff.rules import d, forward, not_implemented, reverse
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


not_implemented(numpy.tensordot, "write the contraction with numpy.matmul/numpy.dot, "
                "reshape and transpose")
not_implemented(numpy.einsum, "write the contraction with numpy.matmul, multiplication and "
                "numpy.sum")
not_implemented(numpy.kron, "build it from numpy.outer and numpy.reshape/transpose")
not_implemented(numpy.cross, "write the cross product from its components")
not_implemented(numpy.linalg.slogdet, "use numpy.log(numpy.abs(numpy.linalg.det(a)))")
not_implemented(numpy.linalg.pinv, "use numpy.linalg.solve on the normal equations")
not_implemented(numpy.linalg.eigh, "no eigen-decomposition rule yet")
not_implemented(numpy.linalg.eig, "no eigen-decomposition rule yet")
not_implemented(numpy.linalg.svd, "no SVD rule yet; numpy.linalg.norm(x, 2) and "
                "norm(x, 'nuc') have rules")
not_implemented(numpy.linalg.cholesky, "no Cholesky rule yet")
not_implemented(numpy.linalg.qr, "no QR rule yet")
not_implemented(numpy.linalg.lstsq, "solve the normal equations with numpy.linalg.solve")
