"""numpy.gradient given a spacing per axis (srcdiff/spacing_calls.py, runtime_spacings.py):
numbers and coordinate arrays, one per axis, with axis= and edge_order=; the derivative in f
and in every spacing, against central differences in reverse and forward mode and to second
order (gradcheck.check)."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

RNG = np.random.default_rng(5)
F = RNG.normal(size=(5, 4))
F3 = RNG.normal(size=(4, 3, 5))
CX = np.array([0.0, 0.4, 0.9, 1.1, 1.8])
CY = np.array([-0.3, 0.2, 0.6, 1.5])
CZ = np.array([0.1, 0.5, 0.8, 1.6, 2.0])


def two_numbers(f, dx, dy):
    gx, gy = np.gradient(f, dx, dy)
    return np.sum(gx * gy + np.sin(gy))


def two_coordinate_arrays(f, cx, cy):
    gx, gy = np.gradient(f ** 2, cx, cy, edge_order=2)
    return np.sum(gx * np.cos(gy))


def a_number_and_coordinates(f, dx, cy):
    g = np.gradient(f, dx, cy)
    return np.sum(g[0] ** 2) + np.sum(g[0] * g[1])


def axes_with_spacings(f, cz, dy):
    gz, gx = np.gradient(f * f[0, 0, 0], cz, dy, axis=(-1, 1))
    return np.sum(gz ** 2 * gx)


def three_axes(f, h):
    g0, g1, g2 = np.gradient(f, h, 2.0 * h, 0.7, edge_order=2)
    return np.sum(g0 * g1 - g2 ** 2)


@pytest.mark.parametrize("wrt", [0, 1, 2])
def test_two_numbers(wrt):
    check(two_numbers, F, 0.6, 1.3, wrt=wrt, order=2)


@pytest.mark.parametrize("wrt", [0, 1, 2])
def test_two_coordinate_arrays(wrt):
    check(two_coordinate_arrays, F, CX, CY, wrt=wrt, order=2)


@pytest.mark.parametrize("wrt", [0, 1, 2])
def test_a_number_and_coordinates(wrt):
    check(a_number_and_coordinates, F, 0.6, CY, wrt=wrt, order=2)


@pytest.mark.parametrize("wrt", [0, 1, 2])
def test_axes_with_spacings(wrt):
    check(axes_with_spacings, F3, CZ, 0.8, wrt=wrt, order=2)


@pytest.mark.parametrize("wrt", [0, 1])
def test_three_axes(wrt):
    check(three_axes, F3, 0.4, wrt=wrt, order=2)


def too_few_spacings(f):
    gx, gy = np.gradient(f, 0.5, 0.3, axis=0)
    return np.sum(gx)


def test_a_count_numpy_refuses_raises_its_error():
    with pytest.raises(TypeError, match="invalid number of arguments"):
        srcdiff.grad(too_few_spacings)(F)


def five_spacings(f):
    g = np.gradient(f, 1.0, 1.0, 1.0, 1.0, 1.0)
    return np.sum(g[0])


def test_more_than_four_spacings_stay_refused_at_the_line():
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.grad(five_spacings)(np.ones((3, 3, 3, 3, 3)))
    assert info.value.line.strip().startswith("g = np.gradient(f, 1.0")
