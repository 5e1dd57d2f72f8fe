"""The codegen command's input boundary (srcdiff/codegen_inputs.py): crafted file names,
--name, --backend, -o and the loading of the user's file. Every refusal is one line on
standard error, `srcdiff: error: ...`, exit status 2, and writes nothing."""
import os
import subprocess
import sys

import numpy as np
import pytest

from gradcheck import numerical_grad

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(ROOT, "examples", "models.py")) as _fh:
    MODELS = _fh.read()

SOURCE = ("import numpy as np\n\nK = 2.0\n\n\ndef f(x):\n    return np.sum(np.sin(x) * x)\n\n\n"
          "def g(x):\n    return np.sum(x * x * K)\n")


def run_cli(*args, cwd):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "srcdiff", *args], cwd=str(cwd), env=env,
                          capture_output=True, text=True)


def refused(result, *words):
    assert result.returncode == 2, (result.returncode, result.stdout[-500:], result.stderr)
    assert result.stderr.startswith("srcdiff: error: ") and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    for w in words:
        assert w in result.stderr, result.stderr
    return result.stderr


def run_standalone(folder, script):
    """Run `script` beside the generated module, in a Python that can not import srcdiff."""
    code = ("import sys\n"
            f"sys.path = [p for p in sys.path if not p.startswith({ROOT!r})]\n"
            f"sys.path.insert(0, {str(folder)!r})\n"
            "sys.modules['srcdiff'] = None\n" + script)
    result = subprocess.run([sys.executable, "-c", code], cwd=str(folder), capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _check_grad_of_f(folder, module):
    x = np.array([0.3, -1.2, 2.0])
    out = run_standalone(folder, f"import numpy as np, {module} as m\n"
                                 "print(repr(m.grad_f(np.array([0.3, -1.2, 2.0])).tolist()))\n")
    want = numerical_grad(lambda x: np.sum(np.sin(x) * x), [x], 0)
    np.testing.assert_allclose(eval(out), want, rtol=1e-6, atol=1e-9)


# --- file names pasted into the module ---------------------------------------------------

@pytest.mark.parametrize("name", ['a\nimport os; open("INJECTED", "w")\n.py',
                                  'q"""; open("INJECTED", "w"); """.py', "back\\slash.py",
                                  "tab\there.py"])
def test_file_names_that_would_inject_code_are_refused(tmp_path, name):
    (tmp_path / name).write_text(SOURCE)
    r = run_cli(f"{name}:f", "-o", "out.py", cwd=tmp_path)
    refused(r, "rename the file")
    assert not (tmp_path / "out.py").exists() and not (tmp_path / "INJECTED").exists()


@pytest.mark.parametrize("typed", ["models.py", "./models.py", "ABS", "sub/models.py"])
def test_the_header_does_not_depend_on_how_the_path_was_typed(tmp_path, typed):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "models.py").write_text(MODELS)
    cwd = tmp_path if typed.startswith("sub/") else sub
    if typed == "ABS":
        typed = str(sub / "models.py")
    r = run_cli(f"{typed}:decayed_sum", cwd=cwd)
    assert r.returncode == 0, r.stderr
    with open(os.path.join(ROOT, "tests", "golden", "decayed_sum_grad.py")) as fh:
        assert r.stdout == fh.read()
    assert str(tmp_path) not in r.stdout


