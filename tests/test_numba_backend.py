"""The Numba path (srcdiff/numba_backend.py, srcdiff/runtime_numba.py): jit=True derivatives
checked against finite differences on the benchmark workloads and the control-flow corpus.

Skipped where Numba is not installed (pip install srcdiff[numba]); the tests of what
happens without it run everywhere.
"""
import importlib.util
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import srcdiff
from srcdiff import numba_backend, numba_compile
from srcdiff.errors import SrcdiffError
from gradcheck import numerical_grad

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
import workloads  # noqa: E402

HAS_NUMBA = importlib.util.find_spec("numba") is not None
needs_numba = pytest.mark.skipif(not HAS_NUMBA, reason="numba is not installed")


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    """Kernels and Numba's compiled code go to a directory of this test session."""
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


# --- the control-flow corpus ----------------------------------------------------------------
def _corpus():
    import test_reverse_control as corpus
    out = [(f, x) for f in corpus.CORPUS for x in corpus.INPUTS.values()]
    return out + [(f, m) for f in corpus.MATRIX_CORPUS for m in (corpus.MAT, -corpus.MAT)]


COMPILED = []


@needs_numba
@pytest.mark.parametrize("f, x", _corpus(), ids=lambda v: getattr(v, "__name__", ""))
def test_corpus(f, x):
    """Each function Numba can compile gives the finite-difference gradient; the others are
    refused by a NumbaUnsupported (never a wrong number)."""
    try:
        got = srcdiff.grad(f, jit=True)(x)
    except numba_backend.NumbaUnsupported as exc:
        assert "Numba" in str(exc)
        pytest.skip(f"refused: {str(exc).splitlines()[0]}")
    COMPILED.append(f.__name__)
    np.testing.assert_allclose(got, numerical_grad(f, (x,), 0), rtol=1e-4, atol=1e-5)


@needs_numba
def test_most_of_the_corpus_compiles():
    """Refusal is not the answer for everything: the loops and branches over arrays that
    the pass knows (37 of the 66 functions when written) compile."""
    import test_reverse_control as corpus
    compiled = []
    for f in corpus.CORPUS:
        try:
            srcdiff.grad(f, jit=True)(corpus.INPUTS["mixed"])
            compiled.append(f.__name__)
        except numba_backend.NumbaUnsupported:
            pass
    assert len(compiled) >= 30, compiled
    for name in ("if_else", "nested_if", "for_range", "while_data", "nested_while_in_for",
                 "for_break", "while_break", "early_return", "for_zip", "rebinds_its_sequence",
                 "for_range_from_shape"):
        assert name in compiled


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
def test_backend_numba_is_jit():
    g = srcdiff.grad(workloads.scalar_loop, backend="numba")
    assert g._jit is True
    assert "tape_x.append(x)" in _source_after_call(g, np.array(0.7))


def _source_after_call(g, *args):
    g(*args)
    return g.source


@needs_numba
def test_emitted_kernel_is_readable_python():
    text = _source_after_call(srcdiff.grad(workloads.scalar_loop, jit=True), np.array(0.7))
    assert "reversed(" not in text and "tape = []" not in text
    assert "def grad_scalar_loop_kernel(x):" in text and "def grad_scalar_loop(x):" in text
    assert "# line 46:" in text
    compile(text, "<kernel>", "exec")


SCALE = 2.0


def uses_a_global(x):
    y = x
    for i in range(3):
        y = np.sin(y) * SCALE
    return y


@needs_numba
def test_module_globals_are_passed_in_and_read_live():
    global SCALE
    g = srcdiff.grad(uses_a_global, jit=True)
    x = np.array(0.4)
    first = g(x)
    np.testing.assert_allclose(first, numerical_grad(uses_a_global, (x,), 0), rtol=1e-5)
    SCALE = 3.0
    try:
        again = g(x)
        np.testing.assert_allclose(again, numerical_grad(uses_a_global, (x,), 0), rtol=1e-5)
        assert not np.allclose(first, again)
    finally:
        SCALE = 2.0


@needs_numba
def test_containers_are_refused_with_jit_true():
    def total(xs):
        return xs[0] * xs[1]
    with pytest.raises(numba_backend.NumbaUnsupported, match="lists, tuples or dicts"):
        srcdiff.grad(total, jit=True)([0.5, 2.0])


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


def test_bad_jit_values_are_refused():
    with pytest.raises(SrcdiffError, match="jit must be"):
        srcdiff.grad(workloads.scalar_loop, jit="yes")
    with pytest.raises(SrcdiffError, match="pass one of them"):
        srcdiff.grad(workloads.scalar_loop, jit="auto", backend="cupy")


# --- the codegen command ---------------------------------------------------------------------
@needs_numba
def test_codegen_backend_numba(tmp_path):
    """`srcdiff FILE:FUNC --backend numba` writes a module whose gradient Numba compiles."""
    out = tmp_path / "grad_numba.py"
    done = subprocess.run([sys.executable, "-m", "srcdiff", "benchmarks/workloads.py:control_flow",
                           "--backend", "numba", "-o", str(out)], cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "@numba.njit(cache=True)\ndef grad_control_flow_kernel(a):" in text
    assert "reversed(" not in text
    sys.path.insert(0, str(tmp_path))
    try:
        import grad_numba
    finally:
        sys.path.remove(str(tmp_path))
    for a in (np.array(0.3), np.array(-0.7)):
        np.testing.assert_allclose(grad_numba.grad_control_flow(a),
                                   numerical_grad(workloads.control_flow, (a,), 0), rtol=1e-4)


def test_codegen_backend_numba_is_for_gradients():
    from srcdiff.cli import CodegenError, generate
    with pytest.raises(CodegenError, match="--mode reverse"):
        generate([os.path.join(ROOT, "benchmarks", "workloads.py") + ":scalar_loop"],
                 mode="forward", backend="numba")


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
