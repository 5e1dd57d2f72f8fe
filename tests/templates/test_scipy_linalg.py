"""templates/scipy_linalg.py: scipy.linalg rules against central differences, both modes and
second order: every keyword of solve_triangular, vector and matrix right-hand sides, both
triangles of cho_factor (whose result is a (c, lower) pair), expm, sqrtm, solve_sylvester,
polar (both sides; a singular matrix refused located)."""
import numpy as np
import pytest

sl = pytest.importorskip("scipy.linalg")

import srcdiff  # noqa: E402
from gradcheck import check  # noqa: E402

rng = np.random.default_rng(7)


def _spd(k):
    a = rng.normal(size=(k, k))
    return a @ a.T + k * np.eye(k)


def _well(k):
    return rng.normal(size=(k, k)) + 3 * np.eye(k)


TRIANGULAR = [(0, False, False), (0, True, False), (1, False, False), ("T", True, False),
              (2, False, False), ("N", True, True), ("C", False, True)]


@pytest.mark.parametrize("trans,lower,unit", TRIANGULAR,
                         ids=[f"trans={t}-lower={lo}-unit={u}" for t, lo, u in TRIANGULAR])
@pytest.mark.parametrize("rhs", [(3,), (3, 2)], ids=["vector", "matrix"])
def test_solve_triangular(trans, lower, unit, rhs):
    def f(a, b):
        return np.sum(np.sin(sl.solve_triangular(a, b, trans=trans, lower=lower,
                                                 unit_diagonal=unit)))
    check(f, _well(3), rng.normal(size=rhs), wrt=(0, 1))


def solve_triangular_defaults(a, b):
    return np.sum(sl.solve_triangular(a, b) ** 2) + np.sum(sl.solve_triangular(a, b, 1, True))


def test_solve_triangular_positional_and_defaults():
    check(solve_triangular_defaults, _well(4), rng.normal(size=4), wrt=(0, 1))


def test_solve_triangular_reads_one_triangle():
    g = srcdiff.grad(lambda a: np.sum(sl.solve_triangular(a, np.ones(3), lower=True)))(_well(3))
    assert np.all(g[np.triu_indices(3, 1)] == 0.0)


def overwrite(a, b):
    return np.sum(sl.solve_triangular(a, b, overwrite_b=True))


def test_unknown_keyword_is_refused_located():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_linalg.py:\d+"):
        srcdiff.grad(overwrite)(_well(2), np.ones(2))


@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("rhs", [(3,), (3, 2)], ids=["vector", "matrix"])
def test_cho_solve_of_cho_factor(lower, rhs):
    def f(a, b):
        factor = sl.cho_factor(a, lower=lower)
        return np.sum(np.sin(sl.cho_solve(factor, b)))
    check(f, _spd(3), rng.normal(size=rhs), wrt=(0, 1))


@pytest.mark.parametrize("lower", [False, True])
def test_cho_factor_whole_result(lower):
    """c holds the factor in one triangle and a's entries, untouched, in the other"""
    w = np.arange(1.0, 10.0).reshape(3, 3)
    check(lambda a: np.sum(np.sin(sl.cho_factor(a, lower=lower)[0]) * w), _spd(3))


def cho_positional(a, b):
    c, low = sl.cho_factor(a, True)
    return np.sum(sl.cho_solve((c, low), b) ** 2)


def test_cho_positional_and_unpacked():
    check(cho_positional, _spd(4), rng.normal(size=4), wrt=(0, 1))


def test_expm():
    check(lambda a: np.sum(np.sin(sl.expm(a))), 0.5 * rng.normal(size=(3, 3)))
    check(lambda a: np.sum(sl.expm(a) * np.arange(4.0).reshape(2, 2)), rng.normal(size=(2, 2)))


def test_sqrtm():
    check(lambda a: np.sum(np.sin(sl.sqrtm(a))), _spd(3))
    check(lambda a: np.sum(sl.sqrtm(a) * np.arange(4.0).reshape(2, 2)), _spd(2))


def test_solve_sylvester():
    check(lambda a, b, q: np.sum(np.sin(sl.solve_sylvester(a, b, q))), _well(3), _spd(2),
          rng.normal(size=(3, 2)), wrt=(0, 1, 2))
    check(lambda a, q: np.sum(sl.solve_sylvester(a, a, q) ** 2), _well(2), rng.normal(size=(2, 2)),
          wrt=(0, 1))


# -- logm (the principal logarithm) and funm (refused) -------------------------------------
_LOGM_RNG = np.random.default_rng(31)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_logm(n):
    a = np.eye(n) * 1.5 + 0.3 * _LOGM_RNG.normal(size=(n, n))
    w = _LOGM_RNG.normal(size=(n, n))
    check(lambda a: np.sum(np.sin(sl.logm(a)) * w), a)


def test_logm_of_a_product():
    b = _LOGM_RNG.normal(size=(3, 2))
    check(lambda b, c: np.sum(sl.logm(b @ b.T + c * np.eye(3)) ** 2), b, 0.8, wrt=(0, 1))


def funm_exp(a):
    return np.sum(sl.funm(a, np.exp))


def test_funm_is_refused_at_the_line():
    from issue13_cases import refused_in_both_modes
    refused_in_both_modes(funm_exp, (np.eye(2) + 0.1,), (0,), "funm")


# -- polar: a = u p (right) or p u (left), of a square invertible a -------------------------
_A = rng.normal(size=(3, 3)) + 2.0 * np.eye(3)
_W = rng.normal(size=(2, 3, 3))


def polar_both(a, side):
    u, p = sl.polar(a, side)
    return np.sum(np.sin(u) * _W[0]) + np.sum(np.sin(p) * _W[1])


def polar_of_singular(a):
    return np.sum(sl.polar(a)[1])


@pytest.mark.parametrize("side", ["right", "left"])
def test_polar(side):
    check(polar_both, _A, side)
    check(lambda a: np.sum(sl.polar(a, side=side)[0] * _W[0]), _A, order=1)


def test_polar_of_a_singular_matrix_is_refused_located():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_linalg.py:\d+") as info:
        srcdiff.grad(polar_of_singular)(np.ones((3, 3)))
    assert "singular" in str(info.value)
