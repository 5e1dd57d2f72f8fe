"""templates/scipy_special_more.py: the Bessel functions j0, j1, jv (jn), y0, y1, yn, rgamma
and the regularized incomplete gamma and beta functions (in x) against central differences,
both modes and second order; orders and the incomplete functions' parameters held constant
and refused, located; gammasgn carries no derivative."""
import numpy as np
import pytest

sp = pytest.importorskip("scipy.special")

import srcdiff  # noqa: E402
from gradcheck import check  # noqa: E402

rng = np.random.default_rng(23)


def _in(lo, hi, shape=(2, 3)):
    return rng.uniform(lo, hi, size=shape)


UNARY = [(sp.j0, (-4, 4)), (sp.j1, (-4, 4)), (sp.y0, (0.3, 5)), (sp.y1, (0.3, 5)),
         (sp.rgamma, (-2.8, 3)), (sp.rgamma, (0.2, 4))]


@pytest.mark.parametrize("fn,domain", UNARY, ids=[f"{f.__name__}-{lo}" for f, (lo, _) in UNARY])
@pytest.mark.parametrize("shape", [(2, 3), (4,), ()], ids=["2d", "1d", "0d"])
def test_unary(fn, domain, shape):
    check(lambda x: np.sum(fn(x) * np.cos(x)), _in(*domain, shape=shape))


def test_unary_python_float():
    check(lambda x: sp.j0(x) * sp.y1(x) + sp.rgamma(x), 0.7)


def bessel_j1_at_zero(x):
    return np.sum(sp.j1(x) * np.cos(x) + sp.j1(x) ** 2)


def test_j1_at_zero_and_far_out():
    """j1' is written j0 - j1 / x (CuPy has no jv), 1/2 at x = 0 where that divides by zero."""
    check(bessel_j1_at_zero, np.array([0.0, 1e-9, -1e-3, 2.5]))
    check(bessel_j1_at_zero, 0.0)
    g = srcdiff.grad(lambda x: np.sum(sp.j1(x)))(np.array([0.0, 40.0]))
    np.testing.assert_allclose(g, [0.5, 0.5 * (sp.j0(40.0) - sp.jv(2, 40.0))], rtol=1e-12)


def bessel_orders(x):
    return np.sum(sp.jn(2, x) * x + sp.jv(0.5, x) + sp.jn(0, x) ** 2 + sp.yn(3, x) + sp.yn(0, x)
                  + sp.yn(1, x) * 2.0)


def bessel_order_arrays(x):
    return np.sum(sp.jv(np.array([0.0, 1.0, 2.5]), x) + sp.yn(np.array([0, 1, 4]), x))


def test_bessel_orders():
    check(bessel_orders, _in(0.3, 4, (2, 3)))
    check(bessel_orders, 1.7)
    check(bessel_order_arrays, _in(0.5, 4, (3,)))
    check(bessel_order_arrays, _in(0.5, 4, (2, 3)))
    check(lambda x: np.sum(sp.jn(3, x) * np.sin(x)), _in(-4, 4, (5,)))


def test_jn_is_jv():
    assert sp.jn is sp.jv


def jv_wrt_v(v, x):
    return sp.jv(v, x)


def yn_wrt_n(n, x):
    return sp.yn(n, x)


def gammainc_wrt_a(a, x):
    return sp.gammainc(a, x)


def gammaincc_wrt_a(a, x):
    return sp.gammaincc(a, x)


def betainc_wrt_a(a, x):
    return sp.betainc(a, 2.0, x)


def betainc_wrt_b(b, x):
    return sp.betainc(2.0, b, x)


@pytest.mark.parametrize("f", [jv_wrt_v, yn_wrt_n, gammainc_wrt_a, gammaincc_wrt_a,
                               betainc_wrt_a, betainc_wrt_b])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_parameters_are_held_constant_and_refused_located(f, mode):
    call = srcdiff.grad(f, wrt=0) if mode == "grad" else (
        lambda p, x: srcdiff.jvp(f, wrt=0)(p, x, 1.0))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_special_more.py:\d+") as info:
        call(2.0, 0.4)
    assert "with respect to" in str(info.value) and "stop_gradient" in str(info.value)


INCOMPLETE = [
    (lambda a, x: sp.gammainc(a, x), (0.5, 4)), (lambda a, x: sp.gammaincc(a, x), (0.5, 4)),
    (lambda a, x: sp.betainc(a, 1.7, x), (0.5, 3)), (lambda a, x: sp.betainc(1.3, a, x), (0.5, 3)),
]


@pytest.mark.parametrize("i", range(len(INCOMPLETE)),
                         ids=["gammainc", "gammaincc", "betainc-a", "betainc-b"])
