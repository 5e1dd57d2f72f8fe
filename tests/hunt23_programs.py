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


# --- functions in fields of list items (item_fields) -------------------------------------
def softish(z):
    return z / (1.0 + z * z)


class Layer:
    def __init__(self, w, act):
        self.w = w
        self.act = act

    def __call__(self, x):
        return self.act(self.w * x)


@dataclass
class Dense:
    w: np.ndarray
    act: object = np.tanh

    def forward(self, x):
        return self.act(self.w * x) + x


def field_act_loop_reversed(x, layers):
    for p in reversed(layers):
        x = p.act(p.w * x)
    return np.sum(x)


def field_act_enumerate(x, layers):
    s = 0.0
    for i, p in enumerate(layers):
        s = s + np.sum(p.act(p.w * x)) * (i + 1.0)
    return s


def field_act_indexed(x, layers):
    s = 0.0
    for i in range(len(layers)):
        s = s + np.sum(layers[i].act(layers[i].w + x))
    return s


def field_act_second_pass(x, layers):
    for p in layers:
        x = p.act(p.w * x)
    for p in layers:
        x = x + p.act(x)
    return np.sum(x)


def called_objects_residual(x, layers):
    for layer in layers:
        x = x + layer(x) * 0.5
    return np.sum(x ** 2)


def dense_method_in_comprehension(x, layers):
    outs = [d.forward(x) for d in layers]
    return np.sum(outs[0] * outs[-1])


def field_act_branch(x, layers):
    for p in layers:
        if np.sum(x) > 0:
            x = p.act(p.w * x)
        else:
            x = p.act(x) - p.w
    return np.sum(x)


def field_act_made_here_mixed(x, w):
    layers = [Layer(w, np.sin), Layer(w * 2.0, softish), Layer(w - 1.0, np.tanh)]
    for p in layers[1:]:
        x = p.act(p.w * x)
    return np.sum(x * layers[0].act(w))


# --- functools.partial of a method, np.vectorize of a nested def --------------------------
class Scaler:
    def __init__(self, w):
        self.w = w

    def apply(self, x, c=1.0):
        return np.sin(self.w * x) * c

    def twice(self, x):
        return self.apply(x, 2.0) + self.w


def partial_of_method(x):
    s = Scaler(x * 0.5)
    g = functools.partial(s.apply, c=3.0)
    return np.sum(g(x) * x)


def partial_of_method_in_loop(x):
    s = Scaler(x * 1.0)
    g = functools.partial(s.apply, c=0.5)
    for i in range(3):
        x = g(x) + x
    return np.sum(x)


def partial_of_method_positional(x):
    s = Scaler(np.cos(x))
    g = functools.partial(s.apply, x)
    return np.sum(g(2.0)) + np.sum(g(0.5) * x)


def partial_of_method_param(s, x):
    g = functools.partial(s.twice)
    return np.sum(g(x) ** 2)


def partial_of_method_map(x):
    s = Scaler(x * 1.0)
    g = functools.partial(s.apply, c=2.0)
    return sum(np.sum(v) for v in map(g, [x, x * x]))


def vectorized_nested(x):
    @np.vectorize
    def f(v):
        return v * v if v > 0 else np.sin(v)
    return np.sum(f(x) * x)


def vectorized_nested_in_loop(x):
    s = 0.0
    for k in range(2):
        @np.vectorize
        def f(v):
            return np.exp(v * (k + 1.0)) - v
        s = s + np.sum(f(x))
    return s


def vectorized_nested_closure(x):
    c = x[0] * 2.0

    @np.vectorize
    def f(v):
        return v * c + np.tanh(v)
    return np.sum(f(x[1:]))


def vectorized_then_write(x):
    @np.vectorize
    def f(v):
        return v ** 3
    y = f(x)
    y[0] = x[1] * 2.0
    return np.sum(y * x)


# --- factories ----------------------------------------------------------------------------
@dataclass
class V2:
    a: np.ndarray
    b: np.ndarray

    def __add__(self, o):
        return V2(self.a + o.a, self.b + o.b)

    def __mul__(self, s):
        return V2(self.a * s, self.b * s)

    def __rmul__(self, s):
        return V2(s * self.a, s * self.b)

    def dot(self, o):
        return np.sum(self.a * o.a) + np.sum(self.b * o.b)


def make_v(x):
    return V2(x, np.sin(x))


def make_v_scaled(x, c):
    return make_v(x) * c


def make_v_sum(x):
    return make_v(x) + make_v(x * x)


def make_v_twice(x):
    v = make_v_scaled(x, 2.0)
    return v + v


def factory_of_factory(x):
    v = make_v_sum(x)
    return v.dot(v)


def factory_in_loop(x):
    acc = make_v(x * 0.0)
    for i in range(3):
        acc = acc + make_v_scaled(x, i + 1.0)
    return acc.dot(make_v(x))


def factory_scaled_left(x):
    v = 0.5 * make_v_twice(x)
    return v.dot(v) + np.sum(v.a)


def factory_in_branch(x):
    if x[0] > 0:
        v = make_v_scaled(x, 3.0)
    else:
        v = make_v(x)
    return v.dot(make_v(x))


# --- the guard before operators on objects (check_no_object) -----------------------------
def guard_numbers_from_list(x):
    vals = [x[0] * 2.0, x[1]]
    vals.append(x[2] ** 2)
    s = 0.0
    for v in vals:
        s = s + v * v
    return s


def guard_dict_values(x):
    d = {"a": x * 1.0, "b": np.cos(x)}
    out = 0.0
    for v in d.values():
        out = out + np.sum(v * v)
    return out


def guard_objects_and_numbers(x):
    vs = [make_v(x), make_v(x * 2.0)]
    s = vs[0] + vs[1]
    t = s * 2.0
    return t.dot(s) + np.sum(x * x)


