"""srcdiff/loop_rows.py: loops over an array's rows that write into them, rewritten over
indices with the row a private copy stored back after each write. Called directly on a
parsed def: the rewritten def runs as the original does (Python's own result, the array
included), loops that do not qualify are left alone, and the user's tree is never changed.
The derivatives are checked in tests/test_issue13_writes.py."""
import ast
import textwrap

import numpy as np
import pytest

import srcdiff
import hunt27_programs
import hunt28_programs
from gradcheck import check
from rewritten import run_def
from srcdiff import loop_rows
from srcdiff import syntax as S


def _resolve(name):
    return {"np": np}.get(name)


def _rewrite(source):
    fdef = S.parse_function(textwrap.dedent(source))
    new = loop_rows.rewrite(fdef, _resolve)
    return fdef, new, ast.unparse(S.to_python_ast(new))


_run = run_def   # (tests/rewritten.py)


M = np.array([[0.4, 0.9, 1.3], [0.7, -0.2, 0.5], [0.1, 0.2, -0.3]])

WRITES = """
def f(A, s):
    B = np.tanh(A) * 1.0
    for row in B:
        row[1] *= s
        if row[0] > 0.2:
            row[0] = row[1] * row[2] + np.sum(B)
    return B
"""

NESTED = """
def f(A, s):
    A = A + 0.2 * np.tanh(s)
    for i in range(2):
        for r in A:
            r[np.array([2, 0])] = np.sin(r[:2] * s)
            t = np.matmul(A, A)
    return A, t
"""

PARAMETER = """
def f(A, s):
    for row in A:
        row[0] = s
    return A
"""

KEPT = """
def f(A, s):
    B = np.tanh(A)
    kept = []
    for row in B:
        row[0] = s
        kept.append(row)
    return B
"""

ALIASED = """
def f(A, s):
    B = np.tanh(A)
    for row in B:
        r = row
        r[0] = s
    return B
"""

READ_AFTER = """
def f(A, s):
    B = np.tanh(A)
    for row in B:
        row[0] = s
    return row
"""

A_WRITTEN = """
def f(A, s):
    B = np.tanh(A)
    for row in B:
        row[0] = s
        B[0, 1] = s
    return B
"""

A_REBOUND_IN_A_BRANCH = """
def f(A, s):
    B = np.tanh(A)
    if s > 0.0:
        B = [np.zeros(3), np.ones(3)]
    for row in B:
        row[0] = s
    return B
"""

VIEW_TAKEN = """
def f(A, s):
    B = np.tanh(A)
    for row in B:
        row[0] = s
        v = row[1:]
    return B
"""

ONLY_READ = """
def f(A, s):
    B = np.tanh(A)
    t = 0.0
    for row in B:
        t = t + np.sum(row * s)
    return t
"""


def test_a_loop_writing_rows_goes_over_indices():
    fdef, new, text = _rewrite(WRITES)
    assert new is not fdef
    assert "for row_i in range(len(B)):\n        row = B[row_i].copy()" in text
    assert text.count("B[row_i] = row") == 2
    assert "for row in B" in ast.unparse(S.to_python_ast(fdef))   # the user's tree


def test_an_inner_loop_is_rewritten_inside_the_outer_one():
    _, _, text = _rewrite(NESTED)
    assert "for r_i in range(len(A)):" in text and "A[r_i] = r" in text


@pytest.mark.parametrize("source", [PARAMETER, KEPT, ALIASED, READ_AFTER, A_WRITTEN,
                                    A_REBOUND_IN_A_BRANCH, VIEW_TAKEN, ONLY_READ])
def test_loops_where_a_copy_would_not_be_exact_are_left_alone(source):
    fdef, new, _ = _rewrite(source)
    assert new is fdef


@pytest.mark.parametrize("source", [WRITES, NESTED])
@pytest.mark.parametrize("s", [-0.7, 0.8])
def test_the_rewritten_def_runs_as_the_original(source, s):
    fdef, new, _ = _rewrite(source)
    want = _run(fdef, M.copy(), s)
    got = _run(new, M.copy(), s)
    for w, g in zip(want if isinstance(want, tuple) else (want,),
                    got if isinstance(got, tuple) else (got,)):
        np.testing.assert_allclose(g, w)


# arithmetic no list supports of parameters (an array or a number), new arrays no name
# holds, enumerate, and rows read by an inner loop over their items
FRESH_ROWS = """
def f(A, s):
    t = 0.0
    for k, row in enumerate(A * 2.0):
        row[1] = s * k
        for e in row:
            t = t + e * row[1]
    return t
"""

