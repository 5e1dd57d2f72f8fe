"""Refusals name the user's file and line, quote it, and say what to do instead."""
import os
import re

import numpy as np
import pytest

import srcdiff
from srcdiff import errors
from gradcheck import check

HERE = os.path.basename(__file__)
X = np.array([0.5, 1.5])


def with_try(x):
    try:
        y = x * 2.0
    except ValueError:
        y = x
    finally:
        return np.sum(y)


def with_with(x):
    with open(__file__):
        y = x * 2.0
    return np.sum(y)


def with_global(x):
    global X
    return np.sum(x)


def with_yield(x):
    yield x


def with_class(x):
    class Inner:
        pass
    return np.sum(x)


def calls_builtin_without_rule(x):
    return np.sum(np.union1d(x, x))



def writes_into_argument(x):
    x[0] = 1.0
    return np.sum(x)


def star_args(x, *xs):
    y = x * 2.0   # (*x of x itself: its items, the derivative made per len(x))
    return np.add(*y)   # *y of a length srcdiff does not see, into a rule


def writes_into_a_view(x):
    y = x * 1.0
    v = y[1:]
    kept = [v]   # (a view read as y[1:] anew is followed: view_writes.py)
    y[1] = 5.0
    return np.sum(kept[0] * x[1:])


def writes_into_an_alias(x):
    y = x * 1.0
    z = x
    if x[1] > 0.0:
        z = y        # an alias on one path (an exact one is followed: alias_groups.py)
    y[0] = 2.0
    return np.sum(z * x)


def unknown_method(x):
    return np.sum(x.view())


def scatters_in_place(x):
    out = np.zeros(3)
    np.maximum.at(out, np.array([0, 2]), x)   # (numpy.add.at into a name differentiates)
    return np.sum(out * out)




def nested_calls_nested(x, a):
    def scaled(t):
        return a * t

    def twice(t):
        a = 3.0
        return scaled(t) * a
    return np.sum(twice(x))


def writes_into_loop_rows(x):
    a = x * 1.0
    m = [a, x * 2.0]   # (a list of new arrays is followed, loop_rows.py; a is read after)
    for row in m:
        row[0] = row[1] * 2.0
    return np.sum(m[0] * m[1]) + np.sum(a)


def writes_into_a_flip(x):
    y = x * 1.0
    z = np.flip(y)
    z[0] = 0.0
    return np.sum(y * x)


def writes_into_a_method_result(x):
    y = x * 1.0
    z = y.view()
    z[0] = 0.0
    return np.sum(y * x)


def writes_into_a_list_item(x):
    y = x * 1.0
    items = [y, x]
    z = items[0]
    z[0] = 0.0
    return np.sum(y * x)


def writes_into_an_unpacked_name(x):
    y = x * 1.0
    a, b = y, 2.0
    a[0] = b
    return np.sum(y * x)


def alias_kept_across_steps(x):
    u = x * 1.0
    keep = [x * 0.0]
    for step in range(2):
        keep = [u]   # (a list: `keep = u` itself is bound again after the write, alias_groups)
        u[0] = u[1] * 2.0
    return np.sum(keep[0] * x)


CASES = [
    (with_try, "try/finally", "after the try statement"),
    (with_with, "with-block", "enter the context"),
    (with_global, "global statement", "pass the value in"),
    (with_yield, "generators", "return a value"),
    (with_class, "defined in the function", "module level"),
    (calls_builtin_without_rule, "no derivative rule for numpy.union1d", "reverse_rule"),
    (star_args, "*xs", "one by one"),
    (writes_into_a_view, "view", "copy"),
    (writes_into_an_alias, "same array", "copy"),
    (unknown_method, "method .view()", "numpy function"),
    (scatters_in_place, "numpy.maximum.at is dropped", "loop over them"),
    (nested_calls_nested, "twice binds 'a', which scaled reads", "rename twice's own names"),
    (writes_into_loop_rows, "would change m too", "m[i, 0] = ..."),
    (writes_into_a_flip, "may be a view", "copy"),
    (writes_into_a_method_result, "comes from a method call", "copy"),
    (writes_into_a_list_item, "is an item of items", "copy"),
    (writes_into_an_unpacked_name, "is an item of a tuple or list built here", "copy"),
    (alias_kept_across_steps, "would also change keep", "copy"),
]


@pytest.mark.parametrize("f, reason, hint", CASES, ids=[c[0].__name__ for c in CASES])
def test_refusal_is_located(f, reason, hint):
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.grad(f)(X)
    err = info.value
    text = str(err)
    assert reason in text
    assert hint in text
    assert err.filename.endswith(HERE)
    # the line named is the one quoted, and it is in this file
    with open(__file__) as fh:
        lines = fh.read().splitlines()
    assert err.line.strip() == lines[err.lineno - 1].strip()
    assert f"{HERE}:{err.lineno}" in text


@pytest.mark.parametrize("f", [scatters_in_place])
def test_in_place_library_calls_are_refused_in_forward_mode_too(f):
    """Without the refusal both modes silently gave a zero derivative: the change the call
    makes to `out` is invisible to srcdiff."""
    with pytest.raises(srcdiff.SrcdiffError, match="in place|is given an out= array"):
        srcdiff.jvp(f)(X, np.ones_like(X))


try:
    import scipy.linalg as scipy_linalg
except ImportError:  # pragma: no cover - SciPy is an optional extra
    scipy_linalg = None


