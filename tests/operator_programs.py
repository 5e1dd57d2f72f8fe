"""The module of user classes with operators that tests/test_operator_methods.py and
tests/test_operator_lowering.py load (user_modules.load) and differentiate."""

SOURCE = '''
from dataclasses import dataclass

import numpy as np


@dataclass
class V:
    a: np.ndarray
    b: np.ndarray

    def __add__(self, o):
        return V(self.a + o.a, self.b + o.b)

    def __sub__(self, o):
        return V(self.a - o.a, self.b - o.b)

    def __mul__(self, s):
        return V(self.a * s, self.b * s)

    def __rmul__(self, s):
        return V(s * self.a, s * self.b)

    def __truediv__(self, s):
        return V(self.a / s, self.b / s)

    def __neg__(self):
        return V(-self.a, -self.b)

    def __pos__(self):
        return V(self.a, self.b)

    def __pow__(self, k):
        return V(self.a ** k, self.b ** k)

    def __matmul__(self, o):
        return np.sum(self.a * o.a) + np.sum(self.b * o.b)

    def __getitem__(self, i):
        return self.a[i] + self.b[i]

    def __len__(self):
        return len(self.a)


class P:
    def __init__(self, w):
        self.w = w

    def __add__(self, o):
        if not isinstance(o, P):
            return NotImplemented
        return P(self.w + o.w)

    def __radd__(self, o):
        return P(self.w + o)

    def __rsub__(self, o):
        return P(o - self.w)

    def __rtruediv__(self, o):
        return P(o / self.w)

    def __iadd__(self, o):
        return P(self.w * 1.0 + o.w)


class Q(P):
    def __radd__(self, o):
        return Q(self.w * 2.0 + o.w)


def add_mul(x):
    v = V(x, x * 2.0)
    u = v + v * 3.0
    return np.sum(u.a * u.b)


def items(x):
    v = V(x, np.sin(x))
    return v[0] + v[2]


def of_param(v):
    u = v + v * 3.0 - v / 2.0
    return np.sum(u.a * u.b)


def signs(x):
    v = V(x, np.cos(x))
    u = -v + (+v) ** 2
    return np.sum(u.a + u.b * x)


def matmul(x):
    v = V(x, x * x)
    return v @ (v * 2.0)


def reflected(x):
    v = V(x, np.exp(x))
    u = 2.0 * v
    s = float(np.sum(x))
    w = s * u
    return np.sum(w.a * w.b)


def declined(x):
    p = P(x)
    q = P(x * x)
    r = p + q
    t = 1.5 + p
    z = 2.0 - p
    k = 3.0 / q
    return np.sum(r.w * t.w + z.w * k.w)


def subclass_first(x):
    p = P(x)
    q = Q(x * x)
    r = p + q
    return np.sum(r.w * r.w)


def updated(x):
    p = P(x)
    p += P(np.sin(x))
    return np.sum(p.w ** 2)


def updated_by_add(x):
    v = V(x, x * 2.0)
    v += V(np.sin(x), x)
    return np.sum(v.a * v.b)


def counted(x):
    v = V(x, np.sin(x))
    t = 0.0
    for i in range(len(v)):
        t = t + v[i] * x[i]
    return t + v[len(v) - 1]


def sliced(x):
    v = V(x, x * 3.0)
    return np.sum(v[1:3] * x[0])


def passed_on(x):
    v = V(x, x * 2.0)
    return helper(v * 2.0, v + v)


def helper(p, q):
    return np.sum(p.a * q.b)


def numpy_scalar_left(x):
    v = V(x, x)
    w = np.sum(x) * v
    return np.sum(w.a)


def array_left(x):
    v = V(x, x)
    w = x * v
    return np.sum(w.a)


def floor_divided(x):
    v = V(x, x)
    w = v // 2.0
    return np.sum(w.a)


class M:
    def __init__(self, w):
        self.w = w

    def __iadd__(self, o):
        self.w = self.w + o.w
        return self

    def __add__(self, o):
        if not hasattr(o, "w"):
            return NotImplemented
        return M(self.w + o.w)


def mutated(x):
    m = M(x)
    m += M(x * x)
    return np.sum(m.w * x)


def mutated_shared(x):
    m = M(x)
    n = m   # n sees what m's __iadd__ writes
    m += M(x * x)
    return np.sum(n.w * x)


class R:
    def __init__(self, w):
        self.w = w

    def __iadd__(self, o):
        self.w = self.w + o
        return R(self.w * 2.0)   # writes self, then gives back another object


def updated_items(x):
    rs = [M(x), M(x * 2.0)]
    for r in rs:   # an item of a list: srcdiff does not tell its class here
        r += M(x)
    return np.sum(rs[0].w)


class Counter:
    """Only an in-place operator."""

    def __init__(self, w):
        self.w = w

    def __iadd__(self, o):
        self.w = self.w + o
        return self


def counted_items(x):
    cs = [Counter(x), Counter(x * 2.0)]
    for c in cs:
        c += x
    return np.sum(cs[0].w)


def mutated_then_new(x):
    r = R(x)
    r += x * x
    return np.sum(r.w)


def undecided(x):
    m = M(x)
    r = m + M(x * 2.0)
    return np.sum(r.w)


def make(x, flag):
    return V(x, x) if flag else V(x, 2 * x)


def unknown_class(x):
    v = make(x, True)
    u = v + v
    return np.sum(u.a * u.b)


def of_param_updated(v, x):
    v += V(x, x * x)
    v = v * 0.5
    return np.sum(v.a * v.b)


def in_a_loop(x):
    v = V(x, np.cos(x))
    w = V(x * x, x)
    for _ in range(3):
        v = v * 0.5 + w
    return np.sum(v.a * v.b)


def nested_class(x):
    class W:
        def __init__(self, a):
            self.a = a
    return np.sum(W(x).a)
'''
