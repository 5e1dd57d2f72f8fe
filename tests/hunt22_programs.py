"""Hunt 22 (tests/test_hunt22.py): programs combining last session's features — operators
of user classes, records and containers of records as wrt, nonlocal, recursion and
*args/**kwargs of nested defs, list edits, x.flat, np.gradient with spacings, derivatives
called inside differentiated code, repeated items — with each other and with older ones,
written the way users and sceptical testers write them. Each is checked against central
differences by gradcheck.check."""
from dataclasses import dataclass
import typing

import numpy as np

import srcdiff


# --- user classes with operators ----------------------------------------------------------
@dataclass
class Vec:
    a: np.ndarray
    b: np.ndarray

    def __add__(self, o):
        return Vec(self.a + o.a, self.b + o.b)

    def __sub__(self, o):
        return Vec(self.a - o.a, self.b - o.b)

    def __mul__(self, s):
        return Vec(self.a * s, self.b * s)

    def __rmul__(self, s):
        return Vec(s * self.a, s * self.b)

    def __truediv__(self, s):
        return Vec(self.a / s, self.b / s)

    def __neg__(self):
        return Vec(-self.a, -self.b)

    def __matmul__(self, o):
        return np.sum(self.a * o.a) + np.sum(self.b * o.b)

    def __getitem__(self, i):
        return self.a[i] * self.b[i]

    def __len__(self):
        return len(self.a)

    def norm2(self):
        return self @ self


class Dual:
    def __init__(self, v, d):
        self.v = v
        self.d = d

    def __add__(self, o):
        if isinstance(o, Dual):
            return Dual(self.v + o.v, self.d + o.d)
        return Dual(self.v + o, self.d)

    def __mul__(self, o):
        if isinstance(o, Dual):
            return Dual(self.v * o.v, self.v * o.d + self.d * o.v)
        return Dual(self.v * o, self.d * o)

    def __rmul__(self, o):
        return Dual(o * self.v, o * self.d)

    def __sub__(self, o):
        return Dual(self.v - o.v, self.d - o.d)


class Poly:
    def __init__(self, c):
        self.c = c

    def __call__(self, t):
        out = 0.0 * t
        for k in range(len(self.c) - 1, -1, -1):
            out = out * t + self.c[k]
        return out

    def __add__(self, o):
        return Poly(self.c + o.c)

    def __mul__(self, s):
        return Poly(self.c * s)


class Acc:
    def __init__(self, w):
        self.w = w

    def __iadd__(self, o):
        self.w = self.w + o
        return self

    def __imul__(self, s):
        self.w = self.w * s
        return self


class Dual2:
    """A dual number written the other common ways: the number case tested first (`not
    isinstance`), reflected operators, subtraction and division against numbers, the
    operand's parts picked by conditional expressions."""

    def __init__(self, v, d):
        self.v = v
        self.d = d

    def __add__(self, o):
        if not isinstance(o, Dual2):
            return Dual2(self.v + o, self.d)
        return Dual2(self.v + o.v, self.d + o.d)

    def __radd__(self, o):
        return self + o

    def __sub__(self, o):
        if isinstance(o, Dual2):
            return Dual2(self.v - o.v, self.d - o.d)
        return Dual2(self.v - o, self.d)

    def __rsub__(self, o):
        return Dual2(o - self.v, -self.d)

    def __mul__(self, o):
        if isinstance(o, Dual2):
            return Dual2(self.v * o.v, self.v * o.d + self.d * o.v)
        else:
            return Dual2(self.v * o, self.d * o)

    def __rmul__(self, o):
        return self * o

    def __truediv__(self, o):
        ov = o.v if isinstance(o, Dual2) else o
        od = o.d if isinstance(o, Dual2) else 0.0 * self.d
        return Dual2(self.v / ov, (self.d * ov - self.v * od) / (ov * ov))


class Moments:
    """Running sums updated in place by `+=` (an __iadd__ writing its fields, giving back
    itself), read after the loop."""

    def __init__(self, s, q):
        self.s = s
        self.q = q

    def __iadd__(self, v):
        self.s = self.s + v
        self.q = self.q + v * v
        return self

    def __isub__(self, v):
        self.s = self.s - v
        return self


class Pooled:
    """An accumulator adding numbers, arrays or another accumulator in place (`+=` branching
    on its operand's class), read through a method."""

    def __init__(self, w, n):
        self.w = w
        self.n = n

    def __iadd__(self, o):
        if isinstance(o, Pooled):
            self.w = self.w + o.w
            self.n = self.n + o.n
        else:
            self.w = self.w + o
            self.n = self.n + 1.0
        return self

    def mean(self):
        return self.w / self.n


def vec_chain(x):
    v = Vec(x, np.sin(x))
    u = (v + v * 2.0) / 3.0 - (-v) * 0.5
    return u @ v


def vec_in_loop_branch(x):
    v = Vec(x, x * x)
    for i in range(3):
        if i % 2 == 0:
            v = v + v * 0.25
        else:
            v = v - Vec(np.cos(x), x) * 0.1
    return v.norm2()


def vec_items_loop(x):
    v = Vec(np.exp(x), x)
    t = 0.0
    for i in range(len(v)):
        t += v[i] * v[len(v) - 1 - i]
    return t


def vec_rmul_scalar_from_x(x):
    v = Vec(x, x[::-1])
    s = x[0] * x[1]
    w = v * s + v * s   # (s * v: NumPy's scalar reads a Vec, with __len__, as a sequence)
    return np.sum(w.a * w.b)


def vec_of_param(v, x):
    u = v * x + v
    return u @ u


def vec_early_return(x):
    v = Vec(x, np.tanh(x))
    if np.sum(x) > 0:
        return (v * 2.0) @ v
    w = v - v * 0.5
    return w @ w


def vec_list(x):
    vs = [Vec(x * k, x + k) for k in range(1, 4)]
    acc = vs[0]
    for v in vs[1:]:
        acc = acc + v * 0.5
    return acc @ acc


def vec_helper(a, b):
    return (a - b) @ (a + b)


def vec_through_helper(x):
    return vec_helper(Vec(x, x * x), Vec(np.sin(x), x))


def dual_forward_mode(x):
    d = Dual(x, np.ones_like(x))
    y = d * d + d * 3.0
    z = y * d
    return np.sum(z.v * z.d)


def dual_add_number(x):
    d = Dual(x[0], 1.0)
    e = d + 2.0
    f = e * e * x[1]
    return f.v + f.d


def poly_call(c):
    p = Poly(c)
    t = np.linspace(-1.0, 1.0, 5)
    return np.sum(p(t) ** 2)


def poly_ops(c):
    p = Poly(c) + Poly(c * c) * 0.5
    return np.sum(p(np.array([0.3, -0.7])))


def acc_iadd(x):
    a = Acc(x * 1.0)
    for k in range(3):
        a += np.sin(x) * k
    a *= x
    return np.sum(a.w)


def acc_iadd_second_name(x):
    a = Acc(x * 1.0)
    b = a
    a += x * x
    return np.sum(b.w * x)


def dual2_expression(x):
    d = Dual2(x, np.ones_like(x))
    y = 1.0 + d * 2.0 - 0.5
    z = (3.0 - y) * d / (d + 2.0)
    w = 2.0 * (z / 4.0) + x[0]
    return np.sum(w.v * w.d + w.v)


def dual2_in_loop(x):
    d = Dual2(x[0], 1.0)
    acc = d * 0.0
    for k in range(3):
        acc = acc + d * d / (k + 1.0) - k
    return acc.v * acc.d


def moments_in_loop(x):
    m = Moments(0.0 * x, 0.0 * x)
    for k in range(4):
        m += np.sin(x * (k + 1))
    m -= x
    mean = m.s / 4.0
    return np.sum(m.q / 4.0 - mean * mean)


def moments_read_inside(x):
    m = Moments(x * 1.0, x * x)
    t = 0.0
    for k in range(3):
        m += x * k
        t = t + np.sum(m.s * m.q)
    return t


def pooled_mixed(x):
    p = Pooled(x * 0.0, 0.0)
    for k in range(3):
        p += np.cos(x * k)
    p += Pooled(x * x, 2.0)
    p += 0.5
    return np.sum(p.mean() ** 2)


