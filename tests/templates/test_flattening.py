"""Rules of templates/flattening.py against central differences: `srcdiff.flatten` called in a
loss (autograd's neural-net examples' L2 penalty over every parameter) in both modes and to
second order, over dicts, lists, tuples and nested ones, with numbers that are no parameter;
and the rules of its helpers (met by derivatives of derivatives)."""
import numpy as np
import pytest

from gradcheck import check
from srcdiff import flatten
from srcdiff.flatten import flatten_adjoint, flatten_tangent, flatten_values

rng = np.random.default_rng(17)


def l2_of_a_dict(params, x):
    flat, _ = flatten(params)
    h = np.tanh(x @ params["w"] + params["b"])
    return np.sum(h ** 2) + 0.1 * np.dot(flat, flat)


def cubes_of_nested(params, x):
    flat, _ = flatten(params)
    (w, b), scale = params[0], params[1]["scale"]
    return np.sum(np.sin(x @ w + b)) * scale + np.sum(flat ** 3) * flat[-1]


@pytest.mark.parametrize("f, params", [
    (l2_of_a_dict, {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}),
    (cubes_of_nested, [(rng.normal(size=(3, 2)), rng.normal(size=2)), {"scale": 0.7}]),
], ids=["dict", "nested"])
def test_flatten_in_a_loss(f, params):
    check(f, params, rng.normal(size=(4, 3)), wrt=(0, 1), order=2)


def test_flatten_helpers_rules():
    tree = {"a": rng.normal(size=(2, 2)), "b": [rng.normal(size=3), 4, "tag"], "c": 0.5}
    g = rng.normal(size=8)
    # linear in their first argument: each one's rules (and so its transpose) checked
    check(lambda g: np.sum(flatten_adjoint(g * g, tree)["a"] * tree["a"])
          + np.sum(flatten_adjoint(np.sin(g), tree)["b"][0]), g, order=2)
    check(lambda a, v, c: np.sum(flatten_values({"a": a * a, "b": [np.cos(v), 4, "tag"],
                                                 "c": c * 2.0}, tree) ** 2),
          tree["a"], tree["b"][0], 0.5, wrt=(0, 1, 2), order=2)
    check(lambda a, v: np.sum(flatten_tangent({"a": a, "b": [v * v, 4, "tag"], "c": 1.0},
                                              tree)[0] ** 3),
          tree["a"], tree["b"][0], wrt=(0, 1), order=2)


# -- unflatten called in differentiated code (autograd's flatten_func; gmm, issue #13) ------
PARAMS = {"means": rng.normal(size=(3, 2)), "log proportions": rng.normal(size=3),
          "scale": 0.7, "tag": "fixed", "layers": [(rng.normal(size=(2, 2)), 1.5)]}
FLAT, UNFLATTEN = flatten(PARAMS)
DATA = rng.normal(size=(4, 2))


def objective(params, data):
    w, b = params["layers"][0]
    h = np.tanh(data @ w * b + np.sum(params["means"], axis=0))
    return np.sum(h ** 2) * params["scale"] + np.sum(np.exp(params["log proportions"]))


def loss_of_unflattened(v, data):
    return objective(UNFLATTEN(v), data) + 0.1 * np.dot(v, v)


def flatten_func(func, example):
    _ex, unflatten = flatten(example)
    _func = lambda _x, *args: flatten(func(unflatten(_x), *args))[0]  # noqa: E731
    return _func, unflatten, _ex


FLAT_OBJECTIVE, _, FLAT_INIT = flatten_func(lambda p, d: {"out": objective(p, d)}, PARAMS)


def test_unflatten_in_a_loss():
    check(loss_of_unflattened, FLAT, DATA, wrt=(0, 1), order=2)


def test_autograd_flatten_func():
    from gradcheck import check_hvp
    check(lambda x, d: FLAT_OBJECTIVE(x, d)[0], FLAT_INIT, DATA, order=1)
    check(FLAT_OBJECTIVE, FLAT_INIT, DATA, order=1)
    check_hvp(lambda x, d: FLAT_OBJECTIVE(x, d)[0], FLAT_INIT, DATA, vector=FLAT_INIT[::-1])