INPLACE = '''import numpy as np


def f(x, idx):
    y = x * 1.0
    y[idx] += x[idx]
    return np.sum(y * y)
'''


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_runtime_checks_name_the_file_without_its_folder(tmp_path, mode):
    """The 'FILE:LINE' strings emitted for runtime refusals (repeated indices) named the
    file by its absolute path: the generated module leaked the machine's folders."""
    (tmp_path / "inplace.py").write_text(INPLACE)
    r = run_cli(f"{tmp_path / 'inplace.py'}:f", "--mode", mode, "-o", "inplace_d.py",
                cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "inplace_d.py").read_text()
    assert str(tmp_path) not in text
    if mode == "reverse":
        assert "where='inplace.py:6'" in text
    x, idx = np.array([0.5, -1.0, 2.0]), np.array([0, 2])
    np.save(tmp_path / "x.npy", x)
    call = ("m.grad_f(x, idx)" if mode == "reverse" else
            "[m.jvp_f(x, idx, v)[1] for v in np.eye(3)]")
    out = run_standalone(tmp_path, "import numpy as np, inplace_d as m\n"
                                   "x = np.load('x.npy'); idx = np.array([0, 2])\n"
                                   f"print(repr(np.asarray({call}, dtype=float).tolist()))\n")

    def f(x):
        y = x * 1.0
        y[idx] += x[idx]
        return np.sum(y * y)
    np.testing.assert_allclose(eval(out), numerical_grad(f, [x], 0), rtol=1e-6, atol=1e-9)
    # a repeated index is refused at run time, naming the user's line by file name
    if mode == "reverse":
        err = subprocess.run([sys.executable, "-c", "import numpy as np, inplace_d as m\n"
                              "m.grad_f(np.ones(3), np.array([1, 1]))\n"], cwd=str(tmp_path),
                             capture_output=True, text=True).stderr
        assert "inplace.py:6: " in err and f"{tmp_path}/inplace.py" not in err


@pytest.mark.parametrize("name", ["my model.py", "my-model.py", "class.py"])
def test_file_names_that_are_not_module_names(tmp_path, name):
    """A derivative that imports nothing from the file is written (and right); one that
    imports a name from it is refused: `from my model import K` is not Python."""
    (tmp_path / name).write_text(SOURCE)
    r = run_cli(f"{name}:f", "-o", "f_grad.py", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    _check_grad_of_f(tmp_path, "f_grad")
    refused(run_cli(f"{name}:g", "-o", "g_grad.py", cwd=tmp_path), "not a module name",
            "rename it")
    assert not (tmp_path / "g_grad.py").exists()


@pytest.mark.parametrize("stem", ["math", "inspect", "numpy", "pkgutil", "json"])
def test_files_named_like_real_modules_load_without_shadowing_them(tmp_path, stem):
    """The user's file was registered in sys.modules under its base name: a math.py,
    inspect.py or numpy.py crashed srcdiff. Now it loads beside the real module; a
    derivative that would import a name from it (`from math import K` imports the real
    math) is refused."""
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / f"{stem}.py").write_text(SOURCE)
    r = run_cli(f"sub/{stem}.py:f", "-o", "sub/f_grad.py", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    (sub / f"{stem}.py").rename(sub / "elsewhere.py")  # the standalone run must not see it
    _check_grad_of_f(sub, "f_grad")
    (sub / "elsewhere.py").rename(sub / f"{stem}.py")
    refused(run_cli(f"sub/{stem}.py:g", cwd=tmp_path), f"{stem}.py", "rename the file")


def test_a_sibling_named_like_a_module_srcdiff_uses_is_not_run(tmp_path):
    """The user's folder went first on sys.path for good: a sibling pkgutil.py ran when
    srcdiff imported pkgutil."""
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "models.py").write_text(MODELS)
    for stem in ("pkgutil", "textwrap", "tokenize", "linecache"):
        (sub / f"{stem}.py").write_text("open('SIBLING_RAN', 'w').close()\n"
                                        "raise SystemExit('sibling ran')\n")
    r = run_cli("sub/models.py:decayed_sum", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "SIBLING_RAN").exists() and not (sub / "SIBLING_RAN").exists()


