"""templates/polynomials.py: numpy.polyval (in its coefficients, in x, both; coefficients
whose items broadcast against x; at x = 0), numpy.polyder and numpy.polyint against central
differences, both modes and second order; their order m and polyint's constants k are held
constant and refused located."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

C = np.array([0.5, -1.2, 2.0, 0.3])
X = np.array([0.2, -0.4, 0.9])


def in_x(x):
    return np.sum(np.polyval(np.array([0.5, -1.2, 2.0, 0.3]), x) * np.arange(1.0, 4.0))


def in_coefficients(c):
    return np.sum(np.sin(np.polyval(c, np.array([0.3, -0.7, 1.1]))))


def in_both(c, x):
    return np.sum(np.polyval(c, x) ** 2 * np.arange(1.0, 4.0))


def of_a_number(c, x):
    return np.polyval(c, x) * x


def listed_coefficients(a, x):
    return np.sum(np.polyval([a, 2.0, a * a], x) * np.arange(1.0, 3.0))


def items_broadcast(c, x):
    return np.sum(np.sin(np.polyval(c, x)) * np.arange(1.0, 7.0).reshape(3, 2))


def one_coefficient(c, x):
    return np.sum(np.polyval(c, x) * x)


def at_zero(c, x):
    return np.sum(np.polyval(c, x) ** 2) + np.polyval(c * c, 0.0)


def test_polyval_in_x():
    check(in_x, X.copy())
    check(in_x, np.array([0.0, 0.5, -1.5]))


def test_polyval_in_coefficients():
    check(in_coefficients, C.copy())


@pytest.mark.parametrize("wrt", [0, 1, (0, 1)])
def test_polyval_in_both(wrt):
    check(in_both, C.copy(), X.copy(), wrt=wrt)
    check(of_a_number, C.copy(), 0.7, wrt=wrt)


def test_polyval_of_a_list_of_numbers():
    check(listed_coefficients, 0.7, np.array([0.1, 0.5]), wrt=(0, 1))


def test_polyval_items_broadcast_against_x():
    c = np.arange(1.0, 7.0).reshape(3, 2) / 5
    check(items_broadcast, c, np.array([[0.3], [0.6], [-0.5]]), wrt=(0, 1))
    check(items_broadcast, c, np.array([0.3, -0.6]), wrt=(0, 1))


def test_polyval_of_one_coefficient_and_at_zero():
    check(one_coefficient, np.array([1.3]), np.array([0.4, -0.2]), wrt=(0, 1))
    check(at_zero, C.copy(), np.array([0.0, 0.8]), wrt=(0, 1))


def derivatives(p):
    return np.sum(np.polyder(p, 2) * np.arange(1.0, 4.0) ** 2) + np.sum(np.polyder(p) ** 2)


def beyond_its_degree(p):
    return np.sum(np.polyder(p, 4)) + np.sum(np.polyder(p, m=3) * p[0])


def integrals(p):
    return np.sum(np.polyint(p, 2) ** 2 * np.arange(1.0, 8.0)) + \
        np.sum(np.polyint(p, k=[0.5]) * np.arange(1.0, 7.0))


def test_polyder_and_polyint():
    p = np.arange(1.0, 6.0) / 3
    check(derivatives, p.copy())
    check(integrals, p.copy())
    check(beyond_its_degree, np.array([0.7, -0.4, 1.3]))


def polyder_wrt_m(m, p):
    return np.sum(np.polyder(p, m))


def polyint_wrt_k(k, p):
    return np.sum(np.polyint(p, 1, k) ** 2)


@pytest.mark.parametrize("f", [polyder_wrt_m, polyint_wrt_k])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_order_and_constants_are_held_constant_and_refused_located(f, mode):
    p = np.array([0.7, -0.4, 1.3])
    call = srcdiff.grad(f, wrt=0) if mode == "grad" else (
        lambda a, b: srcdiff.jvp(f, wrt=0)(a, b, 1.0))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_polynomials.py:\d+") as info:
        call(1.0, p)
    assert "with respect to" in str(info.value) and "stop_gradient" in str(info.value)
    assert ("is a count" if f is polyder_wrt_m else "numpy.concatenate") in str(info.value)


def vander_columns(x):
    return np.sum(np.sin(np.vander(x, 4)) * np.arange(1.0, 13.0).reshape(3, 4))


def vander_increasing(x):
    return np.sum(np.vander(x, increasing=True) ** 2 * np.arange(1.0, 10.0).reshape(3, 3))


def vander_fit(x):
    """A least-squares fit's design matrix: the coefficients move with the points."""
    coefficients = np.linalg.solve(np.vander(x), np.array([1.0, -0.5, 2.0]))
    return np.sum(coefficients * np.arange(1.0, 4.0))


