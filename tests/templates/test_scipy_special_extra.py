"""templates/scipy_special_extra.py: loggamma, erfcx, dawsn, exp1, expi, expn, spence, poch,
boxcox, boxcox1p, sici and fresnel against central differences, both modes and second
order; expn's order held constant and refused, located; boxcox at lmbda = 0 and sici at 0
take their limits."""
import numpy as np
import pytest

sp = pytest.importorskip("scipy.special")

import srcdiff  # noqa: E402
from gradcheck import check  # noqa: E402

rng = np.random.default_rng(2121)
W = np.arange(1.0, 7.0).reshape(2, 3)


def _in(lo, hi, shape=(2, 3)):
    return rng.uniform(lo, hi, size=shape)


UNARY = [(sp.loggamma, (0.3, 4)), (sp.erfcx, (-1.5, 3)), (sp.dawsn, (-3, 3)),
         (sp.exp1, (0.2, 3)), (sp.expi, (-2, -0.2)), (sp.expi, (0.2, 3)), (sp.spence, (0.1, 3))]


@pytest.mark.parametrize("fn,domain", UNARY, ids=[f"{f.__name__}-{lo}" for f, (lo, _) in UNARY])
def test_unary(fn, domain):
    check(lambda x: np.sum(fn(x) * np.cos(x) * W), _in(*domain))
    check(lambda x: fn(x) * 2.0, float(_in(*domain, shape=())))


def test_spence_at_one():
    check(lambda x: np.sum(sp.spence(x * 0.0 + 1.0 + (x - x)) * x), np.array([0.5, 2.0]))
    check(lambda x: np.sum(sp.spence(x)), np.array([1.0, 0.5]))


@pytest.mark.parametrize("n", [0, 1, 3])
def test_expn_in_x(n):
    check(lambda x: np.sum(sp.expn(n, x) * W), _in(0.3, 3))


def test_expn_of_an_order_array():
    orders = np.array([[0, 1, 2], [3, 1, 0]])
    check(lambda x: np.sum(sp.expn(orders, x) * W), _in(0.3, 3))


def test_poch():
    check(lambda z, m: np.sum(sp.poch(z, m) * W), _in(0.5, 3), _in(-0.4, 2), wrt=(0, 1))


@pytest.mark.parametrize("fn", [sp.boxcox, sp.boxcox1p])
def test_boxcox(fn):
    check(lambda x, lm: np.sum(fn(x, lm) * W), _in(0.3, 3), _in(-1, 2), wrt=(0, 1))
    check(lambda x, lm: np.sum(fn(x, lm * 0.0) * W + lm), _in(0.3, 3), 0.7, wrt=(0, 1))
    check(lambda lm: fn(1.7, lm), 0.0)


def test_sici_and_fresnel():
    def si_ci(x):
        s, c = sp.sici(x)
        return np.sum(s * W) + np.sum(c ** 2)

    def only_ci(x):
        return np.sum(sp.sici(x)[1] * W)

    def fresnel(x):
        s, c = sp.fresnel(x)
        return np.sum(s * c * W) + np.sum(s)
    for f in (si_ci, only_ci, fresnel):
        check(f, _in(0.2, 3))
    check(lambda x: np.sum(sp.sici(x)[0] * W[0]), np.array([0.0, 0.5, -1.0]))


def test_the_order_of_expn_is_refused_at_the_call():
    def in_the_order(x):
        return np.sum(sp.expn(x, 1.5))
    with pytest.raises(srcdiff.SrcdiffError, match="order") as info:
        srcdiff.grad(in_the_order)(np.array([1.0, 2.0]))
    assert "test_scipy_special_extra.py" in str(info.value)


def test_complex_arguments_are_refused():
    with pytest.raises(srcdiff.SrcdiffError, match="real"):
        srcdiff.grad(lambda x: np.sum(np.real(sp.dawsn(x * (1 + 1j)))))(np.array([0.5]))


def test_owens_t_in_h_and_a():
    """T(h, a): both arguments, either sign, broadcast against each other, h = 0 included"""
    h = np.array([-1.3, -0.2, 0.0, 0.4, 2.1])
    a = np.array([[0.7], [-1.5], [3.0]])
    check(lambda h, a: np.sum(np.sin(sp.owens_t(h, a)) * np.arange(1.0, 16.0).reshape(3, 5)),
          h, a, wrt=(0, 1))
    check(lambda h: sp.owens_t(h, 0.5) * 3.0, 0.8)
    check(lambda a: np.sum(sp.owens_t(1.1, a) ** 2), np.array([-0.4, 0.9]))
