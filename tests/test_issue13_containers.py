"""Issue #13, containers and everyday Python (session 22): dict and list idioms a user writes,
each checked against central differences in both modes and to second order; where Python's
meaning cannot be followed, refused at the user's line (at once, or by a check when the
program runs and an item is an array). Programs on main: dict.fromkeys, defaultdict,
OrderedDict, setdefault(...).append, d.update(name), d |= e, {**a, **b} and
itertools.accumulate were refused; a shallow copy's item updated in place was a wrong
derivative (tests/test_item_sharing.py)."""
import collections
import functools
import itertools
import operator
from collections import OrderedDict, defaultdict

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import errors
from issue13_cases import on_args, refused_in_both_modes

KEYS = ["a", "b", "a", "c", "b"]
NAMES = ["u", "v", "w"]
X = np.array([0.3, -0.7, 0.5, 1.1, 0.2, -0.4, 0.9])


def setdefault_rows(x):
    groups = {}
    for k, v in zip(KEYS, x):
        groups.setdefault(k, []).append(v)
    total = 0.0
    for k in groups:
        total = total + np.sum(np.stack(groups[k]) ** 2) * len(groups[k])
    return total


def setdefault_scalars(x):
    groups = {}
    for k, v in zip(KEYS, x):
        groups.setdefault(k, []).append(np.sin(v))
    return sum(sum(g) ** 2 for g in groups.values())


def dict_of_lists_appended(x):
    g = {"pos": [], "neg": []}
    for v in x:
        g["pos" if v > 0 else "neg"].append(np.sin(v) * v)
    g["neg"].extend([x[0] ** 2, x[1]])
    return sum(g["pos"]) * sum(g["neg"]) + len(g["neg"])


def dict_comprehension_of_lists(x):
    rows = x[:6].reshape(3, 2)
    g = {n: [] for n in NAMES}
    for i, n in enumerate(NAMES):
        g[n].append(rows[i] * x[6])
        g[NAMES[0]].append(np.tanh(rows[i]))
    return sum(np.sum(np.stack(g[n]) ** 2) for n in NAMES)


def fromkeys_zero(x):
    d = dict.fromkeys(NAMES, 0.0)
    for i, n in enumerate(NAMES):
        d[n] += x[i] ** 2
        d[n] += x[i + 1]
    return d["u"] * d["v"] + d["w"]


def fromkeys_none(x):
    d = dict.fromkeys(NAMES)
    for i, n in enumerate(NAMES):
        d[n] = np.tanh(x[i])
    return d["u"] * d["v"] + d["w"]


def update_pop(x):
    d = {"a": x[0], "b": x[1]}
    other = {"b": x[2] ** 2, "c": x[3]}
    d.update(other)
    c = d.pop("c")
    return d["a"] * c + d["b"]


def get_default(x):
    d = {"a": x[:2]}
    e = d.get("b", np.zeros(2) + x[2])
    f = d.get("a", x[:2] * 3.0)
    return np.sum(e * f)


def merge_star(x):
    a = {"p": x[0], "q": x[1]}
    b = {"q": x[2] * x[0], "r": x[3]}
    m = {**a, **b}
    return m["p"] * m["q"] + m["r"]


def defaultdict_list(x):
    acc = defaultdict(list)
    for k, v in zip(KEYS, x):
        acc[k].append(v ** 2)
    return sum(np.prod(np.array(v)) for v in acc.values())


def defaultdict_float(x):
    acc = defaultdict(float)
    for k, v in zip(KEYS, x):
        acc[k] += np.sin(v)
    return acc["a"] * acc["b"] + acc["c"]


def collections_defaultdict(x):
    acc = collections.defaultdict(float)
    for k, v in zip(KEYS, x):
        acc[k] += v * v
    return acc["a"] * acc["b"]


def ordered(x):
    d = OrderedDict()
    d["z"] = x[0]
    d["a"] = x[1] * x[0]
    out = 0.0
    for i, v in enumerate(d.values()):
        out = out + (i + 1) * v ** 2
    return out


def sorted_items(x):
    d = {"b": x[0], "a": x[1], "c": x[2]}
    out = 0.0
    w = 1.0
    for k, v in sorted(d.items()):
        out = out + w * v
        w = w * 2.0
    return out * x[3]


