"""srcdiff.flatten (srcdiff/flatten.py): a structure of arrays as one vector and back, and a
flattened gradient that is the gradient of the flattened function (finite differences)."""
import collections
import dataclasses

import numpy as np
import pytest

import srcdiff
from gradcheck import numerical_grad

rng = np.random.default_rng(11)


@dataclasses.dataclass
class Layer:
    w: np.ndarray
    b: float
    name: str = "dense"


Pair = collections.namedtuple("Pair", "first second")


def _params():
    return {"layers": [Layer(rng.normal(size=(2, 3)), 0.5), Layer(rng.normal(size=(3,)), -1.0)],
            "scale": np.float64(1.5), "steps": 3, "pair": Pair(rng.normal(size=2), 0.25),
            "a": (rng.normal(size=()), None)}


def _same(x, y):
    if isinstance(x, dict):
        return list(x) == list(y) and all(_same(x[k], y[k]) for k in x)
    if isinstance(x, (list, tuple)):
        return type(x) is type(y) and len(x) == len(y) and all(map(_same, x, y))
    if dataclasses.is_dataclass(x):
        return type(x) is type(y) and all(_same(getattr(x, f.name), getattr(y, f.name))
                                          for f in dataclasses.fields(x))
    if isinstance(x, np.ndarray):
        return isinstance(y, np.ndarray) and x.shape == y.shape and x.dtype == y.dtype and \
            np.array_equal(x, y)
    return type(x) is type(y) and (x == y or (x is None and y is None))


def test_round_trip_keeps_structure_shapes_and_types():
    params = _params()
    vector, unflatten = srcdiff.flatten(params)
    assert vector.shape == (6 + 1 + 3 + 1 + 1 + 2 + 1 + 1,)
    assert _same(unflatten(vector), params)
    # ints, strings and None are carried over, not parameters
    back = unflatten(np.arange(float(vector.size)))
    assert back["steps"] == 3 and back["layers"][0].name == "dense" and back["a"][1] is None
    assert isinstance(back["layers"][0].b, float) and isinstance(back["pair"], Pair)
    assert isinstance(back["scale"], np.float64)


def test_unflatten_checks_the_length():
    _, unflatten = srcdiff.flatten({"w": np.zeros(3)})
    with pytest.raises(srcdiff.ArgumentError, match="3 entries"):
        unflatten(np.zeros(4))


def loss(params, x):
    h = x
    for layer in params["layers"]:
        h = np.tanh(h @ layer["w"] + layer["b"])
    return np.sum(h ** 2) * params["scale"] + np.sum(params["pair"][0] ** 2)


def test_a_flattened_gradient_is_the_gradient_of_the_flattened_function():
    """(Gradients with respect to dataclasses are issue #13's: a dict of lists here.)"""
    params = {"layers": [{"w": rng.normal(size=(2, 3)), "b": 0.5},
                         {"w": rng.normal(size=(3, 3)), "b": rng.normal(size=3)}],
              "scale": 1.5, "pair": (rng.normal(size=2), 0.25)}
    x = rng.normal(size=(4, 2))
    vector, unflatten = srcdiff.flatten(params)
    grads = srcdiff.grad(lambda p: loss(p, x))(params)
    flat_grad, _ = srcdiff.flatten(grads)
    expected = numerical_grad(lambda v: loss(unflatten(v), x), (vector,), 0)
    assert flat_grad.shape == vector.shape
    assert np.allclose(flat_grad, expected, rtol=1e-6, atol=1e-8)


def test_flatten_adjoint_gives_srcdiff_container_adjoints():
    """The adjoint of a tree from its vector's adjoint: slices shaped like the float leaves,
    lists for lists and tuples, 0.0 where the tree holds no parameter; flatten_values is its
    transpose (the same vector back)."""
    from srcdiff.flatten import flatten_adjoint, flatten_values
    tree = {"w": np.ones((2, 2)), "rest": (np.zeros(3), 7, "tag", 1.5)}
    g = np.arange(8.0)
    adj = flatten_adjoint(g, tree)
    assert isinstance(adj["rest"], list) and adj["rest"][1:3] == [0.0, 0.0]
    np.testing.assert_array_equal(adj["rest"][0], [0.0, 1.0, 2.0])   # "rest" sorts first
    assert adj["rest"][3] == 3.0
    np.testing.assert_array_equal(adj["w"], [[4.0, 5.0], [6.0, 7.0]])
    np.testing.assert_array_equal(flatten_values(adj, tree), g)
    np.testing.assert_array_equal(srcdiff.flatten(tree)[1](g)["w"], adj["w"])
