"""srcdiff/alias_rows.py: rows of an array (a name's, or those a list holds) read after a write
into the array: a check before the write, which refuses it when it runs where the write lands
in a row that is read after (checked against finite differences where it does not), or a
refusal at the write where no check could name the row. (tests/test_aliasing.py has the
programs found wrong before: rows a comprehension or appends kept.)"""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import analyze, errors
from srcdiff import syntax as S
from srcdiff.alias_rows import is_view_index, read_after, read_before_rebound
from srcdiff.core import Kind
from srcdiff.transform import lower_function

A = np.array([[0.41, 0.19, -0.25], [0.22, -0.05, -0.57], [-0.02, -0.2, -0.04]])
X = np.array([0.5, -1.0, 0.7])


def row_then_write_another_row(A, x):
    r = A[0]
    A[1, 0] = 3.0            # another row: r does not see it
    return np.sum(r * x) + np.sum(A[1] * x)


def row_then_write_into_it(A, x):
    r = A[0]
    A[0, 1] = 3.0
    return np.sum(r * x)


def item_then_write_into_it(a, x):
    r = a[0]
    a[0] = 3.0
    return np.sum(r * x) + np.sum(a * x)


def appended_rows_then_write_another_row(A, x):
    rows = []
    for i in range(2):
        rows.append(A[i] * 1.0)   # copies
    A[0, 0] = 3.0
    return np.sum(rows[0] * x) + np.sum(A * A)


def test_a_write_beside_the_rows_read_after_differentiates():
    check(row_then_write_another_row, A.copy(), X.copy(), wrt=(0, 1))
    check(appended_rows_then_write_another_row, A.copy(), X.copy(), wrt=(0, 1))


def test_a_write_into_a_row_read_after_is_refused_when_it_runs():
    with pytest.raises(errors.RuntimeRefusal, match="would also change r: the row of A"):
        srcdiff.grad(row_then_write_into_it, wrt=(0, 1))(A.copy(), X.copy())
    check(item_then_write_into_it, X.copy(), X.copy(), wrt=(0, 1))   # a number: a copy


def test_the_checks_are_placed_before_the_write():
    body = list(analyze.flatten(lower_function(row_then_write_into_it).body))
    at = next(i for i, s in enumerate(body) if s.sd.kind == Kind.SETITEM)
    assert body[at - 1].sd.kind == Kind.EFFECT and "check_no_view" in S.spell(body[at - 1])


def reads(x):
    s = 0.0
    for i in range(2):
        s = s + x[i]
        x[0] = 1.0
    t = x[1]
    return s + t


def test_read_after_sees_later_statements_and_the_next_iteration():
    body = list(analyze.flatten(lower_function(reads).body))
    write = next(s for s in body if s.sd.kind == Kind.SETITEM)
    assert read_after("x", write, body)            # t = x[1], and x[i] next time round
    assert read_after("s", write, body)            # s = s + ... in the loop around it
    assert not read_after("nobody", write, body)


def rebinds(x, c):
    v, q = x[0] * 1.0, 0.0
    for i in range(3):
        v = x[1] * 2.0
        x[0] = 1.0                 # the write
        if c > 0.0:
            v = x[2] * 1.0
        else:
            v = x[1] * 1.0
        w = v + 1.0                # v bound anew on both branches first
        u = w * 2.0
        if c > 1.0:
            break
        q = x[0] * 1.0             # a break may skip this binding
    return u + q


def test_read_before_rebound_follows_the_ways_out_of_the_write():
    low = lower_function(rebinds).body
    body = list(analyze.flatten(low))
    write = next(s for s in body if s.sd.kind == Kind.SETITEM)
    assert not read_before_rebound("v", write, low)   # both branches bind v first
    assert read_after("v", write, body)               # (the coarser rule counts it)
    assert not read_before_rebound("w", write, low)   # bound anew just after the write
    assert read_before_rebound("q", write, low)       # read after the loop, by the break
    assert read_before_rebound("x", write, low)
    assert not read_before_rebound("nobody", write, low)


