"""srcdiff/rereads.py: an item `xs[t]` of an array nothing writes, read again by the
reversed loop's trip instead of pushed on the tape.

Every program is checked against finite differences in both modes and to second order
(forward over the emitted reverse code, which then meets the re-read statement). The
structural assertions say what the emitted gradient holds: no push of the item, the item
read in the reversed loop, no `name = None` before the loop; and, where a condition of
the module does not hold, the tape keeps the item as before.
"""
import re

import numpy as np

import srcdiff
from gradcheck import check

rng = np.random.default_rng(7)
XS = rng.normal(size=(5, 3)) * 0.5
W = rng.normal(size=3) * 0.5
H0 = rng.normal(size=3) * 0.3


def recurrence(w, xs, h0):
    h = h0
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] * w + h)
        loss = loss + np.sum(h * h)
    return loss


def _text(f, wrt):
    return srcdiff.source(srcdiff.grad(f, wrt=wrt))


def _pushes(text):
    return re.findall(r"tape\.append\((?:shape_of\()?(\w+)", text)


def test_the_item_is_read_again_not_taped():
    text = _text(recurrence, (0, 1))
    item = re.search(r"(\w+) = xs\[t\]", text).group(1)
    assert item not in _pushes(text)
    reverse = text[text.index("reversed("):]
    assert f"{item} = xs[t]" in reverse            # the reversed trip reads it again
    assert f"{item} = None" not in text            # and no first-trip push needs it bound
    check(recurrence, W, XS, H0, wrt=(0, 1, 2))     # xs differentiated too


def test_no_trips():
    check(recurrence, W, XS[:0], H0, wrt=(0, 2))


def loop_carried(w, xs):
    prev = w * 0.0
    s = 0.0
    for t in range(xs.shape[0]):
        s = s + np.sum(np.sin(prev * w))
        prev = xs[t]
    return s + np.sum(prev * w)


def test_an_item_read_on_the_next_trip_stays_taped():
    text = _text(loop_carried, 0)
    assert "prev" in _pushes(text)
    check(loop_carried, W, XS, wrt=(0, 1))


def read_after_the_loop(w, xs):
    s = 0.0
    for t in range(xs.shape[0]):
        row = xs[t]
        s = s + np.sum(np.sin(row * w))
    return s + np.sum(row * row * w)


def test_an_item_read_after_the_loop_stays_taped():
    text = _text(read_after_the_loop, 0)
    assert "row" in _pushes(text)
    check(read_after_the_loop, W, XS, wrt=(0, 1))


def written_elsewhere(w, xs):
    ys = xs * 1.0
    s = 0.0
    for t in range(ys.shape[0]):
        row = xs[t]
        ys[t] = row * w
        s = s + np.sum(np.sin(row * w) * ys[t])
    return s


def test_a_function_that_writes_an_array_keeps_the_tape():
    text = _text(written_elsewhere, 0)
    assert not re.search(r"reversed\(.*\):\n\s+row = xs\[t\]", text)
    check(written_elsewhere, W, XS, wrt=(0, 1))


def view_written(w, xs):
    s = 0.0
    for t in range(xs.shape[0]):
        row = xs[t]
        s = s + np.sum(np.sin(row * w))
        copy = xs * 1.0
        copy[0] = w
        s = s + np.sum(copy * w)
    return s


def test_any_item_write_keeps_the_tape():
    check(view_written, W, XS, wrt=(0, 1))


def with_break(w, xs):
    s = 0.0
    for t in range(xs.shape[0]):
        row = xs[t]
        s = s + np.sum(np.sin(row * w))
        if s > 0.4:
            break
    return s


def test_a_loop_that_breaks():
    for scale in (0.1, 3.0):  # all trips, and a break after a few
        check(with_break, W * scale, XS, wrt=(0, 1))


def nested(w, xs):
    s = 0.0
    for i in range(2):
        for t in range(xs.shape[0]):
            row = xs[t]
            s = s + np.sum(np.sin(row * w + s))
    return s


def test_nested_loops():
    check(nested, W, XS, wrt=(0, 1))


def inner(w, xs):
    h = w * 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] * w + h)
    return h


def calls_inner(w, xs):
    return np.sum(inner(w, xs) * inner(w * 2.0, xs))


def test_a_called_function_keeps_its_tape():
    check(calls_inner, W, XS, wrt=(0, 1))


def test_a_checkpointed_loop():
    g = srcdiff.grad(recurrence, wrt=(0, 1), checkpoint=2)
    want = srcdiff.grad(recurrence, wrt=(0, 1))(W, XS, H0)
    for got, expect in zip(g(W, XS, H0), want):
        np.testing.assert_allclose(got, expect, rtol=1e-12)
    check(recurrence, W, XS, H0, wrt=(0, 1))


def read_before_its_binding(w, xs):
    s = 0.0
    for t in range(xs.shape[0]):
        if t > 0:
            s = s + np.sum(np.sin(prev * w))
        prev = xs[t]
    return s


def test_an_item_read_before_its_binding_on_the_next_trip():
    text = _text(read_before_its_binding, 0)
    assert "prev" in _pushes(text)
    check(read_before_its_binding, W, XS, wrt=(0, 1))


def read_after_an_inner_loop(w, xs):
    s = 0.0
    for i in range(2):
        for t in range(xs.shape[0] - i):
            row = xs[t]
            s = s + np.sum(np.sin(row * w))
        s = s + np.sum(row * row * w)
    return s


def test_an_item_read_after_an_inner_loop_by_the_outer_one():
    # the outer trip reads the inner loop's last item: the reversed inner loop of the next
    # outer trip must give it back, which reading xs[t] again would not
    check(read_after_an_inner_loop, W, XS, wrt=(0, 1))
