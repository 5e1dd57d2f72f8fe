"""Every rule in templates/linalg.py against central differences."""
import numpy as np
import pytest

from gradcheck import check
from rule_tables import DOT_SHAPES, INNER_SHAPES

rng = np.random.default_rng(3)


def _x(*shape):
    return rng.normal(size=shape)


def _weights(shape):
    return np.arange(1.0, 1.0 + np.prod(shape, dtype=int)).reshape(shape)


@pytest.mark.parametrize("sa,sb", DOT_SHAPES, ids=[f"{a}x{b}" for a, b in DOT_SHAPES])
def test_dot(sa, sb):
    a, b = _x(*sa), _x(*sb)
    w = _weights(np.shape(np.dot(a, b)))
    check(lambda a, b: np.sum(np.dot(a, b) * w), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(a.dot(b) * w), a, b, wrt=(0, 1))


def test_dot_python_floats():
    check(lambda s, t: np.dot(s, t) * 2.0, 0.3, -0.7, wrt=(0, 1))


@pytest.mark.parametrize("sa,sb", INNER_SHAPES, ids=[f"{a}x{b}" for a, b in INNER_SHAPES])
def test_inner(sa, sb):
    a, b = _x(*sa), _x(*sb)
    w = _weights(np.shape(np.inner(a, b)))
    check(lambda a, b: np.sum(np.inner(a, b) * w), a, b, wrt=(0, 1))


def test_vdot_outer():
    a, b = _x(2, 3), _x(3, 2)
    check(lambda a, b: np.vdot(a, b) * 2.0, a, b, wrt=(0, 1))
    u, v = _x(3), _x(2, 2)
    w = _weights((3, 4))
    check(lambda u, v: np.sum(np.outer(u, v) * w), u, v, wrt=(0, 1))


@pytest.mark.parametrize("sa,sb", [((3, 3), (3, 3)), ((2, 3), (3,)), ((3,), (3, 2)),
                                   ((2, 3, 4), (4, 2)), ((1, 3, 4), (2, 4, 2)), ((3,), (3,))])
def test_matmul(sa, sb):
    a, b = _x(*sa), _x(*sb)
    w = _weights(np.shape(a @ b))
    check(lambda a, b: np.sum((a @ b) * w), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.matmul(a, b) * w), a, b, wrt=(0, 1))


def _well_conditioned(*shape):
    n = shape[-1]
    return _x(*shape) * 0.3 + np.eye(n) * 2.0


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)])
def test_inv(shape):
    a = _well_conditioned(*shape)
    w = _weights(shape)
    check(lambda a: np.sum(np.linalg.inv(a) * w), a)


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3), (1, 1)])
def test_det(shape):
    a = _well_conditioned(*shape)
    w = _weights(shape[:-2])
    check(lambda a: np.sum(np.linalg.det(a) * w), a)


def _rank(n, r, *batch):
    return np.matmul(_x(*batch, n, r), _x(*batch, r, n))


SINGULAR = {"2x2 rank 1": _rank(2, 1), "3x3 rank 2": _rank(3, 2), "3x3 rank 1": _rank(3, 1),
            "4x4 rank 2": _rank(4, 2), "zero 3x3": np.zeros((3, 3)),
            "stack with a singular one": np.stack([_rank(3, 2), _well_conditioned(3, 3)]),
            "stack of singular ones": _rank(3, 2, 2)}


@pytest.mark.parametrize("a", SINGULAR.values(), ids=SINGULAR.keys())
def test_det_at_singular_matrices(a):
    """The derivatives of det used inv(a): LinAlgError 'Singular matrix' (found by the
    random-program tester), though det is a polynomial, smooth everywhere."""
    w = _weights(a.shape[:-2])
    check(lambda a: np.sum(np.linalg.det(a) * w), a)
    check(lambda a: np.sum(np.linalg.det(a * a + 1.0) * w), a)  # singular only where a is
    check(lambda a: np.sum(np.linalg.det(a) ** 2 * w), a)


