"""Hunt 23 (tests/test_hunt23.py): programs combining session 22's features — shallow copies
of containers and the items they share, dict idioms (fromkeys, defaultdict, OrderedDict,
setdefault(...).append, update, |=, {**a, **b}, itertools.accumulate), type(self)(...),
a class's __iter__, functions held in fields of list items, functools.partial of a method,
np.vectorize of a nested def, factories returning factories' results, the runtime guard
before operators on objects, writes into arrays a library call returned in a tuple, loops
over a display writing its names' items, out= into a view, where=/initial= on reductions,
the new rules, and `for k, r in P.items()` over a dict of records — with each other and
with older ones, written the way users and sceptical testers write them. Each is checked
against central differences by gradcheck.check."""
import collections
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
import functools
import itertools
import operator

import numpy as np

rng = np.random.default_rng(23)
X3 = np.array([0.4, -0.7, 1.1])
X4 = np.array([0.3, -0.5, 0.9, 1.2])
A3 = np.array([[1.2, 0.3, -0.2], [0.1, 0.9, 0.4], [-0.3, 0.2, 1.5]])
KEYS = ["a", "b", "a", "c"]
NAMES = ["u", "v", "w"]


# --- shallow copies and shared items (item_sharing) -------------------------------------
def copy_then_rebind_item(x):
    a = {"p": x * 1.0, "q": x[0]}
    m = dict(a)
    m["p"] = m["p"] * 2.0          # rebinds m's item: a's array unchanged
    return np.sum(a["p"] * m["p"]) + m["q"]


def copy_then_update_number_item(x):
    a = {"p": x[0] * 1.0, "q": x[1] * x[2]}
    m = a.copy()
    m["q"] *= x[0]
    return a["q"] + m["q"] * m["p"]


def list_copy_slice_then_setitem(x):
    c = [x * 1.0, np.sin(x)]
    d = c[:]
    d[0] = d[0] + x
    return np.sum(c[0] * d[0]) + np.sum(d[1])


def list_copy_then_append(x):
    c = [x * 2.0]
    d = list(c)
    d.append(np.cos(x))
    return np.sum(d[0] * d[1]) + len(c) * np.sum(c[0])


def copy_in_loop_accumulate(x):
    base = {"s": x[0] * 1.0}
    total = 0.0
    for i in range(3):
        m = dict(base)
        m["s"] += x[i]
        total = total + m["s"] ** 2
    return total + base["s"]


def copy_of_copy_numbers(x):
    a = {"p": x[0], "q": x[1]}
    b = dict(a)
    c = b.copy()
    c["p"] = c["p"] * x[2]
    b["q"] += c["p"]
    return a["p"] * b["q"] + c["p"]


def merged_dicts_numbers_update(x):
    a = {"p": x[0], "q": x[1]}
    b = {"q": x[2] * 3.0}
    m = {**a, **b}
    m["p"] += m["q"]
    return m["p"] * a["p"] + m["q"]


def lists_joined_numbers(x):
    a = [x[0], x[1]]
    b = [x[2]]
    m = a + b
    m[0] += m[2] * 2.0
    return m[0] * a[0] + sum(m)


def copy_read_after_array_rebind(x):
    a = {"w": x * 1.0}
    m = a.copy()
    m["w"] = m["w"] + 1.0
    m["w"] *= x               # m's own array now
    return np.sum(a["w"] * m["w"])


def copy_update_array_shared(x):
    a = {"w": x * 1.0}
    m = a.copy()
    m["w"] += x               # a["w"] sees it too in Python
    return np.sum(a["w"] * m["w"])


def list_copy_update_array_shared(x):
    c = [x * 1.0, x * 2.0]
    d = list(c)
    d[1] *= x
    return np.sum(c[1] * x)


def copy_then_branch(x):
    a = {"p": x[0] * 2.0, "q": x[1]}
    m = dict(a)
    if x[2] > 0:
        m["p"] = m["p"] * m["q"]
    else:
        m["q"] = m["q"] + 1.0
    return a["p"] + m["p"] * m["q"]


