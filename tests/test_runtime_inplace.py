"""srcdiff/runtime_inplace.py: whether `operator.iadd(a, b)` changes `a` in place, decided as
Python decides it (by the type's in-place method)."""
import operator

import numpy
import pytest

from srcdiff.runtime_inplace import changes_in_place


@pytest.mark.parametrize("value, method", [(numpy.ones(2), "__iadd__"), ([1.0], "__iadd__"),
                                           ([1.0], "__imul__"), (numpy.ones(2), "__imatmul__"),
                                           (1.5, "__iadd__"), ((1.0,), "__iadd__"),
                                           (numpy.float64(2.0), "__imul__")])
def test_agrees_with_what_the_operator_does(value, method):
    op = {"__iadd__": operator.iadd, "__imul__": operator.imul,
          "__imatmul__": operator.imatmul}[method]
    other = {"__iadd__": value, "__imul__": 2, "__imatmul__": numpy.eye(2)}[method]
    if isinstance(value, numpy.ndarray):
        value = value.copy()
    assert changes_in_place(value, method) == (op(value, other) is value)


@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (2, 4), (3, 3, 3)])
def test_diagonal_index_is_where_fill_diagonal_writes(shape):
    """out_writes.py lowers numpy.fill_diagonal(a, v) to `a[diagonal_index(a)] = v`."""
    from srcdiff.runtime_inplace import diagonal_index
    want = numpy.zeros(shape)
    numpy.fill_diagonal(want, 1.0)
    got = numpy.zeros(shape)
    got[diagonal_index(got)] = 1.0
    numpy.testing.assert_array_equal(got, want)
