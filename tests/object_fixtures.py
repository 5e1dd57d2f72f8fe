"""Classes and arrays shared by tests/test_objects.py, tests/test_records.py and
tests/test_field_writes.py: a plain record class with a method (Layer), one with a docstring
and a non-array field (Scaled), a dataclass (Params), a dataclass with a method (Cell), and
the seeded arrays they are built from (W, B, XS). A refusal located inside one of these
classes' methods names this file, not the test file that uses them."""
import dataclasses

import numpy as np

RNG = np.random.default_rng(11)
W = 0.5 * RNG.standard_normal((3, 3))
B = 0.1 * RNG.standard_normal(3)
XS = RNG.standard_normal((2, 3))


class Layer:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def forward(self, x):
        return np.tanh(x @ self.w + self.b)


class Scaled:
    """A record class with a docstring and a non-array field."""

    def __init__(self, w, name):
        self.w = w
        self.name = name

    def forward(self, x):
        return x * self.w


@dataclasses.dataclass
class Params:
    w: np.ndarray
    b: np.ndarray


@dataclasses.dataclass
class Cell:
    """A dataclass whose fields the differentiated code writes (tests/test_field_writes.py)."""
    w: np.ndarray
    b: float

    def energy(self):
        return np.sum(np.sin(self.w)) * self.b


# -- a layer list in the style of autograd's examples/convnet.py (tests/test_objects.py) --
class Slices:
    """Where each named weight sits in a parameter vector."""

    def __init__(self):
        self.spans = {}
        self.n = 0

    def add(self, name, shape):
        start = self.n
        self.n += int(np.prod(shape))
        self.spans[name] = (slice(start, self.n), shape)

    def get(self, vect, name):
        span, shape = self.spans[name]
        return np.reshape(vect[span], shape)


class AffineSpec:
    def __init__(self, size):
        self.size = size

    def build(self, n_in):
        self.slices = Slices()
        self.slices.add("w", (n_in, self.size))
        self.slices.add("b", (self.size,))
        return self.slices.n, self.size

    def forward_pass(self, inputs, params):
        w = self.slices.get(params, "w")
        b = self.slices.get(params, "b")
        return self.nonlinearity(np.dot(inputs, w) + b)

    def nonlinearity(self, z):
        return z


class TanhSpec(AffineSpec):
    def nonlinearity(self, z):
        return np.tanh(z)


class ScaleSpec:
    def __init__(self, c):
        self.c = c

    def build(self, n_in):
        return 0, n_in

    def forward_pass(self, inputs, params):
        return inputs * self.c


def make_net(n_in, specs):
    """(number of weights, predictions): the weights of each spec in one vector."""
    slices = Slices()
    size = n_in
    for spec in specs:
        n, size = spec.build(size)
        slices.add(spec, (n,))

    def predictions(w_vect, inputs):
        cur = inputs
        for spec in specs:
            cur = spec.forward_pass(cur, slices.get(w_vect, spec))
        return cur
    return slices.n, predictions