def dict_copy_of_param(d, x):
    m = dict(d)
    m["w"] = m["w"] * x
    return np.sum(m["w"] * d["w"]) + np.sum(m["b"])


# --- dict idioms -------------------------------------------------------------------------
def fromkeys_accumulate(x):
    d = dict.fromkeys(NAMES, 0.0)
    for i, n in enumerate(NAMES):
        d[n] += x[i] ** 2
    for n in NAMES:
        d[n] = d[n] * x[0]
    return sum(d.values())


def fromkeys_array_value(x):
    d = dict.fromkeys(["a", "b"], x * 0.0)
    d["a"] = d["a"] + x
    d["b"] = d["b"] + x * x
    return np.sum(d["a"] * d["b"])


def fromkeys_then_copy(x):
    d = dict.fromkeys(NAMES, 1.0)
    e = d.copy()
    e["u"] = x[0] * x[1]
    d["v"] = x[2]
    return e["u"] * d["v"] + e["v"]


def setdefault_groups_products(x):
    groups = {}
    for k, v in zip(KEYS, x):
        groups.setdefault(k, []).append(v * v)
    out = 1.0
    for k in sorted(groups):
        out = out * (1.0 + sum(groups[k]))
    return out


def setdefault_extend(x):
    groups = {}
    for k, v in zip(KEYS, x):
        groups.setdefault(k, []).extend([v, np.sin(v)])
    return sum(sum(g) * len(g) for g in groups.values())


def defaultdict_list(x):
    acc = defaultdict(list)
    for k, v in zip(KEYS, x):
        acc[k].append(v * 2.0)
    return sum(np.prod(g) for g in acc.values())


def defaultdict_float_in_loop(x):
    acc = defaultdict(float)
    for i in range(2):
        for k, v in zip(KEYS, x):
            acc[k] += v * (i + 1.0)
    return acc["a"] * acc["b"] + acc["c"] + acc["z"]


def defaultdict_collections_int(x):
    acc = collections.defaultdict(int)
    for k, v in zip(KEYS, x):
        acc[k] += v
    return acc["a"] ** 2 + acc["c"] * acc["b"]


def defaultdict_lambda(x):
    acc = defaultdict(lambda: 1.0)
    for k, v in zip(KEYS, x):
        acc[k] = acc[k] * v
    return sum(acc.values())


def ordereddict_order(x):
    d = OrderedDict()
    d["z"] = x[0]
    d["a"] = x[1] * x[2]
    d["m"] = x[3]
    vals = list(d.values())
    return vals[0] * 3.0 + vals[1] * vals[2]


def update_then_read(x):
    d = {"a": x[0], "b": x[1]}
    e = {"b": x[2] * 2.0, "c": x[3]}
    d.update(e)
    e["c"] = e["c"] * 5.0       # numbers: d's own
    return d["a"] * d["b"] + d["c"] + e["c"]


def update_arrays_then_write(x):
    d = {"a": x * 1.0}
    e = {"b": np.sin(x)}
    d.update(e)
    d["b"] = d["b"] * x
    return np.sum(d["a"] * d["b"]) + np.sum(e["b"])


def update_array_shared_inplace(x):
    d = {"a": x * 1.0}
    e = {"b": np.sin(x)}
    d.update(e)
    d["b"] += x                  # e["b"] is the same array
    return np.sum(e["b"] * x)


def ior_in_loop(x):
    d = {"s": x[0]}
    for i in range(1, 4):
        d |= {"s": d["s"] * x[i], "t" + str(i): x[i]}
    return d["s"] + d["t2"] * d["t3"]


def star_merge_override(x):
    a = {"p": x[0], "q": x[1]}
    b = {"q": x[2]}
    m = {**a, **b, "r": x[3] * x[0]}
    return m["p"] * m["q"] + m["r"] + a["q"]


def star_merge_arrays_then_inplace(x):
    a = {"p": x * 1.0}
    m = {**a, "q": np.cos(x)}
    m["p"] *= 2.0                # a["p"] too
    return np.sum(a["p"] * x) + np.sum(m["q"])


def accumulate_mul(x):
    acc = list(itertools.accumulate(x, operator.mul, initial=2.0))
    return sum(a * a for a in acc)


