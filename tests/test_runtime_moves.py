"""srcdiff/runtime_moves.py: the helpers of numpy.unstack, broadcast_arrays, resize,
trim_zeros, extract, choose and logspace, tested directly. Each adjoint is the transpose of
a NumPy call linear in the operand it differentiates, so finite differences of
<cotangent, call(x)> give its exact answer; each tangent must equal the call's finite
differences along the tangent."""
import numpy
import pytest

from srcdiff import runtime_moves as rm
from gradcheck import assert_close_tree, numerical_grad

RNG = numpy.random.default_rng(21)


def _vjp(f, x, g):
    return numerical_grad(f, [x], 0, cotangent=g)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_unstack_join_is_the_transpose_of_unstack(axis):
    x = RNG.normal(size=(2, 3))
    pieces = [numpy.take(x, k, axis=axis) for k in range(x.shape[axis])]
    g = [RNG.normal(size=p.shape) for p in pieces]
    g[1] = None   # a piece the loss does not use
    dense = [numpy.zeros(p.shape) if v is None else v for v, p in zip(g, pieces)]
    want = _vjp(lambda a: [numpy.take(a, k, axis=axis) for k in range(len(pieces))], x, dense)
    assert_close_tree(rm.unstack_join(g, x, axis), want, 1e-6, 1e-8)


def test_broadcast_arrays_grad_and_tangent():
    a, b = RNG.normal(size=(2, 1)), RNG.normal(size=(3,))
    g = [RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3))]
    assert_close_tree(rm.broadcast_arrays_grad(g, 0, a, b, None, None),
                      _vjp(lambda v: numpy.broadcast_arrays(v, b)[0], a, g[0]), 1e-6, 1e-8)
    assert_close_tree(rm.broadcast_arrays_grad([g[0], 0.0], 1, a, b, None, None),
                      numpy.zeros(3), 0, 0)
    t = rm.broadcast_arrays_tangent(b, 1, a, b, None, None)
    assert_close_tree(t, [numpy.zeros((2, 3)), numpy.broadcast_to(b, (2, 3))], 0, 0)


@pytest.mark.parametrize("shape", [(3, 4), (4,), (2, 7), (1,)])
def test_resize_grad_is_the_transpose_of_resize(shape):
    x = RNG.normal(size=(2, 3))
    g = RNG.normal(size=shape)
    assert_close_tree(rm.resize_grad(g, x), _vjp(lambda a: numpy.resize(a, shape), x, g),
                      1e-6, 1e-8)


@pytest.mark.parametrize("trim, axis", [("fb", None), ("f", None), ("b", 0), ("FB", 1)])
def test_trim_zeros_moves_the_kept_part(trim, axis):
    x = numpy.zeros((4, 5))
    x[1:3, 1:4] = RNG.normal(size=(2, 3))
    y = numpy.trim_zeros(x, trim, axis)
    g = RNG.normal(size=y.shape)
    assert_close_tree(rm.trim_zeros_grad(g, x, trim, axis),
                      _vjp(lambda a: a[rm.trim_box(x, trim, axis)], x, g), 1e-6, 1e-8)
    t = RNG.normal(size=x.shape)
    assert_close_tree(rm.trim_zeros_tangent(t, x, trim, axis), t[rm.trim_box(x, trim, axis)],
                      0, 0)
    assert rm.trim_box(x, trim, axis) and x[rm.trim_box(x, trim, axis)].shape == y.shape


def test_extract_grad_with_a_short_condition():
    x = RNG.normal(size=(2, 3))
    cond = [1, 0, 1, 1]
    g = RNG.normal(size=3)
    assert_close_tree(rm.extract_grad(g, cond, x),
                      _vjp(lambda a: numpy.extract(cond, a), x, g), 1e-6, 1e-8)


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_choose_grad_is_the_transpose_of_choose(mode):
    index = numpy.array([[0, 1, 2], [2, 0, 1]]) if mode == "raise" else \
        numpy.array([[0, 4, -1], [2, 0, 5]])
    c = [RNG.normal(size=(2, 3)), RNG.normal(size=(3,)), RNG.normal(size=(2, 1))]
    g = RNG.normal(size=(2, 3))
    got = rm.choose_grad(g, index, c, mode)
    for k in range(3):
        def pick(v, k=k):
            return numpy.choose(index, [v if i == k else c[i] for i in range(3)], mode=mode)
        assert_close_tree(got[k], _vjp(pick, c[k], g), 1e-6, 1e-8)


def test_logspace_log_base_and_float_weight():
    start, stop = numpy.array([0.5, 1.0]), 2.0
    got = rm.logspace_log_base(start, stop, 3, True, numpy.array([2.0, 3.0]), None, 1)
    assert got.shape == (2, 1) or got.shape == (2, 3)
    assert_close_tree(numpy.broadcast_to(got, (2, 3)),
                      numpy.log(numpy.array([[2.0] * 3, [3.0] * 3])), 1e-12, 0)
    assert rm.float_weight(None) == 1.0 and rm.float_weight(numpy.complex128) == 1.0
    assert rm.float_weight(int) == 0.0
