"""srcdiff/field_ownership.py: an array a record's field holds, written in place
(`self.w -= lr * g` in a method, `m.w *= 2.0`, `self.w[i] = v`, `m.w[0] = v`), where nothing
but the record can hold it: every value stored in the field new, every read of it used at
once. Checked against finite differences in both modes and to second order
(gradcheck.check); where something else may hold the array (a name bound to `m.w` before the
write and read after, the caller's array stored without a copy, a view kept, a method giving
the array back, a list holding it, another object made of it), refused at the user's line,
never silently wrong, and the caller's array never changed."""
import dataclasses

import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal
from srcdiff import field_ownership

X = np.array([0.3, -0.4, 0.5])
A = np.array([[1.0, 0.5, -0.2], [0.2, -0.3, 0.4], [0.7, 1.1, 0.1]])


class Model:
    def __init__(self, w):
        self.w = w.copy()

    def sgd(self, g, lr=0.1):
        self.w -= lr * g

    def ascend(self, g):
        self.w += 0.05 * g

    def decay(self, k):
        self.w *= k

    def put(self, i, v):
        self.w[i] = v

    def bump(self, i, v):
        self.w[i] += v

    def weights(self):
        return self.w

    def loss(self):
        return np.sum((A @ self.w - 0.5) ** 2)


class Momentum:
    def __init__(self, w):
        self.w = np.array(w)
        self.v = np.zeros_like(w)

    def step(self, g, lr=0.1, beta=0.9):
        self.v *= beta
        self.v += g
        self.w -= lr * self.v


class Buffer:
    def __init__(self, n):
        self.h = np.zeros(n)

    def record(self, k, v):
        self.h[k] = v


class Stores:
    def __init__(self, w):
        self.w = w

    def sgd(self, g):
        self.w -= 0.1 * g


@dataclasses.dataclass
class Params:
    w: np.ndarray
    b: float = 0.0


def sgd_steps(x):
    m = Model(x)
    for _ in range(3):
        g = 2 * A.T @ (A @ m.w - 0.5)
        m.sgd(g, lr=0.05)
    return m.loss()


def ascend_and_decay(x):
    m = Model(np.sin(x))
    m.ascend(x ** 2)
    m.decay(x[0])
    return np.sum(m.w * x)


def items_put_and_bumped(x):
    m = Model(x)
    m.put(0, x[1] * x[2])
    m.bump(2, np.sin(x[0]))
    return m.loss()


def momentum_steps(x):
    opt = Momentum(x)
    for k in range(3):
        opt.step(np.tanh(opt.w) * (k + 1.0))
    return np.sum(opt.w ** 2) + np.sum(opt.v)


def buffer_filled(x):
    buf = Buffer(x.size)
    for k in range(x.size):
        buf.record(k, x[k] ** 2 + x[(k + 1) % 3])
    return np.sum(buf.h * x)


def updated_in_the_function(x):
    m = Model(x)
    m.w -= 0.1 * x ** 2
    m.w *= x[1]
    m.w[0] = x[2] ** 3
    m.w[1] += x[0]
    return m.loss()


def stored_from_a_new_value(x):
    m = Stores(x * 2.0)
    m.sgd(np.cos(x))
    return np.sum(m.w ** 2) + np.sum(x)


def dataclass_field_updated(x):
    p = Params(x * 1.0, 0.5)
    p.w += x ** 2
    p.w[0] = p.b * x[1]
    return np.sum(p.w ** 2)


@pytest.mark.parametrize("f", [sgd_steps, ascend_and_decay, items_put_and_bumped,
                               momentum_steps, buffer_filled, updated_in_the_function,
                               stored_from_a_new_value, dataclass_field_updated])
def test_an_owned_array_field_written_in_place(f):
    check(f, X.copy(), order=2)


# -- something else may hold the array: refused at the user's line, in both modes
def read_before_and_after(x):
    m = Model(x)
    w0 = m.w
    m.sgd(x)
    return np.sum(w0 * x) + m.loss()


def callers_array_stored(x):
    m = Stores(x)
    m.sgd(np.cos(x))
    return np.sum(m.w ** 2) + np.sum(x ** 2)


def a_view_kept(x):
    m = Model(x)
    head = m.w[:2]
    m.put(0, x[2])
    return np.sum(head) + m.loss()


def a_transpose_kept(x):
    m = Model(x)
    t = m.w.T
    m.w *= 2.0
    return np.sum(t * x)


def given_back_by_a_method(x):
    m = Model(x)
    w0 = m.weights()
    m.decay(0.5)
    return np.sum(w0 * x)


def held_by_a_list(x):
    m = Model(x)
    ws = [m.w]
    m.ascend(x)
    return np.sum(ws[0] * x)


def another_object_made_of_it(x):
    m = Model(x)
    s = Stores(m.w)
    m.w[1] = 0.0
    return np.sum(s.w * x)


def field_set_from_a_name(x):
    y = x * 1.0
    m = Model(x)
    m.w = y
    m.w[0] = 5.0
    return np.sum(y * x) + m.loss()


@pytest.mark.parametrize("f", [read_before_and_after, callers_array_stored, a_view_kept,
                               a_transpose_kept, given_back_by_a_method, held_by_a_list,
                               another_object_made_of_it, field_set_from_a_name])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_array_field_something_else_may_hold_is_refused_not_wrong(f, mode):
    x = X.copy()
    err = refusal(f, (x,), mode, error=(srcdiff.UnsupportedCodeError, srcdiff.RuntimeRefusal))
    assert "in place" in str(err) or "holds an array" in str(err), str(err)
    assert np.array_equal(x, X)   # the caller's array is never changed


def _lowerer(fn):
    from srcdiff import frontend, lower
    return lower.Lowerer(frontend.get_source(fn), frontend.Resolver(fn), {}, set())


def test_held_elsewhere_names_the_holder():
    lw = _lowerer(read_before_and_after)
    assert field_ownership.held_elsewhere(lw, "m", Model, "w") == "`w0 = m.w`"
    lw = _lowerer(another_object_made_of_it)
    assert field_ownership.held_elsewhere(lw, "m", Model, "w") == "`Stores(m.w)`"
    lw = _lowerer(sgd_steps)
    assert field_ownership.held_elsewhere(lw, "m", Model, "w") is None


class TwoFields:
    def __init__(self, w):
        self.w = w
        self.w0 = w

    def step(self, g):
        self.w -= 0.1 * g


def a_parameter_stored_twice(x):
    m = TwoFields(x * 1.0)
    m.step(x ** 2)
    return np.sum(m.w0 * x) + np.sum(m.w)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_parameter_stored_in_two_fields_is_refused_not_wrong(mode):
    # self.w and self.w0 are one array in Python: the write through self.w changes w0 too
    err = refusal(a_parameter_stored_twice, (X.copy(),), mode, error=srcdiff.RuntimeRefusal)
    assert "self.w holds an array" in str(err)


def peek(model):
    return model.w


class Peeked(Model):
    def sgd_peeking(self, g):
        before = peek(self)
        self.w -= 0.1 * g
        return np.sum(before)


def the_object_handed_to_a_helper(x):
    m = Peeked(x)
    t = m.sgd_peeking(x)
    return t * np.sum(x) + m.loss()


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_method_handing_its_object_to_a_helper_is_refused_not_wrong(mode):
    # peek(self) gives back self.w itself: Python's `before` sees the write after it
    err = refusal(the_object_handed_to_a_helper, (X.copy(),), mode,
                  error=(srcdiff.UnsupportedCodeError, srcdiff.RuntimeRefusal))
    assert "another name holds this object: `before = peek(self)`" in str(err), str(err)
