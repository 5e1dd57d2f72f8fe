"""srcdiff/named_attributes.py: getattr and setattr of a name known where the code is
compiled (a string written in the call, a loop over a named tuple's `_fields` or over a
display of strings) read as the attribute itself. Each program is checked against central
differences (gradcheck.check: both modes, second order); a name computed otherwise, and
getattr's default, stay refused at the call, located."""
import collections
import typing
from dataclasses import dataclass

import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.3, -1.2, 0.7, 2.0])
Pair = collections.namedtuple("Pair", "a b")


class Layer(typing.NamedTuple):
    w: np.ndarray
    b: float


@dataclass
class Cell:
    u: np.ndarray
    v: np.ndarray


class Record:
    def __init__(self, a, b):
        self.a = a
        self.b = b


def fields_of_a_local_named_tuple(x):
    p = Pair(x * 2.0, x ** 2)
    s = 0.0
    for n in p._fields:
        s = s + np.sum(getattr(p, n))
    return s + np.sum(getattr(p, "a") * x)


def fields_of_a_class(layer, x):
    s = 0.0
    for name in Layer._fields:
        s = s + np.sum(getattr(layer, name) * x)
    return s


def fields_of_a_parameter(layer, x):
    s = 0.0
    for name in layer._fields:
        s = s + np.sum(getattr(layer, name) ** 2 * x)
    return s


def setattr_of_a_record(x):
    r = Record(x, x * 2.0)
    setattr(r, "a", r.a * 3.0)
    return np.sum(r.a * r.b) + np.sum(getattr(r, "b"))


def names_in_a_display(x):
    c = Cell(x, x * 2.0)
    for k in ("u", "v"):
        setattr(c, k, getattr(c, k) * 3.0 + np.sin(x))
    return np.sum(c.u * c.v)


def an_arrays_attribute(x):
    m = x.reshape(2, 2)
    return np.sum(getattr(m, "T") @ x[:2])


@pytest.mark.parametrize("f", [fields_of_a_local_named_tuple, setattr_of_a_record,
                               names_in_a_display, an_arrays_attribute])
def test_known_names_differentiate(f):
    check(f, X)


@pytest.mark.parametrize("f", [fields_of_a_class, fields_of_a_parameter])
def test_a_named_tuples_fields_differentiate(f):
    check(f, Layer(X * 1.5, 0.5), X, wrt=(0, 1))


def test_names_computed_otherwise_and_defaults_stay_refused():
    def with_default(x):
        p = Pair(x, x)
        return np.sum(getattr(p, "c", x))

    def computed(x):
        p = Pair(x, x * 2.0)
        name = "a" if x[0] > 0 else "b"
        return np.sum(getattr(p, name))

    def breaks(x):
        p = Pair(x, x * 2.0)
        s = 0.0
        for n in p._fields:
            s = s + np.sum(getattr(p, n))
            if s > 100.0:
                break
        return s
    for f in (with_default, computed, breaks):
        with pytest.raises(srcdiff.SrcdiffError, match="getattr") as info:
            srcdiff.grad(f)(X)
        assert info.value.filename == __file__


def test_a_local_getattr_is_left_alone():
    def shadowed(x):
        getattr = lambda obj, name: obj * 2.0   # noqa: E731 (the user's own getattr)
        return np.sum(getattr(x, "real"))
    check(shadowed, X)
