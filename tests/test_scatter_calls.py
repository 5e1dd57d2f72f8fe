"""srcdiff/scatter_calls.py: numpy.add.at and numpy.subtract.at, scatter-adds into an array in
place, lowered as the item write `a[...] = scattered_add(a, i, v, sign)`. Written the way
users write them (a histogram of weights, an embedding's gradient, segment sums in a loop),
checked against central differences in reverse and forward mode and to second order
(gradcheck.check); where another name of the array would see the write, or the array is not
a name, it stays refused, located."""
import numpy as np
import pytest

from gradcheck import check, refusal

X = np.array([0.4, 0.9, 1.3, -0.7])
IDX = np.array([0, 2, 0, 1])


def segment_sums(x, idx):
    out = np.zeros(3)
    np.add.at(out, idx, x * x)
    return np.sum(np.sin(out) * out)


def repeated_list_index_and_a_scalar(x):
    a = x[:3] * 2.0
    np.add.at(a, [0, 1, 0], 0.5 * x[3])
    np.subtract.at(a, [2, 2], x[:2] ** 2)
    return np.sum(a ** 3)


def rows_of_a_matrix(w):
    grad_table = np.zeros((3, 2))
    rows = [2, 0, 2]
    np.add.at(grad_table, rows, w.reshape(2, 2)[[0, 1, 0]] * w[0])
    return np.sum(grad_table ** 2) + grad_table[2, 1]


def pairs_of_indices(x):
    a = np.outer(x[:2], x[2:])
    np.add.at(a, (np.array([0, 1, 0]), np.array([1, 1, 1])), x[:3])
    return np.sum(np.tanh(a))


def into_a_parameter(x, y):
    np.add.at(x, [1, 1, 3], y[:3])      # the caller's x is left as it was
    return np.sum(x * y)


def in_a_loop(x):
    acc = np.zeros(2)
    for k in range(3):
        np.add.at(acc, [k % 2, 0], x[k:k + 2] * (k + 1.0))
        acc = acc * 0.9
    return np.sum(acc ** 2)


def a_view_read_after(x):
    a = x * 2.0
    b = a[1:]                       # a view sees the write, in Python and in the derivative
    np.add.at(a, [1, 2], x[:2])
    return np.sum(b * x[1:])


def held_by_a_list(x):
    a = x * 2.0
    L = [a, x]
    np.add.at(a, [1, 2], x[:2])
    return np.sum(L[0] * x)


class Model:
    def __init__(self):
        self.w = np.zeros(4)


def into_an_attribute(x):
    m = Model()
    np.add.at(m.w, [0, 1], x[:2])
    return np.sum(m.w * x)


def another_ufunc(x):
    a = np.zeros(4)
    np.multiply.at(a, [0, 1], x[:2])
    return np.sum(a)


def test_segment_sums_with_repeated_indices():
    check(segment_sums, X.copy(), IDX, wrt=0)


@pytest.mark.parametrize("f", [repeated_list_index_and_a_scalar, rows_of_a_matrix,
                               pairs_of_indices, in_a_loop, a_view_read_after])
def test_accepted(f):
    check(f, X.copy())


def test_into_a_parameter_leaves_the_callers_array_alone():
    x = X.copy()
    check(into_a_parameter, x, X[::-1].copy(), wrt=(0, 1))
    import srcdiff
    srcdiff.grad(into_a_parameter)(x, X.copy())
    assert np.array_equal(x, X)


@pytest.mark.parametrize("f, words", [
    (held_by_a_list, "would also change L"),
    (into_an_attribute, "numpy.add.at"),
    (another_ufunc, "multiply.at"),
])
def test_refused(f, words):
    err = refusal(f, (X.copy(),), "grad")
    assert words in str(err), str(err)