def test_vander():
    x = np.array([0.3, -0.8, 1.4])
    check(vander_columns, x.copy())
    check(vander_increasing, x.copy())
    check(vander_columns, np.array([0.0, 0.5, -1.0]))
    check(vander_fit, x.copy())


def vander_wrt_n(n, x):
    return np.sum(np.vander(x, n))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_vander_column_count_is_held_constant(mode):
    x = np.array([0.3, -0.8, 1.4])
    call = srcdiff.grad(vander_wrt_n, wrt=0) if mode == "grad" else (
        lambda a, b: srcdiff.jvp(vander_wrt_n, wrt=0)(a, b, 1.0))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_polynomials.py:\d+") as info:
        call(3.0, x)
    assert "count of columns" in str(info.value)


def added(a, b):
    return np.sum(np.polyadd(a, b * b) ** 2 * np.arange(1.0, 5.0)) + \
        np.sum(np.polysub(b, a) * np.arange(1.0, 5.0))


def added_same_length(a, b):
    return np.sum(np.sin(np.polyadd(a, b) - np.polysub(a * a, b)))


def added_to_a_number(a, s):
    return np.sum(np.polyadd(a, s) * np.arange(1.0, 4.0)) + np.sum(np.polysub(s * s, a) ** 2)


def test_polyadd_and_polysub():
    a = np.array([0.7, -0.4, 1.3, 0.2])
    b = np.array([0.5, -1.1])
    check(added, a.copy(), b.copy(), wrt=(0, 1))
    check(added, b.copy()[::-1].copy(), a.copy(), wrt=(0, 1))
    check(added_same_length, a.copy(), a[::-1].copy(), wrt=(0, 1))
    check(added_to_a_number, np.array([0.7, -0.4, 1.3]), 0.6, wrt=(0, 1))


def multiplied(a, b):
    return np.sum(np.sin(np.polymul(a, b)) * np.arange(1.0, 7.0))


def multiplied_squared(a, b):
    return np.sum(np.polymul(a, b) ** 2)


def multiplied_then_evaluated(a, x):
    return np.sum(np.polyval(np.polymul(a, [a[0], 2.0]), x))


def multiplied_by_itself(a):
    return np.sum(np.polymul(a, a) * np.arange(1.0, 6.0))


def test_polymul():
    rng = np.random.default_rng(5)
    check(multiplied, rng.normal(size=4), rng.normal(size=3), wrt=(0, 1))
    check(multiplied, rng.normal(size=4), rng.normal(size=3), wrt=1)
    check(multiplied_squared, 1.3, rng.normal(size=3), wrt=(0, 1))   # a number: degree 0
    check(multiplied_squared, [0.4, -1.2], rng.normal(size=2), wrt=1)
    check(multiplied_then_evaluated, rng.normal(size=3), rng.normal(size=4), wrt=(0, 1))
    check(multiplied_by_itself, np.array([0.6, -0.3, 1.1]))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("a, b", [([0.0, 0.5, 1.2], [0.3, -0.4, 0.8]),
                                  ([0.7, 0.5, 1.2], [0.0, 1.0])])
def test_polymul_with_a_leading_zero_is_refused_located(a, b, mode):
    """numpy.poly1d drops a leading zero (the result is one coefficient shorter); a change of
    that zero brings the coefficient back, so no derivative of the shorter result is right."""
    a, b = np.array(a), np.array(b)
    call = srcdiff.grad(multiplied_squared, wrt=0) if mode == "grad" else (
        lambda u, v: srcdiff.jvp(multiplied_squared, wrt=0)(u, v, np.ones(3)))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_polynomials.py:\d+") as info:
        call(a, b)
    assert "leading zero" in str(info.value) and "numpy.convolve" in str(info.value)


# -- polyfit, in y and in x ---------------------------------------------------------------------
_FIT = np.random.default_rng(23)


@pytest.mark.parametrize("deg", [0, 1, 3])
def test_polyfit_in_y(deg):
    x = np.linspace(-1.0, 2.0, 7)
    w = _FIT.normal(size=deg + 1)
    check(lambda y: np.sum(np.sin(np.polyfit(x, y, deg)) * w), _FIT.normal(size=7))
    w2 = _FIT.normal(size=(deg + 1, 3))
    check(lambda y: np.sum(np.sin(np.polyfit(x, y, deg)) * w2), _FIT.normal(size=(7, 3)))


