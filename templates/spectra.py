"""Eigenvalues of general matrices and roots of polynomials: numpy.linalg.eigvals and
numpy.roots (srcdiff.runtime_spectra has their helpers).

eigvals(a): dw_i = (V^-1 dA V)_ii with V the eigenvectors (as numpy.linalg.eig's rule in
linalg.py); the reverse rule is V^-T diag(g) V^T, its real part for a real a. roots(p): each
root r moves by -dp(r) / p'(r), so p's cotangent is -sum_i g_i / p'(r_i) [r_i^N, ..., 1].
Both hold for distinct values only: repeated eigenvalues or roots are refused when the
derivative runs. Complex values follow the convention of the other rules (the derivative of
a holomorphic function, real part for a real input).
"""
import numpy

from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, reverse
from srcdiff.runtime import unbroadcast
from srcdiff.runtime_linalg import fft_real_part
from srcdiff.runtime_spectra import eigvals_vectors, eigvals_vectors_tangent, simple_root_slopes


@reverse(numpy.linalg.eigvals)
def eigvals(y, a):
    v = eigvals_vectors(a, y)
    d[a] = fft_real_part(numpy.matmul(numpy.swapaxes(numpy.linalg.inv(v), -1, -2),
                                      numpy.expand_dims(d[y], -1) * numpy.swapaxes(v, -1, -2)),
                         a)


@forward(numpy.linalg.eigvals)
def eigvals(y, a):
    v = eigvals_vectors(a, y)
    d[y] = numpy.sum(numpy.linalg.inv(v) * numpy.swapaxes(numpy.matmul(d[a], v), -1, -2), -1)


@forward(eigvals_vectors)
def eigvals_vectors_rule(out, a, y):
    d[out] = eigvals_vectors_tangent(d[a], a, y)


@reverse(numpy.roots)
def roots(y, p):
    slopes = simple_root_slopes(numpy.polyval(numpy.polyder(p), y), y)
    d[p] = unbroadcast(-numpy.matmul(d[y] / slopes, numpy.vander(y, numpy.size(p))), p)


@forward(numpy.roots)
def roots(y, p):
    slopes = simple_root_slopes(numpy.polyval(numpy.polyder(p), y), y)
    d[y] = -numpy.matmul(numpy.vander(y, numpy.size(p)), d[p]) / slopes


linear(simple_root_slopes, "slopes")
