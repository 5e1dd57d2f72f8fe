"""srcdiff/aliasing.py: a write refused (or checked in the run) wherever alias_flow names a
later reader of the written array, even where the statement that made the alias names some
other holder (a method of an object handing back the array a field holds)."""
import sys

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from user_modules import load

_SOURCE = '''
import numpy as np


class Layer:
    def __init__(self, w):
        self.w = w

    def grab(self):
        return self.w

    def copied(self):
        return self.w.copy()

    def forward(self, v):
        return np.tanh(self.w * v)


def field_of(layer):
    return layer.w


def method_result_written_read_through_y(x):
    y = x * 1.0
    layer = Layer(y)
    g = layer.grab()
    g[1] = 5.0 * x[2]
    t = y
    return np.sum(t * np.arange(1.0, 5.0)) + np.sum(y * x)


def helper_result_written_read_through_y(x):
    y = x * 1.0
    layer = Layer(y)
    g = field_of(layer)
    g[2] = g[2] * x[0]
    return np.sum(y * x)
'''


@pytest.fixture(scope="module")
def m(tmp_path_factory):
    module = load(tmp_path_factory.mktemp("readers"), "readers", _SOURCE)
    yield module
    del sys.modules["readers"]


X = np.array([0.3, -0.5, 0.8, 0.1])


@pytest.mark.parametrize("name", ["method_result_written_read_through_y",
                                  "helper_result_written_read_through_y"])
def test_a_field_s_array_handed_back_then_written_is_refused(m, name):
    """`g = layer.grab(); g[1] = c` writes the array layer.w (and y) hold; a later read of y
    or of the layer sees it. The gradient was silently wrong (1.0 where it is 0, the write
    missed); now refused in the run, located at the write."""
    with pytest.raises(srcdiff.SrcdiffError, match=r"readers.py:[0-9]+: writing into g here"):
        srcdiff.grad(getattr(m, name))(X.copy())
    with pytest.raises(srcdiff.SrcdiffError, match=r"readers.py:[0-9]+: writing into g here"):
        check(getattr(m, name), X, order=1)   # (vjp, jvp: every path)