def dict_kw(x):
    a = {"p": x[0]}
    b = dict(a, w=x[1] ** 2)
    return b["p"] * b["w"]


def dict_ior(x):
    d = {"p": x[0], "q": x[1]}
    d |= {"q": x[2] ** 2}
    return d["p"] * d["q"]


def sorted_keys(x):
    d = {"b": x[0], "a": x[1]}
    out = 0.0
    w = 1.0
    for k in sorted(d):
        out = out + w * d[k]
        w = w + 1.0
    return out


def values_list(x):
    d = {"b": x[0], "a": x[1] ** 2}
    vs = list(d.values())
    return vs[0] * vs[1]


def min_key(x):
    d = {"a": x[0] ** 2, "b": x[1] + 1.0, "c": x[2]}
    k = min(d, key=d.get)
    return d[k] * x[3]


def list_extend(x):
    lst = [x[0]]
    lst.extend([x[1] ** 2, x[2]])
    lst.extend(np.sin(x[3:5]))
    return sum(lst) * lst[1]


def list_iadd(x):
    lst = [x[0]]
    lst += [x[1] ** 2, x[2]]
    return lst[0] * lst[1] + lst[2]


def list_mul(x):
    lst = [1.0, 2.0] * 2
    out = 0.0
    for i, c in enumerate(lst):
        out = out + c * x[i]
    return out ** 2


def list_index_count(x):
    names = ["a", "b", "c", "a"]
    i = names.index("b")
    n = names.count("a")
    return x[i] * n + x[0] ** 2


def list_copy(x):
    lst = [x[0], x[1]]
    c = lst.copy()
    c[0] = x[2] ** 2
    return lst[0] * c[0] + c[1]


def list_reversed(x):
    lst = [x[0], x[1] ** 2, x[2]]
    out = 0.0
    w = 1.0
    for v in reversed(lst):
        out = out + w * v
        w = w * 3.0
    r = lst[::-1]
    return out * r[0]


def sum_start(x):
    lst = [x[0], x[1] ** 2]
    return sum(lst, x[2]) * sum([x[3]], 1.0)


def any_all(x):
    if any(x > 10.0) or not all(x < 5.0):
        return np.sum(x)
    return np.sum(x ** 2)


def any_all_list(x):
    vals = [x[0], x[1]]
    if all(v > -10.0 for v in vals):
        return x[0] * x[1]
    return x[0]


def enumerate_start(x):
    lst = [x[0], x[1], x[2]]
    out = 0.0
    for i, v in enumerate(lst, start=1):
        out = out + i * v ** 2
    return out


def accumulate(x):
    acc = list(itertools.accumulate([x[0], x[1], x[2]]))
    return acc[0] * acc[1] * acc[2]


def accumulate_mul(x):
    acc = list(itertools.accumulate([x[0], x[1], x[2]], operator.mul))
    return acc[-1] + acc[1]


def product_ranges(x):
    out = 0.0
    for i, j in itertools.product(range(2), range(3)):
        out = out + x[i] * x[j + 2]
    return out


def reduce_add(x):
    xs = [x[0] ** 2, x[1], x[2]]
    return functools.reduce(operator.add, xs) * x[3]


def reduce_lambda(x):
    xs = [x[0], x[1], x[2]]
    return functools.reduce(lambda a, b: a * b, xs)


def map_tanh(x):
    xs = [x[0], x[1], x[2]]
    ys = list(map(np.tanh, xs))
    return ys[0] * ys[1] + ys[2]


def sorted_lambda(x):
    rows = [(2.0, x[0]), (1.0, x[1] ** 2), (3.0, x[2])]
    s = sorted(rows, key=lambda r: r[0])
    return s[0][1] * s[1][1] + s[2][1]


def sorted_rows(x):
    m = x[:6].reshape(3, 2)
    rows = [m[0], m[1], m[2]]
    s = sorted(rows, key=lambda r: r[0])
    return np.sum(s[0] * s[1]) + np.sum(s[2] ** 2)


def dd_missing_len(x):
    acc = defaultdict(float)
    acc["a"] += x[0] ** 2
    t = acc["b"] * x[1]
    return t + acc["a"] * len(acc)


def update_pairs(x):
    d = {"a": x[0]}
    d.update([("b", x[1] ** 2), ("a", x[2])])
    return d["a"] * d["b"]


