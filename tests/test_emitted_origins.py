"""srcdiff/emitted_origins.py: a refusal met while srcdiff differentiates its own emitted code
again (hvp, jacobian of a gradient, a third derivative) names the user's line that led there,
never a line of a generated file, nor its temporaries; the generated line is kept on the
refusal (`generated`), out of its message."""
import os

import numpy as np
import pytest

import srcdiff
from srcdiff import d, emitted_origins

X = np.array([0.5, -1.0, 0.7])


def opaque(x):
    return np.sin(x)


def opaque_adjoint(y, x):   # a reverse rule only: the gradient runs, its tangent is refused
    d[x] = d[y] * np.cos(x)


@pytest.fixture(autouse=True)
def reverse_rules_only():
    """The reverse-only rules these tests need, registered for each test and taken off after
    it (tests/test_rules.py checks every rule left registered has its forward twin)."""
    from srcdiff import rules
    srcdiff.reverse_rule(opaque)(opaque_adjoint)
    srcdiff.reverse_rule(helper_with_a_reverse_rule_only)(helper_adjoint)
    srcdiff.reverse_rule(wavy)(wavy_adjoint)
    try:
        yield
    finally:
        for f in (opaque, helper_with_a_reverse_rule_only, wavy):
            dict.pop(rules.REVERSE, id(f), None)


def uses_opaque(x):
    h = x * 2.0
    y = opaque(h)
    return np.sum(y * x)


def uses_opaque_in_an_expression(x):
    return np.sum(opaque(x * 2.0) * x)


def _line_of(text):
    with open(__file__) as fh:
        return next(i for i, line in enumerate(fh.read().splitlines(), 1)
                    if line.strip() == text)


@pytest.mark.parametrize("make", [
    lambda f: (lambda x: srcdiff.hvp(f)(x, x)),
    lambda f: srcdiff.jacobian(srcdiff.grad(f)),
    lambda f: (lambda x: srcdiff.jvp(srcdiff.grad(f))(x, x)),
])
def test_a_refusal_in_a_second_derivative_names_the_users_line(make):
    with pytest.raises(srcdiff.SrcdiffError) as info:
        make(uses_opaque)(X.copy())
    err = info.value
    assert not err.filename.startswith("srcdiff-generated"), str(err)
    assert os.path.samefile(err.filename, __file__), str(err)
    assert err.lineno == _line_of("y = opaque(h)") and err.line.strip() == "y = opaque(h)"
    assert "forward (tangent) rule" in str(err)
    assert "srcdiff-generated/" not in str(err) and "own derivative of it again" in err.reason
    assert "srcdiff-generated/" in err.generated and "grad_uses_opaque.py" in err.generated


def test_a_generated_statement_the_user_did_not_write_names_the_users_function():
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.hvp(uses_opaque_in_an_expression)(X.copy(), X.copy())
    err = info.value
    assert os.path.samefile(err.filename, __file__), str(err)
    assert err.lineno in (_line_of("def uses_opaque_in_an_expression(x):"),
                          _line_of("return np.sum(opaque(x * 2.0) * x)")), str(err)


def test_other_errors_are_left_as_they_are():
    err = srcdiff.SrcdiffError("reason", filename="user.py", lineno=3, line="x = 1")
    emitted_origins.relocate(err)
    assert (err.filename, err.lineno) == ("user.py", 3)
    unknown = srcdiff.SrcdiffError("reason", filename="srcdiff-generated/none/g.py", lineno=2)
    emitted_origins.relocate(unknown)
    assert unknown.filename == "srcdiff-generated/none/g.py"
    assert emitted_origins.user_line("srcdiff-generated/none/g.py", 2) is None


def helper_with_a_reverse_rule_only(x):
    return np.cos(x)


def helper_adjoint(y, x):
    d[x] = -d[y] * np.sin(x)


def wavy(x):
    return np.sin(x)


def wavy_adjoint(y, x):   # the adjoint calls a function without a tangent rule
    d[x] = d[y] * helper_with_a_reverse_rule_only(x)


def uses_wavy(x):
    y = wavy(x)
    return np.sum(y * x)


def test_an_adjoint_statement_names_the_line_its_comment_names():
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.hvp(uses_wavy)(X.copy(), X.copy())
    err = info.value
    assert os.path.samefile(err.filename, __file__), str(err)
    assert err.lineno == _line_of("y = wavy(x)"), str(err)


def test_code_made_from_emitted_code_goes_back_to_the_users_function():
    namespace = {}
    exec(compile("def grad_g(x):\n    return x\n", "srcdiff-generated/t-1/grad_g.py", "exec"),
         namespace)
    inner = namespace["grad_g"]
    outer = namespace["outer"] = lambda: None   # the function loaded from the second file
    emitted_origins.register("srcdiff-generated/t-1/grad_g.py", "def grad_g(x):\n    return x\n",
                             uses_opaque, inner)
    emitted_origins.register("srcdiff-generated/t-1/jvp_grad_g.py", "a = 1\nb = 2\n", inner,
                             outer)
    found = emitted_origins.user_line("srcdiff-generated/t-1/jvp_grad_g.py", 2)
    assert found is not None and os.path.samefile(found[0], __file__)
    assert found[1:] == (_line_of("def uses_opaque(x):"), "b = 2", None)
    del namespace, outer, inner   # the functions loaded go: so does what was kept of them
    import gc
    gc.collect()
    assert emitted_origins.user_line("srcdiff-generated/t-1/jvp_grad_g.py", 2) is None


def smooth(x):
    return np.sum(np.sin(x) * x)


def test_a_composition_srcdiff_generated_goes_back_to_the_users_function():
    jacobian = srcdiff.jacobian(srcdiff.grad(smooth))
    jacobian(X.copy())
    files = [f for f in list(emitted_origins._ORIGINS) if "/compose-" in f and
             f.endswith("/jacobian_grad_smooth.py")]
    assert files, list(emitted_origins._ORIGINS)
    found = emitted_origins.user_line(files[-1], 3)
    assert found is not None and os.path.samefile(found[0], __file__)
    assert found[1] == _line_of("def smooth(x):")
