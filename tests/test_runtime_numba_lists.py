"""srcdiff/runtime_numba_lists.py: jit=True on lists of numbers: `lst.pop()` and
`lst.append(v)` in loops (pop_adjoint, unpop_adjoint), `sorted` (sort_order) and `for v in
list(x)` over a vector (sequence_of), each refused
before ("srcdiff's helper ... has no Numba version"), checked against finite differences and,
at ties, against the NumPy path; each Numba version on its own against the NumPy path's
helper on varied inputs; a list of arrays is refused at the user's line (jit='auto' runs the
NumPy path)."""
import numpy as np
import pytest

import srcdiff
from numba_checks import (check_jit, needs_numba, own_cache,  # noqa: F401 (own_cache: autouse)
                          source_after_call)
from srcdiff import (numba_backend, runtime, runtime_containers, runtime_numba,
                     runtime_numba_lists, runtime_values)
from srcdiff.runtime_numba import (pop_adjoint, scatter_add, sort_order, unpop_adjoint,
                                   zeros_like_value)

X = np.array([0.3, -0.7, 1.2, 0.45])


# --- user programs ------------------------------------------------------------------------
def stack_pops(x):
    stack = [x[0], x[1], x[2], x[3]]
    s = 0.0
    for i in range(3):
        s = s * 0.5 + np.sin(stack.pop()) * x[i]
    return s + stack[0]


def running_appends(x):
    acc = []
    for i in range(x.shape[0]):
        acc.append(np.sin(x[i]) * x[i - 1])
    total = 0.0
    for k in range(len(acc)):
        total = total + acc[k] ** 2
    return total


def sorted_descending(x):
    ys = sorted([x[0] * x[1], x[2], np.cos(x[3]), x[1]], reverse=True)
    return ys[0] * 3.0 + ys[1] - ys[3] ** 2


def sorted_array(x):
    ys = sorted(x * 2.0)
    return ys[0] * ys[1] + ys[-1]


@needs_numba
@pytest.mark.parametrize("f, helper", [(stack_pops, "unpop_adjoint"),
                                       (running_appends, "pop_adjoint"),
                                       (sorted_descending, "sort_order"),
                                       (sorted_array, "sort_order")])
def test_list_programs_differentiate_under_jit(f, helper):
    check_jit(f, X)
    assert f"{helper}(" in source_after_call(srcdiff.grad(f, jit=True), X)


@needs_numba
def test_ties_in_sorted_share_as_the_numpy_path():
    """Equal keys: sorted keeps their order (stable), so each tied item's adjoint goes where
    the NumPy path puts it (finite differences see a kink there)."""
    for x in (np.array([0.5, 0.5, 0.5, 0.2]), np.array([1.0, -1.0, 1.0, 0.0])):
        for f in (sorted_descending, sorted_array):
            np.testing.assert_allclose(srcdiff.grad(f, jit=True)(x), srcdiff.grad(f)(x),
                                       rtol=1e-12)


def over_listed(x):
    s = 0.0
    for v in list(x * 1.5):
        s = s * 0.5 + np.sin(v) * v
    return s + len(list(x))


def listed_twice(x):   # list + list concatenates, list * 2 repeats: refused, never added
    a = list(x) + list(x)
    return sum(a) * x[0]


def over_rows(x):
    s = 0.0
    for r in list(x.reshape(2, 2)):
        s = s + np.sum(r * r)
    return s


def over_tuple(x):
    s = 0.0
    for v in tuple(x):
        s = s + v * v
    return s


@needs_numba
def test_a_loop_over_list_of_a_vector_differentiates_under_jit():
    check_jit(over_listed, X)
    np.testing.assert_allclose(srcdiff.grad(over_listed, jit=True)(X),
                               srcdiff.grad(over_listed)(X), rtol=1e-12)
    assert "sequence_of(" in source_after_call(srcdiff.grad(over_listed, jit=True), X)


def listings(x, g, t):
    return (runtime_containers.sequence_of(list, x), runtime_containers.sequence_of_grad(g, x),
            runtime_containers.sequence_of_grad(None, x),
            runtime_containers.sequence_of_tangent(t, x))


@needs_numba
def test_the_compiled_list_of_a_vector_gives_the_numpy_paths_numbers():
    import numba
    runtime_numba.install()
    compiled = numba.njit(listings)
    for x in (X, np.arange(3), np.ones(1)):
        g, t = [float(v) for v in np.cos(np.arange(len(x)))], np.sin(np.arange(len(x)) + 1.0)
        got = compiled(x, g, t)
        assert list(got[0]) == list(x) and list(got[3]) == list(t)
        np.testing.assert_array_equal(got[1], runtime_containers.sequence_of_grad(g, x))
        np.testing.assert_array_equal(got[2], np.zeros(len(x)))


@needs_numba
@pytest.mark.parametrize("f", [listed_twice, over_rows, over_tuple])
def test_list_of_rows_tuple_and_concatenation_are_refused_at_the_users_line(f):
    with pytest.raises(numba_backend.NumbaUnsupported, match=r"test_runtime_numba_lists.py:\d+"):
        srcdiff.grad(f, jit=True)(X)


def rows_popped(x):
    rows = [x, x * 2.0]
    r = rows.pop()
    return np.sum(r * rows[0])