ENUMERATED = """
def f(A, s):
    B = A - 0.5
    for k, row in enumerate(B):
        row[k] = s + row[k - 1]
        for e in row:
            if e > 0.5:
                row[0] = e * s
    return B
"""

ITEM_KEPT = """
def f(A, s):
    B = A * 1.0
    kept = []
    for row in B:
        row[0] = s
        for e in row:
            kept.append(e)
    return B, kept
"""

JOINED = """
def f(A, s):
    for row in A + A:
        row[0] = s
    return A
"""


def test_arithmetic_no_list_supports_makes_an_array_or_a_number():
    _, _, text = _rewrite(ENUMERATED)
    assert "row = B[row_i].copy()" in text and "B[row_i] = row" in text


def test_rows_of_a_new_array_go_through_a_private_name():
    _, _, text = _rewrite(FRESH_ROWS)
    assert "row_rows = A * 2.0\n    for row_i in range(len(row_rows)):\n        k = row_i" \
        in text


@pytest.mark.parametrize("source", [ITEM_KEPT, JOINED])
def test_an_item_kept_or_a_sum_that_may_join_lists_leaves_the_loop_alone(source):
    fdef, new, _ = _rewrite(source)
    assert new is fdef


@pytest.mark.parametrize("source", [FRESH_ROWS, ENUMERATED])
@pytest.mark.parametrize("s", [-0.7, 0.8])
def test_the_rewritten_def_runs_as_the_original_over_new_arrays(source, s):
    fdef, new, _ = _rewrite(source)
    assert new is not fdef
    want_m, got_m = M.copy(), M.copy()
    np.testing.assert_allclose(_run(new, got_m, s), _run(fdef, want_m, s))
    np.testing.assert_allclose(got_m, want_m)


def rows_of_a_parameter(A, x):
    for row in A:
        row[0] = np.tanh(row[1]) * x[0]
    return np.sum(A * A) + np.sum(A[:, 0] * x[1])


def rows_of_a_parameter_with_enumerate(A, x):
    total = 0.0
    for k, row in enumerate(A):
        row[1:] = row[1:] * x[k]
        total = total + np.sum(row)
    return total + np.sum(A[0])


def test_rows_of_a_parameter_array_are_written_back():
    """A parameter the call gives an array (not a list, tuple, dict or object: the
    derivative is made per kind) has rows that are views like a local array's: the loop is
    rewritten (Dask's rows, copies, are refused in the run: test_view_semantics)."""
    A, x = np.arange(1.0, 7.0).reshape(2, 3) * 0.3, np.array([0.7, -0.4])
    check(rows_of_a_parameter, A, x, wrt=(0, 1), order=2)
    check(rows_of_a_parameter_with_enumerate, A, x, wrt=(0, 1), order=2)


def test_rows_of_a_list_parameter_stay_refused():
    rows = [np.array([0.1, 0.2, 0.3]), np.array([0.4, 0.5, 0.6])]
    with pytest.raises(srcdiff.SrcdiffError):
        srcdiff.grad(rows_of_a_parameter, wrt=1)(rows, np.array([0.7, -0.4]))


def rows_of_a_numpy_copy(A, x):
    B = np.copy(A)
    for row in B:
        row[0] = np.tanh(row[1]) * x[0]
    return np.sum(B * A)


def test_numpy_copy_is_a_numpy_call_making_an_array_not_a_method_of_np():
    """`np.copy(A)` is numpy.copy, which makes an array (not `.copy()` of a name np): the
    loop over its rows is rewritten and differentiated."""
    _, new, text = _rewrite("""
    def f(A, x):
        B = np.copy(A)
        for row in B:
            row[0] = x
        return B
    """)
    assert "row = B[row_i].copy()" in text
    A, x = np.arange(1.0, 7.0).reshape(2, 3) * 0.3, np.array([0.7, -0.4])
    check(rows_of_a_numpy_copy, A, x, wrt=(0, 1), order=2)


def rows_filled(A, x):
    B = A * 1.0
    for row in B:
        row.fill(x[0] * np.sum(row))
    return np.sum(B * A)


def rows_sorted(A, x):
    B = np.tanh(A) * x[0]
    for row in B:
        row.sort()
    return np.sum(B * A)


def rows_copied_into(A, x):
    B = A * 1.0
    for k, row in enumerate(B):
        np.copyto(row, x * row)
        np.copyto(row, x, where=x > 0.5)
        row[0] = row[1] * x[k]
    return np.sum(B * A)


