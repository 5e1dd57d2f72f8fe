"""srcdiff/derivative.py: a derivative compiles its emitted code per pattern of argument
kinds and shapes (functions passed in, containers, classes of objects, keyword arguments),
shares it with every derivative of the same function, makes it again when a function it
calls is redefined; a derivative held by a class is a method; what only the output tells
is refused at the function's def; composites show the code they run."""
import types
import numpy as np
import pytest

import srcdiff
import srcdiff.derivative
from gradcheck import check, check_hvp, numerical_grad


def loss(w, x, scale=2.0):
    return np.sum((w * x - 1.0) ** 2) * scale


W = np.array([0.5, -1.0, 2.0])
X = np.array([1.0, 2.0, -0.5])


def test_cached_transform():
    g1 = srcdiff.grad(loss)
    g2 = srcdiff.grad(loss)
    g1(W, X)
    g2(W, X)
    assert g1.__wrapped__ is g2.__wrapped__


def _variants(derivative):
    return len({id(f) for f in derivative._compiled.values()})


def test_sizes_of_one_shape_pattern_share_one_variant():
    """Specialisation is on which sizes are 0, 1 or equal, not on the sizes: 14 lengths are
    two variants (length 1 broadcasts, the others do not), and a new size transforms nothing."""
    g = srcdiff.grad(lambda x, y: np.sum(x * y * 3.0))
    for n in range(1, 15):
        np.testing.assert_allclose(g(np.ones(n), np.full(n, 2.0)), 6.0 * np.ones(n))
    assert _variants(g) == 2
    # equal sizes and different sizes are different patterns (y broadcast over x's rows)
    x, y = np.ones((3, 4)), np.arange(4.0)
    np.testing.assert_allclose(g(x, y), 3.0 * np.broadcast_to(y, (3, 4)))
    x, y = np.ones((4, 4)), np.arange(4.0)
    np.testing.assert_allclose(g(x, y), 3.0 * np.broadcast_to(y, (4, 4)))
    assert _variants(g) == 4


def test_many_shape_patterns_share_one_general_variant():
    g = srcdiff.grad(lambda x: np.sum(x * x * 3.0))
    for rank in range(1, 13):
        x = np.ones((2,) * rank)
        np.testing.assert_allclose(g(x), 6.0 * x)
    assert _variants(g) <= srcdiff.api.MAX_SHAPE_VARIANTS + 1


# -- what a variant is specialised on ---------------------------------------------------
def applies(x, f):
    return np.sum(f(x) * x)


def test_a_function_passed_in_gets_a_variant_of_its_own():
    g = srcdiff.grad(applies)
    x = np.array([0.3, -1.2])
    for f in (np.sin, np.cos, np.sin):   # back to the first: its variant, not the last one
        np.testing.assert_allclose(g(x, f), numerical_grad(applies, (x, f), 0), rtol=1e-6)
    assert _variants(g) == 2


def pair_sum(p):
    return np.sum(p[0] * p[1]) + np.sum(p[1])


def test_a_list_and_a_tuple_get_variants_of_their_own_and_gradients_of_their_type():
    a, b = np.array([0.5, 2.0]), np.array([1.5, -1.0])
    g = srcdiff.grad(pair_sum)
    as_list, as_tuple = g([a, b]), g((a, b))
    assert type(as_list) is list and type(as_tuple) is tuple
    check(pair_sum, [a, b])
    check(pair_sum, (a, b))


class Doubler:
    def apply(self, x):
        return 2.0 * x * x


class Tripler:
    def apply(self, x):
        return np.sin(x) * 3.0


def through(model, x):
    return np.sum(model.apply(x))


def test_objects_of_different_classes_get_variants_of_their_own():
    g = srcdiff.grad(through, wrt=1)
    x = np.array([0.3, -1.2])
    for model in (Doubler(), Tripler(), Doubler()):
        np.testing.assert_allclose(g(model, x), numerical_grad(through, (model, x), 1),
                                   rtol=1e-6)
    assert _variants(g) == 2


def keyword_scaled(x, *, k=2.0):
    return np.sum(x * x * k)


def test_keyword_arguments_of_other_kinds_are_other_variants():
    g = srcdiff.grad(keyword_scaled)
    x = np.array([0.3, -1.2])
    np.testing.assert_allclose(g(x, k=3.0), 6.0 * x)
    np.testing.assert_allclose(g(x, k=np.array([1.0, 4.0])), 2.0 * x * np.array([1.0, 4.0]))
    np.testing.assert_allclose(g(x), 4.0 * x)


# -- remade when a callee changes ------------------------------------------------------
def inner(x):
    return x * x


