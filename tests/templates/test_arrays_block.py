"""templates/arrays_block.py: numpy.block against central differences, both modes and second
order: 1-d and 2-d nestings, constants among the arrays, an array given twice, numbers."""
import numpy as np

from gradcheck import check

rng = np.random.default_rng(24)


def matrix_of_blocks(a, b):
    return np.sum(np.sin(np.block([[a, b], [b.T, np.eye(3)]])) ** 2)


def row_of_vectors(a, b):
    return np.sum(np.block([a, b, a]) ** 2 * np.arange(1.0, 9.0))


def repeated_and_scaled(a, s):
    return np.sum(np.block([[a, a * s], [2.0 * a, a]]) ** 3)


def with_numbers(s, v):
    return np.sum(np.block([s, v, 2.0]) ** 2)


def test_matrix_of_blocks():
    check(matrix_of_blocks, rng.normal(size=(2, 2)), rng.normal(size=(2, 3)), wrt=(0, 1))


def test_row_of_vectors():
    check(row_of_vectors, rng.normal(size=3), rng.normal(size=2), wrt=(0, 1))


def test_repeated_and_scaled():
    check(repeated_and_scaled, rng.normal(size=(2, 2)), 0.7, wrt=(0, 1))


def test_with_numbers():
    check(with_numbers, 0.4, rng.normal(size=2), wrt=(0, 1))


def test_three_levels():
    check(lambda a, b: np.sum(np.cos(np.block([[[a]], [[b]]]))), rng.normal(size=(1, 2, 2)),
          rng.normal(size=(1, 2, 2)), wrt=(0, 1))
