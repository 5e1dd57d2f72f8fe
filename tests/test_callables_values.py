"""Functions used as values, functools.partial, static and class methods, *args and
**kwargs, starred displays and calls (srcdiff/values.py): each checked against finite
differences in both modes and to second order, and the refusals located."""
import dataclasses
import functools
import os

import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal

HERE = os.path.basename(__file__)
X = np.array([0.3, 0.7, 1.1])
THETA = np.array([1.0, 0.4, 0.3, 0.8])


# -- an integrator taking the right-hand side as a parameter -------------------------
def lotka_volterra(y, t, theta):
    return np.array([theta[0] * y[0] - theta[1] * y[0] * y[1],
                     theta[2] * y[0] * y[1] - theta[3] * y[1]])


def rk4(f, y, t, dt, theta):
    k1 = f(y, t, theta)
    k2 = f(y + dt / 2 * k1, t + dt / 2, theta)
    k3 = f(y + dt / 2 * k2, t + dt / 2, theta)
    k4 = f(y + dt * k3, t + dt, theta)
    return y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def simulate(theta):
    y = np.array([1.0, 0.5])
    t = 0.0
    for _ in range(4):
        y = rk4(lotka_volterra, y, t, 0.1, theta)
        t = t + 0.1
    return np.sum(y ** 2)


def test_an_integrator_taking_the_right_hand_side():
    check(simulate, THETA)


def test_the_callee_is_specialised_on_the_function_passed():
    g = srcdiff.grad(simulate)
    g(THETA)
    text = srcdiff.source(g)
    assert "def forward_rk4(tape, f, y, t, dt, theta):" in text
    assert "def forward_lotka_volterra(" in text


# -- an optimiser taking a loss's gradient; a function passed on twice ---------------
def step_direction(w, x):
    return np.tanh(w * x)


def descend(direction, w, x, steps):
    for _ in range(steps):
        w = w - 0.1 * direction(w, x)
    return w


def optimised(x):
    return np.sum(descend(step_direction, x, x * 2.0, 3))


def halve(g, y):
    return 0.5 * g(y * y, 1.0)


def passes_on(f, y):
    return y + 0.1 * f(y, 2.0) + halve(f, y)


def scaled(y, s):
    return np.sin(y) * s


def passed_twice(x):
    return np.sum(passes_on(scaled, x))


@pytest.mark.parametrize("f", [optimised, passed_twice])
def test_functions_passed_on(f):
    check(f, X)


# -- the differentiated function's own argument is a function ------------------------
def square(v):
    return v * v


def cube(v):
    return v * v * v


def applies(x, f):
    return np.sum(f(x) * x)


@pytest.mark.parametrize("fn", [square, cube, np.tanh])
def test_a_function_argument(fn):
    check(applies, X, fn)


def test_each_function_argument_gets_its_own_derivative():
    g = srcdiff.grad(applies)
    from gradcheck import numerical_grad
    for fn in (square, cube, square):
        np.testing.assert_allclose(g(X, fn), numerical_grad(lambda x: applies(x, fn), [X], 0),
                                   rtol=1e-6)