def test_polyfit_of_a_computed_series():
    x = np.linspace(0.0, 1.0, 6)
    check(lambda c: np.sum(np.polyfit(x, np.exp(c * x) + c, 2) ** 2), 0.7)


def polyfit_full(y):
    return np.sum(np.polyfit(np.arange(5.0), y, 1, full=True)[0])


@pytest.mark.parametrize("deg", [0, 2])
def test_polyfit_in_x(deg):
    x = np.linspace(-1.0, 2.0, 7) + 0.1 * _FIT.normal(size=7)
    y, w = _FIT.normal(size=7), _FIT.normal(size=deg + 1)
    check(lambda x, y: np.sum(np.sin(np.polyfit(x, y, deg)) * w), x, y, wrt=(0, 1))
    w2, y2 = _FIT.normal(size=(deg + 1, 3)), _FIT.normal(size=(7, 3))
    check(lambda x: np.sum(np.sin(np.polyfit(x, y2, deg)) * w2), x, order=1)


def test_polyfit_full_is_refused_at_the_line():
    from issue13_cases import refused_in_both_modes
    refused_in_both_modes(polyfit_full, (_FIT.normal(size=5),), (0,), "does not accept")


# -- poly: the coefficients from the roots -------------------------------------------------
def from_roots(r):
    return np.sum(np.sin(np.poly(r)) * np.arange(1.0, 2.0 + np.size(r)))


def of_a_matrix(a):
    return np.sum(np.sin(np.poly(a)) * np.arange(1.0, 2.0 + a.shape[0]))


def test_poly_of_roots_distinct_and_repeated():
    check(from_roots, np.array([0.4, -1.3, 0.9]))
    check(from_roots, np.array([0.5, 0.5, -1.0, 0.5]))   # repeated roots: smooth there
    check(from_roots, np.array([0.7]), order=1)


def test_poly_of_a_matrix_its_characteristic_polynomial():
    rng = np.random.default_rng(31)
    check(of_a_matrix, rng.normal(size=(3, 3)))          # complex eigenvalues, real coefficients
    check(of_a_matrix, np.array([[2.0, 1.0], [0.0, 2.0]]))   # a repeated eigenvalue
    check(of_a_matrix, np.eye(3) * 0.7)                  # one eigenvalue, three times
    check(of_a_matrix, np.array([[1.3]]), order=1)


def test_poly_slopes_of_a_matrix_are_central_differences_of_numpy_poly():
    from srcdiff.runtime_polynomials import poly_slopes, poly_slopes_tangent
    rng = np.random.default_rng(32)
    a, da = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    h = 1e-6
    numeric = np.stack([(np.poly(a + h * e.reshape(4, 4)) - np.poly(a - h * e.reshape(4, 4)))
                        / (2 * h) for e in np.eye(16)])
    np.testing.assert_allclose(poly_slopes(a), numeric, atol=1e-7)
    np.testing.assert_allclose(poly_slopes_tangent(a, da),
                               (poly_slopes(a + h * da) - poly_slopes(a - h * da)) / (2 * h),
                               atol=1e-6)


# -- polydiv: u = q v + r ----------------------------------------------------------------
def divided(u, v):
    q, r = np.polydiv(u, v)
    return np.sum(np.sin(q) * np.arange(1.0, 1.0 + np.size(q))) + \
        np.sum(np.sin(r) * np.arange(2.0, 2.0 + np.size(r)))


def remainder_of(u, v):
    return np.sum(np.polydiv(u, v)[1])


@pytest.mark.parametrize("nu, nv, order", [(5, 3, 2), (4, 4, 1), (3, 1, 1), (2, 4, 2)])
def test_polydiv(nu, nv, order):
    u, v = _FIT.normal(size=nu), _FIT.normal(size=nv)
    v[0] = 1.5 + abs(v[0])   # a leading coefficient well away from zero (it divides)
    check(divided, u, v, wrt=(0, 1), order=order)


@pytest.mark.parametrize("u, v, says", [
    (np.convolve([1.0, 2.0], [1.0, -1.0, 0.5]), [1.0, -1.0, 0.5], "dropped the remainder"),
    ([1.0, 2.0, 3.0], [0.0, 1.0], "leading coefficient")])
def test_polydiv_without_a_derivative_is_refused_located(u, v, says):
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_polynomials.py:\d+") as info:
        srcdiff.grad(remainder_of, wrt=(0, 1))(np.array(u), np.array(v))
    assert says in str(info.value)
