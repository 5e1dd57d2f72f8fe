"""srcdiff/runtime_numba_numpy.py: jit=True on the NumPy path's helpers of casts, numpy.array
and numpy.asarray, max and min (whole, along an axis), numpy.dot, numpy.stack of a list and
builtins.sum (each refused before: "srcdiff's helper ... has no Numba version"), checked against
finite differences and, at ties, against the NumPy path, and each on its own against the NumPy
path's helper (few kernels: each Numba compiles takes seconds); where Numba
is given something these do not take, the refusal names the user's line and jit='auto' runs
the NumPy path."""
import numpy as np
import pytest

import srcdiff
from numba_checks import check_jit, needs_numba, own_cache  # noqa: F401 (own_cache: autouse)
from gradcheck import numerical_grad
from srcdiff import numba_backend, runtime_numba, runtime_numba_numpy
from srcdiff.runtime_numba_numpy import (array_grad, array_value, asarray_value, builtin_sum_grad,
                                         cast_grad, dot_grad_left, dot_grad_right,
                                         extremum_grad, extremum_weights, permuted_grad,
                                         permuted_tangent, stack_value, unstack_grad)

X = np.array([0.3, -0.7, 0.5, 1.2])


def numeric_mix(x):
    """max and min of a whole array and along an axis of a matrix (extremum_grad) and
    numpy.stack of a list, in the kernel (the other helpers: test_each_numba_version_...)."""
    A = np.outer(x, np.cos(x)) + 1.0
    return np.max(x * x) + np.sum(np.min(A, axis=-1)) + np.sum(np.stack([x, np.sin(x)]) ** 2)


@needs_numba
def test_agrees_with_finite_differences_and_with_the_numpy_path_at_ties():
    grad = srcdiff.grad(numeric_mix, jit=True)
    np.testing.assert_allclose(grad(X), numerical_grad(numeric_mix, (X,), 0), rtol=1e-5,
                               atol=1e-6)
    # ties in the max and in rows of A: the derivative shared as the NumPy path shares it
    # (where finite differences see a kink)
    tie = np.array([1.0, -1.0, 1.0, 0.0])
    np.testing.assert_allclose(grad(tie), srcdiff.grad(numeric_mix)(tie), rtol=1e-12)


def each_helper(x, A, g):
    """Each Numba version once, on numbers, vectors and matrices (one kernel: each compile
    takes seconds)."""
    tie = np.array([1.0, -1.0, 1.0, 0.5])
    listed = [x[0], x[1]]
    return (cast_grad(g, x, x), cast_grad(g, x, x.astype(np.int64)), cast_grad(2.0, 1.0, 1.0),
            array_grad(g, x), array_grad(g[:2], listed)[1],
            extremum_grad(3.0, tie, 1.0, None, False),
            extremum_grad(g[:3], np.outer(tie[:3], tie[:3]), np.ones(3), 0, False),
            extremum_weights(tie, 1.0, None, False),
            extremum_weights(np.outer(tie, tie), np.ones(4), -1, False),
            extremum_grad(2.0, 0.5, 0.5, None, False),
            dot_grad_left(g, A, x), dot_grad_right(g, A, x), dot_grad_left(1.5, x, g),
            dot_grad_right(1.5, x, g), dot_grad_left(g, 2.0, x), dot_grad_right(g, x, 2.0),
            builtin_sum_grad(g[:3], A[:, :3]), unstack_grad(A, [x, g, x, g], 0)[2],
            stack_value([x, g]), stack_value(listed), array_value(x), asarray_value(g, like=x),
            array_value((x[0], 2.0)), asarray_value(x, np.float64),
            runtime_numba.NUMPY.max(A, axis=1), runtime_numba.NUMPY.min(x, axis=0))


