"""srcdiff/alias_guards.py: where a name read after a write may, or may not, share the
written array when the write runs, a check before the write (check_not_shared) takes the
place of the refusal: the lowered body gets the check, the derivative is right when the
check passes (gradcheck: finite differences, both modes, second order) and the run that
shows the sharing is refused at the user's line; a name surely sharing it (bound once)
keeps the refusal at compile time; makes_new_array, insert_guards and handed_back (the copy
a writing helper hands back, no row of another value) on their own."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import syntax as S
from srcdiff.alias_guards import insert_guards, makes_new_array
from srcdiff.core import Info, Kind

X = np.array([0.4, 0.9, 1.3, 0.7])


def alias_rebound_in_branch(x, c=1.0):
    a = x
    if c > 0.0:
        a = np.tanh(x) * c
    x[1] = np.sin(x[0])
    return np.sum(a * x)


def alias_bound_once(x):
    a = x
    x[1] = np.sin(x[0])
    return np.sum(a * x)


def alias_only_maybe_bound(x, c=1.0):
    if c > 0.0:
        a = x
    x[1] = np.sin(x[0])
    if c > 0.0:
        x = x + a
    return np.sum(x)


def test_a_name_that_may_hold_another_array_gets_a_check():
    source = srcdiff.source(srcdiff.grad(alias_rebound_in_branch))
    assert "check_not_shared(x, a, " in source
    check(alias_rebound_in_branch, X.copy(), 1.0, wrt=0)


def test_the_run_that_shares_is_refused_at_the_users_line():
    with pytest.raises(srcdiff.RuntimeRefusal, match="would also change a") as info:
        srcdiff.grad(alias_rebound_in_branch)(X.copy(), -1.0)
    assert info.value.lineno == alias_rebound_in_branch.__code__.co_firstlineno + 4


def test_a_name_bound_once_needs_no_check():
    # a = x, bound once and never rebound, is an exact alias: its reads go through x
    # (alias_groups.py), so the write is seen as Python sees it, with no check at run time
    check(alias_bound_once, X.copy())


def test_a_name_maybe_unbound_at_the_write_is_checked_when_it_runs():
    """`a = x` in one branch only, x written after, a read after where bound: the check
    looks at a's value where a is bound (a_if_bound, None where it is not)."""
    source = srcdiff.source(srcdiff.grad(alias_only_maybe_bound))
    assert "a_if_bound = None" in source and "check_not_shared(x, a_if_bound, " in source
    check(alias_only_maybe_bound, X.copy(), -1.0, wrt=0, order=2)
    _refused_at(alias_only_maybe_bound, 3, "would also change a", X.copy(), 1.0)


def _refused_at(f, offset, match, *args, wrt=0):
    """grad and jvp of f raise the located RuntimeRefusal at f's line `offset`."""
    for make in (srcdiff.grad, srcdiff.jvp):
        given = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
        if make is srcdiff.jvp:
            given += (np.ones_like(given[wrt]) if isinstance(given[wrt], np.ndarray) else 1.0,)
        with pytest.raises(srcdiff.RuntimeRefusal, match=match) as info:
            make(f, wrt=wrt)(*given)
        assert info.value.lineno == f.__code__.co_firstlineno + offset


# === holders bound on some paths only (issue #13): checked, unbound or not ===============
A3 = np.array([[0.3, -0.2, 0.5, 0.1], [0.1, 0.7, -0.4, 0.2], [0.6, 0.2, 0.9, -0.3]])


def row_bound_in_one_branch(x, s):
    if s > 0.0:
        m = np.stack([x * 1.0, x * 2.0])
        r = m[0]
    else:
        r = x * 3.0
    r[0] = s * s
    if s > 0.0:
        return np.sum(m * x)
    return np.sum(r * x)


def row_bound_then_rebound(x, s, c):
    if s > 0.0:
        m = np.stack([x * 1.0, x * 2.0])
        r = m[0]
    else:
        r = x * 3.0
    if c > 0.0:
        r = np.sin(x)
    r[0] = s * s
    if s > 0.0:
        return np.sum(m * x) + np.sum(r)
    return np.sum(r * x)


def _same(v):
    return v


def _doubled(v):
    return v * 2.0


def helper_result_in_one_branch(x, s):
    y = x * 2.0
    if s > 0.0:
        a = _same(y)
    y[0] = s * s
    if s > 0.0:
        return np.sum(a * x)
    return np.sum(y * x)


def new_helper_result_in_one_branch(x, s):
    y = x * 2.0
    if s > 0.0:
        a = _doubled(y) if s > 1.0 else _same(y)
    y[0] = s * s
    if s > 0.0:
        return np.sum(a * x)
    return np.sum(y * x)


def test_a_row_whose_array_is_bound_on_one_path_only_is_checked():
    """r = m[0] in one branch (m bound there only), r written after, m read after where
    bound: was differentiated with no check (a wrong derivative where m held r's memory);
    now checked against m's value where bound (m_if_bound)."""
    check(row_bound_in_one_branch, X.copy(), -0.4, wrt=(0, 1), order=2)
    _refused_at(row_bound_in_one_branch, 6, "writing into r here would change m", X.copy(),
                0.4)


