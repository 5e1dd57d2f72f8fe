"""srcdiff/lower_calls.py: what a call means, as one core statement (array methods as the
functions they mean, nested functions with their free variables, stop_gradient, list
methods)."""
import numpy as np
import pytest

import srcdiff
from srcdiff import analyze
from srcdiff import syntax as S
from srcdiff.core import Kind, validate
from srcdiff.transform import lower_function

from lowering import expect, kinds, run_lowered, text  # noqa: F401


def method_form(x):
    return x.sum(axis=0)


def test_an_array_method_is_the_function_it_means():
    expect(method_form, """
        sum_1 = numpy.sum(x, axis=0)
        return sum_1""")
    assert lower_function(method_form).body[0].sd.func is np.sum


# -- calls ----------------------------------------------------------------------------
def calls_a_nested_function(x, a):
    def g(v):
        return v * a
    return g(x)


def test_a_nested_function_call_carries_its_free_variables():
    body = lower_function(calls_a_nested_function).body
    call = body[1]
    assert call.sd.kind is Kind.CALL and call.sd.user_call.form == "local"
    assert [a.id for a in call.sd.call_args] == ["x", "a"]
    assert S.spell(call).strip() == "g_1 = g(x)"   # the primal call keeps its own arguments


def stopped(x):
    return srcdiff.stop_gradient(x) * x


def test_stop_gradient_is_its_own_kind():
    expect(stopped, """
        stop_gradient_1 = no_derivative(x)
        mul_1 = stop_gradient_1 * x
        return mul_1""")
    assert kinds(stopped)[0] is Kind.STOP_GRADIENT


def appends(x):
    out = []
    out.append(x)
    out.append(x * 2.0)
    return out


def test_list_appends_take_atoms():
    assert kinds(appends) == [Kind.DISPLAY, Kind.APPEND, Kind.BINOP, Kind.APPEND, Kind.RETURN]


@pytest.mark.parametrize("fn", [
    method_form, calls_a_nested_function, stopped, appends])
def test_every_construct_lowers_to_valid_core_code(fn):
    validate(lower_function(fn))