@pytest.mark.parametrize("f", [rows_filled, rows_sorted, rows_copied_into])
def test_rows_written_by_fill_sort_or_copyto_are_written_back(f):
    """`row.fill(v)`, `row.sort()` and `numpy.copyto(row, v)` write into the row as
    `row[...] = ...` does (out_writes.py lowers them so): the loop is rewritten over indices
    and the derivative follows the rows written back."""
    A, x = np.array([[0.4, 0.9, 1.3], [0.7, -0.2, 0.5]]), np.array([1.0, 0.3, 2.0])
    check(f, A, x, wrt=(0, 1), order=2)


def rows_filled_and_kept(A, x):
    B = A * 1.0
    kept = []
    for row in B:
        row.fill(x[0])
        kept.append(row)
    return np.sum(kept[0] * A[0])


def test_a_filled_row_kept_in_a_list_stays_refused():
    A, x = np.array([[0.4, 0.9, 1.3], [0.7, -0.2, 0.5]]), np.array([1.0, 0.3, 2.0])
    fdef, new, _ = _rewrite("""
    def f(A, x):
        B = A * 1.0
        kept = []
        for row in B:
            row.fill(x[0])
            kept.append(row)
        return kept
    """)
    assert new is fdef   # (the row escapes: the loop is left as written)
    with pytest.raises(srcdiff.SrcdiffError, match="row"):
        srcdiff.grad(rows_filled_and_kept, wrt=1)(A, x)


def rows_read_by_methods(A, x):
    B = A * 1.0
    for row in B:
        u = (B @ row) + 0.0
        np.multiply(B.max(axis=0), u, u)
        row[:2] = np.arctan(u)[1:] * row.sum()
    return np.sum(B * A)


def test_methods_giving_a_new_value_are_reads_of_the_rows_and_the_array():
    """`B.max(axis=0)` and `row.sum()` give new values, no view of B that could escape: the
    loop is rewritten (the fuzz's outs family, seed 2414, refused it)."""
    A, x = np.array([[0.4, 0.9, 1.3], [0.7, -0.2, 0.5], [0.1, 0.3, -0.6]]), np.array([1.0, 0.3, 2.0])
    check(rows_read_by_methods, A, x, wrt=(0, 1), order=2)
    fdef, new, _ = _rewrite("""
    def f(A):
        B = A * 1.0
        for row in B:
            r = row.reshape(3)
            row[0] = 1.0
        return r
    """)
    assert new is fdef   # (reshape gives a view of the row: left as written)


# -- a loop over a new array no name holds (lead20: `index in (row, seq)` matched the
# missing index against the missing name, so this branch never ran: refused as "writing into
# row8 would change np.where(A > 0.2, A, A) too", found in fuzz generators seed 2500000019)
def rows_of_a_new_array(x, A):
    for row in np.where(A > 0.2, A, A * 0.5):
        row[1:] = row[1:] * np.tanh(row[:-1])
        x = x + row
    return np.sum(x) + np.sum(A ** 2)


def rows_of_a_new_array_counted(x, A):
    for k, row in enumerate(np.tanh(A)):
        if k > 0:
            row[0] = row[1] * x[k]
        x = x * row
    return np.sum(x)


@pytest.mark.parametrize("f", [rows_of_a_new_array, rows_of_a_new_array_counted])
def test_rows_of_a_new_array_are_written_freely(f):
    check(f, np.array([0.1, -0.2, 0.05]), np.array([[0.5, 0.1, 0.9], [0.3, 0.7, -0.2]]),
          wrt=(0, 1))


# === `row op= e`: an update of each row in place (views21, issue #13's v1) ====================
def rows_updated(A, s):   # A 2-D: the largest class of false refusal in the fuzzer
    for row in A:
        row += s * row
    A = A * 2.0
    return np.sum(A ** 2)


def rows_updated_by_enumerate(A, x):
    B = np.tanh(A)
    for k, row in enumerate(B):
        row *= x[k]
        row -= np.sum(row) * 0.5
    return np.sum(B * A)


def test_rows_updated_in_place_are_written_back():
    A = np.arange(1.0, 7.0).reshape(2, 3) * 0.3 - 0.8
    check(rows_updated, A, 0.7, wrt=(0, 1), order=2)
    check(rows_updated_by_enumerate, A, np.array([0.7, -0.4]), wrt=(0, 1), order=2)


