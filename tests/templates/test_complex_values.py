"""Rules of templates/complex_values.py (numpy.angle and its helper angle_slope), checked
against complex finite differences (gradcheck: df/da - i df/db) in both modes and to second
order, for complex and for real inputs."""
import numpy as np
import pytest

import srcdiff
from srcdiff.complex_runtime import angle_slope

from gradcheck import check, complex_numerical_grad

Z = np.array([1.0 + 2.0j, -0.5 + 0.3j, 0.7 - 1.1j, -2.0 - 0.4j])


def angle_sum(z):
    return np.sum(np.angle(z) * np.array([1.0, 2.0, 3.0, 4.0]))


def angle_degrees(z):
    return np.sum(np.angle(z, deg=True) ** 2)


def angle_times_z(z):
    return np.sum(np.real(np.angle(z) * z))   # a real-valued angle meets complex values


@pytest.mark.parametrize("f", [angle_sum, angle_degrees, angle_times_z])
def test_angle_of_complex_values(f):
    check(f, Z)
    np.testing.assert_allclose(srcdiff.grad(f)(Z), complex_numerical_grad(f, Z),
                               rtol=1e-6, atol=1e-8)


def angle_of_real(x):
    return np.sum(np.angle(x) * x + np.angle(x * (1.0 + 1.0j)) * x)


def test_angle_of_real_values():
    check(angle_of_real, np.array([0.5, -1.5, 2.0]))


def test_angle_slope_tangent():
    check(lambda z: angle_slope(z * z), Z, modes=("fwd",), order=1)
    check(lambda x: angle_slope(x * x) * x, np.array([0.5, -1.5, 0.3]), modes=("fwd",),
          order=1)
