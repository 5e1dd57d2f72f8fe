"""templates/scipy_linalg_spectral.py: scipy.linalg.eigh_tridiagonal, expm_frechet, hessenberg and
schur against
central differences, both modes and second order (gradcheck.check), their helpers' own rules
called as plain functions, and the calls the rules do not cover refused at the user's line."""
import numpy as np
import pytest

sl = pytest.importorskip("scipy.linalg")

import srcdiff  # noqa: E402
from forward_checks import check_jvp_of_jvp  # noqa: E402
from gradcheck import _emitted, check  # noqa: E402
from srcdiff import runtime_scipy as rs  # noqa: E402
from srcdiff import runtime_scipy_linalg as rsl  # noqa: E402

rng = np.random.default_rng(26)
W4 = rng.normal(size=(4, 4))
W3 = rng.normal(size=(3, 3))


def _tridiagonal(n):
    """A diagonal and an off-diagonal whose matrix has well separated eigenvalues."""
    return np.arange(1.0, n + 1.0) * 1.5 + 0.2 * rng.normal(size=n), 0.5 + 0.3 * rng.normal(
        size=n - 1)


def tridiagonal_values(dv, ev):
    return np.sum(np.sin(sl.eigh_tridiagonal(dv, ev, eigvals_only=True)) * np.arange(4.0))


def tridiagonal_vectors(dv, ev):
    w, v = sl.eigh_tridiagonal(dv, ev)
    return np.sum(w * w) + np.sum(v * v[:, :1] * W4)


def tridiagonal_keywords(dv, ev):
    return np.sum(sl.eigh_tridiagonal(d=dv, e=ev, eigvals_only=True, lapack_driver="stev") ** 3)


def tridiagonal_positional(dv, ev):
    w, v = sl.eigh_tridiagonal(dv, ev, False, "a", None, True, 0.0, "stemr")
    return np.sum(np.abs(v) * W4[0]) + w[-1]


@pytest.mark.parametrize("f", [tridiagonal_values, tridiagonal_vectors, tridiagonal_keywords,
                               tridiagonal_positional])
def test_eigh_tridiagonal(f):
    check(f, *_tridiagonal(4), wrt=(0, 1))


def test_eigh_tridiagonal_is_eigh_of_its_matrix():
    # the derivative with respect to d and e is that of eigvalsh of the matrix they make
    dv, ev = _tridiagonal(4)
    gd, ge = srcdiff.grad(tridiagonal_values, wrt=(0, 1))(dv, ev)

    def dense(m):
        return np.sum(np.sin(np.linalg.eigvalsh(m)) * np.arange(4.0))
    gm = srcdiff.grad(dense)(np.diag(dv) + np.diag(ev, 1) + np.diag(ev, -1))
    np.testing.assert_allclose(gd, np.diagonal(gm), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ge, np.diagonal(gm, 1) + np.diagonal(gm, -1), rtol=1e-10,
                               atol=1e-12)


def tridiagonal_subset(dv, ev):
    return np.sum(sl.eigh_tridiagonal(dv, ev, eigvals_only=True, select="i",
                                      select_range=(0, 1)))


def tridiagonal_subset_at_run_time(dv, ev, how):
    return np.sum(sl.eigh_tridiagonal(dv, ev, eigvals_only=True, select=how,
                                      select_range=(0, 1)))


def test_eigh_tridiagonal_subset_is_refused_located():
    dv, ev = _tridiagonal(4)
    for call in (lambda: srcdiff.grad(tridiagonal_subset)(dv, ev),
                 lambda: srcdiff.grad(tridiagonal_subset_at_run_time)(dv, ev, "i"),
                 lambda: srcdiff.jvp(tridiagonal_subset)(dv, ev, dv)):
        with pytest.raises(srcdiff.SrcdiffError,
                           match=r"test_scipy_linalg_spectral.py:\d+.*select='a'") as info:
            call()
        assert "sl.eigh_tridiagonal(dv, ev, eigvals_only=True, select=" in str(info.value)
    # select='a' given at run time passes the check
    np.testing.assert_allclose(
        srcdiff.grad(tridiagonal_subset_at_run_time)(dv, ev, "a"),
        srcdiff.grad(lambda a, b: np.sum(sl.eigh_tridiagonal(a, b, eigvals_only=True)))(dv, ev))


def frechet_pair(a, e):
    x, frechet = sl.expm_frechet(a, e)
    return np.sum(x * W3) + np.sum(np.sin(frechet))


