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