def solve_triangular_overwrites_b(a, b):
    return np.sum(scipy_linalg.solve_triangular(a, b, lower=True, overwrite_b=True) * b)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_scipy_overwrite_arguments_are_refused_located(mode):
    """overwrite_b=True (overwrite_a, overwrite_ab, ...) lets a SciPy call write into the array
    it is handed, which the rules read after the call (solve_banded's overwrite_ab gave a
    wrong derivative); refused at the user's line, like out="""
    if scipy_linalg is None:
        pytest.skip("SciPy is not installed")
    a, b = np.eye(3) * 2.0 + np.tril(np.ones((3, 3)), -1), np.arange(1.0, 4.0)
    b0 = b.copy()
    call = srcdiff.grad(solve_triangular_overwrites_b, wrt=(0, 1)) if mode == "grad" else (
        lambda a, b: srcdiff.jvp(solve_triangular_overwrites_b, wrt=1)(a, b, np.ones(3)))
    with pytest.raises(srcdiff.SrcdiffError, match=rf"{HERE}:\d+") as info:
        call(a, b)
    assert "overwrite_b=" in str(info.value) and "overwrite_b=False" in str(info.value)
    np.testing.assert_array_equal(b, b0)


def test_print_of_a_differentiated_value_is_fine(capsys):
    def shows(x):
        y = x * 2.0
        print("y is", y)
        return np.sum(y * y)
    np.testing.assert_allclose(srcdiff.grad(shows)(X), 8.0 * X)
    assert "y is" in capsys.readouterr().out


def test_error_points_at_the_offending_line():
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.grad(calls_builtin_without_rule)(X)
    assert "np.union1d(x, x)" in info.value.line


def test_no_source_is_a_clear_error():
    with pytest.raises(srcdiff.SrcdiffError, match="needs a Python function"):
        srcdiff.grad(np.nextafter)(X, X)   # no source and no rule (np.sin goes through its rule)


def test_writing_into_an_argument_works_on_a_private_copy():
    x = np.array([0.5, 1.5])
    g = srcdiff.grad(writes_into_argument)(x)
    np.testing.assert_array_equal(x, [0.5, 1.5])
    np.testing.assert_array_equal(g, [0.0, 1.0])


def _cubic(x):
    return np.sum(x ** 3.0)


CUBIC_GRAD = srcdiff.grad(_cubic)


def uses_a_derivative(x):
    return np.sum(CUBIC_GRAD(x) ** 2)


def test_a_derivative_called_inside_is_differentiated():
    # was refused ("a derivative it made"); now differentiated through (srcdiff/compose.py)
    from gradcheck import check_grad, check_jvp
    check_grad(uses_a_derivative, X)
    check_jvp(uses_a_derivative, X)


def update_through_alias(x):
    y = x * 1.0
    z = y
    z += 1.0
    return np.sum(y * x)


def update_through_view(x):
    y = x * 1.0
    z = y[1:]
    for k in range(2):
        z *= 2.0        # (z views the first y; a view of y, not bound anew, is followed:
        y = y + 1.0     # view_writes.py)
    return np.sum(y * x)


def update_loop_rows(x):
    m = np.outer(x, x)
    for row in m:
        row -= 1.0
    return np.sum(m * m)


@pytest.mark.parametrize("f", [update_through_alias, update_through_view])
def test_in_place_updates_another_name_sees_are_refused_when_they_run(f):
    """`z += v` on an array changes it in place, under its other names too: refused (when it
    runs, since for numbers it is a plain rebinding), in both modes."""
    with pytest.raises(srcdiff.RuntimeRefusal, match="would (also )?change") as info:
        srcdiff.grad(f)(X)
    assert f"{HERE}:" in str(info.value)
    with pytest.raises(srcdiff.RuntimeRefusal, match="would (also )?change"):
        srcdiff.jvp(f)(X, np.ones_like(X))


def second_update_of_a_listed_array(x):
    w = x * 0.5
    u = [x, w]
    if x[0] > 5.0:
        w += x          # does not run at X: the first write into w
    w += x * 0.5        # runs, and changes u[1] too
    return np.sum(u[1])


def item_write_after_an_update(x):
    w = x * 0.5
    u = [x, w]
    if x[0] > 5.0:
        w += x
    w[0] = 3.0          # changes u[1] too
    return np.sum(u[1])


def test_every_write_into_a_shared_array_is_checked_not_only_the_first():
    """Each write into an array another name shares is refused (or checked when it runs),
    not only the first one in the function (the second one went unseen: a wrong value and
    gradient in both modes)."""
    line = next(i for i, text in enumerate(open(__file__).read().splitlines(), 1)
                if "# runs, and changes u[1] too" in text)
    for run in (lambda f: srcdiff.grad(f)(X), lambda f: srcdiff.jvp(f)(X, np.ones_like(X))):
        with pytest.raises(ValueError, match="would also change u") as info:
            run(second_update_of_a_listed_array)
        assert f"{HERE}:{line}:" in str(info.value)
        with pytest.raises(srcdiff.SrcdiffError, match="would also change u") as info:
            run(item_write_after_an_update)
        assert f"{HERE}:{line + 9}:" in str(info.value)


def update_numbers_and_unread_aliases(w0, x):
    total = np.sum(x)
    kept = total
    kept += 1.0                 # numbers: a rebinding, as in Python
    w = w0
    for i in range(3):
        w -= 0.1 * np.tanh(w * x)   # w0 is not read again: nothing sees the change
    return np.sum(w * w) * kept * total


def update_on_a_copy(w0, x):
    total = np.sum(x)
    kept = total + 1.0
    w = w0.copy()
    for i in range(3):
        w = w - 0.1 * np.tanh(w * x)
    return np.sum(w * w) * kept * total


def test_in_place_updates_nobody_else_sees_work():
    """(The function changes the caller's w0 in place, so finite differences of it would
    drift; they are taken of the same function written with a copy.)"""
    from gradcheck import check_grad
    for wrt in (0, 1):
        want = check_grad(update_on_a_copy, X * 1.0, X + 0.3, wrt=wrt)
        w0 = X * 1.0
        got = srcdiff.grad(update_numbers_and_unread_aliases, wrt=wrt)(w0, X + 0.3)
        np.testing.assert_allclose(got, want, rtol=1e-12)
        np.testing.assert_array_equal(w0, X * 1.0)  # and the caller's array is left alone


