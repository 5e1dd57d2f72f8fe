"""A third module: helpers that calls_helpers.py imports, reading this module's globals."""
import numpy as np

SCALE = 3.0


def scaled_sin(x):
    return np.sin(x) * SCALE
