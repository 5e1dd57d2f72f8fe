"""README.md's lists of what differentiates and what is refused are true (issue #13): every
concrete example of its "What differentiates" list passes gradcheck.check (both modes, second
order), every example of its "Refused, with an error naming your file and line" paragraph is
refused with a SrcdiffError naming the line marked `# refused: <name>` in
tests/readme_claims.py, quoting it, with a reason and a hint, in reverse and forward mode.
A claim false today is a strict xfail saying why (the README or the code is to be fixed)."""
import inspect
import warnings

import numpy as np
import pytest

import readme_claims as rc
import srcdiff
from gradcheck import _random_tree, check

FILE = inspect.getsourcefile(rc)
LINES = open(FILE).read().splitlines()


def _marks(case):
    return [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []


def _params(cases):
    return [pytest.param(c, id=c.f.__name__, marks=_marks(c)) for c in cases]


@pytest.mark.parametrize("case", _params(rc.WORKS + rc.SCIPY_WORKS))
def test_what_the_readme_says_differentiates_does(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check(case.f, *case.args, wrt=case.wrt, order=case.order)


def _run(mode, case):
    args = [np.copy(a) if isinstance(a, np.ndarray) else a for a in case.args]
    if mode == "grad":
        return srcdiff.grad(case.f, wrt=case.wrt)(*args)
    at = args[case.wrt] if case.wrt < len(args) else args[0]
    tangent = _random_tree(at, np.random.default_rng(0))
    return srcdiff.jvp(case.f, wrt=case.wrt)(*args, tangent)


def test_every_refused_example_marks_its_lines():
    """Each refused example marks the line(s) of this file where it may be refused (its
    own line, or the line of a helper it calls where the reason lies)."""
    for case in rc.REFUSED + rc.SCIPY_REFUSED:
        name = case.f.__name__
        marked = [n for n, line in enumerate(LINES) if line.endswith(f"# refused: {name}")]
        assert 1 <= len(marked) <= 2, (name, marked)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("case", _params(rc.REFUSED + rc.SCIPY_REFUSED))
def test_what_the_readme_says_is_refused_is_refused_at_its_line(case, mode):
    if mode not in case.modes:
        # the README claims this refusal in the other mode only: here it is right
        check(case.f, *case.args, wrt=case.wrt, modes=("rev" if mode == "grad" else "fwd",),
              order=1)
        return
    with pytest.raises(srcdiff.SrcdiffError) as info:
        _run(mode, case)
    err = info.value
    assert err.filename == FILE, str(err)
    assert LINES[err.lineno - 1].endswith(f"# refused: {case.f.__name__}"), str(err)
    assert err.line.strip() == LINES[err.lineno - 1].strip()
    assert err.reason and err.hint, str(err)


def test_grad_of_a_bound_method():
    """srcdiff.grad(obj.method) differentiates a bound method."""
    check(rc.bound_method_claim(), rc.X)


def test_no_entry_point_changes_the_callers_arrays():
    x = rc.X.copy()
    for transform in (srcdiff.grad, srcdiff.value_and_grad, srcdiff.hessian):
        transform(rc.writes_its_own_argument)(x)
    srcdiff.jvp(rc.writes_its_own_argument)(x, np.ones(3))
    srcdiff.vjp(rc.writes_its_own_argument)(x, 1.0)
    srcdiff.hvp(rc.writes_its_own_argument)(x, np.ones(3))
    srcdiff.jacobian(rc.writes_its_own_argument)(x)
    assert np.array_equal(x, rc.X)


def test_changing_a_dicts_keys_while_looping_raises_pythons_runtime_error():
    """The derivative raises Python's RuntimeError where Python does."""
    def grows(x):
        d = {"a": x}
        for k in d:
            d[k + "b"] = d[k] * 2.0
        return np.sum(d["ab"])
    with pytest.raises(RuntimeError):
        grows(rc.X)
    line = grows.__code__.co_firstlineno + 2
    for mode in ("grad", "jvp"):
        with pytest.raises(RuntimeError) as info:
            _run(mode, rc.Claim("", grows, (rc.X,)))
        assert info.value.lineno == line and info.value.line.strip() == "for k in d:"


def test_run_time_refusals_are_srcdiff_errors_and_value_errors():
    assert issubclass(srcdiff.RuntimeRefusal, srcdiff.SrcdiffError)
    assert issubclass(srcdiff.RuntimeRefusal, ValueError)
    with pytest.raises(srcdiff.RuntimeRefusal):
        srcdiff.grad(rc.row_swap)(rc.A.copy())


def test_a_matrix_argument_is_refused_and_a_subclass_adding_attributes_works():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        matrix = np.matrix(rc.A)
    with pytest.raises(srcdiff.ArgumentError) as info:
        srcdiff.grad(rc.sum_sq)(matrix)
    assert "asarray" in str(info.value)
    check(rc.sum_sq, rc.tagged(rc.X))


def test_an_expression_nested_past_the_recursion_limit_is_refused_at_its_line(tmp_path):
    """Refused at its line, and it breaks no other function of its file."""
    import importlib.util
    terms = " + ".join(f"x[{k % 3}] * {k + 1}.0" for k in range(800))
    source = ("import numpy as np\n\n\ndef deep(x):\n    return np.sum(x) + " + terms + "\n\n\n"
              "def shallow(x):\n    return np.sum(np.sin(x))\n")
    path = tmp_path / "deep_module.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("deep_module", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for mode in ("grad", "jvp"):
        with pytest.raises(srcdiff.SrcdiffError) as info:
            _run(mode, rc.Claim("", module.deep, (rc.X,)))
        assert info.value.filename == str(path) and info.value.lineno == 5, str(info.value)
    check(module.shallow, rc.X)


def test_a_function_whose_file_was_edited_after_import_is_refused_at_its_line(tmp_path):
    """The text no longer compiles to the code that runs: refused at the function's line."""
    import importlib.util
    path = tmp_path / "edited_module.py"
    path.write_text("import numpy as np\n\n\ndef g(x):\n    return np.sum(np.sin(x))\n")
    spec = importlib.util.spec_from_file_location("edited_module", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path.write_text("import numpy as np\n\n\ndef g(x):\n    return np.sum(np.cos(x) * 2.0)\n")
    for mode in ("grad", "jvp"):
        with pytest.raises(srcdiff.SrcdiffError) as info:
            _run(mode, rc.Claim("", module.g, (rc.X,)))
        assert info.value.filename == str(path) and info.value.lineno == 4, str(info.value)
