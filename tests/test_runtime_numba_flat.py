"""srcdiff/runtime_numba_flat.py: jit=True on numpy.put, numpy.putmask and numpy.place into a
vector, refused before ("srcdiff's helper flat_write_index has no Numba version"): the compiled
index (flat positions) and take against the NumPy path's on varied indices, modes, masks and
values, and a user program under jit=True against finite differences (few kernels: each
Numba compiles takes seconds)."""
import numpy as np
import pytest

import srcdiff
from numba_checks import check_jit, needs_numba, own_cache  # noqa: F401 (own_cache: autouse)
from srcdiff import numba_backend, runtime_inplace, runtime_numba, runtime_numba_flat
from srcdiff.runtime_numba_flat import flat_write_index, flat_write_take, reshape_like

X = np.array([0.3, -0.7, 0.5, 1.2, 0.9])


def put_raise(a, where, values):   # (the kernel passes its texts as literals)
    return flat_write_index(a, "put", where, values), flat_write_take(a, "put", where, values)


def put_wrap(a, where, values):
    return (flat_write_index(a, "put", where, values, "wrap"),
            flat_write_take(a, "put", where, values, "wrap"))


def put_clip(a, where, values):
    return (flat_write_index(a, "put", where, values, "clip"),
            flat_write_take(a, "put", where, values, "clip"))


def masked(a, mask, values):
    return (flat_write_index(a, "putmask", mask, values), flat_write_take(a, "putmask", mask, values),
            flat_write_index(a, "place", mask, values), flat_write_take(a, "place", mask, values))


@needs_numba
def test_the_compiled_index_and_take_are_the_numpy_paths_flattened():
    import numba
    runtime_numba.install()
    compiled_masked = numba.njit(masked)
    compiled = {mode: numba.njit(put) for mode, put in (("raise", put_raise), ("wrap", put_wrap),
                                                         ("clip", put_clip))}
    a = np.zeros(6)
    for where, values, mode in (([0, 2, 4], X[:3], "raise"), (np.array([5, -1, 2, 5]), X, "raise"),
                                (np.array([7, -8, 3]), X[:2], "wrap"),
                                (np.array([9, -3, 1, 1]), X, "clip"), (np.array([1, 3]), 2.5, "raise"),
                                (np.array([], dtype=np.int64), X, "raise")):
        index, take = compiled[mode](a, where, values)
        (want,), want_take = (runtime_inplace.flat_write_index(a, "put", where, values, mode),
                              runtime_inplace.flat_write_take(a, "put", where, values, mode))
        np.testing.assert_array_equal(index, want)
        np.testing.assert_array_equal(take, want_take)
    with pytest.raises(IndexError):
        compiled["raise"](a, np.array([6]), X)
    rng = np.random.default_rng(2)
    for mask, values in ((rng.random(6) > 0.5, X[:2]), (np.array([1, 0, 0, 2, 0, 3]), X),
                         (np.zeros(6, dtype=bool), X), (np.ones(6, dtype=bool), 1.5)):
        got = compiled_masked(a, mask, values)
        want = (runtime_inplace.flat_write_index(a, "putmask", mask, values)[0],
                runtime_inplace.flat_write_take(a, "putmask", mask, values),
                runtime_inplace.flat_write_index(a, "place", mask, values)[0],
                runtime_inplace.flat_write_take(a, "place", mask, values))
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
    with pytest.raises(ValueError):
        compiled_masked(a, np.ones(5, dtype=bool), X)


def puts(x):
    a = np.zeros(6)
    np.put(a, [0, 2, 4, 0], x[:4])           # a repeated index: the last write stays
    np.putmask(a, a == 0.0, x[1:3] * x[0])   # values repeat by flat position
    np.place(a, a > 0.4, x[2:4] ** 2)
    return np.sum(a * np.arange(1.0, 7.0)) + a[4] * a[1]


@needs_numba
def test_a_program_with_put_putmask_and_place_differentiates_under_jit():
    check_jit(puts, X)


def put_into_a_matrix(x):
    a = np.zeros((2, 3))
    np.put(a, [0, 4], x[:2])
    return np.sum(a * a)


@needs_numba
def test_a_matrix_written_by_flat_position_is_refused_at_the_users_line():
    with pytest.raises(numba_backend.NumbaUnsupported, match=r"test_runtime_numba_flat.py"):
        srcdiff.grad(put_into_a_matrix, jit=True)(X)


def test_the_plain_helpers_are_the_numpy_paths():
    assert runtime_numba_flat.HELPERS["flat_write_index"] is runtime_inplace.flat_write_index
    assert reshape_like(X[:4], np.ones((2, 2))).shape == (2, 2)
