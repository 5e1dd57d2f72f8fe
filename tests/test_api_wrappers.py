"""Functions decorated with a functools.wraps wrapper (issue 20): srcdiff differentiates
what is called, the wrapper's own code (which calls the wrapped function), or refuses at
the wrapper's line; never the function under the decorator (`__wrapped__`)."""
import functools
import os
import subprocess
import sys

import numpy as np
import pytest

import srcdiff
from gradcheck import check, check_hvp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.abspath(__file__)
X = np.array([0.3, -1.2, 0.8])


def twice(fn):
    @functools.wraps(fn)
    def wrapper(x):
        return 2 * fn(x)
    return wrapper


def shifted(fn):
    @functools.wraps(fn)
    def wrapper(x, scale=1.5):
        return fn(x * scale) + np.sum(x)
    return wrapper


def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@twice
def cube_third(x):
    return np.sum(x * x * x / 3 + x)


@shifted
def sines(x):
    return np.sum(np.sin(x) * x)


@logged
def square(x):
    return np.sum(x * x)


def calls_decorated(x):
    return cube_third(np.tanh(x)) + sines(x)


def calls_logged(x):
    return square(x) + 1.0


@pytest.mark.parametrize("f, rest", [(cube_third, ()), (sines, (1.5,)), (sines, (0.5,)),
                                     (calls_decorated, ())])
def test_the_wrapper_is_differentiated(f, rest):
    # gradcheck differentiates f by central differences of f itself: the wrapper runs
    check(f, X, *rest)
    check_hvp(f, X, *rest, vector=np.array([1.0, 0.5, -2.0]))


def test_grad_value_and_grad_and_jvp_see_the_wrapper_scale():
    x = 1.5
    f = twice(lambda x: x * x * x / 3 + x)  # the example: true gradient 6.5
    assert srcdiff.grad(f)(x) == pytest.approx(2 * (x * x + 1))
    value, gradient = srcdiff.value_and_grad(f)(x)
    assert value == pytest.approx(f(x)) and gradient == pytest.approx(2 * (x * x + 1))
    value, tangent = srcdiff.jvp(f)(x, 1.0)
    assert value == pytest.approx(f(x)) and tangent == pytest.approx(2 * (x * x + 1))


def _wrapper_line():
    import inspect
    lines, start = inspect.getsourcelines(logged)
    return start + 1  # the decorator line of the wrapper: its code's first line


def test_a_wrapper_taking_args_is_differentiated_at_the_positions_a_call_passes():
    """wrt=0 of a wrapper taking *args, **kwargs counts positions as the call passes them, as
    for any function taking *args (srcdiff/wrt_varargs.py): grad, jvp, second order."""
    check(square, X)
    check_hvp(square, X, vector=np.array([1.0, 0.5, -2.0]))
    value, gradient = srcdiff.value_and_grad(square)(X)
    assert value == pytest.approx(square(X))
    np.testing.assert_allclose(gradient, 2 * X)


def test_a_wrapper_taking_args_given_a_parameter_name_is_refused_at_its_line():
    """Its parameters are *args and **kwargs: the name of the wrapped function's parameter
    names none of them."""
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.grad(square, wrt="x")(X)
    assert f"{HERE}:{_wrapper_line()}:" in str(info.value)
    assert "wrapper" in str(info.value)


def test_a_call_of_a_wrapper_taking_args_is_followed():
    """The wrapper's *args and **kwargs are the tuple and dict its call site makes, spread
    again in fn(*args, **kwargs) (srcdiff/variadic.py), as when the wrapper itself is
    differentiated (above)."""
    check(calls_logged, X)


def test_the_codegen_command_refuses_a_wrapper(tmp_path):
    (tmp_path / "decorated.py").write_text(
        "import functools\n\n"
        "def twice(fn):\n"
        "    @functools.wraps(fn)\n"
        "    def wrapper(x):\n"
        "        return 2 * fn(x)\n"
        "    return wrapper\n\n"
        "@twice\n"
        "def f(x):\n"
        "    return x * x\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    r = subprocess.run([sys.executable, "-m", "srcdiff", "decorated.py:f"], cwd=tmp_path,
                       env=env, capture_output=True, text=True)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "decorated.py:f: 'f' is a decorator's wrapper" in r.stderr
    assert len(r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr
