"""Every rule in templates/fft.py against central differences: the transforms themselves
(complex outputs: the checker pairs them with complex cotangents and tangents), real and
complex inputs, n=/s= shorter and longer than the input, axis=/axes= (negative, tuples),
norm= in its three values, both modes and forward over reverse."""
import inspect

import numpy as np
import pytest

from gradcheck import check

rng = np.random.default_rng(11)


def _x(*shape):
    return rng.normal(size=shape)


def _z(*shape):
    return rng.normal(size=shape) + 1j * rng.normal(size=shape)


NORMS = [None, "backward", "ortho", "forward"]
FFT = np.fft

ONE_D = [FFT.fft, FFT.ifft, FFT.rfft, FFT.irfft, FFT.hfft, FFT.ihfft]
# (n, axis) on a (3, 5) input: defaults, shorter, longer, even and odd, other axis
ONE_D_ARGS = [dict(), dict(n=4), dict(n=7), dict(n=8, axis=0), dict(axis=-2), dict(n=2, axis=0)]


def _input(fn, shape):
    """A real input for the transforms that take one (rfft, ihfft), complex otherwise."""
    return _x(*shape) if fn in (FFT.rfft, FFT.ihfft, FFT.rfft2, FFT.rfftn) else _z(*shape)


@pytest.mark.parametrize("norm", NORMS, ids=str)
@pytest.mark.parametrize("kw", ONE_D_ARGS, ids=str)
@pytest.mark.parametrize("fn", ONE_D, ids=lambda f: f.__name__)
def test_one_dimensional(fn, kw, norm):
    a = _input(fn, (3, 5))
    n, axis = kw.get("n"), kw.get("axis", -1)
    check(lambda a: fn(a, n=n, axis=axis, norm=norm), a)


@pytest.mark.parametrize("fn", ONE_D, ids=lambda f: f.__name__)
def test_one_dimensional_positional_and_real_loss(fn):
    a = _input(fn, (6,))
    check(lambda a: np.sum(np.abs(fn(a, 5, -1, "ortho")) ** 2), a)
    check(lambda a: np.sum(np.real(fn(a * 2.0)) * np.cos(np.arange(np.size(fn(a))))), a)


@pytest.mark.parametrize("fn", [FFT.fft, FFT.ifft], ids=lambda f: f.__name__)
def test_complex_transforms_of_real_inputs(fn):
    """A real input's adjoint is the real part (the imaginary part has no input to go to)."""
    a = _x(2, 5)
    check(lambda a: fn(a, axis=0), a)
    check(lambda a: np.sum(np.abs(fn(a, n=7)) ** 2), a)


def test_integer_input_is_promoted():
    f = lambda x: np.sum(np.abs(np.fft.fft(x * np.arange(4))) ** 2)
    check(f, _x(4))


N_D = [FFT.fft2, FFT.ifft2, FFT.fftn, FFT.ifftn, FFT.rfft2, FFT.irfft2, FFT.rfftn,
       FFT.irfftn]
N_D_ARGS = [dict(), dict(axes=(0, 2)), dict(axes=(-1, 0)), dict(s=(3, 4), axes=(0, 1)),
            dict(s=(5, 3), axes=(2, 1)), dict(s=(2, 6), axes=(-2, -1))]


@pytest.mark.parametrize("norm", NORMS, ids=str)
@pytest.mark.parametrize("kw", N_D_ARGS, ids=str)
@pytest.mark.parametrize("fn", N_D, ids=lambda f: f.__name__)
def test_n_dimensional(fn, kw, norm):
    a = _input(fn, (3, 4, 5))
    s, axes = kw.get("s"), kw.get("axes", inspect.signature(fn).parameters["axes"].default)
    check(lambda a: fn(a, s=s, axes=axes, norm=norm), a)


@pytest.mark.parametrize("fn", [FFT.fftn, FFT.ifftn, FFT.rfftn, FFT.irfftn],
                         ids=lambda f: f.__name__)
def test_n_dimensional_one_and_all_axes(fn):
    a = _input(fn, (4, 3))
    check(lambda a: fn(a, axes=(1,)), a)
    check(lambda a: fn(a, s=(3, 5), axes=(0, 1), norm="ortho"), a)
    check(lambda a: fn(a[0]), a)


@pytest.mark.parametrize("fn", [FFT.fftshift, FFT.ifftshift], ids=lambda f: f.__name__)
@pytest.mark.parametrize("axes", [None, 0, -1, (0, 1), (1,)], ids=str)
def test_shifts(fn, axes):
    a = _x(3, 4)
    w = np.arange(1.0, 13.0).reshape(3, 4)
    check(lambda a: np.sum(np.sin(fn(a, axes)) * w), a)
    check(lambda a: fn(a * 1j + a ** 2, axes=axes), a)


def test_round_trip_and_composition():
    """A loss through several transforms, a filter in frequency space."""
    def smooth(x, h):
        return np.sum(np.fft.irfft(np.fft.rfft(x) * h, n=8) ** 2)
    check(smooth, _x(8), _x(5), wrt=(0, 1))

    def spectrum(z):
        return np.sum(np.abs(np.fft.fftshift(np.fft.fft2(z, norm="ortho"))) ** 2)
    check(spectrum, _z(3, 4))


def fft_into_out(a):
    o = np.zeros(4, dtype=complex)
    np.fft.fft(a, out=o)
    return np.sum(np.abs(o) ** 2)


def fft_result_and_out(a):
    o = np.zeros(4, dtype=complex)
    r = np.fft.fft(a, out=o)
    return np.sum(np.abs(o) ** 2) + np.sum(np.abs(r))


@pytest.mark.parametrize("f", [fft_into_out, fft_result_and_out])
def test_out_into_a_local_array_is_the_write_it_makes(f):
    """out= gave a zero derivative through the array written (its read carried none), then
    was refused; it is now `o[...] = numpy.fft.fft(a)` (srcdiff/out_writes.py)."""
    check(f, np.array([0.3, 1.2, -0.7, 2.1]))
