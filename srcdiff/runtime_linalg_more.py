"""Helpers the derivative rules of numpy.linalg.cond with p= (templates/linalg_tensor.py) and
scipy.linalg.polar (templates/scipy_linalg.py) emit (run time: called by emitted code; the
rules there name them). Takes the matrix (or the order p); gives back the order of the norms
cond's derivative reads, or checks that the polar factors have a derivative.

cond(x, p) is norm(x, p) * norm(inv(x), p) over the last two axes, and with p = None, 2 or -2
(where x may be M x N) the same product with pinv(x): the largest (smallest) singular value
over the smallest (largest). `cond_order(p)` is the norm's order: 2 where p is None.
polar's tangents solve a Sylvester equation (`polar_tangent`; SciPy is imported there only).
`check_lu` refuses the forms of scipy.linalg.lu its rule (templates/scipy_lu.py) does not cover.
"""
import numpy

from .runtime_checks import refuse


def cond_order(p):
    """The order of the norms whose product is numpy.linalg.cond(x, p): p, or 2 for None."""
    return 2 if p is None else p


def check_polar(a, where):
    """scipy.linalg.polar(a) has a derivative where a is square and invertible (the polar
    factor u is then unique and smooth; at a singular a it is not): refuse otherwise."""
    a = numpy.asarray(a)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        refuse(f"srcdiff differentiates scipy.linalg.polar of square matrices only (this "
               f"one is {a.shape})", "the factor u of a rectangular matrix of full rank is "
               "u @ vh of u, s, vh = numpy.linalg.svd(a, full_matrices=False)", where)
    s = numpy.linalg.svd(a, compute_uv=False)
    if s.size and not s[-1] > s[0] * 1e3 * numpy.finfo(float).eps * max(a.shape):
        refuse("scipy.linalg.polar of a singular matrix has no derivative: its factor u "
               "is not unique there", "keep the matrix invertible (add a multiple of the "
               "identity)", where)


def polar_tangent(t, a, u, p, side="right"):
    """The tangents (du, dp) of scipy.linalg.polar(a, side) = (u, p) along t (a's tangent).
    Right (a = u p, p^2 = a^T a): p dp + dp p = t^T a + a^T t, a Sylvester equation, and
    du = (t - u dp) p^-1. Left (a = p u) is the right polar of a^T, transposed."""
    import scipy.linalg
    left = side == "left"
    b, t, u = (numpy.swapaxes(m, -1, -2) if left else m for m in (a, t, u))
    rhs = numpy.matmul(numpy.swapaxes(t, -1, -2), b) + numpy.matmul(numpy.swapaxes(b, -1, -2), t)
    dp = scipy.linalg.solve_sylvester(p, p, rhs)
    du = numpy.linalg.solve(p, numpy.swapaxes(t - numpy.matmul(u, dp), -1, -2))  # p symmetric
    return (du if left else numpy.swapaxes(du, -1, -2)), dp


def check_lu(a, permute_l, p_indices, where):
    """scipy.linalg.lu(a): of one square matrix, giving (p, l, u) as the permutation matrix
    (permute_l=True's (p l, u) and p_indices=True's row indices are refused)."""
    if numpy.ndim(a) != 2 or numpy.shape(a)[0] != numpy.shape(a)[1]:
        refuse(f"srcdiff differentiates scipy.linalg.lu of one square matrix only, not of "
               f"shape {numpy.shape(a)}", "loop over a stack of matrices; for a rectangular "
               "one use scipy.linalg.qr", where)
    if permute_l or p_indices:
        refuse("srcdiff differentiates scipy.linalg.lu giving (p, l, u), not with "
               "permute_l=True or p_indices=True", "call p, l, u = scipy.linalg.lu(a) and "
               "multiply p @ l yourself", where)
