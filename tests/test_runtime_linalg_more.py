"""srcdiff/runtime_linalg_more.py: cond's norm order, scipy.linalg.polar's tangents (against
central differences) and its check (a square invertible matrix passes; a singular or
rectangular one is refused, saying why)."""
import numpy as np
import pytest

from srcdiff.errors import SrcdiffError
from srcdiff.runtime_linalg_more import check_polar, cond_order


def test_cond_order_is_2_for_none_and_p_otherwise():
    assert cond_order(None) == 2
    assert [cond_order(p) for p in ("fro", 1, -2, np.inf)] == ["fro", 1, -2, np.inf]


def test_check_polar_passes_an_invertible_matrix_and_refuses_the_others():
    check_polar(np.eye(3) + 0.1, None)
    with pytest.raises(SrcdiffError, match="singular"):
        check_polar(np.ones((3, 3)), None)
    with pytest.raises(SrcdiffError, match="square"):
        check_polar(np.ones((3, 2)), None)


def test_polar_tangent_is_the_central_difference_of_scipy_polar():
    sl = pytest.importorskip("scipy.linalg")
    from srcdiff.runtime_linalg_more import polar_tangent
    rng = np.random.default_rng(4)
    a, t, h = rng.normal(size=(3, 3)) + 2.0 * np.eye(3), rng.normal(size=(3, 3)), 1e-6
    for side in ("right", "left"):
        u, p = sl.polar(a, side)
        up, pp = sl.polar(a + h * t, side)
        um, pm = sl.polar(a - h * t, side)
        du, dp = polar_tangent(t, a, u, p, side)
        assert np.allclose(du, (up - um) / (2 * h), atol=1e-7)
        assert np.allclose(dp, (pp - pm) / (2 * h), atol=1e-7)


def test_check_lu_refuses_other_shapes_and_forms():
    from srcdiff.runtime_linalg_more import check_lu
    check_lu(np.eye(3), False, False, None)
    with pytest.raises(SrcdiffError, match="square"):
        check_lu(np.ones((3, 2)), False, False, None)
    with pytest.raises(SrcdiffError, match="permute_l"):
        check_lu(np.eye(3), True, False, None)
