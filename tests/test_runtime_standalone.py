"""The runtime helpers copied by the codegen command (srcdiff/cli.py) into standalone modules:
a copied helper runs where srcdiff can not be imported, so it may not import srcdiff's
modules inside its body (the codegen command copies what its module imports at the top).
"""
import ast
import glob
import os
import subprocess
import sys

import numpy as np
import pytest

import srcdiff
from gradcheck import numerical_grad

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# functions that never run inside emitted code, or that run only in-process and are refused
# by the codegen command (odeint's F's make derivatives with srcdiff while they run)
IN_PROCESS = {
    ("runtime_integrate.py", "jvp"), ("runtime_integrate.py", "vjp"),
    ("runtime_integrate.py", "jvp_vjp"),
    ("runtime_scipy.py", "argument_checks"),   # srcdiff/checks.py calls it while compiling
}


def _runtime_modules():
    names = glob.glob(os.path.join(ROOT, "srcdiff", "runtime*.py")) + [
        os.path.join(ROOT, "srcdiff", n) for n in (
            "forward_runtime.py", "lazy_runtime.py", "complex_runtime.py", "compose_runtime.py")]
    return sorted(names)


def test_no_helper_imports_srcdiff_inside_its_body():
    """`from .runtime import unbroadcast` inside numpy.diag's adjoint failed in every
    standalone module using numpy.diag of a matrix (ImportError: attempted relative import
    with no known parent package)."""
    found = []
    for path in _runtime_modules():
        with open(path) as fh:
            tree = ast.parse(fh.read())
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if (os.path.basename(path), fn.name) in IN_PROCESS:
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom) and (node.level or (
                        node.module or "").split(".")[0] == "srcdiff"):
                    found.append(f"{os.path.basename(path)}:{node.lineno} in {fn.name}")
    assert not found, found


MIXED = '''import numpy as np


def mixed(v, w):
    d = np.diag(v)
    e = np.diff(w, prepend=v[:1, 0])
    s = np.select([w > 0.5, w <= 0.5], [w ** 2, np.sin(w) * v[0, 1]])
    return np.sum(d ** 2) + np.sum(e ** 3) + np.sum(s)
'''


def _generate(folder, mode, wrt, out):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([ROOT, env.get("PYTHONPATH", "")])
    r = subprocess.run([sys.executable, "-m", "srcdiff", "mixed.py:mixed", "--wrt", wrt,
                        "--mode", mode, "-o", out], cwd=str(folder), env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def _run_without_srcdiff(folder, script):
    code = ("import sys\n"
            f"sys.path = [p for p in sys.path if not p.startswith({ROOT!r})]\n"
            f"sys.path.insert(0, {str(folder)!r})\n"
            "sys.modules['srcdiff'] = None\n"
            "sys.modules['gast'] = None\nsys.modules['astor'] = None\n" + script)
    r = subprocess.run([sys.executable, "-c", code], cwd=str(folder), capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr


@pytest.fixture
def mixed(tmp_path):
    (tmp_path / "mixed.py").write_text(MIXED)
    namespace = {}
    exec(compile(MIXED, str(tmp_path / "mixed.py"), "exec"), namespace)
    rng = np.random.default_rng(3)
    v = rng.normal(size=(3, 3))
    w = rng.uniform(0.1, 0.4, size=4) + 0.5 * (rng.uniform(size=4) > 0.5)  # away from 0.5
    np.save(tmp_path / "v.npy", v)
    np.save(tmp_path / "w.npy", w)
    return tmp_path, namespace["mixed"], v, w


def test_standalone_gradient_of_diag_diff_select(mixed):
    folder, f, v, w = mixed
    _generate(folder, "reverse", "v,w", "mixed_grad.py")
    _run_without_srcdiff(folder, (
        "import numpy as np, mixed_grad\n"
        "gv, gw = mixed_grad.grad_mixed(np.load('v.npy'), np.load('w.npy'))\n"
        "np.save('gv.npy', gv)\nnp.save('gw.npy', gw)\n"))
    np.testing.assert_allclose(np.load(folder / "gv.npy"), numerical_grad(f, [v, w], 0),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(np.load(folder / "gw.npy"), numerical_grad(f, [v, w], 1),
                               rtol=1e-6, atol=1e-8)


def test_standalone_jvp_of_diag_diff_select(mixed):
    folder, f, v, w = mixed
    _generate(folder, "forward", "v,w", "mixed_jvp.py")
    rng = np.random.default_rng(4)
    tv, tw = rng.normal(size=v.shape), rng.normal(size=w.shape)
    np.save(folder / "tv.npy", tv)
    np.save(folder / "tw.npy", tw)
    _run_without_srcdiff(folder, (
        "import numpy as np, mixed_jvp\n"
        "y, t = mixed_jvp.jvp_mixed(np.load('v.npy'), np.load('w.npy'), np.load('tv.npy'),"
        " np.load('tw.npy'))\n"
        "np.save('t.npy', t)\n"))
    eps = 1e-6
    want = (f(v + eps * tv, w + eps * tw) - f(v - eps * tv, w - eps * tw)) / (2 * eps)
    np.testing.assert_allclose(np.load(folder / "t.npy"), want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("wrt", ["v", "w"])
def test_standalone_hvp_of_diag_diff_select(mixed, wrt):
    """Forward over reverse: the copied adjoint helpers and their tangents."""
    folder, f, v, w = mixed
    _generate(folder, "hvp", wrt, "mixed_hvp.py")
    position = "vw".index(wrt)
    vector = np.random.default_rng(5).normal(size=(v, w)[position].shape)
    np.save(folder / "vector.npy", vector)
    _run_without_srcdiff(folder, (
        "import numpy as np, mixed_hvp\n"
        "h = mixed_hvp.hvp_mixed(np.load('v.npy'), np.load('w.npy'), np.load('vector.npy'))\n"
        "np.save('h.npy', h)\n"))
    grad = srcdiff.grad(f, wrt=position)   # itself checked against f by the test above
    eps = 1e-6
    plus, minus = [v, w], [v, w]
    plus[position] = plus[position] + eps * vector
    minus[position] = minus[position] - eps * vector
    want = (grad(*plus) - grad(*minus)) / (2 * eps)
    np.testing.assert_allclose(np.load(folder / "h.npy"), want, rtol=1e-5, atol=1e-7)
