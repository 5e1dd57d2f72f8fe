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


# -- a comprehension's own names (session 27) ---------------------------------------------
# `m = {k: np.zeros_like(v) for k, v in params.items()}` bound the function's own k and v as
# holders of params' items, and made m (of new arrays) one: `params[k] -= ...` in Adam's loop
# was refused while nothing shared an item.
def _tree(text):
    import gast
    return gast.parse(text).body[0]


def test_a_comprehensions_names_stand_for_what_it_goes_through():
    from srcdiff.repeated_items import held_names
    value = _tree("e = [p for p in ps if p is not q]").value
    assert held_names(value) == {"ps"}
    value = _tree("e = {k: v for k, v in d.items()}").value
    assert held_names(value) == {"d"}
    value = _tree("e = [a for p in ps]").value
    assert held_names(value) == {"a"}   # (an outer name: what it holds)


def test_only_a_comprehensions_scope_binds_its_names():
    from srcdiff import syntax as S
    from srcdiff.repeated_items import comprehension_bound
    fdef = _tree("def f(v, k):\n    m = {k: g(v) for k, v in v.items()}\n    return v, k\n")
    bound = comprehension_bound(fdef)
    names = [(n.id, type(n.ctx).__name__, id(n) in bound) for n in S.walk(fdef)
             if isinstance(n, S.Name) and n.id in "kv"]
    # the first iterable `v.items()` runs in the function's scope: its v is the parameter
    assert sorted(names) == sorted([
        ("v", "Param", False), ("k", "Param", False),            # f's parameters
        ("k", "Load", True), ("v", "Load", True),                 # {k: g(v) ...
        ("k", "Store", True), ("v", "Store", True),               # for k, v
        ("v", "Load", False),                                     # in v.items()
        ("v", "Load", False), ("k", "Load", False)])              # return v, k


def test_holders_keep_a_comprehensions_names_its_own():
    from srcdiff.repeated_items import holders
    fdef = _tree("def f(w):\n    p = {'w': w}\n    v = 0\n"
                 "    m = {k: zeros_like(v) for k, v in p.items()}\n"
                 "    s = {k: v for k, v in p.items()}\n    t = [q * 2.0 for q in p.values()]\n"
                 "    u = max(q for q in p.values())\n    for k in p:\n        p[k] -= 1\n")

    def fresh(node):
        from srcdiff import syntax as S
        return isinstance(node, (S.BinOp, S.Constant)) or isinstance(node, S.Call) and \
            getattr(node.func, "id", "") == "zeros_like"
    found = holders(fdef, "p", set(), fresh, lambda n: {"max": max}.get(n), {"p"})
    assert found == {"s", "u"}   # not m, t (new arrays), nor k, v (the comprehensions')
    assert "k" in holders(fdef, "p", set(), fresh, lambda n: None)   # (p maybe a list)


def params_updated_by_their_keys(w):
    params = {"w": w * 1.0, "b": w[:2] * 2.0}
    m = {k: np.zeros_like(v) for k, v in params.items()}
    for k in params:
        m[k] = m[k] + params[k] ** 2
        params[k] -= 0.1 * m[k]
    return np.sum(params["w"] ** 2) + np.sum(params["b"] * m["b"])


def params_scaled_beside_a_snapshot_of_new_arrays(w):
    params = {"w": w * 1.0, "b": w[:2] * 2.0}
    snap = {k: v * 1.0 for k, v in params.items()}
    for k in params:
        params[k] *= 0.5
    return np.sum(params["w"] * snap["w"]) + np.sum(snap["b"] ** 2)


@pytest.mark.parametrize("fn", [params_updated_by_their_keys,
                                params_scaled_beside_a_snapshot_of_new_arrays])
def test_items_of_a_dict_updated_by_its_keys_differentiate_unchecked(fn):
    assert item_checks(fn) == []
    check(fn, np.array([0.5, -0.3, 0.8]))


def snapshot_of_the_items(w):
    params = {"w": w * 1.0, "b": w[:2] * 2.0}
    snap = {k: v for k, v in params.items()}
    for k in params:
        params[k] -= 0.1 * params[k] ** 2
    return np.sum(snap["w"] ** 2)


def list_of_the_values(w):
    params = {"w": w * 1.0, "b": w[:2] * 2.0}
    vals = [v for v in params.values()]
    for k in params:
        params[k] -= 0.1 * params[k] ** 2
    return np.sum(vals[0] ** 2)


def largest_value_kept(w):
    params = {"w": w * 1.0, "b": w[:2] * 2.0}
    big = max((v for v in params.values()), key=len)
    for k in params:
        params[k] *= 0.5
    return np.sum(big ** 2)


def function_name_like_a_comprehensions(w):
    params = {"w": w * 1.0, "b": w[:2] * 2.0}
    v = params["w"]
    m = {k: np.zeros_like(v) for k, v in params.items()}
    for k in params:
        params[k] -= 0.1 * params[k] + m[k]
    return np.sum(v ** 2)


def pairs_of_keys_and_items(w):
    params = {"w": w * 1.0, "b": w[:2] * 2.0}
    pairs = [(k, params[k]) for k in params]
    for k in params:
        params[k] -= 0.1 * params[k] ** 2
    return np.sum(pairs[0][1] ** 2)


def list_comprehension_of_the_items(w):
    ps = [w * 1.0, w * 2.0]
    qs = [p for p in ps]
    ps[0] += 1.0
    return np.sum(qs[0] ** 2) + np.sum(ps[1])


@pytest.mark.parametrize("fn", [snapshot_of_the_items, list_of_the_values, largest_value_kept,
                                function_name_like_a_comprehensions, pairs_of_keys_and_items,
                                list_comprehension_of_the_items])
def test_a_comprehension_holding_the_items_still_is_a_holder(fn):
    # (the name read after holds the very array the update changes: Python's write shows)
    with pytest.raises(errors.RuntimeRefusal, match="another name here may hold"):
        srcdiff.grad(fn)(np.array([0.5, -0.3, 0.8]))
