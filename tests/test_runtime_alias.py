"""srcdiff/runtime_alias.py: the run-time check before a helper that updates an argument in
place, refused exactly where another argument shares the array (test_alias_flow.py checks
the compiler inserts it; here the check itself); the checks of a loop over a dict that
changes it and of `del d[k]` (test_container_writes.py checks the compiler's side)."""
import numpy
import pytest

import srcdiff
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


def test_check_dict_iteration():
    from srcdiff.runtime_alias import check_dict_iteration
    where = f"{__file__}:1"
    check_dict_iteration({"a": 1, "b": 2}, ["a", "b"], False, where)
    check_dict_iteration({"a": 1}, ["a", "b"], True, where)       # leaving by its break
    check_dict_iteration([1.0], [1.0, 2.0], False, where)         # a list: Python goes on
    with pytest.raises(RuntimeError, match="changed size during iteration"):
        check_dict_iteration({"a": 1}, ["a", "b"], False, where)
    with pytest.raises(srcdiff.RuntimeRefusal, match="keys changed"):
        check_dict_iteration({"a": 1, "c": 2}, ["a", "b"], False, where)


def test_check_deletable():
    from srcdiff.runtime_alias import check_deletable
    check_deletable({"a": 1}, f"{__file__}:1")
    with pytest.raises(srcdiff.RuntimeRefusal, match="list"):
        check_deletable([1.0], f"{__file__}:1")


def test_check_fresh_argument_passes_arrays_of_numbers_and_numbers_only():
    from srcdiff.runtime_alias import check_fresh_argument
    where = "model.py:3"
    check_fresh_argument(numpy.ones(3), "r", "h", where)
    check_fresh_argument(2.5, "r", "h", where)   # the helper's write raises Python's error
    for shared in ([numpy.ones(2)], (numpy.ones(2),), numpy.array([None, 1.0]), {"a": 1.0}):
        with pytest.raises(SrcdiffError, match="r"):
            check_fresh_argument(shared, "r", "h", where)


WRITTEN = ("fill writes into out in place", "pass a copy", "model.py:7")


def test_a_helper_given_separate_values_passes():
    from srcdiff.runtime_alias import check_written_unshared
    v = numpy.ones(3)
    check_written_unshared(v, (numpy.ones(3), 0.5, [numpy.ones(2)]), *WRITTEN)
    check_written_unshared({"w": v}, (numpy.ones(3),), *WRITTEN)


@pytest.mark.parametrize("other", [lambda v: v, lambda v: v[1:], lambda v: [v],
                                   lambda v: {"a": v}])
def test_a_helper_given_the_array_it_writes_twice_is_refused(other):
    from srcdiff.runtime_alias import check_written_unshared
    v = numpy.arange(4.0)
    with pytest.raises(SrcdiffError, match="fill writes into out in place"):
        check_written_unshared(v, (0.5, other(v)), *WRITTEN)


def test_a_dict_written_into_and_an_item_of_it_given_too_is_refused():
    from srcdiff.runtime_alias import check_written_unshared
    w = numpy.ones(2)
    with pytest.raises(SrcdiffError, match="model.py:7"):
        check_written_unshared({"w": w}, (w,), *WRITTEN)


def test_check_item_held_once_refuses_an_item_another_item_shares():
    from srcdiff.runtime_alias import check_item_held_once
    a = numpy.arange(3.0)
    check_item_held_once({"w": a, "v": a.copy()}, "w", *WRITTEN)
    check_item_held_once([a, a.copy()], -2, *WRITTEN)
    check_item_held_once(numpy.ones((2, 2)), 0, *WRITTEN)   # an array writes into itself
    for holder, key in (({"w": a, "v": a[1:]}, "w"), ([a, a], 0), ([a, 1.0, a], -1)):
        with pytest.raises(SrcdiffError, match="model.py:7"):
            check_item_held_once(holder, key, *WRITTEN)


def test_check_is_item_refuses_another_object():
    from srcdiff.runtime_alias import check_is_item
    a = numpy.ones(2)
    check_is_item(a, a, *WRITTEN)
    with pytest.raises(SrcdiffError, match="model.py:7"):
        check_is_item(a.copy(), a, *WRITTEN)


def test_check_item_held_once_refuses_an_index_that_copies():
    from srcdiff.runtime_alias import check_item_held_once
    a = numpy.ones((3, 3))
    check_item_held_once(a, (1, slice(None)), *WRITTEN)
    for holder, key in ((a, [0, 1]), (a, a > 0), ([a, a.copy()], slice(1, None)),
                        ([a], True)):
        with pytest.raises(SrcdiffError, match="makes a copy"):
            check_item_held_once(holder, key, *WRITTEN)


def test_check_written_back_passes_arrays_of_numbers_of_one_shape_only():
    from srcdiff.runtime_alias import check_written_back
    where = f"{__file__}:1"
    v = numpy.arange(3.0)
    check_written_back(v, v * 2.0, "r", "h", where)
    check_written_back(v[1:], v[:2] * 2.0, "r", "h", where)
    for value, copy in [([1.0, 2.0], [1.0, 2.0]), ({"w": v}, {"w": v}), (v, v[:2]),
                        (v, v.astype(numpy.float32)), (numpy.float64(1.0), numpy.float64(2.0)),
                        (numpy.array([v, v], dtype=object), numpy.array([v, v], dtype=object))]:
        with pytest.raises(SrcdiffError, match="r"):
            check_written_back(value, copy, "r", "h", where)


def test_check_view_of_passes_a_view_of_the_base_only():
    from srcdiff.runtime_alias import check_view_of
    where = f"{__file__}:1"
    A = numpy.arange(6.0).reshape(2, 3)
    check_view_of(A[0], A, "r", "h", where)
    check_view_of(A[:, 1:], A, "r", "h", where)
    for view, base in [(A[[0, 1]], A), (A[0, 1], A), (A[A > 2.0], A), (A[0], [A[0], A[1]])]:
        with pytest.raises(SrcdiffError, match="r"):
            check_view_of(view, base, "r", "h", where)


def test_check_arguments_apart_looks_into_lists_and_dicts():
    from srcdiff.errors import ArgumentError
    from srcdiff.runtime_alias import check_arguments_apart
    a = numpy.arange(4.0)
    check_arguments_apart(a, "x", (a.copy(), [a[::2].copy()], {"k": 1.0}), ("y", "L", "d"), "f")
    for other in (a, a[1:], [a], {"k": a[2:]}):
        with pytest.raises(ArgumentError, match="x and y of f share memory"):
            check_arguments_apart(a, "x", (other,), ("y",), "f")
    check_arguments_apart(a[::2], "x", (a[1::2],), ("y",), "f")   # interleaved, apart
