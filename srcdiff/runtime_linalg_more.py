"""Helpers the derivative rules of numpy.linalg.cond with p= (templates/linalg_tensor.py) and
scipy.linalg.polar (templates/scipy_polar.py) emit (run time: called by emitted code; the
rules there name them). Takes the matrix (or the order p); gives back the order of the norms
cond's derivative reads, or checks that the polar factors have a derivative.

cond(x, p) is norm(x, p) * norm(inv(x), p) over the last two axes, and with p = None, 2 or -2
(where x may be M x N) the same product with pinv(x): the largest (smallest) singular value
over the smallest (largest). `cond_order(p)` is the norm's order: 2 where p is None.
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
