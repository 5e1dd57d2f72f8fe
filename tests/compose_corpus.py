"""Functions for tests/test_compose.py: loops, branches, helpers and a method call."""
import numpy as np

from calls_helpers import affine  # a helper from another module


def _bump(v):
    return v * np.tanh(v)


def loop(x):
    s = 0.0
    for k in range(3):
        s = s + np.sin(x * (k + 1)) / (k + 1)
    return np.sum(s * s)


def branch(x):
    if np.sum(x) > 0:
        y = np.tanh(x) * x
    else:
        y = np.exp(x)
    return np.sum(y * y)


def helpers(x):
    return np.sum(_bump(x) * np.cos(x)) + np.sum(affine(x, 2.0) ** 2)


class Spring:
    def __init__(self, k):
        self.k = k

    def energy(self, x):
        return 0.5 * np.sum(self.k * np.sin(x) ** 2)


def method(x, spring):
    return spring.energy(x) * np.sum(x)


def vector(x):
    return np.sin(x) * x[0] + np.cos(x[-1])
