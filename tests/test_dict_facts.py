"""srcdiff/dict_facts.py: which values may be dicts, so that `for k in d` goes through a
dict's keys (iteration_order) and stays a plain index loop where the value cannot be a dict
(a list display, a range, an array); dict views of a local. The lowered code computes what
the user's function does, and its derivatives match finite differences."""
import collections
import types

import numpy as np
import pytest

import srcdiff
from srcdiff import analyze
from srcdiff import syntax as S
from srcdiff.dict_facts import DICT_VIEWS
from srcdiff.transform import lower_function

from gradcheck import check, numerical_grad
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


# A dict made by a library's call (collections.Counter, OrderedDict, vars(obj), a copy of a
# module-level dict) was looped over by its positions: `Counter([0, 0, 1])` read d[0], d[1]
# (the counts 2, 1) for the keys 0, 1 — a wrong value and gradient with no error where x is
# long enough, an IndexError or KeyError elsewhere. A mapping's class, vars() and a method
# of a module-level dict now go through iteration_order.
_WEIGHT_OF = {2: 0.5, 0: 1.5, 1: -1.0}


def counted_keys(x):
    d = collections.Counter([0, 0, 1])
    s = 0.0
    for k in d:
        s = s + d[k] * x[k] ** 3
    return s


def ordered_keys(x):
    d = collections.OrderedDict([(2, 0.5), (0, 1.5), (1, -1.0)])
    s = 0.0
    for k in d:
        s = s + d[k] * x[k] ** 3
    return s


def keys_of_a_module_dict_copy(x):
    s = 0.0
    for k in _WEIGHT_OF.copy():
        s = s + _WEIGHT_OF[k] * x[k] ** 3
    return s


def fields_of_a_namespace(x, cfg):
    s = 0.0
    for name in vars(cfg):
        s = s + getattr(cfg, name) * np.sum(x ** 2)
    return s


@pytest.mark.parametrize("fn", [counted_keys, ordered_keys, keys_of_a_module_dict_copy])
def test_a_loop_over_a_mapping_a_library_made_goes_through_its_keys(fn):
    x = np.array([0.3, 0.7, -1.1, 0.9])
    assert "iteration_order" in _calls(fn)
    check(fn, x)


def test_a_loop_over_vars_of_an_object_goes_through_its_names():
    cfg = types.SimpleNamespace(a=0.5, b=2.0)
    check(fields_of_a_namespace, np.array([0.3, -0.4]), cfg, wrt=0)


# `a, b, c = d` unpacked a dict by its positions (d[0], d[1], d[2]) where Python unpacks its
# keys: with integer keys a wrong value and gradient, no error, for a local dict display,
# a module-level dict and a Counter alike.
_INDEX_OF = {2: 1, 0: 0, 1: 2}


def keys_of_a_local_dict_unpacked(x):
    d = {2: 1, 0: 0, 1: 2}
    a, b, c = d
    return x[a] * 2.0 + x[b] ** 2 * 3.0 + x[c]


def keys_of_a_module_dict_unpacked(x):
    a, b, c = _INDEX_OF
    return x[a] * 2.0 + x[b] ** 2 * 3.0 + x[c]


def keys_of_a_counter_unpacked(x):
    a, b = collections.Counter([1, 0, 0])
    return x[a] * 2.0 + x[b] ** 2 * 3.0


def keys_of_a_dict_passed_unpacked(x, d):
    a, b, c = d
    return x[a] * 2.0 + x[b] ** 2 * 3.0 + x[c] * d[c]


@pytest.mark.parametrize("fn", [keys_of_a_local_dict_unpacked, keys_of_a_module_dict_unpacked,
                                keys_of_a_counter_unpacked])
def test_a_dict_unpacked_gives_its_keys(fn):
    check(fn, np.array([0.3, 0.7, -1.1, 0.9]))


def test_a_dict_passed_in_unpacked_gives_its_keys():
    check(keys_of_a_dict_passed_unpacked, np.array([0.3, 0.7, -1.1, 0.9]),
          {2: 1.5, 0: 0.5, 1: 2.0}, wrt=0)


# `for a, b in [{0: 1, 1: 0}, ...]` unpacked each dict by its positions too (a = d[0] = 1,
# b = d[1] = 0 where Python gives the keys 0, 1): a wrong value and gradient, no error.
def keys_of_dicts_in_a_list_unpacked(x):
    s = 0.0
    for a, b in [{0: 1, 1: 0}, {3: 2, 1: 1}]:
        s = s + x[a] * x[b] ** 2
    return s + sum(x[a] ** 3 * x[b] for a, b in [{0: 1, 2: 0}])