@pytest.mark.parametrize("a", [_x(2, 2) + 1j * _x(2, 2), _x(3, 3) + 1j * _x(3, 3),
                               _rank(3, 2) * (1 + 2j), _rank(3, 1) * (1 - 1j)],
                         ids=["2x2", "3x3", "3x3 rank 2", "3x3 rank 1"])
def test_det_of_complex_matrices(a):
    """det is holomorphic: its rules take no conjugate (the complex rules' convention)."""
    check(lambda a: np.real(np.linalg.det(a)) + 2.0 * np.imag(np.linalg.det(a)), a)
    check(lambda a: np.abs(np.linalg.det(a) + 0.5) ** 2, a)


@pytest.mark.parametrize("sa,sb", [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 2)),
                                   ((2, 3, 3), (3, 1)), ((3, 3), (2, 3, 2)),
                                   ((2, 3, 3), (3,))])
def test_solve(sa, sb):
    a, b = _well_conditioned(*sa), _x(*sb)
    w = _weights(np.shape(np.linalg.solve(a, b)))
    check(lambda a, b: np.sum(np.linalg.solve(a, b) * w), a, b, wrt=(0, 1))


# -- numpy.vdot of complex values: conjugate-linear in its first argument ------------------
import srcdiff  # noqa: E402


from gradcheck import complex_numerical_grad as _complex_fd  # noqa: E402


B_COMPLEX = np.array([0.5 - 1.0j, 2.0 + 0.5j, -0.3 + 0.2j])


def vdot_first(z):
    v = np.vdot(z, B_COMPLEX)
    return np.real(v) * 2.0 + np.imag(v) * 3.0 + np.real(v * v)


def vdot_second(z):
    v = np.vdot(B_COMPLEX, z)
    return np.real(v) * 2.0 + np.imag(v) * 3.0 + np.real(v * v)


def vdot_self(z):
    v = np.vdot(z, z * 1j + 1.0)
    return np.real(v) - 2.0 * np.imag(v)


@pytest.mark.parametrize("f", [vdot_first, vdot_second, vdot_self])
def test_vdot_of_complex_values(f):
    """The adjoint of a in vdot(a, b) missed the conjugate of the incoming derivative (wrong
    wherever the result's imaginary part matters)."""
    from gradcheck import check_hvp
    z = np.array([1.0 + 2.0j, -0.5 + 0.3j, 0.7 - 1.1j])
    np.testing.assert_allclose(srcdiff.grad(f)(z), _complex_fd(f, z), rtol=1e-6, atol=1e-8)
    t = np.array([0.3 + 0.1j, -1.0 + 0.5j, 0.2 - 0.4j])
    fd = (f(z + 1e-6 * t) - f(z - 1e-6 * t)) / 2e-6
    assert srcdiff.jvp(f)(z, t)[1] == pytest.approx(fd, rel=1e-6)
    check_hvp(f, z, vector=t)


def list_dot(x):
    return np.dot([x[0], 2.0 * x[1]], [x[1] * x[1], 1.0])


def list_inner(x):
    return np.inner([x[0], 2.0 * x[1]], [x[1] * x[1], 1.0])


@pytest.mark.parametrize("f", [list_dot, list_inner])
def test_list_arguments(f):
    """dot and inner of lists crashed in reverse mode (list times a float)."""
    from gradcheck import check
    check(f, np.array([0.37, 0.9]))


def list_vdot(x):
    return np.vdot([x[0], 2.0 * x[1]], [x[1] * x[1], 1.0]) * x[0]


def test_vdot_of_lists():
    from gradcheck import check
    check(list_vdot, np.array([0.37, 0.9]))


# -- kron, cross, tensordot, einsum -------------------------------------------------------------
KRON_SHAPES = [((2,), (3,)), ((2, 3), (2, 2)), ((3,), (2, 2)), ((2, 1, 2), (3, 2)), ((), (3,)),
               ((2, 2), ())]


@pytest.mark.parametrize("sa,sb", KRON_SHAPES, ids=[f"{a}x{b}" for a, b in KRON_SHAPES])
def test_kron(sa, sb):
    a, b = _x(*sa), _x(*sb)
    w = _weights(np.shape(np.kron(a, b)))
    check(lambda a, b: np.sum(np.kron(a, b) * w), a, b, wrt=(0, 1))
    check(lambda a: np.sum(np.kron(a, a) * np.kron(a, a)), a)


