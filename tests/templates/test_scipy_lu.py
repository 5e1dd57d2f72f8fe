"""templates/scipy_lu.py: scipy.linalg.lu_factor, lu_solve and lu against central differences,
both modes and second order: the factor itself, solves with both trans, vector and matrix
right-hand sides, matrices whose pivoting swaps rows."""
import numpy as np
import pytest

sl = pytest.importorskip("scipy.linalg")

import srcdiff  # noqa: E402
from gradcheck import check  # noqa: E402

rng = np.random.default_rng(21)


def _pivoting(k):
    """A matrix partial pivoting reorders (its first column's largest entry is not first)."""
    a = rng.normal(size=(k, k)) + 2 * np.eye(k)
    a[-1, 0] = 5.0
    return a


def test_lu_factor_whole_result():
    a = _pivoting(4)
    assert sl.lu_factor(a)[1][0] != 0
    w = np.arange(1.0, 17.0).reshape(4, 4)
    check(lambda a: np.sum(np.sin(sl.lu_factor(a)[0]) * w), a)


@pytest.mark.parametrize("trans", [0, 1, 2])
@pytest.mark.parametrize("rhs", [(3,), (3, 2)], ids=["vector", "matrix"])
def test_lu_solve_of_lu_factor(trans, rhs):
    def f(a, b):
        return np.sum(np.sin(sl.lu_solve(sl.lu_factor(a), b, trans=trans)))
    check(f, _pivoting(3), rng.normal(size=rhs), wrt=(0, 1))


def unpacked(a, b):
    lu, piv = sl.lu_factor(a)
    x = sl.lu_solve((lu, piv), b)
    return np.sum(x ** 2) + np.sum(lu * a)


def test_unpacked_factor_reused():
    check(unpacked, _pivoting(3), rng.normal(size=3), wrt=(0, 1))


def stacked(a):
    return np.sum(sl.lu_factor(a)[0])


def test_stack_is_refused_located():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_lu.py:\d+.*square"):
        srcdiff.grad(stacked)(rng.normal(size=(2, 3, 3)))


# -- lu: (p, l, u), a = p l u --------------------------------------------------------------
_LU_W = np.random.default_rng(23).normal(size=(3, 4, 4))


def lu_all(a):
    p, low, up = sl.lu(a)
    return np.sum(np.sin(low) * _LU_W[0]) + np.sum(np.sin(up) * _LU_W[1]) + np.sum(p * _LU_W[2])


def lu_permuted(a):
    return np.sum(sl.lu(a, permute_l=True)[0])


def test_lu():
    check(lu_all, np.random.default_rng(5).normal(size=(4, 4)))


def test_lu_permute_l_is_refused_located():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_lu.py:\d+") as info:
        srcdiff.grad(lu_permuted)(np.eye(3) + 0.1)
    assert "permute_l" in str(info.value)
