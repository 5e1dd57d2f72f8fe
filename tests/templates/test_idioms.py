"""Rules of templates/idioms.py against central differences: x.tolist() (runtime_idioms.
array_tolist) in both modes and to second order, and the tangent rules of its helpers (met
by forward mode over emitted gradients), and d.pop(key) (runtime_idioms.dict_without and
its adjoint dict_without_grad), and dict(d, k=v) (runtime_idioms.dict_merged and its adjoint
dict_merged_grad)."""
import numpy as np
import pytest

from gradcheck import check
from srcdiff.runtime_idioms import array_tolist_grad, array_tolist_tangent

rng = np.random.default_rng(13)


def nested(x, w):
    m = (x * w).tolist()
    return m[0][1] * m[1][2] + sum(m[1]) * m[0][0]


def flat(x):
    v = np.sin(x).tolist()
    return v[0] * v[2] + v[1] ** 2


def scalar(x):
    return np.sum(x ** 2).tolist() * x[0]


@pytest.mark.parametrize("f, args", [(nested, (rng.normal(size=(2, 3)), rng.normal(size=(2, 3)))),
                                     (flat, (rng.normal(size=3),)),
                                     (scalar, (rng.normal(size=3),))],
                         ids=["2-d", "1-d", "0-d"])
def test_tolist(f, args):
    check(f, *args, order=2)


def test_tolist_helpers_tangents():
    x = rng.normal(size=(2, 2))
    check(lambda t: np.sum(array_tolist_grad([[t[0] * t[1], t[1]], [np.sin(t[0]), 2.0 * t[1]]], x)
                           * x), rng.normal(size=2), modes=("fwd",), order=1)
    check(lambda t: array_tolist_tangent(t * t, x), rng.normal(size=(2, 2)), modes=("fwd",),
          order=1)


def popped(x, w):
    d = {"a": x * w, "b": np.sin(x), "c": x}
    v = d.pop("a")
    u = d.pop("z", w)
    return np.sum(v * u * d["b"]) + sum(np.sum(t ** 2) for t in d.values())


def test_dict_pop():
    # d.pop(key): d bound to dict_without(d, key) (idioms.dict_write); its adjoint
    # dict_without_grad and both tangents (forward over reverse) by order=2
    check(popped, rng.normal(size=3), rng.normal(size=3), wrt=(0, 1), order=2)


def merged(x, w):
    d = {"a": x * w, "b": np.sin(x)}
    q = dict(d, b=x * 2.0, c=w)
    return np.sum(q["a"] * q["b"] * q["c"]) + sum(np.sum(t ** 2) for t in q.values())


def test_dict_merged():
    # dict(d, k=v): dict_merged([d, v], keys, d) (idioms.py), linear in its parts; its
    # adjoint dict_merged_grad and both tangents (forward over reverse) by order=2
    check(merged, rng.normal(size=3), rng.normal(size=3), wrt=(0, 1), order=2)
