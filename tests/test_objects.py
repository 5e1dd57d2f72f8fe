"""srcdiff/objects.py: the classes srcdiff knows objects by (class resolution), the facts
read from the objects passed, dispatch over a list of objects of several classes, and the
located refusals (records are tests/test_records.py's). Every derivative is checked against finite differences
(gradcheck.check: both modes, and second order where it is cheap)."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal
from object_fixtures import B, W, XS, Layer, Params, Scaled
from srcdiff import objects

# classes Layer, Scaled, Params and arrays W, B, XS: tests/object_fixtures.py (shared with
# tests/test_records.py)


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


def test_objects_of_two_classes_appended_to_a_list_are_dispatched():
    check(appended_layers, B.copy(), XS.copy(), wrt=(0, 1))


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


# -- a derivative transformed again (hvp, grad of grad) knows the classes it made ---------
# The gradient keeps a method call whose result carries no derivative as written
# (`h = Scale_1.forward(x)` after `Scale_1 = record_of(Scale, ('w',), fields_1)`, or on a
# dispatch's branch): forward over reverse reads the class from record_of's first argument,
# from the one class of a list's items (`layer = layers[index_1]`) and from the branch
# `if type(layer) is C:` or the check_class before the copy.
class Half:
    K = 0.7

    def __init__(self, w):
        self.w = w

    def forward(self, t):
        return np.tanh(t * self.w)

    @classmethod
    def scaled(cls, t):
        return t * cls.K


class Wave(Half):
    K = 0.2

    def forward(self, t):
        return np.sin(t * self.w)


def unused_result_of_an_object_made_here(w, x):
    h = Half(0.5).forward(x)
    x = x + h
    return np.sum(w * w)


def unused_results_of_a_list_of_two_classes(w, x):
    layers = [Half(0.5), Wave(0.2)]
    h = x
    for layer in layers:
        h = layer.forward(h) + layer.scaled(h)
    x = x + h
    return np.sum(np.sin(w) * w)


def unused_result_of_an_indexed_item(w, x):
    layers = [Half(w), Wave(0.2)]
    h = x
    for i in range(2):
        layer = layers[i]
        h = layer.forward(h)
    x = x + h
    return np.sum(w ** 3) + np.sum(layers[0].forward(x[0]))


def results_of_an_indexed_item_used(w, x):
    layers = [Half(w), Half(w * 0.5)]
    h = x
    for i in range(2):
        h = layers[i].forward(h) * layers[i].scaled(w)
    return np.sum(h ** 2)


@pytest.mark.parametrize("f", [unused_result_of_an_object_made_here,
                               unused_results_of_a_list_of_two_classes,
                               unused_result_of_an_indexed_item, results_of_an_indexed_item_used])
def test_second_order_through_objects_the_gradient_made(f):
    check(f, B, XS, wrt=0)              # hvp: forward over the emitted gradient
    check(f, B, XS, wrt=(0, 1), order=2)   # and forward over the emitted vjp


# -- objects as users write them: called (__call__), a @property, held in a global or a
# closure, a staticmethod called on the class --------------------------------------------
class Dense:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    @staticmethod
    def act(z):
        return np.tanh(z)

    @property
    def weight(self):
        return self.w * 0.5

    def __call__(self, x):
        return self.act(x @ self.weight + self.b)


class Sequential:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


NET = Sequential([Dense(W, B), Dense(W.T, -B)])


def sequential_passed(net, x):
    return np.sum(net(x) ** 2)


def weight_of_a_property(w, x):
    d = Dense(w, w[0])
    return np.sum(x @ d.weight)


def layers_called_in_a_loop(w, x):
    layers = [Dense(w, w[0]), Dense(w * 2.0, w[1])]
    for layer in layers:
        x = layer(x)
    return np.sum(x)


def global_sequential(x):
    return np.sum(NET(x) * x)


def closure_over_a_sequential():
    net = Sequential([Dense(W, B)])

    def loss(x):
        return np.sum(net(x) ** 2)
    return loss


def static_method_on_the_class(x):
    return np.sum(Dense.act(x) * x)


@pytest.mark.parametrize("f", [weight_of_a_property, layers_called_in_a_loop])
def test_objects_called_and_properties_made_here(f):
    check(f, W.copy(), XS.copy(), wrt=(0, 1))
    check(f, W.copy(), XS.copy(), wrt=0)   # second order: hvp


@pytest.mark.parametrize("f", [global_sequential, closure_over_a_sequential(),
                               static_method_on_the_class])
def test_objects_held_in_a_global_or_a_closure(f):
    check(f, XS.copy())


def test_a_sequential_of_layers_passed_in():
    check(sequential_passed, NET, XS.copy(), wrt=1)


def sequential_made_here(w, x):
    net = Sequential([Dense(w, 0.1 * w[0]), Dense(w.T, w[1])])
    return np.sum(net(x) ** 2)


def sequential_of_a_local_list(w, x):
    layers = [Dense(w, w[0]), Base(0.5)]
    model = Sequential(layers)
    return np.sum(model(x))


class Chain:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x


def chain_of_two_classes(w, x):
    return np.sum(Chain((Base(w), Shift(w))).__call__(x) ** 2)


class Gain:
    def __init__(self, g):
        self.g = g

    def __call__(self, x):
        return np.sin(x) * self.g


def sequential_of_two_callable_classes(w, x):
    net = Sequential([Dense(w, w[0]), Gain(w[1]), Dense(w.T, w[2])])
    return np.sum(net(x) ** 2)


@pytest.mark.parametrize("f", [sequential_made_here, sequential_of_two_callable_classes,
                               chain_of_two_classes])
def test_a_sequential_of_layers_made_here(f):
    w = B.copy() if f is chain_of_two_classes else W.copy()
    check(f, w, XS.copy(), wrt=(0, 1))
    check(f, w, XS.copy(), wrt=0)


def test_a_sequential_holding_an_object_without_call_is_refused_where_it_runs():
    # Base has no __call__: refused at the user's line in Sequential.__call__
    err = refusal(sequential_of_a_local_list, (W.copy(), XS.copy()), "grad")
    assert "objects of class Base, which has no method '__call__'" in str(err), str(err)
    assert err.line.strip() == "x = layer(x)"


def first_of_a_grown_list(w, x):
    layers = [Half(w), Wave(0.2)]
    layers.append(Half(w))
    return np.sum(layers[0].forward(x))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_refusal_names_the_users_expression_not_a_temporary(mode):
    text = str(refusal(first_of_a_grown_list, (B, XS), mode))
    assert "cannot tell the class of layers[0]" in text, text
    assert "call layers[0].forward(...)" in text and "forward_" not in text.split("\n")[0]


DENSE = Dense(W, B)


def properties_of_a_list_of_objects(w, x):
    layers = [Dense(w, w[0]), Dense(w * 0.5, w[1])]
    s = 0.0
    for layer in layers:
        s = s + np.sum(x @ layer.weight)
    return s


def property_of_an_object_passed_in(d, x):
    return np.sum(x @ d.weight + d.act(x))


def class_methods_over_a_list_of_two_classes(w, x):
    layers = [Half(w), Wave(0.2)]
    s = 0.0
    for layer in layers:
        s = s + np.sum(layer.scaled(x) * layer.forward(x))
    return s


def property_of_a_global_object(x):
    return np.sum(x @ DENSE.weight)


def test_properties_and_class_methods_on_objects_held_anywhere():
    check(properties_of_a_list_of_objects, W.copy(), XS.copy(), wrt=(0, 1))
    check(property_of_an_object_passed_in, Dense(W.copy(), B.copy()), XS.copy(), wrt=(0, 1))
    check(class_methods_over_a_list_of_two_classes, B.copy(), XS.copy(), wrt=(0, 1))
    check(property_of_a_global_object, XS.copy())


# -- a list of objects built by .append (the fuzz's objects family) ----------------------
def layers_appended_in_a_loop(w, x):
    layers = []
    for c in (0.5, w[1]):
        layers.append(Dense(w * c, w[0]))
    for layer in layers:
        x = layer(x)
    return np.sum(x)


def two_classes_appended(w, x):
    layers = [Half(w)]
    layers.append(Wave(w[0]))
    layers.append(Half(w * 0.5))
    s = 0.0
    for layer in layers:
        x = layer.forward(x)
        s = s + np.sum(layer.scaled(x))
    return s + np.sum(x)


@pytest.mark.parametrize("f, w", [(layers_appended_in_a_loop, W), (two_classes_appended, B)])
def test_methods_of_objects_of_a_list_built_by_append(f, w):
    check(f, w.copy(), XS.copy(), wrt=(0, 1))
    check(f, w.copy(), XS.copy(), wrt=0)


def grown_by_extend(w, x):
    layers = [Half(w)]
    layers.extend([Wave(0.2)])
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_list_grown_but_by_append_stays_refused_with_what_to_write(mode):
    text = str(refusal(grown_by_extend, (B, XS), mode))
    assert "method .forward()" in text and "cannot tell the class of layer" in text, text
    assert "a display, a comprehension or .append" in text
    assert "x = layer.forward(x)" in text


# -- a list of layers of several classes held by a closure or a global (autograd's
# examples/convnet.py: classes in tests/object_fixtures.py) ------------------------------
def _convnet_style():
    from object_fixtures import AffineSpec, ScaleSpec, TanhSpec, make_net
    n, predictions = make_net(3, [TanhSpec(4), ScaleSpec(0.5), AffineSpec(2), TanhSpec(2)])

    def loss(w_vect, x):
        return np.sum(predictions(w_vect, x) ** 2) + 0.1 * np.dot(w_vect, w_vect)
    return n, loss


def test_a_closures_list_of_layers_of_several_classes_is_dispatched_per_item():
    n, loss = _convnet_style()
    w = 0.3 * np.random.default_rng(3).standard_normal(n)
    check(loss, w, XS.copy(), wrt=(0, 1))
    check(loss, w, XS.copy(), wrt=0)   # second order: hvp


SPECS = None


def through_global_specs(w, x):
    for spec in SPECS:
        x = spec.forward_pass(x, w)
    return np.sum(x)


def test_a_globals_list_of_several_classes_is_checked_where_it_runs():
    global SPECS
    from object_fixtures import ScaleSpec, TanhSpec
    tanh = TanhSpec(3)
    tanh.build(3)
    SPECS = [ScaleSpec(0.5), tanh, ScaleSpec(2.0)]
    w = 0.3 * np.random.default_rng(4).standard_normal(tanh.slices.n)
    check(through_global_specs, w, XS.copy(), wrt=(0, 1))
    grad = srcdiff.grad(through_global_specs)
    SPECS = [ScaleSpec(0.5), tanh, Dense(W, B)]   # a class the code was not made for
    with pytest.raises(srcdiff.SrcdiffError) as info:
        grad(w, XS.copy())
    assert info.value.filename == __file__, str(info.value)


# -- an object a nested def or lambda reads from the function (issue #13) ------------------
def apply_to(f, v):
    return f(v)


def nested_def_reads_an_object_made_here(w, xs):
    layer = Layer(w, 0.1)

    def h(u):
        return layer.forward(u) * 2.0
    return np.sum(h(xs))


def lambda_calls_an_object_made_here(w, xs):
    d = Dense(w, 0.2)
    g = lambda u: d(u) + u   # noqa: E731 (as users write it)
    return np.sum(g(xs))


def lambda_reading_an_object_passed_to_a_helper(w, xs):
    layer = Layer(w, 0.1)
    return np.sum(apply_to(lambda u: layer.forward(u), xs))


def lambda_reading_an_object_argument_passed_on(layer, xs):
    return np.sum(apply_to(lambda u: layer.forward(np.sin(u)), xs))


@pytest.mark.parametrize("f", [nested_def_reads_an_object_made_here,
                               lambda_calls_an_object_made_here,
                               lambda_reading_an_object_passed_to_a_helper])
def test_an_object_read_by_a_nested_function(f):
    check(f, W, XS, wrt=(0, 1))


def test_an_object_argument_read_by_a_lambda_passed_on():
    check(lambda_reading_an_object_argument_passed_on, Layer(W, B), XS, wrt=(0, 1))


# -- a method bound to a name (issue #13: m = layer.forward; m(x)) ------------------------
def bound_method_of_an_object_made_here(w, xs):
    layer = Layer(w, 0.1)
    fwd = layer.forward
    h = xs
    for k in range(2):
        h = fwd(h) * 0.9
    return np.sum(h)


def bound_method_of_an_argument(layer, xs):
    fwd = layer.forward
    return np.sum(fwd(xs) * fwd(xs * 0.5))


def bound_method_of_a_rebound_name(w, xs):
    layer = Layer(w, 0.1)
    fwd = layer.forward
    layer = Layer(w * 2.0, 0.3)
    return np.sum(fwd(xs) + layer.forward(xs))


def bound_method_bound_in_a_loop(w, xs):
    h = xs
    for k in range(2):
        layer = Layer(w * (k + 1), 0.1)
        if k == 0:
            fwd = layer.forward
        h = fwd(h)
    return np.sum(h)


def test_a_method_bound_to_a_name_is_called_on_its_object():
    check(bound_method_of_an_object_made_here, W, XS, wrt=(0, 1))
    check(bound_method_of_an_argument, Layer(W, B), XS, wrt=(0, 1))


@pytest.mark.parametrize("f", [bound_method_of_a_rebound_name, bound_method_bound_in_a_loop])
def test_a_method_bound_where_its_object_may_change_is_refused(f):
    # fwd keeps the first object; the name layer holds another when fwd is called
    with pytest.raises(srcdiff.UnsupportedCodeError, match="which function 'fwd' holds"):
        srcdiff.grad(f)(W, XS)


# -- a bound method passed as a value (issue #13: rk4(system.rhs, y, t, dt)) ---------------
class Decay:
    def __init__(self, k):
        self.k = k

    def rhs(self, y, t):
        return -self.k * y + np.sin(t) * self.scale(y)

    def scale(self, y):
        return 0.5 + 0.1 * np.tanh(y)


def rk4(f, y, t, dt):
    k1 = f(y, t)
    k2 = f(y + dt / 2 * k1, t + dt / 2)
    k3 = f(y + dt / 2 * k2, t + dt / 2)
    k4 = f(y + dt * k3, t + dt)
    return y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def integrates_the_method_of_an_object_made_here(k, y):
    system = Decay(k)
    t = 0.0
    for i in range(3):
        y = rk4(system.rhs, y, t, 0.1)
        t = t + 0.1
    return np.sum(y)


def integrates_the_method_of_an_argument(system, y):
    return np.sum(rk4(system.rhs, y, 0.0, 0.1))


def test_a_bound_method_passed_to_an_integrator():
    check(integrates_the_method_of_an_object_made_here, 0.7, B, wrt=(0, 1))
    check(integrates_the_method_of_an_argument, Decay(0.7), B, wrt=(0, 1))
    check(lambda w, xs: np.sum(apply_to(Layer(w, 0.1).forward, xs)), W, XS, wrt=(0, 1))
