"""srcdiff/lower_methods.py: a method call `obj.m(...)` as one core statement: array
methods as the functions they mean, methods of followed classes as user calls with the
object first, list methods (append, extend, pop); and that the calls so lowered
differentiate right (finite differences, both modes, second order)."""
import numpy as np
import pytest

from srcdiff.core import Kind, validate
from srcdiff.transform import lower_function

from gradcheck import check
from lowering import expect, kinds, run_lowered


def method_form(x):
    return x.sum(axis=0)


def test_an_array_method_is_the_function_it_means():
    expect(method_form, """
        sum_1 = numpy.sum(x, axis=0)
        return sum_1""")
    assert lower_function(method_form).body[0].sd.func is np.sum


def appends(x):
    out = []
    out.append(x)
    out.append(x * 2.0)
    return out


def test_list_appends_take_atoms():
    assert kinds(appends) == [Kind.DISPLAY, Kind.APPEND, Kind.BINOP, Kind.APPEND, Kind.RETURN]


# -- methods of classes srcdiff follows ----------------------------------------------------


class Scale:
    def __init__(self, w):
        self.w = w

    def apply(self, x):
        return self.w * x * x


def calls_a_method(x):
    m = Scale(2.0)
    return m.apply(x)


def test_a_method_of_a_class_srcdiff_follows_is_a_user_call_with_the_object_first():
    calls = [s for s in lower_function(calls_a_method).body if s.sd.user_call is not None]
    assert len(calls) == 1 and calls[0].sd.func is Scale.apply
    assert calls[0].sd.user_call.form == "method"
    assert [a.id for a in calls[0].sd.call_args] == ["m", "x"]
    check(calls_a_method, 1.5)


# -- list methods ----------------------------------------------------------------------
def extends(x):
    out = [x]
    out.extend([x * 2.0, x * x])
    return out[1] + out[2]


def pops(x):
    items = [x, x * 3.0]
    return items.pop() * x


def test_extend_is_a_checked_list_concatenation_and_pop_its_own_kind():
    assert Kind.POP in kinds(pops)
    body = lower_function(extends).body
    assert any(s.sd.kind is Kind.CALL and s.sd.func.__name__ == "sequence_extend"
               for s in body)
    assert run_lowered(extends, 1.5) == extends(1.5)
    assert run_lowered(pops, 1.5) == pops(1.5)
    check(extends, 1.5)
    check(pops, 1.5)


@pytest.mark.parametrize("fn", [method_form, appends, calls_a_method, extends, pops])
def test_every_method_call_lowers_to_valid_core_code(fn):
    validate(lower_function(fn))


# A class of the user's whose method has the name of a list's, dict's or array's in-place
# method (`stats.update(v)`) was refused as that method (".update() changes its object in
# place"), or taken for a list's append or pop: its own method is followed (session 26).
class RunningMean:
    def __init__(self, mean, n):
        self.mean = mean
        self.n = n

    def update(self, v):
        self.n += 1
        self.mean = self.mean + (v - self.mean) / self.n
        return self


def running_mean_of_squares(x):
    r = RunningMean(0.0, 0)
    for v in x:
        r.update(v * v)
    return r.mean


class Scaled:
    def __init__(self, w):
        self.w = w

    def append(self, v):
        return np.sum(self.w * v)

    def pop(self):
        return np.sum(self.w ** 2)

    def sort(self, k):
        return np.sort(self.w * k)


def methods_named_like_a_lists(w, x):
    s = Scaled(w)
    a = s.append(x)
    b = s.pop()
    c = s.sort(2.0)
    return a * b + np.sum(c * x)


def passed_object_named_like_a_lists(s, x):
    return s.append(x) + s.pop()


def test_a_users_method_named_update_is_followed():
    check(running_mean_of_squares, np.array([0.3, -1.2, 0.8, 2.0]), order=2)


def test_a_users_methods_named_append_pop_and_sort_are_followed():
    w, x = np.array([0.5, -0.3, 1.2]), np.array([1.1, 0.4, -0.7])
    check(methods_named_like_a_lists, w, x, wrt=0, order=2)
    check(methods_named_like_a_lists, w, x, wrt=1, order=2)
    check(passed_object_named_like_a_lists, Scaled(w), x, wrt=1, order=2)


class Accumulator:
    def __init__(self, total):
        self.total = total

    def append(self, v):   # rebinding a field: was taken for a list's append (KeyError -1)
        self.total = self.total + v * v


def accumulated_by_append(x):
    a = Accumulator(0.0)
    for v in x:
        a.append(v)
    return a.total


def test_a_users_append_rebinding_a_field_is_followed():
    check(accumulated_by_append, np.array([0.3, -1.2, 0.8]), order=2)


class _Activation:
    """A classmethod calling the class's staticmethod and reading a class constant through
    `cls`, and one calling a plain method through the class (`cls.scaled(o, v)`)."""
    gain = 2.0

    def __init__(self, w=1.0):
        self.w = w

    @staticmethod
    def act(v):
        return v * v

    @classmethod
    def run(cls, v):
        return cls.act(v) * cls.gain

    @classmethod
    def run_twice(cls, v):
        return cls.run(cls.run(v))

    def scaled(self, v):
        return self.w * v

    @classmethod
    def through_class(cls, o, v):
        return cls.scaled(o, v) + 1.0


class _SineActivation(_Activation):
    gain = 3.0

    @staticmethod
    def act(v):
        return np.sin(v)


def classmethods_through_cls(x):
    return (_Activation.run(x[0]) + _SineActivation.run(x[1]) + _SineActivation().run(x[2])
            + _Activation(x[3]).run(x[3]))


def classmethods_nested(x):
    return _SineActivation.run_twice(x[0]) * _Activation.run_twice(x[1])


def classmethod_calls_a_method_through_cls(x):
    o = _SineActivation(x[2])
    return _SineActivation.through_class(o, x[0]) + \
        _Activation.through_class(_Activation(x[3]), x[1])


# `cls.act(v)` inside a classmethod was refused ("cannot tell the class of cls"): cls holds
# the class the classmethod was called on (a subclass's own staticmethod and constant where
# called on the subclass), known before the code runs.
@pytest.mark.parametrize("f", [classmethods_through_cls, classmethods_nested,
                               classmethod_calls_a_method_through_cls])
def test_a_classmethod_calls_through_cls_on_the_class_it_was_called_on(f):
    check(f, np.array([0.3, -0.7, 1.2, 0.5]), order=2)
