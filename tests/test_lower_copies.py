"""srcdiff/lower_copies.py: private copies of parameters written into, refusals and checks
of writes another name would see."""
import numpy as np
import pytest

from srcdiff import analyze
from srcdiff import syntax as S
from srcdiff.core import Kind, validate
from srcdiff.transform import lower_function

from lowering import expect, kinds, run_lowered, text  # noqa: F401


def written_parameter(x):
    x[0] = 1.0
    return x


def test_a_parameter_written_into_gets_a_private_copy_first():
    expect(written_parameter, """
        x = own_copy(x)
        x[0] = 1.0
        result_1 = x
        return result_1""")
    x = np.array([3.0, 4.0])
    assert np.array_equal(run_lowered(written_parameter, x), [1.0, 4.0])
    assert np.array_equal(x, [3.0, 4.0])


@pytest.mark.parametrize("fn", [
    written_parameter])
def test_every_construct_lowers_to_valid_core_code(fn):
    validate(lower_function(fn))