def test_the_users_module_still_imports_its_siblings(tmp_path):
    (tmp_path / "consts.py").write_text("SCALE = 3.0\n")
    (tmp_path / "uses.py").write_text("import numpy as np\nfrom consts import SCALE\n\n\n"
                                      "def f(x):\n    return np.sum(np.sin(x) * x) * SCALE\n")
    r = run_cli(f"{tmp_path / 'uses.py'}:f", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "from uses import SCALE" in r.stdout


@pytest.mark.parametrize("tail, words", [
    ("import sys\nsys.exit(3)\n", ["exits.py:13:", "sys.exit(3)"]),
    ("raise SystemExit\n", ["exits.py:12:", "sys.exit(None)"]),
    ("raise ValueError('no data here')\n", ["exits.py:12:", "ValueError: no data here"]),
    ("x = (\n", ["exits.py:12:", "syntax error"]),
])
def test_a_file_that_exits_or_fails_at_import_is_a_located_error(tmp_path, tail, words):
    (tmp_path / "exits.py").write_text(SOURCE + tail)
    refused(run_cli("exits.py:f", cwd=tmp_path), *words)


# --- names -------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["numpy; import os", "os.system('x')", "cupy\nimport os",
                                     "", "1np", "numpy as np"])
def test_backend_must_be_a_module_name(tmp_path, backend):
    (tmp_path / "models.py").write_text(MODELS)
    refused(run_cli("models.py:decayed_sum", "--backend", backend, cwd=tmp_path), "--backend")


def test_a_dotted_backend_is_a_module_name(tmp_path):
    (tmp_path / "models.py").write_text(MODELS)
    r = run_cli("models.py:decayed_sum", "--backend", "cupy", cwd=tmp_path)
    assert r.returncode == 0 and "import cupy as numpy" in r.stdout


@pytest.mark.parametrize("name, words", [
    ("1bad", ["--name '1bad'", "not a Python identifier"]),
    ("class", ["not a Python identifier"]),
    ("my-grad", ["not a Python identifier"]),
    ("numpy", ["already uses the name 'numpy'"]),
    ("check_differentiable", ["already uses the name 'check_differentiable'"]),
    ("DECAY", ["already uses the name 'DECAY'"]),  # imported from models.py
    ("range", ["already uses the name 'range'"]),  # a builtin the derivative calls
])
def test_name_must_be_a_free_identifier(tmp_path, name, words):
    (tmp_path / "models.py").write_text(MODELS)
    refused(run_cli("models.py:decayed_sum", "--name", name, "-o", "out.py", cwd=tmp_path),
            *words)
    assert not (tmp_path / "out.py").exists()


def test_a_free_name_is_used_as_given(tmp_path):
    (tmp_path / "models.py").write_text(MODELS)
    r = run_cli("models.py:decayed_sum", "--name", "d_decayed", cwd=tmp_path)
    assert r.returncode == 0 and "def d_decayed(x):" in r.stdout


def test_two_targets_with_the_same_function_name(tmp_path):
    (tmp_path / "a.py").write_text(SOURCE)
    (tmp_path / "b.py").write_text(SOURCE.replace("np.sin(x)", "np.cos(x)"))
    refused(run_cli("a.py:f", "b.py:f", cwd=tmp_path), "a.py:f and b.py:f",
            "grad_f")
    refused(run_cli("a.py:f", "a.py:f", cwd=tmp_path), "grad_f")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "a.py").write_text(SOURCE)
    refused(run_cli("a.py:f", "sub/a.py:g", cwd=tmp_path), "two input files are named a.py")


HELPERS = '''import numpy as np


def inner(a):
    return np.sum(a * {k})


def loss_{n}(x):
    return np.log(inner(x) ** 2 + 1.0)
'''


