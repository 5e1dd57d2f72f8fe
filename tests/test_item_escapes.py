"""srcdiff/item_escapes.py: every read of a container before `c[k] op= v` either consumes
the item (arithmetic, a NumPy function making a new array, a test, a return), hands it to
names (which item_sharing follows), or may keep it where no name shows; the last two put a
run-time check before the update, which refuses it where the item is an array."""
import numpy as np
import pytest

import srcdiff
from srcdiff import analyze
from srcdiff.core import Kind
from srcdiff.transform import lower_function

from gradcheck import check, refusal
# c = [...]; t = (c[0], c[1]); c[0] += x; then t[0] read
from hunt23_programs import items_in_a_tuple_then_updated as taken_by_a_display

X = np.array([0.3, -0.7, 0.5])


def checks_before_updates(fn):
    return [s for s in analyze.flatten(lower_function(fn).body)
            if s.sd.kind is Kind.EFFECT and getattr(s.sd.func, "__name__", "") in (
                "check_item_update", "check_item_alone")]


def _keep_first(c):
    return [c[0]]


# -- the item taken out, then read: refused where it is an array ---------------------------
def taken_by_a_comprehension(x):
    c = [x * 1.0, x * 2.0]
    r = [v for v in c]
    c[0] += x
    return np.sum(r[0] * x)


def taken_by_a_helper(x):
    c = [x * 1.0, x * 2.0]
    h = _keep_first(c)
    c[0] += x
    return np.sum(h[0] * x)


def taken_by_get(x):
    e = {"a": x * 1.0}
    a = e.get("a")
    e["a"] += x
    return np.sum(a * x)


def taken_by_a_lambda(x):
    c = [x * 1.0, x * 2.0]
    first = lambda: c[0]   # noqa: E731 (no name shows what it keeps)
    c[0] += x
    return np.sum(first() * x) + np.sum(c[0])


# (session 27: `kept.append(c["w"])` was read as a call whose result is discarded, so the
# item kept was not followed: a wrong value and gradient, no error; in a loop over the dict's
# keys only the keys, taken for holders, refused it)
def appended_to_another_list(x):
    c = {"w": x * 1.0, "b": x * 2.0}
    kept = []
    kept.append(c["w"])
    c["w"] *= 0.5
    return np.sum(kept[0] ** 2)


def appended_by_the_dicts_keys(x):
    c = {"w": x * 1.0, "b": x * 2.0}
    kept = []
    for k in c:
        kept.append(c[k])
    for k in c:
        c[k] *= 0.5
    return np.sum(kept[0] ** 2)


def inserted_in_a_set_like_holder(x):
    c = [x * 1.0, x * 2.0]
    box = {}
    box.setdefault("w", c[0])
    c[0] += x
    return np.sum(box["w"] * x)


@pytest.mark.parametrize("f", [taken_by_a_display, taken_by_a_comprehension,
                               taken_by_a_helper, taken_by_get, taken_by_a_lambda,
                               appended_to_another_list, appended_by_the_dicts_keys,
                               inserted_in_a_set_like_holder])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_item_taken_out_then_updated_in_place_is_refused_not_wrong(f, mode):
    err = refusal(f, (X.copy(),), mode)
    assert "in place" in str(err)


# -- consumed, another item, or not read after: differentiates (no false refusal) ---------
def consumed_by_arithmetic_and_numpy(x):
    c = [x * 1.0, x * 2.0]
    s = np.sum(c[0]) + np.dot(c[0], c[1])
    d = c[0] * 3.0
    c[0] += x
    return s + np.sum(d * c[0])


def another_item_taken(x):
    c = [x * 1.0, x * 2.0]
    t = (c[1], np.sin(c[1]))
    c[0] += x
    return np.sum(t[0] * c[0])


def numbers_taken(x):
    c = [x[0] * 1.0, x[1] * 2.0]
    t = (c[0], c[1])
    c[0] += x[2]
    return t[0] * c[0] + t[1]


@pytest.mark.parametrize("f", [consumed_by_arithmetic_and_numpy, another_item_taken,
                               numbers_taken])
def test_an_item_consumed_or_not_taken_differentiates(f):
    check(f, X.copy(), order=1)


def test_no_check_where_every_read_consumes_the_item():
    assert checks_before_updates(consumed_by_arithmetic_and_numpy) == []
    assert checks_before_updates(another_item_taken) == []
    assert len(checks_before_updates(taken_by_a_display)) == 1
    assert len(checks_before_updates(taken_by_a_lambda)) == 1


def test_second_order_through_the_check():
    check(numbers_taken, X.copy(), order=2)
    assert srcdiff.grad(consumed_by_arithmetic_and_numpy)(X.copy()).shape == (3,)
