"""Runtime helpers of the linear-algebra rules, templates/linalg.py: argument checks placed
before decompositions, the small linear pieces the decompositions' rules compose, the fields
of their named tuples, eig (run time: called by emitted code; a leaf importing numpy and
srcdiff's runtime leaves; checks.py places its argument checks). Takes a decomposition's
arguments, results and cotangent or tangent; gives back a new array, or nothing for a check
that passes.

The FFT's helpers are in runtime_fft.py, the bilinear products' in runtime_products.py (read
from here, imported at the first such read). Each is a plain NumPy function of its arguments
(CuPy or Dask arrays stay where they are) with a tangent rule beside the templates that call
it; the codegen command copies a helper's source into the module it writes (so no helper
reads a module-level constant).
"""
import numpy

from .runtime_checks import refuse
from .runtime_polynomials import polynomial_checks
# the FFT's and the bilinear products' helpers, read from here by templates/fft.py and linalg.py:
# imported at the first such read (module __getattr__): a transform needing neither imports neither
_ELSEWHERE = dict.fromkeys((
    "fft_axes", "fft_fit", "fft_real_part", "fft_swap_norm", "fft_complex_adjoint",
    "fft_real_adjoint", "fft_inverse_real_adjoint", "fft_double_inner", "hfft_adjoint",
    "ihfft_adjoint", "fftshift_adjoint"), "runtime_fft")
_ELSEWHERE.update(dict.fromkeys((
    "kron_grad", "cross_grad", "cross_as3", "tensordot_axes", "tensordot_grad", "einsum_parse",
    "einsum_operands", "einsum_apply", "einsum_grad", "einsum_grad_along"), "runtime_products"))


def __getattr__(name):
    module = _ELSEWHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib
    value = getattr(importlib.import_module(f"{__package__}.{module}"), name)
    globals()[name] = value
    return value


def argument_checks():
    """{function: (check, names of the arguments it is given)}: checks placed before such a
    call in the primal code (srcdiff.checks), refusing at the user's line the values its
    rule does not cover; each check takes those arguments, then where ('FILE:LINE');
    the polynomials' are runtime_polynomials' (polynomial_checks)."""
    return {numpy.einsum: (check_einsum, ["subscripts"]), **polynomial_checks(),
            numpy.linalg.cholesky: (check_real_matrix, ["a"]),
            numpy.linalg.eigh: (check_real_matrix, ["a"]),
            numpy.linalg.eigvalsh: (check_real_matrix, ["a"]),
            numpy.linalg.svd: (check_svd, ["a", "full_matrices", "compute_uv", "hermitian"]),
            numpy.linalg.qr: (check_qr, ["a", "mode"]),
            numpy.linalg.pinv: (check_pinv, ["a", "hermitian"]),
            numpy.linalg.lstsq: (check_lstsq, ["a", "b"])}


def check_real_matrix(a, where, what="this decomposition"):
    """Complex matrices: the rules of cholesky, eigh, eigvalsh, svd, qr, pinv and lstsq are
    worked out for real ones only."""
    if numpy.iscomplexobj(a):
        refuse(f"srcdiff differentiates {what} of real matrices only, not complex ones",
               "split the matrix into real and imaginary parts and write the complex "
               "algebra with real matrices", where)


def check_svd(a, full_matrices, compute_uv, hermitian, where):
    """svd: real, hermitian=False, and the vectors with full_matrices=True only of square
    matrices (the extra columns of u or rows of vh are any orthonormal completion: no
    derivative)."""
    check_real_matrix(a, where, "numpy.linalg.svd")
    if hermitian:
        refuse("srcdiff differentiates numpy.linalg.svd with hermitian=False only",
               "leave hermitian out (the SVD is the same for a symmetric matrix), or use "
               "numpy.linalg.eigh", where)
    shape = numpy.shape(a)
    if compute_uv and full_matrices and shape[-1] != shape[-2]:
        refuse("numpy.linalg.svd with full_matrices=True of a non-square matrix has no "
               "derivative (the extra singular vectors are any orthonormal completion)",
               "pass full_matrices=False", where)