def frechet_alone(a, e):
    return np.sum(sl.expm_frechet(a, e, compute_expm=False, method="blockEnlarge") ** 2 * W3)


def frechet_positional(a, e):
    return np.sum(sl.expm_frechet(a, e, "SPS", False) * W3)


@pytest.mark.parametrize("f", [frechet_pair, frechet_alone, frechet_positional])
def test_expm_frechet(f):
    check(f, 0.5 * rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), wrt=(0, 1))


def test_expm_frechet_in_one_argument():
    a, e = 0.5 * rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    check(lambda x: frechet_pair(x, e), a)
    check(lambda x: frechet_alone(a, x), e)


W5 = rng.normal(size=(5, 5))


def hessenberg_alone(a):
    return np.sum(np.sin(sl.hessenberg(a)) * W5[:a.shape[0], :a.shape[0]])


def hessenberg_with_q(a):
    h, q = sl.hessenberg(a, calc_q=True)
    return np.sum(h * W5) + np.sum(np.cos(q) * W5.T)


def hessenberg_positional(a):
    return np.sum(sl.hessenberg(a, True, False, True)[1][:, 1:] ** 3)


@pytest.mark.parametrize("f", [hessenberg_alone, hessenberg_with_q, hessenberg_positional])
def test_hessenberg(f):
    check(f, rng.normal(size=(5, 5)))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_hessenberg_of_small_matrices(n):
    # n <= 2: h is a itself, q the identity; n = 3: one reflector
    check(hessenberg_alone, rng.normal(size=(n, n)))


def test_hessenberg_near_a_triangular_matrix():
    check(hessenberg_alone, np.triu(rng.normal(size=(4, 4))) + 0.1 * rng.normal(size=(4, 4)))


def test_hessenberg_where_lapack_applies_no_reflector_is_refused_located():
    # a column below the subdiagonal zero: LAPACK applies no reflector there, one flipping
    # h's signs nearby (srcdiff.runtime_scipy_linalg.check_hessenberg)
    a = rng.normal(size=(4, 4))
    for m in (np.triu(a), np.triu(a, -1), np.where(np.arange(4)[:, None] > 1, 0.0, a)):
        for call in (lambda: srcdiff.grad(hessenberg_alone)(m),
                     lambda: srcdiff.jvp(hessenberg_with_q)(np.pad(m, ((0, 1), (0, 1))), W5)):
            with pytest.raises(srcdiff.SrcdiffError,
                               match=r"test_scipy_linalg_spectral.py:\d+.*no derivative at this a"
                               ) as info:
                call()
            assert "sl.hessenberg(a" in str(info.value)
    srcdiff.grad(hessenberg_alone)(a)   # a generic a passes the check


def _real_spectrum(n, values):
    """A non-symmetric matrix with the given (real, distinct) eigenvalues."""
    q = np.linalg.qr(rng.normal(size=(n, n)))[0] + 0.3 * rng.normal(size=(n, n))
    return q @ (np.diag(values) + np.triu(rng.normal(size=(n, n)), 1)) @ np.linalg.inv(q)


def schur_both(a):
    t, z = sl.schur(a)
    return np.sum(np.sin(t) * W4) + np.sum(z * W4.T)


def schur_form(a):
    return np.sum(sl.schur(a, output="real")[0] ** 2 * W4)


def schur_vectors(a):
    return np.sum(np.cos(sl.schur(a, "real", None, False, None, True)[1]) * W4)


@pytest.mark.parametrize("f", [schur_both, schur_form, schur_vectors])
def test_schur(f):
    check(f, _real_spectrum(4, [1.0, -2.0, 3.5, 0.3]))


def test_schur_of_small_matrices():
    check(lambda a: np.sum(sl.schur(a)[0] * np.array([[1.0]])) + np.sum(sl.schur(a)[1]),
          np.array([[0.7]]))
    check(lambda a: np.sum(np.sin(sl.schur(a)[0]) * W4[:2, :2]), _real_spectrum(2, [1.0, -1.5]))


def schur_complex(a):
    return np.sum(sl.schur(a, output="complex")[0].real)


def schur_sorted(a):
    return np.sum(sl.schur(a, sort="lhp")[0])


