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