def guard_popped_object(x):
    vs = [make_v(x), V2(x * 2.0, x)]
    v = vs.pop()
    return v.dot(v)



# --- writes into arrays a library call returned in a tuple (alias_tuples) -----------------
def svd_clip_in_loop(A):
    U, s, Vt = np.linalg.svd(A)
    for i in range(1, len(s)):
        s[i] = s[i] * 0.5
    return np.sum((U * s) @ Vt)


def svd_then_copy_then_write(A):
    U, s, Vt = np.linalg.svd(A)
    t = s.copy()
    s[0] = 0.0
    return np.sum(t * s) + np.sum(U[:, 0] ** 2 * s[1])


def eigh_shift_smallest(A):
    S = A @ A.T + np.eye(3)
    w, V = np.linalg.eigh(S)
    w[0] += 1.0
    w *= 2.0
    return np.sum(np.log(w)) + np.sum((V * w) @ V.T)


def qr_sign_fix(A):
    Q, R = np.linalg.qr(A)
    d = np.sign(np.diag(R))
    R *= d[:, None]
    return np.sum(R ** 2) + np.sum(np.triu(R))


def slogdet_written(A):
    sign, logdet = np.linalg.slogdet(A)
    parts = np.array([sign, logdet])
    parts[0] = 1.0
    return parts[0] * parts[1]


def lstsq_residual_written(A):
    b = np.array([1.0, 0.5, -0.2])
    sol, res, rank, sv = np.linalg.lstsq(A, b, rcond=None)
    sol[-1] = sol[-1] * 2.0
    sv[0] = 1.0
    return np.sum(sol * sol) + np.sum(sv)


def modf_frexp_written(x):
    fr, whole = np.modf(x * 3.0 + 5.0)
    m, e = np.frexp(x + 3.0)
    fr[1] = m[0]
    m[2] = fr[0] * 2.0
    return np.sum(fr * m)


def divmod_in_loop(x):
    s = 0.0
    for k in range(2):
        q, r = np.divmod(x * (k + 2.0) + 4.0, 1.0)
        r[0] = x[1] * x[2]
        s = s + np.sum(r * r)
    return s


def meshgrid_written(x):
    gx, gy = np.meshgrid(x, x * 2.0)
    gx[0, :] = 1.0
    gy[:, 1] *= x
    return np.sum(np.sin(gx) * gy)


def histogram_edges_written(x):
    counts, edges = np.histogram(np.array([0.1, 0.5, 0.9, 0.3]), bins=3, range=(0.0, 1.0))
    edges[0] = x[0]
    return np.sum(edges * x[1]) + np.sum(counts * x[2])


# --- loops over a display writing its names' items (display_loops) ------------------------
def display_loop_then_branch(x, v):
    x = x * 1.0
    m = np.cos(x)
    for r in [x, m]:
        if v > 0:
            r[0] = v * r[1]
        else:
            r[0] = r[2]
    return np.sum(x * m)


def display_loop_three_names(x, v):
    a = x * 1.0
    b = x ** 2
    c = np.sin(x)
    for r in (a, b, c):
        r[1:] = r[1:] * v + r[:-1]
    return np.sum(a * b * c)


def display_loop_nested_range(x, v):
    a = x * 1.0
    b = np.exp(x)
    for r in [a, b]:
        for i in range(1, len(r)):
            r[i] = r[i - 1] * v + r[i]
    return np.sum(a) * np.sum(b)


def display_loop_param_write(x, v):
    m = x * 2.0
    for r in [x, m]:
        r[-1] = v * v
    return np.sum(x * m)


# --- out= into a view (out_views) ---------------------------------------------------------
def out_into_row(a, b):
    y = np.zeros((2, 3))
    np.multiply(a, b, out=y[0])
    np.add(a, y[0], out=y[1])
    return np.sum(y * y)


def out_into_strided(a, b):
    y = np.sin(a) * 1.0
    np.multiply(a[::2], b[::2], out=y[::2])
    return np.sum(y * a)


def out_into_view_loop_accumulate(a, b):
    y = np.zeros(4)
    for k in range(3):
        np.add(y[1:], a[1:] * b[:-1] * (k + 1.0), out=y[1:])
    return np.sum(np.sin(y))


def out_exp_into_view(a, b):
    y = a * b
    np.exp(y[1:3], out=y[1:3])
    return np.sum(y)


# --- where= and initial= (runtime_keywords) -----------------------------------------------
def sum_where_mask(x):
    m = x > 0
    return np.sum(x * x, where=m) + np.mean(np.sin(x), where=m)


def max_initial(x):
    return np.max(x * 2.0, initial=0.5) + np.min(x, initial=-0.2)


def max_initial_axis(A):
    return np.sum(np.max(A, axis=1, initial=1.0)) + np.sum(np.min(A, axis=0, initial=0.0))


def prod_where_initial(x):
    return np.prod(x + 2.0, where=np.array([True, False, True]), initial=1.5)


def sum_where_keepdims_loop(A):
    s = 0.0
    for k in range(2):
        m = A > -0.25 * (k + 1)
        s = s + np.sum(np.sum(A * A, axis=0, where=m, keepdims=True) * A)
    return s


def method_sum_where(x):
    y = x * np.cos(x)
    return y.sum(where=y > 0, initial=0.25) + y.max(initial=2.0)


# --- new rules ----------------------------------------------------------------------------
def stats_mix(x):
    from scipy import stats
    return np.sum(stats.laplace.logpdf(x, loc=0.1, scale=1.3) + stats.cauchy.pdf(x * 2.0)
                  + stats.logistic.cdf(x) + stats.expon.logpdf(x + 1.0, scale=2.0))


