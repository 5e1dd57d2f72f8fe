"""numpy.linalg.tensorsolve and tensorinv: the matrix solve and inverse of the arrays folded
into matrices (the leading axes of a as rows, the others as columns).

tensorsolve(a, b) is the x with tensordot(a, x, x.ndim) = b: with A the matrix of a (b.size
rows, x.size columns), x = A^-1 b, so d/db = A^-T g and d/da = -(A^-T g) x^T, each folded back
to its array's shape. axes= (a's axes moved first) is refused at the user's line.
tensorinv(a, ind) is the inverse of the matrix of a (the first `ind` axes as rows): as inv,
d/dA = -Y^T G Y^T with Y the inverse, unfolded to the shapes. numpy.linalg.cond (the 2-norm
condition number, of matrices and stacks of them) from the extreme singular pairs.
"""
import numpy

from srcdiff.rules import d, forward, reverse


@reverse(numpy.linalg.tensorsolve)
def tensorsolve(y, a, b):
    matrix = numpy.reshape(a, (numpy.size(b), numpy.size(y)))
    gb = numpy.linalg.solve(numpy.transpose(matrix), numpy.reshape(d[y], (-1,)))
    d[b] = numpy.reshape(gb, numpy.shape(b))
    d[a] = -numpy.reshape(numpy.outer(gb, numpy.reshape(y, (-1,))), numpy.shape(a))


@forward(numpy.linalg.tensorsolve)
def tensorsolve(y, a, b):
    d[y] = numpy.linalg.tensorsolve(a, d[b])
    d[y] = -numpy.linalg.tensorsolve(a, numpy.tensordot(d[a], y, numpy.ndim(y)))


@reverse(numpy.linalg.tensorinv)
def tensorinv(y, a, ind=2):
    inverse = numpy.reshape(y, (numpy.size(a) // numpy.size(a[(0,) * ind]), -1))
    g = numpy.reshape(d[y], numpy.shape(inverse))
    d[a] = -numpy.reshape(numpy.matmul(numpy.transpose(inverse), numpy.matmul(
        g, numpy.transpose(inverse))), numpy.shape(a))


@forward(numpy.linalg.tensorinv)
def tensorinv(y, a, ind=2):
    inverse = numpy.reshape(y, (numpy.size(a) // numpy.size(a[(0,) * ind]), -1))
    d[y] = -numpy.reshape(numpy.matmul(inverse, numpy.matmul(numpy.reshape(
        d[a], (numpy.shape(inverse)[1], -1)), inverse)), numpy.shape(y))


# cond(x) = s_1 / s_n, the largest singular value over the smallest (of each matrix of a
# stack, M x N): ds = u^T dx v, so d/dx = u_1 v_1^T / s_n - s_1 / s_n^2 u_n v_n^T. Defined where
# s_1 and s_n are simple and s_n > 0 (a repeated extreme singular value is a kink: the
# formula then takes one of its singular pairs). p= (another norm) is refused at the user's
# line: write p='fro' as norm(x, 'fro') * norm(inv(x), 'fro'), which srcdiff differentiates.
@reverse(numpy.linalg.cond)
def cond(y, x):
    usv = numpy.linalg.svd(x, full_matrices=False)
    first = numpy.matmul(usv[0][..., :, :1], usv[2][..., :1, :])
    last = numpy.matmul(usv[0][..., :, -1:], usv[2][..., -1:, :])
    top = usv[1][..., :1, None]
    bottom = usv[1][..., -1:, None]
    d[x] = numpy.expand_dims(d[y], (-2, -1)) * (first / bottom - top / (bottom * bottom) * last)


@forward(numpy.linalg.cond)
def cond(y, x):
    usv = numpy.linalg.svd(x, full_matrices=False)
    first = numpy.matmul(usv[0][..., :, :1], usv[2][..., :1, :])
    last = numpy.matmul(usv[0][..., :, -1:], usv[2][..., -1:, :])
    top = usv[1][..., :1, None]
    bottom = usv[1][..., -1:, None]
    d[y] = numpy.sum(d[x] * (first / bottom - top / (bottom * bottom) * last), axis=(-2, -1))
