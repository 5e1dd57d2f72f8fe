"""Emitted code never captures a user's name nor is captured by one (srcdiff/names.py settle,
frontend's reading of user names srcdiff also binds): user globals, parameters, locals and
helpers named `tape`, `slice`, like builtins srcdiff calls or like its runtime helpers.
Each derivative is checked against finite differences in both modes and to second order."""
import sys

import numpy as np
import pytest

import srcdiff
from srcdiff.errors import UnsupportedCodeError

import names_helpers as H
from gradcheck import check

X = np.array([0.3, -1.2, 0.8, 0.5])


@pytest.mark.parametrize("f", [H.local_tape, H.global_tape, H.helper_parameter_tape,
                               H.slices_everywhere, H.global_named_like_a_helper,
                               H.helper_named_like_a_runtime_helper,
                               H.closure_named_like_a_helper])
def test_user_names_like_emitted_names(f):
    check(f, X)
    value, _ = srcdiff.value_and_grad(f)(X)
    assert value == pytest.approx(f(X.copy()))


def test_local_tape_value_and_emitted_names():
    d = srcdiff.value_and_grad(H.local_tape)
    value, _ = d(X)
    assert value == pytest.approx(H.local_tape(X.copy()))
    text = d.source
    assert "tape = []" in text and "tape_1 = []" in text  # the user's list, srcdiff's tape


def test_helper_parameter_tape_emits_valid_code():
    d = srcdiff.grad(H.helper_parameter_tape)
    d(X)
    assert "def forward__scaled(tape_1, v, tape):" in d.source


def test_global_tape_is_read_live():
    saved = H.tape[:]
    try:
        d = srcdiff.grad(H.global_tape)
        first = d(X)
        H.tape[0] = 4.0   # changed in place: the emitted code reads the user's list
        np.testing.assert_allclose(d(X), srcdiff.grad(H.global_tape)(X))
        assert not np.allclose(first, d(X))
        check(H.global_tape, X)
    finally:
        H.tape[:] = saved


def test_global_named_like_a_runtime_helper_is_read_live():
    d = srcdiff.grad(H.global_named_like_a_helper)
    before = d(X)
    H.unbroadcast = 5.0
    try:
        np.testing.assert_allclose(d(X), before * 5.0 / 3.0)
        check(H.global_named_like_a_helper, X)
    finally:
        H.unbroadcast = 3.0


def test_parameters_named_like_builtins():
    check(H.parameters_named_like_builtins, X, 0.7, 0.2, 1.3, wrt=(0, 1, 2, 3))


def test_list_argument_appended_in_a_module_shadowing_list_and_type():
    check(H.appends_to_its_argument, [X * 0.5, X + 1.0], X, wrt=(0, 1))


@pytest.mark.parametrize("f, args, name", [
    (H.local_named_like_a_helper, (X,), "ones_like_value"),
    (H.helper_local_named_like_a_helper, (X, np.array([0.5])), "unbroadcast"),
])
def test_locals_named_like_runtime_helpers(f, args, name):
    """Refused, located, where the emitted adjoint calls that helper; forward mode, which
    does not, differentiates them."""
    with pytest.raises(UnsupportedCodeError, match=f"the name '{name}' is used by srcdiff") \
            as info:
        srcdiff.grad(f)(*args)
    assert info.value.filename == H.__file__
    check(f, *args, modes=("fwd",), order=1)


def test_user_functions_shadowing_builtins_srcdiff_calls():
    import names_shadow_helpers as S
    check(S.uses_its_own_builtins, X)
    value, _ = srcdiff.value_and_grad(S.uses_its_own_builtins)(X)
    assert value == pytest.approx(S.uses_its_own_builtins(X.copy()))


def test_codegen_binds_a_renamed_builtin(tmp_path):
    """The codegen command's module binds srcdiff's `slice_1` (the function has a parameter
    named `slice`) to the builtin, and computes what srcdiff.grad computes."""
    import os
    import subprocess
    import sys
    import shutil
    here = os.path.dirname(os.path.abspath(__file__))
    shutil.copy(os.path.join(here, "names_helpers.py"), tmp_path / "names_helpers.py")
    root = os.path.dirname(here)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, str(tmp_path)]))
    done = subprocess.run([sys.executable, "-m", "srcdiff",
                           "names_helpers.py:parameters_named_like_builtins", "-o", "gen.py"],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "gen.py").read_text()
    assert "slice_1 = builtins.slice" in text
    code = ("import numpy as np, gen\n"
            "x = np.array([0.3, -1.2, 0.8, 0.5])\n"
            "print(repr(gen.grad_parameters_named_like_builtins(x, 0.7, 0.2, 1.3).tolist()))")
    out = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    got = np.array(eval(out.stdout))
    np.testing.assert_allclose(got, srcdiff.grad(H.parameters_named_like_builtins)(
        X, 0.7, 0.2, 1.3))


def test_a_module_global_named_like_its_module(tmp_path, monkeypatch):
    """A module `scale.py` whose global `scale` is an array, read next to a call of
    another function of that module (which srcdiff reaches as `scale.helper`): the
    emitted code gave the name `scale` to the module and read the module where the
    user's code reads the array."""
    (tmp_path / "scale.py").write_text(
        "import numpy as np\n"
        "scale = np.array([2.0, 3.0])\n"
        "def helper(x):\n"
        "    return x * x\n"
        "def f(x):\n"
        "    return np.sum(helper(x) * scale)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib
    mod = importlib.import_module("scale")
    try:
        check(mod.f, np.array([0.5, -1.5]), wrt=0, order=2)
    finally:
        sys.modules.pop("scale", None)