def inner_cubed(x):
    return x * x * x


def outer(x):
    return np.sum(inner(x) * 2.0)


def test_a_derivative_is_made_again_when_a_function_it_calls_is_redefined():
    global inner
    g = srcdiff.grad(outer)
    x = np.array([0.5, -2.0])
    np.testing.assert_allclose(g(x), 4.0 * x)
    saved = inner
    try:
        inner = inner_cubed
        np.testing.assert_allclose(g(x), numerical_grad(outer, (x,), 0), rtol=1e-6)
        np.testing.assert_allclose(g(x), 6.0 * x * x)
    finally:
        inner = saved
    np.testing.assert_allclose(g(x), 4.0 * x)


class Layer:
    def __init__(self, w):
        self.w = w

    def forward(self, x):
        return self.w * x


def builds_a_layer(x):
    return np.sum(Layer(2.0).forward(x) ** 2)


def calls_a_method(m, x):
    return np.sum(m.forward(x) ** 2)


def test_a_derivative_is_made_again_when_a_class_it_builds_is_defined_again():
    """A class defined again (a notebook cell run again) is a new object under the same
    name; the derivative made for the old one gave the old gradient silently."""
    global Layer
    g = srcdiff.grad(builds_a_layer)
    x = np.array([0.3, 0.7, 1.1])
    np.testing.assert_allclose(g(x), 8.0 * x)
    saved = Layer

    class Layer:   # noqa: F811 - the cell run again, with another forward
        def __init__(self, w):
            self.w = w

        def forward(self, x):
            return np.sin(x) * self.w * 1.5
    try:
        np.testing.assert_allclose(g(x), numerical_grad(builds_a_layer, (x,), 0), rtol=1e-6)
    finally:
        Layer = saved
    np.testing.assert_allclose(g(x), 8.0 * x)


def test_a_derivative_is_made_again_when_a_method_it_calls_is_replaced():
    g = srcdiff.grad(calls_a_method, wrt=1)
    x = np.array([0.3, 0.7, 1.1])
    m = Layer(2.0)
    np.testing.assert_allclose(g(m, x), 8.0 * x)
    saved = Layer.forward
    try:
        Layer.forward = lambda self, x: np.sin(x) * self.w * 1.5
        np.testing.assert_allclose(g(m, x), numerical_grad(calls_a_method, (m, x), 1),
                                   rtol=1e-6)
        g2 = srcdiff.grad(builds_a_layer)    # a class found by name: its methods too
        np.testing.assert_allclose(g2(x), numerical_grad(builds_a_layer, (x,), 0), rtol=1e-6)
        Layer.forward = saved
        np.testing.assert_allclose(g2(x), 8.0 * x)
    finally:
        Layer.forward = saved
    np.testing.assert_allclose(g(m, x), 8.0 * x)


# -- methods, refusals, composites ---------------------------------------------------
class Spring:
    def __init__(self, k):
        self.k = k

    def energy(self, x):
        return np.sum(self.k * x * x * x)

    force = srcdiff.grad(energy, wrt="x")


def test_a_derivative_held_by_a_class_is_a_method_of_its_objects():
    x = np.array([0.5, -2.0])
    spring = Spring(3.0)
    np.testing.assert_allclose(spring.force(x),
                               numerical_grad(lambda x: spring.energy(x), (x,), 0), rtol=1e-6)
    assert isinstance(Spring.force, srcdiff.derivative.Derivative)


def returns_a_dict(x):
    return {"a": x * 2.0}


def test_what_only_the_output_tells_is_refused_at_the_functions_def():
    with pytest.raises(srcdiff.ArgumentError, match="returning a dict") as info:
        srcdiff.grad(returns_a_dict)(1.0)
    assert info.value.filename == __file__
    assert info.value.lineno == returns_a_dict.__code__.co_firstlineno
    assert info.value.line == "def returns_a_dict(x):"


def test_a_composite_shows_the_code_it_runs_and_is_right():
    h = srcdiff.hvp(inner_then_sin)
    assert isinstance(h, srcdiff.derivative.Composite)
    x, v = np.array([0.5, -2.0]), np.array([1.0, 0.25])
    check_hvp(inner_then_sin, x, vector=v)
    assert "def " in srcdiff.source(h) and "inner_then_sin" in srcdiff.source(h)


def inner_then_sin(x):
    return np.sum(np.sin(x) * x)


def with_a_default_function(x, act=np.tanh):
    return np.sum(act(x) * x)


