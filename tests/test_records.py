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


# -- a list, tuple or dict of records passed in (issue #13) ------------------------------
@dataclasses.dataclass
class Dense:
    w: np.ndarray
    b: np.ndarray
    name: str = "dense"

    def __call__(self, h):
        return np.tanh(self.w @ h + self.b)


def _dense(seed, name="dense"):
    rng = np.random.default_rng(seed)
    return Dense(rng.normal(size=(3, 3)) * 0.5, rng.normal(size=3) * 0.5, name)


def through_layers(layers, x):
    for layer in layers:
        x = layer(x)
    return np.sum(x ** 2)


def through_coder(coder, x):
    for key in coder:
        x = coder[key](x)
    return np.sum(x ** 2)


def coder_fields(coder, x):
    enc = coder["enc"]
    h = np.tanh(enc.w @ x + enc.b)
    return np.sum(coder["dec"].w @ h ** 2)


def test_list_of_records_differentiates():
    layers = [_dense(1, "first"), _dense(2, "second")]
    x = np.array([0.3, -0.2, 0.5])
    check(through_layers, layers, x, wrt=0, order=2)
    check(through_layers, layers, x, wrt=(0, 1), order=2)
    g = srcdiff.grad(through_layers)(layers, x)
    assert type(g) is list and [type(d) for d in g] == [Dense, Dense]
    assert [d.name for d in g] == ["first", "second"]   # fields without a derivative
    assert layers[0].name == "first" and g[0] is not layers[0]


def test_tuple_of_records_differentiates():
    layers = (_dense(3), _dense(4), _dense(5))
    x = np.array([0.1, 0.4, -0.3])
    check(through_layers, layers, x, wrt=0, order=2)
    g = srcdiff.grad(through_layers)(layers, x)
    assert type(g) is tuple and all(type(d) is Dense for d in g)


def test_dict_of_records_differentiates():
    coder = {"enc": _dense(6), "dec": _dense(7)}
    x = np.array([0.2, -0.1, 0.6])
    check(through_coder, coder, x, wrt=0, order=2)
    check(through_coder, coder, x, wrt=(0, 1), order=2)
    check(coder_fields, coder, x, wrt=0, order=2)
    g = srcdiff.grad(through_coder)(coder, x)
    assert type(g) is dict and list(g) == ["enc", "dec"] and type(g["dec"]) is Dense


def test_list_of_records_tangents_are_records():
    layers = [_dense(8), _dense(9)]
    x = np.array([0.3, 0.2, -0.4])
    tangents = [Dense(np.ones((3, 3)), np.zeros(3)), Dense(np.zeros((3, 3)), np.ones(3))]
    value, tangent = srcdiff.jvp(through_layers)(layers, x, tangents)
    g = srcdiff.grad(through_layers)(layers, x)
    expected = sum(np.sum(d.w * t.w) + np.sum(d.b * t.b) for d, t in zip(g, tangents))
    assert value == pytest.approx(through_layers(layers, x))
    assert tangent == pytest.approx(expected)


@dataclasses.dataclass
class Tag:
    name: str
    size: int


def count_tags(tags, x):
    return x * len(tags)


def test_list_of_records_without_floats_refused():
    with pytest.raises(srcdiff.ArgumentError, match="holds no float"):
        srcdiff.grad(count_tags)([Tag("a", 1), Tag("b", 2)], 2.0)


class PlainDense:   # a record class that is no dataclass
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def forward(self, h):
        return np.tanh(self.w @ h + self.b)


def forward_layers(layers, x):
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x ** 2)


def forward_coder(coder, x):
    return np.sum(coder["dec"].forward(coder["enc"].forward(x)) ** 2)


def test_list_and_dict_of_plain_records_differentiate():
    rng = np.random.default_rng(11)
    layers = [PlainDense(rng.normal(size=(2, 2)), rng.normal(size=2)) for _ in range(2)]
    x = np.array([0.3, -0.7])
    check(forward_layers, layers, x, wrt=0, order=2)
    check(forward_layers, tuple(layers), x, wrt=(0, 1), order=2)
    check(forward_coder, {"enc": layers[0], "dec": layers[1]}, x, wrt=0, order=2)
    g = srcdiff.grad(forward_layers)(layers, x)
    assert [type(d) for d in g] == [PlainDense, PlainDense] and g[0] is not layers[0]


@dataclasses.dataclass
class PlainNet:
    layers: list
    scale: float


def plain_net_loss(net, x):
    for layer in net.layers:
        x = layer.forward(x)
    return net.scale * np.sum(x ** 2)


def test_record_holding_a_list_of_plain_records_gives_their_derivatives():
    # the list's objects (no dataclasses) were given back as they were: their weights taken
    # for their derivatives
    net = PlainNet([PlainDense(np.eye(2) * 0.5, np.array([0.1, -0.2]))], 2.0)
    check(plain_net_loss, net, np.array([0.3, -0.7]), wrt=0, order=2)


# A @property read on an item of a list holding objects of several classes (`s.perimeter`
# for s in [Rect(...), Tri(...)]): a branch per class calling that class's getter (the
# property inherited, or overridden), the last branch checking the class where the code
# runs. Was refused: "the attribute .perimeter of a value ... whose class it cannot tell".
from hunt27_programs import Rect as PolyRect, Tri as PolyTri   # noqa: E402 (a Shape's
# perimeter property, inherited; area overridden)


class PolyCircle:
    def __init__(self, r):
        self.r = r

    @property
    def perimeter(self):
        return 2.0 * np.pi * self.r ** 1.5


class PolyDot:
    def __init__(self, r):
        self.r = r


def shapes_of_two_classes(x):
    shapes = [PolyRect(x[0], x[1]), PolyTri(np.array([x[0] + 2.0, x[1] + 2.0, x[2] + 2.0]))]
    return sum(s.area() + 0.1 * s.perimeter for s in shapes)


def perimeters_of_three_classes(x):
    shapes = [PolyCircle(x[2] + 2.0), PolyRect(x[0], x[1]), PolyCircle(x[0] + 1.0),
              PolyTri(x + 2.0)]
    total = 0.0
    for s in shapes:
        total = total + s.perimeter ** 2
    return total


def a_class_without_the_property(x):
    shapes = [PolyCircle(x[2] + 2.0), PolyDot(x[0])]
    return sum(s.perimeter for s in shapes)


@pytest.mark.parametrize("f", [shapes_of_two_classes, perimeters_of_three_classes])
def test_a_property_of_list_items_of_several_classes(f):
    check(f, np.array([0.4, -0.7, 1.1]), order=2)


def test_a_property_one_class_lacks_stays_refused():
    from gradcheck import refusal
    err = refusal(a_class_without_the_property, (np.array([0.4, -0.7, 1.1]),), "grad")
    assert "perimeter" in str(err)
