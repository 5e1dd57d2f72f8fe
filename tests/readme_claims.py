"""README.md's concrete claims as programs (a corpus, checked by tests/test_readme_claims.py):
every example of its "What differentiates" list that is said to work (WORKS: each passes
gradcheck.check in both modes and to second order) and every example of its "Refused, with
an error naming your file and line" paragraph (REFUSED: each raises a SrcdiffError naming
this file at the line marked `# refused: <function name>`, in reverse and forward mode).

A claim the code does not keep today is listed in FALSE_TODAY with the reason: its test is a
strict xfail, and the README (or the code) is to be fixed."""
import collections
import dataclasses
import functools
import itertools
import logging
import math
import operator
import typing
import warnings
from dataclasses import dataclass, field
from functools import partial, reduce

import numpy as np
from numpy import sum as total

X = np.array([0.5, -1.2, 0.8])
Y = np.array([0.3, 0.7, -0.4])
MODULE_BUFFER = np.zeros(3)
A = np.array([[1.3, 0.2, -0.4], [0.2, 0.9, 0.1], [-0.4, 0.1, 1.6]])
M23 = np.array([[0.4, -0.3, 0.9], [1.1, 0.2, -0.6]])
log = logging.getLogger("readme_claims")


@dataclass
class Claim:
    claim: str          # the README's words
    f: object
    args: tuple
    wrt: object = 0
    order: int = 2
    xfail: str = None   # why the claim is false today (a README bug or a code bug)


def works(claim, f, *args, wrt=0, order=2, xfail=None):
    return Claim(claim, f, args, wrt, order, xfail)


# ---- arithmetic, builtins, methods --------------------------------------------------------
def arithmetic(x, a):
    y = (x + 1.5) * x - x / 3.0 + x ** 2 - (-x)
    z = a @ y + 2.0            # broadcasting, a Python float mixed with arrays
    big = x > 0.0              # a comparison: a non-differentiable value
    return np.sum(z * np.where(big, 1.0, 2.0)) + np.sum(a * x[:, None])


def builtins_and_math(x):
    return abs(x[1]) + sum(x) + float(x[0]) * len(x) + max(x[0], x[2]) + min(x[1], x[2]) + \
        pow(x[0], 3) + math.sin(x[2]) + math.exp(x[0])


def methods_as_people_write_them(x, m):
    r = m.reshape(3, 2)
    return x.sum() + m.mean(axis=0).sum() + np.sum(m.T @ x[:2]) + x.dot(x) + r.max() + \
        np.sum(x.copy() * x.shape[0])


# ---- linear algebra and FFT ---------------------------------------------------------------
def einsum_forms(a, x):
    return np.einsum("...i,i", a, x).sum() + np.einsum("ij,jk", a, a).sum() + \
        np.einsum("ii", a) + np.sum(np.tensordot(a, a, axes=1)) + np.sum(np.kron(x, x)) + \
        np.sum(np.cross(x, a[0])) + np.linalg.multi_dot([x, a, a, x])


def statistics_and_sequences(x, m):
    frac, whole = np.modf(x * 3.0)
    mantissa, exponent = np.frexp(x * 0.7)   # (X holds 0.5, a power of two)
    return np.sum(np.cov(m, rowvar=False, ddof=0)) + np.sum(np.corrcoef(m, x + 1.0)) + \
        np.sum(np.cov(m, aweights=np.array([1.0, 2.0, 0.5]))) + \
        np.sum(np.polymul(x, x[:2]) ** 2) + np.sum(np.ediff1d(m, to_begin=x[0])) + \
        np.sum(np.maximum.accumulate(x) * x) + np.sum(np.fmin.accumulate(m, axis=1)) + \
        np.sum(frac * whole) + np.sum(mantissa * exponent)


def decompositions(a):
    b = a @ a.T + np.eye(3)
    w, v = np.linalg.eigh(b)
    s = np.linalg.svd(a, compute_uv=False)
    q, r = np.linalg.qr(a)
    sign, logdet = np.linalg.slogdet(b)
    return np.sum(w) + np.sum(v[:, 0] ** 2 * w) + np.sum(s) + np.sum(r * r) + \
        np.sum(np.linalg.cholesky(b)) + logdet + np.sum(np.linalg.pinv(a)) + \
        np.sum(np.linalg.matrix_power(a, 3)) + np.linalg.eigh(b).eigenvalues[0]


def fft_roundtrip(x):
    return np.sum(np.abs(np.fft.fft(x)) ** 2) + np.sum(np.fft.irfft(np.fft.rfft(x * x), 3))


# ---- indexing -----------------------------------------------------------------------------
def indexing(x, a):
    i = np.array([0, 2, 0])     # a repeated index accumulates
    mask = x > 0.0
    return x[1] + x[-1] + np.sum(x[::2]) + np.sum(a[1:, ::-1]) + a[1, 2] + \
        np.sum(x[i] ** 2) + np.sum(x[mask] ** 3) + np.sum(a[(0, 1)])


# ---- control flow -------------------------------------------------------------------------
def branches(x, s):
    if s > 1.0:
        y = x * 2.0
    elif s > 0.0:
        y = np.sin(x)
    else:
        y = x
    z = y if s < 5.0 else -y
    ok = (s > 0.0 and s < 3.0) or not (s > 10.0)
    return np.sum(z) * (2.0 if ok else 1.0)


def loops_over_things(x, a):
    t = 0.0
    for i in range(3):
        t = t + x[i] * i
    for row in a:
        t = t + np.sum(row * x)
    for v in [x[0], x[1]]:
        t = t * v
    for v in (x[2], 2.0):
        t = t + v
    for i, v in enumerate(x):
        t = t + i * v
    for p, q in zip(x, a[0]):
        t = t + p * q
    for v in reversed(x):
        t = t * 0.5 + v
    for i, (p, q) in enumerate(zip(x, a[1])):
        t = t + i * p * q
    return t


def zip_sees_writes_in_its_body(x):
    s = 0.0
    y = x * 1.0
    for i, (p, q) in enumerate(zip(y, x)):
        s = s + p * q
        if i + 1 < 3:
            y[i + 1] = y[i + 1] * 2.0   # seen by the next item, as in Python
    return s


def while_break_continue_returns(x):
    s, k = 0.0, 0
    while s < 3.0:
        s = s + x[k % 3] ** 2 + 0.5
        k += 1
        if k > 50:
            break
    for v in x:
        if v < 0.0:
            continue
        s = s * v
        if s > 100.0:
            return s
    if s > 50.0:
        return 2.0 * s
    return s


def loop_else(x):
    for v in x:
        if v > 5.0:
            break
    else:
        x = x * 2.0
    k = 0
    while k < 2:
        k += 1
    else:
        x = x + 1.0
    return np.sum(x ** 2)


def nested_overwritten_augmented(x):
    t = x * 1.0
    for i in range(2):
        for j in range(3):
            t = t * 0.9 + x[j] * i
            t += 0.1 * t
    return np.sum(t)


def view_followed(x, a):
    y = x * 1.0
    w = y[1:]
    y[1] = a[0, 0] * y[0]
    a = a * 1.0
    a2 = a[-1, :]
    a2 -= np.sin(x)
    return np.sum(w * y[1:]) + np.sum(a * a)


def rows_and_tails_updated(x, a):
    for row in a:
        row += x * row
    b = x.copy()
    v = b[1:]
    v *= 3.0
    c = a.copy()
    r = c[0]
    r -= x
    u = (x + x).copy()
    w = u
    u -= a[0]
    return np.sum(a ** 2) + np.sum(b * x) + np.sum(c * a) + np.sum(w * x)


def update_seen_through_an_alias(x, a):
    u = np.copy(x)
    w = u
    u += np.sin(x)
    b = a * 1.0
    for row in b:
        row.fill(np.sum(row * x))
    return np.sum(w * x) + np.sum(b * a)


def shared_on_some_paths_only(x, c):
    y = x * 2.0
    if c > 0.0:
        a = y
        m = np.stack([x * 1.0, x * 3.0])
        r = m[0]
    else:
        r = x * 3.0
    y[0] = c * c
    r[1] = np.sin(c)
    if c > 0.0:
        return np.sum(a * x) + np.sum(m)
    return np.sum(y * x) + np.sum(r * x)