def dd_aug_array(x):
    acc = defaultdict(float)
    for k, v in zip(["a", "b", "a"], x[:6].reshape(3, 2)):
        acc[k] += v
    return np.sum(acc["a"] * acc["b"])


def dd_lambda(x):
    acc = defaultdict(lambda: 1.0)
    for k, v in zip(KEYS, x):
        acc[k] *= v
    return acc["a"] + acc["b"] * acc["c"]


def merge_nonstr(x):
    a = {1: x[0], 2: x[1]}
    b = {2: x[2] * x[0], 3: x[3]}
    m = {**a, **b, 4: x[4]}
    return m[1] * m[2] + m[3] * m[4]


def merge_middle(x):
    a = {"p": x[0], "q": x[1]}
    m = {"q": x[5], **a, "r": x[3]}
    return m["p"] * m["q"] + m["r"]


def accumulate_initial(x):
    acc = list(itertools.accumulate([x[0], x[1]], operator.mul, initial=x[2]))
    return acc[0] * acc[1] + acc[2]


def accumulate_lambda(x):
    acc = list(itertools.accumulate(x[:3], lambda a, b: a * np.sin(b)))
    return acc[-1] + acc[0]


def accumulate_max(x):
    acc = list(itertools.accumulate([x[0], x[1], x[2]], max))
    return acc[1] * acc[2]


def accumulate_array(x):
    acc = list(itertools.accumulate(x[:6].reshape(3, 2)))
    return np.sum(acc[2] * acc[1])


def ior_name(x):
    d = {"a": x[0]}
    e = {"a": x[1] ** 2, "b": x[2]}
    d |= e
    return d["a"] * d["b"]


def ior_array_bool(x):
    m = x > 0.0
    m |= x < -0.5
    return np.sum(np.where(m, x ** 2, x))


def groups_arrays(x):
    m = x[:6].reshape(3, 2)
    groups = {}
    for k, row in zip(["p", "q", "p"], m):
        groups.setdefault(k, []).append(row)
    out = 0.0
    for k in sorted(groups):
        out = out + np.sum(np.mean(np.stack(groups[k]), axis=0) ** 2)
    return out


def groups_extend(x):
    groups = {}
    for i, k in enumerate(["p", "q", "p"]):
        groups.setdefault(k, []).extend([x[i], x[i + 3] ** 2])
    return sum(groups["p"]) * sum(groups["q"])


def alias_inside(x):
    g = {}
    first = None
    for k, v in zip(KEYS, x):
        g.setdefault(k, []).append(v)
        if first is None:
            first = g["a"]
    return sum(first) * x[0]


def stored_before(x):
    lst = [x[4]]
    g = {}
    g["a"] = lst
    for k, v in zip(KEYS, x):
        g.setdefault(k, []).append(v)
    return sum(lst) * sum(g["a"])


def alias_named(x):
    g = {}
    for k, v in zip(KEYS, x):
        lst = g.setdefault(k, [])
        lst.append(v)
    return sum(g["a"]) * sum(g["b"])


def dd_passed(x):
    acc = defaultdict(float)
    acc["a"] += x[0]
    return helper(acc) + acc["a"] ** 2


def od_move(x):
    d = OrderedDict()
    d["a"] = x[0]
    d["b"] = x[1] ** 2
    d.move_to_end("a")
    vs = list(d.values())
    return vs[0] * 2.0 + vs[1]


def update_pairs_name(x):
    d = {"a": x[0]}
    pairs = [("b", x[1] ** 2), ("a", x[2])]
    d.update(pairs)
    return d["a"] * d["b"]


def fromkeys_list(x):
    d = dict.fromkeys(NAMES, [])
    d["u"].append(x[0])
    return sum(d["v"]) * x[1]


def dd_dict_of_list_read_in_loop(x):
    acc = defaultdict(list)
    out = 0.0
    for k, v in zip(KEYS, x):
        acc[k].append(v)
        out = out + len(acc[k]) * v
    return out * sum(acc["a"])


def list_index_value(x):
    lst = [x[0], x[1], x[2]]
    i = lst.index(lst[1])
    return lst[i] * x[3]


