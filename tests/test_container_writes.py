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
    e = {"a": y}
    if np.sum(x) > 0.0:
        e = d            # (in one branch: alias_groups follows only exact aliases)
    d.pop("a")           # Python: e loses "a" too
    return sum(np.sum(t * t) for t in e.values())


def pop_seen_through_an_exact_alias(x, y):
    d = {"a": x, "b": y}
    e = d
    d.pop("a")           # Python: e loses "a" too; alias_groups reads e as d
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


def test_an_update_from_another_dict_differentiates():
    # was refused ("given a dict display or keywords"); dict_idioms writes it as a loop of items
    check(update_from_another_dict, X.copy(), Y.copy(), wrt=(0, 1), order=2)


def test_a_pop_seen_through_an_exact_alias():
    check(pop_seen_through_an_exact_alias, X.copy(), Y.copy(), wrt=(0, 1), order=2)


@pytest.mark.parametrize("f, reason, hint", [
    (pop_seen_through_another_name, "taking a key out of the dict d here would change e too",
     "build a new dict instead"),
    (pop_seen_through_a_holder, "d is stored in e", "build a new dict instead"),
    (pop_seen_through_a_view, "would show through d.values()", "take list(d.values())"),
    (pop_of_an_item, "d.pop(key) only on a dict held in a local name", "read d[key]"),
], ids=["pop_seen_through_another_name", "pop_seen_through_a_holder",
        "pop_seen_through_a_view", "pop_of_an_item"])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_refusals_are_located_and_speak_of_dicts(f, reason, hint, mode):
    err = refusal(f, (X, Y), mode, wrt=(0, 1))
    text = str(err)
    assert reason in text and hint in text, text
    assert "list" not in text.split("hint:")[1] or f is pop_seen_through_a_view
    assert 0 <= err.lineno - f.__code__.co_firstlineno < 8


def view_rebuilt_each_trip(x, y):
    # the dict and its view are made anew in each trip: no write shows through a view read
    t = 0.0
    for i in range(2):
        d = {}
        for k in ("a", "b"):
            d[k] = np.sum(np.sin(x * y)) * (i + 1) if k == "a" else np.sum(y * y)
        t = t + sum(d.values())
    return t


def view_of_the_first_trip_read_in_the_second(x, y):
    d = {"a": x * 1.0}
    t = 0.0
    for i in range(2):
        d["a"] = np.sin(x) * (i + 1)        # Python: the view of trip 0 shows trip 1's write
        if i == 0:
            v = d.values()
        t = t + np.sum(sum(v) * y)
    return t


def view_bound_anew_on_one_branch_only(x, y):
    d = {"a": x * 1.0}
    v = d.values()
    d["a"] = np.sin(x)                     # v still the view where y[0] <= 0
    if y[0] > 0.0:
        v = [x * 2.0]
    return np.sum(sum(v) * y)


def test_a_view_bound_anew_after_the_write_differentiates():
    check(view_rebuilt_each_trip, X.copy(), Y.copy(), wrt=(0, 1), order=2)


@pytest.mark.parametrize("f", [view_of_the_first_trip_read_in_the_second,
                               view_bound_anew_on_one_branch_only])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_view_read_after_a_later_write_is_refused(f, mode):
    err = refusal(f, (X, Y), mode, wrt=(0, 1))
    assert "would show through d.values()" in str(err), str(err)


# -- del d[k] (container_writes.lower_dict_delete), and a dict changed while a loop goes
# through it (container_writes.guard_dict_loops): Python's RuntimeError, where Python raises
Q = {"a": np.array([0.3, -1.2, 0.7]), "b": np.array([0.45, 0.2]), "c": np.array([1.1])}


def del_a_parameter(p, y):
    del p["b"]
    return np.sum(p["a"] * y) + sum(np.sum(v ** 2) for v in p.values())


def del_two_keys(p, y):
    del p["a"], p["c"]
    return np.sum(np.sin(p["b"]) * y[:2]) + len(p)


def del_in_a_loop_over_a_copy_of_the_keys(p, y):
    total = 0.0
    for k in list(p):
        if p[k].size < 2:
            del p[k]
    for k in p:
        total = total + np.sum(np.tanh(p[k])) * y[0]
    return total


