"""srcdiff/returned_classes.py: the class a helper returns given its arguments' classes
(`euler(rhs, v, dt)` returning `v + rhs(v) * dt`, a loop rebinding v), and the class
`rhs(v)` gives where rhs is a function passed in; the derivatives of programs passing
objects through such helpers, checked against finite differences (issue #13), and the class
read checked where the code runs."""
import dataclasses

import numpy as np
import pytest

from gradcheck import check, refusal
from srcdiff.returned_classes import returned_class

X = np.array([0.3, 0.7, 1.1])


@dataclasses.dataclass
class Vec:
    p: np.ndarray
    q: float

    def __add__(self, o):
        return Vec(self.p + o.p, self.q + o.q)

    def __mul__(self, c):
        return Vec(self.p * c, self.q * c)


def vec_rhs(v):
    return Vec(np.sin(v.p) * v.q, 0.1 * np.sum(v.p))


def euler(rhs, v, dt, n=2):
    for _ in range(n):
        v = v + rhs(v) * dt
    return v


def euler_direct(v, dt, n=2):
    for _ in range(n):
        v = v + vec_rhs(v) * dt
    return v


def euler_once(rhs, v, dt):
    return v + rhs(v) * dt


def stepped(v, dt):
    w = v
    for _ in range(2):
        w = w + vec_rhs(v) * dt
    return w


def passed_on(v, dt):
    return euler_direct(v, dt, 1)


def integrated(x, s):
    v = Vec(x * 1.0, s)
    v = euler(vec_rhs, v, 0.1)
    return np.sum(v.p) * v.q


def integrated_direct(x, s):
    v = Vec(x * 1.0, s)
    v = euler_direct(v, 0.1)
    return np.sum(v.p) * v.q


def integrated_once(x, s):
    v = Vec(x * 1.0, s)
    w = euler_once(vec_rhs, v, 0.1)
    return np.sum(w.p) * w.q


def integrated_stepped(x, s):
    v = Vec(x * 1.0, s)
    w = stepped(v, 0.1)
    return np.sum(w.p) * w.q


def integrated_passed_on(x, s):
    v = Vec(x * 1.0, s)
    v = passed_on(v, 0.2)
    return np.sum(v.p ** 2) + v.q


def test_the_class_a_helper_returns_given_its_arguments():
    assert returned_class(euler, {"v": Vec}) is Vec
    assert returned_class(euler_direct, {"v": Vec}) is Vec
    assert returned_class(stepped, {"v": Vec}) is Vec
    assert returned_class(passed_on, {"v": Vec}) is Vec
    assert returned_class(euler, {}) is None   # v's class not told: nothing is read


@pytest.mark.parametrize("f", [integrated, integrated_direct, integrated_once,
                               integrated_stepped, integrated_passed_on])
def test_objects_through_helpers_differentiate(f):
    check(f, X, 0.5, wrt=0, order=1)
    check(f, X, 0.5, wrt=1, order=1)


def test_second_order_through_a_function_passed_in():
    check(integrated, X, 0.5, wrt=0, order=2)


class Other:
    def __init__(self, p):
        self.p = p

    def __radd__(self, o):
        return Other(o.p * self.p)

    def total(self):
        return np.sum(self.p ** 2)


@dataclasses.dataclass
class Picky:
    p: np.ndarray

    def __add__(self, o):
        if isinstance(o, Other):
            return NotImplemented
        return Picky(self.p + o.p)

    def total(self):
        return np.sum(self.p)


def combined(v, o):
    return v + o


def through_a_declining_operator(x):
    w = combined(Picky(x * 1.0), Other(x))
    return w.total()


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_the_class_read_is_checked_where_the_code_runs(mode):
    # Picky.__add__ declines an Other, so Python calls Other.__radd__: what the helper
    # returns is an Other, not the Picky read from Picky.__add__'s other returns
    assert returned_class(combined, {"v": Picky, "o": Other}) is Picky
    err = refusal(through_a_declining_operator, (X,), mode)
    assert "Other" in str(err)
