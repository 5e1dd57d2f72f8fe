"""srcdiff/field_calls.py: a function held in an object's field, then called (`p.act(x)`):
a dataclass field with a default, a record class whose __init__ stores the function, an object
passed in or made here, a functools.partial in a field, and the located refusals where the
function cannot be told. Every derivative is checked against finite differences
(gradcheck.check: both modes, and second order)."""
import dataclasses
import functools

import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal
from srcdiff import field_calls

RNG = np.random.default_rng(5)
W = 0.5 * RNG.standard_normal(3)
X = RNG.standard_normal(3)


def softplus(z):
    return np.log1p(np.exp(z))


def scaled_sine(z, a):
    return a * np.sin(z)


def shifted(a, b=3.0):
    return a * b


SCALED = functools.partial(scaled_sine, a=1.5)


@dataclasses.dataclass
class Params:
    w: np.ndarray
    act: object = np.tanh


@dataclasses.dataclass
class UserDefault:
    """A dataclass whose default is the user's function: a field, never a method (an
    attribute of the object hides the class's: p.act(v) is shifted(v), not shifted(p, v))."""
    w: np.ndarray
    act: object = shifted


class Layer:
    def __init__(self, w, act):
        self.w = w
        self.act = act

    def forward(self, x):
        return self.act(x * self.w)


class Configured:
    """Not a record: its __init__ does more than store its parameters."""

    def __init__(self, w, act):
        self.w = w * 1.0
        self.act = act

    def forward(self, x):
        return np.sum(self.act(x) * self.w)


def dataclass_passed(p, x):
    return np.sum(p.act(p.w * x))


def dataclass_made_here(w, x):
    p = Params(w)
    return np.sum(p.act(p.w * x) ** 2)


def dataclass_with_a_function_given(w, x):
    return np.sum(Params(w, softplus).act(w * x))


def user_function_default(w, x):
    p = UserDefault(w)
    return np.sum(p.act(p.w * x))


def layer_passed(layer, x):
    return np.sum(layer.forward(x) ** 2)


def layer_made_here(w, x):
    return np.sum(Layer(w, softplus).forward(x))


def layer_with_a_partial(w, x):
    layer = Layer(w, SCALED)
    return np.sum(layer.forward(x) * x)


def configured_passed(c, x):
    return c.forward(x)


@pytest.mark.parametrize("f", [dataclass_made_here, dataclass_with_a_function_given,
                               user_function_default, layer_made_here, layer_with_a_partial])
def test_a_function_in_a_field_of_a_record_made_here(f):
    check(f, W.copy(), X.copy(), wrt=(0, 1))
    check(f, W.copy(), X.copy(), wrt=1)   # second order: hvp


@pytest.mark.parametrize("act", [np.tanh, softplus, SCALED])
def test_a_function_in_a_field_of_an_object_passed_in(act):
    check(dataclass_passed, Params(W.copy(), act), X.copy(), wrt=1)
    check(dataclass_passed, Params(W.copy(), act), X.copy(), wrt=0)   # gradient: a Params
    check(layer_passed, Layer(W.copy(), act), X.copy(), wrt=1)
    check(configured_passed, Configured(W.copy(), act), X.copy(), wrt=1)


def test_the_code_is_compiled_for_the_function_the_field_holds():
    g = srcdiff.grad(layer_passed, wrt=1)
    first = g(Layer(W, np.tanh), X)
    again = g(Layer(W, np.sin), X)   # another function: other code, not the first's
    np.testing.assert_allclose(again, srcdiff.grad(layer_passed, wrt=1)(Layer(W, np.sin), X))
    assert not np.allclose(first, again)
    check(layer_passed, Layer(W, np.sin), X.copy(), wrt=1)


def test_field_facts():
    facts = field_calls.field_facts("p", Layer(W, np.tanh))
    assert list(facts) == ["p.act"] and facts["p.act"].obj is np.tanh
    assert field_calls.field_facts("p", W) == {}
    assert field_calls.instance_fields(Configured) == {"w", "act"}
    assert field_calls.instance_fields(Params) == {"w", "act"}


def partial_made_here(w, x):
    layer = Layer(w, functools.partial(scaled_sine, a=2.0))
    return np.sum(layer.forward(x))


