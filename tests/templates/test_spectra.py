"""templates/spectra.py: numpy.linalg.eigvals and numpy.roots against central differences,
both modes and second order (real parts, moduli and non-symmetric weights of complex values);
repeated eigenvalues and roots are refused."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

A = np.array([[0.5, -1.2, 0.3], [0.8, 0.1, -0.7], [0.2, 0.9, 1.4]])   # a complex pair
S = np.array([[2.0, 0.3, -0.1], [0.4, -1.0, 0.5], [0.0, 0.6, 0.7]])   # real eigenvalues
P = np.array([1.5, -0.4, -2.0, 0.7])


def test_eigvals_of_real_eigenvalues():
    check(lambda a: np.sum(np.sort(np.real(np.linalg.eigvals(a))) * np.array([1.0, 2.0, 3.0])), S)


def test_eigvals_of_a_complex_pair():
    check(lambda a: np.sum(np.abs(np.linalg.eigvals(a)) ** 2) +
          np.sum(np.real(np.linalg.eigvals(a)) ** 3), A)
    check(lambda a: np.sum(np.linalg.eigvals(a @ a.T + a).real * np.array([1.0, 2.0, 3.0])), A)


def test_eigvals_of_a_stack():
    check(lambda s: np.sum(np.abs(np.linalg.eigvals(s)) ** 2), np.stack([A, S]))


def test_roots():
    check(lambda p: np.sum(np.sort(np.real(np.roots(p))) * np.array([1.0, 2.0, 3.0])), P)
    check(lambda p: np.sum(np.abs(np.roots(p * np.array([1.0, 0.5, 3.0, 1.0]))) ** 2), P)
    check(lambda p: np.sum(np.roots(np.concatenate([p, [0.0]])).real ** 3), P)


def test_repeated_values_are_refused():
    with pytest.raises(srcdiff.SrcdiffError, match="repeated"):
        srcdiff.grad(lambda p: np.sum(np.real(np.roots(p))))(np.array([1.0, -2.0, 1.0]))
    with pytest.raises(srcdiff.SrcdiffError, match="repeated"):
        srcdiff.grad(lambda a: np.sum(np.real(np.linalg.eigvals(a))))(np.eye(2))