def nested(x, c):
    v, t = x[0] * 1.0, 0.0
    for i in range(2):
        for k in range(2):
            v = x[1] * 2.0       # bound at the top of each inner trip, before its read
            t = t + v
            x[0] = 1.0           # the write
        for k in range(2):
            t = t + v            # read before this loop binds it: the old v
            v = x[2] * 1.0
    return t


def test_a_nested_loop_binding_a_name_at_the_top_of_its_body_hides_the_old_value():
    """Each trip of a loop starts at the top of its body: a read there after a binding of
    the same trip sees that binding (the next trips of the loops around the write, which
    reach the nested loop again, included); a read before it sees the old value."""
    low = lower_function(nested).body
    write = next(s for s in analyze.flatten(low) if s.sd.kind == Kind.SETITEM)
    assert read_before_rebound("v", write, low)       # the second inner loop reads it first
    low2 = lower_function(nested_first_only).body
    write2 = next(s for s in analyze.flatten(low2) if s.sd.kind == Kind.SETITEM)
    assert not read_before_rebound("v", write2, low2)


def nested_first_only(x, c):
    v, t = x[0] * 1.0, 0.0
    for i in range(2):
        for k in range(2):
            v = x[1] * 2.0
            t = t + v
            x[0] = 1.0
    return t


@pytest.mark.parametrize("index, view", [
    ("x[1:]", True), ("x[0]", False), ("x[:, 0]", True), ("x[None]", True), ("x[i]", False),
    ("x[...]", True),
])
def test_is_view_index(index, view):
    import gast
    assert is_view_index(gast.parse(index).body[0].value.slice) is view


def picks_its_row_in_a_branch(x, s):
    for i, r in enumerate(x):
        x[x > 1.0] = np.tanh(0.1 * i)
        if s > -5.0:
            s = s * (1.5 + np.sin(r if s > 0.2 else np.max(x)))   # srcdiff's copy of r
    return s


def test_srcdiffs_own_copy_of_a_row_bound_after_the_write_is_no_reader():
    # (scripts/fuzz.py, seed 571000037): refused once srcdiff's own names holding r counted
    check(picks_its_row_in_a_branch, np.array([0.5, 1.5, 0.7]), 0.3, wrt=(0, 1))


# -- rows held by a display, a dict or a shallow copy of a list, then the array written -----
# (wrong on main 4e99cb9: the gradient kept 2.0 at A[0, 0] where finite differences give 0)
def rows_in_a_list_display(A, x):
    kept = [A[0], A[1]]
    A[0, 0] = 3.0
    return np.sum(kept[0] * x)


def rows_in_a_tuple_display(A, x):
    kept = (A[0], A[1])
    A[0, 0] = 3.0
    return np.sum(kept[0] * x)


def rows_in_a_nested_display(A, x):
    kept = [[A[0]], A[1]]
    A[0, 0] = 3.0
    return np.sum(kept[0][0] * x)


def rows_in_a_dict_display(A, x):
    kept = {"first": A[0], "second": A[1]}
    A[0, 0] = 3.0
    return np.sum(kept["first"] * x)


def row_bound_to_a_name_then_appended(A, x):
    kept = []
    for i in range(2):
        r = A[i]
        kept.append(r)
    A[0, 0] = 3.0
    return np.sum(kept[0] * x)


def row_lists(v):
    return [v[0], v[1]]


def rows_in_a_shallow_copy_of_a_helpers_list(A, x):
    kept = list(row_lists(A))
    A[0, 0] = 3.0
    return np.sum(kept[0] * x)


@pytest.mark.parametrize("f", [rows_in_a_list_display, rows_in_a_tuple_display,
                               rows_in_a_nested_display, rows_in_a_dict_display,
                               row_bound_to_a_name_then_appended,
                               rows_in_a_shallow_copy_of_a_helpers_list])
def test_a_write_into_rows_a_container_holds_is_refused_when_it_runs(f):
    for make in (srcdiff.grad, srcdiff.jvp):
        with pytest.raises(errors.RuntimeRefusal, match="would (also )?change") as err:
            if make is srcdiff.grad:
                make(f, wrt=(0, 1))(A.copy(), X.copy())
            else:
                make(f, wrt=(0, 1))(A.copy(), X.copy(), A.copy(), X.copy())
        assert err.value.filename == __file__, err.value


