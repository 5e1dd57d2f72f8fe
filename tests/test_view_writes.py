"""srcdiff/view_writes.py: the rewrite of reads and writes of a view taken by basic slicing,
called directly on a parsed def. While `v = B[idx]` surely views B, reads of v become
`B[idx]` and writes into v writes into B; the rewritten def runs as the original does
(Python's own result and the arrays it wrote, on the same inputs), names in the index are
evaluated once, and what is not surely a view of an array is left as written. The
derivatives are checked in tests/test_issue13_views.py."""
import ast
import inspect
import textwrap

import numpy as np
import pytest

from srcdiff import syntax as S
from srcdiff import view_writes
from rewritten import run_def

X = np.array([0.3, 0.5, 0.9, 1.4])
A0 = np.arange(12.0).reshape(3, 4) / 7.0


def _rewrite(source, not_arrays=()):
    fdef = S.parse_function(textwrap.dedent(source))
    new = view_writes.rewrite(fdef, lambda name: {"np": np}.get(name), not_arrays)
    return fdef, new, ast.unparse(S.to_python_ast(new))


def _same_run(source):
    """The rewritten def returns what the original returns and leaves the arguments as the
    original leaves them."""
    fdef, new, text = _rewrite(source)
    assert new is not fdef, "not rewritten"
    want_args, got_args = (X.copy(), A0.copy(), 0.7), (X.copy(), A0.copy(), 0.7)
    want, got = run_def(fdef, *want_args), run_def(new, *got_args)
    np.testing.assert_allclose(got, want)
    for w, g in zip(want_args, got_args):
        np.testing.assert_allclose(g, w)
    return text


ROW_LOOP = """
def f(x, A, s):
    a2 = A[-1, :]
    t = np.sum(x[:3] * a2[:3])
    for i in range(3):
        a2 -= 0.3 * s
        if s > 5.0:
            continue
    return np.min(a2) + t + np.sum(A)
"""

ITEMS = """
def f(x, A, s):
    t = x * 1.0
    w = t[1:]
    w[0] = s * w[1]
    w[2] += s
    v = A[1::2, :]
    v[0, 3] = s
    v[0] -= 1.0
    return np.sum(t) + np.sum(A)
"""

CAPTURED = """
def f(x, A, s):
    k = 0
    r = A[k, 1:]
    k = 2
    r[0] = s
    r += A[k, 1:]
    return np.sum(A) + k
"""

STEPPED = """
def f(x, A, s):
    B = np.cos(A)
    c = B[:, ::2]
    c[1, 1] = s
    c[2] *= 3.0
    return np.sum(B)
"""


@pytest.mark.parametrize("source", [ROW_LOOP, ITEMS, CAPTURED, STEPPED])
def test_the_rewritten_def_runs_as_the_original(source):
    _same_run(source)


def test_the_view_is_read_and_written_through_its_array():
    text = _same_run(ROW_LOOP)
    assert "A[-1, :] -= 0.3 * s" in text and "np.min(A[-1, :])" in text
    assert "x[:3] * A[-1, :][:3]" in text


def test_items_go_to_the_composed_index():
    text = _same_run(ITEMS)
    assert "t[1] = s * t[1:][1]" in text and "t[3] += s" in text
    assert "A[1, 3] = s" in text and "A[1, :] -= 1.0" in text


def test_the_index_is_evaluated_once_at_the_binding():
    text = _same_run(CAPTURED)
    assert "r_at0 = k" in text and "A[r_at0, 1:] += A[k, 1:]" in text
    assert "A[r_at0, 1] = s" in text


LEFT_ALONE = {
    "a list's slice (a copy)": """
def f(x, A, s):
    L = [1.0, 2.0, s]
    w = L[1:]
    w[0] = s
    return L[1]
""",
    "an index that may be an array (fancy indexing: a copy)": """
def f(x, A, s):
    idx = np.array([0, 2])
    r = A[idx, :]
    r -= s
    return np.sum(A)
""",
    "the base bound anew on one path": """
def f(x, A, s):
    B = A * 1.0
    v = B[0, :]
    if s > 0.0:
        B = B * 2.0
    v += s
    return np.sum(B)
""",
    "the view read by a nested function": """
def f(x, A, s):
    v = A[0, :]
    g = lambda: v * 2.0
    v += s
    return np.sum(A) + np.sum(g())
""",
    "a base known to hold a container": """
def f(x, A, s):
    v = A[0, :]
    v += s
    return A
""",
}


@pytest.mark.parametrize("what", sorted(LEFT_ALONE))
def test_what_is_not_surely_a_view_of_an_array_is_left_alone(what):
    not_arrays = {"A"} if "container" in what else ()
    fdef, new, _ = _rewrite(LEFT_ALONE[what], not_arrays)
    assert new is fdef


def test_a_view_read_in_a_generator_expression_stays_a_read_of_the_view():
    fdef, new, text = _rewrite("""
def f(x, A, s):
    v = A[0, :]
    g = (t * 2.0 for t in v)
    v += s
    return sum(g)
""")
    assert "for t in v)" in text and "A[0, :] += s" in text
    np.testing.assert_allclose(run_def(new, X.copy(), A0.copy(), 0.7),
                               run_def(fdef, X.copy(), A0.copy(), 0.7))


