"""templates/scipy_linalg_decomp.py: scipy.linalg's solve, inv, det, cholesky, eigh,
eigvalsh, svd, svdvals, qr and lstsq against central differences, both modes and second
order. The matrices are not symmetric where SciPy reads one triangle, so the differences
themselves show which entries it reads."""
import numpy as np
import pytest

sl = pytest.importorskip("scipy.linalg")

import srcdiff  # noqa: E402
from gradcheck import check  # noqa: E402

rng = np.random.default_rng(20)


def _skewed_spd(k, *batch):
    """A matrix whose two triangles differ, each standing for a positive definite one."""
    a = rng.normal(size=batch + (k, k))
    return np.swapaxes(a, -1, -2) @ a + k * np.eye(k) + 0.3 * rng.normal(size=batch + (k, k))


def _well(k, *batch):
    return rng.normal(size=batch + (k, k)) + 3 * np.eye(k)


STRUCTURES = [None, "gen", "sym", "her", "pos", "upper triangular", "lower triangular",
              "diagonal", "tridiagonal"]


@pytest.mark.parametrize("assume_a", STRUCTURES)
@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("rhs", [(3,), (3, 2)], ids=["vector", "matrix"])
def test_solve(assume_a, lower, rhs):
    def f(a, b):
        return np.sum(np.sin(sl.solve(a, b, assume_a=assume_a, lower=lower)))
    check(f, _skewed_spd(3), rng.normal(size=rhs), wrt=(0, 1))


@pytest.mark.parametrize("assume_a", [None, "sym", "pos"])
def test_solve_transposed(assume_a):
    def f(a, b):
        return np.sum(np.cos(sl.solve(a, b, transposed=True, assume_a=assume_a)))
    check(f, _skewed_spd(3), rng.normal(size=(3, 2)), wrt=(0, 1))


def solve_positional(a, b):
    return np.sum(sl.solve(a, b, True) ** 2)


def test_solve_positional_and_stacked():
    check(solve_positional, _skewed_spd(3), rng.normal(size=3), wrt=(0, 1))
    check(lambda a, b: np.sum(np.sin(sl.solve(a, b))), _well(3, 2), rng.normal(size=(2, 3, 2)),
          wrt=(0, 1))


def test_solve_reads_one_triangle():
    g = srcdiff.grad(lambda a: np.sum(sl.solve(a, np.ones(3), assume_a="pos")))(_skewed_spd(3))
    assert np.all(g[np.tril_indices(3, -1)] == 0.0)


def banded(a, b):
    return np.sum(sl.solve(a, b, assume_a="banded"))


def test_solve_banded_structure_is_refused_located():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_linalg_decomp.py:\d+"):
        srcdiff.grad(banded)(_well(3), np.ones(3))


@pytest.mark.parametrize("assume_a,lower", [(None, False), ("sym", False), ("pos", True),
                                            ("upper triangular", False),
                                            ("lower triangular", True)])
def test_inv(assume_a, lower):
    w = np.arange(9.0).reshape(3, 3)
    check(lambda a: np.sum(np.sin(sl.inv(a, assume_a=assume_a, lower=lower)) * w),
          _skewed_spd(3))


def inv_diagonal(a):
    return np.sum(sl.inv(a, assume_a="diagonal"))


def test_inv_diagonal_is_refused_located():
    """SciPy 1.17's inv with assume_a='diagonal' keeps a's other entries as they are"""
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_linalg_decomp.py:\d+"):
        srcdiff.grad(inv_diagonal)(_well(3))


def test_inv_det_stacked():
    check(lambda a: np.sum(sl.inv(a) ** 2), _well(3, 2))
    check(lambda a: np.sum(sl.det(a) ** 2), _well(3, 2))
    check(lambda a: sl.det(a) * np.sum(a), _well(3))


@pytest.mark.parametrize("lower", [False, True])
def test_cholesky(lower):
    w = np.arange(1.0, 10.0).reshape(3, 3)
    check(lambda a: np.sum(np.sin(sl.cholesky(a, lower=lower)) * w), _skewed_spd(3))


def cholesky_default(a):
    return np.sum(sl.cholesky(a @ a.T + np.eye(3), lower=True))


def test_cholesky_issue_example_and_stacked():
    check(cholesky_default, rng.normal(size=(3, 3)))
    check(lambda a: np.sum(np.cos(sl.cholesky(a))), _skewed_spd(3, 2))


@pytest.mark.parametrize("lower", [True, False])
def test_eigh(lower):
    def f(a):
        w, v = sl.eigh(a, lower=lower)
        return np.sum(w * np.arange(3.0)) + np.sum(v[:, 0] * v[:, 1] ** 2) + np.sum(v ** 4)
    check(f, _skewed_spd(3))


@pytest.mark.parametrize("lower", [True, False])
def test_eigenvalues_only(lower):
    check(lambda a: np.sum(np.sin(sl.eigh(a, lower=lower, eigvals_only=True))), _skewed_spd(3))
    check(lambda a: np.sum(sl.eigvalsh(a, lower=lower) ** 3), _skewed_spd(3))