def test_a_row_rebound_before_the_write_passes_the_check():
    check(row_bound_then_rebound, X.copy(), 0.4, 0.5, wrt=(0, 1), order=2)
    check(row_bound_then_rebound, X.copy(), -0.4, -0.5, wrt=(0, 1), order=2)
    _refused_at(row_bound_then_rebound, 8, "writing into r here would change m", X.copy(),
                0.4, -0.5)


def test_what_a_helper_gave_back_on_one_path_is_checked():
    """a = _same(y) in one branch, y written after, a read after where bound: was
    differentiated with no check (a wrong derivative: a is y); now the check refuses the
    run where a holds y, and passes where a is unbound or a new array."""
    check(helper_result_in_one_branch, X.copy(), -0.4, wrt=(0, 1), order=2)
    _refused_at(helper_result_in_one_branch, 4, "writing into y here would change a", X.copy(), 0.4)
    check(new_helper_result_in_one_branch, X.copy(), 1.4, wrt=(0, 1), order=2)
    _refused_at(new_helper_result_in_one_branch, 4, "writing into y here would change a", X.copy(), 0.4)


def test_makes_new_array_for_ufuncs_and_copying_functions_only():
    def bound(func, call="f(a)"):
        t = S.Assign(targets=[S.store("b")], value=S.quote_expr(call))
        t.sd = Info(Kind.CALL, func=func)
        return t
    assert makes_new_array(bound(np.sin)) and makes_new_array(bound(np.stack))
    assert not makes_new_array(bound(np.reshape)) and not makes_new_array(bound(len, "f"))
    assert not makes_new_array(bound(np.sin, "f(a, out=c)"))


def test_insert_guards_puts_each_check_before_its_statement_at_any_depth():
    body = S.parse_function("def f(x):\n    y = 1\n    for i in x:\n        z = i\n").body
    inner = body[1].body[0]
    insert_guards(body, {id(body[0]): [("a",)], id(inner): [("b",), ("c",)]},
                  lambda tag: S.Expr(value=S.load(tag)))
    assert [S.spell(t) for t in body[:2]] == ["a", "y = 1"]
    assert [S.spell(t) for t in body[2].body] == ["b", "c", "z = i"]


def _fill(out, v):
    out[:] = np.tanh(v)


def _scaled(M, c):
    M[0] = M[0] * c
    return M


def fills(x):
    t = np.zeros(4)
    _fill(t, x)
    return np.sum(t * x)


def scales_and_keeps(x):
    t = x * 1.0
    u = _scaled(t, 2.0)
    return np.sum(u * t)


def test_the_copy_a_writing_helper_hands_back():
    from srcdiff import analyze
    from srcdiff.alias_guards import handed_back
    from srcdiff.transform import lower_function
    for f, expected in ((fills, {"t": True}), (scales_and_keeps, {"t": False, "u": False})):
        stmts = list(analyze.flatten(lower_function(f).body))
        got = {analyze.assigned(s): handed_back(s, stmts) for s in stmts
               if s.sd.kind == Kind.SUBSCRIPT}
        assert got == expected, (f.__name__, got)   # (u = held[0]: the helper's result, t)


_FRESH_HELPERS = '''
import numpy as np

ACTS = {"tanh": np.tanh, "soft": lambda v: np.log1p(np.exp(v))}


def act(t, kind="tanh"):
    return ACTS[kind](t)


def layer_act(t, w, kind="tanh"):
    return act(w * t, kind)


def bumped(t, u):
    t += 0.5 * np.tanh(u)
    return np.sum(t * t)


def helper_result_of_a_view(x, A):
    A = A * 1.0
    a = layer_act(A[-1, :], x, "soft") + layer_act(A[-1, :], 0.5)
    A += np.arctan(A)
    return x @ a + bumped(A, a)


PASS = {"same": lambda v: v, "soft": lambda v: np.log1p(np.exp(v))}


def passed(t, kind="same"):
    return PASS[kind](t)


def a_helper_handing_the_view_back(x, A):
    A = A * 1.0
    a = passed(A[-1, :], "same")   # (the view itself)
    A += np.arctan(A)
    return x @ a + bumped(A, a)
'''


@pytest.fixture(scope="module")
def fresh_helpers(tmp_path_factory):
    import sys
    from user_modules import load
    module = load(tmp_path_factory.mktemp("fresh"), "guards_fresh", _FRESH_HELPERS)
    yield module
    del sys.modules["guards_fresh"]


def test_a_helpers_new_result_made_from_a_view_does_not_hold_the_view(fresh_helpers):
    """`a = layer_act(A[-1, :], x) + ...`: layer_act's every result is new and holds only
    new values (alias_flow_fresh.fresh_items, through the table ACTS), so a is no name made
    of the view, and the write into A is not checked against it (fuzz 1981000004, funcs:
    refused when it ran). The neighbour, where a table's function hands the view back (a is
    A's last row, read after the write), stays refused."""
    A = np.array([[0.3, -0.2, 0.1], [0.5, 0.7, -0.6], [-0.4, 0.9, 0.2]])
    x = np.array([0.3, -0.5, 0.8])
    check(fresh_helpers.helper_result_of_a_view, x, A, wrt=(0, 1), order=2)
    with pytest.raises(srcdiff.SrcdiffError, match=r"guards_fresh.py:[0-9]+: writing into A"):
        srcdiff.grad(fresh_helpers.a_helper_handing_the_view_back, wrt=(0, 1))(
            x.copy(), A.copy())
