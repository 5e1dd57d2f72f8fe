"""srcdiff/item_sharing.py: `c[k] op= v` changes an array item in place; where another name
may hold that item and be read afterwards, a run-time check goes before the update and
refuses it, at the user's line, when the item is an array or a list."""
import numpy as np
import pytest

import srcdiff
from srcdiff import analyze, errors
from srcdiff.core import Kind, validate
from srcdiff.transform import lower_function

from gradcheck import check
from lowering import assert_located


def checks_named(fn, helper):
    return [s for s in analyze.flatten(lower_function(fn).body)
            if s.sd.kind is Kind.EFFECT and getattr(s.sd.func, "__name__", "") == helper]


# -- updates of items another name may hold -------------------------------------------
def item_update(x):
    c = [x * 1.0, x * 2.0]
    r = c[0]
    c[0] += x
    return np.sum(r * c[0])


def test_an_update_of_an_item_another_name_holds_is_checked():
    assert len(checks_named(item_update, "check_item_update")) == 1
    check(item_update, 1.5)   # numbers: `+=` makes a new number, r keeps the old one
    with pytest.raises(errors.RuntimeRefusal, match="another name here may hold") as info:
        srcdiff.grad(item_update)(np.array([1.0, 2.0]))   # arrays: r would change too
    assert_located(info.value, item_update, 3, "c[0] += x")


def test_the_update_lowers_to_valid_core_code():
    validate(lower_function(item_update))


# -- a shallow copy holds the items of what it copies (session 22: a wrong derivative on
# main). `m = dict(a)` (a.copy(), dict(a, q=v), {**a, "q": v}, list(c)) holds a's very
# arrays: `m["p"] += v` changes the array `arr` that went into a too, and the derivative,
# which followed m only, missed it (the gradient of f with arr unchanged).
def dict_copy(x):
    arr = x[:2] * 1.0
    a = {"p": arr}
    m = dict(a)
    m["p"] += x[3]
    return np.sum(arr) * x[2]


def dict_copy_method(x):
    arr = x[:2] * 1.0
    a = {"p": arr}
    m = a.copy()
    m["p"] += x[3]
    return np.sum(arr) * x[2]


def dict_copy_keywords(x):
    arr = x[:2] * 1.0
    a = {"p": arr}
    m = dict(a, q=x[2])
    m["p"] += x[3]
    return np.sum(arr) * m["q"]


def dict_merged(x):
    arr = x[:2] * 1.0
    a = {"p": arr}
    m = {**a, "q": x[2]}
    m["p"] += x[3]
    return np.sum(arr) * m["q"]


def list_copy(x):
    arr = x[:2] * 1.0
    c = [arr, x[2:4] * 1.0]
    m = list(c)
    m[0] += x[3]
    return np.sum(arr) * x[2]


def copy_read_back(x):
    a = {"p": x[:2] * 1.0}
    m = a.copy()
    m["p"] += x[3]
    return np.sum(a["p"]) * x[2]


def lists_joined(x):
    arr = x[:2] * 1.0
    a = [arr]
    b = [x[2:4] * 1.0]
    m = a + b
    m[0] += x[3]
    return np.sum(arr) * x[2]


def items_copied_in_a_loop(x):
    arr = x[:2] * 1.0
    a = {"p": arr}
    m = {"q": x[2]}
    for k, v in a.items():
        m[k] = v
    m["p"] += x[3]
    return np.sum(arr) * m["q"]


COPIES = [dict_copy, dict_copy_method, dict_copy_keywords, dict_merged, list_copy,
          copy_read_back, lists_joined, items_copied_in_a_loop]


@pytest.mark.parametrize("f", COPIES)
def test_an_update_of_an_item_a_shallow_copy_shares_is_refused_at_the_users_line(f):
    assert len(checks_named(f, "check_item_update")) == 1
    for make in (srcdiff.grad, srcdiff.jvp):
        args = (np.array([0.3, -0.7, 0.5, 1.1]),)
        if make is srcdiff.jvp:
            args += (np.ones(4),)
        with pytest.raises(errors.RuntimeRefusal, match="another name here may hold") as info:
            make(f)(*args)
        assert f.__code__.co_filename in str(info.value)


def copy_of_numbers(x):
    a = {"p": x[0] * 1.0, "q": x[1]}
    m = dict(a)
    m["p"] += x[3]
    return a["p"] * m["p"] + m["q"]


def copy_not_read_after(x):
    a = {"p": x[:2] * 1.0}
    m = a.copy()
    m["p"] += x[3]
    return np.sum(m["p"] ** 2)


@pytest.mark.parametrize("f", [copy_of_numbers, copy_not_read_after])
def test_a_copy_whose_shared_item_is_a_number_or_never_read_again_differentiates(f):
    check(f, np.array([0.3, -0.7, 0.5, 1.1]), order=2)


def copies_by_comprehension_then_updated(x):
    a = {"p": x * 1.0, "q": x[0] * 1.0}
    m = {k: np.copy(v) for k, v in a.items()}   # new arrays: a's are not m's
    m["p"] += x * 2.0
    return np.sum(a["p"] * m["p"]) + m["q"]


def test_a_comprehension_of_copies_holds_no_item_of_what_it_reads():
    # merge interaction: item_sharing took every comprehension for a shallow copy, and
    # refused `m["p"] += ...` (hunt21's dict_param_update)
    check(copies_by_comprehension_then_updated, np.array([0.3, -0.4, 1.1]), order=2)
