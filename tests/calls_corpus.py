"""The programs calling the user's own functions (helpers of this module and of
calls_helpers.py, recursion, closures, lambdas) that tests/test_calls.py differentiates and
tests/test_higher_order.py takes to second order."""
import numpy as np

from calls_helpers import affine


def square_sum(a):
    return np.sum(a * a)


def pair(a, b, scale=2.0):
    return np.sum(a * b) * scale, a * b


def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


def calls_module_function(x):
    return square_sum(x * 2.0) + square_sum(x)


def calls_imported_function(x, w):
    return np.sum(affine(x, w) * affine(w, x, b=-1.0))


def unpacks_tuple(x, w):
    s, p = pair(x, w)
    t, _ = pair(p, x, scale=0.5)
    return s + t


def literal_arguments(x):
    return np.sum(affine(x, 3.0, 1.0) * affine(2.0, x))


def recursion_with_branch(x):
    acc = 0.0
    for i in range(4):
        acc = acc + power(x, i)
    return np.sum(acc)


def nested_closure_in_loop(x, w):
    def layer(z, k=2.0):
        return np.sum(z * w) * k
    s = 0.0
    for i in range(3):
        s = s + layer(x * i) + layer(x, k=0.5)
    return s


def lambda_local(x):
    sq = lambda v: v * v  # noqa: E731
    return np.sum(sq(x) + sq(x * 2.0))


def keyword_only_call(x, w):
    return np.sum(affine(w=w, x=x))
