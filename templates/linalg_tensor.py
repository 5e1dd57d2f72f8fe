"""numpy.linalg.tensorsolve and tensorinv: the matrix solve and inverse of the arrays folded
into matrices (the leading axes of a as rows, the others as columns).

tensorsolve(a, b) is the x with tensordot(a, x, x.ndim) = b: with A the matrix of a (b.size
rows, x.size columns), x = A^-1 b, so d/db = A^-T g and d/da = -(A^-T g) x^T, each folded back
to its array's shape. axes= (a's axes moved first) is refused at the user's line.
tensorinv(a, ind) is the inverse of the matrix of a (the first `ind` axes as rows): as inv,
d/dA = -Y^T G Y^T with Y the inverse, unfolded to the shapes. numpy.linalg.cond (of matrices
and stacks of them, every p NumPy takes) as the product of two norms, x's and its inverse's.
"""
import numpy

from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime_linalg import pinv_tangent
from srcdiff.runtime_linalg_more import cond_order
from srcdiff.runtime import norm_weights


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


# cond(x, p) = norm(x, p) * norm(inv(x), p) over the last two axes (numpy.linalg.cond's own
# definition for p other than None, 2, -2; for those, of M x N matrices too, the same product
# with pinv(x): s_1 / s_n, or s_n / s_1 for -2). Both norms' weights are norm_weights' and the
# inverse's adjoint is pinv's (-Y^T G Y^T for a square invertible x), so second derivatives
# follow from their rules. Defined where the norms are (a tie in a 1 / inf norm's largest
# column or row sum, or a repeated extreme singular value, is a kink: the weights are split)
# and x has full rank.
@reverse(numpy.linalg.cond)
def cond(y, x, p=None):
    order = cond_order(p)
    inverse = numpy.linalg.pinv(x)
    top = numpy.linalg.norm(x, ord=order, axis=(-2, -1), keepdims=True)
    bottom = numpy.linalg.norm(inverse, ord=order, axis=(-2, -1), keepdims=True)
    g = numpy.expand_dims(d[y], (-2, -1))
    gi = g * top * norm_weights(inverse, bottom, order, (-2, -1), True)
    it = numpy.swapaxes(inverse, -1, -2)
    git = numpy.swapaxes(gi, -1, -2)
    d[x] = g * bottom * norm_weights(x, top, order, (-2, -1), True) - \
        numpy.matmul(it, numpy.matmul(gi, it)) + \
        numpy.matmul(git - numpy.matmul(x, numpy.matmul(inverse, git)),
                     numpy.matmul(inverse, it)) + \
        numpy.matmul(numpy.matmul(it, inverse), git - numpy.matmul(numpy.matmul(git, inverse), x))


@forward(numpy.linalg.cond)
def cond(y, x, p=None):
    order = cond_order(p)
    inverse = numpy.linalg.pinv(x)
    top = numpy.linalg.norm(x, ord=order, axis=(-2, -1), keepdims=True)
    bottom = numpy.linalg.norm(inverse, ord=order, axis=(-2, -1), keepdims=True)
    d[y] = numpy.sum(bottom * norm_weights(x, top, order, (-2, -1), True) * d[x],
                     axis=(-2, -1)) + \
        numpy.sum(top * norm_weights(inverse, bottom, order, (-2, -1), True) *
                  pinv_tangent(d[x], x, inverse), axis=(-2, -1))


nondifferentiable(cond_order)
