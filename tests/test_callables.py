"""srcdiff/callables.py: what a call or an attribute in user code means: the canonical dotted
path emitted code names an object by (whatever the user's alias), the ndarray methods and
attributes as the NumPy functions they mean, which functions srcdiff differentiates from
their source, and nested functions lifted over their free variables."""
import gc
import math
import sys
import types
import weakref

import numpy as np
import pytest

import srcdiff
from srcdiff import callables, errors, runtime
from srcdiff import syntax as S
from srcdiff.core import Kind
from srcdiff.transform import lower_function

from gradcheck import check

try:
    from scipy import stats
except ImportError:   # the Quickstart installs no SciPy
    stats = None


# -- canonical paths ------------------------------------------------------------------
@pytest.mark.parametrize("obj, path", [
    (np.sum, "numpy.sum"),
    (np.linalg.norm, "numpy.linalg.norm"),
    (np.sin, "numpy.sin"),            # a ufunc
    (np.add.reduce, "numpy.add.reduce"),   # a bound method of a ufunc, new at each read
    (np.multiply.outer, "numpy.multiply.outer"),
    (abs, "abs"),                     # builtins stay bare names
    (math.exp, "math.exp"),
    (np, "numpy"),
])
def test_canonical_path_names_the_object_from_its_public_package(obj, path):
    assert callables.canonical_path(obj) == path
    assert S.spell(callables.reference(path)).strip() == path


def a_module_level_function(x):
    return x


def test_a_module_level_function_is_named_by_its_module_and_nothing_else_is():
    assert callables.canonical_path(a_module_level_function) == \
        f"{__name__}.a_module_level_function"
    assert callables.canonical_path(lambda x: x) is None
    assert callables.canonical_path(object()) is None


def test_the_path_cache_keeps_no_user_function_alive():
    module = types.ModuleType("srcdiff_test_transient")
    exec("def f(x):\n    return x\n", vars(module))
    sys.modules[module.__name__] = module
    try:
        assert callables.canonical_path(module.f) == "srcdiff_test_transient.f"
    finally:
        del sys.modules[module.__name__]
    alive = weakref.ref(module.f)
    del module
    gc.collect()
    assert alive() is None


def test_name_path_records_the_name_emitted_code_calls_an_object_by():
    class Thing:
        def __call__(self, x):
            return x
    thing = Thing()
    assert callables.canonical_path(thing) is None
    callables.name_path(thing, "somewhere.thing")
    assert callables.canonical_path(thing) == "somewhere.thing"


# -- ndarray methods and attributes ------------------------------------------------------
X = np.array([[0.5, -1.25, 2.0], [3.0, 0.75, -0.5]])
NO_ARGUMENT_METHODS = sorted(
    m for m in callables.ARRAY_METHODS
    if m not in ("astype", "choose", "clip", "compress", "dot", "repeat", "swapaxes", "take",
                 "reshape"))


@pytest.mark.parametrize("method", NO_ARGUMENT_METHODS)
def test_each_array_method_means_the_function_it_is_mapped_to(method):
    np.testing.assert_array_equal(callables.ARRAY_METHODS[method](X), getattr(X, method)())


@pytest.mark.parametrize("method, args", [
    ("astype", (np.float32,)), ("clip", (0.0, 1.0)), ("dot", (X.T,)), ("repeat", (2,)),
    ("swapaxes", (0, 1)), ("take", ([2, 0],)), ("reshape", ((3, 2),)),
    ("compress", ([True, False],)), ("choose", ([X[0], X[1] * 2.0],))])
def test_array_methods_with_arguments_take_them_after_the_array(method, args):
    receiver = np.array([[0, 1, 1], [1, 0, 0]]) if method == "choose" else X
    got = callables.ARRAY_METHODS[method](receiver, *args)
    np.testing.assert_array_equal(got, getattr(receiver, method)(*args))
    assert np.asarray(got).dtype == getattr(receiver, method)(*args).dtype


@pytest.mark.parametrize("attr", sorted(callables.ARRAY_ATTRIBUTES))
def test_each_array_attribute_means_the_function_it_is_mapped_to(attr):
    np.testing.assert_array_equal(callables.ARRAY_ATTRIBUTES[attr](X), getattr(X, attr))


def test_methods_emitted_as_written_are_exactly_their_function():
    for m in callables.SAME_AS_METHOD - {"copy", "astype", "flatten"}:
        assert callables.ARRAY_METHODS[m] is getattr(np, m)
    # x.flatten() is a copy, numpy.ravel(x) may be a view: its own runtime helper
    assert callables.ARRAY_METHODS["flatten"] is not np.ravel


def flattened_then_written(A):
    r = A.flatten()   # a copy: writing it leaves A (and the caller's array) alone
    r[0] = 5.0
    r *= 2.0
    return np.sum(r * r) + np.sum(A ** 3)


def test_a_flattened_copy_is_written_freely():
    from gradcheck import check
    A = np.array([[0.5, -1.0], [0.25, 2.0]])
    check(flattened_then_written, A)
    srcdiff.grad(flattened_then_written)(A)
    assert A[0, 0] == 0.5


def test_mutating_methods_are_refused_on_arrays():
    def sorts(x):
        y = x * 1.0
        y.byteswap(True)   # (an array's fill and sort are lowered: out_writes.py)
        return np.sum(y * x)
    assert "partition" in callables.MUTATING_METHODS
    with pytest.raises(errors.SrcdiffError, match="in place"):
        lower_function(sorts)