def check_qr(a, mode, where):
    """qr: real, mode='reduced', at least as many rows as columns."""
    check_real_matrix(a, where, "numpy.linalg.qr")
    if mode != "reduced":
        refuse(f"srcdiff differentiates numpy.linalg.qr with mode='reduced' only, not "
               f"mode={mode!r}", "use the default mode='reduced'", where)
    shape = numpy.shape(a)
    if shape[-2] < shape[-1]:
        refuse("srcdiff differentiates numpy.linalg.qr of matrices with at least as many "
               "rows as columns only", "take the QR decomposition of the transpose (an LQ "
               "decomposition) or of the leading square block", where)


def check_pinv(a, hermitian, where):
    check_real_matrix(a, where, "numpy.linalg.pinv")
    if hermitian:
        refuse("srcdiff differentiates numpy.linalg.pinv with hermitian=False only "
               "(hermitian=True reads one triangle)", "leave hermitian out", where)


def check_lstsq(a, b, where):
    check_real_matrix(a, where, "numpy.linalg.lstsq")
    check_real_matrix(b, where, "numpy.linalg.lstsq")


def check_einsum(subscripts, where):
    """Before numpy.einsum differentiated: the subscripts must be a string (the interleaved
    form einsum(a, [0, 1], b, [1, 2]) has no rule)."""
    if not isinstance(subscripts, str):
        refuse("srcdiff differentiates numpy.einsum with a subscripts string only, not the "
               "interleaved form einsum(a, [0, 1], b, [1, 2])",
               "write the subscripts as a string: numpy.einsum('ij,jk->ik', a, b)", where)


# -- decompositions: small linear pieces the rules compose (each with a tangent rule) ----------
def linalg_eye(like, n):
    """The n x n identity, an array of `like`'s kind."""
    return numpy.diag(numpy.ones_like(like, shape=(n,)))


def diag_embed(x):
    """Stacks of vectors (last axis) as stacks of diagonal matrices."""
    n = numpy.shape(x)[-1]
    return numpy.expand_dims(x, -1) * linalg_eye(x, n)


def eig_gaps(w):
    """F[..., i, j] = 1 / (w[j] - w[i]), and 0 where w[j] == w[i] (the diagonal, and
    eigenvalues repeated exactly): the weights of the eigenvector terms.

    At a repeated eigenvalue the eigenvectors are any basis of its eigenspace: a loss that
    depends on which one has no derivative there, while one that does not (the eigenvalues,
    a projector onto the whole eigenspace) gets its derivative with these terms taken as 0."""
    e = numpy.expand_dims(w, -2) - numpy.expand_dims(w, -1)
    return e / (e * e + (e == 0))


def eig_gaps_tangent(t, w):
    """The tangent of eig_gaps(w) along t."""
    f = eig_gaps(w)
    return -f * f * (numpy.expand_dims(t, -2) - numpy.expand_dims(t, -1))


def matrix_t(x):
    return numpy.swapaxes(x, -1, -2)


def hermitian_fold(g, uplo):
    """The adjoint of reading a symmetric matrix from one triangle ('L' or 'U'): an entry
    off the diagonal stands for two, the other triangle is never read."""
    both = g + matrix_t(g)
    strict = numpy.tril(both, -1) if str(uplo).upper() == "L" else numpy.triu(both, 1)
    return strict + diag_embed(numpy.diagonal(g, 0, -2, -1))


def hermitian_from(t, uplo):
    """The symmetric matrix one triangle of t ('L' or 'U') stands for."""
    if str(uplo).upper() == "L":
        return numpy.tril(t) + matrix_t(numpy.tril(t, -1))
    return numpy.triu(t) + matrix_t(numpy.triu(t, 1))


def lower_half(x):
    """The strictly lower triangle of x and half its diagonal (Cholesky's Phi)."""
    return numpy.tril(x, -1) + 0.5 * diag_embed(numpy.diagonal(x, 0, -2, -1))


def cholesky_lower(x, upper):
    """The lower factor from what numpy.linalg.cholesky returned (its transpose if upper)."""
    return matrix_t(x) if upper else x


