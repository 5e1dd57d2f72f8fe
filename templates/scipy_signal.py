"""scipy.signal.convolve (modes full, same, valid; any method), real arrays of any dimension (a complex one is refused
at the user's line).

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
