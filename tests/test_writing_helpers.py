"""srcdiff/writing_helpers.py: a helper writing into what its caller passes it (`fill(out, v)`
doing `out[:] = ...`, rows scaled in place, an optimiser step writing into a dict) is
differentiated where the caller's name is the only holder of what it passes, or where the
helper's copy written back into the caller's array is followed as the user's own write,
checked against finite differences in both modes and to second order; refused, located, where
another name would see the change (a view, a list holding it, the same array passed twice; a
may-alias when the run finds it), or where the variant cannot be made (the helper binds the
parameter anew). A parameter of the
caller's own is passed like a name only it holds (srcdiff never changes the caller's arrays)."""
import inspect

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff.writing_helpers import returning_written

X = np.array([0.5, -1.0, 0.5])


def fill(out, v):
    out[:] = np.tanh(v)


def fill_twice(out, v):
    if v[0] > 0:
        out[0] = v[1] * v[2]
        return
    out[1:] = np.sin(v[1:])


def mix(out, src):
    out[0] = 1.0
    out[1] = src[0] * 2.0 + src[1]


def scale_rows(M, c):
    for i in range(M.shape[0]):
        M[i] = M[i] * c
    return M


def two_outputs(a, b, v):
    a[0] = np.sin(v[0])
    b[1:] = v[1:] * a[0]
    return np.sum(v)


def rebinds(out, v):
    out[0] = v[0]
    out = out * 2.0
    return out


def step(p, g, lr=0.1):
    p["w"] = p["w"] - lr * g
    p["b"] = p["b"] * 0.9


# -- differentiated ---------------------------------------------------------------------
def fills_in_a_loop(x):
    out = np.zeros(3)
    s = 0.0
    for i in range(3):
        fill(out, x * (i + 1.0))
        s = s + np.sum(out * x)
    return s


def fills_on_one_branch(x):
    out = x * 1.0
    if x[0] > 0:
        fill(out, x)
    return np.sum(out * x)


def reads_before_the_fill(x):
    out = np.zeros(3)
    s = np.sum((out + 1.0) * x)
    fill(out, x)
    return s + np.sum(out)


def returns_early_or_not(x):
    out = x * 2.0
    fill_twice(out, x)
    y = -x
    fill_twice(out, y)
    return np.sum(out * out)


def keeps_the_helpers_result(x):
    M = np.outer(x, x) * 1.0
    M2 = scale_rows(M, x[0])
    return np.sum(M * x[2]) + np.sum(M2 * x[1])


def writes_two_outputs(x):
    a = np.zeros(3)
    b = x * 1.0
    s = two_outputs(a, b, x)
    return s * np.sum(a * b)


def steps_twice(x):
    P = {"w": x * 1.0, "b": x[0]}
    for _ in range(2):
        step(P, np.cos(P["w"]), lr=0.3)
    return np.sum(np.tanh(P["w"])) * P["b"]


@pytest.mark.parametrize("f", [fills_in_a_loop, fills_on_one_branch, reads_before_the_fill,
                               returns_early_or_not, keeps_the_helpers_result,
                               writes_two_outputs, steps_twice])
def test_a_helper_writing_into_a_name_only_the_caller_holds(f):
    check(f, X.copy())


def test_the_caller_sees_the_helpers_change_as_python_does():
    for f in (fills_in_a_loop, returns_early_or_not, writes_two_outputs, steps_twice):
        assert np.allclose(srcdiff.value_and_grad(f)(X.copy())[0], f(X.copy()))


# -- refused: another holder would see it --------------------------------------------------
def read_through_an_alias(x):
    out = np.zeros(3)
    o2 = out
    fill(out, x)         # alias_groups: out and o2 are one array, o2 read as out
    return np.sum(o2 * x)


def read_through_a_maybe_alias(x):
    out = np.zeros(3)
    o2 = x * 1.0
    if x[0] > 0.0:
        o2 = out
    fill(out, x)
    return np.sum(o2 * x)


def read_through_a_view(x):
    out = np.zeros(3)
    v = out[1:]
    fill(out, x)
    return np.sum(v) * x[0]


def read_through_a_list(x):
    out = np.zeros(3)
    L = [out, x]
    fill(out, x)
    return np.sum(L[0] * x)


def writes_into_the_result_shared_with_the_argument(x):
    M = np.outer(x, x) * 1.0
    M2 = scale_rows(M, x[0])
    M2[0, 0] = 3.0 * x[1]
    return np.sum(M * M2)


def test_a_change_seen_through_an_exact_alias():
    check(read_through_an_alias, X.copy(), order=2)
    check(param_read_through_an_alias, X.copy(), X * 2.0, wrt=(0, 1), order=2)