def test_a_numpy_function_passed_in_is_known_on_the_first_call():
    # the rules were loaded only once a derivative was made: the first call of a fresh
    # process refused `g(x)` with g = numpy.cos, the second ran
    import subprocess
    import sys
    code = ("import numpy as np, srcdiff\n"
            "def f(x, g):\n    return np.sum(g(x))\n"
            "print(float(srcdiff.grad(f)(np.array([0.3]), np.cos)[0]))\n")
    with open(os.path.join(_TMP(), "first_call.py"), "w") as fh:
        fh.write(code)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.dirname(os.path.abspath(__file__)))] +
        os.environ.get("PYTHONPATH", "").split(os.pathsep)))
    run = subprocess.run([sys.executable, fh.name], capture_output=True, text=True, env=env,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert abs(float(run.stdout) - -np.sin(0.3)) < 1e-12


def _TMP():
    import tempfile
    return tempfile.mkdtemp(prefix="srcdiff-first-call-")


# -- functions taken from lists and tuples, passed to helpers and nested defs (#13) ----
def apply(f, x):
    return f(x)


def applies_items_of_a_display(x):
    fs = [np.sin, square]
    gs = (cube, fs[0])
    return np.sum(apply(fs[0], x) + apply(fs[-1], x) * fs[1](x) + apply(gs[1], x * gs[0](x)))


def applies_items_passed_in(x, fs):
    return np.sum(apply(fs[0], x) * fs[1](x) + apply(fs[1], x))


def nested_def_reads_a_function_passed_in(x, g):
    def inner(y):
        return g(y) * 2.0
    return np.sum(inner(x) + apply(inner, x))


def nested_def_passes_on_a_function_passed_in(x, g):
    def inner(y):
        return apply(g, y) * y
    return np.sum(apply(inner, x) + inner(x * 2.0) + apply(lambda v: g(v) * x, x))


@pytest.mark.parametrize("f, args", [
    (applies_items_of_a_display, ()),
    (applies_items_passed_in, ((np.tanh, square),)),
    (applies_items_passed_in, ([cube, np.sin],)),
    (nested_def_reads_a_function_passed_in, (np.cos,)),
    (nested_def_reads_a_function_passed_in, (cube,)),
    (nested_def_passes_on_a_function_passed_in, (np.tanh,)),
    (nested_def_passes_on_a_function_passed_in, (square,))])
def test_functions_from_lists_and_enclosing_scopes(f, args):
    check(f, X, *args)


def item_replaced_through_an_alias(x):
    fs = [np.sin, square]
    gs = fs
    gs[0] = np.cos
    return np.sum(apply(fs[0], x))


def replace_first(fs):
    fs[0] = np.cos


def item_replaced_by_a_helper(x):
    fs = [np.sin, square]
    replace_first(fs)
    return np.sum(apply(fs[0], x))


@pytest.mark.parametrize("f", [item_replaced_through_an_alias, item_replaced_by_a_helper])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_item_of_a_list_of_functions_that_may_change_is_refused(f, mode):
    # fs[0] is np.cos when it runs: knowing it as np.sin would give a wrong derivative
    refusal(f, (X,), mode)


def test_each_list_of_functions_gets_its_own_derivative():
    g = srcdiff.grad(applies_items_passed_in)
    from gradcheck import numerical_grad
    for fs in ((np.tanh, square), (square, np.tanh), [np.tanh, square]):
        np.testing.assert_allclose(
            g(X, fs), numerical_grad(lambda x: applies_items_passed_in(x, fs), [X], 0),
            rtol=1e-6)


# -- names holding functions, lambdas, nested defs ------------------------------------
def local_alias(x):
    act = np.tanh
    sq = square
    return np.sum(act(x) * 2.0 + sq(x))


def lambda_passed(x):
    g = lambda v: v * 3.0  # noqa: E731
    return np.sum(rk4(lambda y, t, th: -th * y * y, x, 0.0, 0.1, 2.0)) + np.sum(g(x))


def nested_def_passed(x):
    def rhs(y, t, th):
        return -th * np.sin(y)
    return np.sum(rk4(rhs, x, 0.0, 0.1, 1.5))


@pytest.mark.parametrize("f", [local_alias, lambda_passed, nested_def_passed])
def test_names_holding_functions(f):
    check(f, X)


# -- map and sorted over user functions -----------------------------------------------
def mapped(x):
    xs = [x[0], x[1], x[2]]
    ys = list(map(square, xs))
    return ys[0] + ys[1] * ys[2]


def mapped_pairs(x):
    a = [x[0], x[1]]
    b = [x[2], x[0]]
    k = x[1]
    return sum(map(lambda u, v: u * v * k, a, b))


def mapped_in_a_loop_header(x):
    total = 0.0
    for v in map(cube, [x[0], x[1] * 2.0]):
        total = total + v
    return total


def sorted_by_key(x):
    xs = [x[0], x[1] * -2.0, x[2]]
    ys = sorted(xs, key=square)
    zs = sorted(xs, reverse=True)
    return ys[0] * 3.0 + ys[1] * ys[2] + zs[0] * 5.0


def sorted_by_a_lambda(x):
    xs = [x[0] * 2.0, x[1], x[2]]
    c = x[0]
    ys = sorted(xs, key=lambda v: (v - c) ** 2, reverse=False)
    return ys[0] * 3.0 + ys[1] * ys[2]


def sorted_keys_of_a_dict(x):
    d = {"b": x[0], "a": x[1] * 2.0, "c": x[2]}
    total = 0.0
    for i, k in enumerate(sorted(d, key=lambda k: k, reverse=True)):
        total = total + d[k] * (i + 1.0)
    return total + sum(map(square, d.values()))


@pytest.mark.parametrize("f", [mapped, mapped_pairs, mapped_in_a_loop_header, sorted_by_key,
                               sorted_by_a_lambda, sorted_keys_of_a_dict])
def test_map_and_sorted(f):
    check(f, X)


# -- functools.partial ------------------------------------------------------------------
def with_weight(w, x, s):
    return np.sin(w * x) * s


MODULE_PARTIAL = functools.partial(step_direction, x=np.array([0.5, 1.5, 2.0]))
SCALED_PARTIAL = functools.partial(with_weight, s=0.3)


def module_partials(w):
    return np.sum(MODULE_PARTIAL(w) + descend(SCALED_PARTIAL, w, w, 2))


def local_partial(w):
    p = functools.partial(with_weight, w, s=w[0])
    w = w * 2.0   # the partial keeps the value w had
    return np.sum(p(w))


@pytest.mark.parametrize("f", [module_partials, local_partial])
def test_partials(f):
    check(f, X)


def test_a_partial_argument():
    check(applies, X, functools.partial(with_weight, 2.0, s=0.5))


# -- static methods, class methods, objects held at module level ----------------------
class Model:
    K = 3.0

    def __init__(self, a):
        self.a = a

    @staticmethod
    def act(v):
        return np.tanh(v)

    @classmethod
    def scale(cls, v):
        return v * cls.K

    def predict(self, x):
        return self.act(x * self.a) + self.scale(x) + Model.scale(x) + Model.act(x)


def uses_methods(model, x):
    return np.sum(model.predict(x))


MODEL = Model(1.5)


def uses_a_module_object(x):
    return np.sum(MODEL.predict(x))


def test_static_and_class_methods():
    check(uses_methods, Model(0.7), X, wrt=1)


def test_an_object_held_at_module_level():
    check(uses_a_module_object, X)


# -- refusals ---------------------------------------------------------------------------
def closure_passed(x):
    c = x * 2.0

    def rhs(y, t, th):
        return y * c
    return np.sum(rk4(rhs, x, 0.0, 0.1, 1.0))


def lambda_closure_passed(x):
    c = x * 2.0
    return np.sum(rk4(lambda y, t, th: y * c, x, 0.0, 0.1, 1.0))


def partial_made_here_passed(x):
    p = functools.partial(with_weight, s=x[0])
    return np.sum(descend(p, x, x, 2))


@pytest.mark.parametrize("f", [closure_passed, lambda_closure_passed,
                               partial_made_here_passed])
def test_function_values_made_here_passed_on(f):
    # refused before issue #13; tests/test_values.py has more of these
    check(f, X)


def two(a, b):
    return a * b


def star_of_unknown_length(x, n):
    # (`two(*xs)` differentiates now: two takes exactly two, checked when it runs;
    # tests/test_variadic.py)
    def total(*vs):
        return sum(vs)
    xs = [x] * n
    return np.sum(total(*xs) + two(x, x))


def writes_its_argument(y, t, th):
    y[0] = 1.0
    return y


def writer_passed(x):
    return np.sum(rk4(writes_its_argument, x * 1.0, 0.0, 0.1, 1.0))


def chosen_at_run_time(x):
    if x[0] > 0:
        act = np.tanh
    else:
        act = np.sin
    return np.sum(act(x))


REFUSED = [
    (star_of_unknown_length, "passes *xs only where it fills a *args", "one by one"),
    (chosen_at_run_time, "cannot tell which function 'act' holds", "bind act once"),
]


@pytest.mark.parametrize("f, reason, hint", REFUSED, ids=[c[0].__name__ for c in REFUSED])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_refusals_are_located(f, reason, hint, mode):
    args = (X, 2) if f is star_of_unknown_length else (X,)
    text = str(refusal(f, args, mode))
    assert reason in text and hint in text, text


def test_a_right_hand_side_writing_into_its_argument_is_followed():
    # rk4 hands writes_its_argument a fresh array each step (x * 1.0, y + ...): its item
    # write is the caller's own (writing_helpers); the caller's x is left alone
    x = X.copy()
    check(writer_passed, x)
    srcdiff.grad(writer_passed)(x)
    np.testing.assert_array_equal(x, X)


# -- objects held in lists, attributes, made here, or bound at module level -----------
class Dense:
    def __init__(self, w):
        self.w = w

    def forward(self, x):
        return np.tanh(x @ self.w)


class Scale:
    def __init__(self, s):
        self.s = s

    def forward(self, x):
        return x * self.s


class Net:
    def __init__(self, ws):
        self.layers = [Dense(w) for w in ws]
        self.head = Dense(ws[0])

    def loss(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return np.sum(self.head.forward(x))


def net_loss(net, x):
    h = x
    for i, layer in enumerate(net.layers):
        h = layer.forward(h) * (i + 1.0)
    return np.sum(net.head.forward(h))


def list_loss(layers, x):
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x)


def made_here(x):
    w = np.eye(3) * 0.5
    d = Dense(w)
    return np.sum(Dense(w * 2.0).forward(x) + d.forward(x))


def local_list_of_layers(x):
    layers = [Dense(np.eye(3)), Dense(np.eye(3) * 0.3)]
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x)