CROSS = [((3,), (3,), {}), ((4, 3), (3,), {}), ((2, 3), (4, 1, 3), {}),
         ((3, 4), (4, 3), dict(axisa=0)), ((3, 2), (2, 3), dict(axisa=0, axisb=1, axisc=0)),
         ((3, 2), (3, 2), dict(axis=0)), ((2, 4, 3), (2, 4, 3), dict(axisc=1))]


@pytest.mark.parametrize("sa,sb,kw", CROSS, ids=[f"{a}x{b}-{k}" for a, b, k in CROSS])
def test_cross(sa, sb, kw):
    a, b = _x(*sa), _x(*sb)
    axisa, axisb, axisc = kw.get("axisa", -1), kw.get("axisb", -1), kw.get("axisc", -1)
    axis = kw.get("axis")
    w = _weights(np.shape(np.cross(a, b, axisa, axisb, axisc, axis)))
    check(lambda a, b: np.sum(np.cross(a, b, axisa, axisb, axisc, axis) * w), a, b,
          wrt=(0, 1))


def test_cross_of_2_vectors():
    """2-vectors: a scalar, or a 3-vector with one of 3 components (NumPy deprecates them)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        a, b, c = _x(4, 2), _x(4, 2), _x(4, 3)
        check(lambda a, b: np.sum(np.cross(a, b) * np.arange(1.0, 5.0)), a, b, wrt=(0, 1))
        check(lambda a, c: np.sum(np.cross(a, c) * _weights((4, 3))), a, c, wrt=(0, 1))


TENSORDOT = [((2, 3, 4), (3, 4, 2), 2), ((2, 3), (3, 4), 1), ((2, 3), (4, 5), 0),
             ((2, 3, 4), (4, 3), ([1, 2], [1, 0])), ((3, 2, 4), (4, 3), ((2, 0), (0, 1))),
             ((2, 3), (3, 2), (1, 0)), ((2, 3), (2, 3), ([-1, -2], [-1, -2]))]


@pytest.mark.parametrize("sa,sb,axes", TENSORDOT, ids=[f"{a}x{b}-{x}" for a, b, x in TENSORDOT])
def test_tensordot(sa, sb, axes):
    a, b = _x(*sa), _x(*sb)
    w = _weights(np.shape(np.tensordot(a, b, axes)))
    check(lambda a, b: np.sum(np.tensordot(a, b, axes) * w), a, b, wrt=(0, 1))


def test_tensordot_default_axes():
    a, b = _x(2, 3, 4), _x(3, 4, 2)
    check(lambda a, b: np.sum(np.tensordot(a, b) * _weights((2, 2))), a, b, wrt=(0, 1))


EINSUM = [("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]),
          ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("ij->", [(2, 3)]), ("ij->ji", [(2, 3)]),
          ("ij", [(2, 3)]), ("ji", [(2, 3)]), ("i,i->", [(3,), (3,)]), ("i,j->ij", [(2,), (3,)]),
          ("...ij,...jk->...ik", [(2, 2, 3), (3, 4)]), ("...ij,...jk", [(5, 2, 3), (5, 3, 2)]),
          ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]), ("i...->...", [(3, 2, 2)]),
          ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 4)]), ("iij->ij", [(3, 3, 2)]),
          ("iji->j", [(2, 3, 2)]), ("ij,ij->i", [(3, 2), (3, 2)]), ("ij->i", [(3, 4)]),
          ("ab,cd,ef,bc->af", [(2, 3), (2, 2), (3, 2), (3, 2)]),
          ("a,b,c,d,e->abcde", [(2,), (1,), (2,), (2,), (1,)]),
          ("...i,...i->...", [(1, 3), (4, 3)]), ("i, i", [(3,), (3,)])]


@pytest.mark.parametrize("subs,shapes", EINSUM, ids=[s for s, _ in EINSUM])
def test_einsum(subs, shapes):
    ops = [_x(*s) for s in shapes]
    w = _weights(np.shape(np.einsum(subs, *ops)))
    n = len(ops)
    if n == 1:
        check(lambda a: np.sum(np.einsum(subs, a) * w), *ops)
    elif n == 2:
        check(lambda a, b: np.sum(np.einsum(subs, a, b) * w), *ops, wrt=(0, 1))
        if shapes[0] == shapes[1]:
            check(lambda a: np.sum(np.einsum(subs, a, a * 2.0 + 1.0) * w), ops[0])
    elif n == 3:
        check(lambda a, b, c: np.sum(np.einsum(subs, a, b, c) * w), *ops, wrt=(0, 1, 2))
    elif n == 4:
        check(lambda a, b, c, e: np.sum(np.einsum(subs, a, b, c, e) * w), *ops,
              wrt=(0, 1, 2, 3))
    else:
        check(lambda a, b, c, e, f: np.sum(np.einsum(subs, a, b, c, e, f) * w), *ops,
              wrt=(0, 2, 4))


def test_einsum_optimize_and_nonlinear_loss():
    a, b, c = _x(2, 3), _x(3, 4), _x(4, 2)
    check(lambda a, b, c: np.einsum("ij,jk,ki->", a, b, c, optimize=True) ** 2, a, b, c,
          wrt=(0, 1, 2))
    check(lambda a, b: np.sum(np.sin(np.einsum("ij,jk->ik", a, b, optimize="greedy"))), a, b,
          wrt=(0, 1))
    check(lambda a: np.einsum("ii", a) * np.einsum("ij,ij", a, a), _x(3, 3))


def test_einsum_interleaved_form_is_refused():
    import srcdiff
    from srcdiff.errors import SrcdiffError

    def interleaved(a, b):
        return np.sum(np.einsum(a, [0, 1], b, [1, 2]))
    for run in (lambda: srcdiff.grad(interleaved)(_x(2, 3), _x(3, 2)),
                lambda: srcdiff.jvp(interleaved)(_x(2, 3), _x(3, 2), _x(2, 3))):
        with pytest.raises(SrcdiffError, match="interleaved") as info:
            run()
        assert info.value.lineno is not None and "einsum(a, [0, 1]" in info.value.line


# -- decompositions ------------------------------------------------------------------------------
def _spd(*shape):
    """Symmetric positive definite, well conditioned, distinct eigenvalues (not symmetric
    as passed: the rules read one triangle, as NumPy does)."""
    n = shape[-1]
    x = _x(*shape)
    return np.matmul(x, np.swapaxes(x, -1, -2)) + n * np.eye(n) + 0.3 * _x(*shape)


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3), (1, 1)])
def test_slogdet(shape):
    a = _well_conditioned(*shape)
    a[..., 0, :] *= -1.0  # a negative determinant: the sign is -1
    w = _weights(shape[:-2])
    check(lambda a: np.sum(np.linalg.slogdet(a)[1] * w), a)

    def both(a):
        sign, logdet = np.linalg.slogdet(a)
        return np.sum(sign * logdet * w + logdet ** 2)
    check(both, a)


def test_slogdet_of_complex_matrices():
    a = _x(3, 3) + 1j * _x(3, 3) + 2.0 * np.eye(3)

    def f(a):
        sign, logdet = np.linalg.slogdet(a)
        return np.real(sign) * 2.0 + np.imag(sign) * 3.0 + logdet
    check(f, a)
    check(lambda a: np.linalg.slogdet(a)[0], a)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -1, -2, -3])
@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)])
def test_matrix_power(n, shape):
    a = _well_conditioned(*shape) * 0.5
    w = _weights(shape)
    check(lambda a: np.sum(np.linalg.matrix_power(a, n) * w), a)
    check(lambda a: np.sum(np.linalg.matrix_power(a, n) ** 2 * w), a)  # a cotangent that varies


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1)])
def test_cholesky(shape, upper):
    a = _spd(*shape)
    w = _weights(shape)
    check(lambda a: np.sum(np.linalg.cholesky(a, upper=upper) * w), a)
    check(lambda a: np.sum(np.log(np.diagonal(np.linalg.cholesky(a), 0, -2, -1))), a)


def test_cholesky_gaussian_log_likelihood():
    def nll(a, r):
        low = np.linalg.cholesky(a)
        z = np.linalg.solve(low, r)
        return 0.5 * np.sum(z * z) + np.sum(np.log(np.diagonal(low)))
    check(nll, _spd(4, 4), _x(4), wrt=(0, 1))


@pytest.mark.parametrize("uplo", ["L", "U"])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1)])
def test_eigh(shape, uplo):
    a = _spd(*shape)
    c = _weights(shape[:-1])
    wv = _weights(shape)

    def invariant(a):   # eigenvalues, and eigenvectors up to their sign
        w, v = np.linalg.eigh(a, uplo)
        return np.sum(w * c) + np.sum(v * v * wv)
    check(invariant, a)

    def gauge(a):       # the signs LAPACK picks: continuous here
        return np.sum(np.linalg.eigh(a, UPLO=uplo)[1] * wv)
    check(gauge, a)

    def eigenvalues(a):
        return np.sum(np.linalg.eigvalsh(a, uplo) ** 2 * c)
    check(eigenvalues, a)


@pytest.mark.parametrize("uplo", ["L", "U"])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_eigh_forward_over_forward(shape, uplo):
    """a jvp of the emitted jvp: eigh's tangent helper has a forward rule of its own"""
    from forward_checks import check_jvp_of_jvp
    wv = _weights(shape)

    def vectors(a):
        w, v = np.linalg.eigh(a, uplo)
        return np.sum(np.sin(w) * wv[..., 0]) + np.sum(v * v[..., :1] * wv)
    check_jvp_of_jvp(vectors, _spd(*shape))
    check_jvp_of_jvp(lambda a: np.sum(np.linalg.eigvalsh(a, uplo) ** 3 * wv[..., 0]),
                     _spd(*shape))