def copies_in_a_display(A, x):
    kept = [A[0] * 1.0, np.copy(A[1])]
    A[0, 0] = 3.0
    return np.sum(kept[0] * x) + np.sum(A * A)


def items_in_a_display(A, x):
    kept = [A[0, 1], A[1, 0]]
    A[0, 1] = 3.0
    return kept[0] * np.sum(x) + np.sum(A * A)


def rows_in_a_display_read_before_the_write(A, x):
    kept = [A[0], A[1]]
    s = np.sum(kept[0] * x)
    A[0, 0] = 3.0
    return s + np.sum(A * A)


@pytest.mark.parametrize("f", [copies_in_a_display, items_in_a_display,
                               rows_in_a_display_read_before_the_write])
def test_copies_items_and_rows_read_before_the_write_differentiate(f):
    check(f, A.copy(), X.copy(), wrt=(0, 1))


# -- a dict's entries are rebound, never written into (sequences.maybe_dicts, whatever the key) --
def dict_entries_rebound_by_a_loop_key(x):
    D = {"a": x * 1.0, "b": x * 2.0}
    acc = 0.0
    for k in ["a", "b"]:
        D[k] = D[k] * 1.5
        r = D["b"]
        acc = acc + np.sum(r * x)
    return acc + np.sum(D["a"])


def dict_entries_rebound_by_an_int_key(x):
    D = {0: x * 1.0, 1: x * 2.0}
    acc = 0.0
    for k in range(2):
        D[k] = D[k] * 1.5
        r = D[1]
        acc = acc + np.sum(r * x)
    return acc + np.sum(D[0])


def dict_entry_rebound_by_a_string_key(x):
    D = {"a": x * 1.0, "b": x * 2.0}
    r = D["a"]
    D["a"] = D["b"] * 3.0
    return np.sum(r * D["a"])


@pytest.mark.parametrize("f", [dict_entries_rebound_by_a_loop_key,
                               dict_entries_rebound_by_an_int_key,
                               dict_entry_rebound_by_a_string_key])
def test_an_entry_of_a_dict_rebound_is_no_write_into_a_row(f):
    check(f, X.copy())


def rows_of_an_array_written_by_a_loop_key(x):
    D = np.stack([x * 1.0, x * 2.0])
    acc = 0.0
    for k in range(2):
        D[k] = D[k] * 1.5
        r = D[1]
        acc = acc + np.sum(r * x)
    return acc + np.sum(D[0])


def row_of_the_last_trip_read_after_the_write(x):
    D = np.stack([x * 1.0, x * 2.0])
    acc = 0.0
    r = D[1]
    for k in range(2):
        D[k] = D[k] * 1.5
        acc = acc + np.sum(r * x)   # (the row taken before: the write shows through it)
        r = D[1]
    return acc + np.sum(D[0])


def dict_in_one_branch_array_in_the_other(x, c):
    if c > 0:
        D = {0: x * 1.0}
    else:
        D = np.stack([x, x])
    r = D[0]
    D[0] = x * 3.0
    return np.sum(r * D[0])


def test_a_name_that_may_be_an_array_is_still_checked():
    with pytest.raises(errors.SrcdiffError, match="row of D taken on line"):
        srcdiff.grad(row_of_the_last_trip_read_after_the_write)(X.copy())
    # (the row taken in the last trip is bound anew before any read: the write is unseen)
    check(rows_of_an_array_written_by_a_loop_key, X.copy())
    with pytest.raises(errors.RuntimeRefusal, match="row of D taken on line"):
        srcdiff.grad(dict_in_one_branch_array_in_the_other)(X.copy(), -1.0)
    check(dict_in_one_branch_array_in_the_other, X.copy(), 1.0)


def rows_unpacked(x):
    A = x.reshape(2, 2) * 1.0
    a, b = A
    A[0, 1] = 5.0 * x[2]
    return np.sum(a * np.array([1.0, 2.0])) + np.sum(A * A)


def a_slice_of_a_row(x):
    A = x.reshape(2, 2) * 1.0
    r = A[0][1:]
    A[0, 1] = 5.0 * x[2]
    return np.sum(r * 2.0) + np.sum(A * A)