RNG = np.random.default_rng(5)
WS = [RNG.normal(size=(3, 3)) for _ in range(2)]
XS = RNG.normal(size=(2, 3))
NET = Net(WS)


def module_net(x):
    return NET.loss(x)


@pytest.mark.parametrize("f, args, wrt", [
    (net_loss, (Net(WS), XS), 1), (list_loss, (Net(WS).layers, XS), 1), (made_here, (XS,), 0),
    (local_list_of_layers, (XS,), 0), (module_net, (XS,), 0)],
    ids=["attribute", "list", "made_here", "local_list", "module_object"])
def test_objects_held_anywhere(f, args, wrt):
    check(f, *args, wrt=wrt)


def test_a_bound_methods_layers():
    check(lambda x: NET.loss(x), XS)
    from gradcheck import numerical_grad
    np.testing.assert_allclose(srcdiff.grad(NET.loss)(XS), numerical_grad(NET.loss, [XS], 0),
                               rtol=1e-5)


def test_a_layer_replaced_by_another_class_after_compiling_is_refused():
    net = Net(WS)
    g = srcdiff.grad(net.loss)
    g(XS)
    net.layers[1] = Scale(2.0)
    with pytest.raises(srcdiff.SrcdiffError, match="compiled this call for objects of class "
                       "Dense, but this one is a Scale") as info:
        g(XS)
    assert info.value.filename.endswith(HERE)


