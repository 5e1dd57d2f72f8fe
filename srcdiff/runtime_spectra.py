"""Runtime helpers of the rules of numpy.linalg.eigvals and numpy.roots, templates/spectra.py
(run time: called by emitted code; a leaf importing numpy and srcdiff's runtime leaves).
Takes the matrix or the coefficients and the eigenvalues or roots the call gave; gives back
the eigenvectors in the eigenvalues' order, or the polynomial's slopes at its roots, after
refusing values whose derivative does not exist (repeated eigenvalues or roots).

eigvals' derivative is the eigenvalue part of eig's (templates/linalg.py): dw_i = (V^-1 dA
V)_ii, V the eigenvectors, which numpy.linalg.eig gives again here, in the order eigvals
gave the values (matched to the nearest). A root r of p moves by -dp(r) / p'(r). No Numba
version: jit=True refuses a derivative calling one, naming it.
"""
import numpy

from .runtime_checks import refuse
from .runtime_linalg import eig_tangent

_CLOSE = 1e-7   # relative distance under which two eigenvalues or roots count as one


def _order(w, y):
    """For each value of y, the index of the nearest value of w (along the last axis)."""
    return numpy.argmin(numpy.abs(w[..., None, :] - y[..., :, None]), axis=-1)


def _check_distinct(y, what, hint):
    """Refuse where two values of y (along its last axis) lie within _CLOSE of each other,
    relative to the largest: pairs closer than that, besides each value with itself."""
    if numpy.shape(y)[-1] < 2:
        return
    gaps = numpy.abs(y[..., :, None] - y[..., None, :])
    close = gaps <= _CLOSE * (1.0 + numpy.max(numpy.abs(y)))
    if int(numpy.sum(close)) > numpy.size(y):
        refuse(f"{what} are repeated here: they have no derivative", hint, None)


def eigvals_vectors(a, y):
    """The eigenvectors of a (numpy.linalg.eig's, each of unit length) in the order of the
    eigenvalues y that numpy.linalg.eigvals(a) gave; refused where two of them coincide."""
    _check_distinct(y, "numpy.linalg.eigvals' eigenvalues",
                    "differentiate a symmetric function of them instead (numpy.trace, "
                    "numpy.linalg.det), or use numpy.linalg.eigvalsh for a symmetric matrix")
    w, v = numpy.linalg.eig(a)
    return numpy.take_along_axis(v, _order(w, y)[..., None, :], axis=-1)


def eigvals_vectors_tangent(t, a, y):
    """The tangent of eigvals_vectors(a, y) along a's tangent t (eig's eigenvector tangent,
    in the same order; y only picks the order)."""
    w, v = numpy.linalg.eig(a)
    dv = eig_tangent(t, w, v)[1]
    return numpy.take_along_axis(dv, _order(w, y)[..., None, :], axis=-1)


def simple_root_slopes(slopes, roots):
    """p'(r) at the roots r of p, given; refused where two roots coincide (a multiple root,
    whose slope is zero, has no derivative)."""
    _check_distinct(roots, "numpy.roots' roots",
                    "differentiate the coefficients' symmetric functions instead (the "
                    "polynomial's values), or perturb the polynomial apart")
    return slopes
