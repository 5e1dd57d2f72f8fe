"""Functions another test module imports, to differentiate calls across modules."""
import numpy as np


def dense(params, x):
    return np.tanh(x @ params["w"] + params["b"])


def affine(x, w, b=0.5):
    return x * w + b
