"""Stage 8, load (srcdiff/loader.py): emitted source becomes a live function whose lines
tracebacks, inspect and pdb show, under a deterministic file name."""
import gc
import inspect
import linecache
import traceback

import numpy as np
import pytest

import srcdiff
from srcdiff import loader
from srcdiff.derivative import clear_cache
from srcdiff.lower import GENERATED_PREFIX

SCALE = 2.0


def scaled(x):
    return SCALE * np.sum(x * x)


def closure_of(k):
    def f(x):
        return k * x * x
    return f


TEXT = "# a header comment\ndef made(x):\n    return offset + x\n"


def test_load_registers_the_text_for_linecache_and_inspect():
    fn = loader.load(TEXT, "made", "srcdiff-generated/test-loader/made.py", {"offset": 1.0},
                     None)
    assert fn(2.0) == 3.0
    assert loader.source_of(fn) == TEXT
    assert inspect.getsource(fn) == "def made(x):\n    return offset + x\n"
    assert linecache.getline(fn.__code__.co_filename, 3) == "    return offset + x\n"


def test_a_traceback_through_emitted_code_shows_its_line():
    fn = loader.load("def broken(x):\n    return x / zero\n", "broken",
                     "srcdiff-generated/test-loader/broken.py", {"zero": 0}, None)
    with pytest.raises(ZeroDivisionError) as info:
        fn(1)
    text = "".join(traceback.format_tb(info.value.__traceback__))
    assert "srcdiff-generated/test-loader/broken.py" in text
    assert "return x / zero" in text


def test_the_lines_go_with_the_function():
    name = "srcdiff-generated/test-loader/gone.py"
    fn = loader.load("def gone(x):\n    return x\n", "gone", name, {}, None)
    assert name in linecache.cache
    del fn
    gc.collect()
    assert name not in linecache.cache


def test_emitted_code_reads_the_users_globals_live():
    """The user's module dict is the emitted gradient's globals: a global rebound later is
    seen by the derivative too (checked against finite differences each time)."""
    global SCALE
    from gradcheck import check_grad
    x = np.array([0.5, -1.5])
    check_grad(scaled, x)
    old, SCALE = SCALE, 3.0
    try:
        check_grad(scaled, x)
        assert srcdiff.grad(scaled)(x) == pytest.approx(2 * SCALE * x)
    finally:
        SCALE = old


def test_closures_read_through_chain_globals():
    from gradcheck import check
    f = closure_of(1.5)
    check(f, 0.7)
    emitted = srcdiff.grad(f).__wrapped__
    assert isinstance(emitted.__globals__, loader.ChainGlobals)
    assert "k" in emitted.__globals__  # the user's cell, read through the resolver


def closure_unflattening(example):
    _, unflatten = srcdiff.flatten(example)   # a function read by name in emitted code

    def f(v):
        p = unflatten(v)
        return np.sum(p["a"] ** 3) * p["b"]
    return f


def test_a_derivative_of_emitted_code_reading_a_closure_is_made_once(monkeypatch):
    # hvp differentiates the emitted gradient, whose globals (ChainGlobals) read the user's
    # closure cell unflatten on a miss; the check that it was not redefined read them with
    # .get(), which misses: every call made the code again (autograd's gmm, 1.3 s a call)
    from gradcheck import check_hvp
    import srcdiff.forward_driver as driver
    f = closure_unflattening({"a": np.ones(2), "b": 1.0})
    x = np.array([0.3, -0.8, 1.5])
    made, original = [], driver.forward_source
    monkeypatch.setattr(driver, "forward_source", lambda *a, **k: made.append(1) or
                        original(*a, **k))
    check_hvp(f, x, vector=np.array([1.0, 0.5, -2.0]))
    h = srcdiff.hvp(f)
    h(x, x)
    before = len(made)
    h(x, x)
    h(x * 2.0, x)
    assert len(made) == before


def _file_of(derivative):
    return derivative.__wrapped__.__code__.co_filename


def test_file_names_are_deterministic():
    first = _file_of(srcdiff.grad(scaled))
    clear_cache(scaled)
    again = _file_of(srcdiff.grad(scaled))
    assert first == again
    assert first.startswith(GENERATED_PREFIX)
    assert first.endswith("/grad_scaled.py")
    assert "test_loader.py" in first  # the user's file, then the function's line
    jvp_file = _file_of(srcdiff.jvp(scaled))
    assert jvp_file != first and jvp_file.startswith(GENERATED_PREFIX)


def test_source_shows_the_registered_text():
    g = srcdiff.grad(scaled)
    g(np.ones(2))
    assert srcdiff.source(g) == loader.source_of(g._emitted())
    assert "def grad_scaled" in srcdiff.source(g)
    # inspect reads linecache (for a module-level function, the factory binding the
    # helpers: its body indented)
    assert inspect.getsource(g._emitted()).lstrip().startswith("def grad_scaled")