@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((3,), (2, 3)), ((2, 3), (3,)), ((), ())],
                         ids=["same", "x-wider", "a-wider", "0d"])
def test_incomplete_in_x(i, shapes):
    fn, (lo, hi) = INCOMPLETE[i]
    a, x = _in(lo, hi, shapes[0]), _in(0.1, 0.9, shapes[1])
    if i < 2:
        x = x * 3.0
    check(lambda x: np.sum(np.sin(fn(a, x))), x, wrt=0)


def incomplete_at_zero(x):
    return sp.gammainc(1.0, x) + sp.gammaincc(2.0, x) + sp.betainc(1.0, 3.0, x)


def test_incomplete_at_zero_is_finite():
    """at x = 0 with a = 1 the density x^(a-1) is 1 (0 log 0 = 0), not nan"""
    g = srcdiff.grad(incomplete_at_zero)(0.0)
    h = 1e-7  # one-sided: below 0 the functions are not defined
    np.testing.assert_allclose(g, (incomplete_at_zero(h) - incomplete_at_zero(0.0)) / h,
                               rtol=1e-5)
    t = srcdiff.jvp(incomplete_at_zero)(0.0, 1.0)
    np.testing.assert_allclose(t[1] if isinstance(t, tuple) else t, g)
    check(incomplete_at_zero, 0.3)


def gammasgn_times(x):
    return np.sum(sp.gammasgn(x) * x ** 2)


def test_gammasgn_carries_no_derivative():
    x = np.array([-1.5, -0.5, 0.7, 2.0])
    check(gammasgn_times, x)


def rgamma_complex(z):
    return np.sum(np.abs(sp.rgamma(z)) ** 2)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_complex_is_refused_located(mode):
    z = np.array([0.3 + 0.2j, 1.5 - 0.4j])
    call = srcdiff.grad(rgamma_complex) if mode == "grad" else (
        lambda z: srcdiff.jvp(rgamma_complex)(z, np.ones_like(z)))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_special_more.py:\d+") as info:
        call(z)
    assert "real arguments only" in str(info.value)


# -- zeta, in q (the exponent x held constant) ------------------------------------------
def zeta_in_x(x):
    return np.sum(sp.zeta(x, 2.0))


def test_zeta_in_q():
    check(lambda q: np.sum(np.sin(sp.zeta(3.0, q))), np.array([0.7, 1.5, 2.5]))
    check(lambda q: np.sum(sp.zeta(np.array([2.0, 4.0]), q)), 1.3, order=1)


def test_zeta_in_x_is_refused_located():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_special_more.py:\d+") as info:
        srcdiff.grad(zeta_in_x)(3.0)
    assert "with respect to q only" in str(info.value)


# -- hyp1f1 and hyp2f1, in z (the parameters held constant) ---------------------------------
def hypergeometric_in_z(z):
    return np.sum(sp.hyp1f1(0.5, 1.5, z) * np.cos(z) + sp.hyp2f1(0.3, 1.2, 2.5, 0.4 * np.sin(z))
                  + sp.hyp1f1(-1.5, 2.0, -z) ** 2)


@pytest.mark.parametrize("shape", [(2, 3), (4,), ()], ids=["2d", "1d", "0d"])
def test_hypergeometric_in_z(shape):
    check(hypergeometric_in_z, _in(-1.5, 1.5, shape))


def test_hypergeometric_with_parameter_arrays_and_near_one():
    a, c = np.array([0.5, 1.0, 2.5]), np.array([3.0, 1.5, 4.0])
    check(lambda z: np.sum(sp.hyp2f1(a, 1.0, c, z) + sp.hyp1f1(a, c, 2.0 * z)),
          np.array([0.2, -0.6, 0.9]))
    check(lambda z: sp.hyp2f1(1.0, 1.0, 2.0, z), 0.97)   # -log(1 - z) / z, steep near 1


def hyp1f1_wrt_a(a, z):
    return sp.hyp1f1(a, 1.5, z)


def hyp1f1_wrt_b(b, z):
    return sp.hyp1f1(0.5, b, z)


def hyp2f1_wrt_c(c, z):
    return sp.hyp2f1(0.5, 1.0, c, z)


@pytest.mark.parametrize("f", [hyp1f1_wrt_a, hyp1f1_wrt_b, hyp2f1_wrt_c])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_hypergeometric_parameters_are_refused_located(f, mode):
    call = srcdiff.grad(f, wrt=0) if mode == "grad" else (
        lambda p, z: srcdiff.jvp(f, wrt=0)(p, z, 1.0))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_special_more.py:\d+") as info:
        call(2.0, 0.4)
    assert "with respect to z only" in str(info.value)
