"""Module-level code the families of user code (tests/fuzzing/families.py) call, as users
write it: a class of layers held in lists (called, with methods whose results the caller
sometimes drops), a dataclass record with methods, a dataclass with operators (Pair), generator functions, helpers writing
into an item of the array they are given (or filling an output array and returning
None), a `*args` helper writing into its first argument, and optimiser steps writing into
a dict of parameters. It goes into a program after IDIOM_HELPERS (which it builds on:
`dataclasses` is imported there). None of it branches on data: the probe (which records
how close a comparison comes to a tie) does not see module-level code."""

USER_HELPERS = '''


class Dense:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def __call__(self, t):
        return np.tanh(self.w * t + self.b)

    def forward(self, t):
        return self.act(self.w * t) + self.b

    def act(self, t):
        return np.sin(t)

    def energy(self):
        return np.sum(self.w * self.w) * 0.5 + self.b * self.b


@dataclasses.dataclass
class Record:
    w: np.ndarray
    b: float

    def apply(self, t):
        return np.tanh(t * self.w) + self.b

    def energy(self):
        return np.sum(np.sin(self.w)) * self.b


@dataclasses.dataclass
class Pair:
    u: np.ndarray
    w: np.ndarray

    def __add__(self, o):
        if not isinstance(o, Pair):
            return NotImplemented
        return Pair(self.u + o.u, self.w + o.w)

    def __radd__(self, c):
        return Pair(self.u + c, self.w + c)

    def __sub__(self, o):
        return Pair(self.u - o.u, self.w - o.w)

    def __mul__(self, c):
        return Pair(self.u * c, self.w * c)

    __rmul__ = __mul__

    def __truediv__(self, c):
        return Pair(self.u / c, self.w / c)

    def __neg__(self):
        return Pair(-self.u, -self.w)

    def __matmul__(self, o):
        return np.sum(self.u * o.w)

    def __getitem__(self, i):
        return self.u[i] * self.w[i]

    def __len__(self):
        return len(self.u)


def helper_of_pair(p, q):
    return p.u * q.w + p[0]


def pairs_of(v):
    for i in range(len(v) - 1):
        yield v[i], v[i + 1]


def rows_scaled(M, c):
    for row in M:
        yield row * c


def running_sum(v):
    total = 0.0
    for e in v:
        total = total + e
        yield total


def set_first(t, c):
    t[0] = c
    return t


def bump(t):
    t[1] += np.sin(t[0])
    return t * 2.0


def fill(out, v):
    out[:] = np.tanh(v)


def scale_rows(M, c):
    for i in range(M.shape[0]):
        M[i] = M[i] * c
    return M


def put_all(out, *vals):
    for k, v in enumerate(vals):
        out[k] = v


def sgd(p, g, lr=0.1):
    p["w"] = p["w"] - lr * g
    p["b"] = p["b"] * 0.9


def sgd_inplace(p, g):
    p["w"] -= 0.1 * g
'''