# -- what srcdiff differentiates from source -------------------------------------------
def squares(x):
    return x * x


def test_is_user_function_is_true_for_plain_python_functions_without_rules():
    assert callables.is_user_function(squares)
    assert callables.is_user_function(lambda x: x)
    assert not callables.is_user_function(np.sum)                  # a rule
    assert not callables.is_user_function(np.tanh)                 # a ufunc with a rule
    assert not callables.is_user_function(runtime.own_copy)        # srcdiff's own helper
    assert not callables.is_user_function(srcdiff.stop_gradient)   # no derivative
    assert not callables.is_user_function(len)


@pytest.mark.skipif(stats is None, reason="SciPy is not installed")
def test_is_distribution_is_true_for_distributions_not_for_frozen_ones():
    assert callables.is_distribution(stats.norm)
    assert callables.is_distribution(stats.poisson)
    assert not callables.is_distribution(stats.norm(0.0, 1.0))
    assert not callables.is_distribution(np.sum)
    assert not callables.is_distribution(None)


@pytest.mark.parametrize("value, literal", [
    (None, True), (3, True), (2.5, True), (1j, True), ("text", True), (True, True),
    ((1, (2.0, None)), True), ([1, 2], False), ((1, [2]), False), (np.ones(2), False),
    ({"a": 1}, False)])
def test_is_literal_accepts_numbers_strings_none_and_tuples_of_them(value, literal):
    assert callables.is_literal(value) is literal


# -- nested functions, lifted over their free variables -------------------------------
def nested_with_default(x, a):
    def scaled(t, k=2.0):
        return a * t * k
    return scaled(x) + scaled(x, 3.0)


def nested_lambda(x, a):
    f = lambda t: a * t * t   # noqa: E731
    return f(x)


def test_a_nested_function_is_lifted_with_its_free_variables_after_its_parameters():
    calls = [s for s in lower_function(nested_with_default).body if s.sd.user_call is not None]
    assert len(calls) == 2 and all(c.sd.kind is Kind.CALL for c in calls)
    lifted = calls[0].sd.func
    assert isinstance(lifted, callables.LocalFunction) and callables.is_user_function(lifted)
    assert lifted.own_params == ["t", "k"] and lifted.free == ["a"]
    assert lifted.lifted_params == ["t", "k", "a"]
    assert [S.spell(a).strip() for a in calls[0].sd.call_args] == ["x", "2.0", "a"]
    assert [S.spell(a).strip() for a in calls[1].sd.call_args] == ["x", "3.0", "a"]
    check(nested_with_default, 0.7, 1.3, wrt=(0, 1))
    check(nested_lambda, 0.7, 1.3, wrt=(0, 1))


def nested_with_array_default(x):
    def scaled(t, k=np.ones(2)):
        return t * k
    return np.sum(scaled(x))


def test_a_nested_functions_default_that_is_not_a_literal_is_computed_before_it():
    """(issue #13 item 2; refused before) the default is bound to a fresh local where the
    def is written (lower_funcs_defaults), which a call leaving k out passes."""
    call = next(s for s in lower_function(nested_with_array_default).body
                if s.sd.user_call is not None)
    default = call.sd.func.__signature__.parameters["k"].default
    assert isinstance(default, callables.LocalDefault) and default.name in call.sd.func.free
    check(nested_with_array_default, np.array([0.3, -1.2]))


def draws_through_an_alias(x):
    np.random.seed(0)
    return np.sum(np.random.normal(x, 0.5, 3) ** 2)


def test_a_random_sample_draws_correctly_through_an_alias():
    check(draws_through_an_alias, np.array([0.5, -1.0, 2.0]))


def test_a_random_samples_function_is_named_by_its_canonical_path():
    assert callables.canonical_path(np.random.normal) == "numpy.random.normal"
    code = [line for line in srcdiff.source(srcdiff.grad(draws_through_an_alias)).splitlines()
            if not line.strip().startswith("#")]   # comments quote the user's lines
    assert not [line for line in code if "np.random" in line]
    assert any("numpy.random.normal(" in line for line in code)


# -- an operator's own method called by name writes in place (MUTATING_METHODS) -------------
def setitem_by_name(x):
    y = x * 1.0
    y.__setitem__(0, 5.0)
    return np.sum(y * y * x)


def imul_by_name(x):
    A = np.outer(x, x)
    A.__imul__(2.0)          # given no differentiated value: it once ran unseen
    return np.sum(A * A)


def iadd_by_name(x):
    y = x * 1.0
    y.__iadd__(x)
    return np.sum(y * x)


@pytest.mark.parametrize("f", [setitem_by_name, imul_by_name, iadd_by_name],
                         ids=lambda f: f.__name__)
def test_an_operator_method_called_by_name_is_refused_not_dropped(f):
    """y.__setitem__(0, v) and A.__imul__(2.0) gave wrong gradients (the write was not
    seen); they are refused at the user's line, with the operator to write instead."""
    from gradcheck import refusal
    err = refusal(f, (np.array([0.3, 0.7, 1.1]),), "grad")
    assert "changes its object in place" in str(err) and "write the operator itself" in str(err)
