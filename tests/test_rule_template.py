"""srcdiff/rule_template.py: a rule's body parsed and checked when the rule is built: the
`d[x]` it writes and reads (by mode), module aliases written out as the modules' own names,
and the RuleError at the rule's own line for a body its mode does not allow."""
import numpy as np
import numpy.linalg as la
import pytest

import srcdiff
from gradcheck import check
from srcdiff import d, rule_template
from srcdiff import syntax as S


def test_the_derivatives_a_statement_writes_and_reads():
    body = rule_template.parse_template_text(
        "def adjoint(y, x, w):\n    t = d[y] * w\n    d[x] = t * x\n    d[w] = d[y] * x\n")
    assert [rule_template.d_targets(stmt) for stmt in body] == [[], ["x"], ["w"]]
    assert [rule_template.d_reads(stmt) for stmt in body] == [["y"], [], ["y"]]
    assert rule_template.free_names(body, {"y", "x", "w", "d"}) == []
    assert rule_template.is_d(S.quote_expr("d[x]"))
    assert not rule_template.is_d(S.quote_expr("e[x]"))


def test_a_template_knows_its_parameters_and_free_names():
    def f(x, scale=2.0):
        return np.tanh(x) * scale

    def adjoint(y, x, scale=2.0):
        d[x] = d[y] * scale * (1.0 - np.tanh(x) ** 2)

    import inspect
    body = rule_template.parse_template(adjoint)
    template = rule_template.Template("reverse", f, body, inspect.signature(adjoint),
                                      adjoint.__globals__, "adjoint")
    assert (template.result, template.params) == ("y", ["x", "scale"])
    assert template.free == ["numpy"]   # np written out as numpy
    assert template.bind(S.load("out"), [S.load("v")], {})["scale"].value == 2.0


def test_module_aliases_in_rules_are_resolved_to_dotted_names():
    def norm_squared(x):
        return la.norm(x) ** 2

    def shifted(x):
        return norm_squared(x) + 1.0

    @srcdiff.reverse_rule(norm_squared)
    def norm_squared_adjoint(y, x):
        d[x] = d[y] * 2.0 * x * (la.norm(x) / la.norm(x))

    @srcdiff.forward_rule(norm_squared)
    def norm_squared_tangent(y, x):
        d[y] = np.sum(2.0 * x * d[x]) * (la.norm(x) / la.norm(x))

    x = np.array([0.5, -1.0, 2.0])
    g = srcdiff.grad(shifted)
    check(shifted, x, wrt=0)
    text = srcdiff.source(g)
    assert "numpy.linalg.norm(x)" in text and "la." not in text and "np." not in text


def _line_of(text):
    """The line of this file holding `text` (1-based)."""
    with open(__file__) as fh:
        return next(i for i, line in enumerate(fh, 1) if text in line and "_line_of" not in line)


def test_rule_writing_the_wrong_derivative_fails_at_registration():
    def f(x):
        return x

    with pytest.raises(srcdiff.errors.RuleError, match="can not be assigned") as info:
        @srcdiff.reverse_rule(f)
        def bad(y, x):
            d[y] = d[x]  # the wrong way round
    assert (info.value.filename, info.value.lineno) == (__file__, _line_of("the wrong way round"))
    assert "d[y] = d[x]" in str(info.value) and "reading d[result]" in str(info.value)

    with pytest.raises(srcdiff.errors.RuleError, match="can not be read"):
        @srcdiff.forward_rule(f)
        def bad_forward(y, x):
            d[y] = d[y] * 2.0


def test_rule_naming_an_unknown_helper_fails_at_registration():
    def f(x):
        return x

    with pytest.raises(srcdiff.errors.RuleError, match="no_such_helper") as info:
        @srcdiff.reverse_rule(f)
        def bad(y, x):
            d[x] = d[y] * no_such_helper(x)  # noqa: F821
    assert info.value.lineno == _line_of("d[y] * no_such_helper(x)")
    assert "import them in the rule's module" in str(info.value)


_SIGNATURES = ("def f(y, a, axis=None, dtype=None, *, keepdims=False): pass",
               "def f(y, x1, x2, /, out=None): pass", "def f(y, *args, k=1): pass",
               "def f(y, a, b, **kw): pass", "def f(y, a, *, b, c=3): pass", "def f(y): pass")
_KEYWORDS = ({}, {"axis": "K"}, {"b": "K"}, {"c": "K", "b": "L"}, {"a": "K"}, {"zz": "K"},
             {"keepdims": "K"}, {"y": "K"}, {"out": "K"})


@pytest.mark.parametrize("text", _SIGNATURES)
def test_binding_a_call_gives_what_the_signature_binds(text):
    # Template.bind's own binding of plain signatures (no positional-only nor variadic
    # parameter) against inspect's: the same operands, defaults as constants, and every
    # call inspect refuses refused (TypeError), for each count of positional arguments
    import inspect
    scope = {}
    exec(text, scope)
    signature = inspect.signature(scope["f"])
    template = rule_template.Template.__new__(rule_template.Template)
    template.signature = signature
    for count in range(5):
        for keywords in _KEYWORDS:
            args = ["A", "B", "C", "D"][:count]
            try:
                bound = signature.bind("R", *args, **keywords)
            except TypeError:
                with pytest.raises(TypeError):
                    template.bind("R", args, keywords)
                continue
            got = template.bind("R", args, keywords)
            assert list(got) == list(signature.parameters)
            for name, param in signature.parameters.items():
                if name in bound.arguments:
                    assert got[name] == bound.arguments[name]
                else:
                    assert isinstance(got[name], S.Constant) and got[name].value == param.default
    plain = rule_template._plain_parameters(signature)
    assert bool(plain) == ("/" not in text and "*args" not in text and "**" not in text)


def test_a_parameter_the_function_names_d_is_written_d_():
    # d is the derivative map in a rule: the function's parameter d is the rule's d_, and a
    # call's keyword d= binds to it; a rule naming a parameter d is refused at its line
    import inspect

    def f(d, e):
        return d * e

    def adjoint(y, d_, e):
        d[d_] = d[y] * e
        d[e] = d[y] * d_

    body = rule_template.parse_template(adjoint)
    template = rule_template.Template("reverse", f, body, inspect.signature(adjoint),
                                      adjoint.__globals__, "adjoint")
    for args, keywords in ([[S.load("p"), S.load("q")], {}],
                           [[], {"d": S.load("p"), "e": S.load("q")}],
                           [[S.load("p")], {"e": S.load("q")}]):
        bound = template.bind(S.load("out"), args, keywords)
        assert (bound["d_"].id, bound["e"].id) == ("p", "q")
    with pytest.raises(TypeError):
        template.bind(S.load("out"), [S.load("p")], {"d": S.load("q")})

    with pytest.raises(srcdiff.errors.RuleError, match="names a parameter d") as info:
        @srcdiff.reverse_rule(f)
        def bad(y, d, e):
            d[e] = d[y] * d  # a parameter named d
    assert info.value.lineno == _line_of("a parameter named d")
    assert "name it d_" in str(info.value)
