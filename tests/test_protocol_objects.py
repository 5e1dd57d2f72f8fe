"""srcdiff/protocol_objects.py: an object of the user's class used through a protocol Python
calls itself (__iter__, __float__, __array__, __setitem__) is refused, located, naming the
class and the method; the emitted code crashed on each (a memoryview multiplied, an index
out of bounds, an attribute missing). Methods called by name still differentiate, and so
does an item read through __getitem__ (operator_methods.py)."""
import sys

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from user_modules import load

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
    module = load(tmp_path_factory.mktemp("protocols"), "protocols", _SOURCE)
    yield module
    del sys.modules["protocols"]


X = np.array([0.3, -0.5, 0.8, 0.1])


@pytest.mark.parametrize("name, method", [("looped_over", "__iter__"),
                                          ("converted", "__float__"),
                                          ("given_to_numpy", "__array__")])
def test_a_protocol_python_calls_itself_is_refused_located(m, name, method):
    with pytest.raises(srcdiff.UnsupportedCodeError,
                       match=rf"protocols.py:[0-9]+:[0-9]+: .*Python calls its {method}"):
        srcdiff.grad(getattr(m, name))(X.copy())


def test_the_method_called_by_name_differentiates(m):
    check(m.by_name, X, order=2)


def test_an_item_of_an_object_with_getitem_differentiates_as_its_method(m):
    # s[1] is s.__getitem__(1), followed as a method called by name (operator_methods.py)
    check(m.subscripted, X, order=2)


def test_an_item_written_into_an_object_with_setitem_is_refused_located(tmp_path):
    text = ("import numpy as np\n\n\nclass Buf:\n    def __init__(self, n):\n"
            "        self.data = np.zeros(n)\n\n    def __setitem__(self, i, v):\n"
            "        self.data[i] = v\n\n\ndef f(x):\n    b = Buf(3)\n    b[0] = x[0] * 2.0\n"
            "    return np.sum(b.data * x)\n")
    module = load(tmp_path, "protocols_setitem", text)
    try:
        with pytest.raises(srcdiff.UnsupportedCodeError,
                           match=r"protocols_setitem.py:14:[0-9]+: srcdiff cannot write into b, "
                                 r"an object of your class Buf: Python calls its __setitem__"):
            srcdiff.grad(module.f)(X.copy())
    finally:
        del sys.modules["protocols_setitem"]