def accumulate_lambda(x):
    acc = list(itertools.accumulate(x, lambda a, b: a * 0.5 + np.sin(b)))
    return acc[-1] * acc[1]


def accumulate_default_add(x):
    acc = list(itertools.accumulate(x))
    return acc[-1] * acc[0] + acc[2] ** 2


def accumulate_max(x):
    acc = list(itertools.accumulate(x, max))
    return sum(a * b for a, b in zip(acc, x))


def accumulate_arrays(x):
    rows = [x * 1.0, np.sin(x), x * x]
    acc = list(itertools.accumulate(rows, np.multiply))
    return np.sum(acc[-1]) + np.sum(acc[1] * acc[0])


def fromkeys_defaultdict_merge(x):
    d = dict.fromkeys(["a", "b"], 0.0)
    acc = defaultdict(float)
    for k, v in zip(KEYS, x):
        acc[k] += v * v
    m = {**d, **acc}
    return m["a"] * m["b"] + m["c"]


# --- type(self)(...) and self.__class__(...) ---------------------------------------------
@dataclass
class Lin:
    w: np.ndarray
    b: float = 0.5

    def scaled(self, c):
        return type(self)(self.w * c, self.b * c)

    def again(self):
        return self.__class__(w=np.sin(self.w) * self.b, b=self.b)

    def apply(self, x):
        return np.tanh(self.w * x) + self.b


class Rec:
    def __init__(self, w):
        self.w = w

    def grown(self, x):
        return type(self)(self.w * x + 1.0)

    def shrunk(self):
        return self.__class__(self.w * 0.5)


class RecSub(Rec):
    def grown(self, x):
        return type(self)(np.sin(self.w) * x)


def type_self_chain(x):
    layer = Lin(x * 1.0, 0.3)
    z = layer.scaled(2.0).again().scaled(0.5)
    return np.sum(z.w * x) + z.b


def type_self_in_loop(x):
    r = Rec(x * 1.0)
    for i in range(3):
        r = r.grown(x)
    return np.sum(r.w)


def type_self_subclass(x):
    r = RecSub(x * 1.0)
    s = r.grown(x).shrunk()
    return np.sum(s.w * s.w)


def type_self_branch(x):
    r = Rec(x * 2.0) if x[0] > 0 else RecSub(x * 2.0)
    return np.sum(r.grown(x).w)


def type_self_param(layers, x):
    s = 0.0
    for layer in layers:
        s = s + np.sum(layer.scaled(x[0]).apply(x))
    return s


def type_self_in_list(x):
    rs = [Rec(x), Rec(x * x)]
    out = [r.grown(x) for r in rs]
    return np.sum(out[0].w * out[1].w)


# --- a class's __iter__ ------------------------------------------------------------------
class Pair:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __iter__(self):
        yield self.a
        yield self.b * self.a


class Items:
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def iter_pair_unpack_loop(x):
    s = 0.0
    for p in Pair(x, np.sin(x)):
        s = s + np.sum(p * p * x)
    return s


def iter_items_with_enumerate(x):
    params = Items([x * 1.0, np.cos(x), x ** 3])
    s = 0.0
    for i, p in enumerate(params):
        s = s + (i + 1.0) * np.sum(p)
    return s


def iter_items_break(x):
    params = Items([x * 1.0, np.cos(x), x ** 3])
    s = 0.0
    for p in params:
        s = s + np.sum(p)
        if s > 2.0:
            break
    return s


def iter_items_nested(x):
    outer = Items([Items([x, x * 2.0]), Items([np.sin(x)])])
    s = 0.0
    for inner in outer:
        for p in inner:
            s = s + np.sum(p * x)
    return s


def iter_items_list_of(x):
    params = Items([x * 1.0, x * x])
    got = list(params)
    return np.sum(got[0] * got[1]) + len(params)


def iter_items_sum(x):
    params = Items([x * 1.0, np.tanh(x)])
    return np.sum(sum(params)) + np.sum(params[1] * x)


def iter_items_zip(x):
    a = Items([x, x * 2.0])
    b = Items([np.sin(x), np.cos(x)])
    s = 0.0
    for p, q in zip(a, b):
        s = s + np.sum(p * q)
    return s


