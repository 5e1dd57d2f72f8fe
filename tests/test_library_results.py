"""srcdiff/library_results.py: what a library call gives back, checked against NumPy itself
(np.shares_memory on the results), not against a list written twice."""
import numpy as np
import pytest

from srcdiff import library_results as L
from srcdiff import syntax as S


def _call(text):
    return S.parse_function(f"def f(y):\n    return {text}\n").body[0].value


@pytest.mark.parametrize("text,expr", [
    ("y.conj()", lambda y: y.conj()), ("y.conjugate()", lambda y: y.conjugate()),
    ("y.astype(float, copy=False)", lambda y: y.astype(float, copy=False))])
def test_a_method_giving_back_its_receiver_is_told(text, expr):
    y = np.array([0.3, 0.7])
    assert np.shares_memory(expr(y), y)          # what NumPy does for a real float array
    assert L.may_return_receiver(_call(text))
    assert not L.fresh_call(None, _call(text))


@pytest.mark.parametrize("text,expr", [
    ("y.astype(float)", lambda y: y.astype(float)), ("y.copy()", lambda y: y.copy()),
    ("y.astype(float, copy=True)", lambda y: y.astype(float, copy=True))])
def test_a_copying_method_is_not_its_receiver(text, expr):
    y = np.array([0.3, 0.7])
    assert not np.shares_memory(expr(y), y)
    assert not L.may_return_receiver(_call(text))


def test_ufuncs_and_copying_functions_give_new_arrays_views_do_not():
    y = np.array([[0.3, 0.7], [1.0, 2.0]])
    for func in (np.sin, np.conjugate, np.sum, np.concatenate):
        assert L.fresh_call(func) and L.numpy_array_call(func)
    assert not np.shares_memory(np.conjugate(y), y)
    for func in (np.reshape, np.transpose, np.ravel):
        assert func in L.VIEW_FUNCS and not L.fresh_call(func)
        assert np.shares_memory(func(y, -1) if func is np.reshape else func(y), y)
    assert L.keeps_nothing(np.sin) and L.plain_library_function(np.sum)
    assert not L.plain_library_function([].append)
