"""The Numba path's compiling side (srcdiff/numba_compile.py): Numba's typing errors as
refusals at the user's line, jit="auto" and its fallback, the refusal of arguments the
kernel cannot take, the disk cache, and what happens where Numba is not installed.
"""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import srcdiff
from gradcheck import numerical_grad
from numba_checks import ROOT, check_jit, needs_numba, own_cache, workloads  # noqa: F401 (own_cache: autouse)
from srcdiff import numba_backend, numba_compile
from srcdiff.errors import SrcdiffError


# --- refusals, fallback ----------------------------------------------------------------------
def untypable(x):
    s = 0.0
    for i in range(3):
        s = s + x * i
    return np.sum(s)


@needs_numba
def test_numba_refusal_names_the_users_line():
    with pytest.raises(numba_backend.NumbaUnsupported) as info:
        srcdiff.grad(untypable, jit=True)(np.array([0.5, 1.0]))
    err = info.value
    assert err.filename == __file__
    assert untypable.__code__.co_firstlineno <= err.lineno <= \
        untypable.__code__.co_firstlineno + 4
    assert "jit=False" in err.hint
    assert isinstance(err, SrcdiffError)


@needs_numba
def test_auto_falls_back_to_numpy_with_a_warning():
    x = np.array([0.5, 1.0])
    with pytest.warns(numba_compile.NumbaFallbackWarning, match="NumPy path"):
        got = srcdiff.grad(untypable, jit="auto")(x)
    np.testing.assert_allclose(got, numerical_grad(untypable, (x,), 0), rtol=1e-5)


@needs_numba
def test_auto_compiles_what_it_can_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = srcdiff.grad(workloads.scalar_loop, jit="auto")(np.array(0.7))
    np.testing.assert_allclose(g, numerical_grad(workloads.scalar_loop, (np.array(0.7),), 0),
                               rtol=1e-5)


@needs_numba
def test_containers_are_refused_with_jit_true():
    def total(xs):
        return xs[0] * xs[1]
    with pytest.raises(numba_backend.NumbaUnsupported, match="lists, tuples or dicts"):
        srcdiff.grad(total, jit=True)([0.5, 2.0])


def test_bad_jit_values_are_refused():
    with pytest.raises(SrcdiffError, match="jit must be"):
        srcdiff.grad(workloads.scalar_loop, jit="yes")
    with pytest.raises(SrcdiffError, match="pass one of them"):
        srcdiff.grad(workloads.scalar_loop, jit="auto", backend="cupy")


# --- the disk cache, Numba missing ----------------------------------------------------------
@needs_numba
def test_compiled_code_is_cached_on_disk(tmp_path):
    """A second process loads the kernel Numba compiled in the first one."""
    script = ("import sys, time, numpy as np; sys.path.insert(0, 'benchmarks'); "
              "import srcdiff, workloads; g = srcdiff.grad(workloads.scalar_loop, jit=True); "
              "t = time.perf_counter(); g(np.array(0.7)); print(time.perf_counter() - t)")
    env = dict(os.environ, SRCDIFF_CACHE_DIR=str(tmp_path), PYTHONPATH=ROOT)
    times = [float(subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                                  capture_output=True, text=True, check=True).stdout)
             for _ in range(2)]
    assert list(tmp_path.glob("numba/*.nbi")) or list(tmp_path.glob("numba/__pycache__/*.nbi"))
    assert times[1] < times[0]


def test_jit_without_numba_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba raises ImportError
    with pytest.raises(SrcdiffError, match=r"pip install srcdiff\[numba\]"):
        srcdiff.grad(workloads.scalar_loop, jit=True)


def test_auto_without_numba_runs_numpy(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)
    srcdiff.api.clear_cache(workloads.scalar_loop)  # no compiled variant made by another test
    g = srcdiff.grad(workloads.scalar_loop, jit="auto")
    with pytest.warns(numba_compile.NumbaFallbackWarning, match="not installed"):
        got = g(np.array(0.7))
    np.testing.assert_allclose(got, srcdiff.grad(workloads.scalar_loop)(np.array(0.7)))


# --- the wrapper's argument check ------------------------------------------------------------
def test_differentiable_in_checks_and_gives_numbers():
    x = np.array(0.25)
    assert type(numba_compile.differentiable_in(x, "x")) is float
    assert numba_compile.differentiable_in(x, "x") == 0.25
    v = np.array([0.5, 1.5])
    assert numba_compile.differentiable_in(v, "v") is v  # arrays pass as they are
    small = np.array(0.5, dtype=np.float32)
    assert numba_compile.differentiable_in(small, "s") == 0.5
    with pytest.raises(TypeError, match="cannot differentiate with respect to n"):
        numba_compile.differentiable_in(np.array(3), "n")
    with pytest.raises(TypeError, match="cannot differentiate with respect to k"):
        numba_compile.differentiable_in(np.array([1, 2]), "k")