def test_a_write_that_cannot_be_composed_stays_as_written():
    _, _, text = _rewrite("""
def f(x, A, s):
    t = x * 1.0
    w = t[1:3]
    w[1] = s
    w -= 1.0
    return np.sum(t)
""")
    assert "w[1] = s" in text and "t[1:3] -= 1.0" in text


def test_the_users_tree_is_left_alone():
    fdef = S.parse_function(textwrap.dedent(ROW_LOOP))
    before = S.dump(fdef)
    view_writes.rewrite(fdef, lambda name: {"np": np}.get(name))
    assert S.dump(fdef) == before


def test_a_comprehension_s_own_name_and_a_walrus_are_left_alone():
    fdef, new, text = _rewrite("""
def f(x, A, s):
    v = A[0, :]
    v += s
    t = [v * 2.0 for v in range(3)]
    u = A[1, :]
    w = (u := x[:3]) + u
    u += 1.0
    return np.sum(A) + sum(t) + np.sum(w) + np.sum(v)
""")
    assert "A[0, :] += s" in text and "[v * 2.0 for v in range(3)]" in text
    assert "w = (u := x[:3]) + u" in text and "    u += 1.0" in text
    np.testing.assert_allclose(run_def(new, X.copy(), A0.copy(), 0.7),
                               run_def(fdef, X.copy(), A0.copy(), 0.7))


# -- a copy of a parameter is what the parameter is (lead20: `B = A.copy(); v = B[:, 1:];
# v *= 2.0` was refused, "v is a view into B"; a list's copy is a list, which a tuple index
# makes raise, so a tuple-indexed view of it is as sure as one of the parameter itself)
from gradcheck import check   # noqa: E402
import srcdiff   # noqa: E402


def copied_then_viewed(A):
    B = A.copy()
    v = B[:, 1:]
    v *= 2.0
    v[0] = np.sin(v[1])
    return np.sum(B * A)


def copied_then_viewed_by_rows(A):
    B = A.copy()
    v = B[1:, :]
    v += A[:-1, :]
    return np.sum(B ** 2)


@pytest.mark.parametrize("f", [copied_then_viewed, copied_then_viewed_by_rows])
def test_a_tuple_indexed_view_of_a_parameters_copy_is_written_through(f):
    check(f, np.arange(1.0, 10.0).reshape(3, 3) * 0.3 - 1.0)


def one_dim_copy_viewed(x):
    y = x.copy()
    v = y[1:]   # x a list would make y a list and v a copy: the run checks y
    v[0] = 2.0
    return np.sum(y * x)


def test_a_single_slice_of_a_parameters_copy_is_written_through():
    check(one_dim_copy_viewed, np.array([0.5, 1.0, -0.3]))


def test_a_single_slice_of_what_may_be_a_list_is_checked_to_be_an_array():
    """`w = x[1:]` of a parameter (or its copy) written into: a list's slice is a copy, so
    the binding carries the check that x is NumPy's array ("array slice": rows=True); only
    read, it is left as written."""
    _fdef, new, _ = _rewrite("""
def f(x, A, s):
    w = x[1:]
    w += s
    return np.sum(x)
""")
    kinds = [getattr(n, S.VIEWS_OF)[2] for n in S.walk(new) if hasattr(n, S.VIEWS_OF)]
    assert kinds == ["array slice"]
    fdef, new, _ = _rewrite("""
def f(x, A, s):
    w = x[1:]
    return np.sum(w) + np.sum(x)
""")
    assert new is fdef


def row_of_copy(x):   # views21 v2: a row of a parameter's copy, updated in place
    B = x.copy()
    v = B[0]
    v *= 3.0
    return np.sum(B * x)


def test_a_row_of_a_copy_is_written_through_where_the_array_has_rows():
    check(row_of_copy, np.arange(1.0, 7.0).reshape(2, 3) * 0.3 - 1.0)
    _fdef, new, _ = _rewrite(inspect.getsource(row_of_copy))
    assert [getattr(n, S.VIEWS_OF)[1:3] for n in S.walk(new) if hasattr(n, S.VIEWS_OF)] \
        == [(("v", 2), "array index")]


def test_a_row_of_a_1d_copy_is_a_number_and_refused_when_it_runs():
    """B 1-D: `v = B[0]` is a number, which `v *= 3.0` binds anew; the rewrite would write
    into B, so the run refuses it (it differentiated before views21: the trade for the rows
    of 2-D arrays, checked at the binding)."""
    for make, extra in ((srcdiff.grad, ()), (srcdiff.jvp, (np.ones(3),))):
        with pytest.raises(srcdiff.RuntimeRefusal, match="not an array of 2 or more") as info:
            make(row_of_copy)(np.array([0.5, 1.0, -0.3]), *extra)
        assert __file__ in str(info.value)


def tail_of_copy(x):   # views21 v3: a single-slice view of a parameter's copy
    B = x.copy()
    v = B[1:]
    v *= 3.0
    return np.sum(B * x)


def test_a_tail_of_a_copy_updated_in_place_is_written_through():
    check(tail_of_copy, np.array([0.5, 1.0, -0.3, 0.8]))
