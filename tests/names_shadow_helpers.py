"""A module shadowing builtins that srcdiff's emitted code calls too (tests/test_names.py):
the user's code gets the user's function, srcdiff's code the builtin."""
import numpy as np


def len(v):                     # noqa: A001
    return 2


def reversed(v):                # noqa: A001
    return [1.0, 3.0]


def slice(a, b):                # noqa: A001
    return 0.5 * a + b


def uses_its_own_builtins(x):
    s = 0.0
    for v in x:                                  # srcdiff's loop: builtins len and range
        s = s + v * v
    w = x[1:] * slice(2.0, 1.0)                  # srcdiff's slice(1, None), the user's slice
    for c in reversed(x):                        # the user's reversed: [1.0, 3.0]
        s = s * c
    for i in range(3):                           # srcdiff's adjoint loop: builtins reversed
        s = s * np.sin(x[0]) + 1.0
    return s * len(x) + np.sum(w)
