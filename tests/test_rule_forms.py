"""srcdiff/rule_forms.py: partials, elementwise and linear write both modes' rules from one
declaration. Each declared rule is checked against finite differences (gradient, jvp and
second order) by tests/gradcheck.py's `check`; the generated templates read as a person
would write them; a declaration that cannot be right fails where it is written."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import d, rules
from srcdiff import syntax as S
from srcdiff.errors import RuleError
from srcdiff.rule_forms import elementwise, linear, partials


def _text(mode, func):
    import astor
    return [astor.to_source(S.to_python_ast(stmt)).strip()
            for stmt in rules.lookup(mode, func).body]


def _line_of(text):
    with open(__file__) as fh:
        return next(i for i, line in enumerate(fh, 1) if text in line and "_line_of" not in line)


# -- functions srcdiff takes as primitives once they have rules ------------------------------
def angle_of(y, x):
    return np.arctan2(y, x)


def soft_plus_sum(a, b):
    return np.logaddexp(a, b)


def cube(x):
    return x ** 3


def double_rows(g, scale):
    return 2.0 * scale * g


@partials(angle_of)
def angle_of_partials(r, y, x):
    squares = x * x + y * y
    return x / squares, -y / squares


partials(soft_plus_sum)(lambda r, a, b: (np.exp(a - r), np.exp(b - r)))
elementwise(cube, lambda y, x: 3 * x * x)
linear(double_rows, "g", "scale", transpose=None)


def test_partials_of_a_binary_function_give_both_modes_with_broadcasting():
    def f(y, x):
        return np.sum(np.sin(angle_of(y, x)) * y)

    y = np.array([[0.3, -1.2, 2.0], [0.7, 0.4, -0.5]])
    x = np.array([1.1, -0.6, 0.9])  # broadcast against y's rows
    check(f, y, x, wrt=(0, 1))
    check(lambda x, y: np.sum(angle_of(y, x) ** 2), 0.8, y, wrt=(0, 1))


def test_partials_as_a_lambda():
    def f(a, b):
        return np.sum(soft_plus_sum(a, b) ** 2)

    check(f, np.array([0.2, -1.0, 1.5]), np.array([[0.4], [-0.3]]), wrt=(0, 1))


def test_elementwise_from_a_lambda():
    def f(x):
        return np.sum(np.cos(cube(x)))

    check(f, np.array([0.3, -0.8, 1.1]))


def test_linear_in_two_arguments_is_the_product_rule():
    def f(g, scale):
        return np.sum(np.sin(double_rows(g, scale)))

    check(f, np.array([0.3, -0.8, 1.1]), 0.7, wrt=(0, 1), modes=("fwd",))


def test_linear_with_a_transpose_gives_the_reverse_rule():
    def twice(v, w):
        return 2.0 * v * w

    linear(twice, "v", transpose=lambda y, v, w: 2.0 * d[y] * w)

    def f(v):
        return np.sum(np.tanh(twice(v, np.array([0.5, -1.5, 2.0]))))

    check(f, np.array([0.3, -0.8, 1.1]))


def test_the_generated_rules_read_as_written_by_hand():
    assert _text("reverse", angle_of) == [
        "squares = x * x + y * y",
        "d[y] = unbroadcast(d[r] * x / squares, y)",
        "d[x] = -unbroadcast(d[r] * y / squares, x)"]
    assert _text("forward", angle_of) == [
        "squares = x * x + y * y",
        "d[r] = broadcast_like(d[y] * x / squares, r)",
        "d[r] = -broadcast_like(d[x] * y / squares, r)"]
    # a partial of 1 leaves the derivative alone, -1 negates it (outside the broadcast, so
    # the terms' sum reads a - e); elementwise keeps g * (p)
    assert _text("reverse", np.log) == ["d[x] = d[y] * (1 / x)"]
    assert _text("reverse", np.divide) == ["d[x1] = unbroadcast(d[y] / x2, x1)",
                                           "d[x2] = -unbroadcast(d[y] * y / x2, x2)"]
    assert _text("forward", np.subtract) == ["d[y] = broadcast_like(d[x1], y)",
                                             "d[y] = -broadcast_like(d[x2], y)"]
    assert _text("forward", double_rows) == ["d[y] = double_rows(d[g], scale)",
                                             "d[y] = double_rows(g, d[scale])"]


def test_no_partial_means_no_derivative():
    # heaviside is piecewise constant in its first argument: no statement for it
    assert _text("reverse", np.heaviside) == [
        "d[x2] = unbroadcast(d[y] * numpy.equal(x1, 0), x2)"]


def test_a_wrong_number_of_partials_fails_where_it_is_declared():
    def two(a, b):
        return a * b

    with pytest.raises(RuleError, match="returns 1 partial derivative") as info:
        @partials(two)
        def two_partials(y, a, b):
            return b  # one partial for two parameters
    assert info.value.lineno == _line_of("@partials(two)")


def test_a_partials_def_is_setup_then_return():
    def one(a):
        return a

    with pytest.raises(RuleError, match="setup assignments, then `return`"):
        @partials(one)
        def one_partials(y, a):
            if a > 0:
                return 1.0
            return 1.0


def test_two_lambdas_with_the_same_parameters_on_a_line_are_refused():
    def one(a):
        return a

    with pytest.raises(RuleError, match="the only one with its parameters on its line"):
        both = [lambda y, a: 1.0, lambda y, a: 2.0]; elementwise(one, both[0])  # noqa: E702
    assert rules.lookup("reverse", one) is None


def test_linear_names_only_the_function_s_parameters():
    def scaled(g, k):
        return k * g

    with pytest.raises(RuleError, match="names no parameter of it: h"):
        linear(scaled, "h")
    with pytest.raises(RuleError, match="must take"):
        linear(scaled, "g", transpose=lambda y, g: d[y])
    with pytest.raises(RuleError, match="reverse rule of one argument"):
        linear(scaled, "g", "k", transpose=lambda y, g, k: d[y] * k)


def test_the_string_form_of_elementwise_still_works():
    def quartic(x):
        return x ** 4

    srcdiff.elementwise(quartic, "4 * x ** 3", {"__name__": "user"})
    check(lambda x: np.sum(quartic(x)), np.array([0.3, -0.8, 1.1]))


def test_a_lambda_without_source_is_refused_saying_what_to_do():
    def one(a):
        return a

    scope = {"elementwise": elementwise, "one": one}
    with pytest.raises(RuleError, match="can not be read"):
        exec("elementwise(one, lambda y, a: 1.0)", scope)