# --- refusals made while the derivative runs ------------------------------------------------
# Each program's refused line carries the comment `# refused`; the refusal must be a
# RuntimeRefusal (a SrcdiffError, and a ValueError as before) naming this file and that
# line, quoting it, and never naming srcdiff's temporaries (mul_1, tuple_1, ...).
TEMPORARY = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*_\d+\b")
V = np.array([0.5, 1.5, 2.0])


def rt_update_through_alias(x):
    y = x * 1.0
    z = y
    z += 1.0  # refused
    return np.sum(y * x)


def rt_update_a_row(x):
    m = np.outer(x, x)
    r = m[0]
    r *= 2.0  # refused
    return np.sum(m * m)


def rt_update_an_unpacked_item(x):
    y = x * 1.0
    a, b = y, 2.0
    a *= b  # refused
    return np.sum(y * x)


def rt_update_a_list_item(x):
    m = np.outer(x, x)
    held = [m, x]
    z = held[1]
    z *= 2.0  # refused
    return np.sum(m * x) + np.sum(held[1])


def rt_swap_rows(x):
    m = np.outer(x, x)
    m[0], m[1] = m[1], m[0]  # refused
    return np.sum(m * x)


def rt_write_a_row(x):
    m = np.outer(x, x)
    r = m[0]
    r[1] = x[0] * x[1]  # refused
    return np.sum(m * m)


def rt_repeated_index(x, idx):
    y = x * 1.0
    y[idx] = x[:2] * 2.0  # refused
    return np.sum(y * y)


def rt_complex_norm(x):
    return np.linalg.norm(x * (1.0 + 2.0j), ord=1)  # refused


def rt_helper_norm(v):
    return np.linalg.norm(v * 1j, ord=np.inf)  # refused


def rt_calls_a_helper(x):
    return rt_helper_norm(x * 2.0) * np.sum(x)


def rt_helper_updates(v):
    y = v * 1.0
    z = y
    z -= 1.0  # refused
    return np.sum(y * v)


def rt_helper_repeats(v, idx):
    y = v * 1.0
    y[idx] = v[:2]  # refused
    return np.sum(y * y)


def rt_loops_over_helpers(x, idx):
    total = 0.0
    for k in range(2):
        total = total + rt_helper_repeats(x * 2.0, idx) + rt_helper_updates(x)
    return total


def rt_write_under_a_row(x):
    m = np.outer(x, x)
    r = m[0]
    m[:, 1] = 5.0  # refused
    return np.sum(r * x)


def rt_scale_under_a_row(x):
    m = np.outer(x, x)
    r = m[2]
    m *= 2.0  # refused
    return np.sum(r * x)


def rt_write_under_an_appended_row(x):
    m = np.outer(x, x)
    rows = []
    rows.append(m[0])
    m[0, 0] = 3.0  # refused
    return np.sum(rows[0] * x)


def rt_update_an_alias_in_either_branch(x):
    y = x * 1.0
    z = y
    if x[0] > 0:
        z += 1.0  # refused
    else:
        z *= 2.0  # refused
    return np.sum(y * x)


def rt_update_a_row_in_either_branch(x):
    m = np.outer(x, x)
    r = m[0]
    if x[0] > 0:
        r += 1.0  # refused
    else:
        r *= 2.0  # refused
    return np.sum(m * x)


def rt_update_one_of_two_names(x):
    a = b = x * 1.0
    a *= 2.0  # refused
    return np.sum(b * x)


def rt_update_a_conditional_alias(x):
    y = x * 1.0
    z = y if x[0] > 0 else y * 2.0
    z *= 2.0  # refused
    return np.sum(y * x)


def same(v):
    return v


def rt_update_what_a_helper_returned(x):
    y = x * 1.0
    z = same(y)
    z += 1.0  # refused
    return np.sum(y * x)


def rt_update_an_item_of_an_item(x):
    y = np.outer(x, x)
    held = [y]
    z = held[0][0]
    z *= 2.0  # refused
    return np.sum(y * x)


def rt_write_one_of_two_names(x):
    a = b = x * 1.0
    if np.sum(x) > 1e9:
        b = x * 2.0   # (an alias on one path only; an exact one is followed: alias_groups.py)
    b[0] = 5.0  # refused
    return np.sum(a * x)


def rt_write_what_a_helper_returned(x):
    y = x * 1.0
    z = same(y)
    z[0] = 5.0  # refused
    return np.sum(y * x)


def rt_write_under_what_a_helper_returned(x):
    y = x * 1.0
    z = same(y)
    y[0] = 5.0  # refused
    return np.sum(z * x)


def rt_update_under_a_conditional_alias(x):
    y = x * 1.0
    z = y if x[0] > 0 else y * 2.0
    y *= 3.0  # refused
    return np.sum(z * x)


def rt_write_an_item_a_helper_passed_back(x):
    y = x * 1.0
    a, b = same((y, 2.0))
    a[0] = 3.0  # refused
    return np.sum(y * x)


def rt_linspace_step_by_name(x, step):
    v = np.linspace(0.0, x, 4, retstep=step)  # refused
    return np.sum(v[0])


def rt_matrix_directive_by_name(x, directive):
    return np.sum(np.r_[directive, x, x * 2.0] * 3.0)  # refused


def rt_zero_scale(x, s):
    np.random.seed(0)
    return np.sum(np.random.normal(1.0, x * s, 3) * x)  # refused


def rt_equal_bounds(x):
    np.random.seed(0)
    return np.sum(np.random.uniform(x, x) * x)  # refused