def test_eigh_degenerate_eigenvalues_alone():
    """Repeated eigenvalues: the eigenvalues alone still differentiate (no 1/gap term)."""
    a = np.diag([1.0, 1.0, 2.0])
    check(lambda a: np.sum(np.linalg.eigvalsh(a) * np.array([1.0, 1.0, 3.0])), a)
    check(lambda a: np.sum(np.linalg.eigh(a)[0] * np.array([1.0, 1.0, 3.0])), a)


def _distinct_singular(m, n, *batch):
    """A matrix whose singular values are distinct and away from 0."""
    k = min(m, n)
    u = np.linalg.qr(_x(*batch, m, m))[0][..., :, :k]
    v = np.linalg.qr(_x(*batch, n, n))[0][..., :, :k]
    s = np.linspace(1.0, 2.5, k)
    return np.matmul(u * s, np.swapaxes(v, -1, -2)) + 0.0


SVD_SHAPES = [(3, 3), (4, 2), (2, 4), (2, 3, 2), (1, 1), (3, 1)]


@pytest.mark.parametrize("shape", SVD_SHAPES, ids=str)
def test_svd(shape):
    a = _distinct_singular(*shape[-2:], *shape[:-2])
    k = min(shape[-2:])
    cs = _weights(shape[:-2] + (k,))
    cu = _weights(shape[:-1] + (k,))
    cv = _weights(shape[:-2] + (k, shape[-1]))

    def invariant(a):   # singular values, and vectors up to a common sign per pair
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        return np.sum(s * cs) + np.sum(u * u * cu) + np.sum(vh * vh * cv) + \
            np.sum(np.matmul(u * np.expand_dims(s, -2), vh) ** 2)
    check(invariant, a)

    def gauge(a):       # the signs LAPACK picks: continuous here
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        return np.sum(u * cu) + np.sum(vh * cv)
    check(gauge, a)
    check(lambda a: np.sum(np.linalg.svd(a, compute_uv=False) ** 2 * cs), a)
    if shape[-1] == shape[-2]:
        check(lambda a: np.sum(np.linalg.svd(a)[0] * cu), a)   # full_matrices of a square


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4, 3), (1, 1)], ids=str)
def test_qr(shape):
    a = _distinct_singular(*shape[-2:], *shape[:-2])
    cq = _weights(shape)
    cr = _weights(shape[:-2] + (shape[-1], shape[-1]))

    def f(a):
        q, r = np.linalg.qr(a)
        return np.sum(q * cq) + np.sum(r * cr)
    check(f, a)
    check(lambda a: np.sum(np.linalg.qr(a, "reduced")[1] ** 2), a)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 3, 2)], ids=str)
