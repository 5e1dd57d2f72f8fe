"""operator.iadd and its six siblings (srcdiff/inplace_calls.py), against central differences.

`operator.iadd(a, b)` changes an array (a list) a in place and returns it; a number or a
tuple is left alone and the result is a + b. Each case runs on arrays and on floats, in
both modes and to second order (gradcheck.check); where the write would be seen through
another name, the call is refused exactly where the statement `a += b` is."""
import operator
import operator as op
from operator import imul

import numpy as np
import pytest

import srcdiff
from gradcheck import check

rng = np.random.default_rng(15)
A, B = rng.uniform(0.5, 1.5, (2, 3)), rng.uniform(0.5, 1.5, (2, 3))
SQUARE = rng.uniform(0.2, 0.6, (3, 3))
MODULE_ARRAY = np.array([1.0, 2.0])
MODULE_FLOAT = 0.5

FUNCTIONS = [operator.iadd, operator.isub, operator.imul, operator.itruediv, operator.ipow,
             operator.imod]
IDS = [f.__name__ for f in FUNCTIONS]


def _uses_both(fn):
    """The result, and a after the call (changed in place for arrays, not for floats)."""
    def f(a, b):
        r = fn(a, b)
        return np.sum(r * b + a * 0.5)
    return f


def _dropped(fn):
    """The result dropped: only the in-place change to a is seen."""
    def f(a, b):
        fn(a, b)
        return np.sum(a * a * b)
    return f


def _rebound(fn):
    def f(a, b):
        a = fn(a, b)
        return np.sum(a * b)
    return f


@pytest.mark.parametrize("fn", FUNCTIONS, ids=IDS)
@pytest.mark.parametrize("form", [_uses_both, _dropped, _rebound])
def test_each_function_on_arrays_and_floats(fn, form):
    f = form(fn)
    check(f, A, B, wrt=(0, 1))
    check(f, 1.3, 0.7, wrt=(0, 1))


def test_imatmul():
    def f(a, b, w):
        r = operator.imatmul(a, b)
        return np.sum(r * w + a)
    check(f, SQUARE, SQUARE.T + 0.1, B[:, :3].T @ B[:, :3], wrt=(0, 1))
    check(lambda a, b: np.sum(operator.imatmul(a, b) * a), A[0], SQUARE, wrt=(0, 1))


def test_spellings_resolve_by_object():
    def aliased(a, b):
        r = op.isub(a, b)
        return np.sum(r * a)

    def imported(a, b):
        r = imul(a, b)
        return np.sum(r * a)

    def dunder(a, b):
        r = operator.__itruediv__(a, b)
        return np.sum(r * a)
    for f in (aliased, imported, dunder):
        check(f, A, B, wrt=(0, 1))
        check(f, 1.3, 0.7, wrt=(0, 1))


def test_a_rebound_to_the_result_is_the_augmented_assignment():
    text = srcdiff.source(srcdiff.grad(_rebound(operator.iadd)))
    assert "changes_in_place" not in text and "operator.iadd" not in text


def test_evaluation_order_and_nesting():
    def before(a, b):
        return np.sum(a * 2.0 + operator.iadd(a, b) * a)   # a * 2.0: the old a

    def nested(a, b):
        r = operator.iadd(a, operator.imul(a, b))
        return np.sum(r * a + b)

    def in_a_loop(a, b):
        for _ in range(3):
            operator.imul(a, b)
        return np.sum(a)
    for f in (before, nested, in_a_loop):
        check(f, A, B, wrt=(0, 1))
        check(f, 1.3, 0.7, wrt=(0, 1))


def test_a_first_argument_that_is_not_a_name():
    def fresh(a, b):
        r = operator.iadd(a * 2.0, b)   # a new array, changed in place unseen
        return np.sum(r * a)

    def item(x, b):
        r = operator.imul(x[1], b)   # an item of a 1-D array: a number
        return np.sum(r * x)

    def literal(b):
        return np.sum(operator.itruediv(2.0, b))

    def module_float(b):
        return np.sum(operator.iadd(MODULE_FLOAT, b) * b)
    check(fresh, A, B, wrt=(0, 1))
    check(item, A[0], 0.7, wrt=(0, 1))
    check(item, A[0], B[0], wrt=(0, 1))
    check(literal, B)
    check(module_float, B)


def test_lists_and_tuples():
    def extended(a, b):
        items = [a]
        r = operator.iadd(items, [b, a])   # items itself, extended
        return r[0] * r[1] + items[2] * len(r)

    def joined(a, b):
        t = (a,)
        r = operator.iadd(t, (b,))   # a new tuple; t is left as it was
        return r[0] * r[1] + len(t) * t[0]

    def item_of_list(a, b):
        items = [a, b]
        operator.iadd(items[0], b)   # a number: the list keeps its item
        return items[0] * b
    for f in (extended, joined, item_of_list):
        check(f, 1.3, 0.7, wrt=(0, 1))
    check(extended, A, B, wrt=(0, 1))


def _refusal(f, *args):
    with pytest.raises(srcdiff.RuntimeRefusal) as info:
        srcdiff.grad(f, wrt=tuple(range(len(args))))(*args)
    return info.value