_PAIRS = [{0: 1, 1: 0}, {3: 2, 1: 1}]


def keys_of_module_level_dicts_unpacked(x):
    s = 0.0
    for a, b in _PAIRS:
        s = s + x[a] * x[b] ** 2
    return s


def keys_of_listed_dicts_unpacked(x):
    pairs = [{0: 1, 1: 0}, {3: 2, 1: 1}]
    s = 0.0
    for pair in pairs:
        a, b = pair
        s = s + x[a] * x[b] ** 2
    return s


@pytest.mark.parametrize("fn", [keys_of_dicts_in_a_list_unpacked,
                                keys_of_module_level_dicts_unpacked,
                                keys_of_listed_dicts_unpacked])
def test_dicts_a_loop_goes_through_unpack_their_keys(fn):
    check(fn, np.array([0.3, 0.7, -1.1, 0.9]))


def pairs_passed_unpacked(params, x):
    for W, b in params:
        x = np.tanh(x @ W + b)
    for layer in params:
        W, b = layer
        x = np.tanh(x @ W + b)
    return np.sum(x ** 2)


def test_pairs_of_a_list_passed_unpack_as_written():
    # (no iteration_order where the items cannot be dicts: the emitted loop reads as written)
    assert "iteration_order" not in _calls(pairs_passed_unpacked)


# sorted(D.items()) of a module-level dict crashed ('dict_items' object has no attribute
# '__getitem__'): its view is now a list, as a local dict's is.
def sorted_items_of_a_module_dict(x):
    s = 0.0
    for k, w in sorted(_WEIGHT_OF.items()):
        s = s + w * x[k] ** 3
    return s + sum(sorted(_WEIGHT_OF.values())[:2]) * x[0] + x[max(_WEIGHT_OF.keys())]


def test_views_of_a_module_level_dict_are_lists():
    check(sorted_items_of_a_module_dict, np.array([0.3, 0.7, -1.1, 0.9]))


# A module-level set looped over, and a set unpacked, were indexed by position ('set' object
# is not subscriptable, a crash): both go through iteration_order, in Python's own order.
_CHOSEN = {3, 1}


def items_of_a_module_level_set(x):
    s = 0.0
    for k in _CHOSEN:
        s = s + x[k] ** 3 * (k + 1)
    a, b = {1, 0}
    c, d = frozenset([2, 3])
    return s + x[a] * 2.0 + x[b] ** 2 + x[c] * x[d]


def test_sets_go_through_their_items_in_pythons_order():
    check(items_of_a_module_level_set, np.array([0.3, 0.7, -1.1, 0.9]))


# A dict a function of another module of the user's returns (`for k in helpers.weights()`)
# was looped over by its positions: the call was taken for a library's, not the user's.
_HELPERS = '''
def weights():
    return {2: 1, 0: 3, 1: 2}
'''

_LOOPING = '''
import numpy as np
import keyed_helpers


def over_helper_keys(x):
    s = 0.0
    for k in keyed_helpers.weights():
        s = s + x[k] ** 3 * (k + 1)
    w = keyed_helpers.weights()
    for k in w:
        s = s + x[k] * w[k]
    return s
'''


def test_a_dict_a_function_of_the_users_module_returns_goes_through_its_keys(tmp_path):
    import sys
    from user_modules import load
    load(tmp_path, "keyed_helpers", _HELPERS)
    try:
        module = load(tmp_path, "keyed_looping", _LOOPING)
        check(module.over_helper_keys, np.array([0.3, 0.7, -1.1, 0.9]))
    finally:
        sys.modules.pop("keyed_helpers", None)
        sys.modules.pop("keyed_looping", None)


# A dict of a class of its own passed in (collections.OrderedDict, Counter, `class
# Params(dict)`) was not taken for a dict: `for k in p` and `a, b = p` went by positions
# (KeyError, or a wrong value and gradient where the values fit as positions).
class _Params(dict):
    pass


def over_keys_passed(x, p):
    s = 0.0
    for k in p:
        s = s + x[k] ** 3 * p[k]
    a, b = p
    return s + x[a] * 2.0 + x[b] ** 2