def item_and_slice_writes(x):
    y = x * 1.0
    y[0] = y[1] * y[2]
    y[1:] = y[1:] * y[:-1]
    return np.sum(y)


def writes_through_out_fill_sort_copyto(x):
    u = x * 1.0
    np.add(u, 0.1 * np.roll(u, 1), out=u)
    s = np.zeros(3)
    np.multiply(u, x, s)
    t = np.empty(3)
    t.fill(2.0)
    t += s
    t.sort()
    np.copyto(u, t ** 2, where=x > 0.0)
    return np.sum(u * x) + np.sum(t)


def writes_by_flat_position(x):
    a = np.zeros((2, 3))
    np.put(a, [0, 4, -1], x)
    np.putmask(a, a > 0.0, x[:2])
    np.place(a, a < 0.0, x[1:])
    a.put([2], x[0] * x[1])
    a.partition(1)
    b = a * 2.0
    b.resize(8)
    return np.sum(np.sin(b) * np.arange(8.0)) + np.sum(a[:, 0])


class ClaimPair(typing.NamedTuple):
    w: np.ndarray
    b: float


class ClaimSine:
    def __init__(self, w):
        self.w = w

    def f(self, x):
        return np.sin(self.w * x)


class ClaimShift:
    def __init__(self, w):
        self.w = w

    def f(self, x):
        return np.cos(self.w + x)


def named_tuple_methods_and_sliced_records(x):
    p = ClaimPair(x, x[0])
    q = p._replace(w=p.w * 2.0)
    r = ClaimPair._make([q.w, q._asdict()["b"] * len(p._fields)])
    layers = [ClaimPair(x, x[1]), ClaimPair(x ** 2, x[2])]
    total = 0.0
    for layer in layers[::-1]:
        total = total + np.sum(layer.w) * layer.b
    obj = ClaimSine(x[0]) if x[1] < 0.0 else ClaimShift(x[2])
    return np.sum(r.w) * r.b + total + np.sum(obj.f(x))

def lists_append_pop_stack(x):
    out = []
    for v in x:
        out.append(v * 2.0)
    out.append(x[0])
    last = out.pop()
    return np.sum(np.stack(out)) + np.sum(np.array(out) ** 2) + last


def comprehensions(x, a):
    sq = [v * v for v in x]
    pairs = [p * q for row in a for p, q in zip(row, x) if q != 0.0]
    byname = {f"k{i}": v for i, v in enumerate(x)}
    gen = sum(v * 3.0 for v in x)
    nested = [[p * v for p in row] for row, v in zip(a, x)]
    return sum(sq) + sum(pairs) + byname["k1"] + gen + np.sum(np.array(nested))


def zips_read_at_once(x, y):
    pairs = list(zip(x, y))
    a, b = zip(*pairs)
    z = zip(x, y)
    s = 0.0
    for p, q in z:                  # kept in a name and looped over once
        s = s + p * q
    e = enumerate(x)
    for i, v in e:
        s = s + i * v
    return s + sum(p * q for p, q in pairs) + np.sum(np.array(a) * np.array(b))


def max_reduce_prod(x):
    return max(x[0], x[1], x[2]) + reduce(operator.mul, x) + reduce(lambda u, v: u + v * v, x,
                                                                    1.0) + math.prod(x)


def max_with_key_starred_assignment(x):
    first, *rest = list(x)
    *init, last = [x[0] * 2.0, x[1], x[2]]
    return max(x[0], x[1] * 0.5, key=abs) * min([x[0], x[1], x[2]], key=lambda v: v * v) + \
        first * sum(rest) + sum(init) * last


def item_and_tolist(x):
    return x.item(1) * x[0] + sum(x.tolist()) * x[2]


# ---- lists, tuples, dicts -----------------------------------------------------------------
def list_arithmetic(x):
    parts = [x[0]] * 3
    parts = parts + [x[1]]
    lst = []
    for v in x:
        lst = lst + [v * v]
    t = (x[2],) * 2
    lst += (x[0],)
    lst.extend([x[1], x[2]])
    flat = sum([[x[0]], [x[1]]], [])
    return sum(parts) + sum(lst) + sum(t) + sum(flat)


def dicts(x):
    p = {}
    p["a"] = x * 2.0
    p["b"] = x[0]
    s = 0.0
    for k in p:
        s = s + np.sum(p[k])
    for k, v in p.items():
        s = s + np.sum(v) * len(k)
    s = s + sum(np.sum(v) for v in p.values()) + len(p.keys()) + p.get("c", 1.0) * p["b"]
    s = s + len(p) + sum(list(x)) + sum(tuple(np.outer(x, x))[0])
    q = dict(a=x[1])
    r = dict(zip(["u", "v"], [x[0], x[2]]))
    c = {k: v * 2.0 for k, v in r.items()}
    p.update({"c": x[2]})
    p.update(d=x[1])
    p.setdefault("e", x[0] * 3.0)
    e = p.pop("e")
    g = p.pop("zz", 0.5)
    return s + q["a"] + c["u"] + p["c"] * p["d"] + e + g


def dict_copies(x):
    d = {"a": x * 2.0, "b": x[0]}
    q = dict(d)
    q["a"] = q["a"] * x
    r = dict(d, b=x[1])
    c = {**d, "c": x[2]}
    e = d.copy()
    return np.sum(q["a"] * d["a"]) + r["b"] * c["c"] * np.sum(c["a"]) + e["b"]


def dict_idioms(x):
    keys = ["a", "b", "a"]
    groups = {}
    for k, v in zip(keys, x):
        groups.setdefault(k, []).append(v)
    acc = collections.defaultdict(float)
    rows = collections.defaultdict(list)
    for k, v in zip(keys, x):
        acc[k] += v * v
        rows[k].append(np.sin(v))
    d = dict.fromkeys(["u", "w"], 0.0)
    d["u"] += x[0]
    o = collections.OrderedDict()
    o["z"] = x[1]
    other = {"w": x[2] * 2.0}
    d.update(other)
    d |= {"v": x[0]}
    m = {**d, **o}
    steps = list(itertools.accumulate([x[0], x[1], x[2]], operator.mul))
    return sum(sum(g) ** 2 for g in groups.values()) + acc["a"] * sum(rows["b"]) + \
        m["u"] * m["w"] + m["z"] * m["v"] + steps[-1]


def returns_a_dict_of_results(x):
    return {"total": np.sum(x * x), "scaled": np.tanh(x) * 2.0}


def gets_a_dict(params, x):
    return np.sum(np.tanh(params["w"] * x)) + params["b"] ** 2


def gets_a_list_and_tuple(ws, pair):
    return np.sum(ws[0] * ws[1]) + pair[0] * np.sum(pair[1])


def edits_lists_by_position(x):
    queue = [x[0], x[1] * 2.0, x[2] ** 2]
    k = len(queue) - 2
    a = queue.pop(k)
    b = queue.pop(0)
    queue.insert(-1, a * b)
    queue.insert(10, np.sin(a))
    del queue[k]
    del queue[1:2]
    return queue[0] * b + a


def flat_positions(x):
    y = np.outer(x, x)
    y.flat[1] = x[0] ** 2
    y.flat[2:4] = x[1:] * 3.0
    y.flat[[5, 7]] = np.sin(x[2])
    y.flat[-1] += y.flat[0]
    return np.sum(y ** 2) * y.flat[4]


def gradient_per_axis(x, h):
    grid = np.outer(x, x ** 2) + x[0]
    g0, g1 = np.gradient(grid, h, np.cumsum(x * x) + x, axis=(1, 0))
    return np.sum(g0 * g1)


def del_of_a_dict_key(x):
    d = {"a": x * 2.0, "b": x}
    del d["b"]
    return np.sum(d["a"] * x)


# ---- your own functions -------------------------------------------------------------------
def scale_shift(v, k=2.0, shift=0.0):
    return v * k + shift, v * k


def fact(v, n):
    return v if n <= 1 else v * fact(v, n - 1)


def own_functions(x):
    c = 1.5

    def inner(v):
        return v * c + x[0]          # a closure over the enclosing function's variables
    g = lambda v: np.sin(v) * c     # noqa: E731
    a, b = scale_shift(x, shift=x[1])
    return np.sum(inner(x) + g(x)) + np.sum(a * b) + np.sum(scale_shift(x, 3.0)[0]) + \
        np.sum(fact(x, 3))


