"""srcdiff/alias_fresh_items.py: a helper whose result holds only values made in the call
(`update`: `{k: p[k] - lr * g[k] for k in p}`), read by alias_flow as a new object holding
nothing, so `P = {"w": x}` rebound by it leaves no name seeing a later write into x: the
derivative checked against finite differences, both modes, second order. Helpers whose
results may hold their arguments (an item, `row * c` of a list, a parameter) are not
proven, and a write their result sees stays refused; bindings and items_of on their own; a
method calling another method of its class (`self.act(t)`, own_class and class_function),
proven only where no subclass may run another one."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import syntax as S
from srcdiff.alias_flow_fresh import fresh_items, fresh_result
from srcdiff.alias_fresh_items import bindings, class_function, items_of, own_class

X = np.array([0.4, 0.9, 1.3, 0.7])


def update(p, g, lr=0.1):
    return {k: p[k] - lr * g[k] for k in p}


def grad_like(p, t):
    return {"w": np.tanh(p["w"] * t), "b": 0.5 * p["b"]}


def keeps_w(p, t):
    return {"w": p["w"], "b": 0.5 * p["b"]}


def scaled(p, c):
    return {k: v * c for k, v in p.items()}   # (v * c: a list repeated, when v is one)


def nested(p, t):
    out = update(p, grad_like(p, t))
    return [out, (np.sum(out["w"]), 2.0)]


def test_which_helpers_hold_only_new_values():
    assert fresh_items(update) and fresh_items(grad_like) and fresh_items(nested)
    assert fresh_result(keeps_w) and not fresh_items(keeps_w)
    assert not fresh_items(scaled)


def trains_then_writes(x, y):
    P = {"w": x, "b": y[0]}
    for _ in range(2):
        P = update(P, grad_like(P, y), lr=0.2)
    x[::2] = np.sin(x[::2] * y[::2])
    return np.sum(P["w"] * x) + P["b"]


def keeps_then_writes(x, y):
    P = {"w": x, "b": y[0]}
    P = keeps_w(P, y)
    x[::2] = np.sin(x[::2] * y[::2])
    return np.sum(P["w"] * x) + P["b"]


def test_a_dict_rebound_by_a_fresh_helper_sees_no_later_write():
    check(trains_then_writes, X.copy(), X[::-1].copy(), wrt=(0, 1))


def test_a_dict_a_helper_handed_the_array_back_in_stays_refused():
    with pytest.raises(srcdiff.RuntimeRefusal, match="would also change P"):
        srcdiff.grad(keeps_then_writes, wrt=(0, 1))(X.copy(), X[::-1].copy())


def test_bindings_and_the_items_of_a_comprehension():
    fdef = S.parse_function("def f(p):\n    a, b = p\n    c = {k: v for k, v in p}\n"
                            "    c += 1\n    for i in p:\n        pass\n")
    nodes = [n for stmt in fdef.body for n in S.walk(stmt)]
    found = {n: [how for how, _ in ways] for n, ways in bindings(nodes).items()}
    assert found == {"a": ["unpack"], "b": ["unpack"], "c": ["name", "name"],
                     "k": ["unpack"], "v": ["unpack"], "i": ["unpack"]}
    comp = next(n for n in nodes if isinstance(n, S.DictComp))
    assert [S.spell(e) for e in items_of(comp)] == ["k", "v"]


def pair(x):
    return x * 2.0, x * 3.0


def same_twice(x):
    t = x * 2.0
    return t, t


def named_pair(x):
    m = np.mean(x)
    d = x - m
    return m * 1.0, d


def test_the_items_of_a_returned_tuple_are_values_of_their_own():
    from srcdiff.alias_flow_fresh import fresh_arity
    assert fresh_arity(pair) == 2 and fresh_arity(named_pair) == 2
    assert fresh_arity(same_twice) is None and fresh_arity(update) is None


def write_one_of_a_pair(x, y):
    a, b = pair(x * y)
    a[0] = np.sin(y[0])
    a *= 2.0
    return np.sum(a * b)


def write_one_of_the_same_twice(x, y):
    a, b = same_twice(x * y)
    a[0] = np.sin(y[0])
    return np.sum(a * b)


def test_a_write_into_one_item_is_not_seen_through_the_other():
    check(write_one_of_a_pair, X.copy(), X[::-1].copy(), wrt=(0, 1))


def test_a_write_into_an_item_returned_twice_stays_refused():
    with pytest.raises(srcdiff.SrcdiffError, match="would"):
        srcdiff.grad(write_one_of_the_same_twice, wrt=(0, 1))(X.copy(), X[::-1].copy())


class Layer:
    def __init__(self, w):
        self.w = w

    def forward(self, t):
        return self.act(self.w * t) + 1.0

    def act(self, t):
        return np.sin(t)

    def field(self, t):
        return self.pick(t)

    def pick(self, t):
        return self.w


class Base:
    def forward(self, t):
        return self.act(t) * 2.0

    def act(self, t):
        return np.sin(t)


class Kept(Base):
    def act(self, t):
        return t   # (its forward gives back a new array all the same, but t itself here)


def test_a_method_calling_another_of_its_class():
    assert fresh_result(Layer.forward)
    assert not fresh_result(Layer.field)   # (self.pick returns the field itself)
    assert class_function(Layer, "act", None) is Layer.act
    assert class_function(Layer, "w", None) is None   # (an attribute of the object's)


def test_a_method_of_a_class_with_subclasses_is_not_followed():
    from srcdiff.frontend import get_source
    assert own_class(Base.forward, get_source(Base.forward).node) is None
    assert own_class(Layer.forward, get_source(Layer.forward).node)[1] is Layer
    assert not fresh_result(Base.forward)