def test_a_function_default_not_passed_is_the_function_the_code_is_made_for():
    """def f(x, act=np.tanh) differentiated itself, act not passed: made for the default (it
    was refused, 'cannot tell which function act holds'); passing another makes another."""
    x = np.array([0.3, -1.2, 0.8])
    check(with_a_default_function, x)
    check(lambda v: with_a_default_function(v, np.sin), x)
    g = srcdiff.grad(with_a_default_function)
    np.testing.assert_allclose(g(x, act=np.sin), numerical_grad(
        lambda v: with_a_default_function(v, np.sin), (x,), 0), rtol=1e-6)
    np.testing.assert_allclose(g(x), numerical_grad(with_a_default_function, (x,), 0),
                               rtol=1e-6)


# -- what a derivative is specialised on, found by name or attribute, bound again later
# (session 16: each of these kept the old derivative and gave the old gradient silently)
ACT = np.tanh


class _Tanh:
    def __call__(self, t):
        return np.tanh(2.0 * t)


class _Sine:
    def __call__(self, t):
        return np.sin(2.0 * t)


LAYER = _Tanh()
_SETTINGS = types.SimpleNamespace(act=np.tanh)


class _Config:
    act = np.tanh


def _uses_act(x):
    return np.sum(ACT(x))


def _uses_layer(x):
    return np.sum(LAYER(x))


def _uses_settings(x):
    return np.sum(_SETTINGS.act(x))


def _uses_config(x):
    return np.sum(_Config.act(x))


def _rebind_global(name, value):
    def rebind():
        old = globals()[name]
        globals()[name] = value
        return lambda: globals().__setitem__(name, old)
    return rebind


def _set_attribute(owner, attr, value):
    def rebind():
        old = getattr(owner, attr)
        setattr(owner, attr, value)
        return lambda: setattr(owner, attr, old)
    return rebind


@pytest.mark.parametrize("f, rebind", [
    (_uses_act, _rebind_global("ACT", np.sin)),             # a ufunc named again
    (_uses_layer, _rebind_global("LAYER", _Sine())),        # an object of another class
    (_uses_layer, _rebind_global("LAYER", np.sin)),         # an object, then a ufunc
    (_uses_settings, _set_attribute(_SETTINGS, "act", np.sin)),   # a namespace's field
    (_uses_config, _set_attribute(_Config, "act", np.sin)),       # a class attribute
])
def test_a_derivative_is_made_again_when_what_a_name_holds_is_bound_again(f, rebind):
    g = srcdiff.grad(f)
    x = np.array([0.3, -0.7, 1.1])
    np.testing.assert_allclose(g(x), numerical_grad(f, (x,), 0), rtol=1e-6)
    undo = rebind()
    try:
        np.testing.assert_allclose(g(x), numerical_grad(f, (x,), 0), rtol=1e-6)
    finally:
        undo()
    np.testing.assert_allclose(g(x), numerical_grad(f, (x,), 0), rtol=1e-6)


def test_another_object_of_the_same_class_under_the_name_is_read_live(monkeypatch):
    """An object of the same class bound to the name again needs no new derivative: the
    emitted code reads the name when it runs."""
    g = srcdiff.grad(_uses_layer)
    x = np.array([0.3, -0.7, 1.1])
    g(x)
    made = []
    transform_now = srcdiff.derivative.Derivative._transform_now
    monkeypatch.setattr(srcdiff.derivative.Derivative, "_transform_now",
                        lambda self, *a: made.append(1) or transform_now(self, *a))
    monkeypatch.setitem(globals(), "LAYER", _Tanh())
    np.testing.assert_allclose(g(x), numerical_grad(_uses_layer, (x,), 0), rtol=1e-6)
    assert made == []


def _with_a_default(x, p=2):
    return np.sum(x ** p)


def test_a_derivative_follows_defaults_bound_anew():
    """`f.__defaults__ = ...` after the derivative was made gave the old default's
    gradient silently (session 16)."""
    g = srcdiff.grad(_with_a_default)
    x = np.array([0.3, 0.7, 1.1])
    np.testing.assert_allclose(g(x), numerical_grad(_with_a_default, (x,), 0), rtol=1e-6)
    saved = _with_a_default.__defaults__
    _with_a_default.__defaults__ = (3,)
    try:
        np.testing.assert_allclose(g(x), numerical_grad(_with_a_default, (x,), 0), rtol=1e-6)
        np.testing.assert_allclose(srcdiff.vjp(_with_a_default)(x, 1.0),
                                   numerical_grad(_with_a_default, (x,), 0), rtol=1e-6)
    finally:
        _with_a_default.__defaults__ = saved
    np.testing.assert_allclose(g(x), numerical_grad(_with_a_default, (x,), 0), rtol=1e-6)
