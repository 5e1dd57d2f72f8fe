"""Objects called as functions (a dataclass with __call__), shared by the tests of objects
called out of containers (tests/test_edited_lists.py, tests/test_entry_classes.py)."""
import dataclasses

import numpy as np


@dataclasses.dataclass
class Layer:
    w: np.ndarray
    b: np.ndarray

    def __call__(self, h):
        return np.tanh(self.w @ h + self.b)


@dataclasses.dataclass
class Scale:
    s: float

    def __call__(self, h):
        return self.s * np.sin(h)


def layer(seed):
    """A 3 x 3 Layer of random weights, the same for the same seed."""
    r = np.random.default_rng(seed)
    return Layer(0.5 * r.normal(size=(3, 3)), 0.1 * r.normal(size=3))
