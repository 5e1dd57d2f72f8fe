"""srcdiff/runtime_spacings.py: gradient_spacings gives NumPy's tuple, its axes are NumPy's
(TypeError where the counts differ), and its adjoints are the transposes of its tangents
(<grad, tangent> the same both ways, for f and for each spacing)."""
import numpy as np
import pytest

from srcdiff.runtime_spacings import (gradient_spacings, spacing_axes, spacings_f_grad,
                                      spacings_spacing_grad, spacings_tangent)

RNG = np.random.default_rng(11)
F = RNG.normal(size=(4, 5))
C = np.array([0.0, 0.4, 1.0, 1.3, 2.1])


def _dot(a, b):
    return sum(float(np.sum(u * v)) for u, v in zip(a, b))


def test_the_tuple_is_numpys():
    for args, kw in [((0.3, C), {}), ((C, 0.7), {"axis": (1, 0), "edge_order": 2})]:
        got = gradient_spacings(F, *args, **kw)
        want = np.gradient(F, *args, **kw)
        assert isinstance(got, tuple) and all(np.array_equal(a, b) for a, b in zip(got, want))


def test_axes_are_numpys():
    assert spacing_axes(F, None, 2) == [0, 1]
    assert spacing_axes(F, (-1, 0), 2) == [1, 0]
    with pytest.raises(TypeError, match="invalid number of arguments"):
        spacing_axes(F, 0, 2)


@pytest.mark.parametrize("edge_order", [1, 2])
def test_adjoints_are_transposes(edge_order):
    s0, s1 = 0.3, C
    y = gradient_spacings(F, s0, s1, edge_order=edge_order)
    grad = [RNG.normal(size=F.shape), RNG.normal(size=F.shape)]
    t_f = RNG.normal(size=F.shape)
    tangent = gradient_spacings(t_f, s0, s1, edge_order=edge_order)
    assert np.isclose(_dot(grad, tangent),
                      np.sum(spacings_f_grad(grad, F, s0, s1, None, None, None, edge_order) * t_f))
    for which, t in ((0, 0.7), (1, RNG.normal(size=5))):
        along = spacings_tangent(t, y, F, s0, s1, None, None, None, edge_order, which)
        adjoint = spacings_spacing_grad(grad, y, F, s0, s1, None, None, None, edge_order,
                                        which)
        assert np.isclose(_dot(grad, along), np.sum(adjoint * t))
        assert np.all(along[1 - which] == 0.0)
