"""scipy.signal.convolve (modes full, same, valid; any method), real arrays of any dimension (a
complex one is refused at the user's line); fftconvolve (over every axis), convolve2d,
correlate and correlate2d (zero fill) alike; detrend (a projection, its own adjoint).

Convolution is linear in each input: the adjoint of in1 is the 'full' output's gradient
correlated with in2 (a 'valid' convolution with in2 flipped), the 'same' and 'valid'
outputs being centered parts of the 'full' one. Loaded once the user's code has imported
scipy.signal (srcdiff.rules.OPTIONAL).
"""
import numpy
import scipy.signal

from srcdiff.callables import name_path
from srcdiff.rules import d, forward, real_only, reverse
from srcdiff.runtime_scipy import pad_to_full

name_path(scipy.signal.convolve, "scipy.signal.convolve")
real_only("scipy.signal.convolve", scipy.signal.convolve)


@reverse(scipy.signal.convolve)
def convolve(y, in1, in2, mode="full", method="auto"):
    full = pad_to_full(d[y], in1, in2)
    d[in1] = scipy.signal.convolve(full, numpy.flip(in2), mode="valid", method=method)
    d[in2] = scipy.signal.convolve(full, numpy.flip(in1), mode="valid", method=method)


@forward(scipy.signal.convolve)
def convolve(y, in1, in2, mode="full", method="auto"):
    d[y] = scipy.signal.convolve(d[in1], in2, mode=mode, method=method)
    d[y] = scipy.signal.convolve(in1, d[in2], mode=mode, method=method)


# fftconvolve over every axis is convolve (axes= is refused: the rule pads every axis)
name_path(scipy.signal.fftconvolve, "scipy.signal.fftconvolve")
real_only("scipy.signal.fftconvolve", scipy.signal.fftconvolve)


@reverse(scipy.signal.fftconvolve)
def fftconvolve(y, in1, in2, mode="full"):
    full = pad_to_full(d[y], in1, in2)
    d[in1] = scipy.signal.fftconvolve(full, numpy.flip(in2), mode="valid")
    d[in2] = scipy.signal.fftconvolve(full, numpy.flip(in1), mode="valid")


@forward(scipy.signal.fftconvolve)
def fftconvolve(y, in1, in2, mode="full"):
    d[y] = scipy.signal.fftconvolve(d[in1], in2, mode=mode)
    d[y] = scipy.signal.fftconvolve(in1, d[in2], mode=mode)


# convolve2d with zero fill (boundary='fill', fillvalue=0: the defaults; the others are
# refused at the user's line) is convolve of two 2-d arrays
name_path(scipy.signal.convolve2d, "scipy.signal.convolve2d")
real_only("scipy.signal.convolve2d", scipy.signal.convolve2d)


@reverse(scipy.signal.convolve2d)
def convolve2d(y, in1, in2, mode="full"):
    full = pad_to_full(d[y], in1, in2)
    d[in1] = scipy.signal.convolve2d(full, numpy.flip(in2), mode="valid")
    d[in2] = scipy.signal.convolve2d(full, numpy.flip(in1), mode="valid")


@forward(scipy.signal.convolve2d)
def convolve2d(y, in1, in2, mode="full"):
    d[y] = scipy.signal.convolve2d(d[in1], in2, mode=mode)
    d[y] = scipy.signal.convolve2d(in1, d[in2], mode=mode)


# correlate(in1, in2) is convolve(in1, flip(in2)) for real arrays: the adjoint of in1 is
# the 'full' gradient convolved with in2 ('valid'), in2's the flip of the gradient convolved
# with in1 flipped; correlate2d likewise with zero fill
name_path(scipy.signal.correlate, "scipy.signal.correlate")
name_path(scipy.signal.correlate2d, "scipy.signal.correlate2d")
real_only("scipy.signal.correlate", scipy.signal.correlate)
real_only("scipy.signal.correlate2d", scipy.signal.correlate2d)


@reverse(scipy.signal.correlate)
def correlate(y, in1, in2, mode="full", method="auto"):
    full = pad_to_full(d[y], in1, in2)
    d[in1] = scipy.signal.convolve(full, in2, mode="valid", method=method)
    d[in2] = numpy.flip(scipy.signal.convolve(full, numpy.flip(in1), mode="valid",
                                              method=method))


@forward(scipy.signal.correlate)
def correlate(y, in1, in2, mode="full", method="auto"):
    d[y] = scipy.signal.correlate(d[in1], in2, mode=mode, method=method)
    d[y] = scipy.signal.correlate(in1, d[in2], mode=mode, method=method)


@reverse(scipy.signal.correlate2d)
def correlate2d(y, in1, in2, mode="full"):
    # its 'same' output starts where the flipped convolution's ends: padded the other way
    full = numpy.flip(pad_to_full(numpy.flip(d[y]), in1, in2))
    d[in1] = scipy.signal.convolve2d(full, in2, mode="valid")
    d[in2] = numpy.flip(scipy.signal.convolve2d(full, numpy.flip(in1), mode="valid"))


@forward(scipy.signal.correlate2d)
def correlate2d(y, in1, in2, mode="full"):
    d[y] = scipy.signal.correlate2d(d[in1], in2, mode=mode)
    d[y] = scipy.signal.correlate2d(in1, d[in2], mode=mode)


# detrend subtracts the least-squares fit of a constant or a line (one per segment between
# the breakpoints bp) along axis: an orthogonal projection, its own adjoint
# (overwrite_data= is refused at the user's line: it would change the caller's array)
name_path(scipy.signal.detrend, "scipy.signal.detrend")
real_only("scipy.signal.detrend", scipy.signal.detrend)


@reverse(scipy.signal.detrend)
def detrend(y, data, axis=-1, type="linear", bp=0):
    d[data] = scipy.signal.detrend(d[y], axis=axis, type=type, bp=bp)


@forward(scipy.signal.detrend)
def detrend(y, data, axis=-1, type="linear", bp=0):
    d[y] = scipy.signal.detrend(d[data], axis=axis, type=type, bp=bp)
