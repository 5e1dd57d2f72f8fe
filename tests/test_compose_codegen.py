"""srcdiff/compose_codegen.py: second derivatives as standalone source (the codegen
command's --mode hvp, --mode hessian, --order 2), run without srcdiff and checked against
differences of the gradient."""
import numpy as np
import pytest

import srcdiff


MODEL = '''import numpy as np


def _act(v):
    return v * np.tanh(v)


def loss(w, x):
    s = 0.0
    for k in range(2):
        if k > 0:
            s = s + np.sum(_act(w * x) ** 2) / (k + 1)
        else:
            s = s + np.sum(np.sin(w) * x)
    return s
'''


@pytest.mark.parametrize("args", [("--mode", "hvp"), ("--mode", "hessian"), ("--order", "2")])
def test_codegen_second_derivatives(tmp_path, args):
    import importlib.util
    from test_cli import _run_standalone, run_cli
    (tmp_path / "model.py").write_text(MODEL)
    out = tmp_path / "second.py"
    r = run_cli("model.py:loss", *args, "-o", str(out), cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    hvp = args == ("--mode", "hvp")
    assert ("def hvp_loss(w, x, vector):" if hvp else "def hessian_loss(w, x):") in text
    assert "def jvp_grad_loss(w, x, tangent_w):" in text  # the function it calls, below it
    w, x, v = np.array([0.3, -0.2, 0.5]), np.array([1.0, 2.0, -0.5]), np.array([0.5, 1.0, 2.0])
    np.save(tmp_path / "in.npy", np.array([w, x, v]))
    call = "second.hvp_loss(w, x, v)" if hvp else "second.hessian_loss(w, x)"
    _run_standalone(tmp_path, "import numpy as np, second\n"
                              "w, x, v = np.load('in.npy')\n"
                              f"np.save('out.npy', {call})\n")
    got = np.load(tmp_path / "out.npy")
    spec = importlib.util.spec_from_file_location("compose_model", tmp_path / "model.py")
    model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model)
    gradient, eps = srcdiff.grad(model.loss), 1e-6  # against differences of the gradient
    columns = [(gradient(w + eps * e, x) - gradient(w - eps * e, x)) / (2 * eps)
               for e in (np.eye(3) if not hvp else [v])]
    want = columns[0] if hvp else np.stack(columns, -1)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
