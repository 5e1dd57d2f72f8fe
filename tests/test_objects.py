"""srcdiff/objects.py: the classes srcdiff knows objects by (class resolution), records
(dataclasses and classes whose __init__ only stores its parameters), the gradient of a
record passed in (the same class), dispatch over a list of objects of several classes, and
the located refusals. Every derivative is checked against finite differences
(gradcheck.check: both modes, and second order where it is cheap)."""
import dataclasses
import os

import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal
from srcdiff import objects

HERE = os.path.basename(__file__)
RNG = np.random.default_rng(11)
W = 0.5 * RNG.standard_normal((3, 3))
B = 0.1 * RNG.standard_normal(3)
XS = RNG.standard_normal((2, 3))


# -- record classes ----------------------------------------------------------------------
class Layer:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def forward(self, x):
        return np.tanh(x @ self.w + self.b)


class Scaled:
    """A record class with a docstring and a non-array field."""

    def __init__(self, w, name):
        self.w = w
        self.name = name

    def forward(self, x):
        return x * self.w


class Computes:
    def __init__(self, w):
        self.w = w * 1.0

    def forward(self, x):
        return x @ self.w


class Renames:
    def __init__(self, w):
        self.weight = w


@dataclasses.dataclass
class Params:
    w: np.ndarray
    b: np.ndarray


@dataclasses.dataclass
class Listed:
    ws: list
    b: np.ndarray


@dataclasses.dataclass
class PostInit:
    w: np.ndarray

    def __post_init__(self):
        self.w = self.w * 1.0


def test_record_fields():
    assert objects.record_fields(Layer) == ("w", "b")
    assert objects.record_fields(Scaled) == ("w", "name")
    assert objects.record_fields(Params) == ("w", "b")
    assert objects.is_record_class(Listed)
    for cls in (Computes, Renames, PostInit, np.ndarray, int, dict):
        assert not objects.is_record_class(cls), cls


def test_user_classes():
    assert objects.is_user_class(Layer) and objects.is_user_class(Params)
    assert not objects.is_user_class(np.ndarray) and not objects.is_user_class(list)
    assert not objects.is_user_class(Layer(W, B))


def test_object_facts():
    layers = [Layer(W, B), Layer(W, B)]
    assert objects.object_facts("ls", layers) == {"ls[]": Layer}
    assert objects.object_facts("ls", [Layer(W, B), Scaled(W, "s")]) == {
        "ls[]": (Layer, Scaled)}   # several classes: dispatched on (objects.dispatch)
    assert objects.object_facts("ls", [Layer(W, B), W]) == {}
    assert objects.object_facts("ls", []) == {}

    class Holder:
        def __init__(self, layers, head):
            self.layers = layers
            self.head = head
    facts = objects.object_facts("m", Holder(layers, Scaled(W, "h")))
    assert facts == {"m.layers[]": Layer, "m.head": Scaled}


def test_facts_for_callee():
    known = {"net.layers[]": Layer, "net": object, "other.head": Scaled}
    from srcdiff import syntax as S
    out = objects.facts_for_callee(["self", "x"], [S.load("net"), S.load("x")], known)
    assert out == {"self.layers[]": Layer}


# -- a record passed in: its gradient is an object of the same class ---------------------
def layer_loss(layer, x):
    return np.sum(np.tanh(x @ layer.w + layer.b) ** 2)


def layer_method_loss(layer, x):
    return np.sum(layer.forward(x) * x)


def scaled_loss(s, x):
    return np.sum(s.forward(x) ** 2)


@pytest.mark.parametrize("f, args, wrt", [
    (layer_loss, (Layer(W, B), XS), 0), (layer_loss, (Layer(W, B), XS), (0, 1)),
    (layer_method_loss, (Layer(W, B), XS), 0), (scaled_loss, (Scaled(B, "s"), XS), 0)],
    ids=["fields", "fields_and_x", "method", "with_a_name"])
def test_gradient_of_a_record_object_is_an_object_of_its_class(f, args, wrt):
    g = check(f, *args, wrt=wrt)
    first = g[0] if isinstance(wrt, tuple) else g
    assert type(first) is type(args[0])
    assert first is not args[0]


def test_the_gradient_keeps_fields_that_carry_no_derivative():
    g = srcdiff.grad(scaled_loss)(Scaled(B, "s"), XS)
    assert g.name == "s" and g.w.shape == B.shape


def test_a_field_never_read_gets_a_zero():
    def only_w(layer, x):
        return np.sum(x @ layer.w)
    g = check(only_w, Layer(W, B), XS)
    assert np.all(g.b == 0.0)


def listed_loss(p, x):
    return np.sum(np.tanh(x * p.ws[0] + p.b)) + np.sum(p.ws[1] ** 2)


def test_a_dataclass_field_holding_a_list_gets_its_derivatives():
    # was: the gradient's list field held the primal values (a wrong derivative)
    check(listed_loss, Listed([B * 2.0, B + 1.0], B), XS[0])


def computes_loss(c, x):
    return np.sum(c.w * x)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_object_of_another_class_passed_in_is_refused_with_a_hint(mode):
    with pytest.raises(srcdiff.SrcdiffError) as info:
        if mode == "grad":
            srcdiff.grad(computes_loss)(Computes(W), XS)
        else:
            srcdiff.jvp(computes_loss)(Computes(W), XS, Computes(W))
    text = str(info.value)
    assert "Computes" in text and "dataclass" in text and "self.w = w" in text, text
    assert info.value.filename.endswith(HERE)
    assert "return np.sum(c.w * x)" in text