def _at_the_fill(err, f):
    lines, first = inspect.getsourcelines(f)
    fill_at = next(i for i, line in enumerate(lines) if "fill(out" in line)
    assert err.value.lineno == first + fill_at and err.value.filename == __file__


# where another name would see it, the helper's copy is written back into the caller's array
# (writing_helpers.write_back), a write aliasing.check_writes refuses or checks as the user's
def test_a_view_read_after_the_fill_sees_it():
    """v = out[1:] is read as out[1:] after fill(out, x) (view_writes.py): what Python's
    view shows, checked against central differences."""
    check(read_through_a_view, X.copy())


@pytest.mark.parametrize("f, reader", [(read_through_a_list, "L")])
def test_a_change_another_name_would_see_is_refused_at_the_call(f, reader):
    with pytest.raises(srcdiff.UnsupportedCodeError, match=f"would also change {reader}") \
            as err:
        srcdiff.grad(f)(X.copy())
    _at_the_fill(err, f)


def test_a_change_a_maybe_alias_would_see_is_checked_when_it_runs():
    check(read_through_a_maybe_alias, -X)   # (o2 is not out)
    with pytest.raises(srcdiff.RuntimeRefusal, match="would also change o2") as err:
        srcdiff.grad(read_through_a_maybe_alias)(X.copy())
    _at_the_fill(err, read_through_a_maybe_alias)


def test_the_result_and_the_argument_the_same_array_written_after_is_refused():
    with pytest.raises(srcdiff.SrcdiffError, match="would change M too"):
        srcdiff.grad(writes_into_the_result_shared_with_the_argument)(X.copy())


def passes_one_array_twice(x):
    out = x * 1.0
    mix(out, out)
    return np.sum(out * x)


def test_the_same_array_given_as_another_argument_is_refused_when_it_runs():
    with pytest.raises(srcdiff.RuntimeRefusal, match="another argument of this call"):
        srcdiff.grad(passes_one_array_twice)(X.copy())


def uses_a_helper_binding_its_parameter_anew(x):
    out = np.zeros(3)
    r = rebinds(out, x)
    return np.sum(out * x) + np.sum(r)


def test_a_helper_binding_its_parameter_anew_is_still_refused():
    with pytest.raises(srcdiff.UnsupportedCodeError, match="writes into its argument"):
        srcdiff.grad(uses_a_helper_binding_its_parameter_anew)(X.copy())


# -- the caller passes its own parameter (issue #13: the random tester's `h0(x, s)`) --------
# srcdiff never changes the caller's arrays (a parameter written into gets its own copy), so
# a helper writing into a parameter is seen only by the function's own names holding it.
def fills_its_own_parameter(x, out):
    fill(out, x)
    return np.sum(out * x)


def scales_its_parameter_in_a_test(x, A, s):
    if np.sum(scale_rows(A, s)) < 50.0:
        return np.sum(A * x) * s
    return s * 2.0


def fills_its_parameter_in_a_loop_taking_a_view_anew(x, out):
    s = 0.0
    for i in range(2):
        v = out[1:]
        s = s + np.sum(v * x[0])
        fill(out, x * (s + 1.0))
    return s + np.sum(out)


@pytest.mark.parametrize("f, args", [
    (fills_its_own_parameter, (X.copy(), X * 2.0)),
    (scales_its_parameter_in_a_test, (X.copy(), np.outer(X, X) + 1.0, 0.7)),
    (fills_its_parameter_in_a_loop_taking_a_view_anew, (X.copy(), X * 2.0))])
def test_a_helper_writing_into_the_callers_own_parameter(f, args):
    check(f, *args, wrt=tuple(range(len(args))))


def param_read_through_an_alias(x, out):
    o2 = out
    fill(out, x)
    return np.sum(o2 * x)


def param_read_through_a_maybe_alias(x, out):
    o2 = x
    if x[0] > 0.0:
        o2 = out
    fill(out, x)
    return np.sum(o2 * x)


def param_read_through_a_view(x, out):
    v = out[1:]
    fill(out, x)
    return np.sum(v) * x[0]


def param_iterated_while_filled(x, out):
    s = 0.0
    for r in out:
        fill(out, x * r)
        s = s + r
    return s


def test_a_parameter_another_name_holds_is_refused_at_the_call():
    with pytest.raises(srcdiff.UnsupportedCodeError, match="would also change v") as err:
        srcdiff.grad(param_read_through_a_view, wrt=(0, 1))(X.copy(), X * 2.0)
    _at_the_fill(err, param_read_through_a_view)
    with pytest.raises(srcdiff.RuntimeRefusal, match="would also change o2") as err:
        srcdiff.grad(param_read_through_a_maybe_alias, wrt=(0, 1))(X.copy(), X * 2.0)
    _at_the_fill(err, param_read_through_a_maybe_alias)