class Dotted:
    """`*` of two is a (nonlinear) number, of a number a scaled object: an operator whose
    derivative is not NumPy's."""

    def __init__(self, a):
        self.a = a

    def __add__(self, o):
        if isinstance(o, Dotted):
            return Dotted(self.a + o.a)
        return Dotted(self.a + o)

    def __radd__(self, o):
        return Dotted(self.a + o)

    def __mul__(self, o):
        if isinstance(o, Dotted):
            return np.sum(np.sin(self.a) * o.a)
        return Dotted(self.a * o)

    def __rmul__(self, s):
        return Dotted(s * self.a)


def make_dotted(x):
    return Dotted(x)


def dotted_from_a_factory(x):
    a = make_dotted(x)
    b = make_dotted(x * 2.0)
    return a * b


def dotted_item_replaced(x):
    c = [Dotted(x), Dotted(x * 2.0)]
    c[1] = Dotted(x * 3.0)
    return c[0] * c[1]


def dotted_items_updated(x):
    c = [Dotted(x), Dotted(x * 2.0)]
    c[0] = c[0] + c[1]
    return c[0] * c[1]


def dotted_popped(x):
    c = [Dotted(x), Dotted(x * 2.0)]
    d = c.pop(0)
    return d * c[0]


def vec_item_from_a_factory(x):
    v = make_vec(x)
    return v[0] + v[2] * x[1]


def dotted_negated_from_a_dict(x):
    d = {"p": make_dotted(x)}
    e = -d["p"]
    return e * Dotted(x)


# --- records / containers of records as wrt ------------------------------------------------
@dataclass
class Layer:
    w: np.ndarray
    b: np.ndarray

    def __call__(self, h):
        return np.tanh(self.w @ h + self.b)


class PlainLayer:
    def __init__(self, w, b):
        self.w = w
        self.b = b


class Pair(typing.NamedTuple):
    mu: np.ndarray
    s: float


def mlp_list(layers, x):
    h = x
    for layer in layers:
        h = layer(h)
    return np.sum(h ** 2)


def mlp_list_reversed_index(layers, x):
    h = x
    for i in range(len(layers) - 1, -1, -1):
        h = np.tanh(layers[i].w @ h + layers[i].b)
    return np.sum(h)


def records_dict(params, x):
    enc = params["enc"]
    dec = params["dec"]
    z = enc(x)
    return np.sum((dec(z) - x) ** 2)


def records_tuple_shared(layers, x):
    a, b = layers
    return np.sum(a(x) * b(x)) + np.sum(a.w * b.w)


def plain_records(layers, x):
    h = x
    for l in layers:
        h = np.sin(l.w @ h) + l.b
    return np.sum(h * h)


def record_list_same_twice(layers, x):
    h = layers[0](x)
    h = layers[0](h)
    return np.sum(h) + np.sum(layers[1].b ** 2)


def named_pair_list(ps, x):
    t = 0.0
    for p in ps:
        t = t + np.sum((x - p.mu) ** 2) * p.s
    return t


def record_dict_loop(params, x):
    t = 0.0
    for k in ["a", "b"]:
        t = t + np.sum(params[k].w * x) * np.sum(params[k].b)
    return t


def record_fields_aliased(layer, x):
    w = layer.w
    w2 = w * 2.0
    return np.sum(w2 @ x) + np.sum(layer.b * w[0])


