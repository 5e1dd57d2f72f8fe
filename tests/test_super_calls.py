"""super().method(...) and super(Cls, self).method(...) in methods (srcdiff/super_calls.py):
resolved to the next definition in the object's class's method resolution order, checked
against central differences in both modes and to second order; what can not be resolved is
refused at the user's line."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, numerical_grad
from srcdiff.errors import SrcdiffError

rng = np.random.default_rng(12)
X = rng.normal(size=3)


class Base:
    def __init__(self):
        self.k = 1.5

    def scale(self):
        return self.k

    def features(self, x, power=2):
        return np.sin(x) ** power * self.k


class Middle(Base):
    def features(self, x, power=2):
        return np.tanh(super().features(x, power)) + x


class Model(Middle):
    def scale(self):
        return 5.0

    def features(self, x, power=2):
        return x * 100.0  # never what super() means

    def zero_arg_constant(self, x):
        return np.sum(np.exp(x) * super().scale())

    def two_arg_constant(self, x):
        return np.sum(np.exp(x) * super(Model, self).scale())

    def zero_arg_differentiated(self, x):
        return np.sum(super().features(x) ** 2)

    def two_arg_skipping_a_class(self, x):
        return np.sum(super(Middle, self).features(x, power=3))

    def keeps_the_super_object(self, x):
        s = super()
        return np.sum(s.features(x))

    def rebinds_self(self, x):
        self = Model()
        return np.sum(super().features(x))


CASES = {
    "zero_arg_constant": lambda model, x: model.zero_arg_constant(x),
    "two_arg_constant": lambda model, x: model.two_arg_constant(x),
    "zero_arg_differentiated": lambda model, x: model.zero_arg_differentiated(x),
    "two_arg_skipping_a_class": lambda model, x: model.two_arg_skipping_a_class(x),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_super_calls_against_finite_differences(name):
    model = Model()
    check(CASES[name], model, X, wrt=1)
    method = getattr(model, name)
    fd = numerical_grad(method, [X], 0)
    np.testing.assert_allclose(srcdiff.grad(method)(X), fd, rtol=1e-6)
    v = np.array([0.5, -1.0, 2.0])
    assert srcdiff.jvp(method)(X, v)[1] == pytest.approx(fd @ v, rel=1e-6)
    eps = 1e-5
    g = srcdiff.grad(method)
    hv = (g(X + eps * v) - g(X - eps * v)) / (2 * eps)
    np.testing.assert_allclose(srcdiff.hvp(method)(X, v), hv, rtol=1e-5, atol=1e-8)


def test_super_means_the_next_class_after_the_one_named():
    # Model overrides features with x * 100: super() must not call it
    model = Model()
    got = srcdiff.grad(model.zero_arg_differentiated)(X)
    np.testing.assert_allclose(got, numerical_grad(model.zero_arg_differentiated, [X], 0),
                               rtol=1e-6)


@pytest.mark.parametrize("name, message", [
    ("keeps_the_super_object", "only in a call of a method on it"),
    ("rebinds_self", "whose class it knows"),
])
def test_super_that_can_not_be_followed_is_refused_where_written(name, message):
    with pytest.raises(SrcdiffError, match=message) as info:
        srcdiff.grad(getattr(Model(), name))(X)
    assert info.value.filename == __file__ and "super()" in info.value.line