def test_a_helper_two_targets_share_is_written_once(tmp_path):
    (tmp_path / "both.py").write_text(HELPERS.format(k="a", n="one") + "\n\n"
                                      "def loss_two(x):\n    return np.exp(inner(x) * 0.1)\n")
    r = run_cli("both.py:loss_one", "both.py:loss_two", "-o", "both_d.py", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "both_d.py").read_text()
    assert text.count("def backward_inner(") == 1 and text.count("def forward_inner(") == 1
    out = run_standalone(tmp_path, "import numpy as np, both_d as m\n"
                                   "x = np.array([0.3, -0.7, 1.1])\n"
                                   "print(repr([m.grad_loss_one(x).tolist(), "
                                   "m.grad_loss_two(x).tolist()]))\n")
    got = eval(out)
    x = np.array([0.3, -0.7, 1.1])
    np.testing.assert_allclose(got[0], numerical_grad(
        lambda x: np.log(np.sum(x * x) ** 2 + 1.0), [x], 0), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(got[1], numerical_grad(
        lambda x: np.exp(np.sum(x * x) * 0.1), [x], 0), rtol=1e-6, atol=1e-9)


def test_two_different_helpers_of_one_name_are_refused(tmp_path):
    """Two files with their own `inner`: the second forward_inner/backward_inner replaced
    the first in the module, and grad_loss_one ran the other file's helper (a wrong
    gradient)."""
    (tmp_path / "one.py").write_text(HELPERS.format(k="a", n="one"))
    (tmp_path / "two.py").write_text(HELPERS.format(k="3.0", n="two"))
    refused(run_cli("one.py:loss_one", "two.py:loss_two", cwd=tmp_path),
            "one.py:loss_one and two.py:loss_two", "_inner")


# --- output ------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["models.py", "./models.py", "ABS"])
def test_output_onto_the_input_file_is_refused(tmp_path, typed):
    (tmp_path / "models.py").write_text(MODELS)
    out = str(tmp_path / "models.py") if typed == "ABS" else typed
    refused(run_cli("models.py:decayed_sum", "-o", out, cwd=tmp_path), "is the input file")
    assert (tmp_path / "models.py").read_text() == MODELS


@pytest.mark.parametrize("out, words", [
    ("missing/dir/out.py", ["no folder missing/dir"]),
    (".", ["is a folder"]),
    ("/dev/full", ["can not write it"]),
])
def test_output_errors_are_one_line_with_status_2(tmp_path, out, words):
    if out == "/dev/full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    (tmp_path / "models.py").write_text(MODELS)
    refused(run_cli("models.py:decayed_sum", "-o", out, cwd=tmp_path), *words)


def test_output_into_a_read_only_folder(tmp_path):
    (tmp_path / "models.py").write_text(MODELS)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(str(locked), os.W_OK):
            pytest.skip("running as a user who may write anywhere")
        refused(run_cli("models.py:decayed_sum", "-o", "locked/out.py", cwd=tmp_path),
                "can not write it")
    finally:
        locked.chmod(0o700)


def test_check_keeps_status_1_for_stale_and_2_for_errors(tmp_path):
    (tmp_path / "models.py").write_text(MODELS)
    stale = run_cli("models.py:decayed_sum", "-o", "absent.py", "--check", cwd=tmp_path)
    assert stale.returncode == 1 and "stale" in stale.stderr
    refused(run_cli("models.py:decayed_sum", "-o", ".", "--check", cwd=tmp_path),
            "is a folder")


# --- the in-process header (srcdiff.grad and friends) -------------------------------------

@pytest.mark.parametrize("name", ['y\nopen("INJECTED", "w").close()\n#.py',
                                  'q"""; open("INJECTED", "w").close(); """.py', "b\\N.py"])
def test_file_names_do_not_inject_code_into_in_process_derivatives(tmp_path, name,
                                                                   monkeypatch):
    """The emitted text's header comment and docstring named the file as it is: a newline or
    a triple quote in the name ran code when srcdiff.grad compiled the derivative."""
    import importlib.util

    import srcdiff
    from gradcheck import check
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text("import numpy as np\n\n\ndef f(x):\n"
                                 "    return np.sum(np.sin(x) * x)\n")
    spec = importlib.util.spec_from_file_location("crafted_name_module", str(tmp_path / name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    check(module.f, np.array([0.3, -1.2, 2.0]))
    header = srcdiff.source(srcdiff.grad(module.f)).splitlines()[0]
    assert header.startswith("# Code generated by srcdiff") and ":4 (gradient" in header
    assert not (tmp_path / "INJECTED").exists()