def scaled_loop(x, y):
    s = x * 0.0
    for i in range(4):
        s = s + np.sin(x * y) * y
    return s


@needs_numba
def test_an_argument_not_differentiated_is_passed_unchecked():
    """wrt=0: y is the kernel's argument without a check; an integer y is fine, as on the
    NumPy path, and an integer x is refused."""
    check_jit(scaled_loop, np.array(0.3), np.array(1.7), wrt=0)
    g = srcdiff.grad(scaled_loop, wrt=0, jit=True)
    np.testing.assert_allclose(g(np.array(0.3), np.array(2)),
                               numerical_grad(scaled_loop, (np.array(0.3), np.array(2)), 0),
                               rtol=1e-5)
    with pytest.raises(SrcdiffError, match="cannot differentiate with respect to x"):
        g(np.array(3), np.array(2.0))


def test_a_change_of_any_numba_runtime_module_renames_the_kernel_file(tmp_path, monkeypatch):
    """The kernel's file name hashes the Numba runtime's modules, so Numba's disk cache beside
    it is not reused after one changes: runtime_numba_writes was left out, and a kernel
    compiled against its old overloads kept running from the cache (and runtime_numba_numpy
    after it). Every module named runtime_numba* is hashed, found by listing the package."""
    folder = os.path.dirname(srcdiff.__file__)
    listed = sorted(name[:-3] for name in os.listdir(folder)
                    if name.startswith("runtime_numba") and name.endswith(".py"))
    modules = numba_compile.runtime_modules()
    assert [m.__name__.rpartition(".")[2] for m in modules] == listed   # every one, new ones too
    assert {"runtime_numba", "runtime_numba_writes", "runtime_numba_numpy"} <= set(listed)
    before = numba_compile._runtime_stamp()
    for module in modules:
        changed = tmp_path / f"{module.__name__}.py"
        with open(module.__file__) as fh:
            changed.write_text(fh.read() + "\n# changed\n")
        with monkeypatch.context() as m:
            m.setattr(module, "__file__", str(changed))
            assert numba_compile._runtime_stamp() != before, module.__name__
    assert numba_compile._runtime_stamp() == before


def writes_one_past_the_end(x):
    y = np.zeros_like(x)
    for t in range(x.shape[0]):
        y[t + 1] = x[t] * 2.0
    return np.sum(y ** 2)


def reads_one_past_the_end(x):
    s = 0.0
    for t in range(x.shape[0]):
        s = s + x[t + 1] * x[t]
    return s


@needs_numba
@pytest.mark.parametrize("f", [writes_one_past_the_end, reads_one_past_the_end],
                         ids=lambda f: f.__name__)
def test_an_index_out_of_range_raises_as_on_the_numpy_path(f):
    """Python raises IndexError at y[len(y)]; the kernel, compiled without bounds checks,
    wrote past the end and gave back a gradient. It is compiled with boundscheck=True."""
    x = np.linspace(0.1, 1.0, 5)
    with pytest.raises(IndexError):
        srcdiff.grad(f)(x)
    with pytest.raises(IndexError):
        srcdiff.grad(f, jit=True)(x)
    with pytest.raises(IndexError):
        srcdiff.jvp(f, jit=True)(x, np.ones_like(x))


NUMBA_CLIP_ERROR = """\
Failed in nopython mode pipeline (step: nopython frontend)
- Resolution failure for literal arguments:
No implementation of function Function(<function clip at 0x7f3ae3515300>) found for signature:
 >>> clip(float64, float64, float64)
There are 2 candidate implementations:
 Overload in function 'np_clip': File: numba/np/arrayobj.py: Line 2724.
During: typing of call at /cache/numba/grad_f_kernel_6c44.py (45)
File "../../cache/numba/grad_f_kernel_6c44.py", line 45:
def grad_f_kernel(x, A):
    <source elided>
    w5 = numpy.stack(items_1)
    clip_1 = numpy.clip(-0.7, -0.5, 0.5)
    ^
"""


def test_numbas_typing_text_is_said_in_one_short_sentence_with_the_compiled_line():
    assert numba_compile._short_reason(NUMBA_CLIP_ERROR) == \
        "Numba has no clip for the arguments (float64, float64, float64)"
    assert numba_compile._kernel_line(NUMBA_CLIP_ERROR, "/x/grad_f_kernel_6c44.py") == \
        "clip_1 = numpy.clip(-0.7, -0.5, 0.5)"
    attribute = ("Unknown attribute 'matmul' of type Module(<module "
                 "'srcdiff.runtime_numba.numpy'>)")
    assert numba_compile._short_reason(attribute) == "Numba has no numpy.matmul"
    assert numba_compile._short_reason("something else") is None