def test_pinv(shape):
    a = _distinct_singular(*shape[-2:], *shape[:-2])
    w = _weights(shape[:-2] + (shape[-1], shape[-2]))
    check(lambda a: np.sum(np.linalg.pinv(a) * w), a)
    check(lambda a: np.sum(np.linalg.pinv(a, rcond=1e-10) ** 2), a)


@pytest.mark.parametrize("sa,sb", [((4, 2), (4,)), ((4, 2), (4, 3)), ((3, 3), (3,)),
                                   ((2, 4), (2,)), ((2, 4), (2, 2))], ids=str)
def test_lstsq(sa, sb):
    a, b = _distinct_singular(*sa), _x(*sb)
    x_shape = np.shape(np.linalg.lstsq(a, b)[0])
    w = _weights(x_shape)

    def f(a, b):
        x, res, rank, s = np.linalg.lstsq(a, b, rcond=None)
        return np.sum(x * w) + np.sum(res) * 0.5 + np.sum(res ** 2) + np.sum(s ** 2) + rank * 0.0
    check(f, a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.linalg.lstsq(a, b)[0] ** 2), a, b, wrt=(0, 1))


def _refused(f, args, match):
    import srcdiff
    from srcdiff.errors import SrcdiffError
    tangents = [np.ones_like(a) for a in args[:1]]
    for run in (lambda: srcdiff.grad(f)(*args), lambda: srcdiff.jvp(f)(*args, *tangents)):
        with pytest.raises(SrcdiffError, match=match) as info:
            run()
        assert info.value.lineno is not None and "np.linalg" in info.value.line


