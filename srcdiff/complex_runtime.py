"""Runtime helpers of the rules for complex values, templates/complex_values.py (run time:
called by emitted code). Takes complex values z (and a tangent); gives back the gradient of
numpy.angle at z (`angle_slope`) and its tangent (`angle_slope_tangent`), new arrays.

Self-contained like srcdiff/runtime.py (the codegen command copies them): numpy only.
The convention is the README's: the gradient of a real f of z = a + ib is df/da - i df/db.
"""
import numpy


def angle_slope(z):
    """The gradient of numpy.angle at z: -1j * conj(z) / |z|**2 (that is -1j / z), 0 at
    z == 0 (where the angle jumps) and for real z (the angle is 0 or pi, flat)."""
    if not numpy.iscomplexobj(z):
        return numpy.multiply(z, 0.0)
    size2 = numpy.real(z * numpy.conjugate(z))
    zero = size2 == 0
    return numpy.where(zero, 0j, -1j * numpy.conjugate(z) / numpy.where(zero, 1.0, size2))


def angle_slope_tangent(tangent, z):
    """The tangent of angle_slope(z) along `tangent`: -1j / z is holomorphic, so 1j * t / z**2
    (0 where z == 0, and for real z)."""
    if not numpy.iscomplexobj(z):
        return numpy.multiply(tangent, 0.0)
    size2 = numpy.real(z * numpy.conjugate(z))
    zero = size2 == 0
    conj = numpy.conjugate(z)
    return numpy.where(zero, 0j, 1j * tangent * conj * conj / numpy.where(zero, 1.0, size2 * size2))
