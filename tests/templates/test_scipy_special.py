"""templates/scipy_special.py (and the helper rules of scipy_runtime.py): every rule against
central differences, both modes and second order, on the shapes, axes and keywords a user
passes; orders held constant and keywords the rules do not know are refused, located."""
import numpy as np
import pytest

sp = pytest.importorskip("scipy.special")

import srcdiff  # noqa: E402
from gradcheck import check  # noqa: E402

rng = np.random.default_rng(11)


def _in(lo, hi, shape=(2, 3)):
    return rng.uniform(lo, hi, size=shape)


UNARY = [
    (sp.expit, (-2, 2)), (sp.logit, (0.2, 0.8)), (sp.gammaln, (0.5, 3)),
    (sp.digamma, (0.5, 3)), (sp.psi, (0.5, 3)), (sp.gamma, (0.5, 3)), (sp.erf, (-1.5, 1.5)),
    (sp.erfc, (-1.5, 1.5)), (sp.erfinv, (-0.8, 0.8)), (sp.erfcinv, (0.2, 1.8)),
    (sp.ndtr, (-2, 2)), (sp.log_ndtr, (-3, 2)), (sp.ndtri, (0.1, 0.9)), (sp.i0, (-2, 2)),
    (sp.i1, (-2, 2)), (sp.i0e, (-2, 2)), (sp.i0e, (0.2, 2)), (sp.i1e, (-2, 2)),
    (sp.entr, (0.2, 2)),
]


def _unary(fn):
    return lambda x: np.sum(fn(x) * np.cos(x))


@pytest.mark.parametrize("fn,domain", UNARY, ids=[f"{f.__name__}-{lo}" for f, (lo, _) in UNARY])
@pytest.mark.parametrize("shape", [(2, 3), (4,), ()], ids=["2d", "1d", "0d"])
def test_unary(fn, domain, shape):
    check(_unary(fn), _in(*domain, shape=shape))


@pytest.mark.parametrize("fn", [sp.expit, sp.gammaln, sp.erf, sp.ndtr])
def test_unary_python_float(fn):
    check(lambda x: fn(x) * 3.0, 0.7)


def test_unary_of_int_array_is_float():
    """an int array argument is promoted to float by the ufunc; its derivative is a float's"""
    check(lambda w: np.sum(sp.expit(np.array([1, 2]) * w)), 0.3)


def test_log_ndtr_far_in_the_left_tail_is_finite():
    g = srcdiff.grad(lambda x: np.sum(sp.log_ndtr(x)))(np.array([-40.0, -10.0]))
    assert np.all(np.isfinite(g))
    check(lambda x: np.sum(sp.log_ndtr(x)), np.array([-30.0, -8.0]), rtol=1e-4)


def test_scaled_bessel_at_zero_follows_abs_convention():
    """i0e(x) = exp(-|x|) i0(x): at the kink x = 0 the derivative takes sign(0) = 0."""
    g = srcdiff.grad(lambda x: np.sum(sp.i0e(x)))(np.array([0.0]))
    np.testing.assert_array_equal(g, [0.0])


def bessel_i1_at_zero(x):
    return np.sum(sp.i1(x) * np.cos(x) + sp.i1(x) ** 2)


def test_bessel_i1_i1e_at_zero_and_far_out():
    """i1' is written i0 - i1 / x (CuPy has no iv), 1/2 at x = 0 where that divides by zero:
    checked there (with points around it) and far out, where i1e's slope is small. (i1e's
    second derivative jumps at 0, the kink of exp(-|x|): its first only is checked there.)"""
    check(bessel_i1_at_zero, np.array([0.0, 1e-9, -1e-3, 0.4]))
    check(bessel_i1_at_zero, 0.0)
    g = srcdiff.grad(lambda x: np.sum(sp.i1(x) + sp.i1e(x)))(np.array([0.0]))
    np.testing.assert_array_equal(g, [1.0])
    check(lambda x: np.sum(sp.i1e(x)), np.array([25.0, -60.0, 150.0, 0.3, -0.7]), rtol=1e-5)


LSE = [
    dict(), dict(axis=0), dict(axis=1), dict(axis=-1), dict(axis=(0, 1)), dict(keepdims=True),
    dict(axis=1, keepdims=True), dict(axis=(0, -1), keepdims=True),
]


@pytest.mark.parametrize("kw", LSE, ids=[str(k) for k in LSE])
def test_logsumexp(kw):
    axis, keepdims = kw.get("axis"), kw.get("keepdims", False)
    x = _in(-2, 2, (2, 3))
    w = np.arange(1.0, 1.0 + np.size(sp.logsumexp(x, **kw))).reshape(
        np.shape(sp.logsumexp(x, **kw)))
    check(lambda x: np.sum(sp.logsumexp(x, axis=axis, keepdims=keepdims) * w), x)


def lse_axis0(x):
    return np.sum(np.sin(sp.logsumexp(x, axis=0)))


def lse_weighted(x, b):
    return np.sum(np.sin(sp.logsumexp(x, axis=-1, b=b)))


