"""srcdiff/item_fields.py: a function held in a field of the objects of a list passed in
(`for p in layers: x = p.act(p.w * x)`, `Layer(w, act=np.tanh)`), called directly or read
by a method called on the items (`layer(x)` reading `self.act`), every item holding the
same function or several; checked against finite differences in both modes and to second
order (gradcheck.check). An item holding another function than the code was compiled for
is refused where the code runs."""
import dataclasses

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff.item_fields import item_field_facts
from srcdiff.values import Known

X = np.array([0.3, -0.5, 0.7])


def softish(z):
    return z * np.tanh(z)


class Layer:   # a record class whose field holds a function
    def __init__(self, w, act):
        self.w = w
        self.act = act

    def __call__(self, x):
        return self.act(self.w * x)


@dataclasses.dataclass
class Dense:
    w: np.ndarray
    act: object = np.tanh

    def forward(self, x):
        return self.act(self.w * x) + x


class Net:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer.act(layer.w * x)
        return x


def field_called(x, layers):
    for p in layers:
        x = p.act(p.w * x)
    return np.sum(x)


def called_objects(x, layers):
    for layer in layers:
        x = layer(x)
    return np.sum(x)


def method_reads_the_field(x, layers):
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x ** 2)


def net_of_layers(x, net):
    return np.sum(net(x))


LAYERS = {
    "one function": lambda: [Layer(X + 1.0, np.tanh), Layer(X - 1.0, np.tanh)],
    "several": lambda: [Layer(X + 1.0, np.tanh), Layer(X - 1.0, softish),
                        Layer(X * 0.5, np.sin)],
    "a user function": lambda: [Layer(X + 1.0, softish), Layer(X - 1.0, softish)],
}


@pytest.mark.parametrize("f", [field_called, called_objects])
@pytest.mark.parametrize("made", list(LAYERS))
@pytest.mark.parametrize("wrt", [0, 1])
def test_functions_in_fields_of_a_list_passed_in(f, made, wrt):
    check(f, X.copy(), LAYERS[made](), wrt=wrt)


@pytest.mark.parametrize("acts", [(np.tanh, np.tanh), (np.tanh, softish)])
def test_a_dataclass_field_read_by_a_method(acts):
    layers = [Dense(X + 1.0, acts[0]), Dense(X - 1.0, acts[1])]
    check(method_reads_the_field, X.copy(), layers, wrt=(0, 1))


@pytest.mark.parametrize("acts", [(np.tanh, np.tanh), (np.cos, softish)])
def test_the_list_an_object_holds(acts):
    net = Net([Layer(X + 1.0, acts[0]), Layer(X - 1.0, acts[1])])
    check(net_of_layers, X.copy(), net)


def test_facts_read_from_the_list():
    layers = [Layer(X, np.tanh), Layer(X, softish), Layer(X, np.tanh)]
    assert item_field_facts("layers", layers) == {
        "layers[].act": (Known(np.tanh), Known(softish))}
    assert item_field_facts("layers", layers[::2]) == {"layers[].act": Known(np.tanh)}
    assert item_field_facts("net", Net(layers[:1])) == {"net.layers[].act": Known(np.tanh)}
    assert item_field_facts("xs", [X, X]) == {}
    assert item_field_facts("layers", [Layer(X, np.tanh), Layer(X, 2.0)]) == {}


def test_the_code_is_compiled_for_the_functions_the_items_hold():
    grad = srcdiff.grad(field_called)
    first = grad(X.copy(), [Layer(X + 1.0, np.tanh), Layer(X - 1.0, softish)])
    text = srcdiff.source(grad)   # a branch per function, the last checked where it runs
    assert "is numpy.tanh" in text and "check_field_function(" in text, text
    other = [Layer(X + 1.0, np.sin), Layer(X - 1.0, softish)]   # compiled anew for sin
    np.testing.assert_allclose(grad(X.copy(), other),
                               srcdiff.grad(field_called)(X.copy(), other))
    assert not np.allclose(first, grad(X.copy(), other))


def made_here(x, w):
    layers = [Layer(w, np.tanh), Layer(w * 2.0, softish), Layer(w - 1.0, np.tanh)]
    for p in layers:
        x = p.act(p.w * x)
    return np.sum(x)


def made_by_a_comprehension(x, w):
    layers = [Dense(w * k) for k in (1.0, 2.0)]   # the field's default, np.tanh
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x)


def called_objects_made_here(x, w):
    for layer in [Layer(w, np.sin), Layer(w + 1.0, softish)]:
        x = layer(x)
    return np.sum(x)


@pytest.mark.parametrize("f", [made_here, made_by_a_comprehension, called_objects_made_here])
@pytest.mark.parametrize("wrt", [0, 1])
def test_functions_in_fields_of_a_list_made_here(f, wrt):
    check(f, X.copy(), X + 0.5, wrt=wrt)
