"""srcdiff/runtime_coordinates.py: numpy.gradient's helpers for coordinate arrays, tested
directly against finite differences of numpy.gradient itself: the adjoints in f and in the
coordinates, the tangent along the coordinates, and the adjoints' own derivatives along a
tangent of the coordinates (forward over reverse)."""
import numpy
import pytest

from srcdiff import runtime_coordinates as rc
from gradcheck import assert_close_tree, numerical_grad

RNG = numpy.random.default_rng(29)
X = numpy.array([0.0, 0.4, 1.5, 1.9, 3.0, 3.2])


def _case(axis):
    f = RNG.normal(size=(6,) if axis is None else (3, 6) if axis == 1 else (6, 2))
    return f, numpy.gradient(f, X, axis=axis) if axis is not None else numpy.gradient(f, X)


@pytest.mark.parametrize("axis", [None, 1, 0])
@pytest.mark.parametrize("edge_order", [1, 2])
def test_adjoints_are_the_transposes_of_numpy_gradient(axis, edge_order):
    f, y = _case(axis)
    g = RNG.normal(size=y.shape)

    def run(a, x):
        return numpy.gradient(a, x, axis=axis, edge_order=edge_order)
    assert_close_tree(rc.coordinates_f_grad(g, f, X, axis, edge_order),
                      numerical_grad(lambda a: run(a, X), [f], 0, cotangent=g), 1e-6, 1e-8)
    assert_close_tree(rc.coordinates_x_grad(g, f, X, axis, edge_order),
                      numerical_grad(lambda x: run(f, x), [X], 0, cotangent=g), 1e-6, 1e-7)
    t = RNG.normal(size=X.shape)
    step = 1e-6
    along = (run(f, X + step * t) - run(f, X - step * t)) / (2 * step)
    assert_close_tree(rc.coordinates_x_tangent(t, f, X, axis, edge_order), along, 1e-5, 1e-6)
    # the adjoints' derivatives along t (they are linear in g: differences of the helpers)
    for helper in (rc.coordinates_f_grad, rc.coordinates_x_grad):
        moved = (helper(g, f, X + step * t, axis, edge_order) -
                 helper(g, f, X - step * t, axis, edge_order)) / (2 * step)
        assert_close_tree(helper(g, f, X, axis, edge_order, t), moved, 1e-5, 1e-6)


def test_the_terms_regroup_numpys_coefficients():
    f = RNG.normal(size=6)
    for edge_order in (1, 2):
        out = numpy.zeros(6)
        for o, j, k, s in rc._terms(6, edge_order):
            out[o] += s * (f[k] - f[j]) / (X[k] - X[j])
        assert numpy.allclose(out, numpy.gradient(f, X, edge_order=edge_order), atol=1e-12)


def test_along_helpers_of_a_scalar_spacing_and_of_coordinates():
    f, y = _case(None)
    g = RNG.normal(size=y.shape)
    assert rc.gradient_spacing_grad_along(None, g, y, 0.5, None, f, 1, y, "f") == 0.0
    zeros = rc.gradient_spacing_grad_along(None, g, y, X, None, f, 1, y, "y")
    assert zeros.shape == X.shape and not zeros.any()
    assert rc.gradient_grad_along(numpy.ones(3), g, f, 0.5, None, 1, 0.25)[0] == -0.5
