"""Adjoints of values that may be lists or tuples though no display made them (reverse.py's
accumulate): an item of a list of tuples, read in a loop and by index, has adjoints that add
item by item. They were joined with `+=` (two lists concatenated), a wrong gradient."""
import numpy as np
import pytest

from gradcheck import check

X = np.array([0.4, 0.9, 1.3])


def tuple_item_iterated_and_indexed(x):
    cols = [(x[0], x[2]), (x[1], x[0])]
    firsts = cols[0]
    s = 0.0
    for a in firsts:
        s = s + a * a
    return s + firsts[1]


def tuple_items_zipped_and_indexed(x):
    cols = [(x[0], x[2]), (x[1], x[0])]
    firsts, seconds = cols[0], cols[1]
    return sum(a * b for a, b in zip(firsts, seconds)) + firsts[1]


def list_item_iterated_and_indexed(x):
    cols = [[x[0], x[2]], [x[1] * x[2]]]
    firsts = cols[0]
    s = 0.0
    for a in firsts:
        s = s + a * a
    return s + firsts[1] * cols[1][0]


@pytest.mark.parametrize("f", [tuple_item_iterated_and_indexed, tuple_items_zipped_and_indexed,
                               list_item_iterated_and_indexed])
def test_adjoints_of_list_items_add_item_by_item(f):
    check(f, X, order=2)
