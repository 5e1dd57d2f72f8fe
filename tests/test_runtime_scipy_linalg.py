"""srcdiff/runtime_scipy_linalg.py: the helpers of templates/scipy_linalg_decomp.py and
scipy_lu.py against what SciPy computes (the matrix solve and inv read, the pivoted rows of
lu_factor) and, where linear, against their adjoints; the checks refuse at the given line."""
import numpy
import pytest

sl = pytest.importorskip("scipy.linalg")

from srcdiff.runtime_checks import RuntimeRefusal  # noqa: E402
from srcdiff.runtime_scipy_linalg import (check_eigh, check_inv_structure,  # noqa: E402
                                          check_lu_square, check_structure,
                                          check_hessenberg, check_tridiagonal_select,
                                          eigh_tangent_of, hessenberg_omega,
                                          hessenberg_omega_adjoint, hessenberg_tangent,
                                          check_schur, schur_omega, schur_omega_adjoint,
                                          schur_tangent, schur_tangent_moved,
                                          hessenberg_tangent_moved,
                                          off_diagonal, off_diagonal_adjoint, permute_rows,
                                          pivot_rows, structured, structured_adjoint,
                                          unit_lower, unpermute_rows)

RNG = numpy.random.default_rng(22)
STRUCTURES = [None, "gen", "sym", "her", "pos", "upper triangular", "lower triangular",
              "diagonal", "tridiagonal"]


@pytest.mark.parametrize("assume_a", STRUCTURES)
@pytest.mark.parametrize("lower", [False, True])
def test_structured_is_what_solve_reads(assume_a, lower):
    a = RNG.normal(size=(4, 4)) + 4 * numpy.eye(4)
    if assume_a == "pos":
        a = a @ a.T + RNG.normal(size=(4, 4))
    b = RNG.normal(size=4)
    numpy.testing.assert_allclose(sl.solve(a, b, assume_a=assume_a, lower=lower),
                                  numpy.linalg.solve(structured(a, assume_a, lower), b))


@pytest.mark.parametrize("assume_a", STRUCTURES)
@pytest.mark.parametrize("lower", [False, True])
def test_structured_adjoint_is_its_transpose(assume_a, lower):
    a, g = RNG.normal(size=(2, 3, 3)), RNG.normal(size=(2, 3, 3))
    numpy.testing.assert_allclose(numpy.sum(structured(a, assume_a, lower) * g),
                                  numpy.sum(a * structured_adjoint(g, assume_a, lower)))


def test_pivot_rows_give_the_factors_rows():
    a = RNG.normal(size=(5, 5))
    a[-1, 0] = 9.0
    lu, piv = sl.lu_factor(a)
    numpy.testing.assert_allclose(unit_lower(lu) @ numpy.triu(lu), a[pivot_rows(piv)])
    m, g = RNG.normal(size=(5, 2)), RNG.normal(size=(5, 2))
    numpy.testing.assert_allclose(unpermute_rows(permute_rows(m, piv), piv), m)
    numpy.testing.assert_allclose(numpy.sum(permute_rows(m, piv) * g),
                                  numpy.sum(m * unpermute_rows(g, piv)))


def test_checks_refuse_at_the_given_line():
    for check, args in [(check_structure, ("banded",)), (check_inv_structure, ("diagonal",)),
                        (check_eigh, (numpy.eye(2), None, None)),
                        (check_eigh, (None, [0, 1], None)),
                        (check_lu_square, (numpy.ones((2, 3)),)),
                        (check_tridiagonal_select, ("i",)), (check_tridiagonal_select, ("v",)),
                        (check_hessenberg, (numpy.triu(numpy.ones((3, 3))),)),
                        (check_schur, (numpy.eye(3), "real", None)),
                        (check_schur, (numpy.diag([1.0, 2.0]), "complex", None)),
                        (check_schur, (numpy.diag([1.0, 2.0]), "real", "lhp")),
                        (check_schur, (numpy.array([[0.0, 1.0], [-1.0, 0.0]]), "real", None))]:
        with pytest.raises(RuntimeRefusal, match="user.py:7"):
            check(*args, "user.py:7")
    check_structure("sym", "user.py:7")
    check_inv_structure(None, "user.py:7")
    check_eigh(None, None, None, "user.py:7")
    for select in ("a", "all", 0):
        check_tridiagonal_select(select, "user.py:7")
    check_hessenberg(RNG.normal(size=(4, 4)), "user.py:7")
    check_hessenberg(numpy.triu(numpy.ones((2, 2))), "user.py:7")   # no reflector to apply
    check_schur(numpy.array([[1.0, 3.0], [0.5, 2.0]]), "real", None, "user.py:7")


def _real_spectrum(n):
    q = numpy.linalg.qr(RNG.normal(size=(n, n)))[0]
    return q @ (numpy.diag(numpy.arange(1.0, n + 1.0) * 1.3 - 3) + numpy.triu(
        RNG.normal(size=(n, n)), 1)) @ q.T


