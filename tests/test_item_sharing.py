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


# -- a copy's update, and another key of what it copies read afterwards (issue #13, session
# 23: refused). `p = dict(defaults); p["w"] *= 2` changes the array defaults["w"] holds too,
# but a read of defaults["b"] sees another item: the run-time check_item_alone refuses only
# where another key holds that very array (as the caller may have made it).
def copy_then_other_key(x, defaults):
    p = dict(defaults)
    p["w"] *= 2.0
    return np.sum(p["w"] * x) + np.sum(defaults["b"] * x)


def local_copy_then_other_key(x):
    defaults = {"w": x * 1.0, "b": x[0] * 3.0}
    p = defaults.copy()
    p["w"] *= x
    return np.sum(p["w"] * x) + defaults["b"] * x[1]


def copy_of_a_number_item(x):
    defaults = {"w": x[0] * 1.0, "b": x[1] * 3.0}
    p = dict(defaults)
    p["w"] *= 2.0
    return p["w"] * x[2] + defaults["w"] + defaults["b"]


DEFAULTS = {"w": np.array([0.2, 0.4, -0.3]), "b": np.array([1.5, -0.5, 0.25])}


def test_a_copys_update_with_another_key_read_afterwards_differentiates():
    x = np.array([0.3, -0.7, 0.5])
    assert len(checks_named(copy_then_other_key, "check_item_alone")) == 1
    assert not checks_named(copy_then_other_key, "check_item_update")
    check(copy_then_other_key, x, DEFAULTS, wrt=0, order=2)   # (it writes defaults["w"]:
    # gradcheck hands each call copies, and the derivative writes none)
    check(local_copy_then_other_key, x, order=2)
    check(copy_of_a_number_item, x, order=2)


# Session 23's wrong derivatives on main: an update of an item another key holds too, the
# caller's dict holding one array twice, or `d["b"] = d["w"]` first. Python changes the
# array under both keys; the derivative followed key w only (grad gave A, not 2 A x).
def param_item_twice(x, p):
    p["w"] *= x
    return np.sum(p["b"] * x)


def param_copy_item_twice(x, defaults):
    p = dict(defaults)
    p["w"] *= x
    return np.sum(defaults["b"] * x)


def item_put_at_another_key(x):
    d = {"w": x * 1.0}
    d["b"] = d["w"]
    d["w"] *= x
    return np.sum(d["b"] * x)


@pytest.mark.parametrize("f, shared", [
    (param_item_twice, True), (param_copy_item_twice, True), (item_put_at_another_key, None),
    (param_item_twice, False), (param_copy_item_twice, False)])
def test_an_item_another_key_holds_too_is_refused_at_the_users_line(f, shared):
    x = np.array([0.3, -0.7, 0.5])
    a = x * 1.5
    args = (x,) if shared is None else (x, {"w": a, "b": a if shared else a * 2.0})
    if shared is False:   # each key its own array: it differentiates
        check(f, *args, wrt=0, order=1)
        return
    for make in (srcdiff.grad, srcdiff.jvp):
        more = (np.ones(3),) if make is srcdiff.jvp else ()
        with pytest.raises(errors.RuntimeRefusal, match="is that very item too") as info:
            make(f)(*args, *more)
        assert f.__code__.co_filename in str(info.value)


def test_a_view_of_the_item_at_another_key_is_refused():
    x = np.array([0.3, -0.7, 0.5])
    a = x * 1.5
    with pytest.raises(errors.RuntimeRefusal, match="is that very item too"):
        srcdiff.grad(param_item_twice)(x, {"w": a, "b": a[::-1]})


def param_item_at_a_key_passed(x, p, k):
    p[k] *= x
    return np.sum(p["b"] * x)


def test_a_parameters_item_at_a_key_not_known_is_checked_when_it_runs():
    # (session 23: the same wrong derivative with the key an argument: p[k] *= x)
    x = np.array([0.3, -0.7, 0.5])
    a = x * 1.5
    with pytest.raises(errors.RuntimeRefusal, match="is that very item too"):
        srcdiff.grad(param_item_at_a_key_passed)(x, {"w": a, "b": a}, "w")
    check(param_item_at_a_key_passed, x, {"w": a, "b": a * 2.0}, "w", wrt=0, order=1)


# -- hunt27: statements joined by semicolons. Who else holds the item was read "after" the
# update only on a later line, so `parts = [B[0], B[1]]; parts[0] *= 3.0; return f(B)` on
# one line (or `W2 = net["W"]; net["W"] *= 0.5; return f(W2)`) got no check: the item's
# holder did not see the change, a wrong value and gradient with no error -------------------
def row_of_a_list_scaled_on_one_line(x):
    B = np.outer(x, x); parts = [B[0], B[1]]; parts[0] *= 3.0; return np.sum(B ** 2)  # noqa: E702


def dict_item_kept_then_scaled_on_one_line(x):
    net = {"W": np.outer(x, x)}; W2 = net["W"]; net["W"] *= 0.5; return np.sum(W2 ** 2)  # noqa: E702


def list_item_kept_then_added_on_one_line(x):
    L = [x * 1.0]; y = L[0]; L[0] += 1.0; return np.sum(y ** 2)  # noqa: E702


@pytest.mark.parametrize("f", [row_of_a_list_scaled_on_one_line,
                               dict_item_kept_then_scaled_on_one_line,
                               list_item_kept_then_added_on_one_line])
@pytest.mark.parametrize("make", [srcdiff.grad, srcdiff.jvp])
def test_a_holder_read_later_on_the_same_line_is_checked(f, make):
    x = np.array([0.3, -0.7, 0.5])
    args = (x, np.ones(3)) if make is srcdiff.jvp else (x,)
    with pytest.raises(errors.RuntimeRefusal, match="another name here may hold"):
        make(f)(*args)


def read_before_on_the_same_line(x):
    y = x * 1.0; L = [y * 2.0]; s = np.sum(y); L[0] += 1.0; return s + np.sum(L[0] ** 2)  # noqa: E702


def test_a_read_before_the_update_on_its_line_is_not_after_it():
    assert not checks_named(read_before_on_the_same_line, "check_item_update")
    check(read_before_on_the_same_line, np.array([0.3, -0.7, 0.5]), order=1)
