"""srcdiff/runtime_structured.py: the helpers of scipy.linalg's structured matrices, tested
directly: each adjoint is the transpose of a call linear in the input it differentiates
(finite differences of <cotangent, call(x)> give it exactly), each tangent the call's
finite differences along the tangent; companion's by finite differences too."""
import numpy
import pytest

sl = pytest.importorskip("scipy.linalg")

from srcdiff import runtime_structured as rs  # noqa: E402
from gradcheck import assert_close_tree, numerical_grad  # noqa: E402

RNG = numpy.random.default_rng(21)


def _vjp(f, x, g):
    return numerical_grad(f, [x], 0, cotangent=g)


@pytest.mark.parametrize("name, shapes", [("toeplitz", [(3,)]), ("toeplitz", [(3,), (4,)]),
                                          ("hankel", [(3,)]), ("hankel", [(2,), (3,)]),
                                          ("circulant", [(4,)]),
                                          ("block_diag", [(2, 2), (3,), ()])])
def test_structured_grad_and_tangent(name, shapes):
    xs = [RNG.normal(size=s) for s in shapes]
    y = getattr(sl, name)(*xs)
    g = RNG.normal(size=y.shape)
    for k in range(len(xs)):
        def call(v, k=k):
            return getattr(sl, name)(*[v if i == k else x for i, x in enumerate(xs)])
        assert_close_tree(rs.structured_grad(g, name, k, *xs), _vjp(call, xs[k], g), 1e-6, 1e-8)
        t = RNG.normal(size=numpy.shape(xs[k]))
        want = (call(xs[k] + 1e-6 * t) - call(xs[k] - 1e-6 * t)) / 2e-6
        assert_close_tree(rs.structured_tangent(t, name, k, *xs), want, 1e-6, 1e-8)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolution_matrix_grad(mode):
    a = RNG.normal(size=3)
    y = sl.convolution_matrix(a, 5, mode)
    g = RNG.normal(size=y.shape)
    assert_close_tree(rs.convolution_matrix_grad(g, a, 5, mode),
                      _vjp(lambda v: sl.convolution_matrix(v, 5, mode), a, g), 1e-6, 1e-8)


def test_companion_grad_and_tangents():
    a = numpy.array([1.5, -0.3, 0.8, 2.0])
    y = sl.companion(a)
    g = RNG.normal(size=y.shape)
    assert_close_tree(rs.companion_grad(g, a), _vjp(sl.companion, a, g), 1e-6, 1e-8)
    t = RNG.normal(size=4)
    want = (sl.companion(a + 1e-6 * t) - sl.companion(a - 1e-6 * t)) / 2e-6
    assert_close_tree(rs.companion_tangent(t, a, y), want, 1e-6, 1e-8)
    want = (rs.companion_grad(g, a + 1e-6 * t) - rs.companion_grad(g, a - 1e-6 * t)) / 2e-6
    assert_close_tree(rs.companion_grad_tangent(g, a, t), want, 1e-6, 1e-8)