def test_schur_without_a_unique_derivative_is_refused_located():
    rotation = np.array([[0.0, 1.0, 0.3], [-1.0, 0.0, 0.2], [0.1, 0.4, 2.0]])   # a complex pair
    repeated = np.eye(3) + np.triu(np.ones((3, 3)), 1)   # 1 three times, exactly
    for f, a, why in [(schur_form, np.pad(rotation, ((0, 1), (0, 1))) + np.diag([0, 0, 0, 5.0]),
                       "real and distinct"), (schur_form, np.pad(repeated, ((0, 1), (0, 1))),
                                              "real and distinct"),
                      (schur_complex, _real_spectrum(4, [1.0, 2.0, 3.0, 4.0]), "output='real'"),
                      (schur_sorted, _real_spectrum(4, [1.0, 2.0, 3.0, 4.0]), "without sort")]:
        for call in (lambda: srcdiff.grad(f)(a), lambda: srcdiff.jvp(f)(a, W4)):
            with pytest.raises(srcdiff.SrcdiffError,
                               match=rf"test_scipy_linalg_spectral.py:\d+.*{why}") as info:
                call()
            assert "sl.schur(a" in str(info.value)


# -- forward over forward (a jvp of the emitted jvp): the tangents written with helpers that
# have forward rules of their own (eigh_tangent, hessenberg_omega, schur_omega)
@pytest.mark.parametrize("f", [tridiagonal_values, tridiagonal_vectors, tridiagonal_positional])
def test_eigh_tridiagonal_forward_over_forward(f):
    check_jvp_of_jvp(f, *_tridiagonal(4), wrt=(0, 1))


@pytest.mark.parametrize("f", [hessenberg_alone, hessenberg_with_q, hessenberg_positional])
def test_hessenberg_forward_over_forward(f):
    check_jvp_of_jvp(f, rng.normal(size=(5, 5)))


@pytest.mark.parametrize("f", [schur_both, schur_form, schur_vectors])
def test_schur_forward_over_forward(f):
    check_jvp_of_jvp(f, _real_spectrum(4, [1.0, -2.0, 3.5, 0.3]))


def test_hessians_agree_forward_over_forward_and_forward_over_reverse():
    """the same Hessian-vector product both ways: the jvp of the jvp along (v, u) against the
    jvp of the gradient along u (srcdiff.hvp), for each of the three"""
    u, v = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    dv, ev = _tridiagonal(4)
    a = _real_spectrum(4, [1.0, -2.0, 3.5, 0.3])
    for f, x in [(lambda m: tridiagonal_vectors(np.diagonal(m).copy(), np.diagonal(m, 1).copy()),
                  np.diag(dv) + np.diag(ev, 1)), (hessenberg_alone, rng.normal(size=(4, 4))),
                 (schur_both, a)]:
        inner = _emitted(srcdiff.jvp(f), [x, v])
        second = srcdiff.jvp(inner, wrt=0)(x, v, u)[1][1]
        assert np.isclose(second, np.sum(srcdiff.hvp(f)(x, u) * v), rtol=1e-8, atol=1e-10)


# -- the helpers' own rules, called as plain functions ----------------------------------------

def test_off_diagonal_and_its_adjoint():
    check(lambda e: np.sum(rsl.off_diagonal(e) ** 2 * W4), rng.normal(size=3))
    check(lambda g: np.sum(rsl.off_diagonal_adjoint(g) ** 3), rng.normal(size=(4, 4)))


def test_corner_and_diagonal_blocks():
    check(lambda g: np.sum(rs.upper_corner(g) ** 2 * np.arange(36.0).reshape(6, 6)),
          rng.normal(size=(3, 3)))
    check(lambda m: np.sum(rs.corner_of(m) ** 3), rng.normal(size=(6, 6)))
    check(lambda m: np.sum(rs.diagonal_blocks(m) ** 3), rng.normal(size=(6, 6)))
    check(lambda g: np.sum(rs.doubled(g) ** 2 * np.arange(36.0).reshape(6, 6)),
          rng.normal(size=(3, 3)))


def test_helpers_are_what_they_say():
    e = rng.normal(size=3)
    np.testing.assert_array_equal(rsl.off_diagonal(e), np.diag(e, 1) + np.diag(e, -1))
    m = rng.normal(size=(6, 6))
    np.testing.assert_array_equal(rs.corner_of(m), m[:3, 3:])
    np.testing.assert_array_equal(rs.diagonal_blocks(m), m[:3, :3] + m[3:, 3:])
    g = rng.normal(size=(3, 3))
    np.testing.assert_array_equal(rs.upper_corner(g)[:3, 3:], g)
    rest = rs.upper_corner(g).copy()
    rest[:3, 3:] = 0.0
    assert not rest.any()
    np.testing.assert_array_equal(rs.doubled(g), sl.block_diag(g, g))
    assert rs.expm_frechet_pair(1, 2, True) == [1, 2] and rs.expm_frechet_pair(1, 2, False) == 2