def test_layers_of_different_classes_dispatch_on_the_class_at_the_call():
    # a branch per class read from the list passed (objects.dispatch; tests/test_objects.py)
    check(list_loss, [Dense(WS[0]), Scale(2.0)], XS, wrt=1)
    # and a list of one class again is followed (the classes are part of the cache key)
    check(list_loss, [Scale(2.0), Scale(0.5)], XS, wrt=1)


# -- dataclasses holding parameters: their gradient is the same dataclass ---------------
@dataclasses.dataclass
class Params:
    w: np.ndarray
    b: float
    name: str = "layer"

    def predict(self, x):
        return np.tanh(x @ self.w + self.b)


@dataclasses.dataclass
class Model2:
    first: Params
    scale: np.ndarray


def params_loss(p, x):
    return np.sum(p.predict(x) ** 2) * p.b + np.sum(p.w)


def nested_loss(m, x):
    return np.sum(m.first.predict(x) * m.scale)


def params_in_a_list(ps, x):
    for p in ps:
        x = p.predict(x)
    return np.sum(x)


P0 = Params(RNG.normal(size=(3, 3)) * 0.5, 0.3)


@pytest.mark.parametrize("f, args, wrt", [
    (params_loss, (P0, XS), 0), (params_loss, (P0, XS), (0, 1)),
    (nested_loss, (Model2(P0, np.array([1.0, 2.0, 0.5])), XS), 0),
    (params_in_a_list, ([P0, Params(np.eye(3), -0.2)], XS), 1)],
    ids=["one", "with_x", "nested", "list"])