def test_schur_omega_keeps_t_triangular_and_its_adjoint_is_its_transpose():
    t, z = sl.schur(_real_spectrum(5))
    c, g = RNG.normal(size=(5, 5)), RNG.normal(size=(5, 5))
    omega = schur_omega(c, t)
    numpy.testing.assert_allclose(omega, -omega.T, atol=0)
    numpy.testing.assert_allclose(numpy.tril(c + t @ omega - omega @ t, -1), 0, atol=1e-10)
    numpy.testing.assert_allclose(numpy.sum(omega * g),
                                  numpy.sum(c * schur_omega_adjoint(g, t)), rtol=1e-10)


def test_schur_tangent_matches_differences():
    a, da, eps = _real_spectrum(4), RNG.normal(size=(4, 4)), 1e-6
    t, z = sl.schur(a)
    plus, minus = sl.schur(a + eps * da), sl.schur(a - eps * da)
    for got, p, m in zip(schur_tangent(da, t, z), plus, minus):
        numpy.testing.assert_allclose(got, (p - m) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_hessenberg_omega_keeps_h_hessenberg_and_its_adjoint_is_its_transpose():
    h, q = sl.hessenberg(RNG.normal(size=(5, 5)), calc_q=True)
    c, g = RNG.normal(size=(5, 5)), RNG.normal(size=(5, 5))
    omega = hessenberg_omega(c, h)
    numpy.testing.assert_allclose(omega, -omega.T, atol=0)
    assert not omega[0].any() and not omega[:, 0].any()
    moved = c + h @ omega - omega @ h
    numpy.testing.assert_allclose(numpy.tril(moved, -2), 0, atol=1e-12)
    numpy.testing.assert_allclose(numpy.sum(omega * g),
                                  numpy.sum(c * hessenberg_omega_adjoint(g, h)), rtol=1e-12)


def test_hessenberg_tangent_matches_differences():
    a, t, eps = RNG.normal(size=(5, 5)), RNG.normal(size=(5, 5)), 1e-6
    h, q = sl.hessenberg(a, calc_q=True)
    plus, minus = sl.hessenberg(a + eps * t, calc_q=True), sl.hessenberg(a - eps * t, calc_q=True)
    for got, p, m in zip(hessenberg_tangent(t, h, q), plus, minus):
        numpy.testing.assert_allclose(got, (p - m) / (2 * eps), rtol=1e-6, atol=1e-8)


def test_off_diagonal_adjoint_is_its_transpose():
    e, g = RNG.normal(size=3), RNG.normal(size=(4, 4))
    numpy.testing.assert_allclose(numpy.sum(off_diagonal(e) * g),
                                  numpy.sum(e * off_diagonal_adjoint(g)), rtol=1e-12)


@pytest.mark.parametrize("eigvals_only", [True, False])
def test_eigh_tangent_of_a_tridiagonal_matrix_matches_differences(eigvals_only):
    dv, ev, t = RNG.normal(size=4) + numpy.arange(4.0) * 2, RNG.normal(size=3), RNG.normal(size=3)
    a = numpy.diag(dv) + off_diagonal(ev)
    y = sl.eigh_tridiagonal(dv, ev, eigvals_only=eigvals_only)
    got = eigh_tangent_of(off_diagonal(t), a, y, True, eigvals_only)
    eps = 1e-6
    plus = sl.eigh_tridiagonal(dv, ev + eps * t, eigvals_only=eigvals_only)
    minus = sl.eigh_tridiagonal(dv, ev - eps * t, eigvals_only=eigvals_only)
    if eigvals_only:
        got, plus, minus = [got], [plus], [minus]
    for g, p, m in zip(got, plus, minus):
        numpy.testing.assert_allclose(g, (p - m) / (2 * eps), rtol=1e-6, atol=1e-8)


def _moved(helper, moving, tangents, eps=1e-6):
    """Central differences of helper(*moving) along tangents, item by item."""
    plus = helper(*[m + eps * t for m, t in zip(moving, tangents)])
    minus = helper(*[m - eps * t for m, t in zip(moving, tangents)])
    return [(p - m) / (2 * eps) for p, m in zip(plus, minus)]


def test_schur_and_hessenberg_tangents_moved_match_differences():
    """their tangents as the factors they read move (the first argument held): t's along
    any dt, h's along an upper Hessenberg dh (as every h, and tangent of h, is)"""
    da, dt, dz = (RNG.normal(size=(4, 4)) for _ in range(3))
    t, z = sl.schur(_real_spectrum(4))
    got = schur_tangent_moved(da, t, z, dt, dz)
    for g, e in zip(got, _moved(lambda t, z: schur_tangent(da, t, z), (t, z), (dt, dz))):
        numpy.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-7)
    h, q = sl.hessenberg(RNG.normal(size=(5, 5)), calc_q=True)
    ta, dh, dq = (RNG.normal(size=(5, 5)) for _ in range(3))
    dh = numpy.triu(dh, -1)
    got = hessenberg_tangent_moved(ta, h, q, dh, dq)
    for g, e in zip(got, _moved(lambda h, q: hessenberg_tangent(ta, h, q), (h, q), (dh, dq))):
        numpy.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-7)
