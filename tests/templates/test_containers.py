"""templates/containers.py: `+` and `*` on lists and tuples are concatenation and repetition,
not arithmetic (issue 12, item 2). Every case is checked against central differences in
reverse mode, forward mode and to second order (forward over the emitted gradient)."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, check_grad

rng = np.random.default_rng(12)
W = np.array([[1.0, 1.0], [5.0, 5.0]])
W3 = np.arange(1.0, 7.0).reshape(3, 2)


def check_all(f, *args, wrt=0):
    """Reverse, forward, <jvp, vjp> and second order against finite differences."""
    return check(f, *args, wrt=wrt, order=2)


def repeated_list(x):
    return np.sum(np.stack([x] * 3) * W3) * np.sum(x * x)


def repeated_list_count_first(x):
    return np.sum(np.stack(3 * [x * x]) * W3)


def repeated_list_variable_count(x):
    n = len(W3)
    return np.sum(np.stack([np.sin(x)] * n) * W3)


def concatenated_lists(a):
    return np.sum(np.stack([np.zeros(2)] + [a * a]) * W)


def concatenated_in_place(a):
    parts = [np.zeros(2)]
    parts += [a * a]
    return np.sum(np.stack(parts) * W)


def concatenated_tuples(a):
    return np.sum(np.stack((np.zeros(2),) + (a * a,)) * W)


def concatenated_in_place_tuple(a):
    parts = (np.zeros(2),)
    parts += (a * a,)
    return np.sum(np.stack(parts) * W)


def concatenated_shapes_differ(a):
    return np.sum(np.concatenate([np.zeros(3)] + [a * a]) * np.arange(5.0))


def repeated_tuple(a):
    t = (a, a * a)
    u = t * 2
    return np.sum(np.stack(u) * np.arange(8.0).reshape(4, 2))


def accumulated_in_loop(x):
    lst = []
    for i in range(3):
        lst = lst + [x * (i + 1.0)]
    return np.sum(np.stack(lst) * W3) * np.sum(np.stack(lst) ** 2)


def arithmetic_stays_arithmetic(x):
    y = x + x
    z = 2 * y
    return np.sum(z * x)


def list_parameter(xs, y):
    both = xs + [y]
    return np.sum(np.stack(both) * W3) + np.sum(np.stack(xs * 2) ** 2)


def items_of_a_list(xs):
    s = 0.0
    acc = xs[0] * 0.0
    for v in xs:
        acc = acc + v * v
        s = s + np.sum(acc * v)
    return s


def nested_lists(x):
    rows = [[x, x * 2.0]] + [[x * x, np.sin(x)]]
    return np.sum(np.array(rows[0] + rows[1]) * np.arange(8.0).reshape(4, 2))


SCALAR_CASES = [repeated_list, repeated_list_count_first, concatenated_lists,
                concatenated_in_place, concatenated_tuples, concatenated_in_place_tuple,
                repeated_tuple, accumulated_in_loop, arithmetic_stays_arithmetic, nested_lists]


@pytest.mark.parametrize("f", SCALAR_CASES, ids=[f.__name__ for f in SCALAR_CASES])
def test_concatenation_and_repetition(f):
    check_all(f, rng.normal(size=2))


def test_issue_values():
    """The repros of the issue, with the right answers from finite differences."""
    x = np.array([0.3, 0.7])
    g = check_grad(lambda x: np.sum(np.stack([x] * 3)), x)
    np.testing.assert_allclose(g, [3.0, 3.0])
    g = check_grad(lambda a: np.sum(np.stack([np.zeros(2)] + [a]) * W), x)
    np.testing.assert_allclose(g, [5.0, 5.0])


def test_pieces_of_different_shapes():
    check_all(concatenated_shapes_differ, rng.normal(size=2))


def test_variable_count():
    check_all(repeated_list_variable_count, rng.normal(size=2))
    # an int argument: the checker would pass NumPy integers (arithmetic), so only srcdiff's own
    g = srcdiff.grad(lambda x, n: np.sum(np.stack([np.sin(x)] * n) * W3))(np.ones(2), 3)
    np.testing.assert_allclose(g, srcdiff.grad(repeated_list_variable_count)(np.ones(2)))


def test_list_parameter():
    xs, y = [rng.normal(size=2), rng.normal(size=2)], rng.normal(size=2)
    check(list_parameter, xs, y, wrt=(0, 1))
    check(list_parameter, xs, y, wrt=1)


def test_items_of_a_list_may_be_lists_or_arrays():
    # v is an item of a list: `acc + v` and `v * v` are decided when they run
    xs = [rng.normal(size=2), rng.normal(size=2)]
    check(items_of_a_list, xs)


def test_numpy_integer_count_is_arithmetic():
    # a NumPy integer times a list is array arithmetic (NumPy converts the list)
    def f(x):
        n = np.int64(3)
        return np.sum(np.array([x, 2.0 * x]) * n * x)
    check_all(f, rng.normal(size=()) + 0.0)
    check_all(f, 0.7)


def test_list_plus_array_is_arithmetic():
    def f(x):
        return np.sum(([1.0, 2.0] + x) * x)
    check_all(f, rng.normal(size=2))


def extended_by_a_tuple(x):
    lst = [x]
    lst += (x * 2.0, np.sin(x))     # a list += a tuple takes its items
    return np.sum(np.stack(lst) * W3)


def extended_by_method(x):
    lst = [x]
    lst.extend([x * 2.0, np.sin(x)])
    return np.sum(np.stack(lst) * W3)


def extended_by_rows(x):
    lst = []
    lst.extend(np.sin(x))           # an array's items are its rows
    return lst[0] * lst[1] + lst[2]


def list_plus_equals_array(x):
    lst = [x[0]]
    lst += x[1:] * 2.0              # the array adds the list to itself: arithmetic
    return np.sum(np.stack(lst) * np.arange(2.0))


def list_plus_array_display(x):
    return np.sum(([x[0], 2 * x[1]] + x) * np.array([1.0, 3.0]))


EXTEND_CASES = [extended_by_a_tuple, extended_by_method]
ROW_CASES = [extended_by_rows, list_plus_equals_array]


@pytest.mark.parametrize("f", EXTEND_CASES, ids=[f.__name__ for f in EXTEND_CASES])
def test_extend_and_plus_equals(f):
    check_all(f, rng.normal(size=2))


@pytest.mark.parametrize("f", ROW_CASES + [list_plus_array_display],
                         ids=[f.__name__ for f in ROW_CASES + [list_plus_array_display]])
def test_lists_meeting_arrays(f):
    check_all(f, rng.normal(size=3) if f in ROW_CASES else rng.normal(size=2))


def test_extend_of_an_exactly_aliased_list_is_followed():
    # other = lst surely holds the same list: its reads go through lst (alias_groups.py)
    def f(x):
        lst = [x]
        other = lst
        lst.extend([x * 2.0])
        return np.sum(np.stack(other))
    check(f, np.array([0.3, -0.6]))


def _float_repeated(x):
    lst = [x] * 3
    lst += (x * x,)
    return sum(lst) * x


def _float_tuple_doubled(x):
    t = (x, x * 2.0)
    return np.prod(np.array(t + t))


@pytest.mark.parametrize("f", [_float_repeated, _float_tuple_doubled],
                         ids=["repeated", "tuple-doubled"])
def test_grad_of_grad(f):
    check(f, 0.7)
    grad = srcdiff.grad(f)
    want = (grad(0.7 + 1e-6) - grad(0.7 - 1e-6)) / 2e-6
    np.testing.assert_allclose(srcdiff.grad(grad)(0.7), want, rtol=1e-5)


def _array_helper(x):
    return np.sin(x) * 2.0


def helper_results_multiplied(x):
    # a helper's result may be a list or an array: `*` and `+` are decided when they run
    a = _array_helper(x)
    b = _array_helper(x * x)
    return np.sum(a * b + a * 3 + 2 * b)


def test_arithmetic_decided_at_run_time():
    check_all(helper_results_multiplied, rng.normal(size=2))
    assert "sequence_mul" in srcdiff.source(srcdiff.grad(helper_results_multiplied))


def list_plus_itself(x):
    lst = [x, np.sin(x)]
    lst = lst + lst
    return np.sum(np.stack(lst) * W4)


def list_times_equals(x):
    lst = [x, x * x]
    lst *= 2
    return np.sum(np.stack(lst) * W4)


def list_extended_by_itself(x):
    lst = [x, x * x]
    lst.extend(lst)
    return np.sum(np.stack(lst) * W4)


def tuple_times_equals(x):
    t = (x,)
    t *= 2
    t = t + t
    return np.sum(np.stack(t) * W4)


W4 = np.arange(1.0, 9.0).reshape(4, 2)
SELF_CASES = [list_plus_itself, list_times_equals, list_extended_by_itself, tuple_times_equals]


@pytest.mark.parametrize("f", SELF_CASES, ids=[f.__name__ for f in SELF_CASES])
def test_sequences_with_themselves(f):
    check_all(f, rng.normal(size=2))


# --- the helpers lowering gives dicts and list(), sum(lists, start), extend ----------------
def dict_from_a_comprehension(x):
    d = {k: x * (i + 1.0) for i, k in enumerate(["a", "b", "a"])}  # "a" keeps its last value
    return np.sum(d["a"] * np.sin(d["b"]))


def dict_iterated(x):
    d = {"a": x, "b": x * x}
    s = 0.0
    for k in d:
        s = s + np.sum(np.sin(d[k]) * x)
    return s


def dict_values_stacked(x):
    d = {"a": x, "b": np.sin(x)}
    return np.sum(np.stack(list(d.values())) ** 3)


def dict_items_iterated(x):
    d = {"a": x * 2.0, "b": x * x}
    s = 0.0
    for k, v in d.items():
        s = s + np.sum(v ** 3) * len(k)
    return s


def dict_items_listed(x):
    d = {"a": x, "b": x * x}
    pairs = list(d.items())
    return np.sum(pairs[0][1] * np.cos(pairs[1][1]))


def sequence_of_a_tuple(x):
    t = (x, np.sin(x))
    lst = list(t)
    lst.append(x * x)
    return np.sum(np.stack(tuple(lst)) ** 2)


def sequence_of_rows(x):
    rows = list(np.outer(x, x))
    return np.sum(rows[0] * np.sin(rows[1]))


def summed_lists(x):
    return np.sum(np.stack(sum([[x], [x * 2.0, np.sin(x)]], [])) ** 3)


def summed_lists_from_a_start(x):
    parts = [[x * x], [np.sin(x)]]
    return np.sum(np.stack(sum(parts, [x])) ** 2 * np.arange(1.0, 4.0)[:, None])


def summed_numbers(x):
    return np.sum(sum([x, x * 2.0], x * x) ** 2)


def extended_in_a_loop(x):
    lst = [x]
    for i in range(2):
        lst.extend([lst[-1] * x, np.sin(lst[-1])])
    return np.sum(np.stack(lst) ** 2)


HELPER_CASES = [dict_from_a_comprehension, dict_iterated, dict_values_stacked,
                dict_items_iterated, dict_items_listed, sequence_of_a_tuple, sequence_of_rows,
                summed_lists, summed_lists_from_a_start, summed_numbers, extended_in_a_loop]


@pytest.mark.parametrize("f", HELPER_CASES, ids=[f.__name__ for f in HELPER_CASES])
def test_dicts_lists_and_sums(f):
    check_all(f, rng.normal(size=2))


def test_dict_parameter_iterated():
    # a dict argument: iteration_order, items and values over the caller's dict
    def f(p, x):
        s = 0.0
        for k in p:
            s = s + np.sum(p[k] * x)
        for k, v in p.items():
            s = s + np.sum(np.sin(v) * x)
        return s + np.sum(np.stack(list(p.values())) ** 2)
    p = {"w": rng.normal(size=2), "b": rng.normal(size=2)}
    check(f, p, rng.normal(size=2), wrt=(0, 1))
    check(f, p, rng.normal(size=2), wrt=0)


def popped_inserted_and_deleted(x):
    """A list's edits by position (runtime_list_edits: list_without, list_cut,
    list_inserted)."""
    lst = [x, x * 2.0, np.sin(x), x ** 2]
    k = len(lst) - 3
    a = lst.pop(k)
    lst.insert(-1, a * x)
    del lst[k:k + 1]
    del lst[-k]
    return np.sum(lst[0] * a + lst[-1] ** 2)


def test_list_edits_by_position():
    check_all(popped_inserted_and_deleted, rng.normal(size=2))