def test_gradient_of_a_dataclass_is_the_same_dataclass(f, args, wrt):
    check(f, *args, wrt=wrt)
    g = srcdiff.grad(f, wrt=wrt)(*args)
    first = g[0] if isinstance(wrt, tuple) else g
    if wrt != 1:
        assert type(first) is type(args[0])


def test_a_list_of_dataclasses_to_differentiate_gives_a_list_of_them():
    ps = [P0, Params(np.eye(3), -0.2)]
    check(params_in_a_list, ps, XS, wrt=0, order=2)
    g = srcdiff.grad(params_in_a_list)(ps, XS)
    assert type(g) is list and [type(d) for d in g] == [Params, Params]


# -- functions and objects held in closures ---------------------------------------------
def make_loss(model, activation):
    def loss(x):
        return np.sum(activation(model.predict(x)))
    return loss


def test_a_closures_function_and_object():
    check(make_loss(Model(0.4), np.sin), X)


def made_from_what_is_differentiated(w, x):
    p = Params(w, 0.5)
    q = Params(w * 2.0, b=x[0, 0], name="q")
    return np.sum(p.predict(x) + q.predict(x) * q.b) + Params(w, 0.1).b * np.sum(w)


def nested_made_here(w, x):
    m = Model2(Params(w, 0.2), w[0])
    return nested_loss(m, x)


@pytest.mark.parametrize("f", [made_from_what_is_differentiated, nested_made_here])
def test_dataclasses_made_in_the_function(f):
    check(f, WS[0], XS, wrt=(0, 1))


def writes_into_a_partials_argument(x):
    a = x * 2.0
    p = functools.partial(with_weight, a, s=1.0)
    a[0] = 5.0
    return np.sum(p(x))


def binds_map(x):
    m = map(np.sin, [x, x])
    return np.sum(list(m)[0])


@pytest.mark.parametrize("f, reason, hint", [
    (writes_into_a_partials_argument, "writing into a here would also change a_in_partial",
     "copy"),
    (binds_map, "reads map(...) as the list of its results", "bind list(map(...))")],
    ids=["partial_argument_written", "map_bound"])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_more_refusals_are_located(f, reason, hint, mode):
    _refused(f, reason, hint, mode)


def _refused(f, reason, hint, mode):
    text = str(refusal(f, (X,), mode))
    assert reason in text and hint in text, text


def plain_layer_made_from_what_is_differentiated(w, x):
    return np.sum(Dense(w).forward(x)) + np.sum(Dense(w * 0.5).w)


def test_a_plain_object_made_in_the_function():
    check(plain_layer_made_from_what_is_differentiated, WS[0], XS, wrt=(0, 1))


class Renamed:
    def __init__(self, w):
        self.weight = w * 1.0

    def forward(self, x):
        return x @ self.weight


def made_from_an_init_that_computes(w, x):
    return np.sum(Renamed(w).forward(x))


def test_an_object_whose_init_computes_is_followed():
    # its __init__ computes its field: a record of that field (srcdiff/init_fields.py)
    check(made_from_an_init_that_computes, WS[0], XS, wrt=(0, 1))


