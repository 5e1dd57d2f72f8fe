"""out_views: a NumPy call given out= a slice or item of a local array (`numpy.multiply(a,
b, out=y[1:])`) is the item write `y[1:] = numpy.multiply(a, b)`; checked against central
differences in both modes to second order. A view of y taken before and read after the
write still sees it, and is refused at the user's line."""
import numpy as np
import pytest

from srcdiff import syntax as S
from srcdiff.out_views import rewrite
from issue13_cases import on_args, refused_in_both_modes

X = np.array([0.4, 0.9, 1.3, 0.7])
Y = np.array([-0.2, 0.6, 1.1, 0.5])


def multiply_into_tail(a, b):
    y = a * 1.0
    np.multiply(a[1:], b[1:], out=y[1:])
    return np.sum(y * a)


def add_into_column(a, b):
    y = np.outer(a, b)
    np.add(a, b, out=y[:, 0])
    return np.sum(y * y)


def result_is_the_view(a, b):
    y = np.outer(a, b)
    r = np.add(a, b, out=y[:, 0])
    return np.sum(r * y[:, 1]) + np.sum(y ** 2)


def into_an_argument(a, b):
    np.multiply(a[1:], b[1:], out=a[1:])
    return np.sum(a * b)


def overlapping(a, b):
    y = np.sin(a)
    np.multiply(y[:-1], b[1:], out=y[1:])
    return np.sum(y * a)


def in_a_loop(a, b):
    y = np.sin(a)
    for i in range(2):
        np.add(y[i:i + 2], b[:2], out=y[i + 1:i + 3])
    return np.sum(y ** 2)


def view_bound_before(a, b):   # view_writes reads v as y[1:]: it sees the write
    y = a * 1.0
    v = y[1:]
    np.multiply(a[1:], b[1:], out=y[1:])
    return np.sum(v * a[1:]) + np.sum(y)


def reduction_into_row(a, b):
    y = np.zeros((2, 4))
    np.sum(np.outer(a, b) * a, axis=0, out=y[1])
    return np.sum(y * b)


@pytest.mark.parametrize("f", [multiply_into_tail, add_into_column, result_is_the_view,
                               into_an_argument, overlapping, in_a_loop, view_bound_before,
                               reduction_into_row])
def test_out_into_a_view(f):
    on_args(f, (X, Y), (0, 1))


def row_kept_then_written(a, b):
    y = np.stack([a, b])
    keep = y[0]
    np.exp(b, out=y[0, :])
    return np.sum(keep * a)


def test_row_kept_and_read_after_refused():
    refused_in_both_modes(row_kept_then_written, (X, Y), (0, 1),
                          "writing into y here would also change keep")


def _text(src):
    lookup = {"np": np}.get
    fdef = S.parse_function(src)
    new = rewrite(fdef, lookup)
    return None if new is fdef else "\n".join(S.spell(s) for s in new.body)


def test_rewritten_text():
    got = _text("def f(a, b, y):\n    r = np.add(a, b, out=y[:, k])\n    return r\n")
    assert got.splitlines() == ["y[:, k] = np.add(a, b)", "r = y[:, k]", "return r"]


@pytest.mark.parametrize("src", [
    "def f(a, b, y):\n    np.add(a, b, out=y)\n    return y\n",           # a name: out_writes
    "def f(a, b, y):\n    np.add(a, b, out=y[g()])\n    return y\n",      # a call in the index
    "def f(a, b, y, m):\n    np.add(a, b, out=y[1:], where=m)\n    return y\n",
    "def f(a, b, y):\n    np.add(a, b, y[1:], out=y[1:])\n    return y\n",  # two outputs
    "def f(a, b, y):\n    y = np.add(a, b, out=y[1:])\n    return y\n",   # y is the view
    "def f(a, b, y):\n    g(a, b, out=y[1:])\n    return y\n",            # not NumPy's
])
def test_left_as_written(src):
    assert _text(src) is None