def rt_zero_scale_in_a_loop(x):
    np.random.seed(0)
    total = 0.0
    for k in range(3):
        total = total + np.sum(np.random.exponential(x * (1 - k), 3))  # refused
    return total


REPEATS = np.array([0, 0])
# (function, extra arguments after x, a phrase of the reason, the modes that refuse: grad,
# jvp, hvp; a jvp follows NumPy where the reverse pass could not)
RUNTIME_CASES = [
    (rt_update_through_alias, (), "z is an alias of y", "grad jvp hvp"),
    (rt_update_an_unpacked_item, (), "a is an item of a tuple or list built here",
     "grad jvp hvp"),
    (rt_update_a_list_item, (), "z is an item of held", "grad jvp hvp"),
    (rt_swap_rows, (), "reads a row of m", "grad jvp hvp"),
    (rt_repeated_index, (REPEATS,), "more than once", "grad hvp"),
    (rt_complex_norm, (), "norms of complex values", "grad jvp hvp"),
    (rt_calls_a_helper, (), "norms of complex values", "grad jvp hvp"),
    (rt_loops_over_helpers, (REPEATS,), "", "grad jvp hvp"),
    (rt_update_one_of_two_names, (), "a may be b itself", "grad jvp hvp"),
    (rt_update_a_conditional_alias, (), "z may be y itself", "grad jvp hvp"),
    (rt_update_what_a_helper_returned, (), "may return y itself", "grad jvp hvp"),
    (rt_update_an_item_of_an_item, (), "would change y too: z is taken from held", "grad jvp hvp"),
    (rt_write_one_of_two_names, (), "b may be a itself", "grad jvp hvp"),
    (rt_write_what_a_helper_returned, (), "may return y itself", "grad jvp hvp"),
    (rt_write_under_what_a_helper_returned, (), "z may be y itself", "grad jvp hvp"),
    (rt_update_under_a_conditional_alias, (), "would also change z (through the value made on line", "grad jvp hvp"),
    (rt_write_an_item_a_helper_passed_back, (), "would change", "grad jvp hvp"),
    (rt_write_under_a_row, (), "would also change r: the row of m taken on line",
     "grad jvp hvp"),
    (rt_scale_under_a_row, (), "would also change r", "grad jvp hvp"),
    (rt_write_under_an_appended_row, (), "would also change what rows holds",
     "grad jvp hvp"),
    (rt_linspace_step_by_name, (True,), "without retstep=True", "grad jvp hvp"),
    (rt_matrix_directive_by_name, ("r",), "matrix directive 'r'", "grad jvp hvp"),
    (rt_zero_scale, (0.0,), "which a zero scale does not keep", "grad jvp hvp"),
    (rt_equal_bounds, (), "equal bounds (high == low)", "grad jvp hvp"),
    (rt_zero_scale_in_a_loop, (), "which a zero scale does not keep", "grad jvp hvp"),
]


def _refused_line(err):
    with open(__file__) as fh:
        lines = fh.read().splitlines()
    return lines[err.lineno - 1]


def _assert_located_at_run(err):
    assert type(err) is srcdiff.RuntimeRefusal
    assert isinstance(err, srcdiff.SrcdiffError) and isinstance(err, ValueError)
    assert os.path.samefile(err.filename, __file__), err.filename
    line = _refused_line(err)
    assert line.rstrip().endswith("# refused"), line
    assert err.line == line.strip()
    text = str(err)
    assert f"{HERE}:{err.lineno}: " in text and line.strip() in text
    assert err.hint and "hint: " in text
    assert not TEMPORARY.findall(err.reason + " " + err.hint), text


def _run(mode, f, extra):
    x = V.copy()
    if mode == "grad":
        return srcdiff.grad(f)(x, *extra)
    if mode == "jvp":
        return srcdiff.jvp(f, wrt=0)(x, *extra, np.ones_like(x))
    return srcdiff.hvp(f, wrt=0)(x, *extra, np.ones_like(x))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hvp"])
@pytest.mark.parametrize("f, extra, reason, modes", RUNTIME_CASES,
                         ids=[c[0].__name__ for c in RUNTIME_CASES])
def test_refusal_at_run_time_is_located(f, extra, reason, modes, mode):
    """First order in both modes and second order (forward mode over the emitted gradient):
    the refusal names the user's line, also inside a helper (rt_helper_norm's line)."""
    if mode not in modes.split():
        pytest.skip(f"{mode} follows NumPy here (checked against finite differences below)")
    with pytest.raises(srcdiff.RuntimeRefusal) as info:
        _run(mode, f, extra)
    _assert_located_at_run(info.value)
    assert reason in info.value.reason


def static_linspace_step(x):
    v, step = np.linspace(0.0, x, 4, retstep=True)  # refused
    return np.sum(v) * step


def static_linspace_step_by_position(x):
    v = np.linspace(x, 2.0, 5, True, True)  # refused
    return np.sum(v[0])


def static_matrix_directive(x):
    return np.sum(np.r_["r", x, x * 2.0])  # refused


def static_column_directive(x):
    m = np.c_["c", x, x]  # refused
    return np.sum(m)


STATIC_CASES = [(static_linspace_step, "without retstep=True", "(stop - start) / (num - 1)"),
                (static_linspace_step_by_position, "without retstep=True", "step yourself"),
                (static_matrix_directive, "matrix directive 'r'", "numpy.concatenate"),
                (static_column_directive, "matrix directive 'c'", "numpy.concatenate")]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hvp"])
@pytest.mark.parametrize("f, reason, hint", STATIC_CASES,
                         ids=[c[0].__name__ for c in STATIC_CASES])
