"""srcdiff/runtime_numba.py: Numba's start without SciPy's BLAS set-up (defer_blas_check),
checked in fresh processes, where neither Numba's array functions nor scipy.linalg are
imported yet: a kernel without a BLAS call never imports scipy.linalg, one with a BLAS call
still compiles it and gives the finite-difference derivative.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

from numba_checks import HERE, ROOT, needs_numba, own_cache  # noqa: F401 (own_cache: autouse)
from srcdiff import runtime_numba

FRESH = """
import sys
sys.path[:0] = [{tests!r}]
import numpy as np
from numba_checks import check_jit, workloads
from test_runtime_numba import products

check_jit(workloads.control_flow, np.array(0.3), rtol=1e-4)
print("after a kernel without BLAS:", "scipy.linalg" in sys.modules)
rng = np.random.default_rng(0)
check_jit(products, rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), wrt=(0, 1), rtol=1e-4)
from numba.np import arraymath, linalg
print("after a kernel with BLAS:", "scipy.linalg" in sys.modules,
      arraymath._HAVE_BLAS, arraymath.ensure_blas is linalg.ensure_blas)
"""

def products(a, b):
    """A kernel with a BLAS call (Numba's np.dot of matrices calls SciPy's dgemm)."""
    return np.sum(np.tanh(np.dot(a, b)))


def _run_fresh(tmp_path):
    env = dict(os.environ, SRCDIFF_CACHE_DIR=str(tmp_path), PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, "-c", FRESH.format(tests=HERE)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()

@needs_numba
def test_a_kernel_without_blas_does_not_import_scipy_linalg(tmp_path):
    lines = _run_fresh(tmp_path)
    assert lines[0] == "after a kernel without BLAS: False"
    # the BLAS kernel is right (check_jit) and Numba's own functions are put back
    assert lines[1] == "after a kernel with BLAS: True True True"

@needs_numba
def test_the_disk_cache_loads_without_scipy_linalg(tmp_path):
    """The second process loads both kernels from the disk cache the first one left."""
    _run_fresh(tmp_path)
    lines = _run_fresh(tmp_path)
    assert lines == ["after a kernel without BLAS: False", "after a kernel with BLAS: True True True"]

def test_no_blas_file_found_without_scipy(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy", None)  # import scipy raises ImportError
    assert runtime_numba._blas_file_found() is False

@needs_numba
def test_defer_blas_check_leaves_loaded_numba_alone():
    """Where numba.np.arraymath is imported already, nothing is replaced."""
    from numba.np import arraymath, linalg
    before = linalg.ensure_blas
    runtime_numba.defer_blas_check()
    assert linalg.ensure_blas is before and arraymath.ensure_blas is before

def test_importing_the_runtime_imports_no_numba():
    done = subprocess.run([sys.executable, "-c", "import sys, srcdiff.runtime_numba; "
                           "print('numba' in sys.modules, 'scipy.linalg' in sys.modules)"],
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


@needs_numba
def test_the_reductions_compiled_take_numbers_and_arrays():
    """mean, max and min take a number (itself) and an array (reduced by its numpy
    function)."""
    numba = runtime_numba.install()
    numpy_ = runtime_numba.NUMPY

    @numba.njit
    def reduced(x, v):
        return numpy_.mean(x) + numpy_.max(x) - numpy_.min(x), numpy_.max(v) + numpy_.min(v)

    a = np.array([[1.0, -2.0], [0.5, 4.0]])
    got_a, got_v = reduced(a, 3.0)
    np.testing.assert_allclose(got_a, np.mean(a) + np.max(a) - np.min(a))
    assert got_v == 6.0



def mean_along_rows(A):
    return np.sum(np.tanh(np.mean(A, axis=1))) * np.sum(np.mean(A, axis=-2, keepdims=True) ** 2)


def flipped_rows(A):
    return np.sum(np.sin(np.flip(A, axis=1)) * A + np.flip(A, axis=-2) * np.flip(A))


@needs_numba
@pytest.mark.parametrize("f", [mean_along_rows, flipped_rows], ids=lambda f: f.__name__)
def test_a_mean_or_flip_along_an_axis_compiles(f):
    """numpy.mean(A, axis=k) (the sum along k over its length) and numpy.flip(A, axis=k)
    (the matrix read backwards along k): Numba's take no axis. Against finite differences
    and the NumPy path."""
    from numba_checks import check_jit
    import srcdiff
    A = np.array([[0.3, -0.2, 0.5], [0.1, 0.7, -0.4]])
    check_jit(f, A)
    np.testing.assert_allclose(srcdiff.grad(f, jit=True)(A), srcdiff.grad(f)(A), rtol=1e-12)
