"""function_dicts: a function read from a module-level dict of functions (`ACTS["tanh"](x)`,
`g = ACTS[act]` with a constant default, `for k, g in ACTS.items()`), checked against central
differences in both modes and to second order; a key known only at run time refused at its
line, and a key passed other than the default compiled for refused where the code runs."""
import functools

import numpy as np
import pytest

import srcdiff
from gradcheck import check, numerical_grad
from srcdiff import syntax as S
from srcdiff.function_dicts import functions_dict, pairs

X = np.array([0.4, 0.9, 1.3])
Y = np.array([-0.2, 0.6, 1.1])


def cube(v):
    return v * v * v


ACTS = {"tanh": np.tanh, "sin": np.sin}
MIXED = {"cube": cube, "scaled": functools.partial(np.multiply, 3.0), "exp": np.exp}
SCALES = {"a": 2.0, "b": np.cos}
NUMBERED = {1: np.tanh, 2: cube}


def constant_key(x, y):
    return np.sum(ACTS["tanh"](x) * y) + np.sum(MIXED["cube"](y))


def default_key(x, y, act="sin"):
    g = ACTS[act]
    return np.sum(g(x) * y)


def default_key_called_directly(x, y, act="tanh", kind="cube"):
    return np.sum(ACTS[act](x) * MIXED[kind](y))


def keyword_only_default(x, y, *, kind="exp"):
    g = MIXED[kind]
    return np.sum(g(x * y))


def items_loop(x, y):
    total = 0.0
    for name, f in ACTS.items():
        total = total + np.sum(f(x) * y)
    return total


def values_loop_of_user_functions(x, y):
    total = 0.0
    for f in MIXED.values():
        total = total + np.sum(f(x) * y)
    return total


def items_in_a_comprehension(x, y):
    return sum(np.sum(f(x) * y) for _, f in ACTS.items())


def numbered_keys(x, y):
    out = x
    for k, f in NUMBERED.items():
        out = f(out) * k + y
    return np.sum(out)


def default_key_chosen_by_caller(x, y):
    return default_key(x, y, act="sin") + default_key(y, x)


@pytest.mark.parametrize("f", [constant_key, default_key, default_key_called_directly,
                               items_loop,
                               values_loop_of_user_functions, items_in_a_comprehension,
                               numbered_keys, default_key_chosen_by_caller])
def test_derivatives_against_central_differences(f):
    check(f, X.copy(), Y.copy(), wrt=(0, 1), order=2)


def test_a_keyword_only_default_names_the_key():
    # order 1: gradcheck's second order passes the cotangent after keyword-only parameters
    check(keyword_only_default, X.copy(), Y.copy(), wrt=(0, 1), order=1)


def test_a_key_other_than_the_default_is_refused_where_it_runs():
    g = srcdiff.grad(default_key, wrt=(0, 1))
    g(X, Y)
    with pytest.raises(srcdiff.RuntimeRefusal, match=r"ACTS\['sin'\], but the key is 'tanh'"):
        g(X, Y, act="tanh")
    with pytest.raises(srcdiff.RuntimeRefusal, match="key is 'tanh'"):
        srcdiff.grad(default_key, wrt=(0, 1))(X, Y, "tanh")


def test_a_key_passed_by_a_caller_other_than_the_default_is_followed():
    # the callee is specialised on the key passed (function_dicts.keys_passed), and still
    # checks it where it runs
    def caller(x, y):
        return default_key(x, y, act="tanh")
    check(caller, X.copy(), Y.copy(), wrt=(0, 1), order=2)
    assert "check_key(act, 'tanh'" in srcdiff.source(srcdiff.grad(caller))


def test_a_key_only_known_where_it_runs_is_refused_there():
    def caller(x, y, names=("tanh", "sin")):
        return default_key(x, y, act=names[0])
    with pytest.raises(srcdiff.RuntimeRefusal, match="key is 'tanh'"):
        srcdiff.grad(caller)(X, Y)


def key_without_default(x, y, act):
    return np.sum(ACTS[act](x) * y)


def key_computed_here(x, y):
    g = ACTS["ta" + "nh"]
    return np.sum(g(x) * y)


def key_missing(x, y):
    return np.sum(ACTS["relu"](x) * y)


def key_of_a_loop_over_keys(x, y):
    total = 0.0
    for k in ACTS:
        total = total + np.sum(ACTS[k](x) * y)
    return total


def key_rebound(x, y, act="sin"):
    act = "tanh"
    return np.sum(ACTS[act](x) * y)


