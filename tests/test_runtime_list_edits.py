"""srcdiff/runtime_list_edits.py: the edits made on copies as Python makes them in place
(negative indices, past the end, slices with steps), and each adjoint the transpose of its
edit (<grad, edit(t)> == <edit_grad(grad), t> for random lists t and grad)."""
import numpy as np
import pytest

from srcdiff import RuntimeRefusal
from srcdiff.runtime_list_edits import (check_list_edit, list_cut, list_cut_grad,
                                        list_inserted, list_inserted_grad, list_without,
                                        list_without_grad)

RNG = np.random.default_rng(3)


def _dot(a, b):
    return sum(float(np.sum(u * v)) for u, v in zip(a, b))


@pytest.mark.parametrize("index", [0, 2, -1, -5, 4])
def test_without_is_del_on_a_copy_and_its_adjoint_the_transpose(index):
    value = list(RNG.normal(size=5))
    want = list(value)
    del want[index]
    assert list_without(value, index) == want and len(value) == 5
    grad = list(RNG.normal(size=4))
    assert np.isclose(_dot(grad, list_without(value, index)),
                      _dot(list_without_grad(grad, value, index), value))


@pytest.mark.parametrize("bounds", [(1, 3, None), (None, None, 2), (-3, None, None),
                                    (4, 1, -1), (7, 9, None)])
def test_cut_is_del_of_a_slice_and_its_adjoint_the_transpose(bounds):
    value = list(RNG.normal(size=6))
    want = list(value)
    del want[slice(*bounds)]
    assert list_cut(value, *bounds) == want
    grad = list(RNG.normal(size=len(want)))
    assert np.isclose(_dot(grad, list_cut(value, *bounds)),
                      _dot(list_cut_grad(grad, value, *bounds), value))


@pytest.mark.parametrize("index", [0, 2, -1, -9, 10])
def test_inserted_is_insert_on_a_copy_and_its_adjoint_the_transpose(index):
    value, item = list(RNG.normal(size=4)), RNG.normal(size=3)
    want = list(value)
    want.insert(index, item)
    got = list_inserted([value, item], index, value)
    assert len(got) == 5 and all(np.all(a == b) for a, b in zip(got, want))
    grad = [float(g) for g in RNG.normal(size=5)]
    grad[[i for i, w in enumerate(want) if w is item][0]] = RNG.normal(size=3)
    t_value, t_item = list(RNG.normal(size=4)), RNG.normal(size=3)
    g_value, g_item = list_inserted_grad(grad, [value, item], index, value)
    assert np.isclose(_dot(grad, list_inserted([t_value, t_item], index, value)),
                      _dot(g_value, t_value) + float(np.sum(g_item * t_item)))


def test_zero_derivatives_that_are_no_lists():
    value = [1.0, 2.0]
    assert list_without(0.0, 1) == 0.0 and list_cut(0.0, 0, 1, None) == 0.0
    assert list_inserted([0.0, 3.0], 1, value) == [0.0, 3.0, 0.0]
    assert list_without_grad(None, value, 0) == [0.0, 0.0]
    assert list_inserted_grad(0.0, [value, 1.0], 0, value) == [[0.0, 0.0], 0.0]


def test_the_check_raises_what_python_raises():
    check_list_edit([1.0], "pop", "f.py:1")
    with pytest.raises(AttributeError, match="'tuple' object has no attribute 'insert'"):
        check_list_edit((1.0,), "insert", "f.py:1")
    with pytest.raises(TypeError, match="doesn't support item deletion"):
        check_list_edit((1.0,), "del", "f.py:1")
    with pytest.raises(RuntimeRefusal):
        check_list_edit({"a": 1.0}, "pop", "f.py:1")   # a dict's pop means something else
