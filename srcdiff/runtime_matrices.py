"""Runtime helpers of products and linear algebra (run time: called by emitted code, through
the rules of templates/ (arithmetic's `@`, linalg, reductions' norms) it splices in; a leaf
importing numpy and srcdiff's runtime leaves). Takes the primal values and the adjoint or
tangent; gives back a new array.

Adjoints of `@`, numpy.dot and numpy.inner for vectors, matrices and stacks; the weights of
vector and matrix norms (`norm_weights`, and `check_norm_order`, the guard emitted before a
norm of complex values); determinants through the cofactor matrix; numpy.linalg.solve. Each
takes the primal values and the adjoint (or tangent) and returns a new array; none writes
its arguments. Self-contained, so the codegen command can copy them.
"""
import numpy

from .errors import RuntimeRefusal  # the codegen command copies it (and its base) along
from .runtime_adjoint import unbroadcast
from .runtime_checks import refuse
from .runtime_numpy import safe_divide


def check_norm_order(x, ord, axis, kind, where):
    """Before a norm of complex values: srcdiff differentiates only the 2-norm of vectors and
    the Frobenius norm there (the other orders' weights are not worked out for them)."""
    if ord is None or ord == "fro" or not numpy.iscomplexobj(x):
        return
    if ord == 2 and not norm_axes(x, ord, axis, kind)[1]:
        return
    refuse(f"srcdiff differentiates norms of complex values only of the default order, "
           f"ord=2 of vectors and ord='fro', not ord={ord!r}",
           "write the norm out with numpy.abs and numpy.sum (or numpy.max)", where)


def matmul_grad_left(grad, a, b):
    """Adjoint of `a` in `a @ b`, for vectors, matrices and stacks of them.

    New axes by indexing (`g[..., None]`), which Dask also does for lengths it does not
    know yet (unknown chunk sizes), where `expand_dims` reshapes and cannot."""
    if numpy.ndim(b) == 1:
        if numpy.ndim(a) == 1:
            return grad * b
        return unbroadcast(grad[..., None] * b, a)
    if numpy.ndim(a) == 1:
        return unbroadcast(numpy.matmul(b, grad[..., None])[..., 0], a)
    return unbroadcast(numpy.matmul(grad, numpy.swapaxes(b, -1, -2)), a)


def matmul_grad_right(grad, a, b):
    """Adjoint of `b` in `a @ b`, for vectors, matrices and stacks of them."""
    if numpy.ndim(a) == 1:
        if numpy.ndim(b) == 1:
            return grad * a
        return unbroadcast(a[..., None] * grad[..., None, :], b)
    if numpy.ndim(b) == 1:
        return unbroadcast(numpy.matmul(numpy.swapaxes(a, -1, -2),
                                        grad[..., None])[..., 0], b)
    return unbroadcast(numpy.matmul(numpy.swapaxes(a, -1, -2), grad), b)


def dot_grad_left(grad, a, b):
    """Adjoint of `a` in numpy.dot(a, b), for scalars, vectors, matrices and N-d arrays."""
    a, b = [numpy.asarray(v) if isinstance(v, (list, tuple)) else v for v in (a, b)]
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 2 and nb == 2:
        return numpy.matmul(grad, numpy.swapaxes(b, 0, 1))  # two matrices: no tensordot
    if na == 0 or nb == 0:
        out = grad * b
        return numpy.sum(out) if na == 0 else out
    if nb == 1:
        return numpy.multiply.outer(grad, b) if na > 1 else grad * b
    gaxes = tuple(range(na - 1, numpy.ndim(grad)))
    baxes = tuple(i for i in range(nb) if i != nb - 2)
    return numpy.tensordot(grad, b, axes=(gaxes, baxes))


def dot_grad_right(grad, a, b):
    """Adjoint of `b` in numpy.dot(a, b), for scalars, vectors, matrices and N-d arrays."""
    a, b = [numpy.asarray(v) if isinstance(v, (list, tuple)) else v for v in (a, b)]
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 2 and nb == 2:
        return numpy.matmul(numpy.swapaxes(a, 0, 1), grad)  # two matrices: no tensordot
    if na == 0 or nb == 0:
        out = grad * a
        return numpy.sum(out) if nb == 0 else out
    lead = tuple(range(na - 1))
    out = numpy.tensordot(a, grad, axes=(lead, lead))
    return out if nb == 1 else numpy.moveaxis(out, 0, -2)


def norm_axes(x, ord, axis, kind):
    """(reduced axes, whether it is a matrix norm, the ord in effect) for a norm of x."""
    ndim = numpy.ndim(x)
    if kind == "matrix":
        axes, matrix = (ndim - 2, ndim - 1), True
    elif axis is None:
        axes = tuple(range(ndim))
        matrix = kind == "norm" and ord is not None and ndim == 2
    else:
        axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
        axes = tuple(sorted(int(a) % ndim for a in axes))
        matrix = kind == "norm" and len(axes) == 2
    if ord is None:
        ord = "fro" if matrix else 2
    return axes, matrix, ord


