"""srcdiff/lowered_cache.py: the lowering of a function being differentiated is kept for its
next derivative, each derivative gets a copy sharing nothing, and an entry is made again
when the function, a helper, a class's method or a global it reads changes; the emitted
code is the same with and without it."""
import numpy as np
import pytest

import srcdiff
from srcdiff import lowered_cache
from srcdiff.function_tables import derivatives_of

X = np.array([0.3, 0.7, 1.1])
SCALE = 2.0
LIST = [1.0, 2.0]


def helper(x):
    return x * 3.0


def uses_helper(x):
    return np.sum(helper(x) * np.sin(x))


class Layer:
    def __init__(self, w):
        self.w = w

    def forward(self, x):
        return np.tanh(x) * self.w


def calls_method(m, x):
    return np.sum(m.forward(x) ** 2)


def reads_global(x):
    return np.sum(np.sin(x) * SCALE)


def reads_list(x):
    return np.sum(x * LIST[0])


def _entries(fn):
    return {k: v for k, v in derivatives_of(fn).items() if k[0] == "lowered"}


@pytest.fixture
def counted(monkeypatch):
    """How many times lowered_cache made a lowering (make() called)."""
    made = []
    real = lowered_cache.lowered

    def lowered(fn, known, containers, self_type, make):
        return real(fn, known, containers, self_type, lambda: made.append(fn) or make())
    monkeypatch.setattr(lowered_cache, "lowered", lowered)
    srcdiff.api.clear_cache()
    yield made
    srcdiff.api.clear_cache()


def test_the_next_derivative_of_a_function_uses_its_lowering(counted):
    np.testing.assert_allclose(srcdiff.grad(uses_helper)(X),
                               srcdiff.value_and_grad(uses_helper)(X)[1])
    srcdiff.vjp(uses_helper)(X, 1.0)
    assert counted.count(uses_helper) == 1
    assert len(_entries(uses_helper)) == 1


def test_a_lowering_asked_for_directly_is_not_kept():
    from srcdiff.transform import lower_function

    def alone(x):
        return np.sum(x * x)
    lower_function(alone)
    assert not _entries(alone)


def test_a_copy_shares_no_facts_with_the_kept_lowering(counted):
    srcdiff.grad(uses_helper)(X)
    (entry,) = _entries(uses_helper).values()
    copy = lowered_cache.copy_lowered(entry.low)
    kept = [n.sd for s in entry.low.body for n in srcdiff.syntax.walk(s) if "sd" in n.__dict__]
    made = [n.sd for s in copy.body for n in srcdiff.syntax.walk(s) if "sd" in n.__dict__]
    assert len(kept) == len(made) and all(a is not b for a, b in zip(kept, made))
    before = [(i.kind, i.line) for i in kept]
    for info in made:
        info.line = -1
    copy.namer.fresh("taken_in_the_copy")
    copy.bindings["only_in_the_copy"] = 1
    assert [(i.kind, i.line) for i in kept] == before
    assert "only_in_the_copy" not in entry.low.bindings
    assert "taken_in_the_copy" not in entry.low.namer.taken
    assert copy.body[0] is not entry.low.body[0]


def test_a_helper_redefined_makes_the_lowering_again(counted):
    global helper
    g = srcdiff.grad(uses_helper)
    np.testing.assert_allclose(g(X), 3 * np.sin(X) + 3 * X * np.cos(X))
    saved = helper
    try:
        def helper(x):   # noqa: F811
            return x * x
        np.testing.assert_allclose(srcdiff.vjp(uses_helper)(X, 1.0),
                                   2 * X * np.sin(X) + X * X * np.cos(X))
    finally:
        helper = saved
    assert counted.count(uses_helper) == 2


def test_a_method_replaced_makes_the_lowering_again(counted):
    m = Layer(2.0)
    srcdiff.grad(calls_method, wrt=1)(m, X)
    saved = Layer.forward
    try:
        Layer.forward = lambda self, x: np.sin(x) * self.w
        got = srcdiff.vjp(calls_method, wrt=1)(m, X, 1.0)
        np.testing.assert_allclose(got[0] if isinstance(got, tuple) else got,
                                   2 * (np.sin(X) * 2.0) * np.cos(X) * 2.0)
    finally:
        Layer.forward = saved
    assert counted.count(calls_method) == 2


def test_a_global_bound_anew_makes_the_lowering_again(counted):
    global SCALE, LIST
    srcdiff.grad(reads_global)(X)
    srcdiff.grad(reads_list)(X)
    saved = SCALE, LIST
    try:
        SCALE = 5.0   # (read live by the emitted code: the derivative is right either way)
        srcdiff.vjp(reads_global)(X, 1.0)
        LIST[0] = 4.0   # changed in place: what the list holds is not the same
        srcdiff.vjp(reads_list)(X, 1.0)
    finally:
        SCALE, LIST = saved
        LIST[0] = 1.0
    assert counted.count(reads_global) == 2
    assert counted.count(reads_list) == 2


