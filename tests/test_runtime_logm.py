"""srcdiff/runtime_logm.py: the Frechet derivative of logm against central differences of
scipy.linalg.logm, and its derivative against central differences of itself."""
import numpy as np
import pytest

sl = pytest.importorskip("scipy.linalg")

from srcdiff.runtime_logm import logm_frechet, logm_frechet_second  # noqa: E402

rng = np.random.default_rng(13)
A = np.eye(3) * 2.0 + 0.3 * rng.normal(size=(3, 3))
E = rng.normal(size=(3, 3))
D = rng.normal(size=(3, 3))


def test_frechet_derivative_is_the_directional_derivative():
    h = 1e-6
    want = (sl.logm(A + h * E) - sl.logm(A - h * E)) / (2 * h)
    np.testing.assert_allclose(logm_frechet(A, E), want, rtol=1e-6, atol=1e-8)


def test_its_derivative_in_the_matrix():
    h = 1e-5
    want = (logm_frechet(A + h * D, E) - logm_frechet(A - h * D, E)) / (2 * h)
    np.testing.assert_allclose(logm_frechet_second(A, E, D), want, rtol=1e-5, atol=1e-7)


def test_the_value_is_real_for_a_real_matrix():
    assert logm_frechet(A, E).dtype.kind == "f"