def iter_items_write_after(x):
    params = Items([x * 1.0, x * 2.0])
    s = 0.0
    for p in params:
        s = s + np.sum(p * x)
    params.items[0] = params.items[0] * 3.0
    for p in params:
        s = s + np.sum(p)
    return s


class Backwards:
    """Loops run over its items last first (its __iter__); items read by index as stored."""
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        return iter(self.items[::-1])

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def enumerate_object_param(params, x):
    s = 0.0
    for i, p in enumerate(params):
        s = s + np.sum(p * x) * (i + 1.0)
    return s


def zip_object_param(params, x):
    s = 0.0
    for p, c in zip(params, [1.0, 3.0]):
        s = s + np.sum(np.sin(p) * x) * c
    return s


def enumerate_object_made_here(x):
    params = Backwards([x * 1.0, np.tanh(x)])
    s = 0.0
    for i, p in enumerate(params):
        s = s + np.sum(p) * (i + 1.0)
    return s


def list_of_object(x):
    params = Backwards([x * 1.0, np.tanh(x)])
    got = list(params)
    return np.sum(got[0]) * 3.0 + np.sum(got[1] * x)


def sum_of_object(x):
    params = Items([x * 1.0, np.tanh(x)])
    return np.sum(sum(params) * x)


def comprehension_enumerate_object(params, x):
    return sum(np.sum(p * x) * k for k, p in enumerate(params))


