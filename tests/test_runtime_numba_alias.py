"""srcdiff/runtime_numba_alias.py: jit=True on the checks around a call of a helper writing into
what it is given, refused before ("srcdiff's helper check_written_unshared has no Numba
version", and check_fresh_argument's): each compiled check against the NumPy path's on
arrays, views, numbers and lists (the same refusal, the same message), and a compiled
check's refusal raised by a jit=True derivative as the NumPy path's RuntimeRefusal."""
import numpy as np
import pytest

import srcdiff
from numba_checks import needs_numba, own_cache  # noqa: F401 (own_cache: autouse)
from srcdiff import runtime_alias, runtime_numba, runtime_numba_alias
from srcdiff.errors import RuntimeRefusal


def fresh(value):
    runtime_numba_alias.check_fresh_argument(value, "r", "h", "f.py:3")
    return 1.0


def unshared(value, others):
    runtime_numba_alias.check_written_unshared(value, others, "r", "h", "f.py:3")
    return 1.0


def numpy_refuses(check, *args):
    try:
        check(*args, "r", "h", "f.py:3")
    except RuntimeRefusal as refusal:
        assert refusal.reason == "r" if hasattr(refusal, "reason") else True
        return True
    return False


def compiled_refuses(compiled, *args):
    try:
        compiled(*args)
    except ValueError as error:
        assert str(error) == "f.py:3: r; h"
        return True
    return False


@needs_numba
def test_the_compiled_fresh_argument_check_refuses_where_the_numpy_paths_does():
    import numba
    runtime_numba.install()
    compiled = numba.njit(fresh)
    cases = [np.ones(3), np.ones((2, 2))[0], 2.0, 3, True, np.arange(3), (np.ones(2), 1.0),
             (1.0, 2.0)]
    for value in cases:
        want = numpy_refuses(runtime_alias.check_fresh_argument, value)
        assert compiled_refuses(compiled, value) == want, value
    assert numpy_refuses(runtime_alias.check_fresh_argument, (1.0, 2.0))


@needs_numba
def test_the_compiled_written_unshared_check_refuses_where_the_numpy_paths_does():
    import numba
    runtime_numba.install()
    compiled = numba.njit(unshared)
    m = np.arange(12.0).reshape(3, 4)
    e = np.ones(0)
    cases = [(m, (2.0,)), (m, (m,)), (m, (m[1],)), (m[1], (m[2], 1.5)), (m[:, 0], (m[:, 1],)),
             (m[:, ::2], (m[:, 1::2], m[0, 1])), (m[:, ::2], (1.0, m[1, 2:])), (m, (m.copy(),)),
             (m[0], (m[::-1][2],)), (e, (e,)), (e, (np.ones(0),)), (m, (3, m[0, 0]))]
    refused = []
    for value, others in cases:
        want = numpy_refuses(runtime_alias.check_written_unshared, value, others)
        got = compiled_refuses(compiled, value, others)
        assert got == want, (value, others)
        refused.append(got)
    assert any(refused) and not all(refused)


def test_the_plain_checks_are_the_numpy_paths():
    assert runtime_numba_alias.HELPERS["check_fresh_argument"] is \
        runtime_alias.check_fresh_argument
    assert runtime_numba_alias.HELPERS["check_written_unshared"] is \
        runtime_alias.check_written_unshared
    assert set(runtime_numba_alias.HELPERS) <= set(runtime_numba.HELPERS)


def copy_written(container):
    runtime_alias.check_array_copy_written(container, "r", "h", "f.py:3")
    return 1.0


@needs_numba
def test_the_compiled_copy_written_check_refuses_where_the_numpy_paths_does():
    # A[mask][0] = v writes into the copy the mask takes: nothing to follow for an array,
    # refused for anything else (a list's index would not copy)
    import numba
    runtime_numba.install()
    compiled = numba.njit(copy_written)
    refused = []
    for value in [np.ones(3), np.ones((2, 2))[0], np.arange(4), 2.0, 3, (1.0, 2.0)]:
        want = numpy_refuses(runtime_alias.check_array_copy_written, value)
        assert compiled_refuses(compiled, value) == want, value
        refused.append(want)
    assert any(refused) and not all(refused)


def masked_copy_written(x):
    a = x * 1.0
    a[a > 0.3][0] = 5.0   # writes into a copy: a is unchanged
    return np.sum(a ** 2 * x)


def row_item_written(x):
    a = np.sin(x).reshape(2, 3) * 1.0
    a[1][2] = x[0] * 7.0   # a's row is a view: this writes into a
    return np.sum(a * a)


def array_indexed_copy_written(x):
    a = np.sin(x)
    a[np.array([0, 2])][1] = 7.0   # (refused: srcdiff could not tell the index copies)
    return np.sum(a * x)


@needs_numba
@pytest.mark.parametrize("f", [masked_copy_written, row_item_written])
def test_a_write_into_an_index_copy_compiles_as_on_the_numpy_path(f):
    # before: "srcdiff's helper check_array_copy_written has no Numba version"
    from numba_checks import check_jit
    x = np.linspace(0.1, 0.9, 6)
    check_jit(f, x)
    np.testing.assert_allclose(srcdiff.grad(f, jit=True)(x), srcdiff.grad(f)(x), rtol=1e-12)
    g = srcdiff.grad(f, jit=True)
    g(x)
    assert "check_array_copy_written" in g.source or "check_item_held_once" in g.source


def held_once(container, key):
    runtime_alias.check_item_held_once(container, key, "r", "h", "f.py:3")
    return 1.0


@needs_numba
def test_the_compiled_held_once_check_of_an_array_refuses_where_the_numpy_paths_does():
    # A[key][j] = v: an array's basic index is a view written into; an index array copies
    import numba
    runtime_numba.install()
    compiled = numba.njit(held_once)
    m = np.arange(6.0).reshape(2, 3)
    refused = []
    for key in [0, -1, slice(0, 1), (0, slice(None)), np.array([0, 1]), np.array([True, False]),
                (np.array([0]), 1), np.int64(1)]:
        try:
            runtime_alias.check_item_held_once(m, key, "r", "h", "f.py:3")
            want = False
        except RuntimeRefusal:   # (its own reason: the index copies)
            want = True
        try:
            compiled(m, key)
            got = False
        except ValueError as error:
            got = str(error).startswith("f.py:3: ")
        assert got == want, key
        refused.append(want)
    assert any(refused) and not all(refused)


@needs_numba
def test_a_write_into_an_index_array_copy_is_refused_compiled_as_on_the_numpy_path():
    x = np.linspace(0.1, 0.9, 6)
    with pytest.raises(RuntimeRefusal) as numpy_path:
        srcdiff.grad(array_indexed_copy_written)(x)
    with pytest.raises(RuntimeRefusal) as compiled:
        srcdiff.grad(array_indexed_copy_written, jit=True)(x)
    assert str(compiled.value) == str(numpy_path.value)
    assert "index that makes a copy" in str(compiled.value)
