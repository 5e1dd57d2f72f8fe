"""srcdiff/lazy_runtime.py's helpers called directly: values against NumPy's own operations,
derivatives against central differences, and on Dask arrays the array type and chunks kept.
(Their tangent rules, templates/lazy_rules.py, are checked in tests/templates/test_lazy_rules.py.)
"""
import numpy as np
import pytest

from gradcheck import check_grad, directional_difference
from srcdiff.lazy_runtime import (broadcast_back, decided, scale_gradient,
                                  scale_gradient_tangent, unit_like, unit_like_tangent)

rng = np.random.default_rng(23)


def test_broadcast_back_is_the_adjoint_of_a_sum():
    """<broadcast_back(g, a), v> == <g, sum(v)>: the gradient of sum(a * g-weights)."""
    a = rng.normal(size=(4, 3))
    g = rng.normal(size=(1, 3))
    out = broadcast_back(g, a)
    assert out.shape == a.shape
    np.testing.assert_allclose(out, np.broadcast_to(g, a.shape))
    # d/da of sum(sum(a, axis=0, keepdims=True) * g) is g spread over a
    check_grad(lambda a: np.sum(np.sum(a, axis=0, keepdims=True) * g), a)
    np.testing.assert_allclose(broadcast_back(np.float64(2.5), a), np.full(a.shape, 2.5))


def test_broadcast_back_keeps_dask_chunks():
    dask_array = pytest.importorskip("dask.array")
    a = dask_array.from_array(rng.normal(size=(6, 4)), chunks=(2, 4))
    g = dask_array.from_array(rng.normal(size=(1, 4)), chunks=(1, 4))
    out = broadcast_back(g, a)
    assert isinstance(out, dask_array.Array)
    assert out.chunks == a.chunks            # one view of g per chunk of a, not one long chunk
    np.testing.assert_allclose(out.compute(), np.broadcast_to(g.compute(), (6, 4)))


def test_broadcast_back_of_an_unknown_length():
    dask_array = pytest.importorskip("dask.array")
    x = dask_array.from_array(rng.normal(size=8), chunks=4)
    masked = x[x > 0]                         # length NaN until computed
    assert np.isnan(masked.shape[0])
    out = broadcast_back(np.float64(1.5), masked)
    np.testing.assert_allclose(out.compute(), np.full(int(np.sum(x.compute() > 0)), 1.5))


def test_decided_is_a_python_bool_computed_once():
    assert decided(np.float64(1.0) > 0) is True
    assert decided(np.array(0.0)) is False
    dask_array = pytest.importorskip("dask.array")
    lazy = dask_array.from_array(np.array([1.0, -2.0]), chunks=1).sum() < 0
    assert decided(lazy) is True


def test_unit_like_and_scale_gradient_give_back_g_times_s():
    """scale_gradient(g(unit_like(s)), s) == g(s) for g linear in its seed: the factor
    applied last gives the gradient applied first."""
    x = rng.normal(size=3)
    for s in (np.float64(0.7), 2.0, np.array(-1.3)):
        seed = unit_like(s)
        assert np.shape(seed) == np.shape(s) and isinstance(seed, np.ndarray) == isinstance(s, np.ndarray)
        np.testing.assert_allclose(seed, 1.0)
        np.testing.assert_allclose(scale_gradient(np.cos(x) * seed, s), np.cos(x) * s)
    g = {"a": [x, None], "b": (x * 2.0,)}
    scaled = scale_gradient(g, 3.0)
    np.testing.assert_allclose(scaled["a"][0], 3.0 * x)
    assert scaled["a"][1] is None
    np.testing.assert_allclose(scaled["b"][0], 6.0 * x)
    # not deferred: a complex factor or no factor leaves the seed and the gradient alone
    assert unit_like(1.0 + 2.0j) == 1.0 + 2.0j and unit_like(None) is None
    assert scale_gradient(x, 1.0 + 2.0j) is x


@pytest.mark.parametrize("s", [np.float64(0.7), np.float32(0.7), np.float16(0.7), 0.7,
                               np.array(0.7), np.array([0.7, -1.0], dtype=np.float32)],
                         ids=["float64", "float32", "float16", "float", "0d", "1d-float32"])
def test_unit_like_is_one_of_the_type_of_its_factor(s):
    """A NumPy scalar seed stays a NumPy scalar of its dtype (np.float64 gave a Python float,
    np.float32 a 0-d array), an array an array of its dtype and shape."""
    seed = unit_like(s)
    assert type(seed) is type(s) and np.shape(seed) == np.shape(s)
    assert np.result_type(seed) == np.result_type(s)
    np.testing.assert_array_equal(seed, np.ones_like(s))


def test_tangents_against_central_differences():
    g, s, ds = rng.normal(size=4), 0.8, 0.3
    expected = directional_difference(lambda s: scale_gradient(g, s), s, ds)
    np.testing.assert_allclose(scale_gradient_tangent(g, ds, s), expected, rtol=1e-6)
    expected = directional_difference(lambda s: unit_like(s), s, ds)
    np.testing.assert_allclose(unit_like_tangent(ds, s), expected, atol=1e-9)
    z, dz = 0.4 + 0.2j, 0.1 - 0.5j                # complex: identity, so is its tangent
    np.testing.assert_allclose(unit_like_tangent(dz, z), dz)
