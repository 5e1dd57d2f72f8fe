"""srcdiff/runtime_linalg.py: the helpers of the linear-algebra, FFT and product rules,
tested directly. Each adjoint helper must equal finite differences of the real loss
sum(real(g * y)) (the README's convention for complex values: the gradient in z = a + ib is
df/da - i df/db); each tangent helper finite differences of the function along the tangent."""
import numpy
import pytest

from srcdiff import runtime_linalg as rl
from gradcheck import directional_difference

RNG = numpy.random.default_rng(41)


def _normal(shape, complex_=False):
    x = RNG.normal(size=shape)
    return x + 1j * RNG.normal(size=shape) if complex_ else x


def _vjp(f, a, g, eps=1e-6):
    """Finite differences of sum(real(g * f(a))) in a (complex a: d/dre - i d/dim)."""
    def loss(x):
        return float(numpy.sum(numpy.real(g * f(x))))
    out = numpy.zeros(numpy.shape(a), dtype=complex if numpy.iscomplexobj(a) else float)
    for idx in numpy.ndindex(numpy.shape(a)):
        step = numpy.zeros(numpy.shape(a))
        step[idx] = eps
        out[idx] = (loss(a + step) - loss(a - step)) / (2 * eps)
        if numpy.iscomplexobj(a):
            out[idx] -= 1j * (loss(a + 1j * step) - loss(a - 1j * step)) / (2 * eps)
    return out



def _close(actual, expected, rtol=1e-6, atol=1e-8):
    numpy.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


@pytest.mark.parametrize("inverse", [False, True])
@pytest.mark.parametrize("s, axes, norm", [(None, None, None), ((3, 6), (0, 1), "ortho"),
                                           (None, (0,), "forward"), ((5,), (1,), None)])
@pytest.mark.parametrize("complex_input", [False, True])
def test_fft_complex_adjoint(inverse, s, axes, norm, complex_input):
    a = _normal((4, 5), complex_input)
    fn = numpy.fft.ifftn if inverse else numpy.fft.fftn

    def f(x):
        return fn(x, s=s, axes=axes, norm=norm)
    g = _normal(numpy.shape(f(a)), True)
    _close(rl.fft_complex_adjoint(g, a, s, axes, norm, inverse), _vjp(f, a, g))


@pytest.mark.parametrize("s, axes, norm", [(None, None, None), ((4, 8), (0, 1), "ortho"),
                                           ((7,), (1,), "forward"), (None, (0,), None)])
def test_fft_real_and_inverse_real_adjoints(s, axes, norm):
    a = _normal((4, 6))
    g = _normal(numpy.shape(numpy.fft.rfftn(a, s, axes, norm)), True)
    _close(rl.fft_real_adjoint(g, a, s, axes, norm),
           _vjp(lambda x: numpy.fft.rfftn(x, s, axes, norm), a, g))
    half = _normal((4, 4), True)
    y = numpy.fft.irfftn(half, s, axes, norm)
    gy = _normal(y.shape)
    _close(rl.fft_inverse_real_adjoint(gy, half, s, axes, norm),
           _vjp(lambda x: numpy.fft.irfftn(x, s, axes, norm), half, gy))


@pytest.mark.parametrize("n", [None, 6, 9])
def test_hermitian_fft_adjoints(n):
    a = _normal(5, True)
    g = _normal(numpy.fft.hfft(a, n).shape)
    _close(rl.hfft_adjoint(g, a, n, -1, None), _vjp(lambda x: numpy.fft.hfft(x, n), a, g))
    r = _normal(7)
    gr = _normal(numpy.fft.ihfft(r, n).shape, True)
    _close(rl.ihfft_adjoint(gr, r, n, -1, None), _vjp(lambda x: numpy.fft.ihfft(x, n), r, gr))


@pytest.mark.parametrize("inverse", [False, True])
def test_fftshift_adjoint_is_the_inverse_permutation(inverse):
    a, g = _normal((4, 5)), _normal((4, 5))
    shift = numpy.fft.ifftshift if inverse else numpy.fft.fftshift
    _close(rl.fftshift_adjoint(g, (0, 1), inverse), _vjp(lambda x: shift(x, (0, 1)), a, g))


@pytest.mark.parametrize("sa, sb", [((2, 3), (3, 2)), ((3,), (2, 2)), ((2, 1, 2), (2, 3))])
def test_kron_grad(sa, sb):
    a, b = _normal(sa), _normal(sb)
    g = _normal(numpy.kron(a, b).shape)
    _close(rl.kron_grad(g, a, b, 0), _vjp(lambda x: numpy.kron(x, b), a, g))
    _close(rl.kron_grad(g, a, b, 1), _vjp(lambda x: numpy.kron(a, x), b, g))


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors")
@pytest.mark.parametrize("sa, sb, kw", [((4, 3), (4, 3), {}), ((3, 2), (2,), {"axisa": 0}),
                                        ((2,), (2,), {}), ((2, 3), (3, 2), {"axisb": 0}),
                                        ((3, 4), (3, 4), {"axis": 0})])
