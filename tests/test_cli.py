"""The codegen command: standalone modules, golden files, --check, error exits."""
import os
import subprocess
import sys

import numpy as np
import pytest

from gradcheck import numerical_grad

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
GOLDEN = os.path.join(ROOT, "tests", "golden")
sys.path.insert(0, EXAMPLES)
import models  # noqa: E402

TARGETS = {
    "mlp_loss_grad.py": ["models.py:mlp_loss", "--wrt", "w1,b1,w2,b2"],
    "rnn_loss_grad.py": ["models.py:rnn_loss", "--wrt", "wx,wh"],
    "decayed_sum_grad.py": ["models.py:decayed_sum"],
}


def run_cli(*args, cwd=EXAMPLES):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([ROOT, env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "srcdiff", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_golden(name, tmp_path):
    out = tmp_path / name
    result = run_cli(*TARGETS[name], "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    golden = os.path.join(GOLDEN, name)
    if os.environ.get("SRCDIFF_UPDATE_GOLDEN"):
        with open(golden, "w") as fh:
            fh.write(text)
    with open(golden) as fh:
        assert text == fh.read(), f"{name} changed; rerun with SRCDIFF_UPDATE_GOLDEN=1"
    compile(text, name, "exec")


def _standalone(tmp_path, name):
    """Copy a generated module and models.py into a folder, and import it without srcdiff."""
    result = run_cli(*TARGETS[name], "-o", str(tmp_path / name))
    assert result.returncode == 0, result.stderr
    with open(os.path.join(EXAMPLES, "models.py")) as fh:
        (tmp_path / "models.py").write_text(fh.read())
    return tmp_path / name


def _run_standalone(folder, script):
    """Run `script` in a Python whose import path can not reach srcdiff."""
    code = ("import sys\n"
            f"sys.path = [p for p in sys.path if not p.startswith({ROOT!r})]\n"
            f"sys.path.insert(0, {str(folder)!r})\n"
            "sys.modules['srcdiff'] = None\n"  # importing srcdiff now fails
            "sys.modules['gast'] = None\nsys.modules['astor'] = None\n" + script)
    result = subprocess.run([sys.executable, "-c", code], cwd=str(folder), capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_standalone_mlp_matches_finite_differences(tmp_path):
    _standalone(tmp_path, "mlp_loss_grad.py")
    rng = np.random.default_rng(0)
    args = [rng.normal(size=(5, 4)) * 0.5, rng.normal(size=4) * 0.1,
            rng.normal(size=(4, 3)) * 0.5, rng.normal(size=3) * 0.1,
            rng.normal(size=(6, 5)), np.eye(3)[rng.integers(0, 3, size=6)]]
    np.save(tmp_path / "args.npy", np.array(args, dtype=object), allow_pickle=True)
    out = _run_standalone(tmp_path, (
        "import numpy as np, mlp_loss_grad\n"
        "args = list(np.load('args.npy', allow_pickle=True))\n"
        "grads = mlp_loss_grad.grad_mlp_loss(*args)\n"
        "np.save('grads.npy', np.array(grads, dtype=object), allow_pickle=True)\n"))
    grads = np.load(tmp_path / "grads.npy", allow_pickle=True)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g, numerical_grad(models.mlp_loss, args, i), rtol=1e-5,
                                   atol=1e-7)
    assert out == ""


def test_standalone_rnn_and_loop_module(tmp_path):
    _standalone(tmp_path, "rnn_loss_grad.py")
    _standalone(tmp_path, "decayed_sum_grad.py")
    rng = np.random.default_rng(1)
    wx, wh = rng.normal(size=(3, 4)) * 0.4, rng.normal(size=(4, 4)) * 0.4
    xs, h0 = rng.normal(size=(5, 2, 3)), rng.normal(size=(2, 4)) * 0.1
    x = rng.normal(size=3)
    np.save(tmp_path / "in.npy", np.array([wx, wh, xs, h0, x], dtype=object), allow_pickle=True)
    _run_standalone(tmp_path, (
        "import numpy as np, rnn_loss_grad, decayed_sum_grad\n"
        "wx, wh, xs, h0, x = np.load('in.npy', allow_pickle=True)\n"
        "gx, gh = rnn_loss_grad.grad_rnn_loss(wx, wh, xs, h0)\n"
        "gd = decayed_sum_grad.grad_decayed_sum(x)\n"
        "np.save('out.npy', np.array([gx, gh, gd], dtype=object), allow_pickle=True)\n"))
    gx, gh, gd = np.load(tmp_path / "out.npy", allow_pickle=True)
    np.testing.assert_allclose(gx, numerical_grad(models.rnn_loss, [wx, wh, xs, h0], 0),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gh, numerical_grad(models.rnn_loss, [wx, wh, xs, h0], 1),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gd, numerical_grad(models.decayed_sum, [x], 0), rtol=1e-5,
                               atol=1e-7)


def test_header_and_determinism():
    a = run_cli("models.py:mlp_loss", "--wrt", "w1")
    b = run_cli("models.py:mlp_loss", "--wrt", "w1")
    assert a.returncode == 0 and a.stdout == b.stdout
    first = a.stdout.splitlines()[0]
    assert first.startswith("# Code generated by srcdiff ") and first.endswith(
        "from models.py:mlp_loss. DO NOT EDIT.")
    assert "with respect to w1" in a.stdout


def test_several_targets_and_name():
    r = run_cli("models.py:mlp_loss", "models.py:decayed_sum", "--wrt", "w1")
    assert r.returncode != 0  # decayed_sum has no parameter w1
    r = run_cli("models.py:rnn_loss", "models.py:decayed_sum")
    assert r.returncode == 0
    assert "def grad_rnn_loss(" in r.stdout and "def grad_decayed_sum(" in r.stdout
    r = run_cli("models.py:decayed_sum", "--name", "d_decayed")
    assert "def d_decayed(x):" in r.stdout


def test_check_stale_and_fresh(tmp_path):
    out = tmp_path / "g.py"
    assert run_cli("models.py:decayed_sum", "-o", str(out)).returncode == 0
    assert run_cli("models.py:decayed_sum", "-o", str(out), "--check").returncode == 0
    out.write_text(out.read_text() + "# edited\n")
    stale = run_cli("models.py:decayed_sum", "-o", str(out), "--check")
    assert stale.returncode == 1 and "stale" in stale.stderr


@pytest.mark.parametrize("args, message", [
    (["missing.py:f"], "missing.py: no such file"),
    (["models.py:nope"], "no function named 'nope'"),
    (["models.py:rnn_loss", "--wrt", "zz"], "'zz' is not a parameter"),
    (["bad_model.py:f"], "bad_model.py:5:"),
])
def test_errors_are_one_line_with_status_2(args, message, tmp_path):
    (tmp_path / "bad_model.py").write_text(
        "import numpy as np\n\n\ndef f(x):\n    try:\n        return x\n    except Exception:\n"
        "        return x\n")
    with open(os.path.join(EXAMPLES, "models.py")) as fh:
        (tmp_path / "models.py").write_text(fh.read())
    r = run_cli(*args, cwd=str(tmp_path))
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith("srcdiff: error: ")


def test_debug_shows_traceback(tmp_path):
    r = run_cli("missing.py:f", "--debug")
    assert r.returncode == 2 and "Traceback" in r.stderr


def test_rules_listing():
    r = run_cli("--rules")
    assert r.returncode == 0 and "numpy.sum" in r.stdout and "nondifferentiable" in r.stdout


def test_forward_mode_module_stands_alone(tmp_path):
    out = tmp_path / "rnn_jvp.py"
    r = run_cli("models.py:rnn_loss", "--wrt", "wx", "--mode", "forward", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "def jvp_rnn_loss(wx, wh, xs, h0, tangent_wx):" in out.read_text()
    with open(os.path.join(EXAMPLES, "models.py")) as fh:
        (tmp_path / "models.py").write_text(fh.read())
    rng = np.random.default_rng(2)
    wx, wh = rng.normal(size=(3, 4)) * 0.4, rng.normal(size=(4, 4)) * 0.4
    xs, h0, v = rng.normal(size=(5, 2, 3)), rng.normal(size=(2, 4)) * 0.1, rng.normal(size=(3, 4))
    np.save(tmp_path / "in.npy", np.array([wx, wh, xs, h0, v], dtype=object), allow_pickle=True)
    _run_standalone(tmp_path, (
        "import numpy as np, rnn_jvp\n"
        "wx, wh, xs, h0, v = np.load('in.npy', allow_pickle=True)\n"
        "np.save('out.npy', np.array(rnn_jvp.jvp_rnn_loss(wx, wh, xs, h0, v)[1]))\n"))
    got = float(np.load(tmp_path / "out.npy"))
    eps = 1e-6
    fd = (models.rnn_loss(wx + eps * v, wh, xs, h0) - models.rnn_loss(wx - eps * v, wh, xs, h0))
    assert got == pytest.approx(fd / (2 * eps), rel=1e-6)


def test_user_helpers_are_emitted_alongside(tmp_path):
    (tmp_path / "calls.py").write_text(
        "import numpy as np\n\n\ndef square_sum(a):\n    return np.sum(a * a)\n\n\n"
        "def helper_then_log(x):\n    return np.log(square_sum(x) + 1.0)\n")
    r = run_cli("calls.py:helper_then_log", cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "def forward_square_sum(tape, a):" in r.stdout
    assert "def backward_square_sum(tape, " in r.stdout


HEAT = '''import numpy as np


def heat(u0, alpha):
    u = u0.copy()
    for step in range(6):
        lap = np.zeros_like(u)
        lap[1:-1] = u[2:] - 2 * u[1:-1] + u[:-2]
        u = u + alpha * lap
        u[0] = 0.0
        u[-1] = 0.0
    return np.sum(u.astype(float) ** 2)
'''


def test_standalone_module_with_copies_and_item_writes(tmp_path):
    """x.copy() and x.astype() are emitted as the methods they are (not as srcdiff's
    helpers), so the module runs without srcdiff; a buffer rebuilt and written into on
    every step is restored whole on the reverse pass."""
    (tmp_path / "heat.py").write_text(HEAT)
    r = run_cli("heat.py:heat", "-o", str(tmp_path / "heat_grad.py"), cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "heat_grad.py").read_text()
    assert "u = u0.copy()" in text and "import srcdiff" not in text
    u0 = np.linspace(0.1, 1.3, 7) ** 2
    np.save(tmp_path / "u0.npy", u0)
    _run_standalone(tmp_path, (
        "import numpy as np, heat_grad\n"
        "g = heat_grad.grad_heat(np.load('u0.npy'), 0.2)\n"
        "np.save('g.npy', g)\n"))
    sys.path.insert(0, str(tmp_path))
    try:
        import heat
        want = numerical_grad(heat.heat, [u0, 0.2], 0)
    finally:
        sys.path.remove(str(tmp_path))
    np.testing.assert_allclose(np.load(tmp_path / "g.npy"), want, rtol=1e-6, atol=1e-9)


def test_a_helpers_globals_in_another_module_are_imported(tmp_path):
    """A helper from another module reads that module's globals through the module."""
    (tmp_path / "consts.py").write_text(
        "import numpy as np\n\nDATA = np.array([1.0, 2.0, -0.5])\n\n\n"
        "def weighted(x):\n    return np.sum(np.sin(x) * DATA)\n")
    (tmp_path / "uses.py").write_text(
        "import numpy as np\nfrom consts import weighted\n\nDATA = 100.0\n\n\n"
        "def loss(x):\n    return weighted(x) ** 2 + DATA\n")
    r = run_cli("uses.py:loss", "-o", str(tmp_path / "loss_grad.py"), cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "loss_grad.py").read_text()
    assert "import consts" in text and "consts.DATA" in text
    _run_standalone(tmp_path, (
        "import numpy as np, loss_grad\n"
        "np.save('g.npy', loss_grad.grad_loss(np.array([0.4, -0.3, 0.8])))\n"))
    sys.path.insert(0, str(tmp_path))
    try:
        import uses
        want = numerical_grad(uses.loss, [np.array([0.4, -0.3, 0.8])], 0)
    finally:
        sys.path.remove(str(tmp_path))
    np.testing.assert_allclose(np.load(tmp_path / "g.npy"), want, rtol=1e-6, atol=1e-9)


def test_a_helpers_closure_value_is_a_one_line_error(tmp_path):
    (tmp_path / "closed.py").write_text(
        "import numpy as np\n\n\ndef make(k):\n    def g(x):\n        return x * k\n"
        "    return g\n\n\ng = make(2.0)\n\n\ndef loss(x):\n    return np.sum(g(x))\n")
    r = run_cli("closed.py:loss", cwd=str(tmp_path))
    assert r.returncode == 2
    assert "'k_of_g'" in r.stderr and "closure" in r.stderr and len(r.stderr.splitlines()) == 1


def test_odeint_is_a_one_line_error(tmp_path):
    """odeint's derivative makes F's derivatives with srcdiff as it runs: a standalone
    module can not."""
    pytest.importorskip("scipy.integrate")
    (tmp_path / "ode.py").write_text(
        "import numpy as np\nfrom scipy.integrate import odeint\n\n\ndef rhs(y, t, k):\n"
        "    return -k * y\n\n\ndef loss(y0, k):\n"
        "    return np.sum(odeint(rhs, y0, np.array([0.0, 1.0]), args=(k,)))\n")
    for mode in ("reverse", "forward"):
        r = run_cli("ode.py:loss", "--wrt", "y0,k", "--mode", mode, cwd=str(tmp_path))
        assert r.returncode == 2, r.stdout
        assert "odeint" in r.stderr and "srcdiff.grad at run time" in r.stderr
        assert len(r.stderr.splitlines()) == 1


EMPTY_BLOCKS = '''import numpy as np


def branches(x):
    v = x * 2.0
    if x[0] > 0:
        pass
    else:
        v = v * 3.0
    for i in range(3):
        v = v + 1.0
    return np.sum(v * v)
'''


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_standalone_module_with_empty_blocks(tmp_path, mode):
    """Issue 12 item 11: an `if` with nothing in its body gets a pass in the module too."""
    (tmp_path / "blocks.py").write_text(EMPTY_BLOCKS)
    r = run_cli("blocks.py:branches", "--mode", mode, "-o", str(tmp_path / "blocks_d.py"),
                cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    compile((tmp_path / "blocks_d.py").read_text(), "blocks_d.py", "exec")
    call = ("blocks_d.grad_branches(x)" if mode == "reverse" else
            "blocks_d.jvp_branches(x, np.eye(2)[0])[1], blocks_d.jvp_branches(x, np.eye(2)[1])[1]")
    for k, x in enumerate([np.array([0.5, -1.0]), np.array([-0.5, 1.0])]):
        np.save(tmp_path / "x.npy", x)
        _run_standalone(tmp_path, (
            "import numpy as np, blocks_d\n"
            "x = np.load('x.npy')\n"
            f"np.save('g.npy', np.array([{call}], dtype=float).ravel())\n"))
        sys.path.insert(0, str(tmp_path))
        try:
            import blocks
            want = numerical_grad(blocks.branches, [x], 0)
        finally:
            sys.path.remove(str(tmp_path))
            sys.modules.pop("blocks", None)
        np.testing.assert_allclose(np.load(tmp_path / "g.npy"), want, rtol=1e-6, atol=1e-9)


PRODUCTS = "import numpy as np\n\n\ndef products(a, b):\n    return np.sum(a * b)\n"


@pytest.mark.parametrize("mode, call", [
    ("reverse", "gen.grad_products(m, x)"),
    ("reverse", "gen.grad_products(x, [m][0])"),
    ("reverse", "gen.grad_products(x, b=m)"),
    ("forward", "gen.jvp_products(m, x, x)"),
    ("forward", "gen.jvp_products(x, x, m)"),
])
def test_generated_modules_refuse_operator_subclasses(tmp_path, mode, call):
    # numpy.matrix: `*` is a matrix product, so an ndarray's derivative would be wrong
    # (srcdiff.grad refuses it; a generated module must too), located at the function
    (tmp_path / "prods.py").write_text(PRODUCTS)
    r = run_cli("prods.py:products", "--mode", mode, "-o", str(tmp_path / "gen.py"),
                cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    out = _run_standalone(tmp_path, (
        "import warnings\nimport numpy as np, gen\n"
        "warnings.simplefilter('ignore', PendingDeprecationWarning)\n"
        "x = np.array([[1.0, 2.0], [3.0, 4.0]])\nm = np.matrix([[0.5, 1.0], [2.0, -1.0]])\n"
        "print(gen.grad_products(x, x).tolist() if hasattr(gen, 'grad_products') "
        "else gen.jvp_products(x, x, x)[1])\n"
        f"try:\n    {call}\nexcept gen.ArgumentError as e:\n"
        "    assert isinstance(e, TypeError)\n"
        "    print(e.filename, e.lineno, e.line, e.reason, e.hint, sep='|')\n"))
    first, refused = out.splitlines()
    filename, lineno, line, reason, hint = refused.split("|")
    assert (filename, lineno, line) == ("prods.py", "4", "def products(a, b):")
    assert "is a numpy.matrix" in reason and "would be wrong" in reason
    assert "numpy.asarray" in hint
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    expected = numerical_grad(lambda a, b: np.sum(a * b), [x, x], 0)
    if mode == "reverse":
        np.testing.assert_allclose(eval(first), expected, rtol=1e-6)
    else:
        assert float(first) == pytest.approx(np.sum(expected * x), rel=1e-6)


def test_standalone_module_reaches_defaults_by_their_module_names(tmp_path):
    """A helper's defaults that are not literals (`y=OFFSETS`, `act=np.tanh`) are imported
    from the user's module, or from where the function is defined, not refused."""
    (tmp_path / "with_defaults.py").write_text(
        "import numpy as np\n"
        "OFFSETS = np.array([0.5, -1.0, 2.0])\n"
        "def helper(x, y=OFFSETS, act=np.tanh):\n"
        "    return np.sum(act(x * y))\n"
        "def loss(x):\n"
        "    return helper(x) * 2.0\n")
    result = run_cli("with_defaults.py:loss", "-o", "loss_grad.py", cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "loss_grad.py").read_text()
    assert "from with_defaults import OFFSETS" in text and "= numpy.tanh" in text
    out = _run_standalone(tmp_path, (
        "import numpy as np, loss_grad\n"
        "print(repr(loss_grad.grad_loss(np.array([0.3, -0.2, 0.5])).tolist()))\n"))
    got = np.array(eval(out))
    from gradcheck import numerical_grad
    import importlib.util
    spec = importlib.util.spec_from_file_location("with_defaults", tmp_path / "with_defaults.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    np.testing.assert_allclose(got, numerical_grad(mod.loss, (np.array([0.3, -0.2, 0.5]),), 0),
                               rtol=1e-6, atol=1e-8)
