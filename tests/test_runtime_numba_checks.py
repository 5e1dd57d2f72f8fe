"""srcdiff/runtime_numba_checks.py: jit=True on the alias checks check_no_view (a write into an
array while a row taken from it is read later) and check_in_place (`z += v` where another name
shares z), refused before ("srcdiff's helper ... has no Numba version"): each compiled check
against the NumPy path's on varied views, indices and values, and user programs under jit=True
against finite differences (few kernels: each Numba compiles takes seconds)."""
import numpy as np
import pytest

import srcdiff
from numba_checks import check_jit, needs_numba, own_cache  # noqa: F401 (own_cache: autouse)
from srcdiff import runtime_checks, runtime_numba, runtime_numba_checks
from srcdiff.errors import RuntimeRefusal


def no_view(view, base, index):
    runtime_numba_checks.check_no_view(view, base, index, "r", "h", "f.py:3")
    return 1.0


def in_place(value):
    runtime_numba_checks.check_in_place(value, "__iadd__", "r", "h", "f.py:3")
    return 1.0


def numpy_refuses(check, *args):
    try:
        check(*args, "r", "h", "f.py:3")
    except RuntimeRefusal:
        return True
    return False


@needs_numba
def test_the_compiled_view_check_refuses_where_the_numpy_paths_does():
    import numba
    runtime_numba.install()
    compiled = numba.njit(no_view)
    m = np.arange(12.0).reshape(3, 4)
    t = np.zeros((2, 3, 4))
    cases = [(m[0], m, 1), (m[1], m, 1), (m[1], m, -2), (m[1], m, None), (m[0], m, (1, 2)),
             (m[1], m, (1, 2)), (m[1], m, (slice(None), 2)), (m[0], m, slice(1, 3)),
             (m[:, 0], m, (0, slice(1, None))),   # address ranges overlap, no element shared
             (m[:, 0], m, (1, 0)), (m[1].copy(), m, 1), (m[::-1][0], m, 2),
             (t[1, 2], t, (1, 2, 3)), (t[0], t, (1, 0, 0)), (t[0, :, ::2], t, (0, 1, 1))]
    refused = []
    for view, base, index in cases:
        want = numpy_refuses(runtime_checks.check_no_view, view, base, index)
        try:
            compiled(view, base, index)
            got = False
        except ValueError as error:
            assert str(error) == "f.py:3: r; h"
            got = True
        assert got == want, (view, index)
        refused.append(got)
    assert any(refused) and not all(refused)
    assert compiled(1.5, m[0], 0) == 1.0   # a number: rebound, never a view


@needs_numba
def test_the_compiled_in_place_check_passes_numbers_and_refuses_arrays():
    import numba
    runtime_numba.install()
    compiled = numba.njit(in_place)
    assert compiled(2.0) == 1.0 and not numpy_refuses(runtime_checks.check_in_place, 2.0,
                                                      "__iadd__")
    with pytest.raises(ValueError, match="^f.py:3: r; h$"):
        compiled(np.ones(3))
    assert numpy_refuses(runtime_checks.check_in_place, np.ones(3), "__iadd__")


M = np.array([[0.3, -0.7, 0.5], [1.2, 0.1, -0.4]])


def views_sorts_and_aliases(A):
    B = A * 1.0
    r = B[0]
    B[1] = B[1] * 2.0   # check_no_view: r, row 0, is not written
    s = A[0, 0] * 1.0
    t = s
    t += A[1, 1]        # check_in_place: a number, rebound
    return np.sum(r * B[1]) + t * s + np.sum(np.sort(A * A, axis=None) * np.arange(6.0))


@needs_numba
def test_programs_with_the_checks_and_a_flat_sort_differentiate_under_jit():
    check_jit(views_sorts_and_aliases, M)


def writes_under_a_row(A):
    B = A * 1.0
    r = B[1]
    B[1] = B[1] * 2.0
    return np.sum(r * B[0])


@needs_numba
def test_a_write_under_a_row_is_refused_as_on_the_numpy_path():
    with pytest.raises(srcdiff.SrcdiffError) as numpy_path:
        srcdiff.grad(writes_under_a_row)(M)
    with pytest.raises(ValueError) as compiled:
        srcdiff.grad(writes_under_a_row, jit=True)(M)
    assert "writing into B here would also change r" in str(numpy_path.value)
    assert "writing into B here would also change r" in str(compiled.value)
    assert "test_runtime_numba_checks.py" in str(compiled.value)


def test_the_plain_checks_are_the_numpy_paths():
    assert runtime_numba_checks.HELPERS["check_no_view"] is runtime_checks.check_no_view
    m = np.arange(6.0).reshape(2, 3)
    assert runtime_numba_checks.written_region(m, (1, slice(0, 2))).shape == (1, 2)
    assert runtime_numba_checks.written_region(m, -1).base is not None


def unpacked(value):
    runtime_numba_checks.check_unpacked(value, 2, "f.py:3")
    return 1.0


def row_products(x):
    s = 0.0
    for a, b in x:
        s = s + a * b
    return s


@needs_numba
def test_the_compiled_unpack_check_raises_where_python_does():
    # `a, b = seq` is lowered to seq[0], seq[1]: without the check a longer seq would give
    # a derivative where Python raises ValueError
    import numba
    runtime_numba.install()
    compiled = numba.njit(unpacked)
    assert compiled(np.ones(2)) == 1.0 and compiled((1.0, 2.0)) == 1.0 and compiled(3.0) == 1.0
    for wrong in (np.ones(3), np.ones(1), (1.0, 2.0, 3.0)):
        with pytest.raises(ValueError, match="^f.py:3: the value unpacked"):
            compiled(wrong)
    check_jit(row_products, np.arange(6.0).reshape(3, 2) * 0.3 + 0.1)
    with pytest.raises(ValueError, match="too many values to unpack"):
        srcdiff.grad(row_products, jit=True)(np.ones((2, 3)))
