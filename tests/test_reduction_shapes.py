"""srcdiff/reduction_shapes.py: the adjoint helpers of reductions written out where the
shapes of the arrays passed in are known (the gradient made at a call).

Each program is checked against finite differences in both modes and to second order,
over the axes and keepdims a reduction takes; the structural assertions say that the
helpers are gone from the variant made for the call, and that a loss the gradient does
not return is no longer computed.
"""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

rng = np.random.default_rng(5)
A = rng.normal(size=(3, 4, 2))
LABELS = np.eye(4)[[0, 2, 1]]


def softmax_loss(w, x, labels):
    logits = x @ w
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(log_probs * labels, axis=1))


def _called_source(f, args, wrt):
    g = srcdiff.grad(f, wrt=wrt)
    g(*args)                      # the variant made for these shapes
    return srcdiff.source(g)


def test_the_loss_is_not_computed():
    w, x = rng.normal(size=(5, 4)), rng.normal(size=(3, 5))
    text = _called_source(softmax_loss, (w, x, LABELS), 0)
    body = text[text.index("def "):]
    for helper in ("reduce_grad", "reduced_count", "expand_reduced"):
        assert helper not in body
    assert "numpy.mean(" not in body and "numpy.log(" not in body
    check(softmax_loss, w, x, LABELS, wrt=(0, 1))


def mean_first(a):
    return np.sum(np.sin(np.mean(a * a, axis=0)))


def mean_kept(a):
    return np.sum(np.sin(np.mean(a * a, axis=1, keepdims=True)) * a)


def sum_two_axes(a):
    return np.sum(np.cos(np.sum(a * 1.5, axis=(0, 2))) * 2.0)


def sum_last_kept(a):
    return np.sum(np.cos(np.sum(a, axis=-1, keepdims=True)) * a)


def mean_all_kept(a):
    return np.sum(np.mean(a * a, axis=None, keepdims=True) * a)


def mean_all(a):
    return np.mean(np.tanh(a)) * np.sum(a)


def mean_negative_pair(a):
    return np.sum(np.exp(np.mean(a, axis=(-1, 0))))


def var_std(a):
    return np.sum(np.var(a, axis=1) ** 2) * np.sum(np.std(a, axis=(-1, 0), keepdims=True) * a)


@pytest.mark.parametrize("f", [mean_first, mean_kept, sum_two_axes, sum_last_kept,
                               mean_all_kept, mean_all, mean_negative_pair, var_std])
def test_reductions_over_each_axis(f):
    text = _called_source(f, (A,), 0)
    body = text[text.index("def "):]
    if f not in (sum_two_axes, mean_negative_pair, var_std):  # a tuple of axes is a name
        for helper in ("reduce_grad", "reduced_count", "expand_reduced"):
            assert helper not in body
    check(f, A)


def mean_of_a_row(a, i):
    return np.mean(a[i] * a[i]) + np.mean(a)


def test_ones_and_zero_sizes():
    for shape in [(1, 4), (3, 1), (1, 1), (5,)]:
        check(mean_of_a_row, rng.normal(size=shape), 0)
    g = srcdiff.grad(lambda a: np.sum(np.mean(a, axis=0) ** 2))
    assert g(np.ones((0, 3))).shape == (0, 3)
