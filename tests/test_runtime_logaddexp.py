"""srcdiff/runtime_logaddexp.py: the running log-sum-exp's tangent and adjoint, against
differences of numpy.logaddexp.accumulate (and logaddexp2), and against each other as
transposes."""
import numpy
import pytest

from gradcheck import assert_close_tree, directional_difference, numerical_grad
from srcdiff import runtime_logaddexp as rl

RNG = numpy.random.default_rng(27)
UFUNCS = [(numpy.logaddexp, numpy.e), (numpy.logaddexp2, 2)]


@pytest.mark.parametrize("ufunc,base", UFUNCS)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_tangent_and_grad_match_differences(ufunc, base, axis):
    a = RNG.normal(size=(3, 5)) * 3.0
    y = ufunc.accumulate(a, axis=axis)
    t, g = RNG.normal(size=a.shape), RNG.normal(size=a.shape)
    assert_close_tree(rl.logaddexp_accumulate_tangent(t, a, y, axis, base),
                      directional_difference(lambda v: ufunc.accumulate(v, axis=axis), a, t),
                      1e-6, 1e-8)
    assert_close_tree(rl.logaddexp_accumulate_grad(g, a, y, axis, base),
                      numerical_grad(lambda v: ufunc.accumulate(v, axis=axis), [a], 0,
                                     cotangent=g), 1e-6, 1e-8)


@pytest.mark.parametrize("ufunc,base", UFUNCS)
def test_grad_is_the_tangents_transpose_for_far_apart_values_and_one_dimension(ufunc, base):
    """<g, T t> == <G g, t>, for values whose powers overflow, axis=None of a vector"""
    a = numpy.array([-1000.0, 3.0, 900.0, 899.0, -2.0, 905.0, 904.5, 0.0, 1000.0])
    y = ufunc.accumulate(a)
    t, g = RNG.normal(size=a.shape), RNG.normal(size=a.shape)
    left = numpy.sum(g * rl.logaddexp_accumulate_tangent(t, a, y, None, base))
    right = numpy.sum(rl.logaddexp_accumulate_grad(g, a, y, None, base) * t)
    assert numpy.isfinite(left) and numpy.isclose(left, right, rtol=1e-12)


def test_minus_infinity_adds_nothing():
    a = numpy.array([-numpy.inf, -numpy.inf, 0.5, -numpy.inf, 1.5])
    y = numpy.logaddexp.accumulate(a)
    ones = numpy.ones_like(a)
    grad = rl.logaddexp_accumulate_grad(ones, a, y, 0, numpy.e)
    finite = a[[2, 4]]
    expected = numpy.exp(finite[0] - y[2]) + numpy.exp(finite[0] - y[3]) + numpy.exp(
        finite[0] - y[4])
    assert grad[[0, 1, 3]].tolist() == [0.0, 0.0, 0.0] and numpy.isclose(grad[2], expected)
    tangent = rl.logaddexp_accumulate_tangent(ones, a, y, 0, numpy.e)
    assert tangent[:2].tolist() == [0.0, 0.0] and numpy.allclose(tangent[2:], 1.0)
