"""srcdiff/shift.py: a max subtracted for floating point only (softmax, log-sum-exp) carries
no derivative, so the reverse pass leaves its adjoint out; anything else keeps it.

Every case is checked against finite differences (both modes, second order) whether or
not the shift is recognised, and whether it was is read from the emitted source.
"""
import numpy as np
import pytest

import srcdiff
from gradcheck import check


def logsumexp_rows(a):
    m = np.max(a, axis=1, keepdims=True)
    return np.sum(m + np.log(np.sum(np.exp(a - m), axis=1, keepdims=True)))


def logsumexp_last(a):
    m = np.max(a, axis=-1, keepdims=True)
    lse = np.log(np.sum(np.exp(a - m), axis=-1, keepdims=True)) + m
    return np.sum(lse * lse)


def logsumexp_all(a):
    m = np.max(a)
    return np.log(np.sum(np.exp(a - m))) + m


def log_softmax_loss(logits, labels):
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(log_probs * labels, axis=1))


def softmax_cubed(a):
    e = np.exp(a - np.amin(a, axis=0, keepdims=True))
    p = e / np.sum(e, axis=0, keepdims=True)
    return np.sum(p * p * p)


# the max's derivative is not zero in these: its adjoint must stay
def shift_kept(a):
    m = np.max(a, axis=1, keepdims=True)
    return np.sum(np.exp(a - m))


def summed_across(a):
    m = np.max(a, axis=1, keepdims=True)
    return np.sum(np.log(np.sum(np.exp(a - m), axis=0, keepdims=True)) + m)


def max_used_again(a):
    m = np.max(a, axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(a - m), axis=1, keepdims=True))
    return np.sum(lse) + np.sum(m * m)


def squared_shift(a):
    m = np.max(a, axis=1, keepdims=True)
    d = a - m
    return np.sum(np.log(np.sum(np.exp(d * d), axis=1, keepdims=True)) + m)


def shift_in_loop(a):
    total = 0.0
    for i in range(2):
        m = np.max(a, axis=1, keepdims=True)
        total = total + np.sum(m + np.log(np.sum(np.exp(a - m), axis=1, keepdims=True)))
        a = a * 0.5
    return total


def _ties(shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape)
    a[0, :2] = a[0].max() + 0.5  # a tie for the max in the first row
    a[:2, 1] = a[:, 1].max() + 0.25 if a.shape[0] > 2 else a[:2, 1]
    return a


@pytest.mark.parametrize("f", [logsumexp_rows, logsumexp_last, logsumexp_all, softmax_cubed])
def test_shift_has_no_adjoint(f):
    a = _ties((3, 4))
    check(f, a)
    g = srcdiff.grad(f)
    g(a)
    assert "extremum_grad" not in g.source, g.source


def test_log_softmax_loss():
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((5, 3))
    logits[2, :] = 0.7  # every class tied in one row
    labels = np.eye(3)[[0, 2, 1, 1, 0]]
    check(log_softmax_loss, logits, labels)
    g = srcdiff.grad(log_softmax_loss)
    g(logits, labels)
    assert "extremum_grad" not in g.source


@pytest.mark.parametrize("f", [shift_kept, summed_across, max_used_again, squared_shift,
                               shift_in_loop])
def test_other_uses_keep_the_max_adjoint(f):
    a = np.random.default_rng(2).standard_normal((3, 4))
    check(f, a)
    g = srcdiff.grad(f)
    g(a)
    assert "extremum" in g.source, g.source


def test_positive_axis_needs_known_shapes():
    # without input shapes, axis=1 of the max and of the sum could name different axes
    # (a broadcast may add leading ones): only negative axes are recognised then
    from srcdiff import frontend, shift
    from srcdiff.shapes import Shapes, input_shapes
    from srcdiff.transform import lower_function
    a = np.ones((3, 4))
    for f, known, unknown in [(logsumexp_rows, {"m"}, set()), (logsumexp_last, {"m"}, {"m"})]:
        with frontend.home(f):
            low = lower_function(f, {}, ())
        assert shift.shift_invariant(low.body, None) == unknown
        assert shift.shift_invariant(low.body, Shapes(low, input_shapes(["a"], (a,), {}))) \
            == known


def test_nan_row_stays_nan():
    a = np.random.default_rng(3).standard_normal((3, 4))
    a[1, 2] = np.nan
    d = srcdiff.grad(logsumexp_rows)(a)
    assert np.isnan(d[1]).all() and np.isfinite(d[[0, 2]]).all()
    e = np.exp(a[[0, 2]] - a[[0, 2]].max(axis=1, keepdims=True))
    np.testing.assert_allclose(d[[0, 2]], e / e.sum(axis=1, keepdims=True), rtol=1e-12)


def with_local_def(a):
    m = np.max(a, axis=-1, keepdims=True)

    def shifted(t):
        return t - m
    return np.sum(np.log(np.sum(np.exp(shifted(a)), axis=-1, keepdims=True)) + m)


def with_unrelated_def(a):
    m = np.max(a, axis=-1, keepdims=True)

    def unused(t):
        pass
    return np.sum(np.log(np.sum(np.exp(a - m), axis=-1, keepdims=True)) + m)


@pytest.mark.parametrize("f", [with_local_def, with_unrelated_def])
def test_nested_defs(f):
    # a def in the function (its statements are not lowered with the rest) is no crash;
    # one that reads m keeps the max's adjoint
    a = _ties((3, 4))
    check(f, a)


def _rebinds_a_parameter_to_a_max(x, s):
    x = x + np.arctan(2.0 + s)
    s = np.max(x)            # unused: s's only binding in the body, but s is a parameter
    return x.dot(x)


def _rebinds_a_parameter_to_a_shift(a, m):
    y = a * m
    m = np.max(y, axis=-1, keepdims=True)
    return np.sum(np.log(np.sum(np.exp(y - m), axis=-1)) + m[..., 0])


@pytest.mark.parametrize("f", [_rebinds_a_parameter_to_a_max, _rebinds_a_parameter_to_a_shift])
def test_a_parameter_rebound_to_a_max_keeps_its_derivative(f):
    # the parameter's own value (read before the max is bound) carries a derivative: the
    # gradient with respect to s came out 0.0 for 2.73 when the name was taken for a shift
    x = np.array([-0.62, 1.36, -0.22])
    check(f, x, 0.4, wrt=(0, 1))