def stats_params_diff(x):
    from scipy import stats
    return np.sum(stats.laplace.logpdf(0.3, loc=x, scale=1.0 + x * x))


def fftconvolve_chain(x):
    from scipy import signal
    k = np.array([0.2, 0.5, 0.3])
    y = signal.fftconvolve(x, k, mode="same")
    z = signal.correlate(y, x, mode="valid")
    return np.sum(z * z) + np.sum(y)


def convolve2d_in_loop(A):
    from scipy import signal
    k = np.array([[0.0, 1.0], [0.5, -0.5]])
    for i in range(2):
        A = np.tanh(signal.convolve2d(A, k, mode="same"))
    return np.sum(A ** 2) + np.sum(signal.correlate2d(A, k, mode="valid"))


def detrend_then_write(x):
    from scipy import signal
    y = signal.detrend(x * x)
    y[0] = x[1]
    return np.sum(y ** 2)


def logm_of_spd(A):
    from scipy import linalg
    S = A @ A.T + np.eye(3)
    return np.sum(linalg.logm(S) * S)


def polyfit_in_y(y):
    xs = np.array([0.0, 0.5, 1.0, 1.5])
    c = np.polyfit(xs, y * y, 2)
    return np.sum(c * np.array([1.0, -2.0, 0.5]))


def tensorsolve_tensorinv(A):
    T = np.einsum("ij,kl->ikjl", A, np.eye(2)[:1, :1] * 1.0 + 1.0).reshape(3, 3)
    b = np.array([1.0, 2.0, 0.5])
    sol = np.linalg.tensorsolve(A, b)
    inv = np.linalg.tensorinv(A, ind=1)
    return np.sum(sol * sol) + np.sum(inv * T)


def cond_and_block(A):
    B = np.block([[A, A[:, :1]], [A[:1, :], np.ones((1, 1))]])
    return np.linalg.cond(A) + np.sum(B * B) + np.linalg.cond(A, "fro")


def cond_then_block(A):
    B = np.block([[A, A[:, :1]], [A[:1, :], np.ones((1, 1))]])
    return np.linalg.cond(A) * np.sum(B * B)


def block_then_write(A):
    B = np.block([[A, np.zeros((3, 1))], [np.zeros((1, 3)), np.ones((1, 1))]])
    B[-1, -1] = A[0, 0] * 2.0
    return np.sum(np.linalg.inv(B)) + np.sum(B)


# --- for k, r in P.items() over a dict of records -----------------------------------------
@dataclass
class Lay:
    w: np.ndarray
    b: np.ndarray

    def __call__(self, x):
        return np.tanh(self.w @ x + self.b)


def _lay(seed):
    g = np.random.default_rng(seed)
    return Lay(g.normal(size=(3, 3)) * 0.5, g.normal(size=3) * 0.1)


def records_items_chain(P, x):
    for k, r in P.items():
        x = r(x) + x
    return np.sum(x ** 2)


def records_items_by_key(P, x):
    s = 0.0
    for k, r in P.items():
        if k == "enc":
            s = s + np.sum(r.w @ x)
        else:
            s = s + np.sum(r(x) * r.b)
    return s


def records_values_comprehension(P, x):
    outs = [r(x) for r in P.values()]
    return np.sum(outs[0] * outs[1])


def records_items_copy_dict(P, x):
    Q = dict(P)
    for k, r in Q.items():
        x = r(x)
    return np.sum(x)


def records_items_nested_loop(P, x):
    s = 0.0
    for i in range(2):
        for k, r in P.items():
            x = r(x) * 0.5 + x * (i + 0.5)
            s = s + np.sum(r.b * x)
    return s


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


CASES_2 = [
    ("field_act_loop_reversed", field_act_loop_reversed, (X3, [Layer(X3 + 1.0, np.tanh), Layer(X3 - 1.0, softish)]), {}),
    ("field_act_loop_reversed_w", field_act_loop_reversed, (X3, [Layer(X3 + 1.0, np.tanh), Layer(X3 - 1.0, softish)]), {"wrt": 1}),
    ("field_act_enumerate", field_act_enumerate, (X3, [Layer(X3 + 1.0, np.sin), Layer(X3 * 0.5, softish)]), {"wrt": (0, 1)}),
    ("field_act_indexed", field_act_indexed, (X3, [Layer(X3 + 1.0, np.sin), Layer(X3 * 0.5, softish)]), {"wrt": (0, 1)}),
    ("field_act_second_pass", field_act_second_pass, (X3, [Layer(X3 + 1.0, np.tanh), Layer(X3 * 0.5, softish)]), {}),
    ("called_objects_residual", called_objects_residual, (X3, [Layer(X3 * 0.3, np.tanh), Layer(X3, np.sin)]), {"wrt": (0, 1)}),
    ("dense_method_in_comprehension", dense_method_in_comprehension, (X3, [Dense(X3 + 1.0), Dense(X3 - 1.0, softish)]), {"wrt": (0, 1)}),
    ("field_act_branch", field_act_branch, (X3, [Layer(X3 + 1.0, np.tanh), Layer(X3 * 0.5, softish)]), {}),
    ("field_act_branch_neg", field_act_branch, (-X3 - 1.0, [Layer(X3 + 1.0, np.tanh), Layer(X3 * 0.5, softish)]), {}),
    ("field_act_made_here_mixed", field_act_made_here_mixed, (X3, X3 + 0.5), {"wrt": (0, 1)}),
    ("partial_of_method", partial_of_method, (X3,), {}),
    ("partial_of_method_in_loop", partial_of_method_in_loop, (X3,), {}),
    ("partial_of_method_positional", partial_of_method_positional, (X3,), {}),
    ("partial_of_method_param", partial_of_method_param, (Scaler(X3 * 1.0), X3), {"wrt": (0, 1)}),
    ("partial_of_method_map", partial_of_method_map, (X3,), {}),
    ("vectorized_nested", vectorized_nested, (X3,), {}),
    ("vectorized_nested_in_loop", vectorized_nested_in_loop, (X3,), {}),
    ("vectorized_nested_closure", vectorized_nested_closure, (X3,), {}),
    ("vectorized_then_write", vectorized_then_write, (X3,), {}),
    ("make_v_twice", make_v_twice, (X3,), {}),
    ("factory_of_factory", factory_of_factory, (X3,), {}),
    ("factory_in_loop", factory_in_loop, (X3,), {}),
    ("factory_scaled_left", factory_scaled_left, (X3,), {}),
    ("factory_in_branch", factory_in_branch, (X3,), {}),
    ("factory_in_branch_neg", factory_in_branch, (-X3,), {}),
    ("guard_numbers_from_list", guard_numbers_from_list, (X3,), {}),
    ("guard_dict_values", guard_dict_values, (X3,), {}),
    ("guard_objects_and_numbers", guard_objects_and_numbers, (X3,), {}),
    ("guard_popped_object", guard_popped_object, (X3,), {}),
]


