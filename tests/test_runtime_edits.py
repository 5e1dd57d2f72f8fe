"""srcdiff/runtime_edits.py: the helpers of numpy.delete, insert and meshgrid, tested
directly. Each adjoint is the transpose of a NumPy call linear in the operand it
differentiates, so finite differences of <cotangent, call(x)> give its exact answer; each
tangent must equal finite differences of the call along the tangent."""
import numpy
import pytest

from srcdiff import runtime_edits as re_
from gradcheck import assert_close_tree, numerical_grad

RNG = numpy.random.default_rng(23)


def _vjp(f, x, g):
    return numerical_grad(f, [x], 0, cotangent=g)


@pytest.mark.parametrize("obj, axis", [(1, None), (slice(0, 3), None), ([0, 2], 1),
                                       (-1, 0), (numpy.array([True, False, True, False]), 1)])
def test_delete_grad_is_the_transpose_of_numpy_delete(obj, axis):
    x = RNG.normal(size=(3, 4))
    y = numpy.delete(x, obj, axis)
    g = RNG.normal(size=y.shape)
    assert_close_tree(re_.delete_grad(g, x, obj, axis),
                      _vjp(lambda a: numpy.delete(a, obj, axis), x, g), 1e-6, 1e-8)


@pytest.mark.parametrize("obj, shape, axis", [(1, (), None), ([1, 3], (2,), None),
                                              (2, (3,), None), (1, (), 1), (1, (3,), 1),
                                              ([0, 2], (4,), 0)])
def test_insert_grad_is_the_transpose_in_both_operands(obj, shape, axis):
    x = RNG.normal(size=(3, 4))
    v = RNG.normal(size=shape) if shape else 0.7
    y = numpy.insert(x, obj, v, axis)
    g = RNG.normal(size=y.shape)
    assert_close_tree(re_.insert_grad(g, x, obj, v, axis, 0),
                      _vjp(lambda a: numpy.insert(a, obj, v, axis), x, g), 1e-6, 1e-8)
    vs = numpy.asarray(v, dtype=float)
    want = _vjp(lambda b: numpy.insert(x, obj, b, axis), vs, g)
    assert_close_tree(numpy.asarray(re_.insert_grad(g, x, obj, v, axis, 1)), want, 1e-6, 1e-8)
    t = RNG.normal(size=numpy.shape(v))
    step = 1e-6
    along = (numpy.insert(x, obj, vs + step * t, axis) - y) / step
    assert_close_tree(re_.insert_tangent(t, x, obj, v, axis, 1), along, 1e-5, 1e-6)


def test_gathered_sums_the_places_of_a_label_and_zeros_the_missing():
    labels = numpy.array([[1, 0, 3], [1, 1, 0]])
    g = numpy.arange(1.0, 7.0).reshape(2, 3)
    assert list(re_.gathered(g, labels, 4)) == [1.0 + 4.0 + 5.0, 0.0, 3.0, 0.0]
    assert list(re_.gathered(g, numpy.zeros((2, 3), int), 2)) == [0.0, 0.0]


@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("sparse", [False, True])
def test_meshgrid_grad_and_tangent(indexing, sparse):
    xs = [RNG.normal(size=n) for n in (2, 3, 4)]
    grids = numpy.meshgrid(*xs, indexing=indexing, sparse=sparse)
    gs = [RNG.normal(size=numpy.shape(y)) for y in grids]
    for k in range(3):
        def part(a, k=k):
            args = list(xs)
            args[k] = a
            return numpy.meshgrid(*args, indexing=indexing, sparse=sparse)
        want = numerical_grad(lambda a: sum(numpy.sum(y * g) for y, g in zip(part(a), gs)),
                              [xs[k]], 0)
        got = re_.meshgrid_grad(gs, k, *xs, None, indexing)
        assert_close_tree(got, want, 1e-6, 1e-8)
        t = RNG.normal(size=xs[k].shape)
        tangents = re_.meshgrid_tangent(t, k, *xs, None, sparse, indexing)
        for j, (y, ty) in enumerate(zip(grids, tangents)):
            expected = part(xs[k] + 1e-6 * t)[j] - y
            assert_close_tree(ty, expected / 1e-6, 1e-5, 1e-6)
    assert numpy.all(re_.meshgrid_grad([None, gs[1], gs[2]], 0, *xs, None, indexing) == 0)
