"""srcdiff/protocol_objects.py: an object of the user's class used through a protocol Python
calls itself (__getitem__, __iter__, __float__, __array__) is refused, located, naming the
class and the method; the emitted code crashed on each (a memoryview multiplied, an index
out of bounds, an attribute missing). Methods called by name still differentiate."""
import importlib.util
import sys

import numpy as np
import pytest

import srcdiff
from gradcheck import check

_SOURCE = '''
import numpy as np


class Seq:
    def __init__(self, data):
        self.data = data

    def __getitem__(self, i):
        return self.data[i] * 2.0

    def __iter__(self):
        return iter([self.data[0], self.data[1]])

    def at(self, i):
        return self.data[i] * 2.0


class Num:
    def __init__(self, v):
        self.v = v

    def __float__(self):
        return float(np.sum(self.v))

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.v * 3.0)

    def scaled(self, c):
        return self.v * c


def subscripted(x):
    s = Seq(x * 2.0)
    return s[1] * x[0]


def looped_over(x):
    s = Seq(x * 2.0)
    t = 0.0
    for e in s:
        t = t + e * x[2]
    return t


def converted(x):
    n = Num(x * 1.0)
    return float(n) * x[0]


def given_to_numpy(x):
    n = Num(x * 1.0)
    return np.sum(np.sin(n))


def by_name(x):
    n = Num(x * 1.0)
    return np.sum(n.scaled(2.0) * x)
'''


@pytest.fixture(scope="module")
def m(tmp_path_factory):
    path = tmp_path_factory.mktemp("protocols") / "protocols.py"
    path.write_text(_SOURCE)
    spec = importlib.util.spec_from_file_location("protocols", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["protocols"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["protocols"]


X = np.array([0.3, -0.5, 0.8, 0.1])


@pytest.mark.parametrize("name, method", [("subscripted", "__getitem__"),
                                          ("looped_over", "__iter__"),
                                          ("converted", "__float__"),
                                          ("given_to_numpy", "__array__")])
def test_a_protocol_python_calls_itself_is_refused_located(m, name, method):
    with pytest.raises(srcdiff.UnsupportedCodeError,
                       match=rf"protocols.py:[0-9]+:[0-9]+: .*Python calls its {method}"):
        srcdiff.grad(getattr(m, name))(X.copy())


def test_the_method_called_by_name_differentiates(m):
    check(m.by_name, X, order=2)
