"""`srcdiff FILE:FUNC --backend numba` (srcdiff/numba_codegen.py): a module whose gradient
Numba compiles, checked against finite differences.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

from gradcheck import numerical_grad
from numba_checks import ROOT, needs_numba, own_cache, workloads  # noqa: F401 (own_cache: autouse)


@needs_numba
def test_codegen_backend_numba(tmp_path):
    """`srcdiff FILE:FUNC --backend numba` writes a module whose gradient Numba compiles."""
    out = tmp_path / "grad_numba.py"
    done = subprocess.run([sys.executable, "-m", "srcdiff", "benchmarks/workloads.py:control_flow",
                           "--backend", "numba", "-o", str(out)], cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "@numba.njit(cache=True, boundscheck=True)\ndef grad_control_flow_kernel(a):" in text
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
