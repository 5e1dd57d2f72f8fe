"""srcdiff/runtime_sequences.py: the check before `a + b` lowered from operator.concat:
the error operator.concat raises, for the same operands."""
import operator

import numpy
import pytest

from srcdiff.errors import SrcdiffError
from srcdiff.runtime_sequences import check_concat


@pytest.mark.parametrize("a, b", [([1.0], [2.0]), ((1.0,), (2.0,)), ("ab", "c")])
def test_sequences_pass(a, b):
    assert operator.concat(a, b) is not None
    check_concat(a, b)


@pytest.mark.parametrize("a, b", [(1.0, 2.0), (numpy.ones(2), numpy.ones(2)), ([1.0], (2.0,))])
def test_what_operator_concat_refuses_raises_the_same_type_error(a, b):
    with pytest.raises(TypeError) as expected:
        operator.concat(a, b)
    with pytest.raises(TypeError) as got:
        check_concat(a, b)
    assert str(got.value) == str(expected.value)


def test_in_place_extends_a_list_by_a_tuple_and_refuses_an_array_it_would_add():
    a = [1.0]
    check_concat(a, (2.0,), in_place=True)
    assert a == [1.0]          # the check leaves the list alone
    with pytest.raises(SrcdiffError, match="extends"):
        check_concat([1.0], numpy.ones(2), True, "iconcat extends the list by the array's items",
                      "use list(...)", "model.py:4")
