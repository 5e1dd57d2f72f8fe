"""Helpers the derivative rules of scipy.linalg.solve_banded call, templates/scipy_banded.py
(run time: called by emitted code). Takes banded matrices in solve_banded's storage and
arrays; gives back new arrays in that storage or dense.

A banded matrix A with l sub- and u superdiagonals is held as solve_banded holds it: an
array ab of l + u + 1 rows, ab[u + i - j, j] = A[i, j]; the entries of ab outside the band
(the top left and bottom right corners) are never read. The helpers work on that storage,
never on a dense n x n matrix, and build their results from slices, numpy.pad and
numpy.stack (no in-place writes), so device arrays stay on the device. Each helper is linear
in each array argument, and its tangent and adjoint rules (beside the templates) are these
helpers again, so forward-over-reverse code (hvp) differentiates through them.
"""
import numpy


def _span(n, shift):
    """The columns j of an n-column band row whose row index j + shift lies in [0, n)."""
    lo, hi = max(0, -shift), min(n, n - shift)
    return lo, max(hi, lo)


def transposed_band(ab, lower, upper):
    """The band storage of A^T (upper sub-, lower superdiagonals) from that of A; zero
    outside the band."""
    n = numpy.shape(ab)[-1]
    rows = []
    for k in range(lower + upper + 1):
        lo, hi = _span(n, k - lower)
        rows.append(numpy.pad(ab[lower + upper - k, lo + k - lower:hi + k - lower],
                              [(lo, n - hi)]))
    return numpy.stack(rows)


def _rows(v, lo, hi):
    return v[lo:hi] if numpy.ndim(v) == 1 else v[lo:hi, :]


def band_matmul(ab, lower, upper, v):
    """A @ v for the banded A of ab (v a vector or a matrix of columns)."""
    n = numpy.shape(ab)[-1]
    terms = []
    for r in range(lower + upper + 1):
        lo, hi = _span(n, r - upper)
        coef = ab[r, lo:hi] if numpy.ndim(v) == 1 else numpy.reshape(ab[r, lo:hi], (-1, 1))
        pads = [(lo + r - upper, n - hi - r + upper)] + [(0, 0)] * (numpy.ndim(v) - 1)
        terms.append(numpy.pad(coef * _rows(v, lo, hi), pads))
    return sum(terms[1:], terms[0])


def band_outer(p, q, lower, upper):
    """The band storage of p @ q^T (vectors or matrices of columns), its entries outside
    the band zero: the gradient, on ab, of a function of A from its gradient p q^T."""
    n = numpy.shape(q)[0]
    rows = []
    for r in range(lower + upper + 1):
        lo, hi = _span(n, r - upper)
        part = _rows(p, lo + r - upper, hi + r - upper) * _rows(q, lo, hi)
        if numpy.ndim(part) == 2:
            part = numpy.sum(part, axis=1)
        rows.append(numpy.pad(part, [(lo, n - hi)]))
    return numpy.stack(rows)
