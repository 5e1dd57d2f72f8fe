"""templates/scipy_banded.py: scipy.linalg.solve_banded against central differences, both
modes and second order, in the band storage ab and the right-hand side b (vector and matrix),
for several numbers of sub- and superdiagonals; the entries of ab outside the band, which
solve_banded never reads, get no derivative; (l, u) is held constant."""
import numpy as np
import pytest

sl = pytest.importorskip("scipy.linalg")

import srcdiff  # noqa: E402
from gradcheck import check  # noqa: E402

rng = np.random.default_rng(31)


def _band(lower, upper, n):
    ab = rng.normal(size=(lower + upper + 1, n))
    ab[upper] += 4.0  # a dominant diagonal: well conditioned
    return ab


BANDS = [(1, 1), (0, 2), (2, 0), (1, 2), (0, 0), (3, 1)]


@pytest.mark.parametrize("lower,upper", BANDS, ids=[f"l={lo}-u={u}" for lo, u in BANDS])
@pytest.mark.parametrize("rhs", [(5,), (5, 2)], ids=["vector", "matrix"])
def test_solve_banded(lower, upper, rhs):
    def f(ab, b):
        return np.sum(np.sin(sl.solve_banded((lower, upper), ab, b)))
    check(f, _band(lower, upper, 5), rng.normal(size=rhs), wrt=(0, 1))


def solve_banded_twice(ab, b):
    x = sl.solve_banded((1, 1), ab, b)
    return np.sum(sl.solve_banded((1, 1), ab, x * b) ** 2)


def solve_banded_keywords(ab, b):
    return np.sum(sl.solve_banded(l_and_u=[2, 1], ab=ab, b=b, check_finite=False) * b)


def test_solve_banded_composed_and_by_keyword():
    check(solve_banded_twice, _band(1, 1, 4), rng.normal(size=4), wrt=(0, 1))
    check(solve_banded_keywords, _band(2, 1, 4), rng.normal(size=(4, 3)), wrt=(0, 1))


def solve_banded_sum(ab, b):
    return np.sum(sl.solve_banded((1, 2), ab, b))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_entries_outside_the_band_get_no_derivative(mode):
    ab, b = _band(1, 2, 4), rng.normal(size=4)
    if mode == "grad":
        g = srcdiff.grad(solve_banded_sum, wrt=0)(ab, b)
    else:
        g = np.zeros_like(ab)
        for idx in np.ndindex(ab.shape):
            e = np.zeros_like(ab)
            e[idx] = 1.0
            g[idx] = srcdiff.jvp(solve_banded_sum, wrt=0)(ab, b, e)[1]
    # ab[u + i - j, j] = A[i, j]: rows 0..u-1 start with unused columns, the last rows end so
    unused = [(0, 0), (0, 1), (1, 0), (3, 3)]
    for idx in unused:
        assert g[idx] == 0.0
    assert np.all(g[tuple(zip(*[(r, c) for r in range(4) for c in range(4)
                                if (r, c) not in unused]))] != 0.0)


def test_solve_banded_of_complex_is_refused_located():
    ab, b = _band(1, 1, 3).astype(complex), rng.normal(size=3)
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_banded.py:\d+") as info:
        srcdiff.grad(solve_banded_sum_11)(ab, b)
    assert "real arguments only" in str(info.value)


def solve_banded_sum_11(ab, b):
    return np.sum(np.abs(sl.solve_banded((1, 1), ab, b)) ** 2)


# -- the helpers (srcdiff.runtime_banded), called as plain functions ------------------------
from srcdiff import runtime_banded as rb  # noqa: E402

HELPER_BANDS = [(1, 2), (2, 0), (0, 1)]


@pytest.mark.parametrize("lower,upper", HELPER_BANDS,
                         ids=[f"l={lo}-u={u}" for lo, u in HELPER_BANDS])
def test_transposed_band(lower, upper):
    w = rng.normal(size=(lower + upper + 1, 4))
    check(lambda ab: np.sum(rb.transposed_band(ab, lower, upper) ** 2 * w),
          _band(lower, upper, 4))


@pytest.mark.parametrize("lower,upper", HELPER_BANDS,
                         ids=[f"l={lo}-u={u}" for lo, u in HELPER_BANDS])
@pytest.mark.parametrize("rhs", [(4,), (4, 2)], ids=["vector", "matrix"])
def test_band_matmul_and_band_outer(lower, upper, rhs):
    w = rng.normal(size=rhs)
    check(lambda ab, v: np.sum(np.sin(rb.band_matmul(ab, lower, upper, v)) * w),
          _band(lower, upper, 4), rng.normal(size=rhs), wrt=(0, 1))
    wb = rng.normal(size=(lower + upper + 1, 4))
    check(lambda p, q: np.sum(np.sin(rb.band_outer(p, q, lower, upper)) * wb),
          rng.normal(size=rhs), rng.normal(size=rhs), wrt=(0, 1))


def solve_banded_overwrite(ab, b):
    return np.sum(sl.solve_banded((1, 1), ab, b, overwrite_ab=True) ** 2)


def solve_banded_overwrite_b(ab, b):
    flag = True
    return np.sum(sl.solve_banded((1, 1), ab, b, overwrite_b=flag) ** 2)


def solve_banded_no_overwrite(ab, b):
    return np.sum(sl.solve_banded((1, 1), ab, b, overwrite_ab=False, overwrite_b=False) ** 2)


@pytest.mark.parametrize("f", [solve_banded_overwrite, solve_banded_overwrite_b])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_overwrite_is_refused_located(f, mode):
    """overwrite_ab=True let the tridiagonal solver write into ab, which the rules read after
    the call: a wrong derivative (and the caller's ab changed); refused at the user's line"""
    ab, b = _band(1, 1, 4), rng.normal(size=4)
    ab0 = ab.copy()
    call = srcdiff.grad(f, wrt=(0, 1)) if mode == "grad" else (
        lambda ab, b: srcdiff.jvp(f, wrt=0)(ab, b, np.ones_like(ab)))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_banded.py:\d+") as info:
        call(ab, b)
    assert "overwrite_" in str(info.value)
    np.testing.assert_array_equal(ab, ab0)
    check(solve_banded_no_overwrite, ab, b, wrt=(0, 1))