class Model:
    def __init__(self, w):
        self.w = w
        self.scale = 2.0
        self.__p = 0.5

    def layer(self, x):
        return np.tanh(self.w @ x) * self.__p

    def forward(self, x):
        return self.scale * self.layer(x)

    def loss(self, x):
        return np.sum(self.forward(x) ** 2)


class Scaled(Model):
    def forward(self, x):
        return super().forward(x) * 1.5 + super(Scaled, self).layer(x)


def methods_of_objects_passed_in(x, model):
    return np.sum(model.forward(x)) + model.scale * np.sum(x)


def bound_method_claim():
    """srcdiff.grad(obj.method) differentiates a bound method."""
    return Model(A).loss


# ---- functions and objects as values -------------------------------------------------------
def lotka(y, t, th):
    return np.array([th * y[0] - y[0] * y[1], y[0] * y[1] - y[1]])


def rk4(f, y, t, dt, th):
    k1 = f(y, t, th)
    k2 = f(y + dt / 2.0 * k1, t + dt / 2.0, th)
    k3 = f(y + dt / 2.0 * k2, t + dt / 2.0, th)
    k4 = f(y + dt * k3, t + dt, th)
    return y + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def integrate(f, y0):
    y = y0
    for _ in range(3):
        y = y + 0.1 * f(y)
    return y


def apply(g, v):
    return g(v)


def functions_as_values(x, th):
    y = rk4(lotka, x[:2], 0.0, 0.1, th)
    act = np.tanh
    z = integrate(lambda v: v * th, x)
    fs = [np.sin, np.cos]
    return np.sum(y) + np.sum(act(x)) + np.sum(z) + np.sum(fs[0](x)) + \
        np.sum(apply(fs[1], x))


ACTS = {"tanh": np.tanh, "sin": np.sin}


def functions_read_from_a_dict(x, act="tanh"):
    t = ACTS["sin"](x) + ACTS[act](x)
    for name, g in ACTS.items():
        t = t + g(x * 0.5)
    return np.sum(t)


def loops_over_lists_of_functions(x):
    t = x * 1.0
    for g in [np.sin, np.tanh]:
        t = g(t)
    fs = [np.sin, np.cos]
    for i, h in enumerate(fs):
        t = t + i * h(t)
    return np.sum(t)


def with_a_default_function(x, act=np.tanh):
    return np.sum(act(x))


def power(v, p):
    return v ** p


def maps_and_partials(x):
    sq = partial(power, p=2.0)
    return sum(map(np.sin, x)) + sum(map(partial(power, p=3.0), x)) + \
        sum(sorted(x, key=abs, reverse=True)[:2]) + np.sum(sq(x)) + np.sum(apply(sq, x))


class Tools:
    k = 2.0

    @staticmethod
    def twice(v):
        return 2.0 * v

    @classmethod
    def scaled(cls, v):
        return cls.k * v


def star_sum(*args):
    return sum(args)


def kw_mix(a, **kw):
    return a * kw["b"] + kw.get("c", 1.0)


def passes_on(w, *args):
    return star_sum(w, *args)


def variadics(x):
    kw = {"b": x[1]}
    a = [x[0], x[1]]
    return Tools.twice(x[0]) + Tools.scaled(x[1]) + star_sum(x[0], x[1], x[2]) + \
        kw_mix(x[0], b=x[2], c=x[1]) + kw_mix(x[2], **kw) + passes_on(x[0], x[1]) + \
        sum([*a, x[2]]) + sum((*a, x[0])) + star_sum(*[x[0], x[2]]) + \
        np.sum(np.zeros(*x.shape) + np.random.RandomState(0).randn(*x.shape) * 0.0 + x)


def blend(a, b, c=0.5):
    return a * c + np.tanh(b)


def starred_display_spread(x):
    items = [x * 2.0]
    parts = (*items, x)
    return np.sum(blend(*parts) + blend(*(*items, x[::-1]), c=x[0]))


def differentiated_varargs(*args):
    return args[0] * np.sum(args[1] ** 2)


class Dense:
    def __init__(self, w):
        self.w = w

    def forward(self, x):
        return np.tanh(self.w @ x)

    def __call__(self, x):
        return self.forward(x)


class Scale:
    def __init__(self, k):
        self.k = k

    def forward(self, x):
        return self.k * x

    def __call__(self, x):
        return self.forward(x)


class Net:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x


class Sequential:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


@dataclass
class Params:
    w: np.ndarray
    b: float
    act: object = np.tanh

    @property
    def norm2(self):
        return np.sum(self.w ** 2)


def objects_held_anywhere(x, net):
    layers = [Dense(A * k) for k in (0.5, 1.0)]
    y = x
    for layer in layers:
        y = layer.forward(y)
    p = Params(x * 2.0, 0.5)
    mixed = [Dense(A), Scale(2.0)]
    z = x
    for item in mixed:
        z = item.forward(z)
    seq = Sequential([Dense(A), Scale(0.5)])
    return np.sum(net(x)) + np.sum(Dense(A).forward(x)) + np.sum(y) + np.sum(p.act(p.w)) + \
        p.norm2 + np.sum(mixed[1](x)) + np.sum(seq(x)) + np.sum(z)


def wrt_a_dataclass(p, x):
    return np.sum(p.act(p.w * x)) + p.b ** 2


def wrt_records_in_a_list(ps, x):
    for p in ps:
        x = np.tanh(p.w * x) + p.b
    return np.sum(x ** 2)


# ---- your generator functions --------------------------------------------------------------
def unpack_layers(weights):
    for k in range(2):
        yield weights[k], weights[k + 2]


def squares(x):
    for v in x:
        if v > 10.0:
            return
        yield v * v


def both(x):
    yield from squares(x)
    yield x[0]


def pair(x):
    yield x[0] * 2.0
    yield x[1]


def generators(x, weights):
    s = 0.0
    for W, b in unpack_layers(weights):
        s = s + np.sum(W * b)
    a, b = pair(x)
    return s + sum(squares(x)) + sum([v for v in both(x)]) + max(squares(x)) + \
        min(squares(x)) + sum(sorted(squares(x))) + sum(list(squares(x))) + \
        sum(tuple(pair(x))) + sum(p * q for p, q in zip(squares(x), x)) + \
        sum(i * v for i, v in enumerate(squares(x))) + a * b + \
        (1.0 if any(v > 0.1 for v in squares(x)) else 0.0) * x[2]


def lazy_generator_breaks(x):
    s = 0.0
    for v in squares(x):
        s = s + v
        if s > 0.5:
            break
    return s


# ---- decorated functions -------------------------------------------------------------------
def doubled(fn):
    @functools.wraps(fn)
    def wrapper(x):
        return 2.0 * fn(x)
    return wrapper


