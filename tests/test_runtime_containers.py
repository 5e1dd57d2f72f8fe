"""srcdiff/runtime_containers.py called directly: the helpers keep Python's meaning of `+`,
`*`, `+=`, extend, dict views, list(), sum() (concatenation versus arithmetic), and their
adjoints equal central-difference vector-Jacobian products over the flattened containers."""
import numpy as np
import pytest

from gradcheck import flatten, numerical_grad
from srcdiff.runtime_containers import (builtin_sum_grad, concatenates, dict_from_lists,
                                        dict_from_lists_grad, dict_items, dict_items_grad,
                                        dict_keys, dict_values, dict_values_grad, iteration_order,
                                        iteration_order_grad, repeated_side, sequence_add,
                                        sequence_add_grad, sequence_add_tangent,
                                        sequence_extend, sequence_extend_grad, sequence_iadd,
                                        sequence_mul, sequence_mul_grad, sequence_mul_tangent,
                                        sequence_of, sequence_of_grad, sequence_sum,
                                        sequence_sum_grad)

rng = np.random.default_rng(13)


def _inner(a, b):
    return sum(float(np.sum(np.asarray(x) * np.asarray(y)))
               for x, y in zip(flatten(a)[0], flatten(b)[0]))


def _vjp(f, args, i, g):
    """The central-difference gradient of <g, f(*args)> in args[i] (containers flattened)."""
    return numerical_grad(lambda *a: _inner(g, f(*a)), args, i)


def _close(got, want):
    got_leaves, want_leaves = flatten(got)[0], flatten(want)[0]
    assert len(got_leaves) == len(want_leaves)
    for x, y in zip(got_leaves, want_leaves):
        np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-8)


def test_concatenation_or_arithmetic_as_python_decides():
    assert concatenates([1.0], [2.0]) and concatenates((1.0,), (2.0,))
    assert not concatenates([1.0], np.ones(1)) and not concatenates([1.0], (2.0,))
    assert repeated_side([1.0], 2) == 0 and repeated_side(3, (1.0,)) == 1
    assert repeated_side([1.0], np.int64(2)) is None and repeated_side(2.0, 3.0) is None
    assert sequence_add([1.0], [2.0]) == [1.0, 2.0]
    np.testing.assert_array_equal(sequence_add([1.0, 2.0], np.ones(2)), [2.0, 3.0])
    assert sequence_mul([1.0, 2.0], 2) == [1.0, 2.0, 1.0, 2.0]
    assert sequence_iadd([1.0], (2.0, 3.0)) == [1.0, 2.0, 3.0]      # a list takes a tuple's items
    np.testing.assert_array_equal(sequence_iadd([1.0, 2.0], np.ones(2)), [2.0, 3.0])  # __radd__
    assert sequence_extend([1.0], np.array([2.0, 3.0])) == [1.0, 2.0, 3.0]
    with pytest.raises(AttributeError):
        sequence_extend((1.0,), [2.0])


def test_sequence_add_adjoints_concatenation_and_arithmetic():
    a, b = [1.0, np.array([2.0, 3.0])], [4.0]
    g = [0.5, np.array([1.0, -1.0]), 2.0]
    _close(sequence_add_grad(g, a, b, 0), _vjp(sequence_add, [a, b], 0, g))
    _close(sequence_add_grad(g, a, b, 1), _vjp(sequence_add, [a, b], 1, g))
    x, y = rng.normal(size=(2, 3)), rng.normal(size=3)
    g = rng.normal(size=(2, 3))
    _close(sequence_add_grad(g, x, y, 1), _vjp(sequence_add, [x, y], 1, g))
    t = rng.normal(size=3)
    np.testing.assert_array_equal(sequence_add_tangent(t, x, y, x + y, 1), np.broadcast_to(t, (2, 3)))
    assert sequence_add_tangent([1.0], [2.0], [3.0], [2.0, 3.0], 0) == [1.0, 0.0]


def test_sequence_mul_adjoints_repetition_and_arithmetic():
    a = [1.0, np.array([2.0, 3.0])]
    g = [0.5, np.array([1.0, -1.0]), 2.0, np.array([4.0, 0.25])]
    _close(sequence_mul_grad(g, a, 2, 0), _vjp(lambda s: sequence_mul(s, 2), [a], 0, g))
    assert sequence_mul_grad(g, a, 2, 1) == 0.0
    x, y = rng.normal(size=(2, 3)), rng.normal(size=3)
    g = rng.normal(size=(2, 3))
    _close(sequence_mul_grad(g, x, y, 1), _vjp(sequence_mul, [x, y], 1, g))
    t = rng.normal(size=(2, 3))
    np.testing.assert_allclose(sequence_mul_tangent(t, x, y, x * y, 0), t * y)
    assert sequence_mul_tangent([1.0, 2.0], [0.0, 0.0], 2, [0.0] * 4, 0) == [1.0, 2.0, 1.0, 2.0]