@needs_numba
def test_each_numba_version_gives_the_numpy_paths_numbers():
    import numba
    rng = np.random.default_rng(5)
    A, g = rng.normal(size=(4, 4)), rng.normal(size=4)
    runtime_numba.install()
    compiled = numba.njit(each_helper)(X, A, g)
    for got, want in zip(compiled, each_helper(X, A, g)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def stacked_on_axis_one(x):
    return np.sum(np.stack([x, x * 2.0], axis=1) ** 2)


@needs_numba
def test_what_the_numba_versions_do_not_take_is_refused_at_the_users_line():
    with pytest.raises(numba_backend.NumbaUnsupported, match=r"test_runtime_numba_numpy.py:\d+"):
        srcdiff.grad(stacked_on_axis_one, jit=True)(X)
    with pytest.warns(UserWarning):
        got = srcdiff.grad(stacked_on_axis_one, jit="auto")(X)
    np.testing.assert_allclose(got, 10.0 * X, rtol=1e-12)


def test_the_plain_helpers_are_the_numpy_paths():
    from srcdiff import runtime_numpy
    assert runtime_numba_numpy.HELPERS["cast_grad"] is runtime_numpy.cast_grad
    assert runtime_numba_numpy.stack_value([X, X], axis=1).shape == (4, 2)
    assert runtime_numba_numpy.asarray_value(X, like=X) is X


# --- numpy.sort: permuted_grad, permuted_tangent --------------------------------------------
def sort_weighted(x):
    return np.sum(np.sort(x * x - x) * np.arange(4.0)) + np.sort(x)[-1] ** 2


@needs_numba
def test_sort_differentiates_under_jit_and_ties_share_as_the_numpy_path():
    check_jit(sort_weighted, X)
    tie = np.array([0.5, 0.5, -0.5, 1.0])   # ties in x, and in x * x - x
    for x in (tie, np.array([2.0, 2.0, 2.0, 2.0])):
        np.testing.assert_allclose(srcdiff.grad(sort_weighted, jit=True)(x),
                                   srcdiff.grad(sort_weighted)(x), rtol=1e-12)
        np.testing.assert_allclose(srcdiff.jvp(sort_weighted, jit=True)(x, X)[1],
                                   srcdiff.jvp(sort_weighted)(x, X)[1], rtol=1e-12)


def sort_cached(x):   # (a function of this test's own: its kernels compiled here first)
    return np.sum(np.sort(x * x + x) * np.arange(4.0))


@needs_numba
def test_a_sorts_kernel_is_cached_on_disk_at_every_optimisation_level(monkeypatch, tmp_path):
    # before: "Cannot cache compiled function ... as it uses dynamic globals" at NUMBA_OPT=0
    # (the tests' level: conftest.py): Numba's argsort(kind="mergesort") calls its
    # closures through constants of their addresses, which only LLVM's optimisations drop
    import glob
    import warnings
    import numba
    assert numba.config.OPT == 0   # (tests/conftest.py)
    monkeypatch.setenv("SRCDIFF_CACHE_DIR", str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("error", numba.NumbaWarning)
        for make in (srcdiff.grad, srcdiff.value_and_grad, srcdiff.jvp):
            g = make(sort_cached, jit=True)
            g(X) if make is not srcdiff.jvp else g(X, X)
    indexes = glob.glob(str(tmp_path / "numba" / "__pycache__" / "*sort_cached_kernel*.nbi"))
    assert len(indexes) == 3, indexes


def permutations(g, a, y, t, flat, fy, ft):
    return (permuted_grad(g, a, y, -1), permuted_grad(g, a, y, 0),
            permuted_tangent(t, a, y, -1), permuted_grad(fy * 2.0, flat, fy, None),
            permuted_tangent(ft, flat, fy, None))


@needs_numba
def test_the_compiled_permutations_give_the_numpy_paths_numbers():
    import numba
    runtime_numba.install()
    compiled = numba.njit(permutations)
    rng = np.random.default_rng(11)
    for a in (rng.normal(size=6), np.array([1.0, 0.0, 1.0, 1.0, -2.0, 0.0]), np.zeros(3),
              rng.integers(0, 3, size=9).astype(float), np.array([1.0, np.nan, -1.0, 0.5]),
              np.arange(40.0)[::-1] % 7):
        flat = np.resize(a, (2, a.size))
        args = (rng.normal(size=a.size), a, np.sort(a), rng.normal(size=a.size), flat,
                np.sort(flat, axis=None), rng.normal(size=flat.shape))
        want = permutations(*args)   # (the plain helpers are the NumPy path's own)
        for got, expected in zip(compiled(*args), want):
            assert np.shape(got) == np.shape(expected)
            np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