def test_what_the_source_shows_is_refused_before_the_code_runs(f, reason, hint, mode):
    """retstep=True and a matrix directive written as constants: refused when the
    derivative is made (an UnsupportedCodeError at the user's line), in both modes and to
    second order, not when it runs."""
    with pytest.raises(srcdiff.UnsupportedCodeError) as info:
        if mode == "grad":
            srcdiff.grad(f)
        elif mode == "jvp":
            srcdiff.jvp(f)
        else:
            srcdiff.hvp(f)
        _run(mode, f, ())
    err = info.value
    assert os.path.samefile(err.filename, __file__), err.filename
    line = _refused_line(err)
    assert line.rstrip().endswith("# refused"), line
    assert err.line.strip() == line.strip() and f"{HERE}:{err.lineno}: " in str(err)
    assert reason in err.reason and hint in err.hint
    assert not TEMPORARY.findall(err.reason + " " + err.hint), str(err)


def test_forward_mode_follows_what_the_reverse_pass_refuses():
    """A jvp follows a write into a row view (its tangent's row is a view too) and a
    repeated-index write (the tangent lands where NumPy puts the value)."""
    from gradcheck import check_jvp
    check_jvp(rt_write_a_row, V.copy())
    check_jvp(rt_repeated_index, V.copy(), REPEATS)


def update_a_number_taken_by_index(x):
    s = x[0]
    s *= 2.0
    return s * np.sum(x)


def write_into_a_picked_copy(x, perm):
    picked = x[perm]
    picked[0] = 0.0
    return np.sum(picked * x)


def write_into_a_row_nobody_reads_again(x):
    m = np.outer(x, x)
    r = m[0]
    r[1] = 5.0
    return np.sum(r * x)


def pair(x):
    return x * 2.0, x * 3.0


def write_into_an_item_of_a_returned_pair(x):
    a, b = pair(x)
    a[0] = 1.0
    a *= 2.0
    return np.sum(a * b)


def real_norm_of_order_one(x):
    return np.linalg.norm(x * 2.0, ord=1) + np.linalg.norm(x, ord=3)


def complex_norm_not_differentiated(x):
    c = np.array([1.0 + 1.0j, 2.0])
    return np.linalg.norm(c, ord=1) * np.sum(x * x)


def rows_of_a_recurrence(x):
    h = np.zeros((3, 3))
    h[0] = x
    for i in range(1, 3):
        prev = h[i - 1]
        h[i] = np.tanh(prev * 0.5 + x)  # another row than prev's
    return np.sum(h * h)


def write_beside_a_row(x):
    m = np.outer(x, x)
    r = m[0]
    m[1, 0] = 5.0
    m[-1] *= 2.0
    return np.sum(r * x) + np.sum(m * m)


def rows_of_a_list(x):
    held = [x * 2.0, x * 3.0]
    r = held[0]
    held[0] = x * 4.0  # rebinds the list's slot: r keeps the old array
    return np.sum(r * held[0])


def update_a_conditional_copy(x):
    y = x * 1.0
    z = y if x[0] > 5.0 else y * 2.0  # here: the copy
    z *= 2.0
    return np.sum(y * x) + np.sum(z * z)


def doubled(v):
    return v * 2.0


def update_what_a_helper_made(x):
    y = x * 1.0
    z = doubled(y)
    z += 1.0
    return np.sum(y * z)


def grid_with_its_step(x):
    grid, step = np.linspace(0.0, 1.0, 5, retstep=True)  # of constants: no derivative
    return np.sum(np.sin(grid[:3] * x)) * step


def matrix_of_constants(x):
    m = np.r_["r", [1.0, 2.0], [3.0, 4.0]]
    return np.sum(x * x) * np.asarray(m).sum()


def steps_not_asked(x, step=False):
    v = np.linspace(x[0], x, 3, retstep=step)
    return np.sum(v * v)


def axis_directive_by_name(x, directive="0"):
    return np.sum(np.r_[directive, x, x * x] * np.arange(6.0))


def zero_scale_not_differentiated(x):
    np.random.seed(2)
    return np.sum(np.random.normal(x, 0.0, 3) * x + np.random.uniform(x, x + 1.0) ** 2)


def scales_of_samples(x):
    np.random.seed(3)
    return np.sum(np.random.normal(x, x * x + 0.5) + np.random.exponential(x * x + 0.1) ** 2)


PERM = np.array([2, 0, 1])
ACCEPTED = [
    (update_a_number_taken_by_index, ()),
    (write_into_a_picked_copy, (PERM,)),
    (write_into_a_row_nobody_reads_again, ()),
    (write_into_an_item_of_a_returned_pair, ()),
    (real_norm_of_order_one, ()),
    (complex_norm_not_differentiated, ()),
    (rows_of_a_recurrence, ()),
    (write_beside_a_row, ()),
    (rows_of_a_list, ()),
    (update_a_conditional_copy, ()),
    (update_what_a_helper_made, ()),
    (grid_with_its_step, ()),
    (matrix_of_constants, ()),
    (steps_not_asked, ()),
    (axis_directive_by_name, ()),
    (zero_scale_not_differentiated, ()),
    (scales_of_samples, ()),
]


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
@pytest.mark.parametrize("f, extra", ACCEPTED, ids=[c[0].__name__ for c in ACCEPTED])
def test_the_run_time_checks_pass_what_is_right(f, extra):
    """The checks refuse only what the run shows is shared: copies, numbers, writes nobody
    sees, real norms and norms not differentiated are right, to second order."""
    from gradcheck import check_grad, check_hvp, check_jvp
    x = np.array([0.5, -1.5, 2.0])
    check_grad(f, x, *extra)
    check_jvp(f, x, *extra)
    check_hvp(f, x, *extra, vector=np.array([0.3, -0.2, 1.0]), atol=1e-5)