def del_of_a_local_dict(x, y):
    d = {"a": x, "b": y * 2.0}
    del d["a"]
    return np.sum(d["b"] * x) + len(d)


def write_existing_keys_while_looping(p, y):
    for k in p:
        p[k] = p[k] * y[0]
    return sum(np.sum(v * v) for v in p.values())


def pop_then_break(p, y):
    total = 0.0
    for k in p:
        total = total + np.sum(p[k]) * y[1]
        if total > -10.0:
            p.pop("c")
            break
    return total + sum(np.sum(v) for v in p.values())


DELETES = [(del_a_parameter, Q, X), (del_two_keys, Q, X),
           (del_in_a_loop_over_a_copy_of_the_keys, Q, X), (del_of_a_local_dict, X, Y),
           (write_existing_keys_while_looping, Q, X), (pop_then_break, Q, X)]


@pytest.mark.parametrize("f, p, y", DELETES, ids=[c[0].__name__ for c in DELETES])
def test_del_and_loops_that_change_a_dict_where_python_runs(f, p, y):
    p = {k: v.copy() for k, v in p.items()} if isinstance(p, dict) else p
    check(f, p, y, wrt=(0, 1))
    if isinstance(p, dict):   # the caller's dict keeps its keys
        srcdiff.grad(f, wrt=(0, 1))(p, y)
        assert list(p) == list(Q)


def pop_while_looping(p, y):
    total = 0.0
    for k in p:
        total = total + np.sum(p.pop(k)) * y[0]
    return total


def del_while_looping_over_items(p, y):
    total = 0.0
    for k, v in p.items():
        total = total + np.sum(v) * y[0]
        if k == "b":
            del p["a"]
    return total


def add_a_key_while_looping(p, y):
    total = 0.0
    for k in p:
        p[k + "2"] = p[k] * y[0]
        total = total + np.sum(p[k])
    return total


def _run(f, mode, p=None):
    """The derivative of f at (a copy of Q, X) in `mode`, with tangents of ones."""
    p = {k: v.copy() for k, v in Q.items()} if p is None else p
    if mode == "grad":
        return srcdiff.grad(f, wrt=(0, 1))(p, X)
    ones = {k: np.ones_like(v) for k, v in p.items()}
    return srcdiff.jvp(f, wrt=(0, 1))(p, X, ones, np.ones_like(X))


