"""Issue 13: in-place writes people really write, made to work. Each program is written the
way users write it, Python's own result depends on the write being seen through another
name, and gradcheck.check compares srcdiff's derivative with central differences in reverse
and forward mode, to second order. Next to them, the programs where the rewrite would not
be exact (a may-alias, a global, a closure), each with its located refusal.

1. Writes through an exact alias (`a1 = x; a1[::2] *= s; ...; return x * ...`):
   alias_groups.py places `x = a1` after the write.
"""
import operator

import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.4, 0.9, 1.3, 0.7])
S0 = 0.6
G = np.array([1.0, 2.0, 3.0, 4.0])   # a module's array (global)


def on_xs(f):
    check(f, X.copy(), S0, wrt=(0, 1), order=2)


def refused(f, match):
    for make in (srcdiff.grad, srcdiff.jvp):
        args = (X.copy(), S0) + ((X.copy(), 1.0) if make is srcdiff.jvp else ())
        with pytest.raises(srcdiff.SrcdiffError, match=match) as info:
            make(f, wrt=(0, 1))(*args)
        assert __file__ in str(info.value)


# === 1. writes through an exact alias ========================================================
def write_through_alias(x, s):   # the fuzz writes family, 1701 #39, cut down
    a1 = x
    a1[::2] *= np.tanh(s)
    return np.sum(x * np.sin(x))


def write_through_original(x, s):
    a = x
    x[1:] = x[1:] * s + np.cos(x[:-1])
    return np.sum(a * a) + x[0]


def alias_chain(x, s):
    a = x
    b = a
    b[0] = s * b[1]
    return np.sum(x * np.tanh(a)) + np.sum(b)


def alias_written_in_loop(x, s):
    a = x
    for i in range(3):
        a[i + 1] = a[i] * s + np.sin(a[i + 1])
    return np.sum(x ** 2)


def alias_written_in_while(x, s):
    a = x
    k = 0
    while k < 3:
        a[k] *= s
        k += 1
        if k > 5:
            break
    return np.sum(np.exp(x))


def alias_written_in_branch(x, s):
    a = x
    if s > 0.0:
        a[0] = np.sin(s) * a[2]
    else:
        a[1] = np.cos(s)
    return np.sum(x * x * a)


def alias_rebound_after_write(x, s):
    a = x
    a[2] = s * s
    a = a * 2.0           # a is a new array now, x keeps the written one
    a[0] = np.tanh(s)     # not seen by x
    return np.sum(x * a)


def original_rebound_then_alias_read(x, s):
    a = x
    a[0] = s * a[3]
    x = x * np.tanh(x)   # x is a new array; a keeps the written one
    return np.sum(a * x)


def two_names_of_one_new_array(x, s):
    a = b = x * 1.5
    a[1:3] = np.sin(s * x[:2])
    return np.sum(b * x)


def append_through_alias(x, s):
    parts = [x * s]
    more = parts
    more.append(np.tanh(x))
    return np.sum(parts[0] * parts[-1]) + len(parts)


def fill(out, v):
    out[:] = np.tanh(v)


def helper_writes_through_alias(x, s):
    buf = x * 1.0
    out = buf
    fill(out, x * s)
    return np.sum(buf * x)


def alias_in_outer_written_in_inner_loop(x, s):
    a = x
    for i in range(2):
        for j in range(2):
            a[i + j] += s * a[3 - j]
    return np.sum(x * np.cos(x))


# the exact aliases earlier tests held up as refusals (test_aliasing, test_alias_flow,
# test_alias_flow_blocks, test_errors, readme_claims): now followed, and right
def appends_through_an_alias(x, s):
    lst = []
    other = lst
    lst.append(x * s)
    return np.sum(other[0] * x)


def writes_after_a_fill_read_through_an_alias(x, s):
    t = np.zeros(4)
    fill(t, x)
    r = t
    t[1] += 0.5 * x[0] * s
    return np.sum(r * x)


def alias_rebound_each_trip_written_in_an_inner_loop(x, s):
    t = 0.0
    for i in range(2):
        h = x
        for w in (0.5, 0.2):
            x[0] += w * x[1] * s
            t = t + np.sum(np.sin(h))
    return t