def lse_weighted_broadcast(x, b):
    return np.sum(sp.logsumexp(x, axis=1, b=b, keepdims=True) ** 2)


def lse_b_wider(x, b):
    return np.sum(sp.logsumexp(x, axis=0, b=b) ** 2)


def lse_positional(x, b):
    return sp.logsumexp(x, None, b) ** 2


def test_logsumexp_shapes_and_weights():
    check(lse_axis0, _in(-2, 2, (3, 2)))
    check(lse_axis0, _in(-2, 2, (4,)))
    check(lambda x: sp.logsumexp(x) ** 2, np.array(0.3))
    check(lambda x: sp.logsumexp(x) ** 2, 0.7)
    check(lse_weighted, _in(-2, 2, (2, 3)), _in(0.5, 2, (2, 3)), wrt=(0, 1))
    check(lse_weighted_broadcast, _in(-2, 2, (2, 3)), _in(0.5, 2, (3,)), wrt=(0, 1))
    check(lse_b_wider, _in(-2, 2, (3,)), _in(0.5, 2, (2, 3)), wrt=(0, 1))
    check(lse_positional, _in(-2, 2, (4,)), _in(0.5, 2, (4,)), wrt=(0, 1))


def test_logsumexp_of_large_values_is_stable():
    g = srcdiff.grad(lambda x: sp.logsumexp(x))(np.array([1000.0, 1001.0]))
    np.testing.assert_allclose(g, np.exp([1000.0, 1001.0] - sp.logsumexp([1000.0, 1001.0])))


def lse_sign(x):
    value, sign = sp.logsumexp(x, return_sign=True)
    return value * sign


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_logsumexp_return_sign_is_refused_at_the_users_line(mode):
    x = np.array([0.1, 0.2])
    call = srcdiff.grad(lse_sign) if mode == "grad" else (
        lambda x: srcdiff.jvp(lse_sign)(x, np.ones(2)))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_special.py:\d+") as info:
        call(x)
    assert "return_sign" in str(info.value)


SOFTMAX = [dict(), dict(axis=0), dict(axis=1), dict(axis=-1), dict(axis=(0, 1))]


@pytest.mark.parametrize("fn", [sp.softmax, sp.log_softmax])
@pytest.mark.parametrize("kw", SOFTMAX, ids=[str(k) for k in SOFTMAX])
def test_softmax(fn, kw):
    axis = kw.get("axis")
    w = np.arange(1.0, 7.0).reshape(2, 3)
    check(lambda x: np.sum(np.sin(fn(x, axis=axis)) * w), _in(-2, 2, (2, 3)))


@pytest.mark.parametrize("fn", [sp.softmax, sp.log_softmax])
def test_softmax_vectors_and_0d(fn):
    check(lambda x: np.sum(fn(x) * np.array([1.0, -2.0, 0.5])), _in(-2, 2, (3,)))
    check(lambda x: np.sum(np.cos(fn(x, 0))), _in(-2, 2, (3,)))
    check(lambda x: fn(x) * 2.0 + x, np.array(0.4))


def polygamma_sum(x):
    return np.sum(sp.polygamma(1, x) + sp.polygamma(2, x) * x + sp.polygamma(0, x))


def polygamma_orders(x):
    return np.sum(sp.polygamma(np.array([0, 1, 3]), x))


def test_polygamma():
    check(polygamma_sum, _in(0.5, 3, (2, 3)))
    check(polygamma_sum, 1.3)
    check(polygamma_orders, _in(0.5, 3, (3,)))


def polygamma_wrt_n(n, x):
    return sp.polygamma(n, x)


def iv_wrt_v(v, x):
    return sp.iv(v, x)


@pytest.mark.parametrize("f", [polygamma_wrt_n, iv_wrt_v])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_order_is_held_constant_and_refused_located(f, mode):
    call = srcdiff.grad(f, wrt=0) if mode == "grad" else (
        lambda n, x: srcdiff.jvp(f, wrt=0)(n, x, 1.0))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_special.py:\d+") as info:
        call(1.0, 1.5)
    assert "with respect to" in str(info.value) and "stop_gradient" in str(info.value)


def bessel(x):
    return np.sum(sp.iv(1.5, x) * x + sp.ive(2.0, x) + sp.ive(0.5, x) * 2.0 + sp.iv(3, x))


def test_bessel_iv_ive():
    check(bessel, _in(0.3, 2, (2, 3)))
    check(bessel, 0.8)
    check(lambda x: np.sum(sp.ive(np.array([0.0, 1.0, 2.5]), x)), _in(0.2, 2, (3,)))
    check(lambda x: np.sum(sp.ive(np.array([0.0, 1.0, 2.0]), x)), _in(-2, -0.2, (3,)))


def multigammaln(a):
    return sp.multigammaln(a, 3) * a + sp.multigammaln(a * 2.0, 1)


def test_multigammaln():
    check(multigammaln, 2.4)
    check(lambda a: np.sum(sp.multigammaln(a, 2)), _in(2, 4, (3,)))