PD = {"enc": _lay(1), "dec": _lay(2)}
V1 = np.array([0.5])
CASES_3 = [
    ("svd_clip_in_loop", svd_clip_in_loop, (A3,), {}),
    ("svd_then_copy_then_write", svd_then_copy_then_write, (A3,), {}),
    ("eigh_shift_smallest", eigh_shift_smallest, (A3,), {}),
    ("qr_sign_fix", qr_sign_fix, (A3,), {}),
    ("slogdet_written", slogdet_written, (A3,), {}),
    ("lstsq_residual_written", lstsq_residual_written, (A3,), {}),
    ("modf_frexp_written", modf_frexp_written, (X3,), {}),
    ("divmod_in_loop", divmod_in_loop, (X3,), {}),
    ("meshgrid_written", meshgrid_written, (X3,), {}),
    ("histogram_edges_written", histogram_edges_written, (X3,), {}),
    ("display_loop_then_branch", display_loop_then_branch, (X3, 0.7), {}),
    ("display_loop_then_branch_v", display_loop_then_branch, (X3, -0.7), {"wrt": 1}),
    ("display_loop_three_names", display_loop_three_names, (X3, 0.7), {"wrt": (0, 1)}),
    ("display_loop_nested_range", display_loop_nested_range, (X3, 0.7), {"wrt": (0, 1)}),
    ("display_loop_param_write", display_loop_param_write, (X3, 0.7), {"wrt": (0, 1)}),
    ("out_into_row", out_into_row, (X3, X3 + 1.0), {"wrt": (0, 1)}),
    ("out_into_strided", out_into_strided, (X4, X4 + 1.0), {"wrt": (0, 1)}),
    ("out_into_view_loop_accumulate", out_into_view_loop_accumulate, (X4, X4 + 1.0), {"wrt": (0, 1)}),
    ("out_exp_into_view", out_exp_into_view, (X4, X4 + 1.0), {}),
    ("sum_where_mask", sum_where_mask, (X3,), {}),
    ("max_initial", max_initial, (X3,), {}),
    ("max_initial_axis", max_initial_axis, (A3,), {}),
    ("prod_where_initial", prod_where_initial, (X3,), {}),
    ("sum_where_keepdims_loop", sum_where_keepdims_loop, (A3,), {}),
    ("method_sum_where", method_sum_where, (X3,), {}),
    ("stats_mix", stats_mix, (X3,), {}),
    ("stats_params_diff", stats_params_diff, (X3,), {}),
    ("fftconvolve_chain", fftconvolve_chain, (X4,), {}),
    ("convolve2d_in_loop", convolve2d_in_loop, (A3,), {}),
    ("detrend_then_write", detrend_then_write, (X4,), {}),
    ("logm_of_spd", logm_of_spd, (A3,), {}),
    ("polyfit_in_y", polyfit_in_y, (X4,), {}),
    ("tensorsolve_tensorinv", tensorsolve_tensorinv, (A3,), {}),
    ("cond_and_block", cond_and_block, (A3,), {}),
    ("cond_then_block", cond_then_block, (A3,), {}),
    ("block_then_write", block_then_write, (A3,), {}),
    ("records_items_chain", records_items_chain, (PD, X3), {}),
    ("records_items_chain_x", records_items_chain, (PD, X3), {"wrt": 1}),
    ("records_items_by_key", records_items_by_key, (PD, X3), {"wrt": (0, 1)}),
    ("records_values_comprehension", records_values_comprehension, (PD, X3), {"wrt": (0, 1)}),
    ("records_items_copy_dict", records_items_copy_dict, (PD, X3), {"wrt": (0, 1)}),
    ("records_items_nested_loop", records_items_nested_loop, (PD, X3), {"wrt": (0, 1)}),
]

