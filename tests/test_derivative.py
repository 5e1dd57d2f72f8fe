"""srcdiff/derivative.py: a derivative compiles its emitted code per pattern of argument
kinds and shapes, and shares it with every derivative of the same function."""
import numpy as np

import srcdiff


def loss(w, x, scale=2.0):
    return np.sum((w * x - 1.0) ** 2) * scale


W = np.array([0.5, -1.0, 2.0])
X = np.array([1.0, 2.0, -0.5])


def test_cached_transform():
    g1 = srcdiff.grad(loss)
    g2 = srcdiff.grad(loss)
    g1(W, X)
    g2(W, X)
    assert g1.__wrapped__ is g2.__wrapped__


def _variants(derivative):
    return len({id(f) for f in derivative._compiled.values()})


def test_sizes_of_one_shape_pattern_share_one_variant():
    """Specialisation is on which sizes are 0, 1 or equal, not on the sizes: 14 lengths are
    two variants (length 1 broadcasts, the others do not), and a new size transforms nothing."""
    g = srcdiff.grad(lambda x, y: np.sum(x * y * 3.0))
    for n in range(1, 15):
        np.testing.assert_allclose(g(np.ones(n), np.full(n, 2.0)), 6.0 * np.ones(n))
    assert _variants(g) == 2
    # equal sizes and different sizes are different patterns (y broadcast over x's rows)
    x, y = np.ones((3, 4)), np.arange(4.0)
    np.testing.assert_allclose(g(x, y), 3.0 * np.broadcast_to(y, (3, 4)))
    x, y = np.ones((4, 4)), np.arange(4.0)
    np.testing.assert_allclose(g(x, y), 3.0 * np.broadcast_to(y, (4, 4)))
    assert _variants(g) == 4


def test_many_shape_patterns_share_one_general_variant():
    g = srcdiff.grad(lambda x: np.sum(x * x * 3.0))
    for rank in range(1, 13):
        x = np.ones((2,) * rank)
        np.testing.assert_allclose(g(x), 6.0 * x)
    assert _variants(g) <= srcdiff.api.MAX_SHAPE_VARIANTS + 1
