"""srcdiff/dict_facts.py: which values may be dicts, so that `for k in d` goes through a
dict's keys (iteration_order) and stays a plain index loop where the value cannot be a dict
(a list display, a range, an array); dict views of a local. The lowered code computes what
the user's function does, and its derivatives match finite differences."""
import numpy as np
import pytest

from srcdiff import analyze
from srcdiff import syntax as S
from srcdiff.dict_facts import DICT_VIEWS
from srcdiff.transform import lower_function

from gradcheck import check
from lowering import run_lowered


def _calls(fn):
    """The names of the functions the lowered body of fn calls."""
    return {n.func.id for s in analyze.flatten(lower_function(fn).body) for n in S.walk(s)
            if isinstance(n, S.Call) and isinstance(n.func, S.Name)}


def keys_of_a_local_dict(x):
    d = {"a": x, "b": 2.0 * x}
    s = 0.0
    for k in d:
        s = s + d[k] * x
    return s


def keys_of_a_dict_comprehension(x):
    d = {k: x * k for k in (1.0, 2.0)}
    s = 0.0
    for k in d:
        s = s + d[k] * d[k]
    return s


def items_of_a_list_display(x):
    s = 0.0
    for v in [x, 2.0 * x]:
        s = s + v * v
    return s


def items_of_a_range(x):
    s = 0.0
    for i in range(3):
        s = s + i * x
    return s


def values_of_a_local_dict(x):
    d = {"a": x, "b": x * x}
    s = 0.0
    for v in d.values():
        s = s + v
    return s


@pytest.mark.parametrize("fn, through_keys", [
    (keys_of_a_local_dict, True), (keys_of_a_dict_comprehension, True),
    (items_of_a_list_display, False), (items_of_a_range, False)])
def test_a_loop_goes_through_keys_only_where_the_value_may_be_a_dict(fn, through_keys):
    assert ("iteration_order" in _calls(fn)) is through_keys
    assert run_lowered(fn, 1.5) == fn(1.5)
    check(fn, 1.5)


def test_a_loop_over_a_dict_view_of_a_local_goes_through_its_keys():
    # the loop runs over the dict's keys, read once, and reads each value by its key
    assert "dict_keys" in _calls(values_of_a_local_dict)
    assert set(DICT_VIEWS) == {"values", "items", "keys"}
    assert run_lowered(values_of_a_local_dict, 1.5) == values_of_a_local_dict(1.5)
    check(values_of_a_local_dict, np.float64(1.5))


def copy_of_a_dict(x, y):
    d = {"w": x * 1.5, "b": y[0]}
    q = d.copy()
    q["w"] = q["w"] * 0.5 + np.tanh(y)
    s = 0.0
    for k in q:   # through q's keys: q = d.copy() may be a dict
        s = s + np.sum(q[k])
    return np.sum(q["w"] * d["w"]) + q["b"] + q.get("c", 0.25) + s


def test_a_copy_of_a_dict_may_be_a_dict():
    assert "iteration_order" in _calls(copy_of_a_dict)
    check(copy_of_a_dict, np.array([0.4, 0.9, 1.3]), np.array([-0.2, 0.6, 1.1]), wrt=(0, 1))
