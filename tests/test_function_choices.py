"""srcdiff/function_choices.py: a function chosen where the code runs and then called (issue 13:
`act = np.tanh if c else np.sin` with c a parameter, `act = acts[name]` over a dict of
functions and lambdas with name a str parameter, `fn = f if x.sum() > 0 else g` over the
user's functions) differentiates, both modes, to second order, whichever the run picks (each
was refused: "cannot tell which function 'act' holds"); a missing key raises the KeyError it
raised; any other binding of a called name is left as written, refused at the call."""
import numpy as np
import pytest

import srcdiff
from srcdiff import frontend, function_choices
from srcdiff import syntax as S

from gradcheck import check, refusal

X = np.array([0.4, -0.9, 1.3])


def uf(z):
    return np.sin(z) * z


def ug(z):
    return np.cos(z) + z * z


def by_a_flag(x, c):
    act = np.tanh if c else np.sin
    return np.sum(act(x) * x)


def by_a_comparison(x, c):
    act = np.tanh if c > 0.5 else (np.sin if c > 0.0 else np.exp)
    return np.sum(act(x))


def by_a_key(x, name):
    acts = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.1 * z), "sq": uf}
    act = acts[name]
    return np.sum(act(x) * act(x[::-1]))


def by_the_data(x):
    fn = uf if x.sum() > 0 else ug
    return np.sum(fn(x))


def by_an_index_into_a_tuple(x, i):
    def cube(z):
        return z ** 3
    layers = (np.sin, cube, np.tanh)
    act = layers[i]
    return np.sum(act(x))


def one_chosen_in_the_call_of_another(x, c, name):
    act = np.tanh if c else np.sin
    pick = {"u": uf, "g": ug}[name]
    s = 0.0
    for k in range(2):
        s = s + np.sum(act(pick(x) * k + x))
    return s


def chosen_in_a_loop(x, names):
    s = 0.0
    for nm in names:
        act = {"sq": lambda z: z * z * s, "sin": np.sin}[nm]
        s = s + np.sum(act(x))
    return s


def chosen_in_a_branch(x, c):
    if c > 0:
        act = (lambda z: z * x[0]) if c > 1 else np.cos
        r = np.sum(act(x))
    else:
        r = np.sum(x)
    return r


def called_with_a_keyword(x, c):
    act = np.sum if c else np.prod
    return act(x * x, axis=0)


@pytest.mark.parametrize("f, rest", [
    (chosen_in_a_loop, (["sq", "sin", "sq"],)), (chosen_in_a_branch, (2.0,)),
    (chosen_in_a_branch, (0.5,)), (called_with_a_keyword, (True,)),
    (called_with_a_keyword, (False,)),
    (by_a_flag, (True,)), (by_a_flag, (False,)),
    (by_a_comparison, (0.7,)), (by_a_comparison, (0.2,)), (by_a_comparison, (-1.0,)),
    (by_a_key, ("tanh",)), (by_a_key, ("relu",)), (by_a_key, ("sq",)),
    (by_an_index_into_a_tuple, (1,)), (by_an_index_into_a_tuple, (-1,)),
    (one_chosen_in_the_call_of_another, (True, "g")),
    (one_chosen_in_the_call_of_another, (False, "u"))])
def test_a_function_chosen_by_a_parameter_to_second_order(f, rest):
    check(f, X.copy(), *rest, wrt=0, order=2)


@pytest.mark.parametrize("x", [X, -X])
def test_a_function_chosen_by_the_data_to_second_order(x):
    check(by_the_data, x.copy(), wrt=0, order=2)


def test_one_derivative_serves_each_choice():
    """The choice is made where the code runs: the derivative compiled for one key gives the
    other key's derivative too (no variant keyed on the string)."""
    d = srcdiff.grad(by_a_key)
    for name, act in (("tanh", np.tanh), ("sq", uf)):
        eps = 1e-6
        num = np.array([(by_a_key(X + eps * e, name) - by_a_key(X - eps * e, name)) / (2 * eps)
                        for e in np.eye(3)])
        assert np.allclose(d(X.copy(), name), num, atol=1e-6)


def test_a_missing_key_raises_as_it_did():
    with pytest.raises(KeyError):
        srcdiff.grad(by_a_key)(X.copy(), "nope")


def _lookup(name):
    import builtins
    return globals().get(name, getattr(builtins, name, None))


