"""srcdiff/lower_calls.py: what a call means, as one core statement: the user's functions
bound to their parameters, library functions as the objects they mean (never the user's
alias), nested functions with their free variables, stop_gradient, derivatives srcdiff made;
and that the calls so lowered differentiate right (finite differences, both modes, second
order). Method calls: tests/test_lower_methods.py."""
import numpy as np
import numpy as numeric
import pytest
from numpy import sin as sine

import srcdiff
import srcdiff.derivative
from srcdiff import syntax as S
from srcdiff.core import Kind, validate
from srcdiff.transform import lower_function

from gradcheck import check
from lowering import expect, kinds

try:
    from scipy import stats
except ImportError:   # the Quickstart installs no SciPy
    stats = None


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


# -- the user's own functions: bound to their parameters -----------------------------------
def helper(a, b=2.0, *, c=3.0):
    return a * b + c


def calls_the_users_function(x):
    return helper(x, c=1.0) * x


def test_a_call_of_the_users_function_passes_every_parameter_in_order_defaults_filled():
    call = lower_function(calls_the_users_function).body[0]
    assert call.sd.kind is Kind.CALL and call.sd.func is helper
    assert [getattr(a, "id", getattr(a, "value", None)) for a in call.value.args] == \
        ["x", 2.0, 1.0]
    assert not call.value.keywords
    check(calls_the_users_function, 1.5)


def array_default(a, b=np.ones(2)):
    return a * b


def calls_with_an_array_default(x):
    return np.sum(array_default(x))


def test_a_default_that_is_not_a_literal_is_the_object_the_def_made():
    """Python evaluates a default once, when the def runs: a call leaving it out passes that
    object, bound by name for the emitted code (lower_calls.default_argument)."""
    low = lower_function(calls_with_an_array_default)
    call = low.body[0]
    assert call.sd.kind is Kind.CALL and call.sd.func is array_default
    passed = call.value.args[1]
    assert isinstance(passed, S.Name) and low.bindings[passed.id] is \
        array_default.__defaults__[0]
    check(calls_with_an_array_default, np.array([0.5, -1.5]))


# -- library calls: named by the object, never the user's alias ----------------------------
def aliased(x):
    return numeric.sum(sine(x) * x)


def test_library_functions_are_named_by_their_canonical_path_whatever_the_alias():
    body = lower_function(aliased).body
    calls = [s for s in body if s.sd.kind is Kind.CALL]
    assert [c.sd.func for c in calls] == [np.sin, np.sum]
    assert [S.spell(c.value.func).strip() for c in calls] == ["numpy.sin", "numpy.sum"]
    check(aliased, np.array([0.3, -1.2]))


def ufunc_of_a_list(x):
    return np.sum(np.sin([x, 2.0 * x]))


def test_a_list_given_to_a_ufunc_is_made_an_array_first():
    calls = [s.sd.func for s in lower_function(ufunc_of_a_list).body if s.sd.kind is Kind.CALL]
    assert calls[:2] == [np.asarray, np.sin]
    check(ufunc_of_a_list, 0.7)


# -- derivatives srcdiff made, called inside the function ---------------------------------
def squared_times(a, b=2.0):
    return a * a * b


def calls_a_derivative(x):
    return srcdiff.grad(squared_times)(x, 2.0) * x


def test_a_derivative_srcdiff_made_is_a_call_of_the_function_it_runs():
    call = [s for s in lower_function(calls_a_derivative).body if s.sd.kind is Kind.CALL][0]
    assert call.sd.func.__name__ == "grad_squared_times"   # compose_calls' plain function
    assert not isinstance(call.sd.func, srcdiff.derivative.Derivative)
    check(calls_a_derivative, 1.5, order=1)   # second order: tests/test_compose_calls.py


@pytest.mark.parametrize("fn", [
    calls_a_nested_function, stopped, calls_the_users_function, aliased, ufunc_of_a_list,
    calls_a_derivative])
def test_every_construct_lowers_to_valid_core_code(fn):
    validate(lower_function(fn))
