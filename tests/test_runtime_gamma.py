"""srcdiff/runtime_gamma.py: digamma and polygamma of Python floats, against scipy.special
where SciPy is installed, and against identities that need no SciPy."""
import math

import numpy as np
import pytest

from srcdiff.runtime_gamma import digamma, polygamma

POINTS = [1e-3, 0.3, 0.5, 1.0, 1.7, 2.0, 5.5, 9.99, 10.0, 37.2, 1e3, 1e6,
          -0.001, -0.4, -1.5, -2.5, -3.7, -7.25]


def _close(got, want, tol=1e-13):
    assert abs(got - want) <= tol * max(1.0, abs(want)), (got, want)


@pytest.mark.parametrize("x", POINTS)
def test_digamma_and_polygamma_match_scipy(x):
    special = pytest.importorskip("scipy.special")
    _close(digamma(x), float(special.digamma(x)))
    for n in (1, 2, 3):
        _close(polygamma(n, x), float(special.polygamma(n, x)))


def test_known_values():
    euler = 0.57721566490153286
    _close(digamma(1.0), -euler)
    _close(digamma(0.5), -euler - 2 * math.log(2.0))
    _close(polygamma(1, 1.0), math.pi ** 2 / 6)
    _close(polygamma(1, 0.5), math.pi ** 2 / 2)
    _close(polygamma(2, 1.0), -2 * 1.2020569031595942)


@pytest.mark.parametrize("x", [0.7, 3.3, -0.4, -2.6])
def test_recurrence_and_differences_of_lgamma(x):
    _close(digamma(x + 1.0), digamma(x) + 1.0 / x)
    _close(polygamma(1, x + 1.0), polygamma(1, x) - 1.0 / x ** 2, 1e-12)
    h = 1e-5
    _close(digamma(x), (math.lgamma(x + h) - math.lgamma(x - h)) / (2 * h), 1e-8)
    _close(polygamma(1, x), (digamma(x + h) - digamma(x - h)) / (2 * h), 1e-7)
    _close(polygamma(2, x), (polygamma(1, x + h) - polygamma(1, x - h)) / (2 * h), 1e-7)


def test_numpy_scalars_give_python_floats():
    assert type(digamma(np.float64(1.5))) is float
    assert type(polygamma(np.int64(1), np.float32(2.5))) is float


@pytest.mark.parametrize("x", [0.0, -1.0, -3.0])
def test_poles_are_refused(x):
    with pytest.raises(ValueError, match="pole"):
        digamma(x)
    with pytest.raises(ValueError, match="pole"):
        polygamma(1, x)


def test_the_order_must_be_a_positive_integer():
    with pytest.raises(ValueError, match="order"):
        polygamma(0, 1.0)
    with pytest.raises(ValueError, match="order"):
        polygamma(1.5, 1.0)