def test_an_updated_row_carries_the_check_of_two_dimensions():
    _fdef, new, text = _rewrite("""
def f(A, s):
    B = np.tanh(A)
    for row in B:
        row += s * row
    return np.sum(B)
""")
    assert "row = B[row_i].copy()\n        row += s * row\n        B[row_i] = row" in text
    assert [getattr(n, S.VIEWS_OF)[2] for n in S.walk(new) if hasattr(n, S.VIEWS_OF)] == \
        ["array rows"]


def test_rows_of_a_1d_array_are_numbers_and_their_update_is_refused_when_it_runs():
    """A 1-D: each row is a number, which `row += ...` binds anew, leaving A as it was;
    the rewrite would write it back, so the check before the loop refuses (the program
    differentiated before: the trade for 2-D arrays, whose rows are views)."""
    for make, extra in ((srcdiff.grad, ()), (srcdiff.jvp, (np.ones(3), 1.0))):
        with pytest.raises(srcdiff.RuntimeRefusal, match="1-D array here") as info:
            make(rows_updated, wrt=(0, 1))(np.array([0.5, 1.0, -0.3]), 0.7, *extra)
        assert __file__ in str(info.value)


def test_rows_of_a_list_updated_in_place_stay_refused():
    rows = [np.array([0.1, 0.2, 0.3]), np.array([0.4, 0.5, 0.6])]
    with pytest.raises(srcdiff.SrcdiffError):
        srcdiff.grad(rows_updated, wrt=1)(rows, 0.7)


def test_a_row_updated_after_the_loop_too_leaves_the_loop_alone():
    fdef, new, _ = _rewrite("""
def f(A, s):
    B = np.tanh(A)
    for row in B:
        row += s
    row += s
    return np.sum(B)
""")
    assert new is fdef


ROWS_UPDATED_MODULE = '''import numpy as np


def rows_updated(A, s):
    for row in A:
        row += s * row
    A = A * 2.0
    return np.sum(A ** 2)
'''