def svd_full_of_wide(a):
    return np.sum(np.linalg.svd(a)[0])


def svd_hermitian(a):
    return np.sum(np.linalg.svd(a, hermitian=True)[1])


def qr_complete(a):
    return np.sum(np.linalg.qr(a, mode="complete")[1])


def qr_of_wide(a):
    return np.sum(np.linalg.qr(a)[1])


def pinv_hermitian(a):
    return np.sum(np.linalg.pinv(a, hermitian=True))


def eigh_of_complex(a):
    return np.sum(np.linalg.eigh(a * (1.0 + 1.0j))[0])


def cholesky_of_complex(a):
    return np.sum(np.abs(np.linalg.cholesky(a * (1.0 + 0.0j))))


def svd_mode(a, full):
    return np.sum(np.linalg.svd(a, full_matrices=full)[0])


@pytest.mark.parametrize("f,shape,match", [
    (svd_full_of_wide, (2, 3), "full_matrices"), (svd_hermitian, (3, 3), "hermitian"),
    (qr_complete, (3, 3), "mode='complete'"), (qr_of_wide, (2, 3), "as many rows"),
    (pinv_hermitian, (3, 3), "hermitian"), (eigh_of_complex, (3, 3), "complex"),
    (cholesky_of_complex, (3, 3), "complex")], ids=lambda v: getattr(v, "__name__", None))
def test_uncovered_arguments_are_refused_at_the_line(f, shape, match):
    _refused(f, [_spd(*shape) if shape[0] == shape[1] else _x(*shape)], match)


def test_svd_full_matrices_known_only_at_run_time():
    _refused(svd_mode, [_x(2, 3), True], "full_matrices")
    check(lambda a: svd_mode(a, False), _distinct_singular(2, 3))


