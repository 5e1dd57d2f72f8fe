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
