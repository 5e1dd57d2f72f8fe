"""numpy.fft: the 14 transforms, fftshift and ifftshift, with n=/s=, axis=/axes= and norm=.

Every transform is linear over the reals, so its forward rule is the transform of the
tangent, and its reverse rule the transpose (srcdiff.runtime_linalg's fft_*_adjoint): under
the complex convention of the README (the adjoint of a real loss is dL/dRe - i dL/dIm, as in
autograd and JAX), the adjoint of fft is fft itself with the same norm=, cut or zero-padded
back to the input's length, and a real input takes its real part. rfft keeps half of fft's
terms, irfft reads half of them (the imaginary parts of the first and, for an even length,
the last term do not count), hfft and ihfft are irfft and rfft of a conjugate.

out= is not taken: a call with it does not bind to the rules and is refused at its line (the
array written would carry no derivative).
"""
import numpy

from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, reverse
from srcdiff.runtime_linalg import (fft_complex_adjoint, fft_inverse_real_adjoint,
                                    fft_real_adjoint, fftshift_adjoint, hfft_adjoint,
                                    ihfft_adjoint)

FFT = numpy.fft


# -- complex to complex ------------------------------------------------------------------
@reverse(FFT.fft)
def fft(y, a, n=None, axis=-1, norm=None):
    d[a] = fft_complex_adjoint(d[y], a, n, axis, norm, False)


@forward(FFT.fft)
def fft(y, a, n=None, axis=-1, norm=None):
    d[y] = numpy.fft.fft(d[a], n, axis, norm)


@reverse(FFT.ifft)
def ifft(y, a, n=None, axis=-1, norm=None):
    d[a] = fft_complex_adjoint(d[y], a, n, axis, norm, True)


@forward(FFT.ifft)
def ifft(y, a, n=None, axis=-1, norm=None):
    d[y] = numpy.fft.ifft(d[a], n, axis, norm)


@reverse(FFT.fft2)
def fft2(y, a, s=None, axes=(-2, -1), norm=None):
    d[a] = fft_complex_adjoint(d[y], a, s, axes, norm, False)


@forward(FFT.fft2)
def fft2(y, a, s=None, axes=(-2, -1), norm=None):
    d[y] = numpy.fft.fft2(d[a], s, axes, norm)


@reverse(FFT.ifft2)
def ifft2(y, a, s=None, axes=(-2, -1), norm=None):
    d[a] = fft_complex_adjoint(d[y], a, s, axes, norm, True)


@forward(FFT.ifft2)
def ifft2(y, a, s=None, axes=(-2, -1), norm=None):
    d[y] = numpy.fft.ifft2(d[a], s, axes, norm)


@reverse(FFT.fftn)
def fftn(y, a, s=None, axes=None, norm=None):
    d[a] = fft_complex_adjoint(d[y], a, s, axes, norm, False)


@forward(FFT.fftn)
def fftn(y, a, s=None, axes=None, norm=None):
    d[y] = numpy.fft.fftn(d[a], s, axes, norm)


@reverse(FFT.ifftn)
def ifftn(y, a, s=None, axes=None, norm=None):
    d[a] = fft_complex_adjoint(d[y], a, s, axes, norm, True)


@forward(FFT.ifftn)
def ifftn(y, a, s=None, axes=None, norm=None):
    d[y] = numpy.fft.ifftn(d[a], s, axes, norm)


# -- real to half spectrum and back ------------------------------------------------------
@reverse(FFT.rfft)
def rfft(y, a, n=None, axis=-1, norm=None):
    d[a] = fft_real_adjoint(d[y], a, n, axis, norm)


@forward(FFT.rfft)
def rfft(y, a, n=None, axis=-1, norm=None):
    d[y] = numpy.fft.rfft(d[a], n, axis, norm)


@reverse(FFT.irfft)
def irfft(y, a, n=None, axis=-1, norm=None):
    d[a] = fft_inverse_real_adjoint(d[y], a, n, axis, norm)


@forward(FFT.irfft)
def irfft(y, a, n=None, axis=-1, norm=None):
    d[y] = numpy.fft.irfft(d[a], n, axis, norm)


@reverse(FFT.rfft2)
def rfft2(y, a, s=None, axes=(-2, -1), norm=None):
    d[a] = fft_real_adjoint(d[y], a, s, axes, norm)


@forward(FFT.rfft2)
def rfft2(y, a, s=None, axes=(-2, -1), norm=None):
    d[y] = numpy.fft.rfft2(d[a], s, axes, norm)


@reverse(FFT.irfft2)
def irfft2(y, a, s=None, axes=(-2, -1), norm=None):
    d[a] = fft_inverse_real_adjoint(d[y], a, s, axes, norm)


@forward(FFT.irfft2)
def irfft2(y, a, s=None, axes=(-2, -1), norm=None):
    d[y] = numpy.fft.irfft2(d[a], s, axes, norm)


@reverse(FFT.rfftn)
def rfftn(y, a, s=None, axes=None, norm=None):
    d[a] = fft_real_adjoint(d[y], a, s, axes, norm)


@forward(FFT.rfftn)
def rfftn(y, a, s=None, axes=None, norm=None):
    d[y] = numpy.fft.rfftn(d[a], s, axes, norm)


@reverse(FFT.irfftn)
def irfftn(y, a, s=None, axes=None, norm=None):
    d[a] = fft_inverse_real_adjoint(d[y], a, s, axes, norm)


@forward(FFT.irfftn)
def irfftn(y, a, s=None, axes=None, norm=None):
    d[y] = numpy.fft.irfftn(d[a], s, axes, norm)


@reverse(FFT.hfft)
def hfft(y, a, n=None, axis=-1, norm=None):
    d[a] = hfft_adjoint(d[y], a, n, axis, norm)


@forward(FFT.hfft)
def hfft(y, a, n=None, axis=-1, norm=None):
    d[y] = numpy.fft.hfft(d[a], n, axis, norm)


@reverse(FFT.ihfft)
def ihfft(y, a, n=None, axis=-1, norm=None):
    d[a] = ihfft_adjoint(d[y], a, n, axis, norm)


@forward(FFT.ihfft)
def ihfft(y, a, n=None, axis=-1, norm=None):
    d[y] = numpy.fft.ihfft(d[a], n, axis, norm)


# -- shifts: permutations, each the other's transpose -----------------------------------
@reverse(FFT.fftshift)
def fftshift(y, x, axes=None):
    d[x] = fftshift_adjoint(d[y], axes, False)


@forward(FFT.fftshift)
def fftshift(y, x, axes=None):
    d[y] = numpy.fft.fftshift(d[x], axes)


@reverse(FFT.ifftshift)
def ifftshift(y, x, axes=None):
    d[x] = fftshift_adjoint(d[y], axes, True)


@forward(FFT.ifftshift)
def ifftshift(y, x, axes=None):
    d[y] = numpy.fft.ifftshift(d[x], axes)


# -- the adjoints' own tangents (forward mode over an emitted gradient): linear in g -------
linear(fft_complex_adjoint, "g")
linear(fft_real_adjoint, "g")
linear(fft_inverse_real_adjoint, "g")
linear(hfft_adjoint, "g")
linear(ihfft_adjoint, "g")
linear(fftshift_adjoint, "g")
