"""Dict methods that change the dict (srcdiff/idioms.py's dict_write: `d.update(...)`,
`d.setdefault(k, v)` as item writes, `d.pop(k[, default])` as d bound to a dict without k)
with the aliasing care of item writes, and the checks of srcdiff/container_writes.py they
meet (a pop another name holding the dict, or a live view of it, would see); refusals name
the line and say what to write for a dict. Derivatives against central differences in reverse
and forward mode and to second order (gradcheck.check)."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal

X = np.array([0.4, 0.9, 1.3])
Y = np.array([1.1, -0.4, 0.2])
P = {"a": np.array([0.3, 0.5, 0.7])}


def update_with_a_display(x, y):
    d = {"a": x}
    d.update({"b": y})
    return np.sum(d["a"] * d["b"])


def update_with_keywords(x, y):
    d = {"a": x, "b": y}
    v = d["a"]                       # read before the write: keeps its own adjoint
    d.update(a=np.sin(y), c=x * 3.0)
    return np.sum(v * d["a"] * d["c"] + d["b"])


def update_reads_every_value_first(x, y):
    d = {"a": x, "b": y}
    d.update({"a": d["b"] * 2.0, "b": d["a"]})     # a swap: both read before either write
    return np.sum(d["a"] ** 2 * d["b"])


def setdefault_missing_and_present(x, y):
    d = {"a": x}
    v = d.setdefault("b", y)
    w = d.setdefault("a", y * 2.0)   # present: d["a"] stays x
    return np.sum(v * d["a"] * w)


def setdefault_as_a_statement(x, y):
    d = {"a": x}
    d.setdefault("b", np.cos(y))
    return np.sum(d["b"] * d["a"])


def update_in_a_loop(x, y):
    d = {"s": x * 0.0}
    for i in range(3):
        d.update(s=d["s"] + x * y[i])
    return np.sum(d["s"] ** 2)


def pop_a_key(x, y):
    d = {"a": x, "b": y}
    v = d.pop("a")
    return np.sum(v * d["b"]) + len(d)


def pop_with_a_default(x, y):
    d = {"a": x, "b": y * 2.0}
    v = d.pop("c", x * 3.0)          # missing: the default
    w = d.pop("b", y)                # present: the value, and the key goes
    return np.sum(v * w * d["a"]) + sum(np.sum(t) for t in d.values())


def pop_as_a_statement(x, y):
    d = {"a": x, "b": y}
    d.pop("a")
    return sum(np.sum(t * t) for t in d.values())


def pop_in_a_loop(x, y):
    d = {"a": x, "b": y, "c": x * y}
    s = 0.0
    for k in ["a", "c"]:
        s = s + np.sum(np.sin(d.pop(k)) * d["b"])
    return s + len(d)


CASES = [update_with_a_display, update_with_keywords, update_reads_every_value_first,
         setdefault_missing_and_present, setdefault_as_a_statement, update_in_a_loop,
         pop_a_key, pop_with_a_default, pop_as_a_statement, pop_in_a_loop]


@pytest.mark.parametrize("f", CASES, ids=[f.__name__ for f in CASES])
def test_dict_writes_by_method(f):
    check(f, X, Y, wrt=(0, 1))


def update_of_a_parameter(p, y):
    p.update({"a": p["a"] * y, "b": y})
    return np.sum(p["a"] * p["b"])


def pop_of_a_parameter(p, y):
    v = p.pop("a")
    return np.sum(v * y) + sum(np.sum(t ** 2) for t in p.values())


def test_a_dict_passed_in_is_not_changed_in_the_caller():
    p = {"a": P["a"].copy()}
    check(update_of_a_parameter, p, Y, wrt=(0, 1))
    grad = srcdiff.grad(update_of_a_parameter, wrt=(0, 1))(p, Y)
    assert list(p) == ["a"] and np.array_equal(p["a"], P["a"])
    assert list(grad[0]) == ["a"]
    p = {"a": P["a"].copy(), "b": Y.copy()}
    check(pop_of_a_parameter, p, X, wrt=(0, 1))
    grad = srcdiff.grad(pop_of_a_parameter, wrt=(0, 1))(p, X)
    assert list(p) == ["a", "b"] and list(grad[0]) == ["a", "b"]


def test_the_value_is_checked_to_be_a_dict_where_it_runs():
    # an object of another class may mean something else by update / setdefault
    text = srcdiff.source(srcdiff.grad(update_with_keywords, wrt=(0, 1)))
    assert "check_dict(d, 'update'" in text
    text = srcdiff.source(srcdiff.grad(setdefault_as_a_statement, wrt=(0, 1)))
    assert "check_dict(d, 'setdefault'" in text


def pop_seen_through_another_name(x, y):
    d = {"a": x, "b": y}
    e = d
    d.pop("a")           # Python: e loses "a" too
    return sum(np.sum(t * t) for t in e.values())


def pop_seen_through_a_holder(x, y):
    d = {"a": x, "b": y}
    e = {"q": d}
    d.pop("a")
    return sum(np.sum(t) for t in e["q"].values())


def pop_seen_through_a_view(x, y):
    d = {"a": x, "b": y}
    vals = d.values()
    d.pop("a")           # Python: the live view loses the value
    return sum(np.sum(t * t) for t in vals)


def pop_of_an_item(x, y):
    d = {"k": {"a": x, "b": y}}
    v = d["k"].pop("a")
    return np.sum(v)


def update_from_another_dict(x, y):
    d = {"a": x}
    e = {"b": y}
    d.update(e)
    return np.sum(d["a"] * d["b"])


@pytest.mark.parametrize("f, reason, hint", [
    (pop_seen_through_another_name, "taking a key out of the dict d here would change e too",
     "build a new dict instead"),
    (pop_seen_through_a_holder, "d is stored in e", "build a new dict instead"),
    (pop_seen_through_a_view, "would show through d.values()", "take list(d.values())"),
    (pop_of_an_item, "d.pop(key) only on a dict held in a local name", "read d[key]"),
    (update_from_another_dict, "given a dict display or keywords", "d[k] = other[k]"),
], ids=["pop_seen_through_another_name", "pop_seen_through_a_holder",
        "pop_seen_through_a_view", "pop_of_an_item", "update_from_another_dict"])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_refusals_are_located_and_speak_of_dicts(f, reason, hint, mode):
    err = refusal(f, (X, Y), mode, wrt=(0, 1))
    text = str(err)
    assert reason in text and hint in text, text
    assert "list" not in text.split("hint:")[1] or f is pop_seen_through_a_view
    assert 0 <= err.lineno - f.__code__.co_firstlineno < 6