def test_the_function_redefined_is_lowered_anew(counted):
    def f(x):
        return np.sum(x ** 2)
    srcdiff.grad(f)(X)
    first = f

    def f(x):   # noqa: F811
        return np.sum(x ** 3)
    np.testing.assert_allclose(srcdiff.vjp(f)(X, 1.0), 3 * X ** 2)
    assert counted == [first, f]


def test_new_defaults_make_the_lowering_again(counted):
    def f(x, k=2.0):
        return np.sum(x ** k)
    srcdiff.grad(f)(X)
    f.__defaults__ = (3.0,)
    np.testing.assert_allclose(srcdiff.vjp(f)(X, 1.0), 3 * X ** 2)
    assert counted.count(f) == 2


@pytest.mark.parametrize("fn, args", [(uses_helper, (X,)), (calls_method, (Layer(1.5), X)),
                                      (reads_list, (X,))])
def test_emitted_source_is_the_same_with_and_without_it(fn, args, monkeypatch):
    wrt = 1 if fn is calls_method else 0

    def sources():
        out = []
        for make in (srcdiff.grad, srcdiff.value_and_grad, srcdiff.vjp):
            d = make(fn, wrt=wrt)
            d(*args, *((1.0,) if make is srcdiff.vjp else ()))
            out.append(d.source)
        return out
    srcdiff.api.clear_cache()
    cached = sources()
    assert _entries(fn)
    srcdiff.api.clear_cache()
    monkeypatch.setattr(lowered_cache, "ENABLED", False)
    fresh = sources()
    assert not _entries(fn)
    srcdiff.api.clear_cache()
    assert cached == fresh


def _inner_of(w, x):
    return np.sum(np.sin(w * x))


def grad_called_inside(w):
    g = srcdiff.grad(_inner_of)(w, X)
    return np.sum(g ** 2)


def test_a_derivative_called_inside_is_lowered_anew_each_time(counted):
    """compose_calls makes and names the functions of a derivative called inside per
    derivative: a copy would share them and emit other names than a fresh lowering."""
    w = np.array([0.5, -0.2, 0.9])
    srcdiff.grad(grad_called_inside)(w)
    srcdiff.vjp(grad_called_inside)(w, 1.0)
    assert counted.count(grad_called_inside) == 2
    assert not _entries(grad_called_inside)


FACTORS = [2.0, 3.0]


def scaled(x):
    return x * FACTORS[0]


def calls_scaled(x):
    return np.sum(np.sin(scaled(x)))


def test_a_global_a_helper_names_changed_makes_the_lowering_again(counted):
    """What a step of the lowering reads from a helper's globals directly (not through a
    Resolver) is checked too: every global the code of the function and its helpers names."""
    srcdiff.grad(calls_scaled)(X)
    srcdiff.vjp(calls_scaled)(X, 1.0)
    assert counted.count(calls_scaled) == 1
    saved = FACTORS[0]
    try:
        FACTORS[0] = 5.0
        np.testing.assert_allclose(srcdiff.value_and_grad(calls_scaled)(X)[1],
                                   5.0 * np.cos(5.0 * X))
    finally:
        FACTORS[0] = saved
    assert counted.count(calls_scaled) == 2


class _Settings:
    act = staticmethod(np.sin)


SETTINGS = _Settings()


def reads_attributes_twice(x):
    return np.sum(SETTINGS.act(x) * np.sin(x) + SETTINGS.act(x) * np.sin(2.0 * x))


def test_an_attribute_read_again_is_checked_once(counted):
    from srcdiff.resolver import _AttributesOf
    srcdiff.grad(reads_attributes_twice)(X)
    (entry,) = _entries(reads_attributes_twice).values()
    places = [(id(where.owner), name) for where, name, _, _ in entry.reads
              if isinstance(where, _AttributesOf)]
    assert (id(np), "sin") in places and (id(SETTINGS), "act") in places
    assert len(places) == len(set(places))   # np.sin and SETTINGS.act once each


def test_an_attribute_read_twice_and_bound_anew_makes_the_lowering_again(counted):
    srcdiff.grad(reads_attributes_twice)(X)
    try:
        SETTINGS.act = np.cos
        g = srcdiff.grad(reads_attributes_twice)(X)
    finally:
        del SETTINGS.act
    assert counted.count(reads_attributes_twice) == 2
    np.testing.assert_allclose(g, -np.sin(X) * np.sin(X) + np.cos(X) * np.cos(X)
                               - np.sin(X) * np.sin(2.0 * X) + 2.0 * np.cos(X) * np.cos(2.0 * X))