def changed_with_setattr(w, x):
    p = Params(w)
    setattr(p, "act", np.sin)
    return np.sum(p.act(p.w * x))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_function_that_cannot_be_told_is_refused_at_the_call(mode):
    text = str(refusal(changed_with_setattr, (W.copy(), X.copy()), mode, wrt=1))
    # (setattr(p, "act", f) is `p.act = f` since session 20, named_attributes.py: the run
    # finds the field holding another function than the one compiled for)
    assert "holds sin now" in text and "setattr" in text, text
    err = refusal(partial_made_here, (W.copy(), X.copy()), mode, wrt=1)
    assert "which function the field .act of this Layer object holds" in str(err), str(err)
    assert "self.act(...)" in str(err)


class Called:
    def __call__(self, x):
        return x


def test_objects_called_are_their_classes_own_call():
    assert field_calls.has_call(Called) and not field_calls.has_call(Params)
    assert not field_calls.has_call(np.ndarray)


class Activated(Configured):
    """Inherits __init__: self.act is still a field of its objects."""

    def scale(self):
        return 2.0


def inherited_field_passed(c, x):
    return np.sum(c.act(x) * c.w)


def test_a_field_stored_by_an_inherited_init():
    assert field_calls.instance_fields(Activated) == {"w", "act"}
    check(inherited_field_passed, Activated(W.copy(), np.sin), X.copy(), wrt=1)


# -- an item of a list of objects called by index: layers[1](x) is layers[1].__call__(x) --
class Bias:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def __call__(self, t):
        return np.sin(self.w * t) + self.b


class Square:
    def __init__(self, g):
        self.g = g

    def __call__(self, t):
        return self.g * t * t


def calls_items_by_index(x):
    layers = [Bias(0.5, 0.1), Square(x[0])]
    return np.sum(layers[1](layers[0](x)))


def calls_an_item_replaced_before(x):
    layers = [Bias(0.5, 0.1), Bias(0.3, 0.2)]
    layers[1] = Square(x[0])
    return np.sum(layers[1](x))


def test_an_item_of_a_list_of_objects_called_by_index():
    check(calls_items_by_index, X.copy())


def test_an_item_whose_class_is_not_known_stays_refused_at_the_call():
    with pytest.raises(srcdiff.SrcdiffError) as err:
        srcdiff.grad(calls_an_item_replaced_before)(X.copy())
    assert err.value.filename.endswith("test_field_calls.py")
    assert "layers[1](x)" in str(err.value)


# A call of a call's result (`p.shifted(0.1)(0.5)`, `Affine(w, b)(x)`, `make(w)(x)`): the
# object the inner call gives, of a class srcdiff knows, called through its own __call__.
class Affine:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def __call__(self, t):
        return np.tanh(self.w * t + self.b)

    def scaled(self, k):
        return Affine(self.w * k, self.b)

    def grow(self, k):
        self.w = self.w * k
        return self


def make_affine(w):
    return Affine(w, 0.5)


def made_and_called(x):
    return np.sum(Affine(x, 0.1)(x) ** 2)


def factory_result_called(x):
    return np.sum(make_affine(x)(x[::-1]))


def method_result_called(x):
    a = Affine(x, 0.2)
    return np.sum(a.scaled(2.0)(x) + a(x))


def chained_methods_result_called(x):
    a = Affine(x, 0.2)
    return np.sum(a.scaled(2.0).scaled(0.5)(x) * a.scaled(3.0)(x))


def method_result_called_in_a_loop(x):
    a = Affine(x, 0.2)
    t = 0.0
    for k in range(3):
        t = t + np.sum(a.scaled(k + 1.0)(x) ** 2)
    return t


def state_method_result_called(x):
    a = Affine(x, 0.2)
    y = a.grow(2.0)(x)
    return np.sum(y * a.w)


def item_method_result_called(x):
    ps = [Affine(x, 0.1), Affine(x ** 2, 0.3)]
    return np.sum(ps[0].scaled(0.5)(x) + ps[1].scaled(2.0)(x[0]))


@pytest.mark.parametrize("f", [made_and_called, factory_result_called, method_result_called,
                               chained_methods_result_called, method_result_called_in_a_loop,
                               state_method_result_called, item_method_result_called])
def test_the_result_of_a_call_called_in_turn(f):
    check(f, X.copy(), order=2)


def pick(flag, w):
    return Affine(w, 0.1) if flag else Square(w)


def called_result_of_unknown_class(x):
    return np.sum(pick(x[0] > 0, x)(x))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_call_of_a_result_whose_class_is_not_known_stays_refused(mode):
    err = refusal(called_result_of_unknown_class, (X.copy(),), mode)
    assert "pick(x[0] > 0, x)(x)" in err.line
