"""srcdiff/inplace_arrays.py: which `u op= e` update an array another name holds. Called
directly on parsed defs (the updates it finds, and those it leaves), then end to end: `w = u;
u op= x; ... w ...` differentiated (alias_groups makes the update `u[...] op= x`), checked
with gradcheck.check against central differences in both modes to second order; next to
them, the programs that stay refused (a parameter itself, an alias made in one branch only,
a 0-d array, whose update the run refuses) and those whose meaning is a rebinding (a number)
or an extension (a list), which keep it."""
import textwrap

import numpy as np
import pytest

import srcdiff
from srcdiff import inplace_arrays
from srcdiff import syntax as S
from issue13_cases import on_args, refused_in_both_modes

X = np.array([0.4, 0.9, 1.3])
U = np.array([0.5, -1.0, 2.0])


def _found(source, not_arrays=()):
    """The source lines of the updates array_updates finds in `source`'s def."""
    fdef = S.parse_function(textwrap.dedent(source))
    ids = inplace_arrays.array_updates(fdef, {"np": np, "srcdiff": srcdiff}.get, not_arrays)
    return sorted(n.lineno for n in S.walk(fdef) if id(n) in ids)


def test_updates_of_names_bound_to_new_arrays_are_found():
    assert _found("""
    def f(x, u, s, L):
        a = np.copy(u)
        a += x
        b = u.copy()
        b -= x
        c = np.zeros(3) * s
        c *= x
        d = srcdiff.stop_gradient(a) * 1.0
        d /= 2.0
        e = a
        e += 1.0
        g = L.copy()
        g += [1.0]
        return a
    """, not_arrays=("L",)) == [4, 6, 8, 10, 12]


def test_numbers_reductions_parameters_and_rebound_names_are_left():
    assert _found("""
    def f(x, u, s):
        u += x
        t = np.sum(x)
        t += 1.0
        k = s * 2.0
        k += x
        a = np.copy(x)
        for i in range(3):
            a = a[0]
            a += 1.0
        b = np.copy(x) if s > 0 else s
        b += 1.0
        c = np.copy(x)
        if s > 0:
            c = s
        c += 1.0
        m = x @ x
        m += 1.0
        return t
    """) == []


def test_the_update_in_a_loop_keeps_the_array_and_a_walrus_ends_it():
    assert _found("""
    def f(x):
        a = np.ones(3)
        while np.sum(a) < 9.0:
            a *= 1.5
            a += x
        b = np.ones(3)
        b += (b := x)
        b += 1.0
        return a
    """) == [5, 6]


# === end to end ================================================================================
def aug_add_then_alias_read(x, u):
    u = np.copy(u)
    w = u
    u += x
    return np.sum(w * x) + u[0]


def aug_ops_of_a_parameter_copied(x, u):
    u = u.copy()
    w = u
    u -= 0.5 * x
    u *= x
    u /= (2.0 + x)
    return np.sum(w * w)


def aug_in_a_loop(x):
    u = np.ones_like(x)
    w = u
    for _ in range(3):
        u *= 1.0 + 0.1 * x * w
    return np.sum(w)


def aug_in_a_while_loop_rebinding_x(x):
    u = np.ones_like(x)
    w = u
    k = 0
    while k < 3:
        u *= 1.0 + 0.1 * x
        k += 1
        x = x + np.sum(w)
    return np.sum(w)


def aug_then_rebound(x, u):
    u = np.array(u)
    w = u
    u -= x
    u = u * 3.0
    return np.sum(w * u)


def aug_through_a_chain_of_aliases(x):
    u = np.copy(x)
    v = u
    w = v
    v /= (2.0 + x)
    return np.sum(w * u)


def aug_with_a_view_too(x, u):
    u = np.copy(u)
    w = u
    v = u[1:]
    u += x
    return np.sum(w * x) + np.sum(v ** 2)


@pytest.mark.parametrize("f", [aug_add_then_alias_read, aug_ops_of_a_parameter_copied,
                               aug_then_rebound, aug_with_a_view_too])
def test_update_seen_through_an_alias_is_differentiated(f):
    on_args(f, (X, U), (0, 1))


@pytest.mark.parametrize("f", [aug_in_a_loop, aug_in_a_while_loop_rebinding_x,
                               aug_through_a_chain_of_aliases])
def test_update_in_loops_and_chains_is_differentiated(f):
    on_args(f, (X,), (0,))


def aug_of_a_number(x, s):
    u = s * 2.0
    w = u
    u += x[0]
    return w * u


def test_a_number_is_still_rebound():
    on_args(aug_of_a_number, (X, 1.5), (0, 1))


# the neighbours that stay refused
def aug_of_the_parameter_itself(x, u):
    w = u
    u += x
    return np.sum(w * x)


def aug_after_an_alias_in_one_branch(x, u):
    u = np.copy(u)
    w = x
    if np.sum(x) > 0.0:
        w = u
    u += x
    return np.sum(w * x)