CASES = CASES_1 + CASES_2 + CASES_3

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
    "field_act_loop_reversed", "field_act_loop_reversed_w",   # for p in reversed(layers)
    "field_act_indexed",               # layers[i].act(...): the field's function by index
    "field_act_made_here_mixed",       # for p in layers[1:] of a list of Layers made here
    "factory_in_loop",                 # `make_v(x) * c` returned, in a loop
    "factory_scaled_left",             # 0.5 * make_v_twice(x): the result's class
    "factory_in_branch", "factory_in_branch_neg",   # v bound in both arms of an if
    "records_items_copy_dict",         # Q = dict(P) of records: calling r from Q.items()
    # true refusals: another name holds the array updated in place and is read after
    "fromkeys_one_array_updated", "copy_item_self_assigned_then_updated",
    "original_updated_after_copy", "original_list_updated_after_copy",
    "star_merge_then_source_updated", "accumulate_first_item_shared",
    "display_loop_view_and_base", "display_loop_alias_names",
    # the wrong derivatives hunt 23 found, now refused where they run (test_hunt23)
    "update_then_source_updated", "items_loop_copy_then_source_updated",
    "ior_then_source_updated", "values_list_then_source_updated",
    "setdefault_list_aliased",         # setdefault(k, []).append after list(groups["a"])
    "inherited_type_self_in_list",     # p.grown(x).energy() of an item of a list passed in
    "helper_met_with_object_and_array",   # one helper met with an array and an object
    "out_into_dict_item_view",         # out=d["y"][1:]
    "fields_lambdas",                  # a field holding a lambda or a partial
    "partial_of_inherited_type_self",  # g().energy() of a partial of p.grown
    "post_init_made", "post_init_type_self",   # a dataclass's __post_init__: no record
    "early_return_display_loop", "early_return_display_loop_out",   # return in the loop
}

# Checked to second order (the rest to first: the suite's time budget).
SECOND_ORDER = {
    "merged_dicts_numbers_update", "copy_then_branch",
    "dict_copy_of_param", "fromkeys_array_value", "setdefault_groups_products",
    "defaultdict_float_in_loop", "update_arrays_then_write",
    "accumulate_lambda", "accumulate_arrays", "type_self_chain",
    "iter_pair_unpack_loop", "iter_items_zip", "enumerate_object_param",
    "field_act_enumerate", "partial_of_method_param",
    "svd_clip_in_loop", "lstsq_residual_written",
    "display_loop_three_names", "out_into_view_loop_accumulate", "sum_where_keepdims_loop",
    "records_items_by_key", "inherited_type_self", "generator_iter_loop",
    "eigh_vector_sign_flip", "where_mask_then_written", "update_then_source_numbers_updated",
    "iter_subclass_param", "max_initial_empty", "vector_output_dict_idioms",
    "early_return_in_object_loop",
}


# --- a method of an object whose class srcdiff could not tell ------------------------------
@dataclass
class Pairwise:
    """Its sum() takes anything NumPy's sum would (*args, **kw)."""
    a: np.ndarray
    b: np.ndarray

    def sum(self, *args, **kw):
        return np.sum(self.a * self.b)


def make_pairwise(x):
    return Pairwise(x, np.sin(x))


def pairwise_popped_sum(x):
    vs = [make_pairwise(x), Pairwise(x * 2.0, x * x)]
    v = vs.pop()
    return v.sum()


def pairwise_item_written_sum(x):
    vs = [Pairwise(x, x), Pairwise(x * 2.0, x * x)]
    vs[0] = make_pairwise(x * 3.0)
    return vs[0].sum() + vs[1].sum()


def pairwise_or_array_popped_sum(x, n=1):
    vs = [Pairwise(x * 2.0, x * x), np.sin(x)]   # an object or an array, as n says
    v = vs.pop(n)
    return v.sum()


# --- batch 4: sharing the hunt suspected --------------------------------------------------
def fromkeys_one_array_updated(x):
    d = dict.fromkeys(["a", "b"], x * 0.0)   # one array under both keys
    d["a"] += x
    return np.sum(d["b"] * x)


def fromkeys_one_array_rebound(x):
    d = dict.fromkeys(["a", "b"], x * 0.0)
    d["a"] = d["a"] + x
    return np.sum(d["b"] * x) + np.sum(d["a"] * x)


def copy_item_self_assigned_then_updated(x):
    a = {"p": x * 1.0}
    m = a.copy()
    m["p"] = m["p"]            # the same array still
    m["p"] += x
    return np.sum(a["p"] * x)


def original_updated_after_copy(x):
    a = {"p": x * 1.0}
    m = dict(a)
    a["p"] += x                # m["p"] is that array too
    return np.sum(m["p"] * x)


def original_list_updated_after_copy(x):
    c = [x * 1.0, x * 2.0]
    d = list(c)
    c[0] *= x
    return np.sum(d[0] * x)


def alias_then_copy_numbers(x):
    a = {"p": x[0], "q": x[1]}
    b = a
    m = dict(b)
    b["p"] = b["p"] * x[2]     # a too (the same dict), not m
    return a["p"] + m["p"] * 2.0 + m["q"]


def update_then_source_updated(x):
    d = {"a": x * 1.0}
    e = {"b": np.sin(x)}
    d.update(e)
    e["b"] += x                # d["b"] is that array
    return np.sum(d["b"] * x)


def accumulate_first_item_shared(x):
    rows = [x * 1.0, np.sin(x)]
    acc = list(itertools.accumulate(rows))
    acc[0][0] = 5.0            # acc[0] is rows[0] itself
    return np.sum(rows[0] * x) + np.sum(acc[1])


def accumulate_first_item_rebound(x):
    rows = [x * 1.0, np.sin(x)]
    acc = list(itertools.accumulate(rows))
    acc[0] = acc[0] * 2.0
    return np.sum(rows[0] * x) + np.sum(acc[1] * acc[0])


def setdefault_list_aliased(x):
    groups = {}
    for k, v in zip(KEYS, x):
        groups.setdefault(k, []).append(v)
    first = list(groups["a"])
    groups.setdefault("a", []).append(x[3] * 10.0)
    return sum(first) * sum(groups["a"])


def defaultdict_list_two_loops(x):
    acc = defaultdict(list)
    for k, v in zip(KEYS, x):
        acc[k].append(v)
    for k, v in zip(KEYS, x):
        acc[k].append(v * v)
    return sum(len(g) * sum(g) for g in acc.values())


# type(self)(...) in a base class's method called on a subclass's object: the subclass
class Base:
    def __init__(self, w):
        self.w = w

    def grown(self, x):
        return type(self)(self.w * x)

    def other(self, x):
        return self.__class__(self.w + x)

    def energy(self):
        return np.sum(self.w)