@pytest.mark.parametrize("f", [pop_while_looping, del_while_looping_over_items,
                               add_a_key_while_looping], ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_dict_changing_size_in_its_loop_raises_as_python_does(f, mode):
    with pytest.raises(RuntimeError, match="dictionary changed size during iteration"):
        f({k: v.copy() for k, v in Q.items()}, X)
    with pytest.raises(RuntimeError, match="changed size during iteration") as info:
        _run(f, mode)
    assert isinstance(info.value, srcdiff.SrcdiffError)   # located at the user's loop
    assert info.value.filename == __file__ and info.value.line.startswith("for ")


def keys_replaced_while_looping(p, y):
    total = 0.0
    for k in p:
        if k == "a":
            del p["b"]
            p["d"] = p["a"] * 2.0
        total = total + np.sum(p[k]) * y[0]
    return total


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_keys_replaced_while_looping_are_refused(mode):
    with pytest.raises(srcdiff.RuntimeRefusal, match="keys changed") as info:
        _run(keys_replaced_while_looping, mode)
    assert info.value.filename == __file__ and info.value.line.startswith("for ")


def del_of_a_list_item(p, y):
    del p[0]
    return np.sum(p[0] * y)


def test_del_of_an_item_of_a_list_passed_in_differentiates():
    p = [X.copy(), Y.copy()]   # (srcdiff/list_edits.py: edited on a copy)
    check(del_of_a_list_item, p, X, wrt=(0, 1))
    assert len(p) == 2


# -- writes into an item of an item (container_writes.item_of_item) -------------------------
def writes_into_an_array_of_a_dict(x):
    P = {"w": x * 1.0, "b": x[0]}
    P["w"][0] = np.sin(x[1])
    return np.sum(np.tanh(P["w"])) * P["b"]


def updates_an_array_of_a_dict_in_a_loop(x):
    P = {"w": x * 1.0, "b": x[0]}
    for i in range(3):
        P["w"][i] = P["w"][i] * P["b"] + x[i]
    return np.sum(np.tanh(P["w"]))


def writes_into_rows_of_a_matrix_by_two_subscripts(x):
    A = np.outer(x, x) * 1.0
    A[0][1] = np.sin(x[2])
    A[2][0] += x[0]
    return np.sum(A * A)


@pytest.mark.parametrize("f", [writes_into_an_array_of_a_dict,
                               updates_an_array_of_a_dict_in_a_loop,
                               writes_into_rows_of_a_matrix_by_two_subscripts])
def test_a_write_into_an_item_of_an_item_differentiates(f):
    check(f, X.copy())
    assert np.allclose(srcdiff.value_and_grad(f)(X.copy())[0], f(X.copy()))


def writes_into_an_array_a_name_holds_too(x):
    a = x * 1.0
    P = {"w": a}
    P["w"][0] = 1.0
    return np.sum(a * x)


def writes_after_taking_the_item(x):
    P = {"w": x * 1.0}
    w = P["w"]
    P["w"][0] = x[1] * 2.0
    return np.sum(w * x)


def writes_into_a_dict_it_is_given(x, P):
    P["w"][0] = x[1]
    return np.sum(P["w"] * x)


def adds_into_an_array_in_a_nested_dict(x):
    P = {"w": x * 1.0, "b": x[0]}
    Q = {"layer": P}
    Q["layer"]["w"][0] += x[1]
    return np.sum(np.tanh(P["w"])) * P["b"]


def writes_into_an_array_of_a_list_of_arrays(x):
    a, b = x * 2.0, np.sin(x)
    L = [a, b]
    L[1][0] = a[2] * x[1]
    return np.sum(b * x) + np.sum(a)


@pytest.mark.parametrize("f", [writes_into_an_array_a_name_holds_too,
                               adds_into_an_array_in_a_nested_dict,
                               writes_into_an_array_of_a_list_of_arrays])
def test_a_write_into_an_item_the_code_put_there_by_name_is_a_write_into_that_name(f):
    # Q["layer"] is P (checked when it runs: check_is_item): P["w"][0] += ... then
    # differentiates as written, and Python's change shows through P, a, b
    check(f, X.copy())
    assert np.allclose(srcdiff.value_and_grad(f)(X.copy())[0], f(X.copy()))


def test_a_write_into_an_item_of_an_item_another_name_reads_is_refused():
    with pytest.raises(srcdiff.UnsupportedCodeError, match="w holds it") as err:
        srcdiff.grad(writes_after_taking_the_item)(X.copy())
    assert err.value.filename == __file__


def rebinds_the_name_put_there(x):
    a = x * 1.0
    P = {"w": a}
    a = a * 2.0
    P["w"][0] = 1.0
    return np.sum(P["w"] * x) + np.sum(a)


def test_an_item_that_is_not_the_name_put_there_is_refused_where_it_runs():
    with pytest.raises(srcdiff.RuntimeRefusal, match="srcdiff reads this as a write into a"):
        srcdiff.grad(rebinds_the_name_put_there)(X.copy())


def test_a_write_into_an_array_of_a_dict_given_is_refused():
    with pytest.raises(srcdiff.UnsupportedCodeError, match="cannot tell which other names"):
        srcdiff.grad(writes_into_a_dict_it_is_given)(X.copy(), {"w": Y.copy()})


def holds_one_array_under_two_keys(x):
    P = {"w": x * 1.0}
    P["v"] = P["w"]
    P["w"][0] = x[1] * 3.0
    return np.sum(P["v"] * x)


def test_one_array_under_two_keys_is_refused_where_it_runs():
    with pytest.raises(srcdiff.RuntimeRefusal, match="another item of it holds"):
        srcdiff.grad(holds_one_array_under_two_keys)(X.copy())


# -- two dicts deep: Q["a"]["w"][0] += v (session 27) --------------------------------------
# The copy of Q["a"]["w"] is stored back into a copy of Q["a"], stored back into Q: Q, the
# holder written through, reads the new array after, as in Python. It was refused ("Q holds
# it too and is read after"); now Q is not another holder, and check_item_held_once looks
# into the dict stored back for another item of Q holding the array.
def scales_an_array_two_dicts_deep(x):
    net = {"l1": {"W": np.outer(x, x), "b": x * 2.0}}
    net["l1"]["W"] *= 0.5
    net["l1"]["W"][0, 0] += x[1]
    net["l1"]["W"][1] = x * net["l1"]["b"]
    return np.sum(net["l1"]["W"] ** 2) + np.sum(np.sin(net["l1"]["b"]))


def writes_a_row_two_lists_deep(x):
    rows = [[x * 1.0, x * 2.0], [x * 3.0]]
    rows[0][1][2] = x[0] * x[1]
    rows[1][0][0] += x[2]
    return np.sum(rows[0][1] ** 2) + np.sum(rows[1][0] * rows[0][0])


@pytest.mark.parametrize("f", [scales_an_array_two_dicts_deep, writes_a_row_two_lists_deep])
def test_a_write_two_containers_deep_differentiates(f):
    check(f, X.copy())
    assert np.allclose(srcdiff.value_and_grad(f)(X.copy())[0], f(X.copy()))


def one_array_in_two_layers(x):
    A = np.outer(x, x)
    net = {"l1": {"W": A}, "l2": {"W": A}}
    net["l1"]["W"][0, 0] += x[1]
    return np.sum(net["l2"]["W"] ** 2)


def one_array_in_two_lists(x):
    A = np.outer(x, x)
    rows = [[A], [A]]
    rows[0][0][1, 1] += x[0]
    return np.sum(rows[1][0] ** 2)


def one_layer_under_two_names(x):
    inner = {"W": np.outer(x, x)}
    net = {"l1": inner, "l2": inner}
    net["l1"]["W"][0, 0] += x[1]
    return np.sum(net["l2"]["W"] ** 2)


def the_array_read_by_its_name(x):
    A = np.outer(x, x)
    net = {"l1": {"W": A}}
    net["l1"]["W"][0, 0] += x[1]
    return np.sum(A ** 2)


@pytest.mark.parametrize("f", [one_array_in_two_layers, one_array_in_two_lists,
                               one_layer_under_two_names, the_array_read_by_its_name])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_write_two_containers_deep_another_holder_sees_is_refused(f, mode):
    err = refusal(f, (X.copy(),), mode)
    assert "holds" in str(err)


# -- w = P["w"]; w[1] = v with P read after (container_writes.store_back_items) --------------
def writes_an_array_of_a_dict_through_a_name(x):
    P = {"w": x * 1.0, "b": x[0]}
    w = P["w"]
    w[1] = x[2] * 2.0
    return np.sum(np.tanh(P["w"])) * P["b"] * np.sum(w)


def test_a_write_through_a_name_taken_from_a_dict_read_after_differentiates():
    f = writes_an_array_of_a_dict_through_a_name
    check(f, X.copy())
    assert np.allclose(srcdiff.value_and_grad(f)(X.copy())[0], f(X.copy()))


def writes_through_a_name_another_holds_too(x):
    a = x * 1.0
    P = {"w": a, "b": x[0]}
    w = P["w"]
    w[1] = x[2] * 2.0
    return np.sum(np.tanh(P["w"])) * P["b"] + np.sum(a)


def writes_through_a_name_no_longer_the_item(x):
    P = {"w": x * 1.0, "b": x[0]}
    w = P["w"]
    P["w"] = x * 3.0
    w[1] = x[2] * 2.0
    return np.sum(np.tanh(P["w"])) * np.sum(w)


def test_a_write_through_a_name_taken_from_a_dict_is_refused_where_another_sees_it():
    with pytest.raises(srcdiff.UnsupportedCodeError, match="a holds it too"):
        srcdiff.grad(writes_through_a_name_another_holds_too)(X.copy())
    with pytest.raises(srcdiff.RuntimeRefusal, match=r"P\['w'\] is no longer w"):
        srcdiff.grad(writes_through_a_name_no_longer_the_item)(X.copy())


# -- a part taken by an index that copies: Python writes into the copy only ------------------
def writes_into_a_fancy_indexed_part(x):
    A = np.outer(x, x) * 1.0
    idx = [0, 1]
    A[idx][0] = 5.0 * x[0]
    return np.sum(A * x)


def writes_into_a_slice_of_a_list_by_name(x):
    L = [x * 1.0, x * 2.0]
    k = slice(1, None)
    L[k][0] = x * 3.0
    return np.sum(L[1] * x)


def writes_into_a_slice_of_a_list(x):
    L = [x * 1.0, x * 2.0]
    L[1:][0] = x * 3.0
    return np.sum(L[1] * x)


def writes_into_a_row_picked_by_name(x):
    A = np.outer(x, x) * 1.0
    i = 1
    A[i][0] = 5.0 * x[0]
    return np.sum(A * x)


def test_a_write_into_a_part_an_index_copies_is_refused():
    for f in (writes_into_a_fancy_indexed_part, writes_into_a_slice_of_a_list_by_name,
              writes_into_a_slice_of_a_list):
        with pytest.raises(srcdiff.RuntimeRefusal, match="an index that makes a copy"):
            srcdiff.grad(f)(X.copy())
    check(writes_into_a_row_picked_by_name, X.copy())   # a row: a view, written through


# A list held twice by another list, taken out under two names, one appended to: the other
# name (or the name stored) reads the appended item, which the derivative did not follow
# (the gradient missed the appended item's part, with no error). Now refused.
def two_pops_of_one_list(x):
    a = [x[0], x[1]]
    t = [a, a]
    p = t.pop()
    q = t.pop()
    p.append(x[2] * 2.0)
    return q[2] * x[0] + q[0] * q[1]


def pop_of_a_stored_list(x):
    a = [x[0], x[1]]
    t = [a]
    p = t.pop()
    p.append(x[2] * 2.0)
    return a[2] * x[0]


def two_items_of_one_list(x):
    a = [x[0], x[1]]
    t = [a, a]
    p = t[0]
    q = t[1]
    p.append(x[2] * 2.0)
    return q[2] * x[0]


@pytest.mark.parametrize("f, how", [(two_pops_of_one_list, "p and q are both items of t"),
                                    (pop_of_a_stored_list, "p is an item of t, which holds a"),
                                    (two_items_of_one_list, "p and q are both items of t")])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_append_to_a_list_another_item_name_holds_is_refused(f, how, mode):
    err = refusal(f, (X[:3].copy(),), mode)
    assert how in str(err) and "build a new list instead" in str(err), str(err)


def a_popped_list_of_its_own(x):
    t = [[x[0]], [x[1]]]
    p = t.pop()
    p.append(x[2] * 2.0)
    return p[0] * p[1] + t[0][0]


def test_an_append_to_a_popped_list_no_other_name_holds_differentiates():
    check(a_popped_list_of_its_own, X[:3].copy(), order=1)


class Pair:
    def __init__(self, a, b):
        self.a = a
        self.b = b


def writes_into_a_field(x):
    v = Pair(x * 1.0, x * 2.0)
    v.a[1] = x[0] ** 2
    return np.sum(v.a * v.b)


def writes_into_a_field_another_name_holds(x):
    y = x * 1.0
    v = Pair(y, x * 2.0)
    v.a[1] = x[0] ** 2
    return np.sum(v.a * v.b) + np.sum(y * x)


def rebinds_the_field(x):
    v = Pair(x * 1.0, x * 2.0)
    a = v.a.copy()
    a[1] = x[0] ** 2
    v.a = a
    return np.sum(v.a * v.b)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_item_write_into_a_field_is_refused_saying_to_bind_the_field_anew(mode):
    # (y holds the array too: Python's y sees the write; where nothing else can hold it, the
    # write is a copy bound back to the field: field_ownership.py)
    err = refusal(writes_into_a_field_another_name_holds, (X,), mode)
    assert "writes into the array v.a in place" in str(err), str(err)
    assert "a = v.a.copy(); a[...] = ...; v.a = a" in str(err), str(err)
    check(rebinds_the_field, X.copy(), order=1)   # (what the hint says differentiates)


def test_an_item_write_into_a_field_only_its_record_holds_differentiates():
    check(writes_into_a_field, X.copy(), order=2)


# -- B[1][0] = v on an array is B[1, 0] = v (a write through a view of B's row) -------------
def sets_by_two_subscripts(x):
    B = np.outer(x, x)
    B[1][0] = x[2] ** 2
    B[2][1:] *= x[0]
    return np.sum(np.sin(B))


def sets_by_one_index(x):
    B = np.outer(x, x)
    B[1, 0] = x[2] ** 2
    B[2, 1:] *= x[0]
    return np.sum(np.sin(B))


def adds_into_a_row_of_a_list(x):
    rows = [x * 1.0, x * 2.0]
    rows[1][0] += x[2] ** 2
    rows[0][2] = rows[1][0] * x[1]
    return np.sum(rows[0] ** 2) + np.sum(rows[1] ** 2)


def test_a_write_by_two_subscripts_is_the_write_by_one_index():
    for f in (sets_by_two_subscripts, adds_into_a_row_of_a_list):
        check(f, X.copy())
    value, grad = srcdiff.value_and_grad(sets_by_two_subscripts)(X.copy())
    value1, grad1 = srcdiff.value_and_grad(sets_by_one_index)(X.copy())
    assert value == pytest.approx(value1, rel=1e-12)
    np.testing.assert_allclose(grad, grad1, rtol=1e-12)


def keeps_the_row_then_writes_by_two_subscripts(x):
    B = np.outer(x, x)
    r = B[1]
    B[1][0] += x[2] ** 2
    return np.sum(r ** 2)


def writes_by_two_subscripts_into_a_list_holding_one_array_twice(x):
    a = x * 1.0
    rows = [a, a]
    rows[0][0] += x[2] ** 2
    return np.sum(rows[1] ** 2)


@pytest.mark.parametrize("f", [keeps_the_row_then_writes_by_two_subscripts,
                               writes_by_two_subscripts_into_a_list_holding_one_array_twice])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_write_by_two_subscripts_another_name_sees_is_refused(f, mode):
    refusal(f, (X.copy(),), mode)


# `A[:, 0][1] = v` (a view of an array of the function's own, written through) was refused,
# "item assignment into a value the function does not own", as was `B[1:][0] = v`: the copy
# stored back under the slice writes the same elements. `A[[0, 1]][0] = v` and
# `A[A > 0.1][0] = v` write into a copy Python drops: A does not change.
_W9 = np.arange(9.0).reshape(3, 3)


def _column_item_written(x):
    A = np.outer(x, x)
    A[:, 0][1] = x[2] ** 3
    return np.sum(A * _W9)


def _rows_tail_written(x):
    B = np.outer(x, x)
    B[1:][0] = x ** 2
    B[1:][1, 1:] *= x[:2]
    return np.sum(B * _W9)


def _column_view_read_after(x):   # c, a view of A, sees the write
    A = np.outer(x, x)
    c = A[:, 0]
    A[:, 0][1] = x[2] ** 3
    return np.sum(A * _W9) + np.sum(c ** 3)


def _copies_written(x):
    A = np.outer(x, x)
    A[[0, 1]][0] = 100.0 * x[0]
    A[A > 0.1][0] = 5.0
    return np.sum(A * _W9)


@pytest.mark.parametrize("f", [_column_item_written, _rows_tail_written,
                               _column_view_read_after, _copies_written])
def test_a_view_of_an_owned_array_written_through_differentiates(f):
    check(f, np.array([0.4, -0.7, 1.1]), order=2)


def _list_slice_written(x):   # L[1:] is a new list: L does not change
    L = [x * 1.0, x * 2.0, x * 3.0]
    L[1:][0] = x ** 2
    return np.sum(L[1] * L[2])


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_write_into_a_slice_of_a_list_is_refused_at_its_line(mode):
    err = refusal(_list_slice_written, (np.array([0.4, -0.7, 1.1]),), mode)
    assert "an index that makes a copy" in str(err)


def _insert_after_a_pop_beside_a_nested_def(x, A):   # (fuzz seed 3013000001, recent)
    a = x
    s = 0.0
    for row in np.sign(A) * A:
        L = [a, row, x + row]
        k = len(L) - 2
        t = L.pop(0)
        L.insert(k, t * 2.0)
        s = s + np.sum(L[0] * L[1]) + np.sum(t * L[2])

    def unused(t):
        pass
    return s


def test_the_list_an_insert_is_made_of_is_no_other_holder():
    """lst.insert(i, v) is lowered as list_inserted([lst, v], i, lst): that list, srcdiff's
    own, read by the call alone, was taken for a name holding lst (refused, naming its
    temporary parts_1)."""
    A = np.array([[0.3, -0.5, 0.2], [0.7, 0.1, -0.4]])
    check(_insert_after_a_pop_beside_a_nested_def, np.array([0.5, -0.2, 0.9]), A,
          wrt=(0, 1), order=2)