@pytest.mark.parametrize("lower", [True, False])
def test_eigh_forward_over_forward(lower):
    """a jvp of the emitted jvp, with and without the vectors"""
    from forward_checks import check_jvp_of_jvp

    def f(a):
        w, v = sl.eigh(a, lower=lower)
        return np.sum(w * np.arange(3.0)) + np.sum(v[:, 0] * v[:, 1] ** 2) + np.sum(v ** 4)
    check_jvp_of_jvp(f, _skewed_spd(3))
    check_jvp_of_jvp(lambda a: np.sum(np.sin(sl.eigh(a, lower=lower, eigvals_only=True))),
                     _skewed_spd(3))
    check_jvp_of_jvp(lambda a: np.sum(sl.eigvalsh(a, lower=lower) ** 3), _skewed_spd(3))


def test_stacked_decompositions():
    def f(a):
        w, v = sl.eigh(a)
        return np.sum(w ** 2) + np.sum(v[..., 0] ** 4) + np.sum(sl.svdvals(a) ** 3) + \
            np.sum(sl.qr(a, mode="economic")[1] ** 2)
    check(f, _skewed_spd(3, 2))


def subset(a):
    return np.sum(sl.eigh(a, subset_by_index=[0, 1], eigvals_only=True))


def generalized(a, b):
    return np.sum(sl.eigvalsh(a, b))


def test_eigh_subset_and_generalized_are_refused_located():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_linalg_decomp.py:\d+.*subset"):
        srcdiff.grad(subset)(_skewed_spd(3))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_linalg_decomp.py:\d+"):
        srcdiff.grad(generalized)(_skewed_spd(3), np.eye(3))


@pytest.mark.parametrize("shape,full", [((4, 3), False), ((3, 4), False), ((3, 3), True)])
def test_svd(shape, full):
    def f(a):
        u, s, vh = sl.svd(a, full_matrices=full)
        return np.sum(s ** 2 * np.arange(1.0, 4.0)) + np.sum(u[:, 0] ** 3) + np.sum(vh[1] ** 4)
    check(f, rng.normal(size=shape))


def test_singular_values():
    a = rng.normal(size=(4, 3))
    check(lambda a: np.sum(np.sin(sl.svd(a, compute_uv=False))), a)
    check(lambda a: np.sum(sl.svdvals(a) * np.arange(3.0)), a)


def full_svd(a):
    return np.sum(sl.svd(a)[0])


def test_svd_full_matrices_of_non_square_is_refused_located():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_linalg_decomp.py:\d+"):
        srcdiff.grad(full_svd)(rng.normal(size=(4, 3)))


@pytest.mark.parametrize("shape,mode", [((4, 3), "economic"), ((3, 3), "full")])
def test_qr(shape, mode):
    def f(a):
        q, r = sl.qr(a, mode=mode)
        return np.sum(np.sin(q) * np.arange(shape[0] * 3.0).reshape(shape[0], 3)) + \
            np.sum(r ** 2)
    check(f, rng.normal(size=shape))


def full_qr(a):
    return np.sum(sl.qr(a)[0])


def test_qr_full_of_tall_is_refused_located():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_linalg_decomp.py:\d+"):
        srcdiff.grad(full_qr)(rng.normal(size=(4, 3)))


@pytest.mark.parametrize("rhs", [(5,), (5, 2)], ids=["vector", "matrix"])
def test_lstsq(rhs):
    def f(a, b):
        x, res, rank, s = sl.lstsq(a, b)
        return np.sum(np.sin(x)) + np.sum(res) + np.sum(s ** 2)
    check(f, rng.normal(size=(5, 3)), rng.normal(size=rhs), wrt=(0, 1))


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3)])
def test_pinv(shape):
    check(lambda a: np.sum(np.sin(sl.pinv(a)) * np.arange(1.0, shape[-1] + 1.0)[:, None]),
          rng.normal(size=shape))


def pinv_rank(a):
    return np.sum(sl.pinv(a, return_rank=True)[0])


def test_pinv_return_rank_is_refused_located():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_linalg_decomp.py:\d+.*rank"):
        srcdiff.grad(pinv_rank)(rng.normal(size=(3, 2)))


def logm_of(a):
    return np.sum(sl.logm(a))


def rq_of(a):
    return np.sum(sl.rq(a)[0])


def test_scipy_function_without_rule_is_refused_at_users_line():
    """logm has a rule now (templates/scipy_linalg.py): checked; rq has none: refused (schur
    has one now, templates/scipy_linalg_spectral.py)"""
    check(logm_of, _skewed_spd(3))
    with pytest.raises(srcdiff.SrcdiffError,
                       match=r"test_scipy_linalg_decomp.py:\d+.*no derivative rule for "
                             r"scipy\.linalg\.rq") as info:
        srcdiff.grad(rq_of)(_skewed_spd(3))
    assert "_util.py" not in str(info.value)
