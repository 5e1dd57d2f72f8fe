"""Rules for functions of complex values that srcdiff.runtime's helpers do not cover, and
the tangent rules of their helpers (srcdiff/complex_runtime.py), which forward mode over
emitted gradients meets.

Convention (README, "Complex numbers"): the gradient of a real f of z = a + ib is
df/da - i df/db; a real-valued result's cotangent is real (numpy.real(d[y])).
"""
import numpy

from srcdiff.complex_runtime import angle_slope, angle_slope_tangent
from srcdiff.rules import d, forward, reverse


# angle(z) = atan2(imag z, real z): d angle = Im(dz / z); 0 for real z (0 or pi) and at 0.
@reverse(numpy.angle)
def angle(y, z, deg=False):
    d[z] = numpy.real(d[y]) * angle_slope(z) * (180.0 / numpy.pi if deg else 1.0)


@forward(numpy.angle)
def angle(y, z, deg=False):
    d[y] = numpy.real(d[z] * angle_slope(z)) * (180.0 / numpy.pi if deg else 1.0)


@forward(angle_slope)
def angle_slope_tangent_rule(y, z):
    d[y] = angle_slope_tangent(d[z], z)