class Squared(Base):
    def energy(self):
        return np.sum(self.w ** 2)


def inherited_type_self(p, x):
    return p.grown(x).energy() + p.other(x).energy()


def inherited_type_self_made_here(x):
    p = Squared(x * 1.0)
    q = Base(x * 2.0)
    return p.grown(x).energy() + q.grown(x).energy() + p.other(x).grown(x).energy()


def inherited_type_self_in_list(ps, x):
    s = 0.0
    for p in ps:
        s = s + p.grown(x).energy()
    return s


# __iter__ as a generator with a loop and the object's state
class Scaled:
    def __init__(self, ws, s):
        self.ws = ws
        self.s = s

    def __iter__(self):
        for w in self.ws:
            yield w * self.s


def generator_iter_loop(x):
    obj = Scaled([x, np.sin(x), x * x], x[0])
    total = 0.0
    for w in obj:
        total = total + np.sum(w * x)
    return total


def generator_iter_enumerate(x):
    obj = Scaled([x, np.sin(x)], 2.0)
    total = 0.0
    for i, w in enumerate(obj):
        total = total + np.sum(w) * (i + 1.0)
    return total


def generator_iter_param(obj, x):
    return sum(np.sum(w * x) for w in obj)


# a helper met with an object and with an array
def _scale(v, c):
    return v * c


def helper_met_with_object_and_array(x):
    a = _scale(x, 2.0)
    v = _scale(make_v(x), 3.0)
    return np.sum(a) + v.dot(v)


# display loops with views and aliases
def display_loop_view_and_base(x, v):
    x = x * 1.0
    for r in [x, x[:2]]:
        r[0] += v
    return np.sum(x * x)


def display_loop_alias_names(x, v):
    x = x * 1.0
    m = x
    for r in [x, m]:
        r[0] = r[0] * v
    return np.sum(x * m)


# out= into a view of a dict's item, and into a reversed view
def out_into_dict_item_view(a, b):
    d = {"y": np.zeros(4)}
    np.add(a[1:], b[1:], out=d["y"][1:])
    return np.sum(d["y"] * a)


def out_reversed_overlap(a, b):
    y = a * b
    np.multiply(y, 2.0, out=y[::-1])
    return np.sum(y * a)


# eigenvectors' signs fixed in place
def eigh_vector_sign_flip(A):
    S = A + A.T
    w, V = np.linalg.eigh(S)
    V[:, 0] *= -1.0
    Q, R = np.linalg.qr(A)
    Q[:, 0] = -Q[:, 0]
    return np.sum(V[:, 0] * V[:, 1] + V[:, 0] ** 2) + np.sum(Q[:, 0] * A[0])


# where= with a mask from an array written after
def where_mask_then_written(x):
    y = x * 1.0
    m = y > 0
    y[0] = 5.0
    return np.sum(y * x, where=m) + np.max(y, initial=-1.0, where=m)


# functions in fields that are lambdas or partials
def fields_lambdas(x, w):
    layers = [Layer(w, lambda z: z * z), Layer(w * 2.0, functools.partial(np.multiply, 3.0))]
    for p in layers:
        x = p.act(p.w * x)
    return np.sum(x)


def partial_of_inherited_type_self(p, x):
    g = functools.partial(p.grown, x)
    return g().energy() + g().grown(x).energy()


CASES_4 = [
    ("fromkeys_one_array_updated", fromkeys_one_array_updated, (X3,), {}),
    ("fromkeys_one_array_rebound", fromkeys_one_array_rebound, (X3,), {}),
    ("copy_item_self_assigned_then_updated", copy_item_self_assigned_then_updated, (X3,), {}),
    ("original_updated_after_copy", original_updated_after_copy, (X3,), {}),
    ("original_list_updated_after_copy", original_list_updated_after_copy, (X3,), {}),
    ("alias_then_copy_numbers", alias_then_copy_numbers, (X3,), {}),
    ("update_then_source_updated", update_then_source_updated, (X3,), {}),
    ("accumulate_first_item_shared", accumulate_first_item_shared, (X3,), {}),
    ("accumulate_first_item_rebound", accumulate_first_item_rebound, (X3,), {}),
    ("setdefault_list_aliased", setdefault_list_aliased, (X4,), {}),
    ("defaultdict_list_two_loops", defaultdict_list_two_loops, (X4,), {}),
    ("inherited_type_self", inherited_type_self, (Squared(X3 * 1.0), X3), {"wrt": (0, 1)}),
    ("inherited_type_self_base", inherited_type_self, (Base(X3 * 1.0), X3), {"wrt": (0, 1)}),
    ("inherited_type_self_made_here", inherited_type_self_made_here, (X3,), {}),
    ("inherited_type_self_in_list", inherited_type_self_in_list, ([Squared(X3 * 1.0), Base(X3 + 1.0)], X3), {"wrt": (0, 1)}),
    ("generator_iter_loop", generator_iter_loop, (X3,), {}),
    ("generator_iter_enumerate", generator_iter_enumerate, (X3,), {}),
    ("generator_iter_param", generator_iter_param, (Scaled([X3 * 1.0, X3 + 1.0], 0.5), X3), {"wrt": (0, 1)}),
    ("helper_met_with_object_and_array", helper_met_with_object_and_array, (X3,), {}),
    ("display_loop_view_and_base", display_loop_view_and_base, (X3, 0.7), {"wrt": (0, 1)}),
    ("display_loop_alias_names", display_loop_alias_names, (X3, 0.7), {"wrt": (0, 1)}),
    ("out_into_dict_item_view", out_into_dict_item_view, (X4, X4 + 1.0), {"wrt": (0, 1)}),
    ("out_reversed_overlap", out_reversed_overlap, (X4, X4 + 1.0), {"wrt": (0, 1)}),
    ("eigh_vector_sign_flip", eigh_vector_sign_flip, (A3,), {}),
    ("where_mask_then_written", where_mask_then_written, (X3,), {}),
    ("fields_lambdas", fields_lambdas, (X3, X3 + 0.5), {"wrt": (0, 1)}),
    ("partial_of_inherited_type_self", partial_of_inherited_type_self, (Squared(X3 * 1.0), X3), {"wrt": (0, 1)}),
]