def test_run_time_refusals_in_a_generated_module(tmp_path):
    """The codegen command's module refuses the same way, naming the user's file and line,
    without srcdiff: it carries its own copy of the exception classes."""
    import subprocess
    import sys
    user = tmp_path / "user_code.py"
    user.write_text("import numpy as np\n\n\n"
                    "def aliased(x, idx):\n"
                    "    y = x * 1.0\n"
                    "    z = y\n"
                    "    z += 1.0  # refused\n"
                    "    return np.sum(y * x)\n\n\n"
                    "def repeated(x, idx):\n"
                    "    w = x * 1.0\n"
                    "    w[idx] = x[:2] * 2.0  # refused\n"
                    "    return np.sum(w * w)\n\n\n"
                    "def complex_norm(x, idx):\n"
                    "    return np.linalg.norm(x * 1j, ord=1)  # refused\n\n\n"
                    "def zero_scale(x, idx):\n"
                    "    np.random.seed(0)\n"
                    "    return np.sum(np.random.normal(1.0, x * 0.0, 3))  # refused\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root)
    names = ("aliased", "repeated", "complex_norm", "zero_scale")
    made = subprocess.run([sys.executable, "-m", "srcdiff", *[f"user_code.py:{n}" for n in names],
                           "-o", "grads.py"], cwd=tmp_path, env=env, capture_output=True,
                          text=True)
    assert made.returncode == 0, made.stderr
    script = (
        "import sys\n"
        f"sys.path = [p for p in sys.path if not p.startswith({root!r})]\n"
        "sys.modules['srcdiff'] = None\n"
        "import numpy as np, grads\n"
        f"for name in {names!r}:\n"
        "    try:\n"
        "        getattr(grads, 'grad_' + name)(np.array([0.5, 1.5, 2.0]), np.array([0, 0]))\n"
        "    except ValueError as err:\n"
        "        print(type(err).__name__, err.filename, err.lineno, err.line, sep='|')\n"
        "        print(' '.join(str(err).split()))\n")
    ran = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                         text=True, env={k: v for k, v in os.environ.items()
                                         if k != "PYTHONPATH"})
    assert ran.returncode == 0, ran.stderr
    lines = user.read_text().splitlines()
    out = ran.stdout.splitlines()
    assert len(out) == 2 * len(names), ran.stdout
    for where, text in zip(out[::2], out[1::2]):
        kind, filename, lineno, line = where.split("|")
        assert kind == "RuntimeRefusal"
        # named by base name, as the codegen command names files (no machine folders)
        assert filename == "user_code.py" and os.path.samefile(tmp_path / filename, user)
        assert line == lines[int(lineno) - 1].strip() and line.endswith("# refused")
        assert text.startswith(f"{filename}:{lineno}: ")
        assert not TEMPORARY.findall(text[len(f"{filename}:{lineno}: "):]), text


def test_dask_boolean_mask_refusal_is_located():
    da = pytest.importorskip("dask.array")

    def masked(x):
        y = x[x > 0]  # refused
        return np.sum(y * y)
    with pytest.raises(srcdiff.RuntimeRefusal) as info:
        srcdiff.grad(masked)(da.from_array(V, chunks=2))
    _assert_located_at_run(info.value)
    assert "numpy.where(mask, x, 0)" in info.value.hint


# --- no refusal names srcdiff's temporaries ---------------------------------------------------
def writes_into_rows_of_an_expression(x):
    m = [x * 1.0, x * 2.0]   # (a list: m * 1 holds its very items, read after the loop)
    for row in m * 1:
        row[0] = 1.0
    return np.sum(m)


def writes_into_a_view_of_an_expression(x):
    y = x * 1.0
    v = (y * 2.0)[1:]
    w = x * 1.0
    if np.sum(x) < 1e9:
        w = v         # (an alias on one path; an exact one is followed: alias_groups.py)
    w[0] = 3.0
    return np.sum(v * x)


def swaps_slices_of_an_expression(x):
    m = np.outer(x, x)
    m[0:1], m[1:2] = m[1:2], m[0:1]
    return np.sum(m * x)


def no_rule_for_an_expression(x):
    return np.sum(np.union1d(x * 2.0 + 1.0, x))


def method_of_an_expression(x):
    return np.sum((x * 2.0).view())


def attribute_of_an_expression(x):
    return np.sum((x * 2.0).base)


def sorts_an_expression_in_place(x):
    y = x * 1.0
    y[:1].sort()
    return np.sum(y)


def adds_at_an_expression(x):
    out = np.zeros(3)
    np.minimum.at(out, [0, 2], x * 2.0)   # (numpy.add.at into a name differentiates)
    return np.sum(out * out)


STATIC_REFUSALS = [c[0] for c in CASES] + [
    writes_into_rows_of_an_expression, writes_into_a_view_of_an_expression,
    swaps_slices_of_an_expression, no_rule_for_an_expression, method_of_an_expression,
    attribute_of_an_expression, sorts_an_expression_in_place,
    adds_at_an_expression]


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("f", STATIC_REFUSALS, ids=[f.__name__ for f in STATIC_REFUSALS])
def test_no_refusal_names_a_temporary(f, mode):
    """Refusals made before the code runs name the user's names and expressions (m * 1.0),
    never the lowering's temporaries (mul_1, tuple_1, list_1); checked in the reason and
    the hint (the quoted line is the user's own)."""
    with pytest.raises(srcdiff.SrcdiffError) as info:
        if mode == "grad":
            srcdiff.grad(f)(X)
        else:
            srcdiff.jvp(f)(X, np.ones_like(X))
    err = info.value
    assert err.filename is not None and os.path.samefile(err.filename, __file__)
    assert not TEMPORARY.findall(err.reason + " " + (err.hint or "")), str(err)


def test_a_loop_over_an_expression_names_the_expression():
    with pytest.raises(srcdiff.UnsupportedCodeError) as info:
        srcdiff.grad(writes_into_rows_of_an_expression)(X)
    assert "would change m * 1 too" in info.value.reason
    assert "rows = m * 1" in info.value.hint


