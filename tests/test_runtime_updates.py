"""srcdiff/runtime_updates.py: before `a op= b` computed as `a = a op b`, the error NumPy's
in-place operator raises where the array cannot hold the result, raised the same."""
import operator

import numpy
import pytest

from srcdiff.runtime_updates import check_update

OPS = {"__iadd__": operator.iadd, "__isub__": operator.isub, "__imul__": operator.imul,
       "__itruediv__": operator.itruediv, "__ifloordiv__": operator.ifloordiv,
       "__imatmul__": operator.imatmul, "__ipow__": operator.ipow}
CASES = [
    (numpy.ones(3), 2.0, "__iadd__"), (numpy.ones(3), numpy.ones((2, 3)), "__iadd__"),
    (numpy.ones(3, dtype=int), 0.5, "__iadd__"), (numpy.ones(3, dtype=int), 2, "__imul__"),
    (numpy.ones(3, dtype=int), numpy.ones(3, dtype=int), "__itruediv__"),
    (numpy.ones((2, 2)), numpy.eye(2), "__imatmul__"), (numpy.ones(2), numpy.ones(2), "__imatmul__"),
    (numpy.ones((2, 3)), numpy.ones(3), "__isub__"), (numpy.ones((2, 3)), numpy.ones((3, 1)), "__isub__"),
    (numpy.ones(3, dtype=numpy.float32), numpy.ones(3), "__ipow__"),
    (numpy.ones(3), [1.0, 2.0, 3.0], "__ifloordiv__"), (numpy.ones(3), [1.0, 2.0], "__iadd__"),
    (numpy.ones(3, dtype=complex), numpy.ones(3), "__iadd__"), (numpy.ones(3), 1j, "__iadd__"),
    (2.0, numpy.ones(3), "__iadd__"), ([1.0], [2.0], "__iadd__"),
]


@pytest.mark.parametrize("value, other, method", CASES)
def test_raises_exactly_where_the_in_place_operator_raises(value, other, method):
    target = value.copy() if isinstance(value, numpy.ndarray) else value
    try:
        OPS[method](target, other)
        expected = None
    except Exception as exc:      # noqa: BLE001  (the operator's own error, compared)
        expected = exc
    if expected is None:
        check_update(value, other, method)
    else:
        with pytest.raises(type(expected)):
            check_update(value, other, method)
    if isinstance(value, numpy.ndarray):
        assert numpy.all(value == 1)    # the check never changes the array