def test_sequence_extend_adjoint_gives_an_arrays_rows_back():
    a, b = [1.0], rng.normal(size=(2, 3))
    g = [0.5, np.ones(3), 2 * np.ones(3)]
    got = sequence_extend_grad(g, a, b, 1, True)
    assert isinstance(got, np.ndarray) and got.shape == b.shape
    _close(got, _vjp(sequence_extend, [a, b], 1, g))
    assert sequence_extend_grad(g, a, b, 0, True) == [0.5]
    assert sequence_extend_grad([1.0, 2.0], [1.0], (3.0,), 1, False) == [2.0]


def test_dict_views_and_their_adjoints():
    d = {"a": 1.0, "b": np.array([2.0, 3.0])}
    assert dict_keys(d) == ["a", "b"] and iteration_order(d) == ["a", "b"]
    assert dict_values(d)[0] == 1.0 and dict_items(d)[1][0] == "b"
    g = [2.0, np.array([1.0, 1.0])]
    _close(dict_values_grad(g, d), _vjp(dict_values, [d], 0, g))
    pairs = [(0.0, 2.0), (0.0, np.array([1.0, 1.0]))]
    _close(dict_items_grad(pairs, d), {"a": 2.0, "b": np.array([1.0, 1.0])})
    _close(iteration_order_grad(["x"], d), {"a": 0.0, "b": np.zeros(2)})  # keys carry none
    assert iteration_order_grad(g, [1.0, 2.0]) is g


def test_dict_from_lists_keeps_the_last_value_of_a_repeated_key():
    keys, values = ["a", "b", "a"], [1.0, 2.0, 3.0]
    assert dict_from_lists(keys, values) == {"a": 3.0, "b": 2.0}
    g = {"a": 5.0, "b": 7.0}
    assert dict_from_lists_grad(g, keys, values) == [0.0, 7.0, 5.0]
    _close(dict_from_lists_grad(g, keys, values), _vjp(dict_from_lists, [keys, values], 1, g))


def test_sequence_of_and_sum_adjoints():
    x = rng.normal(size=(3, 2))
    rows = sequence_of(list, x)
    assert len(rows) == 3
    g = [rng.normal(size=2) for _ in range(3)]
    got = sequence_of_grad(g, x)
    assert got.shape == x.shape
    _close(got, _vjp(lambda v: sequence_of(list, v), [x], 0, g))
    assert sequence_of(tuple, {"a": 1.0}) == ("a",)
    items = [rng.normal(size=3), rng.normal(size=(2, 3))]
    g = rng.normal(size=(2, 3))
    _close(builtin_sum_grad(g, items), [_vjp(lambda u, w: sum([u, w]), items, i, g)
                                        for i in (0, 1)])   # the first one summed back
    start = 1.5
    _close(sequence_sum_grad(g, items, start, 1), _vjp(sequence_sum, [items, start], 1, g))
    lists = [[1.0, 2.0], [3.0]]
    assert sequence_sum(lists, [0.5]) == [0.5, 1.0, 2.0, 3.0]
    assert sequence_sum_grad([1.0, 2.0, 3.0, 4.0], lists, [0.5], 0) == [[2.0, 3.0], [4.0]]
    assert sequence_sum_grad([1.0, 2.0, 3.0, 4.0], lists, [0.5], 1) == [1.0]


def test_iteration_order_lists_an_iterator_once_and_keeps_sequences():
    from srcdiff.runtime_containers import iteration_order
    gen = (v * 2 for v in range(3))
    assert iteration_order(gen) == [0, 2, 4]
    seq = [np.ones(2), np.zeros(2)]
    assert iteration_order(seq) is seq
    a = np.arange(3.0)
    assert iteration_order(a) is a
    assert iteration_order({"b": 1, "a": 2}) == ["b", "a"]


class _Looped:
    """A class of the user's Python loops over through its own __iter__."""
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        return iter(self.items[::-1])

    def __getitem__(self, i):
        return self.items[i]


def test_iteration_order_refuses_an_object_of_the_users_iterable_class():
    from srcdiff.errors import RuntimeRefusal
    with pytest.raises(RuntimeRefusal, match="_Looped"):
        iteration_order(_Looped([np.ones(2), np.zeros(2)]))
    items = [np.ones(2)]   # lists, tuples, arrays as they are; a dict's keys
    assert iteration_order(items) is items and iteration_order({"a": 1.0}) == ["a"]
