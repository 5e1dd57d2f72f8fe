"""srcdiff/state_methods.py: a method that writes its object's fields (an RNN cell's step
setting self.h), called on a record made in the function, checked against finite
differences in both modes and to second order (gradcheck.check); the located refusals
where the object came from the caller or another name holds it."""
import dataclasses

import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal

W = np.array([[0.3, -0.2, 0.1], [0.05, 0.4, -0.3], [0.2, 0.1, 0.25]])
XS = np.array([[0.5, -1.0, 0.7], [0.2, 0.3, -0.4], [-0.1, 0.6, 0.2]])


@dataclasses.dataclass
class RNNCell:
    W: np.ndarray
    h: np.ndarray
    steps: float = 0.0

    def step(self, x):
        self.h = np.tanh(self.W @ x + self.h)
        self.steps += 1.0
        return self.h

    def reset(self):
        self.h = self.h * 0.0

    def step_twice(self, x):
        if np.sum(x) > 0.0:
            return self.step(x) * 0.5
        self.step(x)
        return self.step(x * 0.5)


def runs_the_cell(W, xs):
    cell = RNNCell(W, np.zeros(3))
    for x in xs:
        cell.step(x)
    return np.sum(cell.h ** 2) * cell.steps


def uses_what_each_step_returns(W, xs):
    cell = RNNCell(W * 1.0, xs[0] * 0.1)
    s = 0.0
    for x in xs:
        y = cell.step(x)
        s = s + np.sum(y * x)
    return s + np.sum(cell.h)


def a_method_calling_another_on_its_object(W, xs):
    cell = RNNCell(W, np.ones(3))
    h = cell.step_twice(xs[0]) + cell.step_twice(-xs[1])
    cell.reset()
    return np.sum(h * cell.step(xs[2]))


@pytest.mark.parametrize("f", [runs_the_cell, uses_what_each_step_returns,
                               a_method_calling_another_on_its_object])
def test_a_method_writing_its_objects_fields(f):
    check(f, W.copy(), XS.copy(), wrt=(0, 1))


def steps_the_callers_cell(cell, x):
    return np.sum(cell.step(x))


def steps_a_cell_another_name_holds(W, x):
    cell = RNNCell(W, np.zeros(3))
    cells = [cell]
    cell.step(x)
    return np.sum(cells[0].h)


@pytest.mark.parametrize("f, args, words", [
    (steps_the_callers_cell, (RNNCell(W, np.zeros(3)), XS[0]), "writes into its argument "
                                                                "'self' in place"),
    (steps_a_cell_another_name_holds, (W, XS[0]), "which writes fields of its object: "
                                                  "another name holds this object: "
                                                  "`cells = [cell]`")])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_method_writing_an_object_others_see_is_refused(f, args, words, mode):
    # the caller's object: at the write in the method (lower_copies.py); another holder:
    # at the call
    err = refusal(f, args, mode, wrt=1)
    assert words in str(err), str(err)


# -- a method updating an array field with op= (session 16): Python changes the array in
# place under every name holding it (the caller's y of Acc(y)); the state function ran it
# as plain Python where its result was not differentiated, so y changed in the value but
# not in the derivative: a silently wrong gradient. Now refused when it runs, at the
# method's line, whether or not the call is differentiated; a number field still updates
class _Acc:
    def __init__(self, v, n):
        self.v = v
        self.n = n

    def scale(self, c):
        self.v *= c

    def count(self, t):
        self.n += np.sum(t)
        return self.n


def _scaled_through_the_object_read_through_y(x):
    y = x * 1.0
    a = _Acc(y, 0.0)
    a.scale(2.0)
    return np.sum(y * x)


def _scaled_through_the_object_read_through_it(x):
    a = _Acc(x * 1.0, 0.0)
    a.scale(2.0)
    return np.sum(a.v * x)


# (where nothing but the object can hold the array, `_Acc(x * 1.0, 0.0)` read only through
# a.v, the update is a binding and differentiates: field_ownership.py)
@pytest.mark.parametrize("f", [_scaled_through_the_object_read_through_y])
def test_an_op_update_of_an_array_field_in_a_method_is_refused_when_it_runs(f):
    with pytest.raises(srcdiff.RuntimeRefusal, match="self.v holds an array") as info:
        srcdiff.grad(f)(np.array([0.3, -0.4, 0.5]))
    assert info.value.lineno == _Acc.scale.__code__.co_firstlineno + 1


def test_an_op_update_of_an_array_field_only_the_object_holds_differentiates():
    check(_scaled_through_the_object_read_through_it, np.array([0.3, -0.4, 0.5]), order=2)


def _counts(x):
    a = _Acc(x * 1.0, 0.0)
    for i in range(2):
        a.count(x * (i + 1.0))
    return a.n * np.sum(a.v)


def test_an_op_update_of_a_number_field_in_a_method_differentiates():
    check(_counts, np.array([0.3, -0.4, 0.5]), order=2)


# A state method that also updates an argument in place (`v *= 2.0` on the caller's array,
# in one arm or after keeping it in self): the state function updated its own copy, so the
# caller's later read of y missed the change, a silently wrong gradient (views21). The
# argument's update is now checked as any call's: refused when it runs for an array, at the
# method's line; a number is bound anew and differentiates.
class _Keeper:
    def __init__(self):
        self.kept = None

    def take(self, v, flag):
        if flag:
            self.kept = v
            return np.sum(v)
        else:
            v *= 2.0
            return np.sum(v * v)

    def keep_then_scale(self, v):
        self.kept = v
        v *= 2.0
        return np.sum(v * v)