def rows_in_a_dict(x):
    A = x.reshape(2, 2) * 1.0
    d = dict(enumerate(A))
    A[0, 1] = 5.0 * x[2]
    return np.sum(d[0] * np.array([1.0, 2.0])) + np.sum(A * A)


def rows_in_a_dict_comprehension(x):
    A = x.reshape(2, 2) * 1.0
    d = {k: r for k, r in enumerate(A)}
    A[0, 1] = 5.0 * x[2]
    return np.sum(d[0] * np.array([1.0, 2.0])) + np.sum(A * A)


def rows_unpacked_then_copied(x):
    A = x.reshape(2, 2) * 1.0
    a, b = A
    a = a.copy()
    A[0, 1] = 5.0 * x[2]
    return np.sum(a * np.array([1.0, 2.0])) + np.sum(A * A)


@pytest.mark.parametrize("f", [rows_unpacked, a_slice_of_a_row, rows_in_a_dict,
                               rows_in_a_dict_comprehension])
def test_rows_srcdiff_names_itself_are_checked_through_the_user_s_names(f):
    """`a, b = A` (srcdiff's A_0_1 = A[0], then a = A_0_1), `r = A[0][1:]`, rows kept in a
    dict made from a list (`dict(enumerate(A))`): each is a view of A's row that sees a
    later write into A. Their gradients were silently wrong (the write missed); now refused,
    located at the write."""
    with pytest.raises(errors.SrcdiffError, match=r"test_alias_rows.py:[0-9]+: writing into "
                       r"A here would also change"):
        srcdiff.grad(f)(np.array([0.3, -0.5, 0.8, 0.1]))


def test_an_unpacked_row_copied_before_the_write_differentiates():
    check(rows_unpacked_then_copied, np.array([0.3, -0.5, 0.8, 0.1]), order=2)


def loop_over_a_row_written_in_place(x, A):
    total = 0.0
    for r in A[1]:
        total = total + r * 2.0
        A -= 0.3 * np.sin(x)
    return total + np.sum(A)


def loop_over_a_row_item_written(x, A):
    total = 0.0
    B = A * 1.0
    for r in B[1]:
        total = total + r * 2.0
        B[1, 2] = x[0] * 5.0
    return total + np.sum(B)


def loop_over_a_row_another_row_written(x, A):
    total = 0.0
    B = A * 1.0
    for r in B[1]:
        total = total + r * 2.0
        B[0, 2] = x[0] * 5.0
    return total + np.sum(B)


@pytest.mark.parametrize("f", [loop_over_a_row_written_in_place, loop_over_a_row_item_written])
def test_a_loop_over_a_row_whose_array_it_writes_is_refused(f):
    """`for r in A[1]:` takes each item from the row as it goes (NumPy's iterator over a
    view), so a write into A inside the loop shows in the items taken after it. The
    gradient was silently wrong (random tester, control seed 2017000010: -15.5 for -20.4);
    now refused, located at the write."""
    with pytest.raises(errors.SrcdiffError, match=r"test_alias_rows.py:[0-9]+: writing into "
                       r"[AB] here would also change the items the loop over it goes through"):
        srcdiff.grad(f, wrt=(0, 1))(np.array([0.3, -0.2, 0.5]), np.ones((2, 3)) * 0.4)


def test_a_loop_over_a_row_another_row_written_differentiates():
    check(loop_over_a_row_another_row_written, np.array([0.3, -0.2, 0.5]),
          np.arange(1.0, 7.0).reshape(2, 3) * 0.1, wrt=(0, 1), order=2)



def two_lists_taken_out(x):
    a = [x[0], x[1]]
    t = [a, a]
    p = t.pop()
    q = t[0]
    return p[0] * q[1]


def test_the_names_that_may_hold_a_list_taken_out_of_a_container():
    from srcdiff.alias_rows import held_with, taken_from
    body = list(analyze.flatten(lower_function(two_lists_taken_out).body))
    popped = next(s for s in body if isinstance(s, S.Assign) and s.targets[0].id == "p")
    assert taken_from(popped) == "t"
    others = {name for name, _ in held_with(body, popped, "p", "t")}
    assert {"a", "q"} <= others and "p" not in others