def test_every_raise_in_the_runtime_helpers_is_classified():
    """The helpers emitted code calls raise: refusals, through runtime.refuse (a located
    RuntimeRefusal); argument errors, which srcdiff's API turns into ArgumentError at the
    user's call (a tangent, a cotangent or an input of the wrong kind); re-raised errors of
    the array library; and internal assertions for norm orders NumPy itself refuses before
    (numpy.linalg.norm(m, ord=3) fails in the user's own line). A new raise must join one."""
    import ast
    import srcdiff.forward_runtime
    import srcdiff.runtime
    import srcdiff.runtime_adjoint
    import srcdiff.runtime_checks
    import srcdiff.runtime_containers
    import srcdiff.runtime_indexing
    import srcdiff.runtime_matrices
    import srcdiff.runtime_numpy
    allowed = {
        ("refuse", "RuntimeRefusal"),
        ("scatter_add", None), ("add_at", None),                   # re-raised
        ("check_cotangent", "ValueError"), ("check_aux_pair", "TypeError"),
        ("check_differentiable", "TypeError"), ("check_tangent", "ValueError"),
        ("norm_weights", "NotImplementedError"), ("norm_weights_tangent", "NotImplementedError"),
        ("norm_weights", "RuntimeRefusal"),  # behind check_norm_order, which names the line
        ("sequence_extend", "AttributeError"),  # Python's own: v.extend on a non-list fails
        ("iteration_order", "RuntimeRefusal"),  # a loop over an object of the user's class
                                                 # told only as it runs: named at f's def line
        ("check_unpacked", "UnpackLengthError"),  # Python's ValueError of `a, b = seq`,
                                                   # named at the user's line
        ("ones_like_value", "TypeError"),  # a gradient of a dict: an ArgumentError at the
                                           # function's def line (api._locate_at_def)
    }
    found = set()
    modules = (srcdiff.runtime, srcdiff.runtime_adjoint, srcdiff.runtime_checks,
               srcdiff.runtime_containers, srcdiff.runtime_indexing, srcdiff.runtime_matrices,
               srcdiff.runtime_numpy, srcdiff.forward_runtime)
    assert {m.__name__ for m in modules} >= srcdiff.runtime.MODULES
    for module in modules:
        with open(module.__file__) as fh:
            tree = ast.parse(fh.read())
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Raise):
                    exc = node.exc
                    name = exc.func.id if isinstance(exc, ast.Call) else \
                        getattr(exc, "id", None)
                    found.add((fn.name, name))
    assert found <= allowed, found - allowed


def rt_scalar_alias(x):   # (an alias on one path: `w = v; w *= x` on every path
    v = np.array([x, 2.0 * x])   # differentiates, tests/test_inplace_arrays.py)
    w = v * 1.0
    if x > 0.0:
        w = v
    w *= x  # refused
    return np.sum(v * v)


@pytest.mark.parametrize("second", ["grad of grad", "hessian"])
def test_second_order_of_a_scalar_function_refuses_at_the_users_line(second):
    with pytest.raises(srcdiff.RuntimeRefusal) as info:
        if second == "hessian":
            srcdiff.hessian(rt_scalar_alias)(1.5)
        else:
            srcdiff.grad(srcdiff.grad(rt_scalar_alias))(1.5)
    _assert_located_at_run(info.value)


@pytest.mark.parametrize("f", [rt_update_an_alias_in_either_branch])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_every_update_of_a_shared_array_is_checked_not_only_the_first(f, sign):
    """Only the first update was checked: the other branch's gave a wrong gradient."""
    x = V * sign
    for run in (lambda: srcdiff.grad(f)(x), lambda: srcdiff.jvp(f)(x, np.ones_like(x)),
                lambda: srcdiff.hvp(f)(x, np.ones_like(x))):
        with pytest.raises(srcdiff.RuntimeRefusal) as info:
            run()
        _assert_located_at_run(info.value)
        want = "+=" if sign > 0 else "*="
        assert want in info.value.line


# --- every way to share an array, every way to write into it ----------------------------------
SHARES = {  # how z comes to share y's array (or not: copy, fancy)
    "alias": "z = y", "row": "z = y[0]", "row_by_name": "i = 1\n    z = y[i]",
    "slice": "z = y[0:1]", "chain": "z = w = y", "ifexp": "z = y if x[0] > 0 else y * 2.0",
    "helper": "z = same(y)", "list": "held = [y, x]\n    z = held[0]",
    "list_row": "held = [y, x]\n    z = held[0][1]", "transpose": "z = y.T",
    "reshape": "z = np.reshape(y, (4,))", "tuple": "z, q = y, x",
    "copy": "z = y.copy()", "fancy": "z = y[np.array([1, 0])]",
}
WRITES = {"z[0] = x[0] * 3.0", "z += x[0]", "z *= x[1]", "y[0] = x[1] * 3.0",
          "y[0, 1] = x[1] * 3.0", "y += x[0]", "y[:, 0] = x * 2.0"}
READS = {"np.sum(y * y)", "np.sum(z * z)", "np.sum(y * y) + np.sum(z * z)"}


