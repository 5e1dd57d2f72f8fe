"""srcdiff/argument_writes.py: passed_on_write follows a parameter handed on to a function
that writes into it, as far down as `follow` lets it (the syntax-only checks of
argument_writes itself are in tests/test_aliasing.py)."""
import numpy as np

from srcdiff import frontend, inplace_calls, variadic
from srcdiff import syntax as S
from srcdiff.argument_writes import argument_writes, fresh_argument, passed_on_write


def _writes(t):
    t[0] = 1.0
    return 0.0


def _hands_on(t, u):
    return _writes(t) * u


def _hands_on_twice(a, b):
    return _hands_on(b, a) + 1.0


def _rebinds_then_hands_on(a):
    a = a * 2.0
    return _hands_on(a, 1.0)


def _syntax(fn):
    source = frontend.get_source(fn)
    params = variadic.parameter_names(source.node)
    return source, params, inplace_calls.callee_resolver(fn, None, source.node, params)


def _follow_all(callee):
    return _syntax(callee) if callee in (_writes, _hands_on, _hands_on_twice) else None


def _passed(fn, follow=_follow_all):
    source, params, resolve = _syntax(fn)
    assert argument_writes(source.node, params, resolve) == ([], [])
    return passed_on_write(source.node, params, resolve, follow, {fn})


def test_a_write_one_call_down_names_the_parameter_and_the_callee():
    param, call, name, where = _passed(_hands_on)
    assert (param, name) == ("t", "_writes")
    assert where.startswith("test_argument_writes.py:")
    assert call.func.id == "_writes"


def test_a_write_two_calls_down_maps_the_parameters_on_the_way():
    # _hands_on_twice(a, b) passes b as _hands_on's t, which _writes writes into
    param, _, name, _ = _passed(_hands_on_twice)
    assert param == "b"
    assert name == "_hands_on (and on to _writes)"


def test_follow_decides_which_callees_are_read():
    assert _passed(_hands_on_twice, follow=lambda callee: None) is None
    only_one_down = lambda callee: _syntax(callee) if callee is _hands_on else None  # noqa: E731
    assert _passed(_hands_on_twice, follow=only_one_down) is None


def test_a_parameter_rebound_first_is_not_the_callers():
    assert _passed(_rebinds_then_hands_on) is None


def _made_fresh(x):
    return np.tanh(x) * 2.0


def _made_shared(x):
    return x


def _argument_statements(fn):
    from srcdiff import analyze
    from srcdiff.transform import lower_function
    return {s.targets[0].id: s for s in analyze.flatten(lower_function(fn).body)
            if hasattr(s, "targets") and isinstance(s.targets[0], S.Name)}


def _calls_makers(x):
    a = x * 2.0
    b = -x
    c = np.sin(x)
    d = np.reshape(x, (3,))
    e = _made_fresh(x)
    f = _made_shared(x)
    g = np.array(x, copy=False)
    h = x[1:]
    i = (x * 2.0).copy()
    j = x.astype(float)
    return a, b, c, d, e, f, g, h, i, j


def test_fresh_argument_knows_new_values_from_shared_ones():
    # (x.copy() of a list shares its items: check_fresh_argument refuses one when it runs)
    made = _argument_statements(_calls_makers)
    assert [n for n in "abcdefghij" if fresh_argument(made[n])] == ["a", "b", "c", "e", "i",
                                                                     "j"]


# === a row of a 2-D argument, written through its name (loops family, seed 1721000039) =====
def shift_third_column(t, u, c=0.5):
    w4 = t.T[2]   # (a row of t.T: a view of the caller's t)
    a6 = np.std(w4)
    for i5 in range(len(w4) - 1, -1, -1):
        a6 = a6 * 0.5 + np.sin(w4[i5]) * w4[0]
        if (c - float(i5)) >= 0.5:
            a6 = a6 + 1.0
        elif (i5 * 0.3) > -0.3:
            w4 -= 0.3 * np.sin(u)
    return np.sum(w4 * u) + a6


def column_shifted_by_a_helper(x, A):
    return shift_third_column(A, np.ones(4), c=0.25) + np.sum(x * x)


def bump_third(t, u):
    w = t[2]   # (of a 1-D t: a number, rebound by -=)
    w -= 0.3 * u
    return w * u


def third_bumped(x, y):
    return np.sum(bump_third(x, y[1]) * x)


def test_an_items_update_writes_into_the_argument_where_it_is_a_row():
    fdef = frontend.get_source(shift_third_column).node
    writes, updates = argument_writes(fdef, ["t", "u", "c"])
    assert {p for p, _ in writes} == {"t"} and not updates   # (found in both passes)


def test_a_helper_shifting_a_row_of_the_callers_array_leaves_it_unchanged():
    from gradcheck import check
    x = np.array([0.4, 0.9, 1.3, 0.7])
    A = np.outer(x, np.array([-0.2, 0.6, 1.1, 0.5]))
    check(column_shifted_by_a_helper, x, A, wrt=0, order=2)   # (A unchanged: checked there)
    check(third_bumped, x, np.array([-0.2, 0.6, 1.1, 0.5]), wrt=(0, 1), order=2)



# -- an update (`t += 0.5`) handed on: in place for an array (fuzz seed 2131000020; the
# caller's array changes, which the derivative lost: tests/test_fuzz_found.py)
def _bumps(t):
    t += 0.5
    return 1.0


def _passes_on(u):
    d = {"b": u[1]}
    d["b"] += _bumps(u)
    return 0.5


def test_an_update_handed_on_is_named_with_its_operator():
    found = _passed(_passes_on, follow=lambda callee: _syntax(callee)
                    if callee is _bumps else None)
    param, call, name, where, op = found
    assert (param, name, call.func.id) == ("u", "_bumps", "_bumps")
    assert op is S.Add and where.startswith("test_argument_writes.py:")   # the run decides
