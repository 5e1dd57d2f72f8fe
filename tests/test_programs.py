"""Whole programs as people write them: simulations, models, iterative solvers (first and second order)."""
import logging

import numpy as np
import pytest

import srcdiff
from corpus import mutual_recursion
from gradcheck import check_grad, check_hvp

log = logging.getLogger("sim")


def simulate(params, x0, dt=0.05, steps=40):
    """A damped spring integrated with explicit Euler, stopping early when it settles."""
    k, c = params["k"], params["c"]
    x, v = x0, 0.0
    energy = 0.0
    for step in range(steps):
        a = -k * x - c * v
        v = v + dt * a
        x = x + dt * v
        energy += 0.5 * v * v + 0.5 * k * x * x
        if abs(x) < 1e-3 and abs(v) < 1e-3:
            log.info("settled at step %d", step)
            break
    return energy


def logistic(w, X, y):
    z = X @ w
    p = 1.0 / (1.0 + np.exp(-z))
    eps = 1e-9
    return -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + 0.01 * w @ w


def softmax_regression(params, X, labels):
    logits = X @ params["W"] + params["b"]
    logits = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return -np.sum(labels * np.log(probs)) / X.shape[0]


def newton_sqrt(a):
    x = a
    for _ in range(20):
        x_new = 0.5 * (x + a / x)
        if abs(x_new - x) < 1e-12:
            x = x_new
            break
        x = x_new
    return x


rng = np.random.default_rng(0)
X = rng.normal(size=(20, 3))
Y = (rng.random(20) > 0.5).astype(float)


def test_simulation_with_early_stop_and_dict_parameters():
    g = check_grad(simulate, {"k": 2.0, "c": 0.3}, 1.0, rtol=1e-4)
    assert set(g) == {"k", "c"}


def test_logistic_regression_and_its_hessian():
    w = rng.normal(size=3)
    check_grad(logistic, w, X, Y)
    h = srcdiff.hessian(logistic)(w, X, Y)
    g = srcdiff.grad(logistic)
    eps = 1e-5
    fd = np.stack([(g(w + e, X, Y) - g(w - e, X, Y)) / (2 * eps) for e in np.eye(3) * eps], -1)
    np.testing.assert_allclose(h, fd, rtol=1e-5, atol=1e-7)


def test_softmax_regression_with_a_parameter_dict():
    params = {"W": rng.normal(size=(3, 4)), "b": np.zeros(4)}
    labels = np.eye(4)[rng.integers(0, 4, 20)]
    check_grad(softmax_regression, params, X, labels)


def test_newton_iteration_to_second_order():
    assert srcdiff.grad(newton_sqrt)(2.0) == pytest.approx(0.5 / np.sqrt(2.0))
    assert srcdiff.grad(srcdiff.grad(newton_sqrt))(2.0) == pytest.approx(-0.25 * 2.0 ** -1.5)


# --- known defects: each test states the right answer and fails today (strict xfail) ---------
# Remove the mark when the defect is fixed; the suite then reports the test as passing.
def test_second_order_through_mutual_recursion():
    """The tape the helpers' forwards fill carries its tangents to their backwards."""
    from gradcheck import check_grad
    check_grad(mutual_recursion, 0.7)
    check_hvp(mutual_recursion, 0.7, vector=1.0)
    check_hvp(mutual_recursion, np.array([0.7, -0.2]), vector=np.array([1.0, 0.5]))


def _write_first(a, v):
    a[0] = v
    return np.sum(a * a)


def helper_writes_into_argument(x, v):
    return _write_first(x, v) + np.sum(x)


def test_a_helper_writing_into_its_argument_is_followed():
    """NumPy changes the caller's array, and the caller reads it after: srcdiff lowers the
    helper's write as the caller's own, on a copy of the caller's argument made first
    (writing_helpers.py, lower_copies.py; tests/test_calls.py covers every form of it)."""
    from gradcheck import check
    x = np.array([0.3, -0.7, 1.1])
    for wrt in (0, 1):
        check(helper_writes_into_argument, x.copy(), 0.5, wrt=wrt)
        srcdiff.grad(helper_writes_into_argument, wrt=wrt)(x, 0.5)
    np.testing.assert_array_equal(x, [0.3, -0.7, 1.1])


def row_swap(m):
    y = m * 1.0
    y[0], y[1] = y[1], y[0]     # rows are views: NumPy copies row 1 into both
    return np.sum(y * np.arange(y.size).reshape(y.shape))


def row_swap_by_index_arrays(m):
    y = m * 1.0
    y[[0, 1]] = y[[1, 0]]       # index arrays copy: a true swap
    return np.sum(y * np.arange(y.size).reshape(y.shape))


def element_swap(x):
    y = x * 1.0
    y[0], y[1] = y[1], y[0]     # elements of a 1-D array are copies: a true swap
    return np.sum(y * np.arange(y.size))


def test_the_row_swap_idiom_is_refused_and_its_fixes_work():
    """On a 2-D array `y[0], y[1] = y[1], y[0]` reads row views that the first write
    changes (NumPy copies row 1 into both): refused when it runs, in both modes; index arrays
    and 1-D elements swap truly and differentiate."""
    m = np.arange(6.0).reshape(3, 2) * 0.3
    for run in (lambda: srcdiff.grad(row_swap)(m),
                lambda: srcdiff.jvp(row_swap)(m, np.ones_like(m))):
        with pytest.raises(ValueError, match="reads a row of y") as info:
            run()
        assert "test_programs.py:" in str(info.value) and "y[[i, j]]" in str(info.value)
    check_grad(row_swap_by_index_arrays, m)
    check_grad(element_swap, np.array([0.3, -0.5, 0.8]))


def appends_to_argument(params, x):
    params.append(x * 2.0)
    return np.sum(np.stack(params) ** 2)


def test_jvp_leaves_a_list_argument_as_it_was():
    """The function appends to its list argument; jvp works on a copy, as grad does."""
    x, t = np.array([0.5, -1.0]), np.array([1.0, 0.3])
    for wrt, tangent in ((1, t), (0, [t, t])):
        params = [np.ones(2), np.ones(2)]
        value, tangent_out = srcdiff.jvp(appends_to_argument, wrt=wrt)(params, x, tangent)
        assert len(params) == 2
        assert value == pytest.approx(appends_to_argument([np.ones(2), np.ones(2)], x))
        eps = 1e-6
        if wrt == 1:
            fd = (appends_to_argument([np.ones(2), np.ones(2)], x + eps * t)
                  - appends_to_argument([np.ones(2), np.ones(2)], x - eps * t)) / (2 * eps)
        else:
            fd = (appends_to_argument([np.ones(2) + eps * t] * 2, x)
                  - appends_to_argument([np.ones(2) - eps * t] * 2, x)) / (2 * eps)
        assert tangent_out == pytest.approx(fd, rel=1e-6)
