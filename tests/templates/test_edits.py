"""templates/edits.py: numpy.delete, numpy.insert and numpy.meshgrid against central
differences (gradcheck.check: both modes, second order), in each form NumPy takes: delete of
an index, a slice, a list and a mask, axis=None and an axis; insert of one value, several,
a value broadcast along an axis; meshgrid of two and three inputs, indexing='xy' and 'ij',
sparse=False and True. Distinct weights (W) catch a derivative landing on the wrong element."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.3, -1.2, 0.7, 2.0, 1.1])
M = np.arange(6.0).reshape(2, 3) * 0.3 + 0.1
W = np.arange(1.0, 31.0)


def delete_index(x):
    return np.sum(np.delete(x, 1) ** 2 * W[:4])


def delete_slice_flat(m):
    return np.sum(np.delete(m, slice(0, 2)) ** 2 * W[:4])


def delete_list_of_columns(m):
    return np.sum(np.delete(m, [0, 2], axis=1) ** 2 * W[:2].reshape(2, 1))


def delete_last_row(m):
    return np.sum(np.delete(m, -1, axis=0) ** 3 * W[:3])


def delete_by_mask(x):
    return np.sum(np.delete(x, np.array([True, False, True, False, False])) ** 3 * W[:3])


def insert_one_value(x):
    return np.sum(np.insert(x, 1, x[0] * 3.0) ** 2 * W[:6])


def insert_at_several_places(x):
    return np.sum(np.insert(x, [1, 3], x[:2] * 3.0) ** 2 * W[:7])


def insert_several_at_one_place(x):
    return np.sum(np.insert(x, 2, x[:3] * 3.0) ** 2 * W[:8])


def insert_broadcast_column(m, x):
    return np.sum(np.insert(m, 1, x[0], axis=1) ** 2 * W[:8].reshape(2, 4))


def insert_rows(m, x):
    return np.sum(np.insert(m, [0, 2], x[:3], axis=0) ** 2 * W[:12].reshape(4, 3))


def insert_a_column(m, x):
    return np.sum(np.insert(m, 1, x[:2], axis=1) ** 2 * W[:8].reshape(2, 4))


def grid_xy(x):
    a, b = np.meshgrid(x[:2], x[1:] * 2.0)
    return np.sum(a * b ** 2 * W[:8].reshape(4, 2))


def grid_ij_sparse_three(x):
    a, b, c = np.meshgrid(x[:2], x[1:4] * 2.0, x, indexing="ij", sparse=True)
    return np.sum(a * b ** 2 * c)


def grid_xy_three(x):
    a, b, c = np.meshgrid(x[:2], x[1:] * 2.0, x[2:])
    return np.sum(np.sin(a) * b ** 2 + c * a)


def grid_sparse_xy_indexed(x):
    g = np.meshgrid(x[:2], x[1:], sparse=True)
    return np.sum(g[0] * g[1] ** 2 * W[:8].reshape(4, 2))


def grid_one_unused(x):
    a, b = np.meshgrid(x[:2], x[1:], indexing="ij")
    return np.sum(a ** 3)


@pytest.mark.parametrize("f", [delete_index, insert_one_value, insert_at_several_places,
                               insert_several_at_one_place, delete_by_mask, grid_xy,
                               grid_ij_sparse_three, grid_xy_three, grid_sparse_xy_indexed,
                               grid_one_unused])
def test_rules_on_a_vector(f):
    check(f, X)


@pytest.mark.parametrize("f", [delete_slice_flat, delete_list_of_columns, delete_last_row])
def test_delete_on_a_matrix(f):
    check(f, M)


@pytest.mark.parametrize("f", [insert_broadcast_column, insert_rows, insert_a_column])
def test_insert_into_a_matrix(f):
    check(f, M, X, wrt=(0, 1))


def test_lists_and_displays():
    check(lambda x: np.sum(np.delete([x[0], x[1] * 2.0, x[2]], 1) ** 2 * W[:2]), X)
    check(lambda x: np.sum(np.insert([x[0], x[1]], 1, x[2]) ** 3 * W[:3]), X)
    check(lambda x: np.sum(np.insert(x, [1, 2], [x[0], x[3] * 2.0]) ** 3 * W[:7]), X)


def test_values_inserted_into_integers_carry_no_derivative():
    def into_integers(x):
        return np.sum(np.insert(np.arange(4), 1, x[0] * 2.5) * x[:5])
    check(into_integers, X)


def test_meshgrid_of_five_inputs_is_refused_at_the_call():
    def five(x):
        g = np.meshgrid(x, x, x, x, x)
        return np.sum(g[0])
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.grad(five)(X[:2])
    assert info.value.filename == __file__