def alias_made_again_in_a_branch(x, s):
    u = x * 1.0
    t = 0.0
    keep = u
    for k in range(2):
        if s > 0.0:
            keep = u
        u[0] = np.sum(x) * k * s
        t = t + np.sum(keep * x)
    return t


def two_names_of_one_copy_written(x, s):
    a = b = x * 1.0
    b[0] = 5.0 * s
    return np.sum(a * x)


def iadd_called_on_an_alias(x, s):
    c = x
    operator.iadd(x, s * np.sin(x))
    return np.sum(c * x)


def list_iadd_called_on_an_alias(x, s):
    items = [x * s]
    other = items
    operator.iadd(items, [np.cos(x)])
    return np.sum(other[0] * other[-1])


def appends_to_an_alias_stacked(x, s):
    a = [x]
    b = a
    b.append(x * s)
    return np.sum(np.stack(a) ** 2)


def fill_first(out, *vals):
    for k, v in enumerate(vals):
        out[k] = v


def alias_assigned_to_itself_in_a_loop(x, s):   # writes 1901 #5, cut down
    u1 = (x * x) * 1.0
    fill_first(u1, 2.0, np.prod(1.0 + 0.5 * np.tanh(u1)))
    a3 = u1
    if (u1 + u1)[0] < 0.2:
        s = s + np.dot(a3, a3)
    elif s > -0.3:
        for i12 in range(2):
            a3 = a3          # (the same object: the group holds)
        u1[2] = np.tanh(s * s)
        u1 = u1
    u1 += np.tanh(a3)
    return np.sum(u1 * u1)


def alias_bound_again_to_its_group(x, s):
    y = x * 1.0
    a = y
    b = a
    for _ in range(2):
        b = y            # (b is y already)
        b[0] = b[1] * s
    return np.sum(a * y)


@pytest.mark.parametrize("f", [
    alias_assigned_to_itself_in_a_loop, alias_bound_again_to_its_group,
    iadd_called_on_an_alias, list_iadd_called_on_an_alias, appends_to_an_alias_stacked,
    appends_through_an_alias, writes_after_a_fill_read_through_an_alias,
    alias_rebound_each_trip_written_in_an_inner_loop, alias_made_again_in_a_branch,
    two_names_of_one_copy_written,
    write_through_alias, write_through_original, alias_chain, alias_written_in_loop,
    alias_written_in_while, alias_written_in_branch, alias_rebound_after_write,
    original_rebound_then_alias_read,
    two_names_of_one_new_array, append_through_alias, helper_writes_through_alias,
    alias_in_outer_written_in_inner_loop])
def test_writes_through_an_exact_alias(f):
    on_xs(f)


def test_the_caller_s_array_is_left_alone():
    x = X.copy()
    srcdiff.grad(write_through_alias, wrt=(0, 1))(x, S0)
    np.testing.assert_array_equal(x, X)


# --- where it is not an exact alias: refused, located ----------------------------------------
def alias_in_one_branch(x, s):
    a = x * 1.0
    if s > 0.0:
        a = x
    a[0] = s
    return np.sum(x * a)


def alias_rebound_in_loop_then_written(x, s):   # the rest of 1701 #39: a may be x
    a = x
    for r in x[:2]:
        a = a + 0.2 * np.tanh(r)
    a[:2] = np.sin(x[2:])
    return np.sum(x * a)


def alias_of_a_global(x, s):
    a = G
    a[0] = s
    return np.sum(x * G)


def alias_read_by_a_closure(x, s):
    a = x
    g = lambda t: np.sum(x * t)   # noqa: E731
    a[0] = s
    return g(a)


def test_may_alias_after_a_branch_is_refused():
    refused(alias_in_one_branch, "writing into a here would")


def test_may_alias_after_a_loop_is_checked_when_it_runs():
    # a may still be x after the loop: a check before the write refuses it only where the
    # run shares them (alias_guards.py); here the loop rebinds a
    check(alias_rebound_in_loop_then_written, np.array([0.3, 0.6, -1.0, 0.4]), 0.5, wrt=0)


def test_alias_of_a_global_is_refused():
    refused(alias_of_a_global, "writing into a here would")


def test_alias_read_by_a_closure_is_refused():
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.grad(alias_read_by_a_closure, wrt=(0, 1))(X.copy(), S0)
    assert __file__ in str(info.value)