def eigh_tangent(t, w, v, uplo):
    """(dw, dv) of numpy.linalg.eigh along t (one triangle of it read, as eigh reads a)."""
    m = numpy.matmul(matrix_t(v), numpy.matmul(hermitian_from(t, uplo), v))
    return numpy.diagonal(m, 0, -2, -1), numpy.matmul(v, eig_gaps(w) * m)


def eigh_tangent_moved(t, w, v, uplo, dw, dv):
    """The tangent of eigh_tangent(t, w, v, uplo) as w moves along dw and v along dv (t held):
    with m = v^T H v, dm = dv^T H v + v^T H dv, F = eig_gaps(w): (diag dm, dv (F m) +
    v (dF m + F dm))."""
    h = hermitian_from(t, uplo)
    m = numpy.matmul(matrix_t(v), numpy.matmul(h, v))
    dm = numpy.matmul(matrix_t(dv), numpy.matmul(h, v)) + numpy.matmul(
        matrix_t(v), numpy.matmul(h, dv))
    f = eig_gaps(w)
    return numpy.diagonal(dm, 0, -2, -1), numpy.matmul(dv, f * m) + numpy.matmul(
        v, eig_gaps_tangent(dw, w) * m + f * dm)


def cholesky_tangent(t, y, upper):
    """dL (dU = dL^T if upper) of numpy.linalg.cholesky along t: L Phi(L^-1 dS L^-T)."""
    low = cholesky_lower(y, upper)
    inv = numpy.linalg.inv(low)
    s = hermitian_from(t, "U" if upper else "L")
    out = numpy.matmul(low, lower_half(numpy.matmul(inv, numpy.matmul(s, matrix_t(inv)))))
    return cholesky_lower(out, upper)


def slogdet_tangent(t, a, sign):
    """(dsign, dlogabsdet) of numpy.linalg.slogdet along t: with u = tr(a^-1 t),
    dlogabsdet = Re u and dsign = sign * i Im u (zero for a real sign)."""
    u = numpy.trace(numpy.linalg.solve(a, t), axis1=-2, axis2=-1)
    if numpy.iscomplexobj(sign) or numpy.iscomplexobj(u):
        return sign * 1j * numpy.imag(u), numpy.real(u)
    return u * 0, u


def slogdet_weight(g, sign):
    """c with the adjoint of a in slogdet(a) = c * inv(a)^T (c per matrix of a stack): the
    log's cotangent and, for a complex sign, its phase's (a real sign is piecewise constant
    and carries no derivative)."""
    gsign, glog = g[0], g[1]
    if numpy.iscomplexobj(sign):
        return glog - 1j * numpy.real(1j * sign * gsign)
    return glog


def slogdet_weight_sign_tangent(g, dsign):
    """The tangent of slogdet_weight(g, sign) along the sign's tangent dsign."""
    if numpy.iscomplexobj(dsign):
        return -1j * numpy.real(1j * dsign * g[0])
    return g[1] * 0


def matrix_power_tangent(t, a, n):
    """The tangent of numpy.linalg.matrix_power(a, n) along t (n < 0: of inv(a)^-n)."""
    if n == 0:
        return t * 0
    if n < 0:
        b = numpy.linalg.inv(a)
        return matrix_power_tangent(-numpy.matmul(b, numpy.matmul(t, b)), b, -n)
    powers = _powers(a, n)
    out = t * 0
    for k in range(n):
        out = out + numpy.matmul(powers[k], numpy.matmul(t, powers[n - 1 - k]))
    return out


def _powers(a, n):
    """[I, a, a^2, ..., a^(n-1)]."""
    out = [linalg_eye(a, numpy.shape(a)[-1]) + a * 0]
    for _ in range(n - 1):
        out.append(numpy.matmul(out[-1], a))
    return out


def matrix_power_grad(g, a, n):
    """The adjoint of a in y = numpy.linalg.matrix_power(a, n): the sum over k of
    (a^T)^k g (a^T)^(n-1-k); for n < 0 through b = inv(a) (b's adjoint ḃ gives -b^T ḃ b^T)."""
    if n == 0:
        return g * 0
    if n < 0:
        b = numpy.linalg.inv(a)
        gb = matrix_power_grad(g, b, -n)
        return -numpy.matmul(matrix_t(b), numpy.matmul(gb, matrix_t(b)))
    return matrix_power_tangent(g, matrix_t(a), n) if n > 1 else g + a * 0


