"""srcdiff/repeated_items.py: whether a list or dict may hold one object at two keys, so that
`c[k] op= v` (an in-place change of that object) changes its other item too; lower_copies
then checks the update when it runs (refused for arrays, fine for numbers)."""
import numpy as np
import pytest

import srcdiff
from srcdiff import analyze, errors
from srcdiff.core import Kind
from srcdiff.transform import lower_function

from gradcheck import check


def item_checks(fn):
    """The checks before an update of an item: check_item_update, or check_item_alone where
    the key is constant (it refuses where another key holds the very item)."""
    return [s for s in analyze.flatten(lower_function(fn).body)
            if s.sd.kind is Kind.EFFECT and
            getattr(s.sd.func, "__name__", "") in ("check_item_update", "check_item_alone")]


def twice_in_a_display(x):
    a = x * 1.0
    c = [a, a]
    c[0] += 1.0
    return np.sum(c[1] * x)


def repeated_display(x):
    a = x * 1.0
    c = [a] * 2
    c[0] += 1.0
    return np.sum(c[1] * x)


def appended_twice(x):
    a = x * 1.0
    c = []
    c.append(a)
    c.append(a)
    c[1] *= x
    return np.sum(c[0])


def appended_in_a_loop(x):
    a = x * 1.0
    c = []
    for _ in range(2):
        c.append(a)
    c[0] *= x
    return np.sum(c[1])


def dict_of_one_array(x):
    a = x * 1.0
    d = {"p": a, "q": a}
    d["p"] += x
    return np.sum(d["q"] * x)


@pytest.mark.parametrize("fn", [twice_in_a_display, repeated_display, appended_twice,
                                appended_in_a_loop, dict_of_one_array])
def test_one_array_at_two_keys_is_checked_and_refused_for_arrays(fn):
    assert len(item_checks(fn)) == 1
    with pytest.raises(errors.RuntimeRefusal, match="changes the item"):
        srcdiff.grad(fn)(np.array([0.5, -1.0]))


def test_one_number_at_two_keys_differentiates():
    check(twice_in_a_display, 0.7)   # `+=` makes a new number: c[1] keeps the old one


def two_arrays(x):
    a = x * 1.0
    b = x * 2.0
    c = [a, b]
    c[0] += x
    return np.sum(c[0] * c[1])


def renewed_in_the_loop(x):
    c = []
    state = x * 1.0
    for _ in range(3):
        c.append(state)
        state = state * 0.5 + x
    c[0] += state
    return np.sum(c[0] * c[2])


def loop_target(x):
    c = []
    for row in x:
        c.append(row)
    c[0] += 1.0
    return c[0] * c[1]


def two_dicts(x):
    a = x * 1.0
    d = {"w": a}
    e = {"w": a}
    d["w"] += x
    return np.sum(e["w"] * x)


def copied_list(x):
    c = [x * 1.0]
    e = list(c)
    c[0] *= x
    return np.sum(e[0])


def sliced_list(x):
    c = [x * 1.0]
    e = c[:]
    c[0] *= x
    return np.sum(e[0])


def list_of_repeating_tuple(x):
    a = x * 1.0
    t = (a, a)
    c = list(t)
    c[0] += x
    return np.sum(c[1] * x)


def nested_lists(x):
    a = x * 1.0
    grid = [[a], [a]]
    grid[0][0] += x
    return np.sum(grid[1][0] * x)


@pytest.mark.parametrize("fn", [two_dicts, copied_list, sliced_list, list_of_repeating_tuple,
                                nested_lists])
def test_another_container_holding_the_array_is_a_holder(fn):
    assert len(item_checks(fn)) == 1
    with pytest.raises(errors.RuntimeRefusal, match="changes the item"):
        srcdiff.grad(fn)(np.array([0.5, -1.0]))


def other_key_read(x):
    c = [x * 1.0, x * 2.0]
    r = c[1]
    c[0] += x
    return np.sum(r * c[0])


def new_array_of_the_item(x):
    a = x * 1.0
    c = [a]
    e = np.array(c) * 2.0
    c[0] += x
    return np.sum(e * c[0])


@pytest.mark.parametrize("fn", [two_arrays, renewed_in_the_loop])
def test_arrays_held_once_pass_the_check_and_differentiate(fn):
    # (check_item_alone, not check_item_update: `c[1] = c[0]` or an item put twice by a
    # helper would escape what the text shows; when it runs it sees each item held once)
    assert [s.sd.func.__name__ for s in item_checks(fn)] == ["check_item_alone"]
    check(fn, np.array([0.5, -1.0]))


def test_a_loops_own_target_is_a_new_item_each_turn():
    assert item_checks(loop_target) == []
    check(loop_target, np.array([0.5, -1.0, 2.0]))


@pytest.mark.parametrize("fn", [other_key_read, new_array_of_the_item])
def test_names_holding_no_object_of_the_item_differentiate(fn):
    check(fn, np.array([0.5, -1.0]))