def _taken_in_the_other_arm(x):
    k = _Keeper()
    y = x * 1.0
    t = k.take(y, False)
    return t + np.sum(y * x)


def _kept_then_scaled(x):
    k = _Keeper()
    y = x * 1.0
    t = k.keep_then_scale(y)
    return t + np.sum(y * x)


def _number_taken(x):
    k = _Keeper()
    t = k.take(np.sum(x), False)
    return t * np.sum(x)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("f, line", [(_taken_in_the_other_arm, _Keeper.take),
                                     (_kept_then_scaled, _Keeper.keep_then_scale)])
def test_a_state_method_updating_an_argument_array_is_refused_when_it_runs(f, line, mode):
    err = refusal(f, (np.array([0.3, -0.4, 0.5]),), mode, error=srcdiff.RuntimeRefusal)
    assert "updates its argument 'v' in place" in str(err)
    assert err.lineno in range(line.__code__.co_firstlineno, line.__code__.co_firstlineno + 8)


def test_a_state_method_updating_a_number_argument_differentiates():
    check(_number_taken, np.array([0.3, -0.4, 0.5]), order=2)


# A state method keeping its argument in a field (`self.kept = v`), then the caller writing
# into that array (`y += 1.0`, `y[0] = 5.0`) and reading the field: Python's field sees the
# write, srcdiff's object held its own value, a silently wrong gradient (views21). The call
# now counts as holding its arguments (aliasing.py, alias_roots' object_of): refused when
# the run shows the field holds the array; where the method kept another value (the other
# arm), or the array is not written after, it differentiates.
class _Store:
    def __init__(self):
        self.kept = None

    def take(self, v, flag):
        if flag:
            self.kept = v
        else:
            self.kept = v * 2.0
        return np.sum(v)


def _kept_then_updated(x, flag):
    k = _Store()
    y = x * 1.0
    t = k.take(y, flag)
    y += 1.0
    return t + np.sum(y * x) + np.sum(k.kept * x)


def _kept_then_written(x):
    k = _Store()
    y = x * 1.0
    k.take(y, True)
    y[0] = 5.0
    return np.sum(k.kept * x)


def _kept_and_only_read(x):
    k = _Store()
    y = np.tanh(x)
    k.take(y, True)
    return np.sum(k.kept * x) + np.sum(y)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("f, args", [(_kept_then_updated, (True,)), (_kept_then_written, ())])
def test_an_argument_a_state_method_keeps_then_written_is_refused(f, args, mode):
    err = refusal(f, (np.array([0.3, -0.4, 0.5]),) + args, mode)
    assert "k (its method keeps y)" in str(err)


def test_an_argument_a_state_method_keeps_elsewhere_or_only_read_differentiates():
    check(_kept_then_updated, np.array([0.3, -0.4, 0.5]), False, order=2)
    check(_kept_and_only_read, np.array([0.3, -0.4, 0.5]), order=2)


# -- fluent methods: a method writing its object's fields and giving back `self`, chained
# (`acc.add(x).add(y)`): each call of the chain writes the one object the name holds, so the
# chain is the calls made on that name in turn. What such a call gives back, kept under
# another name (`b = acc.add(x)`), is that object too: later writes through acc changed b in
# Python while srcdiff's b kept the fields of the time of the call, a silently wrong gradient
# (found here); refused now, at the call. Read at once (`acc.add(x).total`) it differentiates.
class _Buffer:
    def __init__(self, n):
        self.buf = np.zeros(n)

    def add(self, v):
        self.buf = self.buf + v
        return self

    def scale(self, c):
        self.buf = self.buf * c
        return self

    def same(self):
        return self

    @property
    def total(self):
        return np.sum(self.buf ** 2)


def _chained_three(x):
    acc = _Buffer(x.size)
    acc.add(x).scale(0.5).add(np.sin(x))
    return acc.total


def _chain_read_at_once(x):
    acc = _Buffer(x.size)
    t = acc.add(x).add(np.cos(x)).total
    return t + acc.total


def _chain_in_a_loop(x):
    acc = _Buffer(x.size)
    for k in range(3):
        acc.add(x * k).scale(0.9)
    return acc.total + np.sum(acc.same().buf)


def _chain_of_a_class_made_here(x):
    class Acc:
        def __init__(self, n):
            self.buf = np.zeros(n)

        def add(self, v):
            self.buf = self.buf + v
            return self

    acc = Acc(x.size)
    acc.add(x).add(x ** 2)
    return np.sum(acc.buf * x)


def _chain_returned(x):
    acc = _Buffer(x.size)
    return acc.add(x).scale(2.0).total


@pytest.mark.parametrize("f", [_chained_three, _chain_read_at_once, _chain_in_a_loop,
                               _chain_of_a_class_made_here, _chain_returned])
def test_a_chain_of_methods_giving_back_their_object(f):
    check(f, np.array([0.3, -0.4, 0.5]), order=2)


def _kept_result(x):
    acc = _Buffer(x.size)
    b = acc.add(x)
    acc.add(np.sin(x))
    return b.total


def _kept_chain_result(x):
    acc = _Buffer(x.size)
    bs = [acc.add(x).scale(2.0)]
    acc.add(np.sin(x))
    return bs[0].total


def _kept_alias_then_chain(x):
    acc = _Buffer(x.size)
    b = acc
    acc.add(x).add(x)
    return b.total


@pytest.mark.parametrize("f", [_kept_result, _kept_chain_result, _kept_alias_then_chain])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_the_object_a_method_gives_back_kept_under_another_name_is_refused(f, mode):
    err = refusal(f, (np.array([0.3, -0.4, 0.5]),), mode)
    assert "acc" in err.line
