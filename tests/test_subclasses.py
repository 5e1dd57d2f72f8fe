"""ndarray subclasses as arguments (srcdiff/subclasses.py): numpy.matrix, masked arrays and
subclasses overriding ndarray's operators are refused when the derivative is called, named
at the function's line, in every entry point; plain subclasses differentiate like ndarrays
(checked against finite differences, both modes, second order)."""
import warnings

import numpy as np
import pytest

import srcdiff
from srcdiff.errors import ArgumentError, SrcdiffError

from gradcheck import check

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")

X = np.array([[1.0, 2.0], [3.0, 4.0]])
with warnings.catch_warnings():
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    M = np.matrix([[0.5, 1.0], [2.0, -1.0]])


def products(a, b):
    return np.sum(a * b) + np.sum(a ** 2)


DEF_LINE = products.__code__.co_firstlineno


def _assert_refused(call, name):
    with pytest.raises(ArgumentError) as info:
        call()
    err = info.value
    assert isinstance(err, SrcdiffError)
    assert err.filename == __file__ and err.lineno == DEF_LINE
    assert err.reason.startswith(f"{name} is a numpy.")
    assert "numpy.asarray" in err.hint


@pytest.mark.parametrize("call, name", [
    (lambda: srcdiff.grad(products)(M, X), "a"),
    (lambda: srcdiff.grad(products)(X, M), "b"),
    (lambda: srcdiff.value_and_grad(products, wrt=(0, 1))(X, b=M), "b"),
    (lambda: srcdiff.jvp(products)(M, X, X), "a"),
    (lambda: srcdiff.jvp(products)(X, X, M), "tangent_a"),
    (lambda: srcdiff.vjp(products)(X, M, 1.0), "b"),
    (lambda: srcdiff.hvp(products)(M, X, X), "a"),
    (lambda: srcdiff.hvp(products)(X, X, M), "vector"),
    (lambda: srcdiff.hessian(products)(M, X), "a"),
    (lambda: srcdiff.jacobian(products)(M, X), "a"),
    (lambda: srcdiff.jacobian(products, mode="forward")(X, M), "b"),
])
def test_matrix_arguments_are_refused_in_every_entry_point(call, name):
    _assert_refused(call, name)


def sum_items(parts):
    return np.sum(parts[0] * parts[1])


def test_matrix_inside_a_list_argument_is_refused():
    with pytest.raises(ArgumentError, match=r"parts\[1\] is a numpy.matrix"):
        srcdiff.grad(sum_items)([X, M])


def test_masked_arrays_are_refused():
    _assert_refused(lambda: srcdiff.grad(products)(np.ma.masked_array(X), X), "a")


class Doubling(np.ndarray):
    def __mul__(self, other):
        return np.multiply(np.asarray(self), other) * 2


class Hooked(np.ndarray):
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = [np.asarray(i) for i in inputs]
        return getattr(ufunc, method)(*inputs, **kwargs) + 1


@pytest.mark.parametrize("cls", [Doubling, Hooked])
def test_subclasses_overriding_operators_are_refused(cls):
    with pytest.raises(ArgumentError, match=f"a is a {__name__}.{cls.__name__}"):
        srcdiff.grad(products)(X.view(cls), X)
    with pytest.raises(ArgumentError, match="redefines ndarray's"):
        srcdiff.jvp(products)(X.view(cls), X, X)


class Plain(np.ndarray):
    pass


class Tagged(np.ndarray):
    """Adds an attribute and a method, carried along by __array_finalize__."""

    def __new__(cls, values, unit="m"):
        out = np.asarray(values, dtype=float).view(cls)
        out.unit = unit
        return out

    def __array_finalize__(self, obj):
        self.unit = getattr(obj, "unit", None)

    def describe(self):
        return f"{self.shape} in {self.unit}"


def smooth(a, b):
    return np.sum(np.sin(a) * b + a[0] ** 3) / np.sum(b * b)


@pytest.mark.parametrize("make", [lambda v: v.view(Plain), lambda v: Tagged(v)])
def test_plain_subclasses_differentiate_like_ndarrays(make):
    a, b = make(np.array([0.3, -1.2, 0.8])), make(np.array([1.5, 0.4, -0.7]))
    check(smooth, a, b, wrt=(0, 1))
    g = srcdiff.grad(smooth, wrt=(0, 1))(a, b)
    want = srcdiff.grad(smooth, wrt=(0, 1))(np.asarray(a), np.asarray(b))
    np.testing.assert_allclose(g[0], want[0])
    np.testing.assert_allclose(g[1], want[1])
