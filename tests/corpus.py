"""Programs several test files differentiate (one home for a shared corpus; a test file
imports it from here, never from another test file)."""
import numpy as np


def squares_in_a_loop(w, xs):
    h = xs[0] * 0.0
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] * w + h)
        loss = loss + np.sum(h * h)
    return loss
