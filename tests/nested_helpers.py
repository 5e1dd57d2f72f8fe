"""Helpers with nested defs and lambdas that read this module's globals (under names the
caller's module does not have), for tests/test_nested_defs.py: differentiated through a
call from another module, the nested def must read them here."""
import numpy as onp

SCALE = 1.5


def with_nested_def(x):
    def total(values):
        s = 0.0
        for u in values:
            s = s + onp.sin(u) * SCALE
        return s
    a = total([1.0, 2.0])
    return onp.sum(x * x * x) * a


def with_lambda(x):
    bump = lambda t: onp.cos(t) * SCALE   # noqa: E731
    return onp.sum(bump(x) * x) + bump(0.5)


def made_with_cell(k):
    """A helper whose nested def reads a closure cell of its own (`k`)."""
    def helper(x):
        def weight(u):
            return onp.tanh(u) * k
        return onp.sum(x * x) * weight(0.3)
    return helper
