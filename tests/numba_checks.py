"""Shared by the Numba path's tests (tests/test_numba_*.py, tests/test_runtime_numba.py):
whether Numba is installed, a cache directory per test session, and `check_jit`, which checks
jit=True derivatives against finite differences. Those tests skip where Numba is not
installed (pip install srcdiff[numba]); the tests of what happens without it run everywhere.
"""
import importlib.util
import os
import sys

import numpy as np
import pytest

import srcdiff
from gradcheck import numerical_grad

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
import workloads  # noqa: E402,F401

HAS_NUMBA = importlib.util.find_spec("numba") is not None
needs_numba = pytest.mark.skipif(not HAS_NUMBA, reason="numba is not installed")


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory, monkeypatch):
    """Kernels and Numba's compiled code go to a directory of this test session (a test
    module that imports this fixture uses it for every test)."""
    monkeypatch.setenv("SRCDIFF_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def numerical_jvp(f, args, wrt, tangent, eps=1e-6):
    """Central difference of f along `tangent` in argument `wrt`."""
    plus, minus = list(args), list(args)
    plus[wrt] = args[wrt] + eps * tangent
    minus[wrt] = args[wrt] - eps * tangent
    return (np.asarray(f(*plus), float) - np.asarray(f(*minus), float)) / (2 * eps)


def check_jit(f, *args, wrt=0, rtol=1e-5, atol=1e-6):
    """grad, value_and_grad and jvp with jit=True against finite differences."""
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    grads = srcdiff.grad(f, wrt=wrt, jit=True)(*args)
    grads = grads if isinstance(wrt, tuple) else (grads,)
    for p, g in zip(positions, grads):
        want = numerical_grad(f, args, p)
        np.testing.assert_allclose(g, want, rtol=rtol, atol=atol)
        assert np.shape(g) == np.shape(args[p]) and type(g) is type(args[p])
    value, again = srcdiff.value_and_grad(f, wrt=wrt, jit=True)(*args)
    np.testing.assert_allclose(value, f(*args), rtol=1e-12)
    again = again if isinstance(wrt, tuple) else (again,)
    for g, h in zip(grads, again):
        np.testing.assert_allclose(g, h, rtol=1e-12)
    p = positions[0]
    tangent = np.random.default_rng(1).normal(size=np.shape(args[p]))
    tangents = [tangent if q == p else np.zeros_like(args[q]) for q in positions]
    value, along = srcdiff.jvp(f, wrt=wrt, jit=True)(*args, *tangents)
    np.testing.assert_allclose(value, f(*args), rtol=1e-12)
    np.testing.assert_allclose(along, numerical_jvp(f, args, p, tangent), rtol=rtol,
                               atol=atol)


def source_after_call(g, *args):
    g(*args)
    return g.source
