"""srcdiff/lower_exprs.py: a user expression to atoms, one operation per statement
(A-normal form)."""
import numpy as np
import pytest

from srcdiff import analyze
from srcdiff import syntax as S
from srcdiff.core import Kind, validate
from srcdiff.transform import lower_function

from lowering import expect, kinds, run_lowered, text  # noqa: F401


# -- A-normal form -----------------------------------------------------------------------
def nested_expression(x, y):
    return np.sin(x * y) + 1.0


def test_one_operation_per_statement_on_atoms():
    expect(nested_expression, """
        mul_1 = x * y
        sin_1 = numpy.sin(mul_1)
        add_1 = sin_1 + 1.0
        return add_1""")
    assert kinds(nested_expression) == [Kind.BINOP, Kind.CALL, Kind.BINOP, Kind.RETURN]
    low = lower_function(nested_expression)
    assert low.body[1].sd.func is np.sin   # the object, whatever the user's alias


@pytest.mark.parametrize("fn", [
    nested_expression])
def test_every_construct_lowers_to_valid_core_code(fn):
    validate(lower_function(fn))
