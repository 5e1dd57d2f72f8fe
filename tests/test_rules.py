"""The rule table: every rule has its forward twin; user rules; optional rule modules;
every rule checked (a rule's template parsed and checked is tests/test_rule_template.py's)."""
import os
import sys

import numpy as np
import pytest

import rule_coverage
import srcdiff
from gradcheck import check_grad
from srcdiff import rules
from srcdiff.callables import canonical_path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "examples"))
import custom_rule  # noqa: E402


def test_no_reverse_rule_without_its_forward_twin():
    rules.load_templates()
    missing = [f for f in rules.REVERSE.functions() if rules.FORWARD.find(f) is None]
    assert not missing, [getattr(f, "__name__", f) for f in missing]


def test_the_three_lists_are_apart_and_printable():
    lists = rules.describe(canonical_path)
    assert "numpy.sum" in lists["rules"] and "numpy.argmax" in lists["nondifferentiable"]
    assert lists["not_implemented"]
    for a in lists:
        for b in lists:
            if a != b:
                assert not set(lists[a]) & set(lists[b]), (a, b)


def test_custom_rule_is_stable_where_the_source_is_not():
    scores = np.array([1000.0, 1001.0, 999.5])
    labels = np.array([0.0, 1.0, 0.0])
    g = srcdiff.grad(custom_rule.loss)(scores, labels)
    assert np.all(np.isfinite(g))
    check_grad(custom_rule.loss, np.array([0.3, -1.0, 2.0]), labels)


def test_custom_rule_takes_precedence_over_source():
    text = srcdiff.source(srcdiff.grad(custom_rule.loss))
    assert "numpy.exp(scores - logsumexp_1)" in text and "forward_logsumexp" not in text


def test_rules_written_with_import_aliases_emit_module_names():
    """custom_rule.py writes its rules with `np.`: emitted code says `numpy.` (it never
    depends on an import alias of the user's or of a rule author's)."""
    for text in (srcdiff.source(srcdiff.grad(custom_rule.loss)),
                 srcdiff.source(srcdiff.jvp(custom_rule.logsumexp))):
        code = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
        assert "np." not in "\n".join(code).replace("numpy.", "")


def test_custom_forward_rule():
    x = np.array([0.3, -1.0, 2.0])
    _, t = srcdiff.jvp(custom_rule.logsumexp)(x, np.array([1.0, 2.0, 0.0]))
    eps = 1e-6
    v = np.array([1.0, 2.0, 0.0])
    fd = (custom_rule.logsumexp(x + eps * v) - custom_rule.logsumexp(x - eps * v)) / (2 * eps)
    assert t == pytest.approx(fd, rel=1e-6)


def test_user_function_marked_nondifferentiable():
    x = np.array([0.5, -2.0, 3.0])
    got = srcdiff.grad(custom_rule.with_statistic)(x)
    np.testing.assert_allclose(got, 2 * x * custom_rule.clipped_mean(x))


def test_every_rule_is_checked(tmp_path):
    """Every rule of templates/, in each mode, is exercised by gradcheck.check (both modes
    against central differences, and to second order) somewhere in the rule tests of
    tests/templates/: a new rule without such a test fails here. (conftest.py runs this test
    last; when this session did not run every rule test, they run again in a subprocess.
    Under pytest-xdist each worker runs some of them: the controller checks what all the
    workers' checks reached when they are done, conftest.py's pytest_sessionfinish.)"""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("under pytest-xdist the controller checks the rules every worker's "
                    "checks reached, at the session's end (tests/conftest.py)")
    seen = rule_coverage.checked_here()
    if any(rule_coverage.missing(seen).values()):
        seen = rule_coverage.rerun_rule_tests(tmp_path / "checked.json")
    missing = rule_coverage.missing(seen)
    assert not any(missing.values()), f"rules no gradcheck.check call reaches: {missing}"


_OPTIONAL_SCRIPT = """
import sys
if BLOCK:
    sys.modules["scipy"] = None   # `import scipy` raises ImportError: SciPy not installed
import numpy as np
import srcdiff
import srcdiff.callables

def f(x):
    return np.sum(np.sin(x) * x)

g = srcdiff.grad(f)(np.array([0.5, 1.0]))
assert np.allclose(g, np.sin([0.5, 1.0]) + np.array([0.5, 1.0]) * np.cos([0.5, 1.0])), g
assert BLOCK or "scipy" not in sys.modules, "srcdiff imported scipy"
names = srcdiff.rules.describe(srcdiff.callables.canonical_path)["rules"]
assert any(n.startswith("scipy.") for n in names) != BLOCK, names
print("ok")
"""


@pytest.mark.parametrize("block", [True, False], ids=["scipy-absent", "scipy-not-imported"])
def test_scipy_is_optional_and_imported_only_by_the_user(block, tmp_path):
    """SciPy is an optional extra: without it srcdiff imports, differentiates and lists its
    rules; with it, neither `import srcdiff` nor differentiating NumPy code imports it (its
    rules load once the user's code has imported scipy; describe() lists them)."""
    import subprocess
    if not block:
        pytest.importorskip("scipy")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [root] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    script = tmp_path / "optional_scipy.py"
    script.write_text(f"BLOCK = {block}\n" + _OPTIONAL_SCRIPT)
    done = subprocess.run([sys.executable, str(script)], cwd=root, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr[-3000:]


def test_template_parameters_bind_like_the_function():
    """A call binds to a template as it binds to the function: a template parameter that the
    function also has sits at the same position (else an argument passed by position binds
    to another parameter: scipy.linalg.solve_triangular's sixth argument is overwrite_b, which
    its template once read as check_finite)."""
    import inspect
    srcdiff.rules.load_templates(optional=True)
    wrong = []
    for table in (srcdiff.rules.REVERSE, srcdiff.rules.FORWARD):
        for func, template in table.values():
            if (getattr(func, "__module__", None) or "").startswith("srcdiff"):
                continue
            try:
                params = list(inspect.signature(func).parameters.values())
            except (TypeError, ValueError):
                continue
            positional = [p.name for p in params
                          if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            mine = [p.name for p in list(template.signature.parameters.values())[1:]
                    if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            for i, name in enumerate(mine):
                if name in positional and positional.index(name) != i:
                    wrong.append(f"{template.origin}: {name} at {i}, the function's at "
                                 f"{positional.index(name)}")
    assert not wrong, wrong
