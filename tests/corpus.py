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


# helpers calling each other (second order through the tape their forwards fill)
def _even(x, n):
    if n == 0:
        return x
    return _odd(x, n - 1)


def _odd(x, n):
    return _even(np.sin(x), n)


def mutual_recursion(x):
    return _even(x, 2)
