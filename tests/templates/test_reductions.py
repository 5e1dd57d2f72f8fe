"""Every reduction rule in templates/reductions.py against central differences."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

rng = np.random.default_rng(1)

AXES = [(None, False), (None, True), (0, False), (1, True), (-1, False), ((0, 2), False),
        ((0, -1), True), ((), False)]
AXIS_IDS = [f"axis={a},keepdims={k}" for a, k in AXES]


def _distinct(shape):
    """Values with no ties and no zeros (for max/min/prod)."""
    n = int(np.prod(shape))
    vals = rng.permutation(np.linspace(0.3, 1.7, n)) * rng.choice([-1.0, 1.0], size=n)
    return vals.reshape(shape)


def _weights(f, x):
    """Fixed weights shaped like f(x), so every output element matters differently."""
    return np.arange(1.0, 1.0 + np.size(f(x))).reshape(np.shape(f(x)))


def _reduction(fn, axis, keepdims):
    w = _weights(lambda x: fn(x, axis=axis, keepdims=keepdims), np.ones((2, 3, 4)))
    return lambda x: np.sum(np.sin(fn(x, axis=axis, keepdims=keepdims)) * w)


@pytest.mark.parametrize("fn", [np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin,
                                np.var, np.std])
@pytest.mark.parametrize("axis,keepdims", AXES, ids=AXIS_IDS)
def test_reduction(fn, axis, keepdims):
    if fn in (np.var, np.std) and axis == ():
        pytest.skip("variance over no axes is zero (std has a kink)")
    check(_reduction(fn, axis, keepdims), _distinct((2, 3, 4)))


@pytest.mark.parametrize("fn", [np.var, np.std])
@pytest.mark.parametrize("ddof", [0, 1])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
def test_var_std_ddof(fn, ddof, axis):
    x = _distinct((3, 4))
    check(lambda x: np.sum(np.cos(fn(x, axis=axis, ddof=ddof))), x)


@pytest.mark.parametrize("fn", [np.sum, np.mean, np.prod, np.max, np.min, np.var, np.std])
def test_reduction_of_vector_and_positional_axis(fn):
    x = _distinct((5,))
    check(lambda x: fn(x) * 2.0, x)
    y = _distinct((3, 4))
    check(lambda y: np.sum(np.sin(fn(y, 1))), y)


def test_methods():
    x = _distinct((3, 4))
    check(lambda x: np.sum(x.sum(axis=0) ** 2), x)
    check(lambda x: np.sum(x.mean(axis=0) ** 2), x)
    check(lambda x: x.prod(), x)
    check(lambda x: x.max() + x.min(), x)
    check(lambda x: np.sum(x.max(axis=1, keepdims=True) * x), x)
    check(lambda x: x.std() + x.var(axis=1).sum(), x)
    check(lambda x: np.sum(x.cumsum(axis=1) ** 2), x)


@pytest.mark.parametrize("zeros", [[0], [0, 5], [0, 1, 2]])
def test_prod_with_zeros(zeros):
    x = _distinct((2, 3))
    x.flat[zeros] = 0.0
    check(lambda x: np.prod(x), x)
    check(lambda x: np.sum(np.prod(x, axis=1) * np.array([1.0, 2.0])), x)
    check(lambda x: np.sum(np.prod(x, axis=0, keepdims=True) * x), x)


def test_prod_empty_axis_is_one():
    x = np.ones((2, 0))
    g = srcdiff.grad(lambda x: np.sum(np.prod(x, axis=1)))(x)
    assert g.shape == (2, 0)


def test_max_ties_split_evenly():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    g = srcdiff.grad(lambda x: np.sum(np.max(x, axis=1)))(x)
    np.testing.assert_allclose(g, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    g = srcdiff.grad(lambda x: np.min(x))(np.array([[1.0, 3.0], [1.0, 2.0]]))
    np.testing.assert_allclose(g, [[0.5, 0], [0.5, 0]])


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_cumsum(axis):
    x = _distinct((3, 4))
    w = np.arange(12.0).reshape(np.shape(np.cumsum(x, axis=axis)))
    check(lambda x: np.sum(np.cumsum(x, axis=axis) * w), x)


# -- norms ---------------------------------------------------------------------

VECTOR_ORDS = [None, 2, 1, np.inf, -np.inf, 3, 0.5, 0]


@pytest.mark.parametrize("ord", VECTOR_ORDS)
def test_norm_vector(ord):
    x = _distinct((5,))
    check(lambda x: np.linalg.norm(x, ord) * 2.0, x)


@pytest.mark.parametrize("ord", [None, 2, 1, np.inf, 3])
@pytest.mark.parametrize("axis,keepdims", [(0, False), (-1, True), (1, False)])
def test_norm_vector_axis(ord, axis, keepdims):
    x = _distinct((3, 4))
    check(lambda x: np.sum(np.sin(np.linalg.norm(x, ord=ord, axis=axis,
                                                      keepdims=keepdims))), x)


@pytest.mark.parametrize("ord", [None, "fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf])
def test_norm_matrix(ord):
    x = _distinct((3, 4))
    check(lambda x: np.linalg.norm(x, ord), x)


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, 1, np.inf])
@pytest.mark.parametrize("keepdims", [False, True])
def test_norm_matrix_axes(ord, keepdims):
    x = _distinct((3, 2, 4))
    w = np.arange(1.0, 3.0)
    check(lambda x: np.sum(np.linalg.norm(x, ord, axis=(0, 2), keepdims=keepdims).ravel()
                                * w), x)


def test_norm_flattens_nd_without_ord():
    x = _distinct((2, 3, 2))
    check(lambda x: np.linalg.norm(x), x)
    check(lambda x: np.sum(np.linalg.norm(x, keepdims=True) * x), x)


def test_norm_of_zero_vector_has_zero_gradient():
    g = srcdiff.grad(lambda x: np.linalg.norm(x))(np.zeros(3))
    np.testing.assert_array_equal(g, np.zeros(3))


@pytest.mark.skipif(not hasattr(np.linalg, "vector_norm"), reason="NumPy 2 only")
def test_vector_and_matrix_norm():
    x = _distinct((3, 4))
    check(lambda x: np.linalg.vector_norm(x), x)
    check(lambda x: np.sum(np.linalg.vector_norm(x, axis=1, ord=1) * np.arange(3.0)), x)
    check(lambda x: np.linalg.vector_norm(x, axis=(0, 1), ord=np.inf), x)
    check(lambda x: np.linalg.matrix_norm(x), x)
    y = _distinct((2, 3, 3))
    check(lambda y: np.sum(np.linalg.matrix_norm(y, ord="nuc") * np.arange(2.0)), y)
    check(lambda y: np.sum(np.linalg.matrix_norm(y, ord=2, keepdims=True) * y), y)