@needs_numba
def test_a_list_of_arrays_is_refused_at_the_users_line():
    with pytest.raises(numba_backend.NumbaUnsupported, match=r"test_runtime_numba_lists.py:\d+"):
        srcdiff.grad(rows_popped, jit=True)(X)
    with pytest.warns(UserWarning):
        got = srcdiff.grad(rows_popped, jit="auto")(X)
    np.testing.assert_allclose(got, 4.0 * X, rtol=1e-12)


# --- each helper against the NumPy path's ---------------------------------------------------
def list_helpers(a, g):
    """Each list helper on a list made from `a` (one kernel: each compile takes seconds)."""
    lst = [a[k] for k in range(len(a))]
    zero = zeros_like_value(lst)
    first = scatter_add(None, lst, 1, g, False)
    owned = scatter_add(first, lst, 0, 2.0 * g, True)   # (a list's adjoint: a copy all the same)
    copied = scatter_add(owned, lst, 1, g, False)   # not owned: `owned` is left as it is
    last, rest = pop_adjoint(copied)
    back = unpop_adjoint(rest, lst, 3.0 * g)
    fresh = unpop_adjoint(None, lst, g)
    none = unpop_adjoint(rest, lst, None)
    return zero, first, owned, copied, last, rest, back, fresh, none


def numpy_paths(a, g):
    lst = list(a)
    zero = runtime.zeros_like_value(lst)
    first = runtime.scatter_add(None, lst, 1, g, False)
    owned = runtime.scatter_add(first, lst, 0, 2.0 * g, True)
    copied = runtime.scatter_add(owned, lst, 1, g, False)
    last, rest = runtime.pop_adjoint(copied)
    return (zero, first, owned, copied, last, rest, runtime.unpop_adjoint(rest, lst, 3.0 * g),
            runtime.unpop_adjoint(None, lst, g), runtime.unpop_adjoint(rest, lst, None))


@pytest.mark.parametrize("n", [2, 3, 7])
def test_the_plain_list_helpers_give_the_numpy_paths_numbers(n):
    a = np.random.default_rng(n).normal(size=n)
    for got, want in zip(list_helpers(a, 0.25), numpy_paths(a, 0.25)):
        assert isinstance(got, list) == isinstance(want, list)
        np.testing.assert_allclose(got, want, rtol=1e-15)


@needs_numba
def test_each_compiled_list_helper_gives_the_numpy_paths_numbers():
    import numba
    runtime_numba.install()
    compiled = numba.njit(list_helpers)
    for n in (2, 3, 7):
        a = np.random.default_rng(n).normal(size=n)
        for got, want in zip(compiled(a, -1.5), numpy_paths(a, -1.5)):
            np.testing.assert_allclose(got, want, rtol=1e-15)


def orders(keys):
    """sort_order of a list made from `keys` and of the array itself, both directions."""
    listed = [keys[k] for k in range(len(keys))]
    return (sort_order(listed, False), sort_order(listed, True), sort_order(keys),
            sort_order(keys, True))


@needs_numba
def test_the_compiled_sort_order_is_sorteds_stable_order():
    import numba
    runtime_numba.install()
    compiled = numba.njit(orders)
    rng = np.random.default_rng(7)
    cases = [rng.integers(0, 4, size=n).astype(float) for n in range(1, 12)] + \
        [rng.normal(size=n) for n in (1, 2, 5, 16, 33)] + [np.zeros(6), np.arange(9.0)[::-1]]
    for keys in cases:
        want = [runtime_values.sort_order(list(keys)),
                runtime_values.sort_order(list(keys), True)] * 2
        for got, expected in zip(compiled(keys), want):
            assert list(got) == expected, (keys, list(got), expected)
    assert [list(o) for o in compiled(np.array([2, 1, 2, 0]))] == \
        [[3, 1, 0, 2], [0, 2, 1, 3]] * 2   # integers too


def test_the_plain_helpers():
    assert runtime_numba_lists.HELPERS["sort_order"] is runtime_values.sort_order
    assert runtime_numba_lists.HELPERS["sequence_of"] is runtime_containers.sequence_of
    assert runtime_numba_lists.pop_adjoint(None) == (None, None)
    assert runtime_numba_lists.unpop_adjoint(None, [1.0, 2.0], None) == [0.0, 0.0]


def items_of_rows(A):
    s = 0.0
    for row in A @ A:
        for e in row:
            if e < 0.1:
                continue
            s = s * 0.9 + np.sin(e)
        s = s + np.sum(np.tanh(row)) * 0.25
    return s


@needs_numba
def test_a_loop_over_a_row_goes_through_iteration_order_compiled():
    """`for e in row` of a row of a matrix: iteration_order(row), the row itself (a dict,
    whose keys a loop goes through, has no compiled version)."""
    A = np.array([[0.3, -0.2, 0.5], [0.1, 0.7, -0.4], [0.6, 0.2, 0.9]])
    assert "iteration_order(" in source_after_call(srcdiff.grad(items_of_rows), A)
    check_jit(items_of_rows, A)
    np.testing.assert_allclose(srcdiff.grad(items_of_rows, jit=True)(A),
                               srcdiff.grad(items_of_rows)(A), rtol=1e-12)