def passes_a_module_object(x):
    return list_loss(NET.layers, x) + net_loss(NET, x)


def test_a_module_object_passed_to_a_helper():
    check(passes_a_module_object, XS)


def writes_into_a_field(p, x):
    w = p.w
    w[0] = 0.0
    return np.sum(p.w * x)


def updates_a_field(p, x):
    w = p.w
    w += x[0]
    return np.sum(p.w * x)


@pytest.mark.parametrize("f", [writes_into_a_field, updates_a_field])
@pytest.mark.parametrize("wrt", [0, 1])
def test_writes_into_a_dataclasss_arrays_are_refused(f, wrt):
    """p.w is the caller's array itself: a write through it would change the caller's
    dataclass and go unseen by the derivative."""
    p = Params(np.array([[0.5, 0.6, 0.7]] * 3), 0.2)
    before = p.w.copy()
    with pytest.raises(srcdiff.SrcdiffError, match="may be a view of another array") as info:
        srcdiff.grad(f, wrt=wrt)(p, XS)
    assert info.value.filename.endswith(HERE)
    np.testing.assert_array_equal(p.w, before)


def fields_read_in_a_loop(p, x):
    s = 0.0
    for i in range(3):
        if i > 0:
            s = s + np.sum(np.sin(p.w * i) @ x.T) * p.b
    return s


def test_fields_read_in_a_loop():
    check(fields_read_in_a_loop, P0, XS, wrt=(0, 1))


def made_and_read_in_a_loop(w, x):
    p = Params(w * 2.0, x[0, 0])
    s = 0.0
    for i in range(3):
        if i > 0:
            s = s + np.sum(np.sin(p.w * i) @ x.T) * p.b
    return s


def test_an_object_made_here_read_in_a_loop():
    check(made_and_read_in_a_loop, WS[0], XS, wrt=(0, 1))


def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@logged
def logged_step(w, x, s=1.0):
    return np.tanh(w * x) * s


def calls_a_decorated_helper(x):
    return np.sum(logged_step(x, x * 2.0) + logged_step(x, 0.5, s=x[0]))


def test_a_helper_decorated_with_a_star_args_wrapper():
    check(calls_a_decorated_helper, X)


# -- a function value carrying a derivative, given to a library function ----------------
T5 = np.linspace(0.0, 1.0, 5)


def odeint_of_an_inline_lambda(y0, k):
    import scipy.integrate as si
    return np.sum(si.odeint(lambda y, t: -k * y, y0, T5))


def odeint_of_an_assigned_lambda(y0, k):
    import scipy.integrate as si
    f = lambda y, t: -k * y  # noqa: E731
    return np.sum(si.odeint(f, y0, T5))


def odeint_of_a_partial(y0, k):
    import scipy.integrate as si
    return np.sum(si.odeint(functools.partial(scaled, s=-k), y0, T5))


@pytest.mark.parametrize("f", [odeint_of_an_inline_lambda, odeint_of_an_assigned_lambda,
                               odeint_of_a_partial])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_function_value_carrying_a_derivative_given_to_odeint_is_refused(f, mode):
    """F closing over the differentiated k would give k no derivative through odeint (it
    silently did for a lambda): refused at the line, never a silent zero."""
    pytest.importorskip("scipy")
    y0 = np.array([1.0, 2.0])
    with pytest.raises(srcdiff.SrcdiffError) as info:
        if mode == "grad":
            srcdiff.grad(f, wrt=1)(y0, 0.5)
        else:
            srcdiff.jvp(f, wrt=1)(y0, 0.5, 1.0)
    assert info.value.filename.endswith(HERE)


def layers_in_a_comprehension(layers, x):
    outs = [layer.forward(x) for layer in layers]
    scaled_outs = [layer.forward(x) * (i + 1.0) for i, layer in enumerate(layers)]
    return np.sum(outs[0] + outs[1]) + np.sum(scaled_outs[1])


def test_objects_iterated_in_a_comprehension():
    check(layers_in_a_comprehension, Net(WS).layers, XS, wrt=1)