def test_named_fields_of_the_results():
    """eigh(a).eigenvalues, svd(a).S, slogdet(a).logabsdet, qr(a).R: NumPy's named tuples,
    read by field name as by position."""
    a = _spd(3, 3)
    w = _weights((3, 3))

    def fields(a):
        e = np.linalg.eigh(a)
        s = np.linalg.svd(a)
        q = np.linalg.qr(a)
        return np.sum(e.eigenvalues * w[0]) + np.sum(e.eigenvectors ** 2 * w) + \
            np.sum(s.S) + np.sum(s.U * s.U * w) + np.sum(s.Vh ** 2 * w) + \
            np.linalg.slogdet(a).logabsdet * np.linalg.slogdet(a).sign + \
            np.sum(q.R * w) + np.sum(q.Q * w)
    check(fields, a)


class _Holder:
    def __init__(self, value):
        self.S = value


HOLDER = _Holder(np.array([1.0, 2.0, 3.0]))


def attribute_of_a_constant_object(x):
    return np.sum(HOLDER.S * x) + np.sum(_Holder(2.0).S * x)


def test_a_field_name_of_anything_else_is_the_attribute():
    """.S of an object that is not a decomposition's result: the attribute itself."""
    check(attribute_of_a_constant_object, _x(3))


EIG_INPUTS = {"real, real eigenvalues": _spd(3, 3) + 0.5 * np.triu(_x(3, 3)),
              "real, a complex pair": np.array([[0.5, -2.0, 0.3], [1.5, 0.2, -0.4],
                                                [0.1, 0.6, 2.0]]),
              "complex": _x(3, 3) + 1j * _x(3, 3),
              "stack": np.stack([_spd(3, 3) + 0.4 * _x(3, 3), _x(3, 3) + 2.0 * np.eye(3)])}


@pytest.mark.parametrize("a", EIG_INPUTS.values(), ids=EIG_INPUTS.keys())
def test_eig(a):
    c = _weights(a.shape[:-1])
    cv = _weights(a.shape)

    def values(a):
        w = np.linalg.eig(a)[0]
        return np.sum(np.real(w) * c) + np.sum(np.imag(w) ** 2 * c)
    check(values, a)

    def invariant(a):   # the eigenvectors' moduli: the same whatever their phase
        w, v = np.linalg.eig(a)
        return np.sum(np.abs(v) ** 2 * cv) + np.sum(np.abs(w))
    check(invariant, a)

    def gauge(a):       # LAPACK's phase (largest component real): continuous here
        v = np.linalg.eig(a).eigenvectors
        return np.sum(np.real(v) * cv) + np.sum(np.imag(v) * cv[..., ::-1])
    check(gauge, a)
    check(lambda a: np.linalg.eig(a)[1], a)   # the eigenvectors themselves


def _z(*shape):
    return _x(*shape) + 1j * _x(*shape)


def test_products_of_complex_operands():
    """Holomorphic in each operand: transposes, no conjugates (the complex convention)."""
    a, b = _z(2, 3), _z(3, 2)
    check(lambda a, b: np.einsum("ij,jk->ik", a, b), a, b, wrt=(0, 1))
    check(lambda a, b: np.tensordot(a, b, 1), a, b, wrt=(0, 1))
    check(lambda a, b: np.kron(a, b), a, b, wrt=(0, 1))
    check(lambda a, b: np.cross(a, b), _z(2, 3), _z(2, 3), wrt=(0, 1))
    check(lambda a: np.linalg.matrix_power(a, 3), _z(3, 3))
    check(lambda a: np.linalg.matrix_power(a, -2), _z(3, 3) + 3.0 * np.eye(3))


def test_products_with_integer_and_0d_operands():
    ints = np.arange(6).reshape(2, 3)
    check(lambda a: np.sum(np.einsum("ij,ij->i", a, ints) ** 2), _x(2, 3))
    check(lambda a: np.sum(np.einsum(",ij->ij", 2.5, a) * _weights((2, 3))), _x(2, 3))
    check(lambda s, a: np.sum(np.einsum(",ij->j", s, a) ** 2), np.array(0.7), _x(2, 3),
          wrt=(0, 1))
    check(lambda a: np.sum(np.kron(ints, a) ** 2), _x(2, 2))
    check(lambda a: np.sum(np.tensordot(a, ints, ([0, 1], [0, 1])) ** 2), _x(2, 3))
    check(lambda a: np.sum(np.cross(a, np.array([1, 2, 3])) ** 2), _x(2, 3))