# -- lists of objects: made in a comprehension, and of several classes ----------------------
class Base:
    def __init__(self, w):
        self.w = w

    def forward(self, x):
        return np.tanh(x * self.w)


class Derived(Base):
    """A subclass: a branch per exact class, never isinstance (which Derived also passes)."""

    def forward(self, x):
        return np.sin(x) * self.w


class Shift:
    def __init__(self, b):
        self.b = b

    def forward(self, x):
        return x + self.b


class NoForward:
    def __init__(self, w):
        self.w = w


def comprehension_of_layers(ws, bs, x):
    layers = [Layer(w, b) for w, b in zip(ws, bs)]
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x ** 2)


def test_objects_made_in_a_comprehension():
    ws = [W, 0.5 * W.T]
    check(comprehension_of_layers, ws, [B, -B], XS, wrt=(0, 1, 2))


def comprehension_from_one_argument(w, x):
    layers = [Base(w * s) for s in (1.0, 0.5, -2.0)]
    h = x
    for layer in layers:
        h = layer.forward(h)
    return np.sum(h)


def test_objects_made_in_a_comprehension_second_order():
    check(comprehension_from_one_argument, B, XS)


def subclass_and_base(w, v, x):
    layers = [Base(w), Derived(v), Base(v)]
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x)


def three_classes_in_a_tuple(w, b, x):
    h = x
    for layer in (Shift(b), Base(w), Derived(w), Shift(b * 2.0)):
        h = layer.forward(h)
    return np.sum(h ** 2)


def enumerated_layers(w, b, x):
    layers = [Base(w), Shift(b)]
    for i, layer in enumerate(layers):
        x = layer.forward(x) * (i + 1.0)
    return np.sum(x)


def layer_results_kept(w, b, x):
    layers = [Shift(b), Base(w)]
    outs = [layer.forward(x) for layer in layers]
    return np.sum(outs[0] * outs[1])


@pytest.mark.parametrize("f", [subclass_and_base, three_classes_in_a_tuple, enumerated_layers,
                               layer_results_kept])
def test_layers_of_several_classes_made_here(f):
    check(f, B, 0.5 * B + 0.2, XS, wrt=(0, 1, 2))
    check(f, B, 0.5 * B + 0.2, XS, wrt=0)   # second order: hvp too


def list_passed_in(layers, x):
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x ** 2)


class Net:
    def __init__(self, layers, scale):
        self.layers = layers
        self.scale = scale

    def loss(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return np.sum(x) * self.scale


def net_loss(net, x):
    return net.loss(x)


def test_layers_of_several_classes_passed_in():
    layers = [Base(B), Derived(B * 0.5), Shift(B)]
    check(list_passed_in, layers, XS, wrt=1)
    check(net_loss, Net(layers, 2.0), XS, wrt=1)
    assert objects.object_facts("ls", layers) == {"ls[]": (Base, Derived, Shift)}


def test_a_list_changed_after_compiling_is_compiled_again():
    g = srcdiff.grad(list_passed_in, wrt=1)
    first = g([Base(B), Shift(B)], XS)
    again = g([Shift(B), Derived(B)], XS)   # other classes: other code, not the first's
    check(list_passed_in, [Shift(B), Derived(B)], XS, wrt=1)
    np.testing.assert_allclose(again, srcdiff.grad(list_passed_in, wrt=1)(
        [Shift(B), Derived(B)], XS))
    assert not np.allclose(first, again)


def a_class_without_the_method(w, x):
    layers = [Base(w), NoForward(w)]
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_class_without_the_method_is_refused_at_the_call(mode):
    text = str(refusal(a_class_without_the_method, (B, XS), mode))
    assert "NoForward" in text and "no method 'forward'" in text, text
    assert "x = layer.forward(x)" in text


def test_dispatch_code_tests_the_exact_class():
    g = srcdiff.grad(subclass_and_base)
    g(B, B, XS)
    text = srcdiff.source(g)
    here = Base.__module__   # tests.test_objects: pytest imports test files in importlib mode
    assert f"type(layer) is {here}.Base" in text
    assert f"check_class(layer, {here}.Derived" in text
    assert "isinstance" not in text


def appended_layers(w, x):
    layers = []
    layers.append(Base(w))
    layers.append(Shift(w))
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_objects_whose_class_cannot_be_known_are_refused_with_what_to_write(mode):
    text = str(refusal(appended_layers, (B, XS), mode))
    assert "method .forward()" in text and "cannot tell the class of layer" in text, text
    assert "one display or comprehension" in text
    assert "x = layer.forward(x)" in text


class Sine:
    def __init__(self, w):
        self.w = w

    @staticmethod
    def forward(x):
        return np.sin(x)


class Twice:
    def __init__(self, w):
        self.w = w

    @classmethod
    def forward(cls, x):
        return np.cos(x) * 2.0


def static_and_class_methods(w, x):
    layers = [Base(w), Sine(w), Twice(w)]
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x)


def test_static_and_class_methods_of_several_classes():
    check(static_and_class_methods, B, XS, wrt=(0, 1), order=2)
