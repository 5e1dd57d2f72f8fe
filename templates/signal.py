"""srcdiff.signal.convolve (autograd's convolution over chosen axes, contracted over
dot_axes; modes full, valid, same): bilinear, so each operand's adjoint is the output's
adjoint g convolved back with the other operand (convolve_grad), and the tangent is one
convolution per operand. convolve_grad is linear in g and in the operand it reads (the
other one gives its shape alone), which gives its tangent (forward over reverse).
"""
import srcdiff.signal
from srcdiff.rules import d, forward, reverse
from srcdiff.signal import convolve_grad


@reverse(srcdiff.signal.convolve)
def convolve(y, A, B, axes=None, dot_axes=None, mode="full"):
    d[A] = convolve_grad(d[y], A, B, axes, dot_axes, mode, 0)
    d[B] = convolve_grad(d[y], A, B, axes, dot_axes, mode, 1)


@forward(srcdiff.signal.convolve)
def convolve(y, A, B, axes=None, dot_axes=None, mode="full"):
    d[y] = srcdiff.signal.convolve(d[A], B, axes, dot_axes, mode)
    d[y] = srcdiff.signal.convolve(A, d[B], axes, dot_axes, mode)


# convolve_grad(g, A, B, ..., 0) reads B's values and A's shape alone (the other way round
# for 1): each operand's term counts only in the other's adjoint
@forward(convolve_grad)
def convolve_grad_tangent(y, g, A, B, axes=None, dot_axes=None, mode="full", which=0):
    d[y] = convolve_grad(d[g], A, B, axes, dot_axes, mode, which)
    d[y] = convolve_grad(g, d[A], B, axes, dot_axes, mode, which) * (which == 1)
    d[y] = convolve_grad(g, A, d[B], axes, dot_axes, mode, which) * (which == 0)