def fromkeys_shared(x):
    d = dict.fromkeys(NAMES, np.zeros(2))
    d["u"] += x[:2]
    return np.sum(d["v"] * x[2:4]) + np.sum(d["u"] ** 2)


def merge_then_mutate(x):
    arr = x[:2] * 1.0
    a = {"p": arr}
    m = {**a, "q": x[2]}
    m["p"] += x[3]
    return np.sum(arr) * m["q"]


def merge2_then_mutate(x):
    arr = x[:2] * 1.0
    a = {"p": arr}
    b = {"q": x[2]}
    m = {**b, **a}
    m["p"] += x[3]
    return np.sum(arr) * m["q"]


def update_then_mutate(x):
    arr = x[:2] * 1.0
    a = {"p": arr}
    m = {"q": x[2]}
    m.update(a)
    m["p"] += x[3]
    return np.sum(arr) * m["q"]


def ior_then_mutate(x):
    arr = x[:2] * 1.0
    a = {"p": arr}
    m = {"q": x[2]}
    m |= a
    m["p"] += x[3]
    return np.sum(arr) * m["q"]


def fromkeys_shared_name(x):
    z = np.zeros(2)
    d = dict.fromkeys(NAMES, z)
    d["u"] += x[:2] ** 2
    return np.sum(d["w"] * x[2:4]) + np.sum(z)


def helper(d):
    return d["zz"]


DIFFERENTIATED = [dict_of_lists_appended, dict_comprehension_of_lists, setdefault_rows,
                  setdefault_scalars, fromkeys_zero, fromkeys_none, update_pop,
                  get_default, merge_star, defaultdict_list, defaultdict_float,
                  collections_defaultdict, ordered, sorted_items, dict_kw, dict_ior, sorted_keys,
                  values_list, min_key, list_extend, list_iadd, list_mul, list_index_count,
                  list_copy, list_reversed, sum_start, any_all, any_all_list, enumerate_start,
                  accumulate, accumulate_mul, product_ranges, reduce_add, reduce_lambda, map_tanh,
                  sorted_lambda, sorted_rows, dd_missing_len, update_pairs, dd_aug_array,
                  dd_lambda, merge_nonstr, merge_middle, accumulate_initial, accumulate_lambda,
                  accumulate_max, accumulate_array, ior_name, ior_array_bool, groups_arrays,
                  groups_extend]


@pytest.mark.parametrize("f", DIFFERENTIATED, ids=lambda f: f.__name__)
def test_the_idiom_differentiates_in_both_modes_to_second_order(f):
    on_args(f, (X,), (0,))


REFUSED = {alias_inside: 'can only append to a local list',
           stored_before: 'can only append to a local list',
           alias_named: 'would change g too',
           update_pairs_name: 'given a dict display or keywords',
           fromkeys_list: 'can only append to a local list',
           dd_dict_of_list_read_in_loop: 'can only append to a local list'}


@pytest.mark.parametrize("f", sorted(REFUSED, key=lambda f: f.__name__), ids=lambda f: f.__name__)
def test_what_srcdiff_cannot_follow_is_refused_at_the_users_line(f):
    refused_in_both_modes(f, (X,), (0,), REFUSED[f])


REFUSED_WHEN_RUN = {fromkeys_shared: 'another name here may hold',
                    merge_then_mutate: 'another name here may hold',
                    merge2_then_mutate: 'another name here may hold',
                    update_then_mutate: 'another name here may hold',
                    ior_then_mutate: 'another name here may hold',
                    fromkeys_shared_name: 'another name here may hold'}


@pytest.mark.parametrize("f", sorted(REFUSED_WHEN_RUN, key=lambda f: f.__name__),
                         ids=lambda f: f.__name__)
def test_an_array_item_another_name_holds_updated_in_place_is_refused_when_it_runs(f):
    refused_in_both_modes(f, (X,), (0,), REFUSED_WHEN_RUN[f], error=errors.RuntimeRefusal)


# Forward mode follows these (its tangents run beside Python's own objects); reverse mode
# refuses them at the user's line: an OrderedDict's own methods (move_to_end), a
# defaultdict passed to another function (whose reads may insert keys: its tangent, a
# defaultdict of zeros, inserts the same keys; session 22's forward mode raised KeyError).
REVERSE_REFUSED = {od_move: "no derivative rule for collections.OrderedDict",
                   dd_passed: "no derivative rule for collections.defaultdict"}


