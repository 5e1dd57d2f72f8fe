"""Every rule in templates/linalg.py against central differences."""
import numpy as np
import pytest

from gradcheck import check

rng = np.random.default_rng(3)


def _x(*shape):
    return rng.normal(size=shape)


DOT_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
              ((2, 2, 3), (3, 4)), ((2, 3), (2, 3, 4)), ((3,), (2, 3, 4)), ((), (2, 3)),
              ((2, 3), ())]


def _weights(shape):
    return np.arange(1.0, 1.0 + np.prod(shape, dtype=int)).reshape(shape)


@pytest.mark.parametrize("sa,sb", DOT_SHAPES, ids=[f"{a}x{b}" for a, b in DOT_SHAPES])
def test_dot(sa, sb):
    a, b = _x(*sa), _x(*sb)
    w = _weights(np.shape(np.dot(a, b)))
    check(lambda a, b: np.sum(np.dot(a, b) * w), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(a.dot(b) * w), a, b, wrt=(0, 1))


def test_dot_python_floats():
    check(lambda s, t: np.dot(s, t) * 2.0, 0.3, -0.7, wrt=(0, 1))


INNER_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (4, 3)), ((2, 3), (4, 3)),
                ((2, 2, 3), (4, 3)), ((2, 3), (2, 4, 3)), ((), (2, 3))]


@pytest.mark.parametrize("sa,sb", INNER_SHAPES, ids=[f"{a}x{b}" for a, b in INNER_SHAPES])
def test_inner(sa, sb):
    a, b = _x(*sa), _x(*sb)
    w = _weights(np.shape(np.inner(a, b)))
    check(lambda a, b: np.sum(np.inner(a, b) * w), a, b, wrt=(0, 1))


def test_vdot_outer():
    a, b = _x(2, 3), _x(3, 2)
    check(lambda a, b: np.vdot(a, b) * 2.0, a, b, wrt=(0, 1))
    u, v = _x(3), _x(2, 2)
    w = _weights((3, 4))
    check(lambda u, v: np.sum(np.outer(u, v) * w), u, v, wrt=(0, 1))


@pytest.mark.parametrize("sa,sb", [((3, 3), (3, 3)), ((2, 3), (3,)), ((3,), (3, 2)),
                                   ((2, 3, 4), (4, 2)), ((1, 3, 4), (2, 4, 2)), ((3,), (3,))])
def test_matmul(sa, sb):
    a, b = _x(*sa), _x(*sb)
    w = _weights(np.shape(a @ b))
    check(lambda a, b: np.sum((a @ b) * w), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.matmul(a, b) * w), a, b, wrt=(0, 1))


def _well_conditioned(*shape):
    n = shape[-1]
    return _x(*shape) * 0.3 + np.eye(n) * 2.0


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)])
def test_inv(shape):
    a = _well_conditioned(*shape)
    w = _weights(shape)
    check(lambda a: np.sum(np.linalg.inv(a) * w), a)


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3), (1, 1)])
def test_det(shape):
    a = _well_conditioned(*shape)
    w = _weights(shape[:-2])
    check(lambda a: np.sum(np.linalg.det(a) * w), a)


@pytest.mark.parametrize("sa,sb", [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 2)),
                                   ((2, 3, 3), (3, 1)), ((3, 3), (2, 3, 2)),
                                   ((2, 3, 3), (3,))])
def test_solve(sa, sb):
    a, b = _well_conditioned(*sa), _x(*sb)
    w = _weights(np.shape(np.linalg.solve(a, b)))
    check(lambda a, b: np.sum(np.linalg.solve(a, b) * w), a, b, wrt=(0, 1))