def test_writes_into_shared_arrays_are_right_or_refused_at_the_users_line(tmp_path):
    """Every program that shares y's array one way, writes into it another way and reads
    y, z or both: the derivative is right (checked against finite differences, both modes)
    or refused at the user's line (a located srcdiff error without temporaries); programs
    where z is a copy are never refused. Before, 140 of these 588 checks were silently wrong
    and 60 raised a plain ValueError."""
    import importlib.util
    import itertools
    import warnings
    from gradcheck import check_grad, check_jvp
    lines = ["import numpy as np\n\n\ndef same(v):\n    return v\n"]
    names = {}
    for (share, made), write, read in itertools.product(sorted(SHARES.items()), sorted(WRITES),
                                                      sorted(READS)):
        name = f"f{len(names)}"
        names[name] = share
        lines.append(f"\n\ndef {name}(x):\n    y = np.outer(x, x)\n    {made}\n    {write}\n"
                     f"    return {read}\n")
    path = tmp_path / "sharing.py"
    path.write_text("".join(lines))
    spec = importlib.util.spec_from_file_location("sharing", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = np.array([0.7, 1.3])
    bad = []
    for name, share in names.items():
        f = getattr(module, name)
        try:
            f(x.copy())
        except Exception:
            continue  # not a valid program (z *= ... on a number from y.T, say)
        for checker in (check_grad, check_jvp):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    checker(f, x.copy())
            except srcdiff.SrcdiffError as err:
                if share in ("copy", "fancy") or not os.path.samefile(err.filename, path) \
                        or TEMPORARY.findall(err.reason + " " + (err.hint or "")):
                    bad.append((name, share, check.__name__, str(err)))
            except Exception as err:  # a wrong value (AssertionError) or a crash
                bad.append((name, share, check.__name__, f"{type(err).__name__}: {err}"))
    assert not bad, "\n".join(map(str, bad[:10]))


def writes_into_rows_of_a_transpose(x, A):
    for row in A.T:
        row[0] = x[0]
    return np.sum(A * x)


def test_a_loop_over_a_value_that_may_be_a_dict_names_the_expression():
    """The loop goes through iteration_order(A.T) (a dict's keys, anything else as it is);
    the refusal named that temporary, order_T_1_1 (found by the random-program tester)."""
    import re
    with pytest.raises(srcdiff.UnsupportedCodeError) as info:
        srcdiff.grad(writes_into_rows_of_a_transpose)(np.ones(3), np.ones((3, 3)))
    assert "would change A.T too" in info.value.reason
    assert not re.search(r"_\d+\b", str(info.value)), str(info.value)


XM = np.arange(1.0, 7.0).reshape(2, 3)


def test_out_none_is_fine():
    def f(a):
        return np.sum(np.sum(a, axis=0, out=None) ** 2)
    g = srcdiff.grad(f)(XM)
    assert np.allclose(g, 2 * np.sum(XM, axis=0) * np.ones_like(XM))


def sum_into_out_by_position(a):
    o = np.zeros(a.shape[1])
    s = np.sum(a, 0, None, o)
    return np.sum(o ** 2) + np.sum(s)


def test_out_passed_by_position_is_refused_too():
    """np.sum(a, 0, None, o): o is sum's out parameter, bound by position."""
    for run in (lambda: srcdiff.grad(sum_into_out_by_position)(XM),
                lambda: srcdiff.jvp(sum_into_out_by_position)(XM, np.ones_like(XM))):
        with pytest.raises(srcdiff.SrcdiffError, match="is given an out= array") as info:
            run()
        assert info.value.line.strip() == "s = np.sum(a, 0, None, o)"


def test_overwrite_passed_by_position_is_refused_too():
    scipy_linalg = pytest.importorskip("scipy.linalg")

    def solve_overwriting(b):
        a = np.array([[2.0, 0.0], [1.0, 3.0]])
        c = b * 1.0
        x = scipy_linalg.solve_triangular(a, c, 0, True, False, True)
        return np.sum(x * c)
    with pytest.raises(srcdiff.SrcdiffError, match="overwrite_b") as info:
        srcdiff.grad(solve_overwriting)(np.array([1.0, 2.0]))
    assert "solve_triangular(a, c, 0, True, False, True)" in info.value.line

    def solve_copying(b):  # overwrite_b=False by position is fine
        a = np.array([[2.0, 0.0], [1.0, 3.0]])
        return np.sum(scipy_linalg.solve_triangular(a, b, 0, True, False, False) ** 2)
    from gradcheck import check
    check(solve_copying, np.array([1.0, 2.0]), order=1)


def _returns_a_dict(x):
    return {"loss": np.sum(x ** 2)}


def _returns_a_pair(x):
    return np.sum(x ** 2), x * 3.0


@pytest.mark.parametrize("fn", [_returns_a_dict, _returns_a_pair])
def test_a_gradient_of_a_container_output_is_refused_at_the_def(fn):
    """grad of a function returning a dict or tuple: before, a NumPy IndexError or
    ValueError from inside the emitted code; now a refusal naming the function."""
    for make in (srcdiff.grad, srcdiff.value_and_grad):
        with pytest.raises(srcdiff.SrcdiffError, match="number or an array") as info:
            make(fn)(np.ones(3))
        assert info.value.lineno == fn.__code__.co_firstlineno
        assert info.value.filename == fn.__code__.co_filename
    with pytest.raises(srcdiff.SrcdiffError, match="number or an array"):
        srcdiff.hvp(fn)(np.ones(3), np.ones(3))


def _placed_here(x):
    return x


def test_at_def_places_an_error_at_the_functions_def_line():
    err = errors.at_def(errors.ArgumentError("why", hint="what instead"), _placed_here)
    assert err.filename == __file__
    assert err.line == "def _placed_here(x):"
    assert str(err).startswith(f"{__file__}:{_placed_here.__code__.co_firstlineno}: why")
    assert "hint: what instead" in str(err)


@pytest.mark.parametrize("f", [update_loop_rows, rt_update_a_row, rt_write_a_row,
                               rt_update_a_row_in_either_branch])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_writes_into_the_rows_of_an_array_made_here_are_followed(f, sign):
    """Session 21 (views21): a row of an array the function made, written or updated in
    place (by a loop over its rows, or `r = m[0]` where the run shows m has two
    dimensions), is followed as a write into m; these were refused when they ran."""
    check(f, V * sign)