# --- nonlocal ------------------------------------------------------------------------------
def nonlocal_total(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v * v

    for xi in x:
        add(xi)
    return total


def nonlocal_array_and_count(x):
    acc = np.zeros(3)
    n = 0

    def push(v):
        nonlocal acc, n
        acc = acc + v
        n += 1

    push(x)
    push(np.sin(x))
    push(x * x)
    return np.sum(acc) / n


def nonlocal_branch(x):
    best = x[0]

    def see(v):
        nonlocal best
        if v > best:
            best = v

    for v in x:
        see(v)
    return best * x[1]


def nonlocal_returning(x):
    state = 1.0

    def step(v):
        nonlocal state
        state = state * 0.5 + v
        return state * state

    out = 0.0
    for v in x:
        out = out + step(v)
    return out + state


def nonlocal_product(x):
    p = 1.0

    def mul(v):
        nonlocal p
        p *= v

    for v in x:
        mul(v)
    return p


def nonlocal_with_operator(x):
    v = Vec(x, x)

    def bump(s):
        nonlocal v
        v = v + v * s

    bump(0.5)
    bump(x[0])
    return v @ v


# --- recursion and variadics of nested defs ---------------------------------------------
def nested_recursion(x):
    def power(b, n):
        if n == 0:
            return 1.0
        return b * power(b, n - 1)

    return np.sum(power(x, 3)) + power(x[0], 2)


def nested_recursion_halving(x):
    def tree_sum(v):
        if v.shape[0] == 1:
            return v[0] * v[0]
        m = v.shape[0] // 2
        return tree_sum(v[:m]) + tree_sum(v[m:])

    return tree_sum(np.sin(x))


def nested_varargs(x):
    def total(*parts, scale=1.0):
        s = 0.0
        for p in parts:
            s = s + np.sum(p)
        return s * scale

    return total(x, x * x, np.sin(x), scale=x[0])


def nested_kwargs(x):
    def combine(a, **opts):
        return np.sum(a * opts["w"]) + opts["b"]

    return combine(x, w=np.cos(x), b=x[1] ** 2)


def nested_star_call(x):
    def f3(a, b, c):
        return a * b - c

    parts = [x[0], x[1], x[2]]
    return f3(*parts) * f3(*parts[::-1])


def nested_kwargs_forward(x):
    def inner(**kw):
        return kw["u"] * kw["v"]

    def outer(**kw):
        return inner(**kw) + kw["u"]

    return np.sum(outer(u=x, v=np.exp(x)))


# --- list edits ---------------------------------------------------------------------------
def pop_front_queue(x):
    q = [x[0], x[1], x[2]]
    t = 0.0
    while len(q) > 1:
        a = q.pop(0)
        b = q.pop(0)
        q.append(a * b + a)
        t = t + a
    return q[0] + t


def insert_then_pop(x):
    lst = [x * 1.0]
    lst.insert(0, np.sin(x))
    lst.insert(1, x * x)
    mid = lst.pop(1)
    return np.sum(lst[0] * mid) + np.sum(lst[-1])


def del_in_loop(x):
    lst = [x[i] * (i + 1) for i in range(4)]
    del lst[1]
    del lst[-1]
    t = 0.0
    for v in lst:
        t = t + v * v
    return t


def pop_records(layers, x):
    layers = list(layers)
    last = layers.pop()
    h = x
    for l in layers:
        h = l(h)
    return np.sum(last(h))


def pop_vecs(x):
    vs = [Vec(x, x), Vec(x * 2.0, np.sin(x))]
    v = vs.pop(0)
    vs.insert(0, v * 3.0)
    return vs[0] @ vs[1]


def pop_then_write(x):
    rows = [x * 1.0, x * 2.0, x * 3.0]
    r = rows.pop(1)
    r[0] = r[0] * 5.0
    return np.sum(r) + np.sum(rows[1])


def pop_default_end_in_while(x):
    stack = [x[0]]
    t = 0.0
    k = 0
    while stack:
        v = stack.pop()
        t = t + v
        if k < 3:
            stack.append(v * x[1])
            k += 1
    return t


# --- x.flat ------------------------------------------------------------------------------
def flat_reads(x):
    return x.flat[0] * x.flat[3] + x.flat[-1] ** 2


def flat_write_copy(x):
    y = x.copy()
    y.flat[1] = y.flat[0] * y.flat[2]
    y.flat[0] = 0.0
    return np.sum(y * y)


def flat_loop_made(x):
    out = np.zeros(6)
    for i in range(6):
        out.flat[i] = np.sin(x.flat[i]) * x.flat[(i + 1) % 6]
    return np.sum(out.reshape(2, 3) ** 2)


def flat_accumulate(x):
    y = x * 1.0
    for i in range(x.size):
        y.flat[i] += y.flat[i - 1]
    return np.sum(y ** 2)


def flat_transposed(x):
    t = x.T
    return t.flat[1] * t.flat[2] + np.sum(x)


# --- np.gradient with spacings ---------------------------------------------------------------
def gradient_2d_spacings(f):
    gx, gy = np.gradient(f, 0.5, 0.25)
    return np.sum(gx * gy) + np.sum(gx ** 2)


def gradient_coordinates(f, xs):
    g = np.gradient(f, xs)
    return np.sum(g ** 2)


def gradient_in_loop(f):
    t = 0.0
    u = f * 1.0
    for _ in range(2):
        u = u + 0.1 * np.gradient(u, 0.5, edge_order=2)
        t = t + np.sum(u * u)
    return t


def gradient_axis_list(f):
    gs = np.gradient(f, 0.2, 0.3, axis=[1, 0])
    return np.sum(gs[0] * f) + np.sum(np.abs(gs[1]) ** 1.5)


# --- derivatives called inside ---------------------------------------------------------------
def _inner(w, x):
    return np.sum(np.tanh(w * x) ** 2)


_inner_grad = srcdiff.grad(_inner)


def grad_inside_loop_vec(w):
    x = np.array([0.5, -1.0, 2.0])
    v = Vec(w, w * w)
    for _ in range(2):
        w = w - 0.1 * _inner_grad(w, x)
        v = v + Vec(w, w) * 0.5
    return v @ v


def grad_inside_nonlocal(w):
    x = np.array([0.5, -1.0, 2.0])
    total = 0.0

    def step():
        nonlocal w, total
        w = w - 0.2 * _inner_grad(w, x)
        total = total + _inner(w, x)

    step()
    step()
    return total


def grad_inside_list_pop(w):
    x = np.array([0.5, -1.0, 2.0])
    gs = [_inner_grad(w, x), _inner_grad(w * 2.0, x)]
    g = gs.pop(0)
    return np.sum(g * gs[0]) + np.sum(w * g)


def vag_inside(w):
    x = np.array([0.3, 0.2, -0.4])
    v, g = srcdiff.value_and_grad(_inner)(w, x)
    return v * np.sum(g ** 2)


# --- repeated items ------------------------------------------------------------------------
def repeated_scalars(x):
    a = x[0] * 1.0
    c = [a, a, x[1]]
    c[0] += x[2]
    return c[0] * c[1] + c[2]


def repeated_in_dict_number(x):
    s = x[0] * x[1]
    d = {"p": s, "q": s}
    d["p"] *= 3.0
    return d["p"] + d["q"] * x[2]


def repeated_appended_vec(x):
    v = Vec(x, x)
    c = [v, v]
    c[0] = c[0] * 2.0
    return c[0] @ c[1]



# --- batch 2: combinations ---------------------------------------------------------------
def make_vec(x):
    return Vec(x, np.cos(x))


def vec_scaled_in_while(x):
    v = Vec(x, x * 0.5)
    n = 0
    while n < 3:
        v = v * 0.9 + Vec(np.sin(x), x) * 0.1
        n += 1
    return v @ v


def vec_abs_branch_each(x):
    v = Vec(x, x * x)
    t = 0.0
    for i in range(len(v)):
        if v[i] > 0.1:
            t = t + v[i]
        else:
            t = t - v[i] * 2.0
    return t


def vec_param_list(vs, x):
    acc = vs[0] * 0.0
    for v in vs:
        acc = acc + v * x[0]
    return acc @ acc


def records_dict_items(params, x):
    t = 0.0
    for name, layer in params.items():
        t = t + np.sum(layer(x)) * (2.0 if name == "a" else 1.0)
    return t


def records_list_enumerate(layers, x):
    h = x
    out = 0.0
    for i, layer in enumerate(layers):
        h = layer(h)
        out = out + (i + 1) * np.sum(h ** 2)
    return out


def records_list_zip(layers, x):
    scales = [0.5, 2.0]
    t = 0.0
    for layer, s in zip(layers, scales):
        t = t + s * np.sum(layer.w * layer.w) + np.sum(layer.b * x[:2])
    return t


def records_list_early_return(layers, x):
    h = x
    for layer in layers:
        h = layer(h)
        if np.sum(h) > 10.0:
            return np.sum(h)
    return np.sum(h * h)


def record_param_copy_update(layer, x):
    w = layer.w.copy()
    w[0, 0] = w[0, 0] * 3.0
    w += 0.1
    return np.sum(w @ x) + np.sum(layer.w ** 2)


def record_helper_pass(layer, x):
    return _apply_twice(layer, x) + np.sum(layer.b)


def _apply_twice(layer, x):
    return np.sum(layer(layer(x)))


def plain_record_dict(params, x):
    h = np.tanh(params["l1"].w @ x + params["l1"].b)
    return np.sum(params["l2"].w @ h)


def named_pair_dict(ps, x):
    return np.sum(ps["p"].mu * x) * ps["q"].s + ps["q"].s ** 2


def nonlocal_list_append(x):
    hist = []
    s = 0.0

    def rec(v):
        nonlocal s
        s = s + v
        hist.append(s * s)

    for v in x:
        rec(v)
    return sum(hist) + s


def nonlocal_nested_twice(x):
    tot = 0.0

    def outer(v):
        def inner(w):
            nonlocal tot
            tot = tot + w * v

        inner(v)
        inner(v * 2.0)

    for v in x:
        outer(v)
    return tot


def nonlocal_loop_early_return(x):
    acc = 0.0

    def add(v):
        nonlocal acc
        acc = acc + np.exp(v)

    for v in x:
        add(v)
        if acc > 3.0:
            return acc * x[0]
    return acc


def nonlocal_array_slice_rebind(x):
    buf = np.zeros(4)

    def put(i, v):
        nonlocal buf
        buf = buf + np.eye(4)[i] * v

    for i in range(3):
        put(i, x[i] ** 2)
    return np.sum(buf * np.arange(4.0))


def recursion_with_accumulator(x):
    def walk(v, k, acc):
        if k == len(v):
            return acc
        return walk(v, k + 1, acc * 0.5 + v[k] ** 2)

    return walk(x, 0, 0.0)


def recursion_on_list(x):
    def total(items):
        if not items:
            return 0.0
        return items[0] * items[0] + total(items[1:])

    return total([x[0], x[1] * 2.0, np.sin(x[2])])


def recursion_mutual(x):
    def even(v, n):
        if n == 0:
            return v
        return odd(v * 1.5, n - 1)

    def odd(v, n):
        if n == 0:
            return v
        return even(np.sin(v), n - 1)

    return np.sum(even(x, 4))


def varargs_loop_nested(x):
    def mix(*vs):
        out = vs[0]
        for v in vs[1:]:
            out = out * v
        return out

    t = 0.0
    for k in range(2):
        t = t + np.sum(mix(x, x + k, np.cos(x)))
    return t


def kwargs_defaults_nested(x):
    def f(a, b=2.0, **kw):
        return a * b + kw.get("c", 0.0)

    return np.sum(f(x)) + np.sum(f(x, b=x)) + np.sum(f(x, c=x * x))


def pop_in_branch(x):
    lst = [x[0], x[1], x[2]]
    if x[0] > 0:
        v = lst.pop()
    else:
        v = lst.pop(0)
    return v * lst[0] + lst[-1]


def insert_computed_index(x):
    lst = [x[0], x[1]]
    for k in range(3):
        lst.insert(k % 2, x[2] * k)
    return sum(v * v for v in lst)


def del_slice(x):
    lst = [x[0], x[1], x[2], x[0] * x[1]]
    del lst[1:3]
    return lst[0] * lst[1]


def pop_list_of_arrays_param(lst, x):
    lst = list(lst)
    a = lst.pop(0)
    return np.sum(a * x) + np.sum(lst[0] ** 2)


def pop_then_append_loop(x):
    window = [x[0], x[1]]
    t = 0.0
    for v in x:
        window.pop(0)
        window.append(v)
        t = t + window[0] * window[1]
    return t


def flat_negative_write(x):
    y = np.zeros((2, 2))
    y.flat[-1] = x[0] * x[1]
    y.flat[0] = x[2]
    return np.sum(y @ y)


def flat_iadd_param_copy(m):
    y = m.copy()
    for i in range(y.size):
        y.flat[i] += np.sin(m.flat[i])
    return np.sum(y * m)


def flat_reshape_read(x):
    m = x.reshape(2, 2)
    return m.flat[1] * m.flat[2] - m.flat[3]


def flat_read_loop_sum(m):
    t = 0.0
    for i in range(m.size):
        t = t + m.flat[i] * i
    return t * t


def gradient_arrays_2d(f, xs):
    ys = np.array([0.0, 0.5, 1.5])
    gx, gy = np.gradient(f, xs, ys)
    return np.sum(gx ** 2) + np.sum(gx * gy)


def gradient_negative_axis(f):
    g = np.gradient(f, 0.5, axis=-1)
    return np.sum(g * g)


def gradient_edge2_coords(f, xs):
    g = np.gradient(f * f, xs, edge_order=2)
    return np.sum(np.sin(g))


def gradient_then_flat(f):
    g = np.gradient(f, 0.3)
    return g.flat[0] * g.flat[-1]


def hvp_inside(w):
    x = np.array([0.5, -1.0, 2.0])
    v = np.ones(3)
    h = srcdiff.hvp(_inner)(w, x, v)
    return np.sum(h * w)


def jvp_inside_loop(w):
    x = np.array([0.5, -1.0, 2.0])
    t = 0.0
    for k in range(2):
        val, tan = srcdiff.jvp(_inner)(w * (k + 1), x, np.ones(3))
        t = t + val * tan
    return t


def grad_inside_record(layer, x):
    g = srcdiff.grad(_layer_loss)(layer, x)
    return np.sum(g.w * layer.w) + np.sum(g.b)


def _layer_loss(layer, x):
    return np.sum(layer(x) ** 2)


def grad_inside_helper_arg(w):
    x = np.array([0.5, -1.0, 2.0])
    return _descend(srcdiff.grad(_inner), w, x)


def _descend(g, w, x):
    for _ in range(2):
        w = w - 0.1 * g(w, x)
    return np.sum(w ** 2)


def repeated_dict_array_plus(x):
    a = x * 1.0
    d = {"p": a, "q": a}
    d["p"] = d["p"] + x
    return np.sum(d["p"] * d["q"])


def repeated_list_times(x):
    c = [x[0] * 1.0] * 3
    c[1] += x[1]
    c[2] *= x[2]
    return c[0] + c[1] * c[2]


def repeated_list_numbers_loop(x):
    s = x[0] * x[1]
    c = [s, s, s]
    for i in range(3):
        c[i] += x[i] * i
    return c[0] * c[1] + c[2]



# --- batch 3: aliasing, in-place updates, sceptical corners ----------------------------------
def vec_fields_aliased_then_updated(x):
    a = x * 1.0
    v = Vec(a, a)
    u = v + v
    a[0] = 5.0 * x[1]
    return u @ v


def vec_field_array_inplace(x):
    v = Vec(x * 1.0, x * 2.0)
    w = v * 2.0
    v.a[1] = x[0] ** 2
    return w @ v


def vec_same_object_both_sides(x):
    v = Vec(np.sin(x), x)
    return (v - v * 0.5) @ (v + v)


def vec_param_aliased_fields(v):
    u = v * 3.0 - v
    return u @ v + np.sum(v.a * v.b)


def vec_sum_of_list(x):
    vs = [Vec(x, x * k) for k in range(3)]
    tot = Vec(x * 0.0, x * 0.0)
    for v in vs:
        tot = tot + v
    return tot @ tot


def record_wrt_field_reassigned(layer, x):
    layer2 = Layer(layer.w * 2.0, layer.b)
    return np.sum(layer2(x)) + np.sum(layer(x))


def record_list_param_item_read_twice(layers, x):
    a = layers[0]
    b = layers[0]
    return np.sum(a.w * b.w) + np.sum(a(x))


def record_list_loop_accumulate_fields(layers, x):
    W = np.zeros((3, 3))
    for l in layers:
        W = W + l.w
    return np.sum((W @ x) ** 2)


def record_in_tuple_param_with_number(pair, x):
    layer, scale = pair
    return scale * np.sum(layer(x) ** 2)


def nonlocal_twice_called_in_branch(x):
    s = 0.0

    def add(v):
        nonlocal s
        s = s + v

    for v in x:
        if v > 0:
            add(v * v)
        else:
            add(-v)
    return s * s


def nonlocal_array_inplace_outer(x):
    acc = np.zeros(3)

    def add(v):
        nonlocal acc
        acc = acc + v

    add(x)
    y = acc * 2.0
    add(np.sin(x))
    return np.sum(acc * y)


def nonlocal_counter_controls_loop(x):
    n = 0
    t = 0.0

    def tick(v):
        nonlocal n, t
        n += 1
        t = t + v * n

    while n < 4:
        tick(x[n % 3])
    return t


def recursion_early_out(x):
    def descend(v, k):
        if k == 0 or np.sum(v) > 5.0:
            return v
        return descend(v * 1.5 + 0.1, k - 1)

    return np.sum(descend(x, 5) ** 2)


def recursion_returns_pair(x):
    def both(v, k):
        if k == 0:
            return v, v * v
        a, b = both(v, k - 1)
        return a + b * 0.1, b * 0.5

    a, b = both(x, 3)
    return np.sum(a * b)


def varargs_forwarded(x):
    def inner(a, b, c=1.0):
        return a * b + c

    def outer(*args, **kw):
        return inner(*args, **kw)

    return np.sum(outer(x, x, c=x[0]))


def pop_keep_order(x):
    lst = [x[0], x[1], x[2]]
    a = lst.pop(1)
    lst.insert(1, a * 2.0)
    lst.insert(len(lst), a)
    t = 0.0
    for i, v in enumerate(lst):
        t = t + v * (i + 1)
    return t


def pop_while_nonempty_sum(x):
    lst = [x[i] ** 2 for i in range(3)]
    t = 0.0
    while lst:
        t = t * 0.5 + lst.pop()
    return t


def del_then_index(x):
    lst = [x * 1.0, x * 2.0, np.sin(x)]
    del lst[0]
    lst[0] = lst[0] * lst[1]
    return np.sum(lst[0])


def pop_aliased_array(x):
    a = x * 1.0
    lst = [a, a * 2.0]
    b = lst.pop(0)
    b[0] = 0.0
    return np.sum(a * x) + np.sum(b)


def flat_write_then_read_via_name(x):
    y = x.copy()
    z = y
    y.flat[0] = x.flat[1] * 2.0
    return np.sum(z * z)


def flat_in_nested_loops(m):
    out = np.zeros_like(m)
    k = 0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            out.flat[k] = m[i, j] * k
            k += 1
    return np.sum(out * m)


def flat_slice_read(x):
    m = x.copy()
    return np.sum(m.flat[1:4] ** 2)


def gradient_of_gradient(f):
    g = np.gradient(f, 0.5)
    h = np.gradient(g, 0.5)
    return np.sum(h * f)


def gradient_2d_one_axis_coords(f, ys):
    g = np.gradient(f, ys, axis=1)
    return np.sum(g ** 2)


def gradient_spacing_from_param(f, h):
    g = np.gradient(f, h[0])
    return np.sum(g * g)


def grad_inside_twice_nested(w):
    x = np.array([0.5, -1.0, 2.0])
    g1 = _inner_grad(w, x)
    g2 = _inner_grad(w - 0.1 * g1, x)
    return np.sum(g1 * g2)


def grad_inside_with_branch(w):
    x = np.array([0.5, -1.0, 2.0])
    if np.sum(w) > 0:
        g = _inner_grad(w, x)
    else:
        g = _inner_grad(-w, x)
    return np.sum(g * w)


def grad_inside_records_param(layer, x):
    g = srcdiff.grad(_inner)(layer.b, x)
    return np.sum(g * layer.b) + np.sum(layer.w)


def repeated_tuple_items(x):
    a = x * 2.0
    t = (a, a)
    return np.sum(t[0] * t[1])


def repeated_list_of_arrays_iadd(x):
    a = x * 1.0
    c = [a, x * 2.0, a]
    c[1] += c[0]
    return np.sum(c[1] * c[2])


def repeated_number_list_in_loop(x):
    c = [0.0] * 3
    for i in range(3):
        c[i] += x[i] * x[(i + 1) % 3]
    return c[0] * c[1] * c[2]


def mixed_everything(x):
    v = Vec(x, np.cos(x))
    lst = [v[0], v[1], v[2]]
    total = 0.0

    def add(t):
        nonlocal total
        total = total + t

    while lst:
        add(lst.pop(0) ** 2)
    m = np.outer(x, x)
    return total + m.flat[4] + np.sum(np.gradient(x * x, 0.5))


def mixed_records_flat(layer, x):
    h = layer(x)
    w = layer.w.copy()
    w.flat[0] = h[0]
    return np.sum(w @ h)



# --- batch 4: vector outputs, more operators, subclasses, generators -------------------------
class Money:
    def __init__(self, v):
        self.v = v

    def __add__(self, o):
        return Money(self.v + o.v)

    def __truediv__(self, o):
        return Money(self.v / o)

    def __rtruediv__(self, o):
        return Money(o / self.v)

    def __pow__(self, k):
        return Money(self.v ** k)

    def __neg__(self):
        return Money(-self.v)


class Euro(Money):
    def __add__(self, o):
        return Euro(self.v + o.v * 1.1)


def money_ops(x):
    m = Money(x + 2.0)
    n = (m ** 2 + -m) / 3.0
    k = 1.0 / n
    return np.sum(k.v)


def money_subclass_left(x):
    e = Euro(x)
    m = Money(x * x)
    return np.sum((e + m).v) + np.sum((m + e).v)


def money_vector_output(x):
    m = Money(x + 1.5)
    return (m ** 3 / 2.0).v


def vec_tuple_output(x):
    v = Vec(x, x * x) * 2.0
    return v.a, v.b


def nonlocal_vector_output(x):
    acc = np.zeros(3)

    def add(v):
        nonlocal acc
        acc = acc + v * v

    add(x)
    add(np.sin(x))
    return acc


def pop_vector_output(x):
    lst = [x * 1.0, np.exp(x), x * x]
    lst.pop(1)
    return lst[0] * lst[1]


def flat_vector_output(x):
    m = np.outer(x, x)
    m.flat[4] = x[0]
    return m.reshape(-1)


def gradient_vector_output(x):
    return np.gradient(x * x, 0.5)


def generator_with_nonlocal(x):
    total = 0.0

    def note(v):
        nonlocal total
        total = total + v

    for sq in (v * v for v in x):
        note(sq)
    return total


def closure_over_record(layer, x):
    def apply(h):
        return layer(h)

    return np.sum(apply(apply(x)))


def lambda_over_vec(x):
    v = Vec(x, x * 2.0)
    f = lambda s: v * s
    w = f(3.0)
    return w @ v


def recursion_over_vec(x):
    def shrink(v, k):
        if k == 0:
            return v
        return shrink(v * 0.5 + Vec(x, x), k - 1)

    r = shrink(Vec(x, np.sin(x)), 3)
    return r @ r


def kwargs_with_record(layer, x):
    def run(**kw):
        return np.sum(kw["l"](kw["h"]))

    return run(l=layer, h=x)


def list_comprehension_of_pops(x):
    lst = [x[0], x[1], x[2], x[0] + x[1]]
    got = [lst.pop() for _ in range(2)]
    return got[0] * got[1] + lst[0]


def insert_front_in_while(x):
    lst = []
    k = 0
    while k < 3:
        lst.insert(0, x[k] * (k + 1))
        k += 1
    return lst[0] * 3.0 + lst[2]


def flat_on_parameter_write(x):
    x.flat[0] = 1.0
    return np.sum(x * x)


def flat_mask_read(x):
    m = x * 1.0
    return np.sum(m.flat[np.array([True, False, True, False])])


def flat_int_array_write(x):
    m = np.zeros(4)
    m.flat[np.array([0, 2])] = x[:2] * 3.0
    return np.sum(m * np.arange(4.0)) + m.flat[2] * x[3]


def gradient_complex_spacing_loop(f):
    u = f.copy()
    for k in range(3):
        u = u - 0.05 * np.gradient(np.gradient(u, 0.5), 0.5)
    return np.sum(u ** 2)


def gradient_uneven_2d_edge2(f, xs):
    g0, g1 = np.gradient(f, xs, 0.5, edge_order=2)
    return np.sum(g0 * g1)


def repeated_dict_numbers_iadd_loop(x):
    s = x[0] * 1.0
    d = {"a": s, "b": s}
    for k in ("a", "b", "a"):
        d[k] += x[1]
    return d["a"] * d["b"]


def repeated_list_times_arrays(x):
    c = [x * 1.0] * 2
    c[0] = c[0] * 2.0
    return np.sum(c[0] * c[1])


def operator_in_generator_sum(x):
    vs = [Vec(x, x * k) for k in range(1, 3)]
    return sum(v @ v for v in vs)


def nonlocal_in_recursion(x):
    calls = 0.0

    def rec(v, k):
        nonlocal calls
        calls = calls + np.sum(v)
        if k == 0:
            return v
        return rec(v * 0.7, k - 1)

    r = rec(x, 3)
    return np.sum(r) * calls


def early_return_in_nested_loop_with_pop(x):
    lst = [x[0], x[1], x[2]]
    for i in range(3):
        v = lst.pop(0)
        for j in range(2):
            if v * (j + 1) > 1.5:
                return v * x[j]
        lst.append(v * 0.5)
    return lst[0]



# --- batch 5: what users write ------------------------------------------------------------
def sgd_on_record(layer, x, y):
    w, b = layer.w, layer.b
    for _ in range(2):
        r = w @ x + b - y
        w = w - 0.1 * np.outer(r, x)
        b = b - 0.1 * r
    return np.sum((w @ x + b - y) ** 2)


def ensemble_of_records(models, x):
    preds = [np.tanh(m.w @ x + m.b) for m in models]
    mean = sum(preds) / len(preds)
    return np.sum(mean ** 2) + sum(np.sum((p - mean) ** 2) for p in preds)


def residual_block(layers, x):
    h = x
    for layer in layers:
        h = h + layer(h)
    return np.sum(h ** 2)


def attention_records(p, x):
    q = p["q"].w @ x
    k = p["k"].w @ x
    a = np.exp(q * k) / np.sum(np.exp(q * k))
    return np.sum(a * x)


def running_stats_nonlocal(x):
    mean = 0.0
    m2 = 0.0
    n = 0

    def update(v):
        nonlocal mean, m2, n
        n += 1
        d = v - mean
        mean = mean + d / n
        m2 = m2 + d * (v - mean)

    for v in x:
        update(v)
    return m2 / (n - 1) + mean ** 2


def ode_with_nested_rhs(y0):
    k = 0.7

    def rhs(y):
        return np.array([y[1], -k * y[0] - 0.1 * y[1]])

    y = y0 * 1.0
    for _ in range(5):
        y = y + 0.1 * rhs(y + 0.05 * rhs(y))
    return np.sum(y ** 2)


def beam_search_pops(x):
    beams = [x[0], x[1], x[2]]
    best = 0.0
    for _ in range(2):
        beams.sort()
        top = beams.pop()
        best = best + top
        beams.append(top * 0.5)
    return best


def fifo_smoothing(x):
    buf = [x[0], x[0], x[0]]
    out = 0.0
    for v in x:
        buf.pop(0)
        buf.append(v)
        out = out + (buf[0] + buf[1] + buf[2]) / 3.0 * v
    return out


def image_flat_kernel(img):
    out = img * 0.0
    for k in range(img.size):
        out.flat[k] = img.flat[k] * img.flat[(k + 1) % img.size]
    return np.sum(out)


def heat_gradient_steps(u0):
    u = u0.copy()
    for _ in range(3):
        ux = np.gradient(u, 0.2)
        uxx = np.gradient(ux, 0.2)
        u = u + 0.001 * uxx
    return np.sum(u ** 2)


def surface_area_gradient(z):
    zx, zy = np.gradient(z, 0.5, 0.5)
    return np.sum(np.sqrt(1.0 + zx ** 2 + zy ** 2))


def meta_learning_step(w):
    x = np.array([0.5, -1.0, 2.0])
    fast = w.copy()
    for _ in range(2):
        fast = fast - 0.05 * _inner_grad(fast, x)
    return _inner(fast, x * 0.5) + 0.01 * np.sum(w ** 2)


def vec_physics(x):
    pos = Vec(x, x * 0.0)
    vel = Vec(np.cos(x), np.sin(x))
    for _ in range(3):
        pos = pos + vel * 0.1
        vel = vel - pos * 0.05
    return pos @ pos + vel @ vel


def dict_params_pop_item(params, x):
    p = dict(params)
    w = p.pop("w")
    return np.sum(w * x) + np.sum(p["b"] ** 2)


def params_list_insert(params, x):
    ps = list(params)
    ps.insert(1, x * 0.5)
    t = 0.0
    for i, p in enumerate(ps):
        t = t + np.sum(p * x) * (i + 1)
    return t


def nested_closure_counter_grad(x):
    def make_scaler(k):
        def scale(v):
            return v * k
        return scale

    s2 = make_scaler(2.0)
    s3 = make_scaler(x[0])
    return np.sum(s2(x) * s3(x))


def recursion_fib_like(x):
    def fib(a, b, n):
        if n == 0:
            return a
        return fib(b, a + b * 0.5, n - 1)

    return np.sum(fib(x, np.sin(x), 4))


def varargs_sum_sq(x):
    def sumsq(*vs):
        return sum(v * v for v in vs)

    return sumsq(x[0], x[1], x[2]) + np.sum(sumsq(x, x * 2.0))


def named_tuple_records_ops(ps, x):
    tot = 0.0
    for p in ps:
        tot = tot + p.s * np.sum(np.exp(-(x - p.mu) ** 2))
    return tot


def operators_and_numpy_mix(x):
    v = Vec(x, np.exp(-x))
    a = np.stack([v.a, v.b])
    w = Vec(a[0] * 2.0, a[1])
    return (v + w) @ (v - w) + np.sum(a ** 2)


def flat_of_outer_product(x):
    m = np.outer(x, np.sin(x))
    t = 0.0
    for k in range(0, m.size, 2):
        t = t + m.flat[k]
    return t * t


def gradient_of_param_times_flat(f):
    g = np.gradient(f, 0.1, edge_order=2)
    h = g * 1.0
    h.flat[0] = g.flat[1]
    return np.sum(h ** 2)


def repeated_records_in_list(layer, x):
    layers = [layer, layer]
    h = x
    for l in layers:
        h = l(h)
    return np.sum(h)


def value_and_grad_user_style(w):
    x = np.array([0.3, -0.2, 0.8])
    loss, g = srcdiff.value_and_grad(_inner)(w, x)
    w_new = w - 0.5 * g
    return loss + _inner(w_new, x)


rng = np.random.default_rng(22)
X3 = np.array([0.4, -0.7, 1.1])
X4 = np.array([0.3, -0.5, 0.9, 0.2])


def _layer(n, m, seed):
    r = np.random.default_rng(seed)
    return Layer(0.5 * r.normal(size=(n, m)), 0.1 * r.normal(size=n))


def _plain(n, m, seed):
    r = np.random.default_rng(seed)
    return PlainLayer(0.5 * r.normal(size=(n, m)), 0.1 * r.normal(size=n))


# (name, function, arguments, options for gradcheck.check)
CASES_1 = [
    ("vec_chain", vec_chain, (X3,), {}),
    ("vec_in_loop_branch", vec_in_loop_branch, (X3,), {}),
    ("vec_items_loop", vec_items_loop, (X3,), {}),
    ("vec_rmul_scalar_from_x", vec_rmul_scalar_from_x, (X3,), {}),
    ("vec_of_param", vec_of_param, (Vec(X3, X3[::-1] * 2.0), X3), {}),
    ("vec_of_param_wrt1", vec_of_param, (Vec(X3, X3[::-1] * 2.0), X3), {"wrt": 1}),
    ("vec_early_return_pos", vec_early_return, (X3,), {}),
    ("vec_early_return_neg", vec_early_return, (-X3 - 0.5,), {}),
    ("vec_list", vec_list, (X3,), {}),
    ("vec_through_helper", vec_through_helper, (X3,), {}),
    ("dual_forward_mode", dual_forward_mode, (X3,), {}),
    ("dual_add_number", dual_add_number, (X3,), {}),
    ("poly_call", poly_call, (X4,), {}),
    ("poly_ops", poly_ops, (X3,), {}),
    ("acc_iadd", acc_iadd, (X3,), {}),
    ("acc_iadd_second_name", acc_iadd_second_name, (X3,), {}),
    ("dual2_expression", dual2_expression, (X3,), {}),
    ("dual2_in_loop", dual2_in_loop, (X3,), {}),
    ("moments_in_loop", moments_in_loop, (X3,), {}),
    ("moments_read_inside", moments_read_inside, (X3,), {}),
    ("pooled_mixed", pooled_mixed, (X3,), {}),
    ("mlp_list", mlp_list, ([_layer(3, 3, 1), _layer(2, 3, 2)], X3), {}),
    ("mlp_list_x", mlp_list, ([_layer(3, 3, 1), _layer(2, 3, 2)], X3), {"wrt": 1}),
    ("mlp_list_reversed_index", mlp_list_reversed_index, ([_layer(3, 3, 3), _layer(3, 3, 4)], X3), {}),
    ("records_dict", records_dict, ({"enc": _layer(2, 3, 5), "dec": _layer(3, 2, 6)}, X3), {}),
    ("records_tuple_shared", records_tuple_shared, ((_layer(3, 3, 7), _layer(3, 3, 8)), X3), {}),
    ("plain_records", plain_records, ([_plain(3, 3, 9), _plain(3, 3, 10)], X3), {}),
    ("record_list_same_twice", record_list_same_twice, ([_layer(3, 3, 11), _layer(3, 3, 12)], X3), {}),
    ("named_pair_list", named_pair_list, ([Pair(X3 * 0.5, 0.7), Pair(X3 + 1.0, 1.3)], X3), {}),
    ("record_dict_loop", record_dict_loop, ({"a": _layer(3, 3, 13), "b": _layer(3, 3, 14)}, X3), {}),
    ("record_fields_aliased", record_fields_aliased, (_layer(3, 3, 15), X3), {}),
    ("nonlocal_total", nonlocal_total, (X3,), {}),
    ("nonlocal_array_and_count", nonlocal_array_and_count, (X3,), {}),
    ("nonlocal_branch", nonlocal_branch, (X3,), {}),
    ("nonlocal_returning", nonlocal_returning, (X3,), {}),
    ("nonlocal_product", nonlocal_product, (X3,), {}),
    ("nonlocal_with_operator", nonlocal_with_operator, (X3,), {}),
    ("nested_recursion", nested_recursion, (X3,), {}),
    ("nested_recursion_halving", nested_recursion_halving, (X4,), {}),
    ("nested_varargs", nested_varargs, (X3,), {}),
    ("nested_kwargs", nested_kwargs, (X3,), {}),
    ("nested_star_call", nested_star_call, (X3,), {}),
    ("nested_kwargs_forward", nested_kwargs_forward, (X3,), {}),
    ("pop_front_queue", pop_front_queue, (X3,), {}),
    ("insert_then_pop", insert_then_pop, (X3,), {}),
    ("del_in_loop", del_in_loop, (X4,), {}),
    ("pop_records", pop_records, ([_layer(3, 3, 16), _layer(3, 3, 17)], X3), {}),
    ("pop_records_x", pop_records, ([_layer(3, 3, 16), _layer(3, 3, 17)], X3), {"wrt": 1}),
    ("pop_vecs", pop_vecs, (X3,), {}),
    ("pop_then_write", pop_then_write, (X3,), {}),
    ("pop_default_end_in_while", pop_default_end_in_while, (X3,), {}),
    ("flat_reads", flat_reads, (rng.normal(size=(2, 3)),), {}),
    ("flat_write_copy", flat_write_copy, (rng.normal(size=(2, 3)),), {}),
    ("flat_loop_made", flat_loop_made, (rng.normal(size=(3, 2)),), {}),
    ("flat_accumulate", flat_accumulate, (rng.normal(size=(2, 2)),), {}),
    ("flat_transposed", flat_transposed, (rng.normal(size=(2, 3)),), {}),
    ("gradient_2d_spacings", gradient_2d_spacings, (rng.normal(size=(3, 4)),), {}),
    ("gradient_coordinates", gradient_coordinates, (rng.normal(size=5), np.array([0.0, 0.3, 0.7, 1.2, 2.0])), {}),
    ("gradient_coordinates_xs", gradient_coordinates, (rng.normal(size=5), np.array([0.0, 0.3, 0.7, 1.2, 2.0])), {"wrt": 1}),
    ("gradient_in_loop", gradient_in_loop, (rng.normal(size=5),), {}),
    ("gradient_axis_list", gradient_axis_list, (rng.normal(size=(3, 3)) + 3.0,), {}),
    ("grad_inside_loop_vec", grad_inside_loop_vec, (X3,), {}),
    ("grad_inside_nonlocal", grad_inside_nonlocal, (X3,), {}),
    ("grad_inside_list_pop", grad_inside_list_pop, (X3,), {}),
    ("vag_inside", vag_inside, (X3,), {}),
    ("repeated_scalars", repeated_scalars, (X3,), {}),
    ("repeated_in_dict_number", repeated_in_dict_number, (X3,), {}),
    ("repeated_appended_vec", repeated_appended_vec, (X3,), {}),
]
CASES_2 = [
    ("vec_scaled_in_while", vec_scaled_in_while, (X3,), {}),
    ("vec_abs_branch_each", vec_abs_branch_each, (X3,), {}),
    ("vec_param_list", vec_param_list, ([Vec(X3, X3 * 2.0), Vec(X3 + 1.0, X3 * X3)], X3), {}),
    ("vec_param_list_x", vec_param_list, ([Vec(X3, X3 * 2.0), Vec(X3 + 1.0, X3 * X3)], X3), {"wrt": 1}),
    ("records_dict_items", records_dict_items, ({"a": _layer(3, 3, 21), "b": _layer(3, 3, 22)}, X3), {}),
    ("records_list_enumerate", records_list_enumerate, ([_layer(3, 3, 23), _layer(3, 3, 24)], X3), {}),
    ("records_list_zip", records_list_zip, ([_layer(2, 3, 25), _layer(2, 3, 26)], X3), {}),
    ("records_list_early_return", records_list_early_return, ([_layer(3, 3, 27), _layer(3, 3, 28)], X3), {}),
    ("record_param_copy_update", record_param_copy_update, (_layer(3, 3, 29), X3), {}),
    ("record_helper_pass", record_helper_pass, (_layer(3, 3, 30), X3), {}),
    ("plain_record_dict", plain_record_dict, ({"l1": _plain(3, 3, 31), "l2": _plain(2, 3, 32)}, X3), {}),
    ("named_pair_dict", named_pair_dict, ({"p": Pair(X3, 0.5), "q": Pair(X3 * 2.0, 1.5)}, X3), {}),
    ("nonlocal_list_append", nonlocal_list_append, (X3,), {}),
    ("nonlocal_nested_twice", nonlocal_nested_twice, (X3,), {}),
    ("nonlocal_loop_early_return", nonlocal_loop_early_return, (X3,), {}),
    ("nonlocal_loop_early_return_big", nonlocal_loop_early_return, (X3 + 1.0,), {}),
    ("nonlocal_array_slice_rebind", nonlocal_array_slice_rebind, (X3,), {}),
    ("recursion_with_accumulator", recursion_with_accumulator, (X3,), {}),
    ("recursion_on_list", recursion_on_list, (X3,), {}),
    ("recursion_mutual", recursion_mutual, (X3,), {}),
    ("varargs_loop_nested", varargs_loop_nested, (X3,), {}),
    ("kwargs_defaults_nested", kwargs_defaults_nested, (X3,), {}),
    ("pop_in_branch", pop_in_branch, (X3,), {}),
    ("pop_in_branch_neg", pop_in_branch, (-X3,), {}),
    ("insert_computed_index", insert_computed_index, (X3,), {}),
    ("del_slice", del_slice, (X3,), {}),
    ("pop_list_of_arrays_param", pop_list_of_arrays_param, ([X3, X3 * 2.0], X3), {}),
    ("pop_then_append_loop", pop_then_append_loop, (X3,), {}),
    ("flat_negative_write", flat_negative_write, (X3,), {}),
    ("flat_iadd_param_copy", flat_iadd_param_copy, (rng.normal(size=(2, 3)),), {}),
    ("flat_reshape_read", flat_reshape_read, (X4,), {}),
    ("flat_read_loop_sum", flat_read_loop_sum, (rng.normal(size=(2, 2)),), {}),
    ("gradient_arrays_2d", gradient_arrays_2d, (rng.normal(size=(4, 3)), np.array([0.0, 0.2, 0.5, 1.0])), {}),
    ("gradient_arrays_2d_xs", gradient_arrays_2d, (rng.normal(size=(4, 3)), np.array([0.0, 0.2, 0.5, 1.0])), {"wrt": 1}),
    ("gradient_negative_axis", gradient_negative_axis, (rng.normal(size=(2, 4)),), {}),
    ("gradient_edge2_coords", gradient_edge2_coords, (rng.normal(size=4), np.array([0.0, 0.4, 0.5, 1.3])), {}),
    ("gradient_edge2_coords_xs", gradient_edge2_coords, (rng.normal(size=4), np.array([0.0, 0.4, 0.5, 1.3])), {"wrt": 1}),
    ("gradient_then_flat", gradient_then_flat, (rng.normal(size=5),), {}),
    ("hvp_inside", hvp_inside, (X3,), {}),
    ("jvp_inside_loop", jvp_inside_loop, (X3,), {}),
    ("grad_inside_record", grad_inside_record, (_layer(3, 3, 33), X3), {}),
    ("grad_inside_helper_arg", grad_inside_helper_arg, (X3,), {}),
    ("repeated_dict_array_plus", repeated_dict_array_plus, (X3,), {}),
    ("repeated_list_times", repeated_list_times, (X3,), {}),
    ("repeated_list_numbers_loop", repeated_list_numbers_loop, (X3,), {}),
]

CASES_3 = [
    ("vec_fields_aliased_then_updated", vec_fields_aliased_then_updated, (X3,), {}),
    ("vec_field_array_inplace", vec_field_array_inplace, (X3,), {}),
    ("vec_same_object_both_sides", vec_same_object_both_sides, (X3,), {}),
    ("vec_param_aliased_fields", vec_param_aliased_fields, (Vec(X3, X3),), {}),
    ("vec_param_distinct_fields", vec_param_aliased_fields, (Vec(X3, X3 * 2.0 + 0.1),), {}),
    ("vec_sum_of_list", vec_sum_of_list, (X3,), {}),
    ("record_wrt_field_reassigned", record_wrt_field_reassigned, (_layer(3, 3, 41), X3), {}),
    ("record_list_param_item_read_twice", record_list_param_item_read_twice, ([_layer(3, 3, 42)], X3), {}),
    ("record_list_loop_accumulate_fields", record_list_loop_accumulate_fields, ([_layer(3, 3, 43), _layer(3, 3, 44)], X3), {}),
    ("record_in_tuple_param_with_number", record_in_tuple_param_with_number, ((_layer(3, 3, 45), 0.7), X3), {}),
    ("record_in_tuple_param_with_number_x", record_in_tuple_param_with_number, ((_layer(3, 3, 45), 0.7), X3), {"wrt": 1}),
    ("nonlocal_twice_called_in_branch", nonlocal_twice_called_in_branch, (X3,), {}),
    ("nonlocal_array_inplace_outer", nonlocal_array_inplace_outer, (X3,), {}),
    ("nonlocal_counter_controls_loop", nonlocal_counter_controls_loop, (X3,), {}),
    ("recursion_early_out", recursion_early_out, (X3,), {}),
    ("recursion_early_out_big", recursion_early_out, (X3 + 2.0,), {}),
    ("recursion_returns_pair", recursion_returns_pair, (X3,), {}),
    ("varargs_forwarded", varargs_forwarded, (X3,), {}),
    ("pop_keep_order", pop_keep_order, (X3,), {}),
    ("pop_while_nonempty_sum", pop_while_nonempty_sum, (X3,), {}),
    ("del_then_index", del_then_index, (X3,), {}),
    ("pop_aliased_array", pop_aliased_array, (X3,), {}),
    ("flat_write_then_read_via_name", flat_write_then_read_via_name, (rng.normal(size=(2, 2)),), {}),
    ("flat_in_nested_loops", flat_in_nested_loops, (rng.normal(size=(2, 3)),), {}),
    ("flat_slice_read", flat_slice_read, (rng.normal(size=(2, 3)),), {}),
    ("gradient_of_gradient", gradient_of_gradient, (rng.normal(size=6),), {}),
    ("gradient_2d_one_axis_coords", gradient_2d_one_axis_coords, (rng.normal(size=(2, 4)), np.array([0.0, 0.1, 0.5, 0.6])), {}),
    ("gradient_2d_one_axis_coords_ys", gradient_2d_one_axis_coords, (rng.normal(size=(2, 4)), np.array([0.0, 0.1, 0.5, 0.6])), {"wrt": 1}),
    ("gradient_spacing_from_param", gradient_spacing_from_param, (rng.normal(size=5), np.array([0.3, 1.0])), {}),
    ("gradient_spacing_from_param_h", gradient_spacing_from_param, (rng.normal(size=5), np.array([0.3, 1.0])), {"wrt": 1}),
    ("grad_inside_twice_nested", grad_inside_twice_nested, (X3,), {}),
    ("grad_inside_with_branch", grad_inside_with_branch, (X3,), {}),
    ("grad_inside_with_branch_neg", grad_inside_with_branch, (-X3 - 0.5,), {}),
    ("grad_inside_records_param", grad_inside_records_param, (_layer(3, 3, 46), X3), {}),
    ("repeated_tuple_items", repeated_tuple_items, (X3,), {}),
    ("repeated_list_of_arrays_iadd", repeated_list_of_arrays_iadd, (X3,), {}),
    ("repeated_number_list_in_loop", repeated_number_list_in_loop, (X3,), {}),
    ("mixed_everything", mixed_everything, (X3,), {}),
    ("mixed_records_flat", mixed_records_flat, (_layer(3, 3, 47), X3), {}),
    ("mixed_records_flat_x", mixed_records_flat, (_layer(3, 3, 47), X3), {"wrt": 1}),
]

CASES_4 = [
    ("money_ops", money_ops, (X3,), {}),
    ("money_subclass_left", money_subclass_left, (X3,), {}),
    ("money_vector_output", money_vector_output, (X3,), {}),
    ("vec_tuple_output", vec_tuple_output, (X3,), {}),
    ("nonlocal_vector_output", nonlocal_vector_output, (X3,), {}),
    ("pop_vector_output", pop_vector_output, (X3,), {}),
    ("flat_vector_output", flat_vector_output, (X3,), {}),
    ("gradient_vector_output", gradient_vector_output, (X4,), {}),
    ("generator_with_nonlocal", generator_with_nonlocal, (X3,), {}),
    ("closure_over_record", closure_over_record, (_layer(3, 3, 51), X3), {}),
    ("closure_over_record_x", closure_over_record, (_layer(3, 3, 51), X3), {"wrt": 1}),
    ("lambda_over_vec", lambda_over_vec, (X3,), {}),
    ("recursion_over_vec", recursion_over_vec, (X3,), {}),
    ("kwargs_with_record", kwargs_with_record, (_layer(3, 3, 52), X3), {}),
    ("kwargs_with_record_x", kwargs_with_record, (_layer(3, 3, 52), X3), {"wrt": 1}),
    ("list_comprehension_of_pops", list_comprehension_of_pops, (X3,), {}),
    ("insert_front_in_while", insert_front_in_while, (X3,), {}),
    ("flat_on_parameter_write", flat_on_parameter_write, (rng.normal(size=(2, 2)),), {}),
    ("flat_mask_read", flat_mask_read, (rng.normal(size=(2, 2)),), {}),
    ("flat_int_array_write", flat_int_array_write, (X4,), {}),
    ("gradient_complex_spacing_loop", gradient_complex_spacing_loop, (rng.normal(size=6),), {}),
    ("gradient_uneven_2d_edge2", gradient_uneven_2d_edge2, (rng.normal(size=(4, 3)), np.array([0.0, 0.3, 0.4, 1.0])), {}),
    ("gradient_uneven_2d_edge2_xs", gradient_uneven_2d_edge2, (rng.normal(size=(4, 3)), np.array([0.0, 0.3, 0.4, 1.0])), {"wrt": 1}),
    ("repeated_dict_numbers_iadd_loop", repeated_dict_numbers_iadd_loop, (X3,), {}),
    ("repeated_list_times_arrays", repeated_list_times_arrays, (X3,), {}),
    ("operator_in_generator_sum", operator_in_generator_sum, (X3,), {}),
    ("nonlocal_in_recursion", nonlocal_in_recursion, (X3,), {}),
    ("early_return_in_nested_loop_with_pop", early_return_in_nested_loop_with_pop, (X3,), {}),
    ("early_return_in_nested_loop_with_pop_big", early_return_in_nested_loop_with_pop, (X3 + 1.0,), {}),
]

CASES_5 = [
    ("sgd_on_record", sgd_on_record, (_layer(2, 3, 61), X3, np.array([0.2, -0.1])), {}),
    ("sgd_on_record_x", sgd_on_record, (_layer(2, 3, 61), X3, np.array([0.2, -0.1])), {"wrt": 1}),
    ("ensemble_of_records", ensemble_of_records, ([_layer(2, 3, 62), _layer(2, 3, 63), _layer(2, 3, 64)], X3), {}),
    ("residual_block", residual_block, ([_layer(3, 3, 65), _layer(3, 3, 66)], X3), {}),
    ("attention_records", attention_records, ({"q": _layer(3, 3, 67), "k": _layer(3, 3, 68)}, X3), {}),
    ("running_stats_nonlocal", running_stats_nonlocal, (X4,), {}),
    ("ode_with_nested_rhs", ode_with_nested_rhs, (np.array([1.0, 0.3]),), {}),
    ("beam_search_pops", beam_search_pops, (X3,), {}),
    ("fifo_smoothing", fifo_smoothing, (X4,), {}),
    ("image_flat_kernel", image_flat_kernel, (rng.normal(size=(2, 3)),), {}),
    ("heat_gradient_steps", heat_gradient_steps, (rng.normal(size=6),), {}),
    ("surface_area_gradient", surface_area_gradient, (rng.normal(size=(3, 3)),), {}),
    ("meta_learning_step", meta_learning_step, (X3,), {}),
    ("vec_physics", vec_physics, (X3,), {}),
    ("dict_params_pop_item", dict_params_pop_item, ({"w": X3 * 1.0, "b": X3 * 2.0}, X3), {}),
    ("params_list_insert", params_list_insert, ([X3 * 1.0, X3 + 1.0], X3), {}),
    ("nested_closure_counter_grad", nested_closure_counter_grad, (X3,), {}),
    ("recursion_fib_like", recursion_fib_like, (X3,), {}),
    ("varargs_sum_sq", varargs_sum_sq, (X3,), {}),
    ("named_tuple_records_ops", named_tuple_records_ops, ([Pair(X3, 0.5), Pair(X3 * 0.3, 2.0)], X3), {}),
    ("named_tuple_records_ops_x", named_tuple_records_ops, ([Pair(X3, 0.5), Pair(X3 * 0.3, 2.0)], X3), {"wrt": 1}),
    ("operators_and_numpy_mix", operators_and_numpy_mix, (X3,), {}),
    ("flat_of_outer_product", flat_of_outer_product, (X3,), {}),
    ("gradient_of_param_times_flat", gradient_of_param_times_flat, (rng.normal(size=5),), {}),
    ("repeated_records_in_list", repeated_records_in_list, (_layer(3, 3, 69), X3), {}),
    ("value_and_grad_user_style", value_and_grad_user_style, (X3,), {}),
]

CASES = CASES_1 + CASES_2 + CASES_3 + CASES_4 + CASES_5

# Programs srcdiff refuses today, each at its line (false refusals: the derivative exists;
# the report of hunt 22 lists why): checked to stay located refusals, never wrong numbers.
REFUSED = {
    "acc_iadd_second_name",                    # __iadd__ writing the fields of an object
    #   another name holds too (b = a): refused at `a += ...`, naming `b = a` (a true one:
    #   b is a, so b.w reads the new field; srcdiff follows field writes of one name only)
    "vec_fields_aliased_then_updated",         # writing an array an object holds (a true one)
    "vec_field_array_inplace",                 # v.a[1] = ... (an object's array written
    #   in place: refused saying to bind the field anew, a = v.a.copy(); ...; v.a = a)
    "pop_aliased_array",                       # writing a popped item another name holds
    #   (a true one: b is a, read after; write into a itself, or copy b)
}

# Crashes the hunt found, fixed: forward over reverse of `lst.sort()` then `lst.pop()` in a
# loop (beam_search_pops) copied the tangent of a list popped from the tape before an append,
# parting it from the tangent of another name popped as the same list (IndexError: pop from
# empty list); forward_writes.realias keeps the copy theirs.
CRASHES = set()
