"""srcdiff/runtime_linalg_more.py: cond's norm order, and scipy.linalg.polar's check (a square
invertible matrix passes; a singular or rectangular one is refused, saying why)."""
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