@pytest.mark.parametrize("make", [collections.OrderedDict, collections.Counter, _Params])
def test_a_dict_of_a_class_of_its_own_passed_in_goes_through_its_keys(make):
    check(over_keys_passed, np.array([0.3, 0.7, -1.1, 0.9]), make({1: 2, 0: 3}), wrt=0)


def test_the_gradient_in_a_dict_of_a_class_of_its_own_is_a_dict_of_its_keys():
    def f(p, x):
        return sum(np.sum(p[k] * x) ** 2 for k in p)
    p = collections.OrderedDict(b=np.array([1.1, -0.3]), a=np.array([0.4, 0.2]))
    x = np.array([0.3, -0.5])
    grad = srcdiff.grad(f)(p, x)
    plain = {k: v for k, v in p.items()}
    assert list(grad) == list(p)
    for k in p:
        np.testing.assert_allclose(grad[k], numerical_grad(
            lambda v: f({**plain, k: v}, x), (p[k],), 0), rtol=1e-6)


# A set, a dict's view or an iterator passed in has no positions: `for k in ks` and
# `a, b = ks` indexed it (TypeError: 'set' object is not subscriptable, a crash). They go
# through iteration_order (markers.UNINDEXED_PASSED), each kind its own variant.
def over_an_unindexed_collection(x, ks):
    s = 0.0
    for k in ks:
        s = s + x[k] ** 3 * (k + 1)
    return s


def unpacking_an_unindexed_collection(x, ks):
    a, b = ks
    return x[a] * 2.0 + x[b] ** 2


@pytest.mark.parametrize("ks", [{2, 0}, frozenset({3, 1}), {2: 0, 0: 1}.keys(),
                                {0: 2, 1: 0}.values()], ids=["set", "frozenset", "keys",
                                                             "values"])
@pytest.mark.parametrize("fn", [over_an_unindexed_collection, unpacking_an_unindexed_collection])
def test_a_collection_without_positions_passed_in_is_gone_through(fn, ks):
    check(fn, np.array([0.3, 0.7, -1.1, 0.9]), ks, wrt=0)


@pytest.mark.parametrize("fn", [over_an_unindexed_collection, unpacking_an_unindexed_collection])
def test_an_iterator_passed_in_is_gone_through_once(fn):
    x = np.array([0.3, 0.7, -1.1, 0.9])
    grad = srcdiff.grad(fn)(x, iter([2, 0]))
    np.testing.assert_allclose(grad, numerical_grad(lambda v: fn(v, iter([2, 0])), (x,), 0),
                               rtol=1e-6, atol=1e-9)
    srcdiff.grad(fn)(x, [2, 0])   # a list after: a variant of its own (call_keys.kind)


# A dict a function of the user's returns, unpacked at once (`a, b = keyed(x)`, and the
# items of a list of them unpacked by a loop), went by positions: a wrong value and gradient
# where the dict's keys fit as positions (`{1: .., 0: ..}` unpacked as its values).
def _keyed():
    return {1: 3, 0: 2}


def _keyed_by_name():
    d = dict([(1, 0), (0, 3)])
    return d


def _pair_of(x):
    return x[0], x[1]


def a_returned_dict_unpacked(x):
    a, b = _keyed()
    c, d = _keyed_by_name()
    e, f = _pair_of(x)   # (a tuple returned unpacks as written)
    s = 0.0
    for k, v in [_keyed(), _keyed_by_name()]:
        s = s + x[k] * x[v] ** 2
    return x[a] * 2.0 + x[b] ** 3 + x[c] * x[d] + e * f ** 2 + s


def test_a_dict_a_function_of_the_users_returns_unpacks_its_keys():
    check(a_returned_dict_unpacked, np.array([0.3, 0.7, -1.1, 0.9]))


# Two more went by positions (session 28's review, wrong values and gradients): a dict a
# function of the user's gives back as it was passed (`return d`: what it returns is not told
# by its statements), and the dicts of a list a function of the user's returns, unpacked by
# a loop. What srcdiff can not tell a function of the user's returns may be a dict now (it
# goes by iteration_order, which gives a sequence as it is); arithmetic and NumPy's
# functions' values are told apart (no dict), and so are the items of what it returns.
def _as_passed(d):
    return d


def _dicts_of(x):
    return [{1: x[0], 0: x[1]}, {1: x[2], 0: x[0]}]


def _listed(x):
    out = []
    out.append({1: x[0] * 2.0, 0: x[1]})
    return out