CASES = CASES + CASES_4


def items_loop_copy_then_source_updated(x):
    d = {"a": x * 1.0}
    e = {"b": np.sin(x)}
    for k, v in e.items():
        d[k] = v
    e["b"] += x                # d["b"] is that array
    return np.sum(d["b"] * x)


def star_merge_then_source_updated(x):
    a = {"p": x * 1.0}
    m = {**a, "q": np.cos(x)}
    a["p"] *= 2.0              # m["p"] is that array
    return np.sum(m["p"] * x) + np.sum(m["q"])


def ior_then_source_updated(x):
    d = {"a": x * 1.0}
    e = {"b": np.sin(x)}
    d |= e
    e["b"] += x
    return np.sum(d["b"] * x)


def values_list_then_source_updated(x):
    e = {"b": np.sin(x)}
    vals = list(e.values())
    e["b"] += x                # vals[0] is that array
    return np.sum(vals[0] * x)

CASES_4 += [
    ("items_loop_copy_then_source_updated", items_loop_copy_then_source_updated, (X3,), {}),
    ("star_merge_then_source_updated", star_merge_then_source_updated, (X3,), {}),
    ("ior_then_source_updated", ior_then_source_updated, (X3,), {}),
    ("values_list_then_source_updated", values_list_then_source_updated, (X3,), {}),
]
CASES = CASES + CASES_4[-4:]


def update_then_source_numbers_updated(x):
    d = {"a": x[0] * 1.0}
    e = {"b": x[1] * x[2]}
    d.update(e)
    e["b"] += x[0]             # numbers: += rebinds e's item, d keeps the old one
    return d["b"] * x[0] + e["b"] * d["a"]


def items_loop_read_then_source_updated(x):
    e = {"a": x * 1.0, "b": np.sin(x)}
    s = 0.0
    for k, v in e.items():
        s = s + np.sum(v * v)
    e["b"] += x                # no name taken from e is read after
    return s + np.sum(e["b"] * x)

CASES_4 += [
    ("update_then_source_numbers_updated", update_then_source_numbers_updated, (X3,), {}),
    ("items_loop_read_then_source_updated", items_loop_read_then_source_updated, (X3,), {}),
]
CASES = CASES + CASES_4[-2:]


# --- batch 5 ------------------------------------------------------------------------------
@dataclass
class Post:
    """A dataclass whose __post_init__ changes its field."""
    w: np.ndarray

    def __post_init__(self):
        self.w = self.w * 2.0

    def scaled(self, c):
        return type(self)(self.w * c)


def post_init_made(x):
    p = Post(x * 1.0)
    return np.sum(p.w * x)


def post_init_type_self(x):
    p = Post(x * 1.0)
    q = p.scaled(3.0)
    return np.sum(q.w * x)


class Keys:
    def __init__(self, parts):
        self.parts = parts

    def __iter__(self):
        return iter(self.parts)


def iter_over_dict_field(x):
    obj = Keys({"a": x * 1.0, "b": np.sin(x)})
    s = 0.0
    for k in obj:
        s = s + np.sum(obj.parts[k] * x)
    return s


class Sub(Items):
    def __iter__(self):
        return iter(self.items[1:])


def iter_subclass_param(p, x):
    s = 0.0
    for w in p:
        s = s + np.sum(w * x)
    return s + np.sum(p[0])


def max_initial_empty(x):
    return np.max(x[:0], initial=0.3) + np.sum(x * x, where=x > 5.0) + np.min(x * 2.0, initial=5.0)


def where_list_mask(x):
    return np.sum(np.exp(x), where=[True, False, True]) + np.mean(x ** 2, where=[False, True, True])


def cond_p_keyword(A):
    return np.linalg.cond(A, p=2) + np.linalg.cond(A @ A.T + np.eye(3), p=None)


def block_of_vectors(x):
    B = np.block([x, x * x, np.sin(x)])
    C = np.block([[x], [x * 2.0]])
    return np.sum(B * B) + np.sum(C @ C.T)


def tensorinv_4d(x):
    T = np.einsum("ik,jl->ijkl", np.eye(2) + np.outer(x[:2], x[1:]) * 0.1, np.eye(2) * 2.0)
    Ti = np.linalg.tensorinv(T, ind=2)
    return np.sum(Ti * Ti)


def expon_cdf_sf(x):
    from scipy import stats
    y = np.abs(x) + 0.1
    return np.sum(stats.expon.cdf(y, scale=1.5) * stats.expon.sf(y * 2.0)
                  + stats.logistic.logpdf(x, loc=x[0], scale=2.0) + stats.cauchy.logpdf(x, scale=0.5))


def value_and_grad_copies(x):
    a = {"p": x[0], "q": x[1]}
    m = dict(a)
    m["p"] = m["p"] * x[2]
    return m["p"] + a["p"] * m["q"]


def vector_output_dict_idioms(x):
    acc = defaultdict(float)
    for k, v in zip(KEYS, x):
        acc[k] += v * v
    return np.array([acc["a"], acc["b"] * acc["c"]])


def vector_output_type_self(x):
    r = Rec(x * 1.0).grown(x).shrunk()
    return r.w * 2.0


