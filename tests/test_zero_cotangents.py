"""srcdiff/zero_cotangents.py: the zero cotangent a selection gives the items it does not pass on
(where's unchosen branch, an item not read, an item overwritten, the smaller of a maximum)
stays zero through a slope that is infinite or NaN there, in reverse mode and forward over
reverse; so does the zero tangent of a selection's result in forward mode (sqrt of a where
at 0); through a function of the user's called (its variant given a cotangent or tangent
that may hold such zeros: program.callee's zero_cotangents=); a NaN of the function's own
chosen branch stays NaN; code without selections is emitted as before.

Each derivative is checked against central differences (both modes, second order) at points
where the function is smooth; the unchosen branches are NaN or infinite there.
"""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff.runtime_adjoint import zero_cotangent_product, zero_cotangent_tangent


def softplus_stable(x):
    return np.sum(np.where(x > 30.0, x, np.log1p(np.exp(x))))   # exp(800) is inf, unchosen


def power_of_a_negative_base(x):
    return np.sum(np.where(x > 0, x ** 1.5, -x))


def arcsin_inside(x):
    return np.sum(np.where(np.abs(x) < 1, np.arcsin(x), np.sign(x) * 1.5))


def divided_by_zero_unchosen(x):
    d = x - x[0] + 0.5   # d[0] is exactly 0.5: sin(d) / (d - 0.5) is inf there, unchosen
    return np.sum(np.where(d != 0.5, np.sin(d) / (d - 0.5), np.cos(d)))


def log_items_overwritten(x):
    y = np.log(x)
    y[x <= 0] = 0.0
    return np.sum(y * y)


def sqrt_items_read(x):
    y = np.sqrt(x)
    return y[0] * 2.0 + y[2]


def maximum_of_a_log(x):
    return np.sum(np.maximum(np.log(x), -3.0))


def sqrt_of_a_log(x):
    return np.sum(np.where(x > 1, np.sqrt(np.log(x)) * 2.0, x))


def where_of_scalars_in_a_loop(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + np.where(x[i] > 0, np.sqrt(x[i]), 0.0)
    return s


def where_of_a_scalar_item(x):
    t = x[1]
    return np.where(t > 0, np.log(t), t * t) + np.sum(x)


def sqrt_of_a_where(x):
    return np.sum(np.sqrt(np.where(x > 0, x, 0.0)) * x)   # sqrt's slope at 0 is inf


def sqrt_of_items_written(x):
    y = x * 1.0
    y[x < 0] = 0.0   # sqrt's slope at 0 is inf
    return np.sum(np.sqrt(y) * x)


def doubled_sqrt(x):
    y = np.sqrt(x)
    return y * 2.0


def where_of_a_helpers_result(x):
    return np.sum(np.where(x > 0, doubled_sqrt(x), 0.0))


def helper_given_a_where(x):
    return np.sum(doubled_sqrt(np.where(x > 0, x, 0.0)) * x)


def helpers_results_in_a_list(x):
    vals = [doubled_sqrt(xi) for xi in x]
    return sum(np.where(xi > 0, vi, 0.0) for xi, vi in zip(x, vals))


X = np.array([0.3, -0.4, 0.5, -1.0, 2.0])
CASES = [(where_of_a_helpers_result, X),
         (helper_given_a_where, X),
         (helpers_results_in_a_list, X),
         (sqrt_of_a_where, X),
         (sqrt_of_items_written, X),
         (softplus_stable, np.array([-2.0, 0.5, 800.0, 31.0])),
         (power_of_a_negative_base, X),
         (arcsin_inside, np.array([0.3, -1.5, 0.9, 2.0])),
         (divided_by_zero_unchosen, np.array([0.2, 1.3, 0.7])),
         (log_items_overwritten, X),
         (sqrt_items_read, X),
         (maximum_of_a_log, np.array([0.3, 0.01, 0.5, 2.0])),
         (sqrt_of_a_log, np.array([0.5, 1.5, 3.0, -1.0])),
         (where_of_scalars_in_a_loop, X),
         (where_of_a_scalar_item, X)]


@pytest.mark.parametrize("f,x", CASES, ids=[f.__name__ for f, _ in CASES])
def test_a_selections_zero_stays_zero_through_a_singular_slope(f, x):
    with np.errstate(all="ignore"):
        check(f, x)


def sqrt_chosen_at_a_negative_number(x):
    return np.sum(np.where(x > -1.0, np.sqrt(x), 0.0))


def test_a_nan_of_the_chosen_branch_stays_nan():
    """x[1] = -0.4 takes sqrt's branch: the function is NaN there, and so is its gradient
    (x[3] = -1.0 takes the other branch: 0)."""
    with np.errstate(all="ignore"):
        assert np.isnan(sqrt_chosen_at_a_negative_number(X))
        got = srcdiff.grad(sqrt_chosen_at_a_negative_number)(X)
        hvp = srcdiff.hvp(sqrt_chosen_at_a_negative_number)(X, np.ones(5))
    assert np.isnan(got[1]) and np.isfinite(got[[0, 2, 3, 4]]).all() and got[3] == 0
    assert np.isnan(hvp[1]) and np.isfinite(hvp[[0, 2, 3, 4]]).all()


def mlp_like(w, x):
    h = np.tanh(x @ w)
    z = h - np.max(h, axis=1, keepdims=True)
    return np.sum(z - np.log(np.sum(np.exp(z), axis=1, keepdims=True)))


def test_code_without_selections_is_unchanged():
    """The products of a function with no selection (a log-softmax over a tanh layer) are
    emitted plain; one with a where gets the helper on the products before it only."""
    w, x = np.linspace(-1, 1, 12).reshape(4, 3), np.linspace(0, 2, 8).reshape(2, 4)
    g = srcdiff.grad(mlp_like)
    g(w, x)
    assert "zero_cotangent_product" not in srcdiff.source(g)
    g = srcdiff.grad(sqrt_of_a_log)
    with np.errstate(invalid="ignore"):
        g(np.array([0.5, 1.5, 3.0]))
    source = srcdiff.source(g)
    assert source.count("zero_cotangent_product(") == 3, source   # * 2.0, sqrt, log


def test_the_jit_path_compiles_it():
    pytest.importorskip("numba")
    with np.errstate(all="ignore"):
        want = srcdiff.grad(sqrt_items_read)(X)
        got = srcdiff.grad(sqrt_items_read, jit=True)(X)
    np.testing.assert_allclose(got, want)
    assert np.isfinite(got).all()


def test_the_helpers_zero_only_a_nan_over_a_zero_cotangent():
    g = np.array([0.0, 0.0, 1.0, 2.0])
    p = np.array([np.nan, 3.0, np.nan, np.inf])
    np.testing.assert_array_equal(zero_cotangent_product(g, p), [0.0, 3.0, np.nan, np.inf])
    t = np.array([5.0, 6.0, 7.0, 8.0])
    np.testing.assert_array_equal(zero_cotangent_tangent(g, p, t), [0.0, 6.0, 7.0, 8.0])
    assert zero_cotangent_product(0.0, float("nan")) == 0.0
    assert np.isnan(zero_cotangent_product(1.0, float("nan")))
    assert zero_cotangent_tangent(0.0, float("nan"), float("nan")) == 0.0
    plain = np.arange(3.0)
    assert zero_cotangent_product(np.zeros(3), plain) is plain   # no copy without a NaN
