"""srcdiff.extend: autograd's primitive / defvjp / defjvp, each derivative checked against
central differences in both modes; what is not given is refused at the user's line."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, numerical_grad, refusal
from srcdiff.errors import NoRuleError, RuleError
from srcdiff.extend import (def_linear, defjvp, defjvp_argnum, defvjp, defvjp_argnum,
                            primitive)


@primitive
def logsumexp(x):
    try:   # srcdiff refuses try statements in code it differentiates: never looked inside
        max_x = np.max(x)
    except ValueError:
        return -np.inf
    return max_x + np.log(np.sum(np.exp(x - max_x)))


def logsumexp_vjp(ans, x):
    x_shape = x.shape
    return lambda g: np.full(x_shape, g) * np.exp(x - np.full(x_shape, ans))


defvjp(logsumexp, logsumexp_vjp)
defjvp(logsumexp, lambda g, ans, x: np.sum(g * np.exp(x - ans)))


def uses_logsumexp(y):
    z = y ** 2
    lse = logsumexp(z)
    return np.sum(lse) * np.sin(y[0])


def test_a_primitive_differentiates_through_its_vjp_and_jvp_to_second_order():
    # second order: srcdiff differentiates the vjp the maker returns (vjp_makers.py)
    check(uses_logsumexp, np.array([0.3, -0.7, 1.1]))


@primitive
def scaled(x, y, k):
    return np.sin(x) * y * np.floor(k)


defvjp(scaled, lambda ans, x, y, k: lambda g: g * np.cos(x) * y * np.floor(k),
       lambda ans, x, y, k: lambda g: np.sum(g * np.sin(x) * np.floor(k)), None)
defjvp(scaled, lambda g, ans, x, y, k: g * np.cos(x) * y * np.floor(k),
       lambda g, ans, x, y, k: g * np.sin(x) * np.floor(k), None)


def uses_scaled(x, y, k):
    return np.sum(scaled(x * 2.0, y, k) ** 2)


def test_each_argument_its_own_maker_and_none_is_zero():
    x, y, k = np.array([0.4, 1.3]), 0.7, 2.5
    check(uses_scaled, x, y, k, wrt=(0, 1, 2), order=1)
    assert srcdiff.grad(uses_scaled, wrt=2)(x, y, k) == 0.0


@primitive
def weighted(x, w, p=2.0, *, shift=0.5):
    return np.sum(w * (x - shift) ** p)


defvjp(weighted, lambda ans, x, w, p, shift: lambda g: g * w * p * (x - shift) ** (p - 1),
       argnums=(0,))
defjvp(weighted, lambda g, ans, x, w, p, shift: np.sum(g * w * p * (x - shift) ** (p - 1)),
       argnums=(0,))


def uses_weighted(x, w):
    return weighted(x, w, 3.0, shift=0.25) + weighted(x, w)


def test_defaults_keywords_and_argnums():
    check(uses_weighted, np.array([0.9, 1.7]), np.array([0.5, 2.0]), order=1)


def test_an_argument_no_maker_was_given_for_is_refused_at_the_users_line():
    err = refusal(uses_weighted, (np.array([0.9, 1.7]), np.array([0.5, 2.0])), "grad", wrt=1)
    assert "no vjp or jvp was given for its argument 1 (w)" in str(err)
    err = refusal(uses_weighted, (np.array([0.9, 1.7]), np.array([0.5, 2.0])), "jvp", wrt=1)
    assert "argnums=" in str(err)


@primitive
def doubled_sum(x, axis=0):
    return 2.0 * np.sum(x, axis=axis)


defvjp(doubled_sum, lambda ans, x, axis: lambda g: 2.0 * np.broadcast_to(
    np.expand_dims(g, axis), x.shape))
defjvp(doubled_sum, "same")


def uses_doubled_sum(x):
    return np.sum(np.cos(doubled_sum(x * x, 1)))


def test_same_applies_a_linear_primitive_to_the_tangent():
    check(uses_doubled_sum, np.arange(6.0).reshape(2, 3) / 5.0, order=1)


@primitive
def reverse_only(x):
    return np.exp(x)


defvjp(reverse_only, lambda ans, x: lambda g: g * ans)


def uses_reverse_only(x):
    return np.sum(reverse_only(x) * x)


def test_forward_mode_and_second_order_without_defjvp_come_from_the_vjps():
    check(uses_reverse_only, np.array([0.2, 0.5]))
    check(uses_reverse_only, 0.7)
    check(uses_logsumexp_by_vjps, np.array([[0.3, -0.7], [1.1, 0.2]]))


@primitive
def row_logsumexp(x):   # a vector output: one vjp per output element
    return np.log(np.sum(np.exp(x), axis=1))


def row_logsumexp_vjp(ans, x):
    return lambda g: g[:, None] * np.exp(x - ans[:, None])


defvjp(row_logsumexp, row_logsumexp_vjp)


def uses_logsumexp_by_vjps(x):
    return np.sum(np.sin(row_logsumexp(x * x)))


def test_each_form_of_maker_differentiates_to_second_order():
    check(uses_scaled, np.array([0.4, 1.3]), 0.7, 2.5, wrt=(0, 1))
    check(uses_weighted, np.array([0.9, 1.7]), np.array([0.5, 2.0]))
    check(uses_doubled_sum, np.arange(6.0).reshape(2, 3) / 5.0)


def make_opaque_maker(power):
    def maker(ans, x):   # reads `power` of the enclosing function: left opaque
        return lambda g: g * power * x ** (power - 1)
    return maker


@primitive
def powered(x):
    return x ** 3


defvjp(powered, make_opaque_maker(3))
defjvp(powered, lambda g, ans, x: g * 3 * x ** 2)


def uses_powered(x):
    y = powered(x)
    return np.sum(y * x)


def test_second_order_through_an_opaque_vjp_maker_is_refused_at_the_users_line():
    x = np.array([0.3, -0.7, 1.1])
    check(uses_powered, x, order=1)
    with pytest.raises(NoRuleError) as err:
        srcdiff.hvp(uses_powered)(x, np.ones(3))
    assert err.value.lineno == uses_powered.__code__.co_firstlineno + 1
    assert "reverse_rule" in err.value.hint


def test_rules_given_after_a_first_use_replace_the_old_ones():
    @primitive
    def cube(x):
        return x ** 3

    def uses_cube(x):
        return np.sum(cube(x))

    x = np.array([0.5, 2.0])
    defvjp(cube, lambda ans, x: lambda g: g * 2.0 * x)   # wrong on purpose: 2x, not 3x^2
    gradient = srcdiff.grad(uses_cube)
    np.testing.assert_allclose(gradient(x), 2.0 * x)   # the maker given is what runs
    defvjp(cube, lambda ans, x: lambda g: g * 3.0 * x ** 2)
    defjvp(cube, lambda g, ans, x: g * 3.0 * x ** 2)
    # the same derivative object, made before: made again with the maker given now
    np.testing.assert_allclose(gradient(x), numerical_grad(uses_cube, (x,), 0), rtol=1e-6)
    check(uses_cube, x, order=1)


def test_a_derivative_before_any_rule_is_refused_naming_what_to_call():
    @primitive
    def bare(x):
        return np.tanh(x)

    def uses_bare(x):
        return np.sum(bare(x))

    err = refusal(uses_bare, (np.array([0.1]),), "grad", error=NoRuleError)
    assert "defvjp(" in str(err) and "defjvp(" in str(err)


def test_registration_mistakes_are_refused_when_made():
    with pytest.raises(RuleError, match="not a primitive"):
        defvjp(np.tanh, lambda ans, x: lambda g: g)

    @primitive
    def starred(*xs):
        return sum(xs)
    with pytest.raises(RuleError, match=r"takes \*xs"):
        defvjp(starred, lambda ans, *xs: lambda g: g)
    with pytest.raises(RuleError, match="argnums"):
        defvjp(logsumexp, logsumexp_vjp, argnums=(0, 1))
    with pytest.raises(RuleError, match="argnum 3"):
        defvjp(scaled, None, argnums=(3,))


def test_a_primitive_runs_as_the_function_and_keeps_its_name():
    assert logsumexp.__name__ == "logsumexp" and logsumexp.fun(np.zeros(2)) == np.log(2.0)
    assert primitive(logsumexp) is logsumexp


@primitive
def mixed(x, y):
    return np.sin(x) * y


defvjp_argnum(mixed, lambda argnum, ans, args, kwargs: (
    lambda g: g * np.cos(args[0]) * args[1] if argnum == 0 else g * np.sin(args[0])))
defjvp_argnum(mixed, lambda argnum, g, ans, args, kwargs: (
    g * np.cos(args[0]) * args[1] if argnum == 0 else g * np.sin(args[0])))


def uses_mixed(x, y):
    return np.sum(mixed(x, y * x) ** 2)


def test_argnum_forms_give_each_argument_its_derivative():
    check(uses_mixed, np.array([0.3, 1.2]), np.array([-0.4, 0.8]), wrt=(0, 1), order=1)


@primitive
def scaled_outer(a, b, scale=2.0):   # bilinear: linear in each of a and b
    return np.outer(a, b) * scale


defvjp(scaled_outer, lambda ans, a, b, scale: lambda g: g @ b * scale,
       lambda ans, a, b, scale: lambda g: a @ g * scale)
def_linear(scaled_outer)


def uses_blend(a, b):
    return np.sum(np.exp(scaled_outer(a * b, np.cos(b))))


def test_def_linear_applies_the_primitive_to_each_tangent():
    check(uses_blend, np.array([0.3, -0.2]), np.array([0.9, 0.1]), wrt=(0, 1), order=1)


@primitive
def forward_only(x, y):
    return np.sin(x) * y


defjvp(forward_only, lambda g, ans, x, y: g * np.cos(x) * y, lambda g, ans, x, y: g * np.sin(x))


def uses_forward_only(x, y):
    return np.sum(forward_only(x, y) ** 2)


def test_reverse_mode_without_defvjp_comes_from_the_jvps():
    check(uses_forward_only, np.array([0.3, -0.8]), 1.7, wrt=(0, 1), order=1)


def test_the_rule_lists_stay_apart():
    import srcdiff.rules as rules
    for fun in (logsumexp, reverse_only, forward_only, scaled):
        assert rules.not_implemented_hint(fun) is None, fun


@primitive
def cubed(x):
    return x ** 3


defvjp(cubed, lambda ans, x: lambda g: 3.0 * g * x ** 2)   # no defjvp: tangent from the vjps


def wavy_helper(z):
    return np.sin(cubed(z)) + 1.0


def through_a_helper(x):
    w = x * 2.0
    return np.sum(wavy_helper(w) * x)


def test_forward_over_forward_through_the_vjps_names_the_users_line():
    def line(text):
        with open(__file__) as fh:
            return next(i for i, ln in enumerate(fh.read().splitlines(), 1)
                        if ln.strip() == text)
    x = np.array([0.5, 1.5])
    for fn, where in ((wavy_helper, "return np.sin(cubed(z)) + 1.0"),
                      (through_a_helper, "return np.sin(cubed(z)) + 1.0")):
        with pytest.raises(NoRuleError) as err:
            srcdiff.jvp(srcdiff.jvp(fn))(x, np.ones(2), np.ones(2))
        assert err.value.filename == __file__ and err.value.lineno == line(where), str(err.value)
        assert "defjvp" in err.value.hint
    assert f"reached from line {line('return np.sum(wavy_helper(w) * x)')}" in str(err.value)
