"""Functions another test module imports, to differentiate calls across modules."""
import numpy as np

import calls_helpers_more as third
from calls_helpers_more import scaled_sin


def dense(params, x):
    return np.tanh(x @ params["w"] + params["b"])


def affine(x, w, b=0.5):
    return x * w + b


# read by the helpers below from this module's globals (not the caller's)
DATA = np.array([1.0, 2.0, -0.5])
OFFSET = 0.25


def weighted(x):
    return np.sum(x * x * DATA) + OFFSET


def uses_third_module(x):
    """A helper of a helper from a third module, reached by name and through the module."""
    return np.sum(scaled_sin(x) * DATA) + np.sum(third.scaled_sin(x * x))