def aug_of_a_0d_array(x, u):
    t = np.array(np.sum(u))
    w = t
    t *= x[0]
    return w * x[1]


def test_an_update_seen_where_the_kind_or_alias_is_not_certain_stays_refused():
    refused_in_both_modes(aug_of_the_parameter_itself, (X, U), (0, 1),
                          "would also change w", srcdiff.RuntimeRefusal)
    refused_in_both_modes(aug_after_an_alias_in_one_branch, (X, U), (0, 1),
                          "would also change w", srcdiff.RuntimeRefusal)
    refused_in_both_modes(aug_of_a_0d_array, (X, U), (0, 1),
                          "t holds a 0-d array here", srcdiff.RuntimeRefusal)


def aug_of_a_list(x, u):
    L = [1.0, 2.0]
    w = L
    L += [x[0]]
    return sum(w) * x[1]


def test_a_list_extended_is_not_read_as_an_array_update():
    refused_in_both_modes(aug_of_a_list, (X, U), (0, 1), "would also change w",
                          srcdiff.RuntimeRefusal)


def test_a_call_writing_into_the_name_shows_it_holds_an_array():
    """`u.fill(v)` / `u.sort()` (checked to be an array where lowered), `np.copyto(u, v)`,
    `out=u` and a ufunc's output by position: NumPy refuses all but arrays there; a user's
    function given out= shows nothing."""
    assert _found("""
    def f(x, s, g):
        a = x * 1.0
        a.fill(s)
        a += x
        b = s * 1.0
        np.copyto(b, x)
        b -= x
        c = x + 0.0
        np.add(x, 1.0, out=c)
        c *= x
        d = x + 0.0
        np.multiply(x, x, d)
        d /= x
        e = x * 1.0
        g(x, out=e)
        e += x
        return a
    """) == [5, 8, 11, 14]


def filled_then_updated(x, A):
    u = (A @ x) * 1.0
    w = u
    u.fill(np.std(x))
    u += np.tanh(x)
    return np.sum(w * x) + u[0]


def written_by_a_ufunc_then_updated(x, A):
    u = A @ x + 0.0
    np.add(u, 0.5 * np.tanh(u), out=u)
    v = u * 1.0
    w = v
    v *= x
    return np.sum(w * u)


def test_an_update_after_a_call_writing_into_the_array_is_differentiated():
    A = np.array([[0.4, 0.9, 1.3], [0.7, -0.2, 0.5], [0.1, 0.2, -0.3]])
    on_args(filled_then_updated, (X, A), (0, 1))
    on_args(written_by_a_ufunc_then_updated, (X, A), (0, 1))


def test_names_unpacked_from_a_tuple_of_new_arrays_are_found():
    assert _found("""
    def f(x, s):
        t = (np.tanh(s), np.where(x > 1.0, x, s))
        p, q = t
        q += x
        p += x
        a, b = np.copy(x), s * 2.0
        a *= x
        b *= x
        t = (x, x)
        p, q = t
        q += x
        return a
    """) == [5, 8]


def unpacked_then_updated(x, s):
    pair = (np.tanh(s), np.where(x > 1.0, x, s * 0.7))
    p, q = pair
    kept = q
    q += s / (1.0 + s * s)
    return np.stack([x, kept, kept * p], axis=1)


def unpacked_from_a_display(x, s):
    a, b = np.copy(x), s * 2.0
    w = a
    a *= x
    b += 1.0
    return np.sum(w) * b


def test_an_update_of_a_name_unpacked_from_a_tuple_is_differentiated():
    on_args(unpacked_then_updated, (X, 0.8), (0, 1))
    on_args(unpacked_from_a_display, (X, 0.8), (0, 1))


def scalar_alias_updated(x):
    v = np.array([x, 2.0 * x])
    w = v
    w *= x
    return np.sum(v * v)


def test_an_update_of_an_array_made_of_a_scalar_is_differentiated_to_second_order():
    """(tests/test_errors.py asserted its refusal at second order, before the update was
    followed: its program there is now an alias made on one path only.)"""
    on_args(scalar_alias_updated, (1.5,), (0,))


# === a copy of arithmetic of parameters (views21, issue #13's v4) ============================
def copy_of_arithmetic(x, s):
    u = (x + x).copy()
    w = u
    u -= s
    return np.sum(w * x)


def test_a_copy_of_arithmetic_of_parameters_is_an_updated_array():
    on_args(copy_of_arithmetic, (np.array([0.3, -0.5, 0.9]), 0.4), (0, 1))


def test_a_number_s_copy_updated_under_an_alias_is_refused():
    """x a NumPy number: (x + x).copy() is a number, which `u -= s` binds anew while w
    keeps the old one: the check before the update refuses it."""
    refused_in_both_modes(copy_of_arithmetic, (np.float64(0.3), 0.4), (0, 1),
                          "holds a", error=srcdiff.RuntimeRefusal)
