"""Calls to the user's own functions, closures, containers and non-differentiable parts."""
import numpy as np
import pytest

import srcdiff
from calls_helpers import affine, dense
from gradcheck import check_grad, check_hvp, check_jvp

rng = np.random.default_rng(3)
X = rng.normal(size=3)
W = rng.normal(size=3)


def square_sum(a):
    return np.sum(a * a)


def pair(a, b, scale=2.0):
    return np.sum(a * b) * scale, a * b


def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


def calls_module_function(x):
    return square_sum(x * 2.0) + square_sum(x)


def calls_imported_function(x, w):
    return np.sum(affine(x, w) * affine(w, x, b=-1.0))


def unpacks_tuple(x, w):
    s, p = pair(x, w)
    t, _ = pair(p, x, scale=0.5)
    return s + t


def literal_arguments(x):
    return np.sum(affine(x, 3.0, 1.0) * affine(2.0, x))


def recursion_with_branch(x):
    acc = 0.0
    for i in range(4):
        acc = acc + power(x, i)
    return np.sum(acc)


def nested_closure_in_loop(x, w):
    def layer(z, k=2.0):
        return np.sum(z * w) * k
    s = 0.0
    for i in range(3):
        s = s + layer(x * i) + layer(x, k=0.5)
    return s


def lambda_local(x):
    sq = lambda v: v * v  # noqa: E731
    return np.sum(sq(x) + sq(x * 2.0))


def keyword_only_call(x, w):
    return np.sum(affine(w=w, x=x))


CASES = [calls_module_function, literal_arguments, recursion_with_branch, lambda_local]
TWO_ARG = [calls_imported_function, unpacks_tuple, nested_closure_in_loop, keyword_only_call]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_one_argument(f):
    check_grad(f, X)


@pytest.mark.parametrize("f", TWO_ARG, ids=lambda f: f.__name__)
def test_two_arguments(f):
    check_grad(f, X, W, wrt=(0, 1))


def test_callee_is_differentiated_once_per_activity_pattern():
    text = srcdiff.source(srcdiff.grad(calls_module_function))
    assert text.count("def forward_square_sum(") == 1
    assert text.count("= forward_square_sum(tape") == 2


def test_recursion_emits_one_pair():
    text = srcdiff.source(srcdiff.grad(recursion_with_branch))
    assert text.count("def backward_power(") == 1


def model(params, x):
    h = dense(params, x)
    return np.sum(h * h) + 0.1 * np.sum(params["w"] ** 2)


def test_dict_of_parameters_through_a_helper():
    params = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    x = rng.normal(size=(4, 3))
    g = check_grad(model, params, x)
    assert set(g) == {"w", "b"}


def tuple_params(ws, x):
    w1, w2 = ws
    return np.sum(np.tanh(x @ w1) @ w2)


def list_params(ws, x):
    return np.sum((x @ ws[0]) * ws[1])


def test_tuple_and_list_parameters():
    x = rng.normal(size=(2, 3))
    g = check_grad(tuple_params, (rng.normal(size=(3, 4)), rng.normal(size=(4, 2))), x)
    assert isinstance(g, tuple)
    g = check_grad(list_params, [rng.normal(size=(3, 2)), rng.normal(size=(2, 2))], x)
    assert isinstance(g, list)


def with_side_effects(x):
    n = x.shape[0]
    k = n * 2 + 1
    noise = np.random.default_rng(0).normal(size=n)
    print("computing", k)
    assert n > 0, "empty input"
    return np.sum(x * x) + np.sum(noise) * 0.0 + k


def test_non_differentiable_parts_run_unchanged(capsys):
    check_grad(with_side_effects, X)
    assert "computing 7" in capsys.readouterr().out


class Scaler:
    def __init__(self, scale):
        self.scale = scale


def uses_object(x, obj):
    return np.sum(obj.scale * x * x)


def test_attributes_of_inactive_objects():
    check_grad(uses_object, X, Scaler(3.0))


def test_differentiating_an_object_is_refused():
    with pytest.raises(srcdiff.SrcdiffError, match="attribute"):
        srcdiff.grad(lambda s: s.scale * 2.0)(Scaler(np.array(2.0)))


def with_aux(x, w):
    pred = x * w
    loss = np.sum((pred - 1.0) ** 2)
    return loss, {"pred": pred, "n": 3}


def test_has_aux_returns_aux_unchanged():
    g, aux = srcdiff.grad(with_aux, has_aux=True)(X, W)
    np.testing.assert_allclose(g, 2 * (X * W - 1.0) * W)
    np.testing.assert_allclose(aux["pred"], X * W)
    (value, aux2), g2 = srcdiff.value_and_grad(with_aux, wrt=(0, 1), has_aux=True)(X, W)
    assert value == pytest.approx(np.sum((X * W - 1.0) ** 2))
    np.testing.assert_allclose(g2[1], 2 * (X * W - 1.0) * X)
    assert aux2["n"] == 3


def test_has_aux_needs_a_pair():
    with pytest.raises(srcdiff.ArgumentError, match="not a pair"):
        srcdiff.grad(lambda x: np.sum(x * x), has_aux=True)(X)


def add_item(items, v):
    items.append(v * 2.0)


def appends_through_a_helper(x):
    items = []
    add_item(items, x)
    return np.sum(np.stack(items))


def returns_after_appending(items, v):
    items.append(v)
    return v * 2.0


def mutated_argument_with_result(x):
    items = [x]
    y = returns_after_appending(items, x * x)
    return np.sum(y) + np.sum(np.stack(items))


