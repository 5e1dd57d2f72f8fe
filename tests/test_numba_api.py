"""The Numba path through the API (srcdiff/numba_api.py, the jit= option of srcdiff.grad,
value_and_grad and jvp): jit=True derivatives of the benchmark workloads checked against
finite differences, the shortcut of repeated calls, derivatives of compiled derivatives.
"""
import numpy as np
import pytest

import srcdiff
from gradcheck import numerical_grad
from numba_checks import check_jit, needs_numba, source_after_call, own_cache, workloads  # noqa: F401 (own_cache: autouse)
from srcdiff.errors import SrcdiffError


# --- the benchmark workloads ---------------------------------------------------------------
@needs_numba
@pytest.mark.parametrize("x", [0.7, -0.3, 1.9])
def test_scalar_loop(x):
    check_jit(workloads.scalar_loop, np.array(x))


@needs_numba
@pytest.mark.parametrize("a", [np.array(0.3), np.array(-0.7), np.array([0.1, -0.4, 0.2]),
                               np.array([[0.1, 0.2], [-0.5, 0.3]])],
                         ids=["0d", "0d-neg", "1d", "2d"])
def test_control_flow(a):
    check_jit(workloads.control_flow, a, rtol=1e-4)


@needs_numba
def test_rnn():
    args = workloads.rnn_inputs(np.random.default_rng(0), steps=4, batch=3, n_in=4, n_hidden=5)
    check_jit(workloads.rnn_loss, *args, wrt=(0, 1, 2), rtol=1e-4, atol=1e-5)


@needs_numba
def test_jit_and_numpy_paths_agree_on_the_workloads():
    for w in workloads.WORKLOADS:
        if w.key not in ("scalar_loop", "control_flow"):
            continue
        args = w.make_inputs(np.random.default_rng(0))
        got = srcdiff.grad(w.fn, wrt=w.wrt, jit=True)(*args)
        want = srcdiff.grad(w.fn, wrt=w.wrt)(*args)
        np.testing.assert_allclose(got, want, rtol=1e-12)


# --- the options and the call ---------------------------------------------------------------
@needs_numba
def test_backend_numba_is_jit():
    g = srcdiff.grad(workloads.scalar_loop, backend="numba")
    assert g._jit is True
    assert "tape_x[range_1_at] = x" in source_after_call(g, np.array(0.7))  # numba_tapes.py


@needs_numba
def test_the_shortcut_call_still_refuses_integer_arrays():
    """A jit derivative's repeated call skips the general checks; an integer array of a
    shape already seen is still refused as the NumPy path refuses it."""
    g = srcdiff.grad(workloads.control_flow, jit=True)
    g(np.array(0.3))
    g(np.array(0.3))
    with pytest.raises(SrcdiffError, match="cannot differentiate"):
        g(np.array(3))
    np.testing.assert_allclose(g(np.array(-0.7)),
                               numerical_grad(workloads.control_flow, (np.array(-0.7),), 0),
                               rtol=1e-4)


def bad_update(x):
    y = x[:2] * 1.0
    y += x          # (2,) += (3,): NumPy's in-place operator raises
    return np.sum(y)


def good_update(x):
    y = x * 1.0
    for i in range(3):
        y += x * y
    return np.sum(y)


@needs_numba
def test_in_place_updates_check_as_numpy_does():
    x = np.array([0.3, -0.2, 0.5])
    with pytest.raises(ValueError):
        srcdiff.grad(bad_update)(x)
    with pytest.raises(ValueError):
        srcdiff.grad(bad_update, jit=True)(x)
    np.testing.assert_allclose(srcdiff.grad(good_update, jit=True)(x),
                               numerical_grad(good_update, (x,), 0), rtol=1e-5)


@needs_numba
@pytest.mark.parametrize("kind", ["grad", "jvp", "hessian"])
def test_transform_of_a_compiled_derivative_runs_over_its_numpy_twin(kind):
    """grad(grad(f, jit=True)) and friends differentiate the same derivative on the NumPy
    path (Numba compiles code that runs, not code that differentiates it), checked
    against central differences of the compiled derivative itself."""
    from gradcheck import check_transform

    def f(x):
        s = 0.0
        for i in range(5):
            s = s + np.sin(x) * x
        return s

    check_transform(kind, srcdiff.grad(f, jit=True), 0.3)
    with pytest.raises(srcdiff.ArgumentError, match="already a derivative"):
        srcdiff.grad(srcdiff.grad(f, jit=True), jit=True)


# --- a compiled check's refusal ------------------------------------------------------------
def _writes_under_a_row(A):
    B = A * 1.0
    r = B[1]
    B[1] = B[1] * 2.0   # r is row 1 of B: check_no_view refuses as it runs
    return np.sum(r * B[0])


def _writes_beside_a_row(A):
    B = A * 1.0
    r = B[0]
    B[1] = B[1] * 2.0   # row 0 is not written: the check passes
    return np.sum(r * B[1])


@needs_numba
def test_a_compiled_checks_refusal_is_the_numpy_paths_refusal():
    from srcdiff.errors import RuntimeRefusal
    A = np.array([[0.3, -0.7], [0.5, 1.2]])
    with pytest.raises(RuntimeRefusal) as numpy_path:
        srcdiff.grad(_writes_under_a_row)(A)
    for jit in (True, "auto"):
        g = srcdiff.grad(_writes_under_a_row, jit=jit)
        for _ in range(2):   # the general call, then the shortcut of a warm call
            with pytest.raises(RuntimeRefusal) as compiled:
                g(A)
            assert str(compiled.value) == str(numpy_path.value)
            assert compiled.value.lineno == numpy_path.value.lineno
    check_jit(_writes_beside_a_row, A)   # the same kernel's check passes where it should