# === 3. items of a dict (or list) updated in place ===========================================
# `P[k] op= v` changes the item P[k] in place when it is an array or a list; srcdiff lowers it
# as `P[k] = P[k] op v`. That is exact where the item is fresh (made by the display or the
# store from a new array, no other name holding it); where another name holds it, a check
# refuses it when it runs (the item is an array). These programs once gave wrong gradients.
def stored_by_item_then_updated(x, s):
    a = x * 2.0
    P = {}
    P["w"] = a
    P["w"] *= s
    return np.sum(a)


def appended_then_updated(x, s):
    a = x * 2.0
    L = []
    L.append(a)
    L[0] *= s
    return np.sum(a)


def made_by_dict_call_then_updated(x, s):
    a = x * 2.0
    P = dict(w=a)
    P["w"] *= s
    return np.sum(a)


def given_by_update_then_updated(x, s):
    a = x * 2.0
    P = {"b": 1.0}
    P.update(w=a)
    P["w"] *= s
    return np.sum(a)


def given_by_setdefault_then_updated(x, s):
    a = x * 2.0
    P = {"b": 1.0}
    P.setdefault("w", a)
    P["w"] *= s
    return np.sum(a)


def stored_into_list_slot_then_updated(x, s):
    a = x * 2.0
    L = [1.0, 2.0]
    L[1] = a
    L[1] *= s
    return np.sum(a)


def stored_by_tuple_target_then_updated(x, s):
    a = x * 2.0
    P = {}
    P["w"], P["b"] = a, 1.0
    P["w"] *= s
    return np.sum(a)


def _holding(v):
    return {"w": v}


def made_by_helper_then_updated(x, s):
    a = x * 2.0
    P = _holding(a)
    P["w"] *= s
    return np.sum(a)


@pytest.mark.parametrize("f", [
    stored_by_item_then_updated, appended_then_updated, made_by_dict_call_then_updated,
    given_by_update_then_updated, given_by_setdefault_then_updated,
    stored_into_list_slot_then_updated, stored_by_tuple_target_then_updated,
    made_by_helper_then_updated])
def test_an_item_another_name_holds_updated_in_place_is_refused(f):
    with pytest.raises(srcdiff.RuntimeRefusal, match="changes the item") as info:
        srcdiff.grad(f, wrt=(0, 1))(X.copy(), S0)
    assert __file__ in str(info.value)


def fresh_item_updated_beside_a_held_one(x, s):   # the fuzz writes family, 1701 #18
    a3 = np.sum(x) * s
    P4 = {"w": np.array(x[np.array([1, 1, 0])]), "b": a3}
    P4["w"] *= 0.5 + 0.4 * np.arctan(s * s)
    P4["b"] += 0.3
    return np.sum(np.tanh(P4["w"])) * P4["b"] + a3


def fresh_item_updated_in_a_loop(x, s):
    for k in range(2):
        a3 = np.sum(x) * s
        P4 = {"w": np.array(x[np.array([1, 1, 0])]), "b": a3}
        P4["w"] *= 0.5 + 0.4 * np.arctan(s * s)
        P4["b"] += 0.3
        x = x + np.sum(np.tanh(P4["w"])) * P4["b"] + a3
    return np.sum(x)


def fresh_list_item_updated(x, s):
    a = np.sin(x)
    L = [x * s, a]
    L[0] -= 0.1 * a
    return np.sum(L[0] * L[1]) + np.sum(a)


def fresh_item_stored_then_updated(x, s):
    P = {"b": s}
    P["w"] = np.tanh(x)
    P["w"] /= 1.0 + P["b"] ** 2
    return np.sum(P["w"] * x)


@pytest.mark.parametrize("f", [
    fresh_item_updated_beside_a_held_one, fresh_item_updated_in_a_loop,
    fresh_list_item_updated, fresh_item_stored_then_updated])
def test_a_fresh_item_updated_in_place(f):
    on_xs(f)


def copied_item_updated(x, s):   # the fuzz writes family, 1432 #34, cut down
    P2 = {"w": (np.flip(x)).copy(), "b": s}
    P2["w"] *= 0.5 + 0.4 * np.sin(np.mean(x))
    P2["b"] += x[2]
    return np.sum(np.tanh(P2["w"])) * P2["b"]


def test_a_copied_item_updated_in_place():
    on_xs(copied_item_updated)


