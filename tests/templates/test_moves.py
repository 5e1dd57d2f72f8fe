"""templates/moves.py: numpy.unstack, broadcast_arrays, resize, trim_zeros, extract, choose,
sort_complex and unwrap against central differences (gradcheck.check: both modes, second
order). Distinct weights (W) catch a derivative landing on the wrong element."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.3, -1.2, 0.7, 2.0, 1.1])
M = np.arange(6.0).reshape(2, 3) * 0.3 + 0.1
W = np.arange(1.0, 31.0)


@pytest.mark.skipif(not hasattr(np, "unstack"), reason="NumPy 2.1")
def test_unstack():
    check(lambda m: np.sum(np.unstack(m)[1] ** 2 * W[:3]), M)
    check(lambda m: sum(np.sin(r) * w for r, w in zip(np.unstack(m, axis=1), W)).sum(), M)
    check(lambda m: np.sum(np.unstack(m * m, axis=-1)[2] * W[:2]), M)


def test_broadcast_arrays():
    def two(m, x):
        a, b = np.broadcast_arrays(m, x[:3])
        return np.sum(a * b ** 2 * W[:6].reshape(2, 3))

    def three_one_unused(m, x):
        a, b, c = np.broadcast_arrays(x[:2].reshape(2, 1), m, x[4])
        return np.sum(a ** 3 * c * W[:6].reshape(2, 3))
    check(two, M, X, wrt=(0, 1))
    check(three_one_unused, M, X, wrt=(0, 1))


def test_resize_repeats_and_cuts():
    check(lambda x: np.sum(np.resize(x, (3, 4)) ** 2 * W[:12].reshape(3, 4)), X)
    check(lambda m: np.sum(np.resize(m, 4) ** 3 * W[:4]), M)
    check(lambda m: np.sum(np.resize(m * 2.0, (2, 7)) ** 2 * W[:14].reshape(2, 7)), M)


def test_trim_zeros():
    def trimmed(x, trim):
        return np.trim_zeros(np.concatenate([np.zeros(2), x[:3] ** 2, np.zeros(1)]), trim)
    check(lambda x: np.sum(trimmed(x, "fb") ** 2 * W[:3]), X)
    check(lambda x: np.sum(trimmed(x, "f") ** 2 * W[:4]), X)
    check(lambda x: np.sum(trimmed(x, "B") ** 2 * W[:5]), X)


def test_trim_zeros_of_a_matrix_along_an_axis():
    def f(m):
        z = np.zeros((4, 5))
        z[1:3, 1:4] = m
        return np.sum(np.trim_zeros(z, axis=0) ** 2 * W[:10].reshape(2, 5)) + \
            np.sum(np.trim_zeros(z * 2.0) ** 3 * W[:6].reshape(2, 3))
    check(f, M)


def test_extract():
    check(lambda m: np.sum(np.extract(m > 0.5, m) ** 2 * W[:4]), M)
    check(lambda m: np.sum(np.extract([1, 0, 1], m * 3.0) ** 3 * W[:2]), M)


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_choose(mode):
    index = np.array([[0, 1, 2], [2, 0, 1]]) if mode == "raise" else \
        np.array([[0, 4, -1], [2, 0, 5]])

    def f(m, x):
        return np.sum(np.choose(index, [m, x[:3], x[4] * m ** 2], mode=mode) ** 2 *
                      W[:6].reshape(2, 3))
    check(f, M, X, wrt=(0, 1))


def test_sort_complex():
    check(lambda x: np.sum(np.real(np.sort_complex(x * x[::-1])) * W[:5]), X)

    def complex_input(x):
        z = x[:4] + 1j * x[::-1][:4]
        s = np.sort_complex(z * np.array([1.0, 1.0, 1.0, 1.0]))
        return np.sum(np.abs(s) ** 2 * W[:4]) + np.sum(np.imag(s) * W[4:8])
    check(complex_input, X)


def test_unwrap():
    t = np.linspace(0.0, 4.0, 9)

    def f(x):
        return np.sum(np.unwrap(7.0 * t * x[1] + x[0]) ** 2 * W[:9])

    def f_period(x):
        return np.sum(np.unwrap(5.0 * t * x[2], period=x[3] + 1.0) * W[:9])
    check(f, X)
    check(f_period, X)
    check(lambda m: np.sum(np.unwrap(m * 9.0, axis=0) ** 2 * W[:6].reshape(2, 3)), M)


def test_broadcast_arrays_of_five_is_refused_at_the_call():
    def five(x):
        return np.sum(np.broadcast_arrays(x, x, x, x, x)[0])
    with pytest.raises(srcdiff.SrcdiffError):
        srcdiff.grad(five)(X)


def test_choose_as_the_index_arrays_method():
    def f(x, index):
        return np.sum(index.choose([x[:3], x[2:] ** 2], mode="wrap") ** 2 * W[:3])
    check(f, X, np.array([1, 0, 3]))