BINARY = [
    (sp.betaln, (0.5, 3), (0.5, 3)), (sp.beta, (0.5, 3), (0.5, 3)),
    (sp.xlogy, (-2, 2), (0.3, 2)), (sp.xlog1py, (-2, 2), (-0.5, 2)),
    (sp.rel_entr, (0.2, 2), (0.2, 2)), (sp.kl_div, (0.2, 2), (0.2, 2)),
]


@pytest.mark.parametrize("fn,da,db", BINARY, ids=[f.__name__ for f, _, _ in BINARY])
@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((2, 3), (3,)), ((), (4,)), ((), ())],
                         ids=["same", "broadcast", "scalar-vector", "0d"])
def test_binary(fn, da, db, shapes):
    a, b = _in(*da, shape=shapes[0]), _in(*db, shape=shapes[1])
    check(lambda a, b: np.sum(np.sin(fn(a, b))), a, b, wrt=(0, 1))


@pytest.mark.parametrize("fn", [sp.xlogy, sp.xlog1py])
def test_xlogy_at_x_zero(fn):
    """x log y is 0 for every y where x == 0: no derivative in y there."""
    x = np.array([0.0, 1.5])
    g = srcdiff.grad(lambda y: np.sum(fn(x, y)), wrt=0)(np.array([0.5, 0.5]))
    assert g[0] == 0.0
    check(lambda x, y: np.sum(fn(x, y) ** 2), x, np.array([0.5, 0.7]), wrt=1)


AT_ZERO = [
    ("xlogy", lambda x: sp.xlogy(x * x, x * x)),
    ("xlogy-cube", lambda x: sp.xlogy(x ** 3, x * x)),
    ("xlog1py", lambda x: sp.xlog1py(x * x, x * x - 1)),
    ("entr", lambda x: sp.entr(x * x)),
    ("rel_entr", lambda x: sp.rel_entr(x * x, x * x + 1.0)),
    ("rel_entr-both", lambda x: sp.rel_entr(x * x, x * x)),
    ("kl_div", lambda x: sp.kl_div(x * x, x * x + 1.0)),
    ("kl_div-both", lambda x: sp.kl_div(x * x, 2 * x * x)),
]


@pytest.mark.parametrize("f", [f for _, f in AT_ZERO], ids=[n for n, _ in AT_ZERO])
def test_zero_log_zero_at_x_zero_is_differentiable(f):
    """`xlogy(x * x, x * x)` is x^2 log x^2, differentiable at 0 with derivative 0: the
    rule's partial in x there was log 0, and log 0 * 2x gave NaN in both modes. At 0 the
    partials follow 0 log 0 = 0 (first order: the second derivative is infinite there)."""
    x = np.array([0.0, 0.5, 1.3])
    check(lambda x: np.sum(np.sin(f(x))), x, order=1)
    g = srcdiff.grad(lambda x: np.sum(f(x)))(x)
    assert np.all(np.isfinite(g)) and g[0] == 0.0
    check(lambda x: np.sum(np.sin(f(x))), x[1:])   # second order away from 0


Z = np.array([0.3 + 0.2j, -0.5 + 0.4j, 0.1 - 0.7j])


@pytest.mark.parametrize("fn", [sp.erf, sp.erfc, sp.ndtr, sp.log_ndtr])
def test_holomorphic_of_complex(fn):
    """d/dx - i d/dy of a real loss (the README's convention), against central differences"""
    check(lambda z: np.sum(np.abs(fn(z)) ** 2), Z)


@pytest.mark.parametrize("fn", [sp.xlogy, sp.xlog1py])
def test_xlogy_of_complex(fn):
    check(lambda x, y: np.sum(np.abs(fn(x, y)) ** 2), Z, Z + 1.5, wrt=(0, 1))


def test_iv_of_complex():
    check(lambda z: np.sum(np.abs(sp.iv(1.5, z)) ** 2), Z)


def digamma_complex(z):
    return np.sum(np.abs(sp.digamma(z)) ** 2)


def ive_complex(z):
    return np.sum(np.abs(sp.ive(1.0, z)) ** 2)


@pytest.mark.parametrize("f", [digamma_complex, ive_complex])
@pytest.mark.parametrize("mode", ["grad", "jvp", "hvp"])
def test_complex_where_the_rule_is_real_is_refused_located(f, mode):
    call = {"grad": lambda z: srcdiff.grad(f)(z),
            "jvp": lambda z: srcdiff.jvp(f)(z, np.ones_like(z)),
            "hvp": lambda z: srcdiff.hvp(f)(z, np.ones_like(z))}[mode]
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_special.py:\d+") as info:
        call(Z + 1.0)
    assert "real arguments only" in str(info.value)
    f(Z + 1.0)  # the function itself runs: only its derivative is refused


def test_empty_arrays():
    check(lambda x: np.sum(sp.expit(x) * np.cos(x)), np.zeros((0, 3)))
    check(lambda x: np.sum(sp.logsumexp(x, axis=1)), np.zeros((0, 3)))
    check(lambda x: np.sum(sp.softmax(x, axis=1) ** 2), np.zeros((0, 3)))
    check(lambda x: np.sum(sp.log_softmax(x, axis=-1) ** 2), np.zeros((0, 2)))
