"""srcdiff/fold.py: a sum's broadcast adjoint folded into the product that reads it, number
seeds folded into the arithmetic around them, and the product rule through `f(x) * x`
factored. Each derivative is checked against finite differences (reverse, forward and
second order, through the emitted code), and the emitted code shows the fold."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from corpus import squares_in_a_loop




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


def sum_then_scale(a, b, c):
    s = np.sum(a * b, axis=0)
    return np.sum(s * c)


def mean_of_square(a):
    return np.mean(a * a) + np.sum(np.mean(a * a, axis=1, keepdims=True) * a)


def product_rule_kept(x):
    y = np.cos(x) * x
    z = y + x * x
    return np.sum(z * y)


def product_rule_swapped(x):
    acc = 0.0
    for i in range(4):
        x = x * np.tanh(x) + 0.5
        acc = acc + np.sum(x * x)
    return acc


def seed_in_a_branch(a, t):
    s = np.sum(a * a)
    if t > 0:
        s = s * 3.0
    return np.sum(np.exp(a) * a) + s


@pytest.mark.parametrize("f, shapes, wrt", [
    (sum_then_scale, ((3, 4), (3, 4), (4,)), (0, 1, 2)),
    (mean_of_square, ((3, 4),), 0),
    (product_rule_kept, ((3, 4),), 0),
    (product_rule_swapped, ((2, 3),), 0),
    (product_rule_swapped, ((),), 0),
])
def test_folded_programs_match_finite_differences(rng, f, shapes, wrt):
    args = [np.asarray(rng.uniform(0.2, 0.9, size=s)) for s in shapes]
    check(f, *args, wrt=wrt)
    value, grads = srcdiff.value_and_grad(f, wrt=wrt)(*args)
    np.testing.assert_allclose(value, f(*args))
    plain = srcdiff.grad(f, wrt=wrt)(*args)
    for got, want in zip(grads if isinstance(wrt, tuple) else [grads],
                         plain if isinstance(wrt, tuple) else [plain]):
        np.testing.assert_allclose(got, want)


def test_a_branch_and_float32_keep_their_values(rng):
    a = rng.uniform(0.2, 0.9, size=(3, 4))
    for t in (1.0, -1.0):
        check(seed_in_a_branch, a, t)
    a32 = a.astype(np.float32)
    g = srcdiff.grad(seed_in_a_branch)(a32, 1.0)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, srcdiff.grad(seed_in_a_branch)(a, 1.0), rtol=1e-5)


def test_product_rule_is_factored_either_way_round(rng):
    x = rng.uniform(0.2, 0.9, size=(2, 3))
    check(product_rule_swapped, x)
    src = grad_source(product_rule_swapped, x)
    assert "* (tanh_1 + x * (1 - tanh_1 * tanh_1))" in src, src


@pytest.mark.parametrize("f, shapes", [
    (row_scaled, ((3, 4), (3, 4))), (log_of_total, ((3, 4),)), (scaled_square, ((3, 4),)),
    (sum_then_scale, ((3, 4), (3, 4), (4,))), (mean_of_square, ((3, 4),)),
    (product_rule_kept, ((3, 4),)), (seed_in_a_branch, ((3, 4), ())),
])
def test_the_counts_folding_hands_on_are_a_fresh_count(rng, f, shapes, monkeypatch):
    # fold_broadcasts hands its counts to factor_products where it counted them: they are
    # what counting the folded body again gives (the names its dropped lines bound and read
    # taken off)
    from srcdiff import fold
    factor = fold.factor_products
    handed = []

    def checked(body, counts=None):
        if counts is not None:
            handed.append(f)
            fresh = fold._counts(body)
            for given, want in zip(counts, fresh):   # a name counted down to 0 is absent
                assert {n: c for n, c in given.items() if c} == want
        return factor(body, counts)

    monkeypatch.setattr(fold, "factor_products", checked)
    from srcdiff.api import clear_cache
    clear_cache()   # transformed here, not read from an earlier test's cache
    args = [np.asarray(rng.uniform(0.2, 0.9, size=s)) for s in shapes]
    srcdiff.grad(f)(*args)
    if f in (row_scaled, scaled_square, sum_then_scale):
        assert handed, "these fold a broadcast: their counts are handed on"


@pytest.mark.parametrize("f, shapes", [
    (row_scaled, ((3, 4), (3, 4))), (scaled_square, ((3, 4),)),
    (sum_then_scale, ((3, 4), (3, 4), (4,))),
])
def test_folding_counts_the_whole_body_once(rng, f, shapes, monkeypatch):
    # the counts after folding are those before, with the statements folding rewrote
    # counted again: the whole body is counted once, not again after folding (the counts
    # handed on are held to a fresh count by the test above)
    from srcdiff import fold
    count = fold._counts
    wholes = []

    def counted(body):
        if len(body) > 1:
            wholes.append(len(body))
        return count(body)

    monkeypatch.setattr(fold, "_counts", counted)
    from srcdiff.api import clear_cache
    clear_cache()
    args = [np.asarray(rng.uniform(0.2, 0.9, size=s)) for s in shapes]
    srcdiff.grad(f, wrt=tuple(range(len(args))))(*args)   # one transform, one fold
    assert len(wholes) == 1, wholes
