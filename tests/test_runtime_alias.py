"""srcdiff/runtime_alias.py: the run-time check before a helper that updates an argument in
place, refused exactly where another argument shares the array (test_alias_flow.py checks
the compiler inserts it; here the check itself)."""
import numpy
import pytest

from srcdiff.errors import SrcdiffError
from srcdiff.runtime_alias import check_update_unshared

ARGS = ("__isub__", "the helper updates vx in place", "pass a copy", "model.py", 3, 0)


def test_separate_arrays_and_numbers_pass():
    v, w = numpy.ones(3), numpy.ones(3)
    check_update_unshared(v, [w, 0.1], *ARGS)
    check_update_unshared(2.0, [2.0, 2.0], *ARGS)     # numbers are rebound, never shared


@pytest.mark.parametrize("other", [lambda v: v, lambda v: v[1:], lambda v: v.reshape(1, -1),
                                   lambda v: [v], lambda v: (0.5, v), lambda v: {"a": v}])
def test_the_same_array_a_view_or_a_container_holding_it_is_refused(other):
    v = numpy.arange(4.0)
    with pytest.raises(SrcdiffError, match="updates vx in place"):
        check_update_unshared(v, [other(v)], *ARGS)


def test_a_list_updated_in_place_and_held_by_another_argument_is_refused():
    items = [1.0, 2.0]
    with pytest.raises(SrcdiffError):
        check_update_unshared(items, [(items,)], "__iadd__", "r", "h", "model.py", 3, 0)
    check_update_unshared(items, [list(items)], "__iadd__", "r", "h", "model.py", 3, 0)
