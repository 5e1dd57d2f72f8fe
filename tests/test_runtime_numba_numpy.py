"""srcdiff/runtime_numba_numpy.py: jit=True on the NumPy path's helpers of casts, numpy.array
and numpy.asarray, max and min (whole, along an axis), numpy.dot, numpy.stack of a list and
builtins.sum (each refused before: "srcdiff's helper ... has no Numba version"), checked against
finite differences in both modes and, at ties, against the NumPy path (one program: each
kernel Numba compiles takes seconds); where Numba
is given something these do not take, the refusal names the user's line and jit='auto' runs
the NumPy path."""
import numpy as np
import pytest

import srcdiff
from numba_checks import needs_numba, numerical_jvp, own_cache  # noqa: F401 (own_cache: autouse)
from gradcheck import numerical_grad
from srcdiff import numba_backend, runtime_numba_numpy

X = np.array([0.3, -0.7, 0.5, 1.2])


def numeric_mix(x):
    """Each helper once: cast_grad, array_grad (and numpy.array, numpy.asarray of an array),
    extremum_grad and extremum_weights (whole and along an axis, max and min), dot_grad_left
    and dot_grad_right, numpy.stack of a list (unstack_grad), numpy.array of a list of
    numbers and builtin_sum_grad."""
    y = x.astype(np.float64) * 2.0 + np.array(x) * np.asarray(x)
    A = np.outer(y, np.cos(x)) + 1.0
    e = np.max(x * x) + np.min(np.cos(x)) + np.sum(np.max(A, axis=0)) + \
        np.sum(np.min(A, axis=-1))
    d = np.dot(np.dot(A, x), y)
    s = np.sum(np.stack([x, np.sin(y)]) ** 2) + np.sum(np.array([x[0], x[1] * x[2]]) ** 3)
    return e + d * 0.1 + s + sum(x * x.astype(np.int64)) * 2.0


@needs_numba
def test_agrees_with_finite_differences_and_with_the_numpy_path_at_ties():
    rng = np.random.default_rng(3)
    t = rng.normal(size=X.shape)
    grad, jvp = srcdiff.grad(numeric_mix, jit=True), srcdiff.jvp(numeric_mix, jit=True)
    want = numerical_grad(numeric_mix, (X,), 0)
    np.testing.assert_allclose(grad(X), want, rtol=1e-5, atol=1e-6)
    value, along = jvp(X, t)
    np.testing.assert_allclose(value, numeric_mix(X), rtol=1e-12)
    np.testing.assert_allclose(along, numerical_jvp(numeric_mix, (X,), 0, t), rtol=1e-5,
                               atol=1e-6)
    # ties in the max and in rows and columns of A: the derivative shared as the NumPy path
    # shares it (where finite differences see a kink)
    tie = np.array([1.0, -1.0, 1.0, 0.0])
    np.testing.assert_allclose(grad(tie), srcdiff.grad(numeric_mix)(tie), rtol=1e-12)
    np.testing.assert_allclose(jvp(tie, t)[1], srcdiff.jvp(numeric_mix)(tie, t)[1], rtol=1e-12)


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