def matrix_power_grad_tangent(g, t, a, n):
    """The tangent of matrix_power_grad(g, a, n) along a's tangent t."""
    if n == 0 or n == 1:
        return g * 0 + t * 0
    if n < 0:
        b = numpy.linalg.inv(a)
        db = -numpy.matmul(b, numpy.matmul(t, b))
        gb = matrix_power_grad(g, b, -n)
        dgb = matrix_power_grad_tangent(g, db, b, -n)
        bt, dbt = matrix_t(b), matrix_t(db)
        return -(numpy.matmul(dbt, numpy.matmul(gb, bt)) + numpy.matmul(bt, numpy.matmul(dgb, bt))
                 + numpy.matmul(bt, numpy.matmul(gb, dbt)))
    at, tt = matrix_t(a), matrix_t(t)
    powers = _powers(at, n)
    tangents = [t * 0]
    for k in range(1, n):
        tangents.append(numpy.matmul(tangents[-1], at) + numpy.matmul(powers[k - 1], tt))
    out = g * 0
    for k in range(n):
        out = out + numpy.matmul(tangents[k], numpy.matmul(g, powers[n - 1 - k])) \
            + numpy.matmul(powers[k], numpy.matmul(g, tangents[n - 1 - k]))
    return out


def safe_reciprocal(s):
    """1 / s, and 0 where s is 0 (a zero singular value: its vectors' terms are left out)."""
    return (s != 0) / (s + (s == 0))


def safe_reciprocal_tangent(t, s):
    r = safe_reciprocal(s)
    return -t * r * r


def svd_factors(y, a, compute_uv):
    """(u, s, vh) of the reduced SVD: numpy.linalg.svd's result, or, where it gave the
    singular values alone (compute_uv=False), the factors computed again."""
    if compute_uv:
        return list(y)
    return list(numpy.linalg.svd(a, full_matrices=False))


def svd_factors_given(t, y, a, compute_uv):
    """The tangent of svd_factors along y's tangent t."""
    if compute_uv:
        return list(t)
    u, s, vh = numpy.linalg.svd(a, full_matrices=False)
    return [u * 0, t * 0, vh * 0]


def svd_factors_recomputed(t, y, a, compute_uv):
    """The tangent of svd_factors along a's tangent t."""
    if compute_uv:
        return [y[0] * 0, y[1] * 0, y[2] * 0]
    u, s, vh = numpy.linalg.svd(a, full_matrices=False)
    return list(svd_tangent(t, u, s, vh))


def svd_cotangents(g, factors, compute_uv):
    """[gu, gs, gvh]: the adjoint of svd's result, zeros for the factors it did not return."""
    if compute_uv:
        return list(g)
    return [factors[0] * 0, g, factors[2] * 0]


def svd_tangent(t, u, s, vh):
    """(du, ds, dvh) of the reduced SVD a = u diag(s) vh along t (distinct, nonzero
    singular values where the vectors are followed)."""
    v = matrix_t(vh)
    dp = numpy.matmul(matrix_t(u), numpy.matmul(t, v))
    f = eig_gaps(s * s)
    srow, scol = numpy.expand_dims(s, -2), numpy.expand_dims(s, -1)
    dpt = matrix_t(dp)
    inv = numpy.expand_dims(safe_reciprocal(s), -2)
    du = numpy.matmul(u, f * (dp * srow + scol * dpt))
    tv = numpy.matmul(t, v)
    du = du + (tv - numpy.matmul(u, numpy.matmul(matrix_t(u), tv))) * inv
    dv = numpy.matmul(v, f * (scol * dp + dpt * srow))
    ttu = numpy.matmul(matrix_t(t), u)
    dv = dv + (ttu - numpy.matmul(v, numpy.matmul(vh, ttu))) * inv
    return du, numpy.diagonal(dp, 0, -2, -1), matrix_t(dv)