def _halves(x):
    return np.split(x, 2)


def dicts_given_back_unpacked(x):
    a, b = _as_passed({1: x[0], 0: x[1]})
    s = a * x[0] + b * x[1] * 2.0
    for c, e in _dicts_of(x):
        s = s + c * x[3] + e * x[1] ** 2
    for c, e in _listed(x):
        s = s + c * x[2] - e
    h, t = _halves(x)
    return s + np.sum(h * t)


def test_a_dict_given_back_or_listed_by_a_function_of_the_users_unpacks_its_keys():
    check(dicts_given_back_unpacked, np.array([0.3, 0.7, -1.1, 0.9]))
    x = np.array([0.3, 0.7, -1.1, 0.9])
    value, _ = srcdiff.value_and_grad(dicts_given_back_unpacked)(x)
    assert value == pytest.approx(dicts_given_back_unpacked(x))


def test_what_numpy_or_arithmetic_returns_unpacks_by_position():
    from srcdiff.value_kinds import DICT, function_returns
    assert DICT not in function_returns(_halves)
    assert DICT not in function_returns(_pair_of)
    assert function_returns(_dicts_of, items=True) == {DICT}


# A list (or tuple) of dicts passed in, unpacked by a loop (`for a, b in dicts`), went by
# positions: the dicts' keys are read, in each dict's order.
def listed_dicts_passed_unpacked(x, dicts):
    s = 0.0
    for a, b in dicts:
        s = s + x[a] * x[b] ** 2
    for d in dicts:
        c, e = d
        s = s + x[c] ** 3 * x[e]
    return s


@pytest.mark.parametrize("box", [list, tuple])
def test_a_list_of_dicts_passed_in_unpacks_their_keys(box):
    dicts = box([{1: 2, 0: 3}, {0: 3, 1: 2}])   # (keys that fit as positions)
    check(listed_dicts_passed_unpacked, np.array([0.3, 0.7, -1.1, 0.9]), dicts, wrt=0)


def test_a_dict_keyed_unpack_gives_the_keys_values():
    x = np.array([0.3, 0.7, -1.1, 0.9])
    dicts = [{1: 2, 0: 3}, {0: 3, 1: 2}]
    value, _ = srcdiff.value_and_grad(listed_dicts_passed_unpacked)(x, dicts)
    assert value == pytest.approx(listed_dicts_passed_unpacked(x, dicts))
    value, _ = srcdiff.value_and_grad(a_returned_dict_unpacked)(x)
    assert value == pytest.approx(a_returned_dict_unpacked(x))


def test_a_list_of_dicts_passed_after_pairs_is_a_variant_of_its_own():
    # (call_keys.kind: the variant made for pairs reads them by position; dicts' keys differ)
    x = np.array([0.3, 0.7, -1.1, 0.9])
    grad = srcdiff.grad(listed_dicts_passed_unpacked)
    grad(x, [(1, 0), (2, 3)])
    dicts = [{1: 2, 0: 3}]
    np.testing.assert_allclose(grad(x, dicts), numerical_grad(
        lambda v: listed_dicts_passed_unpacked(v, dicts), (x,), 0), rtol=1e-6, atol=1e-9)


def a_nested_functions_dict_unpacked(x):
    def keyed():
        return {1: 3, 0: 2}

    def pair():
        return 2, 3
    a, b = keyed()
    c, d = pair()
    return x[a] * 2.0 + x[b] ** 3 + x[c] * x[d] ** 2


def test_a_dict_a_nested_function_returns_unpacks_its_keys():
    check(a_nested_functions_dict_unpacked, np.array([0.3, 0.7, -1.1, 0.9]))


def _returns_either(x, flag):
    if flag:
        return {0: x}
    out = (x, x)
    return out


def _returns_a_parameter(d):
    return d


def _yields(x):
    yield {0: x}


def test_what_a_function_returns_is_read_from_its_return_statements():
    from srcdiff.value_kinds import DICT, SEQUENCE, UNKNOWN, function_returns
    assert function_returns(_keyed) == {DICT} and function_returns(_keyed_by_name) == {DICT}
    assert function_returns(_pair_of) == {SEQUENCE}
    assert function_returns(_returns_either) == {DICT, SEQUENCE}
    assert function_returns(_returns_a_parameter) == {UNKNOWN}
    assert function_returns(_yields) == {UNKNOWN}