def test_cross_grad(sa, sb, kw):
    a, b = _normal(sa), _normal(sb)
    g = _normal(numpy.shape(numpy.cross(a, b, **kw)))
    args = [kw.get("axisa", -1), kw.get("axisb", -1), kw.get("axisc", -1), kw.get("axis")]
    _close(rl.cross_grad(g, a, b, *args, 0), _vjp(lambda x: numpy.cross(x, b, **kw), a, g))
    _close(rl.cross_grad(g, a, b, *args, 1), _vjp(lambda x: numpy.cross(a, x, **kw), b, g))


@pytest.mark.parametrize("sa, sb, axes", [((2, 3, 4), (3, 4, 2), 2), ((3, 4), (4, 5), 1),
                                          ((2, 3), (3, 2), ([0, 1], [1, 0])), ((2,), (3,), 0)])
def test_tensordot_grad(sa, sb, axes):
    a, b = _normal(sa), _normal(sb)
    g = _normal(numpy.tensordot(a, b, axes).shape)
    _close(rl.tensordot_grad(g, a, b, axes, 0), _vjp(lambda x: numpy.tensordot(x, b, axes), a, g))
    _close(rl.tensordot_grad(g, a, b, axes, 1), _vjp(lambda x: numpy.tensordot(a, x, axes), b, g))


@pytest.mark.parametrize("subscripts, shapes", [("ij,jk->ik", [(2, 3), (3, 4)]),
                                                ("ii->i", [(3, 3)]), ("ij->", [(2, 3)]),
                                                ("i,i,j->j", [(3,), (3,), (2,)]),
                                                ("bij,bj->bi", [(2, 3, 4), (1, 4)]),
                                                ("...i,i", [(2, 3), (3,)])])
def test_einsum_grad_in_every_operand(subscripts, shapes):
    ops = [_normal(s) for s in shapes]
    g = _normal(numpy.shape(numpy.einsum(subscripts, *ops)))
    for which in range(len(ops)):
        def f(x, which=which):
            args = list(ops)
            args[which] = x
            return numpy.einsum(subscripts, *args)
        _close(rl.einsum_grad(g, subscripts, which, *ops), _vjp(f, ops[which], g))


@pytest.mark.parametrize("n", [-2, 0, 1, 3])
def test_matrix_power_grad_and_its_tangent(n):
    a = _normal((3, 3)) + 3 * numpy.eye(3)
    g, t = _normal((3, 3)), _normal((3, 3))
    mp = numpy.linalg.matrix_power
    _close(rl.matrix_power_grad(g, a, n), _vjp(lambda x: mp(x, n), a, g), 1e-5, 1e-7)
    _close(rl.matrix_power_grad_tangent(g, t, a, n),
           directional_difference(lambda x: rl.matrix_power_grad(g, x, n), a, t), 1e-5, 1e-7)


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_hermitian_fold_is_the_transpose_of_hermitian_from(uplo):
    t, g = _normal((2, 4, 4)), _normal((2, 4, 4))
    _close(rl.hermitian_fold(g, uplo), _vjp(lambda x: rl.hermitian_from(x, uplo), t, g))
    read = numpy.tril if uplo == "L" else numpy.triu
    assert numpy.array_equal(rl.hermitian_fold(g, uplo), read(rl.hermitian_fold(g, uplo)))


def test_safe_reciprocal_leaves_zeros_out_and_its_tangent_is_its_slope():
    s = numpy.array([2.0, 0.0, -0.5, 4.0])
    _close(rl.safe_reciprocal(s), [0.5, 0.0, -2.0, 0.25])
    away = s != 0
    t = _normal(4)
    _close(rl.safe_reciprocal_tangent(t, s)[away], directional_difference(rl.safe_reciprocal, s, t)[away])


def test_diag_embed_and_lower_half():
    x = _normal((2, 3))
    d = rl.diag_embed(x)
    assert d.shape == (2, 3, 3) and numpy.array_equal(numpy.diagonal(d, 0, -2, -1), x)
    m = _normal((3, 3))
    _close(rl.lower_half(m) + rl.matrix_t(rl.lower_half(m)), numpy.tril(m) + numpy.tril(m).T
           - numpy.diag(numpy.diag(m)))


def test_eigh_tangent_moved_matches_differences():
    """the tangent of eigh_tangent(t, w, v) as w and v move (t held)"""
    rng = numpy.random.default_rng(27)
    t, dw, dv = rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=(3, 3))
    w, v = numpy.array([0.5, 1.5, 3.0]), rng.normal(size=(3, 3))
    for uplo in ("L", "U"):
        got = rl.eigh_tangent_moved(t, w, v, uplo, dw, dv)
        for k, part in enumerate(got):
            expected = directional_difference(
                lambda x: rl.eigh_tangent(t, x[:3], x[3:].reshape(3, 3), uplo)[k],
                numpy.concatenate([w, v.ravel()]), numpy.concatenate([dw, dv.ravel()]))
            numpy.testing.assert_allclose(part, expected, rtol=1e-6, atol=1e-8)
