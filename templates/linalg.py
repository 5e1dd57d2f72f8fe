"""Products and linear algebra: dot, inner, vdot, outer, linalg.inv, det, solve.

(matmul and the @ operator are in arithmetic.py; norms are in reductions.py.)
"""
import numpy

from srcdiff.rules import d, forward, nondifferentiable, not_implemented, reverse
from srcdiff.runtime_linalg import (check_einsum, cross_grad, einsum_apply, einsum_grad,
                                    einsum_grad_along, kron_grad, tensordot_grad)
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


not_implemented(numpy.linalg.slogdet, "use numpy.log(numpy.abs(numpy.linalg.det(a)))")
not_implemented(numpy.linalg.pinv, "use numpy.linalg.solve on the normal equations")
not_implemented(numpy.linalg.eigh, "no eigen-decomposition rule yet")
not_implemented(numpy.linalg.eig, "no eigen-decomposition rule yet")
not_implemented(numpy.linalg.svd, "no SVD rule yet; numpy.linalg.norm(x, 2) and "
                "norm(x, 'nuc') have rules")
not_implemented(numpy.linalg.cholesky, "no Cholesky rule yet")
not_implemented(numpy.linalg.qr, "no QR rule yet")
not_implemented(numpy.linalg.lstsq, "solve the normal equations with numpy.linalg.solve")


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
# srcdiff.runtime_linalg.check_einsum). optimize= only picks the order of the contractions.
@reverse(numpy.einsum)
def einsum(y, subscripts, op0, op1=None, op2=None, op3=None, op4=None, op5=None, out=None,
           optimize=False):
    d[op0] = einsum_grad(d[y], subscripts, 0, op0, op1, op2, op3, op4, op5)
    d[op1] = einsum_grad(d[y], subscripts, 1, op0, op1, op2, op3, op4, op5)
    d[op2] = einsum_grad(d[y], subscripts, 2, op0, op1, op2, op3, op4, op5)
    d[op3] = einsum_grad(d[y], subscripts, 3, op0, op1, op2, op3, op4, op5)
    d[op4] = einsum_grad(d[y], subscripts, 4, op0, op1, op2, op3, op4, op5)
    d[op5] = einsum_grad(d[y], subscripts, 5, op0, op1, op2, op3, op4, op5)


@forward(numpy.einsum)
def einsum(y, subscripts, op0, op1=None, op2=None, op3=None, op4=None, op5=None, out=None,
           optimize=False):
    d[y] = einsum_apply(subscripts, optimize, d[op0], op1, op2, op3, op4, op5)
    d[y] = einsum_apply(subscripts, optimize, op0, d[op1], op2, op3, op4, op5)
    d[y] = einsum_apply(subscripts, optimize, op0, op1, d[op2], op3, op4, op5)
    d[y] = einsum_apply(subscripts, optimize, op0, op1, op2, d[op3], op4, op5)
    d[y] = einsum_apply(subscripts, optimize, op0, op1, op2, op3, d[op4], op5)
    d[y] = einsum_apply(subscripts, optimize, op0, op1, op2, op3, op4, d[op5])


# -- the helpers' own tangents (forward mode over an emitted gradient) -----------------------
nondifferentiable(check_einsum)


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


@forward(einsum_apply)
def einsum_apply_tangent(y, subscripts, optimize, op0, op1=None, op2=None, op3=None,
                         op4=None, op5=None):
    d[y] = einsum_apply(subscripts, optimize, d[op0], op1, op2, op3, op4, op5)
    d[y] = einsum_apply(subscripts, optimize, op0, d[op1], op2, op3, op4, op5)
    d[y] = einsum_apply(subscripts, optimize, op0, op1, d[op2], op3, op4, op5)
    d[y] = einsum_apply(subscripts, optimize, op0, op1, op2, d[op3], op4, op5)
    d[y] = einsum_apply(subscripts, optimize, op0, op1, op2, op3, d[op4], op5)
    d[y] = einsum_apply(subscripts, optimize, op0, op1, op2, op3, op4, d[op5])


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