def einsum_with_dtype(a):
    return np.sum(np.einsum("ij->i", a, dtype=np.float64))


def test_einsum_keywords_the_rule_does_not_handle_are_refused():
    import srcdiff
    from srcdiff.errors import SrcdiffError
    with pytest.raises(SrcdiffError, match="does not accept this call") as info:
        srcdiff.grad(einsum_with_dtype)(_x(2, 3))
    assert "dtype=np.float64" in info.value.line


def test_einsum_of_six_operands():
    ops = [_x(2), _x(2, 3), _x(3), _x(3, 2), _x(2), _x(2, 2)]

    def f(a, b, c, e, g, h):
        return np.einsum("i,ij,j,jk,k,kl->l", a, b, c, e, g, h) ** 2
    check(lambda a, b, c, e, g, h: np.sum(f(a, b, c, e, g, h)), *ops, wrt=(0, 1, 2, 3, 4, 5))


def write_into_a_field(a):
    r = np.linalg.qr(a)
    q = r.Q
    q[0, 0] = 0.0
    return np.sum(r[0] * 2.0)


def test_a_write_into_a_field_is_refused():
    """q = qr(a).Q is the result's own array: writing into it changes r[0] too, which the
    derivative did not follow (a silent wrong gradient); refused at the write."""
    import srcdiff
    from srcdiff.errors import SrcdiffError
    a = _distinct_singular(3, 3)
    for run in (lambda: srcdiff.grad(write_into_a_field)(a),
                lambda: srcdiff.jvp(write_into_a_field)(a, np.ones((3, 3)))):
        with pytest.raises(SrcdiffError, match="writing into q") as info:
            run()
        assert info.value.line.strip() == "q[0, 0] = 0.0"


def einsum_into_out(a):
    o = np.zeros(2)
    r = np.einsum("ij->i", a, out=o)
    return np.sum(o ** 2) + np.sum(r)


def test_einsum_out_into_a_local_array_is_the_write_it_makes():
    check(einsum_into_out, _x(2, 3))   # o[...] = numpy.einsum(...) (srcdiff/out_writes.py)


def chain3(a, b, c):
    return np.sum(np.sin(np.linalg.multi_dot([a, b, c])))


def chain2(a, b):
    return np.sum(np.linalg.multi_dot([a, b]) ** 2)


def chain_of_vectors(v, m, w):
    return np.linalg.multi_dot([v, m, m, w]) ** 2


def chain_with_a_constant(a, m, c):
    return np.sum(np.linalg.multi_dot([a, m, np.transpose(c)]) ** 2)


def chain_of_a_tuple(a, b):
    return np.sum(np.linalg.multi_dot((a, b, a.T)) * np.arange(1.0, 5.0).reshape(2, 2))


@pytest.mark.parametrize("wrt", [(0, 1, 2), 1])
def test_multi_dot_of_matrices(wrt):
    check(chain3, _x(2, 3), _x(3, 4), _x(4, 2), wrt=wrt)
    check(chain2, _x(2, 3), _x(3, 4), wrt=(0, 1) if wrt != 1 else 1)
    check(chain_of_a_tuple, _x(2, 3), _x(3, 3), wrt=(0, 1))


@pytest.mark.parametrize("wrt", [(0, 1, 2), 1, 2])
def test_multi_dot_with_vectors_first_and_last(wrt):
    check(chain_of_vectors, _x(3), _x(3, 3), _x(3), wrt=wrt)


def test_multi_dot_with_a_constant_operand_and_a_vector_first():
    c = _x(2, 4)
    check(chain_with_a_constant, _x(5, 3), _x(3, 4), c, wrt=(0, 1))
    check(chain_with_a_constant, _x(3), _x(3, 4), c, wrt=(0, 1))


def chain_into_out(a):
    o = np.zeros((2, 2))
    np.linalg.multi_dot([a, a.T], out=o)
    return np.sum(o)


def test_multi_dot_out_into_a_local_array_is_the_write_it_makes():
    check(chain_into_out, _x(2, 3))   # o[...] = multi_dot(...) (srcdiff/out_writes.py)
