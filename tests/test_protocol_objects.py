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


@pytest.mark.parametrize("name, method", [("converted", "__float__"),
                                          ("given_to_numpy", "__array__")])
def test_a_protocol_python_calls_itself_is_refused_located(m, name, method):
    with pytest.raises(srcdiff.UnsupportedCodeError,
                       match=rf"protocols.py:[0-9]+:[0-9]+: .*Python calls its {method}"):
        srcdiff.grad(getattr(m, name))(X.copy())


def test_a_loop_over_an_iter_of_a_display_of_fields_differentiates(m):
    # Seq.__iter__ returns iter([self.data[0], self.data[1]]): refused before, followed now
    # as the loop over that display (object_loops.py; an __iter__ of another form stays
    # refused: tests/test_object_loops.py)
    check(m.looped_over, X, order=2)


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


_ROUNDED = '''
import math

import numpy as np


class Rounded:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __round__(self, n=0):
        return self.x

    def __float__(self):
        return self.x + self.y ** 2

    def __abs__(self):
        return np.hypot(self.x, self.y)


def rounded(x):
    r = Rounded(x[0], x[1])
    return round(r) * x[1]


def math_of(x):
    r = Rounded(x[0], x[1])
    return math.sqrt(r) + x[2]


def ufunc_of(x):
    r = Rounded(x[0], x[1])
    return np.abs(r) * x[2]
'''


# hunt 30: round(r) of an object whose __round__ gives a field differentiated as round of a
# number (a derivative of 0: wrong), numpy.abs(r) crashed in the emitted code; math.sqrt(r)
# calls __float__ as float(r) does. Each is refused at its line now.
@pytest.mark.parametrize("name, says", [
    ("rounded", "Python calls its __round__"),
    ("math_of", "Python calls its __float__"),
    ("ufunc_of", "to np.abs\\(\\): NumPy calls the object's own methods"),
])
def test_an_object_given_to_round_math_or_a_ufunc_is_refused_located(tmp_path, name, says):
    _refused(tmp_path, "protocols_rounded", _ROUNDED, name, rf"[0-9]+:[0-9]+: .*{says}",
             (srcdiff.grad,))


def _refused(tmp_path, module_name, source, name, located, transforms):
    """`name` of the module `source` is refused by each transform, at `located` (a pattern
    after the file's name: its line, column and words)."""
    module = load(tmp_path, module_name, source)
    try:
        for transform in transforms:
            args = (np.array([0.6, -0.8, 1.3]),) * (1 if transform is srcdiff.grad else 2)
            with pytest.raises(srcdiff.SrcdiffError, match=rf"{module_name}.py:{located}"):
                transform(getattr(module, name))(*args)
    finally:
        del sys.modules[module_name]


_UNPACKED = '''
import numpy as np


class Indexed:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __getitem__(self, i):
        return (self.b, self.a)[i]


class Pair:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __iter__(self):
        return iter((self.b, self.a))

    def __len__(self):
        return 2

    def __getitem__(self, i):
        return (self.a, self.b)[i]


def unpacked_by_getitem(x):
    v = Indexed(x[0], x[1])
    a, b = v
    return a * 3.0 + b ** 2


def unpacked_in_a_loop(x):
    total = 0.0
    for a, b in [Pair(x[0], x[1]), Pair(x[2], x[0])]:
        total += a * b ** 2
    return total


def enumerated_made_in_the_call(x):
    total = 0.0
    for k, p in enumerate(Pair(x[0], x[1] * 2.0)):
        total += (k + 1.0) * p ** 2
    return total
'''


# hunt 30: `for a, b in [v, w]` of objects whose __iter__ orders their fields crashed in the
# emitted code (or read v[0], v[1] through another __getitem__: a wrong order), and so did
# enumerate(Pair(...)) / sum(Pair(...)) of an object made in the call (only names were
# looked at). Refused: at the line, or where it runs for the loop's items.
@pytest.mark.parametrize("name, says", [
    ("unpacked_by_getitem", "cannot unpack v, an object of your class Indexed: Python calls "
                            "its __getitem__"),
    ("unpacked_in_a_loop", "cannot unpack an object of your class Pair here: Python unpacks "
                           "what its __iter__ gives"),
    ("enumerated_made_in_the_call", "cannot pass to enumerate\\(\\) Pair\\(x\\[0\\], "
                                    "x\\[1\\] \\* 2.0\\), an object of your class Pair"),
])
def test_an_object_unpacked_or_iterated_unfollowed_is_refused_located(tmp_path, name, says):
    _refused(tmp_path, "protocols_unpacked", _UNPACKED, name, rf"[0-9]+(:[0-9]+)?: .*{says}",
             (srcdiff.grad, srcdiff.jvp))


_SEQUENCE = '''
import math
import statistics

import numpy as np


class Seq2:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __len__(self):
        return 2

    def __getitem__(self, i):
        if i == 0:
            return self.a
        if i == 1:
            return self.b * 2.0
        raise IndexError(i)

    def __iter__(self):
        return iter((self.b, self.a))


def numpy_sum(x):
    s = Seq2(x[0], x[1])
    return np.sum(s) * x[2]


def numpy_array(x):
    s = Seq2(x[0], x[1])
    return np.sum(np.array(s) ** 2)


def fsum(x):
    s = Seq2(x[0], x[1])
    return math.fsum(s) * x[2]


def mean(x):
    s = Seq2(x[0], x[1])
    return statistics.mean(s) * x[2]


def largest(x):
    s = Seq2(x[0], x[1])
    return max(s) * x[2]
'''


# hunt 30: an object of the user's class given to a function that loops over it or reads it
# as a sequence (NumPy's coercion by __len__ and __getitem__, math.fsum, statistics.mean,
# max of one argument) crashed in the emitted code (the object's gradient an array).
@pytest.mark.parametrize("name, method", [("numpy_sum", "__len__"), ("numpy_array", "__len__"),
                                          ("fsum", "__iter__"), ("mean", "__iter__"),
                                          ("largest", "__iter__")])
def test_an_object_given_to_a_function_reading_its_items_is_refused_located(tmp_path, name,
                                                                            method):
    _refused(tmp_path, "protocols_sequence", _SEQUENCE, name,
             rf"[0-9]+:[0-9]+: .*Python calls its {method}", (srcdiff.grad,))