def vector_output_svd_written(A):
    U, s, Vt = np.linalg.svd(A)
    s[-1] = 0.0
    return (U * s) @ Vt[:, 0]


def early_return_in_object_loop(x):
    params = Items([x * 1.0, np.cos(x), x ** 2])
    for i, p in enumerate(params):
        if np.sum(p) > 1.5:
            return np.sum(p * x) * (i + 1.0)
    return np.sum(x)


def early_return_display_loop(x, v):
    x = x * 1.0
    m = np.sin(x)
    for r in [x, m]:
        r[0] = r[0] * v
        if v > 1.0:
            return np.sum(x)
    return np.sum(x * m)


def defaultdict_of_objects_iter(x):
    acc = defaultdict(list)
    for k, v in zip(KEYS, x):
        acc[k].append(v)
    params = Items([sum(g) for g in acc.values()])
    s = 0.0
    for i, p in enumerate(params):
        s = s + p * p * (i + 1.0)
    return s


def accumulate_over_object(x):
    params = Items([x * 1.0, np.sin(x), x * x])
    acc = list(itertools.accumulate(params, np.multiply))
    return np.sum(acc[-1])


def fromkeys_over_records(P, x):
    d = dict.fromkeys(P, 0.0)
    for k, r in P.items():
        d[k] = d[k] + np.sum(r(x))
    return d["enc"] * d["dec"]


def vectorize_in_method_field(x, layers):
    @np.vectorize
    def clip(v):
        return v if v < 1.0 else 1.0 + 0.1 * v
    for p in layers:
        x = clip(p.act(p.w * x))
    return np.sum(x)


def partial_of_method_out_view(x):
    s = Scaler(x * 1.0)
    g = functools.partial(s.apply, c=2.0)
    y = np.zeros(4)
    np.add(g(x), 1.0, out=y[1:])
    return np.sum(y * y)

CASES_5 = [
    ("post_init_made", post_init_made, (X3,), {}),
    ("post_init_type_self", post_init_type_self, (X3,), {}),
    ("iter_over_dict_field", iter_over_dict_field, (X3,), {}),
    ("iter_subclass_param", iter_subclass_param, (Sub([X3 * 1.0, X3 + 1.0, X3 * X3]), X3), {"wrt": (0, 1)}),
    ("max_initial_empty", max_initial_empty, (X3,), {}),
    ("where_list_mask", where_list_mask, (X3,), {}),
    ("cond_p_keyword", cond_p_keyword, (A3,), {}),
    ("block_of_vectors", block_of_vectors, (X3,), {}),
    ("tensorinv_4d", tensorinv_4d, (X3,), {}),
    ("expon_cdf_sf", expon_cdf_sf, (X3,), {}),
    ("value_and_grad_copies", value_and_grad_copies, (X3,), {}),
    ("vector_output_dict_idioms", vector_output_dict_idioms, (X4,), {}),
    ("vector_output_type_self", vector_output_type_self, (X3,), {}),
    ("vector_output_svd_written", vector_output_svd_written, (A3,), {}),
    ("early_return_in_object_loop", early_return_in_object_loop, (X3,), {}),
    ("early_return_in_object_loop_late", early_return_in_object_loop, (X3 * 0.1,), {}),
    ("early_return_display_loop", early_return_display_loop, (X3, 0.7), {"wrt": (0, 1)}),
    ("early_return_display_loop_out", early_return_display_loop, (X3, 1.5), {"wrt": (0, 1)}),
    ("defaultdict_of_objects_iter", defaultdict_of_objects_iter, (X4,), {}),
    ("accumulate_over_object", accumulate_over_object, (X3,), {}),
    ("fromkeys_over_records", fromkeys_over_records, (PD, X3), {"wrt": (0, 1)}),
    ("vectorize_in_method_field", vectorize_in_method_field, (X3, [Layer(X3 + 1.0, np.tanh), Layer(X3 * 0.5, softish)]), {"wrt": (0, 1)}),
    ("partial_of_method_out_view", partial_of_method_out_view, (X3,), {}),
]
CASES = CASES + CASES_5


# --- items taken out of a container another way, then the container's item updated --------
def star_copy_then_updated(x):
    c = [x * 1.0, x * 2.0]
    r = [*c]
    c[0] += x                  # r[0] is that array
    return np.sum(r[0] * x)


def zipped_then_updated(x):
    c = [x * 1.0, x * 2.0]
    pairs = list(zip(c, [1.0, 2.0]))
    c[0] += x
    return np.sum(pairs[0][0] * x)


def enumerated_then_updated(x):
    c = [x * 1.0, x * 2.0]
    pairs = list(enumerate(c))
    c[0] += x
    return np.sum(pairs[0][1] * x)


def repeated_list_then_updated(x):
    c = [x * 1.0, x * 2.0]
    r = c * 1                  # a new list of the same arrays
    c[0] += x
    return np.sum(r[0] * x)


def items_in_a_tuple_then_updated(x):
    c = [x * 1.0, x * 2.0]
    t = (c[0], c[1])
    c[0] += x
    return np.sum(t[0] * x)


def got_then_updated(x):
    e = {"a": x * 1.0, "b": np.sin(x)}
    a = e.get("a")
    e["a"] += x
    return np.sum(a * x)


def setdefault_then_updated(x):
    e = {}
    e.setdefault("a", x * 1.0)
    v = e.setdefault("a", x * 5.0)   # e["a"] itself
    e["a"] += x
    return np.sum(v * x)


def other_key_taken_then_updated(x):
    c = [x * 1.0, x * 2.0]
    t = c[1]                   # another item: not the one updated
    c[0] += x
    return np.sum(t * x) + np.sum(c[0] * x)

CASES_5 += [("other_key_taken_then_updated", other_key_taken_then_updated, (X3,), {})]
CASES = CASES + CASES_5[-1:]
