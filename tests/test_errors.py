"""Refusals name the user's file and line, quote it, and say what to do instead."""
import os

import numpy as np
import pytest

import srcdiff

HERE = os.path.basename(__file__)
X = np.array([0.5, 1.5])


def with_try(x):
    try:
        y = x * 2.0
    except ValueError:
        y = x
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
    return np.sum(np.fft.irfft(x))


def sorts_in_place(x):
    y = x * 1.0
    y.sort()
    return np.sum(y)


def writes_into_argument(x):
    x[0] = 1.0
    return np.sum(x)


def star_args(x, *xs):
    return x


def writes_into_a_view(x):
    y = x * 1.0
    v = y[1:]
    y[1] = 5.0
    return np.sum(v * x[1:])


def writes_into_an_alias(x):
    y = x * 1.0
    z = y
    y[0] = 2.0
    return np.sum(z * x)


def unknown_method(x):
    return np.sum(x.view())


def scatters_in_place(x):
    out = np.zeros(3)
    np.add.at(out, np.array([0, 2]), x)
    return np.sum(out * out)


def copies_in_place(x):
    y = np.zeros_like(x)
    np.copyto(y, x * 2.0)
    return np.sum(y * x)


def writes_through_out(x):
    y = np.zeros_like(x)
    np.multiply(x, 2.0, out=y)
    return np.sum(y * x)


def nested_calls_nested(x, a):
    def scaled(t):
        return a * t

    def twice(t):
        return scaled(t) * 2.0
    return np.sum(twice(x))


def writes_into_loop_rows(x):
    m = np.outer(x, x)
    for row in m:
        row[0] = row[1] * 2.0
    return np.sum(m * m)


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
    keep = x * 0.0
    for step in range(2):
        keep = u
        u[0] = u[1] * 2.0
    return np.sum(keep * x)


CASES = [
    (with_try, "try/except", "move the error handling"),
    (with_with, "with-block", "enter the context"),
    (with_global, "global statement", "pass the value in"),
    (with_yield, "generators", "return a value"),
    (with_class, "class definition", "module level"),
    (calls_builtin_without_rule, "no derivative rule for numpy.fft.irfft", "reverse_rule"),
    (sorts_in_place, "changes its object in place", "build a new value"),
    (star_args, "*args", "list the parameters"),
    (writes_into_a_view, "view", "copy"),
    (writes_into_an_alias, "alias", "copy"),
    (unknown_method, "method .view()", "numpy function"),
    (scatters_in_place, "numpy.add.at is dropped", "loop over them"),
    (copies_in_place, "numpy.copyto is dropped", "as an assignment"),
    (writes_through_out, "numpy.multiply is dropped", "as an assignment"),
    (nested_calls_nested, "uses the nested function scaled", "define scaled at module level"),
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


@pytest.mark.parametrize("f", [scatters_in_place, copies_in_place, writes_through_out])
def test_in_place_library_calls_are_refused_in_forward_mode_too(f):
    """Without the refusal both modes silently gave a zero derivative: the change the call
    makes to `out` is invisible to srcdiff."""
    with pytest.raises(srcdiff.SrcdiffError, match="may change its arguments in place"):
        srcdiff.jvp(f)(X, np.ones_like(X))


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
    assert "np.fft.irfft(x)" in info.value.line


def test_no_source_is_a_clear_error():
    with pytest.raises(srcdiff.SrcdiffError, match="needs a Python function"):
        srcdiff.grad(np.sin)(X)


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


def test_a_derivative_called_inside_is_refused_with_the_way_out():
    with pytest.raises(srcdiff.SrcdiffError, match="a derivative it made") as info:
        srcdiff.grad(uses_a_derivative)(X)
    assert "srcdiff.hessian" in str(info.value)


def update_through_alias(x):
    y = x * 1.0
    z = y
    z += 1.0
    return np.sum(y * x)


def update_through_view(x):
    y = x * 1.0
    z = y[1:]
    z *= 2.0
    return np.sum(y * x)


def update_loop_rows(x):
    m = np.outer(x, x)
    for row in m:
        row -= 1.0
    return np.sum(m * m)


@pytest.mark.parametrize("f", [update_through_alias, update_through_view, update_loop_rows])
def test_in_place_updates_another_name_sees_are_refused_when_they_run(f):
    """`z += v` on an array changes it in place, under its other names too: refused (when it
    runs, since for numbers it is a plain rebinding), in both modes."""
    with pytest.raises(ValueError, match="would change") as info:
        srcdiff.grad(f)(X)
    assert f"{HERE}:" in str(info.value)
    with pytest.raises(ValueError, match="would change"):
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