def svd_tangent_of(t, a, y, compute_uv):
    """numpy.linalg.svd's result's tangent along t (the singular values' alone for
    compute_uv=False)."""
    if compute_uv:
        return svd_tangent(t, y[0], y[1], y[2])
    u, s, vh = numpy.linalg.svd(a, full_matrices=False)
    return svd_tangent(t, u, s, vh)[1]


def qr_tangent(t, q, r):
    """(dq, dr) of the reduced QR decomposition a = q r (m >= n, full rank) along t."""
    rinv = numpy.linalg.inv(r)
    x = numpy.matmul(matrix_t(q), numpy.matmul(t, rinv))
    low = numpy.tril(x, -1)
    upper = x - low + matrix_t(low)    # x minus the skew part: upper triangular
    dr = numpy.matmul(upper, r)
    dq = numpy.matmul(t, rinv) - numpy.matmul(q, upper)
    return dq, dr


def as_columns(x, like):
    """x as a matrix of columns where `like` (lstsq's b) is a vector."""
    return numpy.expand_dims(x, -1) if numpy.ndim(like) == 1 else x


def lstsq_residual_weight(g, x):
    """The residuals' cotangent, one per column of x (zeros where lstsq returned no
    residuals: a rank below n, or m <= n)."""
    if numpy.size(g) == 0:
        ncol = 1 if numpy.ndim(x) == 1 else numpy.shape(x)[-1]
        return numpy.zeros_like(x, shape=(ncol,))
    return g


def pinv_tangent(t, a, p):
    """The tangent of p = pinv(a) along t, where the rank does not change."""
    tt, pt = matrix_t(t), matrix_t(p)
    return -numpy.matmul(p, numpy.matmul(t, p)) + \
        numpy.matmul(numpy.matmul(p, pt), tt - numpy.matmul(numpy.matmul(tt, a), p)) + \
        numpy.matmul(tt - numpy.matmul(p, numpy.matmul(a, tt)), numpy.matmul(pt, p))


def lstsq_tangent_a(t, a, b, y):
    """The tangent of numpy.linalg.lstsq(a, b)'s (x, residuals, rank, s) along a's t."""
    x, res, rank, s = y
    p = numpy.linalg.pinv(a)
    dx = numpy.matmul(pinv_tangent(t, a, p), as_columns(b, b))
    xm = as_columns(x, b)
    if numpy.size(res):
        r = as_columns(b, b) - numpy.matmul(a, xm)
        dres = -2.0 * numpy.sum(r * numpy.matmul(t, xm), axis=-2)
    else:
        dres = res * 0
    u, sv, vh = numpy.linalg.svd(a, full_matrices=False)
    ds = numpy.diagonal(numpy.matmul(matrix_t(u), numpy.matmul(t, matrix_t(vh))), 0, -2, -1)
    return numpy.reshape(dx, numpy.shape(x)), dres, rank * 0, ds


def lstsq_tangent_b(t, a, b, y):
    """The tangent of numpy.linalg.lstsq(a, b)'s result along b's t."""
    x, res, rank, s = y
    p = numpy.linalg.pinv(a)
    dx = numpy.matmul(p, as_columns(t, b))
    if numpy.size(res):
        r = as_columns(b, b) - numpy.matmul(a, as_columns(x, b))
        dres = 2.0 * numpy.sum(r * as_columns(t, b), axis=-2)
    else:
        dres = res * 0
    return numpy.reshape(dx, numpy.shape(x)), dres, rank * 0, s * 0


# -- fields of the decompositions' named tuples: eigh(a).eigenvalues, svd(a).S ------------------
RESULT_FIELDS = ("eigenvalues", "eigenvectors", "U", "S", "Vh", "Q", "R", "sign", "logabsdet")


def returns_tuple(func):
    """Whether func returns a tuple (its adjoint: a list of the items' adjoints)."""
    tuples = (numpy.linalg.eigh, numpy.linalg.eig, numpy.linalg.svd, numpy.linalg.qr,
              numpy.linalg.slogdet, numpy.linalg.lstsq)
    return any(func is f for f in tuples)


