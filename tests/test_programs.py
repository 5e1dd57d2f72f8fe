"""Whole programs as people write them: simulations, models, iterative solvers (first and second order)."""
import logging

import numpy as np
import pytest

import srcdiff
from gradcheck import check_grad

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
