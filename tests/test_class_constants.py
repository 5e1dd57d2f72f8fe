"""srcdiff/class_constants.py: constants of a class body read through an object (`scale = 2.0`,
`self.scale`) carry no derivative; an attribute some method sets stays refused; an object
holding its own value under the name is refused in the run. Every derivative is checked
against finite differences (gradcheck.check: both modes, and second order)."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import class_constants


# -- constants of a class body read through an object (`scale = 2.0`, `self.scale`) ------
_CONSTANTS = '''
import numpy as np


class Layer:
    scale = 2.0
    offsets = np.array([0.1, -0.2, 0.3])

    def __init__(self, w, b=0.0):
        self.w = w
        self.b = b
        self.n = len(w)

    def forward(self, x):
        return np.tanh(self.w * x + self.b) * self.scale + self.offsets

    def loss(self, x):
        return np.sum(self.forward(x) ** 2)


class Wide(Layer):
    scale = 3.0


class Tuned:
    gain = 1.5

    def __init__(self, w):
        self.w = w

    def tune(self, g):
        self.gain = g

    def out(self, x):
        return np.sum(self.w * x) * self.gain


def layer_loss(x):
    return Layer(x[:3], 0.2).loss(x[3:])


def wide_loss(x):
    return Wide(x[:3]).loss(x[3:]) + Layer(x[3:]).loss(x[:3])


def tuned(x):
    t = Tuned(x[:3])
    return t.out(x[3:])


def field_loss(layer, x):
    return layer.loss(x)
'''


@pytest.fixture(scope="module")
def constants(tmp_path_factory):
    from user_modules import load
    return load(tmp_path_factory.mktemp("constants"), "class_constants", _CONSTANTS)


X6 = np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7])


@pytest.mark.parametrize("name", ["layer_loss", "wide_loss"])
def test_a_class_bodys_constant_read_through_an_object_differentiates(constants, name):
    """`self.scale` where `scale = 2.0` is set in the class body (a subclass's own value
    too) carries no derivative: it was refused as "not one of Layer's fields"."""
    check(getattr(constants, name), X6)


def test_a_class_constant_differentiates_with_respect_to_the_record_itself(constants):
    layer = constants.Layer(X6[:3], 0.2)
    check(constants.field_loss, layer, X6[3:], wrt=(0, 1))


def test_a_class_attribute_some_method_sets_on_objects_stays_refused(constants):
    """Tuned.tune sets self.gain: an object's gain may be its own, so the read stays a
    field read srcdiff refuses, naming the class."""
    with pytest.raises(srcdiff.NoRuleError, match="attribute .gain of a Tuned"):
        srcdiff.grad(constants.tuned)(X6)


def test_a_class_constant_an_object_shadows_is_refused_in_the_run(constants):
    layer = constants.Layer(X6[:3], 0.2)
    layer.scale = 5.0   # set on the object after it was made
    with pytest.raises(srcdiff.RuntimeRefusal, match="class_constants.py:[0-9]+: "
                       "self.scale is set on the object itself"):
        srcdiff.grad(constants.field_loss)(layer, X6[3:])


class _Plain:
    gain = 2.0
    bias = np.zeros(2)

    def __init__(self, w):
        self.w = w

    def method(self):
        return self.w


def test_class_constant_tells_constants_from_methods_and_unknown_names():
    assert class_constants.class_constant(_Plain, "gain")
    assert class_constants.class_constant(_Plain, "bias")
    assert not class_constants.class_constant(_Plain, "method")
    assert not class_constants.class_constant(_Plain, "nothing")
    assert not class_constants.class_constant(int, "real")


def test_stored_names_the_attributes_a_function_sets():
    from srcdiff import syntax as S
    tree = S.parse_module("def f(o):\n    o.a = 1\n    o.b += 2\n    return o.c\n")
    assert class_constants.stored(tree, "a") and class_constants.stored(tree, "b")
    assert not class_constants.stored(tree, "c")
    anything = S.parse_module("def f(o, k):\n    setattr(o, k, 1)\n")
    assert class_constants.stored(anything, "c")
    # hunt 30: setattr(o, "x", v) with a literal name sets x alone (any setattr in a module
    # made every class constant of its classes refused: init_computes_derived_field's G)
    named = S.parse_module("def f(o):\n    setattr(o, 'x', 1)\n")
    assert class_constants.stored(named, "x") and not class_constants.stored(named, "c")
