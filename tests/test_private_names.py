"""Private (name-mangled) names in methods (srcdiff/private_names.py): `self.__w` reads
`_Class__w` as Python compiled it; derivatives checked against central differences in both
modes and to second order."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff.private_names import enclosing_class, mangled

__scale = 0.5  # read as `_Model__scale` inside Model's methods, as Python does
_Model__scale = 1.5

rng = np.random.default_rng(11)
X = rng.normal(size=3)


class Model:
    def __init__(self):
        self.__w = np.array([3.0, -1.0, 0.5])
        self.__b = 0.25

    def __features(self, x):
        return np.sin(x) * self.__w

    def loss(self, x):
        return np.sum(x * self.__w) + self.__b * np.sum(x ** 2)

    def with_private_helper(self, x):
        return np.sum(self.__features(x) ** 2)

    def with_private_locals(self, x, __k=2.0):
        __t = np.tanh(x) * __k
        return np.sum(__t * self.__w) * __scale

    def with_nested_function(self, x):
        def inner(v):
            return np.exp(v * self.__b)
        return np.sum(inner(x) * self.__w)


class _Hidden:
    def __init__(self):
        self.__c = 2.0

    def loss(self, x):
        return np.sum(np.cos(x) * self.__c)


def through(name):
    return {"loss": lambda model, x: model.loss(x),
            "with_private_helper": lambda model, x: model.with_private_helper(x),
            "with_private_locals": lambda model, x: model.with_private_locals(x),
            "with_nested_function": lambda model, x: model.with_nested_function(x)}[name]


@pytest.mark.parametrize("name", ["loss", "with_private_helper", "with_private_locals",
                                  "with_nested_function"])
def test_private_attributes_and_names_in_methods(name):
    check(through(name), Model(), X, wrt=1)


@pytest.mark.parametrize("name", ["loss", "with_private_locals"])
def test_bound_methods_with_private_names(name):
    method = getattr(Model(), name)
    eps = 1e-6
    fd = np.array([(method(X + e) - method(X - e)) / (2 * eps) for e in np.eye(3) * eps])
    np.testing.assert_allclose(srcdiff.grad(method)(X), fd, rtol=1e-6)
    v = np.array([0.5, -1.0, 2.0])
    assert srcdiff.jvp(method)(X, v)[1] == pytest.approx(fd @ v, rel=1e-6)


def test_private_names_of_a_class_named_with_underscores():
    check(lambda model, x: model.loss(x), _Hidden(), X, wrt=1)


def test_the_emitted_code_reads_the_mangled_attribute():
    d = srcdiff.grad(Model().loss)
    d(X)
    # Model's __init__ computes its fields: a record's field, read by its mangled name
    assert "record_field(self, '_Model__w')" in srcdiff.source(d)


def test_python_rule():
    assert enclosing_class("M.loss") == "M"
    assert enclosing_class("M.loss.<locals>.inner") == "M"
    assert enclosing_class("f.<locals>.M.loss") == "M"
    assert enclosing_class("Outer.Inner.loss") == "Inner"
    assert enclosing_class("f") is None and enclosing_class("f.<locals>.g") is None
    assert mangled("__w", "M") == "_M__w" and mangled("__w", "_M") == "_M__w"
    assert mangled("__init__", "M") == "__init__" and mangled("_w", "M") == "_w"
    assert mangled("__w", "__") == "__w" and mangled("__w", None) == "__w"
