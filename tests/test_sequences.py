"""`+` and `*` on lists and tuples (srcdiff/sequences.py): concatenation and repetition,
whichever way the user spells them, against central differences in both modes and to
second order (gradcheck.check).

`operator.add(a, b)` is `a + b` and `operator.mul(a, b)` is `a * b` (operator.__add__ and
operator.__mul__ are the same objects): on lists and tuples they concatenate and repeat,
which the arithmetic rules of the operators do not describe."""
import operator
from operator import add as plus

import numpy as np
import pytest

import srcdiff
from gradcheck import check

rng = np.random.default_rng(7)
X, Y = rng.uniform(0.5, 1.5, 3), rng.uniform(0.5, 1.5, 3)


def concat_lists(a, b):
    joined = operator.add([a], [b])
    return joined[0] * joined[1]


def concat_tuples(a, b):
    joined = operator.__add__((a, b), (b,))
    return joined[0] * joined[1] + joined[2] * joined[2] * a


def concat_imported(a, b):
    return np.sum(plus([a, b], [a])[2] * b)


def concat_nested(a, b):
    return operator.add([a * 2.0], operator.add([b], [a]))[2] * b


def repeat_list(a, b):
    twice = operator.mul([a, b], 2)
    return twice[0] * twice[3] + len(twice) * a


def repeat_int_first(a, b):
    thrice = operator.__mul__(3, (a,))
    return thrice[0] * thrice[2] * b


def summed_lists(a, b):
    joined = sum([[a], [b], [a * b]], [])
    return joined[0] * joined[1] + joined[2]


@pytest.mark.parametrize("f", [concat_lists, concat_tuples, concat_imported, concat_nested,
                               repeat_list, repeat_int_first, summed_lists],
                         ids=lambda f: f.__name__)
def test_call_forms_concatenate_and_repeat(f):
    check(f, 1.5, 0.5, wrt=(0, 1))
    check(f, X, Y, wrt=(0, 1))


def test_the_example_of_the_report():
    # d/da of a * b through operator.add([a], [b]) is b, not the arithmetic rule's a + b
    assert srcdiff.grad(concat_lists)(1.5, 0.5) == pytest.approx(0.5)


def arithmetic_calls(a, b):
    return np.sum(operator.add(a, b) * operator.mul(a, 3.0) + operator.mul(2, b))


def test_call_forms_on_arrays_and_floats_stay_arithmetic():
    check(arithmetic_calls, X, Y, wrt=(0, 1))
    check(arithmetic_calls, 1.5, 0.5, wrt=(0, 1))


def mixed_list_and_array(a, b):
    return np.sum(operator.add([a, a], b))   # a list and an array: NumPy adds elementwise


def test_list_plus_array_is_elementwise():
    check(mixed_list_and_array, 1.5, Y[:2], wrt=(0, 1))


def concat_call(a, b):
    joined = operator.concat([a, b], [a * b])
    return joined[0] * joined[2] + joined[1]


def concat_tuples_dunder(a, b):
    joined = operator.__concat__((a,), (b, a))
    return joined[0] * joined[1] * joined[2]


def test_concat_joins_lists_and_tuples():
    check(concat_call, 1.5, 0.5, wrt=(0, 1))
    check(concat_tuples_dunder, 1.5, 0.5, wrt=(0, 1))
    check(concat_call, X, Y, wrt=(0, 1))


def concat_any(a, b):
    return np.sum(operator.concat(a, b))


@pytest.mark.parametrize("args", [(X, Y), (1.5, 0.5), ([1.5], (0.5,)), ([1.5], Y)],
                         ids=["arrays", "floats", "list and tuple", "list and array"])
def test_concat_raises_where_python_raises(args):
    # arrays and numbers are no sequences operator.concat joins: TypeError, as in Python
    with pytest.raises(TypeError) as python:
        concat_any(*args)
    for run in (lambda: srcdiff.grad(concat_any)(*args),
                lambda: srcdiff.jvp(concat_any)(*args, args[0])):
        with pytest.raises(TypeError) as ours:
            run()
        assert str(ours.value) == str(python.value)


# -- grown_parameters: `p += ...` on a parameter bound anew to a copy first is no growth of
# the caller's value (hunt18: `h = h.copy(); h += np.tanh(x)` in a helper was refused as
# "updates its argument 'h' in place")
def _step_on_a_copy(h, x):
    h = h.copy()
    h += np.tanh(x)
    return h


def _step_on_arithmetic(h, v):
    h = h + []
    h += [v]
    return h


def _steps(x):
    h = np.zeros(3)
    for i in range(3):
        h = _step_on_a_copy(h, x * i)
    items = _step_on_arithmetic([x[0]], x[1])
    return np.sum(h ** 2) + sum(items) * x[2]


def _grows_through_an_alias(lst, v):
    same = lst
    lst = same          # the caller's list still
    lst += [v]
    return v


def _grows(x):
    lst = [x[0]]
    r = _grows_through_an_alias(lst, x[1])
    return sum(lst) * r


def test_an_update_after_the_parameter_is_bound_to_a_copy_differentiates():
    from gradcheck import check
    check(_steps, np.array([0.3, -0.5, 0.8]))


def test_an_update_through_a_rebinding_to_the_same_list_stays_refused():
    import srcdiff
    with pytest.raises(srcdiff.SrcdiffError, match="updates its argument 'lst' in place"):
        srcdiff.grad(_grows)(np.array([0.3, -0.5, 0.8]))