def test_rows_updated_in_a_codegen_module_are_written_back_and_checked(tmp_path):
    """The offline codegen command knows no argument's kind: the module it writes carries
    the check (standalone: its own check_views), right for a 2-D array, refusing a list and
    a 1-D array when it runs."""
    from cli_runs import run_cli, run_standalone
    from gradcheck import numerical_grad
    (tmp_path / "rows_mod.py").write_text(ROWS_UPDATED_MODULE)
    result = run_cli("rows_mod.py:rows_updated", "--wrt", "A,s", "-o",
                     str(tmp_path / "rows_grad.py"), cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr
    out = run_standalone(tmp_path, (
        "import numpy as np, rows_grad\n"
        "A = np.arange(1.0, 7.0).reshape(2, 3) * 0.3 - 0.8\n"
        "print(repr([g.tolist() if hasattr(g, 'tolist') else g for g in "
        "rows_grad.grad_rows_updated(A, 0.7)]))\n"
        "for bad in (np.array([0.5, 1.0]), [np.ones(2), np.ones(2)]):\n"
        "    try:\n"
        "        rows_grad.grad_rows_updated(bad, 0.7)\n"
        "    except Exception as e:\n"
        "        print(type(e).__name__, 'not an array of 2 or more dimensions' in str(e))\n"))
    lines = out.splitlines()
    got = eval(lines[0])
    A = np.arange(1.0, 7.0).reshape(2, 3) * 0.3 - 0.8
    f = {}
    exec(ROWS_UPDATED_MODULE, f)
    def on_a_copy(A, s):   # (the function writes into A's rows)
        return f["rows_updated"](A.copy(), s)
    for i in range(2):
        np.testing.assert_allclose(got[i], numerical_grad(on_a_copy, [A, 0.7], i),
                                   rtol=1e-5, atol=1e-8)
    assert lines[1:] == ["RuntimeRefusal True", "RuntimeRefusal True"]


def items_scaled_and_summed(x, s):   # a 1-D x: each t a number, `t *= s` binds it anew
    acc = 0.0
    for t in x:
        t *= s
        acc = acc + t * t
    return acc + np.sum(x * x)


def test_an_item_read_after_its_update_is_stored_back_only_into_a_2d_array():
    """`t *= s` then t read: a 1-D array's items are numbers, which the update binds anew
    (the array unchanged); a 2-D array's rows are views, which it changes. The loop goes over
    a private copy of each item, stored back only where the array has rows (ndim > 1);
    both differentiate (was refused for a 2-D array where it ran: hunt 22's row repros)."""
    fdef, new, text = _rewrite("""
def f(x, s):
    y = np.tanh(x)
    acc = 0.0
    for t in y:
        t *= s
        acc = acc + t
    return acc + np.sum(y)
""")
    assert new is not fdef and "if y.ndim > 1:" in text and "t = y[t_i].copy()" in text, text
    check(items_scaled_and_summed, M, 0.7, wrt=(0, 1), order=1)
    check(items_scaled_and_summed, np.array([0.3, -0.5, 0.9]), 0.7, wrt=(0, 1), order=2)


def rows_updated_then_read(x, A, s):   # (the repro of issue 13's row views)
    y = np.array(A)
    acc = 0.0
    for r in y:
        r *= s * x
        acc = acc + np.sum(r)
    return acc + np.sum(y * y)


def test_rows_updated_then_read_while_the_array_is_read_later_differentiate():
    check(rows_updated_then_read, np.array([0.1, 0.2, 0.3]), M, 0.7, wrt=(0, 1, 2), order=2)


# `for r in rows: r *= c` over a list the function built of new arrays
# (`rows = [A[i].copy() for i in ...]`, just before the loop) changes rows' items: refused
# before ("the loop takes its rows (or list items), which are shared"); now the loop goes
# over indices, each row a copy stored back (a copy again: a list keeps what it is given),
# and the run checks each item is an array of its own (runtime_checks.check_item_arrays).
def _list_rows_made_then_broken_off(A):
    rows = [np.sin(A[i]) for i in range(A.shape[0])]
    for r in rows:
        r[1:] *= r[0]
        if r[0] > 0.5:
            break
        r += 1.0
    return np.sum(np.vstack(rows) ** 3) + rows[0][2]


@pytest.mark.parametrize("f", [hunt27_programs.list_of_rows_mutated,
                               hunt27_programs.rows_scaled_through_loop_name,
                               _list_rows_made_then_broken_off])
def test_a_loop_writing_a_list_of_new_arrays_through_its_name_differentiates(f):
    check(f, np.arange(9.0).reshape(3, 3) * 0.1 + 0.2, order=2)


def _list_items_numbers(A):   # r *= 2.0 binds a number anew: rows unchanged
    rows = [A[i, 0] * 1.0 for i in range(A.shape[0])]
    for r in rows:
        r *= 2.0
    return sum(rows)


def _list_item_kept_before(A):   # first is rows[0] itself: it sees the writes
    rows = [A[i].copy() for i in range(A.shape[0])]
    first = rows[0]
    for r in rows:
        r *= 2.0
    return np.sum(first ** 2) + np.sum(np.vstack(rows))


class _Holder:
    def __init__(self, a):
        self.a = a

    def copy(self):
        return self.a


def _list_items_an_objects_array(A):   # h.copy() is h.a itself, read after
    h = _Holder(A * 1.0)
    rows = [h.copy() for i in range(1)]
    for r in rows:
        r *= 2.0
    return np.sum(h.a ** 2)


@pytest.mark.parametrize("f,match", [
    (_list_items_numbers, "an item of type float64"),
    (_list_item_kept_before, "shared, not copies"),
    (_list_items_an_objects_array, "shared, not copies")])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_loop_writing_list_items_other_names_hold_is_refused(f, match, mode):
    from gradcheck import refusal
    assert match in str(refusal(f, (np.arange(9.0).reshape(3, 3) * 0.1 + 0.2,), mode))


# `numpy.copyto(row[1:], v)` into a part of a loop's row taken by slices (a view: out_writes
# lowers it as the write row[1:] = v) is a write into the row, stored back into B: refused
# before, as a loop's shared row written. By an index array (a copy), it stays refused.
def _row_tail_copied_into(x):
    B = np.outer(x, x)
    for row in B:
        np.copyto(row[1:], row[:-1] * 2.0)
    return np.sum(B * np.arange(9.0).reshape(3, 3))


def _row_picked_copied_into(x):
    B = np.outer(x, x)
    for row in B:
        np.copyto(row[[1, 2]], row[:-1] * 2.0)
    return np.sum(B * np.arange(9.0).reshape(3, 3))


def test_copyto_into_a_slice_of_a_loops_row_differentiates():
    check(_row_tail_copied_into, np.array([0.4, -0.7, 1.1]), order=2)
    with pytest.raises(srcdiff.SrcdiffError):
        srcdiff.grad(_row_picked_copied_into)(np.array([0.4, -0.7, 1.1]))


def test_a_slice_of_the_row_given_to_copyto_is_a_write_into_it():
    loop = S.parse_function(textwrap.dedent('''
        def f(B):
            for row in B:
                np.copyto(row[1:, ...], 2.0)
    ''')).body[0]
    assert loop_rows._writes_into("row", loop.body)
    picked = S.parse_function("def f(B):\n    for row in B:\n        np.copyto(row[[0]], 2.0)")
    assert not loop_rows._writes_into("row", picked.body[0].body)


# The same loop over a list display of new arrays (`params = [w[:3].copy(), w[3:].copy()]`,
# just before the loop: each item evaluated once, a new object each) was refused as a write
# into shared items (hunt28's weight_decay_inplace_list); it goes over indices now, as over a
# comprehension's new items. A comprehension's own `p` after the loop (`sum(... for p in
# params)`) is another variable, no reading of the loop's row after it.
def _decayed_in_place(w):
    params = [w[:3].copy(), np.tanh(w[3:]), w[1:4] * 2.0]
    for k, p in enumerate(params):
        p *= 0.9
        p -= 0.05 * p ** 3 + 0.01 * k
    return sum(np.sum(p ** 2 * np.arange(1.0, 4.0)) for p in params)


def _display_item_held_by_a_name(w):   # a is params[0] itself: it sees the writes
    a = w[:3] * 1.0
    params = [a, w[3:].copy()]
    for p in params:
        p *= 0.9
    return np.sum(a ** 2) + sum(np.sum(p) for p in params)


def _display_items_numbers(w):   # p *= 2.0 binds a number anew: params unchanged
    params = [w[0] * 1.0, w[1] * 2.0]
    for p in params:
        p *= 2.0
        p += p * p
    return sum(params)


def test_a_loop_writing_a_list_display_of_new_arrays_differentiates():
    w = np.array([0.3, -0.8, 1.2, 0.5, -0.4, 0.9])
    check(_decayed_in_place, w, order=2)
    check(hunt28_programs.weight_decay_inplace_list, w, order=2)
    # the checks the rewrite brings are located at the user's lines (not line 1 of the file)
    text = srcdiff.source(srcdiff.grad(hunt28_programs.weight_decay_inplace_list))
    assert "hunt28_programs.py:1'" not in text and "check_item_arrays" in text


@pytest.mark.parametrize("f,match", [
    (_display_item_held_by_a_name, "shared, not copies"),
    (_display_items_numbers, "an item of type float64")])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_list_display_whose_items_are_held_or_numbers_stays_refused(f, match, mode):
    from gradcheck import refusal
    assert match in str(refusal(f, (np.array([0.3, -0.8, 1.2, 0.5, -0.4, 0.9]),), mode))


def _row_written_in_an_inner_while(A, s):   # (fuzz seed 3105000039, control family)
    for row in A:
        if s > 10.0:
            break
        k = 0
        while k < 2:
            k += 1
            row[0] = np.tanh(s * row[1]) + row[0]
    else:
        s = s * 2.0
    return np.sum(A * A) * s


def _row_written_in_an_inner_for(A, s):
    for row in A:
        for k in range(2):
            row[1:] = row[1:] * s + row[0]
    return np.sum(A * A)


def test_a_row_written_in_an_inner_loop_is_stored_back_as_a_copy():
    """A write into the row an inner loop runs again is a write into a row stored back
    already: each store-back takes a copy (before, refused naming the loop's own index,
    row_i, and a store the user did not write)."""
    A = np.arange(1.0, 7.0).reshape(2, 3) * 0.3
    check(_row_written_in_an_inner_while, A, 0.4, wrt=(0, 1), order=2)
    check(_row_written_in_an_inner_for, A, 0.4, wrt=(0, 1), order=2)


def _numbers_of_an_expression_updated(x):   # (fuzz seed 3013000043, control family)
    for i, r in enumerate(np.where(x < 0.2, x, 0.3)):
        r /= 1.5 + 0.5 * np.tanh(r)
    return np.sum(x * x)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_refusal_about_rows_of_an_expression_names_the_expression(mode):
    """The rows of a new array are read through a private name (r_rows): the run's refusal
    of a 1-D one names the user's expression instead, and says to name it."""
    from gradcheck import refusal
    err = refusal(_numbers_of_an_expression_updated, (np.array([0.1, 0.5, -0.3]),), mode)
    said = err.reason + " " + err.hint
    assert "r_rows" not in said and "np.where(x < 0.2, x, 0.3) is a 1-D array" in err.reason
    assert "rows = np.where(x < 0.2, x, 0.3)" in err.hint