def test_helpers_that_change_their_arguments_are_refused():
    with pytest.raises(srcdiff.SrcdiffError, match="dropped"):
        srcdiff.grad(appends_through_a_helper)(X)
    with pytest.raises(srcdiff.SrcdiffError, match="changes its argument 'items' in place"):
        srcdiff.grad(mutated_argument_with_result)(X)


class Layer:
    def __init__(self, w, scale):
        self.w = w
        self.scale = scale

    def forward(self, x):
        return np.tanh(x @ self.w) * self.scale

    def loss(self, x):
        h = self.forward(x)
        return np.sum(h * h)


def model_loss(layer, x):
    return layer.loss(x) + np.sum(layer.forward(x * 2.0))


def test_methods_of_user_objects_passed_in():
    layer = Layer(rng.normal(size=(3, 2)), 1.5)
    x = rng.normal(size=(4, 3))
    check_grad(model_loss, layer, x, wrt=1)
    g = srcdiff.grad(model_loss, wrt=1)
    g(layer, x)
    text = srcdiff.source(g)
    assert "def forward_loss(tape, self, x):" in text and "def forward_forward(" in text


def test_gradient_of_a_bound_method():
    layer = Layer(rng.normal(size=(3, 2)), 0.5)
    x = rng.normal(size=(4, 3))
    from gradcheck import numerical_grad
    got = srcdiff.grad(layer.loss)(x)
    np.testing.assert_allclose(got, numerical_grad(lambda x: layer.loss(x), [x], 0), rtol=1e-5)


def _grow_until(v):
    for k in range(3):
        v = v * 1.1
        if np.sum(v) > 1.0:
            break
    return v


def _first_big(v):
    total = v * 0.0
    for k in range(5):
        total = total + np.sin(v * k)
        if np.sum(total) > 1.0:
            return total * 2.0
    return total


def _grow_while(v):
    while True:
        v = np.sin(v) + 0.9 * v
        if np.sum(v * v) > 4.0:
            break
    return v


def calls_loops_cut_short(x):
    return np.sum(_grow_until(x) * _first_big(x)) + np.sum(_grow_while(x))


@pytest.mark.parametrize("x", [np.array([0.3, 0.5]), np.array([0.05, 0.1])])
def test_helpers_whose_loops_break_or_return(x):
    """The trip counts of a helper's loops that break or return early go on the tape with the
    rest of what its backward needs (they were read unbound)."""
    check_grad(calls_loops_cut_short, x)
    check_hvp(calls_loops_cut_short, x, vector=np.array([1.0, -0.5]))


def _scaled(v, *, k, shift=0.0):
    return v * k + shift


def calls_keyword_only(x, c):
    fixed = _scaled(2.0, k=3.0)           # no argument differentiated: the function itself
    return np.sum(_scaled(x, k=c, shift=fixed) * x)


def test_helpers_with_keyword_only_parameters():
    x = np.array([0.3, -0.5])
    for wrt in (0, 1):
        check_grad(calls_keyword_only, x, 0.7, wrt=wrt)
    from gradcheck import check_jvp
    check_jvp(calls_keyword_only, x, 0.7, wrt=(0, 1))
    check_hvp(calls_keyword_only, x, 0.7, vector=np.array([1.0, 2.0]))


def _square(v):
    return v * v


def _cube(v):
    return v * v * v


_edited_helper = _square


def calls_edited_helper(x):
    return np.sum(_edited_helper(x))


def test_a_helper_redefined_after_the_first_call_is_followed():
    """As when a notebook cell redefines a helper: the derivative is made again, not reused."""
    global _edited_helper
    x = np.array([0.5, -2.0])
    grad = srcdiff.grad(calls_edited_helper)
    jvp = srcdiff.jvp(calls_edited_helper)
    from gradcheck import numerical_grad
    try:
        np.testing.assert_allclose(grad(x), numerical_grad(calls_edited_helper, [x], 0),
                                   rtol=1e-6)
        _edited_helper = _cube
        check_grad(calls_edited_helper, x)
        np.testing.assert_allclose(grad(x), srcdiff.grad(calls_edited_helper)(x))
        np.testing.assert_allclose(jvp(x, np.ones(2))[1], np.sum(grad(x)))
        np.testing.assert_allclose(grad(x), numerical_grad(calls_edited_helper, [x], 0),
                                   rtol=1e-6)
    finally:
        _edited_helper = _square
    np.testing.assert_allclose(grad(x), numerical_grad(calls_edited_helper, [x], 0), rtol=1e-6)


def returns_before_its_loop(t, u):
    if u > 0.0:
        return np.inner(t, t)
    for i in range(2):
        if u < -5.0:
            return t[1]
        t = np.sin(t) * u
    return t[0]


def calls_a_helper_returning_before_its_loop(x, s):
    return 0.5 * np.tanh(returns_before_its_loop(x, s)) + np.sum(x * x * x)


@pytest.mark.parametrize("s", [0.3, -0.4])
def test_helper_returning_before_a_loop_it_may_not_reach(s):
    """Found by the random-program tester: a helper returning early, before a loop that
    itself may return, pushed that loop's range and trip count unbound
    (UnboundLocalError) when the early return was taken."""
    x = np.array([0.8, 0.09, 0.72])
    check_grad(calls_a_helper_returning_before_its_loop, x, s, wrt=(0, 1))
    check_jvp(calls_a_helper_returning_before_its_loop, x, s, wrt=(0, 1))
    check_hvp(calls_a_helper_returning_before_its_loop, x, s,
              vector=np.array([0.3, 1.0, -0.6]))