CASES_1 = [
    ("copy_then_rebind_item", copy_then_rebind_item, (X3,), {}),
    ("copy_then_update_number_item", copy_then_update_number_item, (X3,), {}),
    ("list_copy_slice_then_setitem", list_copy_slice_then_setitem, (X3,), {}),
    ("list_copy_then_append", list_copy_then_append, (X3,), {}),
    ("copy_in_loop_accumulate", copy_in_loop_accumulate, (X3,), {}),
    ("copy_of_copy_numbers", copy_of_copy_numbers, (X3,), {}),
    ("merged_dicts_numbers_update", merged_dicts_numbers_update, (X3,), {}),
    ("lists_joined_numbers", lists_joined_numbers, (X3,), {}),
    ("copy_read_after_array_rebind", copy_read_after_array_rebind, (X3,), {}),
    ("copy_update_array_shared", copy_update_array_shared, (X3,), {}),
    ("list_copy_update_array_shared", list_copy_update_array_shared, (X3,), {}),
    ("copy_then_branch", copy_then_branch, (X3,), {}),
    ("copy_then_branch_neg", copy_then_branch, (-X3,), {}),
    ("dict_copy_of_param", dict_copy_of_param, ({"w": X3 * 1.0, "b": X3 + 1.0}, X3), {}),
    ("dict_copy_of_param_x", dict_copy_of_param, ({"w": X3 * 1.0, "b": X3 + 1.0}, X3), {"wrt": 1}),
    ("fromkeys_accumulate", fromkeys_accumulate, (X3,), {}),
    ("fromkeys_array_value", fromkeys_array_value, (X3,), {}),
    ("fromkeys_then_copy", fromkeys_then_copy, (X3,), {}),
    ("setdefault_groups_products", setdefault_groups_products, (X4,), {}),
    ("setdefault_extend", setdefault_extend, (X4,), {}),
    ("defaultdict_list", defaultdict_list, (X4,), {}),
    ("defaultdict_float_in_loop", defaultdict_float_in_loop, (X4,), {}),
    ("defaultdict_collections_int", defaultdict_collections_int, (X4,), {}),
    ("defaultdict_lambda", defaultdict_lambda, (X4,), {}),
    ("ordereddict_order", ordereddict_order, (X4,), {}),
    ("update_then_read", update_then_read, (X4,), {}),
    ("update_arrays_then_write", update_arrays_then_write, (X3,), {}),
    ("update_array_shared_inplace", update_array_shared_inplace, (X3,), {}),
    ("ior_in_loop", ior_in_loop, (X4,), {}),
    ("star_merge_override", star_merge_override, (X4,), {}),
    ("star_merge_arrays_then_inplace", star_merge_arrays_then_inplace, (X3,), {}),
    ("accumulate_mul", accumulate_mul, (X4,), {}),
    ("accumulate_lambda", accumulate_lambda, (X4,), {}),
    ("accumulate_default_add", accumulate_default_add, (X4,), {}),
    ("accumulate_max", accumulate_max, (X4,), {}),
    ("accumulate_arrays", accumulate_arrays, (X3,), {}),
    ("fromkeys_defaultdict_merge", fromkeys_defaultdict_merge, (X4,), {}),
    ("type_self_chain", type_self_chain, (X3,), {}),
    ("type_self_in_loop", type_self_in_loop, (X3,), {}),
    ("type_self_subclass", type_self_subclass, (X3,), {}),
    ("type_self_branch", type_self_branch, (X3,), {}),
    ("type_self_branch_neg", type_self_branch, (-X3,), {}),
    ("type_self_param", type_self_param, ([Lin(X3 + 1.0, 0.2), Lin(X3 - 1.0, 0.7)], X3), {}),
    ("type_self_param_x", type_self_param, ([Lin(X3 + 1.0, 0.2), Lin(X3 - 1.0, 0.7)], X3), {"wrt": 1}),
    ("type_self_in_list", type_self_in_list, (X3,), {}),
    ("iter_pair_unpack_loop", iter_pair_unpack_loop, (X3,), {}),
    ("iter_items_with_enumerate", iter_items_with_enumerate, (X3,), {}),
    ("iter_items_break", iter_items_break, (X3,), {}),
    ("iter_items_nested", iter_items_nested, (X3,), {}),
    ("iter_items_list_of", iter_items_list_of, (X3,), {}),
    ("iter_items_sum", iter_items_sum, (X3,), {}),
    ("iter_items_zip", iter_items_zip, (X3,), {}),
    ("iter_items_write_after", iter_items_write_after, (X3,), {}),
    ("enumerate_object_param", enumerate_object_param, (Backwards([X3 * 1.0, X3 * 2.0]), X3), {"wrt": 1}),
    ("enumerate_object_param_p", enumerate_object_param, (Backwards([X3 * 1.0, X3 * 2.0]), X3), {}),
    ("zip_object_param", zip_object_param, (Backwards([X3 * 1.0, X3 * 2.0]), X3), {"wrt": 1}),
    ("enumerate_object_made_here", enumerate_object_made_here, (X3,), {}),
    ("list_of_object", list_of_object, (X3,), {}),
    ("sum_of_object", sum_of_object, (X3,), {}),
    ("comprehension_enumerate_object", comprehension_enumerate_object, (Backwards([X3 * 1.0, X3 * 2.0]), X3), {"wrt": 1}),
]

CASES = CASES_1

# Programs srcdiff refuses today, each at its line (false refusals: the derivative exists;
# the report of hunt 23 lists why): checked to stay located refusals, never wrong numbers.
REFUSED = {
    "list_copy_slice_then_setitem",    # d = c[:] of a list read as a view of c
    "copy_read_after_array_rebind",    # m["w"] *= x after m["w"] was rebound to a new array
    "copy_update_array_shared", "list_copy_update_array_shared", "update_array_shared_inplace",
    "star_merge_arrays_then_inplace",  # (true ones: the other name holds the item)
    "type_self_branch", "type_self_branch_neg",   # r = A(...) if c else B(...): r's class
    "iter_items_write_after",          # params.items[0] = ... (an object's field written)
    "iter_items_nested",               # for p in inner, inner an item of outer's __iter__
}

# Checked to second order (the rest to first: the suite's time budget).
SECOND_ORDER = {
    "copy_in_loop_accumulate", "merged_dicts_numbers_update", "copy_then_branch",
    "dict_copy_of_param", "fromkeys_array_value", "setdefault_groups_products",
    "defaultdict_float_in_loop", "update_arrays_then_write", "ior_in_loop",
    "accumulate_lambda", "accumulate_arrays", "type_self_chain", "type_self_param_x",
    "iter_pair_unpack_loop", "iter_items_zip", "enumerate_object_param",
}