def doubled_any(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return 2.0 * fn(*args, **kwargs)
    return wrapper


@doubled
def decorated(x):
    return np.sum(np.sin(x))


@doubled_any
def decorated_any(x):
    return np.sum(np.sin(x))


def calls_a_decorated_function(x):
    return decorated_any(x) * decorated(x)


# ---- non-differentiable parts --------------------------------------------------------------
def progress(step, values):
    log.debug("step %d: %s", step, np.sum(values))


def nondifferentiable_parts(x):
    n = x.shape[0] * 2 // 3
    noise = np.random.RandomState(1).randn(3)
    print("x is", x)
    log.info("x: %s", x)
    warnings.warn("a note", UserWarning)
    assert n >= 1
    progress(n, x)
    return np.sum(x ** 2) * n + 0.0 * np.sum(noise)


# ---- names resolve by object; your names never mix with srcdiff's ---------------------------
def names_by_object(x, a):
    return total(x) + np.sum(np.add.reduce(a)) + np.sum(np.add.accumulate(x)) + \
        np.multiply.reduce(x) + np.sum(np.multiply.accumulate(x)) + \
        np.sum(np.multiply.outer(x, x)) + np.sum(np.maximum.reduce(a)) + \
        np.sum(np.subtract.outer(x, x) ** 2)


def names_like_srcdiffs(x):
    tape = x * 2.0
    slice = tape[0]   # noqa: A001
    list = [slice, x[1]]   # noqa: A001
    type = 3.0   # noqa: A001
    return np.sum(tape) + sum(list) * type


# ---- statistics at their kinks -------------------------------------------------------------
def tied_max(x):
    return np.max(x) + np.min(x) + np.median(x) + np.ptp(x)


def cumprod_with_zeros(x):
    return np.sum(np.cumprod(x))


# ---- the "fine" examples of the refused paragraph -------------------------------------------
def swap_built_tuple(x):
    a, b = x * 1.0, x * 2.0
    a, b = b, a
    a[0] = x[1] ** 2
    return np.sum(a * b)


def view_never_read_again(x):
    y = x * 1.0
    w = y[1:]  # noqa: F841
    y[0] = x[2] ** 2
    return np.sum(y * x)


def stack_before_write(x, s):
    y = x * 1.0
    z = np.stack([y, x])
    y[0] = s
    return np.sum(z) + np.sum(y * x)


def step(vx, vy):
    vx -= 0.1 * vy
    vy -= 0.1 * vx
    return vx, vy


def helper_returns_new_values(x):
    vx, vy = x * 1.0, x * 2.0
    vx, vy = step(vx, vy)
    return np.sum(vx * vy)


def writes_in_place(v):
    v[0] = v[1] * 2.0
    return v


def helper_given_a_new_array(x):
    return np.sum(writes_in_place(x * 2.0) * x)


def writes_its_own_argument(x):
    x[0] = x[1] * x[2]
    x *= 2.0
    return np.sum(x ** 2)


class Tagged(np.ndarray):
    """An ndarray subclass that only adds an attribute."""


def tagged(x):
    out = np.asarray(x).view(Tagged)
    out.tag = "t"
    return out


def sum_sq(x):
    return np.sum(x * x)


def gen_kept(x):
    for v in x:
        yield v * 2.0


def generator_in_a_variable(x):
    g = gen_kept(x)
    a = next(g)
    return a * x[1]


def writes_an_item_of_an_item(x):
    m = [[x[0], x[1]], [x[2], x[0]]]
    m[1][0] = x[1] * 2.0
    return m[1][0] + m[0][1]


def zeroes_first(v):
    v[0] = 0.0
    return v[1]


def helper_writes_into_what_it_is_given(x):
    y = x * 1.0
    r = zeroes_first(y)
    return np.sum(y * x) + r


def fills(v):
    v[:] = v * 2.0
    return 0.0


def helper_writes_a_whole_slice(x):
    y = x * 1.0
    fills(y)
    return np.sum(y * x)


def helper_writes_into_an_array_another_name_reads(x):
    y = x * 1.0
    z = x * 1.0
    if np.sum(x) < 1e9:
        z = y   # an alias on one path (an exact alias is followed: alias_groups.py)
    fills(y)  # refused: helper_writes_into_an_array_another_name_reads
    return np.sum(z * x)


def try_that_only_reads(x):
    try:
        chol = np.linalg.cholesky(np.outer(x, x) + np.eye(3))
        k = len(x)
    except np.linalg.LinAlgError:
        chol, k = np.eye(3), 1
    return np.sum(chol * x) / k


def plain_blocks(x, mode="tanh"):
    from numpy import exp as e   # (an import in the body: NumPy's, so no extra is needed)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(x > 0.5, np.log(x), x)
    match mode:
        case "tanh" | "sigmoid" if mode in {"tanh", "sigmoid"}:
            y = np.tanh(y) + 1.0 / (1.0 + e(-y))
        case _:
            y = y * 2.0
    parts = [y[0], y[1] * 2.0, y[2]]
    del parts[0]
    del parts[-1]
    fs = [lambda t, k=k: t ** k for k in range(1, 3)]
    return sum(f(parts[0]) for f in fs)


LOSSES = []


def scatter_and_history(x):
    out = np.zeros(2)
    np.add.at(out, [0, 1, 0], x * x)
    np.subtract.at(out, [1], x[0])
    loss = np.sum(out ** 2)
    LOSSES.append(float(loss))
    return loss



class Amplifier:
    gain = 2.0

    def __init__(self, w):
        self.w = w

    def out(self, x):
        return np.tanh(self.w * x) * self.gain


def class_constant_read(x):
    return np.sum(Amplifier(x * 0.5).out(x))


class Pair(typing.NamedTuple):
    w: np.ndarray
    b: float = 0.5


def named_tuples(x, p):
    q = Pair(x * p.b)
    w, b = q
    total = 0.0
    for v in p:
        total = total + np.sum(v * v)
    return np.sum(q.w * p[0]) * b + total

def reorders_a_list(x):
    xs = [x[0] * 2.0, x[1], x[2] ** 2]
    xs.reverse()
    xs.sort(key=lambda v: -v, reverse=True)
    return xs[0] * 3.0 + xs[1] * xs[2] ** 2


_Pair = collections.namedtuple("_Pair", "a b")


def names_attributes(x):
    p = _Pair(x * 2.0, x ** 2)
    total = np.sum(getattr(p, "a") * x)
    for name in p._fields:
        total = total + np.sum(getattr(p, name))
    return total


def writes_through_transposes_and_reshapes(a):
    y = a * 2.0
    y.T[0] += a[:, 1]
    np.transpose(y)[1] = a[:, 0] ** 2
    y.reshape(9)[4] = a[1, 2] ** 3
    y.ravel()[2] *= a[0, 0]
    return np.sum(y ** 2)


def deletes_inserts_grids_and_coordinates(x):
    g1, g2 = np.meshgrid(x, x[:2] * 2.0, indexing="ij")
    grid = np.sum(g1 * g2 ** 2)
    at = np.array([0.0, 0.4, 1.5])
    return np.sum(np.delete(x, 1) ** 2) + np.sum(np.insert(x, 1, x[0] * 3.0) ** 3) + grid + \
        np.sum(np.gradient(x ** 2, at) ** 2)


WORKS = [
    works("try/except whose try block only reads (assignments to names from NumPy, math and "
          "builtin calls)", try_that_only_reads, X),
    works("arithmetic + - * / ** @, unary minus, broadcasting, floats mixed with arrays; "
          "comparisons are non-differentiable values", arithmetic, X, A, wrt=(0, 1)),
    works("builtins abs, sum, float, len, max, min, pow; the math module",
          builtins_and_math, X),
    works("x.sum(), x.mean(axis=0), x.T, x.dot(y), x.reshape(2, 3), x.max(), x.copy(), "
          "x.shape", methods_as_people_write_them, X, M23, wrt=(0, 1)),
    works("einsum (..., implicit output, repeated indices), tensordot, kron, cross, "
          "multi_dot (a vector first or last)", einsum_forms, A, X, wrt=(0, 1)),
    works("cov and corrcoef (y=, rowvar=, bias=, ddof=; weights held constant), polymul, "
          "ediff1d (to_begin=, to_end=), modf, frexp, maximum.accumulate (minimum, fmax, "
          "fmin)", statistics_and_sequences, X, M23, wrt=(0, 1)),
    works("w, v = eigh(a) or eigh(a).eigenvalues; svd, qr, cholesky, slogdet, pinv, "
          "matrix_power", decompositions, A),
    works("all of numpy.fft", fft_roundtrip, X),
    works("indexing: integers, negative, slices with steps, tuples, integer arrays "
          "(repeated indices accumulate), boolean masks", indexing, X, A, wrt=(0, 1)),
    works("if/elif/else, conditional expressions, and/or/not", branches, X, 0.5),
    works("for over range, arrays, lists, tuples, enumerate, zip, reversed, "
          "for i, (a, b) in enumerate(zip(x, y))", loops_over_things, X, A, wrt=(0, 1)),
    works("zip and enumerate read their sequences as the loop goes: a write into x in the "
          "body is seen by the items after it", zip_sees_writes_in_its_body, X),
    works("while with data-dependent trip counts; break, continue, early and multiple "
          "returns", while_break_continue_returns, X),
    works("for ... else and while ... else", loop_else, X),
    works("nested loops; variables overwritten in loops; augmented assignment",
          nested_overwritten_augmented, X),
    works("item and slice writes (y[i] = ..., y[1:] = y[1:] * y[:-1])",
          item_and_slice_writes, X),
    works("NumPy calls writing into a local array, as the write a[...] = v they make "
          "(numpy.add(u, du, out=u), a ufunc's output by position, a.fill(v), a.sort(axis), "
          "numpy.copyto(a, v, where=m))", writes_through_out_fill_sort_copyto, X),
    works("named tuples' p._replace(w=v), p._asdict(), P._make(seq), p._fields; a list of "
          "records sliced (for layer in layers[::-1]); a name bound to objects of several "
          "classes (layer = A(w) if flag else B(w))", named_tuple_methods_and_sliced_records, X),
    works("numpy.put(a, ind, v), numpy.putmask(a, mask, v) and numpy.place(a, mask, v) "
          "repeating v by flat position, a.put(ind, v), a.partition(k); a.resize(n) of an "
          "array only the function refers to", writes_by_flat_position, X),
    works("xs.reverse() and xs.sort(key=f, reverse=r) of a list the function builds",
          reorders_a_list, X),
    works("getattr(p, \"w\") and setattr(p, \"w\", v) of a name written in the call or given "
          "by a loop over p._fields or a display of strings", names_attributes, X),
    works("writes through a transposed or reshaped view of a local array: y.T[0] += v, "
          "np.transpose(y)[1] = v, y.reshape(3, 2)[1] = v, y.ravel()[4] = v",
          writes_through_transposes_and_reshapes, A),
    works("numpy.delete, numpy.insert, numpy.meshgrid and numpy.gradient(f, x) with "
          "coordinates (from docs/coverage.md)", deletes_inserts_grids_and_coordinates, X),
    works("a view by basic slicing of an array, w = y[1:]; y[0] = v; ... w ... or "
          "a2 = A[-1, :]; a2 -= v", view_followed, X, A, wrt=(0, 1)),
    works("v = B[1:]; v *= 3.0 and a row v = B[0]; v *= 3.0 of an argument's copy, "
          "for row in A: row += s * row over an argument, u = (x + x).copy(); w = u; "
          "u -= v", rows_and_tails_updated, X, A, wrt=(0, 1)),
    works("an in-place update of an array the function made, u = np.copy(x); w = u; u += v; "
          "... w ...; a loop's rows written by row.fill(v)", update_seen_through_an_alias, X, A,
          wrt=(0, 1)),
    works("a name that shares the array on some paths only, bound in one branch (if c: a = "
          "x, r = m[0] with m made in one arm): checked when the write runs against the value "
          "it has there (none where it is unbound)", shared_on_some_paths_only, X, -0.4,
          wrt=(0, 1)),
    works("lists built with append (and pop) then np.stack/np.array",
          lists_append_pop_stack, X),
    works("list, generator and dict comprehensions, nested and with several for clauses",
          comprehensions, X, A, wrt=(0, 1)),
    works("list(zip(a, b)), a, b = zip(*pairs), sum(...), z = zip(a, b) / "
          "e = enumerate(x) kept in a name and looped over once", zips_read_at_once, X, Y,
          wrt=(0, 1)),
    works("max(a, b, c); functools.reduce(f, items[, first]) (an operator function or a "
          "lambda) and math.prod", max_reduce_prod, X),
    works("max(xs, key=f) and min(..., key=f); first, *rest = xs",
          max_with_key_starred_assignment, X),
    works("x.item(...), x.tolist()", item_and_tolist, X),
    works("+ and * on lists and tuples: [x] * 3, parts + [a], lst = lst + [y] in a loop, "
          "t * 2, lst += (a,), lst.extend(b), sum(lists, [])", list_arithmetic, X),
    works("dicts built in the function; for k in d, items/values/keys/get/len, list(...), "
          "tuple(array), dict(a=x), dict(zip(...)), comprehensions, update({k: v}), "
          "update(k=v), setdefault, pop(k[, default])", dicts, X),
    works("dict(d), d.copy(), dict(d, k=v), {**d, \"k\": v}", dict_copies, X),
    works("g.setdefault(k, []).append(v), collections.defaultdict(float) and (list), "
          "dict.fromkeys(keys, v), OrderedDict, d.update(other) of a name, d |= e, "
          "{**a, **b}, list(itertools.accumulate(xs, f))", dict_idioms, X),
    works("a dict of results returned", returns_a_dict_of_results, X),
    works("a dict argument gets a gradient of the same structure", gets_a_dict,
          {"w": X, "b": 0.7}, Y),
    works("list and tuple arguments get gradients of the same structure",
          gets_a_list_and_tuple, [X, Y], (0.4, A), wrt=(0, 1)),
    works("del d[k] on a dict works, as d.pop(k)", del_of_a_dict_key, X),
    works("lst.pop(i), lst.insert(i, v), del lst[i], del lst[a:b] (constant, computed or "
          "negative indices)", edits_lists_by_position, X),
    works("x.flat[k] = v, x.flat[a:b] = v, x.flat[idx] = v, x.flat[k] += v and reads of "
          "x.flat[k]", flat_positions, X),
    works("numpy.gradient(f, dx, dy) with a spacing per axis (numbers or coordinate arrays, "
          "axis= too), in f and in each spacing", gradient_per_axis, X, 0.4, wrt=(0, 1)),
    works("your own functions: module-level, nested defs and lambdas (closures), default "
          "and keyword arguments, tuples returned and unpacked, recursion", own_functions, X),
    works("methods of objects passed in (model.forward(x), self.layer(x)), attribute reads "
          "(self.scale * x), private names (self.__w)", methods_of_objects_passed_in, X,
          Model(A)),
    works("super().method(...) / super(Cls, self).method(...)",
          methods_of_objects_passed_in, X, Scaled(A)),
    works("functions as values: rk4(lotka_volterra, ...), act = numpy.tanh, a lambda "
          "reading the enclosing function's variables, lists of functions indexed and "
          "passed", functions_as_values, X, 0.7, wrt=(0, 1)),
    works("a module-level dict of functions: ACTS[\"tanh\"](x), ACTS[act] with a string "
          "default, loops over ACTS.items()", functions_read_from_a_dict, X),
    works("a loop over a list of functions written in the function (for g in [np.sin, "
          "np.tanh]), fs = [...] bound once and only looped over, through enumerate",
          loops_over_lists_of_functions, X),
    works("a default that is a function (def f(x, act=np.tanh))", with_a_default_function,
          X),
    works("map(f, xs), map(partial(f, p), xs), sorted(xs, key=f, reverse=...), "
          "functools.partial objects passed to your helpers", maps_and_partials, X),
    works("staticmethods and classmethods; *args and **kwargs helpers, f(w, *args), "
          "f(**kw), [*a, b], (*a, b), f(*[a, b]), rs.randn(*x.shape), numpy.zeros(*shape)",
          variadics, X),
    works("f(*parts) of a starred display whose length srcdiff sees: parts = (*items, x), "
          "f(*(*items, y))", starred_display_spread, X),
    works("*args in the differentiated function itself, wrt counting positions as passed",
          differentiated_varargs, 0.5, X, wrt=1),
    works("objects held anywhere: self.layers loops, Dense(w).forward(x), dataclasses, "
          "lists made in the function, layers of several classes, a function in a field, "
          "net(x) and layers[1](x) (here mixed[1](x)) through __call__, "
          "Sequential([...]) made here, "
          "@property", objects_held_anywhere, X, Net([Dense(A), Scale(2.0)])),
    works("named tuples made in the function or passed in, read by field name, by index, "
          "unpacked or looped over, a field left out taking a literal default",
          named_tuples, X, Pair(Y, 0.7), wrt=(0, 1)),
    works("a constant of the class body read through an object (gain = 2.0, then self.gain)",
          class_constant_read, X),
    works("differentiating with respect to a dataclass gives a gradient of the same class",
          wrt_a_dataclass, Params(X, 0.5), Y),
    works("with respect to a list, tuple or dict of records: a list, tuple or dict of records "
          "of the same classes", wrt_records_in_a_list, [Params(X, 0.5), Params(Y, -0.2)], Y),
    works("your generator functions taken at once: a for header, comprehension, list, "
          "tuple, sum, sorted, min, max, zip, enumerate, any, a, b = gen(x), yield from, "
          "return in the middle", generators, X, [A, A * 0.5, X, Y], wrt=(0, 1)),
    works("a generator under a for loop runs lazily; break stops it",
          lazy_generator_breaks, X),
    works("decorated functions: a functools.wraps wrapper's own code", decorated, X),
    works("a wrapper taking *args, **kwargs is followed like any *args helper",
          calls_a_decorated_function, X),
    works("decorated functions: what is called is differentiated, a wrapper taking *args, "
          "**kwargs like a differentiated function taking *args", decorated_any, X),
    works("non-differentiable parts run unchanged: integer arithmetic, shapes, random "
          "numbers, print, logging, warnings.warn, assertions, a callback whose result is "
          "dropped", nondifferentiable_parts, X),
    works("names resolve by object: from numpy import sum as total; ufunc methods "
          "add.reduce/accumulate, multiply.reduce/accumulate/outer, maximum.reduce, "
          "subtract.outer", names_by_object, X, A, wrt=(0, 1)),
    works("your names never mix with srcdiff's: variables named tape, slice, list, type",
          names_like_srcdiffs, X),
    works("ties of max, min, median, ptp split the derivative evenly", tied_max,
          np.array([0.5, 0.9, 0.9, 0.2, 0.2]), order=1),
    works("cumprod is exact where its input has zeros", cumprod_with_zeros,
          np.array([0.5, 0.0, 1.5, -0.7])),
    works("a tuple a swap a, b = b, a built is fine before a write", swap_built_tuple, X),
    works("a view never read again is fine before a write", view_never_read_again, X),
    works("np.stack([y, x]) before y[0] = s is fine", stack_before_write, X, 0.3,
          wrt=(0, 1)),
    works("vx, vy = step(vx, vy) is fine", helper_returns_new_values, X),
    works("a helper writing into a new array nobody else holds, helper(x * 2.0)",
          helper_given_a_new_array, X),
    works("the differentiated function writing into its own argument works on a private "
          "copy", writes_its_own_argument, X),
    works("a generator kept in a name, it = gen(x), read by next(it)", generator_in_a_variable,
          X),
    works("item writes into an item of a list built here (m[1][0] = ...)",
          writes_an_item_of_an_item, X),
    works("a helper writing into a name of the caller's own no other name reads after "
          "(v[0] = ...)", helper_writes_into_what_it_is_given, X),
    works("a helper writing into a name of the caller's own no other name reads after "
          "(v[:] = ...)", helper_writes_a_whole_slice, X),
    works("plain statements: imports in the body, with np.errstate, match on literals, "
          "a set of constants, del L[0] and del L[-1], lambdas made in a loop with k=k",
          plain_blocks, X),
    works("numpy.add.at and numpy.subtract.at into a name; losses.append(float(loss)) into "
          "a global list", scatter_and_history, X),
]


# ---- refused, with an error naming your file and line ---------------------------------------
@dataclass
class Refusal:
    claim: str
    f: object
    args: tuple
    wrt: object = 0
    modes: tuple = ("grad", "jvp")
    xfail: str = None


def refused(claim, f, *args, wrt=0, modes=("grad", "jvp"), xfail=None):
    return Refusal(claim, f, args, wrt, modes, xfail)


def uses_try(x):
    z = 2.0
    try:
        return np.sum(np.sin(x)) * z  # refused: uses_try
    finally:
        z = 3.0


def uses_with(x):
    with warnings.catch_warnings(record=True) as caught:  # refused: uses_with
        y = np.sin(x)
    return np.sum(y) + len(caught)


def yields(x):  # refused: yields
    yield np.sum(x)


COUNTER = 0.0


def uses_global(x):
    global COUNTER  # refused: uses_global
    COUNTER = 1.0
    return np.sum(x)


def uses_nonlocal(x):
    s = x * 1.0

    def bump(v):
        nonlocal s
        s = s * v
    bump(2.0)
    bump(np.cos(x))
    return np.sum(s)


def nonlocal_read_before_the_call(x):
    s = x * 1.0

    def bump(v):
        nonlocal s
        s = s * v
        return v
    return np.sum(s) * bump(2.0)


def nonlocal_in_an_expression(x):
    s = x * 1.0

    def bump(v):
        nonlocal s
        s = s * v
        return v
    s += bump(2.0)  # refused: nonlocal_in_an_expression
    return np.sum(s)


def recursive_nested(x):
    def pw(v, n):
        return 1.0 if n == 0 else v * pw(v, n - 1)
    return np.sum(pw(x, 3))


def nested_kwargs(x):
    def g(a, *vs, **kw):
        return a * vs[0] * kw["w"]
    return np.sum(g(x, 2.0, w=np.sin(x)))


def defines_a_class(x):
    class Local:
        pass  # refused: defines_a_class
    return np.sum(x)


def without_a_rule(x):
    return np.sum(np.union1d(x, x))  # refused: without_a_rule


def byteswaps_in_place(x):
    y = x * 1.0
    y.byteswap(True)  # refused: byteswaps_in_place
    return np.sum(y * x)


def resizes_an_alias(x):
    y = x * 1.0
    z = y
    y.resize(3)  # refused: resizes_an_alias
    return np.sum(y * x[:3]) + np.sum(z)



def sorts_a_list_passed_in(x, ys):
    ys.sort()  # refused: sorts_a_list_passed_in
    return ys[0] * x[0]


def updates_from_pairs_of_a_name(x, pairs):
    d = {"a": x}
    d.update(pairs)  # refused: updates_from_pairs_of_a_name
    return np.sum(d["b"])


def edits_a_list_another_name_may_hold(x):
    lst = [x[0], x[1], x[2]]
    other = [x[2]]
    if x[0] > 0:
        other = lst
    lst.pop(1)  # refused: edits_a_list_another_name_may_hold
    return other[0] * sum(lst)


class Plain:
    def __init__(self, w):
        self.w = w * 1.0
        self.log = []   # (a field set to a new list: state, so no record class)


def reads_a_plain_objects_attribute(p, x):
    return np.sum(p.w * x)  # refused: reads_a_plain_objects_attribute


@dataclass
class Rec:
    w: np.ndarray
    extra: float = field(default=1.0)


def reads_an_attribute_not_a_field(p, x):
    return np.sum(p.w * x) + p.note  # refused: reads_an_attribute_not_a_field


def noted(rec):
    rec.note = 2.0
    return rec


def appends_to(lst, v):
    lst.append(v)  # refused: helper_appends_to_its_list
    return v


def helper_appends_to_its_list(x):
    lst = [x[0]]
    r = appends_to(lst, x[1])  # refused: helper_appends_to_its_list
    return sum(lst) * r


def extends(lst, v):
    lst.extend([v])  # refused: helper_extends_its_list
    return v


def helper_extends_its_list(x):
    lst = [x[0]]
    extends(lst, x[1])
    return sum(lst)


class Cell:
    def __init__(self, h):
        self.h = h

    def reset(self):
        self.h[0] = 0.0  # refused: method_writes_into_selfs_array
        return self.h[1]


def method_writes_into_selfs_array(x, cell):
    r = cell.reset()
    return np.sum(cell.h * x) + r


def decays(v):
    v -= 0.5 * v
    return v


def old_value_read_after_the_call(x):
    y = x * 1.0
    w = x
    if np.sum(x) < 1e9:
        w = y   # (another name holding y's array on one path)
    z = decays(y)  # refused: old_value_read_after_the_call
    return np.sum(z * w)


def adds_at(x):
    out = [np.zeros(3)]
    np.add.at(out[0], [0, 1], x[:2])  # refused: adds_at
    return np.sum(out[0] * x)



def copies_to_a_module_array(x):
    np.copyto(MODULE_BUFFER, x)  # refused: copies_to_a_module_array
    return np.sum(MODULE_BUFFER * x)


def out_argument_not_owned(x):
    np.sin(x, out=MODULE_BUFFER)  # refused: out_argument_not_owned
    return np.sum(MODULE_BUFFER)


def out_argument_with_where(x):
    y = np.zeros(3)
    np.sin(x, out=y, where=x > 0)  # refused: out_argument_with_where
    return np.sum(y)



def zip_read_twice(x, y):
    z = zip(x, y)  # refused: zip_read_twice
    s = sum(p * q for p, q in z)
    return s + sum(p for p, q in z)


def zip_given_to_next(x, y):
    z = zip(x, y)  # refused: zip_given_to_next
    p, q = next(z)
    return p * q


def view_read_after_a_write(x, v):
    y = x * 1.0
    w = y[1:]
    keep = [w]
    y[0] = v  # refused: view_read_after_a_write
    return np.sum(keep[0] * y)


def appends_through_another_name(x):
    a = [x[0]]
    b = [x[1]]
    if x[0] < 1e9:
        b = a
    b.append(x[1])  # refused: appends_through_another_name
    return sum(a)


def appends_to_a_dict_item(x):
    d = {"w": [x[0]]}
    lst = d["w"]
    lst.append(x[1])  # refused: appends_to_a_dict_item
    return sum(d["w"])


def repeated_index_update(x, i):
    y = x * 1.0
    y[i] += x  # refused: repeated_index_update
    return np.sum(y * y)


def shared_row_update(x, m):
    m = m * 1.0
    i = len(x) // 2   # (an index the function computes: the run tells what r is)
    r = m[i]
    r += x  # refused: shared_row_update
    return np.sum(m * m)


def list_item_update(x, params):
    w = params[0]
    params[0] += x  # refused: list_item_update
    return np.sum(params[0] * w)


def row_swap(m):
    m = m * 1.0
    m[0], m[1] = m[1], m[0]  # refused: row_swap
    return np.sum(m * np.arange(3.0)[:, None])


def complex_norm_of_order_1(x):
    z = x + 1j * x[::-1]
    return np.linalg.norm(z, 1)  # refused: complex_norm_of_order_1


def pads_left_empty(x):
    return np.sum(np.pad(x, 1, mode="empty") ** 2)  # refused: pads_left_empty


def gradient_with_coordinates(x):
    at = np.array([[0.0, 0.5, 1.5]])
    return np.sum(np.gradient(x, at) ** 2)  # refused: gradient_with_coordinates


def closure_writing_enclosing(x):
    acc = []

    def record(v):
        acc.append(v)  # refused: closure_writing_enclosing
        return v * 2.0
    return np.sum(apply(record, x)) + len(acc)


def a_map_in_a_name(x):
    m = map(np.sin, x)  # refused: a_map_in_a_name
    return sum(m)


def grows(layers):
    layers.append(Dense(A))
    return layers


def class_unknown_before_it_runs(x):
    layers = grows([])
    y = x
    for layer in layers:
        y = layer.forward(y)  # refused: class_unknown_before_it_runs
    return np.sum(y)


def apply_given(g, v):
    return g(v)  # refused: partial_of_a_nested_function


def partial_of_a_nested_function(x):
    k = 2.0

    def scaled(v, c):
        return v * c * k
    return np.sum(apply_given(partial(scaled, c=x[0]), x))  # refused: partial_of_a_nested_function



def pops_while_another_name_reads(x):
    d = {"a": x * 2.0, "b": x}
    alias = d
    v = d.pop("a")  # refused: pops_while_another_name_reads
    return np.sum(v * alias["b"]) + len(alias)


def loops_over_functions_passed_in(x, fs):
    t = x
    for g in fs:
        t = g(t)  # refused: loops_over_functions_passed_in
    return np.sum(t)


def star_of_unknown_length_into_a_rule(x, parts):
    return np.sum(np.add(*parts) * x)  # refused: star_of_unknown_length_into_a_rule


def local_named_like_a_runtime_helper(x):  # refused: local_named_like_a_runtime_helper
    ones_like_value = x * 2.0
    return np.sum(ones_like_value * x)


def takes_a_generator(g):
    return sum(g) + 10.0 * sum(g)   # the second sum finds no items left


def generator_passed_on(x):
    return takes_a_generator(gen_kept(x))  # refused: generator_passed_on


def receives(x):
    v = yield x[0]  # refused: generator_receiving
    yield v


def generator_receiving(x):
    return sum(receives(x))


def never_stops(x):
    while True:  # refused: generator_never_exiting
        yield x[0]


def generator_never_exiting(x):
    s = 0.0
    for v in never_stops(x):
        s = s + v
    return s


def writes_what_it_yielded(x):
    y = x * 1.0
    yield y
    y[0] = 0.0  # refused: generator_writing_what_it_yielded
    yield y


def generator_writing_what_it_yielded(x):
    return sum(np.sum(v * x) for v in writes_what_it_yielded(x))


def pinv_hermitian(a):
    return np.sum(np.linalg.pinv(a, hermitian=True))  # refused: pinv_hermitian


def einsum_interleaved(a, x):
    return np.einsum(a, [0, 1], x, [1], [0]).sum()  # refused: einsum_interleaved


def qr_complete(a):
    q, r = np.linalg.qr(a, mode="complete")  # refused: qr_complete
    return np.sum(r)


def cholesky_complex(a):
    c = np.linalg.cholesky(a @ a.T + np.eye(3) + 0j)  # refused: cholesky_complex
    return np.sum(np.abs(c) ** 2)


def takes_varargs(*args):  # refused: takes_varargs
    return np.sum(args[0] ** 2)

class ClaimDual:
    def __init__(self, v, d):
        self.v = v
        self.d = d

    def __add__(self, o):
        if isinstance(o, ClaimDual):
            return ClaimDual(self.v + o.v, self.d + o.d)
        return ClaimDual(self.v + o, self.d)

    def __radd__(self, o):
        return self + o

    def __mul__(self, o):
        if isinstance(o, ClaimDual):
            return ClaimDual(self.v * o.v, self.v * o.d + self.d * o.v)
        return ClaimDual(self.v * o, self.d * o)


def operator_branching_on_its_operand(x):
    d = ClaimDual(x, np.ones_like(x))
    e = 1.0 + d * d + d * 3.0
    return np.sum(e.v * e.d)


class ClaimSums:
    def __init__(self, w):
        self.w = w

    def __iadd__(self, o):
        self.w = self.w + o
        return self


def iadd_setting_its_fields(x):
    a = ClaimSums(x * 1.0)
    for k in range(3):
        a += np.sin(x) * k
    return np.sum(a.w ** 2)


def iadd_of_an_object_another_name_holds(x):
    a = ClaimSums(x * 1.0)
    b = a
    a += x * x  # refused: iadd_of_an_object_another_name_holds
    return np.sum(b.w * x)


WORKS += [
    works("a method branching on its operand's class (if isinstance(o, Dual): ... else: "
          "<o a number>)", operator_branching_on_its_operand, X),
    works("an __iadd__ setting self's fields and returning self where one name holds the "
          "object", iadd_setting_its_fields, X),
    works("a nested def rebinding the enclosing function's variables (nonlocal)",
          uses_nonlocal, X),
    works("a nested function declaring nonlocal names called inside an expression that "
          "reads them before the call (state + add(v))", nonlocal_read_before_the_call, X),
    works("a nested def calling itself", recursive_nested, X),
    works("*args and **kwargs of a nested def", nested_kwargs, X),
]


REFUSED = [
    refused("an __iadd__ writing self's fields of an object another name holds too "
            "(b = a; a += w)", iadd_of_an_object_another_name_holds, X),
    refused("try/finally that a return, break or continue leaves", uses_try, X),
    refused("with", uses_with, X),
    refused("yield outside the generators above (differentiating a generator function "
            "itself)", yields, X),
    refused("global", uses_global, X),
    refused("a nested function declaring nonlocal names called inside an expression",
            nonlocal_in_an_expression, X),   # (state += add(v): state read before it changes)
    refused("class definitions", defines_a_class, X),
    refused("functions without a rule", without_a_rule, X),
    refused("in-place methods other than an array's fill, sort, partition, put and resize: "
            "x.byteswap(True)", byteswaps_in_place, X),
    refused("x.resize(n) of an array another name refers to", resizes_an_alias, X),
    refused("in-place methods other than an array's fill and sort and a list's reverse and "
            "sort: xs.sort() of a list passed in", sorts_a_list_passed_in, X, [2.0, 1.0]),
    refused("d.update(pairs) of a name not known to hold a dict", updates_from_pairs_of_a_name,
            X, [("b", 1.0)]),
    refused("lst.pop(i), lst.insert(i, v) or del lst[i] of a list that another name may "
            "also hold", edits_a_list_another_name_may_hold, X),
    refused("attributes of differentiated objects of classes other than dataclasses and "
            "record classes", reads_a_plain_objects_attribute, Plain(X), Y),
    refused("attributes that are not their fields", reads_an_attribute_not_a_field,
            noted(Rec(X)), Y),
    refused("helpers that change their list arguments in place: append in reverse mode",
            helper_appends_to_its_list, X, modes=("grad",)),
    refused("helpers that change their list arguments in place: extend in both modes",
            helper_extends_its_list, X),
    refused("helpers that write into what they are given (v[:] = ...) where another name "
            "reads the array after the call", helper_writes_into_an_array_another_name_reads,
            X),
    refused("a method writing into self's arrays", method_writes_into_selfs_array, X,
            Cell(Y * 1.0)),
    refused("v -= ... in a helper where another name may hold v's array and reads it after "
            "the call (at run time)", old_value_read_after_the_call, X),
    refused("numpy.add.at(self.w, i, x) into anything but a name", adds_at, X),
    refused("out= into an array the function does not own", out_argument_not_owned, X),
    refused("out= with where=", out_argument_with_where, X),
    refused("numpy.copyto(G, x) into a module-level array", copies_to_a_module_array, X),
    refused("z = zip(a, b) bound to a name and read more than once", zip_read_twice, X, Y),
    refused("z = zip(a, b) bound to a name and read by next", zip_given_to_next, X, Y),
    refused("item writes into an array another name sees and reads after the write "
            "(w = y[1:]; keep = [w]; y[0] = v; ... keep ...)", view_read_after_a_write, X, 0.3),
    refused("appends to a list that another name may also hold (if c: b = a, then b.append(v)",
            appends_through_another_name, X),
    refused("appends to a list another name holds (lst = d['w']; lst.append(v))",
            appends_to_a_dict_item, X),
    refused("at run time: x[i] += v whose index repeats", repeated_index_update, X,
            np.array([0, 1, 0]), modes=("grad",)),
    refused("at run time: z += v on an array another name shares (r = m[i], a row view by "
            "an index the function computes)",
            shared_row_update, X, A),
    refused("at run time: c[k] += v on an item of a list another name holds "
            "(w = params[0]; params[0] += x)", list_item_update, X, [Y * 1.0, X * 1.0]),
    refused("at run time: a row swap m[0], m[1] = m[1], m[0]", row_swap, A),
    refused("norms of complex values of an order other than 2 or 'fro'",
            complex_norm_of_order_1, X),
    refused("numpy.pad in mode 'empty' or a function, or with reflect_type",
            pads_left_empty, X),
    refused("numpy.gradient given a spacing of more than one dimension",
            gradient_with_coordinates, X),
    refused("a closure passed on that writes into the enclosing function's variables",
            closure_writing_enclosing, X, modes=("grad",)),
    refused("a partial of a nested function passed on", partial_of_a_nested_function, X),
    refused("m = map(...) (an iterator)", a_map_in_a_name, X),
    refused("a method call on an object whose class cannot be known before the code runs "
            "(a list another function may grow)", class_unknown_before_it_runs, X),
    refused("d.pop(k) where another name holding the dict is read after the pop",
            pops_while_another_name_reads, X),
    refused("a name bound to several functions (a loop over a list of functions holding an "
            "item that is no function)", loops_over_functions_passed_in, X, [np.sin, 2.0]),
    refused("*xs of a length srcdiff cannot see into a function with a derivative rule",
            star_of_unknown_length_into_a_rule, X, [X, Y]),
    refused("a local variable named like a runtime helper the emitted code calls "
            "(ones_like_value), in reverse mode", local_named_like_a_runtime_helper, X,
            modes=("grad",)),
    refused("a generator passed on", generator_passed_on, X),
    refused("x = yield", generator_receiving, X),
    refused("a while True generator with no exit", generator_never_exiting, X),
    refused("a generator writing in place into a value it yielded",
            generator_writing_what_it_yielded, X),
    refused("hermitian=True", pinv_hermitian, A),
    refused("einsum's interleaved form", einsum_interleaved, A, X),
    refused("qr modes other than 'reduced'", qr_complete, A),
    refused("complex input of cholesky", cholesky_complex, A),
    refused("a wrt position past the arguments a call passes (grad(f, wrt=2) of "
            "def f(*args) given one)", takes_varargs, X, wrt=2),
]


# ---- SciPy, an optional extra (its claims are checked where SciPy is installed) -------------
try:
    import scipy.integrate as spi
    import scipy.special as special
    import scipy.stats as stats
except ImportError:   # the Quickstart installs no SciPy
    special = None


T2 = np.array([0.0, 0.5])


def decay_rhs(y, t, k):
    return -k * y + 0.1 * np.sin(t)


def scipy_special_and_stats(x, a):
    b = x * x + 0.1
    return special.logsumexp(a, axis=0, b=b).sum() + np.sum(special.softmax(x)) * x[0] + \
        np.sum(special.expit(x)) + np.sum(special.xlogy(b, b)) + \
        np.sum(stats.norm.logpdf(x, 0.3, 1.5)) + np.sum(stats.norm(0.2, 2.0).logpdf(x)) + \
        np.sum(stats.norm.sf(x, 0.1, 1.2) + stats.t.logsf(x, 4.0)) + \
        stats.multivariate_normal.entropy(cov=a @ a.T + np.eye(3))


def frozen_distribution_in_a_name(x, loc):
    dist = stats.norm(loc, 1.3)
    return np.sum(dist.logpdf(x))


def odeint_in_y0_and_args(y0, k):
    ys = spi.odeint(decay_rhs, y0, np.array([0.0, 0.5, 1.0]), args=(k,),
                                 rtol=1e-11, atol=1e-11)
    return np.sum(ys ** 2)


def odeint_full_output(y0, k):
    ys, info = spi.odeint(decay_rhs, y0, T2, (k,), full_output=True)  # refused: odeint_full_output
    return np.sum(ys)


def odeint_f_closing_over_k(y0, k):
    def rhs(y, t):
        return -k * y

    ys = spi.odeint(rhs, y0, T2)  # refused: odeint_f_closing_over_k
    return np.sum(ys)


def odeint_lambda_carrying_a_derivative(y0, k):
    ys = spi.odeint(lambda y, t: -k * y, y0, T2)  # refused: odeint_lambda_carrying_a_derivative
    return np.sum(ys)


def logsumexp_return_sign(x):
    v, sign = special.logsumexp(x, return_sign=True)  # refused: logsumexp_return_sign
    return v


def iv_in_its_order(v, x):
    return np.sum(special.iv(v, x))  # refused: iv_in_its_order


def t_cdf_in_its_shape(x, df):
    return np.sum(stats.t.cdf(x, df))  # refused: t_cdf_in_its_shape


SCIPY_WORKS = [] if special is None else [
    works("scipy.special logsumexp (axis, b), softmax, expit, xlogy; scipy.stats norm.logpdf "
          "called with loc and scale and on a frozen distribution; sf, logsf; "
          "multivariate_normal's entropy in cov", scipy_special_and_stats,
          X, A, wrt=(0, 1)),
    works("dist = norm(loc, scale); dist.logpdf(x)", frozen_distribution_in_a_name, X, 0.2,
          wrt=(0, 1)),
    works("scipy.integrate.odeint(F, y0, t, args=(...)) in y0 and the floating args",
          odeint_in_y0_and_args, X, 0.7, wrt=(0, 1)),
]

SCIPY_REFUSED = [] if special is None else [
    refused("odeint's full_output=True", odeint_full_output, X, 0.7),
    refused("an F that closes over a differentiated variable (a nested def reading it)",
            odeint_f_closing_over_k, X, 0.7, wrt=1),
    refused("a lambda carrying a derivative given to a library function (odeint's F)",
            odeint_lambda_carrying_a_derivative, X, 0.7, wrt=1),
    refused("keywords a rule does not know (return_sign=True)", logsumexp_return_sign, X),
    refused("an order (iv's v) differentiated", iv_in_its_order, 1.5, X),
    refused("a cdf's shape parameters", t_cdf_in_its_shape, X, 4.0, wrt=1),
]
