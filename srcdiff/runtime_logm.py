"""Helpers that the rule of scipy.linalg.logm (templates/scipy_linalg.py) emits: the Frechet
derivative of the principal matrix logarithm and its derivative (run time: called by emitted
code; a leaf importing NumPy, and scipy.linalg when called). Takes the matrix and the
directions; gives back the derivative, a matrix shaped like them.

For a primary matrix function f, f([[a, e], [0, a]]) = [[f(a), L(a, e)], [0, f(a)]]: the
Frechet derivative L(a, e) is the upper-right block of the function of a matrix twice the
size. L is linear in e; its adjoint in e is L(a^T, .), so the reverse rule is L(a^T, g).
Its derivative in a, along da, is the same corner of L([[a, e], [0, a]], [[da, 0], [0, da]])
(four times the size). The logarithm is the principal one: a must have no eigenvalue on the
closed negative real axis (scipy.linalg.logm's value is then real for a real a).

Like srcdiff.runtime, each helper stands alone (numpy and scipy, no shared state).
"""
import numpy


def logm_frechet(a, e):
    """The Frechet derivative of scipy.linalg.logm at a in the direction e."""
    import scipy.linalg
    n = numpy.shape(a)[-1]
    zero = numpy.zeros_like(a + e)
    big = numpy.concatenate([numpy.concatenate([a + zero, e + zero], axis=1),
                             numpy.concatenate([zero, a + zero], axis=1)], axis=0)
    return numpy.real_if_close(scipy.linalg.logm(big))[:n, n:]


def logm_frechet_second(a, e, da):
    """The derivative of logm_frechet(a, e) in a, along da: the corner of the Frechet
    derivative at [[a, e], [0, a]] along [[da, 0], [0, da]]."""
    n = numpy.shape(a)[-1]
    zero = numpy.zeros_like(a + e + da)
    big = numpy.concatenate([numpy.concatenate([a + zero, e + zero], axis=1),
                             numpy.concatenate([zero, a + zero], axis=1)], axis=0)
    step = numpy.concatenate([numpy.concatenate([da + zero, zero], axis=1),
                              numpy.concatenate([zero, da + zero], axis=1)], axis=0)
    return logm_frechet(big, step)[:n, n:]