def test_an_alias_is_treated_as_the_statement_treats_it():
    def call(a, b):   # (an alias on one path: an exact one is followed, alias_groups.py)
        c = a if np.ndim(b) < 9 else b
        operator.iadd(a, b)
        return np.sum(c * b)

    def statement(a, b):
        c = a if np.ndim(b) < 9 else b
        a += b
        return np.sum(c * b)
    for f in (call, statement):   # floats: c keeps the old value
        check(f, 1.3, 0.7, wrt=(0, 1))
    for f in (call, statement):   # arrays: c sees the change, which srcdiff does not follow
        error = _refusal(f, A.copy(), B)
        assert "would also change c" in str(error)
        assert error.lineno == f.__code__.co_firstlineno + 2

    def list_alias(a, b):
        items = [a]
        other = items if np.ndim(b) < 9 else [b]
        operator.iadd(items, [b])
        return other[0] * other[-1]
    error = _refusal(list_alias, 1.3, 0.7)
    assert "would also change other" in str(error)


def test_writes_into_values_the_function_shares_or_does_not_own_are_refused():
    def row(x, b):
        r = operator.iadd(x[0], b)   # a row of a 2-D array: a view, written into
        return np.sum(r * b) + np.sum(x)

    def item_of_list(a, b):
        items = [a, b]
        operator.iadd(items[0], b)   # the array the list holds, changed in place
        return np.sum(items[0] * b)

    def module_array(b):
        return np.sum(operator.iadd(MODULE_ARRAY, b) * b)
    for f, args, text, line in [(row, (A, B[0]), "x[0] is an item of x", 1),
                                (item_of_list, (A, B), "items[0] is an item of items", 2),
                                (module_array, (B[0, :2],), "does not own", 1)]:
        error = _refusal(f, *args)
        assert text in str(error) and error.lineno == f.__code__.co_firstlineno + line
        assert "operator.iadd(" in error.hint or "+=" in error.hint
    check(item_of_list, 1.3, 0.7, wrt=(0, 1))   # numbers are not changed in place


def _helper(v, w):
    operator.iadd(v, w)
    return v * 2.0


def test_a_called_function_updating_its_argument_is_followed_like_the_statement():
    def caller(a, b):
        return np.sum(_helper(a, b) + a)   # a changed by _helper, for arrays
    check(caller, 1.3, 0.7, wrt=(0, 1))
    check(caller, A, B, wrt=(0, 1))   # (its variant's copy becomes a: writing_helpers)

    def caller_of_a_list(a, b):
        return np.sum(np.array(_helper([a[0], a[1]], [b[0]])))
    with pytest.raises(srcdiff.SrcdiffError, match="updates its argument 'v' in place") as info:
        srcdiff.grad(caller_of_a_list, wrt=(0, 1))(A, B)   # a list: refused, as `+=` on one
    assert info.value.lineno == _helper.__code__.co_firstlineno + 1


def test_wrong_arguments_are_refused_located():
    def one(a, b):
        return operator.iadd(a)

    def keyword(a, b):
        return operator.iadd(a, b=b)
    for f in (one, keyword):
        with pytest.raises(srcdiff.UnsupportedCodeError, match="takes two arguments") as info:
            srcdiff.grad(f)(1.3, 0.7)
        assert info.value.lineno == f.__code__.co_firstlineno + 1


# -- operator.iconcat: iadd for sequences only ------------------------------------------

def _iconcat_list(a, b):
    items = [a, b]
    joined = operator.iconcat(items, [a * b])   # items is extended in place
    return items[2] * joined[0] + joined[1]


def _iconcat_tuple(a, b):
    items = (a,)
    items = operator.iconcat(items, (b, a))      # a new tuple
    return items[0] * items[1] * items[2]


@pytest.mark.parametrize("f", [_iconcat_list, _iconcat_tuple])
def test_iconcat_on_lists_and_tuples(f):
    check(f, 1.5, 0.5, wrt=(0, 1))
    check(f, A, B, wrt=(0, 1))


def _iconcat_any(a, b):
    return np.sum(operator.iconcat(a, b))


@pytest.mark.parametrize("args", [(A, B), (1.5, 0.5)], ids=["arrays", "floats"])
def test_iconcat_raises_where_python_raises(args):
    with pytest.raises(TypeError) as python:
        _iconcat_any(*args)
    with pytest.raises(TypeError) as ours:
        srcdiff.grad(_iconcat_any)(*args)
    assert str(ours.value) == str(python.value)


def test_iconcat_of_a_list_and_an_array_is_refused():
    # Python extends the list by the array's items; a += b would add the array to it
    with pytest.raises(srcdiff.RuntimeRefusal, match="extends the list a"):
        srcdiff.grad(_iconcat_any)([1.5], np.array([0.5, 2.0]))


# -- the in-place write must fit the array, as NumPy requires (update_checks.py) --------

def _iadd_rebound(a, b):
    a = operator.iadd(a, b)
    return np.sum(a)


def _imatmul_result(a, b):
    return np.sum(operator.imatmul(a, b))


# (arrays apart: one array, or a row and its array, passed to a function writing into one of
# them is refused at the entry, runtime_alias.check_arguments_apart)
@pytest.mark.parametrize("f, args", [(_iadd_rebound, (A[0].copy(), A)),
                                     (_imatmul_result, (A[0].copy(), A[0])),
                                     (_imatmul_result, (SQUARE, SQUARE[0].copy()))],
                         ids=["iadd of another shape", "imatmul of vectors",
                              "imatmul by a vector"])
def test_raises_where_the_result_does_not_fit(f, args):
    with pytest.raises(ValueError) as python:
        f(*[np.copy(x) for x in args])
    for run in (lambda: srcdiff.grad(f)(*args), lambda: srcdiff.jvp(f)(*args, args[0])):
        with pytest.raises(ValueError) as ours:
            run()
        assert str(ours.value) == str(python.value)
