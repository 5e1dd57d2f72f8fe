"""numba_probes: try blocks on the Numba path, their probe run in Python from the kernel."""
import ast
import warnings

import numpy as np
import pytest

import srcdiff
from numba_checks import check_jit, needs_numba, own_cache, source_after_call  # noqa: F401
from srcdiff import numba_probes
from srcdiff.numba_backend import NumbaUnsupported

EMITTED = """\
w = numpy.tanh(x)

def attempt_1(w):
    try:
        u = w[5] * 2.0
    except IndexError:
        return 1
    return 0
if attempt_1(w) == 0:
    u = w[5] * 2.0
else:
    u = numpy.sum(w)
"""


def _refuse(reason, node):
    return ValueError(f"{reason} (line {node.lineno})")


def test_the_probe_is_lifted_and_its_call_runs_in_python_first():
    body = ast.parse(EMITTED).body
    lines = EMITTED.splitlines()
    probes, dropped = numba_probes.lift(body, lines, _refuse)
    assert list(probes) == ["attempt_1"] and dropped == set(range(3, 9))
    assert probes["attempt_1"].text.startswith("def attempt_1(w):\n    try:")
    assert probes["attempt_1"].answer_type == "int64"
    assert isinstance(body[1], ast.Pass)
    edits = {}
    numba_probes.rewrite_calls(body, probes, lines, edits, _refuse)
    assert edits[9].splitlines() == [
        "with objmode(attempt_1_answer='int64'):  # in Python: the try block's except clauses",
        "    attempt_1_answer = attempt_1(w)",
        "if attempt_1_answer == 0:"]


def test_a_probe_catching_arithmetic_errors_is_refused():
    text = EMITTED.replace("except IndexError", "except (IndexError, ZeroDivisionError)")
    with pytest.raises(ValueError, match="catches arithmetic errors"):
        numba_probes.lift(ast.parse(text).body, text.splitlines(), _refuse)


def index_or_sum(x):
    w = np.tanh(x)
    try:
        u = w[5] * 2.0
        v = w[0] * u
    except (IndexError, KeyError):
        u = np.sum(w) * 0.5
        v = u * u
    return u * x[0] + v


def index_or_zero_division(x):
    w = np.tanh(x)
    try:
        u = 1.0 / w[0]
    except ZeroDivisionError:
        u = np.sum(w)
    return u * x[1]


@needs_numba
@pytest.mark.parametrize("n", [3, 7])
def test_a_try_block_compiles_and_takes_the_numpy_paths_branch(n):
    x = np.linspace(0.2, 0.9, n)
    check_jit(index_or_sum, x)
    value, grad = srcdiff.value_and_grad(index_or_sum, jit=True)(x)
    want_value, want = srcdiff.value_and_grad(index_or_sum)(x)
    np.testing.assert_allclose(value, want_value, rtol=1e-12)
    np.testing.assert_allclose(grad, want, rtol=1e-12)


@needs_numba
def test_the_kernel_keeps_the_probe_above_it_to_read():
    text = source_after_call(srcdiff.grad(index_or_sum, jit=True), np.linspace(0.2, 0.9, 3))
    assert "def attempt_1(w):" in text and "with objmode(" in text


@needs_numba
def test_a_try_catching_zero_division_is_refused_at_the_users_line_and_auto_falls_back():
    x = np.array([0.3, 0.4])
    with pytest.raises(NumbaUnsupported, match="catches arithmetic errors") as info:
        srcdiff.grad(index_or_zero_division, jit=True)(x)
    assert "except ZeroDivisionError:" in str(info.value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = srcdiff.grad(index_or_zero_division, jit="auto")(x)
    assert any("jit='auto' runs the NumPy path" in str(w.message) for w in caught)
    np.testing.assert_allclose(got, srcdiff.grad(index_or_zero_division)(x), rtol=1e-12)