@pytest.mark.parametrize("f", sorted(REVERSE_REFUSED, key=lambda f: f.__name__),
                         ids=lambda f: f.__name__)
def test_forward_mode_follows_and_reverse_mode_refuses_at_the_users_line(f):
    check(f, X.copy(), modes=("fwd",), order=2)
    with pytest.raises(srcdiff.SrcdiffError, match=REVERSE_REFUSED[f]) as info:
        srcdiff.grad(f)(X.copy())
    assert f.__code__.co_filename in str(info.value)


def test_the_position_of_a_value_differentiates_to_first_order_and_its_second_is_refused():
    # lst.index(v) over differentiated values: both modes to first order; forward over
    # reverse would differentiate the emitted vjp's own lst.index, refused at the user's line
    check(list_index_value, X.copy(), order=1)
    with pytest.raises(srcdiff.SrcdiffError, match="method .index") as info:
        check(list_index_value, X.copy(), order=2)
    assert list_index_value.__code__.co_filename in str(info.value)


# -- session 23: everyday idioms tried as a user writes them. `dict(sorted(d.items()))` was
# refused (no rule for dict of a list); the others differentiated already and are kept here
# as the issue's examples. A nested dict of parameters is read by key, layer by layer.
def dict_of_sorted_items(x):
    d = {"b": x[0], "a": x[1] * 2.0, "c": x[2]}
    e = dict(sorted(d.items()))
    ks = list(e)
    return e[ks[0]] * 3.0 + e[ks[1]] * e[ks[2]]


def filtered_items_pop_default(x):
    d = dict(zip(NAMES, [x[0], x[1] ** 2, x[2]]))
    e = {k: v * 2.0 for k, v in d.items() if k != "v"}
    missing = e.pop("z", x[3])
    return sum(e.values()) * missing + d.pop("v", 0.0)


def nested_params_by_layer(p, x):
    h = x
    for name in sorted(p):
        h = np.tanh(p[name]["w"] * h + p[name]["b"])
    return np.sum(h * p["layer1"]["w"])


LAYERS = {"layer1": {"w": X[:3] * 0.5, "b": X[3:6]}, "layer2": {"w": X[1:4], "b": X[:3] * 2.0}}


@pytest.mark.parametrize("f", [dict_of_sorted_items, filtered_items_pop_default],
                         ids=lambda f: f.__name__)
def test_session23_everyday_dict_idioms_differentiate(f):
    on_args(f, (X,), (0,))


def test_a_nested_dict_of_parameters_differentiates_in_it_and_in_x():
    check(nested_params_by_layer, LAYERS, X[:3].copy(), wrt=0, order=1)
    check(nested_params_by_layer, LAYERS, X[:3].copy(), wrt=1, order=2)


# d.update(opts) of a parameter passed a dict (the config-override idiom) was refused at the
# update ("srcdiff follows d.update(...) given a dict display or keywords"): the call's dict
# was never told to dict_idioms (session 26). Its keys come from the call.
DEFAULTS = {"scale": 2.0, "shift": 0.5}


def overridden_options(w, opts):
    o = dict(DEFAULTS)
    o.update(opts)
    return np.sum(np.tanh(w * o["scale"]) + o["shift"] * w ** 2)


def options_merged_into_a_display(w, opts):
    o = {"scale": w[0], "shift": 1.0}
    o.update(opts)
    o["scale"] = o["scale"] * w[1]
    return o["scale"] * np.sum(w) + o["shift"]


@pytest.mark.parametrize("f", [overridden_options, options_merged_into_a_display],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("wrt", [0, 1])
def test_update_by_a_parameter_passed_a_dict_differentiates_in_both(f, wrt):
    opts = {"shift": X[2] * 1.0, "extra": X[3] * 1.0}
    check(f, X[:3].copy(), opts, wrt=wrt, order=2)


def test_update_by_a_parameter_passed_a_list_of_pairs_stays_refused():
    with pytest.raises(errors.UnsupportedCodeError) as info:
        srcdiff.grad(overridden_options)(X[:3].copy(), [("shift", 1.0)])
    assert info.value.lineno == overridden_options.__code__.co_firstlineno + 2