@pytest.mark.parametrize("f, message", [
    (key_without_default, "which function of ACTS this key names"),
    (key_computed_here, "which function of ACTS this key names"),
    (key_rebound, "which function of ACTS this key names"),
    (key_of_a_loop_over_keys, r"(?s)which function of ACTS.*for name, fn in ACTS.items\(\)"),
    (key_missing, "ACTS has no key 'relu'"),
])
def test_keys_known_only_at_run_time_are_refused_at_their_line(f, message):
    with pytest.raises(srcdiff.UnsupportedCodeError, match=message) as info:
        srcdiff.grad(f)(X, Y, "sin") if f is key_without_default else srcdiff.grad(f)(X, Y)
    assert "test_function_dicts.py" in str(info.value)
    assert "ACTS[" in str(info.value)


def test_a_dict_of_numbers_is_not_a_dict_of_functions():
    assert functions_dict(ACTS) and functions_dict(MIXED) and functions_dict(SCALES)
    assert not functions_dict({"a": 1.0}) and not functions_dict({"a": dict})
    assert not functions_dict({(1, 2): np.sin}) and not functions_dict({})
    assert not functions_dict({f"k{i}": np.sin for i in range(9)})   # a loop stays a loop


def test_pairs_name_each_item_by_its_key_in_the_dicts_order():
    made = pairs("ACTS", {"ACTS": ACTS}.get)
    assert [S.spell(p) for p in made] == ["('tanh', ACTS['tanh'])", "('sin', ACTS['sin'])"]
    assert pairs("ACTS", {}.get) is None and pairs("X", {"X": X}.get) is None


CHANGING = {"tanh": np.tanh, "sin": np.sin}


def changing_item(x, y):
    return np.sum(CHANGING["tanh"](x) * y)


def changing_keys(x, y):
    total = 0.0
    for _, f in CHANGING.items():
        total = total + np.sum(f(x) * y)
    return total + sum(np.sum(f(y)) for f in CHANGING.values())


def test_an_item_changed_since_compiling_is_refused_where_it_is_called():
    g = srcdiff.grad(changing_item, wrt=(0, 1))
    g(X, Y)
    CHANGING["tanh"] = np.sin
    try:
        with pytest.raises(srcdiff.RuntimeRefusal, match=r"CHANGING\['tanh'\] holding tanh, "
                                                         "but it now holds sin"):
            g(X, Y)
    finally:
        CHANGING["tanh"] = np.tanh


def test_a_loop_over_a_dict_whose_keys_changed_since_compiling_is_refused():
    check(changing_keys, X.copy(), Y.copy(), wrt=(0, 1), order=2)
    g = srcdiff.grad(changing_keys, wrt=(0, 1))
    CHANGING["cube"] = cube
    try:   # refused, or compiled again for the new keys (srcdiff's cache may see the change)
        try:
            got = g(X, Y)
        except AssertionError as e:
            assert "CHANGING has other keys now" in str(e)
        else:
            for k, part in enumerate(got):
                np.testing.assert_allclose(part, numerical_grad(changing_keys, [X, Y], k),
                                           rtol=1e-6)
    finally:
        del CHANGING["cube"]
    check(changing_keys, X.copy(), Y.copy(), wrt=(0, 1), order=1)


def _layers_sum(params):
    return sum(np.sum(W * b) for (W, b) in params["layers"])


def _layers_of_pairs(W1, b1, W2, b2):
    params = {"layers": [(W1, b1), (W2, b2)]}
    return _layers_sum(params) ** 2


def _two_levels_down(cfg):
    return np.sum(cfg[0]["w"][1] * cfg[1]["w"][0])


def _list_of_dicts(W1, W2):
    cfg = [{"w": [W1, W2]}, {"w": (W2 * 2.0, W1)}]
    return _two_levels_down(cfg) ** 2


def _written_two_levels_down(W1, W2):
    cfg = [{"w": [W1, W2]}]
    inner = cfg[0]["w"]
    cfg[0]["w"][1] = W1 * W1
    return np.sum(inner[1] * W2)


def test_nested_containers_are_read_through_every_level():
    """Issue #13: a dict of a list of pairs, or a list of dicts of lists, read two levels
    down by a helper or by the function itself; both modes, second order, every argument.
    A write two levels down that another name reads after is refused."""
    from gradcheck import check
    rng = np.random.default_rng(0)
    W1, b1, W2, b2 = (rng.normal(size=s) for s in ((2, 2), 2, (2, 2), 2))
    check(_layers_of_pairs, W1, b1, W2, b2, order=2, wrt=(0, 1, 2, 3))
    check(_layers_sum, {"layers": [(W1, b1), (W2, b2)]}, order=2)
    check(_list_of_dicts, W1, W2, order=2, wrt=(0, 1))
    check(_two_levels_down, [{"w": [W1, W2]}, {"w": (W2 * 2.0, W1)}], order=2)
    for transform in (srcdiff.grad, srcdiff.jvp):
        with pytest.raises(srcdiff.SrcdiffError, match="inner holds it too"):
            transform(_written_two_levels_down)(W1, W2) if transform is srcdiff.grad else \
                transform(_written_two_levels_down)(W1, W2, W1, W2)