def result_field(value, name, where):
    """value.name (the lowering of such an attribute read): an item of a named tuple that a
    decomposition returned, or, of anything else, the attribute itself."""
    position = _field_position(value, name)
    return getattr(value, name) if position is None else value[position]


def _field_position(value, name):
    fields = getattr(type(value), "_fields", None)
    if isinstance(value, tuple) and fields and name in fields:
        return list(fields).index(name)
    return None


def result_field_grad(g, value, name, where):
    """The adjoint of value in y = result_field(value, name, where): g at the field's place
    in a list of zeros (refused, at the user's line, for an attribute of anything else)."""
    position = _field_position(value, name)
    if position is None:
        refuse(f"srcdiff cannot differentiate through the attribute .{name} of a "
               f"{type(value).__name__}", "compute it from arrays with numpy functions", where)
    out = [numpy.zeros_like(item) for item in value]
    out[position] = g
    return out


def result_field_tangent(t, value, name, where):
    """The tangent of result_field(value, name, where) from value's tangent t."""
    position = _field_position(value, name)
    if position is None:
        refuse(f"srcdiff cannot differentiate through the attribute .{name} of a "
               f"{type(value).__name__}", "compute it from arrays with numpy functions", where)
    return t[position]


# -- eig: general matrices, complex results -------------------------------------------------------
# LAPACK scales each eigenvector to unit length with its largest component real; the eigenvector
# derivative V (F o V^-1 dA V) (F = eig_gaps(w)) is corrected by v_j c_j to keep that gauge.
def _largest(v):
    """Per column of v, a one-hot mask of its component of largest modulus."""
    mag = numpy.abs(v)
    return mag == numpy.max(mag, axis=-2, keepdims=True)


def eig_gauge(u, v):
    """c (one per column) with u + v c keeping |v_j| = 1 and v_j's largest component real."""
    c = -numpy.real(numpy.sum(numpy.conjugate(v) * u, axis=-2))
    if not (numpy.iscomplexobj(v) or numpy.iscomplexobj(u)):
        return c
    top = _largest(v)
    up = numpy.sum(u * top, axis=-2)
    vp = numpy.real(numpy.sum(v * top, axis=-2))
    return c - 1j * numpy.imag(up) / vp


def eig_tangent(t, w, v):
    """(dw, dv) of numpy.linalg.eig along t."""
    m = numpy.matmul(numpy.linalg.inv(v), numpy.matmul(t, v))
    u = numpy.matmul(v, eig_gaps(w) * m)
    return numpy.diagonal(m, 0, -2, -1), u + v * numpy.expand_dims(eig_gauge(u, v), -2)


def eig_vector_cotangent(g, v):
    """The cotangent of u = V (F o M) from the eigenvectors' g: g and the adjoint of the
    gauge's correction v_j c_j (linear over the reals in u)."""
    k = numpy.sum(g * v, axis=-2)
    out = g - numpy.expand_dims(numpy.real(k), -2) * numpy.conjugate(v)
    if not (numpy.iscomplexobj(v) or numpy.iscomplexobj(g)):
        return out
    top = _largest(v)
    vp = numpy.real(numpy.sum(v * top, axis=-2))
    return out - 1j * top * numpy.expand_dims(numpy.imag(k) / vp, -2)


def eig_vector_cotangent_tangent(g, dv, v):
    """The tangent of eig_vector_cotangent(g, v) along v's tangent dv (the largest
    component's position is piecewise constant)."""
    k = numpy.sum(g * v, axis=-2)
    dk = numpy.sum(g * dv, axis=-2)
    out = -numpy.expand_dims(numpy.real(dk), -2) * numpy.conjugate(v) \
        - numpy.expand_dims(numpy.real(k), -2) * numpy.conjugate(dv)
    if not (numpy.iscomplexobj(v) or numpy.iscomplexobj(g) or numpy.iscomplexobj(dv)):
        return out
    top = _largest(v)
    vp = numpy.real(numpy.sum(v * top, axis=-2))
    dvp = numpy.real(numpy.sum(dv * top, axis=-2))
    return out - 1j * top * numpy.expand_dims(numpy.imag(dk) / vp
                                              - numpy.imag(k) * dvp / (vp * vp), -2)