def test_the_name_holds_the_position_and_each_call_picks():
    text = S.spell(function_choices.rewrite(frontend.get_source(by_a_key).node, _lookup))
    assert "act_choice = {'tanh': 0, 'relu': 1, 'sq': 2}[name]" in text, text
    assert "def act_relu(z):" in text and "acts" not in text, text
    assert "np.tanh(x) if act_choice == 0 else act_relu(x) if act_choice == 1 else uf(x)" \
        in text, text
    text = S.spell(function_choices.rewrite(frontend.get_source(by_the_data).node, _lookup))
    assert "fn_choice = 0 if x.sum() > 0 else 1" in text, text


def read_as_a_value(x, c):
    act = np.tanh if c else np.sin
    kept = act
    return np.sum(act(x)) + np.sum(kept(x))


def bound_twice(x, c):
    act = np.tanh if c else np.sin
    if c:
        act = np.cos
    return np.sum(act(x))


def a_candidate_the_function_binds(x, c):
    g = np.sin
    act = g if c else np.cos
    return np.sum(act(x))


def a_lambda_with_a_default(x, c):
    act = (lambda z, k=2.0: z * k) if c else np.sin
    return np.sum(act(x))


def a_table_read_twice(x, name):
    acts = {"tanh": np.tanh, "sin": np.sin}
    act = acts[name]
    return np.sum(act(x)) + len(acts)


@pytest.mark.parametrize("f, rest", [
    (read_as_a_value, (True,)), (bound_twice, (True,)), (a_candidate_the_function_binds, (True,)),
    (a_lambda_with_a_default, (True,)), (a_table_read_twice, ("sin",))])
def test_what_does_not_fit_is_left_as_written_and_refused_at_the_call(f, rest):
    fdef = frontend.get_source(f).node
    assert function_choices.rewrite(fdef, _lookup) is fdef
    err = refusal(f, (X.copy(),) + rest, "grad")
    assert "act" in err.line, str(err)


def by_a_constant_key(x):
    acts = {"tanh": np.tanh, "sin": np.sin}
    act = acts["sin"]
    return np.sum(act(x))


def test_a_constant_key_is_left_to_what_reads_it_where_srcdiff_compiles():
    fdef = frontend.get_source(by_a_constant_key).node
    assert function_choices.rewrite(fdef, _lookup) is fdef
    check(by_a_constant_key, X.copy(), wrt=0, order=2)


def test_a_name_declared_global_is_left():
    fdef = S.parse_function("""
def f(x, c):
    global act
    act = np.tanh if c else np.sin
    return np.sum(act(x))
""")
    assert function_choices.rewrite(fdef, _lookup) is fdef


# A choice among functions passed in (`h = g if use_g else f`, `{"f": f, "g": g}[key]`):
# each parameter bound by the call alone is a candidate, called as the parameter it is, so
# the derivative is made per function passed (call_keys), as for a direct call `f(y)`
# (refused before: "cannot tell which function 'h' holds").
def integrate(f, g, use_g, y):
    h = g if use_g else f
    return np.sum(h(y) * y)


def picked_by_key(f, g, key, y):
    h = {"f": f, "g": g}[key]
    k = f if key == "g" else np.cos
    return np.sum(h(y) * k(y))


@pytest.mark.parametrize("f, g, flag", [(np.sin, np.tanh, True), (np.sin, uf, False),
                                        (ug, uf, True)])
def test_a_choice_among_functions_passed_in(f, g, flag):
    check(integrate, f, g, flag, X.copy(), wrt=3, order=2)
    check(picked_by_key, f, g, "g" if flag else "f", X.copy(), wrt=3, order=2)


def calls_with_functions_of_its_own(x):
    lam = lambda t: np.exp(t) * x[1]   # noqa: E731
    return integrate(uf, lam, x[0] > 0, x) + picked_by_key(lam, np.sin, "f", x * 2) + \
        picked_by_key(ug, ug, "g", x)


def test_functions_passed_by_a_caller_each_get_their_derivative():
    check(calls_with_functions_of_its_own, X.copy(), order=2)
    check(calls_with_functions_of_its_own, -X, order=2)


def a_parameter_rebound(f, g, use_g, y):
    if y[0] > 5.0:
        f = np.cos
    h = g if use_g else f
    return np.sum(h(y))


def test_a_parameter_rebound_is_no_candidate():
    fdef = frontend.get_source(a_parameter_rebound).node
    assert function_choices.rewrite(fdef, _lookup) is fdef