def test_a_parameter_a_maybe_alias_or_a_loop_reads_is_written_back_and_followed():
    # (the loop goes through out's numbers as Python's does: each the array's as written)
    check(param_read_through_a_maybe_alias, -X, X * 2.0, wrt=(0, 1))
    check(param_iterated_while_filled, X.copy(), X * 2.0, wrt=(0, 1))


# -- the variant ----------------------------------------------------------------------------
def test_the_variant_returns_the_result_and_the_parameters_written():
    variant = returning_written(two_outputs, ["a", "b"])
    a, b = np.zeros(3), X.copy()
    result, a2, b2 = variant(a, b, X)
    assert result == two_outputs(np.zeros(3), X.copy(), X) and a2 is a and b2 is b
    assert returning_written(two_outputs, ["a", "b"]) is variant   # made once
    assert returning_written(step, ["p"])({"w": X, "b": 1.0}, X)[0] is None
    assert returning_written(rebinds, ["out"]) is None
    assert returning_written(lambda out: out.fill(0), ["out"]) is None   # on the def's line


# -- issue #13 (random tester, plain family, seed 1330000000037): `h0(A, A)` where h0 writes
# into t, reads u never, and names a comprehension's variable t too
def bumps_and_lists(t, u):
    for r in np.ones(2) * 1.5:
        t[2] += np.log(1.5 + r * r)
    return np.stack([np.tanh(t) for t in np.ones(3) * -1.2])   # (u: never read)


def bumps_and_reads_u_rebound(t, u):
    t[2] += 1.5 * t[0]
    u = np.arctan(t)   # (u bound anew, then read: the check cannot tell, and stays)
    return u[0]


def passes_one_array_to_a_parameter_never_read(x, A):
    A = A * 1.0
    a = np.sum(x * bumps_and_lists(A, A)[0])
    return a + np.sum(A * x)


def test_a_comprehensions_variable_and_an_unread_parameter_do_not_refuse():
    check(passes_one_array_to_a_parameter_never_read, X.copy(), np.outer(X, X) + np.eye(3),
          wrt=(0, 1))


def passes_one_array_to_a_parameter_rebound_then_read(x):
    A = x * 1.0
    return bumps_and_reads_u_rebound(A, A) * np.sum(A)


def test_one_array_passed_to_a_parameter_read_is_still_checked():
    with pytest.raises(srcdiff.RuntimeRefusal, match="another argument of this call"):
        srcdiff.grad(passes_one_array_to_a_parameter_rebound_then_read)(X.copy())


def test_a_comprehensions_variable_binds_nothing_of_the_helpers():
    assert returning_written(bumps_and_lists, ["t"]) is not None
    assert returning_written(rebinds, ["out"]) is None


# -- a list holding one array at two keys (hunt 21): the helper's item update changes both --
def _add_into_first(lst, v):
    lst[0] += v
    return lst


def _shared_items(x):
    a = x * 1.0
    lst = [a, a]
    lst = _add_into_first(lst, x)
    return np.sum(lst[1] * x)


def test_a_list_repeating_an_array_is_not_handed_to_a_writing_helper():
    with pytest.raises(srcdiff.UnsupportedCodeError, match="writes into its argument"):
        srcdiff.grad(_shared_items)(np.array([0.3, -0.7]))


# -- a helper defined inside the differentiated function (standalone) -------------------------
K_LATE = 5.0


def nested_centering(x):
    def center_(v, s):
        v -= np.mean(v)
        v *= s
    w = np.tanh(x)
    center_(w, 2.0)
    return np.sum(np.sin(w) * x)


def nested_filling(x):
    def fill_(out, v):
        out[:] = np.tanh(v)
    o = np.zeros(3)
    fill_(o, x)
    return np.sum(o * x)


def nested_scaling_seen_by_alias(x):
    def scale_(v):
        v *= 2.0
    w = x * 1.0
    u = w
    scale_(w)
    return np.sum(u * x)


@pytest.mark.parametrize("f", [nested_centering, nested_filling,
                               nested_scaling_seen_by_alias])
def test_a_nested_helper_reading_none_of_its_enclosing_variables(f):
    check(f, X, order=2)


def nested_reading_a_later_name(x):
    def scale_(v):
        v *= K_LATE
    K_LATE = 2.0   # noqa: N806 (the closure reads this one, not the global)
    w = x * 1.0
    scale_(w)
    return np.sum(w * w)


def test_a_nested_helper_reading_an_enclosing_name_stays_refused():
    with pytest.raises(srcdiff.SrcdiffError, match="updates its argument 'v' in place") as err:
        srcdiff.grad(nested_reading_a_later_name)(X)
    assert "v *= K_LATE" in str(err.value)
