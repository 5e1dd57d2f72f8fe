"""srcdiff/complex_runtime.py: numpy.angle's slope and its tangent, against finite
differences in the README's convention (the gradient of a real f of z = a + ib is
df/da - i df/db)."""
import numpy
import pytest

from srcdiff.complex_runtime import angle_slope, angle_slope_tangent
from gradcheck import directional_difference

Z = numpy.array([1 + 2j, -0.5 + 0.1j, 3 - 4j, -2 - 1e-3j])
EPS = 1e-6


def test_angle_slope_is_the_gradient_of_the_angle():
    da = (numpy.angle(Z + EPS) - numpy.angle(Z - EPS)) / (2 * EPS)
    db = (numpy.angle(Z + 1j * EPS) - numpy.angle(Z - 1j * EPS)) / (2 * EPS)
    numpy.testing.assert_allclose(angle_slope(Z), da - 1j * db, rtol=1e-6)


def test_the_slope_is_zero_at_zero_and_for_real_values():
    assert angle_slope(numpy.array([0j]))[0] == 0
    assert not numpy.any(angle_slope(numpy.array([-2.0, 3.0])))
    assert not numpy.any(angle_slope_tangent(numpy.ones(2), numpy.array([-2.0, 3.0])))


@pytest.mark.parametrize("t", [1.0, 1j, 0.3 - 2j])
def test_angle_slope_tangent_is_the_derivative_of_the_slope(t):
    expected = directional_difference(angle_slope, Z, t, EPS)
    numpy.testing.assert_allclose(angle_slope_tangent(t, Z), expected, rtol=1e-5, atol=1e-9)
