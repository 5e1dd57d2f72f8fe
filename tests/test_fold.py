"""srcdiff/fold.py: a sum's broadcast adjoint folded into the product that reads it, number
seeds folded into the arithmetic around them, and the product rule through `f(x) * x`
factored. Each derivative is checked against finite differences (reverse, forward and
second order, through the emitted code), and the emitted code shows the fold."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check


def squares_in_a_loop(w, xs):
    h = xs[0] * 0.0
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] * w + h)
        loss = loss + np.sum(h * h)
    return loss


def row_scaled(a, b):
    s = np.sum(a * b, axis=1, keepdims=True)
    return np.sum(np.log(s) * 3.0)


def log_of_total(a):
    return np.sum(np.log(np.sum(np.exp(a), axis=1, keepdims=True)))


def scaled_square(a):
    return np.sum((a * a) * 2.5)


def broadcast_operand(a, c):
    return np.sum(a * c)  # c is (4,) against a's (3, 4): the product is not of a's shape


def product_rule_loop(x):
    acc = 0.0
    for i in range(5):
        x = np.sin(x) * x + 0.1
        acc = acc + x
    return acc


def product_rule_arrays(x):
    y = np.exp(x) * x
    return np.sum(y * 1.5)


def grad_source(f, *args, wrt=0):
    g = srcdiff.grad(f, wrt=wrt)
    g(*args)
    return g.source


@pytest.fixture
def rng():
    return np.random.default_rng(4)


def test_broadcast_seed_folds_into_the_square(rng):
    w, xs = rng.uniform(-1, 1, size=4), rng.uniform(-1, 1, size=(5, 3, 4))
    check(squares_in_a_loop, w, xs)
    src = grad_source(squares_in_a_loop, w, xs)
    assert "d_h = d_h + h * 2.0" in src and "broadcast_to" not in src, src


def test_row_broadcast_folds_into_the_product(rng):
    a, b = rng.uniform(0.5, 1, size=(3, 4)), rng.uniform(0.5, 1, size=(3, 4))
    check(row_scaled, a, b, wrt=(0, 1))
    src = grad_source(row_scaled, a, b, wrt=(0, 1))
    assert "broadcast_to" not in src, src


def test_log_of_total_reads_the_quotient(rng):
    a = rng.uniform(-1, 1, size=(3, 4))
    check(log_of_total, a)
    src = grad_source(log_of_total, a)
    assert "broadcast_to" not in src and "1.0 *" not in src, src


def test_numbers_fold_around_the_seed(rng):
    a = rng.uniform(-1, 1, size=(3, 4))
    check(scaled_square, a)
    src = grad_source(scaled_square, a)
    assert "a * 5.0" in src and "broadcast_to" not in src, src


def test_a_product_of_another_shape_keeps_the_broadcast(rng):
    a, c = rng.uniform(-1, 1, size=(3, 4)), rng.uniform(-1, 1, size=4)
    check(broadcast_operand, a, c, wrt=(0, 1))
    got = srcdiff.grad(broadcast_operand, wrt=1)(a, c)
    assert got.shape == (4,)


def test_product_rule_is_factored_in_a_loop():
    x = np.array(0.7)
    check(product_rule_loop, x)
    src = grad_source(product_rule_loop, x)
    assert "d_x = d_x * (sin_1 + x * numpy.cos(x))" in src, src


def test_product_rule_is_factored_on_arrays(rng):
    x = rng.uniform(-1, 1, size=(3, 4))
    check(product_rule_arrays, x)
    src = grad_source(product_rule_arrays, x)
    assert "d_x = 1.5 * (exp_1 + x * exp_1)" in src, src
