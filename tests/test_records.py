"""srcdiff/records.py: records (dataclasses and classes whose __init__ only stores its
parameters), the gradient of a record passed in (an object of the same class), records made
in the function, and the located refusal of another class's attribute. Every derivative is
checked against finite differences (gradcheck.check: both modes, and second order)."""
import collections
import dataclasses
import typing
import os

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from object_fixtures import B, W, XS, Layer, Params, Scaled
from srcdiff import records

HERE = os.path.basename(__file__)


# -- record classes (Layer, Scaled, Params: tests/object_fixtures.py) --------------------
class Computes:
    def __init__(self, w):
        self.w = self.scaled(w)   # a method called: more than setting fields

    def scaled(self, w):
        return w * 1.0

    def forward(self, x):
        return x @ self.w


class Renames:
    def __init__(self, w):
        self.weight = w


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
    assert records.record_fields(Layer) == ("w", "b")
    assert records.record_fields(Scaled) == ("w", "name")
    assert records.record_fields(Params) == ("w", "b")
    assert records.is_record_class(Listed)
    # an __init__ setting fields it computes or renames is a record too (init_fields.py)
    assert records.record_fields(Renames) == ("weight",)
    for cls in (Computes, PostInit, np.ndarray, int, dict):
        assert not records.is_record_class(cls), cls


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


# -- a record made in the function: every field, defaults filled in ----------------------
SHIFT = (0.25, -0.5, 1.0)     # a module constant: the default object itself
OFFSET = np.array([0.5, -1.0, 2.0])


@dataclasses.dataclass
class Affine:
    w: np.ndarray
    b: np.ndarray = dataclasses.field(default_factory=lambda: np.array(OFFSET))
    shift: tuple = SHIFT
    act: object = np.tanh   # a function: bound by name, never differentiated
    scale: float = 2.0


class Plain:
    """A record class whose __init__ has a default that is not a literal."""

    def __init__(self, w, b=OFFSET):
        self.w = w
        self.b = b


def affine_defaults(w, x):
    p = Affine(w)
    return np.sum(np.tanh(x * p.w + p.b) * np.asarray(p.shift)) * p.scale


def affine_one_given(w, x):
    p = Affine(w, b=x * x)   # the factory is not called: b is given
    return np.sum(np.tanh(p.w * p.b) + p.b)


def affine_in_a_loop(w, x):
    total = 0.0
    for i in range(3):
        p = Affine(w * (i + 1))
        total = total + np.sum(np.sin(p.w) * p.b) * x[i]   # b from the factory, each trip
    return total


def plain_default(w, x):
    p = Plain(w * x)
    return np.sum(p.w * p.b)


@pytest.mark.parametrize("f", [affine_defaults, affine_one_given, affine_in_a_loop,
                               plain_default])
def test_a_record_made_here_takes_defaults_that_are_not_literals(f):
    # was: refused ("the default value of Affine's field 'b' is not a literal")
    check(f, B.copy(), XS[0].copy(), wrt=(0, 1))


def test_a_factory_is_called_where_the_record_is_made_and_other_defaults_bound_by_name():
    before = OFFSET.copy()
    w, x = B.copy(), XS[0].copy()
    np.testing.assert_allclose(srcdiff.grad(affine_in_a_loop)(w, x),
                               srcdiff.grad(affine_in_a_loop)(w, x))
    assert np.all(OFFSET == before)   # the factory's source array is never written
    text = srcdiff.source(srcdiff.grad(affine_defaults))
    assert "Affine_b_factory_1()" in text and "Affine_default_act_1" in text
    assert "(0.25, -0.5, 1.0)" in text   # a literal default is a constant


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


# -- a record's field holding a named tuple, an OrderedDict or a defaultdict of arrays ---
# The gradient with respect to the record gave such a field's own value back as its
# derivative (runtime_values kept any container of another type than tuple/list/dict as a
# value carrying none): Params(nt=Pair(w=[0.5, 0.25], b=3.0)) where it is ([0.3, 0.6], 0.1)
class _Pair(typing.NamedTuple):
    w: np.ndarray
    b: float


@dataclasses.dataclass
class _Holder:
    a: np.ndarray
    nt: object


def _reads_a_pair_field(p, x):
    return np.sum(p.a * x) + np.sum(p.nt[0] * x) * p.nt[1]


def _reads_a_dict_field(p, x):
    return np.sum(p.a * x) + np.sum(p.nt["w"] * x) * p.nt["b"]


_W2, _X2 = np.array([0.5, 0.25]), np.array([0.1, 0.2])


@pytest.mark.parametrize("f, held", [
    (_reads_a_pair_field, _Pair(_W2, 3.0)),
    (_reads_a_dict_field, collections.OrderedDict(w=_W2, b=3.0)),
    (_reads_a_dict_field, collections.defaultdict(float, w=_W2, b=3.0))],
    ids=["namedtuple", "OrderedDict", "defaultdict"])
def test_a_record_field_holding_a_named_tuple_or_a_dict_subclass_gets_its_derivative(f, held):
    p = _Holder(np.array([1.0, 2.0]), held)
    check(f, p, _X2, wrt=(0, 1))
    g = srcdiff.grad(f)(p, _X2)
    np.testing.assert_allclose(g.nt[0] if isinstance(held, tuple) else g.nt["w"], _X2 * 3.0)


def test_a_named_tuple_argument_gets_a_gradient_of_its_class():
    """It crashed (P.__new__() missing an argument) where the gradient was rebuilt."""
    def f(p, x):
        return np.sum(p[0] * x) * p[1]
    pair = _Pair(_W2, 3.0)
    check(f, pair, _X2, wrt=(0, 1))
    check(lambda ps, x: f(ps[0], x), [pair], _X2)
    g = srcdiff.grad(f)(pair, _X2)
    assert type(g) is _Pair and np.allclose(g.w, _X2 * 3.0)


@dataclasses.dataclass
class _WB:
    w: np.ndarray
    b: float


def _wb_loss(p, x):
    return np.sum(p.w * x) * p.b


def _made_inline(x):
    return _wb_loss(_WB(x[:3], x[3]), x[3:])


def test_a_record_made_inline_as_a_helpers_argument_differentiates():
    """`loss(Params(w, b), x)`: the helper was not told the class of what it was given (as
    it is for `p = Params(w, b); loss(p, x)`) and refused `p.b`."""
    check(_made_inline, np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7]))


class _Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b


def _forward(layers, x):
    h = x
    for layer in layers:
        h = np.tanh(layer.W @ h + layer.b)
    return np.sum(h ** 2)


def _layers_made_here(x):
    layers = [_Affine(x[:4].reshape(2, 2), x[4:6]), _WB(x[2:4], x[5])]
    kept = (_Affine(x[2:6].reshape(2, 2), x[:2]),)
    return _forward(layers[:1], x[:2]) + _forward(kept, x[1:3])


def _mixed_list(x):
    layers = [_Affine(x[:4].reshape(2, 2), x[4:6]), _Affine(x[2:6].reshape(2, 2), x[:2])]
    return _forward(layers, np.array([0.5, -0.3]))


def test_a_list_of_records_made_here_and_passed_to_a_helper_differentiates():
    """`layers = [Affine(W1, b1), Affine(W2, b2)]; forward(layers, x)`: the helper was not
    told its items' class and refused `layer.b`; a list only ever passed on whole now
    tells it, as a list passed in does. A list sliced first (`layers[:1]`) still does not."""
    check(_mixed_list, np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7]))
    with pytest.raises(srcdiff.NoRuleError, match="attribute .b"):
        srcdiff.grad(_layers_made_here)(np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7]))
