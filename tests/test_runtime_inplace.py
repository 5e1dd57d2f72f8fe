"""srcdiff/runtime_inplace.py: whether `operator.iadd(a, b)` changes `a` in place, decided as
Python decides it (by the type's in-place method)."""
import operator

import numpy
import pytest

from srcdiff.runtime_inplace import changes_in_place


@pytest.mark.parametrize("value, method", [(numpy.ones(2), "__iadd__"), ([1.0], "__iadd__"),
                                           ([1.0], "__imul__"), (numpy.ones(2), "__imatmul__"),
                                           (1.5, "__iadd__"), ((1.0,), "__iadd__"),
                                           (numpy.float64(2.0), "__imul__")])
def test_agrees_with_what_the_operator_does(value, method):
    op = {"__iadd__": operator.iadd, "__imul__": operator.imul,
          "__imatmul__": operator.imatmul}[method]
    other = {"__iadd__": value, "__imul__": 2, "__imatmul__": numpy.eye(2)}[method]
    if isinstance(value, numpy.ndarray):
        value = value.copy()
    assert changes_in_place(value, method) == (op(value, other) is value)


@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (2, 4), (3, 3, 3)])
def test_diagonal_index_is_where_fill_diagonal_writes(shape):
    """out_writes.py lowers numpy.fill_diagonal(a, v) to `a[diagonal_index(a)] = v`."""
    from srcdiff.runtime_inplace import diagonal_index
    want = numpy.zeros(shape)
    numpy.fill_diagonal(want, 1.0)
    got = numpy.zeros(shape)
    got[diagonal_index(got)] = 1.0
    numpy.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("shape,value", [((3, 3), [1.0, 2.0]), ((5, 3), numpy.ones((2, 2))),
                                         ((2, 4), [1.0, 2.0, 3.0]), ((3, 3, 3), [4.0]),
                                         ((3, 3), [])])
def test_diagonal_positions_with_numpy_put_is_fill_diagonal(shape, value):
    """out_writes.py lowers numpy.fill_diagonal(a, v) with an array v to numpy.put(a,
    diagonal_positions(a), v): v's flat items repeated or cut along the diagonal; NumPy's
    errors for a 1-d array and a cube of unequal sides."""
    from srcdiff.runtime_inplace import diagonal_index, diagonal_positions
    want = numpy.arange(float(numpy.prod(shape))).reshape(shape)
    got = want.copy()
    numpy.fill_diagonal(want, value)
    numpy.put(got, diagonal_positions(got), value)
    numpy.testing.assert_array_equal(got, want)
    for bad in (numpy.zeros(3), numpy.zeros((2, 3, 3))):
        with pytest.raises(ValueError):
            numpy.fill_diagonal(bad.copy(), 1.0)
        with pytest.raises(ValueError):
            diagonal_index(bad)


def test_flat_writes_match_numpys_put_putmask_and_place():
    """The items written and the values they take, against NumPy itself: repeated indices
    (the last write stays), negative ones, the modes, and values repeated by flat position."""
    import numpy as np
    from srcdiff.runtime_inplace import flat_write_index, flat_write_take, zero_resized
    rng = np.random.default_rng(7)
    for _ in range(200):
        a = rng.normal(size=(2, 3))
        v = rng.normal(size=rng.integers(1, 5))
        ind = rng.integers(-6, 6, size=rng.integers(0, 8))
        mask = rng.random((2, 3)) < 0.5
        cases = [("put", ind, "raise"), ("putmask", mask, "raise"), ("place", mask, "raise"),
                 ("put", rng.integers(-9, 9, size=5), "wrap"),
                 ("put", rng.integers(-9, 9, size=5), "clip")]
        for how, where, mode in cases:
            want = a.copy()
            if how == "put":
                np.put(want, where, v, mode=mode)
            else:
                getattr(np, how)(want, where, v)
            got = a.copy()
            got[flat_write_index(a, how, where, v, mode)] = \
                np.ravel(v)[flat_write_take(a, how, where, v, mode)]
            assert np.array_equal(got, want), (how, where, v, mode)
        shape = tuple(int(n) for n in rng.integers(1, 4, size=rng.integers(1, 3)))
        want = a.copy()
        want.resize(shape)
        assert np.array_equal(zero_resized(a, shape), want)


def test_flat_writes_raise_numpys_errors():
    import numpy as np
    import pytest
    from srcdiff.runtime_inplace import flat_write_index, resized_array
    with pytest.raises(IndexError):
        flat_write_index(np.zeros(3), "put", [3], np.ones(1))
    with pytest.raises(ValueError):
        flat_write_index(np.zeros(3), "putmask", np.ones(2, bool), np.ones(1))
    with pytest.raises(ValueError, match="empty"):
        flat_write_index(np.zeros(3), "place", np.ones(3, bool), np.ones(0))
    with pytest.raises(AttributeError):
        resized_array([1.0, 2.0], 3)
