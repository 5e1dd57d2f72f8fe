"""Tangent rules of templates/lazy_rules.py (srcdiff/lazy_runtime.py's helpers), against
central differences: each helper called as a plain function, differentiated with srcdiff.jvp,
and the helpers as emitted gradients call them, to second order (forward over reverse)."""
import numpy as np

import srcdiff
from gradcheck import check
from srcdiff.lazy_runtime import broadcast_back, decided, scale_gradient, unit_like

rng = np.random.default_rng(5)


def check_fwd(f, *args, **kwargs):
    return check(f, *args, modes=("fwd",), order=1, **kwargs)


def test_scale_gradient_tangent():
    g, s = rng.normal(size=4), 0.7
    check_fwd(lambda g, s: scale_gradient(np.sin(g), s * s), g, s, wrt=(0, 1))
    check_fwd(lambda g, s: scale_gradient(g * g, np.cos(s)), g, np.float64(0.3), wrt=(0, 1))
    check_fwd(lambda g, s: scale_gradient(g, np.sum(s * s)), g, rng.normal(size=()), wrt=(0, 1))


def test_unit_like_tangent():
    s = rng.normal(size=())
    check_fwd(lambda s: unit_like(s * s) * s, s)
    check_fwd(lambda s: unit_like(s) + np.sin(s), 0.4)
    # a complex factor is not deferred: unit_like is the identity there, and so its tangent
    check_fwd(lambda z: np.real(unit_like(z * z)) + np.imag(unit_like(z * z)), 0.3 + 0.8j)


def test_broadcast_back_tangent():
    g, a = rng.normal(size=(1, 3)), rng.normal(size=(4, 3))
    check_fwd(lambda g, a: broadcast_back(np.sin(g), a) * a, g, a, wrt=(0, 1))
    check_fwd(lambda g: broadcast_back(g * g, np.ones(5)), np.float64(0.3))


def summed_in_a_loop(w, X):
    s = 0.0
    for k in range(2):
        s = s + np.sum(np.sin(X * w) * k, axis=0)
    return np.sum(s * s) + np.sum(X @ w)


def test_sum_adjoints_to_second_order():
    """A sum's adjoint (broadcast_back, or numpy.broadcast_to where the shape is known) in
    emitted gradients, against central differences to second order."""
    X, w = rng.normal(size=(5, 3)), rng.normal(size=3)
    check(summed_in_a_loop, w, X, wrt=(0, 1))
    check(lambda w, X: np.sum((X @ w) ** 2), w, X, wrt=(0, 1))


def test_complex_or_none_factors_are_not_deferred():
    g = rng.normal(size=3)
    assert unit_like(2.0 + 1.0j) == 2.0 + 1.0j and unit_like(None) is None
    np.testing.assert_array_equal(scale_gradient(g, 2.0 + 1.0j), g)
    assert scale_gradient(None, 3.0) is None
    np.testing.assert_array_equal(scale_gradient(g, 2.0), 2.0 * g)
    assert decided(np.float64(3.0) > 1.0) is True


def rmse(w, X, y):
    r = X @ w - y
    return np.sqrt(np.mean(r ** 2))


def branch_on_mean(w, X, y):
    r = X @ w - y
    m = np.mean(r * r)
    if m > 1.0:
        return np.sqrt(m)
    return m


def test_emitted_helpers_to_second_order():
    """RMSE and a branch on a whole-dataset value emit unit_like/scale_gradient and decided;
    forward mode over that gradient (hvp) meets their tangent rules."""
    X, y, w = rng.normal(size=(6, 3)), rng.normal(size=6), rng.normal(size=3)
    for f in (rmse, branch_on_mean):
        d = srcdiff.grad(f, wrt=(0, 1, 2))
        d(w, X, y)  # the variant for these shapes, where `m` is known to be a scalar
        text = srcdiff.source(d)
        assert "scale_gradient(" in text and "unit_like(" in text, text
        check(f, w, X, y, wrt=(0, 1, 2))
    check(branch_on_mean, w * 0.01, X * 0.1, y * 0.1, wrt=(0, 1, 2))  # the other branch
