"""srcdiff/runtime_fft.py called directly: each FFT adjoint against central differences of
Re(sum(g * transform(a))) in the real and imaginary parts of a (srcdiff's complex
convention: the gradient is dL/dRe - i dL/dIm), with lengths cut, padded and on other axes."""
import numpy as np
import pytest

from gradcheck import numerical_grad
from srcdiff.runtime_fft import (fft_complex_adjoint, fft_inverse_real_adjoint, fft_real_adjoint,
                                 fftshift_adjoint, hfft_adjoint, ihfft_adjoint)

rng = np.random.default_rng(21)


def _vjp(f, a, g):
    loss = lambda x: float(np.sum(np.real(g * f(x))))  # noqa: E731
    if not np.iscomplexobj(a):
        return numerical_grad(loss, [a], 0)
    re = numerical_grad(lambda x: loss(x + 1j * a.imag), [a.real], 0)
    im = numerical_grad(lambda y: loss(a.real + 1j * y), [a.imag], 0)
    return re - 1j * im


def _cotangent(shape, complex_=True):
    g = rng.normal(size=shape)
    return g + 1j * rng.normal(size=shape) if complex_ else g


@pytest.mark.parametrize("inverse", [False, True])
@pytest.mark.parametrize("n,axis,norm", [(None, -1, None), (3, -1, "ortho"), (7, 0, None),
                                         (None, 0, "forward")])
def test_fft_and_ifft_adjoints(inverse, n, axis, norm):
    a = rng.normal(size=(4, 5)) + 1j * rng.normal(size=(4, 5))
    f = np.fft.ifft if inverse else np.fft.fft
    primal = lambda x: f(x, n=n, axis=axis, norm=norm)  # noqa: E731
    g = _cotangent(primal(a).shape)
    got = fft_complex_adjoint(g, a, n, axis, norm, inverse)
    assert got.shape == a.shape
    np.testing.assert_allclose(got, _vjp(primal, a, g), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("s,axes", [(None, None), ((3, 6), (0, 1)), (None, (0,))])
def test_fftn_adjoint(s, axes):
    a = rng.normal(size=(4, 5)) + 1j * rng.normal(size=(4, 5))
    primal = lambda x: np.fft.fftn(x, s=s, axes=axes)  # noqa: E731
    g = _cotangent(primal(a).shape)
    np.testing.assert_allclose(fft_complex_adjoint(g, a, s, axes, None, False),
                               _vjp(primal, a, g), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("n", [None, 4, 9])
def test_real_transforms_adjoints(n):
    x = rng.normal(size=(3, 6))
    primal = lambda v: np.fft.rfft(v, n=n)  # noqa: E731
    g = _cotangent(primal(x).shape)
    got = fft_real_adjoint(g, x, n, -1, None)
    assert not np.iscomplexobj(got) and got.shape == x.shape
    np.testing.assert_allclose(got, _vjp(primal, x, g), rtol=1e-6, atol=1e-8)
    h = rng.normal(size=(3, 4)) + 1j * rng.normal(size=(3, 4))
    primal = lambda v: np.fft.irfft(v, n=n)  # noqa: E731
    g = _cotangent(primal(h).shape, complex_=False)
    np.testing.assert_allclose(fft_inverse_real_adjoint(g, h, n, -1, None), _vjp(primal, h, g),
                               rtol=1e-6, atol=1e-8)


def test_hermitian_transforms_adjoints():
    h = rng.normal(size=5) + 1j * rng.normal(size=5)
    g = _cotangent(np.fft.hfft(h).shape, complex_=False)
    np.testing.assert_allclose(hfft_adjoint(g, h, None, -1, None), _vjp(np.fft.hfft, h, g),
                               rtol=1e-6, atol=1e-8)
    x = rng.normal(size=6)
    g = _cotangent(np.fft.ihfft(x).shape)
    np.testing.assert_allclose(ihfft_adjoint(g, x, None, -1, None), _vjp(np.fft.ihfft, x, g),
                               rtol=1e-6, atol=1e-8)


def test_fftshift_adjoint_is_the_inverse_shift():
    x = rng.normal(size=(3, 5))
    g = rng.normal(size=(3, 5))
    for inverse, f in ((False, np.fft.fftshift), (True, np.fft.ifftshift)):
        np.testing.assert_allclose(fftshift_adjoint(g, (1,), inverse),
                                   _vjp(lambda v: f(v, axes=(1,)), x, g), atol=1e-8)