# === 4. a helper writing into a fresh temporary it is given =================================
def _h1(t):
    a5 = np.tanh(t) * 2.0
    t[:2] = a5[1:3] / (1.0 + a5[1:3] * a5[1:3])
    return t * a5


def helper_writes_into_a_stopped_temporary(x, s):   # the fuzz users family, 1432 #21
    # (of a constant: finite differences see through stop_gradient, which returns its value)
    a5 = _h1(srcdiff.stop_gradient(np.maximum(G * 0.3, 0.5)))
    return np.sum(a5 * x * s) + s


def helper_writes_into_a_stopped_name(x, s):
    y = np.maximum(x, s)
    a5 = _h1(srcdiff.stop_gradient(y))
    return np.sum(a5 * x) + np.sum(y * s)


def test_a_helper_writing_into_a_stopped_temporary():
    on_xs(helper_writes_into_a_stopped_temporary)


def test_a_helper_writing_into_a_stopped_name_stays_refused():
    refused(helper_writes_into_a_stopped_name, "writes into its argument 't' in place")


def deletes_a_key_through_an_alias(x, s):
    d = {"a": x * s, "b": np.sin(x)}
    e = d
    del e["a"]
    d = {"c": s}
    return sum(np.sum(t * t) for t in e.values()) + d["c"]


def test_a_key_deleted_through_an_alias():
    on_xs(deletes_a_key_through_an_alias)


# === 2. rows written in a loop over an array =================================================
# `for row in A: row[idx] = v` changes A (the loop hands out views of its rows): loop_rows.py
# goes over indices with row a private copy, stored back after each write into it.
M0 = np.array([[0.4, 0.9, 1.3], [0.7, -0.2, 0.5], [0.1, 0.2, -0.3]])


def on_ms(f):
    check(f, M0.copy(), S0, wrt=(0, 1), order=2)


def rows_written_in_a_loop(A, s):
    B = np.tanh(A) * 1.0
    for row in B:
        row[1] *= s
        row[0] = row[1] * row[2] + np.sum(B)   # B already holds this row's first write
    return np.sum(B * np.tanh(A))


def rows_written_in_nested_loops(A, s):   # the fuzz writes family, 1701 #15, cut down
    u1 = np.min(A, axis=0) + 0.0
    A = A + 0.2 * np.tanh(u1)
    a9 = A
    for i7 in range(2):
        for row8 in A:
            row8[np.array([2, 0])] = np.sin(np.clip(u1 * s, -0.5, 0.5))[:2]
            a9 = 0.5 * np.tanh(np.matmul(A, A))
        s = s + 0.3 * np.sum(a9)
    return s * np.sum(A[0] * A[1])


def rows_written_in_a_branch(A, s):
    B = np.sin(A) + s
    for row in B:
        if np.sum(row) > 0.0:
            row[:2] = row[1:] * s
        else:
            row[2] -= np.max(row[:2])
    return np.sum(B ** 2)


@pytest.mark.parametrize("f", [rows_written_in_a_loop, rows_written_in_nested_loops,
                               rows_written_in_a_branch])
def test_rows_written_in_a_loop_over_an_array(f):
    on_ms(f)


def rows_of_a_parameter(A, s):    # A may be a list of arrays others hold: not known
    for row in A:
        row[0] = s
    return np.sum(A)


def rows_kept_in_a_list(A, s):
    B = np.tanh(A)
    kept = []
    for row in B:
        row[0] = s
        kept.append(row)
    B[1, 1] = 0.0                 # kept[1] sees it
    return np.sum(kept[1]) + np.sum(B)


def row_read_after_the_loop(A, s):
    B = np.tanh(A)
    for row in B:
        row[0] = s
    row[1] = 2.0 * s              # Python: B's last row
    return np.sum(B)


@pytest.mark.parametrize("f", [rows_kept_in_a_list, row_read_after_the_loop])
def test_rows_written_where_a_copy_would_not_be_exact_are_refused(f):
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.grad(f, wrt=(0, 1))(M0.copy(), S0)
    assert __file__ in str(info.value)


def test_rows_of_a_parameter_are_written_back_for_an_array_and_refused_for_a_list():
    check(rows_of_a_parameter, M0.copy(), S0, wrt=(0, 1), order=2)
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.grad(rows_of_a_parameter, wrt=1)([r.copy() for r in M0], S0)
    assert __file__ in str(info.value)