def norm_weights(x, y, ord, axis, keepdims, kind="norm"):
    """dy/dx for a norm y of x: dy = sum over the reduced axes of (W * dx); returns W.

    `kind` is 'norm' (numpy.linalg.norm), 'vector' (vector_norm: any axes,
    flattened) or 'matrix' (matrix_norm over the last two axes). At a kink
    (a zero norm, ties in a max) the derivative is split evenly or is zero.
    """
    if isinstance(x, (list, tuple)):  # numpy.linalg.norm([a, b]): the array it makes
        x = numpy.asarray(x)
    axes, matrix, ord = norm_axes(x, ord, axis, kind)
    ye = y
    if not keepdims:
        shape = list(numpy.shape(y))
        for ax in axes:
            shape.insert(ax, 1)
        ye = numpy.reshape(y, tuple(shape))
    if ord == "fro" or (ord == 2 and not matrix):
        return safe_divide(numpy.conjugate(x) if numpy.iscomplexobj(x) else x, ye)
    if numpy.iscomplexobj(x):  # refused before, where the norm is taken (check_norm_order)
        raise RuntimeRefusal(f"srcdiff differentiates norms of complex values only of the "
                             f"default order, ord=2 of vectors and ord='fro', not ord={ord!r}",
                             hint="write the norm out with numpy.abs and numpy.sum")
    absx = numpy.abs(x)
    sign = numpy.sign(x)
    if not matrix:
        if ord == numpy.inf or ord == -numpy.inf:
            hit = absx == ye
            count = numpy.sum(hit, axis=axes, keepdims=True)
            return sign * hit / numpy.maximum(count, 1)
        if ord == 0:
            return x * 0
        if ord == 1:
            return sign
        p = float(ord)
        nonzero = (absx != 0) & (ye != 0)  # 0 at a zero element (as abs), whatever p is
        ratio = (numpy.where(nonzero, absx, 1) / numpy.where(ye != 0, ye, 1)) ** (p - 1)
        return sign * numpy.where(nonzero, ratio, 0)
    r, c = axes
    if ord in (1, -1, numpy.inf, -numpy.inf):
        along = r if ord in (1, -1) else c
        sums = numpy.sum(absx, axis=along, keepdims=True)
        hit = sums == ye
        count = numpy.sum(hit, axis=axes, keepdims=True)
        return sign * hit / numpy.maximum(count, 1)
    if ord in ("nuc", 2, -2):
        u, s, vh = numpy.linalg.svd(numpy.moveaxis(x, (r, c), (-2, -1)), full_matrices=False)
        if ord == 2:
            u, vh = u[..., :, :1], vh[..., :1, :]
        elif ord == -2:
            u, vh = u[..., :, -1:], vh[..., -1:, :]
        weights = numpy.moveaxis(numpy.matmul(u, vh), (-2, -1), (r, c))
        return numpy.where(ye == 0, weights * 0, weights)  # zero norm: zero, not an SVD's pick
    raise NotImplementedError(f"srcdiff has no derivative for the norm ord={ord!r}")


def det_cofactor(a):
    """The cofactor matrix adj(a)^T of stacks of square matrices: the derivative of
    numpy.linalg.det (d det(a) = sum(det_cofactor(a) * da)), equal to det(a) inv(a)^T where a
    is invertible and defined at singular matrices too. Through the SVD a = U diag(s) V^H:
    adj(a) = det(U) det(V^H) V diag(prod_{j != i} s_j) U^H, a product with no division."""
    if numpy.shape(a)[-1] == 0:  # a 0 x 0 matrix has no cofactors
        return a * 0.0
    u, s, vh = numpy.linalg.svd(a)
    ones = numpy.ones_like(s[..., :1])
    left = numpy.cumprod(numpy.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    right = numpy.flip(numpy.cumprod(numpy.concatenate(
        [ones, numpy.flip(s[..., 1:], axis=-1)], axis=-1), axis=-1), axis=-1)
    others = left * right  # prod_{j != i} s_j
    phase = numpy.linalg.det(u) * numpy.linalg.det(vh)
    # adj(a)^T = conj(U) diag(others) conj(V^H)
    cof = numpy.matmul(numpy.conjugate(u) * others[..., None, :], numpy.conjugate(vh))
    return phase[..., None, None] * cof


def det_grad(grad, a):
    """The adjoint of numpy.linalg.det: grad * adj(a)^T (grad * det(a) * inv(a)^T where a is
    invertible), for stacks of matrices, singular ones included."""
    return numpy.expand_dims(numpy.expand_dims(grad, -1), -1) * det_cofactor(a)


def solve_grad_b(grad, a, b):
    """The adjoint of b in numpy.linalg.solve(a, b), before unbroadcasting: solve(a^T, grad)."""
    at = numpy.swapaxes(a, -1, -2)
    if numpy.ndim(b) == 1:
        return numpy.linalg.solve(at, grad[..., None])[..., 0]
    return numpy.linalg.solve(at, grad)


def solve_grad_a(grad_b, b, x):
    """The adjoint of a in numpy.linalg.solve(a, b), from solve_grad_b and the solution x."""
    if numpy.ndim(b) == 1:
        return -(grad_b[..., :, None] * x[..., None, :])
    return -numpy.matmul(grad_b, numpy.swapaxes(x, -1, -2))


def solve_tangent_a(tangent, a, b, x):
    """The tangent of numpy.linalg.solve(a, b) from a's tangent: -solve(a, da @ x)."""
    if numpy.ndim(b) == 1:
        return -numpy.linalg.solve(a, numpy.matmul(tangent, x[..., None]))[..., 0]
    return -numpy.linalg.solve(a, numpy.matmul(tangent, x))


def inner_grad(grad, a, b, which):
    """The adjoint of a (which=0) or b (which=1) in numpy.inner(a, b)."""
    a, b = [numpy.asarray(v) if isinstance(v, (list, tuple)) else v for v in (a, b)]
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 0 or nb == 0:
        out = grad * (b if which == 0 else a)
        return numpy.sum(out) if (na if which == 0 else nb) == 0 else out
    if which == 0:
        gaxes = tuple(range(na - 1, na - 1 + nb - 1))
        return numpy.tensordot(grad, b, axes=(gaxes, tuple(range(nb - 1))))
    return numpy.tensordot(grad, a, axes=(tuple(range(na - 1)), tuple(range(na - 1))))
