"""srcdiff/call_keys.py: the key a derivative's compiled variants are chosen by: an
array's shape, a plain value's type, a container's or user object's class and the classes
it holds, and a function passed in; calls that need another variant get another key, and
a derivative keyed so gives right results for each (finite differences)."""
import functools

import numpy as np

import srcdiff
from srcdiff.call_keys import call_key, kind

from gradcheck import check, numerical_grad


class Scale:
    def __init__(self, a):
        self.a = a

    def apply(self, x):
        return self.a * x


def double(t):
    return 2.0 * t


def triple(t):
    return 3.0 * t


def test_arrays_are_keyed_by_shape_and_plain_values_by_type():
    assert call_key((np.ones(3), 2.0, 1), {}) == ((3,), float, int)
    assert call_key((np.ones((2, 3)),), {}) != call_key((np.ones(3),), {})
    assert call_key((np.ones(3),), {"k": 2.0}) == ((3,), (("k", None, None),))


def test_containers_and_objects_are_keyed_by_their_class():
    assert kind([np.ones(2), 1.0]) is list
    assert kind({"w": np.ones(2)}) is dict
    assert kind(Scale(np.ones(2))) is Scale


def test_different_functions_passed_in_get_different_keys():
    assert call_key((double, 1.0), {}) != call_key((triple, 1.0), {})
    assert call_key((functools.partial(double), 1.0), {}) != call_key((double, 1.0), {})


def apply_to(f, x):
    return np.sum(f(x) * x)


def test_a_derivative_made_for_one_function_is_not_reused_for_another():
    x = np.array([0.3, -0.7])
    g = srcdiff.grad(apply_to, wrt=1)
    for f in (double, triple, double):   # both variants live in one derivative
        np.testing.assert_allclose(g(f, x), numerical_grad(lambda t: apply_to(f, t), [x], 0),
                                   rtol=1e-6)
    check(lambda t: apply_to(triple, t), x)


def test_a_container_holding_dicts_or_sets_is_keyed_apart_from_one_of_pairs():
    # (dict_facts: `for a, b in p` unpacks a dict's keys, a set in Python's order)
    assert kind([{1: 0}]) != kind([(1, 0)])
    assert kind(({2, 0},)) != kind(((2, 0),))
    assert kind({"a": {1: 0}}) != kind({"a": (1, 0)})
    assert kind([(1, 0)]) == list   # (a list of pairs keeps its key as it was)
