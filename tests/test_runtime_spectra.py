"""srcdiff/runtime_spectra.py: eigenvectors in the order eigvals gave the values (and their
tangent, by finite differences), the slopes at roots, and the refusal of repeated values."""
import numpy
import pytest

from srcdiff import runtime_spectra as rsp
from srcdiff.errors import SrcdiffError
from gradcheck import assert_close_tree

A = numpy.array([[0.5, -1.2, 0.3], [0.8, 0.1, -0.7], [0.2, 0.9, 1.4]])


def test_eigvals_vectors_follow_the_values_order():
    y = numpy.linalg.eigvals(A)[::-1]
    v = rsp.eigvals_vectors(A, y)
    assert_close_tree(A @ v, v * y, 1e-10, 1e-12)


def test_eigvals_vectors_tangent():
    y = numpy.linalg.eigvals(A)
    t = numpy.random.default_rng(3).normal(size=(3, 3))
    want = (rsp.eigvals_vectors(A + 1e-6 * t, numpy.linalg.eigvals(A + 1e-6 * t)) -
            rsp.eigvals_vectors(A - 1e-6 * t, numpy.linalg.eigvals(A - 1e-6 * t))) / 2e-6
    assert_close_tree(rsp.eigvals_vectors_tangent(t, A, y), want, 1e-5, 1e-7)


def test_repeated_values_are_refused():
    with pytest.raises(SrcdiffError, match="repeated"):
        rsp.eigvals_vectors(numpy.eye(2), numpy.ones(2))
    with pytest.raises(SrcdiffError, match="repeated"):
        rsp.simple_root_slopes(numpy.zeros(2), numpy.array([1.0, 1.0 + 1e-12]))
    assert rsp.simple_root_slopes(numpy.ones(1), numpy.array([2.0])) is not None
