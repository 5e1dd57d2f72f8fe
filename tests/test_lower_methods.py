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
